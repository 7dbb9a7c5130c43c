package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// wrapLayout places objects left to right at their minimum sizes and
// wraps to a new row where the next one would not fit, like words in a
// paragraph: nothing is cut off or shrunk, whatever the width. Rows are
// as tall as their tallest object. Its height depends on its width: the
// width it was last laid out at (MinSize), or any given one (heightFor).
type wrapLayout struct {
	width float32 // the width of the last Layout
}

// rows splits the visible objects into rows for a width.
func (l *wrapLayout) rows(objects []fyne.CanvasObject, width float32) [][]fyne.CanvasObject {
	gap := theme.Padding()
	var rows [][]fyne.CanvasObject
	var row []fyne.CanvasObject
	x := float32(0)
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		w := o.MinSize().Width
		if len(row) > 0 && x+gap+w > width {
			rows = append(rows, row)
			row, x = nil, 0
		}
		if len(row) > 0 {
			x += gap
		}
		row = append(row, o)
		x += w
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

func rowHeight(row []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range row {
		h = max(h, o.MinSize().Height)
	}
	return h
}

// heightFor is the height the objects take at a width.
func (l *wrapLayout) heightFor(objects []fyne.CanvasObject, width float32) float32 {
	rows := l.rows(objects, width)
	var h float32
	for i, r := range rows {
		if i > 0 {
			h += theme.Padding()
		}
		h += rowHeight(r)
	}
	return h
}

// Layout implements fyne.Layout.
func (l *wrapLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	gap := theme.Padding()
	y := float32(0)
	for _, r := range l.rows(objects, size.Width) {
		h := rowHeight(r)
		x := float32(0)
		for _, o := range r {
			ms := o.MinSize()
			o.Resize(fyne.NewSize(ms.Width, h))
			o.Move(fyne.NewPos(x, y))
			x += ms.Width + gap
		}
		y += h + gap
	}
}

// MinSize implements fyne.Layout: as wide as the widest object, as tall
// as the rows at the last width (one row before the first layout).
func (l *wrapLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w, all float32
	for _, o := range objects {
		if o.Visible() {
			ms := o.MinSize().Width
			w = max(w, ms)
			all += ms + theme.Padding()
		}
	}
	width := l.width
	if width <= 0 {
		width = all
	}
	return fyne.NewSize(w, l.heightFor(objects, max(width, w)))
}
