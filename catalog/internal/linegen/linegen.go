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
//     below them offer; every feature offers its standard value (option
//     "v0") everywhere;
//   - ordinary features depend on a series and on an earlier feature of
//     their module (a body style offers some roofs, an engine some
//     gearboxes);
//   - option features (2 to 4 values: none, standard, plus) are offered
//     per series;
//   - pack features imply the values of 3 to 8 option features at once,
//     and are only taken where those values are offered;
//   - code features (an engine code, a model code) have large domains (50
//     to 250 values) and are a function of 3 to 9 features of their module,
//     as a type code is of the choices it encodes; their value "v0" is a
//     special build, never engineered.
//
// Then every table rule's allowed rows are the projections of the hidden
// configurations onto its columns, deduplicated and sometimes widened with
// "*": a feature with its parents, a pack with its options, a code with what
// it encodes (the widest tables, some above 100,000 combinations), two
// features of a module. Most tables also allow their first column's standard
// value with anything (see Config.Strict). Every hidden configuration
// satisfies every rule, so the product is consistent and the hidden
// configurations are valid ("sold") ones that the engine must never grey
// out.
//
// Everything is deterministic in Config: the same Config gives the same bytes.
package linegen

import (
	"encoding/json"
	"fmt"
	"maps"
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
	// Star is the chance that a cell of a projected row, other than the
	// first column's, is widened to "*" (default 0.08; code sheets take
	// half of it). Negative: none.
	Star float64
	// Strict is the share of tables without a row that allows their first
	// column's standard value (option 0, which every feature offers) with
	// anything (default 0.05; negative: none). Tables that list only
	// engineered combinations, with nothing standard to fall back on, are
	// what makes a line hard to search: every feature's standard value
	// being possible whatever else is chosen is what real lines do.
	Strict float64
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
	if c.Star == 0 {
		c.Star = 0.08
	}
	if c.Strict == 0 {
		c.Strict = 0.05
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
	codes   map[string]int // code features: the code of each combination
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
		// Parents: a series, plus a nearby earlier feature for ordinary
		// features (options and packs are offered per series).
		f.parents = append(f.parents, r.IntN(nSeries))
		if i > nSeries && f.fam == ordinary {
			lo := max(nSeries, i-20)
			p := lo + r.IntN(i-lo)
			if g.fs[p].fam != code && !slices.Contains(f.parents, p) {
				f.parents = append(f.parents, p)
			}
		}
		switch f.fam {
		case code:
			// A code encodes 3 to 9 of the features just before it (its
			// module), mostly small ones (a type code's letters), so
			// that its sheet is wide.
			f.parents = f.parents[:1]
			want := 4 + r.IntN(7)
			for k := 0; k < 50 && len(f.parents) < want; k++ {
				lo := max(0, i-16)
				p := lo + r.IntN(i-lo)
				if fp := g.fs[p]; fp.fam != code && (fp.size <= 4 || r.IntN(3) == 0) && !slices.Contains(f.parents, p) {
					f.parents = append(f.parents, p)
				}
			}
		case ordinary, option:
			f.offer = map[string][]int{}
		}
	}
	// Packs imply 3 to 8 later option features.
	for i, f := range g.fs {
		if f.fam != pack || i+1 >= n {
			continue
		}
		f.implies = map[int]map[int]int{}
		var members []int
		for k := 0; k < 3+r.IntN(6); k++ {
			m := i + 1 + r.IntN(min(30, n-i-1))
			if fm := g.fs[m]; fm.fam == option && !slices.Contains(members, m) {
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
// once per combination of parent values: the standard value (0) and about
// half of the others.
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
		if v == 0 || g.r.IntN(2) == 0 { // the standard value is always offered
			o = append(o, v)
		}
	}
	f.offer[k] = o
	return o
}

// hidden draws the engineered configurations. Values are skewed towards
// the first offered ones, as sales are towards the standard options.
//
// Then, as a catalog lists only options somebody engineered, it draws more
// configurations, each taking for every feature a value that none has taken
// yet (where a pack does not decide it), until every value has been taken,
// and it shrinks every code's domain to the codes taken (and "v0").
func (g *gen) hidden() {
	used := make([][]bool, len(g.fs))
	for i, f := range g.fs {
		used[i] = make([]bool, f.size)
		if f.fam == code {
			used[i][0] = true // the special build
			f.codes = map[string]int{}
		}
	}
	unused := func(i int) []int {
		var out []int
		for v, ok := range used[i] {
			if !ok {
				out = append(out, v)
			}
		}
		return out
	}
	for k := 0; k < g.cfg.Hidden; k++ {
		g.conf = append(g.conf, g.draw(nil))
	}
	left := -1 // values not taken yet, before the last round
	for {
		for _, c := range g.conf {
			for i, v := range c {
				used[i][v] = true
			}
		}
		force, n := map[int][]int{}, 0
		for i, f := range g.fs {
			if f.fam != code {
				if u := unused(i); len(u) > 0 {
					force[i] = u
					n += len(u)
				}
			}
		}
		if n == 0 || n == left {
			break // all taken, or what is left cannot be (a pack at odds with another)
		}
		left = n
		g.conf = append(g.conf, g.draw(force))
	}
	for _, f := range g.fs {
		if f.fam == code {
			f.size = min(f.size, 1+len(f.codes))
		}
	}
}

// draw draws one engineered configuration; force, when not nil, lists per
// feature values to take one of (where a pack does not decide the feature,
// and for a pack where its options allow).
func (g *gen) draw(force map[int][]int) []int {
	r := g.r
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
			if u := force[i]; len(u) > 0 {
				c[i] = u[r.IntN(len(u))]
			}
		case code:
			// Codes are handed out in the order their combinations
			// are first engineered; 0 is the special build.
			var key strings.Builder
			for _, p := range f.parents {
				fmt.Fprintf(&key, "%d,", c[p])
			}
			v, ok := f.codes[key.String()]
			if !ok {
				v = 1 + len(f.codes)%(f.size-1)
				f.codes[key.String()] = v
			}
			c[i] = v
		case pack:
			// A pack is offered where its options are, and not with
			// an earlier pack that sets one of them otherwise.
			c[i] = 0
			if r.IntN(3) == 0 {
				c[i] = 1 + r.IntN(f.size-1)
			}
			forced := false
			if u := force[i]; len(u) > 0 {
				c[i], forced = u[r.IntN(len(u))], true
			}
			imp := f.implies[c[i]]
			for _, m := range slices.Sorted(maps.Keys(imp)) { // offered draws: in a fixed order
				if w, ok := set[m]; (ok && w != imp[m]) || (!forced && !slices.Contains(g.offered(g.fs[m], c), imp[m])) {
					c[i] = 0
				}
			}
			for m, v := range f.implies[c[i]] {
				set[m] = v
			}
		default:
			o := g.offered(f, c)
			c[i] = o[skewed(r, len(o))]
			if u := force[i]; len(u) > 0 {
				c[i] = u[r.IntN(len(u))] // engineered once, where it is not offered
			}
		}
	}
	return c
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

// tables draws the table rules, as engineering sheets list them:
//
//   - a feature with the features it depends on (its parents), sometimes
//     with its parents' parents or with the pack that sets it;
//   - a pack sheet: a pack with its members, "*" where a pack leaves a
//     member free (up to MaxArity columns);
//   - a code sheet: a code with the features it encodes (up to MaxArity
//     columns, the widest tables of the line), and sheets of a code with
//     a part of them;
//
// each capped at MaxArity columns and MaxCombinations combinations.
func (g *gen) tables() {
	r, n := g.r, len(g.fs)
	packOf := map[int]int{}
	for i, f := range g.fs {
		for _, v := range slices.Sorted(maps.Keys(f.implies)) {
			for m := range f.implies[v] {
				if _, ok := packOf[m]; !ok {
					packOf[m] = i // the first pack, in a fixed order
				}
			}
		}
	}
	seen := map[string]bool{}
	add := func(cols []int, star float64, packSheet bool) {
		cols = g.fit(uniq(cols))
		if len(cols) < 2 || len(g.rules) >= g.cfg.Tables {
			return
		}
		k := fmt.Sprint(cols)
		if seen[k] {
			return
		}
		seen[k] = true
		if packSheet {
			g.rules = append(g.rules, g.packSheet(cols))
			return
		}
		g.rules = append(g.rules, g.project(cols, star))
	}
	// The sheets every line has: packs and codes first, then every feature
	// with its parents, in a random order.
	for i, f := range g.fs {
		switch f.fam {
		case pack:
			cols := []int{i}
			for m := range f.implies[1] {
				cols = append(cols, m)
			}
			for v := 2; v < f.size; v++ {
				for m := range f.implies[v] {
					cols = append(cols, m)
				}
			}
			slices.Sort(cols[1:])
			add(cols, 0, true)
		case code:
			add(append([]int{i}, f.parents...), g.cfg.Star/2, false)
		}
	}
	for _, i := range r.Perm(n) {
		if f := g.fs[i]; f.fam != series && f.fam != code {
			cols := append([]int{i}, f.parents...)
			if p, ok := packOf[i]; ok && r.IntN(2) == 0 {
				cols = append(cols, p)
			}
			add(cols, g.cfg.Star, false)
		}
	}
	// More sheets, up to Tables: a code with a part of what it encodes,
	// or two features of a module that go together. (Sheets over a
	// feature, its parents and its grandparents, projected from the
	// hidden configurations, made lines that no engine here could search:
	// a random planted constraint problem, not a catalog.)
	for tries := 0; len(g.rules) < g.cfg.Tables && tries < 100*g.cfg.Tables; tries++ {
		i := r.IntN(n)
		f := g.fs[i]
		cols := []int{i}
		if f.fam == code {
			for _, p := range f.parents {
				if r.IntN(2) == 0 {
					cols = append(cols, p)
				}
			}
		} else {
			// Two features of the same module that go together.
			cols = append(cols, max(0, min(n-1, i-8+r.IntN(17))))
		}
		add(cols, g.cfg.Star, false)
	}
}

// fit drops columns of cols, the largest first but never the first one
// (the sheet's subject), until it has at most MaxArity columns and
// MaxCombinations combinations.
func (g *gen) fit(cols []int) []int {
	for len(cols) > g.cfg.MaxArity || (len(cols) > 2 && g.combinations(cols) > g.cfg.MaxCombinations) {
		big := 1
		for j := 2; j < len(cols); j++ {
			if g.fs[cols[j]].size > g.fs[cols[big]].size {
				big = j
			}
		}
		cols = slices.Delete(cols, big, big+1)
	}
	if g.combinations(cols) > g.cfg.MaxCombinations {
		return nil
	}
	return cols
}

// packSheet is the table of a pack (cols[0]) and its members: one row per
// pack value that the hidden configurations take with the members it sets
// and "*" for the others, and for "no pack" (value 0) the members free.
func (g *gen) packSheet(cols []int) table {
	f := g.fs[cols[0]]
	t := table{cols: cols}
	seen := map[int]bool{}
	for _, c := range g.conf {
		v := c[cols[0]]
		if seen[v] {
			continue
		}
		seen[v] = true
		row := []int{v}
		for _, m := range cols[1:] {
			x, ok := f.implies[v][m]
			if !ok {
				x = -1
			}
			row = append(row, x)
		}
		t.rows = append(t.rows, row)
	}
	slices.SortFunc(t.rows, slices.Compare)
	return t
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
	if g.r.Float64() >= g.cfg.Strict {
		// The standard value of the sheet's subject (a code's "special
		// build") goes with anything.
		row := make([]int, len(cols))
		for j := 1; j < len(row); j++ {
			row[j] = -1
		}
		seen[fmt.Sprint(row)] = true
		t.rows = append(t.rows, row)
	}
	for _, c := range g.conf {
		row := make([]int, len(cols))
		for j, col := range cols {
			row[j] = c[col]
		}
		if len(cols) > 2 {
			for j := 1; j < len(row); j++ {
				if g.r.Float64() < star {
					row[j] = -1
				}
			}
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
	g := &gen{cfg: Config{Strict: 1}, r: rand.New(rand.NewPCG(6, 8))}
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
