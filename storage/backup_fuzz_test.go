package storage

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheckBackup: whatever bytes a backup file holds, CheckBackup answers
// without changing them or leaving a file beside them, and what it accepts
// has exactly the triggers and views Atelier makes (none today).
func FuzzCheckBackup(f *testing.F) {
	ctx := context.Background()
	db, rec := newTestDB(f)
	if _, _, err := db.SaveDesign(ctx, deskInput(rec, "Desk")); err != nil {
		f.Fatal(err)
	}
	seed := filepath.Join(f.TempDir(), "seed.db")
	if err := db.Backup(ctx, seed); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	plainDB(f, seed, wipeTrigger)
	withTrigger, _ := os.ReadFile(seed)
	f.Add(withTrigger)
	shadow := filepath.Join(f.TempDir(), "shadow.db")
	if err := db.Backup(ctx, shadow); err != nil {
		f.Fatal(err)
	}
	plainDB(f, shadow, append([]string{`PRAGMA journal_mode = DELETE`}, changedShadowTable...)...)
	withShadow, err := os.ReadFile(shadow)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(withShadow) // a changed FTS5 shadow table (issue 12, point 7)
	f.Add([]byte(sqliteMagic))
	f.Add([]byte{})
	want, err := expectedSchema(ctx, SchemaVersion)
	if err != nil {
		f.Fatal(err)
	}
	wantCode := 0
	for _, o := range want {
		if o.Type == "trigger" || o.Type == "view" {
			wantCode++
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "b.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		err := CheckBackup(ctx, path)
		if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
			t.Fatal("CheckBackup changed the file")
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("CheckBackup left %d files", len(entries)-1)
		}
		if err != nil {
			return
		}
		ro, err := sql.Open("sqlite", fileURI(path, map[string][]string{"mode": {"ro"}, "immutable": {"1"}}))
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		var v, code int
		if err := ro.QueryRow(`SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM sqlite_master WHERE type IN ('trigger', 'view')`).Scan(&v, &code); err != nil {
			t.Fatalf("accepted, but: %v", err)
		}
		if v == SchemaVersion && code != wantCode {
			t.Fatalf("accepted a backup with %d triggers and views, want %d", code, wantCode)
		}
		if v, got, err := readSchema(ctx, ro); err == nil && v == SchemaVersion {
			if problems := compareSchema(got, want); len(problems) > 0 {
				t.Fatalf("accepted a backup whose schema %s", problems[0])
			}
		}
	})
}
