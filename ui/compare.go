package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
)

// compareSide is one design revision, configured for the comparison.
type compareSide struct {
	design  storage.Design
	rev     storage.Revision
	version string // its catalog version
	product *catalog.Product
	values  map[string]catalog.Value // every feature's value (nil if it cannot be configured)
	lang    string
	def     string
	pic     image.Image
	err     error
}

// words is a feature's value in words on this side ("—" when it has none).
func (s *compareSide) words(f *catalog.Feature) string {
	if s.values == nil {
		return "—"
	}
	v, ok := s.values[f.ID]
	if !ok {
		return "—"
	}
	if f.Kind == catalog.Textual && v.Str == "" {
		return "none"
	}
	return f.Words(v, s.lang, s.def)
}

// comparison is two sides and their differences.
type comparison struct {
	a, b *compareSide
	rows [][3]string // feature, a, b: the features that differ
	same int         // how many are the same
}

// Compare shows two design revisions side by side (revision 0: a
// design's newest): their pictures, what differs between them, and their
// prices.
func (d *Designer) Compare(designA int64, revA int, designB int64, revB int) {
	if d.store == nil {
		return
	}
	store, lang, fallback := d.store, d.lang, d.cat.DefaultLanguage()
	go func() {
		ctx := context.Background()
		cats := map[int64]*catalog.Catalog{}
		a := readSide(ctx, store, designA, revA, cats, lang, fallback)
		b := readSide(ctx, store, designB, revB, cats, lang, fallback)
		c := compare(a, b)
		d.do(func() {
			for _, s := range []*compareSide{a, b} {
				if s.err != nil {
					d.showError(fmt.Errorf(T("the designs cannot be compared: %w"), s.err))
					return
				}
			}
			d.showComparison(c)
			if d.OnCompared != nil {
				d.OnCompared(c)
			}
		})
	}()
}

// readSide reads and configures one side (off the UI goroutine).
func readSide(ctx context.Context, store Store, design int64, number int, cats map[int64]*catalog.Catalog, lang, fallback string) *compareSide {
	s := &compareSide{lang: lang, def: fallback}
	if s.design, s.err = store.Design(ctx, design); s.err != nil {
		return s
	}
	if s.rev, s.err = store.Revision(ctx, design, number); s.err != nil {
		return s
	}
	if len(s.rev.Thumbnail) > 0 {
		s.pic, _ = png.Decode(bytes.NewReader(s.rev.Thumbnail))
	}
	cat := cats[s.rev.Catalog]
	if cat == nil {
		if cat, s.err = store.LoadCatalog(ctx, s.rev.Catalog); s.err != nil {
			return s
		}
		cats[s.rev.Catalog] = cat
	}
	if rec, err := store.CatalogRecord(ctx, s.rev.Catalog); err == nil {
		s.version = rec.Version
	}
	s.def = cat.DefaultLanguage()
	product := s.rev.ProductID
	if product == "" {
		product = s.design.ProductID
	}
	if s.product = cat.Product(product); s.product == nil {
		s.err = fmt.Errorf(T("“%s” is a design of %s, which its catalog no longer has"), s.design.Name, s.design.ProductName)
		return s
	}
	dec, _ := parseDecisions(s.product, s.rev.Decisions, lang, s.def)
	m, err := rules.Compile(s.product)
	if err != nil {
		s.err = err
		return s
	}
	s.values, _ = m.NewSession().Complete(rules.Decisions(dec))
	return s
}

// compare lists the features whose values differ (in a's product's
// order; for two products, all of them).
func compare(a, b *compareSide) *comparison {
	c := &comparison{a: a, b: b}
	if a.err != nil || b.err != nil {
		return c
	}
	seen := map[string]bool{}
	add := func(f *catalog.Feature, name string) {
		seen[f.ID] = true
		var wa, wb string = "—", "—"
		if fa := a.product.Feature(f.ID); fa != nil {
			wa = a.words(fa)
		}
		if fb := b.product.Feature(f.ID); fb != nil {
			wb = b.words(fb)
		}
		if wa == wb {
			c.same++
			return
		}
		c.rows = append(c.rows, [3]string{name, wa, wb})
	}
	for _, f := range a.product.Features {
		add(f, f.Name.In(a.lang, a.def))
	}
	for _, f := range b.product.Features {
		if !seen[f.ID] {
			add(f, f.Name.In(b.lang, b.def))
		}
	}
	return c
}

// showComparison shows a comparison in a large dialog.
func (d *Designer) showComparison(c *comparison) {
	if d.win == nil {
		return
	}
	col := func(s *compareSide) fyne.CanvasObject {
		var pic fyne.CanvasObject
		if s.pic != nil {
			img := canvas.NewImageFromImage(s.pic)
			img.FillMode = canvas.ImageFillContain
			img.CornerRadius = theme.Size(theme.SizeNameInputRadius)
			img.SetMinSize(fyne.NewSize(render.ThumbWidth, render.ThumbHeight))
			pic = img
		} else {
			pic = container.NewGridWrap(fyne.NewSize(render.ThumbWidth, render.ThumbHeight), widget.NewIcon(theme.MediaPhotoIcon()))
		}
		name := widget.NewLabelWithStyle(s.design.Name, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		name.Truncation = fyne.TextTruncateEllipsis
		facts := fmt.Sprintf(T("%s · revision %d · %s"), s.product.Name.In(s.lang, s.def), s.rev.Number, when(s.rev.SavedAt, time.Now()))
		if s.version != "" {
			facts += " · " + Tf("catalog %s", s.version)
		}
		info := widget.NewLabelWithStyle(facts, fyne.TextAlignCenter, fyne.TextStyle{})
		info.Truncation = fyne.TextTruncateEllipsis
		price := widget.NewLabelWithStyle(moneyText(s.rev.Total, s.rev.Currency)+listFor(s.rev.Quantity), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		return container.NewVBox(container.NewCenter(pic), name, info, price)
	}
	top := container.NewGridWithColumns(2, col(c.a), col(c.b))
	grid := container.NewGridWithColumns(3)
	head := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	grid.Add(head(T("Differs in")))
	grid.Add(head(c.a.design.Name))
	grid.Add(head(c.b.design.Name))
	for _, r := range c.rows {
		for i, s := range r {
			l := widget.NewLabel(s)
			l.Wrapping = fyne.TextWrapWord
			if i == 0 {
				l.TextStyle.Bold = true
			}
			grid.Add(l)
		}
	}
	summary := ""
	switch {
	case c.a.product != c.b.product && c.a.product.ID != c.b.product.ID:
		summary = fmt.Sprintf(T("Two different products: %s and %s."), c.a.product.Name.In(c.a.lang, c.a.def), c.b.product.Name.In(c.b.lang, c.b.def))
	case len(c.rows) == 0:
		summary = T("The two have the same configuration.")
	default:
		summary = fmt.Sprintf(T("%s differ, %d are the same."), plural(len(c.rows), "choice", "choices"), c.same)
	}
	if diff := priceDifference(c.a.rev, c.b.rev, c.a.lang); diff != "" {
		summary += " " + diff
	}
	note := widget.NewLabel(summary)
	note.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(container.NewVBox(top, widget.NewSeparator(), note), nil, nil, nil, container.NewVScroll(grid))
	dlg := dialog.NewCustom(T("Compare"), T("Close"), body, d.win)
	sz := d.win.Canvas().Size()
	dlg.Resize(fyne.NewSize(min(1000, sz.Width-60), min(680, sz.Height-40)))
	dlg.Show()
}

// listFor says how many pieces a list price is for.
func listFor(qty int) string {
	if qty > 1 {
		return fmt.Sprintf(T(" for %d pieces"), qty)
	}
	return ""
}

// priceDifference says how much more the second costs ("" if the prices
// cannot be compared).
func priceDifference(a, b storage.Revision, language string) string {
	pa, err1 := decimal.NewFromString(a.Total)
	pb, err2 := decimal.NewFromString(b.Total)
	if err1 != nil || err2 != nil || a.Currency != b.Currency {
		return ""
	}
	diff := pb.Sub(pa)
	switch {
	case diff.IsZero():
		return T("Their list prices are the same.")
	case diff.IsPositive():
		return Tf("The second costs %s more.", catalog.FormatMoney(diff, a.Currency, language))
	}
	return Tf("The second costs %s less.", catalog.FormatMoney(diff.Neg(), a.Currency, language))
}

// askCompare offers the other designs to compare one with.
func (l *Library) askCompare(x storage.Design) {
	d := l.d
	if d.win == nil {
		return
	}
	store := l.store
	go func() {
		list, err := store.Designs(context.Background(), storage.Filter{Limit: 200})
		d.do(func() {
			if err != nil {
				d.showError(err)
				return
			}
			var others []storage.DesignSummary
			for _, s := range list {
				if s.ID != x.ID {
					others = append(others, s)
				}
			}
			if len(others) == 0 {
				d.tell(T("Nothing to compare with"), T("There is no other design in the library yet."))
				return
			}
			var names []string
			for _, s := range others {
				names = append(names, s.Name+" · "+s.ProductName)
			}
			pick := widget.NewSelect(names, nil)
			pick.PlaceHolder = T("Choose a design")
			// The same product first: the comparison most often wanted.
			for i, s := range others {
				if s.ProductID == x.ProductID {
					pick.SetSelectedIndex(i)
					break
				}
			}
			dlg := dialog.NewForm(Tf("Compare “%s” with…", x.Name), T("Compare"), T("Cancel"), []*widget.FormItem{widget.NewFormItem(TX("noun.design"), pick)}, func(ok bool) {
				if i := pick.SelectedIndex(); ok && i >= 0 {
					d.Compare(x.ID, 0, others[i].ID, 0)
				}
			}, d.win)
			dlg.Resize(fyne.NewSize(520, 0))
			dlg.Show()
		})
	}()
}
