package main

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog"
)

// partsCatalog is a catalog of one product drawing n parts, laid out as
// layout says:
//   - "row": n distinct boxes in a row, each sunk 5 mm into the next;
//   - "stack": one part repeated n times at the same place;
//   - "crossing": n distinct thin parallel rods on a diagonal, whose
//     bounding boxes meet their neighbours' while the rods do not.
func partsCatalog(t testing.TB, layout string, n int) (*catalog.Catalog, *catalog.Product) {
	t.Helper()
	var parts []string
	switch layout {
	case "row":
		for i := 0; i < n; i++ {
			parts = append(parts, fmt.Sprintf(`{"id": "p%d", "shape": "box", "size": [15, 10, 10], "position": [%d, 5, 0], "material": "m"}`, i, i*10))
		}
	case "stack":
		parts = append(parts, fmt.Sprintf(`{"id": "slat", "shape": "box", "size": [100, 10, 10], "position": [0, 5, 0], "material": "m", "repeat": {"count": %d}}`, n))
	case "crossing":
		for i := 0; i < n; i++ {
			// Parallel diagonal rods 2 mm thick, 5 mm apart.
			d := float64(i) * 5 / math.Sqrt2
			parts = append(parts, fmt.Sprintf(`{"id": "r%d", "shape": "box", "size": [1000, 2, 2], "position": [%.4f, %.4f, 0], "rotation": [0, 0, 45], "material": "m"}`, i, -d, 1000+d))
		}
	}
	src := fmt.Sprintf(`{"format": "atelier-catalog/1", "id": "parts", "version": "1", "name": "Parts",
 "manufacturer": {"id": "m", "name": "M"}, "currency": "EUR", "units": "mm", "validFrom": "2026-01-01",
 "materials": [{"id": "m", "name": "M", "color": "#888", "finish": "matte"}],
 "products": [{"id": "p", "name": "P", "sku": "P", "basePrice": "100", "features": [{"id": "c", "kind": "choice", "name": "C", "options": [{"id": "a", "name": "A"}]}],
   "geometry": {"parts": [%s]}}]}`, strings.Join(parts, ",\n"))
	cat, err := catalog.Parse("parts.json", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cat, cat.Products[0]
}

func TestLintOverlapIsBounded(t *testing.T) {
	tests := []struct {
		layout       string
		wantFindings int  // overlap warnings
		wantStopped  bool // the "stopped" warning
	}{
		{"row", maxOverlapWarnings, true},
		{"stack", 1, false},
		{"crossing", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.layout, func(t *testing.T) {
			cat, p := partsCatalog(t, tt.layout, 2000)
			got, stopped := 0, false
			for _, f := range overlaps(cat, p) {
				if strings.Contains(f.Message, "stopped") {
					stopped = true
				} else {
					got++
				}
			}
			if got != tt.wantFindings || stopped != tt.wantStopped {
				t.Errorf("got %d overlap warnings (stopped: %v), want %d (stopped: %v)", got, stopped, tt.wantFindings, tt.wantStopped)
			}
		})
	}
}

// BenchmarkLintOverlap2000 is lint's overlap check of a product drawing
// 2,000 parts (the most a product may draw).
func BenchmarkLintOverlap2000(b *testing.B) {
	for _, layout := range []string{"row", "stack", "crossing"} {
		b.Run(layout, func(b *testing.B) {
			cat, p := partsCatalog(b, layout, 2000)
			b.ReportAllocs()
			for b.Loop() {
				overlaps(cat, p)
			}
		})
	}
}
