package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/atelier-app/atelier/internal/viewer"
)

// Restoring a backup that another program has open for reading (a
// backup tool copying it, a database browser, a virus scanner): the
// restore reads it all the same, and leaves it as it was. On Windows the
// other program's handle shares reading only, so the backup must be
// opened without asking to write it. The folder's name has a space and
// letters beyond ASCII.
func TestRestoreFromABackupOpenInAnotherProgram(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "Jörg Müller", "Atelier Daten")
	db, err := Open(ctx, filepath.Join(dir, "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SaveCustomer(ctx, Customer{Name: "In the backup"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "Sicherung vom Montag.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveCustomer(ctx, Customer{Name: "After the backup"}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	held, err := viewer.Open(backup)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := Restore(ctx, db.Path(), backup); err != nil {
		t.Fatalf("restore from a backup another program reads: %v", err)
	}
	cs, err := db.Customers(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Name != "In the backup" {
		t.Errorf("after the restore: %+v, want only the backup's customer", cs)
	}
	held.Close()
	if after, _ := os.ReadFile(backup); string(after) != string(before) {
		t.Error("restoring changed the backup")
	}
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(backup + side); err == nil {
			t.Errorf("restoring left %s beside the backup", filepath.Base(backup+side))
		}
	}
}
