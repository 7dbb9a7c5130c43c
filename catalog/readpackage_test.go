package catalog_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/internal/linegen"
)

// ReadPackage builds the catalog from the entries it has just read and
// checked instead of inflating them from the zip again (ParseZip's way):
// it must give the same catalog, or the same errors, as ParseZip, also
// where a zip lists a name twice.
func TestReadPackageReadsAsParseZip(t *testing.T) {
	good := withSwatch("swatches/oak.png")
	broken := bytes.Replace(assets.DemoCatalogJSON, []byte(`"currency": "EUR"`), []byte(`"currency": "euro"`), 1)
	if bytes.Equal(broken, assets.DemoCatalogJSON) {
		t.Fatal("the demo catalog changed: its currency was not found")
	}
	tests := []struct {
		name    string
		entries []entry
	}{
		{"images in a folder", []entry{{"catalog.json", good}, {"swatches/oak.png", assets.Icon}}},
		{"a folder entry first", []entry{{"swatches/", nil}, {"swatches/oak.png", assets.Icon}, {"catalog.json", good}}},
		{"a generated line", []entry{{"catalog.json", linegen.WideFew().JSON}}},
		{"a broken catalog", []entry{{"catalog.json", broken}}},
		{"no catalog.json", []entry{{"swatches/oak.png", assets.Icon}}},
		{"the catalog twice, the broken one last", []entry{{"catalog.json", good}, {"swatches/oak.png", assets.Icon}, {"catalog.json", broken}}},
		{"the catalog twice, the broken one first", []entry{{"catalog.json", broken}, {"swatches/oak.png", assets.Icon}, {"catalog.json", good}}},
		{"an image twice, the second not an image", []entry{{"catalog.json", good}, {"swatches/oak.png", assets.Icon}, {"swatches/oak.png", []byte("not a png")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := zipWith(t, tt.entries...)
			want, wantErr := catalog.ParseZip("cat.zip", z)
			got, _, gotErr := catalog.ReadPackage("cat.zip", z, nil)
			if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Fatalf("got error %v, want %v (as ParseZip)", gotErr, wantErr)
			}
			if wantErr != nil {
				return
			}
			var g, w bytes.Buffer
			dumpValue(&g, reflect.ValueOf(got))
			dumpValue(&w, reflect.ValueOf(want))
			if !bytes.Equal(g.Bytes(), w.Bytes()) {
				t.Errorf("ReadPackage built a different catalog from ParseZip's (dumps of %d and %d bytes)", g.Len(), w.Len())
			}
		})
	}
}
