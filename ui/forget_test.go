package ui

import (
	"maps"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// An import that met a forgotten customer says so in plain words.
func TestImportSaysTheCustomerWasForgotten(t *testing.T) {
	d, w, _, _ := newStoredDesigner(t)
	d.importDone("old.zip", &orderfile.Imported{Report: &orderfile.Report{OK: true, Number: "BER01-00001"},
		Designs:     []storage.Design{{Name: "Höhe Lift Desk from order BER01-00001, line 1", ProductName: "Höhe Lift Desk"}},
		ForgottenOn: "2026-11-24"}, nil)
	msg := texts(w.Canvas().Overlays().Top())
	if want := "The customer of this order was forgotten at their request on 24 November 2026; their name was not imported."; !strings.Contains(msg, want) {
		t.Errorf("the import says:\n%s\nwant %q", msg, want)
	}
}

// Forgetting a customer takes them out of what the app holds in memory and
// in the preferences: the design being edited and the draft order.
func TestForgettingScrubsTheDraftAndTheDesignBeingEdited(t *testing.T) {
	d, _, _, _ := newStoredDesigner(t)
	d.SetPreferences(fyne.CurrentApp().Preferences())
	c := storage.Customer{ID: 7, Name: "Zoë  Ångström", Phone: "+46 70 123 45 67", Address: "Storgatan 12\n111 51 Stockholm"}
	d.doc.name, d.doc.notes, d.doc.customer = "Desk for ZOË ÅNGSTRÖM", "call 070-123 45 67", 7
	d.draft = draftOrder{Lines: []draftLine{{Design: 1, RevisionID: 1, Quantity: 1, Name: "Ångström's sofa", Customer: 7}},
		Delivery: "Zoë Ångström\nStorgatan 12\n111 51 Stockholm", Notes: "ask for zoë"}
	d.saveDraft()
	engraved := maps.Clone(d.decisions)
	engraved["engraving"] = catalog.Value{Kind: catalog.Textual, Str: "ANGSTROM"}
	d.undo = append(d.undo, engraved)
	d.decisions = maps.Clone(engraved)
	d.customerForgotten(c)
	if _, ok := d.decisions["engraving"]; ok {
		t.Errorf("the engraving naming them is still chosen: %+v", d.decisions["engraving"])
	}
	for i, dec := range d.undo {
		if v, ok := dec["engraving"]; ok && strings.Contains(v.Str, "ANGSTROM") {
			t.Errorf("undo step %d still holds the engraving %q", i, v.Str)
		}
	}
	if d.doc.customer != 0 || d.doc.name != "Desk for (customer)" || d.doc.notes != "" {
		t.Errorf("the design being edited: customer %d, name %q, notes %q", d.doc.customer, d.doc.name, d.doc.notes)
	}
	kept := d.prefs.String(draftPrefKey)
	for _, s := range []string{"Zo", "ngstr", "Storgatan", "123 45"} {
		if strings.Contains(kept, s) {
			t.Errorf("the draft order in the preferences holds %q: %s", s, kept)
		}
	}
}

// Another customer's design being edited keeps its everyday words: only
// the forgotten customer's full name is taken out of it.
func TestForgettingLeavesAnotherCustomersWords(t *testing.T) {
	d, _, _, _ := newStoredDesigner(t)
	d.SetPreferences(fyne.CurrentApp().Preferences())
	d.doc.name, d.doc.notes, d.doc.customer = "White desk", "Karl wants the white top, like Emma White's", 8
	d.customerForgotten(storage.Customer{ID: 7, Name: "Emma White"})
	if d.doc.name != "White desk" || d.doc.notes != "Karl wants the white top, like (customer)'s" || d.doc.customer != 8 {
		t.Errorf("another customer's design: name %q, notes %q, customer %d", d.doc.name, d.doc.notes, d.doc.customer)
	}
}
