package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// screen names one of the window's screens. One is shown at a time, in
// the space right of the navigation rail.
type screen int

const (
	screenProducts screen = iota
	screenDesign
	screenLibrary
	screenOrder
	screenCustomers
	screenCatalogs
	screenSent
	screenSettings
	screenCount
)

// screenOf is a screen's content and how to make it (once, when first
// shown) and what to do each time it is shown.
type screenOf struct {
	content fyne.CanvasObject
	make    func() fyne.CanvasObject
	shown   func()
	added   bool // content is on the window's stack
}

// show puts a screen on the window: the others are hidden, the rail
// marks it. Making a screen (the first time) and refreshing it happen
// here, so every way to a screen (rail, menu, shortcut, button) behaves
// the same.
func (d *Designer) show(s screen) {
	if d.showroom != nil {
		return // the dealer's screens wait behind the showroom
	}
	sc := &d.screens[s]
	if sc.content == nil {
		if sc.make == nil {
			return
		}
		sc.content = sc.make()
	}
	if !sc.added {
		d.stack.Add(sc.content)
		sc.added = true
	}
	for i := range d.screens {
		if c := d.screens[i].content; c != nil && screen(i) != s {
			c.Hide()
		}
	}
	prev := d.current
	d.current = s
	sc.content.Show()
	if d.rail != nil {
		d.rail.selectScreen(s)
	}
	if prev == screenLibrary && s != screenLibrary && d.library != nil {
		d.library.hideNotice()
	}
	if sc.shown != nil {
		sc.shown()
	}
	if s == screenDesign && d.win != nil {
		d.win.Canvas().Unfocus()
	}
}

// ShowScreen shows a screen by name (products, design, library, order,
// customers, sent, catalogs, settings); false if there is none of that name.
func (d *Designer) ShowScreen(name string) bool {
	s, ok := map[string]screen{"products": screenProducts, "design": screenDesign, "library": screenLibrary, "order": screenOrder,
		"customers": screenCustomers, "sent": screenSent, "catalogs": screenCatalogs, "settings": screenSettings}[name]
	if ok {
		d.navigate(s)
	}
	return ok
}

// ShowProducts shows the product chooser.
func (d *Designer) ShowProducts() { d.show(screenProducts) }

// Showing reports which screen is on the window.
func (d *Designer) Showing() screen { return d.current }

// navRail is the column on the left of the window: one item per screen,
// an icon with its name below, the current one marked.
type navRail struct {
	items   map[screen]*navItem
	bg      *themedFill
	content fyne.CanvasObject
}

func newNavRail(d *Designer) *navRail {
	r := &navRail{items: map[screen]*navItem{}}
	add := func(s screen, icon fyne.Resource, label string) *navItem {
		it := newNavItem(icon, label, func() { d.navigate(s) })
		r.items[s] = it
		return it
	}
	top := container.NewVBox(
		add(screenProducts, theme.GridIcon(), T("Products")),
		add(screenDesign, theme.DocumentCreateIcon(), T("Design")),
		add(screenLibrary, theme.FolderOpenIcon(), T("Library")),
		add(screenOrder, theme.ListIcon(), T("Order")),
		add(screenSent, theme.MailSendIcon(), T("Sent")),
		add(screenCustomers, theme.AccountIcon(), T("Customers")),
		add(screenCatalogs, theme.StorageIcon(), T("Catalogs")),
	)
	bottom := container.NewVBox(add(screenSettings, theme.SettingsIcon(), T("Settings")))
	r.bg = newThemedFill(theme.ColorNameHeaderBackground)
	r.content = container.NewStack(r.bg, container.NewPadded(container.NewBorder(top, bottom, nil, nil)))
	return r
}

// themedFill is a rectangle of one of the theme's colours that follows
// the theme: switching to the light theme repaints it (a plain
// canvas.Rectangle keeps the colour it was made with).
type themedFill struct {
	widget.BaseWidget
	name fyne.ThemeColorName
}

func newThemedFill(name fyne.ThemeColorName) *themedFill {
	f := &themedFill{name: name}
	f.ExtendBaseWidget(f)
	return f
}

// color is the fill's colour in the theme of its scope.
func (f *themedFill) color() color.Color {
	return theme.CurrentForWidget(f).Color(f.name, fyne.CurrentApp().Settings().ThemeVariant())
}

// CreateRenderer implements fyne.Widget.
func (f *themedFill) CreateRenderer() fyne.WidgetRenderer {
	rect := canvas.NewRectangle(f.color())
	return &themedFillRenderer{f: f, rect: rect}
}

type themedFillRenderer struct {
	f    *themedFill
	rect *canvas.Rectangle
}

func (r *themedFillRenderer) Layout(size fyne.Size)        { r.rect.Resize(size) }
func (r *themedFillRenderer) MinSize() fyne.Size           { return fyne.NewSize(0, 0) }
func (r *themedFillRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.rect} }
func (r *themedFillRenderer) Destroy()                     {}
func (r *themedFillRenderer) Refresh() {
	r.rect.FillColor = r.f.color()
	r.rect.Refresh()
}

func (r *navRail) selectScreen(s screen) {
	for id, it := range r.items {
		it.setSelected(id == s)
	}
}

// setBadge shows a small count on an item ("" for none).
func (r *navRail) setBadge(s screen, text string) {
	if it := r.items[s]; it != nil && it.badge != text {
		it.badge = text
		it.Refresh()
	}
}

// navigate is a tap on the rail: the library needs the database, the
// others are always there.
func (d *Designer) navigate(s screen) {
	switch s {
	case screenLibrary:
		d.ShowLibrary()
	case screenOrder:
		d.ShowOrder()
	case screenCustomers:
		d.ShowCustomers()
	case screenSent:
		d.ShowSent()
	case screenSettings:
		d.ShowSettings()
	case screenCatalogs:
		d.ShowCatalogs()
	default:
		d.show(s)
	}
}

// navItem is one entry of the rail.
type navItem struct {
	widget.BaseWidget
	icon     fyne.Resource
	label    string
	badge    string
	selected bool
	hovered  bool
	onTap    func()
}

func newNavItem(icon fyne.Resource, label string, onTap func()) *navItem {
	it := &navItem{icon: icon, label: label, onTap: onTap}
	it.ExtendBaseWidget(it)
	return it
}

func (it *navItem) setSelected(on bool) {
	if it.selected != on {
		it.selected = on
		it.Refresh()
	}
}

// Tapped implements fyne.Tappable.
func (it *navItem) Tapped(*fyne.PointEvent) {
	if it.onTap != nil {
		it.onTap()
	}
}

// MouseIn implements desktop.Hoverable.
func (it *navItem) MouseIn(*desktop.MouseEvent) { it.hovered = true; it.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (it *navItem) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (it *navItem) MouseOut() { it.hovered = false; it.Refresh() }

// Cursor shows a hand over the item.
func (it *navItem) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer implements fyne.Widget.
func (it *navItem) CreateRenderer() fyne.WidgetRenderer {
	r := &navItemRenderer{it: it,
		bg:        canvas.NewRectangle(color.Transparent),
		icon:      canvas.NewImageFromResource(it.icon),
		label:     canvas.NewText(it.label, theme.Color(theme.ColorNameForeground)),
		badgeBg:   canvas.NewCircle(theme.Color(theme.ColorNamePrimary)),
		badgeText: canvas.NewText("", theme.Color(theme.ColorNameForegroundOnPrimary)),
	}
	r.bg.CornerRadius = theme.Size(theme.SizeNameSelectionRadius) * 2
	r.label.Alignment = fyne.TextAlignCenter
	r.badgeText.Alignment = fyne.TextAlignCenter
	r.badgeText.TextStyle.Bold = true
	r.Refresh()
	return r
}

type navItemRenderer struct {
	it               *navItem
	bg               *canvas.Rectangle
	icon             *canvas.Image
	label, badgeText *canvas.Text
	badgeBg          *canvas.Circle
}

// navIconSize is the rail's icon size.
const navIconSize = 24

func (r *navItemRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	r.bg.Resize(size)
	ls := r.label.MinSize()
	top := (size.Height - navIconSize - ls.Height - pad) / 2
	r.icon.Resize(fyne.NewSquareSize(navIconSize))
	r.icon.Move(fyne.NewPos((size.Width-navIconSize)/2, top))
	r.label.Resize(fyne.NewSize(size.Width, ls.Height))
	r.label.Move(fyne.NewPos(0, top+navIconSize+pad))
	bs := r.badgeText.MinSize()
	d := max(bs.Height, bs.Width+6)
	r.badgeBg.Resize(fyne.NewSquareSize(d))
	r.badgeBg.Move(fyne.NewPos(size.Width/2+navIconSize/2-d/2, top-d/3))
	r.badgeText.Resize(fyne.NewSquareSize(d))
	r.badgeText.Move(r.badgeBg.Position())
}

func (r *navItemRenderer) MinSize() fyne.Size {
	ls := r.label.MinSize()
	pad := theme.Padding()
	return fyne.NewSize(max(ls.Width+pad*2, 72), navIconSize+ls.Height+pad*5)
}

func (r *navItemRenderer) Refresh() {
	it := r.it
	r.label.Text = it.label
	r.label.TextSize = theme.CaptionTextSize()
	fg := theme.Color(theme.ColorNameForeground)
	r.label.Color = fg
	r.label.TextStyle.Bold = it.selected
	icon := it.icon
	switch {
	case it.selected:
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
		icon = theme.NewPrimaryThemedResource(it.icon)
	case it.hovered:
		r.bg.FillColor = theme.Color(theme.ColorNameHover)
	default:
		r.bg.FillColor = color.Transparent
	}
	r.icon.Resource = icon
	r.badgeText.Text = it.badge
	r.badgeText.TextSize = theme.CaptionTextSize() * 0.9
	r.badgeText.Color = theme.Color(theme.ColorNameForegroundOnPrimary)
	r.badgeBg.FillColor = theme.Color(theme.ColorNamePrimary)
	r.badgeBg.Hidden = it.badge == ""
	r.badgeText.Hidden = it.badge == ""
	r.bg.Refresh()
	r.icon.Refresh()
	r.label.Refresh()
	r.badgeBg.Refresh()
	r.badgeText.Refresh()
	r.Layout(it.Size())
}

func (r *navItemRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.icon, r.label, r.badgeBg, r.badgeText}
}

func (r *navItemRenderer) Destroy() {}

// sectionHeading is the small capitals title of a section of a screen.
func sectionHeading(title string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(strings.ToUpper(title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameCaptionText
	return container.New(layout.NewCustomPaddedLayout(theme.Padding(), -theme.Padding(), 0, 0), l)
}
