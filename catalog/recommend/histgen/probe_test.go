package histgen

import (
	"os"
	"testing"
	"time"

	"github.com/atelier-app/atelier/assets"
)

func TestProbe(t *testing.T) {
	c, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Products {
		if os.Getenv("ONLY") != "" && p.ID != os.Getenv("ONLY") {
			continue
		}
		start := time.Now()
		cs, st, err := Generate(p, DemoTypes(p.ID), 5000, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d in %v %+v; first %v", p.ID, len(cs), time.Since(start), st, cs[0].Example)
	}
}
