package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// hashDealerPIN hashes a new dealer PIN (tests hash more cheaply).
var hashDealerPIN = HashPIN

// askFirstPIN asks the dealer to choose the PIN that leaves showroom mode,
// the first time showroom mode starts: there is no default PIN a customer
// could guess. The PIN is typed twice; Return goes from the first field to
// the second and submits there. then runs once the PIN is kept.
func (d *Designer) askFirstPIN(then func()) {
	if d.win == nil {
		d.note(T("Set the dealer PIN in Settings › Showroom first: it is asked for to leave showroom mode."))
		return
	}
	pin := widget.NewPasswordEntry()
	again := widget.NewPasswordEntry()
	problem := widget.NewLabel("")
	problem.Wrapping = fyne.TextWrapWord
	problem.Importance = widget.DangerImportance
	problem.Hide()
	intro := widget.NewLabel(T("Showroom mode hands this screen to your customers. Leaving it needs the dealer PIN: choose one now. There is no default PIN."))
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		&widget.FormItem{Text: T("New PIN"), Widget: pin, HintText: T("4 to 12 digits")},
		widget.NewFormItem(T("Again"), again))
	var dlg *dialog.CustomDialog
	submit := func() {
		switch {
		case CheckPIN(pin.Text) != nil:
			problem.SetText(T("A PIN has 4 to 12 digits, and nothing else."))
		case pin.Text != again.Text:
			problem.SetText(T("The two new PINs differ."))
		default:
			dlg.Hide()
			d.keepDealerPIN(pin.Text, then, nil)
			return
		}
		problem.Show()
		pin.SetText("")
		again.SetText("")
		d.win.Canvas().Focus(pin)
	}
	pin.OnSubmitted = func(string) { d.win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { submit() }
	cancel := widget.NewButton(T("Cancel"), func() { dlg.Hide() })
	set := widget.NewButton(T("Set the PIN"), submit)
	set.Importance = widget.HighImportance
	dlg = dialog.NewCustomWithoutButtons(T("Set the dealer PIN"), container.NewVBox(intro, form, problem), d.win)
	dlg.SetButtons([]fyne.CanvasObject{cancel, set})
	dlg.Resize(fyne.NewSize(480, 0))
	dlg.Show()
	d.win.Canvas().Focus(pin)
}

// keepDealerPIN hashes a new dealer PIN (off the UI goroutine: it takes a
// moment), keeps it in the settings, then runs then; done runs either way
// (nil: nothing to do).
func (d *Designer) keepDealerPIN(pin string, then, done func()) {
	go func() {
		hash, err := hashDealerPIN(pin)
		d.do(func() {
			if done != nil {
				done()
			}
			if err != nil {
				d.showError(fmt.Errorf(T("the PIN was not set: %w"), err))
				return
			}
			a := d.app
			a.Showroom.PIN = hash
			d.SetAppSettings(a)
			d.note(T("The dealer PIN is set."))
			if then != nil {
				then()
			}
		})
	}()
}
