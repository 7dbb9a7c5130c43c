package catalog_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// The waterfall of two walnut desks, checked step by step by hand.
func TestPriceWaterfallByHand(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := cat.Product("lift-desk")
	cfg := p.Resolve(map[string]catalog.Value{"top": {Kind: catalog.Choice, Str: "walnut"}})
	list, err := cat.ListPrice(cfg, 2, "en")
	if err != nil {
		t.Fatal(err)
	}
	terms := catalog.Terms{DealerDiscount: dec("30"), GroupDiscounts: map[string]decimal.Decimal{"living": dec("35")}, Adjust: dec("-5"), TaxRate: dec("19")}
	w, err := cat.PriceWaterfall(cfg, 2, "en", terms, dec("2.5"))
	if err != nil {
		t.Fatal(err)
	}
	// By hand from the list total L: dealer net = L − round(L × 30%);
	// customer price C = L − round(L × 5%); net N = C − round(C × 2.5%);
	// tax = round(N × 19%).
	L := list.Total
	dn := L.Sub(L.Mul(dec("0.30")).Round(2))
	c := L.Sub(L.Mul(dec("0.05")).Round(2))
	n := c.Sub(c.Mul(dec("0.025")).Round(2))
	tax := n.Mul(dec("0.19")).Round(2)
	for _, tc := range []struct {
		name      string
		got, want decimal.Decimal
	}{
		{"dealer net", w.DealerNet, dn}, {"customer price", w.CustomerPrice, c}, {"customer net", w.CustomerNet, n},
		{"tax", w.Tax, tax}, {"gross", w.Gross, n.Add(tax)}, {"margin", w.DealerMargin, n.Sub(dn)},
	} {
		if !tc.got.Equal(tc.want) {
			t.Errorf("%s = %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	if w.List.Total.String() != L.String() || !w.DealerDiscount.Equal(dec("30")) {
		t.Errorf("list %s, dealer discount %s", w.List.Total, w.DealerDiscount)
	}
	// A product in a price group with its own discount.
	sofa := cat.Product("kolme-sofa")
	ws, err := cat.PriceWaterfall(sofa.Resolve(nil), 1, "en", terms, decimal.Zero)
	if err != nil {
		t.Fatal(err)
	}
	sl := ws.List.Total
	if !ws.DealerDiscount.Equal(dec("35")) || !ws.DealerNet.Equal(sl.Sub(sl.Mul(dec("0.35")).Round(2))) {
		t.Errorf("sofa (price group %s): dealer discount %s, dealer net %s; want the living group's 35%% off %s", sofa.PriceGroup, ws.DealerDiscount, ws.DealerNet, sl)
	}
	if ws.DealerDiscountLabel != "dealer discount for Living" {
		t.Errorf("sofa's dealer discount is labelled %q", ws.DealerDiscountLabel)
	}
	if _, err := cat.PriceWaterfall(cfg, 1, "en", terms, dec("120")); err == nil {
		t.Error("a 120% line discount was accepted")
	}
}

func TestBOMAndArticleCode(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := cat.Product("lift-desk")
	cfg := p.Resolve(map[string]catalog.Value{
		"top":    {Kind: catalog.Choice, Str: "walnut"},
		"extras": {Kind: catalog.Multi, Set: []string{"arm", "tray", "modesty"}},
	})
	bom, err := cat.BOM(cfg, 3, "en")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range bom {
		got[l.SKU] = l.Quantity.String() + l.Unit
	}
	for sku, want := range map[string]string{"NH-ARM": "3pcs", "NH-CTRAY": "3pcs", "NH-FELT": "3.6m", "NH-SCREW-M6": "48pcs"} {
		if got[sku] != want {
			t.Errorf("BOM %s = %q, want %q (all: %v)", sku, got[sku], want, got)
		}
	}
	for sku := range got {
		if len(sku) > 0 && (containsBrace(sku)) {
			t.Errorf("placeholder left in %q", sku)
		}
	}
	code := cat.ArticleCode(cfg)
	again := cat.ArticleCode(p.Resolve(map[string]catalog.Value{
		"top":    {Kind: catalog.Choice, Str: "walnut"},
		"extras": {Kind: catalog.Multi, Set: []string{"modesty", "tray", "arm"}}, // another order
	}))
	if code != again {
		t.Errorf("article code depends on the selection's order: %s vs %s", code, again)
	}
	if other := cat.ArticleCode(p.Resolve(nil)); other == code {
		t.Errorf("different configurations share the code %s", code)
	}
	t.Logf("article code %s", code)
}

func containsBrace(s string) bool {
	for _, r := range s {
		if r == '{' || r == '}' {
			return true
		}
	}
	return false
}

func TestFormatMoneyByLanguage(t *testing.T) {
	for _, tc := range []struct{ amount, cur, lang, want string }{
		{"1234.5", "EUR", "en", "€1,234.50"},
		{"1234.5", "EUR", "de", "1.234,50\u00a0€"},
		{"-99.999", "EUR", "de", "−100,00\u00a0€"},
		{"1234567", "CHF", "en", "CHF\u00a01,234,567.00"},
		{"0.5", "SEK", "sv", "0,50\u00a0SEK"},
	} {
		if got := catalog.FormatMoney(dec(tc.amount), tc.cur, tc.lang); got != tc.want {
			t.Errorf("FormatMoney(%s, %s, %s) = %q, want %q", tc.amount, tc.cur, tc.lang, got, tc.want)
		}
	}
}
