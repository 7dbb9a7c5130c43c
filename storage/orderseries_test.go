package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// Version 12 makes the orders table again: a library of version 11 keeps
// its orders, their lines and an export under way, and the foreign keys
// hold.
func TestOrderSeriesMigrationKeepsOrders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "atelier.db")
	stmts := append([]string{}, migrations[:11]...)
	stmts = append(stmts,
		`PRAGMA user_version = 11`,
		`INSERT INTO catalogs (id, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at)
			VALUES (1, 'c', '1', 'C', 'M', 'h', 'builtin', x'7b7d', 'json', '2026-01-01')`,
		`INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, 'Anna', 'x', 'x')`,
		`INSERT INTO designs (id, name, product_id, product_name, catalog, customer, created_at, updated_at) VALUES (1, 'D', 'p', 'P', 1, 1, 'x', 'x')`,
		`INSERT INTO revisions (id, design, number, catalog, decisions, name, quantity, currency, total, breakdown, saved_at)
			VALUES (1, 1, 1, 1, '{}', 'D', 1, 'EUR', '1', '[]', 'x')`,
		`INSERT INTO orders (id, dealer, seq, number, customer, status, created_at, updated_at) VALUES (1, 'BER01', 1, 'BER01-00001', 1, 'exported', 'x', 'x')`,
		`INSERT INTO orders (id, dealer, seq, number, customer, created_at, updated_at) VALUES (2, 'BER01', 2, 'BER01-00002', 1, 'x', 'x')`,
		`INSERT INTO order_lines (order_id, line, revision, quantity) VALUES (1, 1, 1, 2), (2, 1, 1, 1)`,
		`INSERT INTO order_exports (order_id, path, temp, pid, started_at) VALUES (2, '/tmp/o.zip', '/tmp/.o.zip.tmp', 1, 'x')`,
	)
	plainDB(t, path, stmts...)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	orders, err := db.Orders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range orders {
		if o, err = db.Order(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %d lines %d", o.Number, o.Status, len(o.Lines), o.Customer))
	}
	if fmt.Sprint(got) != "[BER01-00002 exporting 1 lines 1 BER01-00001 exported 1 lines 1]" && fmt.Sprint(got) != "[BER01-00001 exported 1 lines 1 BER01-00002 exporting 1 lines 1]" {
		t.Errorf("orders after the upgrade: %v", got)
	}
	var fk int
	if err := db.db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Errorf("foreign key check: %d %v", fk, err)
	}
	var on int
	if err := db.db.QueryRow(`PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
		t.Errorf("foreign keys after the upgrade: %d %v", on, err)
	}
}
