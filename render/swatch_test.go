package render

import (
	"math"
	"testing"

	"github.com/atelier-app/atelier/catalog"
)

// TestSwatchShowsTheMaterial: a swatch's middle is the material's colour
// as the preview shades it (never far from the albedo), its corners are
// transparent, and patterns and finishes change the picture.
func TestSwatchShowsTheMaterial(t *testing.T) {
	tests := []struct {
		name string
		m    *catalog.Material
	}{
		{"matte green", &catalog.Material{ID: "g", Color: catalog.Color{R: 0x4a, G: 0x6b, B: 0x3a}, Finish: catalog.Matte, Pattern: catalog.NoPattern}},
		{"velvet moss", &catalog.Material{ID: "v", Color: catalog.Color{R: 0x55, G: 0x66, B: 0x3c}, Finish: catalog.Satin, Pattern: catalog.Fabric}},
		{"oak", &catalog.Material{ID: "o", Color: catalog.Color{R: 0xc8, G: 0xa2, B: 0x72}, Finish: catalog.Satin, Pattern: catalog.Wood}},
		{"brass", &catalog.Material{ID: "b", Color: catalog.Color{R: 0xb5, G: 0x93, B: 0x4c}, Finish: catalog.Metal, Pattern: catalog.Brushed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := Swatch(tc.m, 64)
			if got := img.Bounds().Dx(); got != 64 {
				t.Fatalf("width = %d, want 64", got)
			}
			if a := img.RGBAAt(0, 0).A; a != 0 {
				t.Errorf("corner alpha = %d, want 0 (transparent round the tile)", a)
			}
			// The mean colour of the middle, against the albedo: the hue
			// is the material's (channels in the same order), the
			// brightness within the lighting's range.
			var r, g, b float64
			n := 0
			for y := 24; y < 40; y++ {
				for x := 24; x < 40; x++ {
					c := img.RGBAAt(x, y)
					if c.A != 255 {
						t.Fatalf("middle pixel (%d,%d) alpha = %d, want opaque", x, y, c.A)
					}
					r, g, b = r+float64(c.R), g+float64(c.G), b+float64(c.B)
					n++
				}
			}
			r, g, b = r/float64(n), g/float64(n), b/float64(n)
			want := tc.m.Color
			ratio := (r + g + b) / float64(int(want.R)+int(want.G)+int(want.B))
			if ratio < 0.6 || ratio > 1.6 {
				t.Errorf("middle brightness = %.2f × the albedo, want 0.6–1.6", ratio)
			}
			// Chromaticity: each channel's share of the sum within 0.06 of
			// the albedo's.
			sum, wsum := r+g+b, float64(int(want.R)+int(want.G)+int(want.B))
			for i, pair := range [][2]float64{{r, float64(want.R)}, {g, float64(want.G)}, {b, float64(want.B)}} {
				if d := math.Abs(pair[0]/sum - pair[1]/wsum); d > 0.06 {
					t.Errorf("channel %d share = %.3f, want %.3f (the material's hue)", i, pair[0]/sum, pair[1]/wsum)
				}
			}
		})
	}
}

// TestSwatchPatternShows: a wood swatch is not one flat colour (the grain
// of the preview's shader is drawn on it), a plain matte one nearly is.
func TestSwatchPatternShows(t *testing.T) {
	spread := func(m *catalog.Material) float64 {
		img := Swatch(m, 64)
		lo, hi := 255.0, 0.0
		for x := 20; x < 44; x++ {
			c := img.RGBAAt(x, 32)
			l := float64(c.R) + float64(c.G) + float64(c.B)
			lo, hi = math.Min(lo, l), math.Max(hi, l)
		}
		return hi - lo
	}
	c := catalog.Color{R: 0xc8, G: 0xa2, B: 0x72}
	wood := spread(&catalog.Material{Color: c, Finish: catalog.Matte, Pattern: catalog.Wood})
	plain := spread(&catalog.Material{Color: c, Finish: catalog.Matte, Pattern: catalog.NoPattern})
	if wood <= plain+6 {
		t.Errorf("wood spread = %.0f, plain = %.0f: want the grain to show", wood, plain)
	}
}

// BenchmarkSwatch is one swatch as the option panel draws it (once per
// material and catalog; then cached).
func BenchmarkSwatch(b *testing.B) {
	m := &catalog.Material{ID: "velvet", Color: catalog.Color{R: 0x55, G: 0x66, B: 0x3c}, Finish: catalog.Satin, Pattern: catalog.Fabric}
	for b.Loop() {
		Swatch(m, 128)
	}
}
