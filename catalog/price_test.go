package catalog_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

func TestListPrice(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) catalog.Value {
		return catalog.Value{Kind: catalog.Number, Num: decimal.RequireFromString(s)}
	}
	for _, tc := range []struct {
		name      string
		product   string
		decisions map[string]catalog.Value
		quantity  int
		unit      string
		total     string
		lines     []string // "source=amount", in order
	}{
		{
			// 689 base + 240 oak + 59 tray + (1.6 × 0.8 − 1) m² × 150 = 42
			name: "desk defaults", product: "lift-desk", quantity: 1,
			unit: "1030", total: "1030",
			lines: []string{"base=689", "option:top.oak=240", "option:extras.tray=59", "rule:top-area=42"},
		},
		{
			// 4 % off 1030 = 41.20, for 5 pieces
			name: "desk quantity break", product: "lift-desk", quantity: 5,
			unit: "988.8", total: "4944",
			lines: []string{"base=689", "option:top.oak=240", "option:extras.tray=59", "rule:top-area=42", "quantity-break=-41.2"},
		},
		{
			// 890 + (3 − 2) × 480, then the collection discount of 5 % = 68.50
			name: "sofa percentage discount", product: "kolme-sofa", quantity: 1,
			unit: "1301.5", total: "1301.5",
			lines: []string{"base=890", "rule:seats=480", "rule:showroom=-68.5"},
		},
		{
			// 245 + 45 tilt-turn + 1.23 × 1.48 m² × 185 = 336.774 → 336.77,
			// 2 × 95 sashes, triple glazing 1.8204 m² × 62 = 112.8648 → 112.86
			name: "window area formulas round per line", product: "klar-window", quantity: 1,
			unit: "929.63", total: "929.63",
			lines: []string{"base=245", "option:opening.tilt-turn=45", "rule:area=336.77", "rule:sashes=190", "rule:glazing=112.86"},
		},
		{
			name: "engraving surcharge by length", product: "lift-desk", quantity: 1,
			decisions: map[string]catalog.Value{"engraving": {Kind: catalog.Textual, Str: "Ada"}, "width": num("1200")},
			// 689 + 240 + 59 + max(0, 0.96 − 1) × 150 = 0 (no line), engraving 25 + 3 × 2.5 = 32.50
			unit: "1020.5", total: "1020.5",
			lines: []string{"base=689", "option:top.oak=240", "option:extras.tray=59", "rule:engraving=32.5"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := cat.Product(tc.product)
			pr, err := cat.ListPrice(p.Resolve(tc.decisions), tc.quantity, "en")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range pr.Lines {
				got = append(got, l.Source+"="+l.Amount.String())
			}
			if strings.Join(got, " ") != strings.Join(tc.lines, " ") {
				t.Errorf("lines:\n got  %v\n want %v", got, tc.lines)
			}
			if want := decimal.RequireFromString(tc.unit); !pr.Unit.Equal(want) {
				t.Errorf("unit = %s, want %s", pr.Unit, want)
			}
			if want := decimal.RequireFromString(tc.total); !pr.Total.Equal(want) {
				t.Errorf("total = %s, want %s", pr.Total, want)
			}
			sum := decimal.Zero
			for _, l := range pr.Lines {
				sum = sum.Add(l.Amount)
			}
			if !sum.Equal(pr.Unit) {
				t.Errorf("lines add up to %s, unit is %s", sum, pr.Unit)
			}
		})
	}
}

func TestRoundMoney(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1.005", "1.01"}, {"1.004999", "1"}, {"-1.005", "-1.01"}, {"2.5", "2.5"}, {"0.125", "0.13"},
	} {
		if got := catalog.RoundMoney(decimal.RequireFromString(tc.in)); !got.Equal(decimal.RequireFromString(tc.want)) {
			t.Errorf("RoundMoney(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
