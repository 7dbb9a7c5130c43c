package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage"
)

// leastTarget and leastText are the showroom's smallest tap target and
// text at 1366×768, in the canvas's units.
const (
	leastTarget = 48
	leastText   = 18
)

// box is an object's place on the canvas.
type box struct {
	pos  fyne.Position
	size fyne.Size
}

func boxOf(o fyne.CanvasObject) box {
	return box{fyne.CurrentApp().Driver().AbsolutePositionForObject(o), o.Size()}
}

func (b box) overlaps(c box) bool {
	return b.pos.X < c.pos.X+c.size.Width && c.pos.X < b.pos.X+b.size.Width &&
		b.pos.Y < c.pos.Y+c.size.Height && c.pos.Y < b.pos.Y+b.size.Height
}

func (b box) String() string {
	return fmt.Sprintf("%.0f×%.0f at (%.0f, %.0f)", b.size.Width, b.size.Height, b.pos.X, b.pos.Y)
}

// tapOn taps an object the way a finger does: at its middle, on the
// window's canvas (the tap reaches whatever is on top there).
func tapOn(t *testing.T, w fyne.Window, o fyne.CanvasObject) {
	t.Helper()
	b := boxOf(o)
	if !o.Visible() || b.size.Width == 0 {
		t.Fatalf("%T is not on the screen", o)
	}
	test.TapCanvas(w.Canvas(), b.pos.Add(fyne.NewPos(b.size.Width/2, b.size.Height/2)))
}

// visibleWalk is walk that skips what is hidden.
func visibleWalk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			visibleWalk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			visibleWalk(c, f)
		}
	}
}

// inView reports whether an object is at least partly inside the scroll
// container it is in (or not in one).
func inView(o fyne.CanvasObject, scroll *container.Scroll) bool {
	if scroll == nil {
		return true
	}
	return boxOf(o).overlaps(boxOf(scroll))
}

// checkTouchGrade checks what the showroom's customer sees: no two option
// rows drawn over each other, every tap target at least leastTarget high
// and every text at least leastText.
func checkTouchGrade(t *testing.T, step string, w fyne.Window, s *Showroom) {
	t.Helper()
	sd := s.Designer()
	if s.Screen() == "design" {
		type placed struct {
			name string
			box  box
		}
		var rows []placed
		for _, f := range sd.product.Features {
			for _, o := range f.Options {
				if r := optionTarget(sd, f.ID, o.ID); r != nil {
					rows = append(rows, placed{f.ID + "=" + o.ID, boxOf(r)})
				}
			}
		}
		if len(rows) == 0 {
			t.Fatalf("%s: no option rows", step)
		}
		for i, a := range rows {
			if a.box.size.Height < leastTarget {
				t.Errorf("%s: option row %s is %.0f high, want at least %d", step, a.name, a.box.size.Height, leastTarget)
			}
			for _, b := range rows[i+1:] {
				if a.box.overlaps(b.box) {
					t.Errorf("%s: option rows overlap: %s %v and %s %v", step, a.name, a.box, b.name, b.box)
				}
			}
		}
	}
	roots := []fyne.CanvasObject{w.Canvas().Content()}
	if top := w.Canvas().Overlays().Top(); top != nil {
		roots = []fyne.CanvasObject{top} // a modal dialog: only it can be touched
	}
	for _, root := range roots {
		visibleWalk(root, func(o fyne.CanvasObject) {
			if !inView(o, sd.optScroll) && isUnder(o, sd.optScroll) {
				return
			}
			switch v := o.(type) {
			case *canvas.Text:
				if v.Text != "" && v.TextSize < leastText {
					t.Errorf("%s: text %q is %.0f, want at least %d", step, v.Text, v.TextSize, leastText)
				}
			case fyne.Tappable:
				if _, area := o.(*tapArea); area {
					return // the whole attract screen
				}
				if h := o.Size().Height; h < leastTarget {
					t.Errorf("%s: %s is %.0f high, want at least %d", step, describe(o), h, leastTarget)
				}
			}
		})
	}
}

// optionTarget is what a finger taps to choose an option: its swatch
// (a material's options) or its row; nil if the feature has no such option.
func optionTarget(sd *Designer, feature, option string) fyne.CanvasObject {
	c := sd.controls[feature]
	if c == nil {
		return nil
	}
	if sw := c.swatches[option]; sw != nil {
		return sw
	}
	if r := c.rows[option]; r != nil {
		return r
	}
	return nil
}

// isUnder reports whether o is inside parent's tree.
func isUnder(o, parent fyne.CanvasObject) bool {
	found := false
	walk(parent, func(x fyne.CanvasObject) { found = found || x == o })
	return found
}

func describe(o fyne.CanvasObject) string {
	switch v := o.(type) {
	case *widget.Button:
		return fmt.Sprintf("button %q", v.Text)
	case *optionRow:
		return fmt.Sprintf("option row %q", v.name)
	case *productCard:
		return "the card of " + v.product.ID
	}
	return fmt.Sprintf("%T", o)
}

// Defect 1: in the showroom, choosing the lounge seats and then, further
// down, a velvet cover drew option rows over each other and shrank them
// to the desktop's size: the rows took their sizes from the app's theme,
// not from the showroom's. The whole journey, with fingers: attract →
// sofa → Lounge → velvet → send, every step checked.
func TestShowroomOptionRowsOverlap(t *testing.T) {
	_, w, q, _, s, _ := newShowroom(t)
	w.Resize(fyne.NewSize(1366, 768))
	checkTouchGrade(t, "attract", w, s)

	tapOn(t, w, s.attract)
	if s.Screen() != "products" {
		t.Fatalf("after tapping the attract screen: %q", s.Screen())
	}
	checkTouchGrade(t, "products", w, s)

	tapOn(t, w, s.chooser.card("kolme-sofa"))
	chooseMyself(t, w, s)
	sd := s.Designer()
	if s.Screen() != "design" || sd.Product().ID != "kolme-sofa" {
		t.Fatalf("after tapping the sofa: screen %q", s.Screen())
	}
	waitEngine(t, sd, q)
	checkTouchGrade(t, "sofa", w, s)

	lounge := optionTarget(sd, "seat_width", "lounge")
	tapOn(t, w, lounge)
	eventually(t, q, "the lounge seats", func() bool { return sd.config.Values["seat_width"].Str == "lounge" && sd.domains != nil })
	checkTouchGrade(t, "lounge", w, s)

	// Down to the covers, with the finger on the options.
	velvet := optionTarget(sd, "cover", "velvet")
	sb := boxOf(sd.optScroll)
	for boxOf(velvet).pos.Y+velvet.Size().Height > sb.pos.Y+sb.size.Height {
		before := sd.optScroll.Offset.Y
		test.Scroll(w.Canvas(), sb.pos.Add(fyne.NewPos(sb.size.Width/2, sb.size.Height/2)), 0, -40)
		if sd.optScroll.Offset.Y == before {
			t.Fatalf("the options do not scroll to the velvet cover (row %v, options %v)", boxOf(velvet), sb)
		}
	}
	checkTouchGrade(t, "scrolled", w, s)
	tapOn(t, w, velvet)
	eventually(t, q, "the velvet cover", func() bool { return sd.config.Values["cover"].Str == "velvet" && sd.domains != nil })
	checkTouchGrade(t, "velvet", w, s)

	// The price details, a tap away, are as large.
	var details *widget.Accordion
	walk(s.design, func(o fyne.CanvasObject) {
		if a, ok := o.(*widget.Accordion); ok {
			details = a
		}
	})
	if details == nil {
		t.Fatal("no price details")
	}
	db := boxOf(details)
	test.TapCanvas(w.Canvas(), db.pos.Add(fyne.NewPos(db.size.Width/2, 10)))
	if !details.Items[0].Open {
		t.Fatal("a tap on Price details does not open them")
	}
	checkTouchGrade(t, "price details", w, s)

	tapOn(t, w, s.sendBtn)
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("Send to dealer asks nothing")
	}
	checkTouchGrade(t, "send dialog", w, s)
	var sent storage.QueueEntry
	done := false
	s.OnSent = func(e storage.QueueEntry, err error) {
		if err != nil {
			t.Errorf("the send: %v", err)
		}
		sent, done = e, true
	}
	var send *widget.Button
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Send" {
			send = b
		}
	})
	if send == nil {
		t.Fatalf("no Send button:\n%s", texts(w.Canvas().Overlays().Top()))
	}
	tapOn(t, w, send)
	eventually(t, q, "the send", func() bool { return done })
	if top := w.Canvas().Overlays().Top(); top == nil || !strings.Contains(texts(top), storage.FormatCode(sent.Code)) {
		t.Fatal("the code is not shown")
	}
	checkTouchGrade(t, "code", w, s)
}

// drawn is the text an object draws, its pieces joined by spaces.
func drawn(o fyne.CanvasObject) string {
	var parts []string
	visibleWalk(o, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			parts = append(parts, t.Text)
		}
	})
	return strings.Join(parts, " ")
}

// Every product card shows its whole name and every preset of the
// product (the presets wrap onto as many rows as they need), on the
// showroom's big cards and on the dealer's, at 1366×768 and 1920×1080.
func TestProductCardsShowAllPresetsAndWholeTitles(t *testing.T) {
	for _, tc := range []struct {
		name     string
		showroom bool
		size     fyne.Size
	}{
		{"showroom 1366×768", true, fyne.NewSize(1366, 768)},
		{"showroom 1920×1080", true, fyne.NewSize(1920, 1080)},
		{"dealer 1366×768", false, fyne.NewSize(1366, 768)},
		{"dealer 1920×1080", false, fyne.NewSize(1920, 1080)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w fyne.Window
			var ch *chooser
			var d *Designer
			if tc.showroom {
				var s *Showroom
				_, w, _, _, s, _ = newShowroom(t)
				w.Resize(tc.size)
				tapOn(t, w, s.attract)
				ch, d = s.chooser, s.Designer()
			} else {
				d, w = newDesigner(t)
				w.Resize(tc.size)
				d.show(screenProducts)
				ch = d.chooser
			}
			for _, card := range ch.cards {
				p := card.product
				cb := boxOf(card)
				if got, want := drawn(card), d.text(p.Name); !strings.Contains(got, want) || strings.Contains(got, want[:len(want)/2]+"…") {
					t.Errorf("%s: the card draws %q; want the whole name %q", p.ID, got, want)
				}
				if len(card.presets) != len(p.Presets) {
					t.Fatalf("%s: %d preset buttons for %d presets", p.ID, len(card.presets), len(p.Presets))
				}
				for i, b := range card.presets {
					bb := boxOf(b)
					inside := bb.pos.X >= cb.pos.X && bb.pos.Y >= cb.pos.Y &&
						bb.pos.X+bb.size.Width <= cb.pos.X+cb.size.Width+0.5 && bb.pos.Y+bb.size.Height <= cb.pos.Y+cb.size.Height+0.5
					if !b.Visible() || !inside {
						t.Errorf("%s: preset %q is not shown on the card (visible %v, %v on a card %v)", p.ID, b.Text, b.Visible(), bb, cb)
					}
					if got, want := drawn(b), d.text(p.Presets[i].Name); got != want {
						t.Errorf("%s: the preset button draws %q, want %q", p.ID, got, want)
					}
				}
			}
		})
	}
}

// scrollTo scrolls the options with the finger until a row is in view.
func scrollTo(t *testing.T, w fyne.Window, sd *Designer, row fyne.CanvasObject) {
	t.Helper()
	sb := boxOf(sd.optScroll)
	for i := 0; ; i++ {
		rb := boxOf(row)
		switch {
		case rb.pos.Y+rb.size.Height > sb.pos.Y+sb.size.Height:
			test.Scroll(w.Canvas(), sb.pos.Add(fyne.NewPos(sb.size.Width/2, sb.size.Height/2)), 0, -40)
		case rb.pos.Y < sb.pos.Y:
			test.Scroll(w.Canvas(), sb.pos.Add(fyne.NewPos(sb.size.Width/2, sb.size.Height/2)), 0, 40)
		default:
			return
		}
		if i > 100 {
			t.Fatalf("the options do not scroll to %v", rb)
		}
	}
}

// The designer's own dialogs in the showroom (the ways to choose an
// option the other choices rule out, "not yet complete", "start over?")
// are as large for fingers as the rest.
func TestShowroomDialogsAreTouchGrade(t *testing.T) {
	_, w, q, _, s, _ := newShowroom(t)
	w.Resize(fyne.NewSize(1366, 768))
	tapOn(t, w, s.attract)
	tapOn(t, w, s.chooser.card("kolme-sofa"))
	chooseMyself(t, w, s)
	sd := s.Designer()
	waitEngine(t, sd, q)
	velvet := optionTarget(sd, "cover", "velvet")
	scrollTo(t, w, sd, velvet)
	tapOn(t, w, velvet)
	eventually(t, q, "the velvet cover", func() bool { return sd.config.Values["cover"].Str == "velvet" && sd.domains != nil })
	if sd.controls["legs"].rows["oak"].available {
		t.Fatal("oak legs go with velvet")
	}
	oak := optionTarget(sd, "legs", "oak")
	scrollTo(t, w, sd, oak)
	tapOn(t, w, oak)
	eventually(t, q, "the ways to choose oak legs", func() bool { return w.Canvas().Overlays().Top() != nil })
	checkTouchGrade(t, "repair dialog", w, s)
	w.Canvas().Overlays().Top().Hide()

	tapOn(t, w, staffButton(t, s)) // the PIN keypad
	checkTouchGrade(t, "PIN keypad", w, s)
}

// chooseMyself turns down the questions a product with needs-based
// questions offers on opening ("I'll choose myself"), as a finger does.
func chooseMyself(t *testing.T, w fyne.Window, s *Showroom) {
	t.Helper()
	if s.Needs() == nil {
		return
	}
	tapOn(t, w, s.Needs().myself)
	if s.Needs() != nil || !s.options.Visible() {
		t.Fatal("after I'll choose myself the questions still show")
	}
}
