package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fileState is a file's bytes and modification time, and which of its
// side files (-wal, -shm, -journal) exist.
type fileState struct {
	data  []byte
	mtime time.Time
	sides []string
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	s := fileState{data: data, mtime: info.ModTime()}
	for _, ext := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + ext); err == nil {
			s.sides = append(s.sides, ext)
		}
	}
	return s
}

// checkUntouched fails unless path is as before, byte for byte, with the
// same modification time and no new side file.
func checkUntouched(t *testing.T, path string, before fileState) {
	t.Helper()
	after := stateOf(t, path)
	if !bytes.Equal(after.data, before.data) {
		t.Errorf("the file's bytes changed (%d bytes before, %d after)", len(before.data), len(after.data))
	}
	if !after.mtime.Equal(before.mtime) {
		t.Errorf("the file's mtime changed: %v, want %v", after.mtime, before.mtime)
	}
	if got, want := strings.Join(after.sides, " "), strings.Join(before.sides, " "); got != want {
		t.Errorf("side files = %q, want %q", got, want)
	}
}

// plainDB opens path with no pragma of Atelier's (as another program
// would), runs the statements and closes it.
func plainDB(t testing.TB, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", fileURI(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// libraryWith makes an Atelier library at path, then runs the statements
// on it the way another program would.
func libraryWith(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	plainDB(t, path, stmts...)
}

// The trigger of issue 12: it deleted every design at the next customer
// added.
const wipeTrigger = `CREATE TRIGGER wipe AFTER INSERT ON customers BEGIN DELETE FROM designs; END`

// changedShadowTable gives the search index's shadow table
// design_search_docsize a CHECK that makes every second design save fail
// (issue 12, point 7: shadow tables were compared by name only).
var changedShadowTable = []string{
	`PRAGMA writable_schema = ON`,
	`UPDATE sqlite_master SET sql = 'CREATE TABLE ''design_search_docsize''(id INTEGER PRIMARY KEY, sz BLOB, CHECK (id < 2))' WHERE name = 'design_search_docsize'`,
	`PRAGMA writable_schema = OFF`,
}

// Open refuses every existing file that is not an Atelier library, and
// leaves it exactly as it was: no byte, no mtime, no -wal or -shm.
func TestOpenRefusesWhatIsNotAtelier(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		make func(t *testing.T, path string)
		want error
		msg  string // in the error
	}{
		{"another program's database", func(t *testing.T, path string) {
			plainDB(t, path, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`, `INSERT INTO notes (body) VALUES ('mine')`)
		}, ErrForeign, "the file holds another program's data (notes): refused; nothing was changed"},
		{"another program's database in WAL mode", func(t *testing.T, path string) {
			plainDB(t, path, `PRAGMA journal_mode = WAL`, `CREATE TABLE notes (body TEXT)`, `INSERT INTO notes VALUES ('mine')`)
		}, ErrForeign, "another program's data (notes)"},
		{"foreign tables at user_version 3", func(t *testing.T, path string) {
			plainDB(t, path, `CREATE TABLE notes (body TEXT)`, `CREATE TABLE tags (name TEXT)`, `PRAGMA user_version = 3`)
		}, ErrForeign, "the file holds another program's data (notes, tags)"},
		{"another program's tables in an Atelier library of version 3", func(t *testing.T, path string) {
			openAt(t, path, 3)
			plainDB(t, path, `DROP TABLE autosave`, `CREATE TABLE notes (body TEXT)`)
		}, ErrForeign, "the file has a table 'notes' that Atelier does not make; the file lacks a table 'autosave' that Atelier makes"},
		{"a library with a foreign trigger", func(t *testing.T, path string) {
			libraryWith(t, path, wipeTrigger)
		}, ErrForeign, "the file has a trigger 'wipe' that Atelier does not make: refused; nothing was changed"},
		{"a library with a foreign view", func(t *testing.T, path string) {
			libraryWith(t, path, `CREATE VIEW everyone AS SELECT name, email FROM customers`)
		}, ErrForeign, "the file has a view 'everyone' that Atelier does not make"},
		{"a library with a foreign table", func(t *testing.T, path string) {
			libraryWith(t, path, `CREATE TABLE spy (x TEXT)`)
		}, ErrForeign, "the file has a table 'spy' that Atelier does not make"},
		{"a library with a foreign index", func(t *testing.T, path string) {
			libraryWith(t, path, `CREATE INDEX customers_email ON customers (email)`)
		}, ErrForeign, "the file has an index 'customers_email' that Atelier does not make"},
		{"a library with a changed definition", func(t *testing.T, path string) {
			libraryWith(t, path, `DROP INDEX designs_customer`, `CREATE INDEX designs_customer ON designs (name)`)
		}, ErrForeign, "the file has an index 'designs_customer' whose definition is not Atelier's"},
		{"a library with a changed FTS5 shadow table", func(t *testing.T, path string) {
			libraryWith(t, path, changedShadowTable...)
		}, ErrForeign, "the file has a table 'design_search_docsize' whose definition is not Atelier's"},
		{"a library without one of its indexes", func(t *testing.T, path string) {
			libraryWith(t, path, `DROP INDEX showroom_queue_waiting`)
		}, ErrForeign, "the file lacks an index 'showroom_queue_waiting' that Atelier makes"},
		{"a text file", func(t *testing.T, path string) {
			os.WriteFile(path, []byte("these are my notes, not a database\n"), 0o600)
		}, ErrDamaged, "not an SQLite database"},
		{"a newer library", func(t *testing.T, path string) {
			libraryWith(t, path, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1))
		}, ErrNewer, "nothing was changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "atelier.db")
			tc.make(t, path)
			// An older mtime, so that a write in the same clock tick shows.
			old := time.Now().Add(-time.Hour).Truncate(time.Second)
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
			before := stateOf(t, path)
			db, err := Open(ctx, path)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error = %q, want it to say %q", err, tc.msg)
			}
			checkUntouched(t, path, before)
		})
	}
}

// What Open accepts: a new file, a zero-length file (SQLite leaves one
// when a first start stops before its first write), an SQLite file without
// schema (a first start that stopped before its first migration), and a
// library with SQLite's own statistics.
func TestOpenAcceptsNewAndEmptyLibraries(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		make func(t *testing.T, path string)
	}{
		{"no file", func(t *testing.T, path string) {}},
		{"a zero-length file", func(t *testing.T, path string) { os.WriteFile(path, nil, 0o600) }},
		{"an SQLite file without schema", func(t *testing.T, path string) { plainDB(t, path, `PRAGMA journal_mode = WAL`) }},
		{"a library after ANALYZE", func(t *testing.T, path string) { libraryWith(t, path, `ANALYZE`) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "atelier.db")
			tc.make(t, path)
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var v int
			db.db.QueryRow("PRAGMA user_version").Scan(&v)
			if v != SchemaVersion {
				t.Errorf("user_version = %d, want %d", v, SchemaVersion)
			}
		})
	}
}

// A trigger that only the write-ahead log holds is found too, while the
// program that added it has the file open and in a copy of the file and
// its log; the files are left as they were.
func TestOpenFindsATriggerInTheLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	lib, err := Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	lib.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	if _, err := lib.db.Exec(wipeTrigger); err != nil {
		t.Fatal(err)
	}
	// While the program that added it has the file open (a -shm exists).
	srcBefore := stateOf(t, src)
	if _, err := Open(ctx, src); !errors.Is(err, ErrForeign) || !strings.Contains(err.Error(), "trigger 'wipe'") {
		t.Errorf("open while another program has it open: error = %v, want ErrForeign naming the trigger", err)
	}
	checkUntouched(t, src, srcBefore)
	// A copy of the file and its log, without -shm.
	path := filepath.Join(dir, "atelier.db")
	copyRaw(t, src, path)
	copyRaw(t, src+"-wal", path+"-wal")
	before := stateOf(t, path)
	wal, _ := os.ReadFile(path + "-wal")
	_, err = Open(ctx, path)
	if !errors.Is(err, ErrForeign) || !strings.Contains(err.Error(), "trigger 'wipe'") {
		t.Errorf("error = %v, want ErrForeign naming the trigger", err)
	}
	checkUntouched(t, path, before)
	if after, _ := os.ReadFile(path + "-wal"); !bytes.Equal(after, wal) {
		t.Error("the log was changed")
	}
}

// The expected schema comes from the migrations themselves: a build with
// one more migration opens (and checks) its own libraries, and an older
// build refuses them as newer.
func TestExpectedSchemaFollowsTheMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "atelier.db")
	saved := migrations
	migrations = append(migrations[:len(migrations):len(migrations)], `CREATE TABLE later (x TEXT); CREATE TRIGGER later_stamp AFTER INSERT ON later BEGIN SELECT 1; END;`)
	db, err := Open(ctx, path)
	if err != nil {
		migrations = saved
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	migrations = saved
	if err != nil {
		t.Fatalf("the build with the extra migration refuses its own library: %v", err)
	}
	db.Close()
	if _, err := Open(ctx, path); !errors.Is(err, ErrNewer) {
		t.Errorf("this build opens a newer library: %v", err)
	}
}

// CheckBackup (db check, restore) refuses a backup with a schema that is
// not Atelier's at its version, and changes nothing.
func TestCheckBackupRefusesForeignSchemas(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		version int // the backup's schema version
		stmts   []string
		msg     string // "" when accepted
	}{
		{"a sound backup", SchemaVersion, nil, ""},
		{"a sound backup of version 3", 3, nil, ""},
		{"a trigger", SchemaVersion, []string{wipeTrigger}, "the backup has a trigger 'wipe' that Atelier does not make: refused; nothing was changed"},
		{"a trigger in a backup of version 3", 3, []string{wipeTrigger}, "the backup has a trigger 'wipe' that Atelier does not make"},
		{"a changed table", SchemaVersion, []string{`DROP TABLE showroom_queue`, `CREATE TABLE showroom_queue (code TEXT, design INTEGER, customer_name TEXT, sent_at TEXT, taken_at TEXT)`},
			"the backup has a table 'showroom_queue' whose definition is not Atelier's"},
		{"a view", SchemaVersion, []string{`CREATE VIEW v AS SELECT 1`}, "the backup has a view 'v' that Atelier does not make"},
		{"a changed FTS5 shadow table", SchemaVersion, changedShadowTable, "the backup has a table 'design_search_docsize' whose definition is not Atelier's"},
		{"a changed FTS5 shadow table in a backup of version 3", 3, changedShadowTable, "the backup has a table 'design_search_docsize' whose definition is not Atelier's"},
		{"another program's file", 0, []string{`CREATE TABLE notes (body TEXT)`}, "the backup holds another program's data (notes)"},
		{"an SQLite file without schema", 0, []string{`CREATE TABLE x (a)`, `DROP TABLE x`}, "the backup holds no library"},
		{"a zero-length file", 0, nil, "the backup is an empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "backup.db")
			if tc.version > 0 {
				openAt(t, path, tc.version)
			}
			plainDB(t, path, append([]string{`PRAGMA journal_mode = DELETE`}, tc.stmts...)...)
			before := stateOf(t, path)
			err := CheckBackup(ctx, path)
			switch {
			case tc.msg == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.msg != "" && (!errors.Is(err, ErrForeign) || !strings.Contains(err.Error(), tc.msg)):
				t.Errorf("error = %v, want ErrForeign saying %q", err, tc.msg)
			}
			checkUntouched(t, path, before)
		})
	}
}

// The defect of issue 12: a backup whose trigger deletes every design was
// restored, and the next customer added deleted them all. Now the restore
// is refused and the library is as it was.
func TestRestoreRefusesABackupWithATrigger(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	if _, _, err := db.SaveDesign(ctx, deskInput(rec, "Desk")); err != nil {
		t.Fatal(err)
	}
	bk := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(ctx, bk); err != nil {
		t.Fatal(err)
	}
	plainDB(t, bk, wipeTrigger)
	_, err := Restore(ctx, db.Path(), bk)
	if !errors.Is(err, ErrForeign) || !strings.Contains(err.Error(), "the backup has a trigger 'wipe' that Atelier does not make: refused; nothing was changed") {
		t.Errorf("error = %v", err)
	}
	if _, err := db.SaveCustomer(ctx, Customer{Name: "Ola Nordmann"}); err != nil {
		t.Fatal(err)
	}
	if list, err := db.Designs(ctx, Filter{}); err != nil || len(list) != 1 {
		t.Errorf("designs after the refused restore and a new customer: %d %v, want 1", len(list), err)
	}
	if side := sideFilesOf(t, filepath.Dir(db.Path()), ".replaced-", ".restoring"); len(side) > 0 {
		t.Errorf("the refused restore left %v", side)
	}
}

// sideFilesOf lists the files in dir whose names contain any of parts.
func sideFilesOf(t *testing.T, dir string, parts ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		for _, p := range parts {
			if strings.Contains(e.Name(), p) {
				out = append(out, e.Name())
				break
			}
		}
	}
	return out
}

// BenchmarkOpen measures opening an existing library (the schema check
// included).
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "atelier.db")
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	for b.Loop() {
		db, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkBuildSchemas measures building Atelier's schema at every
// version from the migrations (once per process, at the first Open).
func BenchmarkBuildSchemas(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := buildSchemas(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
