package rules

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// bomProduct writes a product with numbers n and w (1 to 3000), a choice c
// (a, b), a multi x (p, q), the given rules, extra parts and bill of
// materials.
func bomProduct(rules, parts, bom string) string {
	return fmt.Sprintf(`{"format": "atelier-catalog/1", "id": "gen", "version": "1", "name": "Generated",
 "manufacturer": {"id": "m", "name": "M"}, "currency": "EUR", "units": "mm", "validFrom": "2026-01-01",
 "materials": [{"id": "m", "name": "M", "color": "#888", "finish": "matte"}],
 "products": [{"id": "p", "name": "P", "sku": "P", "basePrice": "100",
   "features": [{"id": "n", "kind": "number", "name": "N", "min": 1, "max": 3000, "step": 1, "default": 4, "unit": "mm"},
     {"id": "w", "kind": "number", "name": "W", "min": 1, "max": 3000, "step": 1, "default": 4, "unit": "mm"},
     {"id": "c", "kind": "choice", "name": "C", "options": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]},
     {"id": "x", "kind": "multi", "name": "X", "options": [{"id": "p", "name": "P"}, {"id": "q", "name": "Q"}]}],
   "rules": [%s],
   "geometry": {"parts": [{"id": "body", "shape": "box", "size": [10, 10, 10], "position": [0, 0, 0], "material": "m"}%s]},
   "bom": [%s]}]}`, rules, parts, bom)
}

// bomFindings lints a catalog and returns its findings about bills of
// materials.
func bomFindings(t *testing.T, cat *catalog.Catalog) []string {
	t.Helper()
	var got []string
	for _, p := range cat.Products {
		m, err := Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Analyze(m, "en") {
			if strings.Contains(f.Message, "bill of materials") {
				got = append(got, p.ID+": "+f.Message)
			}
		}
	}
	return got
}

// Defect 4 of issue 14: the demo sofa ordered seats seat modules and
// fillings with a chaise longue, where the picture draws seats − 1 seat
// modules and the chaise. Lint compares a bill of materials item with the
// parts it names ("parts") over valid configurations and warns where the
// counts differ; the fixed demo is clean.
func TestLintComparesBOMWithParts(t *testing.T) {
	fixed := `"quantity": "seats - if(chaise != \"none\", 1, 0)", "parts": ["seat"]`
	if !bytes.Contains(assets.DemoCatalogJSON, []byte(fixed)) {
		t.Fatalf("the demo sofa's seat modules are not %s", fixed)
	}
	old := bytes.ReplaceAll(assets.DemoCatalogJSON, []byte(fixed), []byte(`"quantity": "seats", "parts": ["seat"]`))
	parse := func(name string, data []byte) *catalog.Catalog {
		cat, err := catalog.Parse(name, data, nil)
		if err != nil {
			t.Fatal(err)
		}
		return cat
	}
	seatPart := `, {"id": "seat", "shape": "box", "size": [1, 1, 1], "position": ["i", 0, 0], "material": "m", "repeat": {"count": "n", "var": "i"}, "visible": "c == 'a' or i > 0"}`
	tests := []struct {
		name string
		cat  *catalog.Catalog
		want []string
	}{
		{"the demo", parse("demo.json", assets.DemoCatalogJSON), nil},
		{"the old sofa", parse("old.json", old), []string{
			`kolme-sofa: bill of materials item "Seat module" (NH-KOL-SEAT-{seat_width}-{cover}) orders 3 with seats=3, chaise="left", but part "seat" draws 2: the order and the picture disagree`,
			`kolme-sofa: bill of materials item "Seat filling" (NH-KOL-FILL-{comfort}) orders 3 with seats=3, chaise="left", but part "seat" draws 2: the order and the picture disagree`,
		}},
		{"counts agree", parse("agree.json", []byte(bomProduct("", seatPart,
			`{"sku": "S", "name": "Seat", "quantity": "n - if(c == 'b', 1, 0)", "parts": ["seat"]}`))), nil},
		{"an instance hidden", parse("hidden.json", []byte(bomProduct("", seatPart,
			`{"sku": "S", "name": "Seat", "quantity": "n", "parts": ["seat"]}`))), []string{
			`p: bill of materials item "Seat" (S) orders 1 with n=1, c="b", but part "seat" draws 0`}},
		{"only where the rules forbid it", parse("rules.json", []byte(bomProduct(`{"id": "only-a", "kind": "constraint", "expr": "c == 'a'", "message": "A."}`, seatPart,
			`{"sku": "S", "name": "Seat", "quantity": "n", "parts": ["seat"]}`))), nil},
		{"two parts and a multi", parse("two.json", []byte(bomProduct("",
			`, {"id": "leg", "shape": "box", "size": [1, 1, 1], "position": [0, 0, 0], "material": "m", "repeat": {"count": 4, "var": "k"}},
			   {"id": "extra-leg", "shape": "box", "size": [1, 1, 1], "position": [0, 0, 0], "material": "m", "repeat": {"count": 2, "var": "k"}, "visible": "x has 'p'"}`,
			`{"sku": "L", "name": "Leg", "quantity": "4 + if(x has 'q', 2, 0)", "parts": ["leg", "extra-leg"]}`))), []string{
			`p: bill of materials item "Leg" (L) orders 6 with x without p, x has q, but parts "leg", "extra-leg" draw 4`}},
		{"too many combinations: sampled", parse("wide.json", []byte(bomProduct("",
			`, {"id": "slat", "shape": "box", "size": [1, 1, 1], "position": [0, 0, 0], "material": "m", "repeat": {"count": "if(n > w, 2, 1)", "var": "k"}}`,
			`{"sku": "T", "name": "Slat", "quantity": 1, "parts": ["slat"]}`))), []string{
			`p: bill of materials item "Slat" (T) orders 1 with n=`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bomFindings(t, tt.cat)
			if len(got) != len(tt.want) {
				t.Fatalf("findings:\n%s\nwant %d:\n%s", strings.Join(got, "\n"), len(tt.want), strings.Join(tt.want, "\n"))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("finding %d:\n%s\nwant it to start with:\n%s", i, got[i], w)
				}
			}
		})
	}
}

// A bill of materials item may name only parts the product has, each once,
// and counts pieces.
func TestBOMPartsMustExist(t *testing.T) {
	tests := []struct {
		name, bom, want string
	}{
		{"unknown part", `{"sku": "S", "name": "Seat", "quantity": 1, "parts": ["sete"]}`, `unknown part "sete" in "parts" of the bill of materials item "S"`},
		{"twice", `{"sku": "S", "name": "Seat", "quantity": 1, "parts": ["body", "body"]}`, `part "body" is named twice`},
		{"not pieces", `{"sku": "S", "name": "Seat", "quantity": 1, "unit": "m", "parts": ["body"]}`, `counts parts, so its unit must be pcs, not m`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Parse("bom.json", []byte(bomProduct("", "", tt.bom)), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}
