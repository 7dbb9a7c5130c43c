// Package storage keeps Atelier's data in one embedded SQLite file
// (modernc.org/sqlite, pure Go). It knows nothing of windows.
package storage

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is an open Atelier database.
type DB struct {
	db   *sql.DB
	path string
}

// pragmas apply to every pooled connection, so they live in the DSN:
//   - foreign_keys: SQLite leaves them off by default;
//   - journal_mode WAL: readers never block the writer, and a crash mid-write
//     leaves the last committed state intact;
//   - synchronous FULL: every commit is fsynced before it returns, so a save
//     the user saw succeed survives a power cut (NORMAL could lose the last
//     commits in WAL mode; saving a design is rare enough that the fsync
//     costs nothing noticeable);
//   - busy_timeout: a second process (the CLI while the app runs) waits for
//     the lock instead of failing at once.
var pragmas = []string{"foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(5000)"}

// DSN returns the data source name that opens path with Atelier's pragmas.
func DSN(path string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Open opens the database at path, creating the file if it does not exist.
func Open(ctx context.Context, path string) (*DB, error) {
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return &DB{db: db, path: path}, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Path is the database file.
func (d *DB) Path() string { return d.path }

// QuickCheck runs SQLite's quick_check and returns an error describing the
// damage when the file is not sound.
func (d *DB) QuickCheck(ctx context.Context) error {
	rows, err := d.db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("check database %s: %w", d.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("check database %s: %w", d.path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check database %s: %w", d.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("database %s is damaged: %v", d.path, problems)
	}
	return nil
}
