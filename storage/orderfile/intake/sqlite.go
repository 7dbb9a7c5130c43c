package intake

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/atelier-app/atelier/storage"
)

// Lease is how long a claim of the SQLite state holds without a decision:
// a process killed mid-way leaves its packages to the next after this.
const Lease = 5 * time.Minute

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS packages (
	package     TEXT PRIMARY KEY,           -- SHA-256 of the package
	number      TEXT NOT NULL DEFAULT '',   -- the order's number, once decided
	verdict     TEXT,                       -- NULL: claimed, not decided
	received    TEXT,                       -- RFC 3339, UTC, when decided
	deliveries  INTEGER NOT NULL DEFAULT 0,
	record      TEXT NOT NULL DEFAULT '{}', -- the Record, JSON
	finished    INTEGER NOT NULL DEFAULT 0, -- filed, answered, out of the inbox
	claimed_by  TEXT,                       -- the claim's token: by/random
	lease_until TEXT
);
CREATE INDEX IF NOT EXISTS packages_number ON packages (number) WHERE verdict IS NOT NULL;
CREATE INDEX IF NOT EXISTS packages_received ON packages (received) WHERE verdict IS NOT NULL;
`

// sqliteState is the intake's state in a SQLite file.
type sqliteState struct {
	db  *sql.DB
	now func() time.Time
}

// OpenSQLite opens (making it if need be) the intake's state in a SQLite
// file.
func OpenSQLite(ctx context.Context, path string) (State, error) {
	db, err := sql.Open("sqlite", storage.DSN(path))
	if err != nil {
		return nil, fmt.Errorf("the intake's state %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, sqliteSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("the intake's state %s: %w", path, err)
	}
	return &sqliteState{db: db, now: time.Now}, nil
}

func (s *sqliteState) Close() error { return s.db.Close() }

// stampLayout is RFC 3339 with a fixed width, so that stamps compare as
// strings (RFC3339Nano drops trailing zeros: "…:05Z" sorted after
// "…:05.5Z").
const stampLayout = "2006-01-02T15:04:05.000000000Z"

func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

// token names one claim: its process and a random part, so that two
// claims of one process (the same package under two names) exclude each
// other too.
func token(by string) string {
	var b [8]byte
	rand.Read(b[:])
	return by + "/" + hex.EncodeToString(b[:])
}

func (s *sqliteState) Claim(ctx context.Context, pkg, by string) (Claim, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO packages (package) VALUES (?) ON CONFLICT DO NOTHING`, pkg); err != nil {
		return nil, err
	}
	var verdict, holder, lease sql.NullString
	var record string
	var deliveries int
	var finished bool
	if err := tx.QueryRowContext(ctx, `SELECT verdict, record, deliveries, finished, claimed_by, lease_until FROM packages WHERE package = ?`, pkg).
		Scan(&verdict, &record, &deliveries, &finished, &holder, &lease); err != nil {
		return nil, err
	}
	now := s.now()
	if holder.Valid && lease.String > stamp(now) {
		return nil, ErrBusy
	}
	c := &sqliteClaim{s: s, pkg: pkg, token: token(by)}
	if verdict.Valid {
		r, err := readRecord(record, deliveries)
		if err != nil {
			return nil, err
		}
		r.Finished = finished
		c.earlier, c.done = r, true
	}
	if _, err := tx.ExecContext(ctx, `UPDATE packages SET claimed_by = ?, lease_until = ? WHERE package = ?`, c.token, stamp(now.Add(Lease)), pkg); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

func readRecord(record string, deliveries int) (Record, error) {
	var r Record
	if err := json.Unmarshal([]byte(record), &r); err != nil {
		return r, fmt.Errorf("a record of the intake's state does not read: %w", err)
	}
	r.Deliveries = deliveries
	return r, nil
}

func (s *sqliteState) Records(ctx context.Context, from, to time.Time) ([]Record, error) {
	return s.records(ctx, s.db, `WHERE verdict IS NOT NULL AND received >= ? AND received < ? ORDER BY received, package`, stamp(from), stamp(to))
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *sqliteState) records(ctx context.Context, q queryer, where string, args ...any) ([]Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT record, deliveries FROM packages `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var record string
		var n int
		if err := rows.Scan(&record, &n); err != nil {
			return nil, err
		}
		r, err := readRecord(record, n)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *sqliteState) Filing(ctx context.Context, day string, f func([]Record) error) error {
	from, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil) // immediate: no other process files meanwhile
	if err != nil {
		return err
	}
	defer tx.Rollback()
	recs, err := s.records(ctx, tx, `WHERE verdict = 'accepted' AND received >= ? AND received < ? ORDER BY received, package`,
		stamp(from), stamp(from.AddDate(0, 0, 1)))
	if err != nil {
		return err
	}
	if err := f(recs); err != nil {
		return err
	}
	return tx.Commit()
}

type sqliteClaim struct {
	s          *sqliteState
	pkg, token string
	earlier    Record
	done       bool
}

func (c *sqliteClaim) Earlier() (Record, bool) { return c.earlier, c.done }

func (c *sqliteClaim) lapsed(err error) error {
	return fmt.Errorf("package %s…: the claim lapsed (%v) and another process took it", c.pkg[:12], err)
}

func (c *sqliteClaim) Again(ctx context.Context) (Record, error) {
	if !c.done {
		return Record{}, errors.New("the package was not decided before")
	}
	res, err := c.s.db.ExecContext(ctx, `UPDATE packages SET deliveries = deliveries + 1 WHERE package = ? AND claimed_by = ?`, c.pkg, c.token)
	if err != nil {
		return Record{}, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Record{}, c.lapsed(nil)
	}
	c.earlier.Deliveries++
	return c.earlier, nil
}

func (c *sqliteClaim) Decide(ctx context.Context, number string, decide func([]Record) Record) (Record, error) {
	tx, err := c.s.db.BeginTx(ctx, nil)
	if err != nil {
		return Record{}, err
	}
	defer tx.Rollback()
	var holder sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT claimed_by FROM packages WHERE package = ? AND verdict IS NULL`, c.pkg).Scan(&holder); err != nil || holder.String != c.token {
		return Record{}, c.lapsed(err)
	}
	var earlier []Record
	if number != "" {
		if earlier, err = c.s.records(ctx, tx, `WHERE verdict IS NOT NULL AND number = ? ORDER BY received, package`, number); err != nil {
			return Record{}, err
		}
	}
	r := decide(earlier)
	r.Package, r.Deliveries = c.pkg, 1
	record, err := json.Marshal(r)
	if err != nil {
		return Record{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE packages SET number = ?, verdict = ?, received = ?, deliveries = 1, record = ? WHERE package = ?`,
		r.Number, r.Verdict, stamp(r.Received), string(record), c.pkg); err != nil {
		return Record{}, err
	}
	if err := tx.Commit(); err != nil {
		return Record{}, err
	}
	c.earlier, c.done = r, true
	return r, nil
}

func (c *sqliteClaim) Done(ctx context.Context) error {
	res, err := c.s.db.ExecContext(ctx, `UPDATE packages SET finished = 1, claimed_by = NULL, lease_until = NULL
		WHERE package = ? AND claimed_by = ? AND verdict IS NOT NULL`, c.pkg, c.token)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return c.lapsed(nil)
	}
	return nil
}

func (c *sqliteClaim) Release() {
	c.s.db.Exec(`UPDATE packages SET claimed_by = NULL, lease_until = NULL WHERE package = ? AND claimed_by = ?`, c.pkg, c.token)
}
