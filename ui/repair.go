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
				// Fewest changes first, then the cheapest.
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

// describe says a repair in one sentence: "Change Legs from Turned oak to
// Black steel (+€ 548.50)". Each sentence is a whole format per number of
// changes, with numbered places (%[1]s …), so that a language orders and
// words it as its grammar wants (German puts the verb last); nothing is
// glued together from translated fragments.
func (d *Designer) describe(p rules.Repair) string {
	var a []any
	for _, ch := range p.Changes {
		if ch.Dropped {
			a = append(a, d.text(ch.Feature.Name), d.valueName(ch.Feature, ch.From), d.valueName(ch.Feature, ch.To))
		}
	}
	n := len(a) / 3
	a = append(a, d.priceEffect(p))
	switch n {
	case 0:
		return Tf("Use it as it is (%[1]s)", a...)
	case 1:
		return Tf("Change %[1]s from %[2]s to %[3]s (%[4]s)", a...)
	case 2:
		return Tf("Change %[1]s from %[2]s to %[3]s and %[4]s from %[5]s to %[6]s (%[7]s)", a...)
	case 3:
		return Tf("Change %[1]s from %[2]s to %[3]s, %[4]s from %[5]s to %[6]s and %[7]s from %[8]s to %[9]s (%[10]s)", a...)
	}
	return Tf("Make these changes: %[1]s (%[2]s)", d.changeList(p), d.priceEffect(p))
}

// follows says, a sentence each, how the features not decided change with
// a repair (the completion's values): "With it, Leg height changes from
// 60 mm to 100 mm."
func (d *Designer) follows(p rules.Repair) string {
	var out []string
	for _, ch := range p.Changes {
		if ch.Open {
			out = append(out, Tf("With it, %[1]s changes from %[2]s to %[3]s.", d.text(ch.Feature.Name), d.valueName(ch.Feature, ch.From), d.valueName(ch.Feature, ch.To)))
		}
	}
	return strings.Join(out, " ")
}

// valueName is a value in words.
func (d *Designer) valueName(f *catalog.Feature, v catalog.Value) string {
	return f.Words(v, d.lang, d.cat.DefaultLanguage())
}

// manyProposals: a dialog with more proposals than this scrolls.
const manyProposals = 6

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
				text = Tf("Keep it and %[1]d of your %[2]d other choices (%[3]s)", kept, others, d.priceEffect(p))
			}
			b := widget.NewButtonWithIcon(text, theme.ConfirmIcon(), func() {
				dlg.Hide()
				d.acceptRepair(p.Decisions)
			})
			b.Alignment = widget.ButtonAlignLeading
			if i == 0 {
				b.Importance = widget.HighImportance
			}
			box.Add(b)
			if len(p.Drop) > manyChanges {
				box.Add(wrapped(Tf("Changes: %s.", d.changeList(p))))
			}
			if f := d.follows(p); f != "" {
				box.Add(wrapped(f))
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
	var content fyne.CanvasObject = box
	if len(props) > manyProposals {
		// Every proposal is listed; past a screenful they scroll.
		scroll := container.NewVScroll(box)
		scroll.SetMinSize(fyne.NewSize(540, 440))
		content = scroll
	}
	dlg = dialog.NewCustom(title, T("Keep my choices"), content, d.win)
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

// priceEffect is a repair's change of price in words: "+€ 40.00",
// "−€ 12.00" or "same price".
func (d *Designer) priceEffect(p rules.Repair) string {
	switch {
	case p.PriceDelta.IsPositive():
		return "+" + FormatMoney(p.PriceDelta, d.cat.Currency)
	case p.PriceDelta.IsNegative():
		return minus + FormatMoney(p.PriceDelta.Abs(), d.cat.Currency)
	}
	return T("same price")
}

// acceptRepair applies a repair's decisions in one undoable step, shown
// together with the engine's answer for them: the new choice was greyed,
// and shown selected before the new domains it would look selected and
// greyed at once.
func (d *Designer) acceptRepair(next map[string]catalog.Value) {
	eng, product, gen := d.engine, d.product, d.gen
	if eng == nil {
		d.apply(next)
		return
	}
	dec := rulesDecisions(next)
	eng.interrupt() // the question before this change is answered for nobody
	eng.updates.run(func() {
		a := eng.ask(dec)
		d.do(func() {
			if product != d.product || eng != d.engine {
				return // the user moved on
			}
			if gen != d.gen {
				d.apply(next) // something changed meanwhile: ask again
				return
			}
			d.applyAnswered(next, &a)
		})
	})
}
