package ui

import (
	"image"
	"image/color"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/render"
)

// swatchPixels is the size at which swatch pictures are drawn (they are
// shown smaller, so they stay sharp on a HiDPI screen).
const swatchPixels = 128

// swatchImages caches the drawn swatches by catalog and material: the
// same oak is drawn once for every feature and product that offers it.
var swatchImages sync.Map // swatchKey -> image.Image

type swatchKey struct {
	cat  *catalog.Catalog
	name string // "m:" material id or "i:" image path
}

// swatchImage is an option's picture: the catalog's own image when the
// option (or its material) ships one, else the material drawn by the
// preview's shader; nil if the option has neither.
func swatchImage(cat *catalog.Catalog, o *catalog.Option) image.Image {
	var m *catalog.Material
	if o.Material != "" {
		m = cat.Material(o.Material)
	}
	path := o.Swatch
	if path == "" && m != nil {
		path = m.Swatch
	}
	if path != "" {
		k := swatchKey{cat, "i:" + path}
		if img, ok := swatchImages.Load(k); ok {
			return img.(image.Image)
		}
		if img, err := cat.Image(path); err == nil {
			swatchImages.Store(k, img)
			return img
		}
		// A broken image is the linter's business: the material stands in.
	}
	if m == nil {
		return nil
	}
	k := swatchKey{cat, "m:" + m.ID}
	if img, ok := swatchImages.Load(k); ok {
		return img.(image.Image)
	}
	img := render.Swatch(m, swatchPixels)
	swatchImages.Store(k, img)
	return img
}

// hasSwatches reports whether a choice feature's options are all
// materials or pictures, so that it is shown as swatches.
func hasSwatches(cat *catalog.Catalog, f *catalog.Feature) bool {
	if f.Kind != catalog.Choice || len(f.Options) == 0 {
		return false
	}
	for _, o := range f.Options {
		if o.Swatch == "" && (o.Material == "" || cat.Material(o.Material) == nil) {
			return false
		}
	}
	return true
}

// swatch is one option of a material feature: its picture, its name
// under it and its price; the chosen one is ringed. It shows the state of
// the option's row (selected, available) and hands taps and hovers to it,
// so that a swatch behaves exactly like the row it stands for.
type swatch struct {
	widget.BaseWidget
	row     *optionRow
	img     image.Image
	hovered bool
	focused bool
}

func newSwatch(row *optionRow, img image.Image) *swatch {
	s := &swatch{row: row, img: img}
	s.ExtendBaseWidget(s)
	return s
}

// Tapped implements fyne.Tappable.
func (s *swatch) Tapped(e *fyne.PointEvent) { s.row.Tapped(e) }

// FocusGained implements fyne.Focusable: Tab reaches every swatch.
func (s *swatch) FocusGained() { s.focused = true; s.Refresh() }

// FocusLost implements fyne.Focusable.
func (s *swatch) FocusLost() { s.focused = false; s.Refresh() }

// TypedRune implements fyne.Focusable: the space bar picks the option.
func (s *swatch) TypedRune(ch rune) { s.row.TypedRune(ch) }

// TypedKey implements fyne.Focusable: Return picks the option.
func (s *swatch) TypedKey(e *fyne.KeyEvent) { s.row.TypedKey(e) }

// MouseIn implements desktop.Hoverable.
func (s *swatch) MouseIn(*desktop.MouseEvent) {
	s.hovered = true
	s.Refresh()
	if s.row.onHover != nil {
		s.row.onHover(true)
	}
}

// MouseMoved implements desktop.Hoverable.
func (s *swatch) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (s *swatch) MouseOut() {
	s.hovered = false
	s.Refresh()
	if s.row.onHover != nil {
		s.row.onHover(false)
	}
}

// Cursor shows a hand over the swatch.
func (s *swatch) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer implements fyne.Widget.
func (s *swatch) CreateRenderer() fyne.WidgetRenderer {
	r := &swatchRenderer{s: s,
		bg:    canvas.NewRectangle(color.Transparent),
		ring:  canvas.NewRectangle(color.Transparent),
		price: canvas.NewText("", color.Black),
		star:  widget.NewIcon(starPrimary()),
	}
	if s.img != nil {
		r.pic = canvas.NewImageFromImage(s.img)
		r.pic.FillMode = canvas.ImageFillContain
		r.pic.ScaleMode = canvas.ImageScaleSmooth
	} else {
		r.pic = canvas.NewImageFromResource(nil)
	}
	r.price.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type swatchRenderer struct {
	s        *swatch
	bg, ring *canvas.Rectangle
	pic      *canvas.Image
	names    []*canvas.Text // the name, one line each
	price    *canvas.Text
	star     *widget.Icon // the recommendation's mark, on the picture's corner
}

// sizes are the swatch's measures in the theme of its scope.
func (r *swatchRenderer) sizes() (th fyne.Theme, pad, pic, cell float32) {
	th = theme.CurrentForWidget(r.s)
	pad = th.Size(theme.SizeNamePadding)
	// The picture as tall as two lines of body text and a bit: 56 px in
	// the desktop theme, larger where the text is (the showroom).
	pic = th.Size(theme.SizeNameText) * 4
	cell = pic * 2
	return
}

// nameLines breaks the option's name into lines of the cell's width.
func (r *swatchRenderer) nameLines(th fyne.Theme, width float32) []string {
	size := th.Size(theme.SizeNameCaptionText) * 1.1
	style := fyne.TextStyle{Bold: r.s.row.selected}
	var lines []string
	line := ""
	for _, w := range strings.Fields(r.s.row.name) {
		next := w
		if line != "" {
			next = line + " " + w
		}
		if line != "" && fyne.MeasureText(next, size, style).Width > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line = next
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func (r *swatchRenderer) Layout(size fyne.Size) {
	_, pad, pic, _ := r.sizes()
	r.bg.Resize(size)
	r.ring.Resize(fyne.NewSquareSize(pic + pad*2))
	r.ring.Move(fyne.NewPos((size.Width-pic)/2-pad, pad))
	r.pic.Resize(fyne.NewSquareSize(pic))
	r.pic.Move(fyne.NewPos((size.Width-pic)/2, pad*2))
	ss := pic / 3
	r.star.Resize(fyne.NewSquareSize(ss))
	r.star.Move(fyne.NewPos((size.Width+pic)/2-ss*2/3, pad))
	y := pic + pad*4
	for _, t := range r.names {
		ts := t.MinSize()
		t.Resize(fyne.NewSize(size.Width, ts.Height))
		t.Move(fyne.NewPos(0, y))
		y += ts.Height
	}
	ps := r.price.MinSize()
	r.price.Resize(fyne.NewSize(size.Width, ps.Height))
	r.price.Move(fyne.NewPos(0, y))
}

func (r *swatchRenderer) MinSize() fyne.Size {
	_, pad, pic, cell := r.sizes()
	h := pic + pad*5
	w := cell
	for _, t := range r.names {
		ts := t.MinSize()
		h += ts.Height
		w = max(w, ts.Width+pad*2) // a single long word widens the cell
	}
	if r.price.Text != "" {
		h += r.price.MinSize().Height
	}
	return fyne.NewSize(w, h)
}

func (r *swatchRenderer) Refresh() {
	s, row := r.s, r.s.row
	th, pad, _, cell := r.sizes()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	if !row.available {
		fg = readableDisabled(th, v)
	}
	size := th.Size(theme.SizeNameCaptionText) * 1.1
	lines := r.nameLines(th, cell-pad*2)
	for len(r.names) < len(lines) {
		t := canvas.NewText("", fg)
		t.Alignment = fyne.TextAlignCenter
		r.names = append(r.names, t)
	}
	r.names = r.names[:len(lines)]
	for i, t := range r.names {
		t.Text, t.Color, t.TextSize = lines[i], fg, size
		t.TextStyle = fyne.TextStyle{Bold: row.selected}
		t.Refresh()
	}
	r.price.Text, r.price.Color = row.price, fg
	r.price.TextSize = th.Size(theme.SizeNameCaptionText)
	r.price.Refresh()
	// Unavailable: the picture faded, as a greyed row.
	r.pic.Translucency = 0
	if !row.available {
		r.pic.Translucency = 0.6
	}
	r.pic.CornerRadius = pad
	r.pic.Refresh()
	r.ring.CornerRadius = pad * 2
	r.ring.StrokeWidth = 0
	r.ring.FillColor = color.Transparent
	switch {
	case row.selected:
		r.ring.StrokeColor = th.Color(theme.ColorNamePrimary, v)
		r.ring.StrokeWidth = 3
	case s.focused:
		r.ring.StrokeColor = th.Color(theme.ColorNameFocus, v)
		r.ring.StrokeWidth = 2
	}
	r.ring.Refresh()
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.bg.FillColor = color.Transparent
	if s.hovered {
		r.bg.FillColor = th.Color(theme.ColorNameHover, v)
	}
	r.bg.Refresh()
	if row.recommended && row.available {
		r.star.Show()
	} else {
		r.star.Hide()
	}
	r.Layout(s.Size())
}

func (r *swatchRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.ring, r.pic}
	for _, t := range r.names {
		objs = append(objs, t)
	}
	return append(objs, r.price, r.star)
}

func (r *swatchRenderer) Destroy() {}

// swatchGrid lays a feature's swatches out in rows that wrap.
func swatchGrid(swatches []*swatch) *fyne.Container {
	objs := make([]fyne.CanvasObject, len(swatches))
	for i, s := range swatches {
		objs[i] = s
	}
	return container.New(&wrapLayout{}, objs...)
}
