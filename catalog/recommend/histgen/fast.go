package histgen

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/internal/linegen"
	"github.com/atelier-app/atelier/catalog/recommend"
)

// The engine's way (Generate) costs a check per decision, about 50 µs on
// the demo products but milliseconds on a 200-feature table-heavy line:
// 10,000 configurations of it would take hours. For products whose
// features are all choices and whose rules are all tables (the lines of
// catalog/internal/linegen), GenerateTables keeps the tables' rows still
// possible itself and narrows every feature to the values some such row
// supports (generalised arc consistency) after each decision. That is not
// backtrack-free: when a draw empties a domain, the configuration is begun
// again (Stats.Restarts). Every finished configuration is checked with the
// catalog's own rule check (catalog.Config.Violations), and the tests check
// a sample with the engine.

// tableModel is a table-only product as integers.
type tableModel struct {
	p      *catalog.Product
	tables []intTable
	watch  [][]int // feature index -> tables over it
	root   *tableState
}

type intTable struct {
	cols []int
	rows [][]int32 // option index per column, -1 for "*"
}

// tableState is the domains and the rows still possible.
type tableState struct {
	dom   [][]bool  // feature -> option -> still possible
	alive [][]int32 // table -> its rows still possible
}

func (s *tableState) clone() *tableState {
	c := &tableState{dom: make([][]bool, len(s.dom)), alive: make([][]int32, len(s.alive))}
	for i, d := range s.dom {
		c.dom[i] = append([]bool(nil), d...)
	}
	for i, a := range s.alive {
		c.alive[i] = append([]int32(nil), a...)
	}
	return c
}

// errNotTables: GenerateTables takes choice features and table rules only.
var errNotTables = errors.New("histgen: the fast generator takes products of choice features and table rules only")

func newTableModel(p *catalog.Product) (*tableModel, error) {
	m := &tableModel{p: p, watch: make([][]int, len(p.Features))}
	index := map[string]int{}
	root := &tableState{}
	for i, f := range p.Features {
		if f.Kind != catalog.Choice {
			return nil, fmt.Errorf("%w: %s is a %s feature", errNotTables, f.ID, f.Kind)
		}
		index[f.ID] = i
		d := make([]bool, len(f.Options))
		for j := range d {
			d[j] = true
		}
		root.dom = append(root.dom, d)
	}
	for _, r := range p.Rules {
		if r.Kind != catalog.Table {
			return nil, fmt.Errorf("%w: rule %s is a %s rule", errNotTables, r.ID, r.Kind)
		}
		t := intTable{}
		for _, id := range r.Features {
			t.cols = append(t.cols, index[id])
		}
		for _, row := range r.Allow {
			ints := make([]int32, len(row))
			for j, cell := range row {
				ints[j] = -1
				if !cell.Any {
					f := p.Features[t.cols[j]]
					ints[j] = int32(optionIndex(f, cell.Str))
					if ints[j] < 0 {
						ints = nil // names no option: allows nothing
						break
					}
				}
			}
			if ints != nil {
				t.rows = append(t.rows, ints)
			}
		}
		k := len(m.tables)
		m.tables = append(m.tables, t)
		for _, c := range t.cols {
			m.watch[c] = append(m.watch[c], k)
		}
		all := make([]int32, len(t.rows))
		for j := range all {
			all[j] = int32(j)
		}
		root.alive = append(root.alive, all)
	}
	queue := make([]int, len(m.tables))
	for i := range queue {
		queue[i] = i
	}
	if !m.propagate(root, queue) {
		return nil, fmt.Errorf("histgen: %s has no valid configuration", p.ID)
	}
	m.root = root
	return m, nil
}

func optionIndex(f *catalog.Feature, id string) int {
	for i, o := range f.Options {
		if o.ID == id {
			return i
		}
	}
	return -1
}

// assign decides feature f = option v and propagates; false: a domain
// emptied (s is then spoilt).
func (m *tableModel) assign(s *tableState, f, v int) bool {
	if !s.dom[f][v] {
		return false
	}
	for j := range s.dom[f] {
		s.dom[f][j] = j == v
	}
	return m.propagate(s, m.watch[f])
}

// propagate filters the rows of the queued tables and narrows the domains
// to what the rows support, to a fixpoint.
func (m *tableModel) propagate(s *tableState, queue []int) bool {
	queued := make([]bool, len(m.tables))
	q := make([]int, 0, len(queue))
	for _, t := range queue {
		if !queued[t] {
			queued[t] = true
			q = append(q, t)
		}
	}
	var support []bool
	for len(q) > 0 {
		ti := q[0]
		q = q[1:]
		queued[ti] = false
		t := &m.tables[ti]
		alive := s.alive[ti][:0]
	rows:
		for _, r := range s.alive[ti] {
			row := t.rows[r]
			for j, c := range t.cols {
				if row[j] >= 0 && !s.dom[c][row[j]] {
					continue rows
				}
			}
			alive = append(alive, r)
		}
		s.alive[ti] = alive
		if len(alive) == 0 {
			return false
		}
		for j, c := range t.cols {
			dom := s.dom[c]
			if cap(support) < len(dom) {
				support = make([]bool, len(dom))
			}
			support = support[:len(dom)]
			clear(support)
			anyCell := false
			for _, r := range alive {
				x := t.rows[r][j]
				if x < 0 {
					anyCell = true
					break
				}
				support[x] = true
			}
			if anyCell {
				continue
			}
			changed, left := false, 0
			for x := range dom {
				if dom[x] && !support[x] {
					dom[x] = false
					changed = true
				}
				if dom[x] {
					left++
				}
			}
			if left == 0 {
				return false
			}
			if changed {
				for _, other := range m.watch[c] {
					if other != ti && !queued[other] {
						queued[other] = true
						q = append(q, other)
					}
				}
			}
		}
	}
	return true
}

// maxRestarts bounds the tries of one configuration.
const maxRestarts = 1000

// nextTables draws one configuration of a table-only product.
func (g *Generator) nextTables(m *tableModel) (Config, error) {
	p := g.Product
	ti := draw(g.r, g.shares)
	t := &g.Types[ti]
	order := make([]int, len(p.Features))
	for i := range order {
		order[i] = i
	}
	for try := 0; try < maxRestarts; try++ {
		g.r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		c := &customer{t: t, pairs: g.pairsOf[ti], values: map[string]string{}}
		s := m.root.clone()
		ok := true
		for _, fi := range order {
			f := p.Features[fi]
			var idx []int
			var w []float64
			whim := g.r.Float64() < g.Options.Whim
			for i, o := range f.Options {
				if !s.dom[fi][i] {
					continue
				}
				x := 1.0
				if !whim {
					x = g.choiceWeight(c, f, o)
				}
				idx = append(idx, i)
				w = append(w, x)
			}
			v := idx[draw(g.r, w)]
			c.values[f.ID] = f.Options[v].ID
			if !m.assign(s, fi, v) {
				ok = false
				break
			}
		}
		if !ok {
			g.Stats.Restarts++
			continue
		}
		// The catalog's own check of the finished configuration.
		dec := make(map[string]catalog.Value, len(c.values))
		for id, v := range c.values {
			dec[id] = catalog.Value{Kind: catalog.Choice, Str: v}
		}
		g.Stats.Checks++
		if bad := p.Resolve(dec).Violations(); len(bad) > 0 {
			return Config{}, fmt.Errorf("histgen: %s: generated a configuration that breaks rule %s", p.ID, bad[0].ID)
		}
		ordered := t.Ordered
		if ordered == 0 {
			ordered = DefaultOrdered
		}
		weight := 1.0
		if g.r.Float64() < ordered {
			weight = recommend.OrderedWeight
		}
		return Config{Type: ti, Example: recommend.Example{Values: c.values, Weight: weight}}, nil
	}
	return Config{}, fmt.Errorf("histgen: %s: no valid configuration in %d tries", p.ID, maxRestarts)
}

// GenerateTables draws n configurations of a product of choice features and
// table rules, on all cores, deterministic in seed, without the engine (see
// above).
func GenerateTables(p *catalog.Product, types []Type, n int, seed uint64) ([]Config, Stats, error) {
	m, err := newTableModel(p)
	if err != nil {
		return nil, Stats{}, err
	}
	return inChunks(n, func(k int) (func() (Config, error), *Stats, error) {
		g, err := newGenerator(nil, p, types, seed, uint64(k), Options{})
		if err != nil {
			return nil, nil, err
		}
		return func() (Config, error) { return g.nextTables(m) }, &g.Stats, nil
	})
}

// BenchmarkFeatures is the size of the benchmark product.
const BenchmarkFeatures = 200

// BenchmarkProduct is the benchmark product: linegen's table-heavy line of
// BenchmarkFeatures features (seed 1), as the engine's benchmarks use.
func BenchmarkProduct() (*catalog.Product, error) {
	line := linegen.Generate(linegen.Config{Seed: 1, Features: BenchmarkFeatures})
	c, err := catalog.Parse("line.json", line.JSON, nil)
	if err != nil {
		return nil, fmt.Errorf("histgen: the benchmark line: %w", err)
	}
	return c.Products[0], nil
}

// BenchmarkTypes draws customer types for any product of choice features:
// per type and feature a random taste (log-normal weights, one favourite
// much preferred, often the standard option), a price sensitivity, and
// couplings between features that share a rule.
func BenchmarkTypes(p *catalog.Product, k int, seed uint64) []Type {
	r := rand.New(rand.NewPCG(seed, 0x7479706573))
	var linked [][2]string
	for _, rule := range p.Rules {
		if len(rule.Features) >= 2 {
			linked = append(linked, [2]string{rule.Features[0], rule.Features[1]})
		}
	}
	sens := []float64{0.2, 1, 3, 6, 12}
	var out []Type
	for i := range k {
		t := Type{Name: fmt.Sprintf("type %d", i+1), Share: 0.5 + r.Float64(),
			PriceSensitivity: sens[r.IntN(len(sens))], Ordered: 0.1 + 0.2*r.Float64(),
			Choice: map[string]map[string]float64{}}
		for _, f := range p.Features {
			w := map[string]float64{}
			for _, o := range f.Options {
				w[o.ID] = math.Exp(0.8 * r.NormFloat64())
			}
			fav := f.Options[r.IntN(len(f.Options))].ID
			if r.Float64() < 0.4 {
				fav = f.Options[0].ID // the standard value
			}
			w[fav] *= 6
			t.Choice[f.ID] = w
		}
		// A few dozen couplings: some combinations of two linked features
		// this type likes (or avoids) together.
		for range min(40, len(linked)) {
			l := linked[r.IntN(len(linked))]
			fa, fb := p.Feature(l[0]), p.Feature(l[1])
			tab := map[string]float64{}
			for range 3 {
				a := fa.Options[r.IntN(len(fa.Options))].ID
				b := fb.Options[r.IntN(len(fb.Options))].ID
				tab[a+"|"+b] = math.Exp(1.5 * r.NormFloat64())
			}
			t.Pairs = append(t.Pairs, Pair{A: l[0], B: l[1], Factor: table(tab)})
		}
		out = append(out, t)
	}
	return out
}

// BenchmarkSeed is the seed of the benchmark history.
const BenchmarkSeed = 1

var benchmark struct {
	sync.Mutex
	p   *catalog.Product
	h   []recommend.Example
	err error
}

// BenchmarkHistory returns the benchmark product (BenchmarkProduct) and a
// history of n of its configurations drawn from six customer types
// (BenchmarkTypes), deterministic (the first n of a longer history are the
// same). Drawn on the fly, not stored (2.2 MB gzipped for 10,000): 10,000
// take about 20 s on two busy cores (0.1 s for the line, the rest
// drawing, about 10% of the tries begun again after a dead end, and the
// catalog's check of each); TestBenchmarkHistory logs the figure.
// The last answer is kept, so benchmarks may call it freely. It panics if
// the line cannot be generated, which is a bug.
func BenchmarkHistory(n int) (*catalog.Product, []recommend.Example) {
	benchmark.Lock()
	defer benchmark.Unlock()
	if benchmark.p != nil && len(benchmark.h) >= n {
		return benchmark.p, benchmark.h[:n:n]
	}
	p, err := BenchmarkProduct()
	if err != nil {
		panic(err)
	}
	cs, _, err := GenerateTables(p, BenchmarkTypes(p, 6, BenchmarkSeed), n, BenchmarkSeed)
	if err != nil {
		panic(err)
	}
	benchmark.p, benchmark.h = p, Examples(cs)
	return p, benchmark.h[:n:n]
}

// describe names a product's size, for logs.
func describe(p *catalog.Product) string {
	var b strings.Builder
	rows := 0
	for _, r := range p.Rules {
		rows += len(r.Allow)
	}
	fmt.Fprintf(&b, "%s: %d features, %d rules, %d table rows", p.ID, len(p.Features), len(p.Rules), rows)
	return b.String()
}
