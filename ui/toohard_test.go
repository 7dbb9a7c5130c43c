package ui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/atelier-app/atelier/catalog"
)

// hard3SATCatalog is a random 3-SAT instance near the hard ratio as a
// catalog: n yes/no features, 4.26n rules of three literals.
func hard3SATCatalog(t *testing.T, n int) *catalog.Catalog {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 4260))
	var fs, rules []string
	for i := 0; i < n; i++ {
		fs = append(fs, fmt.Sprintf(`{"id": "x%d", "kind": "choice", "name": "X%d", "options": [{"id": "y", "name": "Yes"}, {"id": "n", "name": "No"}]}`, i, i))
	}
	for i := 0; i < int(4.26*float64(n)); i++ {
		var lits []string
		for _, v := range r.Perm(n)[:3] {
			lits = append(lits, fmt.Sprintf("x%d == '%s'", v, []string{"y", "n"}[r.IntN(2)]))
		}
		rules = append(rules, fmt.Sprintf(`{"id": "c%d", "kind": "constraint", "expr": %q, "message": "C%d."}`, i, strings.Join(lits, " or "), i))
	}
	src := fmt.Sprintf(`{"format": "atelier-catalog/1", "id": "hard", "version": "1", "name": "Hard",
 "manufacturer": {"id": "m", "name": "M"}, "currency": "EUR", "units": "mm", "validFrom": "2026-01-01",
 "materials": [{"id": "m", "name": "M", "color": "#888", "finish": "matte"}],
 "products": [{"id": "p", "name": "P", "sku": "P", "basePrice": "100", "features": [%s], "rules": [%s],
   "geometry": {"parts": [{"shape": "box", "size": [100, 100, 100], "position": [0, 0, 0], "material": "m"}]}}]}`,
		strings.Join(fs, ",\n"), strings.Join(rules, ",\n"))
	cat, err := catalog.Parse("hard.json", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// A product whose rules the engine cannot settle within its budget: the
// designer stays usable and says so in the status line, with no dialog.
func TestDesignerShowsTooHardRules(t *testing.T) {
	test.NewTempApp(t)
	q := make(uiQueue, 1024)
	// 300 variables: since the solver's branching works as it should
	// (issue 13), the options of 200 are all settled within the budget.
	d := buildDesigner(hard3SATCatalog(t, 300), "en", q.do, false)
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1280, 800))
	d.SetWindow(w)
	eventually(t, q, "the too-hard message", func() bool {
		return strings.Contains(d.status.Text, "too hard to check completely")
	})
	if d.domains != nil {
		t.Errorf("got domains, want none when the rules are too hard")
	}
	if len(w.Canvas().Overlays().List()) != 0 {
		t.Errorf("got a dialog, want the message in the status line only")
	}
}
