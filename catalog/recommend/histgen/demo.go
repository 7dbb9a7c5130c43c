package histgen

import (
	"math"
	"strconv"
)

// DemoTypes returns the customer types of a product of the demo catalog
// (assets/demo/catalog.json), nil for another product.
func DemoTypes(productID string) []Type {
	switch productID {
	case "lift-desk":
		return deskTypes()
	case "grid-shelf":
		return shelfTypes()
	case "kolme-sofa":
		return sofaTypes()
	case "klar-window":
		return windowTypes()
	}
	return nil
}

// num reads a number value (NaN when it is not one).
func num(s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return x
}

// table is a Factor from a table of "a|b" -> factor (1 when not listed).
func table(t map[string]float64) func(a, b string) float64 {
	return func(a, b string) float64 {
		if x, ok := t[a+"|"+b]; ok {
			return x
		}
		return 1
	}
}

// bump is exp(-z²/2) for z = (x-at)/spread.
func bump(x, at, spread float64) float64 {
	z := (x - at) / spread
	return math.Exp(-z * z / 2)
}

func deskTypes() []Type {
	// The frame follows the top (a walnut top on black, glass on alu), and
	// a deeper desk goes with a wider one (screens).
	frameByTop := Pair{A: "top", B: "frame", Factor: table(map[string]float64{
		"walnut|black": 3, "walnut|white": 0.4, "oak|white": 1.8, "glass|alu": 4, "glass|black": 0.5,
		"linoleum|black": 2, "laminate|white": 2.5,
	})}
	depthByWidth := Pair{A: "width", B: "depth", Factor: func(a, b string) float64 {
		w, d := num(a), num(b)
		return 0.15 + bump(d, 500+w/6, 60)
	}}
	engraving := map[string]TextPref{"engraving": {Chance: 0.15, Texts: []string{"Studio Nord", "A. Lindqvist", "Atelier 7", "For Mia", "Kontor 12"}}}
	return []Type{
		{Name: "laptop at home", Share: 0.25, PriceSensitivity: 1.2,
			Choice: map[string]map[string]float64{
				"top":   {"oak": 2, "linoleum": 2, "laminate": 1.2, "walnut": 0.5, "glass": 0.4},
				"edge":  {"soft": 2},
				"frame": {"white": 2},
				"motor": {"single": 3},
			},
			Include: map[string]map[string]float64{"extras": {"tray": 0.5, "grommet": 0.3, "memory": 0.15}},
			Number: map[string][]Peak{
				"width":  {{At: 1200, Spread: 100, Weight: 2}, {At: 1400, Spread: 100, Weight: 1}},
				"depth":  {{At: 650, Spread: 60, Weight: 1}},
				"height": {{At: 730, Spread: 15, Weight: 3}, {At: 760, Spread: 20, Weight: 1}},
			},
			Pairs: []Pair{frameByTop, depthByWidth}},
		{Name: "two-screen professional", Share: 0.25, PriceSensitivity: 0.3, Ordered: 0.25,
			Choice: map[string]map[string]float64{
				"top":   {"oak": 2, "walnut": 1.5, "laminate": 0.6, "glass": 0.2},
				"edge":  {"soft": 1.5, "round": 1.5},
				"frame": {"black": 2},
				"motor": {"dual": 4},
			},
			Include: map[string]map[string]float64{"extras": {"tray": 0.6, "grommet": 0.7, "arm": 0.6, "memory": 0.6, "modesty": 0.2}},
			Number: map[string][]Peak{
				"width":  {{At: 1800, Spread: 100, Weight: 2}, {At: 2000, Spread: 100, Weight: 1}},
				"depth":  {{At: 800, Spread: 50, Weight: 1}},
				"height": {{At: 740, Spread: 20, Weight: 3}, {At: 1150, Spread: 40, Weight: 0.3}},
			},
			Text:  map[string]TextPref{"engraving": {Chance: 0.05, Texts: engraving["engraving"].Texts}},
			Pairs: []Pair{frameByTop, depthByWidth}},
		{Name: "design studio", Share: 0.15, PriceSensitivity: 0.15, Ordered: 0.15,
			Choice: map[string]map[string]float64{
				"top":   {"walnut": 3, "glass": 2, "linoleum": 2, "laminate": 0.2},
				"edge":  {"round": 2, "soft": 1.5, "square": 0.5},
				"frame": {"alu": 3, "black": 1.5, "white": 0.5},
			},
			Include: map[string]map[string]float64{"extras": {"modesty": 0.5, "tray": 0.3, "grommet": 0.2, "memory": 0.3}},
			Number: map[string][]Peak{
				"width":  {{At: 1600, Spread: 150, Weight: 1}},
				"depth":  {{At: 800, Spread: 80, Weight: 1}},
				"height": {{At: 740, Spread: 20, Weight: 1}},
			},
			Text:  engraving,
			Pairs: []Pair{frameByTop, depthByWidth}},
		{Name: "budget", Share: 0.2, PriceSensitivity: 3, Ordered: 0.2,
			Choice: map[string]map[string]float64{
				"top":   {"laminate": 3, "linoleum": 1},
				"edge":  {"square": 1.5, "soft": 1.5},
				"frame": {"white": 1.5, "black": 1.5},
				"motor": {"single": 4},
			},
			Include: map[string]map[string]float64{"extras": {"tray": 0.25, "grommet": 0.3}},
			Number: map[string][]Peak{
				"width":  {{At: 1200, Spread: 150, Weight: 1}, {At: 1400, Spread: 100, Weight: 1}},
				"depth":  {{At: 600, Spread: 50, Weight: 1}, {At: 700, Spread: 50, Weight: 1}},
				"height": {{At: 720, Spread: 20, Weight: 1}},
			},
			Pairs: []Pair{frameByTop, depthByWidth}},
		{Name: "office fit-out", Share: 0.15, PriceSensitivity: 1.5, Ordered: 0.25,
			Choice: map[string]map[string]float64{
				"top":   {"laminate": 2, "oak": 2, "linoleum": 0.5, "walnut": 0.2, "glass": 0.1},
				"edge":  {"soft": 3},
				"frame": {"black": 2, "white": 1.5},
				"motor": {"single": 1.5},
			},
			Include: map[string]map[string]float64{"extras": {"grommet": 0.8, "modesty": 0.7, "tray": 0.6, "memory": 0.4}},
			Number: map[string][]Peak{
				"width":  {{At: 1600, Spread: 60, Weight: 3}, {At: 1800, Spread: 60, Weight: 1}},
				"depth":  {{At: 800, Spread: 40, Weight: 1}},
				"height": {{At: 740, Spread: 10, Weight: 1}},
			},
			Pairs: []Pair{frameByTop, depthByWidth}},
	}
}

func shelfTypes() []Type {
	// The back follows the wood (ink behind walnut, sage with ash), and
	// doors go with the number of modules.
	backByWood := Pair{A: "wood", B: "back", Factor: table(map[string]float64{
		"walnut|ink": 3, "ash|sage": 3, "pine|open": 2.5, "oak|same": 2, "pine|ink": 0.4, "walnut|sage": 0.5,
	})}
	doorsByModules := Pair{A: "modules", B: "doors", Factor: func(a, b string) float64 {
		m, d := num(a), num(b)
		if d == 0 {
			return 1
		}
		return 0.2 + bump(d, m, 0.8)
	}}
	// Shelves fill the height: one about every 35 cm.
	shelvesByHeight := Pair{A: "height", B: "shelves", Factor: func(a, b string) float64 {
		h, s := num(a), num(b)
		return 0.1 + bump(s, 1+h/350, 1)
	}}
	pairs := []Pair{backByWood, doorsByModules, shelvesByHeight}
	return []Type{
		{Name: "library wall", Share: 0.3, PriceSensitivity: 0.4,
			Choice: map[string]map[string]float64{
				"module_width": {"w800": 2, "w1000": 1.5},
				"depth":        {"d350": 2, "d250": 1},
				"wood":         {"oak": 2.5, "walnut": 1.5, "ash": 1},
				"back":         {"open": 2, "same": 1.5},
			},
			Include: map[string]map[string]float64{"extras": {"wall-fix": 0.7, "plinth": 0.3, "led": 0.1}},
			Number: map[string][]Peak{
				"modules": {{At: 4, Spread: 1, Weight: 1}},
				"height":  {{At: 2200, Spread: 200, Weight: 2}, {At: 2000, Spread: 150, Weight: 1}},
				"doors":   {{At: 0, Spread: 0.3, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "sideboard", Share: 0.25, PriceSensitivity: 0.4, Ordered: 0.25,
			Choice: map[string]map[string]float64{
				"module_width": {"w800": 2, "w1000": 1},
				"depth":        {"d450": 2, "d350": 1.5},
				"wood":         {"walnut": 2.5, "oak": 1.5},
				"back":         {"ink": 2, "sage": 1.5},
			},
			Include: map[string]map[string]float64{"extras": {"plinth": 0.7, "led": 0.4}},
			Number: map[string][]Peak{
				"modules": {{At: 3, Spread: 0.8, Weight: 1}},
				"height":  {{At: 800, Spread: 100, Weight: 1}},
				"doors":   {{At: 3, Spread: 1, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "student", Share: 0.25, PriceSensitivity: 3, Ordered: 0.15,
			Choice: map[string]map[string]float64{
				"module_width": {"w600": 2.5, "w800": 1},
				"depth":        {"d250": 2, "d350": 1},
				"wood":         {"pine": 4, "ash": 0.5},
				"back":         {"open": 4},
			},
			Include: map[string]map[string]float64{"extras": {"wall-fix": 0.5, "plinth": 0.05, "led": 0.05}},
			Number: map[string][]Peak{
				"modules": {{At: 1.5, Spread: 0.7, Weight: 1}},
				"height":  {{At: 1400, Spread: 300, Weight: 1}},
				"doors":   {{At: 0, Spread: 0.3, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "scandinavian living room", Share: 0.2, PriceSensitivity: 0.8,
			Choice: map[string]map[string]float64{
				"module_width": {"w800": 3},
				"depth":        {"d350": 3},
				"wood":         {"ash": 3, "oak": 1.5},
				"back":         {"sage": 3, "same": 1},
			},
			Include: map[string]map[string]float64{"extras": {"led": 0.6, "plinth": 0.4, "wall-fix": 0.3}},
			Number: map[string][]Peak{
				"modules": {{At: 3, Spread: 1, Weight: 1}},
				"height":  {{At: 1600, Spread: 200, Weight: 1}, {At: 800, Spread: 100, Weight: 0.5}},
				"doors":   {{At: 1, Spread: 1, Weight: 1}},
			},
			Pairs: pairs},
	}
}

func sofaTypes() []Type {
	// The legs follow the cover (brass with velvet, oak with bouclé and
	// wool, black with leather); soft seats come with back cushions.
	legsByCover := Pair{A: "cover", B: "legs", Factor: table(map[string]float64{
		"velvet|brass": 4, "boucle|oak": 2.5, "boucle|brass": 1.5, "leather|black": 3, "wool|oak": 2, "wool|brass": 0.3,
	})}
	cushions := Pair{A: "comfort", B: "pillows", Factor: table(map[string]float64{
		"soft|back-cushions": 3, "firm|back-cushions": 0.3,
	})}
	// A chaise wants a long sofa.
	chaiseBySeats := Pair{A: "seats", B: "chaise", Factor: func(a, b string) float64 {
		if b == "none" {
			return 1
		}
		return 0.3 * max(1, num(a)-2)
	}}
	pairs := []Pair{legsByCover, cushions, chaiseBySeats}
	return []Type{
		{Name: "family", Share: 0.35, PriceSensitivity: 0.6, Ordered: 0.25,
			Choice: map[string]map[string]float64{
				"seat_width": {"regular": 2, "lounge": 1},
				"chaise":     {"left": 1.5, "right": 1.5, "none": 1},
				"cover":      {"wool": 5, "leather": 1, "boucle": 0.3, "velvet": 0.3},
				"arms":       {"wide": 2, "slim": 1, "none": 0.3},
				"legs":       {"oak": 2, "black": 1.5},
				"comfort":    {"medium": 2, "firm": 1.5},
			},
			Include: map[string]map[string]float64{"pillows": {"throws": 0.5, "back-cushions": 0.3}},
			Number: map[string][]Peak{
				"seats":      {{At: 3, Spread: 0.5, Weight: 2}, {At: 4, Spread: 0.5, Weight: 1.5}},
				"leg_height": {{At: 100, Spread: 25, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "design lover", Share: 0.2, PriceSensitivity: 0.1, Ordered: 0.15,
			Choice: map[string]map[string]float64{
				"seat_width": {"regular": 2, "compact": 1},
				"chaise":     {"none": 3},
				"cover":      {"velvet": 3, "boucle": 3, "wool": 0.3, "leather": 0.8},
				"arms":       {"slim": 4, "none": 1.5, "wide": 0.2},
				"legs":       {"brass": 3, "black": 1},
				"comfort":    {"firm": 1.5, "medium": 1.5},
			},
			Include: map[string]map[string]float64{"pillows": {"throws": 0.3, "back-cushions": 0.2}},
			Number: map[string][]Peak{
				"seats":      {{At: 2, Spread: 0.5, Weight: 1}, {At: 3, Spread: 0.5, Weight: 1}},
				"leg_height": {{At: 150, Spread: 20, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "budget", Share: 0.25, PriceSensitivity: 3, Ordered: 0.25,
			Choice: map[string]map[string]float64{
				"seat_width": {"compact": 3, "regular": 1},
				"chaise":     {"none": 5},
				"cover":      {"wool": 4, "boucle": 1},
				"arms":       {"slim": 1.5, "none": 1.5},
				"legs":       {"oak": 2, "black": 1},
				"comfort":    {"medium": 2, "firm": 1},
			},
			Include: map[string]map[string]float64{"pillows": {"throws": 0.05, "back-cushions": 0.15}},
			Number: map[string][]Peak{
				"seats":      {{At: 2, Spread: 0.5, Weight: 2}, {At: 3, Spread: 0.5, Weight: 1}},
				"leg_height": {{At: 120, Spread: 30, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "comfort seeker", Share: 0.2, PriceSensitivity: 0.4,
			Choice: map[string]map[string]float64{
				"seat_width": {"lounge": 4, "regular": 1},
				"chaise":     {"left": 2, "right": 2},
				"cover":      {"velvet": 2, "wool": 1.5, "boucle": 1, "leather": 0.8},
				"arms":       {"wide": 4},
				"legs":       {"oak": 1.5},
				"comfort":    {"soft": 5},
			},
			Include: map[string]map[string]float64{"pillows": {"back-cushions": 0.8, "throws": 0.6}},
			Number: map[string][]Peak{
				"seats":      {{At: 3, Spread: 0.5, Weight: 2}, {At: 4, Spread: 0.5, Weight: 1}},
				"leg_height": {{At: 80, Spread: 20, Weight: 1}},
			},
			Pairs: pairs},
	}
}

func windowTypes() []Type {
	// The handle follows the frame; a sash is about 650 mm wide.
	handleByFrame := Pair{A: "frame", B: "handle", Factor: table(map[string]float64{
		"pvc|white": 3, "pvc-anthracite|black": 3, "oak|brass": 3, "pine|brass": 1.5, "pine|white": 1.5, "alu|black": 2,
	})}
	sashesByWidth := Pair{A: "width", B: "sashes", Factor: func(a, b string) float64 {
		return 0.05 + bump(num(a)/num(b), 650, 150)
	}}
	// A window is mostly taller than wide.
	heightByWidth := Pair{A: "width", B: "height", Factor: func(a, b string) float64 {
		return 0.3 + bump(num(b)/num(a), 1.25, 0.35)
	}}
	pairs := []Pair{handleByFrame, sashesByWidth, heightByWidth}
	return []Type{
		{Name: "new build", Share: 0.35, PriceSensitivity: 1, Ordered: 0.25,
			Choice: map[string]map[string]float64{
				"frame":    {"pvc": 4, "pvc-anthracite": 2},
				"glazing":  {"triple": 4, "double": 0.5},
				"opening":  {"tilt-turn": 4, "fixed": 0.5},
				"security": {"basic": 3},
				"handle":   {"white": 2},
			},
			Include: map[string]map[string]float64{"extras": {"sill": 0.7, "screen": 0.2, "muntins": 0.02}},
			Number: map[string][]Peak{
				"width":  {{At: 1230, Spread: 100, Weight: 2}, {At: 1010, Spread: 80, Weight: 1}, {At: 2010, Spread: 150, Weight: 0.5}},
				"height": {{At: 1480, Spread: 100, Weight: 2}, {At: 1230, Spread: 80, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "old house renovation", Share: 0.25, PriceSensitivity: 0.5, Ordered: 0.2,
			Choice: map[string]map[string]float64{
				"frame":    {"oak": 3, "pine": 3, "pvc": 0.5},
				"glazing":  {"double": 2, "triple": 1.5},
				"opening":  {"turn": 2, "tilt-turn": 2},
				"security": {"basic": 3},
				"handle":   {"brass": 3},
			},
			Include: map[string]map[string]float64{"extras": {"muntins": 0.7, "sill": 0.4}},
			Number: map[string][]Peak{
				"width":  {{At: 900, Spread: 150, Weight: 1}, {At: 1200, Spread: 100, Weight: 1}},
				"height": {{At: 1300, Spread: 150, Weight: 1}, {At: 1600, Spread: 150, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "modern architecture", Share: 0.2, PriceSensitivity: 0.2, Ordered: 0.15,
			Choice: map[string]map[string]float64{
				"frame":    {"alu": 4, "pvc-anthracite": 2},
				"glazing":  {"triple": 4},
				"opening":  {"fixed": 2, "turn": 1.5, "tilt-turn": 1.5},
				"security": {"rc2": 1.5, "basic": 1},
				"handle":   {"black": 2, "steel": 1.5},
			},
			Include: map[string]map[string]float64{"extras": {"sill": 0.3, "screen": 0.05, "muntins": 0.01}},
			Number: map[string][]Peak{
				"width":  {{At: 2200, Spread: 300, Weight: 1}, {At: 1500, Spread: 200, Weight: 0.5}},
				"height": {{At: 2200, Spread: 150, Weight: 1}},
			},
			Pairs: pairs},
		{Name: "bathroom and cellar", Share: 0.2, PriceSensitivity: 2, Ordered: 0.25,
			Choice: map[string]map[string]float64{
				"frame":    {"pvc": 4},
				"glazing":  {"satin": 4, "double": 1},
				"opening":  {"tilt": 4, "tilt-turn": 1.5},
				"security": {"basic": 3},
				"handle":   {"white": 2},
			},
			Include: map[string]map[string]float64{"extras": {"screen": 0.4, "sill": 0.3}},
			Number: map[string][]Peak{
				"width":  {{At: 600, Spread: 100, Weight: 1}, {At: 800, Spread: 100, Weight: 1}},
				"height": {{At: 600, Spread: 100, Weight: 1}, {At: 900, Spread: 150, Weight: 0.7}},
			},
			Pairs: pairs},
	}
}
