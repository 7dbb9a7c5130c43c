package shop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/storage"
)

// machine is a library joined to a test shop.
type machine struct {
	db   *storage.DB
	cred Credentials
	cat  int64 // the demo catalog's record
}

// machine makes a library, joins it to the shop as name, and imports the
// demo catalog.
func (s *testShop) machine(t testing.TB, name string, kind Kind) *machine {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), name, "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cred := s.join(t, name, kind)
	if err := db.JoinShop(ctx, cred.Machine, cred.Name); err != nil {
		t.Fatal(err)
	}
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, storage.Builtin)
	if err != nil {
		t.Fatal(err)
	}
	return &machine{db: db, cred: cred, cat: rec.ID}
}

func (m *machine) sync(t testing.TB) Report {
	t.Helper()
	rep, err := Sync(context.Background(), m.db, m.cred)
	if err != nil {
		t.Fatalf("%s: sync: %v", m.cred.Name, err)
	}
	return rep
}

func (m *machine) customer(t *testing.T, name string) storage.Customer {
	t.Helper()
	cs, err := m.db.Customers(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("%s has no customer %s (it has %+v)", m.cred.Name, name, cs)
	return storage.Customer{}
}

func (m *machine) design(t *testing.T, name string) storage.Design {
	t.Helper()
	ds, err := m.db.Designs(context.Background(), storage.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Name == name {
			return d.Design
		}
	}
	t.Fatalf("%s has no design %s", m.cred.Name, name)
	return storage.Design{}
}

func (m *machine) save(t *testing.T, in storage.DesignInput) storage.Design {
	t.Helper()
	if in.Catalog == 0 {
		in.Catalog = m.cat
	}
	if in.ProductID == "" {
		in.ProductID, in.ProductName = "kolme-sofa", "Kolme sofa"
	}
	if in.Quantity == 0 {
		in.Quantity = 1
	}
	in.Currency, in.Total = "EUR", "1000.00"
	d, _, err := m.db.SaveDesign(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// revisionsOf lists a design's revisions as "number:gid-prefix:name".
func (m *machine) revisionsOf(t *testing.T, id int64) []storage.Revision {
	t.Helper()
	rs, err := m.db.Revisions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// Two dealers' laptops and a showroom: what one makes, the others get;
// a customer edited on two machines keeps the later edit field by field
// and the other in its history; a design changed on both keeps both
// revisions, numbered alike everywhere; a design sent from the showroom
// reaches the dealers' queue.
func TestSyncTwoDealersAndAShowroom(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	a := s.machine(t, "Laptop Anna", Dealer)
	b := s.machine(t, "Laptop Ben", Dealer)
	show := s.machine(t, "Showroom", Showroom)

	cid, err := a.db.SaveCustomer(ctx, storage.Customer{Name: "Jörg Müller", Email: "joerg@example.de", Address: "Hauptstraße 1\n10115 Berlin", ConsentAt: "2026-12-07"})
	if err != nil {
		t.Fatal(err)
	}
	sofa := a.save(t, storage.DesignInput{Name: "Sofa for the living room", Customer: cid, Decisions: map[string]string{"seats": "3"}})
	if rep := a.sync(t); rep.Sent == 0 || rep.Pending != 0 || rep.Received != 0 {
		t.Errorf("first sync of Anna's laptop: %+v; want everything sent, nothing of its own taken back", rep)
	}
	b.sync(t)
	bc := b.customer(t, "Jörg Müller")
	if bc.Email != "joerg@example.de" || bc.Address != "Hauptstraße 1\n10115 Berlin" {
		t.Errorf("Ben's copy of the customer: %+v", bc)
	}
	bs := b.design(t, "Sofa for the living room")
	if bs.Customer != bc.ID || bs.Revision != 1 || bs.ProductID != "kolme-sofa" {
		t.Errorf("Ben's copy of the design: %+v", bs)
	}

	// The same customer edited on both: Anna first, Ben later.
	ac := a.customer(t, "Jörg Müller")
	ac.Email = "anna-typed@example.de"
	if _, err := a.db.SaveCustomer(ctx, ac); err != nil {
		t.Fatal(err)
	}
	bc.Email, bc.Phone = "joerg.mueller@example.de", "+49 30 123456"
	if _, err := b.db.SaveCustomer(ctx, bc); err != nil {
		t.Fatal(err)
	}
	// The same design changed on both, offline.
	a.save(t, storage.DesignInput{ID: sofa.ID, Name: "Sofa for the living room", Customer: cid, Decisions: map[string]string{"seats": "4"}})
	b.save(t, storage.DesignInput{ID: bs.ID, Name: "Sofa for the living room", Customer: bc.ID, Decisions: map[string]string{"seats": "2"}})
	a.sync(t)
	b.sync(t)
	a.sync(t)
	for _, m := range []*machine{a, b} {
		c := m.customer(t, "Jörg Müller")
		if c.Email != "joerg.mueller@example.de" || c.Phone != "+49 30 123456" {
			t.Errorf("%s: customer %+v, want Ben's later edit", m.cred.Name, c)
		}
	}
	var lost string
	if err := s.admin.conn.QueryRow(ctx, `SELECT value FROM atelier.customer_history WHERE field = 'email'`).Scan(&lost); err != nil || lost != "anna-typed@example.de" {
		t.Errorf("the shop's history keeps %q (%v), want Anna's e-mail", lost, err)
	}
	ra, rb := a.revisionsOf(t, sofa.ID), b.revisionsOf(t, bs.ID)
	if len(ra) != 3 || len(rb) != 3 {
		t.Fatalf("revisions: Anna %d, Ben %d; want 3 each", len(ra), len(rb))
	}
	var seatsA, seatsB []string
	for i := range ra {
		seatsA = append(seatsA, ra[i].Decisions["seats"])
		seatsB = append(seatsB, rb[i].Decisions["seats"])
	}
	if strings.Join(seatsA, ",") != strings.Join(seatsB, ",") {
		t.Errorf("revisions numbered differently: Anna %v, Ben %v", seatsA, seatsB)
	}
	heads, err := a.db.DesignHeads(ctx, sofa.ID)
	if err != nil || len(heads) != 2 {
		t.Errorf("heads of the design changed on two machines: %v %v; want 2", heads, err)
	}
	if forked, _ := b.db.ChangedOnTwoMachines(ctx); len(forked) != 1 || forked[0] != bs.ID {
		t.Errorf("Ben's designs changed on two machines: %v", forked)
	}
	// Ben keeps Anna's (4 seats): settled on both once they sync.
	keep := heads[0]
	if keep.Decisions["seats"] != "4" {
		keep = heads[1]
	}
	if _, rev, err := b.db.SettleDesign(ctx, bs.ID, keep.Number); err != nil || rev.Decisions["seats"] != "4" {
		t.Fatalf("settle: %+v %v", rev, err)
	}
	b.sync(t)
	a.sync(t)
	for _, m := range []*machine{a, b} {
		if forked, _ := m.db.ChangedOnTwoMachines(ctx); len(forked) != 0 {
			t.Errorf("%s: still changed on two machines after settling: %v", m.cred.Name, forked)
		}
		if d := m.design(t, "Sofa for the living room"); d.Revision != 4 {
			t.Errorf("%s: the settled design is at revision %d, want 4", m.cred.Name, d.Revision)
		}
	}

	// The showroom sends a design; the dealers get it in their queue.
	if _, err := show.db.SendToDealer(ctx, storage.DesignInput{Name: "Armchair, green", ProductID: "kolme-sofa", ProductName: "Kolme sofa",
		Catalog: show.cat, Quantity: 1, Currency: "EUR", Total: "900.00", Decisions: map[string]string{"seats": "1"}}, "Frau Schmidt"); err != nil {
		t.Fatal(err)
	}
	show.sync(t)
	b.sync(t)
	q, err := b.db.Queue(ctx, false)
	if err != nil || len(q) != 1 || q[0].CustomerName != "Frau Schmidt" || q[0].Design.Name != "Armchair, green" {
		t.Fatalf("Ben's queue: %+v %v", q, err)
	}
	if _, err := b.db.TakeFromQueue(ctx, q[0].Code); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	a.sync(t)
	if q, _ := a.db.Queue(ctx, false); len(q) != 0 {
		t.Errorf("taken on Ben's laptop, still waiting on Anna's: %+v", q)
	}
	// A computer's own copy put into its library loses to the shop's.
	if err := b.db.SeedShopSettings(ctx, []storage.ShopSetting{{Key: "dealer.identity", Value: []byte(`{"name":"Demo dealer"}`), Public: true}}); err != nil {
		t.Fatal(err)
	}
	// The shop's settings: the later change wins; the showroom gets the
	// public ones only.
	if err := a.db.SetShopSettings(ctx, []storage.ShopSetting{{Key: "dealer.identity", Value: []byte(`{"name":"Möbel Jansen"}`), Public: true},
		{Key: "dealer.terms", Value: []byte(`{"dealer_discount":"32"}`)}}); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	if err := b.db.SetShopSettings(ctx, []storage.ShopSetting{{Key: "dealer.identity", Value: []byte(`{"name":"Möbel Jansen GmbH"}`), Public: true}}); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	a.sync(t)
	show.sync(t)
	for _, m := range []*machine{a, b, show} {
		got, err := m.db.ShopSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(got["dealer.identity"].Value) != `{"name":"Möbel Jansen GmbH"}` {
			t.Errorf("%s: identity %q", m.cred.Name, got["dealer.identity"].Value)
		}
		_, terms := got["dealer.terms"]
		if terms != (m != show) {
			t.Errorf("%s: has the dealer's terms: %v", m.cred.Name, terms)
		}
	}
	// A new laptop whose library has this computer's own copy: the shop's wins.
	c := s.machine(t, "Laptop Cleo", Dealer)
	if err := c.db.SeedShopSettings(ctx, []storage.ShopSetting{{Key: "dealer.identity", Value: []byte(`{"name":"Demo dealer"}`), Public: true}}); err != nil {
		t.Fatal(err)
	}
	c.sync(t)
	a.sync(t)
	for _, m := range []*machine{a, c} {
		if got, _ := m.db.ShopSettings(ctx); string(got["dealer.identity"].Value) != `{"name":"Möbel Jansen GmbH"}` {
			t.Errorf("%s after a new laptop joined: identity %q", m.cred.Name, got["dealer.identity"].Value)
		}
	}
	// The showroom learnt nothing of customers or designs.
	if cs, _ := show.db.Customers(ctx, ""); len(cs) != 0 {
		t.Errorf("the showroom holds customers: %+v", cs)
	}
	sameLibraries(t, a, b)
}

// Forget wins: a customer forgotten on one laptop while the other edits
// them offline is gone everywhere once both have synced, and their name
// is nowhere — not in PostgreSQL, not in either library's file.
func TestForgetWinsOverAnOfflineEdit(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	a := s.machine(t, "Laptop Anna", Dealer)
	b := s.machine(t, "Laptop Ben", Dealer)
	cid, err := a.db.SaveCustomer(ctx, storage.Customer{Name: "Zebulon Quixote", Email: "zq@example.org", ConsentAt: "2026-12-07"})
	if err != nil {
		t.Fatal(err)
	}
	a.save(t, storage.DesignInput{Name: "Desk for Zebulon Quixote", Customer: cid, Notes: "call Zebulon Quixote first"})
	a.sync(t)
	b.sync(t)
	// Ben edits the customer offline; Anna forgets them.
	bc := b.customer(t, "Zebulon Quixote")
	bc.Phone = "+1 555 0100"
	if _, err := b.db.SaveCustomer(ctx, bc); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Forget(ctx, cid); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	a.sync(t)
	for _, m := range []*machine{a, b} {
		if cs, _ := m.db.Customers(ctx, ""); len(cs) != 0 {
			t.Errorf("%s still has %+v", m.cred.Name, cs)
		}
	}
	for _, table := range []string{"customers", "customer_history", "designs", "revisions", "showroom_queue", "orders"} {
		var n int
		if err := s.admin.conn.QueryRow(ctx, `SELECT count(*) FROM atelier.`+table+` t WHERE t::text ILIKE '%quixote%' OR t::text ILIKE '%zq@%'`).Scan(&n); err != nil || n > 0 {
			t.Errorf("atelier.%s holds the forgotten customer in %d rows (%v)", table, n, err)
		}
	}
	// PostgreSQL's own files: the owner is told, and vacuuming clears them.
	st, err := s.admin.Status(ctx)
	if err != nil || st.Forgotten != 1 {
		t.Errorf("status: %d forgotten since the last vacuum (%v), want 1", st.Forgotten, err)
	}
	if err := s.admin.Vacuum(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.admin.Status(ctx); st.Forgotten != 0 {
		t.Errorf("after vacuuming: %d forgotten", st.Forgotten)
	}
	if _, err := s.admin.conn.Exec(ctx, "CHECKPOINT"); err != nil { // the pages on disk, as they are
		t.Fatal(err)
	}
	var dbOID string
	if err := s.admin.conn.QueryRow(ctx, `SELECT oid::text FROM pg_database WHERE datname = current_database()`).Scan(&dbOID); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(filepath.Join(s.srv.Dir, "data", "base", dbOID), func(path string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if data, _ := os.ReadFile(path); bytes.Contains(bytes.ToLower(data), []byte("quixote")) {
				t.Errorf("PostgreSQL's file %s holds the forgotten name after vacuuming", filepath.Base(path))
			}
		}
		return nil
	})
	for _, m := range []*machine{a, b} {
		if _, err := m.db.Forget(ctx, 0); err == nil {
			t.Fatal("forgetting nobody worked")
		}
		path := m.db.Path()
		m.db.Close()
		for _, f := range []string{path, path + "-wal"} {
			data, _ := os.ReadFile(f)
			if bytes.Contains(bytes.ToLower(data), []byte("quixote")) {
				t.Errorf("%s: %s holds the forgotten name", m.cred.Name, filepath.Base(f))
			}
		}
	}
}

// sameLibraries compares what two dealers' libraries hold.
func sameLibraries(t *testing.T, a, b *machine) {
	t.Helper()
	ctx := context.Background()
	summary := func(m *machine) string {
		var out []string
		cs, _ := m.db.Customers(ctx, "")
		for _, c := range cs {
			out = append(out, "customer "+c.Name+" "+c.Email+" "+c.Phone)
		}
		ds, _ := m.db.Designs(ctx, storage.Filter{Limit: 1000})
		for _, d := range ds {
			out = append(out, "design "+d.Name+" "+string(d.Status)+" "+d.CustomerName)
			for _, r := range m.revisionsOf(t, d.ID) {
				out = append(out, "  revision "+r.Name+" "+r.Decisions["seats"])
			}
		}
		sort.Strings(out)
		return strings.Join(out, "\n")
	}
	if sa, sb := summary(a), summary(b); sa != sb {
		t.Errorf("the libraries differ:\n%s:\n%s\n\n%s:\n%s", a.cred.Name, sa, b.cred.Name, sb)
	}
}

// Orders made offline on two laptops at once get different numbers; a
// laptop that made orders before it joined keeps them (even a number the
// shop's first machine also used: both were sent already); every machine
// ends with every order and its lines.
func TestOrderNumbersAcrossMachines(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	a := s.machine(t, "Office", Dealer)     // machine 1
	b := s.machine(t, "Laptop Ben", Dealer) // machine 2
	// A laptop used alone before the shop.
	cdb, err := storage.Open(ctx, filepath.Join(t.TempDir(), "cleo", "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cdb.Close() })
	cat, _ := assets.DemoCatalog()
	rec, err := cdb.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, storage.Builtin)
	if err != nil {
		t.Fatal(err)
	}
	c := &machine{db: cdb, cat: rec.ID}
	order := func(m *machine, name string) storage.Order {
		t.Helper()
		d := m.save(t, storage.DesignInput{Name: name})
		rev, err := m.db.Revision(ctx, d.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		o, err := m.db.CreateOrder(ctx, storage.OrderInput{Dealer: "ber01", Lines: []storage.OrderLine{{Revision: rev.ID, Quantity: 2, Discount: "5"}}})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	if o := order(c, "Cleo's first"); o.Number != "BER01-00001" {
		t.Errorf("alone: %s", o.Number)
	}
	a.sync(t)
	b.sync(t)
	// Offline at the same time.
	oa, ob := order(a, "Office order"), order(b, "Ben's order")
	if oa.Number != "BER01-00001" || ob.Number != "BER01-2-00001" {
		t.Errorf("numbers %s and %s", oa.Number, ob.Number)
	}
	c.cred = s.join(t, "Laptop Cleo", Dealer) // machine 3
	if err := cdb.JoinShop(ctx, c.cred.Machine, c.cred.Name); err != nil {
		t.Fatal(err)
	}
	if o := order(c, "Cleo in the shop"); o.Number != "BER01-3-00001" {
		t.Errorf("machine 3: %s", o.Number)
	}
	for _, m := range []*machine{a, b, c, a, b} {
		m.sync(t)
	}
	var want string
	for i, m := range []*machine{a, b, c} {
		orders, err := m.db.Orders(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range orders {
			o, err = m.db.Order(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			rev, err := m.db.RevisionByID(ctx, o.Lines[0].Revision)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s %s×%d −%s%%", o.Number, rev.Name, o.Lines[0].Quantity, o.Lines[0].Discount))
		}
		sort.Strings(got)
		if i == 0 {
			want = strings.Join(got, "; ")
			if len(got) != 4 {
				t.Errorf("the office has %d orders: %v", len(got), got)
			}
			continue
		}
		if g := strings.Join(got, "; "); g != want {
			t.Errorf("%s: %s\nwant %s", m.cred.Name, g, want)
		}
	}
	if want != "BER01-00001 Cleo's first×2 −5%; BER01-00001 Office order×2 −5%; BER01-2-00001 Ben's order×2 −5%; BER01-3-00001 Cleo in the shop×2 −5%" {
		t.Errorf("orders: %s", want)
	}
}

// A design changed on two machines is settled by combining: one version
// opened, changed to take what is wanted from both, and saved.
func TestCombiningSettlesADesignChangedTwice(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	a := s.machine(t, "Laptop Anna", Dealer)
	b := s.machine(t, "Laptop Ben", Dealer)
	x := a.save(t, storage.DesignInput{Name: "Desk", Decisions: map[string]string{"seats": "3"}})
	a.sync(t)
	b.sync(t)
	bx := b.design(t, "Desk")
	a.save(t, storage.DesignInput{ID: x.ID, Name: "Desk", Decisions: map[string]string{"seats": "4"}})
	b.save(t, storage.DesignInput{ID: bx.ID, Name: "Desk", Decisions: map[string]string{"seats": "2", "cover": "velvet"}})
	a.sync(t)
	b.sync(t)
	if heads, _ := b.db.DesignHeads(ctx, bx.ID); len(heads) != 2 {
		t.Fatalf("heads %d, want 2", len(heads))
	}
	b.save(t, storage.DesignInput{ID: bx.ID, Name: "Desk", Decisions: map[string]string{"seats": "4", "cover": "velvet"}, Settles: true})
	b.sync(t)
	a.sync(t)
	for _, m := range []*machine{a, b} {
		if forked, _ := m.db.ChangedOnTwoMachines(ctx); len(forked) != 0 {
			t.Errorf("%s: still changed on two machines: %v", m.cred.Name, forked)
		}
		heads, _ := m.db.DesignHeads(ctx, m.design(t, "Desk").ID)
		if len(heads) != 1 || heads[0].Decisions["seats"] != "4" || heads[0].Decisions["cover"] != "velvet" {
			t.Errorf("%s: heads %+v", m.cred.Name, heads)
		}
	}
}

// A lost machine can write anything into the shop's tables. What it wrote
// is not trusted on the way in: a catalog it calls signed is judged here
// (unsigned), one whose bytes are not its hash is refused, an oversized
// thumbnail is not even read, a revision whose decisions are not JSON is
// refused — and the rest of the sync goes on.
func TestHostileRowsFromTheShop(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	a := s.machine(t, "Laptop Anna", Dealer)
	a.save(t, storage.DesignInput{Name: "Honest desk"})
	a.sync(t)
	var dgid, cgid string
	if err := s.admin.conn.QueryRow(ctx, `SELECT gid, catalog FROM atelier.designs`).Scan(&dgid, &cgid); err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(assets.DemoCatalogJSON, []byte(`"Nordholm`), []byte(`"Forged`), 1)
	sum := sha256.Sum256(forged)
	hash := hex.EncodeToString(sum[:])
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO atelier.catalogs (gid, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at, seq)
			VALUES ($1, 'forged', '1', 'Forged', 'Nordholm', $2, 'signed', $3, 'json', 'x', nextval('atelier.change_seq'))`,
			[]any{"forged@1#" + hash, hash, forged}},
		{`INSERT INTO atelier.catalogs (gid, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at, seq)
			VALUES ('lying@1#00', 'lying', '1', 'Lying', 'Nordholm', '00', 'builtin', $1, 'json', 'x', nextval('atelier.change_seq'))`,
			[]any{assets.DemoCatalogJSON}},
		{`INSERT INTO atelier.revisions (gid, design, catalog, product_id, product_name, decisions, name, quantity, currency, total, breakdown,
			thumbnail, saved_at, machine, seq) VALUES ('big', $1, $2, 'kolme-sofa', 'Kolme', '{}', 'Big', 1, 'EUR', '1', '[]', $3, '2026-12-07T10:00:00Z', 9,
			nextval('atelier.change_seq'))`, []any{dgid, cgid, make([]byte, storage.SyncLimits.Thumbnail+1)}},
		{`INSERT INTO atelier.revisions (gid, design, catalog, product_id, product_name, decisions, name, quantity, currency, total, breakdown,
			saved_at, machine, seq) VALUES ('broken', $1, $2, 'kolme-sofa', 'Kolme', '{"seats":', 'Broken', 1, 'EUR', '1', '[]', '2026-12-07T10:00:01Z', 9,
			nextval('atelier.change_seq'))`, []any{dgid, cgid}},
		{`INSERT INTO atelier.customers (gid, name, created_at, seq) VALUES ('c-honest', 'Still taken in', 'x', nextval('atelier.change_seq'))`, nil},
	} {
		if _, err := s.admin.conn.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	b := s.machine(t, "Laptop Ben", Dealer)
	b.sync(t)
	cats, err := b.db.Catalogs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]storage.Signature{}
	for _, c := range cats {
		got[c.CatalogID] = c.Signature
	}
	if got["forged"] != storage.Unsigned {
		t.Errorf("the forged catalog arrived as %q, want unsigned", got["forged"])
	}
	if _, ok := got["lying"]; ok {
		t.Error("a catalog whose bytes are not its hash was taken in")
	}
	if revs := b.revisionsOf(t, b.design(t, "Honest desk").ID); len(revs) != 1 {
		t.Errorf("Ben has %d revisions of the honest desk, want only the honest one", len(revs))
	}
	b.customer(t, "Still taken in")
}

// A refused order corrected on one laptop (its next revision, other
// lines) reaches every machine with its lines; the higher revision wins.
func TestOrderRevisionsReachEveryMachine(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	a := s.machine(t, "Office", Dealer)
	b := s.machine(t, "Laptop Ben", Dealer)
	d := a.save(t, storage.DesignInput{Name: "Desk"})
	rev1, err := a.db.Revision(ctx, d.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.db.CreateOrder(ctx, storage.OrderInput{Dealer: "BER01", Lines: []storage.OrderLine{{Revision: rev1.ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	// Corrected: the design saved again, two pieces, revision 2.
	d2 := a.save(t, storage.DesignInput{Name: "Desk, wider", ID: d.ID})
	rev2, err := a.db.Revision(ctx, d2.ID, 0)
	if err != nil || rev2.ID == rev1.ID {
		t.Fatalf("the design's second save: %v", err)
	}
	if _, err := a.db.ReviseOrder(ctx, o.ID, []storage.OrderLine{{Revision: rev2.ID, Quantity: 2}}); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	orders, err := b.db.Orders(ctx)
	if err != nil || len(orders) != 1 {
		t.Fatalf("Ben's orders: %v %v", orders, err)
	}
	got, err := b.db.Order(ctx, orders[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	line, err := b.db.RevisionByID(ctx, got.Lines[0].Revision)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 2 || got.RevisedAt == "" || len(got.Lines) != 1 || got.Lines[0].Quantity != 2 || line.Name != "Desk, wider" {
		t.Fatalf("on Ben's laptop: revision %d (%q), lines %+v, design %q", got.Revision, got.RevisedAt, got.Lines, line.Name)
	}
	// An older revision from a machine that missed the correction does
	// not take it back.
	b.sync(t)
	a.sync(t)
	if back, _ := a.db.Order(ctx, o.ID); back.Revision != 2 || back.Lines[0].Revision != rev2.ID {
		t.Fatalf("the office's order after syncing again: %+v", back)
	}
}

// A shop whose owner has not run shop init since Atelier learned order
// revisions (schema 1) still syncs orders, as first revisions.
func TestSyncWithAShopNotYetUpdated(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	if _, err := s.admin.conn.Exec(ctx, `ALTER TABLE atelier.orders DROP COLUMN revision, DROP COLUMN revised_at;
		DELETE FROM atelier.migrations WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	a := s.machine(t, "Office", Dealer)
	b := s.machine(t, "Laptop Ben", Dealer)
	d := a.save(t, storage.DesignInput{Name: "Desk"})
	rev, err := a.db.Revision(ctx, d.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.CreateOrder(ctx, storage.OrderInput{Dealer: "BER01", Lines: []storage.OrderLine{{Revision: rev.ID, Quantity: 3}}}); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	orders, err := b.db.Orders(ctx)
	if err != nil || len(orders) != 1 || orders[0].Number != "BER01-00001" || orders[0].Revision != 1 {
		t.Fatalf("Ben's orders from a shop of schema 1: %+v %v", orders, err)
	}
	// The owner updates the shop; revisions sync from then on.
	if _, _, err := s.admin.Init(ctx); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
}

// A shop learns from its shared history: a design saved on one laptop
// teaches the recommender on another; a customer forgotten on one machine
// stops teaching on every machine that knew them.
func TestTheShopLearnsTogether(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	a := s.machine(t, "Office", Dealer)
	b := s.machine(t, "Laptop Ben", Dealer)
	anna, err := a.db.SaveCustomer(ctx, storage.Customer{Name: "Anna Meyer", ConsentAt: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	a.save(t, storage.DesignInput{Name: "Sofa", Decisions: map[string]string{"cover": "velvet"}})
	a.save(t, storage.DesignInput{Name: "Anna's sofa", Customer: anna, Decisions: map[string]string{"cover": "wool"}})
	a.sync(t)
	b.sync(t)
	covers := func(m *machine) string {
		t.Helper()
		h, err := m.db.ProductHistory(ctx, "kolme-sofa")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range h {
			got = append(got, l.Decisions["cover"])
		}
		sort.Strings(got)
		return strings.Join(got, " ")
	}
	if got := covers(b); got != "velvet wool" {
		t.Fatalf("Ben's laptop learns from %q, want the office's two designs", got)
	}
	if err := a.db.ForgetCustomer(ctx, anna); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	if got := covers(b); got != "velvet" {
		t.Fatalf("after Anna was forgotten, Ben's laptop learns from %q", got)
	}
}
