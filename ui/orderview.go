package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/storage"
)

// maxQuantity is the most pieces of one design an order line takes.
const maxQuantity = 9999

// orderView is the draft order: its lines (picture, name, product,
// quantity, the customer's net price, remove), the customer, delivery
// address, requested date and notes, the totals, and the export. It
// replaces the designer in the window, like the library.
type orderView struct {
	d *Designer

	content   fyne.CanvasObject
	summary   *widget.Label
	rows      *fyne.Container
	lines     []*orderRow
	empty     fyne.CanvasObject
	scroll    *container.Scroll
	header    fyne.CanvasObject
	customer  *widget.Select
	delivery  *widget.Entry
	date      *widget.DateEntry
	notes     *widget.Entry
	warning   *widget.Label
	totals    struct{ list, net, customer, margin, tax, gross *priceRow }
	progress  *widget.ProgressBar
	step      *widget.Label
	exportBn  *widget.Button
	sendBn    *widget.Button // Send to manufacturer: when the order can go through the outbox
	cancelBn  *widget.Button
	cancel    context.CancelFunc // while exporting
	hint      *widget.Label
	totalsBox *fyne.Container

	customers []storage.Customer
	info      map[int64]*lineInfo // by revision id
	loading   map[int64]bool      // revisions being read
	afterLoad func()              // runs once when no revision is being read any more (Ctrl+E on a fresh view)
	exporting bool                // or sending
	sendKey   string              // the lines (revision ids) sendOK is about
	sendOK    bool                // they can be sent through the outbox
	syncing   bool                // while the fields are set from the draft
	shownKeys []int64
	// OnLoaded, if set, is called on the UI goroutine after the lines'
	// revisions have been read (tests use it).
	OnLoaded func()
}

// lineInfo is what the order view knows of a line's revision: its picture
// and its configuration (the decisions completed by the rules), or why it
// cannot be ordered.
type lineInfo struct {
	rev storage.Revision
	pic image.Image
	cfg *catalog.Config
	err error
	// otherCatalog: designed with another catalog version (the export
	// prices it with that version; the view with the one open now).
	otherCatalog bool
}

// orderRow is one line on screen.
type orderRow struct {
	line     draftLine
	qty      *widget.Entry
	discount *widget.Entry // the line's discount for the customer, percent
	price    *widget.Label
	each     *widget.Label
	minus    *widget.Button
	plus     *widget.Button
	remove   *widget.Button
	content  fyne.CanvasObject
	problem  string             // why it cannot be ordered ("" when it can)
	priced   *catalog.Waterfall // nil until priced
}

func newOrderView(d *Designer) *orderView {
	v := &orderView{d: d, info: map[int64]*lineInfo{}, loading: map[int64]bool{}}
	heading := widget.NewLabelWithStyle(T("Order"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	v.summary = widget.NewLabel("")
	settings := widget.NewButtonWithIcon(T("Dealer settings…"), theme.SettingsIcon(), d.ShowDealerSettings)
	title := container.NewBorder(nil, nil, container.NewHBox(heading, container.NewCenter(v.summary)), settings)

	v.rows = container.NewVBox()
	v.scroll = container.NewVScroll(container.NewPadded(v.rows))
	emptyText := widget.NewLabelWithStyle(T("The order is empty.\nOpen a design and press “Add to order”: it will wait for you here."), fyne.TextAlignCenter, fyne.TextStyle{})
	emptyText.Wrapping = fyne.TextWrapWord
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSize(56, 56), widget.NewIcon(theme.ListIcon())))
	v.empty = container.NewCenter(container.NewGridWrap(fyne.NewSize(480, 160), container.NewVBox(icon, emptyText)))

	v.customer = widget.NewSelect(nil, func(string) { v.customerChanged() })
	v.customer.PlaceHolder = T("No customer")
	v.delivery = widget.NewMultiLineEntry()
	v.delivery.SetMinRowsVisible(3)
	v.delivery.Wrapping = fyne.TextWrapWord
	v.delivery.SetPlaceHolder(T("Where to deliver"))
	v.delivery.OnChanged = func(s string) {
		if v.syncing {
			return
		}
		d.draft.Delivery, d.draft.DeliverySet = s, true
		d.saveDraft()
	}
	v.date = widget.NewDateEntry()
	v.date.SetPlaceHolder(T("Any time"))
	v.date.OnChanged = func(t *time.Time) {
		if v.syncing {
			return
		}
		d.draft.RequestedDate = ""
		if t != nil {
			d.draft.RequestedDate = t.Format(time.DateOnly)
		}
		d.saveDraft()
	}
	v.notes = widget.NewMultiLineEntry()
	v.notes.Wrapping = fyne.TextWrapWord
	v.notes.SetMinRowsVisible(3)
	v.notes.SetPlaceHolder(T("For the manufacturer: delivery, contact, anything special"))
	v.notes.OnChanged = func(s string) {
		if v.syncing {
			return
		}
		d.draft.Notes = s
		d.saveDraft()
	}
	form := widget.NewForm(
		widget.NewFormItem(T("Customer"), v.customer),
		widget.NewFormItem(T("Deliver to"), v.delivery),
		widget.NewFormItem(T("Requested"), v.date),
		widget.NewFormItem(T("Notes"), v.notes),
	)

	v.totals.list = newPriceRow(T("List price"), false)
	v.totals.net = newPriceRow(T("Dealer net"), false)
	v.totals.customer = newPriceRow(T("Customer net"), true)
	v.totals.margin = newPriceRow(T("Your margin"), false)
	v.totals.tax = newPriceRow(T("Tax"), false)
	v.totals.gross = newPriceRow(T("Gross"), true)
	totals := container.NewThemeOverride(container.NewVBox(v.totals.list.content, v.totals.net.content, v.totals.customer.content,
		v.totals.margin.content, v.totals.tax.content, widget.NewSeparator(), v.totals.gross.content), compactTheme{inner: 4})

	v.warning = widget.NewLabel("")
	v.warning.Wrapping = fyne.TextWrapWord
	v.warning.Importance = widget.WarningImportance
	v.warning.Hide()
	v.progress = widget.NewProgressBar()
	v.progress.Hide()
	v.step = widget.NewLabel("")
	v.step.Hide()
	v.exportBn = widget.NewButtonWithIcon(T("Export order…"), theme.UploadIcon(), v.chooseFolder)
	v.exportBn.Importance = widget.HighImportance
	v.sendBn = widget.NewButtonWithIcon(T("Send to manufacturer"), theme.MailSendIcon(), v.startSend)
	v.sendBn.Importance = widget.HighImportance
	v.sendBn.Hide()
	v.cancelBn = widget.NewButtonWithIcon(T("Cancel the export"), theme.CancelIcon(), func() {
		if v.cancel != nil {
			v.cancel()
			v.step.SetText(T("Cancelling…"))
		}
	})
	v.cancelBn.Hide()

	totalsHead := widget.NewLabelWithStyle(T("Totals"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.totalsBox = container.NewVBox(widget.NewSeparator(), totalsHead, totals)
	v.hint = widget.NewLabel("")
	v.hint.Wrapping = fyne.TextWrapWord
	v.hint.SizeName = theme.SizeNameCaptionText
	side := container.NewVBox(form, v.totalsBox, v.warning, v.progress, v.step, v.sendBn, v.exportBn, v.cancelBn, v.hint)
	sideScroll := container.NewVScroll(container.NewPadded(side))
	v.header = v.columnHeader()
	lines := container.NewStack(container.NewBorder(v.header, nil, nil, nil, v.scroll), v.empty)
	body := container.New(&sideLayout{width: 430}, lines, widget.NewSeparator(), sideScroll)
	v.content = container.NewBorder(container.NewVBox(title, widget.NewSeparator()), nil, nil, nil, body)
	return v
}

// sideLayout puts a panel of fixed width on the right of the main object
// (on its left with left set), with a separator between them. Objects:
// main, separator, panel (panel, separator, main with left).
type sideLayout struct {
	width float32
	left  bool
}

// Layout implements fyne.Layout.
func (l *sideLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	sep := theme.SeparatorThicknessSize()
	w := min(l.width, size.Width/2)
	rest := size.Width - w - sep
	first, second := rest, w
	if l.left {
		first, second = w, rest
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(first, size.Height))
	objs[1].Move(fyne.NewPos(first, 0))
	objs[1].Resize(fyne.NewSize(sep, size.Height))
	objs[2].Move(fyne.NewPos(first+sep, 0))
	objs[2].Resize(fyne.NewSize(second, size.Height))
}

// MinSize implements fyne.Layout.
func (l *sideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	main, panel := objs[0].MinSize(), objs[2].MinSize()
	if l.left {
		main, panel = panel, main
	}
	return fyne.NewSize(main.Width+l.width, max(main.Height, panel.Height))
}

// ShowOrder shows the draft order.
func (d *Designer) ShowOrder() {
	if d.order == nil {
		d.order = newOrderView(d)
		d.screens[screenOrder] = screenOf{content: d.order.content, shown: func() {
			d.order.loadCustomers()
			d.order.refresh()
		}}
	}
	d.show(screenOrder)
}

// OrderShown reports whether the order view is on screen.
func (d *Designer) OrderShown() bool { return d.current == screenOrder }

// refresh shows the draft: the rows again when the lines changed, the
// prices and the fields.
func (v *orderView) refresh() {
	d := v.d
	v.load()
	keys := make([]int64, len(d.draft.Lines))
	for i, l := range d.draft.Lines {
		keys[i] = l.RevisionID
	}
	if !slices.Equal(keys, v.shownKeys) || v.lines == nil && len(keys) > 0 {
		v.buildRows()
		v.shownKeys = keys
	} else {
		for i, r := range v.lines {
			r.line = d.draft.Lines[i]
		}
	}
	v.syncFields()
	v.reprice()
	v.checkSend()
	if len(d.draft.Lines) == 0 {
		v.empty.Show()
		v.scroll.Hide()
		v.header.Hide()
		v.totalsBox.Hide()
		v.exportBn.Hide()
	} else {
		v.empty.Hide()
		v.scroll.Show()
		v.header.Show()
		v.totalsBox.Show()
		if !v.exporting {
			v.exportBn.Show()
		}
	}
}

// load reads the revisions of lines not read yet, off the UI goroutine:
// their pictures, and their configurations completed by the rules.
func (v *orderView) load() {
	d := v.d
	if d.store == nil {
		return
	}
	var todo []draftLine
	engines := map[string]*engine{}
	for _, l := range d.draft.Lines {
		if v.info[l.RevisionID] != nil || v.loading[l.RevisionID] {
			continue
		}
		v.loading[l.RevisionID] = true
		todo = append(todo, l)
		if p := d.cat.Product(l.Product); p != nil {
			if d.engines[p.ID] == nil {
				d.engines[p.ID] = newEngine(p, d.keepIn())
			}
			engines[p.ID] = d.engines[p.ID]
		}
	}
	if len(todo) == 0 {
		return
	}
	store, cat, lang, fallback, catalogID := d.store, d.cat, d.lang, d.cat.DefaultLanguage(), d.catalogID
	go func() {
		got := map[int64]*lineInfo{}
		for _, l := range todo {
			got[l.RevisionID] = readLine(store, cat, engines[l.Product], l, lang, fallback, catalogID)
		}
		d.do(func() {
			for id, info := range got {
				v.info[id] = info
				delete(v.loading, id)
			}
			v.buildRows()
			v.reprice()
			if f := v.afterLoad; f != nil && len(v.loading) == 0 {
				v.afterLoad = nil
				f()
			}
			if v.OnLoaded != nil {
				v.OnLoaded()
			}
		})
	}()
}

// readLine reads one line's revision and configures it (off the UI
// goroutine).
func readLine(store Store, cat *catalog.Catalog, eng *engine, l draftLine, lang, fallback string, catalogID int64) *lineInfo {
	info := &lineInfo{}
	rev, err := store.Revision(context.Background(), l.Design, l.Revision)
	if err != nil {
		info.err = errors.New(T("it is no longer in the design library"))
		return info
	}
	info.rev = rev
	if len(rev.Thumbnail) > 0 {
		info.pic, _ = png.Decode(bytes.NewReader(rev.Thumbnail))
	}
	p := cat.Product(rev.ProductID)
	if p == nil || eng == nil {
		info.err = fmt.Errorf(T("the catalog open now has no %s"), rev.ProductName)
		return info
	}
	dec, problems := parseDecisions(p, rev.Decisions, lang, fallback)
	if len(problems) > 0 {
		info.err = fmt.Errorf(T("it was designed with another version of the catalog: %s"), problems[0])
		return info
	}
	var values map[string]catalog.Value
	eng.with(func(s *rules.Session) { values, err = s.Complete(rules.Decisions(dec)) })
	switch {
	case eng.err != nil:
		info.err = eng.err
	case err != nil:
		info.err = err
	case values == nil:
		info.err = errors.New(T("its choices break the catalog's rules"))
	default:
		info.cfg = &catalog.Config{Product: p, Values: values, Decided: decidedSet(dec)}
	}
	info.otherCatalog = catalogID != 0 && rev.Catalog != catalogID
	return info
}

// buildRows makes a row for every line.
func (v *orderView) buildRows() {
	d := v.d
	v.lines = nil
	objs := []fyne.CanvasObject{}
	for i, l := range d.draft.Lines {
		r := v.newRow(l)
		v.lines = append(v.lines, r)
		if i > 0 {
			objs = append(objs, widget.NewSeparator())
		}
		objs = append(objs, r.content)
	}
	v.rows.Objects = objs
	v.rows.Refresh()
}

func (v *orderView) newRow(l draftLine) *orderRow {
	r := &orderRow{line: l}
	info := v.info[l.RevisionID]
	var pic fyne.CanvasObject
	if info != nil && info.pic != nil {
		img := canvas.NewImageFromImage(info.pic)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleSmooth
		img.CornerRadius = theme.Size(theme.SizeNameInputRadius)
		pic = img
	} else {
		blank := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		blank.CornerRadius = theme.Size(theme.SizeNameInputRadius)
		pic = container.NewStack(blank, container.NewCenter(widget.NewIcon(theme.MediaPhotoIcon())))
	}
	pic = container.NewGridWrap(thumbSize, pic)

	name := widget.NewLabelWithStyle(l.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	r.each = widget.NewLabel("")
	r.each.Truncation = fyne.TextTruncateEllipsis
	r.each.SizeName = theme.SizeNameCaptionText
	product := l.ProductName // as it was saved, in the language of the day
	if info != nil && info.cfg != nil {
		product = v.d.text(info.cfg.Product.Name) // in the app's language
	}
	about := fmt.Sprintf(T("%s · revision %d"), product, l.Revision)
	if info != nil && info.otherCatalog {
		about += T(" · another catalog version")
	}
	sub := widget.NewLabel(about)
	sub.Truncation = fyne.TextTruncateEllipsis
	if info != nil && info.err != nil {
		r.problem = fmt.Sprintf(T("“%s” cannot be ordered: %v."), l.Name, info.err)
		r.each.Importance = widget.DangerImportance
		r.each.SetText(Tf("Cannot be ordered: %s", info.err))
	}
	text := container.NewVBox(layout.NewSpacer(), name, container.New(layout.NewCustomPaddedLayout(-8, -8, 0, 0), sub), r.each, layout.NewSpacer())

	var qty fyne.CanvasObject
	r.qty, r.minus, r.plus, qty = quantityControl()
	r.qty.SetText(strconv.Itoa(l.Quantity))
	r.qty.OnChanged = func(s string) {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 1 && n <= maxQuantity {
			v.setQuantity(r, n, false)
		}
	}
	r.qty.OnSubmitted = func(string) { r.qty.SetText(strconv.Itoa(r.line.Quantity)) } // what was typed, or back to it
	r.minus.OnTapped = func() { v.setQuantity(r, r.line.Quantity-1, true) }
	r.plus.OnTapped = func() { v.setQuantity(r, r.line.Quantity+1, true) }
	r.discount = widget.NewEntry()
	r.discount.SetPlaceHolder("0")
	r.discount.SetText(l.Discount)
	r.discount.Validator = func(s string) error {
		_, err := lineDiscountOf(s)
		return err
	}
	r.discount.OnChanged = func(s string) { v.setDiscount(r, s) }
	r.price = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { v.remove(r) })
	r.remove.Importance = widget.LowImportance
	right := lineColumns(container.NewCenter(qty), r.discount, r.price, container.NewCenter(r.remove))
	r.content = container.NewBorder(nil, nil, pic, container.NewCenter(right), container.NewPadded(text))
	if v.exporting {
		r.disable()
	}
	return r
}

// priceColumn is the width of a line's price, discountColumn of its
// discount.
const (
	priceColumn    = 130
	discountColumn = 86
)

// thumbSize is the size of a line's picture.
var thumbSize = fyne.NewSize(128, 80)

// columnHeader names the columns above the lines.
func (v *orderView) columnHeader() fyne.CanvasObject {
	caption := func(text string, align fyne.TextAlign) *widget.Label {
		l := widget.NewLabelWithStyle(text, align, fyne.TextStyle{Bold: true})
		l.SizeName = theme.SizeNameCaptionText
		return l
	}
	cols := lineColumns(caption(T("Quantity"), fyne.TextAlignCenter), caption(T("Discount %"), fyne.TextAlignCenter), caption(T("Customer net"), fyne.TextAlignTrailing), layout.NewSpacer())
	pic := container.NewGridWrap(fyne.NewSize(thumbSize.Width, 0))
	row := container.NewBorder(nil, nil, pic, container.NewCenter(cols), container.NewPadded(caption(TX("noun.design"), fyne.TextAlignLeading)))
	return container.NewVBox(container.NewPadded(row), widget.NewSeparator())
}

// quantityControl is a small spinner: −, the number, +.
func quantityControl() (entry *widget.Entry, minus, plus *widget.Button, box fyne.CanvasObject) {
	entry = widget.NewEntry()
	minus = widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), nil)
	plus = widget.NewButtonWithIcon("", theme.ContentAddIcon(), nil)
	box = container.NewHBox(minus, container.NewGridWrap(fyne.NewSize(60, entry.MinSize().Height), entry), plus)
	return entry, minus, plus, box
}

// lineColumns lays out the columns on the right of a line (and of the
// header above the lines) at fixed widths, so that they line up.
func lineColumns(qty, discount, price, remove fyne.CanvasObject) fyne.CanvasObject {
	_, _, _, proto := quantityControl()
	removeWidth := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil).MinSize().Width
	h := max(qty.MinSize().Height, price.MinSize().Height, remove.MinSize().Height)
	return container.NewHBox(
		container.NewGridWrap(fyne.NewSize(proto.MinSize().Width, h), qty),
		container.NewGridWrap(fyne.NewSize(discountColumn, h), container.NewVBox(layout.NewSpacer(), discount, layout.NewSpacer())),
		container.NewGridWrap(fyne.NewSize(priceColumn, h), container.NewVBox(layout.NewSpacer(), price, layout.NewSpacer())),
		container.NewGridWrap(fyne.NewSize(removeWidth, h), remove),
	)
}

func (r *orderRow) disable() {
	r.qty.Disable()
	r.discount.Disable()
	r.minus.Disable()
	r.plus.Disable()
	r.remove.Disable()
}

// setQuantity changes a line's quantity (typed: from the entry, else the
// entry follows).
func (v *orderView) setQuantity(r *orderRow, n int, fromButton bool) {
	n = min(max(n, 1), maxQuantity)
	d := v.d
	i := v.index(r)
	if i < 0 {
		return
	}
	if fromButton {
		r.qty.SetText(strconv.Itoa(n)) // its OnChanged comes back here
	}
	if d.draft.Lines[i].Quantity == n {
		return
	}
	d.draft.Lines[i].Quantity = n
	r.line.Quantity = n
	d.saveDraft()
	v.reprice()
}

// lineDiscountOf reads a line's discount as typed ("" is none).
func lineDiscountOf(s string) (decimal.Decimal, error) {
	if strings.TrimSpace(s) == "" {
		return decimal.Zero, nil
	}
	p, err := parsePercent(s)
	if err != nil {
		return decimal.Zero, err
	}
	if p.IsNegative() || p.GreaterThan(hundred) {
		return decimal.Zero, errors.New(T("between 0 and 100"))
	}
	return p, nil
}

// setDiscount changes a line's discount as it is typed (a value that
// cannot be read keeps the last good one, and the entry shows why).
func (v *orderView) setDiscount(r *orderRow, s string) {
	p, err := lineDiscountOf(s)
	i := v.index(r)
	if err != nil || i < 0 {
		return
	}
	text := ""
	if !p.IsZero() {
		text = p.String()
	}
	d := v.d
	if d.draft.Lines[i].Discount == text {
		return
	}
	d.draft.Lines[i].Discount = text
	r.line.Discount = text
	d.saveDraft()
	v.reprice()
}

// index is a row's place in the draft (-1 if it is gone).
func (v *orderView) index(r *orderRow) int {
	for i, x := range v.lines {
		if x == r && i < len(v.d.draft.Lines) && v.d.draft.Lines[i].RevisionID == r.line.RevisionID {
			return i
		}
	}
	return -1
}

// remove takes a line out of the order.
func (v *orderView) remove(r *orderRow) {
	i := v.index(r)
	if i < 0 || v.exporting {
		return
	}
	d := v.d
	d.draft.Lines = append(d.draft.Lines[:i:i], d.draft.Lines[i+1:]...)
	d.saveDraft()
	d.refreshOrder()
}

// reprice prices every line with the dealer's terms and shows the totals.
func (v *orderView) reprice() {
	d := v.d
	var list, net, cnet, tax, gross decimal.Decimal
	problems := 0
	dealerDiscounts := map[string]bool{} // the dealer discounts of the lines (they differ by price group)
	for _, r := range v.lines {
		info := v.info[r.line.RevisionID]
		r.priced = nil
		switch {
		case info == nil:
			r.price.SetText("…")
			if r.problem == "" {
				r.each.SetText("")
			}
			continue
		case info.err != nil || info.cfg == nil:
			r.price.SetText("—")
			problems++
			continue
		}
		discount, _ := lineDiscountOf(r.line.Discount)
		w, err := d.cat.PriceWaterfall(info.cfg, r.line.Quantity, d.lang, d.dealer.Terms(), discount)
		if err != nil {
			r.price.SetText("—")
			r.problem = fmt.Sprintf(T("“%s” cannot be priced: %v."), r.line.Name, err)
			r.each.SetText(err.Error())
			problems++
			continue
		}
		r.priced = &w
		r.price.SetText(d.money(w.CustomerNet))
		unit := w.CustomerNet
		if r.line.Quantity > 1 {
			unit = catalog.RoundMoney(w.CustomerNet.Div(decimal.NewFromInt(int64(r.line.Quantity))))
		}
		r.each.SetText(fmt.Sprintf(T("%s each · your net %s"), d.money(unit), d.money(w.DealerNet)))
		dealerDiscounts[w.DealerDiscount.String()] = true
		list, net, cnet = list.Add(w.List.Total), net.Add(w.DealerNet), cnet.Add(w.CustomerNet)
		tax, gross = tax.Add(w.Tax), gross.Add(w.Gross)
	}
	t := &v.totals
	t.list.set(T("List price"), d.money(list))
	netName := T("Dealer net")
	if len(dealerDiscounts) == 1 {
		for p := range dealerDiscounts {
			netName += " · " + percentOff(decimal.RequireFromString(p))
		}
	}
	t.net.set(netName, d.money(net))
	customer := T("Customer net")
	if !d.dealer.Adjust.IsZero() {
		customer += " · " + Tf("list %s", signedPercent(d.dealer.Adjust))
	}
	t.customer.set(customer, d.money(cnet))
	margin := cnet.Sub(net)
	marginName := T("Your margin")
	if cnet.IsPositive() {
		marginName += " · " + percent(margin.Mul(hundred).Div(cnet).Round(1))
	}
	t.margin.set(marginName, d.money(margin))
	t.tax.set(Tf("Tax %s", percent(d.dealer.TaxRate)), d.money(tax))
	t.gross.set(T("Gross"), d.money(gross))

	n := len(d.draft.Lines)
	if n == 0 {
		v.summary.SetText(T("draft · empty"))
	} else {
		v.summary.SetText(fmt.Sprintf(T("draft · %s, %s"), plural(n, "design", "designs"), plural(d.draft.pieces(), "piece", "pieces")))
	}
	v.showSend()
	v.hint.Hidden = n == 0
	v.hint.Refresh()
	switch {
	case problems > 0:
		v.warning.SetText(T("Remove the designs that cannot be ordered before exporting."))
		v.warning.Show()
	default:
		v.warning.Hide()
	}
	setEnabled(v.exportBn, n > 0 && problems == 0 && !v.exporting && d.store != nil)
	setEnabled(v.sendBn, n > 0 && problems == 0 && !v.exporting && d.store != nil)
}

// syncFields shows the draft's customer, delivery, date and notes.
func (v *orderView) syncFields() {
	d := v.d
	v.syncing = true
	defer func() { v.syncing = false }()
	opts := []string{T("No customer")}
	sel := 0
	want := d.draft.customer()
	for i, c := range v.customers {
		opts = append(opts, c.Name)
		if c.ID == want {
			sel = i + 1
		}
	}
	v.customer.SetOptions(opts)
	v.customer.SetSelectedIndex(sel)
	delivery := d.draft.Delivery
	if !d.draft.DeliverySet {
		delivery = v.customerAddress(want)
	}
	if v.delivery.Text != delivery {
		v.delivery.SetText(delivery)
	}
	if t, err := time.Parse(time.DateOnly, d.draft.RequestedDate); err == nil {
		if v.date.Date == nil || !v.date.Date.Equal(t) {
			v.date.SetDate(&t)
		}
	} else if v.date.Text != "" {
		v.date.SetDate(nil)
		v.date.SetValidationError(nil) // no date is "any time", not a mistake
	}
	if v.notes.Text != d.draft.Notes {
		v.notes.SetText(d.draft.Notes)
	}
}

func (v *orderView) customerAddress(id int64) string {
	for _, c := range v.customers {
		if c.ID == id {
			return c.Address
		}
	}
	return ""
}

// customerChanged follows the user's choice of customer: the delivery
// address becomes the new customer's, unless one was typed.
func (v *orderView) customerChanged() {
	if v.syncing {
		return
	}
	d := v.d
	i := v.customer.SelectedIndex()
	var id int64
	if i > 0 && i-1 < len(v.customers) {
		id = v.customers[i-1].ID
	}
	if d.draft.DeliverySet && d.draft.Delivery == v.customerAddress(d.draft.customer()) {
		d.draft.DeliverySet = false // it was the old customer's address: follow the new one
	}
	d.draft.Customer, d.draft.CustomerSet = id, true
	d.saveDraft()
	v.syncFields()
}

// loadCustomers reads the customers for the customer choice, off the UI
// goroutine.
func (v *orderView) loadCustomers() {
	d := v.d
	if d.store == nil {
		return
	}
	store := d.store
	go func() {
		list, err := store.Customers(context.Background(), "")
		if err != nil {
			return // the choice keeps what it has
		}
		d.do(func() {
			v.customers = list
			v.syncFields()
		})
	}()
}
