package catalog_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// withSwatch returns the demo catalog with a swatch image on the oak material.
func withSwatch(path string) []byte {
	return bytes.Replace(assets.DemoCatalogJSON,
		[]byte(`"id": "oak", "name": { "en": "Oiled oak", "de": "Eiche geölt" }, "color": "#c49a6c",`),
		[]byte(`"id": "oak", "name": { "en": "Oiled oak", "de": "Eiche geölt" }, "color": "#c49a6c", "swatch": "`+path+`",`), 1)
}

func TestLoadFolderWithAssets(t *testing.T) {
	dir := t.TempDir()
	data := withSwatch("swatches/oak.png")
	if bytes.Equal(data, assets.DemoCatalogJSON) {
		t.Fatal("the demo catalog changed: the oak material was not found")
	}
	if err := os.WriteFile(filepath.Join(dir, "catalog.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "swatches"), 0o755); err != nil {
		t.Fatal(err)
	}

	// Missing image: a clear error at the material.
	_, err := catalog.Load(dir)
	var list catalog.ErrorList
	if !errors.As(err, &list) || !strings.Contains(err.Error(), `refers to the image "swatches/oak.png", which is not in the catalog`) {
		t.Fatalf("missing swatch: err = %v", err)
	}

	if err := os.WriteFile(filepath.Join(dir, "swatches", "oak.png"), assets.Icon, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Load(dir)
	if err != nil {
		t.Fatalf("folder with its image: %v", err)
	}
	if got := c.Material("oak").Swatch; got != "swatches/oak.png" {
		t.Errorf("swatch = %q", got)
	}
	if len(c.Assets["swatches/oak.png"]) != len(assets.Icon) {
		t.Errorf("the image was not loaded")
	}
}

func TestSingleFileCannotHaveImages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(path, withSwatch("oak.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := catalog.Load(path)
	if err == nil || !strings.Contains(err.Error(), "a single-file catalog has no images") {
		t.Errorf("err = %v", err)
	}
}

func TestLoadFolderWithoutCatalog(t *testing.T) {
	_, err := catalog.Load(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "catalog.json is missing") {
		t.Errorf("err = %v", err)
	}
}
