package ui

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// A dealer's main flow, end to end through the widgets: choose a product
// on the chooser, change options (one unavailable, taken with its repair),
// save, reopen it from the library, add it to the order, export the order
// — and the manufacturer's check accepts the file.
func TestMainFlowChooseDesignSaveReopenOrderExport(t *testing.T) {
	d, w, q, _ := newOrderDesigner(t)

	// Choose the desk on the products screen.
	d.show(screenProducts)
	test.Tap(d.chooser.card("lift-desk"))
	if d.Showing() != screenDesign || d.Product().ID != "lift-desk" {
		t.Fatalf("after choosing: screen %d, product %s", d.Showing(), d.Product().ID)
	}
	// Options: walnut, then the wide top the glass does not allow.
	test.Tap(d.controls["top"].rows["walnut"])
	d.Decide("width", number(1800))
	waitEngine(t, d, q)
	glass := d.controls["top"].rows["glass"]
	if glass.available {
		t.Fatal("glass is offered with an 1800 mm top")
	}
	test.Tap(glass)
	var repair *widget.Button
	eventually(t, q, "the repair", func() bool {
		top := w.Canvas().Overlays().Top()
		repair = nil
		if top != nil {
			repair = findButton(top, "Change Width from 1800 mm to 1600 mm")
		}
		return repair != nil
	})
	test.Tap(repair)
	eventually(t, q, "glass with its repair", func() bool { return d.Decisions()["top"].Str == "glass" })
	price := d.total.Text

	// Save, then a new design, then reopen the saved one from the library.
	saveNamed(t, d, q, false, "Glass desk", "Anna Meyer")
	id := d.DesignID()
	d.NewDesign()
	l := openLibrary(t, d, q)
	if len(l.cards) != 1 || l.cards[0].s.Name != "Glass desk" {
		t.Fatalf("the library shows %s", cardNames(l))
	}
	opened := false
	d.OnOpened = func() { opened = true }
	test.Tap(l.cards[0])
	eventually(t, q, "the design reopened", func() bool { return opened })
	if d.DesignID() != id || d.Decisions()["top"].Str != "glass" || d.total.Text != price || d.Dirty() {
		t.Errorf("reopened: id %d, top %s, price %s (was %s), dirty %v", d.DesignID(), d.Decisions()["top"].Str, d.total.Text, price, d.Dirty())
	}

	// Add to the order and export it.
	added := false
	d.OnAdded = func() { added = true }
	test.Tap(d.addBtn)
	eventually(t, q, "the design in the order", func() bool { return added })
	v := showOrder(t, d, q)
	if len(v.lines) != 1 || v.lines[0].line.Name != "Glass desk" {
		t.Fatalf("order lines: %d", len(v.lines))
	}
	path := exportInto(t, d, q, v, t.TempDir())
	if top := w.Canvas().Overlays().Top(); top == nil || !strings.Contains(texts(top), path) {
		t.Error("no dialog with the file's place")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := assets.DemoCatalog()
	r := orderfile.Verify(data, []orderfile.CatalogSource{orderfile.NewCatalogSource(assets.DemoCatalogJSON, cat)}, orderfile.TrustAny(), orderfile.DefaultLimits)
	if !r.OK || r.Order.Lines[0].Config["top"] != "glass" || r.Order.Lines[0].Config["width"] != "1600" {
		t.Errorf("the package: %+v", r.Findings)
	}
}
