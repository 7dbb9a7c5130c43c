package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/render"
)

// uiQueue stands in for the UI goroutine: background work posts functions
// to it, and the test runs them on its own goroutine while it waits.
type uiQueue chan func()

func (q uiQueue) do(f func()) { q <- f }

// drain runs what is queued, without waiting.
func (q uiQueue) drain() {
	for {
		select {
		case f := <-q:
			f()
		default:
			return
		}
	}
}

// newDesigner builds a designer on the demo catalog in a test window; its
// background work reaches the UI through the returned queue.
func newDesigner(t *testing.T) (*Designer, fyne.Window) {
	d, w, _ := newDesignerQueue(t)
	return d, w
}

func newDesignerQueue(t *testing.T) (*Designer, fyne.Window, uiQueue) {
	t.Helper()
	test.NewTempApp(t)
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return designerOn(t, cat, fyne.NewSize(1280, 800))
}

// designerOn builds a dealer's designer on a catalog in a test window of a
// size (the test app made already); its background work reaches the UI
// through the returned queue.
func designerOn(tb testing.TB, cat *catalog.Catalog, size fyne.Size) (*Designer, fyne.Window, uiQueue) {
	tb.Helper()
	q := make(uiQueue, 1024)
	d := buildDesigner(cat, "en", q.do, false)
	w := test.NewTempWindow(tb, d.Content())
	w.Resize(size)
	d.SetWindow(w)
	return d, w, q
}

func TestDesignerOpensOnFirstProduct(t *testing.T) {
	d, _ := newDesigner(t)
	if d.Product() == nil || d.Product().ID != "lift-desk" {
		t.Fatalf("product = %v, want lift-desk", d.Product())
	}
	if got := d.title.Text; got != "Höhe Lift Desk" {
		t.Errorf("title = %q", got)
	}
	if !strings.HasPrefix(d.total.Text, "€") {
		t.Errorf("total = %q, want a euro amount", d.total.Text)
	}
}

func TestChoosingProductAndOptionsUpdatesPrice(t *testing.T) {
	d, _ := newDesigner(t)
	before := d.total.Text
	d.Decide("top", catalog.Value{Kind: catalog.Choice, Str: "walnut"})
	if d.total.Text == before {
		t.Errorf("price did not change after choosing walnut: %s", before)
	}
	if got := breakdown(d); !strings.Contains(got, "Desktop: Solid walnut, oiled = €420.00") {
		t.Errorf("breakdown lacks the walnut line:\n%s", got)
	}

	d.show(screenProducts)
	test.Tap(d.chooser.card("klar-window"))
	if d.Showing() != screenDesign {
		t.Errorf("after choosing a product the screen is %d, not the designer", d.Showing())
	}
	if d.Product().ID != "klar-window" {
		t.Fatalf("product = %s, want klar-window", d.Product().ID)
	}
	if d.title.Text != "Klar Window" {
		t.Errorf("title = %q", d.title.Text)
	}
}

// The controls drive decisions; defaults that follow other decisions move
// the controls without becoming decisions themselves.
func TestControlsAndConditionalDefaults(t *testing.T) {
	d, _ := newDesigner(t)
	width := findSlider(t, d.options)
	width.SetValue(2000) // the first slider is the desk's width
	if got := d.Config().Values["width"].Num; !got.Equal(decimal.NewFromInt(2000)) {
		t.Fatalf("width = %s, want 2000", got)
	}
	if d.Config().Values["motor"].Str != "dual" {
		t.Errorf("motor = %q, want the conditional default dual", d.Config().Values["motor"].Str)
	}
	if d.Config().Decided["motor"] {
		t.Errorf("the conditional default became a decision")
	}
	if v := d.Config().Violations(); len(v) != 0 {
		t.Errorf("violations at width 2000 with defaults: %v", v[0].ID)
	}
}

func TestStatusNamesBrokenRule(t *testing.T) {
	d, _ := newDesigner(t)
	d.Decide("top", catalog.Value{Kind: catalog.Choice, Str: "glass"})
	d.Decide("width", catalog.Value{Kind: catalog.Number, Num: decimal.NewFromInt(2000)})
	if !strings.Contains(d.status.Text, "Glass tops are made up to 1600 mm wide.") {
		t.Errorf("status = %q, want the rule's message", d.status.Text)
	}
}

func TestPreviewRendersOffTheUIGoroutine(t *testing.T) {
	d, _, q := newDesignerQueue(t)
	rendered := 0
	d.Preview().OnRendered = func() { rendered++ }
	d.Decide("frame", catalog.Value{Kind: catalog.Choice, Str: "black"})
	eventually(t, q, "a rendered image", func() bool { return rendered > 0 })
	img := d.Preview().img.Image
	if img == nil || img.Bounds().Dx() < 100 {
		t.Fatalf("preview image = %v", img)
	}
}

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct {
		in, cur, want string
	}{
		{"0", "EUR", "€0.00"},
		{"1234.5", "EUR", "€1,234.50"},
		{"1234567.891", "USD", "$1,234,567.89"},
		{"-120", "EUR", "–€120.00"},
		{"0.005", "CHF", "CHF\u00a00.01"},
		{"999", "SEK", "SEK\u00a0999.00"},
	} {
		if got := FormatMoney(decimal.RequireFromString(tc.in), tc.cur); got != tc.want {
			t.Errorf("FormatMoney(%s, %s) = %q, want %q", tc.in, tc.cur, got, tc.want)
		}
	}
}

func findSlider(t *testing.T, o fyne.CanvasObject) *widget.Slider {
	t.Helper()
	var found *widget.Slider
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil {
			return
		}
		switch v := o.(type) {
		case *widget.Slider:
			found = v
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatal("no slider in the option panel")
	}
	return found
}

// breakdown reads the price lines as "label = amount", one per line.
func breakdown(d *Designer) string {
	var b strings.Builder
	for _, row := range d.lines.Objects {
		c, ok := row.(*fyne.Container)
		if !ok {
			continue
		}
		var name, amount string
		for _, o := range c.Objects {
			if l, ok := o.(*widget.Label); ok {
				if l.Alignment == fyne.TextAlignTrailing {
					amount = l.Text
				} else {
					name = l.Text
				}
			}
		}
		fmt.Fprintf(&b, "%s = %s\n", name, amount)
	}
	return b.String()
}

// The preview's controls: standard views, dimensions, perspective; a drag
// orbits with a lighter (half-resolution) picture on large previews, and the
// full picture comes back when the drag ends; Shift+drag pans.
func TestPreviewControlsAndDrag(t *testing.T) {
	d, w, q := newDesignerQueue(t)
	p := d.Preview()
	w.Resize(fyne.NewSize(1920, 1200))
	rendered := 0
	p.OnRendered = func() { rendered++ }
	p.SetView(render.ViewFront)
	p.SetDimensions(true)
	p.SetPerspective(true)
	eventually(t, q, "a rendered image", func() bool { return rendered > 0 })
	v := p.View()
	if v.Azimuth != 0 || v.Elevation != 0 || !v.Dimensions || !v.Perspective || v.Unit != "mm" {
		t.Fatalf("view = %+v", v)
	}
	full := v.Width * v.Height
	if full <= lightPixels {
		t.Fatalf("preview of %dx%d is too small for this test", v.Width, v.Height)
	}
	eventually(t, q, "the full picture", func() bool { b := p.img.Image.Bounds(); return b.Dx() == v.Width })
	p.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 40, DY: 10}})
	eventually(t, q, "a half-resolution picture while dragging", func() bool { b := p.img.Image.Bounds(); return b.Dx() == (v.Width+1)/2 })
	if got := p.View(); got.Azimuth != -20 || got.Elevation != 4 {
		t.Errorf("after dragging: azimuth %g, elevation %g; want -20, 4", got.Azimuth, got.Elevation)
	}
	p.DragEnd()
	eventually(t, q, "the full picture after the drag", func() bool { b := p.img.Image.Bounds(); return b.Dx() == v.Width })
	p.MouseDown(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary, Modifier: fyne.KeyModifierShift})
	p.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 100, DY: 0}})
	p.DragEnd()
	if got := p.View(); got.PanX <= 0 || got.Azimuth != -20 {
		t.Errorf("shift-drag: pan %g, azimuth %g; want a pan to the right and the same azimuth", got.PanX, got.Azimuth)
	}
	p.DoubleTapped(nil)
	if got := p.View(); got.Azimuth != render.ViewIso.Azimuth || got.PanX != 0 || !got.Dimensions {
		t.Errorf("after reset: %+v (the dimensions switch should stay)", got)
	}
}
