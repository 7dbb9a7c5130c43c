package render

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/golden")

// goldenCase is one picture: a scene and a view.
type goldenCase struct {
	name  string
	scene *Scene
	view  View
}

func goldenCases(t *testing.T) []goldenCase {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	build := func(product string, dec map[string]catalog.Value) *Scene {
		s, err := Build(cat, cat.Product(product).Resolve(dec))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	sized := func(v View) View {
		if v.Width == 0 {
			v.Width, v.Height = 320, 200
		}
		return v
	}
	var cs []goldenCase
	for _, p := range cat.Products {
		s := build(p.ID, nil)
		for _, name := range []string{"iso", "front", "side", "top"} {
			cs = append(cs, goldenCase{p.ID + "-" + name, s, sized(StandardViews[name])})
		}
	}
	for _, p := range cat.Products {
		for _, pr := range p.Presets {
			v := ViewIso
			v.Perspective = true
			cs = append(cs, goldenCase{p.ID + "-preset-" + pr.ID + "-perspective", build(p.ID, pr.Values), sized(v)})
			break // the first preset of each product
		}
	}
	dims := ViewIso
	dims.Dimensions, dims.Width, dims.Height, dims.Scale = true, 640, 400, 2
	cs = append(cs,
		goldenCase{"lift-desk-dimensions-hidpi", build("lift-desk", nil), dims},
		goldenCase{"kolme-sofa-dimensions", build("kolme-sofa", nil), sized(View{Azimuth: -30, Elevation: 18, Zoom: 1, Dimensions: true})},
		goldenCase{"stress-stacked", stackedScene(), sized(ViewIso)},
		goldenCase{"stress-frame", frameScene(), sized(View{Azimuth: 25, Elevation: 12, Zoom: 1, Perspective: true})},
		goldenCase{"stress-thin", thinScene(), sized(ViewIso)},
		goldenCase{"stress-rotated-parts", spiralScene(), sized(View{Azimuth: 20, Elevation: 25, Zoom: 1, Perspective: true})},
		goldenCase{"stress-240-parts", gridScene(6, 8, 5), sized(ViewIso)},
		goldenCase{"stress-extreme-zoom", build("kolme-sofa", nil), sized(View{Azimuth: 35, Elevation: 22, Zoom: 6, PanX: 0.4, PanY: 0.1})},
		goldenCase{"stress-every-finish", finishesScene(), sized(View{Azimuth: 15, Elevation: 20, Zoom: 1})},
		goldenCase{"thumbnail-shelf", build("grid-shelf", nil), View{Width: 128, Height: 128, Azimuth: 35, Elevation: 22, Zoom: 1}},
	)
	return cs
}

// TestGoldenImages renders every case and compares it with its committed
// picture in testdata/golden, allowing small per-pixel differences
// (rounding on other CPUs): a picture fails when more than 0.5% of its
// pixels differ by more than 24 levels in a channel. Failures are written
// to testdata/failed (the new picture and a difference image); rewrite the
// goldens with go test ./render -run Golden -update after looking at them.
func TestGoldenImages(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			img := Draw(c.scene, c.view)
			if b := img.Bounds(); b.Dx() != c.view.Width || b.Dy() != c.view.Height {
				t.Fatalf("size %v, want %dx%d", b, c.view.Width, c.view.Height)
			}
			path := filepath.Join("testdata", "golden", c.name+".png")
			if *update {
				writePNG(t, path, img)
				return
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("no golden image (run with -update after checking the picture): %v", err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			diff, bad := compare(img, want)
			if float64(bad) > 0.005*float64(c.view.Width*c.view.Height) {
				writePNG(t, filepath.Join("testdata", "failed", c.name+".png"), img)
				writePNG(t, filepath.Join("testdata", "failed", c.name+"-diff.png"), diff)
				t.Errorf("%d pixels differ from %s; see testdata/failed/%s.png", bad, path, c.name)
			}
		})
	}
}

// compare counts pixels whose channels differ by more than 24 levels and
// draws them red on a faded copy of the expected picture.
func compare(got, want image.Image) (*image.NRGBA, int) {
	b := want.Bounds()
	diff := image.NewNRGBA(b)
	bad := 0
	if got.Bounds() != b {
		return diff, b.Dx() * b.Dy()
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, _ := got.At(x, y).RGBA()
			r2, g2, b2, _ := want.At(x, y).RGBA()
			d := max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) >> 8
			if d > 24 {
				bad++
				diff.Set(x, y, color.NRGBA{0xff, 0, 0, 0xff})
			} else {
				g := uint8(0xc0 + (r2>>8)/4)
				diff.Set(x, y, color.NRGBA{g, g, g, 0xff})
			}
		}
	}
	return diff, bad
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
