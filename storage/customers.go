package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
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
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(query) + "%"
	rows, err := d.db.QueryContext(ctx, `SELECT id, name, email, phone, address, consent_at, created_at, updated_at FROM customers
		WHERE name LIKE ?1 ESCAPE '\' OR email LIKE ?1 ESCAPE '\' OR phone LIKE ?1 ESCAPE '\' ORDER BY name COLLATE NOCASE, id`, like)
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
		out = append(out, c)
	}
	return out, classify(rows.Err())
}

// ForgetCustomer erases a customer's personal data everywhere in the
// database: the customer is deleted (their designs and orders keep no link
// to them), the delivery address copied into their orders is blanked, their
// full name is removed from every design's and revision's name and notes,
// from order notes and from the autosaved design, and from the search index
// (which overwrites what it deletes); then the write-ahead log is emptied
// into the main file, where secure_delete has overwritten the freed pages.
// Only the customer's number is kept, in the list of erasures (in the
// database and in a file beside it), so that restoring an older backup
// forgets them again. Backups taken before keep the data until they are
// rotated out (7 days); Restore re-applies every erasure.
func (d *DB) ForgetCustomer(ctx context.Context, id int64) error {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		return d.forget(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("forget customer %d: %w", id, err)
	}
	if err := noteErasure(d.path, id); err != nil {
		return fmt.Errorf("forget customer %d: %w", id, err)
	}
	if err := d.checkpoint(ctx); err != nil {
		return fmt.Errorf("customer %d is forgotten, but %w", id, err)
	}
	return nil
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

// erasureFile is the list of forgotten customers beside a database.
func erasureFile(path string) string { return path + ".erasures" }

// noteErasure appends a forgotten customer's number to the file beside the
// database (it survives the database being damaged or replaced).
func noteErasure(path string, id int64) error {
	f, err := os.OpenFile(erasureFile(path), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return classify(err)
	}
	if _, err := fmt.Fprintf(f, "%d\n", id); err != nil {
		f.Close()
		return classify(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return classify(err)
	}
	return classify(f.Close())
}

// readErasures reads the file of forgotten customers beside a database.
func readErasures(path string) ([]int64, error) {
	data, err := os.ReadFile(erasureFile(path))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, line := range strings.Fields(string(data)) {
		id, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a customer number", erasureFile(path), line)
		}
		out = append(out, id)
	}
	return out, nil
}

func (d *DB) forget(ctx context.Context, tx *sql.Tx, id int64) error {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM customers WHERE id = ?`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("customer %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	linked, err := ids(ctx, tx, `SELECT id FROM designs WHERE customer = ?`, id)
	if err != nil {
		return err
	}
	if name = strings.TrimSpace(name); name != "" {
		// Their full name typed anywhere: designs, revisions, order notes,
		// the autosaved design.
		re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(name))
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(name) + "%"
		for _, t := range []struct{ table, cols string }{
			{"designs", "name, notes"}, {"revisions", "name, notes"}, {"orders", "notes, notes"}, {"autosave", "name, name"},
		} {
			cols := strings.Split(t.cols, ", ")
			rows, err := tx.QueryContext(ctx, `SELECT rowid, `+t.cols+` FROM `+t.table+` WHERE `+cols[0]+` LIKE ? ESCAPE '\' OR `+cols[1]+` LIKE ? ESCAPE '\'`, like, like)
			if err != nil {
				return err
			}
			type hit struct {
				rowid int64
				a, b  string
			}
			var hits []hit
			for rows.Next() {
				var h hit
				if err := rows.Scan(&h.rowid, &h.a, &h.b); err != nil {
					rows.Close()
					return err
				}
				hits = append(hits, h)
			}
			rows.Close()
			for _, h := range hits {
				a, b := re.ReplaceAllString(h.a, "(customer)"), re.ReplaceAllString(h.b, "(customer)")
				if _, err := tx.ExecContext(ctx, `UPDATE `+t.table+` SET `+cols[0]+` = ?, `+cols[1]+` = ? WHERE rowid = ?`, a, b, h.rowid); err != nil {
					return err
				}
				if t.table == "designs" {
					linked = append(linked, h.rowid)
				}
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET delivery = '' WHERE customer = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ?`, id); err != nil {
		return err // designs.customer and orders.customer become NULL
	}
	for _, did := range linked {
		if err := reindex(ctx, tx, did); err != nil {
			return err
		}
	}
	// Merge the index's segments, so that deleted entries leave no pages.
	if _, err := tx.ExecContext(ctx, `INSERT INTO design_search (design_search) VALUES ('optimize')`); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO erasures (customer, erased_at) VALUES (?, ?)`, id, d.stamp())
	return err
}

// ids runs a query of ids.
func ids(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
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
