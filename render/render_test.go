package render

import (
	"image"
	"image/color"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// Every demo product builds and draws from several views, in its defaults and
// presets, and the picture is not empty: the product covers a fair part of it.
func TestDemoProductsDraw(t *testing.T) {
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
			scene, err := Build(cat, p.Resolve(d))
			if err != nil {
				t.Fatalf("%s: %v", p.ID, err)
			}
			if len(scene.Meshes) < 3 {
				t.Errorf("%s: %d meshes", p.ID, len(scene.Meshes))
			}
			for name, v := range map[string]View{"iso": ViewIso, "front": ViewFront, "side": ViewSide, "top": ViewTop} {
				v.Width, v.Height = 200, 150
				img := Draw(scene, v)
				if b := img.Bounds(); b.Dx() != 200 || b.Dy() != 150 {
					t.Fatalf("%s %s: size %v", p.ID, name, b)
				}
				covered := 0
				for y := 0; y < 150; y++ {
					for x := 0; x < 200; x++ {
						if !isBackground(img.At(x, y)) {
							covered++
						}
					}
				}
				if frac := float64(covered) / (200 * 150); frac < 0.02 { // a window seen from the side is a thin strip
					t.Errorf("%s %s: the product covers only %.1f%% of the picture", p.ID, name, 100*frac)
				}
			}
		}
	}
}

func isBackground(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	// The studio background is a light warm grey; parts and shadows are darker or coloured.
	return r>>8 > 0xdc && g>>8 > 0xd9 && b>>8 > 0xd3 && int(r>>8)-int(b>>8) < 12
}

func TestFitToViewAnyAspect(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	scene, err := Build(cat, cat.Product("grid-shelf").Resolve(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{400, 100}, {100, 400}, {64, 64}} {
		v := ViewIso
		v.Width, v.Height = size[0], size[1]
		img := Draw(scene, v)
		// The margins stay background: nothing is cut off at the edges.
		for x := 0; x < size[0]; x++ {
			for _, y := range []int{0, size[1] - 1} {
				if !isBackground(img.At(x, y)) {
					t.Errorf("%dx%d: pixel (%d,%d) at the edge is not background", size[0], size[1], x, y)
					return
				}
			}
		}
	}
}

func TestFormatInches(t *testing.T) {
	for _, tc := range []struct {
		mm   float64
		want string
	}{{1600, "63.0 in"}, {25.4, "1.0 in"}, {740, "29.1 in"}, {0, "0.0 in"}} {
		if got := FormatInches(tc.mm); got != tc.want {
			t.Errorf("FormatInches(%v) = %q, want %q", tc.mm, got, tc.want)
		}
	}
}

// Dimension labels are whole millimetres in the language's number style
// (German showed "742.5 mm" and "2490 mm" in an English style).
func TestDimensionLabelsInTheLanguage(t *testing.T) {
	for _, tc := range []struct {
		x          float64
		unit, lang string
		want       string
	}{
		{742.5, "mm", "de", "743"},
		{2490, "mm", "de", "2490"},
		{2490.4, "mm", "en", "2490"},
		{24900, "mm", "", "24,900"},
		{12400.4, "mm", "de", "12.400"},
		{1234567, "mm", "de-AT", "1.234.567"},
		{999.6, "mm", "en", "1000"},
		{0, "mm", "de", "0"},
		{2.45, "m", "de", "2,5"},
		{2, "m", "de", "2"},
		{1.25, "cm", "en", "1.3"},
	} {
		if got := formatLength(tc.x, tc.unit, tc.lang); got != tc.want {
			t.Errorf("formatLength(%v, %q, %q) = %q, want %q", tc.x, tc.unit, tc.lang, got, tc.want)
		}
	}
	for _, tc := range []struct {
		x        float64
		decimals int
		lang     string
		want     string
	}{
		{-16000, 0, "de", "−16.000"},
		{-0.04, 1, "en", "0.0"},
		{63.04, 1, "de", "63,0"},
		{1000000.5, 1, "en", "1,000,000.5"},
	} {
		if got := FormatNumber(tc.x, tc.decimals, tc.lang); got != tc.want {
			t.Errorf("FormatNumber(%v, %d, %q) = %q, want %q", tc.x, tc.decimals, tc.lang, got, tc.want)
		}
	}
	if got, want := FormatInchesIn(1600, "de"), "63,0 in"; got != want {
		t.Errorf("FormatInchesIn(1600, de) = %q, want %q", got, want)
	}
}

// Dimensions in inches are drawn (the labels differ from the millimetre
// ones); without dimensions the unit changes nothing.
func TestDimensionsInInches(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	scene, err := Build(cat, cat.Product("lift-desk").Resolve(nil))
	if err != nil {
		t.Fatal(err)
	}
	v := ViewIso
	v.Width, v.Height, v.Unit = 400, 250, "mm"
	plain := image.Image(Draw(scene, v))
	inchesPlain := v
	inchesPlain.Inches = true
	if !sameImage(plain, Draw(scene, inchesPlain)) {
		t.Error("inches without dimensions changed the picture")
	}
	v.Dimensions = true
	mm := Draw(scene, v)
	v.Inches = true
	in := Draw(scene, v)
	if sameImage(mm, in) {
		t.Error("the dimensions look the same in inches and millimetres")
	}
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}
