package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
)

// Knock-on changes: the engine shows every undecided feature at a value
// the rules allow (its completion). When a choice makes it move an
// undecided feature the user can see (velvet moves the legs from oak to
// brass), the feature says so beside its options, with the price it
// adds and why. The change belongs to the choice's undo step: undoing the
// choice puts the feature back, and the note goes.

// knockNote is the label under a feature's options that tells a
// knock-on change (hidden when there is none).
func knockNote() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	l.Hide()
	return l
}

// showKnockOn tells, beside each feature, what the engine's new
// completion changed since the newest undo step began; then keeps the
// completion as the one shown.
func (d *Designer) showKnockOn(completion map[string]catalog.Value) {
	if completion == nil {
		return
	}
	notes := d.knockOn(d.knockBase, completion)
	for id, c := range d.controls {
		if c.knock == nil {
			continue
		}
		if msg, ok := notes[id]; ok {
			c.knock.SetText(msg)
			c.knock.Show()
		} else if c.knock.Visible() {
			c.knock.Hide()
		}
	}
	d.completed = completion
}

// knockOn says, per undecided feature whose value in the completion
// moved from base, what it is now, what that costs, and why:
// "Legs now Brushed brass (+€140.00), because Turned oak does not go
// with Velvet, moss green. Also possible: Black steel."
func (d *Designer) knockOn(base, completion map[string]catalog.Value) map[string]string {
	if base == nil || d.product == nil {
		return nil
	}
	notes := map[string]string{}
	for _, f := range d.product.Features {
		if f.Kind == catalog.Textual {
			continue
		}
		if _, decided := d.decisions[f.ID]; decided {
			continue
		}
		was, ok1 := base[f.ID]
		now, ok2 := completion[f.ID]
		if !ok1 || !ok2 || was.Equal(now) {
			continue
		}
		msg := Tf("%s now %s", d.text(f.Name), d.valueName(f, now))
		if price := d.knockPrice(completion, f, was); price != "" {
			msg += " (" + price + ")"
		}
		if d.stillAllowed(f, was) {
			notes[f.ID] = msg + "."
			continue
		}
		msg = Tf("%s, because %s does not go with %s.", msg, d.valueName(f, was), d.stepCause())
		if others := d.otherOptions(f, now); len(others) > 0 {
			msg += " " + Tf("Also possible: %s.", strings.Join(others, T(" or ")))
		}
		notes[f.ID] = msg
	}
	return notes
}

// knockPrice is what moving f from was to its value in the completion
// adds to the list price ("+€140.00"; "" when nothing).
func (d *Designer) knockPrice(completion map[string]catalog.Value, f *catalog.Feature, was catalog.Value) string {
	before := make(map[string]catalog.Value, len(completion))
	for k, v := range completion {
		before[k] = v
	}
	before[f.ID] = was
	now := d.priceOf(&catalog.Config{Product: d.product, Values: completion})
	then := d.priceOf(&catalog.Config{Product: d.product, Values: before})
	return d.priceText(now.Sub(then))
}

// stillAllowed reports whether the rules still allow f to be v (then the
// completion moved for another reason than a conflict).
func (d *Designer) stillAllowed(f *catalog.Feature, v catalog.Value) bool {
	if d.domains == nil {
		return true
	}
	fd := d.domains.Feature(f.ID)
	if fd == nil {
		return true
	}
	switch f.Kind {
	case catalog.Choice:
		i := slices.IndexFunc(f.Options, func(o *catalog.Option) bool { return o.ID == v.Str })
		return i >= 0 && i < len(fd.Available) && fd.Available[i]
	case catalog.Number:
		return fd.AllowsNumber(v.Num)
	}
	return false
}

// otherOptions are the names of f's options the rules allow besides now
// (choice features only).
func (d *Designer) otherOptions(f *catalog.Feature, now catalog.Value) []string {
	if f.Kind != catalog.Choice || d.domains == nil {
		return nil
	}
	fd := d.domains.Feature(f.ID)
	if fd == nil {
		return nil
	}
	var out []string
	for i, o := range f.Options {
		if o.ID != now.Str && i < len(fd.Available) && fd.Available[i] {
			out = append(out, d.text(o.Name))
		}
	}
	return out
}

// stepCause names the choices the newest undo step made ("Velvet, moss
// green"; "your choices" when it only took choices back).
func (d *Designer) stepCause() string {
	var before map[string]catalog.Value
	if len(d.undo) > 0 {
		before = d.undo[len(d.undo)-1]
	}
	var names []string
	for _, f := range d.product.Features {
		v, ok := d.decisions[f.ID]
		if !ok {
			continue
		}
		if w, had := before[f.ID]; had && w.Equal(v) {
			continue
		}
		names = append(names, d.valueName(f, v))
	}
	if len(names) == 0 {
		return T("your choices")
	}
	return strings.Join(names, T(" and "))
}
