package rules

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/internal/linegen"
)

// hiddenDecisions is an engineered configuration of a generated line as
// decisions.
func hiddenDecisions(h map[string]string) Decisions {
	d := Decisions{}
	for f, o := range h {
		d[f] = catalog.Value{Kind: catalog.Choice, Str: o}
	}
	return d
}

// checkNeverGreyedOut asks s for the domains under dec (a part of the
// engineered configuration h) and fails unless they are consistent and every
// value of h is available.
func checkNeverGreyedOut(t *testing.T, s *Session, p *catalog.Product, h map[string]string, dec Decisions, what string) {
	t.Helper()
	d, err := s.Domains(dec)
	if err != nil {
		t.Fatalf("%s: domains: %v", what, err)
	}
	if !d.Consistent {
		t.Fatalf("%s: got inconsistent, want consistent (%d decisions of an engineered configuration)", what, len(dec))
	}
	for _, f := range p.Features {
		i := slices.IndexFunc(f.Options, func(o *catalog.Option) bool { return o.ID == h[f.ID] })
		if i < 0 {
			t.Fatalf("%s: engineered value %s=%s is not an option", what, f.ID, h[f.ID])
		}
		if !d.Feature(f.ID).Available[i] {
			t.Fatalf("%s: engineered value %s=%s greyed out under %d of its decisions", what, f.ID, h[f.ID], len(dec))
		}
	}
}

// TestEngineeredConfigurationsNeverGreyedOut: the engineered ("sold")
// configurations of generated table-heavy lines satisfy every rule, so
// under any part of one of them as decisions, every one of its values must
// stay available. Each configuration is walked in one session, as clicks
// are: nothing, random parts of it, one decision at a time, all of it.
func TestEngineeredConfigurationsNeverGreyedOut(t *testing.T) {
	for _, tc := range []struct {
		name string
		line *linegen.Line
		// configs is how many of the engineered configurations to walk.
		configs int
	}{
		{"40 features", linegen.Generate(linegen.Config{Seed: 1, Features: 40, Hidden: 20}), 3},
		{"60 features, tables up to 4,096 combinations", linegen.Generate(linegen.Config{Seed: 2, Features: 60, MaxCombinations: 4096}), 3},
		{"60 features, strict tables", linegen.Generate(linegen.Config{Seed: 3, Features: 60, Strict: 0.5}), 2},
		{"wide table, two rows", linegen.WideFew(), 2},
		{"wide table, 22 rows, 40 features", linegen.WideRealistic(linegen.Config{Seed: 4, Features: 40}), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := catalog.Parse("line.json", tc.line.JSON, nil)
			if err != nil {
				t.Fatalf("generated line does not parse: %v", err)
			}
			p := c.Products[0]
			m, err := Compile(p)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			r := rand.New(rand.NewPCG(uint64(len(tc.name)), 5))
			for k, h := range tc.line.Hidden[:min(tc.configs, len(tc.line.Hidden))] {
				s := m.NewSession()
				all := hiddenDecisions(h)
				checkNeverGreyedOut(t, s, p, h, Decisions{}, fmt.Sprintf("configuration %d, no decisions", k))
				for part := 0; part < 4; part++ {
					dec := Decisions{}
					for f, v := range all {
						if r.IntN(2) == 0 {
							dec[f] = v
						}
					}
					checkNeverGreyedOut(t, s, p, h, dec, fmt.Sprintf("configuration %d, random part %d", k, part))
				}
				dec := Decisions{}
				for i, fi := range r.Perm(len(p.Features)) {
					if i >= 12 {
						break
					}
					f := p.Features[fi].ID
					dec[f] = all[f]
					checkNeverGreyedOut(t, s, p, h, dec.Clone(), fmt.Sprintf("configuration %d, click %d", k, i+1))
				}
				checkNeverGreyedOut(t, s, p, h, all, fmt.Sprintf("configuration %d, all decisions", k))
				ok, err := s.Consistent(all)
				if err != nil || !ok {
					t.Fatalf("configuration %d: Consistent = %v, %v; want true, nil", k, ok, err)
				}
			}
		})
	}
}

// TestWideFewRows is the first case of issue 13 on its own: six features of
// eight options and one table over all six that allows two rows (262,144
// combinations, past the tabulation limit). Exactly the values of the two
// rows are available, there are two configurations, and deciding one value
// of a row leaves only that row.
func TestWideFewRows(t *testing.T) {
	l := linegen.WideFew()
	c, err := catalog.Parse("wide.json", l.JSON, nil)
	if err != nil {
		t.Fatalf("generated line does not parse: %v", err)
	}
	p := c.Products[0]
	m, err := Compile(p)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	rows := p.Rules[0].Allow
	for _, tc := range []struct {
		name string
		dec  Decisions
		// rows are the rows of the table the decisions leave.
		rows []int
	}{
		{"no decisions", Decisions{}, []int{0, 1}},
		{"first row's first value", Decisions{"f0": {Kind: catalog.Choice, Str: rows[0][0].Str}}, []int{0}},
		{"second row's last value", Decisions{"f5": {Kind: catalog.Choice, Str: rows[1][5].Str}}, []int{1}},
		{"a value of no row", Decisions{"f2": {Kind: catalog.Choice, Str: "v5"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := m.NewSession()
			ok, err := s.Consistent(tc.dec)
			if err != nil {
				t.Fatalf("consistent: %v", err)
			}
			if want := len(tc.rows) > 0; ok != want {
				t.Errorf("Consistent = %v, want %v", ok, want)
			}
			n, err := s.Count(tc.dec)
			if err != nil {
				t.Fatalf("count: %v", err)
			}
			if n.Int64() != int64(len(tc.rows)) {
				t.Errorf("Count = %s, want %d", n, len(tc.rows))
			}
			d, err := s.Domains(tc.dec)
			if err != nil {
				t.Fatalf("domains: %v", err)
			}
			for j, f := range p.Features {
				// Available: the value is in a row that agrees with the
				// other decisions.
				for i, o := range f.Options {
					want := false
					for _, row := range rows {
						agrees := row[j].Str == o.ID
						for k, g := range p.Features {
							if v, ok := tc.dec[g.ID]; ok && k != j && row[k].Str != v.Str {
								agrees = false
							}
						}
						want = want || agrees
					}
					if got := d.Feature(f.ID).Available[i]; got != want {
						t.Errorf("%s=%s available = %v, want %v", f.ID, o.ID, got, want)
					}
				}
			}
		})
	}
}

// wideProduct writes a small random product whose table rules have many
// columns and few rows, some cells "*": with expandLimit lowered below the
// product of their domain sizes they take the engine's path for tables too
// wide to expand (their rows alone). Rows come from a planted configuration (so the product
// is often consistent) and from random ones.
func wideProduct(r *rand.Rand) string {
	n := 3 + r.IntN(4) // features
	sizes := make([]int, n)
	plant := make([]int, n)
	var fs []string
	for i := range sizes {
		sizes[i] = 2 + r.IntN(3)
		plant[i] = r.IntN(sizes[i])
		var opts []string
		for o := 0; o < sizes[i]; o++ {
			opts = append(opts, fmt.Sprintf(`{"id": "o%d", "name": "O%d"}`, o, o))
		}
		fs = append(fs, fmt.Sprintf(`{"id": "f%d", "kind": "choice", "name": "F%d", "options": [%s]}`, i, i, strings.Join(opts, ", ")))
	}
	var rules []string
	for k := 0; k < 1+r.IntN(3); k++ {
		cols := r.Perm(n)[:3+r.IntN(n-2)]
		var names []string
		for _, c := range cols {
			names = append(names, fmt.Sprintf("%q", fmt.Sprintf("f%d", c)))
		}
		var rows []string
		for j := 0; j < 1+r.IntN(4); j++ {
			var cells []string
			for _, c := range cols {
				v := r.IntN(sizes[c])
				if j == 0 && r.IntN(3) != 0 {
					v = plant[c]
				}
				cell := fmt.Sprintf(`"o%d"`, v)
				if r.IntN(6) == 0 {
					cell = `"*"`
				}
				cells = append(cells, cell)
			}
			rows = append(rows, "["+strings.Join(cells, ", ")+"]")
		}
		slices.Sort(rows)
		rows = slices.Compact(rows) // the parser rejects a row given twice
		rules = append(rules, fmt.Sprintf(`{"id": "t%d", "kind": "table", "features": [%s], "allow": [%s], "message": "T%d."}`,
			k, strings.Join(names, ", "), strings.Join(rows, ", "), k))
	}
	return wrapProduct(fs, rules)
}

// TestWideTablesAgainstBruteForce compares Domains, Count and Consistent
// with brute force on small products whose table rules are wider than the
// tabulation limit (lowered to 7 combinations here, below every table's
// product of at least 2×2×2): tables of 3 to 6 columns with 1 to 4 rows,
// some "*" cells, under random decisions, one session per product (as
// clicks are). Then every question (completion, explanations, repairs: see
// checkOne) on some of them.
func TestWideTablesAgainstBruteForce(t *testing.T) {
	// Tables are kept as rows and expanded into their combinations only up
	// to expandLimit: at 7, every table here is searched from its rows
	// alone, as wide ones are (tableLimit, lowered too, governs the other
	// rules).
	savedT, savedE := tableLimit, expandLimit
	tableLimit, expandLimit = 7, 7
	t.Cleanup(func() { tableLimit, expandLimit = savedT, savedE })
	t.Run("domains, count, consistent", wideAgainstBruteForce)
	t.Run("all questions", func(t *testing.T) {
		products := 60
		if testing.Short() {
			products = 15
		}
		for seed := uint64(1); seed <= uint64(products); seed++ {
			r := rand.New(rand.NewPCG(seed, 17))
			src := wideProduct(r)
			p, m := compileRandom(t, src)
			s := m.NewSession()
			for round := 0; round < 3; round++ {
				checkOne(t, seed, src, s, newBrute(p, nil), randomDecisions(r, p))
				if t.Failed() {
					return
				}
			}
		}
	})
}

func wideAgainstBruteForce(t *testing.T) {
	products := 200
	if testing.Short() {
		products = 40
	}
	for seed := uint64(1); seed <= uint64(products); seed++ {
		r := rand.New(rand.NewPCG(seed, 13))
		src := wideProduct(r)
		p, m := compileRandom(t, src)
		b := newBrute(p, nil)
		s := m.NewSession()
		for round := 0; round < 5; round++ {
			dec := randomDecisions(r, p)
			fail := func(format string, args ...any) {
				t.Helper()
				t.Errorf("seed %d, decisions %s: "+format, append([]any{seed, dec}, args...)...)
				t.Logf("catalog:\n%s", src)
			}
			consistent := b.exists(dec, nil, nil)
			ok, err := s.Consistent(dec)
			if err != nil {
				fail("consistent: %v", err)
				return
			}
			if ok != consistent {
				fail("Consistent = %v, brute force %v", ok, consistent)
			}
			n, err := s.Count(dec)
			if err != nil {
				fail("count: %v", err)
				return
			}
			if want := b.count(dec); n.Int64() != int64(want) {
				fail("Count = %s, brute force %d", n, want)
			}
			d, err := s.Domains(dec)
			if err != nil {
				fail("domains: %v", err)
				return
			}
			if d.Consistent != consistent {
				fail("Domains.Consistent = %v, brute force %v", d.Consistent, consistent)
			}
			for _, f := range p.Features {
				for i, o := range f.Options {
					want := b.exists(dec.Without(f.ID), func(c map[string]catalog.Value) bool { return c[f.ID].Str == o.ID }, nil)
					if got := d.Feature(f.ID).Available[i]; got != want {
						fail("%s=%s available = %v, brute force %v", f.ID, o.ID, got, want)
					}
				}
			}
			if t.Failed() {
				return
			}
		}
	}
}
