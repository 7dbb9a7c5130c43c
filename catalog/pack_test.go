package catalog_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
)

// The demo manufacturer's published package verifies with the built-in key.
func TestDemoPackageIsSignedByTheBuiltInKey(t *testing.T) {
	cat, trust, err := catalog.ReadPackage("demo.zip", assets.DemoPackage, assets.TrustedManufacturers())
	if err != nil {
		t.Fatal(err)
	}
	if !trust.Trusted || trust.Manufacturer != "Nordholm Werkstätten GmbH" || cat.ID != "nordholm" {
		t.Errorf("trust %+v, catalog %s", trust, cat.ID)
	}
}

func repack(t *testing.T, pkg []byte, edit func(name string, data []byte) []byte, extra map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if d := edit(f.Name, data); d != nil {
			w, _ := zw.Create(f.Name)
			w.Write(d)
		}
	}
	for n, d := range extra {
		w, _ := zw.Create(n)
		w.Write([]byte(d))
	}
	zw.Close()
	return buf.Bytes()
}

func TestTamperedOrForeignPackagesAreRefused(t *testing.T) {
	trusted := assets.TrustedManufacturers()
	pkg := assets.DemoPackage
	for _, tc := range []struct {
		name, want string
		pkg        []byte
		refused    bool // an error, not only an untrusted verdict
	}{
		{"a price changed", "catalog.json was changed after signing", repack(t, pkg, func(n string, d []byte) []byte {
			if n == "catalog.json" {
				return bytes.Replace(d, []byte(`"price": "240.00"`), []byte(`"price": "24.00"`), 1)
			}
			return d
		}, nil), true},
		{"a file added", "notes.txt was added after signing", repack(t, pkg, func(_ string, d []byte) []byte { return d }, map[string]string{"notes.txt": "x"}), true},
		{"the signature removed", "not signed", repack(t, pkg, func(n string, d []byte) []byte {
			if n == catalog.SignatureFile {
				return nil
			}
			return d
		}, nil), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, trust, err := catalog.ReadPackage("x.zip", tc.pkg, trusted)
			if tc.refused != (err != nil) || trust.Trusted || !strings.Contains(trust.Problem, tc.want) {
				t.Errorf("err %v, trust %+v; want %q", err, trust, tc.want)
			}
		})
	}
	// Signed by someone else: valid, but not trusted.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "catalog.json"), assets.DemoCatalogJSON, 0o644)
	k, _ := sign.Generate()
	other, err := catalog.Pack(dir, k)
	if err != nil {
		t.Fatal(err)
	}
	_, trust, err := catalog.ReadPackage("other.zip", other, trusted)
	if err != nil || !trust.Valid || trust.Trusted || !strings.Contains(trust.Problem, "unknown key") {
		t.Errorf("foreign key: %v %+v", err, trust)
	}
	trusted["Other"] = k.Public()
	if _, trust, _ = catalog.ReadPackage("other.zip", other, trusted); !trust.Trusted {
		t.Errorf("with the key trusted: %+v", trust)
	}
}

// FuzzReadPackage: any zip: refused or read, never a panic.
func FuzzReadPackage(f *testing.F) {
	f.Add(assets.DemoPackage)
	f.Add([]byte("PK\x03\x04"))
	trusted := assets.TrustedManufacturers()
	f.Fuzz(func(t *testing.T, data []byte) {
		catalog.ReadPackage("fuzz.zip", data, trusted)
	})
}
