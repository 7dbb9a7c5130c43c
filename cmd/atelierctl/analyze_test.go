package main

import (
	"testing"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// Compiling a table-heavy product's rules is the dearest step of every
// verb: catalog analyze and catalog lint compile each product once.
func TestAnalyzeCompilesEachProductOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"analyze", []string{"catalog", "analyze"}},
		{"analyze --json", []string{"catalog", "analyze", "--json"}},
		{"lint", []string{"catalog", "lint", "../../assets/demo/catalog.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compiled := map[string]int{}
			defer func(c func(*catalog.Product) (*rules.Model, error)) { compile = c }(compile)
			compile = func(p *catalog.Product) (*rules.Model, error) {
				compiled[p.ID]++
				return rules.Compile(p)
			}
			if code, _, errOut := runCLI(t, tc.args...); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if len(compiled) == 0 {
				t.Fatal("no product was compiled")
			}
			for id, n := range compiled {
				if n != 1 {
					t.Errorf("product %q compiled %d times, want once", id, n)
				}
			}
		})
	}
}
