package catalog_test

import (
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// The demo's next version (assets/demo-next): the desk's base price and
// walnut price rise, its width range shrinks, the round edge is gone, and
// its rules change with it.
func TestDiffOfTheDemoUpdate(t *testing.T) {
	old, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	next, err := catalog.Load("../assets/demo-next/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	changes := catalog.Diff(old, next, "en")
	got := map[catalog.ChangeKind][]string{}
	var texts []string
	for _, c := range changes {
		got[c.Kind] = append(got[c.Kind], c.Product+"/"+c.Feature+"/"+c.Option)
		texts = append(texts, c.Text)
	}
	want := map[catalog.ChangeKind][]string{
		catalog.BasePrice:     {"lift-desk//"},
		catalog.OptionPrice:   {"lift-desk/top/walnut"},
		catalog.OptionRemoved: {"lift-desk/edge/round"},
		catalog.Range:         {"lift-desk/width/"},
		catalog.RulesChanged:  {"lift-desk//"},
	}
	for k, w := range want {
		if strings.Join(got[k], " ") != strings.Join(w, " ") {
			t.Errorf("%s: %v, want %v", k, got[k], w)
		}
	}
	if len(changes) != 5 {
		t.Errorf("%d changes, want 5:\n%s", len(changes), strings.Join(texts, "\n"))
	}
	all := strings.Join(texts, "\n")
	for _, s := range []string{"base price €689.00 → €719.00", "Solid walnut, oiled costs €460.00 instead of €420.00", "Round corners (40 mm) is no longer offered", "1000 to 2000 mm"} {
		if !strings.Contains(all, s) {
			t.Errorf("the changes do not say %q:\n%s", s, all)
		}
	}
	if d := catalog.Diff(old, old, "en"); len(d) != 0 {
		t.Errorf("a catalog differs from itself: %v", d)
	}
	// The other way round: an option added, the prices back.
	back := catalog.Diff(next, old, "de")
	var de []string
	for _, c := range back {
		de = append(de, c.Text)
	}
	if len(back) != 5 || !strings.Contains(strings.Join(de, "\n"), "Kante jetzt auch Runde Ecken (40 mm)") || !strings.Contains(strings.Join(de, "\n"), "Grundpreis 719,00\u00a0€ → 689,00\u00a0€") {
		t.Errorf("back to 2026.2 in German: %+v", back)
	}
}
