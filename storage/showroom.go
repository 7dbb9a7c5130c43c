package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// QueueEntry is a design a customer sent to the dealer from the showroom.
type QueueEntry struct {
	Code         string // e.g. "K7P3QX"
	Design       Design
	CustomerName string // what the customer typed, or ""
	SentAt       string
	TakenAt      string // "" while it waits
}

// codeAlphabet has no look-alikes (no 0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newCode is a random six-character code.
func newCode() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b), nil
}

// FormatCode writes a code for people: "K7P 3QX".
func FormatCode(code string) string {
	if len(code) != 6 {
		return code
	}
	return code[:3] + " " + code[3:]
}

// NormalizeCode reads a code as someone typed it ("k7p-3qx" is K7P3QX).
func NormalizeCode(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
}

// SendToDealer saves a new design from the showroom and puts it in the
// dealer's queue under a new short code, in one transaction.
func (d *DB) SendToDealer(ctx context.Context, in DesignInput, customerName string) (QueueEntry, error) {
	var e QueueEntry
	if in.ID != 0 {
		return e, errors.New("send to dealer: only new designs")
	}
	if err := validateDesign(in); err != nil {
		return e, fmt.Errorf("send to dealer: %w", err)
	}
	customerName = strings.TrimSpace(customerName)
	if len([]rune(customerName)) > 80 {
		return e, errors.New("send to dealer: a name of at most 80 characters")
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		id, err := d.saveDesign(ctx, tx, in)
		if err != nil {
			return err
		}
		for try := 0; ; try++ {
			code, err := newCode()
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO showroom_queue (code, design, customer_name, sent_at) VALUES (?, ?, ?, ?)`, code, id, customerName, d.stamp())
			if err == nil {
				e.Code = code
				break
			}
			if try >= 8 || !strings.Contains(err.Error(), "UNIQUE") {
				return err
			}
		}
		e.CustomerName, e.SentAt = customerName, d.stamp()
		e.Design, err = getDesign(ctx, tx, id)
		return err
	})
	if err != nil {
		return QueueEntry{}, fmt.Errorf("send to dealer: %w", classify(err))
	}
	return e, nil
}

// Queue lists the designs waiting in the showroom queue, oldest first
// (with taken: the taken ones too, newest first).
func (d *DB) Queue(ctx context.Context, taken bool) ([]QueueEntry, error) {
	where, order := "q.taken_at IS NULL", "q.sent_at"
	if taken {
		where, order = "1", "q.taken_at IS NOT NULL, q.sent_at DESC"
	}
	rows, err := d.db.QueryContext(ctx, `SELECT q.code, q.design, q.customer_name, q.sent_at, coalesce(q.taken_at, '') FROM showroom_queue q
		JOIN designs ON designs.id = q.design AND designs.deleted_at IS NULL WHERE `+where+` ORDER BY `+order)
	if err != nil {
		return nil, fmt.Errorf("read the showroom queue: %w", classify(err))
	}
	var out []QueueEntry
	var designs []int64
	for rows.Next() {
		var e QueueEntry
		var id int64
		if err := rows.Scan(&e.Code, &id, &e.CustomerName, &e.SentAt, &e.TakenAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the showroom queue: %w", classify(err))
		}
		out = append(out, e)
		designs = append(designs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	for i, id := range designs {
		x, err := d.Design(ctx, id)
		if err != nil {
			return nil, err
		}
		out[i].Design = x
	}
	return out, nil
}

// TakeFromQueue marks a queued design as taken by the dealer: it leaves
// the queue, and the name the customer typed is erased (the dealer links
// a customer record, with consent, if there is to be one).
func (d *DB) TakeFromQueue(ctx context.Context, code string) (QueueEntry, error) {
	code = NormalizeCode(code)
	var e QueueEntry
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT design, customer_name, sent_at FROM showroom_queue WHERE code = ? AND taken_at IS NULL`, code).Scan(&id, &e.CustomerName, &e.SentAt)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("code %s: %w", FormatCode(code), ErrNotFound)
		}
		if err != nil {
			return err
		}
		e.Code = code
		e.TakenAt = d.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE showroom_queue SET taken_at = ?, customer_name = '' WHERE code = ?`, e.TakenAt, code); err != nil {
			return err
		}
		e.Design, err = getDesign(ctx, tx, id)
		return err
	})
	if err != nil {
		return QueueEntry{}, fmt.Errorf("take %s from the showroom queue: %w", FormatCode(code), classify(err))
	}
	return e, nil
}

// RemoveFromQueue drops a queued design: the entry and the design (into
// the trash, from where it can be restored).
func (d *DB) RemoveFromQueue(ctx context.Context, code string) error {
	code = NormalizeCode(code)
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT design FROM showroom_queue WHERE code = ?`, code).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("code %s: %w", FormatCode(code), ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM showroom_queue WHERE code = ?`, code); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE designs SET deleted_at = ? WHERE id = ?`, d.stamp(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove %s from the showroom queue: %w", FormatCode(code), classify(err))
	}
	return nil
}

// ExpireQueue erases the names of designs that waited longer than maxAge
// (they stay in the queue, nameless), so that a name typed at the
// showroom is not kept for ever. It returns how many were erased.
func (d *DB) ExpireQueue(ctx context.Context, maxAge time.Duration) (int, error) {
	before := d.now().Add(-maxAge).UTC().Format(time.RFC3339Nano)
	var n int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE showroom_queue SET customer_name = '' WHERE customer_name != '' AND sent_at < ?`, before)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), classify(err)
}
