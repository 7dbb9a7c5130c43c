package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// OrderInput is a new order: design revisions with quantities, for one
// customer, from one dealer.
type OrderInput struct {
	Dealer        string // the dealer's code: orders are numbered per dealer
	Customer      int64  // 0 for none
	Delivery      string // delivery address (the customer's by default)
	RequestedDate string // YYYY-MM-DD, optional
	Notes         string
	Lines         []OrderLine
}

// OrderLine is one design revision in an order.
type OrderLine struct {
	Revision int64 // revisions.id
	Quantity int
	// Discount is the dealer's discount for the customer on this line, in
	// percent as a decimal string ("" or "0": none; "12.5" is 12.5%).
	Discount string
}

// Order is a saved order.
type Order struct {
	ID            int64
	Dealer        string
	Seq           int
	Number        string // "<dealer>-<seq, 5 digits>"
	Customer      int64
	Delivery      string
	RequestedDate string
	Notes         string
	Status        string // draft, exported, cancelled
	ExportedFile  string
	ExportedHash  string
	CreatedAt     string
	UpdatedAt     string
	Lines         []OrderLine
}

var dealerCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// CreateOrder numbers and saves an order. The number is the dealer's next
// one, taken in the same transaction that writes the order: an order that
// was not committed took no number, so numbers have no gaps and no
// duplicates, even after a crash (orders are cancelled, never deleted).
func (d *DB) CreateOrder(ctx context.Context, in OrderInput) (Order, error) {
	var o Order
	if !dealerCode.MatchString(in.Dealer) {
		return o, fmt.Errorf("create order: the dealer code %q must be 1–32 letters, digits, dots, dashes or underscores", in.Dealer)
	}
	if len(in.Lines) == 0 {
		return o, errors.New("create order: an order needs at least one design")
	}
	in.Dealer = strings.ToUpper(in.Dealer) // "abc" and "ABC" are one dealer
	for i, l := range in.Lines {
		if l.Quantity < 1 {
			return o, fmt.Errorf("create order: quantity %d: at least 1", l.Quantity)
		}
		disc, err := lineDiscount(l.Discount)
		if err != nil {
			return o, fmt.Errorf("create order: line %d: %w", i+1, err)
		}
		in.Lines[i].Discount = disc
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM orders WHERE dealer = ?`, in.Dealer).Scan(&seq); err != nil {
			return err
		}
		number := fmt.Sprintf("%s-%05d", in.Dealer, seq)
		var customer any
		if in.Customer != 0 {
			customer = in.Customer
		}
		now := d.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO orders (dealer, seq, number, customer, delivery, requested_date, notes, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Dealer, seq, number, customer, in.Delivery, in.RequestedDate, in.Notes, now, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for i, l := range in.Lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (order_id, line, revision, quantity, discount) VALUES (?, ?, ?, ?, ?)`, id, i+1, l.Revision, l.Quantity, l.Discount); err != nil {
				return fmt.Errorf("line %d (revision %d): %w", i+1, l.Revision, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE designs SET status = 'ordered' WHERE id = (SELECT design FROM revisions WHERE id = ?)`, l.Revision); err != nil {
				return err
			}
		}
		o, err = getOrder(ctx, tx, id)
		return err
	})
	if err != nil {
		return o, fmt.Errorf("create order: %w", err)
	}
	return o, nil
}

func getOrder(ctx context.Context, q querier, id int64) (Order, error) {
	var o Order
	var customer sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, dealer, seq, number, customer, delivery, requested_date, notes, status, exported_file, exported_hash, created_at, updated_at
		FROM orders WHERE id = ?`, id).Scan(&o.ID, &o.Dealer, &o.Seq, &o.Number, &customer, &o.Delivery, &o.RequestedDate, &o.Notes, &o.Status,
		&o.ExportedFile, &o.ExportedHash, &o.CreatedAt, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("order %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, err
	}
	o.Customer = customer.Int64
	rows, err := q.QueryContext(ctx, `SELECT revision, quantity, discount FROM order_lines WHERE order_id = ? ORDER BY line`, id)
	if err != nil {
		return o, err
	}
	defer rows.Close()
	for rows.Next() {
		var l OrderLine
		if err := rows.Scan(&l.Revision, &l.Quantity, &l.Discount); err != nil {
			return o, err
		}
		o.Lines = append(o.Lines, l)
	}
	return o, rows.Err()
}

// Order returns an order with its lines.
func (d *DB) Order(ctx context.Context, id int64) (Order, error) {
	o, err := getOrder(ctx, d.db, id)
	return o, classify(err)
}

// Orders lists the orders, newest first (without lines).
func (d *DB) Orders(ctx context.Context) ([]Order, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, dealer, seq, number, coalesce(customer, 0), delivery, requested_date, notes, status, exported_file, exported_hash, created_at, updated_at
		FROM orders ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", classify(err))
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Dealer, &o.Seq, &o.Number, &o.Customer, &o.Delivery, &o.RequestedDate, &o.Notes, &o.Status,
			&o.ExportedFile, &o.ExportedHash, &o.CreatedAt, &o.UpdatedAt); err != nil {
			return nil, fmt.Errorf("list orders: %w", classify(err))
		}
		out = append(out, o)
	}
	return out, classify(rows.Err())
}

// SetOrderExported records the file an order was exported to and its hash.
func (d *DB) SetOrderExported(ctx context.Context, id int64, file, hash string) error {
	o, err := d.Order(ctx, id)
	if err != nil {
		return fmt.Errorf("update order %d: %w", id, err)
	}
	if o.Status == "cancelled" {
		return fmt.Errorf("order %s is cancelled: it cannot be exported", o.Number)
	}
	return d.setOrder(ctx, id, `status = 'exported', exported_file = ?, exported_hash = ?`, file, hash)
}

// CancelOrder cancels an order; its number stays taken.
func (d *DB) CancelOrder(ctx context.Context, id int64) error {
	return d.setOrder(ctx, id, `status = 'cancelled'`)
}

func (d *DB) setOrder(ctx context.Context, id int64, set string, args ...any) error {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE orders SET `+set+`, updated_at = ? WHERE id = ?`, append(args, d.stamp(), id)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("order %d: %w", id, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update order %d: %w", id, err)
	}
	return nil
}

// lineDiscount checks a line's discount and writes it in its plain form
// ("" is "0").
func lineDiscount(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "0", nil
	}
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("the discount %q is not a number", s)
	}
	if d.IsNegative() || d.GreaterThan(decimal.NewFromInt(100)) {
		return "", fmt.Errorf("the discount %s%% is not between 0 and 100", d)
	}
	return d.String(), nil
}
