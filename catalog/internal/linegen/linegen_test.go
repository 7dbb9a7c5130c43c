package linegen

import (
	"bytes"
	"slices"
	"testing"

	"github.com/atelier-app/atelier/catalog"
)

// parse reads a generated document with the catalog parser and returns its
// only product.
func parse(t *testing.T, data []byte) *catalog.Product {
	t.Helper()
	c, err := catalog.Parse("generated.json", data, nil)
	if err != nil {
		t.Fatalf("generated catalog does not parse: %v", err)
	}
	if len(c.Products) != 1 {
		t.Fatalf("got %d products, want 1", len(c.Products))
	}
	return c.Products[0]
}

// satisfies reports the first table rule of p that conf breaks ("" when it
// satisfies them all), read from the parsed catalog, independently of the
// generator's own tables.
func satisfies(p *catalog.Product, conf map[string]string) string {
	for _, r := range p.Rules {
		if r.Kind != catalog.Table {
			return r.ID + " is not a table"
		}
		ok := false
		for _, row := range r.Allow {
			match := true
			for j, cell := range row {
				if !cell.Any && cell.Str != conf[r.Features[j]] {
					match = false
					break
				}
			}
			if match {
				ok = true
				break
			}
		}
		if !ok {
			return r.ID
		}
	}
	return ""
}

func TestGenerate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		line      func() *Line
		features  int
		minTables int
		// minRows is the least number of allowed rows in all.
		minRows int
		// wideOver: the largest table's product of domain sizes must exceed it.
		wideOver int64
		// maxComb: no table's product of domain sizes may exceed it (0: no limit).
		maxComb int64
		// covered: every option is taken by some engineered configuration.
		covered bool
	}{
		{"150 features", func() *Line { return Generate(Config{Seed: 1, Features: 150}) }, 150, 180, 1000, 100_000, 1 << 17, true},
		{"270 features", func() *Line { return Generate(Config{Seed: 1, Features: 270}) }, 270, 324, 2000, 100_000, 1 << 17, true},
		{"small", func() *Line { return Generate(Config{Seed: 7, Features: 20, Hidden: 10}) }, 20, 24, 24, 0, 1 << 17, true},
		{"wide, two rows", WideFew, 6, 1, 2, 1 << 17, 0, false},
		{"wide, 22 rows in a realistic line", func() *Line { return WideRealistic(Config{Seed: 2}) }, 150, 181, 1000, 1 << 17, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.line()
			p := parse(t, l.JSON)
			if got := len(p.Features); got != tc.features {
				t.Errorf("got %d features, want %d", got, tc.features)
			}
			if got := len(p.Rules); got < tc.minTables || got != l.Tables {
				t.Errorf("got %d rules (Line.Tables %d), want at least %d", got, l.Tables, tc.minTables)
			}
			rows, maxComb := 0, int64(0)
			for _, r := range p.Rules {
				rows += len(r.Allow)
				comb := int64(1)
				for _, id := range r.Features {
					comb *= int64(len(p.Feature(id).Options))
				}
				maxComb = max(maxComb, comb)
				if len(r.Features) > 10 {
					t.Errorf("rule %s has %d columns, want at most 10", r.ID, len(r.Features))
				}
			}
			if rows != l.Rows || rows < tc.minRows {
				t.Errorf("got %d rows (Line.Rows %d), want at least %d", rows, l.Rows, tc.minRows)
			}
			if maxComb <= tc.wideOver || maxComb != l.MaxCombinations {
				t.Errorf("largest table has %d combinations (Line.MaxCombinations %d), want more than %d", maxComb, l.MaxCombinations, tc.wideOver)
			}
			if tc.maxComb > 0 && maxComb > tc.maxComb {
				t.Errorf("largest table has %d combinations, want at most %d", maxComb, tc.maxComb)
			}
			if len(l.Hidden) == 0 {
				t.Fatal("no engineered configurations")
			}
			for i, h := range l.Hidden {
				if len(h) != len(p.Features) {
					t.Fatalf("engineered configuration %d sets %d features, want %d", i, len(h), len(p.Features))
				}
				if r := satisfies(p, h); r != "" {
					t.Fatalf("engineered configuration %d breaks rule %s", i, r)
				}
			}
			if tc.covered {
				for _, f := range p.Features {
					for _, o := range f.Options {
						if f.Group.In("en", "en") == "code" && o.ID == "v0" {
							continue // the special build, never engineered
						}
						if !slices.ContainsFunc(l.Hidden, func(h map[string]string) bool { return h[f.ID] == o.ID }) {
							t.Errorf("option %s of %s is in no engineered configuration", o.ID, f.ID)
						}
					}
				}
			}
			// The defaults are the first engineered configuration.
			for _, f := range p.Features {
				if got, want := f.Default.Str, l.Hidden[0][f.ID]; got != want {
					t.Fatalf("default of %s is %q, want %q", f.ID, got, want)
				}
			}
		})
	}
}

func TestGenerateDeterministic(t *testing.T) {
	// Go's map order changes from one range to the next: several runs
	// catch a draw that depends on it.
	a := TableHeavy(Config{Seed: 3, Features: 150})
	for run := 0; run < 4; run++ {
		if b := TableHeavy(Config{Seed: 3, Features: 150}); !bytes.Equal(a, b) {
			t.Fatalf("run %d: the same Config gave two different documents", run+2)
		}
	}
	if c := TableHeavy(Config{Seed: 4, Features: 150}); bytes.Equal(a, c) {
		t.Error("seeds 3 and 4 gave the same document")
	}
	if got, want := len(Hidden(Config{Seed: 3, Features: 60, Hidden: 17})), 17; got < want {
		t.Errorf("got %d engineered configurations, want at least %d", got, want)
	}
}

// TestGenerateShape checks the families the benchmarks rely on: series,
// packs, options and codes are all present, domains run from 2 to more than
// 100 values (codes get as many values as the engineered configurations
// have combinations of what they encode), and most tables are narrow while
// some have 6 or more columns.
func TestGenerateShape(t *testing.T) {
	p := parse(t, TableHeavy(Config{Seed: 1, Features: 270}))
	groups := map[string]int{}
	minDom, maxDom := 1<<30, 0
	for _, f := range p.Features {
		groups[f.Group.In("en", "en")]++
		minDom, maxDom = min(minDom, len(f.Options)), max(maxDom, len(f.Options))
	}
	for _, g := range []string{"series", "feat", "option", "pack", "code"} {
		if groups[g] == 0 {
			t.Errorf("no %s features (got %v)", g, groups)
		}
	}
	if minDom != 2 || maxDom < 100 {
		t.Errorf("domains from %d to %d values, want from 2 to more than 100", minDom, maxDom)
	}
	narrow, wide, star := 0, 0, 0
	for _, r := range p.Rules {
		if len(r.Features) <= 4 {
			narrow++
		}
		if len(r.Features) >= 6 {
			wide++
		}
		for _, row := range r.Allow {
			for _, c := range row {
				if c.Any {
					star++
				}
			}
		}
	}
	if narrow < len(p.Rules)/2 || wide == 0 || star == 0 {
		t.Errorf("%d tables of at most 4 columns, %d of 6 or more, %d \"*\" cells, want a majority narrow and some wide and some \"*\"", narrow, wide, star)
	}
}
