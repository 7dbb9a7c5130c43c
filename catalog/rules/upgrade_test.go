package rules_test

import (
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// Decisions saved with the demo catalog 2026.2, carried to 2026.3 (the
// desk's width ends at 2000 mm, its round edge is gone).
func TestUpgradeToTheDemoUpdate(t *testing.T) {
	next, err := catalog.Load("../../assets/demo-next/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	desk := next.Product("lift-desk")
	m, err := rules.Compile(desk)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		saved   map[string]string
		want    map[string]string // what is kept ("" : dropped)
		changed []string          // features that changed, in order
		says    []string
	}{
		{"everything still holds", map[string]string{"width": "1800", "top": "walnut", "extras": "tray,arm"},
			map[string]string{"width": "1800", "top": "walnut", "extras": "tray,arm"}, nil, nil},
		{"too wide", map[string]string{"width": "2200", "top": "oak"},
			map[string]string{"width": "2000", "top": "oak"}, []string{"width"}, []string{"2000 mm instead of 2200", "1000 to 2000 mm"}},
		{"an edge no longer offered", map[string]string{"edge": "round", "top": "laminate"},
			map[string]string{"edge": "", "top": "laminate"}, []string{"edge"}, []string{"“round” is no longer offered"}},
		{"a feature gone, an option of a multi gone", map[string]string{"colour": "red", "extras": "tray,lamp", "top": "oak"},
			map[string]string{"extras": "tray", "top": "oak"}, []string{"colour", "extras"}, []string{"“colour” is no longer a choice", "lamp no longer offered"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kept, changes, err := m.NewSession().Upgrade(tc.saved, "en")
			if err != nil {
				t.Fatal(err)
			}
			for f, want := range tc.want {
				v, ok := kept[f]
				switch {
				case want == "" && ok:
					t.Errorf("%s kept as %s, want dropped", f, v.String())
				case want != "" && (!ok || v.String() != want):
					t.Errorf("%s = %q (kept %v), want %q", f, v.String(), ok, want)
				}
			}
			var got []string
			var says []string
			for _, c := range changes {
				got = append(got, c.Feature)
				says = append(says, c.Why)
			}
			if strings.Join(got, " ") != strings.Join(tc.changed, " ") {
				t.Errorf("changed %v, want %v: %v", got, tc.changed, says)
			}
			for _, s := range tc.says {
				if !strings.Contains(strings.Join(says, "\n"), s) {
					t.Errorf("the changes do not say %q: %v", s, says)
				}
			}
			// What is kept is always a valid start.
			if ok, _ := m.NewSession().Consistent(kept); !ok {
				t.Errorf("the upgraded decisions break the rules: %v", kept)
			}
		})
	}
}

// A decision the new rules no longer allow with the ones before it moves
// to the nearest allowed number, or is dropped with the rule's words.
func TestUpgradeAgainstNewRules(t *testing.T) {
	next, err := catalog.Load("../../assets/demo-next/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	desk := next.Product("lift-desk")
	m, _ := rules.Compile(desk)
	// Laminate goes with the softened edge only in 2026.3: a square edge
	// saved with laminate must go.
	kept, changes, err := m.NewSession().Upgrade(map[string]string{"top": "laminate", "edge": "square"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := kept["edge"]; ok || kept["top"].Str != "laminate" || len(changes) != 1 || !strings.Contains(changes[0].Why, "no longer possible") {
		t.Errorf("kept %v, changes %+v", kept, changes)
	}
}
