package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// numberInput is a number feature's input: a slider, an entry to type
// the value into with its unit beside it, what the rules allow, and what
// became of a typed value. One drag of the slider, a run of arrow
// presses, or one typed value is one undo step.
type numberInput struct {
	d       *Designer
	f       *catalog.Feature
	key     string // the undo gesture's key
	slider  *widget.Slider
	entry   *numberEntry
	unit    *widget.Label
	note    *widget.Label // what the rules allow with the other choices
	said    *widget.Label // what became of a typed value
	allowed *rules.FeatureDomain
	shown   decimal.Decimal
	content fyne.CanvasObject
}

func (d *Designer) newNumberInput(f *catalog.Feature, c *featureControl) *numberInput {
	n := &numberInput{d: d, f: f, key: "number:" + f.ID}
	minF, _ := f.Min.Float64()
	maxF, _ := f.Max.Float64()
	stepF, _ := f.Step.Float64()
	n.slider = widget.NewSlider(minF, maxF)
	n.slider.Step = stepF
	n.entry = newNumberEntry(n.commit)
	n.unit = widget.NewLabel(unitName(f.Unit))
	n.note = widget.NewLabel("")
	n.note.Wrapping = fyne.TextWrapWord
	n.note.SizeName = theme.SizeNameCaptionText
	n.note.Hide()
	n.said = widget.NewLabel("")
	n.said.Wrapping = fyne.TextWrapWord
	n.said.SizeName = theme.SizeNameCaptionText
	n.said.Hide()
	c.note = n.note
	c.show = n.show
	c.avail = n.avail
	n.slider.OnChanged = func(x float64) {
		if d.syncing {
			return
		}
		num := n.snap(decimal.NewFromFloat(x))
		n.setEntry(num)
		n.said.Hide()
		if n.allowed != nil && !n.allowed.AllowsNumber(num) {
			n.warn(true) // decided when released
			return
		}
		n.warn(false)
		d.decideIn(n.key, f.ID, catalog.Value{Kind: catalog.Number, Num: num}, true)
	}
	n.slider.OnChangeEnded = func(x float64) {
		if d.syncing {
			return
		}
		d.endGesture(n.key)
		num := n.snap(decimal.NewFromFloat(x))
		if n.allowed != nil && !n.allowed.AllowsNumber(num) {
			d.insist(f, catalog.Value{Kind: catalog.Number, Num: num}, true)
		}
	}
	typed := container.NewBorder(nil, nil, nil, n.unit, n.entry)
	n.content = container.NewVBox(container.NewBorder(nil, nil, nil, typed, n.slider), n.said, n.note)
	return n
}

// snap puts a value on the feature's grid (min + a whole number of steps).
func (n *numberInput) snap(x decimal.Decimal) decimal.Decimal {
	f := n.f
	if !f.Step.IsPositive() {
		return x
	}
	steps := x.Sub(f.Min).Div(f.Step).Round(0)
	return f.Min.Add(steps.Mul(f.Step))
}

// show moves the slider and the entry to a value (not the entry while
// it holds typing not yet taken).
func (n *numberInput) show(v catalog.Value) {
	fv, _ := v.Num.Float64()
	n.slider.SetValue(fv)
	if !v.Num.Equal(n.shown) {
		n.said.Hide() // what was said of a typed value is past
	}
	n.shown = v.Num
	if !n.entry.typed {
		n.setEntry(v.Num)
	}
	unit := unitName(n.f.Unit)
	if n.d.app.Units == "in" && n.f.Unit == "mm" {
		unit += " (" + n.d.app.Length(v.Num.String(), n.f.Unit) + ")"
	}
	n.unit.SetText(unit)
}

func (n *numberInput) setEntry(x decimal.Decimal) {
	n.entry.SetText(entryNumber(x))
	n.entry.typed = false // not the user's typing
}

// avail shows what the rules allow with the other choices.
func (n *numberInput) avail(fd *rules.FeatureDomain) {
	n.allowed = fd
	f := n.f
	if len(fd.Allowed) == 1 && fd.Allowed[0].Min.Equal(f.Min) && fd.Allowed[0].Max.Equal(f.Max) {
		n.note.Hide()
		return
	}
	if len(fd.Allowed) == 0 {
		n.note.SetText(T("No value fits your other choices."))
	} else {
		n.note.SetText(Tf("With your choices: %s", n.rangeWords(fd.Allowed)))
	}
	n.note.Show()
}

// ranges are the values the rules allow now: the engine's answer, or
// the feature's whole range before it has answered.
func (n *numberInput) ranges() []rules.Range {
	if n.allowed != nil {
		return n.allowed.Allowed
	}
	return []rules.Range{{Min: n.f.Min, Max: n.f.Max}}
}

// rangeWords says ranges in words: "from 1000 mm to 1800 mm or 2000 mm".
func (n *numberInput) rangeWords(rs []rules.Range) string {
	length := func(x decimal.Decimal) string { return n.d.app.Length(x.String(), n.f.Unit) }
	var parts []string
	for _, r := range rs {
		if r.Min.Equal(r.Max) {
			parts = append(parts, length(r.Min))
		} else {
			parts = append(parts, Tf("from %s to %s", length(r.Min), length(r.Max)))
		}
	}
	return strings.Join(parts, T(" or "))
}

// commit takes a typed value: snapped to the grid and decided if the
// rules allow it, else the allowed ranges are said in words and the
// value stays as it was.
func (n *numberInput) commit(text string) {
	d, f := n.d, n.f
	x, err := parseNumber(text, f.Unit)
	if err != nil {
		n.say(Tf("“%s” is not a number. %s", strings.TrimSpace(text), Tf("Possible: %s.", n.rangeWords(n.ranges()))), widget.WarningImportance)
		n.setEntry(n.shown)
		return
	}
	num := n.snap(x)
	length := func(x decimal.Decimal) string { return d.app.Length(x.String(), f.Unit) }
	allowed := !num.LessThan(f.Min) && !num.GreaterThan(f.Max)
	if allowed && n.allowed != nil {
		allowed = n.allowed.AllowsNumber(num)
	}
	if !allowed {
		n.say(Tf("%s is not possible with your choices. Possible: %s.", length(x), n.rangeWords(n.ranges())), widget.WarningImportance)
		n.setEntry(n.shown)
		return
	}
	n.setEntry(num)
	n.warn(false)
	d.Decide(f.ID, catalog.Value{Kind: catalog.Number, Num: num}) // a step of its own
	if !num.Equal(x) {
		n.say(Tf("%s is made as %s (in steps of %s).", length(x), length(num), length(f.Step)), widget.MediumImportance)
	} else {
		n.said.Hide()
	}
}

// warn colours the unit while the slider is on a value the rules do not
// allow (it is decided only when the slider is let go).
func (n *numberInput) warn(on bool) {
	imp := widget.MediumImportance
	if on {
		imp = widget.WarningImportance
	}
	if n.unit.Importance != imp {
		n.unit.Importance = imp
		n.unit.Refresh()
	}
}

func (n *numberInput) say(msg string, imp widget.Importance) {
	n.said.SetText(msg)
	n.said.Importance = imp
	n.said.Show()
	n.said.Refresh()
}

// parseNumber reads a typed number: "1200", "1 200", "1,200", "1200 mm",
// "12,5" or "12.5".
func parseNumber(text, unit string) (decimal.Decimal, error) {
	s := strings.TrimSpace(text)
	if unit != "" {
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, unit), unitName(unit)))
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "'", "").Replace(s)
	comma, dot := strings.LastIndex(s, ","), strings.LastIndex(s, ".")
	switch {
	case comma >= 0 && dot >= 0: // both: the last one is the decimal point
		if comma > dot {
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		} else {
			s = strings.ReplaceAll(s, ",", "")
		}
	case comma >= 0:
		if strings.Count(s, ",") == 1 && len(s)-comma-1 != 3 {
			s = strings.Replace(s, ",", ".", 1) // a decimal comma
		} else {
			s = strings.ReplaceAll(s, ",", "") // thousands
		}
	case dot >= 0 && (strings.Count(s, ".") > 1 || len(s)-dot-1 == 3 && uiLanguage() == "de"):
		s = strings.ReplaceAll(s, ".", "") // German thousands: 1.200
	}
	x, err := decimal.NewFromString(s)
	if err != nil || s == "" {
		return decimal.Zero, errors.New("not a number")
	}
	return x, nil
}

// entryNumber writes a value for the entry: as the language writes a
// decimal (German 742,5), without grouping, which would get in the way of
// editing it.
func entryNumber(x decimal.Decimal) string {
	if uiLanguage() == "de" {
		return strings.Replace(x.String(), ".", ",", 1)
	}
	return x.String()
}

// numberEntry is the entry of a number: Return or leaving it takes the
// value typed.
type numberEntry struct {
	widget.Entry
	focused bool
	commit  func(string)
	typed   bool // changed since the last commit
}

func newNumberEntry(commit func(string)) *numberEntry {
	e := &numberEntry{commit: commit}
	e.ExtendBaseWidget(e)
	e.OnSubmitted = func(s string) { e.typed = false; commit(s) }
	e.OnChanged = func(string) {
		if e.focused {
			e.typed = true
		}
	}
	return e
}

// entry is the widget.Entry inside, for Ctrl+Z (fieldUndo).
func (e *numberEntry) entry() *widget.Entry { return &e.Entry }

// FocusGained implements fyne.Focusable.
func (e *numberEntry) FocusGained() {
	e.focused = true
	e.Entry.FocusGained()
}

// FocusLost implements fyne.Focusable: leaving the field takes its value.
func (e *numberEntry) FocusLost() {
	e.focused = false
	e.Entry.FocusLost()
	if e.typed {
		e.typed = false
		e.commit(e.Text)
	}
}

// MinSize implements fyne.Widget: room for six digits, in the theme of
// the entry's scope (the showroom's text is larger).
func (e *numberEntry) MinSize() fyne.Size {
	m := e.Entry.MinSize()
	th := e.Theme()
	w := fyne.MeasureText("000000", th.Size(theme.SizeNameText), fyne.TextStyle{}).Width + th.Size(theme.SizeNameInnerPadding)*2 + th.Size(theme.SizeNameInputBorder)*2
	return fyne.NewSize(max(m.Width, w), m.Height)
}
