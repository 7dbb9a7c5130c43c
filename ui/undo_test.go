package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// pressShortcut delivers a key combination the way Fyne 2.7's desktop
// driver does (internal/driver/glfw/window.go, triggersShortcut): Ctrl+Z
// and Ctrl+Y become fyne.ShortcutUndo and fyne.ShortcutRedo, other
// combinations a desktop.CustomShortcut; the main menu's items are asked
// first (by the shortcut's name), then the focused widget, then the
// canvas.
func pressShortcut(w fyne.Window, key fyne.KeyName, mod fyne.KeyModifier) {
	var sc fyne.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: mod}
	if mod == fyne.KeyModifierControl {
		switch key {
		case fyne.KeyZ:
			sc = &fyne.ShortcutUndo{}
		case fyne.KeyY:
			sc = &fyne.ShortcutRedo{}
		}
	}
	if m := w.MainMenu(); m != nil {
		for _, menu := range m.Items {
			for _, item := range menu.Items {
				if item.Shortcut != nil && item.Shortcut.ShortcutName() == sc.ShortcutName() && item.Action != nil {
					item.Action()
					return
				}
			}
		}
	}
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(sc)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(sc)
}

// Ctrl+Z, pressed as the desktop driver delivers it, takes back the last
// choice; Ctrl+Y and Ctrl+Shift+Z bring it back. With and without the
// window's main menu (main sets one; the showroom's window has none).
func TestCtrlZUndoesTheLastChoice(t *testing.T) {
	for _, withMenu := range []bool{true, false} {
		name := "without main menu"
		if withMenu {
			name = "with main menu"
		}
		t.Run(name, func(t *testing.T) {
			d, w := newDesigner(t)
			if withMenu {
				w.SetMainMenu(d.MainMenu())
			}
			d.Decide("top", choice("walnut"))
			pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
			if got := d.Decisions()["top"].Str; got != "" {
				t.Fatalf("after Ctrl+Z top = %q, want it undecided", got)
			}
			pressShortcut(w, fyne.KeyY, fyne.KeyModifierControl)
			if got, want := d.Decisions()["top"].Str, "walnut"; got != want {
				t.Fatalf("after Ctrl+Y top = %q, want %q", got, want)
			}
			pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
			pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl|fyne.KeyModifierShift)
			if got, want := d.Decisions()["top"].Str, "walnut"; got != want {
				t.Errorf("after Ctrl+Shift+Z top = %q, want %q", got, want)
			}
		})
	}
}

// With a text field focused, Ctrl+Z first takes back the typing in the
// field; once the field has nothing to take back, the design's last
// choice.
func TestCtrlZInAFieldUndoesTheFieldFirst(t *testing.T) {
	d, w := newDesigner(t)
	w.SetMainMenu(d.MainMenu())
	d.Decide("top", choice("walnut"))
	field := widget.NewEntry()
	w.SetContent(container.NewBorder(field, nil, nil, nil, d.Content()))
	w.Canvas().Focus(field)
	test.Type(field, "abc")
	pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
	if field.Text != "" {
		t.Errorf("after Ctrl+Z the field says %q, want its typing taken back", field.Text)
	}
	if got, want := d.Decisions()["top"].Str, "walnut"; got != want {
		t.Fatalf("Ctrl+Z in a field with typing to undo changed the design: top = %q, want %q", got, want)
	}
	pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
	if got := d.Decisions()["top"].Str; got != "" {
		t.Errorf("Ctrl+Z in a field with nothing to undo: top = %q, want the choice taken back", got)
	}
}

// A preset chosen on a product card is one undo step after the fresh
// design, as its notice says; a design that is only a preset has nothing
// unsaved.
func TestPresetFromCardCanBeUndone(t *testing.T) {
	d, w, q, _ := newStoredDesigner(t)
	w.SetMainMenu(d.MainMenu())
	d.show(screenProducts)
	card := d.chooser.card("kolme-sofa")
	test.Tap(card.presets[1]) // Velvet salon
	if got, want := d.Decisions()["cover"].Str, "velvet"; got != want {
		t.Fatalf("after the preset cover = %q, want %q", got, want)
	}
	if d.Dirty() {
		t.Errorf("a design that is just a preset counts as unsaved work")
	}
	if d.undoBtn.Disabled() {
		t.Errorf("the undo button is off after a preset")
	}
	d.Decide("arms", choice("slim"))
	if !d.Dirty() {
		t.Errorf("a preset with a change of its own does not count as unsaved")
	}
	pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
	pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
	if got := len(d.Decisions()); got != 0 {
		t.Errorf("after two undos %d decisions are left, want the fresh design (0): %v", got, d.Decisions())
	}
	if d.Product().ID != "kolme-sofa" {
		t.Errorf("undo went past the new design: product %s", d.Product().ID)
	}
	// Choosing another product now asks nothing: the fresh design is not
	// unsaved work either.
	d.show(screenProducts)
	test.Tap(d.chooser.card("lift-desk").presets[0])
	q.drain()
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a question after only a preset:\n%s", texts(top))
	}
	if d.Product().ID != "lift-desk" {
		t.Errorf("product = %s, want lift-desk", d.Product().ID)
	}
}

// stepClock is a designer's clock that moves only when told.
type stepClock struct{ t time.Time }

func (c *stepClock) now() time.Time       { return c.t }
func (c *stepClock) pass(d time.Duration) { c.t = c.t.Add(d) }

func withClock(d *Designer) *stepClock {
	c := &stepClock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	d.clock = c.now
	return c
}

// pressKey delivers a key to the focused widget, as the driver does.
func pressKey(w fyne.Window, key fyne.KeyName) {
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: key})
}

// 23 presses of the right arrow on the height slider (230 mm) are taken
// back by one undo; a press after a pause is a step of its own.
func TestArrowPressesOnASliderAreOneUndoStep(t *testing.T) {
	d, w := newDesigner(t)
	clock := withClock(d)
	height := d.controls["height"].num
	w.Canvas().Focus(height.slider)
	for range 23 {
		pressKey(w, fyne.KeyRight)
		clock.pass(200 * time.Millisecond)
	}
	if got, want := d.Decisions()["height"].Num.String(), "970"; got != want {
		t.Fatalf("after 23 presses height = %s, want %s", got, want)
	}
	clock.pass(3 * time.Second)
	pressKey(w, fyne.KeyRight)
	d.Undo()
	if got, want := d.Decisions()["height"].Num.String(), "970"; got != want {
		t.Errorf("a press after a pause was not a step of its own: height = %s after one undo, want %s", got, want)
	}
	d.Undo()
	if v, ok := d.Decisions()["height"]; ok {
		t.Errorf("after two undos height = %s, want it undecided again", v.Num)
	}
	if len(d.undo) != 0 {
		t.Errorf("%d undo steps are left, want 0", len(d.undo))
	}
}

// One drag of the slider, however many steps it moves, is one undo step.
func TestSliderDragIsOneUndoStep(t *testing.T) {
	d, _ := newDesigner(t)
	clock := withClock(d)
	s := d.controls["width"].num.slider
	s.Resize(fyne.NewSize(300, s.MinSize().Height))
	for _, x := range []float32{150, 180, 210, 240, 270} {
		s.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, 5)}})
		clock.pass(1500 * time.Millisecond) // a slow drag is still one gesture
	}
	s.DragEnd()
	if _, ok := d.Decisions()["width"]; !ok {
		t.Fatalf("the drag decided no width")
	}
	if got := len(d.undo); got != 1 {
		t.Errorf("one drag made %d undo steps, want 1", got)
	}
	d.Undo()
	if v, ok := d.Decisions()["width"]; ok {
		t.Errorf("after one undo width = %s, want it undecided again", v.Num)
	}
}

// A typed width is snapped to the grid (and says so); one outside what
// the rules allow is not taken, and the allowed ranges are said in
// words. A typed value is one undo step.
func TestTypedNumberIsSnappedAndChecked(t *testing.T) {
	d, w, q := newDesignerQueue(t)
	withClock(d)
	width := d.controls["width"].num
	typeInto := func(text string) {
		w.Canvas().Focus(width.entry)
		width.entry.SetText("")
		test.Type(width.entry, text)
		pressKey(w, fyne.KeyReturn)
	}
	cases := []struct {
		name, typed, want, said string
	}{
		{"on the grid", "1800", "1800", ""},
		{"snapped", "1234", "1200", "1234 mm is made as 1200 mm (in steps of 100 mm)."},
		{"German thousands and unit", "1.500 mm", "1500", ""},
		{"too wide", "2500", "1500", "2500 mm is not possible with your choices. Possible: from 1000 mm to 2200 mm."},
		{"not a number", "wide", "1500", "“wide” is not a number. Possible: from 1000 mm to 2200 mm."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old := uiLanguage()
			if strings.Contains(c.name, "German") {
				setUILanguage("de")
			}
			typeInto(c.typed)
			setUILanguage(old)
			if got := d.Decisions()["width"].Num.String(); got != c.want {
				t.Errorf("width = %s, want %s", got, c.want)
			}
			if got := width.entry.Text; got != c.want {
				t.Errorf("the entry says %q, want %q", got, c.want)
			}
			got := ""
			if width.said.Visible() {
				got = width.said.Text
			}
			if got != c.said {
				t.Errorf("said %q, want %q", got, c.said)
			}
		})
	}
	// With a glass top the rules allow up to 1600 mm: the words say so.
	d.Decide("top", choice("glass"))
	waitEngine(t, d, q)
	typeInto("1900")
	if got, want := width.said.Text, "1900 mm is not possible with your choices. Possible: from 1000 mm to 1600 mm."; got != want {
		t.Errorf("with glass: said %q, want %q", got, want)
	}
	// Each typed value that was taken is one step: 1800, 1200, 1500, glass.
	if got, want := len(d.undo), 4; got != want {
		t.Errorf("%d undo steps, want %d", got, want)
	}
	// Undoing with the entry still focused moves the entry too, and what
	// was said of a typed value goes.
	d.Undo()
	d.Undo()
	if got, want := width.entry.Text, "1200"; got != want || w.Canvas().Focused() != width.entry {
		t.Errorf("after two undos the (focused %v) entry says %q, want %q", w.Canvas().Focused() == width.entry, got, want)
	}
	if width.said.Visible() {
		t.Errorf("after the undos it still says %q", width.said.Text)
	}
}

// Choosing velvet, with the legs undecided, moves them from oak to a
// kind velvet comes with: the legs say so beside their options, with
// the price and why; undoing velvet puts oak back and the note goes;
// redoing tells it again.
func TestKnockOnChangeIsToldAndUndone(t *testing.T) {
	d, w, q := newDesignerQueue(t)
	d.SelectProduct("kolme-sofa")
	waitEngine(t, d, q)
	legs := d.controls["legs"]
	test.Tap(d.controls["cover"].rows["velvet"])
	waitEngine(t, d, q)
	now := d.config.Values["legs"].Str
	if now == "oak" {
		t.Fatalf("velvet kept oak legs; the demo's rules changed?")
	}
	name := map[string]string{"brass": "Brushed brass (+€140.00)", "black": "Black steel"}[now]
	other := map[string]string{"brass": "Black steel", "black": "Brushed brass"}[now]
	want := "Legs now " + name + ", because Turned oak does not go with Velvet, moss green. Also possible: " + other + "."
	if !legs.knock.Visible() || legs.knock.Text != want {
		t.Errorf("the legs say %q (shown %v), want %q", legs.knock.Text, legs.knock.Visible(), want)
	}
	for id, c := range d.controls {
		if id != "legs" && c.knock.Visible() {
			t.Errorf("%s tells a knock-on change: %q", id, c.knock.Text)
		}
	}
	pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
	waitEngine(t, d, q)
	if got := d.config.Values["legs"].Str; got != "oak" {
		t.Errorf("after undo the legs are %q, want oak", got)
	}
	if legs.knock.Visible() {
		t.Errorf("after undo the legs still say %q", legs.knock.Text)
	}
	pressShortcut(w, fyne.KeyY, fyne.KeyModifierControl)
	waitEngine(t, d, q)
	if legs.knock.Text != want || !legs.knock.Visible() {
		t.Errorf("after redo the legs say %q (shown %v), want %q", legs.knock.Text, legs.knock.Visible(), want)
	}
	// The next choice is a step of its own: the note goes with it.
	test.Tap(d.controls["arms"].rows["wide"])
	waitEngine(t, d, q)
	if legs.knock.Visible() {
		t.Errorf("after another choice the legs still say %q", legs.knock.Text)
	}
}

// Typing an engraving is one undo step, not one per letter.
func TestTypedTextIsOneUndoStep(t *testing.T) {
	d, w, q := newDesignerQueue(t)
	clock := withClock(d)
	field := textField(t, d)
	w.Canvas().Focus(field)
	for _, r := range "Atelier" {
		test.Type(field, string(r))
		eventually(t, q, "the letter taken", func() bool {
			return strings.HasSuffix(d.Decisions()["engraving"].Str, string(r))
		})
		clock.pass(300 * time.Millisecond)
	}
	if got, want := d.Decisions()["engraving"].Str, "Atelier"; got != want {
		t.Fatalf("engraving = %q, want %q", got, want)
	}
	if got := len(d.undo); got != 1 {
		t.Errorf("typing made %d undo steps, want 1", got)
	}
}

func textField(t *testing.T, d *Designer) *widget.Entry {
	t.Helper()
	var field *widget.Entry
	walk(d.options, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && field == nil {
			field = e
		}
	})
	if field == nil {
		t.Fatal("no text field in the option panel")
	}
	return field
}

// Typing faster than the engine answers loses no letter and never
// moves the cursor: answers for older text do not overwrite the field.
func TestFastTypingKeepsEveryLetter(t *testing.T) {
	d, w, q := newDesignerQueue(t)
	field := textField(t, d)
	w.Canvas().Focus(field)
	for _, r := range "Atelier" {
		test.Type(field, string(r))
		if r == 't' || r == 'i' {
			q.drain() // some answers come between the letters
		}
	}
	eventually(t, q, "the engraving decided", func() bool { return d.Decisions()["engraving"].Str == "Atelier" })
	waitEngine(t, d, q)
	if field.Text != "Atelier" {
		t.Errorf("the field says %q, want %q", field.Text, "Atelier")
	}
}
