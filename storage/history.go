package storage

import (
	"context"
	"encoding/json"
	"fmt"
)

// Learned is one design as the recommender learns from it: the decisions
// of its newest revision, and whether it was ordered.
type Learned struct {
	Decisions map[string]string // feature -> value as typed (catalog.Value.String)
	Ordered   bool
}

// Weight is how much a design counts: an ordered one three times a saved
// one (recommend.OrderedWeight).
func (l Learned) Weight() float64 {
	if l.Ordered {
		return 3
	}
	return 1
}

// MaxLearned bounds how many designs of a product the recommender reads:
// the newest ones.
const MaxLearned = 20000

// ProductHistory lists what the recommender may learn from for a product:
// the newest revision of every design of it that is not in the trash and
// whose customer was not forgotten, newest first (at most MaxLearned). In
// a shop's library this is the shop's shared history.
func (d *DB) ProductHistory(ctx context.Context, productID string) ([]Learned, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT r.decisions,
			d.status = 'ordered' OR EXISTS (SELECT 1 FROM order_lines l JOIN revisions lr ON lr.id = l.revision
				JOIN orders o ON o.id = l.order_id WHERE lr.design = d.id AND o.status != 'cancelled')
		FROM designs d JOIN revisions r ON r.design = d.id AND r.number = d.revision
		WHERE d.product_id = ? AND d.deleted_at IS NULL AND d.forgotten = 0
		ORDER BY d.updated_at DESC LIMIT ?`, productID, MaxLearned)
	if err != nil {
		return nil, fmt.Errorf("the history of %s: %w", productID, classify(err))
	}
	defer rows.Close()
	var out []Learned
	for rows.Next() {
		var decisions string
		var l Learned
		if err := rows.Scan(&decisions, &l.Ordered); err != nil {
			return nil, classify(err)
		}
		if err := json.Unmarshal([]byte(decisions), &l.Decisions); err != nil {
			continue // a revision whose decisions do not read teaches nothing
		}
		out = append(out, l)
	}
	return out, classify(rows.Err())
}
