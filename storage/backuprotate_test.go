package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Issue 12, point 12: backups written by `db backup` and the app's "Back
// up now" into backups/ are rotated like the daily ones: a backup named by
// BackupName is removed once it is BackupDays days old and not among the
// BackupDays newest; a file the user named is never removed.
func TestBackupIntoRotates(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	dir := filepath.Join(t.TempDir(), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	users := []string{"mine.db", "atelier-old.db", "atelier-20200101-000000.db.txt", "atelier-20200101-000000-x.db", "atelier-20200101-0000001.db"}
	for _, n := range users {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("the user's"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Named like ours, long ago: rotated.
	if err := os.WriteFile(filepath.Join(dir, "atelier-20200101-000000.db"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	for day := range 10 {
		SetClock(db, clock.Add(time.Duration(day)*24*time.Hour))
		if _, err := db.BackupInto(ctx, dir); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
	}
	// Five more on the last day, two of them in one second.
	for i := range 5 {
		SetClock(db, clock.Add(9*24*time.Hour+time.Duration(i/2+1)*time.Hour))
		if _, err := db.BackupInto(ctx, dir); err != nil {
			t.Fatalf("backup %d of the last day: %v", i, err)
		}
	}
	list, err := Backups(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"atelier-20261110-110000.db", "atelier-20261110-100000-1.db", "atelier-20261110-100000.db", "atelier-20261110-090000-1.db", "atelier-20261110-090000.db",
		"atelier-20261110-080000.db", "atelier-20261109-080000.db", "atelier-20261108-080000.db", "atelier-20261107-080000.db",
		"atelier-20261106-080000.db", "atelier-20261105-080000.db", "atelier-20261104-080000.db",
	}
	if got := baseNames(list); !slices.Equal(got, want) {
		t.Errorf("backups kept = %v,\nwant %v (every one younger than %d days)", got, want, BackupDays)
	}
	for _, n := range users {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("the user's %s: %v", n, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "atelier-20200101-000000.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old backup named like ours is still there (%v)", err)
	}
}

// A library used once a month keeps its BackupDays newest backups, however
// old they are.
func TestBackupIntoKeepsTheNewestHoweverOld(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	dir := filepath.Join(t.TempDir(), "backups")
	clock := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	for month := range 10 {
		SetClock(db, clock.AddDate(0, month, 0))
		if _, err := db.BackupInto(ctx, dir); err != nil {
			t.Fatalf("month %d: %v", month, err)
		}
	}
	list, err := Backups(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != BackupDays || !strings.HasSuffix(list[0], "atelier-20261001-080000.db") || !strings.HasSuffix(list[len(list)-1], "atelier-20260401-080000.db") {
		t.Errorf("backups kept = %v, want the %d newest (October back to April)", baseNames(list), BackupDays)
	}
}
