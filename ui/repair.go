package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// insist is called when the user picks something the rules do not allow with
// the other decisions: it explains why and proposes the smallest changes,
// each applied in one step (and undoable). exact: the value replaces the
// feature's decision (a number, a text, a whole selection), rather than
// adding one option of a multi feature.
func (d *Designer) insist(f *catalog.Feature, v catalog.Value, exact bool) {
	eng, dec, product := d.engine, rulesDecisions(d.decisions), d.product
	if eng == nil {
		return
	}
	before := d.priceOf(d.config)
	go func() {
		var expl *rules.Explanation
		var reps []rules.Repair
		var err, cut error
		eng.with(func(s *rules.Session) {
			if exact {
				expl, err = s.ExplainDecision(dec, f.ID, v)
				if err == nil {
					reps, err = s.DecisionRepairs(dec, f.ID, v, 4)
				}
			} else {
				expl, err = s.Explain(dec, f.ID, v)
				if err == nil {
					reps, err = s.Repairs(dec, f.ID, v, 4)
				}
			}
			if err == nil {
				// Fewest changes first, then the smallest change of price.
				err = s.PriceRepairs(reps, before, func(values map[string]catalog.Value) decimal.Decimal {
					return d.priceOf(&catalog.Config{Product: product, Values: values})
				})
			}
			if expl != nil && errors.Is(err, rules.ErrTooHard) {
				// Why is known; the search for changes was cut short, which
				// says nothing about whether one exists.
				reps, cut, err = nil, err, nil
			}
		})
		d.do(func() {
			if product != d.product {
				return // the user moved on
			}
			if err != nil {
				d.showError(err)
				return
			}
			if expl == nil {
				// It fits after all (the panel was a moment behind): just do it.
				d.decideValue(f, v, exact)
				return
			}
			others := len(dec)
			if _, own := dec[f.ID]; own {
				others--
			}
			d.showRepairs(f, v, others, expl, reps, cut)
		})
	}()
}

// describe says a repair in words: "Change Width from 1800 mm to 1600 mm".
func (d *Designer) describe(p rules.Repair) string {
	var parts []string
	for _, ch := range p.Changes {
		if !ch.Dropped {
			continue
		}
		parts = append(parts, fmt.Sprintf(T("change %s from %s to %s"), d.text(ch.Feature.Name),
			d.valueName(ch.Feature, ch.From), d.valueName(ch.Feature, ch.To)))
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = T("use it as it is")
	}
	return capitalize(s) + d.repairPrice(p)
}

// valueName is a value in words.
func (d *Designer) valueName(f *catalog.Feature, v catalog.Value) string {
	return f.Words(v, d.lang, d.cat.DefaultLanguage())
}

// manyChanges: a repair with more changes than this is named by what it
// keeps, its changes listed below it.
const manyChanges = 3

// showRepairs shows why f cannot be v and the ways to choose it anyway:
// the repairs (others is the number of the user's other decisions), or
// that no configuration of the product has it, or that the search for
// repairs was cut short (cut).
func (d *Designer) showRepairs(f *catalog.Feature, v catalog.Value, others int, expl *rules.Explanation, props []rules.Repair, cut error) {
	if d.win == nil {
		return
	}
	what := d.valueName(f, v)
	if f.Kind == catalog.Multi && len(v.Set) == 1 {
		what = d.text(f.Option(v.Set[0]).Name)
	}
	reason := widget.NewLabel(expl.Message(d.lang, d.cat.DefaultLanguage()))
	reason.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(reason)
	wrapped := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	var dlg dialog.Dialog
	switch {
	case cut != nil:
		box.Add(wrapped(T("The search for changes that make it possible was cut short: this catalog's rules are too hard to check completely in the time one question has. That does not mean nothing is possible: set some of your other choices aside yourself and try again.")))
	case len(props) == 0:
		box.Add(wrapped(Tf("%s: %s is not possible with this product, whatever your other choices.", d.text(f.Name), what)))
	default:
		heading := T("To choose it anyway:")
		if props[0].Kind == rules.RepairMaximal {
			heading = T("To choose it anyway, keeping as many of your choices as the search could:")
		}
		box.Add(widget.NewLabelWithStyle(heading, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for i, p := range props {
			p := p
			text := d.describe(p)
			if len(p.Drop) > manyChanges {
				kept := others
				for _, id := range p.Drop {
					if id != f.ID { // a multi feature's other selections are not another choice
						kept--
					}
				}
				text = Tf("Keep it and %d of your %d other choices", kept, others) + d.repairPrice(p)
			}
			b := widget.NewButtonWithIcon(text, theme.ConfirmIcon(), func() {
				dlg.Hide()
				d.apply(p.Decisions)
			})
			b.Alignment = widget.ButtonAlignLeading
			if i == 0 {
				b.Importance = widget.HighImportance
			}
			box.Add(b)
			if len(p.Drop) > manyChanges {
				box.Add(wrapped(Tf("Changes: %s.", d.changeList(p))))
			}
			if p.Kind == rules.RepairMaximal {
				box.Add(wrapped(T("Each of these changes is needed, but a smaller set of changes may exist: the search ran out of time before it could rule one out.")))
			}
		}
	}
	title := fmt.Sprintf(T("%s: %s is not available with your choices"), d.text(f.Name), what)
	if cut == nil && len(props) == 0 {
		title = Tf("%s: %s is not available", d.text(f.Name), what) // with any choices
	}
	dlg = dialog.NewCustom(title, T("Keep my choices"), box, d.win)
	dlg.Resize(fyne.NewSize(560, 0))
	dlg.Show()
}

// changeList lists a repair's changes: "Width from 1800 mm to 1600 mm; …".
func (d *Designer) changeList(p rules.Repair) string {
	var parts []string
	for _, ch := range p.Changes {
		if ch.Dropped {
			parts = append(parts, Tf("%s from %s to %s", d.text(ch.Feature.Name), d.valueName(ch.Feature, ch.From), d.valueName(ch.Feature, ch.To)))
		}
	}
	return strings.Join(parts, "; ")
}

// repairPrice is a repair's change of price, "  (+€ 40.00)", or nothing.
func (d *Designer) repairPrice(p rules.Repair) string {
	switch {
	case p.PriceDelta.IsPositive():
		return fmt.Sprintf(T("  (+%s)"), FormatMoney(p.PriceDelta, d.cat.Currency))
	case p.PriceDelta.IsNegative():
		return fmt.Sprintf(T("  (−%s)"), FormatMoney(p.PriceDelta.Abs(), d.cat.Currency))
	}
	return ""
}
