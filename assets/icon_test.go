package assets

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite icon.png from DrawIcon")

// TestIcon keeps the committed icon.png (embedded, and read by FyneApp.toml)
// in step with the code that draws it. Run with -update after changing DrawIcon.
func TestIcon(t *testing.T) {
	img := DrawIcon(512)
	if *update {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("icon.png", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("decode embedded icon: %v", err)
	}
	if got.Bounds() != img.Bounds() {
		t.Fatalf("icon size = %v, want %v", got.Bounds(), img.Bounds())
	}
	if d := maxDiff(got, img); d > 2 {
		t.Errorf("icon.png differs from DrawIcon by up to %d levels; run go test ./assets -run TestIcon -update", d)
	}
}

func maxDiff(a, b image.Image) int {
	worst := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8), int(a1>>8) - int(a2>>8)} {
				if d < 0 {
					d = -d
				}
				worst = max(worst, d)
			}
		}
	}
	return worst
}

func TestDemoCatalogParses(t *testing.T) {
	c, err := DemoCatalog()
	if err != nil {
		t.Fatalf("demo catalog: %v", err)
	}
	if got := len(c.Products); got < 4 {
		t.Errorf("demo catalog has %d products, want at least 4", got)
	}
}
