package ui

import (
	"bytes"
	"context"
	"image/png"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage"
)

// newStoredDesigner is a designer on the demo catalog with a real design
// library in a temporary folder, autosaving 30 ms after a change.
func newStoredDesigner(t *testing.T) (*Designer, fyne.Window, uiQueue, *storage.DB) {
	t.Helper()
	d, w, q := newDesignerQueue(t)
	db := openTestDB(t, filepath.Join(t.TempDir(), "atelier.db"))
	attach(t, d, db)
	return d, w, q, db
}

func openTestDB(t *testing.T, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// attach connects a designer to a database the way main does.
func attach(t *testing.T, d *Designer, db *storage.DB) {
	t.Helper()
	rec, err := db.ImportCatalog(context.Background(), assets.DemoCatalogJSON, "json", d.cat, storage.Builtin)
	if err != nil {
		t.Fatal(err)
	}
	d.autosaveDelay = 30 * time.Millisecond
	d.SetStore(db, rec.ID)
	t.Cleanup(d.Shutdown) // before the database closes
}

func choice(s string) catalog.Value { return catalog.Value{Kind: catalog.Choice, Str: s} }
func number(n int64) catalog.Value {
	return catalog.Value{Kind: catalog.Number, Num: decimal.NewFromInt(n)}
}

// saveNamed saves through the dialog a first save (or Save as) opens.
func saveNamed(t *testing.T, d *Designer, q uiQueue, asNew bool, name, customer string) {
	t.Helper()
	before := d.doc.revision
	beforeID := d.doc.id
	if asNew {
		d.SaveAs()
	} else {
		d.Save()
	}
	eventually(t, q, "the save dialog", func() bool { return d.details != nil })
	d.details.name.SetText(name)
	d.details.customer.SetText(customer)
	d.details.dialog.Submit()
	eventually(t, q, "the save", func() bool {
		return !d.saving && d.doc.id != 0 && (d.doc.id != beforeID || d.doc.revision != before)
	})
}

// waitEngine waits until the engine has answered for the current decisions.
func waitEngine(t *testing.T, d *Designer, q uiQueue) {
	t.Helper()
	eventually(t, q, "the engine's answer", func() bool { return d.domains != nil })
}

// openLibrary shows the library and waits for its list.
func openLibrary(t *testing.T, d *Designer, q uiQueue) *Library {
	t.Helper()
	d.ShowLibrary()
	l := d.Library()
	waitList(t, l, q, -1)
	return l
}

// waitList waits for the library's next list (of n cards; -1: any).
func waitList(t *testing.T, l *Library, q uiQueue, n int) {
	t.Helper()
	loaded := false
	l.OnLoaded = func() { loaded = true }
	eventually(t, q, "the library's list", func() bool { return loaded && (n < 0 || len(l.cards) == n) })
}

func cardNames(l *Library) string {
	var names []string
	for _, c := range l.cards {
		names = append(names, c.s.Name)
	}
	return strings.Join(names, ", ")
}

// A saved design comes back from the library with the same product,
// decisions and price; the save keeps the price, the breakdown and a
// 320×200 picture.
func TestSaveAndReopenFromLibrary(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	d.Decide("top", choice("walnut"))
	d.Decide("width", number(1800))
	waitEngine(t, d, q)
	wantTotal, wantDecisions := d.total.Text, d.Decisions()
	wantBreakdown := breakdown(d)

	saveNamed(t, d, q, false, "Corner desk", "Anna Meyer")
	if got := w.Title(); got != "Corner desk — Atelier" {
		t.Errorf("title after saving = %q", got)
	}
	ctx := context.Background()
	list, err := db.Designs(ctx, storage.Filter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("designs = %v, %v; want one", list, err)
	}
	x := list[0]
	if x.Name != "Corner desk" || x.ProductID != "lift-desk" || x.ProductName != "Höhe Lift Desk" || x.CustomerName != "Anna Meyer" || x.Quantity != 1 {
		t.Errorf("saved design = %+v", x.Design)
	}
	if got := moneyText(x.Total, x.Currency); got != wantTotal {
		t.Errorf("saved total = %s %s (%s), want %s", x.Currency, x.Total, got, wantTotal)
	}
	img, err := png.Decode(bytes.NewReader(x.Thumbnail))
	if err != nil || img.Bounds().Dx() != 320 || img.Bounds().Dy() != 200 {
		t.Errorf("thumbnail: %v, %v; want a 320x200 PNG", img, err)
	}
	rev, err := db.Revision(ctx, x.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"top": "walnut", "width": "1800"}; !maps.Equal(rev.Decisions, want) {
		t.Errorf("saved decisions = %v, want %v", rev.Decisions, want)
	}
	var lines strings.Builder
	for _, l := range rev.Breakdown {
		v, _ := decimal.NewFromString(l.Amount)
		lines.WriteString(l.Label + " = " + FormatMoney(v, rev.Currency) + "\n")
	}
	if lines.String() != wantBreakdown {
		t.Errorf("saved breakdown:\n%s\nwant:\n%s", lines.String(), wantBreakdown)
	}

	// Design something else, then open the saved design again.
	d.SelectProduct("kolme-sofa")
	if d.DesignID() != 0 || d.Product().ID != "kolme-sofa" {
		t.Fatalf("after choosing another product: design %d, product %s", d.DesignID(), d.Product().ID)
	}
	l := openLibrary(t, d, q)
	if !d.LibraryShown() || cardNames(l) != "Corner desk" {
		t.Fatalf("library shows %q", cardNames(l))
	}
	opened := false
	d.OnOpened = func() { opened = true }
	l.cards[0].Tapped(nil)
	eventually(t, q, "the design opened", func() bool { return opened })
	waitEngine(t, d, q)
	if d.LibraryShown() {
		t.Error("the library is still shown after opening a design")
	}
	if d.Product().ID != "lift-desk" || !decisionsEqual(d.Decisions(), wantDecisions) {
		t.Errorf("opened %s with %v, want lift-desk with %v", d.Product().ID, d.Decisions(), wantDecisions)
	}
	if d.total.Text != wantTotal || breakdown(d) != wantBreakdown {
		t.Errorf("opened price %s\n%s\nwant %s\n%s", d.total.Text, breakdown(d), wantTotal, wantBreakdown)
	}
	if d.Dirty() || w.Title() != "Corner desk — Atelier" {
		t.Errorf("after opening: dirty %v, title %q", d.Dirty(), w.Title())
	}
}

func decisionsEqual(a, b map[string]catalog.Value) bool {
	return maps.EqualFunc(a, b, func(x, y catalog.Value) bool { return x.Equal(y) })
}

// Save as makes a second design; the first keeps its single revision; a
// plain save (Ctrl+S) then adds a revision without asking.
func TestSaveAsCreatesASecondDesign(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	ctx := context.Background()
	d.Decide("top", choice("walnut"))
	saveNamed(t, d, q, false, "Desk A", "")
	first := d.DesignID()
	d.Decide("top", choice("oak"))

	d.SaveAs()
	eventually(t, q, "the save dialog", func() bool { return d.details != nil })
	if got := d.details.name.Text; got != "Desk A (variant)" {
		t.Errorf("suggested name = %q", got)
	}
	d.details.name.SetText("Desk B")
	d.details.dialog.Submit()
	eventually(t, q, "the save", func() bool { return !d.saving && d.DesignID() != first })

	list, _ := db.Designs(ctx, storage.Filter{})
	if len(list) != 2 {
		t.Fatalf("%d designs, want 2", len(list))
	}
	a, _ := db.Revisions(ctx, first)
	if len(a) != 1 || a[0].Decisions["top"] != "walnut" {
		t.Errorf("Desk A revisions = %+v, want one with walnut", a)
	}
	b, _ := db.Revision(ctx, d.DesignID(), 0)
	if b.Name != "Desk B" || b.Decisions["top"] != "oak" {
		t.Errorf("Desk B = %+v", b)
	}

	d.Decide("width", number(1400))
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	eventually(t, q, "the second revision", func() bool { return !d.saving && d.doc.revision == 2 })
	if d.details != nil {
		t.Error("a plain save of a saved design asked for its name")
	}
	revs, _ := db.Revisions(ctx, d.DesignID())
	if len(revs) != 2 || revs[0].Decisions["width"] != "1400" {
		t.Errorf("Desk B revisions = %+v", revs)
	}
}

// The title names the design and marks unsaved changes; undoing back to
// the saved state clears the mark.
func TestTitleMarksUnsavedChanges(t *testing.T) {
	d, w, q, _ := newStoredDesigner(t)
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"new", func() {}, "Atelier"},
		{"a change", func() { d.Decide("top", choice("walnut")) }, "• New design — Atelier"},
		{"saved", func() { saveNamed(t, d, q, false, "Study desk", "") }, "Study desk — Atelier"},
		{"changed again", func() { d.Decide("width", number(1400)) }, "• Study desk — Atelier"},
		{"undone", func() { d.Undo() }, "Study desk — Atelier"},
		{"redone", func() { d.Redo() }, "• Study desk — Atelier"},
	}
	for _, s := range steps {
		s.do()
		if got := w.Title(); got != s.want {
			t.Errorf("%s: title = %q, want %q", s.name, got, s.want)
		}
	}
	if got := d.docName.Text; got != "Study desk •" {
		t.Errorf("toolbar name = %q", got)
	}
}

// seed saves designs straight into the database.
func seed(t *testing.T, d *Designer, db *storage.DB, names ...string) []storage.Design {
	t.Helper()
	var out []storage.Design
	for i, n := range names {
		in := storage.DesignInput{Name: n, ProductID: "lift-desk", ProductName: "Höhe Lift Desk", Catalog: d.catalogID, Quantity: 1,
			Decisions: map[string]string{"top": "oak"}, Currency: "EUR", Total: "1030.00"}
		if i%2 == 1 {
			in.ProductID, in.ProductName, in.Decisions, in.Total = "kolme-sofa", "Kolme Modular Sofa", map[string]string{"seats": "3"}, "1301.50"
		}
		x, _, err := db.SaveDesign(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
		time.Sleep(2 * time.Millisecond) // distinct times: newest first
	}
	return out
}

// The library searches as you type, filters by product, renames,
// duplicates, moves to the trash with an Undo, and restores from the trash.
func TestLibrarySearchRenameDuplicateTrashUndo(t *testing.T) {
	d, _, q, db := newStoredDesigner(t)
	ctx := context.Background()
	x := seed(t, d, db, "Study desk", "Lounge sofa", "Reception desk")
	l := openLibrary(t, d, q)
	if got := cardNames(l); got != "Reception desk, Lounge sofa, Study desk" {
		t.Fatalf("cards = %q", got)
	}
	if l.count.Text != "3 designs" {
		t.Errorf("count = %q", l.count.Text)
	}

	for _, tc := range []struct {
		name, query string
		product     int
		want        string
	}{
		{"prefix as typed", "stud", 0, "Study desk"},
		{"product name", "kolme", 0, "Lounge sofa"},
		{"product filter", "", 1, "Reception desk, Study desk"},
		{"both", "recep", 1, "Reception desk"},
		{"nothing", "zebra", 0, ""},
		{"all", "", 0, "Reception desk, Lounge sofa, Study desk"},
	} {
		l.search.SetText(tc.query)
		l.product.SetSelectedIndex(tc.product)
		waitList(t, l, q, -1)
		if got := cardNames(l); got != tc.want {
			t.Errorf("%s: cards = %q, want %q", tc.name, got, tc.want)
		}
		if tc.want == "" && !strings.Contains(l.empty.Text, "No designs match") {
			t.Errorf("%s: empty message = %q", tc.name, l.empty.Text)
		}
	}

	l.Rename(x[0], "Writing desk")
	waitList(t, l, q, 3)
	if got, _ := db.Design(ctx, x[0].ID); got.Name != "Writing desk" {
		t.Errorf("renamed: %q", got.Name)
	}

	l.Duplicate(x[1])
	waitList(t, l, q, 4)
	if !strings.Contains(l.notice.Text, "Lounge sofa (copy)") || !l.noticeBar.Visible() {
		t.Errorf("notice after duplicating = %q", l.notice.Text)
	}

	l.Trash(x[2])
	waitList(t, l, q, 3)
	if strings.Contains(cardNames(l), "Reception desk") {
		t.Errorf("trashed design still listed: %q", cardNames(l))
	}
	if !strings.Contains(l.notice.Text, "moved to the trash") || l.action.Text != "Undo" {
		t.Fatalf("notice = %q, action %q", l.notice.Text, l.action.Text)
	}
	test.Tap(l.action)
	waitList(t, l, q, 4)
	if !strings.Contains(cardNames(l), "Reception desk") {
		t.Errorf("undo did not bring it back: %q", cardNames(l))
	}

	// From the Trash view.
	l.Trash(x[2])
	waitList(t, l, q, 3)
	test.Tap(l.trashView)
	waitList(t, l, q, 1)
	if cardNames(l) != "Reception desk" || l.heading.Text != "Trash" {
		t.Fatalf("trash shows %q under %q", cardNames(l), l.heading.Text)
	}
	l.cards[0].onRestore()
	waitList(t, l, q, 0)
	if !strings.Contains(l.empty.Text, "trash is empty") {
		t.Errorf("empty trash says %q", l.empty.Text)
	}
	test.Tap(l.designs)
	waitList(t, l, q, 4)
}

// The history lists the revisions and what differs from the current one;
// restoring one makes it current (as a new revision), in the designer too.
func TestRevisionHistoryRestore(t *testing.T) {
	d, _, q, db := newStoredDesigner(t)
	ctx := context.Background()
	d.Decide("top", choice("walnut"))
	waitEngine(t, d, q)
	walnutTotal := d.total.Text
	saveNamed(t, d, q, false, "Corner desk", "")
	d.Decide("top", choice("oak"))
	d.Save()
	eventually(t, q, "revision 2", func() bool { return !d.saving && d.doc.revision == 2 })

	l := openLibrary(t, d, q)
	x, _ := db.Design(ctx, d.DesignID())
	l.showHistory(x)
	eventually(t, q, "the history", func() bool { return l.history != nil })
	h := l.history
	if h.list.Length() != 2 || h.sel != 1 {
		t.Fatalf("history: %d revisions, revision %d selected", h.list.Length(), h.sel)
	}
	table := texts(h.changes)
	for _, want := range []string{"Desktop", "Solid walnut, oiled", "Solid oak, oiled", "Price", walnutTotal} {
		if !strings.Contains(table, want) {
			t.Errorf("differences lack %q:\n%s", want, table)
		}
	}
	test.Tap(h.restore)
	eventually(t, q, "the restore", func() bool { return l.history == nil && d.doc.revision == 3 })
	rev, _ := db.Revision(ctx, x.ID, 0)
	if rev.Number != 3 || rev.Decisions["top"] != "walnut" {
		t.Errorf("current revision = %d with %v", rev.Number, rev.Decisions)
	}
	if got := d.Decisions()["top"].Str; got != "walnut" || d.Dirty() {
		t.Errorf("designer after restore: top %q, dirty %v", got, d.Dirty())
	}
	if !strings.Contains(l.notice.Text, "Revision 1") {
		t.Errorf("notice = %q", l.notice.Text)
	}
}

// texts reads every label under an object, one per line.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + v.Text + "]\n")
		case *canvas.Text:
			b.WriteString(v.Text + "\n")
		}
	})
	return b.String()
}

func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, f)
		}
	}
}

// tapButton taps the button labelled text on the window's top overlay.
func tapButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var found *widget.Button
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q on the dialog:\n%s", text, texts(w.Canvas().Overlays().Top()))
	}
	test.Tap(found)
}

// A change is autosaved a moment later; a new run on the same database
// offers to restore it, and restoring brings the design back with its
// unsaved changes (one undo away from the saved state). An explicit save and
// a normal exit clear the slot.
func TestAutosaveWrittenAndRestoreOffered(t *testing.T) {
	d, _, q, db := newStoredDesigner(t)
	ctx := context.Background()
	d.Decide("top", choice("walnut"))
	saveNamed(t, d, q, false, "Corner desk", "")
	if a, _ := db.LoadAutosave(ctx); a != nil {
		t.Fatalf("autosave after an explicit save: %+v", a)
	}
	d.Decide("width", number(1400))
	eventually(t, q, "the autosave", func() bool {
		a, _ := db.LoadAutosave(ctx)
		return a != nil && a.Decisions["width"] == "1400"
	})
	a, _ := db.LoadAutosave(ctx)
	if a.Design != d.DesignID() || a.Name != "Corner desk" || a.ProductID != "lift-desk" || a.Decisions["top"] != "walnut" {
		t.Errorf("autosave = %+v", a)
	}

	// The app "crashes": a new designer on the same database.
	d2, w2, q2 := newDesignerQueue(t)
	attach(t, d2, db)
	d2.OfferAutosave()
	eventually(t, q2, "the offer to restore", func() bool { return w2.Canvas().Overlays().Top() != nil })
	msg := texts(w2.Canvas().Overlays().Top())
	if !strings.Contains(msg, "Restore the design you were working on?") || !strings.Contains(msg, "Corner desk, today") {
		t.Errorf("offer says:\n%s", msg)
	}
	tapButton(t, w2, "Restore")
	eventually(t, q2, "the restored design", func() bool { return d2.DesignID() == d.DesignID() })
	if got := d2.Decisions(); got["width"].Num.IntPart() != 1400 || got["top"].Str != "walnut" {
		t.Errorf("restored decisions = %v", got)
	}
	if !d2.Dirty() || w2.Title() != "• Corner desk — Atelier" {
		t.Errorf("restored: dirty %v, title %q", d2.Dirty(), w2.Title())
	}
	d2.Undo()
	if d2.Dirty() {
		t.Error("undo after restoring does not go back to the saved design")
	}

	// A normal exit clears the slot.
	d2.Redo()
	d2.Shutdown()
	d.Shutdown()
	if a, _ := db.LoadAutosave(ctx); a != nil {
		t.Errorf("autosave after a normal exit: %+v", a)
	}
}

// Declining the offer clears the autosave.
func TestAutosaveDeclined(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	ctx := context.Background()
	if err := db.SaveAutosave(ctx, storage.Autosave{Catalog: d.catalogID, ProductID: "kolme-sofa", Decisions: map[string]string{"seats": "4"}}); err != nil {
		t.Fatal(err)
	}
	d.OfferAutosave()
	eventually(t, q, "the offer to restore", func() bool { return w.Canvas().Overlays().Top() != nil })
	if msg := texts(w.Canvas().Overlays().Top()); !strings.Contains(msg, "A new Kolme Modular Sofa") {
		t.Errorf("offer says:\n%s", msg)
	}
	tapButton(t, w, "Discard it")
	eventually(t, q, "the autosave cleared", func() bool { a, _ := db.LoadAutosave(ctx); return a == nil })
	if d.Product().ID != "lift-desk" {
		t.Errorf("declining changed the product to %s", d.Product().ID)
	}
}

// Choosing another product with unsaved changes asks first; keeping them
// stays on the design.
func TestSwitchingProductAsksBeforeDiscarding(t *testing.T) {
	d, w, q, _ := newStoredDesigner(t)
	d.Decide("top", choice("walnut"))
	d.show(screenProducts)
	test.Tap(d.chooser.card("kolme-sofa"))
	eventually(t, q, "the question", func() bool { return w.Canvas().Overlays().Top() != nil })
	tapButton(t, w, "Cancel")
	if d.Product().ID != "lift-desk" || d.Decisions()["top"].Str != "walnut" {
		t.Fatalf("after keeping: %s %v", d.Product().ID, d.Decisions())
	}
	test.Tap(d.chooser.card("kolme-sofa"))
	eventually(t, q, "the question", func() bool { return w.Canvas().Overlays().Top() != nil })
	tapButton(t, w, "Don't save")
	if d.Product().ID != "kolme-sofa" || d.Dirty() {
		t.Errorf("after discarding: %s, dirty %v", d.Product().ID, d.Dirty())
	}
}

// Without a database the designer works and says why it cannot save.
func TestDesignerWithoutDatabase(t *testing.T) {
	d, w := newDesigner(t)
	d.DisableSaving("the design library was saved by a newer version of Atelier")
	d.Decide("top", choice("walnut"))
	if d.saveBtn.Disabled() == false || !strings.Contains(d.docNote.Text, "newer version") {
		t.Errorf("save button enabled %v, note %q", !d.saveBtn.Disabled(), d.docNote.Text)
	}
	d.Save()
	if top := w.Canvas().Overlays().Top(); top == nil || !strings.Contains(texts(top), "newer version") {
		t.Error("Save does not say why it cannot save")
	}
	d.ShowLibrary()
	if d.LibraryShown() {
		t.Error("the library opened without a database")
	}
}

func TestWhen(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ stamp, want string }{
		{"2026-11-23T09:05:00Z", "today, 09:05"},
		{"2026-11-22T23:59:00Z", "yesterday, 23:59"},
		{"2026-03-02T10:00:00Z", "2 Mar, 10:00"},
		{"2025-12-31T10:00:00Z", "31 Dec 2025"},
		{"garbage", "garbage"},
	} {
		if got := when(tc.stamp, now); got != tc.want {
			t.Errorf("when(%s) = %q, want %q", tc.stamp, got, tc.want)
		}
	}
}

// Closing with unsaved changes asks: "Don't save" closes at once, "Save"
// closes after the save.
func TestClosingAsksToSave(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	closed := 0
	d.ConfirmClose(func() { closed++ })
	if closed != 1 {
		t.Fatalf("a clean design did not close at once")
	}
	d.Decide("top", choice("walnut"))
	d.ConfirmClose(func() { closed++ })
	tapButton(t, w, "Don't save")
	if closed != 2 {
		t.Fatalf("Don't save did not close")
	}
	d.ConfirmClose(func() { closed++ })
	tapButton(t, w, "Save")
	eventually(t, q, "the save dialog", func() bool { return d.details != nil })
	d.details.name.SetText("Kept at closing")
	d.details.dialog.Submit()
	eventually(t, q, "the save and the close", func() bool { return closed == 3 })
	if list, _ := db.Designs(context.Background(), storage.Filter{}); len(list) != 1 || list[0].Name != "Kept at closing" {
		t.Errorf("designs after closing = %v", list)
	}
}

// Moving the design being edited to the trash detaches it (a save makes a
// new design); undoing the delete attaches it again.
func TestTrashingTheOpenDesign(t *testing.T) {
	d, w, q, _ := newStoredDesigner(t)
	d.Decide("top", choice("walnut"))
	saveNamed(t, d, q, false, "Desk", "")
	id := d.DesignID()
	l := openLibrary(t, d, q)
	x := l.cards[0].s.Design
	l.Trash(x)
	waitList(t, l, q, 0)
	if d.DesignID() != 0 || !d.Dirty() || w.Title() != "• Desk — Atelier" {
		t.Errorf("after trashing: id %d, dirty %v, title %q", d.DesignID(), d.Dirty(), w.Title())
	}
	test.Tap(l.action)
	waitList(t, l, q, 1)
	eventually(t, q, "the design attached again", func() bool { return d.DesignID() == id })
	if d.Dirty() || w.Title() != "Desk — Atelier" {
		t.Errorf("after undo: dirty %v, title %q", d.Dirty(), w.Title())
	}
	// The card's menu offers the actions.
	l.cards[0].TappedSecondary(&fyne.PointEvent{AbsolutePosition: fyne.NewPos(10, 10)})
	if top := w.Canvas().Overlays().Top(); top == nil {
		t.Error("no menu on a right click")
	} else if got := texts(top); !strings.Contains(got, "Revision history…") || !strings.Contains(got, "Move to the trash") {
		t.Errorf("menu:\n%s", got)
	}
}

// Two designs side by side: their differing choices and prices; a
// revision beside the current one from the history.
func TestCompareDesignsAndRevisions(t *testing.T) {
	d, _, q, _ := newStoredDesigner(t)
	d.Decide("top", choice("walnut"))
	saveNamed(t, d, q, false, "Walnut desk", "")
	walnut := d.DesignID()
	d.Decide("frame", choice("black"))
	d.Save()
	eventually(t, q, "the second revision", func() bool { return !d.saving && d.doc.revision == 2 })
	d.NewDesign()
	d.Decide("top", choice("oak"))
	d.Decide("width", number(1800))
	saveNamed(t, d, q, false, "Oak desk", "")
	oak := d.DesignID()

	var got *comparison
	d.OnCompared = func(c *comparison) { got = c }
	d.Compare(walnut, 0, oak, 0)
	eventually(t, q, "the comparison", func() bool { return got != nil })
	rows := map[string][2]string{}
	for _, r := range got.rows {
		rows[r[0]] = [2]string{r[1], r[2]}
	}
	if rows["Desktop"] != [2]string{"Solid walnut, oiled", "Solid oak, oiled"} || rows["Frame"] != [2]string{"Jet black", "Traffic white"} ||
		rows["Width"] != [2]string{"1600 mm", "1800 mm"} || len(got.rows) != 3 {
		t.Errorf("differences %v", got.rows)
	}
	if diff := priceDifference(got.a.rev, got.b.rev, "en"); !strings.Contains(diff, "less") {
		t.Errorf("the oak desk is cheaper: %q (%s vs %s)", diff, got.a.rev.Total, got.b.rev.Total)
	}
	// Revision 1 of the walnut desk beside revision 2: only the frame.
	got = nil
	d.Compare(walnut, 1, walnut, 2)
	eventually(t, q, "the comparison of revisions", func() bool { return got != nil })
	if len(got.rows) != 1 || got.rows[0][0] != "Frame" {
		t.Errorf("revisions differ in %v", got.rows)
	}
}
