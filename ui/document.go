package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
)

// document is the design in the designer as the library knows it: which
// saved design it is (if any), its name, customer and notes, and what was
// last saved, so that the designer can tell unsaved changes.
type document struct {
	id           int64 // 0: never saved
	name         string
	notes        string
	customer     int64
	customerName string
	status       storage.Status
	quantity     int
	revision     int
	savedAt      string
	// product and saved are the product and the decisions as last saved
	// or opened; saved is nil for a design never saved.
	product string
	saved   map[string]string
	// origin is what a design never saved started from (a preset's
	// decisions): neither it nor the bare defaults are unsaved work.
	origin map[string]string
	// catalog is the catalog record it was last saved with (0: never
	// saved): opened with another version, it has changes to save.
	catalog int64
	// detachedFrom is the design this one was saved as before it went to
	// the trash (undoing the delete attaches it again).
	detachedFrom int64
	// settles: the design was changed on two machines and was opened to
	// combine the versions; its next save settles it (ui/shop.go).
	settles bool
}

func newDocument() document { return document{quantity: 1, status: storage.Draft} }

// documentOf is the document of a saved design at one of its revisions.
func documentOf(x storage.Design, rev storage.Revision) document {
	saved := maps.Clone(rev.Decisions)
	if saved == nil {
		saved = map[string]string{}
	}
	return document{id: x.ID, name: x.Name, notes: x.Notes, customer: x.Customer, customerName: x.CustomerName,
		status: x.Status, quantity: max(x.Quantity, 1), revision: x.Revision, savedAt: rev.SavedAt,
		product: x.ProductID, saved: saved, catalog: rev.Catalog}
}

// autosaveDelay is how long the designer waits after a change before it
// saves the design to the autosave slot.
const autosaveDelay = 1500 * time.Millisecond

// SetStore connects the designer to the design library: catalogID is the
// catalog record of the catalog it shows (storage.ImportCatalog). Saving is
// on from now.
func (d *Designer) SetStore(s Store, catalogID int64) {
	d.store, d.catalogID, d.saveOff, d.opening = s, catalogID, "", false
	// Engines started before the library was open keep their knowledge
	// there from now on (and start from it if they have answered nothing).
	for _, e := range d.engines {
		e.attach(d.keepIn())
	}
	d.autosave = &autosaver{store: s, delay: d.autosaveDelay, done: func(err error) {
		d.do(func() {
			d.autosaveErr = err
			d.refreshDocument()
			if d.OnAutosaved != nil {
				d.OnAutosaved(err)
			}
		})
	}}
	d.refreshDocument()
	d.refreshOrder() // the order's lines can be read now
	d.queueChanged()
	d.loadSharedDealer(true)
}

// DisableSaving turns saving off and says why (the database is from a
// newer version, read-only, still opening…). The designer works on.
func (d *Designer) DisableSaving(reason string) {
	d.saveOff, d.opening = reason, false
	d.refreshDocument()
}

// WaitForStore says the design library is opening: saving waits for
// SetStore (or DisableSaving).
func (d *Designer) WaitForStore() {
	d.opening = true
	d.refreshDocument()
}

// cannotSave says why the design cannot be saved now ("" when it can).
func (d *Designer) cannotSave() string {
	switch {
	case d.saveOff != "":
		return d.saveOff
	case d.opening:
		return T("The design library is still opening; try again in a moment.")
	case d.store == nil:
		return T("There is no design library to save to.")
	}
	return ""
}

// Dirty reports whether the design has changes that are not saved.
func (d *Designer) Dirty() bool {
	if d.product == nil {
		return false
	}
	if d.doc.saved == nil {
		return len(d.decisions) > 0 && !maps.Equal(encodeDecisions(d.decisions), d.doc.origin)
	}
	return d.product.ID != d.doc.product || !maps.Equal(encodeDecisions(d.decisions), d.doc.saved) ||
		d.doc.catalog != 0 && d.catalogID != 0 && d.doc.catalog != d.catalogID
}

// DesignName is the name of the design being edited ("" before it is
// saved).
func (d *Designer) DesignName() string { return d.doc.name }

// DesignID is the library id of the design being edited (0 before it is
// saved).
func (d *Designer) DesignID() int64 { return d.doc.id }

func (d *Designer) docTitle() string {
	if d.doc.name != "" {
		return d.doc.name
	}
	return T("New design")
}

// WindowTitle is the window's title: the design's name, marked with "•"
// while it has unsaved changes; just "Atelier" before anything is made.
func (d *Designer) WindowTitle() string {
	dirty := d.Dirty()
	if !dirty && d.doc.id == 0 && d.doc.name == "" {
		return T("Atelier")
	}
	mark := ""
	if dirty {
		mark = "• "
	}
	return mark + d.docTitle() + " — Atelier"
}

// refreshDocument shows the design's name, whether it is saved, and what
// the save buttons can do.
func (d *Designer) refreshDocument() {
	if d.docName == nil {
		return // still building
	}
	dirty := d.Dirty()
	if d.win != nil {
		d.win.SetTitle(d.WindowTitle())
	}
	name := d.docTitle()
	if dirty {
		name += " •"
	}
	d.docName.SetText(name)
	note, imp := "", widget.MediumImportance
	switch {
	case d.saving:
		note = T("Saving…")
	case d.opening:
		note = T("Opening the design library…")
	case d.saveOff != "":
		note, imp = Tf("Saving is off: %s", d.saveOff), widget.WarningImportance
	case d.store == nil:
	case d.autosaveErr != nil:
		note, imp = Tf("Unsaved changes could not be kept: %s", d.autosaveErr), widget.WarningImportance
	case dirty && d.doc.id == 0:
		note = T("Not saved yet")
	case dirty:
		note = T("Unsaved changes")
	case d.doc.id != 0:
		note = fmt.Sprintf(T("Saved %s · revision %d"), when(d.doc.savedAt, time.Now()), d.doc.revision)
		if d.doc.customerName != "" {
			note = Tf("For %s", d.doc.customerName) + " · " + note
		}
	}
	d.docNote.Importance = imp
	d.docNote.SetText(note)
	can := d.cannotSave() == "" && !d.saving
	setEnabled(d.saveBtn, can && (dirty || d.doc.id == 0))
	setEnabled(d.saveAsBtn, can)
	setEnabled(d.addBtn, can && !d.adding)
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// documentChanged follows every change of the design: the title and,
// a moment later, the autosave.
func (d *Designer) documentChanged() {
	d.refreshDocument()
	d.scheduleAutosave()
}

// scheduleAutosave keeps unsaved changes in the autosave slot a moment
// after the last change (off the UI goroutine), or clears the slot when
// there is nothing unsaved any more.
func (d *Designer) scheduleAutosave() {
	if d.autosave == nil || d.holdAutosave || d.product == nil || d.saveOff != "" {
		return
	}
	if !d.Dirty() {
		if d.autosaved {
			d.autosaved = false
			d.autosave.schedule(nil)
		}
		return
	}
	d.autosaved = true
	d.autosave.schedule(&storage.Autosave{Design: d.doc.id, Catalog: d.catalogID, ProductID: d.product.ID,
		Name: d.doc.name, Decisions: encodeDecisions(d.decisions)})
}

// encodeDecisions writes decisions as stored: feature -> value as typed.
func encodeDecisions(m map[string]catalog.Value) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v.String()
	}
	return out
}

// parseDecisions reads stored decisions back with the product's features;
// what the catalog no longer knows is left out and listed.
func parseDecisions(p *catalog.Product, m map[string]string, lang, fallback string) (map[string]catalog.Value, []string) {
	out := map[string]catalog.Value{}
	var problems []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f := p.Feature(k)
		if f == nil {
			problems = append(problems, fmt.Sprintf(T("%s has no feature %q any more; its choice %q was left out."), p.Name.In(lang, fallback), k, m[k]))
			continue
		}
		v, err := f.ParseValue(m[k])
		if err != nil {
			problems = append(problems, fmt.Sprintf(T("%s: %v; the default is used."), f.Name.In(lang, fallback), err))
			continue
		}
		out[k] = v
	}
	return out, problems
}

// Save saves the design as its next revision; the first time, it asks for
// a name (and optional customer and notes).
func (d *Designer) Save() { d.save(false) }

// SaveAs saves the design as a new one, asking for its name.
func (d *Designer) SaveAs() { d.save(true) }

func (d *Designer) save(asNew bool) {
	if why := d.cannotSave(); why != "" {
		d.afterSave = nil
		d.tell(T("The design cannot be saved"), why)
		return
	}
	if d.saving || d.details != nil || d.asking || d.product == nil {
		return // a save is already under way
	}
	if asNew || d.doc.id == 0 {
		d.askDetails(asNew)
		return
	}
	if !d.Dirty() {
		return // nothing new to keep
	}
	d.writeDesign(d.doc, "")
}

// tell shows a plain message.
func (d *Designer) tell(title, msg string) {
	if d.win == nil {
		d.note(msg)
		return
	}
	dialog.ShowInformation(title, msg, d.win)
}

// askDetails asks for the name, customer and notes of a design before its
// first save (or a save as a new design).
func (d *Designer) askDetails(asNew bool) {
	if d.win == nil {
		d.afterSave = nil
		d.note(T("A design needs a name before it is saved."))
		return
	}
	store := d.store
	d.asking = true
	go func() {
		customers, err := store.Customers(context.Background(), "")
		d.do(func() {
			d.asking = false
			if err != nil {
				customers = nil // the form still works: a name typed makes a new customer
			}
			d.showDetails(asNew, customers)
		})
	}()
}

func (d *Designer) showDetails(asNew bool, customers []storage.Customer) {
	name := newDialogEntry(d, false)
	name.SetPlaceHolder(T("e.g. Corner desk for the Meyers"))
	name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(T("a design needs a name"))
		}
		return nil
	}
	if d.doc.name != "" {
		name.SetText(d.doc.name)
		if asNew {
			name.SetText(Tf("%s (variant)", d.doc.name))
		}
	} else {
		name.SetText(d.defaultName(time.Now())) // Return keeps it; typing replaces it
	}
	var names []string
	for _, c := range customers {
		names = append(names, c.Name)
	}
	customer := widget.NewSelectEntry(names)
	customer.SetPlaceHolder(T("None"))
	customer.SetText(d.doc.customerName)
	notes := newDialogEntry(d, true)
	notes.SetPlaceHolder(T("Anything to remember: measurements, delivery, wishes"))
	notes.SetMinRowsVisible(3)
	notes.Wrapping = fyne.TextWrapWord
	notes.SetText(d.doc.notes)
	items := []*widget.FormItem{
		{Text: T("Name"), Widget: name},
		{Text: T("Customer"), Widget: customer, HintText: T("Pick a customer, or type a new customer's name")},
		{Text: T("Notes"), Widget: notes},
	}
	title := T("Save design")
	if asNew {
		title = T("Save as a new design")
	}
	dlg := dialog.NewForm(title, T("Save"), T("Cancel"), items, func(ok bool) {
		d.details = nil
		if !ok {
			d.afterSave = nil
			return
		}
		doc := d.doc
		if asNew {
			doc = newDocument()
			doc.quantity = d.doc.quantity
		}
		doc.name = strings.TrimSpace(name.Text)
		doc.notes = strings.TrimSpace(notes.Text)
		newCustomer := ""
		doc.customer, doc.customerName = 0, ""
		if who := strings.TrimSpace(customer.Text); who != "" {
			doc.customerName = who
			for _, c := range customers {
				if strings.EqualFold(c.Name, who) {
					doc.customer, doc.customerName = c.ID, c.Name
					break
				}
			}
			if doc.customer == 0 {
				newCustomer = who
			}
		}
		d.writeDesign(doc, newCustomer)
	}, d.win)
	name.OnSubmitted = func(string) { dlg.Submit() }
	customer.OnSubmitted = func(string) { dlg.Submit() }
	dlg.Resize(fyne.NewSize(560, 0))
	d.details = &detailsForm{dialog: dlg, name: name, customer: customer, notes: notes}
	dlg.Show()
	d.win.Canvas().Focus(name)
	name.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// detailsForm is the open save dialog (tests fill it in).
type detailsForm struct {
	dialog   *dialog.FormDialog
	name     *dialogEntry
	customer *widget.SelectEntry
	notes    *dialogEntry
}

// writeDesign saves the design as doc says (a new design when doc.id is
// 0), with a new customer of that name first if one is given. The price,
// the picture and the database work are done off the UI goroutine.
func (d *Designer) writeDesign(doc document, newCustomer string) {
	product, cfg := d.product, d.config
	qty := max(doc.quantity, 1)
	in := storage.DesignInput{ID: doc.id, Name: doc.name, Notes: doc.notes, ProductID: product.ID, ProductName: d.text(product.Name),
		Catalog: d.catalogID, Customer: doc.customer, Status: doc.status, Quantity: qty, Decisions: encodeDecisions(d.decisions),
		Settles: doc.settles}
	if price, err := d.cat.ListPrice(cfg, qty, d.lang); err == nil {
		in.Currency, in.Total = price.Currency, catalog.RoundMoney(price.Total).StringFixed(2)
		for _, l := range price.Lines {
			in.Breakdown = append(in.Breakdown, storage.PriceLine{Label: l.Label, Amount: l.Amount.StringFixed(2)})
		}
	}
	d.saving = true
	d.refreshDocument()
	cat, store, auto := d.cat, d.store, d.autosave
	go func() {
		ctx := context.Background()
		in.Thumbnail = thumbnail(cat, cfg)
		var err error
		if newCustomer != "" {
			in.Customer, err = store.SaveCustomer(ctx, storage.Customer{Name: newCustomer})
		}
		var x storage.Design
		var rev storage.Revision
		if err == nil {
			x, rev, err = store.SaveDesign(ctx, in)
		}
		if err == nil {
			auto.clear() // the save keeps it; a failure to clear only means an offer to restore it next time
		}
		d.do(func() {
			d.saving = false
			if err != nil {
				d.afterSave = nil
				d.refreshDocument()
				d.showError(fmt.Errorf(T("the design was not saved: %w"), err))
				return
			}
			d.doc = documentOf(x, rev)
			d.autosaved, d.autosaveErr = false, nil
			d.documentChanged() // changes made while saving are kept by the autosave
			if in.Settles {
				d.checkChangedTwice()
			}
			if f := d.afterSave; f != nil {
				d.afterSave = nil
				f()
			}
			if d.OnSaved != nil {
				d.OnSaved()
			}
		})
	}()
}

// thumbnail draws a configuration for the library (nil if it cannot be
// drawn: the design is saved without a picture).
func thumbnail(cat *catalog.Catalog, cfg *catalog.Config) []byte {
	png, err := render.Thumbnail(cat, cfg)
	if err != nil {
		return nil
	}
	return png
}

// setDesign shows a product with decisions, as a fresh start (no undo).
func (d *Designer) setDesign(p *catalog.Product, decisions map[string]catalog.Value) {
	d.notice = ""
	d.product = p
	d.decisions = decisions
	d.undo, d.redo = nil, nil
	d.step, d.completed, d.knockBase = undoStep{}, nil, nil
	d.engine = d.engines[p.ID]
	if d.engine == nil {
		d.engine = newEngine(p, d.keepIn())
		d.engines[p.ID] = d.engine
	}
	d.title.SetText(d.text(p.Name))
	d.subtitle.SetText(d.text(p.Description))
	d.buildOptions()
	d.update()
	d.optScroll.ScrollToTop()
}

// whenDiscarded runs then once unsaved changes are safe: saved, or let
// go, as the user answers (cancel runs when they cancel).
func (d *Designer) whenDiscarded(then, cancel func()) {
	d.askToSave(fmt.Sprintf(T("Save the changes to “%s” first?"), d.docTitle()), then, cancel)
}

// askToSave asks what to do with unsaved changes before then, the same
// way everywhere: Save (the default: Return), Don't save, Cancel (Escape).
// Without unsaved changes, or with nowhere to save them, then runs at
// once.
func (d *Designer) askToSave(question string, then, cancel func()) {
	if !d.Dirty() || d.cannotSave() != "" || d.win == nil {
		then()
		return
	}
	msg := widget.NewLabel(question)
	msg.Wrapping = fyne.TextWrapWord
	var dlg *dialog.CustomDialog
	doSave := func() {
		dlg.Hide()
		d.afterSave = then
		d.Save()
	}
	doCancel := func() {
		dlg.Hide()
		if cancel != nil {
			cancel()
		}
	}
	save := widget.NewButtonWithIcon(T("Save"), theme.DocumentSaveIcon(), doSave)
	save.Importance = widget.HighImportance
	discard := widget.NewButton(T("Don't save"), func() { dlg.Hide(); then() })
	back := widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), doCancel)
	dlg = dialog.NewCustomWithoutButtons(T("Unsaved changes"), msg, d.win)
	dlg.SetButtons([]fyne.CanvasObject{discard, back, save})
	dlg.Resize(fyne.NewSize(520, 0))
	d.showDialog(dlg, doCancel, doSave)
}

// NewDesign starts a new, unsaved design of the current product from its
// defaults.
func (d *Designer) NewDesign() {
	if d.product == nil {
		return
	}
	d.whenDiscarded(func() {
		d.doc = newDocument()
		d.setDesign(d.product, map[string]catalog.Value{})
		d.ShowDesigner()
	}, nil)
}

// OpenDesign loads a saved design (its newest revision) into the designer,
// asking first if the current design has unsaved changes.
func (d *Designer) OpenDesign(id int64) {
	if d.store == nil {
		return
	}
	d.whenDiscarded(func() {
		store := d.store
		go func() {
			ctx := context.Background()
			x, err := store.Design(ctx, id)
			var rev storage.Revision
			if err == nil {
				rev, err = store.Revision(ctx, id, x.Revision)
			}
			d.do(func() {
				if err == nil {
					err = d.loadDesign(x, rev)
				}
				if errors.Is(err, errLater) {
					return // a question first
				}
				if err != nil {
					d.afterOpen = nil
					d.showError(fmt.Errorf(T("the design could not be opened: %w"), err))
					return
				}
				d.ShowDesigner()
				if f := d.afterOpen; f != nil {
					d.afterOpen = nil
					f()
				}
				if d.OnOpened != nil {
					d.OnOpened()
				}
			})
		}()
	}, nil)
}

// loadDesign shows a saved design at one of its revisions. A design made
// with another catalog, or another version of this one, is read with it
// first (openElsewhere).
func (d *Designer) loadDesign(x storage.Design, rev storage.Revision) error {
	if rev.Catalog != d.catalogID && d.catalogID != 0 && d.store != nil {
		d.openElsewhere(x, rev)
		return errLater
	}
	p := d.cat.Product(x.ProductID)
	if p == nil {
		return fmt.Errorf(T("“%s” is a design of %s, which the catalog %s does not have"), x.Name, x.ProductName, d.text(d.cat.Name))
	}
	dec, problems := parseDecisions(p, rev.Decisions, d.lang, d.cat.DefaultLanguage())
	d.doc = documentOf(x, rev)
	d.setDesign(p, dec)
	if len(problems) > 0 {
		d.tell(T("The catalog has changed"), fmt.Sprintf(T("“%s” opened with changes:\n\n%s"), x.Name, strings.Join(problems, "\n")))
	}
	return nil
}

// errLater: the design opens once the user has answered a question.
var errLater = errors.New("opens after a question")

// openElsewhere opens a design made with another catalog record. Another
// version of the catalog in use: its decisions are carried over by the
// rules, and the user sees what changes (and the price) before it opens;
// saving then keeps it on this version. Another catalog: the user is
// asked to switch to it.
func (d *Designer) openElsewhere(x storage.Design, rev storage.Revision) {
	store := d.store
	go func() {
		ctx := context.Background()
		rec, err := store.CatalogRecord(ctx, rev.Catalog)
		var cat *catalog.Catalog
		if err == nil {
			cat, err = store.LoadCatalog(ctx, rev.Catalog)
		}
		d.do(func() {
			if err != nil {
				d.showError(fmt.Errorf(T("“%s” was made with a catalog that cannot be read: %w"), x.Name, err))
				return
			}
			if rec.CatalogID != d.cat.ID {
				d.askSwitch(x, rev, rec, cat)
				return
			}
			d.offerUpgrade(x, rev, rec, cat)
		})
	}()
}

// askSwitch offers to switch to the catalog a design was made with.
func (d *Designer) askSwitch(x storage.Design, rev storage.Revision, rec storage.CatalogRecord, cat *catalog.Catalog) {
	open := func() {
		d.SetCatalog(cat, rec.ID, signatureNote(rec))
		if err := d.loadDesign(x, rev); err != nil && !errors.Is(err, errLater) {
			d.showError(err)
			return
		}
		d.ShowDesigner()
	}
	if d.win == nil {
		open()
		return
	}
	msg := fmt.Sprintf(T("“%s” was designed with %s %s by %s. Switch to that catalog to open it?"), x.Name, rec.Name, rec.Version, rec.Manufacturer)
	dlg := dialog.NewConfirm(T("Another catalog"), msg, func(ok bool) {
		if ok {
			open()
		}
	}, d.win)
	dlg.SetConfirmText(T("Switch and open"))
	dlg.Show()
}

// offerUpgrade shows what opening a design with the version in use
// changes, and its price then and now.
func (d *Designer) offerUpgrade(x storage.Design, rev storage.Revision, rec storage.CatalogRecord, old *catalog.Catalog) {
	p := d.cat.Product(x.ProductID)
	if p == nil {
		d.tell(T("The design cannot be opened"), fmt.Sprintf(T("“%s” is a design of %s, which %s %s no longer has."), x.Name, x.ProductName, d.text(d.cat.Name), d.cat.Version))
		return
	}
	eng := d.engines[p.ID]
	if eng == nil {
		eng = newEngine(p, d.keepIn())
		d.engines[p.ID] = eng
	}
	lang := d.lang
	go func() {
		var kept rules.Decisions
		var changes []rules.DecisionChange
		var values map[string]catalog.Value
		var err error
		eng.with(func(s *rules.Session) {
			if kept, changes, err = s.Upgrade(rev.Decisions, lang); err == nil {
				values, err = s.Complete(kept)
			}
		})
		d.do(func() {
			if err == nil && eng.err != nil {
				err = eng.err
			}
			if err != nil {
				d.showError(fmt.Errorf(T("“%s” cannot be carried to %s: %w"), x.Name, d.cat.Version, err))
				return
			}
			open := func() {
				d.doc = documentOf(x, rev)
				d.setDesign(p, map[string]catalog.Value(kept))
				d.ShowDesigner()
				d.note(fmt.Sprintf(T("“%s” is shown with %s %s; save it to keep it so."), x.Name, d.text(d.cat.Name), d.cat.Version))
				if d.OnOpened != nil {
					d.OnOpened()
				}
			}
			if d.win == nil {
				open()
				return
			}
			var lines []string
			for _, c := range changes {
				lines = append(lines, "• "+c.Why)
			}
			if len(lines) == 0 {
				lines = append(lines, T("• Every choice is kept."))
			}
			newTotal := "—"
			if values != nil {
				if price, perr := d.cat.ListPrice(&catalog.Config{Product: p, Values: values}, max(x.Quantity, 1), lang); perr == nil {
					newTotal = d.money(price.Total)
				}
			}
			lines = append(lines, "", fmt.Sprintf(T("List price: %s with %s, %s with %s."), moneyText(rev.Total, rev.Currency), rec.Version, newTotal, d.cat.Version))
			intro := fmt.Sprintf(T("“%s” was made with version %s of %s; %s is in use."), x.Name, rec.Version, rec.Name, d.cat.Version)
			title := T("A newer catalog version")
			if compareVersions(rec.Version, d.cat.Version) > 0 {
				title = T("An older catalog version is in use")
			}
			d.showOffer(title, intro, strings.Join(lines, "\n"), T("Cancel"), Tf("Open with %s", d.cat.Version), open)
		})
	}()
}

// OfferAutosave looks for a design autosaved by a run that did not end
// normally and offers to restore it. Autosaving waits for the answer.
func (d *Designer) OfferAutosave() {
	if d.store == nil {
		return
	}
	d.holdAutosave = true
	store := d.store
	go func() {
		a, err := store.LoadAutosave(context.Background())
		d.do(func() {
			if err != nil || a == nil || d.win == nil {
				d.releaseAutosave()
				return
			}
			d.offerRestore(a)
		})
	}()
}

func (d *Designer) releaseAutosave() {
	d.holdAutosave = false
	d.scheduleAutosave()
}

func (d *Designer) offerRestore(a *storage.Autosave) {
	p := d.cat.Product(a.ProductID)
	if p == nil {
		d.autosaved = true // clear it: this catalog cannot show it
		d.releaseAutosave()
		return
	}
	name := a.Name
	if name == "" {
		name = Tf("A new %s", d.text(p.Name))
	}
	msg := fmt.Sprintf(T("Atelier did not close normally last time.\nRestore the design you were working on?\n\n%s, %s"), name, when(a.SavedAt, time.Now()))
	dlg := dialog.NewConfirm(T("Restore unsaved work"), msg, func(ok bool) {
		if !ok {
			d.autosaved = true
			d.releaseAutosave() // nothing unsaved now: the slot is cleared
			return
		}
		d.restoreAutosave(p, a)
	}, d.win)
	dlg.SetConfirmText(T("Restore"))
	dlg.SetDismissText(T("Discard it"))
	d.showDialog(dlg, dlg.Confirm, dlg.Confirm) // Escape must not throw the work away
}

// restoreAutosave shows an autosaved design: a saved design with the
// unsaved changes on top (one undo takes them back), or a new design.
func (d *Designer) restoreAutosave(p *catalog.Product, a *storage.Autosave) {
	dec, _ := parseDecisions(p, a.Decisions, d.lang, d.cat.DefaultLanguage())
	fresh := func() {
		d.doc = newDocument()
		d.doc.name = a.Name
		d.setDesign(p, dec)
		d.releaseAutosave()
		d.ShowDesigner()
	}
	if a.Design == 0 {
		fresh()
		return
	}
	store := d.store
	go func() {
		ctx := context.Background()
		x, err := store.Design(ctx, a.Design)
		var rev storage.Revision
		if err == nil {
			rev, err = store.Revision(ctx, a.Design, x.Revision)
		}
		d.do(func() {
			if err != nil || x.DeletedAt != "" || d.cat.Product(x.ProductID) == nil {
				fresh()
				return
			}
			saved, _ := parseDecisions(d.cat.Product(x.ProductID), rev.Decisions, d.lang, d.cat.DefaultLanguage())
			d.doc = documentOf(x, rev)
			if x.ProductID == p.ID {
				d.setDesign(p, saved)
				d.apply(dec)
			} else {
				d.setDesign(p, dec)
			}
			d.releaseAutosave()
			d.ShowDesigner()
		})
	}()
}

// ConfirmClose runs close, after asking whether to save unsaved changes.
func (d *Designer) ConfirmClose(close func()) {
	d.askToSave(fmt.Sprintf(T("Save the changes to “%s” before closing?"), d.docTitle()), close, nil)
}

// Shutdown ends the designer's background work at a normal exit: a
// pending autosave is dropped and the autosave slot cleared. It waits for
// the database, so it runs after the window has closed.
func (d *Designer) Shutdown() {
	if d.autosave != nil {
		d.autosave.clear()
	}
}

// when says a stored time for people: "today, 14:05", "yesterday, 09:12",
// "3 Nov, 16:40", or "3 Nov 2025" for another year.
func when(stamp string, now time.Time) string {
	t, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return stamp
	}
	t = t.In(now.Location())
	y, m, dd := now.Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, now.Location())
	switch {
	case !t.Before(today) && t.Before(today.AddDate(0, 0, 1)):
		return Tf("today, %s", t.Format("15:04"))
	case !t.Before(today.AddDate(0, 0, -1)) && t.Before(today):
		return Tf("yesterday, %s", t.Format("15:04"))
	case t.Year() == now.Year():
		return formatDate(t, "2 Jan, 15:04")
	}
	return formatDate(t, "2 Jan 2006")
}

// toolbar is the designer's top bar: the library, a new design, the
// design's name and state, save and save as, add to the order and the
// order.
func (d *Designer) toolbar() fyne.CanvasObject {
	d.docName = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.docNote = widget.NewLabel("")
	d.docNote.SizeName = theme.SizeNameCaptionText
	d.docNote.Truncation = fyne.TextTruncateEllipsis
	d.newBtn = widget.NewButtonWithIcon(T("New"), theme.ContentAddIcon(), d.NewDesign)
	d.saveAsBtn = widget.NewButtonWithIcon(T("Save as variant…"), theme.ContentCopyIcon(), d.SaveAs)
	d.saveBtn = widget.NewButtonWithIcon(T("Save"), theme.DocumentSaveIcon(), d.Save)
	d.saveBtn.Importance = widget.HighImportance
	d.addBtn = widget.NewButtonWithIcon(T("Add to order"), theme.ContentAddIcon(), d.AddToOrder)
	d.presetBtn = d.presetButton()
	left := container.NewHBox(d.newBtn, d.presetBtn, d.completeButton(), widget.NewSeparator(), d.docName)
	right := container.NewHBox(d.saveAsBtn, d.saveBtn, widget.NewSeparator(), d.addBtn)
	return container.NewBorder(nil, nil, left, right, d.docNote)
}
