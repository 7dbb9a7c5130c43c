package storage

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/atelier-app/atelier/internal/racecheck"
)

// backupOf writes a backup of db into a new temporary folder.
func backupOf(t *testing.T, db *DB) string {
	t.Helper()
	bk := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(context.Background(), bk); err != nil {
		t.Fatal(err)
	}
	return bk
}

// Three restores in the same second each keep the data they replace, under
// its own name.
func TestRestoresInOneSecond(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	bk := backupOf(t, db)
	stamp := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	saved := timeNow
	timeNow = func() time.Time { return stamp }
	defer func() { timeNow = saved }()
	var got []string
	for i := 0; i < 3; i++ {
		aside, err := Restore(ctx, db.Path(), bk)
		if err != nil {
			t.Fatalf("restore %d: %v", i+1, err)
		}
		got = append(got, filepath.Base(aside))
	}
	want := []string{"atelier.db.replaced-20261207-100000", "atelier.db.replaced-20261207-100000-1", "atelier.db.replaced-20261207-100000-2"}
	if !slices.Equal(got, want) {
		t.Errorf("replaced files = %v, want %v", got, want)
	}
	for _, name := range got {
		if err := CheckBackup(ctx, filepath.Join(filepath.Dir(db.Path()), name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Two restores at the same time (two CLI runs, or the CLI and the app)
// both succeed: each stages its own file.
func TestConcurrentRestores(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	bk := backupOf(t, db)
	path := db.Path()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = Restore(ctx, path, bk)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("restore %d: %v", i+1, err)
		}
	}
	if left := sideFilesOf(t, filepath.Dir(path), ".restoring", ".partial"); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if n := len(sideFilesOf(t, filepath.Dir(path), ".replaced-")); n != len(errs) {
		t.Errorf("%d replaced files, want %d", n, len(errs))
	}
}

// touch writes a small file (the rest of a killed operation).
func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("left by a killed process"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// What killed backups and restores left is gone after the next start,
// except files another process holds (locked) and files that only look
// alike.
func TestOpenTidiesWhatKilledBackupsAndRestoresLeft(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "atelier.db")
	backups := BackupDir(path)
	gone := []string{
		filepath.Join(backups, "atelier-20261206-090000.db.123456.partial"),
		filepath.Join(backups, "atelier-20261206-090000.db.123456.partial-journal"), // VACUUM INTO's journal
		filepath.Join(backups, "atelier-20261204-090000.db.99.partial-journal"),     // a journal whose partial is gone
		filepath.Join(backups, "atelier-20261205-090000.db.partial"),                // earlier versions' name
		path + ".restoring", path + ".restoring-wal", path + ".restoring-shm", // earlier versions' name
		path + ".restoring-98765", path + ".restoring-98765-wal", path + ".restoring-98765-shm",
		path + ".restoring-555-wal", // a log whose database is gone
		path + ".replaced-20261206-090000-1.4242.partial",
	}
	kept := []string{
		filepath.Join(backups, "atelier-20261206-090000.db"),
		filepath.Join(backups, "notes.partial"),
		filepath.Join(backups, "atelier-notes.db.partial"),
		path + ".restoring-mine",
		filepath.Join(dir, "other.db.restoring-1"),
		filepath.Join(dir, "report.partial"),
		filepath.Join(dir, "report.partial-journal"),
	}
	for _, f := range append(slices.Clone(gone), kept...) {
		touch(t, f)
	}
	// A restore and a backup in progress in another program.
	busyRestore, err := claim(dir, "atelier.db.restoring-*")
	if err != nil {
		t.Fatal(err)
	}
	defer busyRestore.remove()
	touch(t, busyRestore.path+"-wal")
	busyBackup, err := claim(backups, "atelier-20261207-090000.db.*.partial")
	if err != nil {
		t.Fatal(err)
	}
	defer busyBackup.remove()
	kept = append(kept, busyRestore.path, busyRestore.path+"-wal", busyBackup.path)

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, f := range gone {
		if _, err := os.Lstat(f); err == nil {
			t.Errorf("%s is still there", f)
		}
	}
	for _, f := range kept {
		if _, err := os.Lstat(f); err != nil {
			t.Errorf("%s was removed: %v", f, err)
		}
	}
}

// A backup to a name whose earlier backup was killed succeeds and removes
// the killed one's .partial.
func TestBackupRemovesItsKilledPartial(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	dest := filepath.Join(t.TempDir(), "mine.db")
	touch(t, dest+".partial")
	touch(t, dest+".777.partial")
	if err := db.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if left := sideFilesOf(t, filepath.Dir(dest), ".partial"); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if err := CheckBackup(ctx, dest); err != nil {
		t.Error(err)
	}
}

// Databases replaced by a restore are kept BackupDays days, like the
// backups; a restore and the next start remove older ones.
func TestReplacedDatabasesRotate(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	path := db.Path()
	now := time.Now().UTC()
	name := func(age time.Duration, tail string) string {
		return path + ".replaced-" + now.Add(-age).Format(backupLayout) + tail
	}
	day := 24 * time.Hour
	old := []string{name(BackupDays*day+time.Hour, ""), name(30*day, "-2")}
	recent := []string{name(BackupDays*day-time.Hour, ""), name(time.Hour, "-1"), path + ".replaced-notes"}
	for _, f := range append(slices.Clone(old), recent...) {
		touch(t, f)
	}
	aside, err := Restore(ctx, path, backupOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range old {
		if _, err := os.Lstat(f); err == nil {
			t.Errorf("%s is older than %d days and still there", filepath.Base(f), BackupDays)
		}
	}
	for _, f := range append(recent, aside) {
		if _, err := os.Lstat(f); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(f), err)
		}
	}
	// The next start rotates too.
	touch(t, old[0])
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if _, err := os.Lstat(old[0]); err == nil {
		t.Errorf("%s is still there after the next start", filepath.Base(old[0]))
	}
}

// A restore over a file that is not an Atelier library is refused, and
// the file is left as it was (not set aside as damaged).
func TestRestoreOverAForeignFileIsRefused(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	bk := backupOf(t, db)
	path := filepath.Join(t.TempDir(), "notes.db")
	plainDB(t, path, `CREATE TABLE notes (body TEXT)`)
	before := stateOf(t, path)
	if _, err := Restore(ctx, path, bk); err == nil || !strings.Contains(err.Error(), "another program's data (notes)") {
		t.Errorf("error = %v", err)
	}
	checkUntouched(t, path, before)
	if left := sideFilesOf(t, filepath.Dir(path), ".restoring", ".replaced", ".damaged"); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// A process that backs up and restores in a loop is killed at random
// moments while this one opens the library again and again (as the app
// starting while the CLI restores): the running process never fails
// because its files were taken away, and after each kill the next start
// leaves no .partial or .restoring file.
func TestKilledBackupsAndRestoresLeaveNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ctx := context.Background()
	db, _ := newTestDB(t)
	path := db.Path()
	db.Close()
	r := rand.New(rand.NewPCG(7, 8))
	rounds := 12
	if racecheck.Enabled {
		rounds = 3 // the full 12 run without the race detector (make norace)
	}
	for k := 0; k < rounds; k++ {
		cmd, lines := startChild(t, "TestBackupRestoreChild", "ATELIER_RESTORE_CHILD="+path)
		// Open (and so tidy) while the child works, then kill it.
		until := time.Now().Add(time.Duration(20+r.IntN(150)) * time.Millisecond)
		for time.Now().Before(until) {
			if db, err := Open(ctx, path); err != nil {
				t.Errorf("round %d: open while the child works: %v", k, err)
			} else {
				db.Close()
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		for l := range lines {
			if strings.HasPrefix(l, "error") {
				t.Errorf("round %d: the child failed: %s", k, l)
			}
		}
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("after kill %d: %v", k, err)
		}
		db.Close()
		for _, dir := range []string{filepath.Dir(path), BackupDir(path)} {
			if left := sideFilesOf(t, dir, ".partial", ".restoring"); len(left) > 0 {
				t.Fatalf("after kill %d and a start: left in %s: %v", k, dir, left)
			}
		}
	}
}

// TestBackupRestoreChild is the process TestKilledBackupsAndRestoresLeaveNothing
// kills: it backs up and restores as fast as it can.
func TestBackupRestoreChild(t *testing.T) {
	path := os.Getenv("ATELIER_RESTORE_CHILD")
	if path == "" {
		t.Skip("run by TestKilledBackupsAndRestoresLeaveNothing")
	}
	ctx := context.Background()
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		db, err := Open(ctx, path)
		if err != nil {
			fmt.Fprintln(w, "error: open:", err)
			w.Flush()
			os.Exit(4)
		}
		// A rotated backup's name, unique to this process.
		dest := filepath.Join(BackupDir(path), BackupName(time.Unix(int64(os.Getpid())*100000+int64(i), 0)))
		err = db.Backup(ctx, dest)
		db.Close()
		if err != nil {
			fmt.Fprintln(w, "error: backup:", err)
			w.Flush()
			os.Exit(4)
		}
		if _, err := Restore(ctx, path, dest); err != nil {
			fmt.Fprintln(w, "error: restore:", err)
			w.Flush()
			os.Exit(4)
		}
		os.Remove(dest)
		fmt.Fprintln(w, "ok", i)
		w.Flush()
	}
}
