package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/atelier-app/atelier/catalog"
)

// Status is where a design stands.
type Status string

// Statuses.
const (
	Draft   Status = "draft"
	Quoted  Status = "quoted"
	Ordered Status = "ordered"
)

// PriceLine is one line of a saved price breakdown.
type PriceLine struct {
	Label  string `json:"label"`
	Amount string `json:"amount"` // decimal, one piece
}

// DesignInput is what a save writes: the design's fields and its new
// revision's content.
type DesignInput struct {
	ID          int64 // 0 for a new design
	Name        string
	Notes       string
	ProductID   string
	ProductName string
	Catalog     int64 // the catalog version it was made with
	Customer    int64 // 0 for none
	Status      Status
	Quantity    int
	Decisions   map[string]string // feature -> value as typed (catalog.Value.String)
	Currency    string
	Total       string // decimal: the list price of Quantity pieces
	Breakdown   []PriceLine
	Thumbnail   []byte // PNG, optional
	// Settles: the design was changed on two machines, and this save
	// combines the versions (the user took what they wanted from each):
	// the new revision supersedes every newest one (see SettleDesign).
	Settles bool
}

// Design is a saved design, with its newest revision's price.
type Design struct {
	ID           int64
	Name         string
	Notes        string
	ProductID    string
	ProductName  string
	Catalog      int64
	Customer     int64
	CustomerName string
	Status       Status
	Quantity     int
	Revision     int // the newest revision's number
	Currency     string
	Total        string
	CreatedAt    string
	UpdatedAt    string
	DeletedAt    string // in the trash since (empty when not)
}

// Revision is one save of a design.
type Revision struct {
	ID          int64
	Design      int64
	Number      int
	Catalog     int64
	Decisions   map[string]string
	Name        string
	Notes       string
	Quantity    int
	Currency    string
	Total       string
	Breakdown   []PriceLine
	Thumbnail   []byte
	SavedAt     string
	ProductID   string // the product it configured
	ProductName string
	MadeOn      string // the name of the shop's machine it was saved on ("" in no shop)
}

// SaveDesign saves a design and keeps the save as its next revision. A new
// design (ID 0) gets its id; the returned design and revision are as
// stored.
func (d *DB) SaveDesign(ctx context.Context, in DesignInput) (Design, Revision, error) {
	var design Design
	var rev Revision
	if err := validateDesign(in); err != nil {
		return design, rev, fmt.Errorf("save design: %w", err)
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		id, err := d.saveDesign(ctx, tx, in)
		if err != nil {
			return err
		}
		if design, err = getDesign(ctx, tx, id); err != nil {
			return err
		}
		rev, err = getRevision(ctx, tx, id, design.Revision)
		return err
	})
	if err != nil {
		return design, rev, fmt.Errorf("save design %q: %w", in.Name, err)
	}
	return design, rev, nil
}

// SaveDesigns saves new designs in one transaction: all of them, or none.
func (d *DB) SaveDesigns(ctx context.Context, ins []DesignInput) ([]Design, error) {
	for i, in := range ins {
		if in.ID != 0 {
			return nil, fmt.Errorf("save designs: design %d: only new designs", i+1)
		}
		if err := validateDesign(in); err != nil {
			return nil, fmt.Errorf("save designs: design %d: %w", i+1, err)
		}
	}
	var out []Design
	err := d.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		for _, in := range ins {
			id, err := d.saveDesign(ctx, tx, in)
			if err != nil {
				return fmt.Errorf("%q: %w", in.Name, err)
			}
			design, err := getDesign(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, design)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("save designs: %w", err)
	}
	return out, nil
}

func validateDesign(in DesignInput) error {
	switch {
	case strings.TrimSpace(in.Name) == "":
		return errors.New("a design needs a name")
	case catalog.CheckText(in.Name) != nil:
		return fmt.Errorf("the design name %q %v", in.Name, catalog.CheckText(in.Name))
	case in.ProductID == "":
		return errors.New("a design needs a product")
	case in.Catalog == 0:
		return errors.New("a design needs its catalog")
	case in.Quantity < 1:
		return fmt.Errorf("quantity %d: at least 1", in.Quantity)
	}
	switch in.Status {
	case "", Draft, Quoted, Ordered:
	default:
		return fmt.Errorf("unknown status %q", in.Status)
	}
	return nil
}

// saveDesign writes the design row and a new revision; it returns the id.
func (d *DB) saveDesign(ctx context.Context, tx *sql.Tx, in DesignInput) (int64, error) {
	now := d.stamp()
	status := in.Status
	if status == "" {
		status = Draft
	}
	var customer any
	if in.Customer != 0 {
		customer = in.Customer
	}
	id := in.ID
	number := 1
	if id == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO designs (name, notes, product_id, product_name, catalog, customer, status, quantity, revision, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`, in.Name, in.Notes, in.ProductID, in.ProductName, in.Catalog, customer, status, in.Quantity, now, now)
		if err != nil {
			return 0, err
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
	} else {
		var last int
		err := tx.QueryRowContext(ctx, `SELECT revision FROM designs WHERE id = ?`, id).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("design %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return 0, err
		}
		number = last + 1
		if _, err := tx.ExecContext(ctx, `UPDATE designs SET name = ?, notes = ?, product_id = ?, product_name = ?, catalog = ?, customer = ?,
			status = ?, quantity = ?, revision = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.Notes, in.ProductID, in.ProductName, in.Catalog, customer, status, in.Quantity, number, now, id); err != nil {
			return 0, err
		}
	}
	dec, err := json.Marshal(nonNil(in.Decisions))
	if err != nil {
		return 0, err
	}
	lines, err := json.Marshal(in.Breakdown)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO revisions (design, number, catalog, decisions, name, notes, quantity, currency, total, breakdown, thumbnail, saved_at, product_id, product_name)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, number, in.Catalog, string(dec), in.Name, in.Notes, in.Quantity, in.Currency, in.Total, string(lines), in.Thumbnail, now, in.ProductID, in.ProductName); err != nil {
		return 0, err
	}
	if in.Settles && number > 1 {
		// Every other newest revision is taken in by this one.
		if _, err := tx.ExecContext(ctx, `UPDATE revisions SET merges = (SELECT coalesce(json_group_array(r.gid), '[]') FROM revisions r
				WHERE r.design = ?1 AND r.number != ?2 AND r.gid IS NOT (SELECT parent FROM revisions WHERE design = ?1 AND number = ?2)
				AND NOT EXISTS (SELECT 1 FROM revisions c WHERE c.design = r.design AND c.parent = r.gid)
				AND NOT EXISTS (SELECT 1 FROM revisions c, json_each(c.merges) j WHERE c.design = r.design AND j.value = r.gid))
			WHERE design = ?1 AND number = ?2`, id, number); err != nil {
			return 0, err
		}
	}
	return id, reindex(ctx, tx, id)
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// reindex brings a design's search entry up to date.
func reindex(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM design_search WHERE rowid = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO design_search (rowid, name, notes, product, customer)
		SELECT d.id, d.name, d.notes, d.product_name, coalesce(c.name, '') FROM designs d LEFT JOIN customers c ON c.id = d.customer WHERE d.id = ?`, id)
	return err
}

const designColumns = `d.id, d.name, d.notes, d.product_id, d.product_name, d.catalog, coalesce(d.customer, 0), coalesce(c.name, ''),
	d.status, d.quantity, d.revision, coalesce(r.currency, ''), coalesce(r.total, ''), d.created_at, d.updated_at, coalesce(d.deleted_at, '')`

const designFrom = ` FROM designs d LEFT JOIN customers c ON c.id = d.customer LEFT JOIN revisions r ON r.design = d.id AND r.number = d.revision`

type scanner interface{ Scan(...any) error }

func scanDesign(s scanner, extra ...any) (Design, error) {
	var x Design
	dest := append([]any{&x.ID, &x.Name, &x.Notes, &x.ProductID, &x.ProductName, &x.Catalog, &x.Customer, &x.CustomerName,
		&x.Status, &x.Quantity, &x.Revision, &x.Currency, &x.Total, &x.CreatedAt, &x.UpdatedAt, &x.DeletedAt}, extra...)
	return x, s.Scan(dest...)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func getDesign(ctx context.Context, q querier, id int64) (Design, error) {
	x, err := scanDesign(q.QueryRowContext(ctx, `SELECT `+designColumns+designFrom+` WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, fmt.Errorf("design %d: %w", id, ErrNotFound)
	}
	return x, err
}

// Design returns a design.
func (d *DB) Design(ctx context.Context, id int64) (Design, error) {
	x, err := getDesign(ctx, d.db, id)
	return x, classify(err)
}

func getRevision(ctx context.Context, q querier, design int64, number int) (Revision, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, design, number, catalog, decisions, name, notes, quantity, currency, total, breakdown, thumbnail, saved_at, product_id, product_name, made_on
		FROM revisions WHERE design = ? AND number = ?`, design, number)
	if err != nil {
		return Revision{}, err
	}
	revs, err := scanRevisions(rows)
	if err != nil {
		return Revision{}, err
	}
	if len(revs) == 0 {
		return Revision{}, fmt.Errorf("design %d revision %d: %w", design, number, ErrNotFound)
	}
	return revs[0], nil
}

func scanRevisions(rows *sql.Rows) ([]Revision, error) {
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		var dec, lines string
		if err := rows.Scan(&r.ID, &r.Design, &r.Number, &r.Catalog, &dec, &r.Name, &r.Notes, &r.Quantity, &r.Currency, &r.Total, &lines, &r.Thumbnail, &r.SavedAt, &r.ProductID, &r.ProductName, &r.MadeOn); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(dec), &r.Decisions); err != nil {
			return nil, fmt.Errorf("revision %d: decisions: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(lines), &r.Breakdown); err != nil {
			return nil, fmt.Errorf("revision %d: breakdown: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Revision returns one revision of a design (0: the newest).
func (d *DB) Revision(ctx context.Context, design int64, number int) (Revision, error) {
	if number == 0 {
		x, err := d.Design(ctx, design)
		if err != nil {
			return Revision{}, err
		}
		number = x.Revision
	}
	r, err := getRevision(ctx, d.db, design, number)
	return r, classify(err)
}

// RevisionByID returns a revision by its row id (as orders refer to it).
func (d *DB) RevisionByID(ctx context.Context, id int64) (Revision, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, design, number, catalog, decisions, name, notes, quantity, currency, total, breakdown, thumbnail, saved_at, product_id, product_name, made_on
		FROM revisions WHERE id = ?`, id)
	if err != nil {
		return Revision{}, classify(err)
	}
	revs, err := scanRevisions(rows)
	if err != nil {
		return Revision{}, classify(err)
	}
	if len(revs) == 0 {
		return Revision{}, fmt.Errorf("revision %d: %w", id, ErrNotFound)
	}
	return revs[0], nil
}

// Revisions lists a design's revisions, newest first (without thumbnails,
// which Revision returns).
func (d *DB) Revisions(ctx context.Context, design int64) ([]Revision, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, design, number, catalog, decisions, name, notes, quantity, currency, total, breakdown, NULL, saved_at, product_id, product_name, made_on
		FROM revisions WHERE design = ? ORDER BY number DESC`, design)
	if err != nil {
		return nil, fmt.Errorf("revisions of design %d: %w", design, classify(err))
	}
	revs, err := scanRevisions(rows)
	if err != nil {
		return nil, fmt.Errorf("revisions of design %d: %w", design, classify(err))
	}
	return revs, nil
}

// againInput saves revision old of design cur again, as its newest: the
// revision's content, the design's customer and status.
func againInput(cur Design, old Revision) DesignInput {
	product, productName := old.ProductID, old.ProductName
	if product == "" { // a revision from before schema 4
		product, productName = cur.ProductID, cur.ProductName
	}
	return DesignInput{ID: cur.ID, Name: old.Name, Notes: old.Notes, ProductID: product, ProductName: productName,
		Catalog: old.Catalog, Customer: cur.Customer, Status: cur.Status, Quantity: old.Quantity, Decisions: old.Decisions,
		Currency: old.Currency, Total: old.Total, Breakdown: old.Breakdown, Thumbnail: old.Thumbnail}
}

// RestoreRevision makes an earlier revision the design's current state, as
// a new revision (nothing is lost: the revisions in between stay).
func (d *DB) RestoreRevision(ctx context.Context, design int64, number int) (Design, Revision, error) {
	var x Design
	var rev Revision
	err := d.tx(ctx, func(tx *sql.Tx) error {
		cur, err := getDesign(ctx, tx, design)
		if err != nil {
			return err
		}
		old, err := getRevision(ctx, tx, design, number)
		if err != nil {
			return err
		}
		if _, err := d.saveDesign(ctx, tx, againInput(cur, old)); err != nil {
			return err
		}
		if x, err = getDesign(ctx, tx, design); err != nil {
			return err
		}
		rev, err = getRevision(ctx, tx, design, x.Revision)
		return err
	})
	if err != nil {
		return x, rev, fmt.Errorf("restore revision %d of design %d: %w", number, design, err)
	}
	return x, rev, nil
}

// Change is one difference between two revisions.
type Change struct {
	Field    string // "name", "notes", "quantity", "catalog", "total" or "feature:<id>"
	From, To string
}

// CompareRevisions lists what differs from a to b: the decisions feature by
// feature (sorted), then name, notes, quantity, catalog and price.
func CompareRevisions(a, b Revision) []Change {
	var out []Change
	keys := slices.Sorted(maps.Keys(a.Decisions))
	for k := range b.Decisions {
		if _, ok := a.Decisions[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		av, aok := a.Decisions[k]
		bv, bok := b.Decisions[k]
		if av != bv || aok != bok {
			out = append(out, Change{"feature:" + k, av, bv})
		}
	}
	add := func(field, x, y string) {
		if x != y {
			out = append(out, Change{field, x, y})
		}
	}
	add("name", a.Name, b.Name)
	add("notes", a.Notes, b.Notes)
	add("quantity", fmt.Sprint(a.Quantity), fmt.Sprint(b.Quantity))
	add("catalog", fmt.Sprint(a.Catalog), fmt.Sprint(b.Catalog))
	add("total", a.Currency+" "+a.Total, b.Currency+" "+b.Total)
	return out
}

// DesignSummary is a design as the library shows it.
type DesignSummary struct {
	Design
	Thumbnail []byte
}

// Filter selects designs for the library.
type Filter struct {
	Query    string // words to search (name, notes, product, customer); prefixes match
	Product  string // product id
	Customer int64
	Status   Status
	Catalog  int64 // catalog record (the designs saved last with that catalog version)
	Trash    bool  // the trashed designs instead of the others
	Limit    int   // 0: 50
	Offset   int
}

// Designs lists designs: with a query, best matches first (SQLite FTS5,
// bm25), else the most recently changed first. The page is chosen first
// (ids only), then its rows are read with their thumbnails: a broad search
// never carries thousands of thumbnails through the sort.
func (d *DB) Designs(ctx context.Context, f Filter) ([]DesignSummary, error) {
	var where []string
	var args []any
	from := ` FROM designs d`
	order := ` ORDER BY d.updated_at DESC, d.id DESC`
	if q := ftsQuery(f.Query); q != "" {
		from = ` FROM design_search s JOIN designs d ON d.id = s.rowid`
		where = append(where, `design_search MATCH ?`)
		args = append(args, q)
		order = ` ORDER BY bm25(design_search, 10.0, 2.0, 4.0, 4.0), d.updated_at DESC, d.id DESC`
	} else if strings.TrimSpace(f.Query) != "" {
		return nil, nil // only punctuation: nothing can match
	}
	if f.Trash {
		where = append(where, `d.deleted_at IS NOT NULL`)
	} else {
		where = append(where, `d.deleted_at IS NULL`)
	}
	if f.Product != "" {
		where = append(where, `d.product_id = ?`)
		args = append(args, f.Product)
	}
	if f.Customer != 0 {
		where = append(where, `d.customer = ?`)
		args = append(args, f.Customer)
	}
	if f.Status != "" {
		where = append(where, `d.status = ?`)
		args = append(args, string(f.Status))
	}
	if f.Catalog != 0 {
		where = append(where, `d.catalog = ?`)
		args = append(args, f.Catalog)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit, max(f.Offset, 0))
	// Both reads in one read transaction: a design deleted between them
	// cannot leave a hole in the page.
	tx, err := d.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("list designs: %w", classify(err))
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT d.id`+from+` WHERE `+strings.Join(where, " AND ")+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list designs: %w", classify(err))
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list designs: %w", classify(err))
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list designs: %w", classify(err))
	}
	if len(ids) == 0 {
		return nil, nil
	}
	// The page's rows, in the page's order.
	idArgs := make([]any, len(ids))
	marks := make([]string, len(ids))
	pos := make(map[int64]int, len(ids))
	for i, id := range ids {
		idArgs[i], marks[i], pos[id] = id, "?", i
	}
	rows, err = tx.QueryContext(ctx, `SELECT `+designColumns+`, r.thumbnail`+designFrom+` WHERE d.id IN (`+strings.Join(marks, ",")+`)`, idArgs...)
	if err != nil {
		return nil, fmt.Errorf("list designs: %w", classify(err))
	}
	defer rows.Close()
	out := make([]DesignSummary, len(ids))
	for rows.Next() {
		var s DesignSummary
		x, err := scanDesign(rows, &s.Thumbnail)
		if err != nil {
			return nil, fmt.Errorf("list designs: %w", classify(err))
		}
		s.Design = x
		out[pos[x.ID]] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list designs: %w", classify(err))
	}
	kept := out[:0]
	for _, s := range out {
		if s.ID != 0 {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

// ftsQuery turns what a user types into an FTS5 query: every word must
// match, as a prefix ("oak sof" finds "Oak sofa for the Meyers"). Quotes
// keep FTS5's syntax out of the user's words.
func ftsQuery(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var parts []string
	for _, w := range words {
		parts = append(parts, `"`+w+`"*`)
	}
	return strings.Join(parts, " ")
}

// update changes one design column (and its search entry).
func (d *DB) update(ctx context.Context, id int64, what string, set string, args ...any) error {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE designs SET `+set+`, updated_at = ? WHERE id = ?`, append(args, d.stamp(), id)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("design %d: %w", id, ErrNotFound)
		}
		return reindex(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("%s design %d: %w", what, id, err)
	}
	return nil
}

// RenameDesign renames a design (its revisions keep their names).
func (d *DB) RenameDesign(ctx context.Context, id int64, name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("rename design %d: a design needs a name", id)
	}
	return d.update(ctx, id, "rename", `name = ?`, name)
}

// SetStatus changes a design's status.
func (d *DB) SetStatus(ctx context.Context, id int64, s Status) error {
	switch s {
	case Draft, Quoted, Ordered:
	default:
		return fmt.Errorf("set the status of design %d: unknown status %q", id, s)
	}
	return d.update(ctx, id, "set the status of", `status = ?`, string(s))
}

// TrashDesign moves a design to the trash (RestoreDesign brings it back).
func (d *DB) TrashDesign(ctx context.Context, id int64) error {
	return d.update(ctx, id, "delete", `deleted_at = ?`, d.stamp())
}

// RestoreDesign takes a design out of the trash.
func (d *DB) RestoreDesign(ctx context.Context, id int64) error {
	return d.update(ctx, id, "restore", `deleted_at = NULL`)
}

// PurgeDesign deletes a design and its revisions for good. A design with a
// revision in an order cannot be purged.
func (d *DB) PurgeDesign(ctx context.Context, id int64) error {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var orders int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM order_lines l JOIN revisions r ON r.id = l.revision WHERE r.design = ?`, id).Scan(&orders); err != nil {
			return err
		}
		if orders > 0 {
			return fmt.Errorf("it is part of %d order %s", orders, plural(orders, "line", "lines"))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM design_search WHERE rowid = ?`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM designs WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("design %d: %w", id, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete design %d for good: %w", id, err)
	}
	return nil
}

// DuplicateDesign saves a copy of a design's newest revision as a new
// design (a variant) named name.
func (d *DB) DuplicateDesign(ctx context.Context, id int64, name string) (Design, error) {
	var x Design
	err := d.tx(ctx, func(tx *sql.Tx) error {
		cur, err := getDesign(ctx, tx, id)
		if err != nil {
			return err
		}
		rev, err := getRevision(ctx, tx, id, cur.Revision)
		if err != nil {
			return err
		}
		if strings.TrimSpace(name) == "" {
			name = cur.Name + " (copy)"
		}
		nid, err := d.saveDesign(ctx, tx, DesignInput{Name: name, Notes: cur.Notes, ProductID: cur.ProductID, ProductName: cur.ProductName,
			Catalog: rev.Catalog, Customer: cur.Customer, Status: Draft, Quantity: rev.Quantity, Decisions: rev.Decisions,
			Currency: rev.Currency, Total: rev.Total, Breakdown: rev.Breakdown, Thumbnail: rev.Thumbnail})
		if err != nil {
			return err
		}
		x, err = getDesign(ctx, tx, nid)
		return err
	})
	if err != nil {
		return x, fmt.Errorf("duplicate design %d: %w", id, err)
	}
	return x, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
