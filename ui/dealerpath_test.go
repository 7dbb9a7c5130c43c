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

// The dealer's path: Products on the rail, a preset on a product card,
// Add to order: three clicks and nothing typed put the design into the
// order, saved under a name made of its product and the date.
func TestDealerPresetToOrderInThreeClicks(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	clicks := 0
	test.Tap(d.rail.items[screenProducts])
	clicks++
	test.Tap(d.chooser.card("kolme-sofa").presets[1]) // Velvet salon
	clicks++
	added := false
	d.OnAdded = func() { added = true }
	test.Tap(d.addBtn)
	clicks++
	eventually(t, q, "the design in the order", func() bool { return added })
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("a dialog is open on the way to the order:\n%s", texts(top))
	}
	if clicks > 3 {
		t.Errorf("%d clicks, want at most 3", clicks)
	}
	if got := d.OrderLines(); got != 1 {
		t.Fatalf("the order has %d lines, want 1", got)
	}
	want := "Kolme Modular Sofa · " + formatDate(time.Now(), "2 Jan 2006")
	if got := d.draft.Lines[0].Name; got != want {
		t.Errorf("the order line is named %q, want %q", got, want)
	}
	list, err := db.Designs(context.Background(), storage.Filter{})
	if err != nil || len(list) != 1 || list[0].Name != want {
		t.Errorf("designs in the library = %v (%v), want one named %q", list, err, want)
	}
	if d.Dirty() {
		t.Errorf("the design has unsaved changes after it went into the order")
	}
}

// The default name has the customer when the design has one.
func TestDefaultDesignName(t *testing.T) {
	d, _ := newDesigner(t)
	day := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	cases := []struct{ name, customer, want string }{
		{"without a customer", "", "Höhe Lift Desk · 7 Dec 2026"},
		{"with a customer", "Meyer", "Höhe Lift Desk · Meyer · 7 Dec 2026"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d.doc.customerName = c.customer
			if got := d.defaultName(day); got != c.want {
				t.Errorf("defaultName = %q, want %q", got, c.want)
			}
		})
	}
}

// A library card's menu puts its design into the order.
func TestLibraryCardAddsToOrder(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	seed(t, d, db, "Corner desk")
	l := openLibrary(t, d, q)
	if len(l.cards) != 1 {
		t.Fatalf("the library shows %d cards, want 1", len(l.cards))
	}
	l.showMenu(l.cards[0].s, l.cards[0].Position())
	added := false
	d.OnAdded = func() { added = true }
	tapMenuItem(t, w, "Add to order")
	eventually(t, q, "the design in the order", func() bool { return added })
	if got := d.OrderLines(); got != 1 || d.draft.Lines[0].Name != "Corner desk" {
		t.Errorf("the order has %d lines (%v), want “Corner desk”", got, d.draft.Lines)
	}
}

// tapMenuItem taps the item labelled text of the pop-up menu on top.
func tapMenuItem(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var found fyne.Tappable
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if tp, ok := o.(fyne.Tappable); ok && found == nil && strings.TrimSpace(texts(o)) == text {
			found = tp
		}
	})
	if found == nil {
		t.Fatalf("no menu item %q:\n%s", text, texts(w.Canvas().Overlays().Top()))
	}
	found.Tapped(&fyne.PointEvent{})
}
