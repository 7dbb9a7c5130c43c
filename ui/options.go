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
	// reasons: where the reason an option is unavailable is shown, at
	// the option (under its row, or under the swatches), by option id.
	reasons map[string]*reasonLine
	// swatches: a material feature's options as swatches, by option id
	// (their rows hold the state but are not on screen).
	swatches map[string]*swatch
	box      *fyne.Container // the options, with the reasons between them
}

func (d *Designer) buildOptions() {
	d.options.RemoveAll()
	d.controls = map[string]*featureControl{}
	d.recs = nil
	d.panel.sections = d.sectionsOf(d.product)
	for i, s := range d.panel.sections {
		s.box = container.NewVBox()
		if d.panel.steps == nil && len(d.panel.sections) > 1 {
			// The showroom: all sections, one under the other.
			if i > 0 {
				s.box.Add(layout.NewSpacer())
			}
			s.box.Add(sectionHeading(s.title))
		}
		for _, f := range s.features {
			s.box.Add(d.control(f))
		}
		d.options.Add(s.box)
	}
	d.buildSteps()
	if d.panel.optionsTheme != nil {
		d.panel.optionsTheme.Refresh() // the new controls take the panel's theme
	}
}

// hover shows (or clears) the reason an option is unavailable in the status
// line, as the pointer enters or leaves it.
func (d *Designer) hover(f *catalog.Feature, v catalog.Value, in, impossible bool) {
	if !in {
		d.hoverTip = ""
		if c := d.controls[f.ID]; c != nil {
			for _, r := range c.reasons {
				r.hide()
			}
			d.relayoutReasons(c)
		}
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
				d.showReason(f, v, d.hoverTip)
				d.showStatus()
			}
		})
	}()
}

// control builds the input for one feature.
func (d *Designer) control(f *catalog.Feature) fyne.CanvasObject {
	c := &featureControl{rows: map[string]*optionRow{}, knock: knockNote(), reasons: map[string]*reasonLine{}, swatches: map[string]*swatch{}}
	d.controls[f.ID] = c
	name := widget.NewLabel(d.text(f.Name))
	var input fyne.CanvasObject
	switch f.Kind {
	case catalog.Choice, catalog.Multi:
		box := container.NewVBox()
		swatches := hasSwatches(d.cat, f)
		var sws []*swatch
		shared := newReasonLine() // under the swatches
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
				switch {
				case !row.available:
					d.hoverQuiet = false
					d.hover(f, v, in, row.impossible)
				case row.recommended || d.hoverTip != "":
					d.hoverTip, d.hoverQuiet = "", false
					if in && row.recommended {
						d.hoverTip, d.hoverQuiet = row.recTip, true
					}
					d.showStatus()
				}
			}
			c.rows[o.ID] = row
			if swatches {
				sw := newSwatch(row, swatchImage(d.cat, o))
				sws = append(sws, sw)
				c.swatches[o.ID] = sw
				c.reasons[o.ID] = shared
				continue
			}
			reason := newReasonLine()
			c.reasons[o.ID] = reason
			box.Add(row)
			box.Add(reason.content)
		}
		if swatches {
			box.Add(swatchGrid(sws))
			box.Add(shared.content)
		}
		c.box = box
		c.show = func(v catalog.Value) {
			for id, row := range c.rows {
				sel := v.Str == id
				if f.Kind == catalog.Multi {
					sel = slices.Contains(v.Set, id)
				}
				row.setState(sel, row.available)
			}
			for _, s := range sws {
				s.Refresh()
			}
		}
		c.avail = func(fd *rules.FeatureDomain) {
			for i, o := range f.Options {
				row := c.rows[o.ID]
				row.setState(row.selected, fd.Available[i])
				row.setImpossible(fd.Impossible != nil && fd.Impossible[i])
			}
			for _, s := range sws {
				s.Refresh()
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

// showReason shows why an option is unavailable at the option itself:
// under its row, or under the swatches.
func (d *Designer) showReason(f *catalog.Feature, v catalog.Value, text string) {
	c := d.controls[f.ID]
	if c == nil {
		return
	}
	id := v.Str
	if f.Kind == catalog.Multi && len(v.Set) == 1 {
		id = v.Set[0]
	}
	r, row := c.reasons[id], c.rows[id]
	if r == nil || row == nil {
		return
	}
	var scope fyne.Widget = row
	if sw := c.swatches[id]; sw != nil {
		if !sw.hovered {
			return // the pointer has left it meanwhile
		}
		// One line under all the swatches: it names the option.
		text, scope = row.name+": "+text, sw
	} else if !row.hovered {
		return
	}
	r.show(text, scope)
	d.relayoutReasons(c)
}

// relayoutReasons makes room for a reason shown or hidden. The desktop
// driver would do it on its next frame; doing it at once keeps the panel
// still under the pointer. Not in the showroom, whose sizes only its own
// theme scope may lay out.
func (d *Designer) relayoutReasons(c *featureControl) {
	if c.box != nil && d.panel.steps != nil {
		d.optScroll.Refresh() // the boxes below move down, the scroll grows
	}
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
		return minus + FormatMoney(p.Abs(), d.cat.Currency)
	}
	return ""
}
