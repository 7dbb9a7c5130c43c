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
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage"
)

// customersView is the dealer's customers: a list searched as you type,
// and the selected customer's details (name, e-mail, phone, address, the
// date they agreed to be kept on file), their designs and orders, a new
// design for them, and "forget this customer". All database work runs
// off the UI goroutine.
type customersView struct {
	d       *Designer
	content fyne.CanvasObject

	search  *widget.Entry
	list    *widget.List
	count   *widget.Label
	shown   []storage.Customer
	gen     uint64
	queries latest

	// The details of the selected customer (or of a new one).
	editing  storage.Customer // ID 0: a new customer
	detail   fyne.CanvasObject
	none     fyne.CanvasObject // nothing selected
	heading  *widget.Label
	name     *widget.Entry
	email    *widget.Entry
	phone    *widget.Entry
	address  *widget.Entry
	consent  *widget.Check
	consentT *widget.Label
	saveBtn  *widget.Button
	forget   *widget.Button
	newFor   *widget.Button
	designs  *fyne.Container
	orders   *fyne.Container
	history  *fyne.Container // values replaced by later edits on another machine
	syncing  bool

	// OnLoaded, if set, is called on the UI goroutine after the list or a
	// customer's designs and orders were read (tests use it).
	OnLoaded func()
}

func newCustomersView(d *Designer) *customersView {
	v := &customersView{d: d}
	heading := widget.NewLabelWithStyle(T("Customers"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	v.count = widget.NewLabel("")
	add := widget.NewButtonWithIcon(T("New customer"), theme.ContentAddIcon(), v.startNew)
	add.Importance = widget.HighImportance
	title := container.NewBorder(nil, nil, container.NewHBox(heading, container.NewCenter(v.count)), add)

	v.search = widget.NewEntry()
	v.search.SetPlaceHolder(T("Search name, e-mail, phone"))
	v.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	v.search.OnChanged = func(string) { v.reload() }
	v.list = widget.NewList(
		func() int { return len(v.shown) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle(T("Customer name"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel(T("e-mail · phone"))
			sub.Truncation = fyne.TextTruncateEllipsis
			sub.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(name, container.New(layout.NewCustomPaddedLayout(-10, 0, 0, 0), sub))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := v.shown[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(c.Name)
			sub := box.Objects[1].(*fyne.Container).Objects[0].(*widget.Label)
			var bits []string
			for _, s := range []string{c.Email, c.Phone} {
				if s != "" {
					bits = append(bits, s)
				}
			}
			if c.ConsentAt == "" {
				bits = append(bits, T("no consent on file"))
			}
			sub.SetText(strings.Join(bits, " · "))
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(v.shown) {
			v.open(v.shown[i])
		}
	}
	left := container.NewBorder(container.NewPadded(v.search), nil, nil, nil, v.list)

	v.detail = v.details()
	noneText := widget.NewLabelWithStyle(T("Choose a customer on the left, or add a new one."), fyne.TextAlignCenter, fyne.TextStyle{})
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSize(56, 56), widget.NewIcon(theme.AccountIcon())))
	v.none = container.NewCenter(container.NewVBox(icon, noneText))
	v.detail.Hide()
	right := container.NewStack(v.none, v.detail)
	body := container.New(&sideLayout{width: 380, left: true}, left, widget.NewSeparator(), right)
	v.content = container.NewBorder(container.NewVBox(container.NewPadded(title), widget.NewSeparator()), nil, nil, nil, body)
	return v
}

// details builds the right side: the form, the buttons, the designs and
// orders.
func (v *customersView) details() fyne.CanvasObject {
	v.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.heading.SizeName = theme.SizeNameSubHeadingText
	v.heading.Truncation = fyne.TextTruncateEllipsis
	v.name = widget.NewEntry()
	v.name.SetPlaceHolder(T("First and last name"))
	v.name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(T("a customer needs a name"))
		}
		return nil
	}
	v.email = widget.NewEntry()
	v.email.SetPlaceHolder("name@example.com")
	v.email.Validator = func(s string) error {
		s = strings.TrimSpace(s)
		if s != "" && (!strings.Contains(s, "@") || strings.ContainsAny(s, " \t")) {
			return errors.New(T("not an e-mail address"))
		}
		return nil
	}
	v.phone = widget.NewEntry()
	v.address = widget.NewMultiLineEntry()
	v.address.SetMinRowsVisible(3)
	v.address.SetPlaceHolder(T("Street and number\nPostcode and town"))
	v.consent = widget.NewCheck(T("The customer agreed to be kept on file"), func(on bool) {
		if v.syncing {
			return
		}
		v.showConsent(on)
	})
	v.consentT = widget.NewLabel("")
	v.consentT.SizeName = theme.SizeNameCaptionText
	for _, e := range []*widget.Entry{v.name, v.email, v.phone, v.address} {
		e.OnChanged = func(string) { v.changed() }
	}
	form := widget.NewForm(
		widget.NewFormItem(T("Name"), v.name),
		widget.NewFormItem(T("E-mail"), v.email),
		widget.NewFormItem(T("Phone"), v.phone),
		widget.NewFormItem(T("Address"), v.address),
		widget.NewFormItem(T("Consent"), container.NewVBox(v.consent, container.New(layout.NewCustomPaddedLayout(-12, 0, 0, 0), v.consentT))),
	)
	v.saveBtn = widget.NewButtonWithIcon(T("Save"), theme.DocumentSaveIcon(), v.save)
	v.saveBtn.Importance = widget.HighImportance
	v.forget = widget.NewButtonWithIcon(T("Forget this customer…"), theme.DeleteIcon(), v.askForget)
	v.forget.Importance = widget.DangerImportance
	v.newFor = widget.NewButtonWithIcon(T("New design for them"), theme.DocumentCreateIcon(), v.newDesign)
	buttons := container.NewHBox(v.saveBtn, v.newFor, layout.NewSpacer(), v.forget)

	v.designs = container.NewVBox()
	v.orders = container.NewVBox()
	v.history = container.NewVBox()
	body := container.NewVBox(v.heading, form, buttons, widget.NewSeparator(),
		sectionHeading(T("Designs")), v.designs, sectionHeading(T("Orders")), v.orders, v.history)
	return container.NewVScroll(container.NewPadded(body))
}

// showConsent writes when consent was given ("" on: today).
func (v *customersView) showConsent(on bool) {
	switch {
	case !on:
		v.consentT.SetText(T("Without consent, keep only what an order needs, and forget the customer when it is delivered."))
	case v.editing.ConsentAt != "":
		v.consentT.SetText(Tf("Since %s.", dateText(v.editing.ConsentAt)))
	default:
		v.consentT.SetText(Tf("From today, %s.", formatDate(time.Now(), "2 January 2006")))
	}
	v.changed()
}

// dateText writes a YYYY-MM-DD date for people.
func dateText(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return formatDate(t, "2 January 2006")
}

// changed enables Save when something differs from the stored customer.
func (v *customersView) changed() {
	if v.syncing {
		return
	}
	c := v.form()
	same := c.Name == v.editing.Name && c.Email == v.editing.Email && c.Phone == v.editing.Phone &&
		c.Address == v.editing.Address && (c.ConsentAt != "") == (v.editing.ConsentAt != "")
	setEnabled(v.saveBtn, (!same || v.editing.ID == 0) && strings.TrimSpace(c.Name) != "")
}

// form reads the fields.
func (v *customersView) form() storage.Customer {
	c := v.editing
	c.Name = strings.TrimSpace(v.name.Text)
	c.Email = strings.TrimSpace(v.email.Text)
	c.Phone = strings.TrimSpace(v.phone.Text)
	c.Address = strings.TrimSpace(v.address.Text)
	switch {
	case !v.consent.Checked:
		c.ConsentAt = ""
	case c.ConsentAt == "":
		c.ConsentAt = time.Now().Format(time.DateOnly)
	}
	return c
}

// ShowCustomers shows the customers.
func (d *Designer) ShowCustomers() {
	if d.store == nil {
		d.tell(T("Customers are not available"), d.noLibrary())
		return
	}
	if d.customers == nil {
		d.customers = newCustomersView(d)
		d.screens[screenCustomers] = screenOf{content: d.customers.content, shown: func() {
			d.customers.reload()
			if d.win != nil {
				d.win.Canvas().Focus(d.customers.search)
			}
		}}
	}
	d.show(screenCustomers)
}

// noLibrary says why there is no design library.
func (d *Designer) noLibrary() string {
	if d.saveOff != "" {
		return Tf("The design library cannot be used: %s.", d.saveOff)
	}
	return T("The design library is still opening.")
}

// reload reads the customers matching the search, off the UI goroutine.
func (v *customersView) reload() {
	d := v.d
	v.gen++
	gen, query, store := v.gen, strings.TrimSpace(v.search.Text), d.store
	v.queries.run(func() {
		list, err := store.Customers(context.Background(), query)
		d.do(func() {
			if gen != v.gen {
				return
			}
			if err != nil {
				d.showError(fmt.Errorf(T("the customers could not be read: %w"), err))
				return
			}
			v.shown = list
			v.list.UnselectAll()
			v.list.Refresh()
			switch {
			case query != "":
				v.count.SetText(fmt.Sprintf(T("%s found"), plural(len(list), "customer", "customers")))
			default:
				v.count.SetText(plural(len(list), "customer", "customers"))
			}
			// Keep the open customer selected, their designs and orders
			// read again (they may have changed on another screen).
			if i := slices.IndexFunc(list, func(c storage.Customer) bool { return c.ID == v.editing.ID }); i >= 0 && v.editing.ID != 0 {
				v.list.Select(i)
				v.loadLinks(v.editing.ID)
			}
			if v.OnLoaded != nil {
				v.OnLoaded()
			}
		})
	})
}

// startNew shows an empty form for a new customer.
func (v *customersView) startNew() {
	v.list.UnselectAll()
	v.open(storage.Customer{})
	if v.d.win != nil {
		v.d.win.Canvas().Focus(v.name)
	}
}

// open shows a customer's details and reads their designs and orders.
func (v *customersView) open(c storage.Customer) {
	v.editing = c
	v.syncing = true
	v.name.SetText(c.Name)
	v.email.SetText(c.Email)
	v.phone.SetText(c.Phone)
	v.address.SetText(c.Address)
	v.consent.SetChecked(c.ConsentAt != "" || c.ID == 0)
	v.syncing = false
	v.showConsent(v.consent.Checked)
	if c.ID == 0 {
		v.heading.SetText(T("New customer"))
		v.forget.Hide()
		v.newFor.Hide()
	} else {
		v.heading.SetText(c.Name)
		v.forget.Show()
		v.newFor.Show()
	}
	v.none.Hide()
	v.detail.Show()
	v.changed()
	v.designs.RemoveAll()
	v.orders.RemoveAll()
	v.history.RemoveAll()
	if c.ID == 0 {
		v.designs.Add(widget.NewLabel(T("Designs made for this customer show here.")))
		v.detail.Refresh()
		return
	}
	v.loadLinks(c.ID)
}

// loadLinks reads a customer's designs and orders, off the UI goroutine.
func (v *customersView) loadLinks(id int64) {
	d := v.d
	store := d.store
	go func() {
		ctx := context.Background()
		designs, derr := store.Designs(ctx, storage.Filter{Customer: id, Limit: 200})
		orders, oerr := store.Orders(ctx)
		history, _ := store.CustomerHistory(ctx, id)
		d.do(func() {
			if v.editing.ID != id {
				return
			}
			v.showLinks(designs, derr, slices.DeleteFunc(orders, func(o storage.Order) bool { return o.Customer != id }), oerr)
			v.showHistory(history)
			if v.OnLoaded != nil {
				v.OnLoaded()
			}
		})
	}()
}

// showLinks lists a customer's designs (open buttons) and orders.
func (v *customersView) showLinks(designs []storage.DesignSummary, derr error, orders []storage.Order, oerr error) {
	d := v.d
	v.designs.RemoveAll()
	v.orders.RemoveAll()
	switch {
	case derr != nil:
		v.designs.Add(widget.NewLabel(Tf("The designs could not be read: %s", derr)))
	case len(designs) == 0:
		v.designs.Add(widget.NewLabel(T("No designs yet.")))
	}
	for _, x := range designs {
		id := x.ID
		name := widget.NewLabelWithStyle(x.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		name.Truncation = fyne.TextTruncateEllipsis
		sub := widget.NewLabel(fmt.Sprintf(T("%s · %s · %s"), x.ProductName, statusText(x.Status), moneyText(x.Total, x.Currency)))
		sub.Truncation = fyne.TextTruncateEllipsis
		openBtn := widget.NewButton(T("Open"), func() { d.OpenDesign(id) })
		v.designs.Add(container.NewBorder(nil, nil, nil, container.NewCenter(openBtn), container.NewVBox(name, container.New(layout.NewCustomPaddedLayout(-12, 0, 0, 0), sub))))
	}
	switch {
	case oerr != nil:
		v.orders.Add(widget.NewLabel(Tf("The orders could not be read: %s", oerr)))
	case len(orders) == 0:
		v.orders.Add(widget.NewLabel(T("No orders yet.")))
	}
	for _, o := range orders {
		line := fmt.Sprintf(T("%s · %s · %s"), o.Number, when(o.CreatedAt, time.Now()), orderStatusText(o.Status))
		l := widget.NewLabel(line)
		if o.ExportedFile != "" {
			l.SetText(line + " · " + o.ExportedFile)
		}
		l.Truncation = fyne.TextTruncateEllipsis
		v.orders.Add(l)
	}
	v.detail.Refresh() // the sections changed height
}

// showHistory lists the values of the customer's fields that a later edit
// on another machine of the shop replaced (none: no section).
func (v *customersView) showHistory(changes []storage.FieldChange) {
	v.history.RemoveAll()
	if len(changes) == 0 {
		return
	}
	v.history.Add(sectionHeading(T("Earlier values")))
	names := map[string]string{"name": T("Name"), "email": T("E-mail"), "phone": T("Phone"), "address": T("Address"), "consent_at": T("Consent")}
	for _, c := range changes {
		at, err := time.Parse("2006-01-02T15:04:05.999Z", c.At)
		when := c.At
		if err == nil {
			when = formatDate(at.Local(), "2 January 2006, 15:04")
		}
		l := widget.NewLabel(Tf("%s: %s (until a later change on another computer; set %s)", names[c.Field], strings.ReplaceAll(c.Value, "\n", ", "), when))
		l.Wrapping = fyne.TextWrapWord
		v.history.Add(l)
	}
	v.detail.Refresh()
}

// orderStatusText is an order's status for people.
func orderStatusText(s string) string {
	switch s {
	case "exported":
		return "exported"
	case "cancelled":
		return "cancelled"
	}
	return T("not exported")
}

// save writes the form (a new customer or changes) off the UI goroutine.
func (v *customersView) save() {
	d := v.d
	for _, e := range []*widget.Entry{v.name, v.email} {
		if err := e.Validate(); err != nil {
			d.tell(T("The customer was not saved"), err.Error())
			return
		}
	}
	c := v.form()
	store := d.store
	setEnabled(v.saveBtn, false)
	go func() {
		id, err := store.SaveCustomer(context.Background(), c)
		d.do(func() {
			if err != nil {
				v.changed()
				d.showError(fmt.Errorf(T("the customer was not saved: %w"), err))
				return
			}
			c.ID = id
			v.editing = c
			v.heading.SetText(c.Name)
			v.forget.Show()
			v.newFor.Show()
			v.changed()
			d.customerChanged(c)
			v.reload()
			v.open(c)
		})
	}()
}

// askForget confirms, in plain words, before the customer is forgotten.
func (v *customersView) askForget() {
	d := v.d
	c := v.editing
	if c.ID == 0 || d.win == nil {
		return
	}
	msg := widget.NewLabel(Tf("Forget %s?\n\nTheir name, e-mail, phone and address are erased from this computer: from the design library, from its backups and from the copies kept after a restore. Their designs lose their names and notes, their orders the notes and delivery address; wherever else their name, e-mail, phone or street was typed, it becomes “(customer)”. The designs and orders stay, without them.\n\nOrder packages already sent keep what they hold, but importing one again does not bring them back. This cannot be undone.", c.Name))
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm(T("Forget this customer"), Tf("Forget %s", c.Name), T("Keep"), msg, func(ok bool) {
		if ok {
			v.forgetNow(c)
		}
	}, d.win)
	dlg.Resize(fyne.NewSize(560, 0))
	dlg.Show()
}

// forgetNow erases the customer, off the UI goroutine.
func (v *customersView) forgetNow(c storage.Customer) {
	d := v.d
	store := d.store
	go func() {
		err := store.ForgetCustomer(context.Background(), c.ID)
		d.do(func() {
			if err != nil {
				d.showError(fmt.Errorf(T("%s could not be forgotten: %w"), c.Name, err))
				return
			}
			d.customerForgotten(c)
			v.editing = storage.Customer{}
			v.detail.Hide()
			v.none.Show()
			v.reload()
			d.note(Tf("%s was forgotten.", c.Name))
		})
	}()
}

// newDesign starts a new design for the customer: the product chooser,
// and the design's first save has the customer filled in.
func (v *customersView) newDesign() {
	d := v.d
	c := v.editing
	d.pendingCustomer = &c
	d.show(screenProducts)
	d.note(Tf("Choose the product to design for %s.", c.Name))
}

// customerChanged follows a customer's new name into the design being
// edited.
func (d *Designer) customerChanged(c storage.Customer) {
	if d.doc.customer == c.ID && d.doc.customerName != c.Name {
		d.doc.customerName = c.Name
		d.refreshDocument()
	}
}

// customerForgotten drops a forgotten customer from the design being
// edited, the draft order and the screens that show them. Their name, e-mail, phone or street typed in what is held in memory
// (the design being edited, the draft order kept in the preferences)
// goes as it went from the library.
func (d *Designer) customerForgotten(c storage.Customer) {
	id := c.ID
	full := storage.NewMatcher(c)
	// What belongs to another customer loses only the full name, e-mail,
	// phone and street, never a single word ("White" in "White desk"), as
	// in the library (storage.Forget).
	matcherFor := func(owner int64) *storage.Matcher {
		if owner != 0 && owner != id {
			return full.Strict()
		}
		return full
	}
	m := matcherFor(d.doc.customer)
	if d.doc.customer == id || m.Contains(d.doc.name) || m.Contains(d.doc.notes) {
		if d.doc.customer == id {
			d.doc.customer, d.doc.customerName, d.doc.notes = 0, "", ""
		}
		d.doc.name, d.doc.notes = m.Scrub(d.doc.name), m.Scrub(d.doc.notes)
		d.refreshDocument()
	}
	// A free-text choice (an engraving) that names them goes back to its
	// default, in the design and in its undo history alike.
	withoutThem := func(dec map[string]catalog.Value) (map[string]catalog.Value, bool) {
		var out map[string]catalog.Value
		for id, v := range dec {
			if v.Kind == catalog.Textual && m.Contains(v.Str) {
				if out == nil {
					out = maps.Clone(dec)
				}
				delete(out, id)
			}
		}
		if out == nil {
			return dec, false
		}
		return out, true
	}
	for _, history := range [][]map[string]catalog.Value{d.undo, d.redo} {
		for i := range history {
			history[i], _ = withoutThem(history[i])
		}
	}
	if dec, changed := withoutThem(d.decisions); changed {
		d.decisions = dec
		d.update()
	}
	changed := false
	for i := range d.draft.Lines {
		if d.draft.Lines[i].Customer == id {
			d.draft.Lines[i].Customer = 0
			changed = true
		}
		if name := matcherFor(d.draft.Lines[i].Customer).Scrub(d.draft.Lines[i].Name); name != d.draft.Lines[i].Name {
			d.draft.Lines[i].Name, changed = name, true
		}
	}
	dm := matcherFor(d.draft.Customer)
	if notes, delivery := dm.Scrub(d.draft.Notes), dm.Scrub(d.draft.Delivery); notes != d.draft.Notes || delivery != d.draft.Delivery {
		d.draft.Notes, d.draft.Delivery, changed = notes, delivery, true
	}
	if d.draft.Customer == id {
		d.draft.Customer, d.draft.Delivery, d.draft.DeliverySet = 0, "", false
		changed = true
	}
	if changed {
		d.saveDraft()
	}
	if d.pendingCustomer != nil && d.pendingCustomer.ID == id {
		d.pendingCustomer = nil
	}
	if d.order != nil {
		d.order.customers = slices.DeleteFunc(d.order.customers, func(c storage.Customer) bool { return c.ID == id })
		d.order.refresh()
	}
	if d.library != nil && d.LibraryShown() {
		d.library.refresh()
	}
}
