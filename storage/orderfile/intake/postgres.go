package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const postgresSchema = `
CREATE SCHEMA IF NOT EXISTS atelier_intake;
CREATE TABLE IF NOT EXISTS atelier_intake.packages (
	package    text PRIMARY KEY,
	number     text NOT NULL DEFAULT '',
	verdict    text,
	received   timestamptz,
	deliveries integer NOT NULL DEFAULT 0,
	record     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS packages_number ON atelier_intake.packages (number) WHERE verdict IS NOT NULL;
CREATE INDEX IF NOT EXISTS packages_received ON atelier_intake.packages (received) WHERE verdict IS NOT NULL;
`

// Keys of the advisory locks the intake takes (the second half is the
// object's hash): one for the schema, one per order, one per day filed.
const (
	lockSchema = 0x696e74
	lockOrder  = 0x696e74_01
	lockFiling = 0x696e74_02
)

// pgState is the state of several intake processes in one PostgreSQL
// database. A claim is a transaction holding the package's row (SELECT …
// FOR UPDATE SKIP LOCKED): another process skips it, and a process killed
// mid-way loses its connection, its transaction and so its claim, and the
// package is free again at once.
type pgState struct {
	pool *pgxpool.Pool
}

// OpenPostgres connects to the intake's state in PostgreSQL (making its
// schema, atelier_intake, if need be). workers is how many packages this
// process decides at once; the pool holds a connection for each.
func OpenPostgres(ctx context.Context, cfg *pgxpool.Config, workers int) (State, error) {
	cfg.MaxConns = int32(max(workers, 1) + 2)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("the intake's state in PostgreSQL: %w", err)
	}
	err = pgx.BeginFunc(ctx, poolTx{pool}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockSchema); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, postgresSchema)
		return err
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("the intake's state in PostgreSQL: %w", err)
	}
	return &pgState{pool: pool}, nil
}

type poolTx struct{ p *pgxpool.Pool }

func (p poolTx) Begin(ctx context.Context) (pgx.Tx, error) { return p.p.Begin(ctx) }

func (s *pgState) Close() error { s.pool.Close(); return nil }

func (s *pgState) Claim(ctx context.Context, pkg, by string) (Claim, error) {
	if _, err := s.pool.Exec(ctx, `INSERT INTO atelier_intake.packages (package) VALUES ($1) ON CONFLICT DO NOTHING`, pkg); err != nil {
		return nil, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	var verdict *string
	var record []byte
	var deliveries int
	err = tx.QueryRow(ctx, `SELECT verdict, record, deliveries FROM atelier_intake.packages WHERE package = $1 FOR UPDATE SKIP LOCKED`, pkg).
		Scan(&verdict, &record, &deliveries)
	if errors.Is(err, pgx.ErrNoRows) {
		tx.Rollback(ctx)
		return nil, ErrBusy
	}
	if err != nil {
		tx.Rollback(ctx)
		return nil, err
	}
	c := &pgClaim{tx: tx, pkg: pkg}
	if verdict != nil {
		if c.earlier, err = readRecord(string(record), deliveries); err != nil {
			tx.Rollback(ctx)
			return nil, err
		}
		c.done = true
	}
	return c, nil
}

func (s *pgState) Records(ctx context.Context, from, to time.Time) ([]Record, error) {
	return pgRecords(ctx, s.pool, `WHERE verdict IS NOT NULL AND received >= $1 AND received < $2 ORDER BY received, package`, from, to)
}

type pgQueryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func pgRecords(ctx context.Context, q pgQueryer, where string, args ...any) ([]Record, error) {
	rows, err := q.Query(ctx, `SELECT record, deliveries FROM atelier_intake.packages `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var record []byte
		var n int
		if err := rows.Scan(&record, &n); err != nil {
			return nil, err
		}
		r, err := readRecord(string(record), n)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *pgState) Filing(ctx context.Context, day string, f func([]Record) error) error {
	from, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, poolTx{s.pool}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockFiling, day); err != nil {
			return err
		}
		recs, err := pgRecords(ctx, tx, `WHERE verdict = 'accepted' AND received >= $1 AND received < $2 ORDER BY received, package`, from, from.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		return f(recs)
	})
}

type pgClaim struct {
	tx      pgx.Tx
	pkg     string
	earlier Record
	done    bool
}

func (c *pgClaim) Earlier() (Record, bool) { return c.earlier, c.done }

func (c *pgClaim) Again(ctx context.Context) (Record, error) {
	defer c.tx.Rollback(ctx)
	if !c.done {
		return Record{}, errors.New("the package was not decided before")
	}
	if _, err := c.tx.Exec(ctx, `UPDATE atelier_intake.packages SET deliveries = deliveries + 1 WHERE package = $1`, c.pkg); err != nil {
		return Record{}, err
	}
	if err := c.tx.Commit(ctx); err != nil {
		return Record{}, err
	}
	c.earlier.Deliveries++
	return c.earlier, nil
}

func (c *pgClaim) Decide(ctx context.Context, number string, decide func([]Record) Record) (Record, error) {
	defer c.tx.Rollback(ctx)
	var earlier []Record
	if number != "" {
		if _, err := c.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockOrder, number); err != nil {
			return Record{}, err
		}
		var err error
		if earlier, err = pgRecords(ctx, c.tx, `WHERE verdict IS NOT NULL AND number = $1 ORDER BY received, package`, number); err != nil {
			return Record{}, err
		}
	}
	r := decide(earlier)
	r.Package, r.Deliveries = c.pkg, 1
	record, err := json.Marshal(r)
	if err != nil {
		return Record{}, err
	}
	if _, err := c.tx.Exec(ctx, `UPDATE atelier_intake.packages SET number = $1, verdict = $2, received = $3, deliveries = 1, record = $4
		WHERE package = $5`, r.Number, r.Verdict, r.Received, string(record), c.pkg); err != nil {
		return Record{}, err
	}
	return r, c.tx.Commit(ctx)
}

func (c *pgClaim) Release() { c.tx.Rollback(context.Background()) }
