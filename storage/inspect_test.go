package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sideState is the bytes and mtime of a file and of each of its side files
// (-wal, -shm, -journal) that exists.
type sideState map[string]struct {
	data  []byte
	mtime time.Time
}

func sideStateOf(t *testing.T, path string) sideState {
	t.Helper()
	s := sideState{}
	for _, ext := range []string{"", "-wal", "-shm", "-journal"} {
		data, err := os.ReadFile(path + ext)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path + ext)
		if err != nil {
			t.Fatal(err)
		}
		s[ext] = struct {
			data  []byte
			mtime time.Time
		}{data, info.ModTime()}
	}
	return s
}

// checkSidesUntouched fails unless the file and every side file are as
// before: same bytes, same mtime, none new, none gone.
func checkSidesUntouched(t *testing.T, path string, before sideState) {
	t.Helper()
	after := sideStateOf(t, path)
	for ext, b := range before {
		name := "the file" + ext
		a, ok := after[ext]
		switch {
		case !ok:
			t.Errorf("%s is gone", name)
		case !bytes.Equal(a.data, b.data):
			t.Errorf("%s's bytes changed (%d bytes before, %d after)", name, len(b.data), len(a.data))
		case !a.mtime.Equal(b.mtime):
			t.Errorf("%s's mtime changed: %v, want %v", name, a.mtime, b.mtime)
		}
	}
	for ext := range after {
		if _, ok := before[ext]; !ok {
			t.Errorf("the file%s appeared", ext)
		}
	}
}

// leftByKilledWriter makes at dst the files another program leaves when it
// is killed in the middle of its work: stmts run on a database at a
// scratch path, then, while its connection is still open (inside an open
// transaction when inTx), the file and its side files are copied to dst.
// No process holds the copies, as after a kill.
func leftByKilledWriter(t *testing.T, dst string, setup, inTx []string) {
	t.Helper()
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "live.db")
	db, err := sql.Open("sqlite", fileURI(src, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range setup {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if len(inTx) > 0 {
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "ROLLBACK")
		for _, s := range inTx {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	}
	for _, ext := range []string{"", "-wal", "-shm", "-journal"} {
		data, err := os.ReadFile(src + ext)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+ext, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

var notesTable = []string{
	`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`,
	`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO notes (body) SELECT printf('%.200c', 'x') FROM n`,
}

// Issue 12, point 8: Open and CheckBackup refuse another program's
// database that a killed writer left with a -wal and a -shm, or with a
// hot rollback journal, and leave every file exactly as it was (the -shm
// was rewritten; the hot journal gave "attempt to write a readonly
// database (776)").
func TestRefusalLeavesSideFilesAlone(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		setup      []string
		inTx       []string
		wantSides  []string // side files the killed writer leaves
		want       error
		msg        string
		backupMsg  string // CheckBackup's message
		notWording string // a wording the error must not have
	}{
		{
			name:      "a WAL database with a -wal and a -shm",
			setup:     append([]string{`PRAGMA journal_mode = WAL`, `PRAGMA wal_autocheckpoint = 0`}, notesTable...),
			wantSides: []string{"-wal", "-shm"},
			want:      ErrForeign,
			msg:       "the file holds another program's data (notes): refused; nothing was changed",
			backupMsg: "the backup holds another program's data (notes): refused; nothing was changed",
		},
		{
			name:       "a database with a hot journal",
			setup:      append([]string{`PRAGMA journal_mode = DELETE`, `PRAGMA cache_size = 2`}, notesTable...),
			inTx:       []string{`UPDATE notes SET body = upper(body) || 'y'`},
			wantSides:  []string{"-journal"},
			want:       ErrForeign,
			msg:        "not an Atelier library: old.db has an unfinished transaction of another program (old.db-journal) and cannot be read without changing it: refused; nothing was changed",
			backupMsg:  "has an unfinished transaction of another program (old.db-journal)",
			notWording: "readonly",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			leftByKilledWriter(t, path, tc.setup, tc.inTx)
			old := time.Now().Add(-time.Hour).Truncate(time.Second)
			for _, ext := range []string{"", "-wal", "-shm", "-journal"} {
				if _, err := os.Stat(path + ext); err == nil {
					if err := os.Chtimes(path+ext, old, old); err != nil {
						t.Fatal(err)
					}
				}
			}
			before := sideStateOf(t, path)
			for _, ext := range tc.wantSides {
				if _, ok := before[ext]; !ok {
					t.Fatalf("the killed writer left no %s", ext)
				}
			}
			for _, check := range []struct {
				what string
				run  func() error
				msg  string
			}{
				{"Open", func() error {
					db, err := Open(ctx, path)
					if err == nil {
						db.Close()
					}
					return err
				}, tc.msg},
				{"CheckBackup", func() error { return CheckBackup(ctx, path) }, tc.backupMsg},
			} {
				err := check.run()
				if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), check.msg) {
					t.Errorf("%s: error = %v, want %v saying %q", check.what, err, tc.want, check.msg)
				}
				if tc.notWording != "" && err != nil && strings.Contains(err.Error(), tc.notWording) {
					t.Errorf("%s: error = %q, should not say %q", check.what, err, tc.notWording)
				}
				checkSidesUntouched(t, path, before)
			}
		})
	}
}
