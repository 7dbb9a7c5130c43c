package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
)

// optionPanel is the designer's right-hand column: the product's
// sections as steps (a ✓ on each one decided), the options of the current
// section using the whole height between them, and the sticky price at
// the bottom, which opens into its breakdown.
type optionPanel struct {
	sections []*optionSection
	current  int
	steps    *fyne.Container // one button per section; nil in the showroom (all sections shown)
	flow     *wrapLayout     // the steps' layout
	column   *fyne.Container // steps, options, price
	// priceOpen: the breakdown of the list price is shown.
	priceOpen   bool
	priceToggle *widget.Button
	priceLines  fyne.CanvasObject // the breakdown, shown when open
	linesScroll *container.Scroll
	statusBar   *fyne.Container
	line        *statusLine // validity, status and count, in the status bar
	// optionsTheme keeps greyed text in the options readable (it is
	// refreshed when the controls are rebuilt).
	optionsTheme *container.ThemeOverride
}

// optionSection is one section of the option panel: the features the
// catalog groups under one name ("Dimensions", "Top"), in their order.
type optionSection struct {
	title    string
	features []*catalog.Feature
	box      *fyne.Container // the section's controls
	step     *widget.Button
}

// sectionsOf groups a product's features by their group, in the order
// the groups first appear; features without a group share one section.
func (d *Designer) sectionsOf(p *catalog.Product) []*optionSection {
	var out []*optionSection
	by := map[string]*optionSection{}
	for _, f := range p.Features {
		title := d.text(f.Group)
		s := by[title]
		if s == nil {
			s = &optionSection{title: title}
			by[title] = s
			out = append(out, s)
		}
		s.features = append(s.features, f)
	}
	for _, s := range out {
		if s.title == "" {
			s.title = T("Options")
		}
	}
	return out
}

// buildSteps makes a step for each section and shows the first; each
// section but the last ends with a button to the next one.
func (d *Designer) buildSteps() {
	p := &d.panel
	p.current = 0
	if p.steps == nil {
		return
	}
	p.steps.RemoveAll()
	for i, s := range p.sections {
		s.step = widget.NewButton(s.title, func() { d.showSection(i) })
		p.steps.Add(s.step)
		if i+1 < len(p.sections) {
			next := widget.NewButtonWithIcon(Tf("Next: %s", p.sections[i+1].title), theme.NavigateNextIcon(), func() { d.showSection(i + 1) })
			next.IconPlacement = widget.ButtonIconTrailingText
			s.box.Add(container.NewHBox(next))
		}
	}
	if len(p.sections) < 2 {
		p.steps.Hide()
	} else {
		p.steps.Show()
	}
	d.showSection(0)
}

// showSection shows one section's options (the dealer's designer; the
// showroom shows them all, one under the other).
func (d *Designer) showSection(i int) {
	p := &d.panel
	if p.steps == nil || i < 0 || i >= len(p.sections) {
		return
	}
	p.current = i
	for j, s := range p.sections {
		if j == i {
			s.box.Show()
		} else {
			s.box.Hide()
		}
	}
	d.options.Refresh()
	d.optScroll.ScrollToTop()
	d.showProgress()
	p.relayout()
}

// relayout lays the column out again (the steps' rows, the price's
// height). Only its layout: refreshing the price's theme override would
// lay its content out in the app's theme instead of its own.
func (p *optionPanel) relayout() {
	if p.column != nil {
		p.column.Layout.Layout(p.column.Objects, p.column.Size())
	}
}

// sectionDecided reports whether every choice of a section is the
// user's (texts are optional and do not count, unless the section has
// nothing else).
func (d *Designer) sectionDecided(s *optionSection) bool {
	counted := 0
	for _, f := range s.features {
		if f.Kind == catalog.Textual {
			continue
		}
		counted++
		if _, ok := d.decisions[f.ID]; !ok {
			return false
		}
	}
	if counted > 0 {
		return true
	}
	for _, f := range s.features {
		if _, ok := d.decisions[f.ID]; !ok {
			return false
		}
	}
	return true
}

// knockedOn reports whether a feature of a section says it was changed
// by a choice elsewhere (a knock-on note, see knockon.go).
func (d *Designer) knockedOn(s *optionSection) bool {
	for _, f := range s.features {
		if c := d.controls[f.ID]; c != nil && c.knock != nil && c.knock.Visible() {
			return true
		}
	}
	return false
}

// showProgress marks the current step and every decided one (✓); a
// section whose options were changed by a choice in another one gets a
// warning sign instead, so that the change is not missed.
func (d *Designer) showProgress() {
	p := &d.panel
	if p.steps == nil {
		return
	}
	for i, s := range p.sections {
		if s.step == nil {
			continue
		}
		text, icon := fmt.Sprintf("%d  %s", i+1, s.title), fyne.Resource(nil)
		switch {
		case i != p.current && d.knockedOn(s):
			text, icon = s.title, theme.NewWarningThemedResource(theme.WarningIcon())
		case d.sectionDecided(s):
			text, icon = s.title, theme.ConfirmIcon()
		}
		imp := widget.LowImportance
		if i == p.current {
			imp = widget.HighImportance
		}
		if s.step.Text != text || s.step.Icon != icon || s.step.Importance != imp {
			s.step.Text, s.step.Icon, s.step.Importance = text, icon, imp
			s.step.Refresh()
		}
	}
	p.steps.Refresh()
}

// columnLayout stacks the option panel: the steps at the top (as many
// rows as they need at the width), the price at the bottom (its collapsed
// height, or up to maxPrice of the column when opened) and the options
// in all the height between.
type columnLayout struct {
	steps    *fyne.Container
	flow     *wrapLayout
	maxPrice float32
}

func (l *columnLayout) stepsHeight(width float32) float32 {
	if l.steps == nil || !l.steps.Visible() || len(l.steps.Objects) == 0 {
		return 0
	}
	return l.flow.heightFor(l.steps.Objects, width)
}

// Layout implements fyne.Layout: objects are steps, options and price.
func (l *columnLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	steps, options, price := objects[0], objects[1], objects[2]
	pad := theme.Padding()
	sh := l.stepsHeight(size.Width)
	steps.Move(fyne.NewPos(0, 0))
	steps.Resize(fyne.NewSize(size.Width, sh))
	y := float32(0)
	if sh > 0 {
		y = sh + pad
	}
	ph := min(price.MinSize().Height, size.Height*l.maxPrice)
	price.Move(fyne.NewPos(0, size.Height-ph))
	price.Resize(fyne.NewSize(size.Width, ph))
	options.Move(fyne.NewPos(0, y))
	options.Resize(fyne.NewSize(size.Width, max(0, size.Height-ph-y)))
}

// MinSize implements fyne.Layout.
func (l *columnLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	steps, options, price := objects[0], objects[1], objects[2]
	w := max(steps.MinSize().Width, options.MinSize().Width, price.MinSize().Width)
	return fyne.NewSize(w, steps.MinSize().Height+options.MinSize().Height+120)
}

// optionColumn builds the dealer's option panel around the options and
// the price panel.
func (d *Designer) optionColumn(price fyne.CanvasObject) fyne.CanvasObject {
	p := &d.panel
	p.flow = &wrapLayout{}
	p.steps = container.New(p.flow)
	p.optionsTheme = container.NewThemeOverride(container.NewBorder(d.newSetBar(), nil, nil, nil, d.optScroll), readableTheme{})
	p.column = container.New(&columnLayout{steps: p.steps, flow: p.flow, maxPrice: 0.6}, p.steps, p.optionsTheme, price)
	return p.column
}
