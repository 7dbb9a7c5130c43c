// Package linegen generates table-heavy product lines shaped like real
// automotive and industrial catalogs, for the configuration engine's
// benchmarks and tests.
//
// Real compatibility tables come from engineering data: somebody built (or
// released) a set of configurations, and every table lists the combinations
// of its columns that occur in them. The generator works the same way. It
// first draws a hidden set of "engineered" configurations with the structure
// such lines have:
//
//   - series features (the model range) decide which values the features
//     below them offer;
//   - ordinary features depend on one or two earlier features (a body style
//     offers some roofs, an engine some gearboxes);
//   - pack features imply the values of several option features at once;
//   - code features (an engine code, a model code, a paint code) have large
//     domains (up to about 250 values) and are a function of several other
//     features, as a type code is of the choices it encodes.
//
// Then every table rule's allowed rows are the projections of the hidden
// configurations onto its columns, deduplicated and sometimes widened with
// "*". Every hidden configuration satisfies every rule, so the product is
// consistent and the hidden configurations are valid ("sold") ones that the
// engine must never grey out.
//
// Everything is deterministic in Config: the same Config gives the same bytes.
package linegen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Config describes a generated product line. Zero fields take the defaults
// named on each field.
type Config struct {
	Seed uint64
	// Features is the number of choice features (default 150).
	Features int
	// Hidden is the number of engineered configurations the tables are
	// derived from (default Features/2, at least 40).
	Hidden int
	// Tables is the number of table rules (default 1.2 × Features).
	Tables int
	// MaxArity is the largest number of columns of a table (default 10).
	MaxArity int
	// MaxCombinations caps the product of the domain sizes of a table's
	// columns (default 1<<17 = 131,072, the tabulation limit of today's
	// engine, so that the line can be compiled by it; a few tables come
	// close to it). Set it higher to let generated tables go wider.
	MaxCombinations int64
	// WideRows, when positive, adds one more table over six features whose
	// product of domain sizes exceeds 1<<17 (the wide table of issue 13),
	// allowing exactly WideRows rows; the hidden configurations are then
	// only those that satisfy it (see Line.Hidden).
	WideRows int
}

func (c Config) withDefaults() Config {
	if c.Features <= 0 {
		c.Features = 150
	}
	if c.Hidden <= 0 {
		c.Hidden = max(40, c.Features/2)
	}
	if c.Tables <= 0 {
		c.Tables = c.Features * 6 / 5
	}
	if c.MaxArity <= 0 {
		c.MaxArity = 10
	}
	if c.MaxArity < 2 {
		c.MaxArity = 2
	}
	if c.MaxCombinations <= 0 {
		c.MaxCombinations = 1 << 17
	}
	return c
}

// Line is a generated product line.
type Line struct {
	// JSON is a complete catalog document (atelier-catalog/1) with one
	// product, "line".
	JSON []byte
	// Hidden are the engineered configurations the tables were derived
	// from, feature id -> option id: each one satisfies every rule.
	Hidden []map[string]string
	// Rows is the number of allowed rows of all the tables together.
	Rows int
	// Tables is the number of table rules.
	Tables int
	// MaxCombinations is the largest product of domain sizes of a table.
	MaxCombinations int64
}

// TableHeavy returns the catalog document of the line cfg describes.
func TableHeavy(cfg Config) []byte { return Generate(cfg).JSON }

// Hidden returns the engineered configurations of the line cfg describes.
func Hidden(cfg Config) []map[string]string { return Generate(cfg).Hidden }

// family is the role of a feature in the line.
type family int

const (
	series family = iota
	ordinary
	option
	pack
	code
)

var familyNames = [...]string{series: "series", ordinary: "feat", option: "option", pack: "pack", code: "code"}

type feature struct {
	id      string
	fam     family
	size    int
	parents []int // earlier features this one depends on
	// offer[parentValueKey] lists the values offered under the parents'
	// values (ordinary and option features).
	offer map[string][]int
	// implies[packValue] maps member features to the value the pack sets
	// (pack features; value 0 is "no pack").
	implies map[int]map[int]int
	salt    uint64 // code features: the hash salt
}

// Generate builds the line cfg describes.
func Generate(cfg Config) *Line {
	cfg = cfg.withDefaults()
	r := rand.New(rand.NewPCG(cfg.Seed, 0x7461626c65))
	g := &gen{cfg: cfg, r: r}
	g.features()
	g.hidden()
	g.tables()
	if cfg.WideRows > 0 {
		g.wide(cfg.WideRows)
	}
	return g.line("line", "Generated line")
}

type gen struct {
	cfg   Config
	r     *rand.Rand
	fs    []*feature
	conf  [][]int // hidden configurations, value index per feature
	rules []table
}

type table struct {
	cols []int
	rows [][]int // -1 is "*"
}

// features draws the features: about 2% series, 10% packs, 5% codes, 30%
// options and the rest ordinary features.
func (g *gen) features() {
	n, r := g.cfg.Features, g.r
	nSeries := max(1, n/50)
	for i := 0; i < n; i++ {
		f := &feature{}
		switch {
		case i < nSeries:
			f.fam, f.size = series, 3+r.IntN(6)
		case i < nSeries+4:
			f.fam = ordinary // the first features below the series have no code to depend on
		default:
			switch k := r.IntN(100); {
			case k < 10:
				f.fam = pack
			case k < 15:
				f.fam = code
			case k < 45:
				f.fam = option
			default:
				f.fam = ordinary
			}
		}
		switch f.fam {
		case ordinary:
			// Domains: most small, some medium, a few large.
			switch k := r.IntN(100); {
			case k < 70:
				f.size = 2 + r.IntN(7)
			case k < 93:
				f.size = 9 + r.IntN(16)
			default:
				f.size = 25 + r.IntN(40)
			}
		case option:
			f.size = 2 + r.IntN(3) // none / standard / plus
		case pack:
			f.size = 2 + r.IntN(4) // value 0 is "no pack"
		case code:
			f.size = 50 + r.IntN(201)
		}
		f.id = fmt.Sprintf("%s_%d", familyNames[f.fam], i)
		g.fs = append(g.fs, f)
	}
	for i, f := range g.fs {
		if f.fam == series {
			continue
		}
		// Parents: a series for most, plus a nearby earlier feature.
		f.parents = append(f.parents, r.IntN(nSeries))
		if i > nSeries && (f.fam != pack || r.IntN(2) == 0) {
			lo := max(nSeries, i-20)
			p := lo + r.IntN(i-lo)
			if g.fs[p].fam != code && !slices.Contains(f.parents, p) {
				f.parents = append(f.parents, p)
			}
		}
		switch f.fam {
		case code:
			// A code encodes 3 to 7 earlier non-code features.
			f.parents = f.parents[:1]
			for k := 0; k < 2+r.IntN(5); k++ {
				p := r.IntN(i)
				if g.fs[p].fam != code && !slices.Contains(f.parents, p) {
					f.parents = append(f.parents, p)
				}
			}
			f.salt = r.Uint64()
		case ordinary, option:
			f.offer = map[string][]int{}
		}
	}
	// Packs imply 3 to 6 later option or ordinary features.
	for i, f := range g.fs {
		if f.fam != pack || i+1 >= n {
			continue
		}
		f.implies = map[int]map[int]int{}
		var members []int
		for k := 0; k < 3+r.IntN(4); k++ {
			m := i + 1 + r.IntN(min(30, n-i-1))
			if fm := g.fs[m]; (fm.fam == option || fm.fam == ordinary) && !slices.Contains(members, m) {
				members = append(members, m)
			}
		}
		for v := 1; v < f.size; v++ {
			set := map[int]int{}
			for _, m := range members {
				if r.IntN(4) != 0 {
					set[m] = r.IntN(g.fs[m].size)
				}
			}
			f.implies[v] = set
		}
	}
}

// offered returns the values f offers under the parent values of c, drawn
// once per combination of parent values: about half of the domain (at least
// one value; options offer "none" always).
func (g *gen) offered(f *feature, c []int) []int {
	var key strings.Builder
	for _, p := range f.parents {
		fmt.Fprintf(&key, "%d,", c[p])
	}
	k := key.String()
	if o, ok := f.offer[k]; ok {
		return o
	}
	var o []int
	for v := 0; v < f.size; v++ {
		if (f.fam == option && v == 0) || g.r.IntN(2) == 0 {
			o = append(o, v)
		}
	}
	if len(o) == 0 {
		o = []int{g.r.IntN(f.size)}
	}
	f.offer[k] = o
	return o
}

// hidden draws the engineered configurations. Values are skewed towards
// the first offered ones, as sales are towards the standard options.
func (g *gen) hidden() {
	r := g.r
	for k := 0; k < g.cfg.Hidden; k++ {
		c := make([]int, len(g.fs))
		set := map[int]int{} // values implied by chosen packs
		for i, f := range g.fs {
			if v, ok := set[i]; ok {
				c[i] = v
				continue
			}
			switch f.fam {
			case series:
				c[i] = skewed(r, f.size)
			case code:
				h := f.salt
				for _, p := range f.parents {
					h = (h ^ uint64(c[p]+1)) * 0x100000001b3
				}
				c[i] = int(h % uint64(f.size))
			case pack:
				c[i] = 0
				if r.IntN(3) == 0 {
					c[i] = 1 + r.IntN(f.size-1)
				}
				for m, v := range f.implies[c[i]] {
					if _, ok := set[m]; !ok {
						set[m] = v
					}
				}
			default:
				o := g.offered(f, c)
				c[i] = o[skewed(r, len(o))]
			}
		}
		g.conf = append(g.conf, c)
	}
}

// skewed draws from 0..n-1, the first values more often.
func skewed(r *rand.Rand, n int) int {
	a, b := r.IntN(n), r.IntN(n)
	return min(a, b)
}

// combinations is the product of the domain sizes of cols.
func (g *gen) combinations(cols []int) int64 {
	p := int64(1)
	for _, c := range cols {
		p *= int64(g.fs[c].size)
	}
	return p
}

// tables draws the table rules: a feature with its parents (and its pack, for
// members), a code with the features it encodes, or a cluster of nearby
// features, up to MaxArity columns and MaxCombinations combinations.
func (g *gen) tables() {
	r, n := g.r, len(g.fs)
	packOf := map[int]int{}
	for i, f := range g.fs {
		for _, set := range f.implies {
			for m := range set {
				packOf[m] = i
			}
		}
	}
	for len(g.rules) < g.cfg.Tables {
		a := r.IntN(n)
		f := g.fs[a]
		cols := []int{a}
		switch k := r.IntN(10); {
		case f.fam == code || k < 5:
			cols = append(cols, f.parents...)
			if p, ok := packOf[a]; ok && r.IntN(2) == 0 {
				cols = append(cols, p)
			}
		case k < 8:
			// A feature with a few more of its neighbourhood.
			cols = append(cols, f.parents...)
			for j := 0; j < 1+r.IntN(3); j++ {
				cols = append(cols, max(0, min(n-1, a-5+r.IntN(11))))
			}
		default:
			// A wide cluster: engineering sheets listing many columns.
			for j := 0; j < 3+r.IntN(g.cfg.MaxArity); j++ {
				cols = append(cols, max(0, min(n-1, a-12+r.IntN(25))))
			}
		}
		cols = uniq(cols)
		for len(cols) > g.cfg.MaxArity || (len(cols) > 2 && g.combinations(cols) > g.cfg.MaxCombinations) {
			// Drop the largest column but the anchor.
			big := 1
			for j := 2; j < len(cols); j++ {
				if g.fs[cols[j]].size > g.fs[cols[big]].size {
					big = j
				}
			}
			cols = slices.Delete(cols, big, big+1)
		}
		if len(cols) < 2 || g.combinations(cols) > g.cfg.MaxCombinations {
			continue
		}
		g.rules = append(g.rules, g.project(cols, 0.08))
	}
}

func uniq(a []int) []int {
	var out []int
	for _, x := range a {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// project returns the table over cols whose rows are the projections of
// the hidden configurations, a share of them widened with one "*" cell.
func (g *gen) project(cols []int, star float64) table {
	t := table{cols: cols}
	seen := map[string]bool{}
	for _, c := range g.conf {
		row := make([]int, len(cols))
		for j, col := range cols {
			row[j] = c[col]
		}
		if len(cols) > 2 && g.r.Float64() < star {
			row[1+g.r.IntN(len(cols)-1)] = -1
		}
		k := fmt.Sprint(row)
		if !seen[k] {
			seen[k] = true
			t.rows = append(t.rows, row)
		}
	}
	slices.SortFunc(t.rows, slices.Compare)
	return t
}

// wide adds a table over six features whose product of domain sizes exceeds
// 1<<17 with exactly rows distinct rows, the projections of some hidden
// configurations, and keeps only those configurations as hidden ones.
func (g *gen) wide(rows int) {
	// Six ordinary features of the largest domains (at least 8 values each
	// when there are enough of them).
	var cand []int
	for i, f := range g.fs {
		if f.fam == ordinary || f.fam == option {
			cand = append(cand, i)
		}
	}
	slices.SortStableFunc(cand, func(a, b int) int { return g.fs[b].size - g.fs[a].size })
	cols := slices.Clone(cand[:min(6, len(cand))])
	for g.combinations(cols) <= 1<<17 {
		// Not wide enough: widen the smallest column's domain.
		small := cols[0]
		for _, c := range cols {
			if g.fs[c].size < g.fs[small].size {
				small = c
			}
		}
		g.fs[small].size++
	}
	slices.Sort(cols)
	t := table{cols: cols}
	seen := map[string]bool{}
	var keep [][]int
	for _, c := range g.conf {
		row := make([]int, len(cols))
		for j, col := range cols {
			row[j] = c[col]
		}
		k := fmt.Sprint(row)
		if !seen[k] {
			if len(t.rows) == rows {
				continue
			}
			seen[k] = true
			t.rows = append(t.rows, row)
		}
		keep = append(keep, c)
	}
	// Fewer distinct projections than rows: add rows of values the hidden
	// configurations never take, as engineering data lists variants that
	// were never sold.
	for len(t.rows) < rows {
		row := make([]int, len(cols))
		for j, col := range cols {
			row[j] = g.r.IntN(g.fs[col].size)
		}
		if k := fmt.Sprint(row); !seen[k] {
			seen[k] = true
			t.rows = append(t.rows, row)
		}
	}
	slices.SortFunc(t.rows, slices.Compare)
	g.conf = keep
	g.rules = append(g.rules, t)
}

// WideFew is the first pathological case of issue 13: six choice features
// of eight options and one table over all six that allows just two rows
// (8^6 = 262,144 combinations, twice the tabulation limit). Its two hidden
// configurations are the two rows.
func WideFew() *Line {
	g := &gen{r: rand.New(rand.NewPCG(6, 8))}
	for i := 0; i < 6; i++ {
		g.fs = append(g.fs, &feature{id: fmt.Sprintf("f%d", i), fam: ordinary, size: 8})
	}
	g.conf = [][]int{{1, 2, 3, 4, 5, 6}, {7, 0, 7, 0, 7, 0}}
	g.rules = []table{g.project([]int{0, 1, 2, 3, 4, 5}, 0)}
	return g.line("wide", "Wide table, two rows")
}

// WideRealistic is the second pathological case of issue 13: a table-heavy
// line of realistic size (cfg; 150 features by default) with one more table
// over six features (product of domain sizes above 1<<17) that allows 22
// rows.
func WideRealistic(cfg Config) *Line {
	cfg.WideRows = 22
	return Generate(cfg)
}

// JSON documents, with keys in the order people write them.

type jsonCatalog struct {
	Format       string         `json:"format"`
	ID           string         `json:"id"`
	Version      string         `json:"version"`
	Name         string         `json:"name"`
	Manufacturer jsonID         `json:"manufacturer"`
	Currency     string         `json:"currency"`
	Units        string         `json:"units"`
	ValidFrom    string         `json:"validFrom"`
	Materials    []jsonMaterial `json:"materials"`
	Products     []jsonProduct  `json:"products"`
}

type jsonID struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type jsonMaterial struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Color  string `json:"color"`
	Finish string `json:"finish"`
}

type jsonProduct struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	SKU       string         `json:"sku"`
	BasePrice string         `json:"basePrice"`
	Features  []jsonFeature  `json:"features"`
	Rules     []jsonRule     `json:"rules"`
	Geometry  map[string]any `json:"geometry"`
}

type jsonFeature struct {
	ID      string       `json:"id"`
	Kind    string       `json:"kind"`
	Name    string       `json:"name"`
	Group   string       `json:"group"`
	Default string       `json:"default,omitempty"`
	Options []jsonOption `json:"options"`
}

type jsonOption struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Price string `json:"price,omitempty"`
}

type jsonRule struct {
	ID       string     `json:"id"`
	Kind     string     `json:"kind"`
	Features []string   `json:"features"`
	Allow    [][]string `json:"allow"`
	Message  string     `json:"message"`
}

func optionID(v int) string { return fmt.Sprintf("v%d", v) }

// line writes the catalog document and collects the figures.
func (g *gen) line(id, name string) *Line {
	l := &Line{Tables: len(g.rules)}
	p := jsonProduct{ID: id, Name: name, SKU: strings.ToUpper(id), BasePrice: "10000.00",
		Geometry: map[string]any{"parts": []any{map[string]any{"shape": "box", "size": []int{1000, 1000, 1000}, "position": []int{0, 500, 0}, "material": "steel"}}}}
	for i, f := range g.fs {
		jf := jsonFeature{ID: f.id, Kind: "choice", Name: strings.ReplaceAll(f.id, "_", " "), Group: familyNames[f.fam]}
		if len(g.conf) > 0 {
			jf.Default = optionID(g.conf[0][i]) // the first engineered configuration is the default one
		}
		for v := 0; v < f.size; v++ {
			o := jsonOption{ID: optionID(v), Name: fmt.Sprintf("%s %d", f.id, v)}
			if v > 0 {
				o.Price = fmt.Sprintf("%d.00", 10*((i*7+v*13)%50))
			}
			jf.Options = append(jf.Options, o)
		}
		p.Features = append(p.Features, jf)
	}
	for k, t := range g.rules {
		jr := jsonRule{ID: fmt.Sprintf("t%d", k), Kind: "table", Message: fmt.Sprintf("Not engineered (sheet %d).", k)}
		for _, c := range t.cols {
			jr.Features = append(jr.Features, g.fs[c].id)
		}
		for _, row := range t.rows {
			cells := make([]string, len(row))
			for j, v := range row {
				cells[j] = "*"
				if v >= 0 {
					cells[j] = optionID(v)
				}
			}
			jr.Allow = append(jr.Allow, cells)
		}
		p.Rules = append(p.Rules, jr)
		l.Rows += len(t.rows)
		l.MaxCombinations = max(l.MaxCombinations, g.combinations(t.cols))
	}
	c := jsonCatalog{Format: "atelier-catalog/1", ID: "linegen", Version: "1", Name: "Generated table-heavy line",
		Manufacturer: jsonID{ID: "linegen", Name: "Linegen Works"}, Currency: "EUR", Units: "mm", ValidFrom: "2026-01-01",
		Materials: []jsonMaterial{{ID: "steel", Name: "Steel", Color: "#888888", Finish: "metal"}},
		Products:  []jsonProduct{p}}
	data, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		panic(fmt.Sprintf("linegen: marshal catalog: %v", err)) // plain data types: cannot fail
	}
	l.JSON = data
	for _, conf := range g.conf {
		h := map[string]string{}
		for i, v := range conf {
			h[g.fs[i].id] = optionID(v)
		}
		l.Hidden = append(l.Hidden, h)
	}
	return l
}
