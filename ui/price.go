package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// waterfallView shows a price from the list price to what the customer
// pays, one row per step: the dealer's net (their cost), the customer
// price, the dealer's margin, the tax and the gross.
type waterfallView struct {
	net, customer, margin, tax, gross *priceRow
	content                           fyne.CanvasObject
	// customerOnly shows what a customer may see: their price, the tax,
	// the total (never the dealer's net or margin).
	customerOnly bool
	// scope, if set, is the theme scope of the price's details: the lines
	// made anew for each price join it when the waterfall shows.
	scope *container.ThemeOverride
}

// priceRow is a name on the left and an amount on the right.
type priceRow struct {
	name, amount *widget.Label
	content      fyne.CanvasObject
}

func newPriceRow(name string, bold bool) *priceRow {
	r := &priceRow{
		name:   widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold}),
		amount: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: bold}),
	}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.content = container.NewBorder(nil, nil, nil, r.amount, r.name)
	return r
}

func (r *priceRow) set(name, amount string) {
	r.name.SetText(name)
	r.amount.SetText(amount)
}

func newWaterfallView() *waterfallView {
	v := &waterfallView{
		net:      newPriceRow(T("Dealer net"), false),
		customer: newPriceRow(T("Customer price"), true),
		margin:   newPriceRow(T("Your margin"), false),
		tax:      newPriceRow(T("Tax"), false),
		gross:    newPriceRow(T("Gross"), true),
	}
	v.content = container.NewVBox(v.net.content, v.customer.content, v.margin.content, v.tax.content, v.gross.content)
	return v
}

// newCustomerWaterfall is the waterfall a customer sees: their price, the
// tax and the total. The dealer's rows are not even built.
func newCustomerWaterfall() *waterfallView {
	v := &waterfallView{
		customer:     newPriceRow(T("Your price"), false),
		tax:          newPriceRow(T("Tax"), false),
		gross:        newPriceRow(T("Total"), true),
		customerOnly: true,
	}
	v.content = container.NewVBox(v.customer.content, v.tax.content, v.gross.content)
	return v
}

// show puts a waterfall on screen, amounts in the language's way.
func (v *waterfallView) show(w catalog.Waterfall, lang string) {
	if v.scope != nil {
		defer v.scope.Refresh()
	}
	m := func(x decimal.Decimal) string { return onScreen(catalog.FormatMoney(x, w.List.Currency, lang)) }
	if v.customerOnly {
		name := T("Your price")
		if !w.Adjust.IsZero() {
			name += " · " + Tf("list %s", signedPercent(w.Adjust))
		}
		v.customer.set(name, m(w.CustomerNet))
		v.tax.set(Tf("Tax %s", percent(w.TaxRate)), m(w.Tax))
		v.gross.set(T("Total"), m(w.Gross))
		v.content.Show()
		return
	}
	v.net.set(T("Dealer net")+" · "+percentOff(w.DealerDiscount), m(w.DealerNet))
	customer := T("Customer price")
	if !w.Adjust.IsZero() {
		customer += " · " + Tf("list %s", signedPercent(w.Adjust))
	}
	v.customer.set(customer, m(w.CustomerNet))
	margin := T("Your margin")
	if w.CustomerNet.IsPositive() {
		margin += " · " + percent(w.DealerMargin.Mul(hundred).Div(w.CustomerNet).Round(1))
	}
	v.margin.set(margin, m(w.DealerMargin))
	if w.DealerMargin.IsNegative() {
		v.margin.name.Importance, v.margin.amount.Importance = widget.DangerImportance, widget.DangerImportance
	} else {
		v.margin.name.Importance, v.margin.amount.Importance = widget.MediumImportance, widget.MediumImportance
	}
	v.margin.name.Refresh()
	v.margin.amount.Refresh()
	v.tax.set(Tf("Tax %s", percent(w.TaxRate)), m(w.Tax))
	v.gross.set(T("Gross"), m(w.Gross))
	v.content.Show()
}

// percentOff writes a discount: "–30%" (see minus; "no discount" for 0).
func percentOff(p decimal.Decimal) string {
	if p.IsZero() {
		return T("no discount")
	}
	return minus + percent(p)
}

// signedPercent writes a markup or discount: "+10%", "–5%".
func signedPercent(p decimal.Decimal) string {
	if p.IsNegative() {
		return minus + percent(p.Neg())
	}
	return "+" + percent(p)
}

// money formats an amount in the catalog's currency the way the
// designer's language writes it.
func (d *Designer) money(x decimal.Decimal) string {
	return onScreen(catalog.FormatMoney(x, d.cat.Currency, d.lang))
}

// pricePanel is the price under the options, sticky: the list price
// with a button that opens its breakdown, and the waterfall to the
// customer, always in view.
func (d *Designer) pricePanel() fyne.CanvasObject {
	if d.kiosk {
		return d.kioskPricePanel()
	}
	d.waterfall = newWaterfallView()
	p := &d.panel
	p.priceToggle = widget.NewButtonWithIcon(T("Price details"), theme.MenuDropUpIcon(), d.togglePriceDetails)
	p.priceToggle.Importance = widget.LowImportance
	p.priceToggle.IconPlacement = widget.ButtonIconTrailingText
	totalRow := container.NewBorder(nil, nil, widget.NewLabelWithStyle(T("List price"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(d.total, p.priceToggle))
	d.priceNote = widget.NewLabel("")
	d.priceNote.Wrapping = fyne.TextWrapWord
	d.priceNote.Importance = widget.WarningImportance
	d.priceNote.Hide()
	gap := canvas.NewRectangle(color.Transparent)
	gap.SetMinSize(fyne.NewSize(0, 6))
	head := container.NewVBox(widget.NewSeparator(), totalRow)
	bottom := container.NewVBox(widget.NewSeparator(), d.waterfall.content, d.priceNote, gap)
	// The breakdown is denser still: it details the list price above it.
	p.linesScroll = container.NewVScroll(d.lines)
	lines := container.NewThemeOverride(container.New(layout.NewCustomPaddedLayout(0, 0, 2, 2), p.linesScroll), compactTheme{inner: 2})
	lines.Hide()
	p.priceLines = lines
	panel := container.New(&pricePanelLayout{lines: d.lines}, head, lines, bottom)
	return container.NewThemeOverride(panel, compactTheme{inner: 4})
}

// togglePriceDetails opens or closes the breakdown of the list price.
func (d *Designer) togglePriceDetails() {
	p := &d.panel
	p.priceOpen = !p.priceOpen
	lines := p.priceLines
	if p.priceOpen {
		lines.Show()
		p.priceToggle.SetIcon(theme.MenuDropDownIcon())
	} else {
		lines.Hide()
		p.priceToggle.SetIcon(theme.MenuDropUpIcon())
	}
	p.relayout()
}

// pricePanelLayout stacks the price panel: the total at the top, the
// waterfall at the bottom, and the breakdown (when open) between them in
// the height the panel gets (all it needs, or what the column can spare;
// then it scrolls).
type pricePanelLayout struct {
	lines *fyne.Container // the breakdown's rows
}

// Layout implements fyne.Layout: objects are head, breakdown and bottom.
func (l *pricePanelLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	head, lines, bottom := objects[0], objects[1], objects[2]
	hh, bh := head.MinSize().Height, bottom.MinSize().Height
	head.Move(fyne.NewPos(0, 0))
	head.Resize(fyne.NewSize(size.Width, hh))
	bottom.Move(fyne.NewPos(0, size.Height-bh))
	bottom.Resize(fyne.NewSize(size.Width, bh))
	lines.Move(fyne.NewPos(0, hh))
	lines.Resize(fyne.NewSize(size.Width, max(0, size.Height-hh-bh)))
}

// MinSize implements fyne.Layout: with the breakdown open, its whole
// height (the column caps it).
func (l *pricePanelLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	head, lines, bottom := objects[0], objects[1], objects[2]
	w := max(head.MinSize().Width, bottom.MinSize().Width)
	h := head.MinSize().Height + bottom.MinSize().Height
	if lines.Visible() {
		h += l.lines.MinSize().Height + 4
	}
	return fyne.NewSize(w, h)
}

// showPrice prices a configuration for one piece with the dealer's terms
// and shows the list price, its breakdown and the waterfall.
func (d *Designer) showPrice(cfg *catalog.Config) {
	d.lines.RemoveAll()
	d.priceNote.Hide()
	w, err := d.piecePrice(cfg)
	if err != nil {
		d.total.SetText("—")
		d.waterfall.content.Hide()
		d.priceNote.SetText(err.Error())
		d.priceNote.Show()
		d.lines.Refresh()
		return
	}
	d.total.SetText(d.money(w.List.Total))
	for _, l := range w.List.Lines {
		name := widget.NewLabel(l.Label)
		name.Wrapping = fyne.TextWrapWord // a long line wraps, it is never cut
		amount := widget.NewLabelWithStyle(d.money(l.Amount), fyne.TextAlignTrailing, fyne.TextStyle{})
		d.lines.Add(container.NewBorder(nil, nil, nil, amount, name))
	}
	d.lines.Refresh()
	if d.panel.priceOpen {
		d.panel.relayout() // the breakdown's height may have changed
	}
	d.waterfall.show(w, d.lang)
	if d.grand != nil {
		d.grand.Text = d.money(w.Gross)
		d.grand.Color = theme.Color(theme.ColorNameForeground)
		d.grand.Refresh()
		d.grandNote.SetText(Tf("including %s tax (%s)", percent(w.TaxRate), d.money(w.Tax)))
	}
}

// text reads the waterfall rows as "name = amount", one per line (tests
// use it).
func (v *waterfallView) text() string {
	var s string
	for _, r := range []*priceRow{v.net, v.customer, v.margin, v.tax, v.gross} {
		if r != nil {
			s += fmt.Sprintf(T("%s = %s\n"), r.name.Text, r.amount.Text)
		}
	}
	return s
}

// compactTheme is the app's theme with less padding, for dense panels of
// figures (the price, the order's totals): inner is the padding inside
// widgets (the default theme's is 8).
type compactTheme struct {
	appTheme
	inner float32
}

func (t compactTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInnerPadding:
		return t.inner
	case theme.SizeNamePadding:
		return 2
	case sizeNameTouchTarget:
		return 0 // the app's theme knows no such size: not asked
	}
	return t.base().Size(n)
}

// appTheme is the app's theme as it is set (light, dark or the
// system's), with readable greyed text; themes that change sizes only
// embed it.
type appTheme struct{}

func (appTheme) base() fyne.Theme {
	if a := fyne.CurrentApp(); a != nil {
		return a.Settings().Theme()
	}
	return theme.DefaultTheme()
}

// Color is the app theme's colour. (Greyed text that must be read, an
// unavailable option and why, is made readable where it is drawn:
// readableDisabled. Disabled buttons keep the theme's grey, so that they
// look disabled.)
func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base().Color(n, v)
}

func (t appTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }

// kioskPricePanel is the price as the showroom's customer sees it: the
// total in large type with the tax it includes, and the details (list
// price lines, their price, the tax) a tap away.
func (d *Designer) kioskPricePanel() fyne.CanvasObject {
	d.waterfall = newCustomerWaterfall()
	d.grand = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	d.grand.TextStyle.Bold = true
	d.grand.TextSize = 34
	d.grand.Alignment = fyne.TextAlignTrailing
	d.grandNote = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	d.priceNote = widget.NewLabel("")
	d.priceNote.Wrapping = fyne.TextWrapWord
	d.priceNote.Importance = widget.WarningImportance
	d.priceNote.Hide()
	totalRow := container.NewBorder(nil, nil, widget.NewLabelWithStyle(T("Your price"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, d.total)
	details := container.NewVBox(totalRow, d.lines, widget.NewSeparator(), d.waterfall.content)
	d.waterfall.scope = container.NewThemeOverride(details, showroomCompactTheme{})
	acc := widget.NewAccordion(widget.NewAccordionItem(T("Price details"), d.waterfall.scope))
	// The total ends where the text of the note under it ends.
	grand := container.New(layout.NewCustomPaddedLayout(0, 0, 0, showroomInnerPadding), d.grand)
	top := container.NewBorder(nil, nil, nil, container.NewVBox(grand, container.New(layout.NewCustomPaddedLayout(-8, 0, 0, 0), d.grandNote)))
	return container.NewVBox(widget.NewSeparator(), top, d.priceNote, acc)
}
