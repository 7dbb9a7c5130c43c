package ui

import (
	"image"
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage"
)

// Size of a design's picture on its card (the stored thumbnail is
// thumbWidth×thumbHeight, drawn smaller so that it stays crisp).
const cardPicWidth, cardPicHeight = 256, 160

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
	c.bg = canvas.NewRectangle(color.Transparent)
	c.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius) * 2
	c.bg.StrokeWidth = 1
	c.paint()

	var pic fyne.CanvasObject
	if c.pic != nil {
		img := canvas.NewImageFromImage(c.pic)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleSmooth
		img.CornerRadius = theme.Size(theme.SizeNameInputRadius)
		img.SetMinSize(fyne.NewSize(cardPicWidth, cardPicHeight))
		pic = img
	} else {
		blank := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		blank.CornerRadius = theme.Size(theme.SizeNameInputRadius)
		blank.SetMinSize(fyne.NewSize(cardPicWidth, cardPicHeight))
		icon := widget.NewIcon(theme.MediaPhotoIcon())
		pic = container.NewStack(blank, container.NewCenter(icon))
	}

	name := widget.NewLabelWithStyle(c.s.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	price := widget.NewLabelWithStyle(moneyText(c.s.Total, c.s.Currency), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	who := c.s.ProductName
	if c.s.CustomerName != "" {
		who += " · " + c.s.CustomerName
	}
	sub := widget.NewLabel(who)
	sub.Truncation = fyne.TextTruncateEllipsis
	meta := []string{statusText(c.s.Status)}
	if c.date != "" {
		meta = append(meta, c.date)
	}
	if c.s.Revision > 1 {
		meta = append(meta, "rev. "+strconv.Itoa(c.s.Revision))
	}
	info := widget.NewLabel(strings.Join(meta, " · "))
	info.Importance = widget.LowImportance
	info.Truncation = fyne.TextTruncateEllipsis

	var actions fyne.CanvasObject
	if c.trash {
		restore := widget.NewButtonWithIcon("Restore", theme.ContentUndoIcon(), func() { call(c.onRestore) })
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
		container.NewBorder(nil, nil, nil, price, name),
		sub,
		container.NewBorder(nil, nil, nil, actions, info),
	)
	body := container.NewBorder(pic, nil, nil, nil, text)
	return widget.NewSimpleRenderer(container.NewStack(c.bg, container.NewPadded(body)))
}

// paint colours the card for the theme and the pointer.
func (c *designCard) paint() {
	if c.bg == nil {
		return
	}
	c.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	c.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	if c.hovered && !c.trash {
		c.bg.FillColor = theme.Color(theme.ColorNameHover)
		c.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
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
