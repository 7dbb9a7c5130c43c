package shop

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Kind is what a machine is for.
type Kind string

const (
	Dealer   Kind = "dealer"   // reads and writes all the shop shares
	Showroom Kind = "showroom" // reads catalogs, sends designs to the dealer
)

// PairingTime is how long a pairing code can be used.
const PairingTime = 15 * time.Minute

// Admin is the shop's owner's connection: it makes the schema and the
// machines' roles.
type Admin struct {
	conn *pgx.Conn
	db   string
	cert []byte // the certificate at the top of the server's chain (DER), if TLS
}

// OpenAdmin connects with the owner's URL (ParseURL's rules).
func OpenAdmin(ctx context.Context, rawURL string) (*Admin, error) {
	cfg, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	conn, err := connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &Admin{conn: conn, db: cfg.Database}
	if tc, ok := conn.PgConn().Conn().(*tls.Conn); ok {
		if chain := tc.ConnectionState().PeerCertificates; len(chain) > 0 {
			a.cert = chain[len(chain)-1].Raw
		}
	}
	return a, nil
}

// Close closes the connection.
func (a *Admin) Close(ctx context.Context) error { return a.conn.Close(ctx) }

// rolePrefix names the shop's roles after its database (roles are
// shared by all of a server's databases).
func rolePrefix(db string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(db) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	p := b.String()
	if len(p) > 40 {
		sum := sha256.Sum256([]byte(db))
		p = fmt.Sprintf("%s_%x", p[:30], sum[:4])
	}
	return p
}

func groupRole(db string, k Kind) string  { return rolePrefix(db) + "_" + string(k) }
func machineRole(db string, n int) string { return fmt.Sprintf("%s_m%d", rolePrefix(db), n) }

// Migrations is the number of the newest migration.
func Migrations() int {
	files, _ := fs.Glob(migrationFiles, "migrations/*.sql")
	return len(files)
}

// Init makes the shop's group roles (when missing) and brings the schema
// to the newest migration. Running it again does nothing more.
func (a *Admin) Init(ctx context.Context) (from, to int, err error) {
	for _, k := range []Kind{Dealer, Showroom} {
		role := groupRole(a.db, k)
		var exists bool
		if err := a.conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
			return 0, 0, plain(err)
		}
		if !exists {
			if _, err := a.conn.Exec(ctx, "CREATE ROLE "+ident(role)+" NOLOGIN"); err != nil {
				return 0, 0, fmt.Errorf("create role %s: %w (the URL's role must be allowed to create roles)", role, plain(err))
			}
		}
	}
	return a.migrate(ctx)
}

// migrate applies the migrations the schema lacks, each in a transaction
// that holds a lock, so two owners running init at once do not collide.
func (a *Admin) migrate(ctx context.Context) (from, to int, err error) {
	files, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return 0, 0, err
	}
	sort.Strings(files)
	repl := strings.NewReplacer(
		"{{dealer}}", ident(groupRole(a.db, Dealer)),
		"{{showroom}}", ident(groupRole(a.db, Showroom)),
	)
	if from, err = a.schemaVersion(ctx); err != nil {
		return 0, 0, err
	}
	for i, f := range files {
		version := i + 1
		n, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(f, "migrations/"), "_", 2)[0])
		if n != version {
			return 0, 0, fmt.Errorf("migration %s is not number %d", f, version)
		}
		if _, err := a.applyMigration(ctx, version, f, repl); err != nil {
			return 0, 0, err
		}
	}
	to, err = a.schemaVersion(ctx)
	return from, to, err
}

// applyMigration applies one migration unless it is applied already
// (done reports whether it was applied now).
func (a *Admin) applyMigration(ctx context.Context, version int, file string, repl *strings.Replacer) (done bool, err error) {
	tx, err := a.conn.Begin(ctx)
	if err != nil {
		return false, plain(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('atelier.migrate'))`); err != nil {
		return false, plain(err)
	}
	have, err := schemaVersion(ctx, tx)
	if err != nil {
		return false, err
	}
	if have >= version {
		return false, nil
	}
	sql, err := migrationFiles.ReadFile(file)
	if err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, repl.Replace(string(sql))); err != nil {
		return false, fmt.Errorf("shop migration %d: %w", version, plain(err))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO atelier.migrations (version) VALUES ($1)`, version); err != nil {
		return false, plain(err)
	}
	return true, plain(tx.Commit(ctx))
}

func (a *Admin) schemaVersion(ctx context.Context) (int, error) { return schemaVersion(ctx, a.conn) }

// querier is a connection or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// schemaVersion is the newest migration applied (0: no shop schema).
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('atelier.migrations') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, plain(err)
	}
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM atelier.migrations`).Scan(&v)
	return v, plain(err)
}

// ErrNotInitialized: the database has no shop schema (shop init).
var ErrNotInitialized = errors.New("this database holds no shop yet: run atelierctl shop init first")

func (a *Admin) needSchema(ctx context.Context) error {
	v, err := a.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if v == 0 {
		return ErrNotInitialized
	}
	if v > Migrations() {
		return fmt.Errorf("the shop's database is of a newer Atelier (schema %d; this one knows %d): update Atelier", v, Migrations())
	}
	return nil
}

// Pairing is what AddMachine made: the code the new machine enters.
type Pairing struct {
	Number int
	Name   string
	Kind   Kind
	Code   string
	Until  time.Time
}

var machineName = regexp.MustCompile(`^\S(.{0,62}\S)?$`)

// AddMachine makes a new machine's role with a one-time password valid
// for PairingTime and returns the code that carries it.
func (a *Admin) AddMachine(ctx context.Context, name string, kind Kind) (Pairing, error) {
	if err := a.needSchema(ctx); err != nil {
		return Pairing{}, err
	}
	if !machineName.MatchString(name) {
		return Pairing{}, fmt.Errorf("a machine's name is 1 to 64 characters, not starting or ending with a space: %q", name)
	}
	if kind != Dealer && kind != Showroom {
		return Pairing{}, fmt.Errorf("a machine is a dealer's or a showroom's, not %q", kind)
	}
	secret, err := newSecret()
	if err != nil {
		return Pairing{}, err
	}
	tx, err := a.conn.Begin(ctx)
	if err != nil {
		return Pairing{}, plain(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE atelier.machines IN EXCLUSIVE MODE`); err != nil {
		return Pairing{}, plain(err)
	}
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM atelier.machines WHERE name = $1 AND revoked_at IS NULL)`, name).Scan(&taken); err != nil {
		return Pairing{}, plain(err)
	}
	if taken {
		return Pairing{}, fmt.Errorf("the shop has a machine called %q already", name)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(number), 0) + 1 FROM atelier.machines`).Scan(&n); err != nil {
		return Pairing{}, plain(err)
	}
	until := time.Now().Add(PairingTime).UTC()
	role := machineRole(a.db, n)
	code := Code{Machine: n, Secret: secret}
	if a.cert != nil {
		code.Fingerprint = fingerprint(a.cert)
	}
	// A role of an earlier shop in this server's other database of the
	// same name would be taken over: refuse instead.
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
		return Pairing{}, plain(err)
	}
	if exists {
		return Pairing{}, fmt.Errorf("the role %s exists already on this server; drop it or use another database", role)
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD %s VALID UNTIL %s IN ROLE %s",
		ident(role), literal(code.Password()), literal(until.Format(time.RFC3339)), ident(groupRole(a.db, kind)))); err != nil {
		return Pairing{}, fmt.Errorf("create the machine's role: %w", plain(err))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO atelier.machines (number, role, name, kind, pair_until) VALUES ($1, $2, $3, $4, $5)`,
		n, role, name, string(kind), until); err != nil {
		return Pairing{}, plain(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return Pairing{}, plain(err)
	}
	return Pairing{Number: n, Name: name, Kind: kind, Code: code.String(), Until: until}, nil
}

// Revoke takes a machine out of the shop at once: its role can no longer
// log in, loses its password and its rights, and its open sessions are
// ended. The machine's row stays, marked revoked, for the record.
func (a *Admin) Revoke(ctx context.Context, name string) error {
	if err := a.needSchema(ctx); err != nil {
		return err
	}
	var role string
	var revoked *time.Time
	err := a.conn.QueryRow(ctx, `SELECT role, revoked_at FROM atelier.machines WHERE name = $1 ORDER BY number DESC LIMIT 1`, name).Scan(&role, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("the shop has no machine called %q", name)
	}
	if err != nil {
		return plain(err)
	}
	if revoked != nil {
		return fmt.Errorf("%q was revoked on %s", name, revoked.Local().Format("2006-01-02 15:04"))
	}
	tx, err := a.conn.Begin(ctx)
	if err != nil {
		return plain(err)
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{
		"ALTER ROLE " + ident(role) + " NOLOGIN PASSWORD NULL",
		"REVOKE " + ident(groupRole(a.db, Dealer)) + ", " + ident(groupRole(a.db, Showroom)) + " FROM " + ident(role),
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("revoke %s: %w", name, plain(err))
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE atelier.machines SET revoked_at = now() WHERE role = $1`, role); err != nil {
		return plain(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return plain(err)
	}
	// Sessions opened before: ended now (they would keep the rights they
	// had checked at each statement, but not the group's, which are gone).
	_, err = a.conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, role)
	return plain(err)
}

// Machine is one of the shop's machines, as the owner sees it.
type Machine struct {
	Number    int
	Name      string
	Kind      Kind
	Role      string
	Created   time.Time
	PairUntil *time.Time
	Paired    *time.Time
	Revoked   *time.Time
	LastSeen  *time.Time
	Pending   int
}

// State says in words where a machine stands.
func (m Machine) State(now time.Time) string {
	switch {
	case m.Revoked != nil:
		return "revoked"
	case m.Paired != nil:
		return "paired"
	case m.PairUntil != nil && now.Before(*m.PairUntil):
		return "waiting for its code"
	}
	return "code expired"
}

// Status is the shop as the owner sees it.
type Status struct {
	Server   string // PostgreSQL's version
	Database string
	Schema   int
	Machines []Machine
	// Forgotten counts the customers forgotten since the last Vacuum:
	// their rows are gone from the tables, but their bytes stay in
	// PostgreSQL's files until Vacuum makes the tables again.
	Forgotten int
}

// vacuumed are the tables a forgotten customer's data was in.
var vacuumed = []string{"atelier.customers", "atelier.customer_history", "atelier.designs", "atelier.revisions",
	"atelier.orders", "atelier.order_lines", "atelier.showroom_queue"}

// Vacuum makes the tables that held customers' data again (VACUUM FULL),
// so that the bytes of forgotten customers leave PostgreSQL's data files,
// and asks for a checkpoint (a superuser's or pg_checkpoint's right; the
// write-ahead log's old segments are reused, not wiped, by PostgreSQL).
// The tables are locked meanwhile: syncs wait for it.
func (a *Admin) Vacuum(ctx context.Context) error {
	if err := a.needSchema(ctx); err != nil {
		return err
	}
	if _, err := a.conn.Exec(ctx, "VACUUM (FULL, ANALYZE) "+strings.Join(vacuumed, ", ")); err != nil {
		return fmt.Errorf("vacuum: %w (the tables' owner runs it)", plain(err))
	}
	if _, err := a.conn.Exec(ctx, `UPDATE atelier.maintenance SET vacuumed_at = now()`); err != nil {
		return plain(err)
	}
	a.conn.Exec(ctx, "CHECKPOINT") // best effort
	return nil
}

// Status reads the shop's machines.
func (a *Admin) Status(ctx context.Context) (Status, error) {
	st := Status{Database: a.db}
	if err := a.conn.QueryRow(ctx, `SELECT current_setting('server_version')`).Scan(&st.Server); err != nil {
		return st, plain(err)
	}
	v, err := a.schemaVersion(ctx)
	if err != nil {
		return st, err
	}
	st.Schema = v
	if v == 0 {
		return st, ErrNotInitialized
	}
	if err := a.conn.QueryRow(ctx, `SELECT count(*) FROM atelier.erasures e, atelier.maintenance m
		WHERE m.vacuumed_at IS NULL OR e.erased_at > to_char(m.vacuumed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`).Scan(&st.Forgotten); err != nil {
		return st, plain(err)
	}
	rows, err := a.conn.Query(ctx, `SELECT number, name, kind, role, created_at, pair_until, paired_at, revoked_at, last_seen, pending
		FROM atelier.machines ORDER BY number`)
	if err != nil {
		return st, plain(err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Machine
		var kind string
		if err := rows.Scan(&m.Number, &m.Name, &kind, &m.Role, &m.Created, &m.PairUntil, &m.Paired, &m.Revoked, &m.LastSeen, &m.Pending); err != nil {
			return st, plain(err)
		}
		m.Kind = Kind(kind)
		st.Machines = append(st.Machines, m)
	}
	return st, plain(rows.Err())
}

func ident(s string) string { return pgx.Identifier{s}.Sanitize() }

// literal quotes s as an SQL string (role options take no parameters).
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
