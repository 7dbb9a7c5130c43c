package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/atelier-app/atelier/storage"
)

// typeKey delivers a key as the desktop driver does: to the focused
// widget, else to the window's canvas.
func typeKey(w fyne.Window, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := w.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

// Escape closes the app's dialogs, whether a field in them has the focus
// or not, the way their cancelling button does.
func TestEscapeClosesDialogs(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	seed(t, d, db, "Corner desk")
	cases := []struct {
		name string
		open func()
		then func(t *testing.T)
	}{
		{"the save dialog, its name field focused", func() {
			d.Decide("top", choice("walnut"))
			d.Save()
			eventually(t, q, "the save dialog", func() bool { return d.details != nil })
		}, func(t *testing.T) {
			if d.details != nil {
				t.Errorf("the save dialog is still on record")
			}
			if d.doc.id != 0 {
				t.Errorf("Escape saved the design")
			}
		}},
		{"the unsaved-changes question", func() {
			d.NewDesign()
		}, func(t *testing.T) {
			if got := d.Decisions()["top"].Str; got != "walnut" {
				t.Errorf("Escape let the changes go: top = %q", got)
			}
		}},
		{"a message", func() {
			d.tell("Title", "Something to know.")
		}, nil},
		{"the rename dialog, its field focused", func() {
			l := openLibrary(t, d, q)
			l.askRename(l.cards[0].s.Design)
		}, nil},
		{"the exported order (Escape is Done, not Copy path)", func() {
			fyne.CurrentApp().Clipboard().SetContent("")
			d.ShowOrder()
			d.order.showResult("DEMO-00001", "/tmp/DEMO-00001.zip")
		}, func(t *testing.T) {
			if got := fyne.CurrentApp().Clipboard().Content(); got != "" {
				t.Errorf("Escape copied %q", got)
			}
		}},
		{"the offer to restore unsaved work (Escape restores: it loses nothing)", func() {
			d.offerRestore(&storage.Autosave{ProductID: "lift-desk", Decisions: map[string]string{"top": "linoleum"}})
		}, func(t *testing.T) {
			if got := d.Decisions()["top"].Str; got != "linoleum" {
				t.Errorf("after Escape top = %q, want the restored linoleum", got)
			}
		}},
		{"the revision history", func() {
			l := openLibrary(t, d, q)
			l.showHistory(l.cards[0].s.Design)
			eventually(t, q, "the history", func() bool { return l.history != nil })
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.open()
			if w.Canvas().Overlays().Top() == nil {
				t.Fatal("no dialog opened")
			}
			typeKey(w, fyne.KeyEscape)
			q.drain()
			if top := w.Canvas().Overlays().Top(); top != nil {
				t.Errorf("after Escape a dialog is still open:\n%s", texts(top))
				for top != nil {
					hideTop(w)
					top = w.Canvas().Overlays().Top()
				}
			}
			if c.then != nil {
				c.then(t)
			}
		})
	}
}

// Every question about unsaved changes offers Save, Don't save and
// Cancel; Return takes Save, which loses nothing, and Escape cancels.
func TestUnsavedChangesAskSaveDontSaveCancel(t *testing.T) {
	cases := []struct {
		name      string
		answer    func(w fyne.Window)
		wantSaved bool
		wantNew   bool // the new design was started
	}{
		{"Save", func(w fyne.Window) { tapButton(t, w, "Save") }, true, true},
		{"Return saves", func(w fyne.Window) { typeKey(w, fyne.KeyReturn) }, true, true},
		{"Don't save", func(w fyne.Window) { tapButton(t, w, "Don't save") }, false, true},
		{"Cancel", func(w fyne.Window) { tapButton(t, w, "Cancel") }, false, false},
		{"Escape cancels", func(w fyne.Window) { typeKey(w, fyne.KeyEscape) }, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, w, q, db := newStoredDesigner(t)
			saveNamed(t, d, q, false, "Corner desk", "")
			d.Decide("top", choice("walnut"))
			d.NewDesign()
			msg := texts(w.Canvas().Overlays().Top())
			for _, want := range []string{"Save the changes to “Corner desk” first?", "[Save]", "[Don't save]", "[Cancel]"} {
				if !strings.Contains(msg, want) {
					t.Fatalf("the question lacks %q:\n%s", want, msg)
				}
			}
			c.answer(w)
			eventually(t, q, "the answer", func() bool { return !d.saving })
			x, err := db.Design(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if saved := x.Revision == 2; saved != c.wantSaved {
				t.Errorf("saved = %v (revision %d), want %v", saved, x.Revision, c.wantSaved)
			}
			if started := d.doc.id == 0; started != c.wantNew {
				t.Errorf("new design started = %v, want %v", started, c.wantNew)
			}
			if !c.wantNew && d.Decisions()["top"].Str != "walnut" {
				t.Errorf("cancelling lost the change: %v", d.Decisions())
			}
			if top := w.Canvas().Overlays().Top(); top != nil {
				t.Errorf("a dialog is left open:\n%s", texts(top))
			}
		})
	}
}

// Exporting with the demo's dealer settings warns first: the settings
// (the default), Export anyway, or Cancel. With the dealer's own
// settings the folder is asked for at once.
func TestExportWarnsAboutTheDemoDealer(t *testing.T) {
	cases := []struct {
		name   string
		dealer DealerSettings
		answer string // the button tapped on the warning ("": no warning wanted)
		want   string // what is on top afterwards ("" for nothing)
	}{
		{"demo, cancelled", DefaultDealerSettings(), "Cancel", ""},
		{"demo, to the settings", DefaultDealerSettings(), "Open the dealer settings", ""},
		{"demo, anyway", DefaultDealerSettings(), "Export anyway", "Export the order to this folder"},
		{"the dealer's own", DealerSettings{ID: "MEYER", Name: "Meyer Wohnen", DealerDiscount: dec("40"), Adjust: dec("0"), TaxRate: dec("19")}, "", "Export the order to this folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, w, q, _ := newOrderDesigner(t)
			d.dealer = c.dealer
			addNamed(t, d, q, "Desk", "")
			v := showOrder(t, d, q)
			v.chooseFolder()
			msg := texts(w.Canvas().Overlays().Top())
			warned := strings.Contains(msg, "still the demo's")
			if warned != (c.answer != "") {
				t.Fatalf("warned = %v, want %v:\n%s", warned, c.answer != "", msg)
			}
			if c.answer != "" {
				tapButton(t, w, c.answer)
			}
			got := ""
			if top := w.Canvas().Overlays().Top(); top != nil {
				got = texts(top)
			}
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Errorf("on top afterwards:\n%s\nwant %q", got, c.want)
			}
			if c.answer == "Open the dealer settings" && d.current != screenSettings {
				t.Errorf("the settings are not shown (screen %v)", d.current)
			}
		})
	}
}

// Ctrl+E right after adding a design (the order view not read yet) asks
// where to export once the lines are read, instead of saying they are
// still being read.
func TestExportRightAwayWaitsForTheLines(t *testing.T) {
	d, w, q, _ := newOrderDesigner(t)
	d.dealer = DealerSettings{ID: "MEYER", Name: "Meyer Wohnen", DealerDiscount: dec("40"), Adjust: dec("0"), TaxRate: dec("19")}
	addNamed(t, d, q, "Desk", "")
	w.SetMainMenu(d.MainMenu())
	pressShortcut(w, fyne.KeyE, fyne.KeyModifierControl)
	eventually(t, q, "a dialog", func() bool { return w.Canvas().Overlays().Top() != nil })
	if msg := texts(w.Canvas().Overlays().Top()); !strings.Contains(msg, "Export the order to this folder") {
		t.Errorf("Ctrl+E shows:\n%s", msg)
	}
}
