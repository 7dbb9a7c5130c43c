package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// newOrderDesigner is a stored designer with the app's preferences and
// exporting wired the way main wires them.
func newOrderDesigner(t *testing.T) (*Designer, fyne.Window, uiQueue, *storage.DB) {
	t.Helper()
	d, w, q, db := newStoredDesigner(t)
	d.SetPreferences(fyne.CurrentApp().Preferences())
	d.SetOrderExport(testExport(t, db))
	return d, w, q, db
}

func testExport(t *testing.T, db *storage.DB) OrderExport {
	keyPath := filepath.Join(t.TempDir(), "keys", "dealer.key")
	return OrderExport{
		Package: func(ctx context.Context, id int64, s orderfile.Settings) (*orderfile.Order, []byte, error) {
			return orderfile.PackageOrder(ctx, db, id, s)
		},
		KeyPath:    keyPath,
		AppVersion: "test",
		Import: func(ctx context.Context, data []byte) (*orderfile.Imported, error) {
			trust, err := orderfile.OwnKey(keyPath)
			if err != nil {
				return nil, err
			}
			return orderfile.Import(ctx, db, data, trust)
		},
	}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func money(x decimal.Decimal) string { return catalog.FormatMoney(x, "EUR", "en") }

// wantWaterfall is the waterfall the designer should show for its current
// configuration with terms.
func wantWaterfall(t *testing.T, d *Designer, terms catalog.Terms) catalog.Waterfall {
	t.Helper()
	w, err := d.cat.PriceWaterfall(d.Config(), 1, "en", terms, decimal.Zero)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// checkWaterfall compares the price panel with a waterfall.
func checkWaterfall(t *testing.T, d *Designer, w catalog.Waterfall, wantNames ...string) {
	t.Helper()
	v := d.waterfall
	for _, c := range []struct {
		name string
		row  *priceRow
		want decimal.Decimal
	}{
		{"dealer net", v.net, w.DealerNet},
		{"customer price", v.customer, w.CustomerNet},
		{"margin", v.margin, w.DealerMargin},
		{"tax", v.tax, w.Tax},
		{"gross", v.gross, w.Gross},
	} {
		if got := c.row.amount.Text; got != money(c.want) {
			t.Errorf("%s = %q, want %q", c.name, got, money(c.want))
		}
	}
	if got, want := d.total.Text, money(w.List.Total); got != want {
		t.Errorf("list price = %q, want %q", got, want)
	}
	text := v.text()
	for _, n := range wantNames {
		if !strings.Contains(text, n) {
			t.Errorf("the waterfall lacks %q:\n%s", n, text)
		}
	}
}

// The price panel shows the list price, its breakdown and the waterfall
// to the customer with the default dealer terms (30% dealer discount, list
// price to the customer, 19% tax).
func TestPricePanelShowsTheWaterfall(t *testing.T) {
	d, _, q := newDesignerQueue(t)
	d.Decide("top", choice("walnut"))
	d.Decide("width", number(1800))
	waitEngine(t, d, q)
	w := wantWaterfall(t, d, DefaultDealerSettings().Terms())
	if !w.DealerNet.Equal(catalog.RoundMoney(w.List.Total.Mul(dec("0.7")))) || !w.Gross.Equal(w.CustomerNet.Add(w.Tax)) {
		t.Fatalf("unexpected waterfall %+v", w)
	}
	checkWaterfall(t, d, w, "Dealer net · –30%", "Customer price =", "Your margin · 30%", "Tax 19% =", "Gross =")
	if got := breakdown(d); !strings.Contains(got, "Desktop: Solid walnut, oiled = €420.00") {
		t.Errorf("breakdown:\n%s", got)
	}
	// Every amount is as catalog.FormatMoney writes it in the language.
	if got := d.waterfall.gross.amount.Text; !strings.HasPrefix(got, "€") || !strings.Contains(got, ",") {
		t.Errorf("gross = %q, want €1,234.56 style", got)
	}
}

// German amounts are written the German way.
func TestPricePanelInGerman(t *testing.T) {
	test.NewTempApp(t)
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	d := buildDesigner(cat, "de", func(f func()) {}, false)
	w, err := cat.PriceWaterfall(d.Config(), 1, "de", DefaultDealerSettings().Terms(), decimal.Zero)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.waterfall.gross.amount.Text, catalog.FormatMoney(w.Gross, "EUR", "de"); got != want || !strings.HasSuffix(got, "€") {
		t.Errorf("gross = %q, want %q", got, want)
	}
}

// The settings screen changes the prices shown and keeps the dealer's
// settings in the preferences; bad input changes nothing.
func TestDealerSettingsChangePrices(t *testing.T) {
	d, _, q := newDesignerQueue(t)
	prefs := fyne.CurrentApp().Preferences()
	d.SetPreferences(prefs)
	waitEngine(t, d, q)
	before := d.waterfall.text()

	d.ShowDealerSettings()
	v := d.settings
	if v == nil || d.Showing() != screenSettings {
		t.Fatal("no settings screen")
	}
	if !v.saveBtn.Disabled() {
		t.Error("Save is enabled before anything changed")
	}
	v.id.SetText("bad id!")
	test.Tap(v.saveBtn)
	if d.Dealer().ID != "DEMO" || !v.problem.Visible() {
		t.Fatalf("an invalid dealer id was accepted: %+v", d.Dealer())
	}
	v.id.SetText("meyer")
	v.name.SetText("Meyer Wohnen")
	v.discount.SetText("40 %")
	v.groups["living"].SetText("45")
	v.adjust.SetText("+10")
	v.tax.SetText("7,5")
	test.Tap(v.saveBtn)
	if v.problem.Visible() || !v.saveBtn.Disabled() {
		t.Fatalf("after saving: problem %q, save enabled %v", v.problem.Text, !v.saveBtn.Disabled())
	}
	want := DealerSettings{ID: "MEYER", Name: "Meyer Wohnen", DealerDiscount: dec("40"), Adjust: dec("10"), TaxRate: dec("7.5")}
	got := d.Dealer()
	if got.ID != want.ID || got.Name != want.Name || !got.DealerDiscount.Equal(want.DealerDiscount) || !got.Adjust.Equal(want.Adjust) ||
		!got.TaxRate.Equal(want.TaxRate) || !got.GroupDiscounts["living"].Equal(dec("45")) {
		t.Fatalf("settings = %+v, want %+v and 45%% on living", got, want)
	}
	wf := wantWaterfall(t, d, got.Terms())
	checkWaterfall(t, d, wf, "Dealer net · –40%", "Customer price · list +10%", "Tax 7.5%")
	if d.waterfall.text() == before {
		t.Error("the prices did not change")
	}
	if !wf.CustomerNet.GreaterThan(wf.List.Total) {
		t.Errorf("a 10%% markup gives %s for a list price of %s", wf.CustomerNet, wf.List.Total)
	}
	if kept := LoadDealerSettings(prefs); kept.ID != "MEYER" || !kept.TaxRate.Equal(dec("7.5")) || !kept.GroupDiscounts["living"].Equal(dec("45")) {
		t.Errorf("kept in the preferences: %+v", kept)
	}
	// Revert brings back what is kept.
	v.name.SetText("Someone else")
	test.Tap(v.revertBtn)
	if v.name.Text != "Meyer Wohnen" || !v.saveBtn.Disabled() {
		t.Errorf("after revert: %q", v.name.Text)
	}
}

func TestParsePercent(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: "30", want: "30"},
		{in: " 12,5 % ", want: "12.5"},
		{in: "+5", want: "5"},
		{in: "-10", want: "-10"},
		{in: "−3", want: "-3"},
		{in: "–3", want: "-3"}, // the dash the app writes for a minus
		{in: "", bad: true},
		{in: "ten", bad: true},
	} {
		got, err := parsePercent(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && !got.Equal(dec(tc.want))) {
			t.Errorf("parsePercent(%q) = %s, %v; want %s (error %v)", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestDealerSettingsFromPreferences(t *testing.T) {
	test.NewTempApp(t)
	p := fyne.CurrentApp().Preferences()
	if got := LoadDealerSettings(p); got.ID != "DEMO" || got.Name != "Demo dealer" || !got.DealerDiscount.Equal(dec("30")) || !got.TaxRate.Equal(dec("19")) || !got.Adjust.IsZero() {
		t.Errorf("defaults = %+v", got)
	}
	p.SetString(dealerPrefKey, `{"id":"x y","name":""}`) // nonsense: the defaults
	if got := LoadDealerSettings(p); got.ID != "DEMO" {
		t.Errorf("from nonsense: %+v", got)
	}
	s := DefaultDealerSettings()
	s.VATID, s.PaymentTerms, s.Adjust = "DE123", "14 days net", dec("-5")
	s.Save(p)
	if got := LoadDealerSettings(p); got.VATID != "DE123" || got.PaymentTerms != "14 days net" || !got.Adjust.Equal(dec("-5")) {
		t.Errorf("saved and loaded: %+v", got)
	}
}

// addNamed adds the design to the order through Add to order, giving it a
// name (and a customer) in the save dialog the first save opens.
func addNamed(t *testing.T, d *Designer, q uiQueue, name, customer string) {
	t.Helper()
	// Add to order would save a new design under a name of its own;
	// these tests name it (and give it a customer) first.
	saveNamed(t, d, q, false, name, customer)
	added := false
	d.OnAdded = func() { added = true }
	d.AddToOrder()
	eventually(t, q, "the design in the order", func() bool { return added })
	d.OnAdded = nil
}

// exportInto exports the draft order into folder and returns the file
// written (an export error fails the test).
func exportInto(t *testing.T, d *Designer, q uiQueue, v *orderView, folder string) string {
	t.Helper()
	var path string
	d.OnExported = func(p string, err error) {
		if err != nil {
			t.Errorf("export: %v", err)
		}
		path = p
	}
	v.exportTo(folder)
	eventually(t, q, "the export", func() bool { return path != "" })
	d.OnExported = nil
	return path
}

// showOrder opens the order view and waits until every line is priced.
func showOrder(t *testing.T, d *Designer, q uiQueue) *orderView {
	t.Helper()
	d.ShowOrder()
	v := d.order
	eventually(t, q, "the order's lines priced", func() bool {
		if len(v.lines) != len(d.draft.Lines) {
			return false
		}
		for _, r := range v.lines {
			if r.priced == nil {
				return false
			}
		}
		return true
	})
	return v
}

func seedCustomer(t *testing.T, db *storage.DB, name, address string) int64 {
	t.Helper()
	id, err := db.SaveCustomer(context.Background(), storage.Customer{Name: name, Address: address})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Two designs go into the order (each saved first); a quantity is
// changed; the export writes a package the manufacturer's check accepts,
// marks the order exported with the file's hash, clears the draft and says
// where the file is.
func TestOrderAddChangeQuantityExport(t *testing.T) {
	d, w, q, db := newOrderDesigner(t)
	ctx := context.Background()
	anna := seedCustomer(t, db, "Anna Meyer", "Elbchaussee 112\n22763 Hamburg")

	d.Decide("top", choice("walnut"))
	d.Decide("width", number(1800))
	addNamed(t, d, q, "Corner desk", "Anna Meyer")
	desk := d.DesignID()
	if d.Dirty() || desk == 0 || d.OrderLines() != 1 || d.rail.items[screenOrder].badge != "1" {
		t.Fatalf("after the first add: design %d, dirty %v, %d lines, button %q", desk, d.Dirty(), d.OrderLines(), d.rail.items[screenOrder].badge)
	}
	d.SelectProduct("kolme-sofa")
	d.Decide("seats", number(4))
	addNamed(t, d, q, "Lounge sofa", "")
	if d.OrderLines() != 2 || d.rail.items[screenOrder].badge != "2" {
		t.Fatalf("%d lines, button %q; want 2", d.OrderLines(), d.rail.items[screenOrder].badge)
	}
	// Adding it again, unchanged, does not add it twice.
	d.AddToOrder()
	eventually(t, q, "the second add", func() bool { return !d.adding })
	if d.OrderLines() != 2 || !strings.Contains(d.status.Text, "already in the order") {
		t.Errorf("adding again: %d lines, status %q", d.OrderLines(), d.status.Text)
	}

	v := showOrder(t, d, q)
	if !d.OrderShown() {
		t.Fatal("the order view is not shown")
	}
	if got := v.customer.Selected; got != "Anna Meyer" {
		t.Errorf("customer = %q, want the first design's customer", got)
	}
	if got := v.delivery.Text; got != "Elbchaussee 112\n22763 Hamburg" {
		t.Errorf("delivery = %q, want the customer's address", got)
	}
	rows := texts(v.rows)
	for _, want := range []string{"Corner desk", "Höhe Lift Desk · revision 1", "Lounge sofa", "Kolme Modular Sofa · revision 1"} {
		if !strings.Contains(rows, want) {
			t.Errorf("the lines lack %q:\n%s", want, rows)
		}
	}
	// Three sofas: with the + button, then typed.
	sofa := v.lines[1]
	test.Tap(sofa.plus)
	if d.draft.Lines[1].Quantity != 2 || sofa.qty.Text != "2" {
		t.Fatalf("after +: quantity %d, entry %q", d.draft.Lines[1].Quantity, sofa.qty.Text)
	}
	sofa.qty.SetText("3")
	if d.draft.Lines[1].Quantity != 3 {
		t.Fatalf("after typing 3: quantity %d", d.draft.Lines[1].Quantity)
	}
	terms := d.Dealer().Terms()
	var want [2]catalog.Waterfall
	for i, r := range v.lines {
		wf, err := d.cat.PriceWaterfall(v.info[r.line.RevisionID].cfg, r.line.Quantity, "en", terms, decimal.Zero)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = wf
		if r.price.Text != money(wf.CustomerNet) {
			t.Errorf("line %d price = %q, want %q", i+1, r.price.Text, money(wf.CustomerNet))
		}
	}
	gross := want[0].Gross.Add(want[1].Gross)
	if got := v.totals.gross.amount.Text; got != money(gross) {
		t.Errorf("gross total = %q, want %q", got, money(gross))
	}
	if got := v.totals.net.amount.Text; got != money(want[0].DealerNet.Add(want[1].DealerNet)) {
		t.Errorf("dealer net total = %q", got)
	}
	v.notes.SetText("Please call before delivery.")
	day := time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	v.date.SetDate(&day)
	if d.draft.RequestedDate != "2027-03-15" || d.draft.Notes != "Please call before delivery." {
		t.Errorf("draft date %q, notes %q", d.draft.RequestedDate, d.draft.Notes)
	}

	// Export.
	folder := t.TempDir()
	var exported string
	var exportErr error
	done := false
	d.OnExported = func(p string, err error) { exported, exportErr, done = p, err, true }
	v.exportTo(folder)
	if !v.exporting || v.exportBn.Disabled() == false || !v.progress.Visible() {
		t.Error("the export does not show that it is under way")
	}
	eventually(t, q, "the export", func() bool { return done })
	if exportErr != nil {
		t.Fatalf("export: %v", exportErr)
	}
	wantPath := filepath.Join(folder, "DEMO-00001.atelier-order.zip")
	if exported != wantPath {
		t.Errorf("exported to %s, want %s", exported, wantPath)
	}
	data, err := os.ReadFile(wantPath)
	if err != nil {
		t.Fatal(err)
	}
	demo, _ := assets.DemoCatalog()
	r := orderfile.Verify(data, []orderfile.CatalogSource{orderfile.NewCatalogSource(assets.DemoCatalogJSON, demo)}, orderfile.TrustAny(), orderfile.DefaultLimits)
	if !r.OK {
		t.Fatalf("the package does not verify: %+v", r.Findings)
	}
	o := r.Order
	if o.Number != "DEMO-00001" || len(o.Lines) != 2 || o.Lines[0].Quantity != 1 || o.Lines[1].Quantity != 3 ||
		o.Lines[0].Design != "Corner desk" || o.Customer == nil || o.Customer.Name != "Anna Meyer" ||
		o.Customer.Address != "Elbchaussee 112\n22763 Hamburg" || o.RequestedDate != "2027-03-15" || o.Notes != "Please call before delivery." {
		t.Errorf("order.json = %+v", o)
	}
	if o.Totals.Gross != gross.StringFixed(2) {
		t.Errorf("the package's gross %s, the view showed %s", o.Totals.Gross, gross.StringFixed(2))
	}
	orders, err := db.Orders(ctx)
	if err != nil || len(orders) != 1 {
		t.Fatalf("orders = %+v, %v", orders, err)
	}
	sum := sha256.Sum256(data)
	if got := orders[0]; got.Status != "exported" || got.ExportedFile != wantPath || got.ExportedHash != hex.EncodeToString(sum[:]) || got.Customer != anna {
		t.Errorf("order record = %+v", got)
	}
	if x, _ := db.Design(ctx, desk); x.Status != storage.Ordered {
		t.Errorf("the desk's status = %s, want ordered", x.Status)
	}
	// The draft is cleared, in the preferences too.
	if d.OrderLines() != 0 || d.rail.items[screenOrder].badge != "" || len(loadDraft(d.prefs).Lines) != 0 {
		t.Errorf("after the export: %d lines, button %q", d.OrderLines(), d.rail.items[screenOrder].badge)
	}
	// The result names the file and copies its path.
	top := w.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), wantPath) || !strings.Contains(texts(top), "DEMO-00001") {
		t.Fatalf("no result dialog with the path")
	}
	tapButton(t, w, "Copy path")
	if got := fyne.CurrentApp().Clipboard().Content(); got != wantPath {
		t.Errorf("clipboard = %q, want %q", got, wantPath)
	}
	if got := d.prefs.String(folderPrefKey); got != folder {
		t.Errorf("remembered folder = %q", got)
	}
}

// The draft order is kept in the preferences: a new designer (the next
// run) on the same preferences has it, with its quantities.
func TestDraftOrderSurvivesRestart(t *testing.T) {
	d, _, q, db := newOrderDesigner(t)
	prefs := d.prefs
	d.Decide("top", choice("oak"))
	addNamed(t, d, q, "Desk for the hall", "")
	v := showOrder(t, d, q)
	test.Tap(v.lines[0].plus)
	v.notes.SetText("Second floor, no lift.")

	d2, _, q2 := newDesignerQueue(t)
	attach(t, d2, db)
	d2.SetPreferences(prefs)
	d2.SetOrderExport(testExport(t, db))
	if d2.OrderLines() != 1 || d2.rail.items[screenOrder].badge != "1" {
		t.Fatalf("the new designer has %d lines, button %q", d2.OrderLines(), d2.rail.items[screenOrder].badge)
	}
	v2 := showOrder(t, d2, q2)
	if got := v2.lines[0]; got.line.Name != "Desk for the hall" || got.qty.Text != "2" || got.priced == nil {
		t.Errorf("restored line %+v, quantity %q", got.line, got.qty.Text)
	}
	if v2.notes.Text != "Second floor, no lift." {
		t.Errorf("restored notes %q", v2.notes.Text)
	}
	// Removing the line empties the kept draft too.
	test.Tap(v2.lines[0].remove)
	if d2.OrderLines() != 0 || len(loadDraft(prefs).Lines) != 0 || !v2.empty.Visible() {
		t.Errorf("after removing: %d lines, kept %d", d2.OrderLines(), len(loadDraft(prefs).Lines))
	}
}

// A failed export says so once, in plain words, and keeps the draft; an
// order numbered before the failure is cancelled.
func TestOrderExportFailures(t *testing.T) {
	d, w, q, db := newOrderDesigner(t)
	ctx := context.Background()
	d.Decide("top", choice("walnut"))
	addNamed(t, d, q, "Desk", "")
	v := showOrder(t, d, q)
	export := func(folder string) error {
		t.Helper()
		var got error
		done := false
		d.OnExported = func(_ string, err error) { got, done = err, true }
		v.exportTo(folder)
		eventually(t, q, "the export", func() bool { return done })
		return got
	}

	// A folder that is not there: nothing is numbered.
	err := export(filepath.Join(t.TempDir(), "missing"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("export to a missing folder: %v", err)
	}
	msg := texts(w.Canvas().Overlays().Top())
	if !strings.Contains(msg, "order was not exported") || !strings.Contains(msg, "does not exist") {
		t.Errorf("the error dialog says:\n%s", msg)
	}
	if orders, _ := db.Orders(ctx); len(orders) != 0 {
		t.Errorf("orders after a failure before numbering: %+v", orders)
	}
	if d.OrderLines() != 1 {
		t.Errorf("the draft lost its line")
	}
	w.Canvas().Overlays().Top().(interface{ Hide() }).Hide()

	// Packaging fails: the numbered order is cancelled, the draft kept.
	d.export.Package = func(context.Context, int64, orderfile.Settings) (*orderfile.Order, []byte, error) {
		return nil, nil, errors.New("the disk is full")
	}
	err = export(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "the disk is full") || !strings.Contains(err.Error(), "DEMO-00001 was cancelled") {
		t.Fatalf("export with a failing package: %v", err)
	}
	if orders, _ := db.Orders(ctx); len(orders) != 1 || orders[0].Status != "cancelled" {
		t.Errorf("orders = %+v, want one cancelled", orders)
	}
	if d.OrderLines() != 1 || v.exporting || v.exportBn.Disabled() {
		t.Errorf("after the failure: %d lines, exporting %v, export disabled %v", d.OrderLines(), v.exporting, v.exportBn.Disabled())
	}

	// An empty order is not exported.
	test.Tap(v.lines[0].remove)
	v.chooseFolder()
	if msg := texts(w.Canvas().Overlays().Top()); !strings.Contains(msg, "The order is empty") {
		t.Errorf("exporting an empty order says:\n%s", msg)
	}
}

// A design that breaks the rules is not added to the order.
func TestBrokenDesignIsNotAdded(t *testing.T) {
	d, w, q, _ := newOrderDesigner(t)
	d.Decide("top", choice("glass"))
	d.Decide("width", number(2000))
	waitEngine(t, d, q)
	d.AddToOrder()
	if d.OrderLines() != 0 || d.details != nil {
		t.Fatalf("a broken design went on: %d lines, save dialog %v", d.OrderLines(), d.details != nil)
	}
	if msg := texts(w.Canvas().Overlays().Top()); !strings.Contains(msg, "Glass tops are made up to 1600 mm wide.") {
		t.Errorf("the message says:\n%s", msg)
	}
}

func TestDraftOrderAdd(t *testing.T) {
	var o draftOrder
	for _, tc := range []struct {
		name string
		line draftLine
		want string
		n    int
	}{
		{"new", draftLine{Design: 1, RevisionID: 10, Revision: 1, Name: "A", Quantity: 2, Customer: 7}, "“A” was added to the order (1 design).", 1},
		{"another", draftLine{Design: 2, RevisionID: 20, Revision: 1, Name: "B"}, "“B” was added to the order (2 designs).", 2},
		{"same revision", draftLine{Design: 1, RevisionID: 10, Revision: 1, Name: "A"}, "“A” is already in the order.", 2},
		{"newer revision", draftLine{Design: 1, RevisionID: 11, Revision: 2, Name: "A", Customer: 7}, "The order now has revision 2 of “A”.", 2},
	} {
		if got := o.add(tc.line); got != tc.want || len(o.Lines) != tc.n {
			t.Errorf("%s: %q with %d lines, want %q with %d", tc.name, got, len(o.Lines), tc.want, tc.n)
		}
	}
	if o.Lines[0].RevisionID != 11 || o.Lines[0].Quantity != 2 || o.Lines[1].Quantity != 1 {
		t.Errorf("lines = %+v", o.Lines)
	}
	if o.customer() != 7 || o.pieces() != 3 {
		t.Errorf("customer %d, pieces %d", o.customer(), o.pieces())
	}
	o.Customer, o.CustomerSet = 0, true // the user chose no customer
	if o.customer() != 0 {
		t.Errorf("customer after choosing none = %d", o.customer())
	}
	if rest := o.without([]int64{11}); len(rest.Lines) != 1 || rest.Lines[0].Design != 2 || !rest.CustomerSet {
		t.Errorf("without the first: %+v", rest)
	}
	if rest := o.without([]int64{11, 20}); len(rest.Lines) != 0 || rest.CustomerSet {
		t.Errorf("without all: %+v", rest)
	}
}

// A discount on one line and a dealer discount for the sofa's price group
// reach the totals and the package; the package imported back recreates
// the designs, and a tampered one is refused with the reason.
func TestLineAndGroupDiscountsExportAndImport(t *testing.T) {
	d, w, q, db := newOrderDesigner(t)
	ctx := context.Background()
	s := d.Dealer()
	s.GroupDiscounts = map[string]decimal.Decimal{"living": dec("40")}
	d.SetDealer(s)
	d.Decide("top", choice("walnut"))
	addNamed(t, d, q, "Desk", "")
	d.SelectProduct("kolme-sofa")
	addNamed(t, d, q, "Sofa", "")
	v := showOrder(t, d, q)
	v.lines[1].discount.SetText("12,5")
	if got := d.draft.Lines[1].Discount; got != "12.5" {
		t.Fatalf("the sofa's discount is kept as %q", got)
	}
	v.lines[0].discount.SetText("abc") // not a number: the last good value stays
	if d.draft.Lines[0].Discount != "" || v.lines[0].discount.Validate() == nil {
		t.Errorf("a discount of abc: kept %q, validation %v", d.draft.Lines[0].Discount, v.lines[0].discount.Validate())
	}
	v.lines[0].discount.SetText("")
	sofa := v.lines[1].priced
	if !sofa.DealerDiscount.Equal(dec("40")) || !sofa.LineDiscount.Equal(dec("12.5")) {
		t.Fatalf("sofa priced with dealer discount %s, line discount %s", sofa.DealerDiscount, sofa.LineDiscount)
	}
	want := v.lines[0].priced.CustomerNet.Add(sofa.CustomerNet)
	if got := v.totals.customer.amount.Text; got != money(want) {
		t.Errorf("customer net total %q, want %q", got, money(want))
	}
	if name := v.totals.net.name.Text; strings.Contains(name, "%") {
		t.Errorf("the lines have different dealer discounts, yet the total says %q", name)
	}

	path := exportInto(t, d, q, v, t.TempDir())
	w.Canvas().Overlays().Top().(interface{ Hide() }).Hide()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := assets.DemoCatalog()
	r := orderfile.Verify(data, []orderfile.CatalogSource{orderfile.NewCatalogSource(assets.DemoCatalogJSON, cat)}, orderfile.TrustAny(), orderfile.DefaultLimits)
	if !r.OK || r.Order.Lines[1].Price.LineDiscount != "12.5" || r.Order.Lines[1].Price.DealerDiscount != "40" || r.Order.Lines[0].Price.DealerDiscount != "30" {
		t.Fatalf("the package: ok %v, %+v", r.OK, r.Findings)
	}

	var got *orderfile.Imported
	var gotErr error
	done := false
	d.OnImported = func(i *orderfile.Imported, err error) { got, gotErr, done = i, err, true }
	d.ImportOrderData(filepath.Base(path), data)
	eventually(t, q, "the import", func() bool { return done })
	if gotErr != nil || len(got.Designs) != 2 {
		t.Fatalf("import: %v, %+v", gotErr, got)
	}
	if msg := texts(w.Canvas().Overlays().Top()); !strings.Contains(msg, "2 designs were recreated") || !strings.Contains(msg, "Sofa · Kolme Modular Sofa") {
		t.Errorf("the import says:\n%s", msg)
	}
	w.Canvas().Overlays().Top().(interface{ Hide() }).Hide()
	if n, _ := db.Counts(ctx); n.Designs != 4 {
		t.Errorf("%d designs after the import, want 4", n.Designs)
	}

	bad := bytes.Clone(data)
	bad[len(bad)/2] ^= 1
	done = false
	d.ImportOrderData("bad.zip", bad)
	eventually(t, q, "the refused import", func() bool { return done })
	if !errors.Is(gotErr, orderfile.ErrNotVerified) {
		t.Errorf("a tampered package: %v, want ErrNotVerified", gotErr)
	}
	if msg := texts(w.Canvas().Overlays().Top()); !strings.Contains(msg, "not imported") {
		t.Errorf("the refusal says:\n%s", msg)
	}
	if n, _ := db.Counts(ctx); n.Designs != 4 {
		t.Errorf("%d designs after a refused import, want 4", n.Designs)
	}
}

// An export can be cancelled while it runs: the order it numbered is
// cancelled, no file is written, the draft stays.
func TestOrderExportCancelled(t *testing.T) {
	d, _, q, db := newOrderDesigner(t)
	ctx := context.Background()
	d.Decide("top", choice("walnut"))
	addNamed(t, d, q, "Desk", "")
	v := showOrder(t, d, q)
	started := make(chan struct{})
	d.export.Package = func(ctx context.Context, id int64, s orderfile.Settings) (*orderfile.Order, []byte, error) {
		close(started)
		<-ctx.Done()
		return nil, nil, ctx.Err()
	}
	var got error
	done := false
	d.OnExported = func(_ string, err error) { got, done = err, true }
	folder := t.TempDir()
	v.exportTo(folder)
	<-started
	if !v.cancelBn.Visible() || v.exportBn.Visible() {
		t.Fatal("no Cancel while exporting")
	}
	test.Tap(v.cancelBn)
	eventually(t, q, "the cancelled export", func() bool { return done })
	if !errors.Is(got, errExportCancelled) || !strings.Contains(d.status.Text, "cancelled") {
		t.Errorf("export: %v, status %q", got, d.status.Text)
	}
	if files, _ := os.ReadDir(folder); len(files) != 0 {
		t.Errorf("files written: %v", files)
	}
	if orders, _ := db.Orders(ctx); len(orders) != 1 || orders[0].Status != "cancelled" {
		t.Errorf("orders: %+v", orders)
	}
	if d.OrderLines() != 1 || v.cancelBn.Visible() || !v.exportBn.Visible() {
		t.Errorf("after: %d lines, cancel visible %v", d.OrderLines(), v.cancelBn.Visible())
	}
}
