package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Outbox states: queued (waiting for the manufacturer's inbox), delivered
// (in the inbox, not answered yet), accepted or refused (the
// manufacturer's answer).
const (
	OutboxQueued    = "queued"
	OutboxDelivered = "delivered"
	OutboxAccepted  = "accepted"
	OutboxRefused   = "refused"
)

// OutboxItem is one revision of an order on its way to the manufacturer.
type OutboxItem struct {
	ID           int64
	Order        int64
	Revision     int
	Number       string
	Dealer       string
	File         string
	Package      []byte // only from OutboxDue; emptied once answered
	SHA256       string
	Manufacturer string
	Address      json.RawMessage // the inbox, as the catalog names it
	AnswerKey    string          // the manufacturer's key, base64
	State        string
	Attempts     int
	NextAttempt  time.Time
	LastError    string
	Reasons      []string
	Reference    string
	QueuedAt     time.Time
	DeliveredAt  time.Time
	AnsweredAt   time.Time
}

// ErrAlreadySent: this revision of the order is in the outbox already.
var ErrAlreadySent = errors.New("this revision of the order was sent already")

// QueueOrder puts a revision's package in the outbox, due at once. The
// same revision is queued once: a second call returns ErrAlreadySent (a
// corrected order is a new revision, ReviseOrder).
func (d *DB) QueueOrder(ctx context.Context, it OutboxItem) (OutboxItem, error) {
	now := d.now().UTC()
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE order_id = ? AND revision = ?`, it.Order, it.Revision).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("order %s revision %d: %w", it.Number, it.Revision, ErrAlreadySent)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO outbox (order_id, revision, number, dealer, file, package, sha256, manufacturer, address, answer_key,
			state, next_attempt, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
			it.Order, it.Revision, it.Number, it.Dealer, it.File, it.Package, it.SHA256, it.Manufacturer, string(it.Address), it.AnswerKey,
			stampOf(now), stampOf(now))
		if err != nil {
			return err
		}
		it.ID, err = res.LastInsertId()
		return err
	})
	it.State, it.QueuedAt, it.NextAttempt = OutboxQueued, now, now
	return it, classify(err)
}

func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

const outboxColumns = `id, order_id, revision, number, dealer, file, sha256, manufacturer, address, answer_key, state, attempts,
	next_attempt, last_error, reasons, reference, queued_at, delivered_at, answered_at`

func scanOutbox(rows *sql.Rows, withPackage bool) (OutboxItem, error) {
	var it OutboxItem
	var address, reasons, next, queued, delivered, answered string
	dest := []any{&it.ID, &it.Order, &it.Revision, &it.Number, &it.Dealer, &it.File, &it.SHA256, &it.Manufacturer, &address, &it.AnswerKey,
		&it.State, &it.Attempts, &next, &it.LastError, &reasons, &it.Reference, &queued, &delivered, &answered}
	if withPackage {
		dest = append(dest, &it.Package)
	}
	if err := rows.Scan(dest...); err != nil {
		return it, err
	}
	it.Address = json.RawMessage(address)
	if err := json.Unmarshal([]byte(reasons), &it.Reasons); err != nil {
		return it, fmt.Errorf("outbox item %d: %w", it.ID, err)
	}
	it.NextAttempt = parseStamp(next)
	it.QueuedAt, it.DeliveredAt, it.AnsweredAt = parseStamp(queued), parseStamp(delivered), parseStamp(answered)
	return it, nil
}

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func (d *DB) outbox(ctx context.Context, withPackage bool, where string, args ...any) ([]OutboxItem, error) {
	cols := outboxColumns
	if withPackage {
		cols += ", package"
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+cols+` FROM outbox `+where, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		it, err := scanOutbox(rows, withPackage)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, it)
	}
	return out, classify(rows.Err())
}

// Outbox lists every item, newest first (without the packages).
func (d *DB) Outbox(ctx context.Context) ([]OutboxItem, error) {
	return d.outbox(ctx, false, `ORDER BY queued_at DESC, id DESC`)
}

// OrderOutbox lists an order's revisions in the outbox, newest first.
func (d *DB) OrderOutbox(ctx context.Context, order int64) ([]OutboxItem, error) {
	return d.outbox(ctx, false, `WHERE order_id = ? ORDER BY revision DESC`, order)
}

// OutboxDue lists the queued items due at now, with their packages,
// oldest first.
func (d *DB) OutboxDue(ctx context.Context, now time.Time) ([]OutboxItem, error) {
	return d.outbox(ctx, true, `WHERE state = 'queued' AND next_attempt <= ? ORDER BY queued_at, id`, stampOf(now))
}

// OutboxAwaiting lists the items delivered and not answered yet.
func (d *DB) OutboxAwaiting(ctx context.Context) ([]OutboxItem, error) {
	return d.outbox(ctx, false, `WHERE state = 'delivered' ORDER BY delivered_at, id`)
}

// OutboxQueuedItems lists the items waiting for delivery, due or not.
func (d *DB) OutboxQueuedItems(ctx context.Context) ([]OutboxItem, error) {
	return d.outbox(ctx, false, `WHERE state = 'queued' ORDER BY queued_at, id`)
}

// OutboxDelivered records that an item reached the manufacturer's inbox.
func (d *DB) OutboxDelivered(ctx context.Context, id int64) error {
	_, err := d.db.ExecContext(ctx, `UPDATE outbox SET state = 'delivered', delivered_at = ?, last_error = '', attempts = attempts + 1
		WHERE id = ? AND state = 'queued'`, d.stamp(), id)
	return classify(err)
}

// OutboxFailed records a failed delivery and when to try again.
func (d *DB) OutboxFailed(ctx context.Context, id int64, problem string, next time.Time) error {
	_, err := d.db.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ? AND state = 'queued'`,
		problem, stampOf(next), id)
	return classify(err)
}

// OutboxRetryNow makes every queued item due now (the inbox is back).
func (d *DB) OutboxRetryNow(ctx context.Context) error {
	_, err := d.db.ExecContext(ctx, `UPDATE outbox SET next_attempt = ? WHERE state = 'queued'`, d.stamp())
	return classify(err)
}

// OutboxAnswered records the manufacturer's answer to the package with
// the given hash and drops the package's bytes (the order keeps its
// record); false when no item delivered or queued has that hash. A later
// answer does not undo an earlier one.
func (d *DB) OutboxAnswered(ctx context.Context, sha256, verdict string, reasons []string, reference string) (OutboxItem, bool, error) {
	if verdict != OutboxAccepted && verdict != OutboxRefused {
		return OutboxItem{}, false, fmt.Errorf("an answer %q", verdict)
	}
	if reasons == nil {
		reasons = []string{}
	}
	r, err := json.Marshal(reasons)
	if err != nil {
		return OutboxItem{}, false, err
	}
	res, err := d.db.ExecContext(ctx, `UPDATE outbox SET state = ?, reasons = ?, reference = ?, answered_at = ?, package = x'',
		delivered_at = CASE delivered_at WHEN '' THEN ? ELSE delivered_at END
		WHERE sha256 = ? AND state IN ('queued', 'delivered')`, verdict, string(r), reference, d.stamp(), d.stamp(), sha256)
	if err != nil {
		return OutboxItem{}, false, classify(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return OutboxItem{}, false, nil
	}
	items, err := d.outbox(ctx, false, `WHERE sha256 = ?`, sha256)
	if err != nil || len(items) == 0 {
		return OutboxItem{}, false, err
	}
	return items[0], true, nil
}

// forgetInOutbox: a forgotten customer's packages not yet delivered are not
// sent; the others keep their record, not their bytes.
func forgetInOutbox(ctx context.Context, tx *sql.Tx, customer int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE state = 'queued' AND order_id IN (SELECT id FROM orders WHERE customer = ?)`, customer); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET package = x'' WHERE order_id IN (SELECT id FROM orders WHERE customer = ?)`, customer)
	return err
}

// ReviseOrder makes the next revision of an order: its lines become lines
// (a corrected order: the designs saved again, quantities changed), its
// number stays. Only an order whose last revision the manufacturer
// refused, or one never sent, may change; an order that is cancelled may
// not.
func (d *DB) ReviseOrder(ctx context.Context, id int64, lines []OrderLine) (Order, error) {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		o, err := getOrder(ctx, tx, id)
		if err != nil {
			return err
		}
		if o.Status == "cancelled" {
			return fmt.Errorf("order %s is cancelled", o.Number)
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE order_id = ? AND revision = ? AND state != 'refused'`, id, o.Revision).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return fmt.Errorf("order %s revision %d is on its way or accepted: only a refused order is corrected", o.Number, o.Revision)
		}
		in, err := CheckOrderInput(OrderInput{Dealer: o.Dealer, Lines: lines})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM order_lines WHERE order_id = ?`, id); err != nil {
			return err
		}
		for i, l := range in.Lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (order_id, line, revision, quantity, discount) VALUES (?, ?, ?, ?, ?)`,
				id, i+1, l.Revision, l.Quantity, l.Discount); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE orders SET revision = revision + 1, revised_at = ?1, status = 'draft', exported_file = '', exported_hash = '', updated_at = ?1 WHERE id = ?2`,
			d.stamp(), id)
		return err
	})
	if err != nil {
		return Order{}, classify(err)
	}
	return d.Order(ctx, id)
}
