package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage"
	"github.com/shopspring/decimal"
)

// fakeShop is a shop link without a server: Join takes one code.
type fakeShop struct {
	mu     sync.Mutex
	st     ShopStatus
	synced int
	joined [2]string
}

func (f *fakeShop) Status() ShopStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}
func (f *fakeShop) SyncNow() { f.mu.Lock(); f.synced++; f.mu.Unlock() }
func (f *fakeShop) Join(_ context.Context, server, code string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if code != "2-ABCD-EFGH" {
		return errors.New("this is not a pairing code, or it is mistyped: check it letter by letter")
	}
	f.joined = [2]string{server, code}
	f.st = ShopStatus{Joined: true, Name: "Laptop Anna", Machine: 2, Server: server, Online: true, LastSync: time.Now()}
	return nil
}
func (f *fakeShop) Leave(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st = ShopStatus{}
	return nil
}

// Settings → Shop: a machine in no shop shows the join form; a wrong code
// says why; the right one shows the machine, its server and its state;
// the status line says where it stands; leaving goes back to the form.
func TestShopSettingsJoinAndLeave(t *testing.T) {
	d, w, q := newDesignerQueue(t)
	shop := &fakeShop{}
	d.SetShop(shop)
	d.ShowSettings()
	v := d.settings.shop
	if !v.joining.Visible() || v.joined.Visible() || !d.shopLabel.Hidden {
		t.Fatal("a machine in no shop: want the join form and no words in the status line")
	}
	v.server.SetText("office.local/atelier")
	v.code.SetText("2-ABCD-EFGX")
	test.Tap(v.joinBtn)
	eventually(t, q, "the refusal", func() bool { return v.problem.Visible() })
	if !strings.Contains(v.problem.Text, "mistyped") {
		t.Errorf("refusal %q", v.problem.Text)
	}
	v.code.SetText("2-ABCD-EFGH")
	test.Tap(v.joinBtn)
	eventually(t, q, "the joined page", func() bool { return v.joined.Visible() })
	if shop.joined != [2]string{"office.local/atelier", "2-ABCD-EFGH"} {
		t.Errorf("joined with %q", shop.joined)
	}
	if got := v.machine.Text; got != "Laptop Anna (machine 2, dealer)" {
		t.Errorf("machine %q", got)
	}
	if got := d.shopLabel.Text; got != "Synced just now" || d.shopLabel.Hidden {
		t.Errorf("status line %q (hidden %v)", got, d.shopLabel.Hidden)
	}
	test.Tap(v.syncBtn)
	if shop.synced != 1 {
		t.Errorf("Sync now asked %d times", shop.synced)
	}
	// Offline with changes waiting: said, as a warning.
	d.ShopChanged(ShopStatus{Joined: true, Name: "Laptop Anna", Machine: 2, Pending: 3, Err: "dial tcp: connection refused"})
	if got := d.shopLabel.Text; got != "Offline: 3 changes waiting" || d.shopLabel.Importance != widget.WarningImportance {
		t.Errorf("offline: %q (%v)", got, d.shopLabel.Importance)
	}
	if !strings.Contains(v.state.Text, "connection refused") {
		t.Errorf("the page does not say why: %q", v.state.Text)
	}
	v.askLeave()
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Leave the shop"))
	eventually(t, q, "the form again", func() bool { return v.joining.Visible() && !v.joined.Visible() })
	if !d.shopLabel.Hidden {
		t.Error("after leaving the status line still speaks of a shop")
	}
}

func TestShopLineSaysWhereTheMachineStands(t *testing.T) {
	now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.Local)
	for _, c := range []struct {
		st        ShopStatus
		conflicts int
		want      string
	}{
		{ShopStatus{}, 0, ""},
		{ShopStatus{Joined: true, Syncing: true}, 0, "Syncing…"},
		{ShopStatus{Joined: true, Pending: 1}, 0, "Offline: 1 change waiting"},
		{ShopStatus{Joined: true}, 0, "Offline"},
		{ShopStatus{Joined: true, Online: true, LastSync: now.Add(-20 * time.Second)}, 0, "Synced just now"},
		{ShopStatus{Joined: true, Online: true, LastSync: now.Add(-3 * time.Minute)}, 0, "Synced 3 min ago"},
		{ShopStatus{Joined: true, Online: true, LastSync: now.Add(-3 * time.Hour)}, 2, "Synced at 12:00 · 2 designs changed on two machines"},
		{ShopStatus{Joined: true, Online: true, LastSync: now}, 1, "Synced just now · 1 design changed on two machines"},
	} {
		if got := shopLine(c.st, c.conflicts, now); got != c.want {
			t.Errorf("%+v, %d: %q, want %q", c.st, c.conflicts, got, c.want)
		}
	}
}

// forkedDesign is a designer whose library holds a design changed on two
// machines (seats 4 here, 2 on "Laptop Ben"), carried as a sync would.
func forkedDesign(t *testing.T) (*Designer, fyne.Window, uiQueue, *storage.DB, storage.Design) {
	d, w, q, db := newStoredDesigner(t)
	ctx := context.Background()
	other := openTestDB(t, filepath.Join(t.TempDir(), "other.db"))
	if err := db.JoinShop(ctx, 1, "Office"); err != nil {
		t.Fatal(err)
	}
	if err := other.JoinShop(ctx, 2, "Laptop Ben"); err != nil {
		t.Fatal(err)
	}
	cats, _ := db.Catalogs(ctx)
	in := storage.DesignInput{Name: "Corner sofa", ProductID: "kolme-sofa", ProductName: "Kolme sofa", Catalog: cats[0].ID, Quantity: 1,
		Decisions: map[string]string{"seats": "3"}, Currency: "EUR", Total: "1000.00"}
	x, _, err := db.SaveDesign(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	carry(t, db, other)
	mine, _ := other.Designs(ctx, storage.Filter{})
	in.ID, in.Decisions = x.ID, map[string]string{"seats": "4"}
	if _, _, err := db.SaveDesign(ctx, in); err != nil {
		t.Fatal(err)
	}
	oc, _ := other.Catalogs(ctx)
	in.ID, in.Catalog, in.Decisions = mine[0].ID, oc[0].ID, map[string]string{"seats": "2"}
	if _, _, err := other.SaveDesign(ctx, in); err != nil {
		t.Fatal(err)
	}
	carry(t, other, db)
	d.SetShop(&fakeShop{st: ShopStatus{Joined: true, Name: "Office", Machine: 1, Online: true, LastSync: time.Now()}})
	return d, w, q, db, x
}

// reviewOpen opens the review of designs changed on two machines.
func reviewOpen(t *testing.T, d *Designer, w fyne.Window, q uiQueue) fyne.CanvasObject {
	t.Helper()
	d.ReviewChangedTwice()
	eventually(t, q, "the review", func() bool {
		top := w.Canvas().Overlays().Top()
		return top != nil && findButton(top, "Compare side by side") != nil
	})
	return w.Canvas().Overlays().Top()
}

// A design changed on two machines: the library says so, the review lists
// both versions with where they were made, and keeping one settles it.
func TestChangedOnTwoMachinesIsReviewedAndSettled(t *testing.T) {
	d, w, q, db, x := forkedDesign(t)
	ctx := context.Background()
	openLibrary(t, d, q)
	eventually(t, q, "the note on the status line", func() bool { return strings.Contains(d.shopLabel.Text, "1 design changed on two machines") })
	top := reviewOpen(t, d, w, q)
	if all := texts(top); !strings.Contains(all, "Revision 2, saved on this computer") || !strings.Contains(all, "Revision 3, saved on Laptop Ben") {
		t.Errorf("the review does not say where each version was made:\n%s", all)
	}
	var keep []*widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Keep this one" {
			keep = append(keep, b)
		}
	})
	if len(keep) != 2 {
		t.Fatalf("%d Keep buttons, want 2", len(keep))
	}
	test.Tap(keep[1]) // Ben's: 2 seats
	eventually(t, q, "settled", func() bool {
		return len(d.shopChangedTwice) == 0 && !strings.Contains(d.shopLabel.Text, "two machines")
	})
	rev, err := db.Revision(ctx, x.ID, 0)
	if err != nil || rev.Decisions["seats"] != "2" || rev.Number != 4 {
		t.Errorf("after keeping Ben's: revision %d with %v (%v)", rev.Number, rev.Decisions, err)
	}
}

// carry moves what one library has to send into another, as a sync
// through the shop would.
func carry(t *testing.T, from, to *storage.DB) {
	t.Helper()
	ctx := context.Background()
	for {
		b, receipt, err := from.SyncOutbox(ctx, 1000, 64<<20)
		if err != nil {
			t.Fatal(err)
		}
		if len(receipt) == 0 {
			return
		}
		if _, err := to.SyncApply(ctx, b, 0, nil); err != nil {
			t.Fatal(err)
		}
		if err := from.SyncSent(ctx, receipt); err != nil {
			t.Fatal(err)
		}
	}
}

// The dealer's settings belong to the shop: kept in the library when they
// are saved, they come to another machine's designer with the library's
// changes; a library without them takes this computer's.
func TestDealerSettingsTravelWithTheShop(t *testing.T) {
	d1, _, q1, db1 := newStoredDesigner(t)
	ctx := context.Background()
	eventually(t, q1, "this computer's settings in the library", func() bool {
		m, _ := db1.ShopSettings(ctx)
		return strings.Contains(string(m[settingIdentity].Value), `"name":"Demo dealer"`)
	})
	s := d1.Dealer()
	s.Name, s.DealerDiscount = "Möbel Jansen", decimal.NewFromInt(32)
	d1.SetDealer(s)
	eventually(t, q1, "the new settings in the library", func() bool {
		m, _ := db1.ShopSettings(ctx)
		return strings.Contains(string(m[settingIdentity].Value), "Möbel Jansen") && strings.Contains(string(m[settingTerms].Value), `"32"`)
	})
	db2 := openTestDB(t, filepath.Join(t.TempDir(), "laptop.db"))
	carry(t, db1, db2)
	d2, _, q2 := designerOn(t, d1.cat, fyne.NewSize(1280, 800))
	attach(t, d2, db2)
	eventually(t, q2, "the shop's settings on the other machine", func() bool { return d2.Dealer().Name == "Möbel Jansen" })
	if !d2.Dealer().DealerDiscount.Equal(decimal.NewFromInt(32)) {
		t.Errorf("discount %s", d2.Dealer().DealerDiscount)
	}
	// A change arriving later is taken when the sync says it brought something.
	s.Name = "Möbel Jansen GmbH"
	d1.SetDealer(s)
	eventually(t, q1, "the change in the library", func() bool {
		m, _ := db1.ShopSettings(ctx)
		return strings.Contains(string(m[settingIdentity].Value), "GmbH")
	})
	carry(t, db1, db2)
	d2.ShopChanged(ShopStatus{Joined: true, Online: true, LastSync: time.Now(), Received: 1})
	eventually(t, q2, "the later change", func() bool { return d2.Dealer().Name == "Möbel Jansen GmbH" })
}

// Opening one version to combine them: the user changes it and saves, and
// that settles the design.
func TestCombiningTwoVersionsSettlesTheDesign(t *testing.T) {
	d, w, q, db, x := forkedDesign(t)
	ctx := context.Background()
	openLibrary(t, d, q)
	top := reviewOpen(t, d, w, q)
	test.Tap(findButton(top, "Open to combine"))
	eventually(t, q, "the design open to combine", func() bool { return d.doc.id == x.ID && d.doc.settles })
	waitEngine(t, d, q)
	if err := d.DecideText("cover=velvet"); err != nil {
		t.Fatal(err)
	}
	waitEngine(t, d, q)
	before := d.doc.revision
	d.Save()
	eventually(t, q, "the save", func() bool { return !d.saving && d.doc.revision > before })
	eventually(t, q, "settled", func() bool { return len(d.shopChangedTwice) == 0 })
	if forked, _ := db.ChangedOnTwoMachines(ctx); len(forked) != 0 {
		t.Errorf("still changed on two machines: %v", forked)
	}
	heads, _ := db.DesignHeads(ctx, x.ID)
	if len(heads) != 1 || heads[0].Decisions["cover"] != "velvet" {
		t.Errorf("heads after combining: %+v", heads)
	}
}

// A customer's value that a later edit on another machine replaced is
// shown with the customer, under Earlier values.
func TestCustomerShowsEarlierValuesFromTheShop(t *testing.T) {
	d, _, q, db := newStoredDesigner(t)
	ctx := context.Background()
	id, err := db.SaveCustomer(ctx, storage.Customer{Name: "Jörg Müller", Email: "joerg@example.org", ConsentAt: "2026-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := db.SyncOutbox(ctx, 100, 1<<20)
	if err != nil || len(b.Customers) != 1 {
		t.Fatalf("outbox %+v %v", b.Customers, err)
	}
	if _, err := db.SyncApply(ctx, storage.SyncBatch{History: []storage.SyncHistory{
		{Customer: b.Customers[0].GID, Field: "email", Value: "jm@old.example.org", Stamp: "2026-12-01T10:00:00.000Z/0002"},
	}}, 0, nil); err != nil {
		t.Fatal(err)
	}
	v := showCustomers(t, d, q)
	c, _ := db.Customer(ctx, id)
	waitLoaded(t, v, q, "the customer", func() { v.open(c) })
	if all := texts(v.history); !strings.Contains(strings.ToLower(all), "earlier values") || !strings.Contains(all, "E-mail: jm@old.example.org") {
		t.Errorf("history: %q", all)
	}
	// A customer without such values has no section.
	other, _ := db.SaveCustomer(ctx, storage.Customer{Name: "Anna Meyer"})
	c, _ = db.Customer(ctx, other)
	waitLoaded(t, v, q, "the other customer", func() { v.open(c) })
	if len(v.history.Objects) != 0 {
		t.Errorf("a section for a customer without earlier values: %q", texts(v.history))
	}
}
