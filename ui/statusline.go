package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// statusLine is the status bar's one line: whether the design is valid
// (icon and text) on the left, the status in the middle, one line long
// (cut with … where it does not fit), and the count of variants on the
// right. It lays itself out again whenever it is refreshed, in the theme
// of its own scope, so that a longer "Valid · 40 of 41 choices made"
// never runs over the status, and the bar never changes its height.
type statusLine struct {
	widget.BaseWidget
	icon     *widget.Icon
	validity *widget.Label
	sep      *widget.Separator
	status   *widget.Label
	shop     *widget.Label // where the machine stands in its shop (hidden in none)
	outbox   *widget.Label // the orders on their way or refused (hidden when none)
	variants *widget.Label // nil: none (the showroom)
}

// newStatusLine builds the designer's status line (with the count of
// variants, or without) and keeps it to refresh.
func (d *Designer) newStatusLine(variants bool) *statusLine {
	l := &statusLine{icon: d.validIcon, validity: d.validity, sep: widget.NewSeparator(), status: d.status, shop: d.shopLabel, outbox: d.outboxLabel}
	if variants {
		l.variants = d.variants
	}
	d.status.Wrapping = fyne.TextWrapOff
	d.status.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	d.panel.line = l
	return l
}

// CreateRenderer implements fyne.Widget.
func (l *statusLine) CreateRenderer() fyne.WidgetRenderer {
	return &statusLineRenderer{l: l}
}

type statusLineRenderer struct{ l *statusLine }

func (r *statusLineRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.l.icon, r.l.validity, r.l.sep, r.l.status, r.l.shop, r.l.outbox}
	if r.l.variants != nil {
		objs = append(objs, r.l.variants)
	}
	return objs
}

func (r *statusLineRenderer) Layout(size fyne.Size) {
	l := r.l
	th := theme.CurrentForWidget(l)
	pad := th.Size(theme.SizeNamePadding)
	place := func(o fyne.CanvasObject, x, w float32) {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
	}
	x := pad
	is := l.icon.MinSize()
	place(l.icon, x, is.Width)
	x += is.Width
	vw := l.validity.MinSize().Width
	place(l.validity, x, vw)
	x += vw + pad
	sw := th.Size(theme.SizeNameSeparatorThickness)
	l.sep.Move(fyne.NewPos(x, 0))
	l.sep.Resize(fyne.NewSize(sw, size.Height))
	x += sw + pad
	end := size.Width
	if l.variants != nil {
		nw := l.variants.MinSize().Width
		end -= nw
		place(l.variants, end, nw)
		end -= pad
	}
	for _, o := range []*widget.Label{l.shop, l.outbox} {
		if o.Visible() {
			sw := o.MinSize().Width
			end -= sw
			place(o, end, sw)
			end -= pad
		}
	}
	place(l.status, x, max(0, end-x))
}

func (r *statusLineRenderer) MinSize() fyne.Size {
	l := r.l
	th := theme.CurrentForWidget(l)
	pad := th.Size(theme.SizeNamePadding)
	w := pad*3 + l.icon.MinSize().Width + l.validity.MinSize().Width + th.Size(theme.SizeNameSeparatorThickness) + l.status.MinSize().Width
	h := max(l.icon.MinSize().Height, l.validity.MinSize().Height, l.status.MinSize().Height)
	if l.variants != nil {
		w += l.variants.MinSize().Width + pad
		h = max(h, l.variants.MinSize().Height)
	}
	for _, o := range []*widget.Label{l.shop, l.outbox} {
		if o.Visible() {
			w += o.MinSize().Width + pad
			h = max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(w, h)
}

func (r *statusLineRenderer) Refresh() { r.Layout(r.l.Size()) }

func (r *statusLineRenderer) Destroy() {}
