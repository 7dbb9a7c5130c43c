package intake

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
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
	record     jsonb NOT NULL DEFAULT '{}',
	finished   boolean NOT NULL DEFAULT false
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

// packageLock is the key of a package's session lock: the first 8 bytes
// of its hash.
func packageLock(pkg string) int64 {
	b, err := hex.DecodeString(pkg[:min(len(pkg), 16)])
	if err != nil || len(b) < 8 {
		h := fnv.New64a()
		h.Write([]byte(pkg))
		return int64(h.Sum64())
	}
	return int64(binary.BigEndian.Uint64(b))
}

// pgState is the state of several intake processes in one PostgreSQL
// database. A claim is a connection holding the package's session lock
// (pg_try_advisory_lock on the package's hash) from before the decision
// until the package is filed, answered and out of the inbox; the decision
// itself is a transaction holding the package's row. Another process gets
// ErrBusy, and a process killed mid-way loses its connection and so its
// claim: the package is free again at once.
//
// (A claim that was only the deciding transaction ended at the decision:
// another process that had listed the package then took it while it was
// being filed, counted it as delivered twice, answered "duplicate" and
// wrote the same answer file at the same time.)
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
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, packageLock(pkg)).Scan(&got); err != nil {
		conn.Release()
		return nil, err
	}
	if !got {
		conn.Release()
		return nil, ErrBusy
	}
	c := &pgClaim{conn: conn, pkg: pkg}
	if _, err := conn.Exec(ctx, `INSERT INTO atelier_intake.packages (package) VALUES ($1) ON CONFLICT DO NOTHING`, pkg); err != nil {
		c.Release()
		return nil, err
	}
	var verdict *string
	var record []byte
	var deliveries int
	var finished bool
	if err := conn.QueryRow(ctx, `SELECT verdict, record, deliveries, finished FROM atelier_intake.packages WHERE package = $1`, pkg).
		Scan(&verdict, &record, &deliveries, &finished); err != nil {
		c.Release()
		return nil, err
	}
	if verdict != nil {
		if c.earlier, err = readRecord(string(record), deliveries); err != nil {
			c.Release()
			return nil, err
		}
		c.earlier.Finished, c.done = finished, true
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
	conn    *pgxpool.Conn // holds the package's session lock; nil once ended
	pkg     string
	earlier Record
	done    bool
}

func (c *pgClaim) Earlier() (Record, bool) { return c.earlier, c.done }

func (c *pgClaim) Again(ctx context.Context) (Record, error) {
	if !c.done {
		return Record{}, errors.New("the package was not decided before")
	}
	if _, err := c.conn.Exec(ctx, `UPDATE atelier_intake.packages SET deliveries = deliveries + 1 WHERE package = $1`, c.pkg); err != nil {
		return Record{}, err
	}
	c.earlier.Deliveries++
	return c.earlier, nil
}

func (c *pgClaim) Decide(ctx context.Context, number string, decide func([]Record) Record) (Record, error) {
	var r Record
	err := pgx.BeginFunc(ctx, c.conn, func(tx pgx.Tx) error {
		var verdict *string
		if err := tx.QueryRow(ctx, `SELECT verdict FROM atelier_intake.packages WHERE package = $1 FOR UPDATE`, c.pkg).Scan(&verdict); err != nil {
			return err
		}
		if verdict != nil {
			return fmt.Errorf("package %s… was decided meanwhile", c.pkg[:12])
		}
		var earlier []Record
		if number != "" {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockOrder, number); err != nil {
				return err
			}
			var err error
			if earlier, err = pgRecords(ctx, tx, `WHERE verdict IS NOT NULL AND number = $1 ORDER BY received, package`, number); err != nil {
				return err
			}
		}
		r = decide(earlier)
		r.Package, r.Deliveries = c.pkg, 1
		record, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE atelier_intake.packages SET number = $1, verdict = $2, received = $3, deliveries = 1, record = $4
			WHERE package = $5`, r.Number, r.Verdict, r.Received, string(record), c.pkg)
		return err
	})
	if err != nil {
		return Record{}, err
	}
	c.earlier, c.done = r, true
	return r, nil
}

func (c *pgClaim) Done(ctx context.Context) error {
	if _, err := c.conn.Exec(ctx, `UPDATE atelier_intake.packages SET finished = true WHERE package = $1`, c.pkg); err != nil {
		return err
	}
	c.Release()
	return nil
}

// Release unlocks the package; a connection that cannot is closed, which
// unlocks it too.
func (c *pgClaim) Release() {
	if c.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, packageLock(c.pkg)); err != nil {
		c.conn.Conn().Close(ctx)
	}
	c.conn.Release()
	c.conn = nil
}
