package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog"
)

// wideTableProduct has n choice features of opts options each and one table
// rule over all of them that allows just the given rows ("*" allowed).
func wideTableProduct(n, opts int, rows [][]string) string {
	var fs, ids []string
	for i := 0; i < n; i++ {
		var os []string
		for o := 0; o < opts; o++ {
			os = append(os, fmt.Sprintf(`{"id": "o%d", "name": "Option %d"}`, o, o))
		}
		fs = append(fs, fmt.Sprintf(`{"id": "f%d", "kind": "choice", "name": "F%d", "options": [%s]}`, i, i, strings.Join(os, ", ")))
		ids = append(ids, fmt.Sprintf("%q", fmt.Sprintf("f%d", i)))
	}
	var rs []string
	for _, row := range rows {
		var cells []string
		for _, c := range row {
			cells = append(cells, fmt.Sprintf("%q", c))
		}
		rs = append(rs, "["+strings.Join(cells, ", ")+"]")
	}
	rule := fmt.Sprintf(`{"id": "wide", "kind": "table", "features": [%s], "allow": [%s], "message": "Not a listed combination."}`,
		strings.Join(ids, ", "), strings.Join(rs, ", "))
	return wrapProduct(fs, []string{rule})
}

// twoRows is the case: two allowed rows over six features of eight
// options, one with a "*".
var twoRows = [][]string{
	{"o1", "o2", "o3", "o4", "o5", "o6"},
	{"o7", "o0", "*", "o4", "o1", "o1"},
}

// wideModel compiles wideTableProduct with eight options per feature and
// the given rows over all of them.
func wideModel(t *testing.T, rows [][]string) *Model {
	t.Helper()
	m, err := Compile(parseRandom(t, wideTableProduct(len(rows[0]), 8, rows)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWideTableWithFewRows is the case: six features of eight
// options and a table over all six that allows two rows (262,144
// combinations, past the old tabulation limit) hung the engine, which
// excluded forbidden combinations one at a time. Encoded from its rows it
// answers at once, exactly.
func TestWideTableWithFewRows(t *testing.T) {
	rows := twoRows
	m := wideModel(t, rows)
	s := m.NewSession()
	d, err := s.Domains(Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Product.Features {
		for o, ok := range d.Feature(f.ID).Available {
			want := false
			for _, row := range rows {
				if row[i] == "*" || row[i] == fmt.Sprintf("o%d", o) {
					want = true
				}
			}
			if ok != want {
				t.Errorf("%s option o%d: available = %v, want %v", f.ID, o, ok, want)
			}
		}
	}
	n, err := s.Count(Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Int64() != 1+8 {
		t.Errorf("count = %v, want 9 (one row, and eight for the row with a \"*\")", n)
	}
	// Choosing f0 = o7 leaves only the second row.
	d, err = s.Domains(Decisions{"f0": {Kind: catalog.Choice, Str: "o7"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Feature("f1").Available; got[2] || !got[0] {
		t.Errorf("after f0 = o7, f1 offers %v, want only o0", got)
	}
	if got := d.Feature("f2").Available; strings.Count(fmt.Sprint(got), "true") != 8 {
		t.Errorf("after f0 = o7, f2 offers %v, want every option (\"*\")", got)
	}
}

// TestImpossibleIsNotBlamedOnDecisions: once a session has worked out what
// is possible with no decisions, the domains tell an option no
// configuration has (Impossible) from one the decisions rule out.
func TestImpossibleIsNotBlamedOnDecisions(t *testing.T) {
	rows := twoRows
	m := wideModel(t, rows)
	s := m.NewSession()
	f0 := Decisions{"f0": {Kind: catalog.Choice, Str: "o7"}}
	d, err := s.Domains(f0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Feature("f1").Impossible != nil {
		t.Fatal("options called impossible before anything was worked out with no decisions")
	}
	if _, err := s.Domains(Decisions{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Session{s, m.NewSession()} {
		d, err = s.Domains(f0)
		if err != nil {
			t.Fatal(err)
		}
		f1 := d.Feature("f1")
		for o, tc := range map[int]struct{ available, impossible bool }{
			0: {true, false},  // the second row's
			2: {false, false}, // the first row's: ruled out by f0 = o7
			5: {false, true},  // in no row
		} {
			if f1.Available[o] != tc.available || f1.Impossible[o] != tc.impossible {
				t.Errorf("f1 option o%d: available %v, impossible %v; want %v, %v", o, f1.Available[o], f1.Impossible[o], tc.available, tc.impossible)
			}
		}
	}
}
