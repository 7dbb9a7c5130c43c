package ui

import (
	"image/color"
	"maps"
	"slices"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// needsFlow is the needs-based start for a customer who does not know
// where to begin: the product's questions (catalog.Need) one at a time,
// with big answer buttons, Skip and how far along it is; then the answers'
// values go into the design in one undoable step (Designer.ApplyAnswers).
// The showroom offers it when a customer opens a product that has
// questions; the dealer finds it under Presets.
type needsFlow struct {
	d                   *Designer
	p                   *catalog.Product
	at                  int                   // the question shown
	chosen              []*catalog.NeedAnswer // the answers given, in order
	page                *fyne.Container       // what the flow shows now
	touch               func()                // the customer is there (the showroom's idle clock)
	onEnd               func()                // the flow is over (answers applied, or none given)
	onAsk               func()                // a question is shown (the dealer's dialog follows it)
	big                 bool                  // the showroom: a heading-sized question
	buttons             []*widget.Button      // the answers of the question shown
	skip, start, myself *widget.Button
	progress            *widget.Label
}

func newNeedsFlow(d *Designer, p *catalog.Product, big bool, touch, onEnd func()) *needsFlow {
	if touch == nil {
		touch = func() {}
	}
	n := &needsFlow{d: d, p: p, big: big, touch: touch, onEnd: onEnd, page: container.NewStack()}
	return n
}

// tall makes a button at least h high: a target for a finger.
func tall(b fyne.CanvasObject, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return container.NewStack(r, b)
}

// centred lays a column out in the middle, at most w wide.
func centred(w float32, objs ...fyne.CanvasObject) fyne.CanvasObject {
	col := container.New(&maxWidth{w: w}, container.NewVBox(objs...))
	return container.NewVBox(layout.NewSpacer(), container.NewHBox(layout.NewSpacer(), col, layout.NewSpacer()), layout.NewSpacer())
}

func (n *needsFlow) show(o fyne.CanvasObject) {
	n.page.Objects = []fyne.CanvasObject{o}
	n.page.Refresh()
}

// Offer shows the invitation: answer a few questions, or choose yourself.
func (n *needsFlow) Offer() {
	d := n.d
	title := widget.NewLabelWithStyle(T("Not sure where to begin?"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	title.Wrapping = fyne.TextWrapWord
	msg := widget.NewLabelWithStyle(Tf("Answer a few questions, and we set up the %s for you. You can change everything afterwards.", d.text(n.p.Name)), fyne.TextAlignCenter, fyne.TextStyle{})
	msg.Wrapping = fyne.TextWrapWord
	n.start = widget.NewButtonWithIcon(T("Answer a few questions"), theme.NavigateNextIcon(), func() { n.touch(); n.Ask() })
	n.start.Importance = widget.HighImportance
	n.start.IconPlacement = widget.ButtonIconTrailingText
	n.myself = widget.NewButton(T("I'll choose myself"), func() { n.touch(); n.end() })
	n.show(centred(640, title, msg, widget.NewLabel(""), tall(n.start, 72), tall(n.myself, 56)))
}

// Ask shows the current question (the first, at the start).
func (n *needsFlow) Ask() {
	if n.at >= len(n.p.Needs) {
		n.finish()
		return
	}
	d := n.d
	need := n.p.Needs[n.at]
	n.progress = widget.NewLabelWithStyle(Tf("Question %d of %d", n.at+1, len(n.p.Needs)), fyne.TextAlignCenter, fyne.TextStyle{})
	q := widget.NewLabelWithStyle(d.text(need.Question), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	q.Wrapping = fyne.TextWrapWord
	q.SizeName = theme.SizeNameSubHeadingText
	if n.big {
		q.SizeName = theme.SizeNameHeadingText
	}
	objs := []fyne.CanvasObject{n.progress, q, widget.NewLabel("")}
	n.buttons = nil
	for _, a := range need.Answers {
		a := a
		b := widget.NewButton(d.text(a.Label), func() {
			n.touch()
			n.chosen = append(n.chosen, a)
			n.at++
			n.Ask()
		})
		n.buttons = append(n.buttons, b)
		objs = append(objs, tall(b, 72))
	}
	n.skip = widget.NewButtonWithIcon(T("Skip"), theme.MediaSkipNextIcon(), func() {
		n.touch()
		n.at++
		n.Ask()
	})
	n.skip.Importance = widget.LowImportance
	n.skip.IconPlacement = widget.ButtonIconTrailingText
	objs = append(objs, widget.NewLabel(""), container.NewCenter(n.skip))
	n.show(centred(640, objs...))
	if n.onAsk != nil {
		n.onAsk()
	}
}

// finish applies the answers (if any) and ends the flow.
func (n *needsFlow) finish() {
	if len(n.chosen) == 0 {
		n.end()
		return
	}
	wait := widget.NewProgressBarInfinite()
	n.show(centred(640, widget.NewLabelWithStyle(T("Setting up your design…"), fyne.TextAlignCenter, fyne.TextStyle{}), wait))
	n.d.ApplyAnswers(n.chosen, func() {
		wait.Stop()
		n.end()
	})
}

func (n *needsFlow) end() {
	if n.onEnd != nil {
		n.onEnd()
	}
}

// ApplyAnswers puts the values of needs-based answers into the design in
// one undoable step, then calls done (on the UI goroutine). Answers are
// taken in order: a multi feature set by several gets the union; a later
// answer's value replaces an earlier one only if the engine finds the
// design consistent with it, else the earlier stays. A value that does
// not fit at all is left out: the design is never left inconsistent. The
// checks run off the UI goroutine.
func (d *Designer) ApplyAnswers(answers []*catalog.NeedAnswer, done func()) {
	if d.product == nil || len(answers) == 0 {
		if done != nil {
			done()
		}
		return
	}
	p, eng, gen := d.product, d.engine, d.gen
	dec := maps.Clone(d.decisions)
	go func() {
		next, set := answeredDecisions(p, eng, dec, answers)
		d.do(func() {
			if gen == d.gen && p == d.product && len(set) > 0 {
				d.apply(next)
				d.showSetBar(Tf("Your answers set: %s.", d.completedWords(p, next, set)))
			}
			if done != nil {
				done()
			}
		})
	}()
}

// answeredDecisions is ApplyAnswers' work: the decisions with the answers'
// values, and the features they set (in the product's order).
func answeredDecisions(p *catalog.Product, eng *engine, dec map[string]catalog.Value, answers []*catalog.NeedAnswer) (map[string]catalog.Value, []string) {
	consistent := func(m map[string]catalog.Value) bool {
		if eng == nil {
			return true
		}
		ok := false
		eng.with(func(s *rules.Session) { ok, _ = s.Consistent(rulesDecisions(m)) })
		return ok
	}
	next := maps.Clone(dec)
	if next == nil {
		next = map[string]catalog.Value{}
	}
	byAnswer := map[string]bool{} // set by an answer before
	for _, a := range answers {
		order := a.Order
		if len(order) == 0 {
			for id := range a.Values {
				order = append(order, id)
			}
			sort.Strings(order)
		}
		for _, id := range order {
			f := p.Feature(id)
			v, ok := a.Values[id]
			if f == nil || !ok {
				continue
			}
			try := maps.Clone(next)
			if f.Kind == catalog.Multi && byAnswer[id] {
				set := slices.Clone(next[id].Set)
				for _, o := range v.Set {
					if !slices.Contains(set, o) {
						set = append(set, o)
					}
				}
				v = catalog.Value{Kind: catalog.Multi, Set: set}
			}
			try[id] = v
			if consistent(try) {
				next = try
				byAnswer[id] = true
			}
		}
	}
	var set []string
	for _, f := range p.Features {
		if byAnswer[f.ID] {
			set = append(set, f.ID)
		}
	}
	return next, set
}

// AskNeeds shows the product's questions in a dialog (the dealer's way to
// the needs-based start, under Presets).
func (d *Designer) AskNeeds() {
	if d.product == nil || len(d.product.Needs) == 0 {
		return
	}
	var dlg *dialog.CustomDialog
	n := newNeedsFlow(d, d.product, false, nil, func() {
		if dlg != nil {
			dlg.Hide()
		}
		d.needs = nil
	})
	d.needs = n
	n.Ask()
	if d.win == nil {
		return
	}
	dlg = dialog.NewCustom(T("A few questions"), T("Cancel"), container.New(&maxWidth{w: 560}, n.page), d.win)
	dlg.SetOnClosed(func() { d.needs = nil })
	dlg.Resize(fyne.NewSize(600, 480))
	d.showDialog(dlg, dlg.Hide, nil)
}
