package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// maxEngineCache bounds one kept engine knowledge, read or written.
const maxEngineCache = 16 << 20

// EngineCache returns the engine's kept knowledge for a product of the
// catalog version with the given hash (rules.Model.UseKnowledge checks it),
// or nil when there is none.
func (d *DB) EngineCache(ctx context.Context, catalogHash, product string) ([]byte, error) {
	var n int64
	err := d.db.QueryRowContext(ctx, `SELECT length(data) FROM engine_cache WHERE catalog_hash = ? AND product = ?`, catalogHash, product).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the engine cache of %s: %w", product, classify(err))
	}
	if n > maxEngineCache {
		return nil, fmt.Errorf("read the engine cache of %s: %d bytes (at most %d)", product, n, maxEngineCache)
	}
	var data []byte
	err = d.db.QueryRowContext(ctx, `SELECT data FROM engine_cache WHERE catalog_hash = ? AND product = ?`, catalogHash, product).Scan(&data)
	if err != nil {
		return nil, fmt.Errorf("read the engine cache of %s: %w", product, classify(err))
	}
	return data, nil
}

// SaveEngineCache keeps the engine's knowledge for a product of a catalog
// version (replacing what was kept); nil data forgets it.
func (d *DB) SaveEngineCache(ctx context.Context, catalogHash, product string, data []byte) error {
	if len(data) > maxEngineCache {
		return fmt.Errorf("keep the engine cache of %s: %d bytes (at most %d)", product, len(data), maxEngineCache)
	}
	var err error
	if data == nil {
		_, err = d.db.ExecContext(ctx, `DELETE FROM engine_cache WHERE catalog_hash = ? AND product = ?`, catalogHash, product)
	} else {
		_, err = d.db.ExecContext(ctx, `INSERT INTO engine_cache (catalog_hash, product, data, saved_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (catalog_hash, product) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at`, catalogHash, product, data, d.stamp())
	}
	if err != nil {
		return fmt.Errorf("keep the engine cache of %s: %w", product, classify(err))
	}
	return nil
}
