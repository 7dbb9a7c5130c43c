package ui

import (
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
		var err error
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
			d.showRepairs(f, v, expl, reps)
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
	s = capitalize(s)
	switch {
	case p.PriceDelta.IsPositive():
		s += fmt.Sprintf(T("  (+%s)"), FormatMoney(p.PriceDelta, d.cat.Currency))
	case p.PriceDelta.IsNegative():
		s += fmt.Sprintf(T("  (−%s)"), FormatMoney(p.PriceDelta.Abs(), d.cat.Currency))
	}
	return s
}

// valueName is a value in words.
func (d *Designer) valueName(f *catalog.Feature, v catalog.Value) string {
	return f.Words(v, d.lang, d.cat.DefaultLanguage())
}

func (d *Designer) showRepairs(f *catalog.Feature, v catalog.Value, expl *rules.Explanation, props []rules.Repair) {
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
	var dlg dialog.Dialog
	if len(props) == 0 {
		box.Add(widget.NewLabel(T("No change of your other choices makes it possible.")))
	} else {
		box.Add(widget.NewLabelWithStyle(T("To choose it anyway:"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for i, p := range props {
			p := p
			b := widget.NewButtonWithIcon(d.describe(p), theme.ConfirmIcon(), func() {
				dlg.Hide()
				d.apply(p.Decisions)
			})
			b.Alignment = widget.ButtonAlignLeading
			if i == 0 {
				b.Importance = widget.HighImportance
			}
			box.Add(b)
		}
	}
	title := fmt.Sprintf(T("%s: %s is not available with your choices"), d.text(f.Name), what)
	dlg = dialog.NewCustom(title, T("Keep my choices"), box, d.win)
	dlg.Resize(fyne.NewSize(560, 0))
	dlg.Show()
}
