package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage/orderfile"
)

// maxOrderFile is the largest order package the app reads: the verifier's
// own limit (the message below names it in MiB).
var maxOrderFile = int(orderfile.DefaultLimits.MaxPackage)

// ImportOrder asks for an order package and recreates its designs in the
// library (File menu).
func (d *Designer) ImportOrder() {
	if why := d.cannotSave(); why != "" {
		d.tell(T("The order cannot be imported"), why)
		return
	}
	if d.export.Import == nil {
		d.tell(T("The order cannot be imported"), T("Orders can be imported once the design library is open."))
		return
	}
	if d.win == nil {
		return
	}
	d.openZip(T("Import an order package"), maxOrderFile, T("The order was not imported"),
		T("%s is larger than any order package (24 MiB)."), d.ImportOrderData)
}

// openZip asks for a .zip (starting in the folder of the last export),
// reads it (at most limit bytes: a larger one is refused with tooBig, a
// format of the file's name) and gives it to use.
func (d *Designer) openZip(title string, limit int, refused, tooBig string, use func(name string, data []byte)) {
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			d.showError(fmt.Errorf(T("the file cannot be opened: %w"), err))
			return
		}
		if r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
		switch {
		case err != nil:
			d.showError(fmt.Errorf(T("%s cannot be read: %w"), r.URI().Name(), err))
		case len(data) > limit:
			d.tell(refused, fmt.Sprintf(tooBig, r.URI().Name()))
		default:
			use(r.URI().Name(), data)
		}
	}, d.win)
	dlg.SetFilter(fynestorage.NewExtensionFileFilter([]string{".zip"}))
	dlg.SetTitleText(title)
	dlg.SetConfirmText(T("Import"))
	if folder := exportFolder(d.prefs); folder != "" {
		if l, err := fynestorage.ListerForURI(fynestorage.NewFileURI(folder)); err == nil {
			dlg.SetLocation(l)
		}
	}
	if sz := d.win.Canvas().Size(); sz.Width > 0 {
		dlg.Resize(fyne.NewSize(min(900, sz.Width-80), min(620, sz.Height-80)))
	}
	dlg.Show()
}

// ImportOrderData verifies an order package (off the UI goroutine) and
// recreates its designs, then says what it made or, in plain words, why
// it did not.
func (d *Designer) ImportOrderData(name string, data []byte) {
	imp := d.export.Import
	if imp == nil {
		return
	}
	var progress dialog.Dialog
	if d.win != nil {
		bar := widget.NewProgressBarInfinite()
		progress = dialog.NewCustomWithoutButtons(Tf("Importing %s", name), container.NewVBox(widget.NewLabel(T("Checking the package and recreating its designs…")), bar), d.win)
		progress.Show()
	}
	go func() {
		got, err := imp(context.Background(), data)
		d.do(func() {
			if progress != nil {
				progress.Hide()
			}
			d.importDone(name, got, err)
		})
	}()
}

func (d *Designer) importDone(name string, got *orderfile.Imported, err error) {
	if d.library != nil {
		d.library.refresh()
	}
	if d.OnImported != nil {
		defer d.OnImported(got, err)
	}
	switch {
	case errors.Is(err, orderfile.ErrNotVerified) && got != nil && got.Report != nil:
		var b strings.Builder
		missingCatalog := false
		for _, f := range got.Report.Findings {
			if f.Severity == "error" {
				fmt.Fprintf(&b, T("• %s: %s\n"), f.Where, f.Message)
				missingCatalog = missingCatalog || strings.Contains(f.Message, "is not available here")
			}
		}
		intro := fmt.Sprintf(T("%s did not pass the checks, so nothing was imported:"), name)
		if missingCatalog {
			intro = fmt.Sprintf(T("%s was made with a catalog version this library does not have, so nothing was imported. Import that catalog first, then the order again."), name)
		}
		d.showLong(T("The order was not imported"), intro, strings.TrimSpace(b.String()), "", nil)
	case err != nil:
		d.showError(fmt.Errorf(T("%s was not imported: %w"), name, err))
	default:
		var b strings.Builder
		for i, x := range got.Designs {
			fmt.Fprintf(&b, T("%d. %s · %s\n"), i+1, x.Name, x.ProductName)
		}
		intro := fmt.Sprintf(T("Order %s: %s recreated in the design library."), got.Report.Number, plural(len(got.Designs), T("design was"), T("designs were")))
		if got.Customer != 0 {
			intro += " " + map[bool]string{true: T("It is linked to the order's customer."), false: T("They are linked to the order's customer.")}[len(got.Designs) == 1]
		}
		if got.ForgottenOn != "" {
			day := got.ForgottenOn
			if t, err := time.Parse(time.DateOnly, day); err == nil {
				day = formatDate(t, "2 January 2006")
			}
			intro += " " + Tf("The customer of this order was forgotten at their request on %s; their name was not imported.", day)
		}
		d.noteAs(intro, widget.SuccessImportance)
		if d.win != nil {
			d.showLong(T("Order imported"), intro, strings.TrimSpace(b.String()), T("Show in the library"), d.ShowLibrary)
		}
	}
}

// showLong shows a message with a list that may be long (it scrolls),
// and an action beside OK if actionText is set.
func (d *Designer) showLong(title, intro, list, actionText string, action func()) {
	d.showOffer(title, intro, list, T("OK"), actionText, action)
}

// showOffer is showLong with the dismiss button's label.
func (d *Designer) showOffer(title, intro, list, dismiss, actionText string, action func()) {
	if d.win == nil {
		d.note(intro + " " + list)
		return
	}
	head := widget.NewLabel(intro)
	head.Wrapping = fyne.TextWrapWord
	body := widget.NewLabel(list)
	body.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(body)
	scroll.SetMinSize(fyne.NewSize(560, min(float32(40+22*strings.Count(list, "\n")), 320)))
	dlg := dialog.NewCustomWithoutButtons(title, container.NewBorder(head, nil, nil, nil, scroll), d.win)
	ok := widget.NewButton(dismiss, dlg.Hide)
	buttons := []fyne.CanvasObject{ok}
	if actionText != "" {
		ok.Importance = widget.MediumImportance
		act := widget.NewButton(actionText, func() {
			dlg.Hide()
			action()
		})
		act.Importance = widget.HighImportance
		buttons = []fyne.CanvasObject{ok, act}
	}
	dlg.SetButtons(buttons)
	dlg.Resize(fyne.NewSize(640, 0))
	dlg.Show()
}
