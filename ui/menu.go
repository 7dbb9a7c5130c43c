package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// SetWindow gives the designer the window its dialogs open in, its title,
// and its keyboard shortcuts (those of the menus, and the arrow keys,
// which orbit the preview when no field has the focus).
func (d *Designer) SetWindow(w fyne.Window) {
	d.win = w
	c := w.Canvas()
	for _, m := range d.menus() {
		for _, item := range m.Items {
			if item.Shortcut != nil && item.Action != nil {
				action := item.Action
				c.AddShortcut(item.Shortcut, func(fyne.Shortcut) {
					if d.showroom == nil { // the showroom has no shortcuts to the dealer's screens
						action()
					}
				})
			}
		}
	}
	// Ctrl+Y is redo too, as on Windows. (The desktop driver delivers it
	// as fyne.ShortcutRedo, as it delivers Ctrl+Z as fyne.ShortcutUndo.)
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) {
		if d.showroom == nil {
			d.redoKey()
		}
	})
	c.SetOnTypedKey(d.typedKey)
	d.refreshDocument()
}

// typedKey gets the keys no widget with the focus took: Escape closes
// the dialog on top, Return takes its default; the arrow keys orbit the
// preview on the designer.
func (d *Designer) typedKey(e *fyne.KeyEvent) {
	switch {
	case e.Name == fyne.KeyEscape && d.escape():
		return // Escape closed the dialog on top
	case (e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter) && d.enter():
		return // Return took the dialog's default
	case d.win != nil && d.win.Canvas().Overlays().Top() != nil:
		return // the keys do not reach the designer under a dialog
	}
	if d.current != screenDesign {
		return
	}
	step := 10.0
	switch e.Name {
	case fyne.KeyLeft:
		d.preview.Orbit(-step, 0)
	case fyne.KeyRight:
		d.preview.Orbit(step, 0)
	case fyne.KeyUp:
		d.preview.Orbit(0, step)
	case fyne.KeyDown:
		d.preview.Orbit(0, -step)
	case fyne.KeyPageUp, fyne.KeyPlus:
		d.preview.ZoomBy(1.15)
	case fyne.KeyPageDown, fyne.KeyMinus:
		d.preview.ZoomBy(1 / 1.15)
	}
}

// MainMenu is the window's menu. Its shortcuts work even while a text
// field has the focus (a window's canvas shortcuts do not).
func (d *Designer) MainMenu() *fyne.MainMenu {
	return fyne.NewMainMenu(d.menus()...)
}

func (d *Designer) menus() []*fyne.Menu {
	mod := fyne.KeyModifierShortcutDefault
	item := func(label string, key fyne.KeyName, m fyne.KeyModifier, action func()) *fyne.MenuItem {
		i := fyne.NewMenuItem(label, action)
		if key != "" {
			i.Shortcut = inMenuLanguage(&desktop.CustomShortcut{KeyName: key, Modifier: m})
		}
		return i
	}
	sep := fyne.NewMenuItemSeparator
	file := fyne.NewMenu(T("File"), item(T("New design"), fyne.KeyN, mod, d.NewDesign),
		item(T("Design library…"), fyne.KeyO, mod, d.ToggleLibrary),
		sep(),
		item(T("Save"), fyne.KeyS, mod, d.Save),
		item(T("Save as variant…"), fyne.KeyS, mod|fyne.KeyModifierShift, d.SaveAs),
		sep(),
		item(T("Import catalog package…"), "", 0, d.ImportCatalog),
		item(T("Import order package…"), "", 0, d.ImportOrder),
		sep(),
		&fyne.MenuItem{Label: T("Quit"), IsQuit: true, Action: func() {
			if d.win != nil {
				d.ConfirmClose(d.win.Close)
			}
		}},
	)
	// Undo's shortcut is the one the desktop driver makes of Ctrl+Z (a
	// desktop.CustomShortcut for Ctrl+Z would never be matched).
	undo := fyne.NewMenuItem(T("Undo"), d.undoKey)
	undo.Shortcut = inMenuLanguage(&fyne.ShortcutUndo{})
	edit := fyne.NewMenu(T("Edit"), undo,
		item(T("Redo"), fyne.KeyZ, mod|fyne.KeyModifierShift, d.redoKey),
	)
	view := fyne.NewMenu(T("View"), item(T("Products"), fyne.Key1, mod, func() { d.navigate(screenProducts) }),
		item(T("Design"), fyne.Key2, mod, func() { d.navigate(screenDesign) }),
		item(T("Library"), fyne.Key3, mod, func() { d.navigate(screenLibrary) }),
		item(T("Order"), fyne.Key4, mod, func() { d.navigate(screenOrder) }),
		item(T("Customers"), fyne.Key5, mod, func() { d.navigate(screenCustomers) }),
		item(T("Catalogs"), fyne.Key6, mod, func() { d.navigate(screenCatalogs) }),
		item(T("Sent orders"), fyne.Key7, mod, func() { d.navigate(screenSent) }),
		item(T("Settings"), fyne.KeyComma, mod, func() { d.navigate(screenSettings) }),
		sep(),
		item(T("Showroom mode"), fyne.KeyK, mod|fyne.KeyModifierShift, d.StartShowroom),
	)
	order := fyne.NewMenu(T("Order"), item(T("Add to order"), fyne.KeyD, mod|fyne.KeyModifierShift, d.AddToOrder),
		item(T("Show the order"), "", 0, d.ShowOrder),
		item(T("Export order…"), fyne.KeyE, mod, d.ExportOrder),
		item(T("Send to manufacturer…"), "", 0, d.SendOrder),
		item(T("Sent orders"), "", 0, d.ShowSent),
		sep(),
		item(T("Designs from the showroom…"), "", 0, d.ShowQueue),
		item(T("Dealer settings…"), "", 0, d.ShowDealerSettings),
	)
	return []*fyne.Menu{file, edit, view, order}
}

// undoKey is Ctrl+Z: the field with the focus takes back its own typing
// first, if it has any; otherwise the design's last change is undone.
// (The main menu gets Ctrl+Z before the focused field does.)
func (d *Designer) undoKey() {
	if d.win != nil && fieldUndo(d.win.Canvas().Focused(), false) {
		return
	}
	d.Undo()
}

// redoKey is Ctrl+Y and Ctrl+Shift+Z, as undoKey.
func (d *Designer) redoKey() {
	if d.win != nil && fieldUndo(d.win.Canvas().Focused(), true) {
		return
	}
	d.Redo()
}

// fieldUndo undoes (or redoes) in a focused text field and reports
// whether that changed its text: false when there is no such field or it
// had nothing to take back.
func fieldUndo(o fyne.Focusable, redo bool) bool {
	var e *widget.Entry
	switch v := o.(type) {
	case *widget.Entry:
		e = v
	case *widget.SelectEntry:
		e = &v.Entry
	case interface{ entry() *widget.Entry }:
		e = v.entry()
	}
	if e == nil || e.Disabled() {
		return false
	}
	before := e.Text
	if redo {
		e.Redo()
	} else {
		e.Undo()
	}
	return e.Text != before
}
