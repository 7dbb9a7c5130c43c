package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
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
			res, err := tx.ExecContext(ctx, `INSERT INTO customers (name, email, phone, address, consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				c.Name, c.Email, c.Phone, c.Address, c.ConsentAt, now, now)
			if err != nil {
				return err
			}
			id, err = res.LastInsertId()
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

// ForgetCustomer erases a customer's personal data everywhere: the
// customer is deleted, their designs and orders keep no link to them, the
// delivery address copied into their orders is blanked, their name is
// removed from the names and notes of their designs and revisions and from
// the search index, and the freed pages are overwritten (secure_delete)
// and the write-ahead log emptied. Only the customer's number is kept, in
// the list of erasures, so that restoring an older backup forgets them
// again.
func (d *DB) ForgetCustomer(ctx context.Context, id int64) error {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		return d.forget(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("forget customer %d: %w", id, err)
	}
	// Push the change out of the WAL into the main file, where secure_delete
	// has overwritten the old rows, and empty the WAL.
	if _, err := d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("forget customer %d: %w", id, classify(err))
	}
	return nil
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
	// Their name typed into their designs' names and notes.
	rows, err := tx.QueryContext(ctx, `SELECT id FROM designs WHERE customer = ?`, id)
	if err != nil {
		return err
	}
	var designs []int64
	for rows.Next() {
		var did int64
		if err := rows.Scan(&did); err != nil {
			rows.Close()
			return err
		}
		designs = append(designs, did)
	}
	rows.Close()
	if strings.TrimSpace(name) != "" {
		re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(strings.TrimSpace(name)))
		scrub := func(s string) string { return re.ReplaceAllString(s, "(customer)") }
		for _, did := range designs {
			var dn, notes string
			if err := tx.QueryRowContext(ctx, `SELECT name, notes FROM designs WHERE id = ?`, did).Scan(&dn, &notes); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE designs SET name = ?, notes = ? WHERE id = ?`, scrub(dn), scrub(notes), did); err != nil {
				return err
			}
			revs, err := tx.QueryContext(ctx, `SELECT id, name, notes FROM revisions WHERE design = ?`, did)
			if err != nil {
				return err
			}
			type rn struct {
				id          int64
				name, notes string
			}
			var list []rn
			for revs.Next() {
				var r rn
				if err := revs.Scan(&r.id, &r.name, &r.notes); err != nil {
					revs.Close()
					return err
				}
				list = append(list, r)
			}
			revs.Close()
			for _, r := range list {
				if _, err := tx.ExecContext(ctx, `UPDATE revisions SET name = ?, notes = ? WHERE id = ?`, scrub(r.name), scrub(r.notes), r.id); err != nil {
					return err
				}
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET delivery = '' WHERE customer = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE autosave SET name = '(customer)' WHERE design IN (SELECT id FROM designs WHERE customer = ?)`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ?`, id); err != nil {
		return err // designs.customer and orders.customer become NULL
	}
	for _, did := range designs {
		if err := reindex(ctx, tx, did); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO erasures (customer, erased_at) VALUES (?, ?)`, id, d.stamp())
	return err
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
