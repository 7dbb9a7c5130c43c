package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Escape closes the dialog on top, the way its cancelling button does;
// Return, with no field focused, takes a registered dialog's default
// (the choice that loses nothing).

// openDialog is a dialog shown with showDialog: how Escape and Return
// answer it.
type openDialog struct {
	popup    fyne.CanvasObject // the overlay it is shown in
	escape   func()
	dfault   func() // nil: Return does nothing
	disposed bool
}

// showDialog shows a dialog whose buttons Escape cannot guess (one made
// with NewCustomWithoutButtons): escape is what Escape does (usually
// the Cancel button's action), dfault what Return does (nil: nothing).
func (d *Designer) showDialog(dlg dialog.Dialog, escape, dfault func()) {
	dlg.Show()
	if d.win == nil {
		return
	}
	o := &openDialog{popup: d.win.Canvas().Overlays().Top(), escape: escape, dfault: dfault}
	d.dialogs = append(d.dialogs, o)
	dlg.SetOnClosed(func() {
		o.disposed = true
		d.dialogs = slices.DeleteFunc(d.dialogs, func(x *openDialog) bool { return x.disposed })
	})
}

// topDialog is the registered dialog on top of the window (nil if the
// top overlay is not one).
func (d *Designer) topDialog() *openDialog {
	top := d.win.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	for _, o := range slices.Backward(d.dialogs) {
		if o.popup == top {
			return o
		}
	}
	return nil
}

// escape closes the dialog on top, if there is one: a registered one as
// it says, any other of Fyne's dialogs with its dismiss button (the first
// of its one or two buttons: Cancel, Close, OK). It reports whether it
// closed something.
func (d *Designer) escape() bool {
	if d.win == nil {
		return false
	}
	if o := d.topDialog(); o != nil {
		o.escape()
		return true
	}
	if b := dismissButton(d.win.Canvas().Overlays().Top()); b != nil {
		b.OnTapped()
		return true
	}
	return false
}

// enter takes the default of the registered dialog on top (Return with
// no field focused).
func (d *Designer) enter() bool {
	if d.win == nil {
		return false
	}
	if o := d.topDialog(); o != nil && o.dfault != nil {
		o.dfault()
		return true
	}
	return false
}

// dismissButton finds the dismiss button of one of Fyne's dialogs shown
// in overlay: the dialog's content is a container whose fourth object is
// its row of buttons, the dismiss button first (dialog/base.go, create;
// confirm.go, form.go, custom.go, information.go). Nil when overlay is
// not such a dialog, or its buttons are not one or two enabled buttons
// (a progress dialog has none: it cannot be escaped).
func dismissButton(overlay fyne.CanvasObject) *widget.Button {
	p, ok := overlay.(*widget.PopUp)
	if !ok || p == nil {
		return nil
	}
	box, ok := p.Content.(*fyne.Container)
	if !ok || len(box.Objects) != 5 {
		return nil
	}
	row, ok := box.Objects[3].(*fyne.Container)
	if !ok || len(row.Objects) == 0 || len(row.Objects) > 2 {
		return nil
	}
	b, ok := row.Objects[0].(*widget.Button)
	if !ok || b.Disabled() || !b.Visible() || b.OnTapped == nil {
		return nil
	}
	return b
}

// dialogEntry is an entry for a dialog: Escape in it closes the dialog
// (a focused entry gets Escape before the window does).
type dialogEntry struct {
	widget.Entry
	d *Designer
}

func newDialogEntry(d *Designer, multiLine bool) *dialogEntry {
	e := &dialogEntry{d: d}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// entry is the widget.Entry inside, for Ctrl+Z (fieldUndo).
func (e *dialogEntry) entry() *widget.Entry { return &e.Entry }

// TypedKey implements fyne.Focusable: Escape closes the dialog.
func (e *dialogEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.d.escape() {
		return
	}
	e.Entry.TypedKey(k)
}
