package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

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
	Revision      int    // 1, then one more for each correction sent again
	RevisedAt     string // when the last revision was made ("" for the first)
	Customer      int64
	Delivery      string
	RequestedDate string
	Notes         string
	Status        string // draft, exporting, exported, cancelled
	ExportedFile  string
	ExportedHash  string
	CreatedAt     string
	UpdatedAt     string
	Lines         []OrderLine
}

var dealerCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// CheckOrderInput checks a new order as CreateOrder and ReserveExport do,
// before anything is written: the dealer code, at least one line, the
// quantities, the discounts and the requested date. It returns the input
// in its stored form (the dealer code in capitals, discounts plain) and
// does not change in.
func CheckOrderInput(in OrderInput) (OrderInput, error) {
	if !dealerCode.MatchString(in.Dealer) {
		return in, fmt.Errorf("the dealer code %q must be 1–32 letters, digits, dots, dashes or underscores", in.Dealer)
	}
	if len(in.Lines) == 0 {
		return in, errors.New("an order needs at least one design")
	}
	if in.RequestedDate != "" {
		if _, err := time.Parse(time.DateOnly, in.RequestedDate); err != nil {
			return in, fmt.Errorf("the requested date %q is not a date; write YYYY-MM-DD", in.RequestedDate)
		}
	}
	in.Dealer = strings.ToUpper(in.Dealer) // "abc" and "ABC" are one dealer
	in.Lines = slices.Clone(in.Lines)
	for i, l := range in.Lines {
		if l.Quantity < 1 {
			return in, fmt.Errorf("line %d: quantity %d: at least 1", i+1, l.Quantity)
		}
		disc, err := lineDiscount(l.Discount)
		if err != nil {
			return in, fmt.Errorf("line %d: %w", i+1, err)
		}
		in.Lines[i].Discount = disc
	}
	return in, nil
}

// CreateOrder numbers and saves an order that is not exported (its
// designs are marked ordered). The number is the dealer's next one, taken
// in the same transaction that writes the order: an order that was not
// committed took no number, and numbers are never reused (orders are
// cancelled, never deleted). Exports use ReserveExport instead.
func (d *DB) CreateOrder(ctx context.Context, in OrderInput) (Order, error) {
	var o Order
	in, err := CheckOrderInput(in)
	if err != nil {
		return o, fmt.Errorf("create order: %w", err)
	}
	err = d.tx(ctx, func(tx *sql.Tx) error {
		id, err := insertOrder(ctx, tx, in, d.stamp(), nil)
		if err != nil {
			return err
		}
		if err := markOrdered(ctx, tx, id); err != nil {
			return err
		}
		o, err = getOrder(ctx, tx, id)
		return err
	})
	if err != nil {
		return o, fmt.Errorf("create order: %w", err)
	}
	return o, nil
}

// insertOrder takes the dealer's next number and writes the order and its
// lines (in checked by CheckOrderInput). numbered, if set, is called with
// the number inside the transaction; its error rolls everything back.
func insertOrder(ctx context.Context, tx *sql.Tx, in OrderInput, now string, numbered func(id int64, number string) error) (int64, error) {
	// In a shop, each machine numbers in a series of its own (docs/shop.md):
	// the shop's first machine, and a library in no shop, write
	// <dealer>-<seq>; machine n writes <dealer>-<n>-<seq>.
	var machine int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT machine FROM sync_state WHERE id = 1), 0)`).Scan(&machine); err != nil {
		return 0, err
	}
	series := 0
	if machine > 1 {
		series = machine
	}
	var seq int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM orders WHERE dealer = ? AND made_by = ? AND series = ?`,
		in.Dealer, machine, series).Scan(&seq); err != nil {
		return 0, err
	}
	number := fmt.Sprintf("%s-%05d", in.Dealer, seq)
	if series != 0 {
		number = fmt.Sprintf("%s-%d-%05d", in.Dealer, series, seq)
	}
	var customer any
	if in.Customer != 0 {
		customer = in.Customer
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO orders (dealer, made_by, series, seq, number, customer, delivery, requested_date, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Dealer, machine, series, seq, number, customer, in.Delivery, in.RequestedDate, in.Notes, now, now)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for i, l := range in.Lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (order_id, line, revision, quantity, discount) VALUES (?, ?, ?, ?, ?)`, id, i+1, l.Revision, l.Quantity, l.Discount); err != nil {
			return 0, fmt.Errorf("line %d (revision %d): %w", i+1, l.Revision, err)
		}
	}
	if numbered != nil {
		if err := numbered(id, number); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// markOrdered marks the designs of an order's lines ordered.
func markOrdered(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE designs SET status = 'ordered' WHERE id IN
		(SELECT r.design FROM order_lines l JOIN revisions r ON r.id = l.revision WHERE l.order_id = ?)`, id)
	return err
}

// orderStatus is an order's status as shown: "exporting" while its export
// journal row exists.
const orderStatus = `CASE WHEN EXISTS (SELECT 1 FROM order_exports e WHERE e.order_id = orders.id) THEN 'exporting' ELSE status END`

func getOrder(ctx context.Context, q querier, id int64) (Order, error) {
	var o Order
	var customer sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, dealer, seq, number, revision, revised_at, customer, delivery, requested_date, notes, `+orderStatus+`, exported_file, exported_hash, created_at, updated_at
		FROM orders WHERE id = ?`, id).Scan(&o.ID, &o.Dealer, &o.Seq, &o.Number, &o.Revision, &o.RevisedAt, &customer, &o.Delivery, &o.RequestedDate, &o.Notes, &o.Status,
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
	rows, err := d.db.QueryContext(ctx, `SELECT id, dealer, seq, number, revision, coalesce(customer, 0), delivery, requested_date, notes, `+orderStatus+`, exported_file, exported_hash, created_at, updated_at
		FROM orders ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", classify(err))
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Dealer, &o.Seq, &o.Number, &o.Revision, &o.Customer, &o.Delivery, &o.RequestedDate, &o.Notes, &o.Status,
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

// ExportReservation is an order whose number is taken for an export that
// has not finished: its row in the export journal.
type ExportReservation struct {
	Order Order
	Path  string // the file's destination (absolute)
	Temp  string // the temporary file beside it (ExportTempPath)
	// Overwrite: an existing file at Path may be replaced (--force).
	Overwrite bool
}

// ExportTempPath is the temporary file an export of path is written to
// before it is moved onto path: beside it (the same file system), hidden,
// named after it, so that recovery finds it.
func ExportTempPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".exporting")
}

// staleExport is how long an export journal row of another process that
// still seems to run is left alone by RecoverExports (its process id may
// have been reused since); an export takes seconds.
const staleExport = time.Hour

// exportsInFlight are the exports this process runs now, by database file
// and order id: RecoverExports leaves them alone.
var exportsInFlight sync.Map

func (d *DB) inFlightKey(id int64) string {
	abs, err := filepath.Abs(d.path)
	if err != nil {
		abs = d.path
	}
	return fmt.Sprint(abs, "#", id)
}

// ReserveExport starts the export of a new order in one transaction: it
// takes the dealer's next number, writes the order and its lines, and
// writes the export journal row with the destination, path(number), which
// must be absolute. The order's designs are not marked ordered yet, and
// the order shows as "exporting". The export then ends with CompleteExport
// (the file is at its destination) or AbandonExport (it is not); a process
// killed in between leaves the row to RecoverExports.
func (d *DB) ReserveExport(ctx context.Context, in OrderInput, path func(number string) (string, error), overwrite bool) (ExportReservation, error) {
	var r ExportReservation
	in, err := CheckOrderInput(in)
	if err != nil {
		return r, fmt.Errorf("reserve an order number: %w", err)
	}
	now := d.stamp()
	err = d.tx(ctx, func(tx *sql.Tx) error {
		id, err := insertOrder(ctx, tx, in, now, func(id int64, number string) error {
			p, err := path(number)
			if err != nil {
				return err
			}
			if !filepath.IsAbs(p) {
				return fmt.Errorf("the destination %s is not an absolute path", p)
			}
			r.Path, r.Temp, r.Overwrite = p, ExportTempPath(p), overwrite
			_, err = tx.ExecContext(ctx, `INSERT INTO order_exports (order_id, path, temp, overwrite, pid, started_at) VALUES (?, ?, ?, ?, ?, ?)`,
				id, r.Path, r.Temp, overwrite, os.Getpid(), now)
			return err
		})
		if err != nil {
			return err
		}
		r.Order, err = getOrder(ctx, tx, id)
		return err
	})
	if err != nil {
		return ExportReservation{}, fmt.Errorf("reserve an order number: %w", err)
	}
	exportsInFlight.Store(d.inFlightKey(r.Order.ID), true)
	return r, nil
}

// RecordExportHash writes the SHA-256 (hex) of an export's file in its
// journal row, before the file is written: recovery completes the export
// only if the file at the destination has that hash.
func (d *DB) RecordExportHash(ctx context.Context, id int64, sha string) error {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE order_exports SET sha256 = ? WHERE order_id = ?`, sha, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("order %d is not being exported: %w", id, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record the hash of order %d: %w", id, err)
	}
	return nil
}

// CompleteExport records, in one transaction, that an export's file is at
// its destination: the order becomes exported with the file and its hash,
// its designs are marked ordered, and its journal row goes.
func (d *DB) CompleteExport(ctx context.Context, id int64) (Order, error) {
	var o Order
	err := d.tx(ctx, func(tx *sql.Tx) error {
		done, err := completeExport(ctx, tx, id, d.stamp())
		if err != nil {
			return err
		}
		if !done {
			return fmt.Errorf("order %d is not being exported: %w", id, ErrNotFound)
		}
		o, err = getOrder(ctx, tx, id)
		return err
	})
	if err != nil {
		return o, fmt.Errorf("record the export of order %d: %w", id, err)
	}
	exportsInFlight.Delete(d.inFlightKey(id))
	return o, nil
}

func completeExport(ctx context.Context, tx *sql.Tx, id int64, now string) (bool, error) {
	var path, sha string
	err := tx.QueryRowContext(ctx, `SELECT path, sha256 FROM order_exports WHERE order_id = ?`, id).Scan(&path, &sha)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if sha == "" {
		return false, fmt.Errorf("order %d: the hash of its file was not recorded", id)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'exported', exported_file = ?, exported_hash = ?, updated_at = ? WHERE id = ?`,
		path, sha, now, id); err != nil {
		return false, err
	}
	if err := markOrdered(ctx, tx, id); err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM order_exports WHERE order_id = ?`, id)
	return err == nil, err
}

// AbandonExport rolls back an export whose file did not reach its
// destination: the temporary file is removed, the order is cancelled (its
// number is never used again: numbers may have gaps, but no number is
// reused) and its journal row goes. Its designs stay as they were.
func (d *DB) AbandonExport(ctx context.Context, id int64) error {
	var temp string
	err := d.db.QueryRowContext(ctx, `SELECT temp FROM order_exports WHERE order_id = ?`, id).Scan(&temp)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("roll back the export of order %d: it is not being exported: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("roll back the export of order %d: %w", id, classify(err))
	}
	if err := removeTemp(temp); err != nil {
		return fmt.Errorf("roll back the export of order %d: %w", id, err)
	}
	err = d.tx(ctx, func(tx *sql.Tx) error { return cancelExport(ctx, tx, id, d.stamp()) })
	if err != nil {
		return fmt.Errorf("roll back the export of order %d: %w", id, err)
	}
	exportsInFlight.Delete(d.inFlightKey(id))
	return nil
}

func cancelExport(ctx context.Context, tx *sql.Tx, id int64, now string) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM order_exports WHERE order_id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // done by another process
	}
	_, err = tx.ExecContext(ctx, `UPDATE orders SET status = 'cancelled', updated_at = ? WHERE id = ?`, now, id)
	return err
}

// removeTemp removes an export's temporary file, if it is there.
func removeTemp(temp string) error {
	if err := os.Remove(temp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the temporary file: %w", err)
	}
	return nil
}

// RecoveredExport is an export that RecoverExports finished.
type RecoveredExport struct {
	Number string
	Path   string
	// Exported: the file was at its destination with the recorded hash,
	// and the order is now recorded as exported; otherwise it is
	// cancelled (its number is not used again).
	Exported bool
	// Revisions are the design revisions of the order's lines.
	Revisions []int64
}

// RecoverExports finishes the exports that a killed or crashed process
// left in the journal (call it at start): an export whose file is at its
// destination with the recorded SHA-256 is recorded as exported (and its
// designs as ordered); any other is cancelled. Either way its temporary
// file is removed. Exports that this process runs now, or that another
// running process started within the last hour, are left alone.
func (d *DB) RecoverExports(ctx context.Context) ([]RecoveredExport, error) {
	type row struct {
		id                          int64
		number, path, temp, sha, at string
		pid                         int
	}
	rows, err := d.db.QueryContext(ctx, `SELECT e.order_id, o.number, e.path, e.temp, e.sha256, e.pid, e.started_at
		FROM order_exports e JOIN orders o ON o.id = e.order_id ORDER BY e.order_id`)
	if err != nil {
		return nil, fmt.Errorf("recover exports: %w", classify(err))
	}
	var journal []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.number, &r.path, &r.temp, &r.sha, &r.pid, &r.at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("recover exports: %w", classify(err))
		}
		journal = append(journal, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recover exports: %w", classify(err))
	}
	var out []RecoveredExport
	for _, r := range journal {
		if d.exportRunning(r.id, r.pid, r.at) {
			continue
		}
		exported := r.sha != "" && fileHash(r.path) == r.sha
		if err := removeTemp(r.temp); err != nil {
			return out, fmt.Errorf("recover the export of order %s: %w", r.number, err)
		}
		err := d.tx(ctx, func(tx *sql.Tx) error {
			if exported {
				_, err := completeExport(ctx, tx, r.id, d.stamp())
				return err
			}
			return cancelExport(ctx, tx, r.id, d.stamp())
		})
		if err != nil {
			return out, fmt.Errorf("recover the export of order %s: %w", r.number, err)
		}
		o, err := d.Order(ctx, r.id)
		if err != nil {
			return out, fmt.Errorf("recover the export of order %s: %w", r.number, err)
		}
		done := RecoveredExport{Number: r.number, Path: r.path, Exported: exported}
		for _, l := range o.Lines {
			done.Revisions = append(done.Revisions, l.Revision)
		}
		out = append(out, done)
	}
	return out, nil
}

// exportRunning says whether an export in the journal may still be running:
// in this process, one it started and has not finished; in another, one
// whose process is alive, started less than staleExport ago.
func (d *DB) exportRunning(id int64, pid int, started string) bool {
	if pid == os.Getpid() {
		_, ok := exportsInFlight.Load(d.inFlightKey(id))
		return ok
	}
	if t, err := time.Parse(time.RFC3339Nano, started); err == nil && d.now().Sub(t) > staleExport {
		return false
	}
	return processAlive(pid)
}

// fileHash is the SHA-256 (hex) of a file, or "" when it cannot be read.
func fileHash(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}
