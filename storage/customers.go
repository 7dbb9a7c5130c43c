package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atelier-app/atelier/catalog"
)

// Customer is the least a dealer needs to deliver: a name, how to reach
// them, where to deliver, and when they agreed to be kept on file.
type Customer struct {
	ID        int64
	Name      string
	Email     string
	Phone     string
	Address   string // delivery address, several lines
	ConsentAt string // date of consent (YYYY-MM-DD)
	CreatedAt string
	UpdatedAt string
}

// SaveCustomer creates (ID 0) or updates a customer and returns its id.
func (d *DB) SaveCustomer(ctx context.Context, c Customer) (int64, error) {
	if strings.TrimSpace(c.Name) == "" {
		return 0, errors.New("save customer: a customer needs a name")
	}
	id := c.ID
	err := d.tx(ctx, func(tx *sql.Tx) error {
		now := d.stamp()
		if id == 0 {
			// A new number above every number ever given, the forgotten ones
			// included: a forgotten customer's number is never reused, so
			// forgetting them again (after restoring a backup) can never
			// touch someone else.
			err := tx.QueryRowContext(ctx, `SELECT max(coalesce((SELECT max(id) FROM customers), 0), coalesce((SELECT max(customer) FROM erasures), 0)) + 1`).Scan(&id)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO customers (id, name, email, phone, address, consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				id, c.Name, c.Email, c.Phone, c.Address, c.ConsentAt, now, now)
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE customers SET name = ?, email = ?, phone = ?, address = ?, consent_at = ?, updated_at = ? WHERE id = ?`,
			c.Name, c.Email, c.Phone, c.Address, c.ConsentAt, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("customer %d: %w", id, ErrNotFound)
		}
		// The customer's name is part of their designs' search entries.
		return reindexCustomer(ctx, tx, id)
	})
	if err != nil {
		return 0, fmt.Errorf("save customer %q: %w", c.Name, err)
	}
	return id, nil
}

func reindexCustomer(ctx context.Context, tx *sql.Tx, customer int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM designs WHERE customer = ?`, customer)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := reindex(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// Customer returns a customer.
func (d *DB) Customer(ctx context.Context, id int64) (Customer, error) {
	var c Customer
	err := d.db.QueryRowContext(ctx, `SELECT id, name, email, phone, address, consent_at, created_at, updated_at FROM customers WHERE id = ?`, id).
		Scan(&c.ID, &c.Name, &c.Email, &c.Phone, &c.Address, &c.ConsentAt, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("customer %d: %w", id, ErrNotFound)
	}
	return c, classify(err)
}

// Customers lists customers whose name, e-mail or phone contains query
// (all when empty), by name.
func (d *DB) Customers(ctx context.Context, query string) ([]Customer, error) {
	// Matched here rather than with SQLite's LIKE, which folds ASCII only:
	// "zoë" finds "ZOË ÅNGSTRÖM", "angstrom" finds "Ångström".
	want := Fold(query)
	rows, err := d.db.QueryContext(ctx, `SELECT id, name, email, phone, address, consent_at, created_at, updated_at FROM customers
		ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("list customers: %w", classify(err))
	}
	defer rows.Close()
	var out []Customer
	for rows.Next() {
		var c Customer
		if err := rows.Scan(&c.ID, &c.Name, &c.Email, &c.Phone, &c.Address, &c.ConsentAt, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("list customers: %w", classify(err))
		}
		if want == "" || strings.Contains(Fold(c.Name), want) || strings.Contains(Fold(c.Email), want) || strings.Contains(Fold(c.Phone), want) {
			out = append(out, c)
		}
	}
	return out, classify(rows.Err())
}

// ForgetCustomer erases a customer's personal data from every file the
// library keeps in its data folder, in one transaction for the database:
// the customer record goes; what is theirs by link (the names and notes of
// their designs and of all revisions of those, the autosave and showroom
// name of such a design, the notes and delivery address of their orders)
// is erased, a design's name replaced by "<product> #<number>"; every
// other mention of them (full name, each name part of three or more
// letters, e-mail, phone with any separators, street line; in any case,
// with or without accents, with any spacing) in names, notes, delivery
// addresses, file names, the autosave and the showroom queue becomes
// "(customer)"; the search entries are rewritten and merged (FTS5
// secure-delete). Then the write-ahead log is emptied into the main file,
// where secure_delete has overwritten the freed pages, and every copy of
// the database in the data folder (the backups, a restore's
// .replaced-<time>, a repair's .damaged-<time>) gets the same erasure and
// a VACUUM, or is deleted when it cannot be changed (see Forget for the
// report). What is kept: the customer's number, in the list of erasures
// (in the database and in a file beside it), so that restoring an older
// backup forgets them again; and the erasure marks (slow keyed hashes of their data
// under the library's random secret), so that importing an old order does
// not bring them back.
func (d *DB) ForgetCustomer(ctx context.Context, id int64) error {
	_, err := d.Forget(ctx, id)
	return err
}

// checkpoint moves everything from the write-ahead log into the main file
// and empties the log. Another program reading the database can hold it
// back: then it tries again for a few seconds and reports ErrBusy.
func (d *DB) checkpoint(ctx context.Context) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	// Wait at most a second per try here, not the usual five.
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 1000`); err != nil {
		return classify(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = 5000`)
	for try := 0; ; try++ {
		var busy, logged, moved int
		if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &moved); err != nil {
			return classify(err)
		}
		if busy == 0 && logged == moved {
			return nil
		}
		if try == 2 {
			return fmt.Errorf("%w: the old data is still in the write-ahead log until the other program closes the database", ErrBusy)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// erasureFile is the list of forgotten customers beside a database. Its
// lines are a forgotten customer's number ("12"), or (schema 7) the
// library secret the marks after it were made with ("key <hex>") and an
// erasure mark with its day ("mark pbkdf2-sha256-120000:<hex> 2026-11-24",
// or an older untagged HMAC): no name, e-mail, phone or address in clear,
// but with the key beside the marks a guess can be checked (at ~22 ms a
// try, see mark). It survives the database being damaged or replaced by a restore,
// so a restored library still recognises whom it forgot.
func erasureFile(path string) string { return path + ".erasures" }

// noteErasure appends a forgotten customer's number to the file beside the
// database.
func noteErasure(path string, id int64) error {
	return appendErasureFile(path, fmt.Sprintf("%d\n", id))
}

// noteMarks appends erasure marks, made with secret, to the file beside
// the database (with the secret, unless the file's last one is the same).
func noteMarks(path string, secret []byte, marks []string, day string) error {
	f, err := readErasureFile(path)
	if err != nil {
		return err
	}
	var b strings.Builder
	if key := hex.EncodeToString(secret); f.lastKey != key {
		fmt.Fprintf(&b, "key %s\n", key)
	}
	for _, m := range marks {
		fmt.Fprintf(&b, "mark %s %s\n", m, day)
	}
	return appendErasureFile(path, b.String())
}

func appendErasureFile(path, lines string) error {
	f, err := os.OpenFile(erasureFile(path), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return classify(err)
	}
	if _, err := f.WriteString(lines); err != nil {
		f.Close()
		return classify(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return classify(err)
	}
	return classify(f.Close())
}

// erasureList is the file beside a database, read.
type erasureList struct {
	ids     []int64
	marks   map[string]map[string]string // secret (hex) -> mark -> day
	lastKey string
}

func readErasureFile(path string) (erasureList, error) {
	var l erasureList
	data, err := os.ReadFile(erasureFile(path))
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return l, err
	}
	for n, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case len(f) == 2 && f[0] == "key":
			l.lastKey = f[1]
		case len(f) == 3 && f[0] == "mark" && l.lastKey != "":
			if l.marks == nil {
				l.marks = map[string]map[string]string{}
			}
			if l.marks[l.lastKey] == nil {
				l.marks[l.lastKey] = map[string]string{}
			}
			if day, ok := l.marks[l.lastKey][f[1]]; !ok || f[2] < day {
				l.marks[l.lastKey][f[1]] = f[2]
			}
		default:
			for _, x := range f {
				id, err := strconv.ParseInt(x, 10, 64)
				if err != nil {
					return l, fmt.Errorf("%s, line %d: %q is not a customer number", erasureFile(path), n+1, x)
				}
				l.ids = append(l.ids, id)
			}
		}
	}
	return l, nil
}

// readErasures reads the numbers of the forgotten customers from the file
// beside a database.
func readErasures(path string) ([]int64, error) {
	l, err := readErasureFile(path)
	return l.ids, err
}

func (d *DB) forget(ctx context.Context, tx *sql.Tx, id int64) error {
	c, err := getCustomer(ctx, tx, id)
	if err != nil {
		return err
	}
	return d.erase(ctx, tx, c, NewMatcher(c))
}

func getCustomer(ctx context.Context, q querier, id int64) (Customer, error) {
	var c Customer
	err := q.QueryRowContext(ctx, `SELECT id, name, email, phone, address, consent_at, created_at, updated_at FROM customers WHERE id = ?`, id).
		Scan(&c.ID, &c.Name, &c.Email, &c.Phone, &c.Address, &c.ConsentAt, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("customer %d: %w", id, ErrNotFound)
	}
	return c, err
}

// erase removes customer c (by number; the record may be gone already, in
// a copy of the database) and every mention of them that m finds:
//   - what is theirs by link goes whole: the names and notes of their
//     designs and of every revision of those (a neutral label, "<product>
//     #<design>", replaces the name), the autosave of such a design, the
//     name typed at the showroom for such a design, the notes and delivery
//     address of their orders;
//   - everywhere else (other designs and revisions, other orders' notes,
//     delivery addresses and file names, the autosave, the showroom queue)
//     each mention is replaced by "(customer)" (a name typed at the
//     showroom is cleared);
//   - the search entries of every changed design are written again
//     (secure-delete overwrites the old ones) and the index is merged;
//   - the number is added to the erasures and the marks of their data
//     (PBKDF2 under the library's secret, see mark) to the erasure marks.
func (d *DB) erase(ctx context.Context, tx *sql.Tx, c Customer, m *Matcher) error {
	linked, err := ids(ctx, tx, `SELECT id FROM designs WHERE customer = ?`, c.ID)
	if err != nil {
		return err
	}
	changed := map[int64]bool{}
	for _, did := range linked {
		changed[did] = true
	}
	// Their designs no longer teach the recommender.
	if _, err := tx.ExecContext(ctx, `UPDATE designs SET forgotten = 1 WHERE customer = ?`, c.ID); err != nil {
		return err
	}
	neutral := `product_name || ' #' || id`
	if _, err := tx.ExecContext(ctx, `UPDATE designs SET name = `+neutral+`, notes = '' WHERE customer = ?`, c.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE revisions SET name = (SELECT `+neutral+` FROM designs WHERE designs.id = revisions.design), notes = ''
		WHERE design IN (SELECT id FROM designs WHERE customer = ?)`, c.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE autosave SET name = (SELECT `+neutral+` FROM designs WHERE designs.id = autosave.design)
		WHERE design IN (SELECT id FROM designs WHERE customer = ?)`, c.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE showroom_queue SET customer_name = '' WHERE design IN (SELECT id FROM designs WHERE customer = ?)`, c.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET delivery = '', notes = '' WHERE customer = ?`, c.ID); err != nil {
		return err
	}
	// Their packages in the outbox hold their name and address: one not
	// yet sent is not sent; one sent keeps its record, not its bytes.
	if err := forgetInOutbox(ctx, tx, c.ID); err != nil {
		return err
	}
	// Mentions in everything else: text linked to no customer for every
	// piece (a surname alone too), text linked to another customer only
	// for the full name, e-mail, phone and street ("White desk" of Karl
	// Jansson stays when Emma White is forgotten).
	other := `(SELECT id FROM designs WHERE customer IS NOT NULL AND customer != ?1)`
	for _, t := range []struct {
		table string
		cols  []string
		where string
		m     *Matcher
	}{
		{"orders", []string{"exported_file"}, `customer = ?1`, m}, // their own order's file name
		{"designs", []string{"name", "notes"}, `customer IS NULL`, m},
		{"designs", []string{"name", "notes"}, `customer IS NOT NULL AND customer != ?1`, m.Strict()},
		{"revisions", []string{"name", "notes"}, `design NOT IN (SELECT id FROM designs WHERE customer IS NOT NULL)`, m},
		{"revisions", []string{"name", "notes"}, `design IN ` + other, m.Strict()},
		{"orders", []string{"notes", "delivery", "exported_file"}, `customer IS NULL`, m},
		{"orders", []string{"notes", "delivery", "exported_file"}, `customer IS NOT NULL AND customer != ?1`, m.Strict()},
		{"autosave", []string{"name"}, `design IS NULL OR design NOT IN (SELECT id FROM designs WHERE customer IS NOT NULL)`, m},
		{"autosave", []string{"name"}, `design IN ` + other, m.Strict()},
		{"showroom_queue", []string{"customer_name"}, `design IS NULL OR design NOT IN (SELECT id FROM designs WHERE customer IS NOT NULL)`, m},
		{"showroom_queue", []string{"customer_name"}, `design IN ` + other, m.Strict()},
	} {
		rowids, err := scrubTable(ctx, tx, t.table, t.cols, t.where, c.ID, t.m)
		if err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
		for _, r := range rowids {
			switch t.table {
			case "designs":
				changed[r] = true
			case "revisions":
				var did int64
				if err := tx.QueryRowContext(ctx, `SELECT design FROM revisions WHERE rowid = ?`, r).Scan(&did); err != nil {
					return err
				}
				changed[did] = true
			}
		}
	}
	// Free-text choices (an engraving) in every revision and the autosave.
	var revs []int64
	for _, x := range []struct {
		table, where string
		m            *Matcher
	}{
		{"revisions", `design NOT IN ` + other, m},
		{"revisions", `design IN ` + other, m.Strict()},
		{"autosave", `design IS NULL OR design NOT IN ` + other, m},
		{"autosave", `design IN ` + other, m.Strict()},
	} {
		r, err := scrubDecisions(ctx, tx, x.table, x.where, c.ID, x.m)
		if err != nil {
			return fmt.Errorf("%s: %w", x.table, err)
		}
		if x.table == "revisions" {
			revs = append(revs, r...)
		}
	}
	for _, r := range revs {
		var did int64
		if err := tx.QueryRowContext(ctx, `SELECT design FROM revisions WHERE rowid = ?`, r).Scan(&did); err != nil {
			return err
		}
		changed[did] = true
	}
	// A name typed at the showroom is a name only: nothing else is kept.
	if _, err := tx.ExecContext(ctx, `UPDATE showroom_queue SET customer_name = '' WHERE instr(customer_name, ?) > 0`, Redacted); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ?`, c.ID); err != nil {
		return err // designs.customer and orders.customer become NULL
	}
	if err := reindexAll(ctx, tx, slices.Sorted(maps.Keys(changed))); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO erasures (customer, erased_at) VALUES (?, ?)`, c.ID, d.stamp()); err != nil {
		return err
	}
	secret, err := librarySecret(ctx, tx)
	if err != nil {
		return err
	}
	day := d.now().UTC().Format(time.DateOnly)
	for _, mk := range m.marks(secret) {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO erasure_marks (mark, erased_on) VALUES (?, ?)`, mk, day); err != nil {
			return err
		}
	}
	return nil
}

// reindexAll brings the search entries of many designs up to date and
// merges the index so that nothing deleted stays in it. FTS5's
// secure-delete rewrites the index's pages for every deleted token, which
// took seconds for a surname common in a large library; here it is off
// for the rewrite, and the merge ('optimize': all segments into one new
// one, deleted entries dropped) leaves the old segments' pages free, where
// SQLite's secure_delete overwrites them. Then secure-delete is on again,
// all in the caller's transaction.
func reindexAll(ctx context.Context, tx *sql.Tx, designs []int64) error {
	list, err := json.Marshal(designs)
	if err != nil {
		return err
	}
	for _, q := range []string{
		`INSERT INTO design_search (design_search, rank) VALUES ('secure-delete', 0)`,
		`DELETE FROM design_search WHERE rowid IN (SELECT value FROM json_each(?1))`,
		`INSERT INTO design_search (rowid, name, notes, product, customer)
			SELECT d.id, d.name, d.notes, d.product_name, coalesce(c.name, '') FROM designs d LEFT JOIN customers c ON c.id = d.customer
			WHERE d.id IN (SELECT value FROM json_each(?1))`,
		`INSERT INTO design_search (design_search) VALUES ('optimize')`,
		`INSERT INTO design_search (design_search, rank) VALUES ('secure-delete', 1)`,
	} {
		var args []any
		if strings.Contains(q, "?1") {
			args = append(args, string(list))
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// scrubTable replaces the mentions m finds in the columns of the rows that
// match where (with the customer's number as ?1); it returns the rowids
// it changed.
func scrubTable(ctx context.Context, tx *sql.Tx, table string, cols []string, where string, customer int64, m *Matcher) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rowid, `+strings.Join(cols, ", ")+` FROM `+table+` WHERE `+where, customer)
	if err != nil {
		return nil, err
	}
	type row struct {
		id   int64
		vals []string
	}
	var hits []row
	for rows.Next() {
		r := row{vals: make([]string, len(cols))}
		dest := []any{&r.id}
		for i := range r.vals {
			dest = append(dest, &r.vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		hit := false
		for i, v := range r.vals {
			if s := m.Scrub(v); s != v {
				r.vals[i], hit = s, true
			}
		}
		if hit {
			hits = append(hits, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []int64
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = ?"
	}
	for _, h := range hits {
		args := make([]any, 0, len(cols)+1)
		for _, v := range h.vals {
			args = append(args, v)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+strings.Join(set, ", ")+` WHERE rowid = ?`, append(args, h.id)...); err != nil {
			return nil, err
		}
		out = append(out, h.id)
	}
	return out, nil
}

// scrubDecisions sets every free-text feature (kind "text", such as an
// engraving) whose value m finds back to the feature's default (empty if
// the default names them too), in the decisions of a table's rows
// (revisions or autosave: decisions, catalog, product_id) that match where
// (with the customer's number as ?1). Only features
// the row's catalog declares as text are changed: a choice whose id looks
// like a name stays. It returns the rowids changed.
func scrubDecisions(ctx context.Context, tx *sql.Tx, table, where string, customer int64, m *Matcher) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rowid, decisions, catalog, product_id FROM `+table+` WHERE `+where, customer)
	if err != nil {
		return nil, err
	}
	type hit struct {
		id        int64
		decisions map[string]string
		catalog   int64
		product   string
	}
	var hits []hit
	for rows.Next() {
		var h hit
		var dec string
		if err := rows.Scan(&h.id, &dec, &h.catalog, &h.product); err != nil {
			rows.Close()
			return nil, err
		}
		if !m.Contains(dec) && !m.Contains(unquoteJSON(dec)) {
			continue
		}
		if err := json.Unmarshal([]byte(dec), &h.decisions); err != nil {
			rows.Close()
			return nil, fmt.Errorf("row %d: decisions: %w", h.id, err)
		}
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cats := map[int64]*catalog.Catalog{}
	var out []int64
	for _, h := range hits {
		cat, ok := cats[h.catalog]
		if !ok {
			var src []byte
			var kind string
			if err := tx.QueryRowContext(ctx, `SELECT source, source_kind FROM catalogs WHERE id = ?`, h.catalog).Scan(&src, &kind); err != nil {
				return nil, err
			}
			name := fmt.Sprintf("catalog #%d", h.catalog)
			if kind == "zip" {
				cat, err = catalog.ParseZip(name+".zip", src)
			} else {
				cat, err = catalog.Parse(name+".json", src, nil)
			}
			if err != nil {
				cat = nil // a catalog that no longer parses: its text features are unknown
			}
			cats[h.catalog] = cat
		}
		if cat == nil {
			continue
		}
		p := cat.Product(h.product)
		if p == nil {
			continue
		}
		changed := false
		for _, f := range p.Features {
			v, ok := h.decisions[f.ID]
			if f.Kind != catalog.Textual || !ok || !m.Contains(v) {
				continue
			}
			def := f.Default.String()
			if m.Contains(def) {
				def = ""
			}
			h.decisions[f.ID], changed = def, true
		}
		if !changed {
			continue
		}
		dec, err := json.Marshal(h.decisions)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET decisions = ? WHERE rowid = ?`, string(dec), h.id); err != nil {
			return nil, err
		}
		out = append(out, h.id)
	}
	return out, nil
}

// unquoteJSON undoes JSON's escapes of non-ASCII letters (\u00eb) closely
// enough for a quick look.
func unquoteJSON(s string) string {
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return s
	}
	var b strings.Builder
	for k, v := range m {
		b.WriteString(k + "\n" + v + "\n")
	}
	return b.String()
}

// librarySecret is the library's random key for erasure marks (made here
// if a copy lacks it).
func librarySecret(ctx context.Context, tx *sql.Tx) ([]byte, error) {
	var secret []byte
	err := tx.QueryRowContext(ctx, `SELECT secret FROM library_secret WHERE id = 1`).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO library_secret (id, secret) VALUES (1, ?)`, secret)
		return secret, err
	}
	return secret, err
}

// ids runs a query of ids.
func ids(ctx context.Context, tx querier, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// erasures lists the customers forgotten in this database.
func (d *DB) erasures(ctx context.Context) ([]int64, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT customer FROM erasures ORDER BY customer`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, classify(err)
		}
		out = append(out, id)
	}
	return out, classify(rows.Err())
}
