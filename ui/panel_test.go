package ui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
)

// abs is an object's rectangle on the window: position and size.
func abs(o fyne.CanvasObject) (fyne.Position, fyne.Size) {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o), o.Size()
}

// panelDesigner is a designer at a screen size, showing a product.
func panelDesigner(t *testing.T, w, h float32, product string) (*Designer, fyne.Window, uiQueue) {
	t.Helper()
	d, win, q := newDesignerQueue(t)
	win.Resize(fyne.NewSize(w, h))
	d.SelectProduct(product)
	waitEngine(t, d, q)
	return d, win, q
}

// sectionObjects are what a user must be able to see of a section: each
// option (row or swatch), slider, entry and label.
func sectionObjects(d *Designer, s *optionSection) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, f := range s.features {
		c := d.controls[f.ID]
		for _, o := range f.Options {
			if sw := c.swatches[o.ID]; sw != nil {
				out = append(out, sw)
			} else {
				out = append(out, c.rows[o.ID])
			}
		}
	}
	walk(s.box, func(o fyne.CanvasObject) {
		switch o.(type) {
		case *widget.Slider, *widget.Entry, *widget.Button:
			out = append(out, o)
		}
	})
	return out
}

// TestOptionPanelLayout1366And1920: in every section of every product,
// no option is cut off: each one gets at least its minimum size inside the
// column. At 1920×1080 the options get the column's height (the price
// takes only what it needs) and every section is seen whole without
// scrolling; at 1366×768 the steps, the price lines and the waterfall are
// not truncated either.
func TestOptionPanelLayout1366And1920(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1366, Height: 768}, {Width: 1920, Height: 1080}} {
		for _, product := range []string{"lift-desk", "grid-shelf", "kolme-sofa", "klar-window"} {
			t.Run(fmt.Sprintf("%gx%g/%s", size.Width, size.Height, product), func(t *testing.T) {
				d, _, q := panelDesigner(t, size.Width, size.Height, product)
				colPos, colSize := abs(d.panel.column)
				for i, s := range d.panel.sections {
					test.Tap(s.step) // the way a user opens a section
					q.drain()
					if d.panel.current != i || !s.box.Visible() {
						t.Fatalf("tapping step %q shows section %d", s.title, d.panel.current)
					}
					vpPos, vpSize := abs(d.optScroll)
					if size.Width == 1920 {
						if got, want := vpSize.Height, colSize.Height*0.6; got < want {
							t.Errorf("options get %.0f px of the %.0f px column, want at least %.0f", got, colSize.Height, want)
						}
					}
					objs := sectionObjects(d, s)
					for a := range objs {
						for b := a + 1; b < len(objs); b++ {
							if overlap(objs[a], objs[b]) {
								pa, sa := abs(objs[a])
								pb, sb := abs(objs[b])
								t.Errorf("%s: %T at %v %v overlaps %T at %v %v", s.title, objs[a], pa, sa, objs[b], pb, sb)
							}
						}
					}
					for _, o := range objs {
						pos, sz := abs(o)
						ms := o.MinSize()
						if sz.Width+0.5 < ms.Width || sz.Height+0.5 < ms.Height {
							t.Errorf("%s: %T is %v, smaller than its minimum %v", s.title, o, sz, ms)
						}
						if pos.X < colPos.X-0.5 || pos.X+sz.Width > colPos.X+colSize.Width+0.5 {
							t.Errorf("%s: %T spans x %.0f–%.0f, outside the column %.0f–%.0f", s.title, o, pos.X, pos.X+sz.Width, colPos.X, colPos.X+colSize.Width)
						}
						if size.Width == 1920 && (pos.Y < vpPos.Y-0.5 || pos.Y+sz.Height > vpPos.Y+vpSize.Height+0.5) {
							t.Errorf("%s: %T at y %.0f–%.0f is cut off by the options' view (y %.0f–%.0f)", s.title, o, pos.Y, pos.Y+sz.Height, vpPos.Y, vpPos.Y+vpSize.Height)
						}
					}
				}
				// The steps: all on screen, none shrunk.
				for _, s := range d.panel.sections {
					pos, sz := abs(s.step)
					if sz.Width+0.5 < s.step.MinSize().Width || pos.X+sz.Width > colPos.X+colSize.Width+0.5 {
						t.Errorf("step %q is cut off: %v at %v", s.title, sz, pos)
					}
				}
				// The price, breakdown open: every line whole.
				test.Tap(d.panel.priceToggle)
				q.drain()
				if !d.panel.priceLines.Visible() {
					t.Fatal("the price details did not open")
				}
				for _, l := range priceLabels(d) {
					if !fullyShown(l) {
						t.Errorf("price line %q is cut off (%v, needs %v)", l.Text, l.Size(), l.MinSize())
					}
				}
			})
		}
	}
}

// overlap reports whether two objects on the window cover a common area.
func overlap(a, b fyne.CanvasObject) bool {
	pa, sa := abs(a)
	pb, sb := abs(b)
	const e = 0.5
	return pa.X+e < pb.X+sb.Width && pb.X+e < pa.X+sa.Width && pa.Y+e < pb.Y+sb.Height && pb.Y+e < pa.Y+sa.Height
}

// priceLabels are the labels of the price panel: breakdown and waterfall.
func priceLabels(d *Designer) []*widget.Label {
	var out []*widget.Label
	for _, o := range []fyne.CanvasObject{d.lines, d.waterfall.content} {
		walk(o, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != "" {
				out = append(out, l)
			}
		})
	}
	return out
}

// fullyShown reports whether a label shows its whole text: as wide as the
// text on one line (wrapping labels: as tall as their lines).
func fullyShown(l *widget.Label) bool {
	if l.Wrapping != fyne.TextWrapOff {
		return l.Size().Height+0.5 >= l.MinSize().Height
	}
	th := theme.CurrentForWidget(l)
	text := fyne.MeasureText(l.Text, th.Size(theme.SizeNameText), l.TextStyle)
	return l.Size().Width+0.5 >= text.Width+2*th.Size(theme.SizeNameInnerPadding)
}

// TestSectionsAsStepsWithProgress: the sofa's options come in the
// catalog's sections; a section whose choices are all made gets its ✓;
// "Next" goes on to the next section.
func TestSectionsAsStepsWithProgress(t *testing.T) {
	d, _, q := panelDesigner(t, 1366, 768, "kolme-sofa")
	var titles []string
	for _, s := range d.panel.sections {
		titles = append(titles, s.title)
	}
	if got, want := strings.Join(titles, ", "), "Layout, Cover, Shape, Comfort"; got != want {
		t.Fatalf("sections = %s, want %s", got, want)
	}
	cover := d.panel.sections[1]
	if cover.step.Icon != nil {
		t.Fatalf("cover has a ✓ before anything was chosen")
	}
	test.Tap(cover.step)
	sw := d.controls["cover"].swatches["boucle"]
	if sw == nil {
		t.Fatalf("the cover has no swatches: %v", d.controls["cover"].swatches)
	}
	test.Tap(sw)
	waitEngine(t, d, q)
	if got := d.decisions["cover"].Str; got != "boucle" {
		t.Errorf("cover = %q after tapping the bouclé swatch, want boucle", got)
	}
	if cover.step.Icon != theme.ConfirmIcon() {
		t.Errorf("cover step icon = %v after choosing it, want the ✓", cover.step.Icon)
	}
	if d.panel.sections[0].step.Icon != nil {
		t.Errorf("layout has a ✓ though none of its choices was made")
	}
	next := findButton(cover.box, "Next: Shape")
	if next == nil {
		t.Fatal("no Next button at the end of the cover section")
	}
	test.Tap(next)
	if d.panel.current != 2 || !d.panel.sections[2].box.Visible() || cover.box.Visible() {
		t.Errorf("after Next: section %d shown, want 2 (Shape)", d.panel.current)
	}
}

// TestSwatchShowsTheMaterialColour: the cover's options are swatches of
// their materials: on the window, each swatch's middle has the material's
// hue, its name is written under it, and the chosen one is ringed.
func TestSwatchShowsTheMaterialColour(t *testing.T) {
	d, w, q := panelDesigner(t, 1366, 768, "kolme-sofa")
	test.Tap(d.panel.sections[1].step)
	test.Tap(d.controls["cover"].swatches["velvet"])
	waitEngine(t, d, q)
	img := w.Canvas().Capture()
	scale := float32(img.Bounds().Dx()) / w.Canvas().Size().Width
	f := d.product.Feature("cover")
	for _, o := range f.Options {
		sw := d.controls["cover"].swatches[o.ID]
		r := test.WidgetRenderer(sw).(*swatchRenderer)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(r.pic)
		cx, cy := int((pos.X+r.pic.Size().Width/2)*scale), int((pos.Y+r.pic.Size().Height/2)*scale)
		var sr, sg, sb float64
		for dy := -3; dy <= 3; dy++ {
			for dx := -3; dx <= 3; dx++ {
				c := color.NRGBAModel.Convert(img.At(cx+dx, cy+dy)).(color.NRGBA)
				sr, sg, sb = sr+float64(c.R), sg+float64(c.G), sb+float64(c.B)
			}
		}
		m := d.cat.Material(o.Material).Color
		got, want := shares(sr, sg, sb), shares(float64(m.R), float64(m.G), float64(m.B))
		for i := range got {
			if diff := got[i] - want[i]; diff > 0.06 || diff < -0.06 {
				t.Errorf("%s: swatch colour shares %.3f, want the material's %.3f", o.ID, got, want)
				break
			}
		}
		var name []string
		for _, l := range r.names {
			name = append(name, l.Text)
			if lp := fyne.CurrentApp().Driver().AbsolutePositionForObject(l); lp.Y < pos.Y+r.pic.Size().Height {
				t.Errorf("%s: name line %q at y %.0f is not under the picture (ends %.0f)", o.ID, l.Text, lp.Y, pos.Y+r.pic.Size().Height)
			}
		}
		if got, want := strings.Join(name, " "), d.text(o.Name); got != want {
			t.Errorf("%s: name under the swatch = %q, want %q", o.ID, got, want)
		}
		ringed := r.ring.StrokeWidth > 0 && r.ring.StrokeColor == theme.Color(theme.ColorNamePrimary)
		if ringed != (o.ID == "velvet") {
			t.Errorf("%s: ringed = %v, want %v", o.ID, ringed, o.ID == "velvet")
		}
	}
}

func shares(r, g, b float64) [3]float64 {
	s := r + g + b
	return [3]float64{r / s, g / s, b / s}
}

// TestStatusBarKeepsItsHeightOnHover: the pointer on an unavailable
// option shows the reason under the option; the status bar neither grows
// nor squeezes the preview (which would draw it again).
func TestStatusBarKeepsItsHeightOnHover(t *testing.T) {
	d, w, q := panelDesigner(t, 1280, 800, "kolme-sofa")
	d.Decide("legs", catalog.Value{Kind: catalog.Choice, Str: "oak"})
	waitEngine(t, d, q)
	test.Tap(d.panel.sections[1].step)
	velvet := d.controls["cover"].swatches["velvet"]
	if velvet.row.available {
		t.Fatal("velvet is available with oak legs; the test needs an unavailable option")
	}
	bar, preview := d.panel.statusBar.Size().Height, d.preview.Size()
	pos, size := abs(velvet)
	test.MoveMouse(w.Canvas(), pos.Add(fyne.NewPos(size.Width/2, size.Height/3)))
	reason := d.controls["cover"].reasons["velvet"]
	eventually(t, q, "the reason at the option", func() bool { return reason.content.Visible() })
	if !strings.Contains(reason.label.Text, "Velvet") || !strings.Contains(reason.label.Text, "Turned oak") {
		t.Errorf("reason at the option = %q, want the option and what blocks it", reason.label.Text)
	}
	if !strings.Contains(d.status.Text, "Not available") {
		t.Errorf("status = %q, want the reason there too", d.status.Text)
	}
	if got := d.panel.statusBar.Size().Height; got != bar {
		t.Errorf("status bar height on hover = %.0f, want %.0f as before", got, bar)
	}
	if got := d.panel.statusBar.MinSize().Height; got != bar {
		t.Errorf("status bar wants %.0f px on hover, want %.0f as before", got, bar)
	}
	if got := d.preview.Size(); got != preview {
		t.Errorf("preview size on hover = %v, want %v as before", got, preview)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	if reason.content.Visible() {
		t.Error("the reason stays after the pointer left the option")
	}
}

// TestStatusNeverOverlapsCatalogName: at 1280 px, with "Valid · n of m
// choices made" on the left, the status text (product and catalog) starts
// after it and ends before the count of variants.
func TestStatusNeverOverlapsCatalogName(t *testing.T) {
	d, _, q := panelDesigner(t, 1280, 800, "kolme-sofa")
	d.Decide("seat_width", catalog.Value{Kind: catalog.Choice, Str: "lounge"})
	d.Decide("arms", catalog.Value{Kind: catalog.Choice, Str: d.product.Feature("arms").Options[1].ID})
	waitEngine(t, d, q)
	eventually(t, q, "the count", func() bool { return strings.Contains(d.variants.Text, "variants remain") })
	if !strings.Contains(d.validity.Text, "choices made") {
		t.Fatalf("validity = %q", d.validity.Text)
	}
	vp, vs := abs(d.validity)
	sp, ss := abs(d.status)
	np, _ := abs(d.variants)
	textW := fyne.MeasureText(d.validity.Text, theme.TextSize(), d.validity.TextStyle).Width
	if vs.Width < textW {
		t.Errorf("validity label %.0f px wide for a %.0f px text", vs.Width, textW)
	}
	if sp.X < vp.X+vs.Width {
		t.Errorf("status starts at x %.0f, inside the validity (ends %.0f)", sp.X, vp.X+vs.Width)
	}
	if ss.Width < 400 {
		t.Errorf("status gets %.0f px at 1280 px", ss.Width)
	}
	if sp.X+ss.Width > np.X+0.5 {
		t.Errorf("status ends at x %.0f, over the count (starts %.0f)", sp.X+ss.Width, np.X)
	}
	if !strings.Contains(d.status.Text, "nordholm") {
		t.Errorf("status = %q, want the catalog", d.status.Text)
	}
}

// TestRailRepaintsWhenSwitchingTheme: switching from the dark to the light
// theme in the settings paints the rail in the light header colour.
func TestRailRepaintsWhenSwitchingTheme(t *testing.T) {
	d, w, _ := panelDesigner(t, 1366, 768, "lift-desk")
	for _, name := range []string{"dark", "light"} {
		a := d.app
		a.Theme = name
		d.SetAppSettings(a)
		rect := test.WidgetRenderer(d.rail.bg).Objects()[0].(*canvas.Rectangle)
		want := AppTheme(name).Color(theme.ColorNameHeaderBackground, theme.VariantDark)
		if rect.FillColor != want {
			t.Errorf("%s: rail = %v, want the header colour %v", name, rect.FillColor, want)
		}
		// And on screen, below the last item.
		img := w.Canvas().Capture()
		scale := float32(img.Bounds().Dx()) / w.Canvas().Size().Width
		pos, size := abs(d.rail.bg)
		x, y := int((pos.X+4)*scale), int((pos.Y+size.Height/2)*scale)
		if got := color.NRGBAModel.Convert(img.At(x, y)); got != color.NRGBAModel.Convert(want) {
			t.Errorf("%s: rail on screen = %v, want %v", name, got, want)
		}
	}
}

// TestReasonTextContrastInDarkMode: the greyed text of the option panel
// (unavailable options and the reason under them) meets WCAG AA (4.5:1)
// against the panel's background, in the dark theme as in the light one,
// with the colours the theme in force there gives.
func TestReasonTextContrastInDarkMode(t *testing.T) {
	d, w, q := panelDesigner(t, 1366, 768, "kolme-sofa")
	for _, name := range []string{"dark", "light"} {
		t.Run(name, func(t *testing.T) {
			a := d.app
			a.Theme = name
			d.SetAppSettings(a)
			d.Decide("legs", catalog.Value{Kind: catalog.Choice, Str: "oak"})
			waitEngine(t, d, q)
			test.Tap(d.panel.sections[1].step)
			velvet := d.controls["cover"].swatches["velvet"]
			pos, size := abs(velvet)
			test.MoveMouse(w.Canvas(), pos.Add(fyne.NewPos(size.Width/2, size.Height/3)))
			reason := d.controls["cover"].reasons["velvet"]
			eventually(t, q, "the reason at the option", func() bool { return reason.content.Visible() })
			v := fyne.CurrentApp().Settings().ThemeVariant()
			for what, o := range map[string]fyne.Widget{"reason": reason.label, "greyed option": velvet} {
				th := theme.CurrentForWidget(o)
				grey, bg := th.Color(theme.ColorNameDisabled, v), th.Color(theme.ColorNameBackground, v)
				if r := contrastRatio(grey, bg); r < minContrast {
					t.Errorf("%s: greyed text %v on %v has contrast %.2f:1, want at least %.1f:1", what, grey, bg, r, minContrast)
				}
			}
			r := test.WidgetRenderer(velvet).(*swatchRenderer)
			bg := theme.CurrentForWidget(velvet).Color(theme.ColorNameBackground, v)
			if cr := contrastRatio(r.names[0].Color, bg); cr < minContrast {
				t.Errorf("greyed swatch name %v has contrast %.2f:1", r.names[0].Color, cr)
			}
			test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
			d.Undo()
			waitEngine(t, d, q)
		})
	}
	// The theme's own grey is the one that failed: 1.6:1 in the dark.
	dark := AppTheme("dark")
	if r := contrastRatio(dark.Color(theme.ColorNameDisabled, theme.VariantDark), dark.Color(theme.ColorNameBackground, theme.VariantDark)); r >= minContrast {
		t.Logf("the dark theme's own grey has %.2f:1 now; readableDisabled may be unneeded", r)
	}
}

// TestContrastRatio checks the WCAG formula on known pairs.
func TestContrastRatio(t *testing.T) {
	tests := []struct {
		name string
		a, b color.Color
		want float64
	}{
		{"black on white", color.Black, color.White, 21},
		{"same colour", color.NRGBA{0x77, 0x77, 0x77, 0xff}, color.NRGBA{0x77, 0x77, 0x77, 0xff}, 1},
		{"#767676 on white (the AA limit)", color.NRGBA{0x76, 0x76, 0x76, 0xff}, color.White, 4.54},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := contrastRatio(tc.a, tc.b); got < tc.want-0.01 || got > tc.want+0.01 {
				t.Errorf("contrast = %.3f, want %.2f", got, tc.want)
			}
		})
	}
}

// TestReasonShownUnderTheOption: the pointer on a greyed row (arms
// "none" with lounge seats) shows why right under that row, and only
// there; leaving the row takes it away.
func TestReasonShownUnderTheOption(t *testing.T) {
	d, w, q := panelDesigner(t, 1366, 768, "kolme-sofa")
	d.Decide("seat_width", catalog.Value{Kind: catalog.Choice, Str: "lounge"})
	waitEngine(t, d, q)
	test.Tap(d.panel.sections[2].step) // Shape
	c := d.controls["arms"]
	none := c.rows["none"]
	if none == nil || none.available {
		t.Fatal("arms 'none' should be greyed with lounge seats")
	}
	pos, size := abs(none)
	test.MoveMouse(w.Canvas(), pos.Add(fyne.NewPos(size.Width/2, size.Height/2)))
	reason := c.reasons["none"]
	eventually(t, q, "the reason under the row", func() bool { return reason.content.Visible() })
	if !strings.Contains(reason.label.Text, "Lounge seats need arms") {
		t.Errorf("reason = %q, want the rule's message", reason.label.Text)
	}
	rp, _ := abs(reason.content)
	if rp.Y < pos.Y+size.Height-0.5 || rp.Y > pos.Y+size.Height+2*theme.Padding()+0.5 {
		t.Errorf("reason at y %.0f, want right under the row (which ends at %.0f)", rp.Y, pos.Y+size.Height)
	}
	for id, r := range c.reasons {
		if id != "none" && r.content.Visible() {
			t.Errorf("the reason under %q shows too", id)
		}
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	if reason.content.Visible() {
		t.Error("the reason stays after the pointer left the row")
	}
}

// TestReasonPushesTheOptionsBelowDown: the reason under a row takes its
// own room: the next feature's options move down and overlap nothing.
func TestReasonPushesTheOptionsBelowDown(t *testing.T) {
	d, w, q := panelDesigner(t, 1366, 768, "kolme-sofa")
	d.Decide("seat_width", catalog.Value{Kind: catalog.Choice, Str: "lounge"})
	waitEngine(t, d, q)
	test.Tap(d.panel.sections[2].step) // Shape: arms, legs, leg height
	none := d.controls["arms"].rows["none"]
	pos, size := abs(none)
	test.MoveMouse(w.Canvas(), pos.Add(fyne.NewPos(size.Width/2, size.Height/2)))
	reason := d.controls["arms"].reasons["none"]
	eventually(t, q, "the reason under the row", func() bool { return reason.content.Visible() })
	rp, rs := abs(reason.content)
	var below []fyne.CanvasObject
	for _, id := range []string{"slim", "wide"} {
		below = append(below, d.controls["arms"].rows[id])
	}
	for _, sw := range d.controls["legs"].swatches {
		below = append(below, sw)
	}
	for _, o := range below {
		op, os := abs(o)
		if op.Y < rp.Y+rs.Height-0.5 && op.Y+os.Height > rp.Y+0.5 {
			t.Errorf("%T at y %.0f–%.0f overlaps the reason at y %.0f–%.0f", o, op.Y, op.Y+os.Height, rp.Y, rp.Y+rs.Height)
		}
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
}

// TestShowroomStatusNeverOverlaps: in the showroom too, a longer
// validity after a choice pushes the status along instead of running over
// it.
func TestShowroomStatusNeverOverlaps(t *testing.T) {
	_, w, q, _, s, _ := newShowroom(t)
	w.Resize(fyne.NewSize(1366, 768))
	test.Tap(s.attract.(*tapArea))
	test.Tap(s.chooser.card("kolme-sofa"))
	sd := s.Designer()
	waitEngine(t, sd, q)
	before := sd.validity.Text
	sd.Decide("legs", choice("oak"))
	waitEngine(t, sd, q)
	if sd.validity.Text == before {
		t.Fatalf("validity still %q after a choice", before)
	}
	img := w.Canvas().Capture() // what the customer sees
	vp, vs := abs(sd.validity)
	sp, ss := abs(sd.status)
	if sp.X < vp.X+vs.Width {
		t.Errorf("status starts at x %.0f, inside the validity %q (ends %.0f)", sp.X, sd.validity.Text, vp.X+vs.Width)
	}
	if ss.Width < w.Canvas().Size().Width/3 {
		t.Errorf("status gets %.0f px of the %.0f px bar", ss.Width, w.Canvas().Size().Width)
	}
	// On screen: the validity's green letters end before the status begins.
	scale := float32(img.Bounds().Dx()) / w.Canvas().Size().Width
	right := -1
	for y := int(sp.Y * scale); y < int((sp.Y+ss.Height)*scale); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if int(c.G) > int(c.R)+60 && int(c.G) > int(c.B)+60 && x > right {
				right = x
			}
		}
	}
	if right < 0 {
		t.Fatal("no green validity text in the status bar")
	}
	if float32(right) >= sp.X*scale {
		t.Errorf("the validity is drawn up to x %d, over the status which starts at %.0f", right, sp.X*scale)
	}
}

// TestShowroomGreyedTextContrast: in the showroom's dark theme, a greyed
// option's name meets WCAG AA against the background too.
func TestShowroomGreyedTextContrast(t *testing.T) {
	d, _, q, _, s, _ := newShowroom(t)
	a := d.AppSettings()
	a.Theme = "dark"
	d.SetAppSettings(a)
	test.Tap(s.attract.(*tapArea))
	test.Tap(s.chooser.card("kolme-sofa"))
	sd := s.Designer()
	sd.Decide("legs", choice("oak"))
	waitEngine(t, sd, q)
	velvet := sd.controls["cover"].swatches["velvet"]
	if velvet == nil || velvet.row.available {
		t.Fatal("want a greyed velvet swatch in the showroom")
	}
	v := fyne.CurrentApp().Settings().ThemeVariant()
	bg := theme.CurrentForWidget(velvet).Color(theme.ColorNameBackground, v)
	// Greyed rows (the options that are not swatches: the hidden rows of
	// swatch features hold the same state) too.
	greyed := 0
	for fid, c := range sd.controls {
		for id, row := range c.rows {
			if row.available {
				continue
			}
			greyed++
			name := test.WidgetRenderer(row).(*optionRowRenderer).name
			if r := contrastRatio(name.Color, bg); r < minContrast {
				t.Errorf("the greyed row %s=%s: contrast %.2f:1, want at least %.1f:1", fid, id, r, minContrast)
			}
		}
	}
	if greyed == 0 {
		t.Error("no greyed row to check")
	}
	// Disabled buttons keep the theme's own grey, so that they look
	// disabled (the undo button of a fresh design).
	var th fyne.Theme = showroomTheme{}
	if got, want := th.Color(theme.ColorNameDisabled, v), theme.DefaultTheme().Color(theme.ColorNameDisabled, v); got != want {
		t.Errorf("disabled buttons in the showroom are %v, want the theme's grey %v", got, want)
	}
	name := test.WidgetRenderer(velvet).(*swatchRenderer).names[0]
	if r := contrastRatio(name.Color, bg); r < minContrast {
		t.Errorf("the greyed velvet's name: contrast %.2f:1, want at least %.1f:1", r, minContrast)
	}
}

// TestKnockOnInAnotherSectionFlagsItsStep: choosing velvet on the Cover
// step moves the undecided legs (on the Shape step) to brass: the Shape
// step is flagged, and opening it shows the note beside the legs.
func TestKnockOnInAnotherSectionFlagsItsStep(t *testing.T) {
	d, _, q := panelDesigner(t, 1366, 768, "kolme-sofa")
	cover, shape := d.panel.sections[1], d.panel.sections[2]
	test.Tap(cover.step)
	test.Tap(d.controls["cover"].swatches["velvet"])
	waitEngine(t, d, q)
	knock := d.controls["legs"].knock
	eventually(t, q, "the knock-on note on the legs", func() bool { return knock.Visible() })
	if res, ok := shape.step.Icon.(*theme.ThemedResource); !ok || res.ThemeColorName() != theme.ColorNameWarning {
		t.Errorf("Shape step icon = %v, want the warning sign", shape.step.Icon)
	}
	test.Tap(shape.step)
	if !shape.box.Visible() || !knock.Visible() {
		t.Fatal("the Shape section does not show the legs' note")
	}
	if pos, size := abs(knock); size.Height == 0 || pos.Y > abs2Bottom(d.optScroll) {
		t.Errorf("the note is not on screen: %v %v", pos, size)
	}
}

func abs2Bottom(o fyne.CanvasObject) float32 {
	p, s := abs(o)
	return p.Y + s.Height
}
