package catalog_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// FuzzParseValue feeds what a user may type (CLI --set, a text field) to
// every feature of the demo catalog: an error or a value that passes the
// feature's own checks, never a panic.
func FuzzParseValue(f *testing.F) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "oak", "tray,arm", "1600", "1e3", "-0", "NaN", "1600.0000001", "a,,b", "Ada & Co", "\u202e", "99999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range cat.Products {
			for _, feat := range p.Features {
				v, err := feat.ParseValue(s)
				if err != nil {
					continue
				}
				if v.Kind != feat.Kind {
					t.Fatalf("%s.%s: value of kind %s", p.ID, feat.ID, v.Kind)
				}
				switch feat.Kind {
				case catalog.Number:
					if err := feat.CheckNumber(v.Num); err != nil {
						t.Fatalf("%s.%s accepted %q but %v", p.ID, feat.ID, s, err)
					}
				case catalog.Choice:
					if feat.Option(v.Str) == nil {
						t.Fatalf("%s.%s accepted unknown option %q", p.ID, feat.ID, v.Str)
					}
				}
			}
		}
	})
}

// FuzzParseZip feeds arbitrary bytes as a zipped catalog package.
func FuzzParseZip(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("catalog.json")
	w.Write(assets.DemoCatalogJSON)
	zw.Close()
	f.Add(buf.Bytes())
	// As plain `zip -r` writes a folder: folder entries first.
	buf.Reset()
	zw = zip.NewWriter(&buf)
	zw.Create("images/")
	w, _ = zw.Create("catalog.json")
	w.Write(assets.DemoCatalogJSON)
	w, _ = zw.Create("images/oak.png")
	w.Write(assets.Icon)
	zw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := catalog.ParseZip("fuzz.zip", data)
		if err != nil {
			var list catalog.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not an ErrorList: %v", err)
			}
		}
	})
}

func TestParseZipRejectsUnsafePaths(t *testing.T) {
	for _, name := range []string{"../catalog.json", "/etc/passwd", `a\..\b.png`} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("catalog.json")
		w.Write(assets.DemoCatalogJSON)
		w, _ = zw.Create(name)
		w.Write([]byte("x"))
		zw.Close()
		_, err := catalog.ParseZip("bad.zip", buf.Bytes())
		if err == nil {
			t.Errorf("zip with %q was accepted", name)
		}
	}
}

func TestParseZipDemo(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("catalog.json")
	w.Write(assets.DemoCatalogJSON)
	zw.Close()
	c, err := catalog.ParseZip("demo.zip", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Products) != 4 {
		t.Errorf("%d products", len(c.Products))
	}
}
