package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/atelier-app/atelier/storage"
)

// clock is a time the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// newShowroom starts showroom mode on a stored designer with PIN 4711
// (hashed cheaply: the test runs under the race detector) and a clock the
// test moves.
func newShowroom(t *testing.T) (*Designer, fyne.Window, uiQueue, *storage.DB, *Showroom, *clock) {
	t.Helper()
	d, w, q, db := newStoredDesigner(t)
	hash, err := hashPIN("4711", 1000)
	if err != nil {
		t.Fatal(err)
	}
	a := d.AppSettings()
	a.Showroom.PIN = hash
	a.Showroom.IdleSeconds, a.Showroom.CountdownSeconds = 60, 10
	d.SetAppSettings(a)
	c := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	s := d.startShowroom(c.now)
	t.Cleanup(func() { s.stopOnce.Do(func() { close(s.stop) }) })
	return d, w, q, db, s, c
}

// The customer's flow: attract screen → products → a design with the
// customer's price only → an option → Send to dealer with a name → the
// design waits in the dealer's queue under the code shown.
func TestShowroomSendToDealer(t *testing.T) {
	d, w, q, db, s, _ := newShowroom(t)
	ctx := context.Background()
	if w.Content() != s.content || s.Screen() != "attract" {
		t.Fatalf("the window shows %v, screen %q; want the showroom's attract screen", w.Content(), s.Screen())
	}
	test.Tap(s.attract.(*tapArea))
	if s.Screen() != "products" {
		t.Fatalf("after a tap: %q", s.Screen())
	}
	test.Tap(s.chooser.card("kolme-sofa"))
	sd := s.Designer()
	if s.Screen() != "design" || sd.Product().ID != "kolme-sofa" {
		t.Fatalf("after choosing: %q, %s", s.Screen(), sd.Product().ID)
	}
	sd.Decide("cover", choice("velvet"))
	waitEngine(t, sd, q)
	// Customer prices only: nothing of the dealer's on the screen.
	all := texts(s.content)
	for _, secret := range []string{"Dealer net", "margin", "Add to order", "Save as variant", "Anna", "€" + "0.00"} {
		if strings.Contains(all, secret) {
			t.Errorf("the showroom shows %q:\n%s", secret, all)
		}
	}
	walk(s.content, func(o fyne.CanvasObject) {
		if _, ok := o.(*navItem); ok {
			t.Errorf("the showroom has the dealer's navigation")
		}
	})
	if sd.grand.Text == "" || !strings.Contains(sd.grandNote.Text, "tax") || !strings.Contains(all, "Your price") {
		t.Errorf("the price: %q %q", sd.grand.Text, sd.grandNote.Text)
	}
	w1, _ := sd.cat.PriceWaterfall(sd.Config(), 1, "en", d.Dealer().Terms(), dec("0"))
	if sd.grand.Text != money(w1.Gross) {
		t.Errorf("the total %q, want the gross %s", sd.grand.Text, money(w1.Gross))
	}

	var sent storage.QueueEntry
	var sendErr error
	done := false
	s.OnSent = func(e storage.QueueEntry, err error) { sent, sendErr, done = e, err, true }
	s.Send(" Jonas ")
	eventually(t, q, "the send", func() bool { return done })
	if sendErr != nil || len(sent.Code) != 6 {
		t.Fatalf("sent %+v, %v", sent, sendErr)
	}
	if top := w.Canvas().Overlays().Top(); top == nil || !strings.Contains(texts(top), storage.FormatCode(sent.Code)) {
		t.Error("the code is not shown")
	}
	queue, _ := db.Queue(ctx, false)
	if len(queue) != 1 || queue[0].Code != sent.Code || queue[0].CustomerName != "Jonas" || queue[0].Design.ProductID != "kolme-sofa" {
		t.Fatalf("the dealer's queue: %+v", queue)
	}
	rev, _ := db.Revision(ctx, queue[0].Design.ID, 0)
	if rev.Decisions["cover"] != "velvet" || len(rev.Thumbnail) == 0 {
		t.Errorf("the queued design: %+v", rev.Decisions)
	}
	eventually(t, q, "the queue count", func() bool { return d.waiting == 1 })

	// Leaving: a wrong PIN keeps the showroom; the right one brings the
	// dealer's screens back, with the queue on the library's rail item.
	if err := s.Leave("1234"); err == nil || d.Showroom() == nil {
		t.Fatal("a wrong PIN left the showroom")
	}
	if err := s.Leave("4711"); err != nil {
		t.Fatal(err)
	}
	if d.Showroom() != nil || w.Content() != d.Content() {
		t.Fatal("the dealer's screens are not back")
	}
	eventually(t, q, "the library badge", func() bool { return d.rail.items[screenLibrary].badge == "1" })

	// The dealer takes the design: it opens, and leaves the queue.
	opened := false
	d.OnOpened = func() { opened = true }
	d.takeFromQueue(strings.ToLower(storage.FormatCode(sent.Code)))
	eventually(t, q, "the design from the showroom", func() bool { return opened })
	if d.DesignID() != queue[0].Design.ID || !strings.Contains(d.status.Text, "Jonas") {
		t.Errorf("opened %d, status %q", d.DesignID(), d.status.Text)
	}
	if rest, _ := db.Queue(ctx, false); len(rest) != 0 {
		t.Errorf("still waiting: %+v", rest)
	}
}

// After the idle time a countdown shows; a touch keeps the design; when
// the countdown runs out the session is wiped: a new designer, nothing of
// the customer's choices left, the attract screen.
func TestShowroomIdleWipe(t *testing.T) {
	_, w, q, _, s, c := newShowroom(t)
	test.Tap(s.attract.(*tapArea))
	test.Tap(s.chooser.card("lift-desk"))
	first := s.Designer()
	first.Decide("top", choice("walnut"))
	waitEngine(t, first, q)

	c.advance(59 * time.Second)
	s.tick()
	if s.countdown != nil {
		t.Fatal("a countdown before the idle time")
	}
	c.advance(2 * time.Second)
	s.tick()
	if s.countdown == nil || !strings.Contains(s.countText.Text, "9 seconds") {
		t.Fatalf("no countdown after 61 s: %v", s.countText)
	}
	// A touch (here: a choice) keeps the design.
	first.Decide("frame", choice("black"))
	if s.countdown != nil {
		t.Error("the countdown stayed after a touch")
	}
	c.advance(65 * time.Second)
	s.tick()
	if s.countdown == nil {
		t.Fatal("no countdown the second time")
	}
	wiped := false
	s.OnWiped = func() { wiped = true }
	c.advance(10 * time.Second)
	s.tick()
	if !wiped || s.Screen() != "attract" || s.Designer() == first {
		t.Fatalf("after the countdown: wiped %v, screen %q, same designer %v", wiped, s.Screen(), s.Designer() == first)
	}
	if n := len(s.Designer().Decisions()); n != 0 {
		t.Errorf("the new session starts with %d decisions", n)
	}
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog survived the wipe:\n%s", texts(top))
	}
	// The attract screen waits: no countdown there.
	c.advance(10 * time.Minute)
	s.tick()
	if s.countdown != nil {
		t.Error("a countdown on the attract screen")
	}
}

// Five wrong PINs rest the keypad for a minute; the dealer's screens
// cannot be reached meanwhile.
func TestShowroomPINLockout(t *testing.T) {
	d, _, _, _, s, c := newShowroom(t)
	for i := 0; i < 4; i++ {
		if err := s.Leave("0000"); err == nil || !strings.Contains(err.Error(), "not the PIN") {
			t.Fatalf("wrong PIN %d: %v", i+1, err)
		}
	}
	if err := s.Leave("0000"); err == nil || !strings.Contains(err.Error(), "a minute") {
		t.Fatalf("fifth wrong PIN: %v", err)
	}
	if err := s.Leave("4711"); err == nil || !strings.Contains(err.Error(), "try again in") {
		t.Fatalf("the right PIN during the lockout: %v", err)
	}
	d.navigate(screenCustomers)
	if d.Showing() == screenCustomers {
		t.Error("the customers screen opened behind the showroom")
	}
	c.advance(61 * time.Second)
	if err := s.Leave("4711"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
}

func TestPINHash(t *testing.T) {
	h, err := hashPIN("123456", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !PINMatches(h, "123456") || PINMatches(h, "123457") || PINMatches(h, "") || PINMatches("garbage", "123456") {
		t.Error("PINMatches is wrong")
	}
	if h2, _ := hashPIN("123456", 1000); h2 == h {
		t.Error("two hashes of one PIN are equal: no salt")
	}
	for _, bad := range []string{"123", "12345678901234", "12a4"} {
		if _, err := HashPIN(bad); err == nil {
			t.Errorf("PIN %q was taken", bad)
		}
	}
}
