package storage

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// baseNames is the base names of paths.
func baseNames(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}

// Issue 12, point 12: two backups in one second (`db backup` twice, the
// app's "Back up now" twice) failed with "file already exists". The second
// is now named -1, the third -2…, and a file already there (the user's) is
// never overwritten.
func TestBackupIntoNamesBackupsOfOneSecondApart(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	SetClock(db, time.Date(2026, 12, 7, 10, 51, 1, 500, time.UTC))
	dir := filepath.Join(t.TempDir(), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "atelier-20261207-105101-2.db")
	if err := os.WriteFile(mine, []byte("my own file"), 0o600); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 3 {
		p, err := db.BackupInto(ctx, dir)
		if err != nil {
			t.Fatalf("backup %d: %v", len(got)+1, err)
		}
		if err := CheckBackup(ctx, p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		got = append(got, filepath.Base(p))
	}
	if want := []string{"atelier-20261207-105101.db", "atelier-20261207-105101-1.db", "atelier-20261207-105101-3.db"}; !slices.Equal(got, want) {
		t.Errorf("backups written = %v, want %v", got, want)
	}
	if data, err := os.ReadFile(mine); err != nil || string(data) != "my own file" {
		t.Errorf("the file already there = %q, %v; want it unchanged", data, err)
	}
	list, err := Backups(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := baseNames(list), []string{"atelier-20261207-105101-3.db", "atelier-20261207-105101-2.db", "atelier-20261207-105101-1.db", "atelier-20261207-105101.db"}; !slices.Equal(got, want) {
		t.Errorf("Backups (newest first) = %v, want %v", got, want)
	}
}
