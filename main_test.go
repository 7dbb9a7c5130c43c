package main

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
)

// unzip reads the demo package's files.
func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A catalog given with -catalog opens signed when a trusted manufacturer
// signed it; a package changed after signing is refused; an unsigned one,
// one signed by an unknown key, a JSON file or a folder are refused unless
// -allow-unsigned, and then marked unsigned.
func TestLoadCatalogTrust(t *testing.T) {
	files := unzip(t, assets.DemoPackage)
	if _, ok := files[catalog.SignatureFile]; !ok {
		t.Fatal("the demo package is not signed")
	}
	tampered := map[string][]byte{}
	unsigned := map[string][]byte{}
	for name, b := range files {
		tampered[name] = b
		if name != catalog.SignatureFile {
			unsigned[name] = b
		}
	}
	tampered["catalog.json"] = bytes.Replace(files["catalog.json"], []byte(`"689.00"`), []byte(`"589.00"`), 1)
	if bytes.Equal(tampered["catalog.json"], files["catalog.json"]) {
		t.Fatal("the tampering changed nothing")
	}
	folder := t.TempDir()
	for name, b := range unsigned {
		p := filepath.Join(folder, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	key, err := sign.Generate()
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := catalog.Pack(folder, key)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		path    string
		allow   bool
		sig     storage.Signature
		note    string
		refused string // part of the refusal ("" when it opens)
	}{
		{"signed", write(t, "signed.zip", assets.DemoPackage), false, storage.Signed, "signed by Nordholm Werkstätten GmbH", ""},
		{"tampered", write(t, "tampered.zip", zipOf(t, tampered)), false, "", "", "changed after it was signed"},
		{"tampered, allowed", write(t, "tampered.zip", zipOf(t, tampered)), true, "", "", "changed after it was signed"},
		{"unsigned zip", write(t, "unsigned.zip", zipOf(t, unsigned)), false, "", "", "not signed"},
		{"unsigned zip, allowed", write(t, "unsigned.zip", zipOf(t, unsigned)), true, storage.Unsigned, "unsigned catalog", ""},
		{"unknown key", write(t, "foreign.zip", foreign), false, "", "", "unknown key"},
		{"unknown key, allowed", write(t, "foreign.zip", foreign), true, storage.Unsigned, "unsigned catalog", ""},
		{"json", write(t, "catalog.json", assets.DemoCatalogJSON), false, "", "", "not signed"},
		{"json, allowed", write(t, "catalog.json", assets.DemoCatalogJSON), true, storage.Unsigned, "unsigned catalog", ""},
		{"folder", folder, false, "", "", "not signed"},
		{"folder, allowed", folder, true, storage.Unsigned, "unsigned catalog", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := loadCatalog(tc.path, tc.allow)
			if tc.refused != "" {
				var r refusedError
				if !errors.As(err, &r) || !strings.Contains(r.msg, tc.refused) {
					t.Fatalf("err = %v, want a refusal saying %q", err, tc.refused)
				}
				if !strings.Contains(r.msg, "changed after") && !strings.Contains(r.msg, "-allow-unsigned") {
					t.Errorf("the refusal does not say how to open it anyway: %s", r.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.sig != tc.sig || s.note != tc.note || s.cat == nil || s.cat.ID != "nordholm" || len(s.data) == 0 {
				t.Errorf("got %s %q (catalog %v, %d bytes), want %s %q", s.sig, s.note, s.cat != nil, len(s.data), tc.sig, tc.note)
			}
		})
	}
}
