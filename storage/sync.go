package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// The library's side of a shop's sync (docs/shop.md): what changed here
// and is not yet in the shop (SyncOutbox, SyncSent), and taking in what
// changed elsewhere (SyncApply). Rows travel with their global ids
// (gid); local ids never leave the machine. The shop's side is in
// storage/shop.

// SyncState is the library's place in a shop.
type SyncState struct {
	Machine   int    // its number in the shop
	Name      string // its name there
	Pulled    int64  // the newest change stamp taken in
	SyncedAt  string // the last sync that reached the shop
	LastError string // why the last try did not
}

// SyncState reads the library's place in its shop (ok false: in none).
func (d *DB) SyncState(ctx context.Context) (st SyncState, ok bool, err error) {
	err = d.db.QueryRowContext(ctx, `SELECT machine, name, pulled, synced_at, last_error FROM sync_state WHERE id = 1`).
		Scan(&st.Machine, &st.Name, &st.Pulled, &st.SyncedAt, &st.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	return st, err == nil, classify(err)
}

// JoinShop records that the library joined a shop as machine number n,
// called name. Everything it holds is then to be sent.
func (d *DB) JoinShop(ctx context.Context, n int, name string) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_state (id, machine, name) VALUES (1, ?, ?)
			ON CONFLICT DO UPDATE SET machine = excluded.machine, name = excluded.name, pulled = 0, synced_at = '', last_error = ''`, n, name); err != nil {
			return err
		}
		// Its orders so far are this machine's (their numbers stay).
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET made_by = ? WHERE made_by = 0`, n); err != nil {
			return err
		}
		for _, q := range []string{
			`INSERT INTO sync_pending (entity, id) SELECT 'catalog', id FROM catalogs WHERE true ON CONFLICT DO NOTHING`,
			`INSERT INTO sync_pending (entity, id) SELECT 'customer', id FROM customers WHERE true ON CONFLICT DO NOTHING`,
			`INSERT INTO sync_pending (entity, id) SELECT 'design', id FROM designs WHERE true ON CONFLICT DO NOTHING`,
			`INSERT INTO sync_pending (entity, id) SELECT 'revision', id FROM revisions WHERE true ON CONFLICT DO NOTHING`,
			`INSERT INTO sync_pending (entity, id) SELECT 'queue', rowid FROM showroom_queue WHERE true ON CONFLICT DO NOTHING`,
			`INSERT INTO sync_pending (entity, id) SELECT 'order', id FROM orders WHERE true ON CONFLICT DO NOTHING`,
			`INSERT INTO sync_pending (entity, id) SELECT 'setting', id FROM shop_settings WHERE true ON CONFLICT DO NOTHING`,
			`INSERT INTO sync_pending (entity, id) SELECT 'gone', id FROM sync_gone WHERE true ON CONFLICT DO NOTHING`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// LeaveShop forgets the library's place in its shop (the data stays;
// its own orders are numbered on as a library in no shop's).
func (d *DB) LeaveShop(ctx context.Context) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET made_by = 0 WHERE made_by = (SELECT machine FROM sync_state WHERE id = 1)`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM sync_state`)
		return err
	})
}

// SyncNoted records how the last sync went (err nil: it reached the shop).
func (d *DB) SyncNoted(ctx context.Context, syncErr error) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if syncErr == nil {
			_, err := tx.ExecContext(ctx, `UPDATE sync_state SET synced_at = ?, last_error = '' WHERE id = 1`, d.stamp())
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sync_state SET last_error = ? WHERE id = 1`, syncErr.Error())
		return err
	})
}

// PendingChanges counts what waits to be sent to the shop.
func (d *DB) PendingChanges(ctx context.Context) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM sync_pending`).Scan(&n)
	return n, classify(err)
}

// Stamps are the times each field of a row was last changed
// ("<UTC time>/<machine>"; a later stamp wins; none: never changed since
// the row was made).
type Stamps map[string]string

// SyncCatalog is a catalog version.
type SyncCatalog struct {
	GID, CatalogID, Version, Name, Manufacturer, Hash, Signature string
	Source                                                       []byte
	SourceKind, ImportedAt                                       string
}

// SyncCustomer is a customer.
type SyncCustomer struct {
	GID, Name, Email, Phone, Address, ConsentAt, CreatedAt string
	Stamps                                                 Stamps
}

// SyncHistory is a customer's field value that lost to a later edit.
type SyncHistory struct {
	Customer, Field, Value, Stamp string
}

// SyncDesign is a design; Catalog and Customer are gids ("" no customer),
// DeletedAt "" when not in the trash.
type SyncDesign struct {
	GID, Name, Notes, ProductID, ProductName, Catalog, Customer, Status string
	Quantity                                                            int
	CreatedAt, DeletedAt                                                string
	Stamps                                                              Stamps
}

// SyncRevision is a revision of a design (immutable, but for the names a
// forgotten customer leaves).
type SyncRevision struct {
	GID, Design, Parent                        string
	Merges                                     []string
	Catalog, ProductID, ProductName, Decisions string
	Name, Notes                                string
	Quantity                                   int
	Currency, Total, Breakdown                 string
	Thumbnail                                  []byte
	SavedAt, MadeOn                            string
}

// SyncQueueEntry is a design sent from the showroom.
type SyncQueueEntry struct {
	GID, Code, Design, CustomerName, SentAt, TakenAt string
	Stamps                                           Stamps
}

// SyncOrder is an order with its lines (revisions by gid). The file it
// was exported to stays on the machine that wrote it.
type SyncOrder struct {
	GID, Dealer                  string
	MadeBy, Series, Seq          int
	Number, Customer, Delivery   string
	RequestedDate, Notes, Status string
	ExportedHash, CreatedAt      string
	Revision                     int    // 1, 2, …: the higher wins, with its lines
	RevisedAt                    string // when the revision was made ("" for the first)
	Lines                        []SyncOrderLine
	Stamps                       Stamps
}

// SyncOrderLine is one line of a SyncOrder.
type SyncOrderLine struct {
	Revision string
	Quantity int
	Discount string
}

// SyncSetting is one of the shop's settings (ShopSetting), with the stamp
// of its value: the later wins.
type SyncSetting struct {
	Key    string
	Value  []byte
	Public bool
	Stamp  string
}

// SyncGone is a shared row removed for good: a purged design ("design"),
// a dropped queue entry ("queue"), a forgotten customer ("erasure").
type SyncGone struct {
	Entity, GID, At string
}

// SyncBatch is a set of changes, in the order they are to be applied.
type SyncBatch struct {
	Catalogs  []SyncCatalog
	Customers []SyncCustomer
	History   []SyncHistory
	Designs   []SyncDesign
	Revisions []SyncRevision
	Queue     []SyncQueueEntry
	Orders    []SyncOrder
	Settings  []SyncSetting
	Gone      []SyncGone
}

// Len is the number of rows in the batch.
func (b SyncBatch) Len() int {
	return len(b.Catalogs) + len(b.Customers) + len(b.History) + len(b.Designs) + len(b.Revisions) + len(b.Queue) + len(b.Orders) + len(b.Settings) + len(b.Gone)
}

// SyncReceipt names the pending changes a batch carries, as they were
// when read.
type SyncReceipt []pendingChange

type pendingChange struct {
	entity  string
	id      int64
	changes int
}

// entityOrder is the order changes are sent in: what a row refers to
// goes before it.
var entityOrder = map[string]int{"catalog": 0, "customer": 1, "design": 2, "revision": 3, "queue": 4, "order": 5, "setting": 6, "gone": 7}

// SyncOutbox reads what waits to be sent, in entityOrder, at most limit
// rows and (past the first) about maxBytes of catalogs and thumbnails.
func (d *DB) SyncOutbox(ctx context.Context, limit, maxBytes int) (SyncBatch, SyncReceipt, error) {
	var b SyncBatch
	var receipt SyncReceipt
	err := d.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT entity, id, changes FROM sync_pending`)
		if err != nil {
			return err
		}
		var all []pendingChange
		for rows.Next() {
			var p pendingChange
			if err := rows.Scan(&p.entity, &p.id, &p.changes); err != nil {
				rows.Close()
				return err
			}
			if _, ok := entityOrder[p.entity]; ok {
				all = append(all, p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		sort.Slice(all, func(i, j int) bool {
			a, c := all[i], all[j]
			if entityOrder[a.entity] != entityOrder[c.entity] {
				return entityOrder[a.entity] < entityOrder[c.entity]
			}
			return a.id < c.id
		})
		bytes := 0
		for _, p := range all {
			if len(receipt) >= limit || len(receipt) > 0 && bytes >= maxBytes {
				break
			}
			n, found, err := d.outboxRow(ctx, tx, p, &b)
			if err != nil {
				return fmt.Errorf("%s %d: %w", p.entity, p.id, err)
			}
			if !found {
				// Gone since (a row it named was removed): nothing to send.
				if _, err := tx.ExecContext(ctx, `DELETE FROM sync_pending WHERE entity = ? AND id = ? AND changes = ?`, p.entity, p.id, p.changes); err != nil {
					return err
				}
				continue
			}
			bytes += n
			receipt = append(receipt, p)
		}
		return nil
	})
	return b, receipt, err
}

// outboxRow adds the pending row p to b; it returns the bytes of its
// blobs, and whether the row still exists.
func (d *DB) outboxRow(ctx context.Context, tx *sql.Tx, p pendingChange, b *SyncBatch) (int, bool, error) {
	var err error
	switch p.entity {
	case "catalog":
		var c SyncCatalog
		err = tx.QueryRowContext(ctx, `SELECT gid, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at
			FROM catalogs WHERE id = ?`, p.id).Scan(&c.GID, &c.CatalogID, &c.Version, &c.Name, &c.Manufacturer, &c.Hash, &c.Signature, &c.Source, &c.SourceKind, &c.ImportedAt)
		if err == nil {
			b.Catalogs = append(b.Catalogs, c)
			return len(c.Source), true, nil
		}
	case "customer":
		var c SyncCustomer
		err = tx.QueryRowContext(ctx, `SELECT gid, name, email, phone, address, consent_at, created_at FROM customers WHERE id = ?`, p.id).
			Scan(&c.GID, &c.Name, &c.Email, &c.Phone, &c.Address, &c.ConsentAt, &c.CreatedAt)
		if err == nil {
			if c.Stamps, err = stampsOf(ctx, tx, "customer", p.id); err == nil {
				b.Customers = append(b.Customers, c)
				return 0, true, nil
			}
		}
	case "design":
		var x SyncDesign
		err = tx.QueryRowContext(ctx, `SELECT d.gid, d.name, d.notes, d.product_id, d.product_name, k.gid, coalesce(c.gid, ''), d.status,
				d.quantity, d.created_at, coalesce(d.deleted_at, '')
			FROM designs d JOIN catalogs k ON k.id = d.catalog LEFT JOIN customers c ON c.id = d.customer WHERE d.id = ?`, p.id).
			Scan(&x.GID, &x.Name, &x.Notes, &x.ProductID, &x.ProductName, &x.Catalog, &x.Customer, &x.Status, &x.Quantity, &x.CreatedAt, &x.DeletedAt)
		if err == nil {
			if x.Stamps, err = stampsOf(ctx, tx, "design", p.id); err == nil {
				b.Designs = append(b.Designs, x)
				return 0, true, nil
			}
		}
	case "revision":
		var r SyncRevision
		var merges string
		err = tx.QueryRowContext(ctx, `SELECT r.gid, d.gid, coalesce(r.parent, ''), r.merges, k.gid, r.product_id, r.product_name, r.decisions,
				r.name, r.notes, r.quantity, r.currency, r.total, r.breakdown, r.thumbnail, r.saved_at, r.made_on
			FROM revisions r JOIN designs d ON d.id = r.design JOIN catalogs k ON k.id = r.catalog WHERE r.id = ?`, p.id).
			Scan(&r.GID, &r.Design, &r.Parent, &merges, &r.Catalog, &r.ProductID, &r.ProductName, &r.Decisions, &r.Name, &r.Notes,
				&r.Quantity, &r.Currency, &r.Total, &r.Breakdown, &r.Thumbnail, &r.SavedAt, &r.MadeOn)
		if err == nil {
			if err = json.Unmarshal([]byte(merges), &r.Merges); err == nil {
				b.Revisions = append(b.Revisions, r)
				return len(r.Thumbnail), true, nil
			}
		}
	case "queue":
		var q SyncQueueEntry
		err = tx.QueryRowContext(ctx, `SELECT s.gid, s.code, d.gid, s.customer_name, s.sent_at, coalesce(s.taken_at, '')
			FROM showroom_queue s JOIN designs d ON d.id = s.design WHERE s.rowid = ?`, p.id).
			Scan(&q.GID, &q.Code, &q.Design, &q.CustomerName, &q.SentAt, &q.TakenAt)
		if err == nil {
			if q.Stamps, err = stampsOf(ctx, tx, "queue", p.id); err == nil {
				b.Queue = append(b.Queue, q)
				return 0, true, nil
			}
		}
	case "setting":
		var x SyncSetting
		err = tx.QueryRowContext(ctx, `SELECT key, value, public, coalesce((SELECT stamp FROM sync_fields WHERE entity = 'setting' AND id = s.id AND field = 'value'), '')
			FROM shop_settings s WHERE id = ?`, p.id).Scan(&x.Key, &x.Value, &x.Public, &x.Stamp)
		if x.Value == nil {
			x.Value = []byte{}
		}
		if err == nil {
			b.Settings = append(b.Settings, x)
			return len(x.Value), true, nil
		}
	case "gone":
		var g SyncGone
		err = tx.QueryRowContext(ctx, `SELECT entity, gid, gone_at FROM sync_gone WHERE id = ?`, p.id).Scan(&g.Entity, &g.GID, &g.At)
		if err == nil {
			b.Gone = append(b.Gone, g)
			return 0, true, nil
		}
	case "order":
		var o SyncOrder
		err = tx.QueryRowContext(ctx, `SELECT o.gid, o.dealer, o.made_by, o.series, o.seq, o.number, coalesce(c.gid, ''), o.delivery,
				o.requested_date, o.notes, o.status, o.exported_hash, o.created_at, o.revision, o.revised_at
			FROM orders o LEFT JOIN customers c ON c.id = o.customer WHERE o.id = ?`, p.id).
			Scan(&o.GID, &o.Dealer, &o.MadeBy, &o.Series, &o.Seq, &o.Number, &o.Customer, &o.Delivery, &o.RequestedDate, &o.Notes,
				&o.Status, &o.ExportedHash, &o.CreatedAt, &o.Revision, &o.RevisedAt)
		if err == nil {
			if o.Lines, err = orderLinesOf(ctx, tx, p.id); err == nil {
				if o.Stamps, err = stampsOf(ctx, tx, "order", p.id); err == nil {
					b.Orders = append(b.Orders, o)
					return 0, true, nil
				}
			}
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return 0, false, err
}

func orderLinesOf(ctx context.Context, tx *sql.Tx, id int64) ([]SyncOrderLine, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.gid, l.quantity, l.discount FROM order_lines l JOIN revisions r ON r.id = l.revision
		WHERE l.order_id = ? ORDER BY l.line`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SyncOrderLine
	for rows.Next() {
		var l SyncOrderLine
		if err := rows.Scan(&l.Revision, &l.Quantity, &l.Discount); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func stampsOf(ctx context.Context, tx *sql.Tx, entity string, id int64) (Stamps, error) {
	rows, err := tx.QueryContext(ctx, `SELECT field, stamp FROM sync_fields WHERE entity = ? AND id = ?`, entity, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := Stamps{}
	for rows.Next() {
		var f, v string
		if err := rows.Scan(&f, &v); err != nil {
			return nil, err
		}
		s[f] = v
	}
	return s, rows.Err()
}

// SyncSent removes the changes a receipt names from the outbox, except
// those changed again since they were read (they go with the next batch).
func (d *DB) SyncSent(ctx context.Context, r SyncReceipt) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range r {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sync_pending WHERE entity = ? AND id = ? AND changes = ?`, p.entity, p.id, p.changes); err != nil {
				return err
			}
		}
		return nil
	})
}

// SyncApply takes in changes made elsewhere, in one transaction that also
// records pulled as the newest change taken in. What this library still
// has to send stays to be sent; what applying changes here is not sent
// back. A forgotten customer is forgotten here too, and nothing of theirs
// is taken in again.
//
// What comes from the shop was written by another machine, which may be
// lost or tampered with: rows over SyncLimits, or whose JSON does not
// read, are refused (counted, not taken in), and a catalog is trusted only
// as judge says after checking its bytes against its hash (nil judge:
// every catalog that comes is kept as unsigned).
func (d *DB) SyncApply(ctx context.Context, b SyncBatch, pulled int64, judge CatalogJudge) (refused int, err error) {
	err = d.tx(ctx, func(tx *sql.Tx) error {
		snapshot, err := pendingSnapshot(ctx, tx)
		if err != nil {
			return err
		}
		a := applier{d: d, tx: tx, ctx: ctx, judge: judge}
		if err := a.apply(b); err != nil {
			return err
		}
		refused = a.refused
		if _, err := tx.ExecContext(ctx, `DELETE FROM sync_pending`); err != nil {
			return err
		}
		for _, p := range snapshot {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_pending (entity, id, changes) VALUES (?, ?, ?)`, p.entity, p.id, p.changes); err != nil {
				return err
			}
		}
		if pulled > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET pulled = max(pulled, ?) WHERE id = 1`, pulled); err != nil {
				return err
			}
		}
		return nil
	})
	return refused, err
}

// CatalogJudge says how far a catalog that came from the shop is trusted
// (its bytes, "json" or "zip"): Builtin, Signed (a trusted manufacturer's
// signature holds) or Unsigned.
type CatalogJudge func(src []byte, kind string) Signature

// SyncLimits bound what a row from the shop may hold.
var SyncLimits = struct {
	Catalog, Thumbnail, Text, Setting int
}{Catalog: 256 << 20, Thumbnail: 2 << 20, Text: 1 << 20, Setting: 16 << 20}

// refuse counts a row that is not taken in.
func (a *applier) refuse() { a.refused++ }

// tooLong reports whether any of the texts is over SyncLimits.Text.
func tooLong(texts ...string) bool {
	for _, t := range texts {
		if len(t) > SyncLimits.Text {
			return true
		}
	}
	return false
}

func pendingSnapshot(ctx context.Context, tx *sql.Tx) ([]pendingChange, error) {
	rows, err := tx.QueryContext(ctx, `SELECT entity, id, changes FROM sync_pending`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pendingChange
	for rows.Next() {
		var p pendingChange
		if err := rows.Scan(&p.entity, &p.id, &p.changes); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// applier applies one batch inside SyncApply's transaction.
type applier struct {
	d       *DB
	tx      *sql.Tx
	ctx     context.Context
	judge   CatalogJudge
	refused int
	// designs whose revisions are to be numbered again
	renumber map[int64]bool
}

func (a *applier) exec(q string, args ...any) error {
	_, err := a.tx.ExecContext(a.ctx, q, args...)
	return err
}

// localID finds the local id of a gid in table ("" or unknown: 0).
func (a *applier) localID(table, gid string) (int64, error) {
	if gid == "" {
		return 0, nil
	}
	var id int64
	key := "id"
	if table == "showroom_queue" {
		key = "rowid"
	}
	err := a.tx.QueryRowContext(a.ctx, `SELECT `+key+` FROM `+table+` WHERE gid = ?`, gid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// gone reports whether a gid was removed here for good.
func (a *applier) gone(entity, gid string) (bool, error) {
	var n int
	err := a.tx.QueryRowContext(a.ctx, `SELECT count(*) FROM sync_gone WHERE entity = ? AND gid = ?`, entity, gid).Scan(&n)
	return n > 0, err
}

func (a *applier) apply(b SyncBatch) error {
	a.renumber = map[int64]bool{}
	// Erasures first: nothing of a forgotten customer is taken in.
	for _, g := range b.Gone {
		if g.Entity == "erasure" {
			if err := a.erasure(g); err != nil {
				return fmt.Errorf("forget customer %s: %w", g.GID, err)
			}
		}
	}
	for _, c := range b.Catalogs {
		// Its name must be what its bytes are, and its trust is judged
		// here, not taken from the machine that sent it.
		sum := sha256.Sum256(c.Source)
		if len(c.Source) > SyncLimits.Catalog || c.Hash != hex.EncodeToString(sum[:]) || c.GID != c.CatalogID+"@"+c.Version+"#"+c.Hash ||
			(c.SourceKind != "json" && c.SourceKind != "zip") || tooLong(c.CatalogID, c.Version, c.Name, c.Manufacturer, c.ImportedAt) {
			a.refuse()
			continue
		}
		sig := Unsigned
		if a.judge != nil {
			sig = a.judge(c.Source, c.SourceKind)
		}
		if err := a.exec(`INSERT INTO catalogs (gid, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			c.GID, c.CatalogID, c.Version, c.Name, c.Manufacturer, c.Hash, string(sig), c.Source, c.SourceKind, c.ImportedAt); err != nil {
			return fmt.Errorf("catalog %s: %w", c.GID, err)
		}
	}
	for _, c := range b.Customers {
		if err := a.customer(c); err != nil {
			return fmt.Errorf("customer %s: %w", c.GID, err)
		}
	}
	for _, h := range b.History {
		if tooLong(h.Field, h.Value, h.Stamp) {
			a.refuse()
			continue
		}
		id, err := a.localID("customers", h.Customer)
		if err != nil {
			return err
		}
		if id != 0 {
			if err := a.exec(`INSERT INTO customer_history (customer, field, value, stamp) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				id, h.Field, h.Value, h.Stamp); err != nil {
				return err
			}
		}
	}
	for _, x := range b.Designs {
		if err := a.design(x); err != nil {
			return fmt.Errorf("design %s: %w", x.GID, err)
		}
	}
	for _, r := range b.Revisions {
		if err := a.revision(r); err != nil {
			return fmt.Errorf("revision %s: %w", r.GID, err)
		}
	}
	for _, q := range b.Queue {
		if err := a.queue(q); err != nil {
			return fmt.Errorf("showroom queue %s: %w", q.Code, err)
		}
	}
	for _, o := range b.Orders {
		if err := a.order(o); err != nil {
			return fmt.Errorf("order %s: %w", o.Number, err)
		}
	}
	for _, x := range b.Settings {
		if err := a.setting(x); err != nil {
			return fmt.Errorf("setting %s: %w", x.Key, err)
		}
	}
	for _, g := range b.Gone {
		if g.Entity == "erasure" {
			continue
		}
		if err := a.goneRow(g); err != nil {
			return fmt.Errorf("remove %s %s: %w", g.Entity, g.GID, err)
		}
	}
	ids := make([]int64, 0, len(a.renumber))
	for id := range a.renumber {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if err := a.renumberRevisions(id); err != nil {
			return err
		}
	}
	return nil
}

// fieldWins reports whether a value stamped theirs replaces one stamped
// ours.
func fieldWins(theirs, ours string) bool { return theirs > ours }

// mergeFields writes the fields of row id in table whose stamps win, and
// their stamps. cols maps a field to its column value from the incoming
// row.
func (a *applier) mergeFields(entity, table, key string, id int64, incoming Stamps, values map[string]any) error {
	ours, err := stampsOf(a.ctx, a.tx, entity, id)
	if err != nil {
		return err
	}
	var sets []string
	var args []any
	var won []string
	fields := make([]string, 0, len(values))
	for f := range values {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		if fieldWins(incoming[f], ours[f]) {
			sets = append(sets, f+" = ?")
			args = append(args, values[f])
			won = append(won, f)
		}
	}
	if len(sets) > 0 {
		if err := a.exec(`UPDATE `+table+` SET `+strings.Join(sets, ", ")+` WHERE `+key+` = ?`, append(args, id)...); err != nil {
			return err
		}
	}
	for _, f := range won {
		if err := a.exec(`INSERT INTO sync_fields (entity, id, field, stamp) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET stamp = excluded.stamp`, entity, id, f, incoming[f]); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) customer(c SyncCustomer) error {
	if tooLong(c.GID, c.Name, c.Email, c.Phone, c.Address, c.ConsentAt, c.CreatedAt) {
		a.refuse()
		return nil
	}
	if gone, err := a.gone("erasure", c.GID); err != nil || gone {
		return err
	}
	id, err := a.localID("customers", c.GID)
	if err != nil {
		return err
	}
	if id == 0 {
		res, err := a.tx.ExecContext(a.ctx, `INSERT INTO customers (gid, name, email, phone, address, consent_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.GID, c.Name, c.Email, c.Phone, c.Address, c.ConsentAt, c.CreatedAt, a.d.stamp())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return a.setStamps("customer", id, c.Stamps)
	}
	before, err := getCustomer(a.ctx, a.tx, id)
	if err != nil {
		return err
	}
	if err := a.mergeFields("customer", "customers", "id", id, c.Stamps, map[string]any{
		"name": c.Name, "email": c.Email, "phone": c.Phone, "address": c.Address, "consent_at": c.ConsentAt,
	}); err != nil {
		return err
	}
	after, err := getCustomer(a.ctx, a.tx, id)
	if err != nil {
		return err
	}
	if after != before {
		if err := a.exec(`UPDATE customers SET updated_at = ? WHERE id = ?`, a.d.stamp(), id); err != nil {
			return err
		}
		return a.reindexCustomer(id)
	}
	return nil
}

// reindexCustomer writes again the search entries of a customer's
// designs (their name is searched).
func (a *applier) reindexCustomer(id int64) error {
	designs, err := ids(a.ctx, a.tx, `SELECT id FROM designs WHERE customer = ?`, id)
	if err != nil {
		return err
	}
	for _, d := range designs {
		if err := reindex(a.ctx, a.tx, d); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) setStamps(entity string, id int64, s Stamps) error {
	for f, v := range s {
		if err := a.exec(`INSERT INTO sync_fields (entity, id, field, stamp) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET stamp = excluded.stamp`, entity, id, f, v); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) erasure(g SyncGone) error {
	if err := a.exec(`INSERT INTO sync_gone (entity, gid, gone_at) VALUES ('erasure', ?, ?) ON CONFLICT DO NOTHING`, g.GID, g.At); err != nil {
		return err
	}
	id, err := a.localID("customers", g.GID)
	if err != nil || id == 0 {
		return err
	}
	return a.d.forget(a.ctx, a.tx, id)
}

func (a *applier) design(x SyncDesign) error {
	if tooLong(x.GID, x.Name, x.Notes, x.ProductID, x.ProductName, x.Status, x.CreatedAt, x.DeletedAt) || x.Quantity < 1 ||
		(x.Status != string(Draft) && x.Status != string(Quoted) && x.Status != string(Ordered)) {
		a.refuse()
		return nil
	}
	if gone, err := a.gone("design", x.GID); err != nil || gone {
		return err
	}
	catalog, err := a.localID("catalogs", x.Catalog)
	if err != nil {
		return err
	}
	if catalog == 0 {
		return fmt.Errorf("its catalog %s is not here", x.Catalog)
	}
	var customer any
	if c, err := a.localID("customers", x.Customer); err != nil {
		return err
	} else if c != 0 {
		customer = c
	}
	var deleted any
	if x.DeletedAt != "" {
		deleted = x.DeletedAt
	}
	id, err := a.localID("designs", x.GID)
	if err != nil {
		return err
	}
	if id == 0 {
		res, err := a.tx.ExecContext(a.ctx, `INSERT INTO designs (gid, name, notes, product_id, product_name, catalog, customer, status, quantity,
			revision, created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
			x.GID, x.Name, x.Notes, x.ProductID, x.ProductName, catalog, customer, x.Status, x.Quantity, x.CreatedAt, a.d.stamp(), deleted)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := a.setStamps("design", id, x.Stamps); err != nil {
			return err
		}
		return reindex(a.ctx, a.tx, id)
	}
	if err := a.mergeFields("design", "designs", "id", id, x.Stamps, map[string]any{
		"name": x.Name, "notes": x.Notes, "product_id": x.ProductID, "product_name": x.ProductName, "catalog": catalog,
		"customer": customer, "status": x.Status, "quantity": x.Quantity, "deleted_at": deleted,
	}); err != nil {
		return err
	}
	if err := a.exec(`UPDATE designs SET updated_at = ? WHERE id = ?`, a.d.stamp(), id); err != nil {
		return err
	}
	return reindex(a.ctx, a.tx, id)
}

func (a *applier) revision(r SyncRevision) error {
	if len(r.Thumbnail) > SyncLimits.Thumbnail || tooLong(r.GID, r.Parent, r.Decisions, r.Name, r.Notes, r.Currency, r.Total, r.Breakdown, r.SavedAt, r.MadeOn) ||
		!json.Valid([]byte(r.Decisions)) || !json.Valid([]byte(r.Breakdown)) || r.Quantity < 1 {
		a.refuse()
		return nil
	}
	design, err := a.localID("designs", r.Design)
	if err != nil || design == 0 {
		return err // a purged design's: gone with it
	}
	catalog, err := a.localID("catalogs", r.Catalog)
	if err != nil {
		return err
	}
	if catalog == 0 {
		return fmt.Errorf("its catalog %s is not here", r.Catalog)
	}
	merges, err := json.Marshal(nonNilList(r.Merges))
	if err != nil {
		return err
	}
	id, err := a.localID("revisions", r.GID)
	if err != nil {
		return err
	}
	var parent any
	if r.Parent != "" {
		parent = r.Parent
	}
	if id != 0 {
		// Only a forgotten customer's names change a revision.
		return a.exec(`UPDATE revisions SET name = ?, notes = ? WHERE id = ? AND (name != ? OR notes != ?)`, r.Name, r.Notes, id, r.Name, r.Notes)
	}
	// A number for now; renumberRevisions puts them in order.
	if err := a.exec(`INSERT INTO revisions (gid, design, number, catalog, decisions, name, notes, quantity, currency, total, breakdown,
		thumbnail, saved_at, product_id, product_name, parent, merges, made_on)
		VALUES (?, ?, (SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE design = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.GID, design, design, catalog, r.Decisions, r.Name, r.Notes, r.Quantity, r.Currency, r.Total, r.Breakdown,
		r.Thumbnail, r.SavedAt, r.ProductID, r.ProductName, parent, string(merges), r.MadeOn); err != nil {
		return err
	}
	a.renumber[design] = true
	return nil
}

func nonNilList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// renumberRevisions numbers a design's revisions 1, 2, 3… by the time
// they were saved (then by gid), the same on every machine, and points
// the design at its newest.
func (a *applier) renumberRevisions(design int64) error {
	if err := a.exec(`UPDATE revisions SET number = -number WHERE design = ?`, design); err != nil {
		return err
	}
	if err := a.exec(`UPDATE revisions SET number = (SELECT count(*) FROM revisions o WHERE o.design = revisions.design
			AND (o.saved_at < revisions.saved_at OR o.saved_at = revisions.saved_at AND o.gid <= revisions.gid))
		WHERE design = ?`, design); err != nil {
		return err
	}
	return a.exec(`UPDATE designs SET revision = (SELECT max(number) FROM revisions WHERE design = ?) WHERE id = ?`, design, design)
}

func (a *applier) queue(q SyncQueueEntry) error {
	if tooLong(q.GID, q.Code, q.CustomerName, q.SentAt, q.TakenAt) {
		a.refuse()
		return nil
	}
	if gone, err := a.gone("queue", q.GID); err != nil || gone {
		return err
	}
	design, err := a.localID("designs", q.Design)
	if err != nil || design == 0 {
		return err
	}
	id, err := a.localID("showroom_queue", q.GID)
	if err != nil {
		return err
	}
	var taken any
	if q.TakenAt != "" {
		taken = q.TakenAt
	}
	if id == 0 {
		res, err := a.tx.ExecContext(a.ctx, `INSERT INTO showroom_queue (gid, code, design, customer_name, sent_at, taken_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`, q.GID, q.Code, design, q.CustomerName, q.SentAt, taken)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // the same code from two showrooms: the first one's stays
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return a.setStamps("queue", id, q.Stamps)
	}
	return a.mergeFields("queue", "showroom_queue", "rowid", id, q.Stamps, map[string]any{
		"customer_name": q.CustomerName, "taken_at": taken,
	})
}

func (a *applier) goneRow(g SyncGone) error {
	if err := a.exec(`INSERT INTO sync_gone (entity, gid, gone_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, g.Entity, g.GID, g.At); err != nil {
		return err
	}
	switch g.Entity {
	case "design":
		id, err := a.localID("designs", g.GID)
		if err != nil || id == 0 {
			return err
		}
		var ordered int
		if err := a.tx.QueryRowContext(a.ctx, `SELECT count(*) FROM order_lines l JOIN revisions r ON r.id = l.revision WHERE r.design = ?`, id).Scan(&ordered); err != nil {
			return err
		}
		if ordered > 0 {
			return nil // in an order here: kept
		}
		delete(a.renumber, id)
		if err := a.exec(`DELETE FROM design_search WHERE rowid = ?`, id); err != nil {
			return err
		}
		return a.exec(`DELETE FROM designs WHERE id = ?`, id)
	case "queue":
		return a.exec(`DELETE FROM showroom_queue WHERE gid = ?`, g.GID)
	}
	return nil
}

// DesignHeads lists a design's newest revisions along each line of
// changes, oldest first: one for a design changed in one place; two or
// more when it was changed on two machines from the same revision and not
// yet settled ("changed on two machines").
func (d *DB) DesignHeads(ctx context.Context, design int64) ([]Revision, error) {
	numbers, err := ids(ctx, d.db, `SELECT r.number FROM revisions r WHERE r.design = ?
		AND NOT EXISTS (SELECT 1 FROM revisions c WHERE c.design = r.design AND c.parent = r.gid)
		AND NOT EXISTS (SELECT 1 FROM revisions c, json_each(c.merges) j WHERE c.design = r.design AND j.value = r.gid)
		ORDER BY r.number`, design)
	if err != nil {
		return nil, classify(err)
	}
	out := make([]Revision, 0, len(numbers))
	for _, n := range numbers {
		r, err := getRevision(ctx, d.db, design, int(n))
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (a *applier) order(o SyncOrder) error {
	if tooLong(o.GID, o.Dealer, o.Number, o.Delivery, o.RequestedDate, o.Notes, o.Status, o.ExportedHash, o.CreatedAt, o.RevisedAt) || len(o.Lines) > 10000 {
		a.refuse()
		return nil
	}
	var customer any
	if c, err := a.localID("customers", o.Customer); err != nil {
		return err
	} else if c != 0 {
		customer = c
	}
	id, err := a.localID("orders", o.GID)
	if err != nil {
		return err
	}
	o.Revision = min(max(o.Revision, 1), 999)
	if id != 0 {
		var rev int
		if err := a.tx.QueryRowContext(a.ctx, `SELECT revision FROM orders WHERE id = ?`, id).Scan(&rev); err != nil {
			return err
		}
		if o.Revision > rev {
			// A newer revision, made on another machine: its lines.
			if err := a.exec(`DELETE FROM order_lines WHERE order_id = ?`, id); err != nil {
				return err
			}
			if err := a.orderLines(id, o.Lines); err != nil {
				return err
			}
			if err := a.exec(`UPDATE orders SET revision = ?, revised_at = ? WHERE id = ?`, o.Revision, o.RevisedAt, id); err != nil {
				return err
			}
		}
		return a.mergeFields("order", "orders", "id", id, o.Stamps, map[string]any{
			"status": o.Status, "exported_hash": o.ExportedHash, "customer": customer, "delivery": o.Delivery, "notes": o.Notes,
		})
	}
	res, err := a.tx.ExecContext(a.ctx, `INSERT INTO orders (gid, dealer, made_by, series, seq, number, customer, delivery, requested_date,
		notes, status, exported_hash, created_at, updated_at, revision, revised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.GID, o.Dealer, o.MadeBy, o.Series, o.Seq, o.Number, customer, o.Delivery, o.RequestedDate, o.Notes, o.Status, o.ExportedHash,
		o.CreatedAt, a.d.stamp(), o.Revision, o.RevisedAt)
	if err != nil {
		return err
	}
	if id, err = res.LastInsertId(); err != nil {
		return err
	}
	if err := a.orderLines(id, o.Lines); err != nil {
		return err
	}
	return a.setStamps("order", id, o.Stamps)
}

// orderLines writes an order's lines, their revisions by gid.
func (a *applier) orderLines(id int64, lines []SyncOrderLine) error {
	for i, l := range lines {
		rev, err := a.localID("revisions", l.Revision)
		if err != nil {
			return err
		}
		if rev == 0 {
			return fmt.Errorf("line %d: its revision %s is not here", i+1, l.Revision)
		}
		if err := a.exec(`INSERT INTO order_lines (order_id, line, revision, quantity, discount) VALUES (?, ?, ?, ?, ?)`,
			id, i+1, rev, l.Quantity, l.Discount); err != nil {
			return err
		}
	}
	return nil
}

// ChangedOnTwoMachines lists the designs (not in the trash) that were
// changed on two machines from the same revision and not yet settled.
func (d *DB) ChangedOnTwoMachines(ctx context.Context) ([]int64, error) {
	out, err := ids(ctx, d.db, `SELECT r.design FROM revisions r JOIN designs g ON g.id = r.design WHERE g.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM revisions c WHERE c.design = r.design AND c.parent = r.gid)
		AND NOT EXISTS (SELECT 1 FROM revisions c, json_each(c.merges) j WHERE c.design = r.design AND j.value = r.gid)
		GROUP BY r.design HAVING count(*) > 1 ORDER BY r.design`)
	return out, classify(err)
}

// SettleDesign settles a design changed on two machines: the revision
// numbered keep becomes the design's newest again, as a new revision made
// from it that supersedes the design's other newest revisions (so every
// machine sees it settled once it syncs).
func (d *DB) SettleDesign(ctx context.Context, design int64, keep int) (Design, Revision, error) {
	var x Design
	var rev Revision
	err := d.tx(ctx, func(tx *sql.Tx) error {
		cur, err := getDesign(ctx, tx, design)
		if err != nil {
			return err
		}
		old, err := getRevision(ctx, tx, design, keep)
		if err != nil {
			return err
		}
		var keptGID string
		if err := tx.QueryRowContext(ctx, `SELECT gid FROM revisions WHERE design = ? AND number = ?`, design, keep).Scan(&keptGID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT r.gid FROM revisions r WHERE r.design = ? AND r.gid != ?
			AND NOT EXISTS (SELECT 1 FROM revisions c WHERE c.design = r.design AND c.parent = r.gid)
			AND NOT EXISTS (SELECT 1 FROM revisions c, json_each(c.merges) j WHERE c.design = r.design AND j.value = r.gid)`, design, keptGID)
		if err != nil {
			return err
		}
		var others []string
		for rows.Next() {
			var g string
			if err := rows.Scan(&g); err != nil {
				rows.Close()
				return err
			}
			others = append(others, g)
		}
		rows.Close()
		if _, err := d.saveDesign(ctx, tx, againInput(cur, old)); err != nil {
			return err
		}
		if x, err = getDesign(ctx, tx, design); err != nil {
			return err
		}
		merges, _ := json.Marshal(nonNilList(others))
		if _, err := tx.ExecContext(ctx, `UPDATE revisions SET parent = ?, merges = ? WHERE design = ? AND number = ?`,
			keptGID, string(merges), design, x.Revision); err != nil {
			return err
		}
		rev, err = getRevision(ctx, tx, design, x.Revision)
		return err
	})
	if err != nil {
		return x, rev, fmt.Errorf("settle design %d: %w", design, err)
	}
	return x, rev, nil
}

func (a *applier) setting(x SyncSetting) error {
	if len(x.Value) > SyncLimits.Setting || tooLong(x.Key, x.Stamp) {
		a.refuse()
		return nil
	}
	if x.Value == nil {
		x.Value = []byte{} // an empty value (no logo) reads back as none
	}
	var cur int64
	var stamp string
	err := a.tx.QueryRowContext(a.ctx, `SELECT s.id, coalesce(f.stamp, '') FROM shop_settings s
		LEFT JOIN sync_fields f ON f.entity = 'setting' AND f.id = s.id AND f.field = 'value' WHERE s.key = ?`, x.Key).Scan(&cur, &stamp)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := a.tx.ExecContext(a.ctx, `INSERT INTO shop_settings (key, value, public, updated_at) VALUES (?, ?, ?, ?)`, x.Key, x.Value, x.Public, a.d.stamp())
		if err != nil {
			return err
		}
		if cur, err = res.LastInsertId(); err != nil {
			return err
		}
	case err != nil:
		return err
	case !fieldWins(x.Stamp, stamp):
		return nil
	default:
		if err := a.exec(`UPDATE shop_settings SET value = ?, public = ?, updated_at = ? WHERE id = ?`, x.Value, x.Public, a.d.stamp(), cur); err != nil {
			return err
		}
	}
	return a.setStamps("setting", cur, Stamps{"value": x.Stamp})
}

// ShopSetting is one of the dealer's settings that belong to the shop
// (docs/shop.md): kept in the library and shared with the shop's other
// machines; Public ones are also read at the showroom.
type ShopSetting struct {
	Key    string
	Value  []byte
	Public bool
}

// ShopSettings reads the shop's settings by key.
func (d *DB) ShopSettings(ctx context.Context) (map[string]ShopSetting, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT key, value, public FROM shop_settings`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	out := map[string]ShopSetting{}
	for rows.Next() {
		var s ShopSetting
		if err := rows.Scan(&s.Key, &s.Value, &s.Public); err != nil {
			return nil, classify(err)
		}
		out[s.Key] = s
	}
	return out, classify(rows.Err())
}

// SetShopSettings keeps settings (those whose value or visibility
// changed), in one transaction.
func (d *DB) SetShopSettings(ctx context.Context, settings []ShopSetting) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		for _, s := range settings {
			if s.Value == nil {
				s.Value = []byte{}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO shop_settings (key, value, public, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value, public = excluded.public, updated_at = excluded.updated_at
				WHERE shop_settings.value IS NOT excluded.value OR shop_settings.public IS NOT excluded.public`,
				s.Key, s.Value, s.Public, d.stamp()); err != nil {
				return err
			}
		}
		return nil
	})
}

// SeedShopSettings keeps the settings the library does not have yet, as
// never changed: they lose to any setting changed anywhere in the shop
// (a computer's own copy, put into a library that has none, must not
// override the shop's when the library joins one).
func (d *DB) SeedShopSettings(ctx context.Context, settings []ShopSetting) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		for _, s := range settings {
			if s.Value == nil {
				s.Value = []byte{}
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO shop_settings (key, value, public, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				s.Key, s.Value, s.Public, d.stamp())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM sync_fields WHERE entity = 'setting' AND id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// FieldChange is a value of a customer's field that a later edit on
// another machine of the shop replaced.
type FieldChange struct {
	Field string // name, email, phone, address, consent_at
	Value string
	At    string // when it was set (UTC, RFC 3339)
	On    int    // the machine that set it
}

// CustomerHistory lists a customer's replaced values, newest first.
func (d *DB) CustomerHistory(ctx context.Context, customer int64) ([]FieldChange, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT field, value, stamp FROM customer_history WHERE customer = ? ORDER BY stamp DESC`, customer)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []FieldChange
	for rows.Next() {
		var c FieldChange
		var stamp string
		if err := rows.Scan(&c.Field, &c.Value, &stamp); err != nil {
			return nil, classify(err)
		}
		at, on, _ := strings.Cut(stamp, "/")
		c.At = at
		fmt.Sscan(on, &c.On)
		out = append(out, c)
	}
	return out, classify(rows.Err())
}
