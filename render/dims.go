package render

import (
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
)

var (
	fontOnce  sync.Once
	fontTT    *truetype.Font
	faceMu    sync.Mutex
	faceCache = map[float64]font.Face{}
)

// labelFace returns the Go Regular face at a pixel size (cached; faces are
// safe to share between renders only one at a time, hence the lock around
// drawing with them).
func labelFace(px float64) font.Face {
	fontOnce.Do(func() {
		f, err := truetype.Parse(goregular.TTF)
		if err != nil {
			panic(err) // the embedded font is fixed
		}
		fontTT = f
	})
	px = math.Round(px*2) / 2
	if f, ok := faceCache[px]; ok {
		return f
	}
	f := truetype.NewFace(fontTT, &truetype.Options{Size: px, DPI: 72, Hinting: font.HintingFull})
	faceCache[px] = f
	return f
}

// drawDimensions annotates the overall width (x), height (y) and depth (z)
// of the scene's bounding box: extension lines from the box's corners, a
// dimension line with arrows a little outside, and a label in the unit. Each
// dimension sits on the edge of the box nearest the viewer; one seen
// end-on (shorter than a few pixels on screen) is left out.
func drawDimensions(dc *gg.Context, cam *camera, s *Scene, v View, scale float64) {
	faceMu.Lock()
	defer faceMu.Unlock()
	unit := v.Unit
	if unit == "" {
		unit = "mm"
	}
	lo, hi := s.Min, s.Max
	size := hi.Sub(lo)
	gap := 0.07 * math.Max(size.X, math.Max(size.Y, size.Z))
	// The vertical edge of the box nearest the viewer, and the sides facing it.
	fx, fz := hi.X, hi.Z
	sx, sz := 1.0, 1.0
	if cam.d.X < 0 {
		fx, sx = lo.X, -1
	}
	if cam.d.Z < 0 {
		fz, sz = lo.Z, -1
	}
	bottom := lo.Y
	if cam.d.Y < -0.02 {
		bottom = hi.Y // seen from below: dimension the top edges
	}
	type dim struct {
		a, b, off Vec
		value     float64
	}
	dims := []dim{
		{Vec{lo.X, bottom, fz}, Vec{hi.X, bottom, fz}, Vec{0, 0, sz * gap}, size.X},
		{Vec{fx, bottom, lo.Z}, Vec{fx, bottom, hi.Z}, Vec{sx * gap, 0, 0}, size.Z},
	}
	// Height: on the vertical edge that lies left on screen, pushed out.
	type corner struct{ x, z float64 }
	best, bestX := corner{}, math.Inf(1)
	for _, c := range []corner{{lo.X, lo.Z}, {hi.X, lo.Z}, {lo.X, hi.Z}, {hi.X, hi.Z}} {
		px, _ := cam.project(Vec{c.x, (lo.Y + hi.Y) / 2, c.z})
		if px < bestX-1e-6 {
			best, bestX = c, px
		}
	}
	out := cam.r.Mul(-gap)
	out.Y = 0
	dims = append(dims, dim{Vec{best.x, lo.Y, best.z}, Vec{best.x, hi.Y, best.z}, out, size.Y})

	ink := [3]float64{0.22, 0.24, 0.28}
	lw := 1.0 * scale
	fontPx := 12.5 * scale
	dc.SetFontFace(labelFace(fontPx))
	for _, d := range dims {
		ax, ay := cam.project(d.a)
		bx, by := cam.project(d.b)
		if math.Hypot(bx-ax, by-ay) < 24*scale {
			continue // seen end-on
		}
		a2, b2 := d.a.Add(d.off), d.b.Add(d.off)
		pax, pay := cam.project(a2)
		pbx, pby := cam.project(b2)
		// Extension lines: from a small gap off the part to a little past
		// the dimension line.
		ext := func(from, to Vec) {
			fx, fy := cam.project(from.Add(to.Sub(from).Mul(0.12)))
			tx, ty := cam.project(to.Add(to.Sub(from).Mul(0.18)))
			dc.MoveTo(fx, fy)
			dc.LineTo(tx, ty)
		}
		dc.SetRGBA(ink[0], ink[1], ink[2], 0.55)
		dc.SetLineWidth(0.8 * scale)
		ext(d.a, a2)
		ext(d.b, b2)
		dc.Stroke()
		// Dimension line with arrows.
		dc.SetRGBA(ink[0], ink[1], ink[2], 0.9)
		dc.SetLineWidth(lw)
		ux, uy := pbx-pax, pby-pay
		l := math.Hypot(ux, uy)
		ux, uy = ux/l, uy/l
		al, aw := 8*scale, 3*scale
		dc.MoveTo(pax+ux*al*0.8, pay+uy*al*0.8)
		dc.LineTo(pbx-ux*al*0.8, pby-uy*al*0.8)
		dc.Stroke()
		arrow := func(tx, ty, dx, dy float64) {
			dc.MoveTo(tx, ty)
			dc.LineTo(tx-dx*al-dy*aw, ty-dy*al+dx*aw)
			dc.LineTo(tx-dx*al+dy*aw, ty-dy*al-dx*aw)
			dc.ClosePath()
			dc.Fill()
		}
		arrow(pbx, pby, ux, uy)
		arrow(pax, pay, -ux, -uy)
		// Label on a light pill in the middle of the line.
		label := formatLength(d.value, unit, v.Lang) + " " + unit
		if v.Inches && unit == "mm" {
			label = FormatInchesIn(d.value, v.Lang)
		}
		tw, th := dc.MeasureString(label)
		mx, my := (pax+pbx)/2, (pay+pby)/2
		padX, padY := 5*scale, 3*scale
		dc.SetRGBA(0.98, 0.975, 0.965, 0.92)
		dc.DrawRoundedRectangle(mx-tw/2-padX, my-th/2-padY, tw+2*padX, th+2*padY, 4*scale)
		dc.Fill()
		dc.SetRGBA(ink[0], ink[1], ink[2], 1)
		dc.DrawStringAnchored(label, mx, my, 0.5, 0.38)
	}
}

// FormatInches writes millimetres as inches to a tenth: 1600 mm is
// "63.0 in".
func FormatInches(mm float64) string { return FormatInchesIn(mm, "en") }

// FormatInchesIn is FormatInches in a language's number style: German
// "63,0 in".
func FormatInchesIn(mm float64, lang string) string {
	return FormatNumber(mm/25.4, 1, lang) + " in"
}

// formatLength writes a dimension: whole millimetres (a drawing of a
// piece of furniture is not read to a tenth of a millimetre), other units
// to at most one decimal, in the language's number style.
func formatLength(x float64, unit, lang string) string {
	if unit == "mm" {
		return FormatNumber(x, 0, lang)
	}
	s := FormatNumber(x, 1, lang)
	return strings.TrimSuffix(strings.TrimSuffix(s, ".0"), ",0")
}

// FormatNumber writes x rounded to decimals places with the language's
// marks: English 63.5 and 12,400; German 63,5 and 12.400. Whole parts of
// four digits are not grouped (2490 mm), as technical drawings and DIN
// 5008 write them, and as the engine's messages write lengths.
func FormatNumber(x float64, decimals int, lang string) string {
	point, group := ".", ","
	if base, _, _ := strings.Cut(lang, "-"); base == "de" {
		point, group = ",", "."
	}
	p := math.Pow(10, float64(decimals))
	s := strconv.FormatFloat(math.Round(math.Abs(x)*p)/p, 'f', decimals, 64) // halves away from zero
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) > 4 {
		var b strings.Builder
		for i, c := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteString(group)
			}
			b.WriteRune(c)
		}
		whole = b.String()
	}
	out := whole
	if frac != "" {
		out += point + frac
	}
	if x < 0 && strings.Trim(s, "0.") != "" {
		out = "−" + out
	}
	return out
}
