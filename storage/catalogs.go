package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/atelier-app/atelier/catalog"
)

// Signature says how far a catalog can be trusted.
type Signature string

// Signature statuses.
const (
	Builtin  Signature = "builtin"  // the demo catalog inside the app
	Signed   Signature = "signed"   // a manufacturer's signature checked on import
	Unsigned Signature = "unsigned" // imported with the user's explicit consent
)

// CatalogRecord is one imported version of a catalog.
type CatalogRecord struct {
	ID           int64 // the row
	CatalogID    string
	Version      string
	Name         string
	Manufacturer string
	Hash         string // SHA-256 of the source, hex
	Signature    Signature
	Kind         string // "json" or "zip"
	ImportedAt   string
}

// ErrNotFound: no such record.
var ErrNotFound = errors.New("not found")

// ImportCatalog keeps a catalog version: its source as imported (a JSON
// file or a zip), parsed as cat. Importing the same source again returns
// the record already kept.
func (d *DB) ImportCatalog(ctx context.Context, src []byte, kind string, cat *catalog.Catalog, sig Signature) (CatalogRecord, error) {
	sum := sha256.Sum256(src)
	rec := CatalogRecord{CatalogID: cat.ID, Version: cat.Version, Name: cat.Name.In(cat.DefaultLanguage(), cat.DefaultLanguage()),
		Manufacturer: cat.Manufacturer.Name, Hash: hex.EncodeToString(sum[:]), Signature: sig, Kind: kind, ImportedAt: d.stamp()}
	if kind != "json" && kind != "zip" {
		return rec, fmt.Errorf("import catalog %s: unknown kind %q", cat.ID, kind)
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, signature, imported_at FROM catalogs WHERE catalog_id = ? AND version = ? AND hash = ?`,
			rec.CatalogID, rec.Version, rec.Hash).Scan(&rec.ID, &rec.Signature, &rec.ImportedAt)
		if err == nil {
			return nil // already kept
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO catalogs (catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, rec.CatalogID, rec.Version, rec.Name, rec.Manufacturer, rec.Hash, string(sig), src, kind, rec.ImportedAt)
		if err != nil {
			return err
		}
		rec.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return rec, fmt.Errorf("import catalog %s %s: %w", cat.ID, cat.Version, err)
	}
	return rec, nil
}

// Catalogs lists the kept catalog versions, newest import first.
func (d *DB) Catalogs(ctx context.Context) ([]CatalogRecord, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, catalog_id, version, name, manufacturer, hash, signature, source_kind, imported_at
		FROM catalogs ORDER BY imported_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list catalogs: %w", classify(err))
	}
	defer rows.Close()
	var out []CatalogRecord
	for rows.Next() {
		var r CatalogRecord
		if err := rows.Scan(&r.ID, &r.CatalogID, &r.Version, &r.Name, &r.Manufacturer, &r.Hash, &r.Signature, &r.Kind, &r.ImportedAt); err != nil {
			return nil, fmt.Errorf("list catalogs: %w", classify(err))
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}

// CatalogSource returns a kept catalog's source and kind ("json" or "zip").
func (d *DB) CatalogSource(ctx context.Context, id int64) ([]byte, string, error) {
	var src []byte
	var kind string
	err := d.db.QueryRowContext(ctx, `SELECT source, source_kind FROM catalogs WHERE id = ?`, id).Scan(&src, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("catalog %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("catalog %d: %w", id, classify(err))
	}
	return src, kind, nil
}

// LoadCatalog parses a kept catalog version.
func (d *DB) LoadCatalog(ctx context.Context, id int64) (*catalog.Catalog, error) {
	src, kind, err := d.CatalogSource(ctx, id)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("catalog #%d", id)
	if kind == "zip" {
		return catalog.ParseZip(name+".zip", src)
	}
	return catalog.Parse(name+".json", src, nil)
}

// CatalogRecord returns one kept catalog version's record.
func (d *DB) CatalogRecord(ctx context.Context, id int64) (CatalogRecord, error) {
	var r CatalogRecord
	err := d.db.QueryRowContext(ctx, `SELECT id, catalog_id, version, name, manufacturer, hash, signature, source_kind, imported_at FROM catalogs WHERE id = ?`, id).
		Scan(&r.ID, &r.CatalogID, &r.Version, &r.Name, &r.Manufacturer, &r.Hash, &r.Signature, &r.Kind, &r.ImportedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("catalog %d: %w", id, ErrNotFound)
	}
	return r, classify(err)
}

// CatalogUsage counts the designs (not in the trash) last saved with each
// kept catalog version, by record.
func (d *DB) CatalogUsage(ctx context.Context) (map[int64]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT catalog, count(*) FROM designs WHERE deleted_at IS NULL GROUP BY catalog`)
	if err != nil {
		return nil, fmt.Errorf("count designs per catalog: %w", classify(err))
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count designs per catalog: %w", classify(err))
		}
		out[id] = n
	}
	return out, classify(rows.Err())
}
