package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 12, point 12: `db backup` twice in one second failed with "file
// already exists". Each run now writes its own file into backups/
// (atelier-<time>.db, then -1, -2… in the same second).
func TestDBBackupTwiceInOneSecond(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "atelier.db")
	if code, _, errOut := runCLI(t, "--db", lib, "design", "save", "--product", "lift-desk", "--name", "Desk"); code != 0 {
		t.Fatalf("save: %d %s", code, errOut)
	}
	seen := map[string]bool{}
	for i := range 3 {
		code, out, errOut := runCLI(t, "--db", lib, "db", "backup")
		if code != 0 {
			t.Fatalf("backup %d: exit %d: %s", i+1, code, errOut)
		}
		path := strings.TrimSpace(out)
		if seen[path] {
			t.Errorf("backup %d: %s written twice", i+1, path)
		}
		seen[path] = true
		if filepath.Dir(path) != filepath.Join(filepath.Dir(lib), "backups") {
			t.Errorf("backup %d: %s, want it in the backups folder", i+1, path)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("backup %d: %v", i+1, err)
		}
	}
}
