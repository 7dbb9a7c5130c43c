package catalog_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// A list price saved with a design (its currency and total only) goes down
// the same waterfall as the configuration it was worked out from; with no
// product known, only the price group's dealer discount is missing.
func TestWaterfallOfASavedListPrice(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	terms := catalog.Terms{DealerDiscount: dec("30"), GroupDiscounts: map[string]decimal.Decimal{"living": dec("35")}, Adjust: dec("12.5"), TaxRate: dec("19")}
	for _, tc := range []struct {
		name, product string
		decisions     map[string]catalog.Value
		quantity      int
	}{
		{"desk", "lift-desk", map[string]catalog.Value{"top": {Kind: catalog.Choice, Str: "walnut"}}, 1},
		{"sofas in a price group", "kolme-sofa", map[string]catalog.Value{"cover": {Kind: catalog.Choice, Str: "velvet"}}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := cat.Product(tc.product)
			cfg := p.Resolve(tc.decisions)
			want, err := cat.PriceWaterfall(cfg, tc.quantity, "en", terms, decimal.Zero)
			if err != nil {
				t.Fatal(err)
			}
			saved := catalog.Price{Currency: want.List.Currency, Total: want.List.Total, Quantity: tc.quantity}
			got, err := cat.WaterfallOf(saved, p, "en", terms, decimal.Zero)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				name      string
				got, want decimal.Decimal
			}{
				{"dealer net", got.DealerNet, want.DealerNet}, {"customer net", got.CustomerNet, want.CustomerNet},
				{"tax", got.Tax, want.Tax}, {"gross", got.Gross, want.Gross},
			} {
				if !f.got.Equal(f.want) {
					t.Errorf("%s = %s, want %s", f.name, f.got, f.want)
				}
			}
			none, err := cat.WaterfallOf(saved, nil, "en", terms, decimal.Zero)
			if err != nil {
				t.Fatal(err)
			}
			if !none.Gross.Equal(want.Gross) || !none.DealerDiscount.Equal(dec("30")) {
				t.Errorf("without a product: gross %s (want %s), dealer discount %s (want 30)", none.Gross, want.Gross, none.DealerDiscount)
			}
		})
	}
}
