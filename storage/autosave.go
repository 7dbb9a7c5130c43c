package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Autosave is the design being edited, saved in the background a moment
// after each change. After a crash the app offers to restore it; a normal
// exit or an explicit save clears it.
type Autosave struct {
	Design    int64 // the saved design it edits, 0 for a new one
	Catalog   int64
	ProductID string
	Name      string
	Decisions map[string]string
	SavedAt   string
}

// SaveAutosave replaces the autosaved design.
func (d *DB) SaveAutosave(ctx context.Context, a Autosave) error {
	dec, err := json.Marshal(nonNil(a.Decisions))
	if err != nil {
		return fmt.Errorf("autosave: %w", err)
	}
	var design any
	if a.Design != 0 {
		design = a.Design
	}
	err = d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO autosave (slot, design, catalog, product_id, name, decisions, saved_at) VALUES (1, ?, ?, ?, ?, ?, ?)`,
			design, a.Catalog, a.ProductID, a.Name, string(dec), d.stamp())
		return err
	})
	if err != nil {
		return fmt.Errorf("autosave: %w", err)
	}
	return nil
}

// LoadAutosave returns the autosaved design, or nil when there is none.
func (d *DB) LoadAutosave(ctx context.Context) (*Autosave, error) {
	var a Autosave
	var design sql.NullInt64
	var dec string
	err := d.db.QueryRowContext(ctx, `SELECT design, catalog, product_id, name, decisions, saved_at FROM autosave WHERE slot = 1`).
		Scan(&design, &a.Catalog, &a.ProductID, &a.Name, &dec, &a.SavedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the autosaved design: %w", classify(err))
	}
	a.Design = design.Int64
	if err := json.Unmarshal([]byte(dec), &a.Decisions); err != nil {
		return nil, fmt.Errorf("read the autosaved design: %w", err)
	}
	return &a, nil
}

// ClearAutosave forgets the autosaved design.
func (d *DB) ClearAutosave(ctx context.Context) error {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM autosave`)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear the autosaved design: %w", err)
	}
	return nil
}
