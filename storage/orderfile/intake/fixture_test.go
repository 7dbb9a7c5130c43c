package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/internal/pgtest"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// Dealer is the dealer of the test packages.
const Dealer = "BER01"

// fixture is one real order package of 5 lines, made once per test binary
// from a library with the demo catalog, and what it takes to make many
// distinct packages from it cheaply (orderfile.Build with another number).
type fixture struct {
	orderJSON []byte   // order.json of the real package
	previews  [][]byte // previews/line-N.png
	quote     []byte
	dealerKey *sign.Key
	makerKey  *sign.Key // the manufacturer's, which signs the answers
	cats      []orderfile.CatalogSource
	rows      int // rows of lines.csv per package (components of all lines)
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
)

// testFixture is the fixture, made on first use.
func testFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { theFixture, fixtureErr = makeFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return theFixture
}

func makeFixture() (*fixture, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "atelier-intake-fixture-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := storage.Open(ctx, filepath.Join(dir, "atelier.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	storage.SetClock(db, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	cat, err := assets.DemoCatalog()
	if err != nil {
		return nil, err
	}
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, storage.Builtin)
	if err != nil {
		return nil, err
	}
	var lines []storage.OrderLine
	for i, d := range []struct {
		product string
		dec     map[string]string
		qty     int
	}{
		{"lift-desk", map[string]string{"width": "1800", "top": "walnut", "extras": "tray,arm"}, 2},
		{"kolme-sofa", map[string]string{"seats": "3", "cover": "velvet"}, 1},
		{"klar-window", map[string]string{"width": "1230"}, 3},
		{"grid-shelf", map[string]string{"modules": "3", "wood": "oak"}, 1},
		{"lift-desk", map[string]string{"width": "1400", "top": "oak"}, 4},
	} {
		_, rev, err := db.SaveDesign(ctx, storage.DesignInput{Name: fmt.Sprintf("Design %d", i+1), ProductID: d.product, ProductName: cat.Product(d.product).Name["en"],
			Catalog: rec.ID, Quantity: d.qty, Decisions: d.dec, Currency: "EUR", Total: "0.00"})
		if err != nil {
			return nil, err
		}
		lines = append(lines, storage.OrderLine{Revision: rev.ID, Quantity: d.qty})
	}
	so, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: Dealer, Lines: lines})
	if err != nil {
		return nil, err
	}
	f := &fixture{cats: []orderfile.CatalogSource{orderfile.NewCatalogSource(assets.DemoCatalogJSON, cat)}}
	if f.dealerKey, err = sign.Generate(); err != nil {
		return nil, err
	}
	if f.makerKey, err = sign.Generate(); err != nil {
		return nil, err
	}
	o, pkg, err := orderfile.PackageOrder(ctx, db, so.ID, orderfile.Settings{
		Dealer:   orderfile.Dealer{ID: Dealer, Name: "Wohnwerk Berlin GmbH", Address: "Torstraße 1\n10119 Berlin", Email: "order@wohnwerk.example", VATID: "DE123456789"},
		Terms:    catalog.Terms{DealerDiscount: decimal.RequireFromString("32"), TaxRate: decimal.RequireFromString("19")},
		Language: "en", AppVersion: "test", Key: f.dealerKey, Quote: orderfile.QuotePDF,
	})
	if err != nil {
		return nil, err
	}
	files, _, err := orderfile.ReadZip(pkg, orderfile.DefaultLimits)
	if err != nil {
		return nil, err
	}
	f.orderJSON, f.quote = files["order.json"], files["quote.pdf"]
	for i := range o.Lines {
		f.previews = append(f.previews, files[orderfile.PreviewName(i+1)])
		f.rows += len(o.Lines[i].BOM)
	}
	return f, nil
}

// order is a fresh copy of the fixture's order, numbered n.
func (f *fixture) order(t testing.TB, n int) *orderfile.Order {
	t.Helper()
	var o orderfile.Order
	if err := json.Unmarshal(f.orderJSON, &o); err != nil {
		t.Fatal(err)
	}
	o.Number = Number(n)
	return &o
}

// Number is the order number of the n-th test package.
func Number(n int) string { return fmt.Sprintf("%s-%05d", Dealer, n) }

// build signs a package of o with key (the dealer's when nil).
func (f *fixture) build(t testing.TB, o *orderfile.Order, key *sign.Key) []byte {
	t.Helper()
	if key == nil {
		key = f.dealerKey
	}
	pkg, err := orderfile.Build(o, f.previews, f.quote, "test", key)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// pkg is the package of order n, first revision.
func (f *fixture) pkg(t testing.TB, n int) []byte { return f.build(t, f.order(t, n), nil) }

// trust is the manufacturer's dealer registry: the fixture's dealer key.
func (f *fixture) trust() orderfile.Trust {
	return orderfile.Trust{Registry: []storage.DealerKey{{Dealer: Dealer, Name: "Wohnwerk Berlin GmbH",
		PublicKey: f.dealerKey.Public().String(), Fingerprint: f.dealerKey.Public().Fingerprint()}}}
}

// intake is an intake of the manufacturer's folder dir (inbox/ and
// answers/ under dir/server, the filing under dir/out) with state.
func (f *fixture) intake(dir string, state State, by string) *Intake {
	return &Intake{Inbox: transport.NewFolder(filepath.Join(dir, "server")), Out: filepath.Join(dir, "out"),
		Catalogs: f.cats, Trust: f.trust(), Key: f.makerKey, State: state, By: by}
}

// deliver puts a file into a dealer's inbox folder.
func deliver(t testing.TB, dir, folder, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, "server", transport.InboxDir, folder)
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
