package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/intake"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
)

func newKey(t testing.TB) *sign.Key {
	k, err := sign.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signedCatalog is the demo catalog whose manufacturer names the inbox
// orders, packed and signed with key.
func signedCatalog(t testing.TB, key *sign.Key, orders map[string]string) ([]byte, *catalog.Catalog) {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(assets.DemoCatalogJSON, &c); err != nil {
		t.Fatal(err)
	}
	if orders != nil {
		c["manufacturer"].(map[string]any)["orders"] = orders
	}
	c["version"] = "2026.9"
	dir := t.TempDir()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "catalog.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	pkg, err := catalog.Pack(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	cat, tr, err := catalog.ReadPackage("test.zip", pkg, map[string]sign.PublicKey{"Nordholm": key.Public()})
	if err != nil || !tr.Trusted {
		t.Fatalf("the test catalog: %v %+v", err, tr)
	}
	return pkg, cat
}

// shop is a dealer's library with an order of two designs made with a
// catalog, and what sending it needs.
type shop struct {
	db       *storage.DB
	order    int64
	designs  []int64
	settings orderfile.Settings
	trusted  map[string]sign.PublicKey
	catalog  orderfile.CatalogSource
}

func newShop(t testing.TB, mfr *sign.Key, pkg []byte, cat *catalog.Catalog) *shop {
	return newDealer(t, "BER01", mfr, pkg, cat)
}

// newDealer is newShop for the dealer with the given code.
func newDealer(t testing.TB, dealer string, mfr *sign.Key, pkg []byte, cat *catalog.Catalog) *shop {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rec, err := db.ImportCatalog(ctx, pkg, "zip", cat, storage.Signed)
	if err != nil {
		t.Fatal(err)
	}
	cust, err := db.SaveCustomer(ctx, storage.Customer{Name: "Anna Meyer", Address: "Hauptstraße 12\n10115 Berlin", ConsentAt: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	s := &shop{db: db, trusted: map[string]sign.PublicKey{"Nordholm": mfr.Public()}, catalog: orderfile.NewCatalogSource(pkg, cat)}
	var lines []storage.OrderLine
	for _, d := range []struct {
		name, product string
		decisions     map[string]string
	}{
		{"Corner desk", "lift-desk", map[string]string{"width": "1800"}},
		{"Kitchen window", "klar-window", map[string]string{"width": "1230"}},
	} {
		design, rev, err := db.SaveDesign(ctx, storage.DesignInput{Name: d.name, ProductID: d.product, ProductName: cat.Product(d.product).Name["en"],
			Catalog: rec.ID, Customer: cust, Quantity: 1, Decisions: d.decisions, Currency: "EUR", Total: "0.00"})
		if err != nil {
			t.Fatal(err)
		}
		s.designs = append(s.designs, design.ID)
		lines = append(lines, storage.OrderLine{Revision: rev.ID, Quantity: 1})
	}
	o, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: dealer, Customer: cust, Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	s.order = o.ID
	s.settings = orderfile.Settings{Dealer: orderfile.Dealer{ID: dealer, Name: "Wohnwerk " + dealer},
		Terms:    catalog.Terms{DealerDiscount: decimal.RequireFromString("30"), TaxRate: decimal.RequireFromString("19")},
		Language: "en", AppVersion: "test", Key: newKey(t),
		Quote: func(*orderfile.Order, [][]byte) ([]byte, error) {
			return []byte("%PDF-1.4\n1 0 obj << /Type /Page >> endobj\nstartxref\n0\n%%EOF\n"), nil
		}}
	return s
}

// factory is a manufacturer's intake over the same inbox.
func factory(t testing.TB, s *shop, mfr *sign.Key, inbox transport.Transport, enrolled bool) *intake.Intake {
	t.Helper()
	state, err := intake.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { state.Close() })
	var reg []storage.DealerKey
	if enrolled {
		pub := s.settings.Key.Public()
		reg = append(reg, storage.DealerKey{Dealer: "BER01", PublicKey: pub.String(), Fingerprint: pub.Fingerprint()})
	}
	return &intake.Intake{Inbox: inbox, Out: t.TempDir(), Catalogs: []orderfile.CatalogSource{s.catalog},
		Trust: orderfile.Trust{Registry: reg}, Key: mfr, State: state, By: "test"}
}

func state(t testing.TB, db *storage.DB, order int64) storage.OutboxItem {
	t.Helper()
	items, err := db.OrderOutbox(context.Background(), order)
	if err != nil || len(items) == 0 {
		t.Fatalf("the order is not in the outbox: %v", err)
	}
	return items[0]
}

func TestQueueNeedsAnInboxFromASignedCatalog(t *testing.T) {
	ctx := context.Background()
	mfr := newKey(t)
	pkg, cat := signedCatalog(t, mfr, nil)
	s := newShop(t, mfr, pkg, cat)
	if _, err := Queue(ctx, s.db, s.order, s.settings, s.trusted); !errors.Is(err, ErrNoInbox) || !strings.Contains(err.Error(), "names no order inbox") {
		t.Fatalf("a catalog without an inbox: %v", err)
	}
	pkg, cat = signedCatalog(t, mfr, map[string]string{"folder": t.TempDir()})
	s = newShop(t, mfr, pkg, cat)
	stranger := map[string]sign.PublicKey{"Someone": newKey(t).Public()}
	if _, err := Queue(ctx, s.db, s.order, s.settings, stranger); !errors.Is(err, ErrNoInbox) || !strings.Contains(err.Error(), "not signed by a manufacturer this app trusts") {
		t.Fatalf("a catalog signed by a key not trusted: %v", err)
	}
	if items, _ := s.db.Outbox(ctx); len(items) != 0 {
		t.Fatalf("refused sends left %d items", len(items))
	}
}

// TestSendDeliverAnswerAndCorrect is the whole way of an order through a
// shared folder: queued while the share is not mounted, delivered when it
// is, refused by the manufacturer (the dealer is not enrolled yet), then
// corrected, sent again as revision 2 and accepted; each step seen in the
// outbox, each answer checked against the manufacturer's key.
func TestSendDeliverAnswerAndCorrect(t *testing.T) {
	ctx := context.Background()
	mfr := newKey(t)
	share := filepath.Join(t.TempDir(), "share")
	pkg, cat := signedCatalog(t, mfr, map[string]string{"folder": share})
	s := newShop(t, mfr, pkg, cat)

	it, err := Queue(ctx, s.db, s.order, s.settings, s.trusted)
	if err != nil {
		t.Fatal(err)
	}
	if it.State != storage.OutboxQueued || it.File != "BER01-00001.atelier-order.zip" || it.Manufacturer != cat.Manufacturer.Name {
		t.Fatalf("queued: %+v", it)
	}
	if _, err := Queue(ctx, s.db, s.order, s.settings, s.trusted); !errors.Is(err, storage.ErrAlreadySent) {
		t.Fatalf("the same revision queued twice: %v", err)
	}

	// The share is not mounted: the order stays queued, with a pause.
	snd := &Sender{DB: s.db}
	d, err := snd.Deliver(ctx)
	if err != nil || d.Delivered != 0 || d.Failed != 1 || len(d.Problems) != 1 {
		t.Fatalf("delivery to a missing share: %+v %v", d, err)
	}
	it = state(t, s.db, s.order)
	if it.State != storage.OutboxQueued || it.Attempts != 1 || it.LastError == "" || !it.NextAttempt.After(time.Now()) {
		t.Fatalf("after a failed delivery: %+v", it)
	}
	if back, _ := snd.Probe(ctx); back {
		t.Fatal("Probe says a missing share is back")
	}
	if err := os.MkdirAll(share, 0o755); err != nil {
		t.Fatal(err)
	}
	if back, err := snd.Probe(ctx); !back || err != nil {
		t.Fatalf("Probe does not see the share back: %v", err)
	}
	if d, err := snd.Deliver(ctx); err != nil || d.Delivered != 1 {
		t.Fatalf("delivery once the share is there: %+v %v", d, err)
	}
	if it = state(t, s.db, s.order); it.State != storage.OutboxDelivered {
		t.Fatalf("after delivery: %s", it.State)
	}

	// The manufacturer has not enrolled the dealer: refused.
	inbox := transport.NewFolder(share)
	in := factory(t, s, mfr, inbox, false)
	if p, err := in.Run(ctx); err != nil || p.Refused != 1 {
		t.Fatalf("intake: %+v %v", p, err)
	}
	// An answer signed by someone else is not taken.
	forged, err := orderfile.SignAnswer(orderfile.Answer{Order: "BER01-00001", Revision: 1, Package: it.SHA256, Verdict: orderfile.Accepted,
		Answered: time.Now().UTC().Format(time.RFC3339)}, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	forgedName := orderfile.AnswerName("", 0, it.SHA256) // the name of an answer to a package the intake could not read
	if err := inbox.Put(ctx, "answers/BER01/"+forgedName, forged); err != nil {
		t.Fatal(err)
	}
	if err := inbox.Put(ctx, "answers/BER01/someone-elses.answer.json", []byte("not read")); err != nil {
		t.Fatal(err)
	}
	a, err := snd.Collect(ctx)
	if err != nil || a.Refused != 1 || a.Accepted != 0 || len(a.Ignored) != 1 || !strings.Contains(a.Ignored[0], "not the manufacturer's key") {
		t.Fatalf("collect: %+v %v", a, err)
	}
	it = state(t, s.db, s.order)
	if it.State != storage.OutboxRefused || len(it.Reasons) == 0 || !strings.Contains(strings.Join(it.Reasons, " "), "not enrolled") {
		t.Fatalf("refused: %+v", it)
	}
	if files, _ := inbox.List(ctx, "answers/BER01"); len(files) != 2 || files[0].Name != forgedName || files[1].Name != "someone-elses.answer.json" {
		t.Fatalf("answers left: %+v (the one taken is removed, the forged one and another's stay)", files)
	}

	// Corrected: the manufacturer enrols the dealer, the dealer changes a
	// design and sends revision 2.
	o, err := s.db.Order(ctx, s.order)
	if err != nil {
		t.Fatal(err)
	}
	o, err = s.db.ReviseOrder(ctx, s.order, o.Lines)
	if err != nil || o.Revision != 2 {
		t.Fatalf("revise: %+v %v", o, err)
	}
	it2, err := Queue(ctx, s.db, s.order, s.settings, s.trusted)
	if err != nil || it2.Revision != 2 || it2.File != "BER01-00001-r2.atelier-order.zip" || it2.SHA256 == it.SHA256 {
		t.Fatalf("revision 2 queued: %+v %v", it2, err)
	}
	if _, err := s.db.ReviseOrder(ctx, s.order, o.Lines); err == nil {
		t.Fatal("an order on its way was revised")
	}
	if d, err := snd.Deliver(ctx); err != nil || d.Delivered != 1 {
		t.Fatalf("deliver revision 2: %+v %v", d, err)
	}
	in = factory(t, s, mfr, inbox, true)
	if p, err := in.Run(ctx); err != nil || p.Accepted != 1 {
		t.Fatalf("intake of revision 2: %+v %v", p, err)
	}
	if a, err := snd.Collect(ctx); err != nil || a.Accepted != 1 {
		t.Fatalf("collect: %+v %v", a, err)
	}
	it2 = state(t, s.db, s.order)
	if it2.State != storage.OutboxAccepted || it2.Reference == "" {
		t.Fatalf("accepted: %+v", it2)
	}
	items, err := s.db.Outbox(ctx)
	if err != nil || len(items) != 2 || items[0].Revision != 2 || items[1].State != storage.OutboxRefused {
		t.Fatalf("the outbox keeps both revisions: %+v %v", items, err)
	}
	due, _ := s.db.OutboxDue(ctx, time.Now().Add(time.Hour))
	if len(due) != 0 {
		t.Fatalf("%d items due after all were answered", len(due))
	}
}

// TestForgettingACustomerEmptiesTheirOutbox: a queued package holds the
// customer's name and address; it is not sent once they are forgotten.
func TestForgettingACustomerEmptiesTheirOutbox(t *testing.T) {
	ctx := context.Background()
	mfr := newKey(t)
	pkg, cat := signedCatalog(t, mfr, map[string]string{"folder": t.TempDir()})
	s := newShop(t, mfr, pkg, cat)
	if _, err := Queue(ctx, s.db, s.order, s.settings, s.trusted); err != nil {
		t.Fatal(err)
	}
	o, err := s.db.Order(ctx, s.order)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.ForgetCustomer(ctx, o.Customer); err != nil {
		t.Fatal(err)
	}
	if items, _ := s.db.Outbox(ctx); len(items) != 0 {
		t.Fatalf("a forgotten customer's order is still queued: %+v", items)
	}
}

func TestBackoffGrowsAndStaysBounded(t *testing.T) {
	prev := time.Duration(0)
	for n := 1; n <= 20; n++ {
		d := Backoff(n)
		if d < prev*9/10 || d > 11*time.Minute {
			t.Fatalf("Backoff(%d) = %v after %v", n, d, prev)
		}
		prev = d
	}
	if Backoff(1) < 5*time.Second || Backoff(1) > 6*time.Second {
		t.Fatalf("the first pause is %v", Backoff(1))
	}
}

// An order made as dealer BER01 is not sent under another dealer code
// (the settings changed since): the manufacturer would refuse it.
func TestAnOrderIsSentAsItsOwnDealer(t *testing.T) {
	ctx := context.Background()
	mfr := newKey(t)
	pkg, cat := signedCatalog(t, mfr, map[string]string{"folder": t.TempDir()})
	s := newShop(t, mfr, pkg, cat)
	s.settings.Dealer.ID = "DEMO"
	if _, err := Queue(ctx, s.db, s.order, s.settings, s.trusted); !errors.Is(err, ErrOtherDealer) || !strings.Contains(err.Error(), "set the dealer code back to BER01") {
		t.Fatalf("sent as another dealer: %v", err)
	}
	if items, _ := s.db.Outbox(ctx); len(items) != 0 {
		t.Fatalf("queued: %+v", items)
	}
}
