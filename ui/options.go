package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// featureControl is the input of one feature in the option panel.
type featureControl struct {
	show  func(catalog.Value)        // move the control to a value
	avail func(*rules.FeatureDomain) // show what the rules allow
	rows  map[string]*optionRow      // choice and multi: the row of each option
	note  *widget.Label              // number and text: what the rules say
	num   *numberInput               // number: its slider and entry
	knock *widget.Label              // a knock-on change of the feature (knockon.go)
	typed string                     // text: typed, its check not yet answered
}

func (d *Designer) buildOptions() {
	d.options.RemoveAll()
	d.controls = map[string]*featureControl{}
	group := "\x00"
	for _, f := range d.product.Features {
		if g := d.text(f.Group); g != group {
			group = g
			if group != "" {
				if len(d.options.Objects) > 0 {
					d.options.Add(layout.NewSpacer())
				}
				d.options.Add(sectionHeading(group))
			}
		}
		d.options.Add(d.control(f))
	}
}

// hover shows (or clears) the reason an option is unavailable in the status
// line, as the pointer enters or leaves it.
func (d *Designer) hover(f *catalog.Feature, v catalog.Value, in, impossible bool) {
	if !in {
		d.hoverTip = ""
		d.showStatus()
		return
	}
	eng, dec, gen := d.engine, rulesDecisions(d.decisions), d.gen
	if eng == nil {
		return
	}
	go func() {
		var msg string
		eng.with(func(s *rules.Session) {
			if e, err := s.Explain(dec, f.ID, v); err == nil && e != nil {
				msg = e.Message(d.lang, d.cat.DefaultLanguage())
				if len(e.BlockedBy) > 0 {
					var names []string
					for _, g := range d.product.Features {
						if x, ok := e.BlockedBy[g.ID]; ok {
							names = append(names, d.text(g.Name)+": "+d.valueName(g, x))
						}
					}
					msg += " " + Tf("(because of %s)", strings.Join(names, "; "))
				}
			}
		})
		d.do(func() {
			if gen == d.gen && msg != "" {
				d.hoverTip = Tf("Not available: %s Click it for ways to choose it anyway.", msg)
				if impossible {
					// No change of the other choices makes it possible.
					d.hoverTip = Tf("Not available in this product: %s", msg)
				}
				d.showStatus()
			}
		})
	}()
}

// control builds the input for one feature.
func (d *Designer) control(f *catalog.Feature) fyne.CanvasObject {
	c := &featureControl{rows: map[string]*optionRow{}, knock: knockNote()}
	d.controls[f.ID] = c
	name := widget.NewLabel(d.text(f.Name))
	var input fyne.CanvasObject
	switch f.Kind {
	case catalog.Choice, catalog.Multi:
		box := container.NewVBox()
		for _, o := range f.Options {
			o := o
			v := catalog.Value{Kind: catalog.Choice, Str: o.ID}
			if f.Kind == catalog.Multi {
				v = catalog.Value{Kind: catalog.Multi, Set: []string{o.ID}}
			}
			row := newOptionRow(d.text(o.Name), d.priceText(o.Price), f.Kind == catalog.Multi, nil, nil)
			row.onTap = func() {
				if f.Kind == catalog.Multi && row.selected {
					// Taking an option out: the engine checks the new selection.
					set := slices.DeleteFunc(slices.Clone(d.config.Values[f.ID].Set), func(s string) bool { return s == o.ID })
					d.tryExact(f, catalog.Value{Kind: catalog.Multi, Set: set})
					return
				}
				if d.domains != nil && !row.available {
					d.insist(f, v, false)
					return
				}
				d.decideValue(f, v, false)
			}
			row.onHover = func(in bool) {
				if !row.available {
					d.hover(f, v, in, row.impossible)
				}
			}
			c.rows[o.ID] = row
			box.Add(row)
		}
		c.show = func(v catalog.Value) {
			for id, row := range c.rows {
				sel := v.Str == id
				if f.Kind == catalog.Multi {
					sel = slices.Contains(v.Set, id)
				}
				row.setState(sel, row.available)
			}
		}
		c.avail = func(fd *rules.FeatureDomain) {
			for i, o := range f.Options {
				row := c.rows[o.ID]
				row.setState(row.selected, fd.Available[i])
				row.setImpossible(fd.Impossible != nil && fd.Impossible[i])
			}
		}
		input = box
	case catalog.Number:
		c.num = d.newNumberInput(f, c)
		input = c.num.content
	case catalog.Textual:
		e := widget.NewEntry()
		e.SetPlaceHolder(fmt.Sprintf(T("up to %d characters"), f.MaxLength))
		e.Validator = func(s string) error { return f.CheckText(s) }
		c.note = widget.NewLabel("")
		c.note.Wrapping = fyne.TextWrapWord
		c.note.Importance = widget.WarningImportance
		c.note.Hide()
		c.show = func(v catalog.Value) {
			if v.Str == c.typed {
				c.typed = "" // decided
			}
			if e.Text != v.Str && (c.typed == "" || e.Text != c.typed) { // never over the user's typing
				e.SetText(v.Str)
			}
		}
		e.OnChanged = func(s string) {
			if d.syncing || f.CheckText(s) != nil {
				return
			}
			c.typed = s
			d.tryExact(f, catalog.Value{Kind: catalog.Textual, Str: s})
		}
		input = container.NewVBox(e, c.note)
	default:
		input = widget.NewLabel("")
	}
	return container.NewVBox(name, input, c.knock)
}

// tryExact decides a whole value (a text, a multi selection) if the rules
// allow it with the other decisions, and otherwise explains and proposes
// repairs. The check runs off the UI goroutine.
func (d *Designer) tryExact(f *catalog.Feature, v catalog.Value) {
	eng := d.engine
	if eng == nil {
		d.Decide(f.ID, v)
		return
	}
	next := rulesDecisions(d.decisions)
	next[f.ID] = v
	gen := d.gen
	go func() {
		var ok bool
		eng.with(func(s *rules.Session) { ok, _ = s.Consistent(next) })
		d.do(func() {
			c := d.controls[f.ID]
			text := f.Kind == catalog.Textual && c != nil
			if gen != d.gen {
				if text && c.typed == v.Str && v.Str != "" {
					d.tryExact(f, v) // still what is typed: check it with the newer decisions
				}
				return
			}
			if text && c.note != nil {
				c.note.Hide()
			}
			if ok {
				if text {
					d.decideIn("text:"+f.ID, f.ID, v, false) // typing on is the same undo step
					return
				}
				d.Decide(f.ID, v)
				return
			}
			if text {
				c.typed = ""
			}
			d.insist(f, v, true)
		})
	}()
}

// priceText is an option's price as shown beside it.
func (d *Designer) priceText(p decimal.Decimal) string {
	switch {
	case p.IsPositive():
		return "+" + FormatMoney(p, d.cat.Currency)
	case p.IsNegative():
		return "−" + FormatMoney(p.Abs(), d.cat.Currency)
	}
	return ""
}
