package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/storage"
)

// libraryLimit is the most designs the library shows at once; a search
// finds the others.
const libraryLimit = 120

// Library is the design library: the saved designs as cards with their
// picture, name, product, customer, price and date, searched as you type
// and filtered by product, customer and status. A card opens its design in
// the designer; its menu duplicates, renames, shows the revision history
// or moves it to the trash (with an Undo, and a Trash view to restore from).
// All database work runs off the UI goroutine.
type Library struct {
	d     *Designer
	store Store

	search    *widget.Entry
	product   *widget.Select
	customer  *widget.Select
	status    *widget.Select
	designs   *widget.Button // the two views: designs and trash
	queueBtn  *widget.Button // the designs waiting from the showroom
	trashView *widget.Button
	heading   *widget.Label
	count     *widget.Label
	grid      *fyne.Container
	scroll    *container.Scroll
	empty     *widget.Label
	emptyBox  fyne.CanvasObject // the empty label with its icon
	emptyIcon *widget.Icon
	notice    *widget.Label
	action    *widget.Button
	noticeBar fyne.CanvasObject
	content   fyne.CanvasObject

	trash     bool
	customers []storage.Customer // the customer filter's choices after "All customers"
	shown     []storage.DesignSummary
	cards     []*designCard
	gen       uint64 // incremented with every query; only the newest answer is shown
	queries   latest
	thumbs    map[string]image.Image // decoded pictures by design and revision (query goroutines only)
	versions  map[int64]string       // catalog records other than the one in use: "catalog 2026.2"
	catalogOf map[int64]string       // catalog record → the catalog's id ("nordholm")
	noticeGen int
	noticeFn  func()
	history   *history // the open history dialog

	// OnLoaded, if set, is called on the UI goroutine after each list is
	// shown (tests use it).
	OnLoaded func()
}

func newLibrary(d *Designer) *Library {
	l := &Library{d: d, store: d.store, thumbs: map[string]image.Image{}}
	l.heading = widget.NewLabelWithStyle(T("Design library"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.heading.SizeName = theme.SizeNameSubHeadingText
	l.designs = widget.NewButtonWithIcon(T("Designs"), theme.GridIcon(), func() { l.setTrash(false) })
	l.trashView = widget.NewButtonWithIcon(T("Trash"), theme.DeleteIcon(), func() { l.setTrash(true) })

	l.search = widget.NewEntry()
	l.search.SetPlaceHolder(T("Search names, notes, products and customers"))
	l.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	l.search.OnChanged = func(string) { l.refresh() }

	products := []string{T("All products")}
	for _, p := range d.cat.Products {
		products = append(products, d.text(p.Name))
	}
	l.product = widget.NewSelect(products, func(string) { l.refresh() })
	l.product.SetSelectedIndex(0)
	l.customer = widget.NewSelect([]string{T("All customers")}, func(string) { l.refresh() })
	l.customer.SetSelectedIndex(0)
	l.status = widget.NewSelect([]string{T("Any status"), T("Draft"), T("Quoted"), T("Ordered")}, func(string) { l.refresh() })
	l.status.SetSelectedIndex(0)
	l.count = widget.NewLabel("")

	l.grid = container.New(&cardGrid{min: cardSize()})
	l.empty = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	l.empty.Wrapping = fyne.TextWrapWord
	l.emptyIcon = widget.NewIcon(theme.GridIcon())
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSize(56, 56), l.emptyIcon))
	l.emptyBox = container.NewCenter(container.NewGridWrap(fyne.NewSize(480, 160), container.NewVBox(icon, l.empty)))
	l.emptyBox.Hide()
	l.scroll = container.NewVScroll(container.NewPadded(l.grid))

	l.notice = widget.NewLabel("")
	l.notice.Truncation = fyne.TextTruncateEllipsis
	l.action = widget.NewButton(T("Undo"), func() {
		if f := l.noticeFn; f != nil {
			l.hideNotice()
			f()
		}
	})
	l.action.Importance = widget.HighImportance
	closeNotice := widget.NewButtonWithIcon("", theme.CancelIcon(), l.hideNotice)
	closeNotice.Importance = widget.LowImportance
	l.noticeBar = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), container.NewHBox(l.action, closeNotice), l.notice))
	l.noticeBar.Hide()

	l.queueBtn = widget.NewButtonWithIcon(T("From the showroom"), theme.ComputerIcon(), d.ShowQueue)
	l.queueBtn.Importance = widget.WarningImportance
	l.showQueueButton(d.waiting)
	title := container.NewBorder(nil, nil, container.NewHBox(l.heading, container.NewCenter(l.count)), container.NewHBox(l.queueBtn, l.designs, l.trashView))
	fixed := func(w float32, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	filters := container.NewBorder(nil, nil, nil,
		container.NewHBox(fixed(210, l.product), fixed(210, l.customer), fixed(150, l.status)), l.search)
	top := container.NewVBox(title, widget.NewSeparator(), container.NewPadded(filters))
	body := container.NewStack(l.scroll, l.emptyBox)
	l.content = container.NewBorder(top, l.noticeBar, nil, nil, body)
	l.showView()
	return l
}

// cardSize is the size of every card in the grid.
func cardSize() fyne.Size {
	return newDesignCard(storage.DesignSummary{}, nil, false, "").MinSize()
}

// ShowLibrary shows the design library in place of the designer (Ctrl+O).
func (d *Designer) ShowLibrary() {
	if d.store == nil {
		why := d.saveOff
		if why == "" {
			why = T("There is no design library.")
		}
		d.tell(T("The design library is not available"), why)
		return
	}
	if d.library == nil || d.library.store != d.store {
		if d.library != nil {
			d.stack.Remove(d.library.content)
		}
		d.library = newLibrary(d)
		d.screens[screenLibrary] = screenOf{content: d.library.content, shown: func() {
			l := d.library
			l.loadCustomers()
			l.refresh()
			if d.win != nil {
				d.win.Canvas().Focus(l.search)
			}
		}}
	}
	d.show(screenLibrary)
}

// ShowDesigner shows the designer.
func (d *Designer) ShowDesigner() { d.show(screenDesign) }

// ToggleLibrary shows the library, or goes back to the designer from it.
func (d *Designer) ToggleLibrary() {
	if d.LibraryShown() {
		d.ShowDesigner()
	} else {
		d.ShowLibrary()
	}
}

// LibraryShown reports whether the library is on screen.
func (d *Designer) LibraryShown() bool { return d.current == screenLibrary }

// Library is the design library (nil until it is first shown).
func (d *Designer) Library() *Library { return d.library }

func (l *Library) setTrash(on bool) {
	if l.trash == on {
		return
	}
	l.trash = on
	l.showView()
	l.refresh()
}

func (l *Library) showView() {
	l.designs.Importance, l.trashView.Importance = widget.HighImportance, widget.MediumImportance
	l.heading.SetText(T("Design library"))
	if l.trash {
		l.designs.Importance, l.trashView.Importance = widget.MediumImportance, widget.HighImportance
		l.heading.SetText(T("Trash"))
	}
	l.designs.Refresh()
	l.trashView.Refresh()
}

// filter is what the search and the filters select.
func (l *Library) filter() storage.Filter {
	f := storage.Filter{Query: l.search.Text, Trash: l.trash, Limit: libraryLimit}
	if i := l.product.SelectedIndex(); i > 0 {
		f.Product = l.d.cat.Products[i-1].ID
	}
	if i := l.customer.SelectedIndex(); i > 0 && i-1 < len(l.customers) {
		f.Customer = l.customers[i-1].ID
	}
	if i := l.status.SelectedIndex(); i > 0 {
		f.Status = []storage.Status{storage.Draft, storage.Quoted, storage.Ordered}[i-1]
	}
	return f
}

// filtered reports whether a search or a filter narrows the list.
func filtered(f storage.Filter) bool {
	return strings.TrimSpace(f.Query) != "" || f.Product != "" || f.Customer != 0 || f.Status != ""
}

// refresh reads the list again, off the UI goroutine; the newest answer
// wins.
func (l *Library) refresh() {
	if l.search == nil || l.status == nil || l.customer == nil || l.product == nil {
		return // still building
	}
	f := l.filter()
	l.gen++
	gen, store := l.gen, l.store
	current := l.d.catalogID
	l.queries.run(func() {
		list, err := store.Designs(context.Background(), f)
		versions := map[int64]string{}
		catalogOf := map[int64]string{}
		if recs, err := store.Catalogs(context.Background()); err == nil {
			for _, r := range recs {
				catalogOf[r.ID] = r.CatalogID
				if r.ID != current {
					versions[r.ID] = Tf("catalog %s", r.Version)
				}
			}
		}
		pics := make([]image.Image, len(list))
		if err == nil {
			for i, s := range list {
				pics[i] = l.picture(s)
			}
		}
		l.d.do(func() {
			if gen != l.gen {
				return // a newer query is on its way
			}
			l.versions = versions
			l.catalogOf = catalogOf
			l.show(f, list, pics, err)
			if l.OnLoaded != nil {
				l.OnLoaded()
			}
		})
	})
}

// productName is a design's product's name in the app's language, from
// the catalog in use when the design was made with one of its versions
// (the library keeps the name in the language it was saved in).
func (l *Library) productName(s storage.DesignSummary) string {
	if l.d.cat == nil || l.catalogOf[s.Catalog] != l.d.cat.ID {
		return s.ProductName
	}
	if p := l.d.cat.Product(s.ProductID); p != nil {
		return l.d.text(p.Name)
	}
	return s.ProductName
}

// picture decodes a design's thumbnail (cached by design and revision).
func (l *Library) picture(s storage.DesignSummary) image.Image {
	if len(s.Thumbnail) == 0 {
		return nil
	}
	key := fmt.Sprintf("%d/%d", s.ID, s.Revision)
	if img, ok := l.thumbs[key]; ok {
		return img
	}
	img, err := png.Decode(bytes.NewReader(s.Thumbnail))
	if err != nil {
		return nil
	}
	l.thumbs[key] = img
	return img
}

func (l *Library) show(f storage.Filter, list []storage.DesignSummary, pics []image.Image, err error) {
	l.shown = list
	l.cards = nil
	objs := make([]fyne.CanvasObject, 0, len(list))
	now := time.Now()
	for i, s := range list {
		s.ProductName = l.productName(s)
		c := newDesignCard(s, pics[i], l.trash, when(s.UpdatedAt, now))
		c.version = l.versions[s.Catalog]
		s := s
		c.onOpen = func() { l.d.OpenDesign(s.ID) }
		c.onMenu = func(pos fyne.Position) { l.showMenu(s, pos) }
		c.onRestore = func() { l.restore(s.Design) }
		c.onPurge = func() { l.purge(s.Design) }
		l.cards = append(l.cards, c)
		objs = append(objs, c)
	}
	l.grid.Objects = objs
	l.grid.Refresh()
	l.scroll.ScrollToTop()
	l.empty.Importance = widget.MediumImportance
	switch {
	case err != nil:
		l.empty.SetText(Tf("The designs could not be read: %s", err))
		l.empty.Importance = widget.DangerImportance
		l.emptyIcon.SetResource(theme.ErrorIcon())
	case len(list) == 0 && l.trash:
		l.empty.SetText(T("The trash is empty."))
		l.emptyIcon.SetResource(theme.DeleteIcon())
	case len(list) == 0 && filtered(f):
		l.empty.SetText(T("No designs match. Try fewer words, or another product, customer or status."))
		l.emptyIcon.SetResource(theme.SearchIcon())
	case len(list) == 0:
		l.empty.SetText(T("No saved designs yet.\nDesign something and press Ctrl+S: it will wait for you here."))
		l.emptyIcon.SetResource(theme.DocumentSaveIcon())
	}
	l.count.SetText("")
	if err == nil && len(list) > 0 {
		l.count.SetText(countText(len(list), f.Limit))
	}
	if err != nil || len(list) == 0 {
		l.emptyBox.Show()
	} else {
		l.emptyBox.Hide()
	}
	l.empty.Refresh()
}

func countText(n, limit int) string {
	switch {
	case n == 1:
		return T("1 design")
	case n >= limit:
		return fmt.Sprintf(T("the first %d designs"), n)
	}
	return fmt.Sprintf(T("%d designs"), n)
}

// loadCustomers fills the customer filter, off the UI goroutine.
func (l *Library) loadCustomers() {
	store := l.store
	go func() {
		list, err := store.Customers(context.Background(), "")
		if err != nil {
			return // the filter keeps "All customers"
		}
		l.d.do(func() {
			var current int64
			if i := l.customer.SelectedIndex(); i > 0 && i-1 < len(l.customers) {
				current = l.customers[i-1].ID
			}
			l.customers = list
			opts := []string{T("All customers")}
			sel := 0
			for i, c := range list {
				name := c.Name
				if c.Email != "" {
					name += " (" + c.Email + ")"
				}
				opts = append(opts, name)
				if c.ID == current {
					sel = i + 1
				}
			}
			l.customer.OnChanged = nil
			l.customer.SetOptions(opts)
			l.customer.SetSelectedIndex(sel)
			l.customer.OnChanged = func(string) { l.refresh() }
		})
	}()
}

// showMenu shows a card's actions at pos (on the canvas).
func (l *Library) showMenu(s storage.DesignSummary, pos fyne.Position) {
	if l.d.win == nil {
		return
	}
	menu := fyne.NewMenu("",
		fyne.NewMenuItem(T("Open"), func() { l.d.OpenDesign(s.ID) }),
		fyne.NewMenuItem(T("Add to order"), func() { l.d.addToDraft(s.ID, s.Customer) }),
		fyne.NewMenuItem(T("Rename…"), func() { l.askRename(s.Design) }),
		fyne.NewMenuItem(T("Duplicate"), func() { l.duplicate(s.Design) }),
		fyne.NewMenuItem(T("Revision history…"), func() { l.showHistory(s.Design) }),
		fyne.NewMenuItem(T("Compare with…"), func() { l.askCompare(s.Design) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(T("Move to the trash"), func() { l.trashDesign(s.Design) }),
	)
	if l.trash {
		menu = fyne.NewMenu("",
			fyne.NewMenuItem(T("Restore"), func() { l.restore(s.Design) }),
			fyne.NewMenuItem(T("Delete for good…"), func() { l.purge(s.Design) }),
		)
	}
	widget.ShowPopUpMenuAtPosition(menu, l.d.win.Canvas(), pos)
}

// background runs job off the UI goroutine, then done with its error on
// the UI goroutine.
func (l *Library) background(job func(ctx context.Context) error, done func(error)) {
	go func() {
		err := job(context.Background())
		l.d.do(func() { done(err) })
	}()
}

func (l *Library) askRename(x storage.Design) {
	if l.d.win == nil {
		return
	}
	name := newDialogEntry(l.d, false)
	name.SetText(x.Name)
	name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(T("a design needs a name"))
		}
		return nil
	}
	dlg := dialog.NewForm(T("Rename design"), T("Rename"), T("Cancel"), []*widget.FormItem{{Text: T("Name"), Widget: name}}, func(ok bool) {
		if ok {
			l.Rename(x, strings.TrimSpace(name.Text))
		}
	}, l.d.win)
	dlg.Resize(fyne.NewSize(460, 0))
	dlg.Show()
	l.d.win.Canvas().Focus(name)
}

// Rename renames a design.
func (l *Library) Rename(x storage.Design, name string) {
	if name == x.Name {
		return
	}
	store := l.store
	l.background(func(ctx context.Context) error { return store.RenameDesign(ctx, x.ID, name) }, func(err error) {
		if err != nil {
			l.d.showError(fmt.Errorf(T("the design could not be renamed: %w"), err))
			return
		}
		if l.d.doc.id == x.ID {
			l.d.doc.name = name
			l.d.documentChanged()
		}
		l.refresh()
	})
}

// Duplicate saves a copy of a design as a new design.
func (l *Library) Duplicate(x storage.Design) { l.duplicate(x) }

func (l *Library) duplicate(x storage.Design) {
	store := l.store
	var dup storage.Design
	l.background(func(ctx context.Context) (err error) {
		dup, err = store.DuplicateDesign(ctx, x.ID, "")
		return err
	}, func(err error) {
		if err != nil {
			l.d.showError(fmt.Errorf(T("the design could not be duplicated: %w"), err))
			return
		}
		l.refresh()
		l.showNotice(fmt.Sprintf(T("Saved a copy: “%s”."), dup.Name), T("Open"), func() { l.d.OpenDesign(dup.ID) })
	})
}

// Trash moves a design to the trash, with an Undo in the notice bar.
func (l *Library) Trash(x storage.Design) { l.trashDesign(x) }

func (l *Library) trashDesign(x storage.Design) {
	store := l.store
	l.background(func(ctx context.Context) error { return store.TrashDesign(ctx, x.ID) }, func(err error) {
		if err != nil {
			l.d.showError(fmt.Errorf(T("the design could not be deleted: %w"), err))
			return
		}
		var kept document
		if d := l.d; d.doc.id == x.ID {
			// The designer keeps showing it, as an unsaved design: a save
			// makes a new one rather than writing into the trash.
			kept = d.doc
			d.doc.id, d.doc.saved, d.doc.revision, d.doc.detachedFrom = 0, nil, 0, x.ID
			d.documentChanged()
		}
		l.refresh()
		l.showNotice(fmt.Sprintf(T("“%s” was moved to the trash."), x.Name), T("Undo"), func() {
			l.restoreThen(x, func() {
				if d := l.d; kept.id != 0 && d.doc.id == 0 && d.doc.detachedFrom == x.ID {
					d.doc = kept
					d.documentChanged()
				}
			})
		})
	})
}

// Restore takes a design out of the trash.
func (l *Library) restore(x storage.Design) {
	l.restoreThen(x, func() {
		l.showNotice(fmt.Sprintf(T("“%s” is back in the library."), x.Name), "", nil)
	})
}

func (l *Library) restoreThen(x storage.Design, then func()) {
	store := l.store
	l.background(func(ctx context.Context) error { return store.RestoreDesign(ctx, x.ID) }, func(err error) {
		if err != nil {
			l.d.showError(fmt.Errorf(T("the design could not be restored: %w"), err))
			return
		}
		l.refresh()
		then()
	})
}

// purge deletes a design from the trash for good, after asking.
func (l *Library) purge(x storage.Design) {
	if l.d.win == nil {
		return
	}
	dlg := dialog.NewConfirm(T("Delete for good"), fmt.Sprintf(T("Delete “%s” and all its revisions for good?\nThis cannot be undone."), x.Name), func(ok bool) {
		if !ok {
			return
		}
		store := l.store
		l.background(func(ctx context.Context) error { return store.PurgeDesign(ctx, x.ID) }, func(err error) {
			if err != nil {
				l.d.showError(fmt.Errorf(T("the design could not be deleted: %w"), err))
				return
			}
			l.refresh()
		})
	}, l.d.win)
	dlg.SetConfirmText(T("Delete for good"))
	dlg.SetDismissText(T("Keep it"))
	dlg.Show()
}

// showNotice shows a message in the bar at the bottom, with an action
// (actionText "" for none); it goes away by itself after a while.
func (l *Library) showNotice(msg, actionText string, action func()) {
	l.noticeGen++
	gen := l.noticeGen
	l.notice.SetText(msg)
	l.noticeFn = action
	if actionText == "" || action == nil {
		l.action.Hide()
	} else {
		l.action.SetText(actionText)
		l.action.Show()
	}
	l.noticeBar.Show()
	time.AfterFunc(12*time.Second, func() {
		l.d.do(func() {
			if gen == l.noticeGen {
				l.hideNotice()
			}
		})
	})
}

func (l *Library) hideNotice() {
	l.noticeGen++
	l.noticeFn = nil
	l.noticeBar.Hide()
}

// moneyText formats a stored amount ("" when there is none).
func moneyText(amount, currency string) string {
	v, err := decimal.NewFromString(amount)
	if err != nil {
		return ""
	}
	return FormatMoney(v, currency)
}

func statusText(s storage.Status) string { return T(capitalize(string(s))) }

// spacer is a flexible gap in a box.
func spacer() fyne.CanvasObject { return layout.NewSpacer() }

// showQueueButton shows how many designs wait from the showroom (the
// button hides when none do).
func (l *Library) showQueueButton(n int) {
	if n == 0 {
		l.queueBtn.Hide()
		return
	}
	l.queueBtn.SetText(fmt.Sprintf(T("From the showroom (%d)"), n))
	l.queueBtn.Show()
}
