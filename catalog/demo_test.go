package catalog_test

import (
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// The demo catalog is the first thing every user sees: every product's
// default configuration and every preset must be buildable and priced.
func TestDemoDefaultsAndPresetsAreValid(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Products {
		starts := map[string]map[string]catalog.Value{"defaults": {}}
		for _, pr := range p.Presets {
			starts["preset "+pr.ID] = pr.Values
		}
		for name, decisions := range starts {
			cfg := p.Resolve(decisions)
			for _, r := range cfg.Violations() {
				t.Errorf("%s, %s: breaks rule %s: %s", p.ID, name, r.ID, r.Message.In("en", "en"))
			}
			price, err := cat.ListPrice(cfg, 1, "en")
			if err != nil {
				t.Errorf("%s, %s: price: %v", p.ID, name, err)
				continue
			}
			if !price.Total.IsPositive() {
				t.Errorf("%s, %s: price %s is not positive", p.ID, name, price.Total)
			}
		}
	}
}

// BenchmarkParseDemo measures loading the demo catalog: JSON, validation and
// compiling every expression.
func BenchmarkParseDemo(b *testing.B) {
	b.SetBytes(int64(len(assets.DemoCatalogJSON)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalog.Parse("demo", assets.DemoCatalogJSON, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPrice measures pricing one configuration with its breakdown.
func BenchmarkListPrice(b *testing.B) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	cfg := cat.Product("klar-window").Resolve(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cat.ListPrice(cfg, 3, "en"); err != nil {
			b.Fatal(err)
		}
	}
}
