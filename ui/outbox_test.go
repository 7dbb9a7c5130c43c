package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/outbox"
)

// fakeSender is the outbox as main wires it, except that every order goes
// to "Nordholm" through a folder inbox (the demo catalog names none) and
// CanSend answers what the test says.
type fakeSender struct {
	db     *storage.DB
	inbox  string // the folder the items are addressed to
	mu     sync.Mutex
	noSend error // CanSend's answer
	asked  int
	kicks  int
}

func (f *fakeSender) CanSend(ctx context.Context, revisions []int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	return f.noSend
}

// Send builds the real package (so the settings and key must be right)
// and queues it as outbox.Queue does.
func (f *fakeSender) Send(ctx context.Context, order int64, s orderfile.Settings) (storage.OutboxItem, error) {
	o, err := f.db.Order(ctx, order)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	_, pkg, err := orderfile.PackageOrder(ctx, f.db, order, s)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	return queueFake(ctx, f.db, o, s.Dealer.ID, pkg, f.inbox)
}

func (f *fakeSender) Kick() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kicks++
}

func (f *fakeSender) SSHKey() (string, error) {
	return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest atelier-dealer", nil
}

func queueFake(ctx context.Context, db *storage.DB, o storage.Order, dealer string, pkg []byte, inbox string) (storage.OutboxItem, error) {
	sum := sha256.Sum256(pkg)
	addr, _ := json.Marshal(map[string]string{"Folder": inbox})
	return db.QueueOrder(ctx, storage.OutboxItem{Order: o.ID, Revision: o.Revision, Number: o.Number, Dealer: dealer,
		File: outbox.FileName(o.Number, o.Revision), Package: pkg, SHA256: hex.EncodeToString(sum[:]), Manufacturer: "Nordholm",
		Address: addr})
}

// newSendingDesigner is an order designer with a design in the draft
// order and the fake outbox wired.
func newSendingDesigner(t *testing.T, noSend error) (*Designer, fyne.Window, uiQueue, *storage.DB, *fakeSender, *orderView) {
	t.Helper()
	d, w, q, db := newOrderDesigner(t)
	addNamed(t, d, q, "Corner desk", "Anna Meyer")
	f := &fakeSender{db: db, inbox: t.TempDir(), noSend: noSend}
	d.SetSender(f)
	v := showOrder(t, d, q)
	return d, w, q, db, f, v
}

func waitSent(t *testing.T, d *Designer, q uiQueue, start func()) (storage.OutboxItem, error) {
	t.Helper()
	var got struct {
		it   storage.OutboxItem
		err  error
		done bool
	}
	d.OnSent = func(it storage.OutboxItem, err error) { got.it, got.err, got.done = it, err, true }
	start()
	eventually(t, q, "the send", func() bool { return got.done })
	d.OnSent = nil
	return got.it, got.err
}

// Send to manufacturer numbers the order once, queues it, clears the
// draft, asks for a delivery and says in plain words where it is.
func TestSendOrderQueuesIt(t *testing.T) {
	d, _, q, db, f, v := newSendingDesigner(t, nil)
	ctx := context.Background()
	eventually(t, q, "the Send button", func() bool { return v.sendBn.Visible() })
	if v.sendBn.Importance != widget.HighImportance || v.exportBn.Importance != widget.MediumImportance {
		t.Errorf("importance: send %v, export %v; want send high, export medium", v.sendBn.Importance, v.exportBn.Importance)
	}
	it, err := waitSent(t, d, q, v.send)
	if err != nil {
		t.Fatal(err)
	}
	orders, _ := db.Orders(ctx)
	if len(orders) != 1 || orders[0].Number != it.Number {
		t.Fatalf("orders: %+v, want one, %s", orders, it.Number)
	}
	items, _ := db.Outbox(ctx)
	if len(items) != 1 || items[0].State != storage.OutboxQueued || items[0].Revision != 1 {
		t.Fatalf("outbox: %+v, want one queued first revision", items)
	}
	if d.OrderLines() != 0 {
		t.Errorf("the draft has %d lines after the send, want 0", d.OrderLines())
	}
	if f.kicks != 1 {
		t.Errorf("kicks: %d, want 1", f.kicks)
	}
	want := "Order " + it.Number + " is queued for Nordholm; it goes out as soon as their inbox can be reached."
	if got := queuedMessage(it.Number, it.Manufacturer); got != want || d.notice != want {
		t.Errorf("message: %q / status %q, want %q", got, d.notice, want)
	}
	eventually(t, q, "the status line", func() bool { return d.outboxLabel.Text == "1 order on its way" && d.outboxLabel.Visible() })
}

// A manufacturer that takes no orders through Atelier: no Send button,
// the export is the main button; sending anyway (from the menu) says so,
// keeps the draft and numbers no order.
func TestSendOrderNoInboxKeepsTheDraft(t *testing.T) {
	noInbox := fmt.Errorf("catalog demo 1 is not a manufacturer's signed package: %w", outbox.ErrNoInbox)
	d, _, q, db, f, v := newSendingDesigner(t, noInbox)
	eventually(t, q, "the check", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.asked > 0
	})
	q.drain()
	if v.sendBn.Visible() || v.exportBn.Importance != widget.HighImportance {
		t.Errorf("send visible %v, export importance %v; want hidden, high", v.sendBn.Visible(), v.exportBn.Importance)
	}
	_, err := waitSent(t, d, q, v.send)
	if !errors.Is(err, outbox.ErrNoInbox) {
		t.Fatalf("err %v, want ErrNoInbox", err)
	}
	if orders, _ := db.Orders(context.Background()); len(orders) != 0 {
		t.Errorf("%d orders were numbered, want none", len(orders))
	}
	if d.OrderLines() != 1 {
		t.Errorf("the draft has %d lines, want 1", d.OrderLines())
	}
	if msg := noInboxMessage("Nordholm"); !strings.Contains(msg, "Export the order and send the file as before") {
		t.Errorf("message %q", msg)
	}
}

const longReason = "Line 1: the oak top in 2400 mm is not made any more since the spring collection; choose walnut or ash, or a top of at most 2000 mm, and send the order again with the corrected design."

// seedOutbox makes an order of the design's revision in every state: one
// queued whose inbox cannot be reached, one delivered, one accepted, and
// one refused with two reasons (one long). It returns them by state.
func seedOutbox(t *testing.T, db *storage.DB, revision int64, inbox string) map[string]storage.OutboxItem {
	t.Helper()
	ctx := context.Background()
	out := map[string]storage.OutboxItem{}
	for _, state := range []string{storage.OutboxAccepted, storage.OutboxDelivered, storage.OutboxRefused, storage.OutboxQueued} {
		o, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: "BER01", Lines: []storage.OrderLine{{Revision: revision, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		it, err := queueFake(ctx, db, o, "BER01", []byte("package of "+o.Number), inbox)
		if err != nil {
			t.Fatal(err)
		}
		switch state {
		case storage.OutboxQueued:
			err = db.OutboxFailed(ctx, it.ID, "dial tcp 10.0.0.7:22: the manufacturer's inbox cannot be reached", time.Date(2026, 3, 12, 14, 5, 0, 0, time.Local))
		case storage.OutboxDelivered:
			err = db.OutboxDelivered(ctx, it.ID)
		case storage.OutboxAccepted:
			_, _, err = db.OutboxAnswered(ctx, it.SHA256, storage.OutboxAccepted, nil, "NH-2026-0412")
		case storage.OutboxRefused:
			_, _, err = db.OutboxAnswered(ctx, it.SHA256, storage.OutboxRefused, []string{longReason, "Line 1: the price list of 2025 is no longer valid."}, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		out[state] = it
	}
	return out
}

// showSent shows the Sent orders screen and waits for the outbox.
func showSent(t *testing.T, d *Designer, q uiQueue) *sentView {
	t.Helper()
	loaded := false
	d.OnOutbox = func() { loaded = true }
	d.ShowSent()
	eventually(t, q, "the outbox", func() bool { return loaded })
	d.OnOutbox = nil
	return d.sent
}

func shownFor(v *sentView, id int64) sentRowText {
	for _, r := range v.shown {
		if r.ID == id {
			return r
		}
	}
	return sentRowText{}
}

// The Sent orders screen shows each state with its words: the problem and
// the next attempt of one queued, the reasons of one refused (wrapped),
// and "Correct and send again" for the refused one only.
func TestSentOrdersShowEachState(t *testing.T) {
	d, w, q, db := newOrderDesigner(t)
	saveNamed(t, d, q, false, "Corner desk", "")
	rev, err := db.Revision(context.Background(), d.DesignID(), 0)
	if err != nil {
		t.Fatal(err)
	}
	items := seedOutbox(t, db, rev.ID, t.TempDir())
	d.SetSender(&fakeSender{db: db})
	v := showSent(t, d, q)
	if len(v.shown) != 4 {
		t.Fatalf("%d rows, want 4", len(v.shown))
	}
	if v.shown[0].State != "Queued" {
		t.Errorf("first row %q, want the newest (queued)", v.shown[0].State)
	}
	for _, c := range []struct{ state, badge, detail string }{
		{storage.OutboxQueued, "Queued", "The inbox cannot be reached — trying again at 14:05."},
		{storage.OutboxDelivered, "Delivered", "In Nordholm's inbox; waiting for their answer."},
		{storage.OutboxAccepted, "Accepted", "Accepted by Nordholm. Their reference: NH-2026-0412."},
		{storage.OutboxRefused, "Refused", "Refused by Nordholm:"},
	} {
		t.Run(c.state, func(t *testing.T) {
			r := shownFor(v, items[c.state].ID)
			if r.State != c.badge || r.Detail != c.detail {
				t.Errorf("got %q %q, want %q %q", r.State, r.Detail, c.badge, c.detail)
			}
			if r.Revision != "revision 1" || r.About != "to Nordholm" || r.When == "" {
				t.Errorf("got %q %q %q", r.Revision, r.About, r.When)
			}
			if _, ok := v.resend[items[c.state].ID]; ok != (c.state == storage.OutboxRefused) {
				t.Errorf("Correct and send again shown: %v", ok)
			}
		})
	}
	if got := d.outboxLabel.Text; got != "Order "+items[storage.OutboxRefused].Number+" refused · 2 orders on their way" {
		t.Errorf("status line %q", got)
	}
	// The long reason wraps within the screen's width.
	w.Resize(fyne.NewSize(1000, 700))
	var reason *widget.Label
	for _, o := range test.LaidOutObjects(v.content) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, longReason) {
			reason = l
		}
	}
	if reason == nil {
		t.Fatal("the long reason is not on the screen")
	}
	one := widget.NewLabel("x").MinSize().Height
	if reason.Wrapping != fyne.TextWrapWord || reason.Size().Height < one*1.5 || reason.Size().Width > 1000 {
		t.Errorf("the long reason: wrapping %v, size %v (one line %v)", reason.Wrapping, reason.Size(), one)
	}
}

// Correct and send again makes revision 2 of the refused order from its
// design's newest save, and queues it; with nothing saved since, it says
// so and makes nothing.
func TestCorrectAndSendAgain(t *testing.T) {
	d, w, q, db := newOrderDesigner(t)
	ctx := context.Background()
	asDealer(d, "BER01")
	d.Decide("top", choice("walnut"))
	waitEngine(t, d, q)
	saveNamed(t, d, q, false, "Corner desk", "")
	rev, err := db.Revision(ctx, d.DesignID(), 0)
	if err != nil {
		t.Fatal(err)
	}
	items := seedOutbox(t, db, rev.ID, t.TempDir())
	refused := items[storage.OutboxRefused]
	f := &fakeSender{db: db, inbox: t.TempDir()}
	d.SetSender(f)
	v := showSent(t, d, q)

	if _, err := waitSent(t, d, q, func() { test.Tap(v.resend[refused.ID]) }); !errors.Is(err, errNothingCorrected) {
		t.Fatalf("err %v, want nothing corrected", err)
	}
	// It asks whether to send the order unchanged; Cancel makes nothing.
	eventually(t, q, "the question", func() bool {
		top := w.Canvas().Overlays().Top()
		return top != nil && strings.Contains(texts(top), "Send the order again unchanged?")
	})
	tapButton(t, w, "Cancel")
	if o, _ := db.Order(ctx, refused.Order); o.Revision != 1 {
		t.Errorf("revision %d, want 1", o.Revision)
	}

	d.Decide("top", choice("oak"))
	d.Save()
	eventually(t, q, "revision 2 of the design", func() bool { return !d.saving && d.doc.revision == 2 })
	eventually(t, q, "the button", func() bool { return v.resend[refused.ID] != nil && !v.resend[refused.ID].Disabled() })
	it, err := waitSent(t, d, q, func() { test.Tap(v.resend[refused.ID]) })
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.Order(ctx, refused.Order)
	if err != nil {
		t.Fatal(err)
	}
	newest, _ := db.Revision(ctx, d.DesignID(), 0)
	if o.Revision != 2 || o.Number != refused.Number || len(o.Lines) != 1 || o.Lines[0].Revision != newest.ID {
		t.Errorf("order %s revision %d lines %+v, want %s revision 2 of design revision %d", o.Number, o.Revision, o.Lines, refused.Number, newest.ID)
	}
	if it.Revision != 2 || it.State != storage.OutboxQueued || f.kicks != 1 {
		t.Errorf("queued %+v, kicks %d", it, f.kicks)
	}
	eventually(t, q, "the new row", func() bool { return len(v.shown) == 5 && v.shown[0].Revision == "revision 2" })
	if _, ok := v.resend[refused.ID]; ok {
		t.Error("the refused revision still offers Correct and send again")
	}
}

// When the outbox agent changes an item (here: it delivers to a folder
// inbox and its OnChange is wired as main wires it), the screen and the
// status line follow.
func TestSentOrdersFollowTheAgent(t *testing.T) {
	d, _, q, db := newOrderDesigner(t)
	saveNamed(t, d, q, false, "Corner desk", "")
	rev, _ := db.Revision(context.Background(), d.DesignID(), 0)
	o, err := db.CreateOrder(context.Background(), storage.OrderInput{Dealer: "BER01", Lines: []storage.OrderLine{{Revision: rev.ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	it, err := queueFake(context.Background(), db, o, "BER01", []byte("a package"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d.SetSender(&fakeSender{db: db})
	v := showSent(t, d, q)
	if r := shownFor(v, it.ID); r.State != "Queued" {
		t.Fatalf("state %q, want Queued", r.State)
	}
	a := &outbox.Agent{Sender: &outbox.Sender{DB: db}, Tick: 20 * time.Millisecond, OnChange: func() { q.do(d.OutboxChanged) }}
	a.Start()
	defer a.Stop()
	eventually(t, q, "the delivery on screen", func() bool { return shownFor(v, it.ID).State == "Delivered" })
	if got := d.outboxLabel.Text; got != "1 order on its way" {
		t.Errorf("status line %q", got)
	}
}

// A refusal that needs no change of the designs (the manufacturer put it
// right on its side): the order is sent again as it is, as revision 2,
// once the user says so.
func TestSendAgainUnchanged(t *testing.T) {
	d, w, q, db := newOrderDesigner(t)
	ctx := context.Background()
	asDealer(d, "BER01")
	d.Decide("top", choice("walnut"))
	waitEngine(t, d, q)
	saveNamed(t, d, q, false, "Corner desk", "")
	rev, err := db.Revision(ctx, d.DesignID(), 0)
	if err != nil {
		t.Fatal(err)
	}
	refused := seedOutbox(t, db, rev.ID, t.TempDir())[storage.OutboxRefused]
	d.SetSender(&fakeSender{db: db, inbox: t.TempDir()})
	v := showSent(t, d, q)
	if _, err := waitSent(t, d, q, func() { test.Tap(v.resend[refused.ID]) }); !errors.Is(err, errNothingCorrected) {
		t.Fatalf("err %v, want nothing corrected", err)
	}
	eventually(t, q, "the question", func() bool { return w.Canvas().Overlays().Top() != nil })
	it, err := waitSent(t, d, q, func() { tapButton(t, w, "Send it again as it is") })
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.Order(ctx, refused.Order)
	if err != nil {
		t.Fatal(err)
	}
	if o.Revision != 2 || it.Revision != 2 || len(o.Lines) != 1 || o.Lines[0].Revision != rev.ID {
		t.Errorf("order revision %d (queued %d), lines %+v; want revision 2 of the same design revision %d", o.Revision, it.Revision, o.Lines, rev.ID)
	}
}

// asDealer sets the dealer code the designer sends as.
func asDealer(d *Designer, code string) {
	ds := DefaultDealerSettings()
	ds.ID, ds.Name = code, "Wohnwerk Berlin"
	d.SetDealer(ds)
}

// A refused order of dealer BER01 is not sent again while the settings
// name another dealer code: no revision is made for nothing.
func TestSendAgainNeedsTheOrdersDealer(t *testing.T) {
	d, _, q, db := newOrderDesigner(t)
	ctx := context.Background()
	asDealer(d, "HAM02")
	d.Decide("top", choice("walnut"))
	waitEngine(t, d, q)
	saveNamed(t, d, q, false, "Corner desk", "")
	rev, err := db.Revision(ctx, d.DesignID(), 0)
	if err != nil {
		t.Fatal(err)
	}
	refused := seedOutbox(t, db, rev.ID, t.TempDir())[storage.OutboxRefused]
	d.SetSender(&fakeSender{db: db, inbox: t.TempDir()})
	v := showSent(t, d, q)
	if _, err := waitSent(t, d, q, func() { test.Tap(v.resend[refused.ID]) }); err == nil || !strings.Contains(err.Error(), "set the dealer code back to BER01") {
		t.Fatalf("err %v, want one about the dealer code", err)
	}
	if o, _ := db.Order(ctx, refused.Order); o.Revision != 1 {
		t.Errorf("revision %d, want 1", o.Revision)
	}
}
