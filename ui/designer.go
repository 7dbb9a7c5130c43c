// Package ui holds Atelier's Fyne widgets and windows. It never imports
// fyne.io/fyne/v2/app (main does), so its tests run headless with Fyne's
// test driver.
package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/render"
)

// Designer is the main screen: product chooser, live preview, option panel
// and price.
type Designer struct {
	cat  *catalog.Catalog
	lang string

	product   *catalog.Product
	decisions map[string]catalog.Value
	config    *catalog.Config

	preview   *Preview
	products  *widget.List
	title     *widget.Label
	subtitle  *widget.Label
	options   *fyne.Container
	optScroll *container.Scroll
	total     *widget.Label
	lines     *fyne.Container // one row per breakdown line: label, amount on the right
	status    *widget.Label
	content   fyne.CanvasObject

	// controls by feature id, so that a change elsewhere can update them.
	controls map[string]func(catalog.Value)
	// syncing is set while update() moves controls to follow defaults, so
	// that their change callbacks do not turn defaults into decisions.
	syncing bool
}

// NewDesigner builds the designer for a catalog, showing its first product.
func NewDesigner(cat *catalog.Catalog, lang string) *Designer {
	d := &Designer{cat: cat, lang: lang, controls: map[string]func(catalog.Value){}}
	d.preview = NewPreview()
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.subtitle = widget.NewLabel("")
	d.subtitle.Wrapping = fyne.TextWrapWord
	d.options = container.NewVBox()
	d.optScroll = container.NewVScroll(d.options)
	d.total = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	d.lines = container.NewVBox()
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord

	d.products = widget.NewList(
		func() int { return len(cat.Products) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("Product name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			from := widget.NewLabel("from 0.00")
			return container.NewVBox(name, from)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := cat.Products[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(d.text(p.Name))
			box.Objects[1].(*widget.Label).SetText(fmt.Sprintf("%s · from %s", capitalize(p.Category), FormatMoney(p.BasePrice, cat.Currency)))
		},
	)
	d.products.OnSelected = func(i widget.ListItemID) { d.SelectProduct(cat.Products[i].ID) }

	views := container.NewHBox(
		widget.NewButton("Iso", func() { d.preview.SetView(render.ViewIso) }),
		widget.NewButton("Front", func() { d.preview.SetView(render.ViewFront) }),
		widget.NewButton("Side", func() { d.preview.SetView(render.ViewSide) }),
		widget.NewButton("Top", func() { d.preview.SetView(render.ViewTop) }),
	)
	header := container.NewBorder(nil, nil, nil, views, container.NewVBox(d.title))
	center := container.NewBorder(header, d.subtitle, nil, nil, d.preview)

	// The price: total always in view, the breakdown below it scrolls; the
	// user can move the divider between options and price.
	totalRow := container.NewBorder(nil, nil, widget.NewLabelWithStyle("List price", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, d.total)
	pricePanel := container.NewBorder(container.NewVBox(widget.NewSeparator(), totalRow), nil, nil, nil, container.NewVScroll(d.lines))
	right := container.NewVSplit(d.optScroll, pricePanel)
	right.Offset = 0.68

	catalogLabel := widget.NewLabelWithStyle(d.text(cat.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	catalogLabel.Wrapping = fyne.TextWrapWord
	left := container.NewBorder(
		container.NewVBox(catalogLabel, widget.NewLabel(cat.Manufacturer.Name), widget.NewSeparator()),
		nil, nil, nil, d.products)

	split := container.NewHSplit(left, container.NewHSplit(center, right))
	split.Offset = 0.2
	split.Trailing.(*container.Split).Offset = 0.62
	statusBar := container.NewBorder(widget.NewSeparator(), nil, widget.NewIcon(theme.InfoIcon()), nil, d.status)
	d.content = container.NewBorder(nil, statusBar, nil, nil, split)

	if len(cat.Products) > 0 {
		d.products.Select(0)
	}
	return d
}

// Content is the designer's root object, for a window.
func (d *Designer) Content() fyne.CanvasObject { return d.content }

// Preview is the designer's preview widget.
func (d *Designer) Preview() *Preview { return d.preview }

// Product is the product being designed.
func (d *Designer) Product() *catalog.Product { return d.product }

// Config is the current configuration.
func (d *Designer) Config() *catalog.Config { return d.config }

func (d *Designer) text(t catalog.Text) string { return t.In(d.lang, d.cat.DefaultLanguage()) }

// SelectProduct starts designing a product from its defaults.
func (d *Designer) SelectProduct(id string) {
	p := d.cat.Product(id)
	if p == nil || p == d.product {
		return
	}
	d.product = p
	d.decisions = map[string]catalog.Value{}
	d.title.SetText(d.text(p.Name))
	d.subtitle.SetText(d.text(p.Description))
	if i := slices.Index(d.cat.Products, p); i >= 0 {
		d.products.Select(i)
	}
	d.buildOptions()
	d.update()
	d.optScroll.ScrollToTop()
}

// Decide records a decision for a feature and updates everything.
func (d *Designer) Decide(featureID string, v catalog.Value) {
	if d.syncing || d.product == nil || d.product.Feature(featureID) == nil {
		return
	}
	d.decisions[featureID] = v
	d.update()
}

func (d *Designer) buildOptions() {
	d.options.RemoveAll()
	d.controls = map[string]func(catalog.Value){}
	cfg := d.product.Resolve(d.decisions)
	group := "\x00"
	for _, f := range d.product.Features {
		if g := d.text(f.Group); g != group {
			group = g
			if group != "" {
				h := widget.NewLabelWithStyle(strings.ToUpper(group), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
				h.Importance = widget.LowImportance
				if len(d.options.Objects) > 0 {
					d.options.Add(layout.NewSpacer())
				}
				d.options.Add(h)
			}
		}
		d.options.Add(d.control(f, cfg.Values[f.ID]))
	}
}

// control builds the input for one feature.
func (d *Designer) control(f *catalog.Feature, v catalog.Value) fyne.CanvasObject {
	name := widget.NewLabel(d.text(f.Name))
	var input fyne.CanvasObject
	switch f.Kind {
	case catalog.Choice:
		names := make([]string, len(f.Options))
		for i, o := range f.Options {
			names[i] = d.optionLabel(o)
		}
		sel := widget.NewSelect(names, nil)
		set := func(v catalog.Value) {
			for i, o := range f.Options {
				if o.ID == v.Str {
					sel.SetSelectedIndex(i)
				}
			}
		}
		set(v)
		sel.OnChanged = func(string) {
			if i := sel.SelectedIndex(); i >= 0 {
				d.Decide(f.ID, catalog.Value{Kind: catalog.Choice, Str: f.Options[i].ID})
			}
		}
		d.controls[f.ID] = set
		input = sel
	case catalog.Multi:
		names := make([]string, len(f.Options))
		for i, o := range f.Options {
			names[i] = d.optionLabel(o)
		}
		cg := widget.NewCheckGroup(names, nil)
		set := func(v catalog.Value) {
			var sel []string
			for _, o := range f.Options {
				if slices.Contains(v.Set, o.ID) {
					sel = append(sel, d.optionLabel(o))
				}
			}
			cg.SetSelected(sel)
		}
		set(v)
		cg.OnChanged = func(selected []string) {
			ids := []string{}
			for _, o := range f.Options {
				if slices.Contains(selected, d.optionLabel(o)) {
					ids = append(ids, o.ID)
				}
			}
			d.Decide(f.ID, catalog.Value{Kind: catalog.Multi, Set: ids})
		}
		d.controls[f.ID] = set
		input = cg
	case catalog.Number:
		minF, _ := f.Min.Float64()
		maxF, _ := f.Max.Float64()
		stepF, _ := f.Step.Float64()
		slider := widget.NewSlider(minF, maxF)
		slider.Step = stepF
		value := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
		show := func(x decimal.Decimal) { value.SetText(x.String() + " " + f.Unit) }
		set := func(v catalog.Value) {
			fv, _ := v.Num.Float64()
			slider.SetValue(fv)
			show(v.Num)
		}
		set(v)
		slider.OnChanged = func(x float64) {
			// Snap to the feature's exact decimal grid.
			steps := decimal.NewFromFloat(x).Sub(f.Min).Div(f.Step).Round(0)
			num := f.Min.Add(steps.Mul(f.Step))
			if num.GreaterThan(f.Max) {
				num = f.Max
			}
			show(num)
			d.Decide(f.ID, catalog.Value{Kind: catalog.Number, Num: num})
		}
		d.controls[f.ID] = set
		name = widget.NewLabel(d.text(f.Name))
		input = container.NewBorder(nil, nil, nil, value, slider)
	case catalog.Textual:
		e := widget.NewEntry()
		e.SetPlaceHolder(fmt.Sprintf("up to %d characters", f.MaxLength))
		e.SetText(v.Str)
		e.Validator = func(s string) error { return f.CheckText(s) }
		e.OnChanged = func(s string) {
			if f.CheckText(s) == nil {
				d.Decide(f.ID, catalog.Value{Kind: catalog.Textual, Str: s})
			}
		}
		d.controls[f.ID] = func(v catalog.Value) { e.SetText(v.Str) }
		input = e
	default:
		input = widget.NewLabel("")
	}
	return container.NewVBox(name, input)
}

func (d *Designer) optionLabel(o *catalog.Option) string {
	label := d.text(o.Name)
	if !o.Price.IsZero() {
		sign := "+"
		if o.Price.IsNegative() {
			sign = "−"
		}
		label += "  " + sign + FormatMoney(o.Price.Abs(), d.cat.Currency)
	}
	return label
}

// update recomputes configuration, price, status and preview.
func (d *Designer) update() {
	d.config = d.product.Resolve(d.decisions)
	// Defaults may follow decisions (conditional defaults): keep controls in step.
	d.syncing = true
	for id, set := range d.controls {
		if !d.config.Decided[id] {
			set(d.config.Values[id])
		}
	}
	d.syncing = false
	d.lines.RemoveAll()
	price, err := d.cat.ListPrice(d.config, 1, d.lang)
	if err != nil {
		d.total.SetText("—")
		msg := widget.NewLabel(err.Error())
		msg.Wrapping = fyne.TextWrapWord
		d.lines.Add(msg)
	} else {
		d.total.SetText(FormatMoney(price.Total, price.Currency))
		for _, l := range price.Lines {
			name := widget.NewLabel(l.Label)
			name.Truncation = fyne.TextTruncateEllipsis
			amount := widget.NewLabelWithStyle(FormatMoney(l.Amount, price.Currency), fyne.TextAlignTrailing, fyne.TextStyle{})
			d.lines.Add(container.NewBorder(nil, nil, nil, amount, name))
		}
	}
	d.lines.Refresh()
	if v := d.config.Violations(); len(v) > 0 {
		msgs := make([]string, len(v))
		for i, r := range v {
			msgs[i] = d.text(r.Message)
		}
		d.status.SetText("Not yet buildable: " + strings.Join(msgs, " "))
		d.status.Importance = widget.WarningImportance
	} else {
		d.status.SetText(fmt.Sprintf("%s · %s %s · valid until %s", d.text(d.product.Name), d.cat.ID, d.cat.Version, d.validUntil()))
		d.status.Importance = widget.MediumImportance
	}
	d.status.Refresh()
	scene, err := render.Build(d.cat, d.config)
	if err != nil {
		d.status.SetText("Preview: " + err.Error())
		return
	}
	d.preview.SetScene(scene)
}

func (d *Designer) validUntil() string {
	if d.cat.ValidUntil.IsZero() {
		return "further notice"
	}
	return d.cat.ValidUntil.Format("2 Jan 2006")
}

// FormatMoney formats an amount with its currency and thousands separators,
// rounded by the catalog's money rule.
func FormatMoney(d decimal.Decimal, currency string) string {
	s := catalog.RoundMoney(d).StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	sym := map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF "}[currency]
	if sym == "" {
		sym = currency + " "
	}
	out := sym + b.String() + "." + frac
	if neg {
		out = "−" + out
	}
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
