package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// TestSwatchImageFromCatalogOrMaterial: an option's swatch is the
// catalog's picture when the option or its material ships one, else its
// material drawn by the preview's shader; a broken picture falls back to
// the material.
func TestSwatchImageFromCatalogOrMaterial(t *testing.T) {
	magenta := color.NRGBA{R: 0xff, G: 0x00, B: 0xff, A: 0xff}
	var buf bytes.Buffer
	pic := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < len(pic.Pix); i += 4 {
		pic.Pix[i], pic.Pix[i+1], pic.Pix[i+2], pic.Pix[i+3] = magenta.R, magenta.G, magenta.B, magenta.A
	}
	if err := png.Encode(&buf, pic); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		setup       func(cat *catalog.Catalog, o *catalog.Option)
		wantPicture bool // the catalog's magenta picture, else the material
	}{
		{"material only", func(*catalog.Catalog, *catalog.Option) {}, false},
		{"option's own picture", func(_ *catalog.Catalog, o *catalog.Option) { o.Swatch = "swatches/velvet.png" }, true},
		{"material's picture", func(cat *catalog.Catalog, o *catalog.Option) { cat.Material(o.Material).Swatch = "swatches/velvet.png" }, true},
		{"broken picture", func(_ *catalog.Catalog, o *catalog.Option) { o.Swatch = "swatches/missing.png" }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cat, err := assets.DemoCatalog()
			if err != nil {
				t.Fatal(err)
			}
			if cat.Assets == nil {
				cat.Assets = map[string][]byte{}
			}
			cat.Assets["swatches/velvet.png"] = buf.Bytes()
			f := cat.Product("kolme-sofa").Feature("cover")
			o := f.Option("velvet")
			tc.setup(cat, o)
			if !hasSwatches(cat, f) {
				t.Fatal("the cover is not shown as swatches")
			}
			img := swatchImage(cat, o)
			if img == nil {
				t.Fatal("no swatch")
			}
			b := img.Bounds()
			got := color.NRGBAModel.Convert(img.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2)).(color.NRGBA)
			if isPicture := got == magenta; isPicture != tc.wantPicture {
				t.Errorf("middle pixel = %v: the catalog's picture = %v, want %v", got, isPicture, tc.wantPicture)
			}
			if !tc.wantPicture {
				m := cat.Material(o.Material).Color
				if got.G <= got.R || got.G <= got.B || m.G <= m.R {
					t.Errorf("middle pixel = %v, want the velvet's green %v shaded", got, m)
				}
			}
		})
	}
	// A feature with an option that is no material is a list, not swatches.
	cat, _ := assets.DemoCatalog()
	if f := cat.Product("kolme-sofa").Feature("arms"); hasSwatches(cat, f) {
		t.Error("the arms (no materials) are shown as swatches")
	}
}
