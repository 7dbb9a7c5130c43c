package catalog_test

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// zipWith writes a zip of the entries in order, stored; a name ending in
// "/" is a folder entry, as plain `zip -r` writes them.
func zipWith(t *testing.T, entries ...struct {
	name string
	data []byte
}) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		// Raw entries (stored), so that even a folder entry can hold data.
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.data),
			CompressedSize64: uint64(len(e.data)), UncompressedSize64: uint64(len(e.data))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type entry = struct {
	name string
	data []byte
}

func TestZipWithFolderEntries(t *testing.T) {
	data := withSwatch("swatches/oak.png")
	tests := []struct {
		name    string
		entries []entry
		wantErr string // "" for accepted
	}{
		{"zip -r of a folder", []entry{{"swatches/", nil}, {"catalog.json", data}, {"swatches/oak.png", assets.Icon}}, ""},
		{"nested folder entries", []entry{{"swatches/", nil}, {"swatches/old/", nil}, {"catalog.json", data}, {"swatches/oak.png", assets.Icon}}, ""},
		{"folder entry out of the folder", []entry{{"../", nil}, {"catalog.json", data}, {"swatches/oak.png", assets.Icon}}, `unsafe path "../"`},
		{"absolute folder entry", []entry{{"/etc/", nil}, {"catalog.json", data}, {"swatches/oak.png", assets.Icon}}, `unsafe path "/etc/"`},
		{"folder entry with data", []entry{{"swatches|", []byte("x")}, {"catalog.json", data}, {"swatches/oak.png", assets.Icon}}, `folder entry "swatches/" holds data`},
		{"files are still checked", []entry{{"swatches/", nil}, {"catalog.json", data}, {"swatches/../../oak.png", assets.Icon}}, "unsafe path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The writer refuses data in a folder entry: "|" becomes "/"
			// in the written names.
			z := bytes.ReplaceAll(zipWith(t, tt.entries...), []byte("swatches|"), []byte("swatches/"))
			c, err := catalog.ParseZip("cat.zip", z)
			c2, _, err2 := catalog.ReadPackage("cat.zip", z, nil)
			for what, e := range map[string]error{"ParseZip": err, "ReadPackage": err2} {
				switch {
				case tt.wantErr == "" && e != nil:
					t.Errorf("%s: got %v, want the catalog", what, e)
				case tt.wantErr != "" && (e == nil || !strings.Contains(e.Error(), tt.wantErr)):
					t.Errorf("%s: got %v, want an error with %q", what, e, tt.wantErr)
				}
			}
			if tt.wantErr == "" {
				for _, c := range []*catalog.Catalog{c, c2} {
					if c == nil || len(c.Assets["swatches/oak.png"]) != len(assets.Icon) {
						t.Errorf("got no swatch image, want the one in the zip's folder")
					}
				}
			}
		})
	}
}

// A catalog path that is a device (here a link to /dev/zero, whose size
// the file system gives as 0) is refused before anything is read.
func TestLoadRefusesDevices(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("links to device files are Unix's; ReadFileLimited's test refuses NUL")
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	dir := t.TempDir()
	for _, name := range []string{"catalog.json", "catalog.zip"} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
			_, err := catalog.Load(p)
			if err == nil || !strings.Contains(err.Error(), "is not a regular file (a device)") {
				t.Errorf("got %v, want the device refused", err)
			}
		})
	}
}
