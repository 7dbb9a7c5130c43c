package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/render"
)

// productPicture is the size products are drawn at for their cards (the
// card scales it to its width, so it stays crisp up to 2× scaling).
var productPicture = fyne.NewSize(560, 350)

// chooser is the product chooser: a card per product of the catalog,
// with its picture (drawn in the background), name, category, starting
// price, description and presets. A card starts a new design of its
// product; a preset starts one from the preset.
type chooser struct {
	d       *Designer
	cards   []*productCard
	content fyne.CanvasObject
	// onChoose, if set, replaces starting a design in the designer (the
	// showroom's chooser).
	onChoose func(product, preset string)
	big      bool
	header   fyne.CanvasObject
	top      *fyne.Container // the header, and room for more on its right
	// OnPictures, if set, is called on the UI goroutine once every
	// product's picture is shown (tests use it).
	OnPictures func()
}

func newChooser(d *Designer, big bool) *chooser {
	c := &chooser{d: d, big: big}
	heading := widget.NewLabelWithStyle(d.text(d.cat.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	maker := widget.NewLabel(d.cat.Manufacturer.Name + " · " + T("choose a product to design"))
	c.header = container.NewHBox(heading, container.NewCenter(maker))
	grid := container.New(&productGrid{minWidth: 300, big: big})
	for _, p := range d.cat.Products {
		card := newProductCard(d, p, big, c.choose)
		c.cards = append(c.cards, card)
		grid.Add(card)
	}
	c.top = container.NewBorder(nil, nil, nil, nil, c.header)
	top := container.NewVBox(c.top, widget.NewSeparator())
	var body fyne.CanvasObject = container.NewPadded(grid)
	if big {
		body = container.NewVBox(layout.NewSpacer(), body, layout.NewSpacer())
	}
	c.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(body))
	c.drawPictures()
	return c
}

// drawPictures draws every product in its default configuration, off the
// UI goroutine.
func (c *chooser) drawPictures() {
	d := c.d
	cat := d.cat
	cards := c.cards
	go func() {
		pics := make([]image.Image, len(cards))
		for i, card := range cards {
			scene, err := render.Build(cat, card.product.Resolve(nil))
			if err != nil {
				continue
			}
			v := render.ViewIso
			v.Width, v.Height = int(productPicture.Width), int(productPicture.Height)
			if c.big { // the attract screen shows them large
				v.Width, v.Height = v.Width*2, v.Height*2
			}
			pics[i] = render.Draw(scene, v)
		}
		d.do(func() {
			for i, card := range cards {
				if pics[i] != nil {
					card.setPicture(pics[i])
				}
			}
			if c.OnPictures != nil {
				c.OnPictures()
			}
		})
	}()
}

// choose starts a design of a product (from a preset, if not "").
func (c *chooser) choose(product, preset string) {
	if c.onChoose != nil {
		c.onChoose(product, preset)
		return
	}
	c.d.ChooseProduct(product, preset)
}

// card is the card of a product (nil if the catalog has none of that id).
func (c *chooser) card(id string) *productCard {
	for _, card := range c.cards {
		if card.product.ID == id {
			return card
		}
	}
	return nil
}

// ChooseProduct starts a new design of a product (from one of its
// presets, if preset is not ""), after asking about unsaved changes, and
// shows the designer.
func (d *Designer) ChooseProduct(id, preset string) {
	p := d.cat.Product(id)
	if p == nil {
		return
	}
	d.whenDiscarded(func() {
		d.product = nil // a new design, even of the same product
		d.SelectProduct(p.ID)
		if c := d.pendingCustomer; c != nil {
			d.doc.customer, d.doc.customerName = c.ID, c.Name
			d.pendingCustomer = nil
			d.refreshDocument()
		}
		if preset != "" {
			d.ApplyPreset(preset) // one undo step after the fresh design
		}
		d.show(screenDesign)
	}, nil)
}

// productCard is one product on the chooser: its picture, its whole
// name, category and starting price, description, and every preset
// (wrapping onto as many rows as they need).
type productCard struct {
	widget.BaseWidget
	d       *Designer
	product *catalog.Product
	big     bool
	pic     *canvas.Image
	hovered bool
	bg      *canvas.Rectangle
	presets []*widget.Button
	choose  func(product, preset string)

	// The text under the picture, once rendered (heightAt measures it).
	name, from, desc *clampedText
	presetRow        *fyne.Container
	flow             *flowLayout
}

func newProductCard(d *Designer, p *catalog.Product, big bool, choose func(product, preset string)) *productCard {
	c := &productCard{d: d, product: p, big: big, choose: choose}
	c.pic = canvas.NewImageFromImage(image.NewNRGBA(image.Rect(0, 0, 1, 1)))
	c.pic.FillMode = canvas.ImageFillContain
	c.pic.ScaleMode = canvas.ImageScaleSmooth
	for _, ps := range p.Presets {
		id := ps.ID
		b := widget.NewButton(d.text(ps.Name), func() { c.choose(p.ID, id) })
		b.Importance = widget.LowImportance
		c.presets = append(c.presets, b)
	}
	c.ExtendBaseWidget(c)
	return c
}

func (c *productCard) setPicture(img image.Image) {
	c.pic.Image = img
	c.pic.Refresh()
}

// Tapped starts a design of the product.
func (c *productCard) Tapped(*fyne.PointEvent) { c.choose(c.product.ID, "") }

// MouseIn implements desktop.Hoverable.
func (c *productCard) MouseIn(*desktop.MouseEvent) { c.hovered = true; c.paint() }

// MouseMoved implements desktop.Hoverable.
func (c *productCard) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (c *productCard) MouseOut() { c.hovered = false; c.paint() }

// Cursor shows a hand over the card.
func (c *productCard) Cursor() desktop.Cursor { return desktop.PointerCursor }

// paint colours the card in the theme of its scope, for the pointer.
func (c *productCard) paint() {
	if c.bg == nil {
		return
	}
	th, v := c.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	c.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	c.bg.StrokeColor = color.Transparent
	if c.hovered {
		c.bg.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	}
	radius := th.Size(theme.SizeNameInputRadius)
	c.bg.CornerRadius = radius * 2
	c.pic.CornerRadius = radius
	c.bg.Refresh()
}

// Refresh implements fyne.Widget: the card repaints in its scope's theme.
func (c *productCard) Refresh() {
	c.paint()
	c.BaseWidget.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (c *productCard) CreateRenderer() fyne.WidgetRenderer {
	d, p := c.d, c.product
	c.bg = canvas.NewRectangle(color.Transparent)
	c.bg.StrokeWidth = 2
	c.paint()
	c.name = newClampedText(d.text(p.Name), 3)
	c.name.style, c.name.fit = fyne.TextStyle{Bold: true}, true
	if c.big {
		c.name.size = theme.SizeNameSubHeadingText
	}
	c.from = newClampedText(categoryAndPrice(capitalize(d.text(p.Category)), Tf("from %s", d.money(p.BasePrice))), 1)
	c.desc = newClampedText(d.text(p.Description), 2)
	text := []fyne.CanvasObject{c.name, c.from, c.desc}
	c.flow = &flowLayout{}
	c.presetRow = container.New(c.flow)
	if len(c.presets) > 0 {
		start := widget.NewLabelWithStyle(T("Start from"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		c.presetRow.Add(start)
		for _, b := range c.presets {
			c.presetRow.Add(b)
		}
		text = append(text, c.presetRow)
	}
	body := container.New(&productCardLayout{}, c.pic, container.New(&cardTextLayout{}, text...))
	return widget.NewSimpleRenderer(container.NewStack(c.bg, container.New(&paddedLayout{of: c}, body)))
}

// heightAt is the card's height at a width: the picture in its
// proportions, then the text as it wraps at that width.
func (c *productCard) heightAt(w float32) float32 {
	if c.name == nil {
		c.MinSize() // renders the card: its texts exist from then on
	}
	pad := c.Theme().Size(theme.SizeNamePadding)
	inner := w - pad*2
	h := c.name.heightAt(inner) + c.from.heightAt(inner) + c.desc.heightAt(inner)
	if len(c.presets) > 0 {
		h += c.flow.place(c.presetRow.Objects, inner, false)
	}
	return pad*2 + productCardLayout{}.picHeight(inner) + h
}

// paddedLayout pads its content by the padding of a widget's theme (Fyne's
// padded container asks the app's theme outside of drawing).
type paddedLayout struct{ of fyne.Widget }

func (l *paddedLayout) pad() float32 { return theme.CurrentForWidget(l.of).Size(theme.SizeNamePadding) }

// Layout implements fyne.Layout.
func (l *paddedLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	p := l.pad()
	for _, o := range objs {
		o.Move(fyne.NewPos(p, p))
		o.Resize(fyne.NewSize(size.Width-p*2, size.Height-p*2))
	}
}

// MinSize implements fyne.Layout.
func (l *paddedLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	p := l.pad()
	m := fyne.NewSize(0, 0)
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m.Add(fyne.NewSize(p*2, p*2))
}

// cardTextLayout stacks a card's texts top to bottom without gaps (each of them
// brings its own padding), the last one getting what is left.
type cardTextLayout struct{}

// Layout implements fyne.Layout.
func (cardTextLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for i, o := range objs {
		h := o.MinSize().Height
		if c, ok := o.(*clampedText); ok && c.fit {
			h = c.heightAt(size.Width)
		}
		if i == len(objs)-1 {
			h = max(h, size.Height-y)
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

// MinSize implements fyne.Layout.
func (cardTextLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := fyne.NewSize(0, 0)
	for _, o := range objs {
		s := o.MinSize()
		m = fyne.NewSize(max(m.Width, s.Width), m.Height+s.Height)
	}
	return m
}

// productCardLayout puts the picture on top, in the rendered picture's
// proportions, and the text below it.
type productCardLayout struct{}

func (productCardLayout) picHeight(w float32) float32 {
	return w * productPicture.Height / productPicture.Width
}

// Layout implements fyne.Layout.
func (l productCardLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := l.picHeight(size.Width)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, h))
	objs[1].Move(fyne.NewPos(0, h))
	objs[1].Resize(fyne.NewSize(size.Width, size.Height-h))
}

// MinSize implements fyne.Layout.
func (l productCardLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	t := objs[1].MinSize()
	w := max(t.Width, 200)
	return fyne.NewSize(w, l.picHeight(w)+t.Height)
}

// productGrid lays out product cards in as many columns as fit at
// minWidth (at most 3, and 4 on the showroom's big cards), widened to
// fill the row, as high as the highest card needs at that width. Its
// gaps are the cards' theme's (the showroom's is larger).
type productGrid struct {
	minWidth float32
	big      bool
	cell     fyne.Size
	cols     int
}

func (g *productGrid) gap(objs []fyne.CanvasObject) float32 {
	if len(objs) == 0 {
		return theme.Padding() * 3
	}
	return theme.CurrentForWidget(objs[0]).Size(theme.SizeNamePadding) * 3
}

func (g *productGrid) columns(width, gap float32) int {
	most := 3
	if g.big {
		most = 4 // the showroom: every product on one screen
	}
	return min(most, max(1, int((width+gap)/(g.minWidth+gap))))
}

// Layout implements fyne.Layout.
func (g *productGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	gap := g.gap(objs)
	g.cols = g.columns(size.Width, gap)
	w := (size.Width - float32(g.cols-1)*gap) / float32(g.cols)
	g.cell = fyne.NewSize(w, cardHeight(objs, w))
	for i, o := range objs {
		row, col := i/g.cols, i%g.cols
		o.Move(fyne.NewPos(float32(col)*(w+gap), float32(row)*(g.cell.Height+gap)))
		o.Resize(g.cell)
	}
}

// cardHeight is the height of the highest product card at a width: the
// picture grows with the width, the text wraps.
func cardHeight(cards []fyne.CanvasObject, w float32) float32 {
	h := float32(0)
	for _, o := range cards {
		if c, ok := o.(*productCard); ok {
			h = max(h, c.heightAt(w))
		} else {
			h = max(h, o.MinSize().Height)
		}
	}
	return h
}

// MinSize implements fyne.Layout.
func (g *productGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.NewSize(0, 0)
	}
	cols := max(g.cols, 1)
	rows := (len(objs) + cols - 1) / cols
	gap := g.gap(objs)
	h := g.cell.Height
	if h == 0 {
		h = objs[0].MinSize().Height
	}
	return fyne.NewSize(g.minWidth, float32(rows)*h+float32(rows-1)*gap)
}

// flowLayout places objects left to right at their natural size, on as
// many rows as the width needs (at most rows, if not 0; what does not fit
// then is hidden).
type flowLayout struct {
	rows  int
	width float32 // as last laid out
}

func (f *flowLayout) place(objs []fyne.CanvasObject, width float32, move bool) float32 {
	x, y, rowH, row := float32(0), float32(0), float32(0), 1
	fits := func(row int) bool { return f.rows == 0 || row <= f.rows }
	for _, o := range objs {
		m := o.MinSize()
		if x > 0 && x+m.Width > width {
			row++
			x, y, rowH = 0, y+rowH, 0
		}
		if move {
			if fits(row) {
				o.Show()
			} else {
				o.Hide()
			}
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(min(m.Width, width), m.Height))
		}
		if fits(row) {
			rowH = max(rowH, m.Height)
		}
		x += m.Width
	}
	return y + rowH
}

// Layout implements fyne.Layout.
func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	f.place(objs, size.Width, true)
}

// MinSize implements fyne.Layout: room for the rows at the last width
// (with a limit of rows: for all of them).
func (f *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if f.rows == 0 && f.width > 0 {
		return fyne.NewSize(0, f.place(objs, f.width, false))
	}
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h*float32(max(f.rows, 1)))
}

// categoryAndPrice is a card's line "Desks · from €689.00", or only the
// price for a product listed under no category.
func categoryAndPrice(category, price string) string {
	if category == "" {
		return price
	}
	return category + " · " + price
}
