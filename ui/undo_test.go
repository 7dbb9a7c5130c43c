package ui

import (
	"testing"

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
