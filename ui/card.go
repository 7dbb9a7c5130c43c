package ui

import (
	"image"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
)

// cardPicWidth is the smallest width of a design's picture on its card
// (the stored thumbnail is render.ThumbWidth×render.ThumbHeight: drawn no larger, it
// stays crisp).
const cardPicWidth = 280

// designCard is one design in the library: picture, name and price,
// product and customer, status and date. Tapping it opens the design; its
// ⋮ button (or a right click) shows what else can be done. In the trash it
// has Restore and Delete buttons instead.
type designCard struct {
	widget.BaseWidget

	s       storage.DesignSummary
	pic     image.Image
	trash   bool
	date    string
	version string // the catalog version, when it is not the one in use
	hovered bool

	onOpen    func()
	onMenu    func(pos fyne.Position) // where to show the menu, on the canvas
	onRestore func()
	onPurge   func()

	bg *canvas.Rectangle
}

func newDesignCard(s storage.DesignSummary, pic image.Image, trash bool, date string) *designCard {
	c := &designCard{s: s, pic: pic, trash: trash, date: date}
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer implements fyne.Widget.
func (c *designCard) CreateRenderer() fyne.WidgetRenderer {
	th, v := c.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	radius := th.Size(theme.SizeNameInputRadius)
	c.bg = canvas.NewRectangle(color.Transparent)
	c.bg.CornerRadius = radius * 2
	c.bg.StrokeWidth = 1
	c.paint()

	var pic fyne.CanvasObject
	if c.pic != nil {
		img := canvas.NewImageFromImage(c.pic)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleSmooth
		img.CornerRadius = radius
		pic = img
	} else {
		blank := canvas.NewRectangle(th.Color(theme.ColorNameInputBackground, v))
		blank.CornerRadius = radius
		icon := widget.NewIcon(theme.MediaPhotoIcon())
		pic = container.NewStack(blank, container.NewCenter(icon))
	}

	name := widget.NewLabelWithStyle(c.s.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	who := c.s.ProductName
	if c.s.CustomerName != "" {
		who += " · " + c.s.CustomerName
	}
	sub := widget.NewLabel(who)
	sub.Truncation = fyne.TextTruncateEllipsis
	price := widget.NewLabelWithStyle(moneyText(c.s.Total, c.s.Currency), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if badge := statusBadge(th, c.s.Status); badge != nil {
		pic = container.NewStack(pic, container.NewPadded(container.NewVBox(container.NewHBox(badge))))
	}
	var meta []string
	if c.date != "" {
		meta = append(meta, c.date)
	}
	if c.s.Revision > 1 {
		meta = append(meta, Tf("rev. %d", c.s.Revision))
	}
	if c.version != "" {
		meta = append(meta, c.version)
	}
	info := widget.NewLabelWithStyle(strings.Join(meta, " · "), fyne.TextAlignTrailing, fyne.TextStyle{})
	info.SizeName = theme.SizeNameCaptionText
	info.Truncation = fyne.TextTruncateEllipsis

	var actions fyne.CanvasObject
	if c.trash {
		restore := widget.NewButtonWithIcon(T("Restore"), theme.ContentUndoIcon(), func() { call(c.onRestore) })
		purge := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { call(c.onPurge) })
		purge.Importance = widget.DangerImportance
		actions = container.NewHBox(restore, purge)
	} else {
		var more *widget.Button
		more = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() {
			if c.onMenu == nil {
				return
			}
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(more)
			c.onMenu(pos.Add(fyne.NewPos(0, more.Size().Height)))
		})
		more.Importance = widget.LowImportance
		actions = more
	}
	text := container.NewVBox(
		name,
		sub,
		container.NewBorder(nil, nil, price, actions, info),
	)
	body := container.New(cardLayout{}, pic, text)
	return widget.NewSimpleRenderer(container.NewStack(c.bg, container.NewPadded(body)))
}

// statusBadge marks a quoted or ordered design (nil for a draft), in a
// theme (the card's).
func statusBadge(th fyne.Theme, s storage.Status) fyne.CanvasObject {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	var fill, fg color.Color
	switch s {
	case storage.Quoted:
		fill, fg = th.Color(theme.ColorNamePrimary, v), th.Color(theme.ColorNameForegroundOnPrimary, v)
	case storage.Ordered:
		fill, fg = th.Color(theme.ColorNameSuccess, v), th.Color(theme.ColorNameForegroundOnSuccess, v)
	default:
		return nil
	}
	bg := canvas.NewRectangle(fill)
	bg.CornerRadius = th.Size(theme.SizeNameInputRadius) * 2
	text := canvas.NewText(statusText(s), fg)
	text.TextStyle = fyne.TextStyle{Bold: true}
	text.TextSize = th.Size(theme.SizeNameCaptionText)
	return container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(3, 3, 10, 10), text))
}

// paint colours the card for the theme of its scope and the pointer.
func (c *designCard) paint() {
	if c.bg == nil {
		return
	}
	th, v := c.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	c.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	c.bg.StrokeColor = th.Color(theme.ColorNameSeparator, v)
	if c.hovered && !c.trash {
		c.bg.FillColor = th.Color(theme.ColorNameHover, v)
		c.bg.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	}
}

// Refresh implements fyne.Widget.
func (c *designCard) Refresh() {
	c.paint()
	c.BaseWidget.Refresh()
}

// Tapped opens the design.
func (c *designCard) Tapped(*fyne.PointEvent) {
	if !c.trash {
		call(c.onOpen)
	}
}

// TappedSecondary shows the card's menu where the pointer is.
func (c *designCard) TappedSecondary(e *fyne.PointEvent) {
	if c.onMenu != nil && e != nil {
		c.onMenu(e.AbsolutePosition)
	}
}

// MouseIn implements desktop.Hoverable.
func (c *designCard) MouseIn(*desktop.MouseEvent) { c.hovered = true; c.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (c *designCard) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (c *designCard) MouseOut() { c.hovered = false; c.Refresh() }

// Cursor implements desktop.Cursorable.
func (c *designCard) Cursor() desktop.Cursor {
	if c.trash {
		return desktop.DefaultCursor
	}
	return desktop.PointerCursor
}

func call(f func()) {
	if f != nil {
		f()
	}
}

// cardLayout puts the picture on top, as wide as the card and in the
// thumbnail's proportions, and the text below.
type cardLayout struct{}

func picHeight(width float32) float32 { return width * render.ThumbHeight / render.ThumbWidth }

// Layout implements fyne.Layout.
func (cardLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := picHeight(size.Width)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, h))
	objs[1].Move(fyne.NewPos(0, h))
	objs[1].Resize(fyne.NewSize(size.Width, size.Height-h))
}

// MinSize implements fyne.Layout.
func (cardLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	text := objs[1].MinSize()
	w := max(cardPicWidth, text.Width)
	return fyne.NewSize(w, picHeight(w)+text.Height)
}

// cardGrid lays out cards in rows across the whole width: as many columns
// as fit at the smallest card width, the cards widened to fill the row
// (and heightened to keep the picture's proportions).
type cardGrid struct {
	min  fyne.Size // the smallest card
	cols int       // as last laid out (as Fyne's grid wrap layout does)
	cell fyne.Size // as last laid out
}

// gap is twice the padding of the cards' theme.
func (g *cardGrid) gap(objs []fyne.CanvasObject) float32 {
	if len(objs) == 0 {
		return theme.Padding() * 2
	}
	return theme.CurrentForWidget(objs[0]).Size(theme.SizeNamePadding) * 2
}

// Layout implements fyne.Layout.
func (g *cardGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	gap := g.gap(objs)
	g.cols = max(1, int((size.Width+gap)/(g.min.Width+gap)))
	w := max(g.min.Width, (size.Width-float32(g.cols-1)*gap)/float32(g.cols))
	g.cell = fyne.NewSize(w, g.min.Height+picHeight(w)-picHeight(g.min.Width))
	for i, o := range objs {
		row, col := i/g.cols, i%g.cols
		o.Move(fyne.NewPos(float32(col)*(g.cell.Width+gap), float32(row)*(g.cell.Height+gap)))
		o.Resize(g.cell)
	}
}

// MinSize implements fyne.Layout: a card wide, and as high as the rows
// of the last layout.
func (g *cardGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.NewSize(0, 0)
	}
	cols := max(g.cols, 1)
	rows := (len(objs) + cols - 1) / cols
	h := max(g.cell.Height, g.min.Height)
	return fyne.NewSize(g.min.Width, float32(rows)*h+float32(rows-1)*g.gap(objs))
}
