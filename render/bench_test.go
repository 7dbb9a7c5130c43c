package render

import (
	"fmt"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// richestDemo returns the demo design (product default or preset) with the
// most faces: the most complex picture the demo can ask for.
func richestDemo(t testing.TB) (*Scene, string) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var best *Scene
	name := ""
	faces := func(s *Scene) int {
		n := 0
		for _, m := range s.Meshes {
			n += len(m.Faces)
		}
		return n
	}
	for _, p := range cat.Products {
		starts := map[string]map[string]catalog.Value{"default": {}}
		for _, pr := range p.Presets {
			starts[pr.ID] = pr.Values
		}
		for id, d := range starts {
			s, err := Build(cat, p.Resolve(d))
			if err != nil {
				t.Fatal(err)
			}
			if best == nil || faces(s) > faces(best) {
				best, name = s, fmt.Sprintf("%s/%s (%d parts, %d faces)", p.ID, id, len(s.Meshes), faces(s))
			}
		}
	}
	return best, name
}

func benchDraw(b *testing.B, s *Scene, v View) {
	r := NewRenderer()
	r.Draw(s, v) // buffers for this size
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Draw(s, v)
	}
}

// BenchmarkDraw measures frames against the 60 fps budget:
// go test ./render -run '^$' -bench Draw -benchtime 50x
func BenchmarkDraw(b *testing.B) {
	demo, name := richestDemo(b)
	b.Logf("richest demo design: %s", name)
	iso := ViewIso
	b.Run("demo-1280x800", func(b *testing.B) {
		v := iso
		v.Width, v.Height = 1280, 800
		benchDraw(b, demo, v)
	})
	b.Run("demo-1280x800-dimensions", func(b *testing.B) {
		v := iso
		v.Width, v.Height, v.Dimensions = 1280, 800, true
		benchDraw(b, demo, v)
	})
	b.Run("demo-2560x1600-hidpi", func(b *testing.B) {
		v := iso
		v.Width, v.Height, v.Scale = 2560, 1600, 2
		benchDraw(b, demo, v)
	})
	b.Run("demo-640x400-while-dragging", func(b *testing.B) {
		v := iso
		v.Width, v.Height, v.Scale = 640, 400, 0.5
		benchDraw(b, demo, v)
	})
	b.Run("demo-thumbnail-256", func(b *testing.B) {
		v := iso
		v.Width, v.Height = 256, 256
		benchDraw(b, demo, v)
	})
	b.Run("stress-240-parts-1280x800", func(b *testing.B) {
		v := iso
		v.Width, v.Height = 1280, 800
		benchDraw(b, gridScene(6, 8, 5), v)
	})
}

func BenchmarkBuild(b *testing.B) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	cfg := cat.Product("kolme-sofa").Resolve(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(cat, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
