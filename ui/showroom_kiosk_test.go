package ui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/storage"
)

// The countdown counts in the right number: "1 second", "2 seconds"
// (German "1 Sekunde", "2 Sekunden").
func TestShowroomCountdownSingular(t *testing.T) {
	var de map[string]any
	if err := json.Unmarshal(assets.TranslationsDE, &de); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		seconds     int
		want, wantD string
	}{
		{"one", 1, "cleared in 1 second.", "in 1 Sekunde gelöscht."},
		{"two", 2, "cleared in 2 seconds.", "in 2 Sekunden gelöscht."},
		{"nine", 9, "cleared in 9 seconds.", "in 9 Sekunden gelöscht."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, w, _, _, s, c := newShowroom(t)
			tapOn(t, w, s.attract)
			tapOn(t, w, s.chooser.card("lift-desk"))
			chooseMyself(t, w, s)
			c.advance(time.Duration(70-tc.seconds) * time.Second)
			s.tick()
			if s.countText == nil || !strings.HasSuffix(s.countText.Text, tc.want) {
				t.Errorf("the countdown says %v, want … %q", s.countText, tc.want)
			}
			english := "To keep your choices private, this design will be cleared in %d seconds."
			if tc.seconds == 1 {
				english = "To keep your choices private, this design will be cleared in 1 second."
			}
			german, _ := de[english].(string)
			if tc.seconds != 1 {
				german = strings.Replace(german, "%d", "9", 1)
				tc.wantD = "in 9 Sekunden gelöscht."
			}
			if !strings.HasSuffix(german, tc.wantD) {
				t.Errorf("German for %q is %q, want … %q", english, german, tc.wantD)
			}
		})
	}
}

// The countdown never lies over another dialog: on the code dialog it is
// a line under the code; a question left open (here the PIN keypad) gives
// way to it. A touch takes it away.
func TestShowroomCountdownNotStacked(t *testing.T) {
	_, w, q, _, s, c := newShowroom(t)
	tapOn(t, w, s.attract)
	tapOn(t, w, s.chooser.card("lift-desk"))
	chooseMyself(t, w, s)
	waitEngine(t, s.Designer(), q)
	done := false
	s.OnSent = func(e storage.QueueEntry, err error) { done = err == nil }
	s.Send("")
	eventually(t, q, "the send", func() bool { return done })
	code := w.Canvas().Overlays().Top()
	if code == nil {
		t.Fatal("no code dialog")
	}
	c.advance(65 * time.Second)
	s.tick()
	if got := len(w.Canvas().Overlays().List()); got != 1 {
		t.Fatalf("%d dialogs over each other, want the code dialog alone", got)
	}
	if top := w.Canvas().Overlays().Top(); top != code || !strings.Contains(drawn(top), "cleared in 5 seconds") || !s.Counting() {
		t.Errorf("the code dialog says %q; want the countdown on it", drawn(top))
	}
	var more *widget.Button
	walk(code, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Keep designing" {
			more = b
		}
	})
	c.advance(time.Second)
	tapOn(t, w, more)
	if s.Counting() || w.Canvas().Overlays().Top() != nil {
		t.Errorf("after Keep designing: counting %v, dialog %v", s.Counting(), w.Canvas().Overlays().Top())
	}

	// The PIN keypad left open gives way to the countdown.
	tapOn(t, w, staffButton(t, s))
	checkTouchGrade(t, "PIN keypad", w, s)
	c.advance(65 * time.Second)
	s.tick()
	if got := len(w.Canvas().Overlays().List()); got != 1 || !strings.Contains(drawn(w.Canvas().Overlays().Top()), "Are you still there?") {
		t.Errorf("%d dialogs; the top says %q", got, drawn(w.Canvas().Overlays().Top()))
	}
	checkTouchGrade(t, "countdown", w, s)
}

// typeFocused types on the keyboard: the focused widget gets the keys, as
// the window's driver gives them.
func typeFocused(t *testing.T, w fyne.Window, chars string) {
	t.Helper()
	f := w.Canvas().Focused()
	if f == nil {
		t.Fatalf("typing %q with nothing focused", chars)
	}
	for _, r := range chars {
		f.TypedRune(r)
	}
}

// staffButton is the design screen's button to the PIN keypad.
func staffButton(t *testing.T, s *Showroom) *widget.Button {
	t.Helper()
	var staff *widget.Button
	walk(s.design, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon == theme.LoginIcon() {
			staff = b
		}
	})
	if staff == nil {
		t.Fatal("no staff button")
	}
	return staff
}

// The PIN keypad opens with the PIN field focused: the dealer types the
// PIN (or taps some of it on the keypad, which keeps the field focused)
// and presses Return.
func TestShowroomPINFocusedReturnSubmits(t *testing.T) {
	d, w, _, _, s, _ := newShowroom(t)
	tapOn(t, w, s.attract)
	tapOn(t, w, s.chooser.card("lift-desk"))
	chooseMyself(t, w, s)
	tapOn(t, w, staffButton(t, s))
	pin, ok := w.Canvas().Focused().(*widget.Entry)
	if !ok || !pin.Password {
		t.Fatalf("focused: %T, want the PIN field", w.Canvas().Focused())
	}
	typeFocused(t, w, "1111")
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if d.Showroom() == nil {
		t.Fatal("a wrong PIN left the showroom")
	}
	if !strings.Contains(drawn(w.Canvas().Overlays().Top()), "That is not the PIN.") || w.Canvas().Focused() != pin || pin.Text != "" {
		t.Errorf("after a wrong PIN: %q, focused %T, field %q", drawn(w.Canvas().Overlays().Top()), w.Canvas().Focused(), pin.Text)
	}
	// A digit tapped on the keypad, the rest typed.
	var four *widget.Button
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "4" {
			four = b
		}
	})
	tapOn(t, w, four)
	typeFocused(t, w, "711")
	typed := pin.Text
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if d.Showroom() != nil || w.Content() != d.Content() {
		t.Errorf("the right PIN (%q typed) and Return did not leave the showroom: %q", typed, drawn(w.Canvas().Overlays().Top()))
	}
}

// Showroom mode without a dealer PIN asks the dealer to choose one (there
// is no default PIN): typed twice, Return from field to field, and the
// showroom starts with it.
func TestShowroomFirstStartAsksForPIN(t *testing.T) {
	d, w, q, _ := newStoredDesigner(t)
	hashDealerPIN = func(pin string) (string, error) { return hashPIN(pin, 1000) }
	t.Cleanup(func() { hashDealerPIN = HashPIN })
	if d.AppSettings().Showroom.PIN != "" {
		t.Fatal("a new library has a PIN")
	}
	for _, tc := range []struct {
		name, first, second, problem string
	}{
		{"too short", "12", "12", "A PIN has 4 to 12 digits"},
		{"differ", "2468", "2469", "The two new PINs differ."},
		{"good", "2468", "2468", ""},
	} {
		d.StartShowroom()
		top := w.Canvas().Overlays().Top()
		if top == nil || !strings.Contains(drawn(top), "Set the dealer PIN") {
			t.Fatalf("%s: showroom mode without a PIN shows %q", tc.name, drawn(top))
		}
		typeFocused(t, w, tc.first)
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		typeFocused(t, w, tc.second)
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if tc.problem != "" {
			if got := drawn(w.Canvas().Overlays().Top()); !strings.Contains(got, tc.problem) {
				t.Errorf("%s: the dialog says %q, want %q", tc.name, got, tc.problem)
			}
			if d.Showroom() != nil || d.AppSettings().Showroom.PIN != "" {
				t.Fatalf("%s: a PIN was kept", tc.name)
			}
			w.Canvas().Overlays().Top().Hide()
			continue
		}
		eventually(t, q, "the showroom", func() bool { return d.Showroom() != nil })
		s := d.Showroom()
		t.Cleanup(func() { s.stopOnce.Do(func() { close(s.stop) }) })
		if !PINMatches(d.AppSettings().Showroom.PIN, "2468") {
			t.Error("the PIN kept is not the one typed")
		}
	}
}

// The price the customer sees in the showroom (the dealer's markup or
// discount, then the tax) is the price the dealer's queue shows for the
// design sent (it showed the list price).
func TestShowroomPriceIsTheQueuesPrice(t *testing.T) {
	for _, tc := range []struct {
		name        string
		adjust, tax string
	}{
		{"markup and tax", "12.5", "19"},
		{"discount, no tax", "-7", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, w, q, _, s, _ := newShowroom(t)
			dl := d.Dealer()
			dl.Adjust, dl.TaxRate = dec(tc.adjust), dec(tc.tax)
			d.SetDealer(dl)
			s.wipe() // the next customer's session has the new terms
			tapOn(t, w, s.attract)
			tapOn(t, w, s.chooser.card("kolme-sofa"))
			chooseMyself(t, w, s)
			sd := s.Designer()
			sd.Decide("cover", choice("velvet"))
			waitEngine(t, sd, q)
			shown := sd.grand.Text
			list := sd.total.Text
			if shown == "" || shown == list {
				t.Fatalf("the showroom shows %q (list %q)", shown, list)
			}
			done := false
			s.OnSent = func(e storage.QueueEntry, err error) { done = err == nil }
			s.Send("Mia")
			eventually(t, q, "the send", func() bool { return done })
			if err := s.Leave("4711"); err != nil {
				t.Fatal(err)
			}
			d.ShowQueue()
			eventually(t, q, "the queue", func() bool {
				top := w.Canvas().Overlays().Top()
				return top != nil && strings.Contains(texts(top), "Mia")
			})
			if got := texts(w.Canvas().Overlays().Top()); !strings.Contains(got, shown) {
				t.Errorf("the queue says\n%s\nwant the customer's price %s (the list price is %s)", got, shown, list)
			}
		})
	}
}

// A preset chosen on a showroom card is one undo step after the fresh
// design, as the notice says (defect 3, in the showroom): the undo button
// takes it back.
func TestShowroomPresetCanBeUndone(t *testing.T) {
	_, w, q, _, s, _ := newShowroom(t)
	tapOn(t, w, s.attract)
	card := s.chooser.card("kolme-sofa")
	var salon *widget.Button
	for _, b := range card.presets {
		if b.Text == "Velvet salon" {
			salon = b
		}
	}
	if salon == nil {
		t.Fatal("no Velvet salon preset on the sofa's card")
	}
	tapOn(t, w, salon)
	sd := s.Designer()
	waitEngine(t, sd, q)
	if got := sd.config.Values["cover"].Str; got != "velvet" {
		t.Fatalf("after the preset the cover is %q", got)
	}
	if sd.undoBtn.Disabled() {
		t.Fatalf("the preset cannot be undone, though the notice says %q", sd.status.Text)
	}
	tapOn(t, w, sd.undoBtn)
	eventually(t, q, "the undo", func() bool { return sd.config.Values["cover"].Str != "velvet" })
	if n := len(sd.Decisions()); n != 0 {
		t.Errorf("after undoing the preset %d decisions are left, want the fresh design", n)
	}
}
