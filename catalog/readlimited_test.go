package catalog

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadFileLimited(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		limit      int64
		wantErr    string
	}{
		{"within the limit", small, 5, ""},
		{"over the limit", small, 4, "larger than an order package may be (4 bytes at most)"},
		{"a folder", dir, 1 << 20, "is not a regular file (a folder)"},
		{"missing", filepath.Join(dir, "nothing"), 10, "nothing"}, // and fs.ErrNotExist, below
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ReadFileLimited(tc.path, tc.limit, "an order package")
			if tc.wantErr == "" {
				if err != nil || string(b) != "12345" {
					t.Fatalf("got %q, %v; want the file", b, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
			}
			if tc.name == "missing" && !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("got error %v, want fs.ErrNotExist (the messages differ between systems)", err)
			}
		})
	}
	// A device that never ends (or, on Windows, the console, which waits
	// for a key) is refused before it is read.
	device := "/dev/zero"
	if runtime.GOOS == "windows" {
		device = "NUL"
	}
	if _, err := ReadFileLimited(device, 1<<20, "an order package"); err == nil || !strings.Contains(err.Error(), "a device") {
		t.Fatalf("%s: got %v, want a refusal", device, err)
	}
}
