package shop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage"
	"github.com/jackc/pgx/v5"
)

// syncLock is the advisory lock that orders the shop's change stamps:
// a push holds it exclusively while it stamps and commits, a pull holds it
// shared while it reads the newest stamp, so every stamp up to that one is
// committed and visible to the pull (docs/shop.md).
const syncLock = 0x41_74_65_6c_69_65_72 // "Atelier"

// Batch sizes: rows per push, and about how many bytes of catalogs and
// thumbnails a push or a page of a pull carries.
const (
	pushRows  = 500
	pushBytes = 8 << 20
	pullRows  = 500
)

// Report says what a sync did.
type Report struct {
	Sent, Received int // rows
	Pending        int // changes still waiting here (0 after a full sync)
	Took           time.Duration
}

// Sync sends what changed in the library since the last sync and takes in
// what changed on the shop's other machines, over a connection made with
// cred. Pushing first keeps this machine's edits in the shop's merge (a
// field it changed that another machine changed later is kept in the
// customer's history). Killed at any point, it loses nothing: a batch not
// acknowledged is sent again, merging is idempotent, and a pull not
// finished starts again from the last stamp recorded.
func Sync(ctx context.Context, db *storage.DB, cred Credentials) (Report, error) {
	start := time.Now()
	var rep Report
	conn, err := cred.Connect(ctx)
	if err != nil {
		db.SyncNoted(context.WithoutCancel(ctx), err)
		return rep, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	err = syncOver(ctx, conn, db, cred, &rep)
	rep.Took = time.Since(start)
	db.SyncNoted(context.WithoutCancel(ctx), err)
	return rep, err
}

func syncOver(ctx context.Context, conn *pgx.Conn, db *storage.DB, cred Credentials, rep *Report) error {
	st, ok, err := db.SyncState(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("this library is in no shop")
	}
	revs, err := orderRevisions(ctx, conn, cred)
	if err != nil {
		return err
	}
	for {
		batch, receipt, err := db.SyncOutbox(ctx, pushRows, pushBytes)
		if err != nil {
			return fmt.Errorf("read the changes to send: %w", err)
		}
		if len(receipt) == 0 {
			break
		}
		if batch.Len() > 0 {
			if err := push(ctx, conn, batch, cred, revs); err != nil {
				return fmt.Errorf("send changes: %w", plain(err))
			}
		}
		if err := db.SyncSent(ctx, receipt); err != nil {
			return err
		}
		rep.Sent += batch.Len()
	}
	n, err := pull(ctx, conn, db, cred, st.Pulled, revs)
	rep.Received = n
	if err != nil {
		return fmt.Errorf("take in changes: %w", plain(err))
	}
	if rep.Pending, err = db.PendingChanges(ctx); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `SELECT atelier.checkin($1)`, rep.Pending); err != nil {
		return plain(err)
	}
	return nil
}

// customerFields and designFields are merged field by field.
var (
	customerFields = []string{"name", "email", "phone", "address", "consent_at"}
	designFields   = []string{"name", "notes", "product_id", "product_name", "catalog", "customer", "status", "quantity", "deleted_at"}
)

// push merges a batch into the shop in one transaction.
func push(ctx context.Context, conn *pgx.Conn, b storage.SyncBatch, cred Credentials, revs bool) error {
	if cred.Kind == Showroom {
		return pushShowroom(ctx, conn, b)
	}
	me := cred.Machine
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(syncLock)); err != nil {
		return err
	}
	for _, c := range b.Catalogs {
		if _, err := tx.Exec(ctx, `INSERT INTO atelier.catalogs (gid, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at, origin, seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nextval('atelier.change_seq')) ON CONFLICT (gid) DO NOTHING`,
			c.GID, c.CatalogID, c.Version, c.Name, c.Manufacturer, c.Hash, c.Signature, c.Source, c.SourceKind, c.ImportedAt, me); err != nil {
			return fmt.Errorf("catalog %s %s: %w", c.CatalogID, c.Version, err)
		}
	}
	for _, g := range b.Gone {
		if g.Entity != "erasure" {
			continue
		}
		for _, q := range []string{
			`INSERT INTO atelier.erasures (customer, erased_at, origin, seq) VALUES ($1, $2, $3, nextval('atelier.change_seq')) ON CONFLICT DO NOTHING`,
			`DELETE FROM atelier.customers WHERE gid = $1`,
			`UPDATE atelier.designs SET customer = NULL, origin = NULL, seq = nextval('atelier.change_seq') WHERE customer = $1`,
			`UPDATE atelier.orders SET customer = NULL, origin = NULL, change = nextval('atelier.change_seq') WHERE customer = $1`,
		} {
			args := []any{g.GID}
			if q[0] == 'I' {
				args = append(args, g.At, me)
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return fmt.Errorf("forget customer %s: %w", g.GID, err)
			}
		}
	}
	for _, c := range b.Customers {
		if err := pushCustomer(ctx, tx, c, me); err != nil {
			return fmt.Errorf("customer %s: %w", c.GID, err)
		}
	}
	for _, d := range b.Designs {
		if err := pushDesign(ctx, tx, d, me); err != nil {
			return fmt.Errorf("design %s: %w", d.GID, err)
		}
	}
	for _, r := range b.Revisions {
		if err := pushRevision(ctx, tx, r, me); err != nil {
			return fmt.Errorf("revision %s: %w", r.GID, err)
		}
	}
	for _, q := range b.Queue {
		if err := pushQueue(ctx, tx, q, me); err != nil {
			return fmt.Errorf("showroom queue %s: %w", q.Code, err)
		}
	}
	for _, o := range b.Orders {
		if err := pushOrder(ctx, tx, o, me, revs); err != nil {
			return fmt.Errorf("order %s: %w", o.Number, err)
		}
	}
	for _, x := range b.Settings {
		if _, err := tx.Exec(ctx, `INSERT INTO atelier.settings (key, value, public, stamp, origin, seq)
			VALUES ($1, $2, $3, $4, $5, nextval('atelier.change_seq'))
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, public = excluded.public, stamp = excluded.stamp,
				origin = excluded.origin, seq = excluded.seq WHERE atelier.settings.stamp < excluded.stamp`,
			x.Key, x.Value, x.Public, x.Stamp, me); err != nil {
			return fmt.Errorf("setting %s: %w", x.Key, err)
		}
	}
	for _, g := range b.Gone {
		if g.Entity == "erasure" {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO atelier.gone (entity, gid, gone_at, origin, seq) VALUES ($1, $2, $3, $4, nextval('atelier.change_seq'))
			ON CONFLICT DO NOTHING`, g.Entity, g.GID, g.At, me); err != nil {
			return err
		}
		switch g.Entity {
		case "design":
			// Not while an order holds one of its revisions.
			if _, err := tx.Exec(ctx, `DELETE FROM atelier.designs d WHERE gid = $1 AND NOT EXISTS (
				SELECT 1 FROM atelier.order_lines l JOIN atelier.revisions r ON r.gid = l.revision WHERE r.design = d.gid)`, g.GID); err != nil {
				return err
			}
		case "queue":
			if _, err := tx.Exec(ctx, `DELETE FROM atelier.showroom_queue WHERE gid = $1`, g.GID); err != nil {
				return err
			}
		}
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify('atelier_changes', $1)`, fmt.Sprint(cred.Machine)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// erased reports whether a customer was forgotten in the shop.
func erased(ctx context.Context, tx pgx.Tx, gid string) (bool, error) {
	if gid == "" {
		return false, nil
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM atelier.erasures WHERE customer = $1`, gid).Scan(&n)
	return n > 0, err
}

// merge decides field by field between the shop's values (ours) and a
// machine's (theirs), by their stamps. It returns the merged values and
// stamps, whether anything changed, and the values that lost (with their
// stamps), for a customer's history.
func merge(fields []string, ours, theirs map[string]any, oursStamps, theirsStamps storage.Stamps) (vals map[string]any, stamps storage.Stamps, changed, theirsLost bool, lost []storage.SyncHistory) {
	vals, stamps = map[string]any{}, storage.Stamps{}
	for f, v := range oursStamps {
		stamps[f] = v
	}
	for _, f := range fields {
		o, t := ours[f], theirs[f]
		os, ts := oursStamps[f], theirsStamps[f]
		switch {
		case ts > os:
			vals[f] = t
			stamps[f] = ts
			if fmt.Sprint(o) != fmt.Sprint(t) {
				changed = true
				if os != "" {
					lost = append(lost, storage.SyncHistory{Field: f, Value: fmt.Sprint(o), Stamp: os})
				}
			} else if ts != os {
				changed = true
			}
		default:
			vals[f] = o
			if fmt.Sprint(o) != fmt.Sprint(t) {
				theirsLost = true // the machine's copy differs: it takes the row back
				if ts != "" && ts < os {
					lost = append(lost, storage.SyncHistory{Field: f, Value: fmt.Sprint(t), Stamp: ts})
				}
			}
		}
	}
	return vals, stamps, changed, theirsLost, lost
}

// originOf is the origin a merged row gets: the pushing machine when its
// copy is the row as merged, else none.
func originOf(me int, theirsLost bool) any {
	if theirsLost {
		return nil
	}
	return me
}

func pushCustomer(ctx context.Context, tx pgx.Tx, c storage.SyncCustomer, me int) error {
	if gone, err := erased(ctx, tx, c.GID); err != nil || gone {
		return err
	}
	theirs := map[string]any{"name": c.Name, "email": c.Email, "phone": c.Phone, "address": c.Address, "consent_at": c.ConsentAt}
	var cur struct {
		name, email, phone, address, consent string
		stamps                               storage.Stamps
	}
	err := tx.QueryRow(ctx, `SELECT name, email, phone, address, consent_at, stamps FROM atelier.customers WHERE gid = $1 FOR UPDATE`, c.GID).
		Scan(&cur.name, &cur.email, &cur.phone, &cur.address, &cur.consent, &cur.stamps)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = tx.Exec(ctx, `INSERT INTO atelier.customers (gid, name, email, phone, address, consent_at, created_at, stamps, origin, seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nextval('atelier.change_seq'))`,
			c.GID, c.Name, c.Email, c.Phone, c.Address, c.ConsentAt, c.CreatedAt, stampsJSON(c.Stamps), me)
		return err
	}
	if err != nil {
		return err
	}
	ours := map[string]any{"name": cur.name, "email": cur.email, "phone": cur.phone, "address": cur.address, "consent_at": cur.consent}
	vals, stamps, changed, theirsLost, lost := merge(customerFields, ours, theirs, cur.stamps, c.Stamps)
	for _, h := range lost {
		if _, err := tx.Exec(ctx, `INSERT INTO atelier.customer_history (customer, field, value, stamp, seq)
			SELECT $1, $2, $3, $4, nextval('atelier.change_seq') WHERE NOT EXISTS (
				SELECT 1 FROM atelier.customer_history WHERE customer = $1 AND field = $2 AND stamp = $4)`,
			c.GID, h.Field, h.Value, h.Stamp); err != nil {
			return err
		}
	}
	if !changed {
		return nil
	}
	_, err = tx.Exec(ctx, `UPDATE atelier.customers SET name = $2, email = $3, phone = $4, address = $5, consent_at = $6, stamps = $7,
		origin = $8, seq = nextval('atelier.change_seq') WHERE gid = $1`,
		c.GID, vals["name"], vals["email"], vals["phone"], vals["address"], vals["consent_at"], stampsJSON(stamps), originOf(me, theirsLost))
	return err
}

func stampsJSON(s storage.Stamps) []byte {
	if s == nil {
		s = storage.Stamps{}
	}
	b, _ := json.Marshal(s)
	return b
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func pushDesign(ctx context.Context, tx pgx.Tx, d storage.SyncDesign, me int) error {
	var gone int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM atelier.gone WHERE entity = 'design' AND gid = $1`, d.GID).Scan(&gone); err != nil || gone > 0 {
		return err
	}
	if e, err := erased(ctx, tx, d.Customer); err != nil {
		return err
	} else if e {
		d.Customer = ""
	}
	theirs := map[string]any{"name": d.Name, "notes": d.Notes, "product_id": d.ProductID, "product_name": d.ProductName,
		"catalog": d.Catalog, "customer": d.Customer, "status": d.Status, "quantity": d.Quantity, "deleted_at": d.DeletedAt}
	var cur struct {
		name, notes, productID, productName, catalog, customer, status, deleted string
		quantity                                                                int
		stamps                                                                  storage.Stamps
	}
	err := tx.QueryRow(ctx, `SELECT name, notes, product_id, product_name, catalog, coalesce(customer, ''), status, quantity,
		coalesce(deleted_at, ''), stamps FROM atelier.designs WHERE gid = $1 FOR UPDATE`, d.GID).
		Scan(&cur.name, &cur.notes, &cur.productID, &cur.productName, &cur.catalog, &cur.customer, &cur.status, &cur.quantity, &cur.deleted, &cur.stamps)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = tx.Exec(ctx, `INSERT INTO atelier.designs (gid, name, notes, product_id, product_name, catalog, customer, status, quantity,
			created_at, deleted_at, stamps, origin, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, nextval('atelier.change_seq'))`,
			d.GID, d.Name, d.Notes, d.ProductID, d.ProductName, d.Catalog, nullable(d.Customer), d.Status, d.Quantity,
			d.CreatedAt, nullable(d.DeletedAt), stampsJSON(d.Stamps), me)
		return err
	}
	if err != nil {
		return err
	}
	ours := map[string]any{"name": cur.name, "notes": cur.notes, "product_id": cur.productID, "product_name": cur.productName,
		"catalog": cur.catalog, "customer": cur.customer, "status": cur.status, "quantity": cur.quantity, "deleted_at": cur.deleted}
	vals, stamps, changed, theirsLost, _ := merge(designFields, ours, theirs, cur.stamps, d.Stamps)
	if !changed {
		return nil
	}
	_, err = tx.Exec(ctx, `UPDATE atelier.designs SET name = $2, notes = $3, product_id = $4, product_name = $5, catalog = $6, customer = $7,
		status = $8, quantity = $9, deleted_at = $10, stamps = $11, origin = $12, seq = nextval('atelier.change_seq') WHERE gid = $1`,
		d.GID, vals["name"], vals["notes"], vals["product_id"], vals["product_name"], vals["catalog"], nullable(fmt.Sprint(vals["customer"])),
		vals["status"], vals["quantity"], nullable(fmt.Sprint(vals["deleted_at"])), stampsJSON(stamps), originOf(me, theirsLost))
	return err
}

func pushRevision(ctx context.Context, tx pgx.Tx, r storage.SyncRevision, machine int) error {
	merges, _ := json.Marshal(nonNil(r.Merges))
	_, err := tx.Exec(ctx, `INSERT INTO atelier.revisions (gid, design, parent, merges, catalog, product_id, product_name, decisions, name, notes,
			quantity, currency, total, breakdown, thumbnail, saved_at, made_on, machine, origin, seq)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, nextval('atelier.change_seq')
		WHERE EXISTS (SELECT 1 FROM atelier.designs WHERE gid = $2)
		ON CONFLICT (gid) DO UPDATE SET name = excluded.name, notes = excluded.notes, origin = excluded.origin, seq = excluded.seq
			WHERE (atelier.revisions.name, atelier.revisions.notes) IS DISTINCT FROM (excluded.name, excluded.notes)`,
		r.GID, r.Design, nullable(r.Parent), string(merges), r.Catalog, r.ProductID, r.ProductName, r.Decisions, r.Name, r.Notes,
		r.Quantity, r.Currency, r.Total, r.Breakdown, r.Thumbnail, r.SavedAt, r.MadeOn, machine)
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func pushQueue(ctx context.Context, tx pgx.Tx, q storage.SyncQueueEntry, machine int) error {
	var cur struct {
		name, taken string
		stamps      storage.Stamps
	}
	err := tx.QueryRow(ctx, `SELECT customer_name, coalesce(taken_at, ''), stamps FROM atelier.showroom_queue WHERE gid = $1 FOR UPDATE`, q.GID).
		Scan(&cur.name, &cur.taken, &cur.stamps)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = tx.Exec(ctx, `INSERT INTO atelier.showroom_queue (gid, code, design, customer_name, sent_at, taken_at, machine, stamps, origin, seq)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, $7, nextval('atelier.change_seq')
			WHERE EXISTS (SELECT 1 FROM atelier.designs WHERE gid = $3)
				AND NOT EXISTS (SELECT 1 FROM atelier.gone WHERE entity = 'queue' AND gid = $1)`,
			q.GID, q.Code, q.Design, q.CustomerName, q.SentAt, nullable(q.TakenAt), machine, stampsJSON(q.Stamps))
		return err
	}
	if err != nil {
		return err
	}
	vals, stamps, changed, theirsLost, _ := merge([]string{"customer_name", "taken_at"},
		map[string]any{"customer_name": cur.name, "taken_at": cur.taken},
		map[string]any{"customer_name": q.CustomerName, "taken_at": q.TakenAt}, cur.stamps, q.Stamps)
	if !changed {
		return nil
	}
	_, err = tx.Exec(ctx, `UPDATE atelier.showroom_queue SET customer_name = $2, taken_at = $3, stamps = $4, origin = $5,
		seq = nextval('atelier.change_seq') WHERE gid = $1`, q.GID, vals["customer_name"], nullable(fmt.Sprint(vals["taken_at"])), stampsJSON(stamps), originOf(machine, theirsLost))
	return err
}

// pushShowroom sends a showroom machine's designs to the dealer through
// atelier.send_to_dealer (a showroom can read no customers, orders or
// designs, nor write them directly).
func pushShowroom(ctx context.Context, conn *pgx.Conn, b storage.SyncBatch) error {
	payload, err := json.Marshal(b)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `SELECT atelier.send_to_dealer($1)`, payload)
	return err
}

// pull takes in every change stamped after from, page by page; the last
// step records the newest stamp it read. It returns the rows taken in.
func pull(ctx context.Context, conn *pgx.Conn, db *storage.DB, cred Credentials, from int64, revs bool) (int, error) {
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock_shared($1)`, int64(syncLock)); err != nil {
		return 0, err
	}
	unlocked := false
	unlock := func() {
		if !unlocked {
			unlocked = true
			conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock_shared($1)`, int64(syncLock))
		}
	}
	defer unlock()
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var head int64
	var called bool
	if err := tx.QueryRow(ctx, `SELECT last_value, is_called FROM atelier.change_seq`).Scan(&head, &called); err != nil {
		return 0, err
	}
	unlock()
	if !called {
		head = 0
	}
	if head <= from {
		return 0, nil
	}
	p := puller{ctx: ctx, tx: tx, db: db, from: from, head: head, me: cred.Machine, revs: revs}
	steps := []func() error{p.catalogs, p.settings}
	if cred.Kind != Showroom {
		steps = append(steps, p.erasures, p.customers, p.history, p.designs, p.revisions, p.queue, p.orders, p.gone)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return p.n, err
		}
	}
	if _, err := db.SyncApply(ctx, storage.SyncBatch{}, head, JudgeCatalog); err != nil {
		return p.n, err
	}
	if p.refused > 0 {
		fmt.Fprintf(os.Stderr, "atelier: sync: %d rows from the shop were refused (too large, or not what they claim to be)\n", p.refused)
	}
	return p.n, tx.Commit(ctx)
}

// puller reads one pull's pages within its snapshot.
type puller struct {
	ctx        context.Context
	tx         pgx.Tx
	db         *storage.DB
	from, head int64
	me         int  // this machine: its own changes are not taken back
	revs       bool // the shop keeps orders' revisions (schema 2)
	n          int
	refused    int // rows SyncApply did not take in
}

// pages reads a table's changed rows page by page (by seq) and applies
// each page.
func (p *puller) pages(query string, scan func(pgx.Rows, *storage.SyncBatch) (int64, error)) error {
	return p.pagesBy("seq", query+` AND origin IS DISTINCT FROM `+fmt.Sprint(p.me), scan, nil)
}

// pagesBy is pages for a table whose change stamp is in column col; fill,
// if set, completes a page once its rows are read (a connection runs one
// query at a time).
func (p *puller) pagesBy(col, query string, scan func(pgx.Rows, *storage.SyncBatch) (int64, error), fill func(*storage.SyncBatch) error) error {
	return p.pagesOf(pullRows, col, query, scan, fill)
}

// pagesOf is pagesBy with pages of n rows (fewer for rows that may be
// large: a page of catalogs or revisions is held in memory whole).
func (p *puller) pagesOf(n int, col, query string, scan func(pgx.Rows, *storage.SyncBatch) (int64, error), fill func(*storage.SyncBatch) error) error {
	pullRows := n
	after := p.from
	for {
		rows, err := p.tx.Query(p.ctx, query+` AND `+col+` > $1 AND `+col+` <= $2 ORDER BY `+col+` LIMIT $3`, after, p.head, pullRows)
		if err != nil {
			return err
		}
		var b storage.SyncBatch
		count := 0
		for rows.Next() {
			seq, err := scan(rows, &b)
			if err != nil {
				rows.Close()
				return err
			}
			after = seq
			count++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if count == 0 {
			return nil
		}
		if fill != nil {
			if err := fill(&b); err != nil {
				return err
			}
		}
		refused, err := p.db.SyncApply(p.ctx, b, 0, JudgeCatalog)
		if err != nil {
			return err
		}
		p.refused += refused
		p.n += count
		if count < pullRows {
			return nil
		}
	}
}

// Rows over storage.SyncLimits are not even read: a lost machine could
// have written anything (SyncApply checks the rest).
func (p *puller) catalogs() error {
	return p.pagesOf(2, "seq", fmt.Sprintf(`SELECT gid, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at, seq
		FROM atelier.catalogs WHERE octet_length(source) <= %d AND origin IS DISTINCT FROM %d`, storage.SyncLimits.Catalog, p.me), func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
		var c storage.SyncCatalog
		err = r.Scan(&c.GID, &c.CatalogID, &c.Version, &c.Name, &c.Manufacturer, &c.Hash, &c.Signature, &c.Source, &c.SourceKind, &c.ImportedAt, &seq)
		b.Catalogs = append(b.Catalogs, c)
		return seq, err
	}, nil)
}

func (p *puller) erasures() error {
	return p.pages(`SELECT customer, erased_at, seq FROM atelier.erasures WHERE true`, func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
		var g storage.SyncGone
		g.Entity = "erasure"
		err = r.Scan(&g.GID, &g.At, &seq)
		b.Gone = append(b.Gone, g)
		return seq, err
	})
}

func (p *puller) customers() error {
	return p.pages(`SELECT gid, name, email, phone, address, consent_at, created_at, stamps, seq FROM atelier.customers WHERE true`,
		func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
			var c storage.SyncCustomer
			err = r.Scan(&c.GID, &c.Name, &c.Email, &c.Phone, &c.Address, &c.ConsentAt, &c.CreatedAt, &c.Stamps, &seq)
			b.Customers = append(b.Customers, c)
			return seq, err
		})
}

func (p *puller) history() error {
	return p.pagesBy("seq", `SELECT customer, field, value, stamp, seq FROM atelier.customer_history WHERE true`, func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
		var h storage.SyncHistory
		err = r.Scan(&h.Customer, &h.Field, &h.Value, &h.Stamp, &seq)
		b.History = append(b.History, h)
		return seq, err
	}, nil)
}

func (p *puller) designs() error {
	return p.pages(`SELECT gid, name, notes, product_id, product_name, catalog, coalesce(customer, ''), status, quantity, created_at,
		coalesce(deleted_at, ''), stamps, seq FROM atelier.designs WHERE true`, func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
		var d storage.SyncDesign
		err = r.Scan(&d.GID, &d.Name, &d.Notes, &d.ProductID, &d.ProductName, &d.Catalog, &d.Customer, &d.Status, &d.Quantity,
			&d.CreatedAt, &d.DeletedAt, &d.Stamps, &seq)
		b.Designs = append(b.Designs, d)
		return seq, err
	})
}

func (p *puller) revisions() error {
	return p.pagesOf(100, "seq", fmt.Sprintf(`SELECT gid, design, coalesce(parent, ''), merges, catalog, product_id, product_name, decisions, name, notes, quantity,
		currency, total, breakdown, thumbnail, saved_at, made_on, seq FROM atelier.revisions
		WHERE coalesce(octet_length(thumbnail), 0) <= %d AND octet_length(decisions) + octet_length(breakdown) + octet_length(name) + octet_length(notes) <= %d
		AND octet_length(merges) <= %d AND origin IS DISTINCT FROM %d`, storage.SyncLimits.Thumbnail, 2*storage.SyncLimits.Text, storage.SyncLimits.Text, p.me), func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
		var x storage.SyncRevision
		var merges []byte
		err = r.Scan(&x.GID, &x.Design, &x.Parent, &merges, &x.Catalog, &x.ProductID, &x.ProductName, &x.Decisions, &x.Name, &x.Notes,
			&x.Quantity, &x.Currency, &x.Total, &x.Breakdown, &x.Thumbnail, &x.SavedAt, &x.MadeOn, &seq)
		if err == nil {
			err = json.Unmarshal(merges, &x.Merges)
		}
		b.Revisions = append(b.Revisions, x)
		return seq, err
	}, nil)
}

func (p *puller) queue() error {
	return p.pages(`SELECT gid, code, design, customer_name, sent_at, coalesce(taken_at, ''), stamps, seq FROM atelier.showroom_queue WHERE true`,
		func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
			var q storage.SyncQueueEntry
			err = r.Scan(&q.GID, &q.Code, &q.Design, &q.CustomerName, &q.SentAt, &q.TakenAt, &q.Stamps, &seq)
			b.Queue = append(b.Queue, q)
			return seq, err
		})
}

func (p *puller) gone() error {
	return p.pages(`SELECT entity, gid, gone_at, seq FROM atelier.gone WHERE true`, func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
		var g storage.SyncGone
		err = r.Scan(&g.Entity, &g.GID, &g.At, &seq)
		b.Gone = append(b.Gone, g)
		return seq, err
	})
}

var orderFields = []string{"status", "exported_hash", "customer", "delivery", "notes"}

// orderRevisions reports whether the shop's schema keeps orders'
// revisions (version 2): a shop whose owner has not run shop init since
// the update syncs without them.
func orderRevisions(ctx context.Context, conn *pgx.Conn, cred Credentials) (bool, error) {
	if cred.Kind == Showroom {
		return false, nil // a showroom sees no orders
	}
	var ok bool
	err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
		WHERE table_schema = 'atelier' AND table_name = 'orders' AND column_name = 'revision')`).Scan(&ok)
	return ok, err
}

func pushOrder(ctx context.Context, tx pgx.Tx, o storage.SyncOrder, me int, revs bool) error {
	o.Revision = max(o.Revision, 1)
	if e, err := erased(ctx, tx, o.Customer); err != nil {
		return err
	} else if e {
		o.Customer = ""
	}
	theirs := map[string]any{"status": o.Status, "exported_hash": o.ExportedHash, "customer": o.Customer, "delivery": o.Delivery, "notes": o.Notes}
	var cur struct {
		status, hash, customer, delivery, notes string
		stamps                                  storage.Stamps
	}
	err := tx.QueryRow(ctx, `SELECT status, exported_hash, coalesce(customer, ''), delivery, notes, stamps FROM atelier.orders WHERE gid = $1 FOR UPDATE`, o.GID).
		Scan(&cur.status, &cur.hash, &cur.customer, &cur.delivery, &cur.notes, &cur.stamps)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := tx.Exec(ctx, `INSERT INTO atelier.orders (gid, dealer, made_by, series, seq, number, customer, delivery, requested_date, notes,
			status, exported_hash, created_at, stamps, origin, change) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, nextval('atelier.change_seq'))`,
			o.GID, o.Dealer, o.MadeBy, o.Series, o.Seq, o.Number, nullable(o.Customer), o.Delivery, o.RequestedDate, o.Notes,
			o.Status, o.ExportedHash, o.CreatedAt, stampsJSON(o.Stamps), me); err != nil {
			return err
		}
		if revs {
			if _, err := tx.Exec(ctx, `UPDATE atelier.orders SET revision = $2, revised_at = $3 WHERE gid = $1`, o.GID, o.Revision, o.RevisedAt); err != nil {
				return err
			}
		}
		return pushOrderLines(ctx, tx, o)
	}
	if err != nil {
		return err
	}
	if revs {
		// A newer revision brings its lines; the field merge follows.
		var rev int
		if err := tx.QueryRow(ctx, `SELECT revision FROM atelier.orders WHERE gid = $1`, o.GID).Scan(&rev); err != nil {
			return err
		}
		if o.Revision > rev {
			if _, err := tx.Exec(ctx, `DELETE FROM atelier.order_lines WHERE order_gid = $1`, o.GID); err != nil {
				return err
			}
			if err := pushOrderLines(ctx, tx, o); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE atelier.orders SET revision = $2, revised_at = $3, origin = $4, change = nextval('atelier.change_seq')
				WHERE gid = $1`, o.GID, o.Revision, o.RevisedAt, me); err != nil {
				return err
			}
		}
	}
	ours := map[string]any{"status": cur.status, "exported_hash": cur.hash, "customer": cur.customer, "delivery": cur.delivery, "notes": cur.notes}
	vals, stamps, changed, theirsLost, _ := merge(orderFields, ours, theirs, cur.stamps, o.Stamps)
	if !changed {
		return nil
	}
	_, err = tx.Exec(ctx, `UPDATE atelier.orders SET status = $2, exported_hash = $3, customer = $4, delivery = $5, notes = $6, stamps = $7,
		origin = $8, change = nextval('atelier.change_seq') WHERE gid = $1`,
		o.GID, vals["status"], vals["exported_hash"], nullable(fmt.Sprint(vals["customer"])), vals["delivery"], vals["notes"], stampsJSON(stamps),
		originOf(me, theirsLost))
	return err
}

func (p *puller) orders() error {
	revision := `1, ''`
	if p.revs {
		revision = `revision, revised_at`
	}
	return p.pagesBy("change", `SELECT gid, dealer, made_by, series, seq, number, coalesce(customer, ''), delivery, requested_date, notes, status,
		exported_hash, created_at, stamps, `+revision+`, change FROM atelier.orders WHERE origin IS DISTINCT FROM `+fmt.Sprint(p.me), func(r pgx.Rows, b *storage.SyncBatch) (change int64, err error) {
		var o storage.SyncOrder
		err = r.Scan(&o.GID, &o.Dealer, &o.MadeBy, &o.Series, &o.Seq, &o.Number, &o.Customer, &o.Delivery, &o.RequestedDate, &o.Notes, &o.Status,
			&o.ExportedHash, &o.CreatedAt, &o.Stamps, &o.Revision, &o.RevisedAt, &change)
		b.Orders = append(b.Orders, o)
		return change, err
	}, p.orderLines)
}

// orderLines reads the lines of a page's orders.
func (p *puller) orderLines(b *storage.SyncBatch) error {
	gids := make([]string, len(b.Orders))
	at := map[string]int{}
	for i, o := range b.Orders {
		gids[i] = o.GID
		at[o.GID] = i
	}
	rows, err := p.tx.Query(p.ctx, `SELECT order_gid, revision, quantity, discount FROM atelier.order_lines
		WHERE order_gid = ANY($1) ORDER BY order_gid, line`, gids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var gid string
		var l storage.SyncOrderLine
		if err := rows.Scan(&gid, &l.Revision, &l.Quantity, &l.Discount); err != nil {
			return err
		}
		o := &b.Orders[at[gid]]
		o.Lines = append(o.Lines, l)
	}
	return rows.Err()
}

func (p *puller) settings() error {
	return p.pages(fmt.Sprintf(`SELECT key, value, public, stamp, seq FROM atelier.settings WHERE octet_length(value) <= %d`, storage.SyncLimits.Setting), func(r pgx.Rows, b *storage.SyncBatch) (seq int64, err error) {
		var x storage.SyncSetting
		err = r.Scan(&x.Key, &x.Value, &x.Public, &x.Stamp, &seq)
		b.Settings = append(b.Settings, x)
		return seq, err
	})
}

// JudgeCatalog says how far a catalog that came from the shop is trusted:
// built in when its bytes are the app's demo catalog, signed when it is a
// package whose signature a trusted manufacturer's key makes hold, else
// unsigned (whatever the machine that sent it said).
func JudgeCatalog(src []byte, kind string) storage.Signature {
	if kind == "json" && bytes.Equal(src, assets.DemoCatalogJSON) {
		return storage.Builtin
	}
	if kind == "zip" {
		if _, t, err := catalog.ReadPackage("a catalog from the shop", src, assets.TrustedManufacturers()); err == nil && t.Trusted {
			return storage.Signed
		}
	}
	return storage.Unsigned
}

// pushOrderLines writes an order's lines.
func pushOrderLines(ctx context.Context, tx pgx.Tx, o storage.SyncOrder) error {
	for i, l := range o.Lines {
		if _, err := tx.Exec(ctx, `INSERT INTO atelier.order_lines (order_gid, line, revision, quantity, discount) VALUES ($1, $2, $3, $4, $5)`,
			o.GID, i+1, l.Revision, l.Quantity, l.Discount); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}
