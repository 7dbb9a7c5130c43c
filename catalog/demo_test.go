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
