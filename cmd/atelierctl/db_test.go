package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// The db verbs refuse what is not Atelier's, with a plain message and
// nothing changed, and say how long a replaced database is kept.
func TestDBVerbsRefuseWhatIsNotAtelier(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "atelier.db")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append([]string{"--db", lib}, args...)...)
	}
	if code, _, errOut := run("design", "save", "--product", "lift-desk", "--name", "Desk"); code != 0 {
		t.Fatalf("save: %d %s", code, errOut)
	}
	good := filepath.Join(dir, "good.db")
	if code, _, errOut := run("db", "backup", good); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	bad := filepath.Join(dir, "bad.db")
	if code, _, errOut := run("db", "backup", bad); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	exec := func(path, stmt string) {
		t.Helper()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	exec(bad, `CREATE TRIGGER wipe AFTER INSERT ON customers BEGIN DELETE FROM designs; END`)
	notes := filepath.Join(dir, "notes.db")
	exec(notes, `CREATE TABLE notes (body TEXT)`)
	notesBytes, _ := os.ReadFile(notes)

	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // on stdout when it succeeds, on stderr when not
	}{
		{"check a sound backup", []string{"db", "check", good}, 0, good + ": ok: an Atelier library that restore accepts"},
		{"check a backup with a trigger", []string{"db", "check", bad}, 1, "the backup has a trigger 'wipe' that Atelier does not make: refused; nothing was changed"},
		{"restore a backup with a trigger", []string{"db", "restore", bad}, 1, "the backup has a trigger 'wipe' that Atelier does not make: refused; nothing was changed"},
		{"restore a sound backup", []string{"db", "restore", good}, 0, "for 7 days, like the backups"},
		{"open another program's file", []string{"--db", notes, "db", "check"}, 1, "not an Atelier library: the file holds another program's data (notes): refused; nothing was changed"},
		{"the library after all this", []string{"db", "check"}, 0, "1 designs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(tc.args...)
			got := out
			if tc.code != 0 {
				got = errOut
			}
			if code != tc.code || !strings.Contains(got, tc.out) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errOut, tc.code, tc.out)
			}
		})
	}
	if after, _ := os.ReadFile(notes); !bytes.Equal(after, notesBytes) {
		t.Error("another program's file was changed")
	}
	for _, ext := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(notes + ext); err == nil {
			t.Errorf("another program's file got a %s file", ext)
		}
	}
}
