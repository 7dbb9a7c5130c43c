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

// productCard is one product on the chooser.
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
}

func newProductCard(d *Designer, p *catalog.Product, big bool, choose func(product, preset string)) *productCard {
	c := &productCard{d: d, product: p, big: big, choose: choose}
	c.pic = canvas.NewImageFromImage(image.NewNRGBA(image.Rect(0, 0, 1, 1)))
	c.pic.FillMode = canvas.ImageFillContain
	c.pic.ScaleMode = canvas.ImageScaleSmooth
	c.pic.CornerRadius = theme.Size(theme.SizeNameInputRadius)
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

func (c *productCard) paint() {
	if c.bg == nil {
		return
	}
	c.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	c.bg.StrokeColor = color.Transparent
	if c.hovered {
		c.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	c.bg.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (c *productCard) CreateRenderer() fyne.WidgetRenderer {
	d, p := c.d, c.product
	c.bg = canvas.NewRectangle(color.Transparent)
	c.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius) * 2
	c.bg.StrokeWidth = 2
	c.paint()
	name := widget.NewLabelWithStyle(d.text(p.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if c.big {
		name.SizeName = theme.SizeNameSubHeadingText
	}
	name.Truncation = fyne.TextTruncateEllipsis
	from := widget.NewLabelWithStyle(categoryAndPrice(capitalize(d.text(p.Category)), Tf("from %s", d.money(p.BasePrice))), fyne.TextAlignLeading, fyne.TextStyle{})
	from.Truncation = fyne.TextTruncateEllipsis
	desc := newClampedText(d.text(p.Description), 2)
	text := []fyne.CanvasObject{name, container.New(layout.NewCustomPaddedLayout(-theme.InnerPadding()*1.2, -theme.InnerPadding()/2, 0, 0), from), desc}
	if len(c.presets) > 0 {
		start := widget.NewLabelWithStyle(T("Start from"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		row := container.New(&flowLayout{rows: 2}, start)
		for _, b := range c.presets {
			row.Add(b)
		}
		text = append(text, row)
	}
	body := container.New(&productCardLayout{}, c.pic, container.NewVBox(text...))
	return widget.NewSimpleRenderer(container.NewStack(c.bg, container.NewPadded(body)))
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
// minWidth (at most 3, and 2 on the showroom's big cards), widened to
// fill the row.
type productGrid struct {
	minWidth float32
	big      bool
	cell     fyne.Size
	cols     int
}

func (g *productGrid) columns(width float32) int {
	gap := theme.Padding() * 3
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
	gap := theme.Padding() * 3
	g.cols = g.columns(size.Width)
	w := (size.Width - float32(g.cols-1)*gap) / float32(g.cols)
	g.cell = fyne.NewSize(w, cardHeight(objs[0], w))
	for i, o := range objs {
		row, col := i/g.cols, i%g.cols
		o.Move(fyne.NewPos(float32(col)*(w+gap), float32(row)*(g.cell.Height+gap)))
		o.Resize(g.cell)
	}
}

// cardHeight is the height of a product card at a width: the picture
// grows with the width, the text keeps its height.
func cardHeight(card fyne.CanvasObject, w float32) float32 {
	pad := theme.Padding() * 2
	m := card.MinSize()
	text := m.Height - pad - productCardLayout{}.picHeight(m.Width-pad)
	return productCardLayout{}.picHeight(w-pad) + text + pad
}

// MinSize implements fyne.Layout.
func (g *productGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.NewSize(0, 0)
	}
	cols := max(g.cols, 1)
	rows := (len(objs) + cols - 1) / cols
	gap := theme.Padding() * 3
	h := g.cell.Height
	if h == 0 {
		h = objs[0].MinSize().Height
	}
	return fyne.NewSize(g.minWidth, float32(rows)*h+float32(rows-1)*gap)
}

// flowLayout places objects left to right at their natural size, on as
// many rows as the width needs (at most rows; what does not fit is
// hidden).
type flowLayout struct{ rows int }

func (f *flowLayout) place(objs []fyne.CanvasObject, width float32, move bool) float32 {
	x, y, rowH, row := float32(0), float32(0), float32(0), 1
	for _, o := range objs {
		m := o.MinSize()
		if x > 0 && x+m.Width > width {
			row++
			x, y, rowH = 0, y+rowH, 0
		}
		if move {
			if row > f.rows {
				o.Hide()
			} else {
				o.Show()
			}
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(min(m.Width, width), m.Height))
		}
		if row <= f.rows {
			rowH = max(rowH, m.Height)
		}
		x += m.Width
	}
	return y + rowH
}

// Layout implements fyne.Layout.
func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.place(objs, size.Width, true)
}

// MinSize implements fyne.Layout: room for the rows.
func (f *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h*float32(f.rows))
}

// categoryAndPrice is a card's line "Desks · from €689.00", or only the
// price for a product listed under no category.
func categoryAndPrice(category, price string) string {
	if category == "" {
		return price
	}
	return category + " · " + price
}
