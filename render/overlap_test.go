package render

import (
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

func TestOverlaps(t *testing.T) {
	// Touching boxes are fine; a box sunk 20 mm into another is reported.
	touching := sceneOf(
		boxPart("base", Vec{0, 100, 0}, Vec{800, 200, 500}, oak),
		boxPart("top", Vec{0, 250, 0}, Vec{200, 100, 200}, ink),
	)
	if got := Overlaps(touching); len(got) != 0 {
		t.Errorf("touching parts reported: %v", got)
	}
	sunk := sceneOf(
		boxPart("base", Vec{0, 100, 0}, Vec{800, 200, 500}, oak),
		boxPart("top", Vec{0, 230, 0}, Vec{200, 100, 200}, ink),
	)
	got := Overlaps(sunk)
	if len(got) != 1 || got[0].A != "base" || got[0].B != "top" || got[0].Depth < 19.9 || got[0].Depth > 20.1 {
		t.Errorf("sunk part: %v, want base/top 20 mm", got)
	}
	// The demo products, in their defaults and presets, have none.
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Products {
		starts := []map[string]catalog.Value{{}}
		for _, pr := range p.Presets {
			starts = append(starts, pr.Values)
		}
		for _, d := range starts {
			s, err := Build(cat, p.Resolve(d))
			if err != nil {
				t.Fatal(err)
			}
			if got := Overlaps(s); len(got) > 0 {
				t.Errorf("%s %v: parts interpenetrate: %v", p.ID, d, got)
			}
		}
	}
}
