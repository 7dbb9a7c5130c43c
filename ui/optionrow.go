package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// optionRow is one option of a feature in the option panel: a radio or check
// mark, the option's name and its price. An unavailable option stays visible,
// greyed; hovering it shows why, tapping it asks for a repair.
type optionRow struct {
	widget.BaseWidget

	name, price string
	multi       bool // a check box instead of a radio mark
	selected    bool
	available   bool
	impossible  bool // no configuration of the product has it (not the user's choices)
	hovered     bool
	focused     bool
	// recommended: the option is this feature's recommendation (a quiet
	// star and "Recommended"); recTip says why, while hovered.
	recommended bool
	recTip      string

	onTap   func()
	onHover func(in bool)
}

func newOptionRow(name, price string, multi bool, onTap func(), onHover func(bool)) *optionRow {
	r := &optionRow{name: name, price: price, multi: multi, available: true, onTap: onTap, onHover: onHover}
	r.ExtendBaseWidget(r)
	return r
}

// setState changes what the row shows.
func (r *optionRow) setState(selected, available bool) {
	if r.selected == selected && r.available == available {
		return
	}
	r.selected, r.available = selected, available
	r.Refresh()
}

// setImpossible marks an option no configuration of the product has, so
// that the row does not blame the user's choices for it.
func (r *optionRow) setImpossible(impossible bool) {
	if r.impossible == impossible {
		return
	}
	r.impossible = impossible
	r.Refresh()
}

// setRecommended marks the option as the feature's recommendation (or not).
func (r *optionRow) setRecommended(on bool, tip string) {
	if r.recommended == on && r.recTip == tip {
		return
	}
	r.recommended, r.recTip = on, tip
	r.Refresh()
}

// Tapped implements fyne.Tappable.
func (r *optionRow) Tapped(*fyne.PointEvent) {
	if r.onTap != nil {
		r.onTap()
	}
}

// FocusGained implements fyne.Focusable: Tab reaches every option.
func (r *optionRow) FocusGained() { r.focused = true; r.Refresh() }

// FocusLost implements fyne.Focusable.
func (r *optionRow) FocusLost() { r.focused = false; r.Refresh() }

// TypedRune implements fyne.Focusable: the space bar picks the option.
func (r *optionRow) TypedRune(ch rune) {
	if ch == ' ' {
		r.Tapped(nil)
	}
}

// TypedKey implements fyne.Focusable: Return picks the option.
func (r *optionRow) TypedKey(e *fyne.KeyEvent) {
	if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
		r.Tapped(nil)
	}
}

// MouseIn implements desktop.Hoverable.
func (r *optionRow) MouseIn(*desktop.MouseEvent) {
	r.hovered = true
	r.Refresh()
	if r.onHover != nil {
		r.onHover(true)
	}
}

// MouseMoved implements desktop.Hoverable.
func (r *optionRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (r *optionRow) MouseOut() {
	r.hovered = false
	r.Refresh()
	if r.onHover != nil {
		r.onHover(false)
	}
}

// Cursor shows a hand over the row.
func (r *optionRow) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer implements fyne.Widget. The renderer takes its sizes and
// colours from the theme of the row's scope (the showroom's is larger than
// the app's), never from the app-wide theme: a row refreshed by a tap
// keeps the size its scope gives it.
func (r *optionRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &optionRowRenderer{
		row:   r,
		bg:    canvas.NewRectangle(color.Transparent),
		icon:  widget.NewIcon(nil),
		name:  canvas.NewText(r.name, color.Transparent),
		price: canvas.NewText(r.price, color.Transparent),
		note:  canvas.NewText("", color.Transparent),
		star:  widget.NewIcon(nil),
	}
	rr.price.Alignment = fyne.TextAlignTrailing
	rr.Refresh()
	return rr
}

type optionRowRenderer struct {
	row               *optionRow
	bg                *canvas.Rectangle
	icon              *widget.Icon
	name, price, note *canvas.Text
	star              *widget.Icon // the recommendation's mark, before its note
}

// theme is the theme in force for the row.
func (rr *optionRowRenderer) theme() fyne.Theme { return rr.row.Theme() }

func (rr *optionRowRenderer) Layout(size fyne.Size) {
	th := rr.theme()
	pad := th.Size(theme.SizeNamePadding)
	right := th.Size(theme.SizeNameInnerPadding) // clear of the scroll bar
	is := th.Size(theme.SizeNameInlineIcon)
	rr.bg.Resize(size)
	rr.icon.Resize(fyne.NewSquareSize(is))
	rr.icon.Move(fyne.NewPos(pad, (size.Height-is)/2))
	ps := rr.price.MinSize()
	rr.price.Resize(ps)
	rr.price.Move(fyne.NewPos(size.Width-right-ps.Width, (size.Height-ps.Height)/2))
	x := pad*2 + is
	ns := rr.name.MinSize()
	rr.name.Resize(ns)
	rr.name.Move(fyne.NewPos(x, (size.Height-ns.Height)/2))
	// The note goes between name and price, only where it fits; a
	// recommendation's star before it (the star alone where the word
	// does not fit).
	nts := rr.note.MinSize()
	rr.note.Resize(nts)
	nx := x + ns.Width + pad*2
	limit := size.Width - right - ps.Width
	if rr.row.recommended {
		ss := th.Size(theme.SizeNameCaptionText) * 1.1
		rr.star.Resize(fyne.NewSquareSize(ss))
		rr.star.Move(fyne.NewPos(nx, (size.Height-ss)/2))
		if nx+ss+pad > limit {
			rr.star.Hide()
		} else {
			rr.star.Show()
		}
		nx += ss + pad/2
	} else {
		rr.star.Hide()
	}
	rr.note.Move(fyne.NewPos(nx, (size.Height-nts.Height)/2))
	if rr.note.Text != "" && nx+nts.Width+pad*2 > limit {
		rr.note.Hide()
	} else {
		rr.note.Show()
	}
}

// MinSize is the row's content with padding, and at least as high as a
// finger needs where the theme asks for touch targets (the showroom).
func (rr *optionRowRenderer) MinSize() fyne.Size {
	th := rr.theme()
	pad := th.Size(theme.SizeNamePadding)
	is := th.Size(theme.SizeNameInlineIcon)
	ns, ps := rr.name.MinSize(), rr.price.MinSize()
	w := pad*3 + th.Size(theme.SizeNameInnerPadding) + is + ns.Width + ps.Width
	h := max(fyne.Max(ns.Height, is)+pad*2, touchTarget(th))
	return fyne.NewSize(w, h)
}

func (rr *optionRowRenderer) Refresh() {
	r := rr.row
	th := rr.theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	if !r.available {
		fg = readableDisabled(th, v) // greyed, but readable (WCAG AA)
	}
	var icon fyne.Resource
	switch {
	case r.multi && r.selected:
		icon = th.Icon(theme.IconNameCheckButtonChecked)
	case r.multi:
		icon = th.Icon(theme.IconNameCheckButton)
	case r.selected:
		icon = th.Icon(theme.IconNameRadioButtonChecked)
	default:
		icon = th.Icon(theme.IconNameRadioButton)
	}
	switch {
	case r.selected && r.available:
		icon = theme.NewPrimaryThemedResource(icon)
	case !r.available:
		icon = theme.NewDisabledResource(icon)
	}
	rr.icon.SetResource(icon)
	text := th.Size(theme.SizeNameText)
	rr.name.Text, rr.name.Color, rr.name.TextSize = r.name, fg, text
	rr.name.TextStyle = fyne.TextStyle{Bold: r.selected}
	rr.price.Text, rr.price.Color, rr.price.TextSize = r.price, fg, text
	rr.note.Text = ""
	switch {
	case !r.available && r.impossible:
		rr.note.Text = T("not available")
	case !r.available:
		rr.note.Text = T("not with your choices")
	}
	rr.note.TextSize = th.Size(theme.SizeNameCaptionText)
	rr.note.Color = readableDisabled(th, v)
	if r.recommended && r.available {
		// Quiet: the caption's size, in the scope's primary colour.
		rr.note.Text = T("Recommended")
		rr.note.Color = th.Color(theme.ColorNamePrimary, v)
		rr.star.SetResource(starPrimary())
	}
	rr.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	switch {
	case r.hovered:
		rr.bg.FillColor = th.Color(theme.ColorNameHover, v)
	case r.selected:
		rr.bg.FillColor = th.Color(theme.ColorNameSelection, v)
	default:
		rr.bg.FillColor = color.Transparent
	}
	rr.bg.StrokeWidth = 0
	if r.focused {
		rr.bg.StrokeColor = th.Color(theme.ColorNameFocus, v)
		rr.bg.StrokeWidth = 2
	}
	rr.bg.Refresh()
	rr.name.Refresh()
	rr.price.Refresh()
	rr.note.Refresh()
	rr.Layout(r.Size())
}

func (rr *optionRowRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{rr.bg, rr.icon, rr.name, rr.star, rr.note, rr.price}
}

func (rr *optionRowRenderer) Destroy() {}
