package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// folderPrefKey is where the folder of the last export is kept.
const folderPrefKey = "order.folder"

// ExportOrder shows the draft order and asks where to export it (Ctrl+E):
// once its lines are read, when the order view has just opened.
func (d *Designer) ExportOrder() {
	d.ShowOrder()
	if v := d.order; len(v.loading) > 0 {
		v.afterLoad = v.chooseFolder
		return
	}
	d.order.chooseFolder()
}

// exportFolder is where the folder dialog starts: the folder of the last
// export, else the user's Documents folder, else their home.
func exportFolder(p fyne.Preferences) string {
	isDir := func(dir string) bool {
		st, err := os.Stat(dir)
		return err == nil && st.IsDir()
	}
	if p != nil {
		if last := p.String(folderPrefKey); last != "" && isDir(last) {
			return last
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if docs := filepath.Join(home, "Documents"); isDir(docs) {
		return docs
	}
	return home
}

// cannotExport says why the order cannot be exported now ("" when it
// can).
func (v *orderView) cannotExport() string {
	d := v.d
	switch {
	case d.cannotSave() != "":
		return d.cannotSave()
	case d.export.Package == nil:
		return T("Orders cannot be exported until the design library is open.")
	case len(d.draft.Lines) == 0:
		return T("The order is empty. Open a design and press “Add to order” first.")
	case v.exporting:
		return T("The order is being exported.")
	}
	for _, r := range v.lines {
		if r.problem != "" {
			return r.problem + " " + T("Remove it from the order first.")
		}
		if r.priced == nil {
			return T("The designs of the order are still being read; try again in a moment.")
		}
	}
	if err := d.dealer.Check(); err != nil {
		return Tf("The dealer settings are not complete: %s. Open Settings › Dealer.", err)
	}
	return ""
}

// chooseFolder asks for the folder to export to, then exports. With the
// demo's dealer settings it warns first: the order would name the demo
// dealer, not the one sending it.
func (v *orderView) chooseFolder() {
	d := v.d
	if why := v.cannotExport(); why != "" {
		d.tell(T("The order cannot be exported yet"), why)
		return
	}
	if d.win == nil {
		return
	}
	if d.dealer.isDemo() {
		v.warnDemoDealer(T("Export with the demo dealer?"), T("Export anyway"), v.askFolder)
		return
	}
	v.askFolder()
}

// isDemo reports whether the dealer settings still name the demo dealer
// the app starts with.
func (s DealerSettings) isDemo() bool {
	demo := DefaultDealerSettings()
	return s.ID == demo.ID || s.ID == "DEMO" || s.Name == demo.Name || s.Name == "Demo dealer"
}

// warnDemoDealer says that the order would go out in the demo dealer's
// name, and offers the settings (the default), going on anyway (then), or
// cancelling (Escape).
func (v *orderView) warnDemoDealer(title, anyway string, then func()) {
	d := v.d
	msg := widget.NewLabel(fmt.Sprintf(T("The dealer settings are still the demo's: this order would be sent as “%s” (%s), and the manufacturer could not tell that it comes from you.\n\nEnter your dealer code and company name in the settings first."), d.dealer.Name, d.dealer.ID))
	msg.Wrapping = fyne.TextWrapWord
	var dlg *dialog.CustomDialog
	settings := func() { dlg.Hide(); d.ShowDealerSettings() }
	cancel := func() { dlg.Hide() }
	open := widget.NewButtonWithIcon(T("Open the dealer settings"), theme.SettingsIcon(), settings)
	open.Importance = widget.HighImportance
	goOn := widget.NewButton(anyway, func() { dlg.Hide(); then() })
	back := widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), cancel)
	dlg = dialog.NewCustomWithoutButtons(title, msg, d.win)
	dlg.SetButtons([]fyne.CanvasObject{goOn, back, open})
	dlg.Resize(fyne.NewSize(560, 0))
	d.showDialog(dlg, cancel, settings)
}

// askFolder asks for the folder to export to, then exports.
func (v *orderView) askFolder() {
	d := v.d
	dlg := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		switch {
		case err != nil:
			d.showError(fmt.Errorf(T("the folder cannot be opened: %w"), err))
		case u != nil:
			v.exportTo(u.Path())
		}
	}, d.win)
	if folder := exportFolder(d.prefs); folder != "" {
		if l, err := fynestorage.ListerForURI(fynestorage.NewFileURI(folder)); err == nil {
			dlg.SetLocation(l)
		}
	}
	dlg.SetTitleText(T("Export the order to this folder"))
	dlg.SetConfirmText(T("Export here"))
	if sz := d.win.Canvas().Size(); sz.Width > 0 {
		dlg.Resize(fyne.NewSize(min(900, sz.Width-80), min(620, sz.Height-80)))
	}
	dlg.Show()
}

// exportTo creates the order in the library, packages it (off the UI
// goroutine, with a progress bar), writes it to folder, records the file
// and its SHA-256, clears the exported lines from the draft and shows
// where the file is.
func (v *orderView) exportTo(folder string) {
	d := v.d
	if why := v.cannotExport(); why != "" {
		d.tell(T("The order cannot be exported yet"), why)
		return
	}
	in, revisions := v.orderInput()
	s := d.orderSettings()
	s.Progress = func(done, total int) { d.do(func() { v.showProgress(done, total) }) }
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	v.setExporting(true)
	v.showProgress(-1, len(in.Lines))
	store, ex := d.store, d.export
	go func() {
		path, number, err := exportOrder(ctx, store, ex, folder, in, s)
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf(T("%w: %w"), errExportCancelled, err)
		}
		d.do(func() {
			cancel()
			v.cancel = nil
			v.finish(folder, path, number, revisions, err)
		})
	}()
}

// exportOrder does the work of an export, off the UI goroutine, through
// orderfile.Export: one recoverable transaction that checks the order, the
// settings and the folder before a number is taken, and never replaces a
// file. It returns the file written (also when recording it failed: the
// next start records it) and the order's number. An order numbered but not
// written is cancelled: its number stays taken, and the draft stays for
// another try.
func exportOrder(ctx context.Context, store Store, ex OrderExport, folder string, in storage.OrderInput, s orderfile.Settings) (path, number string, err error) {
	if ex.Package == nil {
		return "", "", errors.New(T("the design library is not open"))
	}
	if err := loadKey(ex.KeyPath, &s); err != nil {
		return "", "", err
	}
	if err := checkWritable(folder); err != nil {
		return "", "", err
	}
	res, err := orderfile.Export(ctx, store, orderfile.ExportRequest{Order: in, Out: folder, Settings: s, Package: ex.Package})
	number = res.Order.Number
	switch {
	case err == nil:
		return res.Path, number, nil
	case res.Path != "":
		return res.Path, number, fmt.Errorf(T("order %s was written to %s, but the design library could not record it: %w"), number, res.Path, err)
	case number == "":
		return "", "", err
	case errors.Is(err, orderfile.ErrFileExists):
		err = fmt.Errorf(T("there is already a file %s; it was left as it is. Choose another folder"), filepath.Join(folder, orderfile.FileName(number)))
	default:
		err = fmt.Errorf(T("the order file could not be made: %w"), err)
	}
	return "", number, fmt.Errorf(T("%w\n\nOrder number %s was cancelled; your draft order is kept, so you can try again"), err, number)
}

// ExportsRecovered tells what the exports that an earlier run left
// unfinished came to (storage.DB.RecoverExports when the library opens):
// an order whose file was written is now recorded, and its designs leave
// the draft order so that it is not sent twice; an order without its file
// was cancelled, and the draft keeps its designs for another try.
func (d *Designer) ExportsRecovered(done []storage.RecoveredExport) {
	var msgs []string
	for _, r := range done {
		if r.Exported {
			d.draft = d.draft.without(r.Revisions)
			msgs = append(msgs, fmt.Sprintf(T("Order %s was written to %s before Atelier stopped; it is now recorded as exported."), r.Number, r.Path))
		} else {
			msgs = append(msgs, fmt.Sprintf(T("The export of order %s was interrupted when Atelier stopped; the order was cancelled, and your draft order is kept."), r.Number))
		}
	}
	if len(msgs) == 0 {
		return
	}
	d.saveDraft()
	d.refreshOrder()
	d.note(strings.Join(msgs, " "))
}

// errExportCancelled: the user cancelled an export. Its text is
// translated when it is shown: translating it when the package starts
// would fix it in English (the language is chosen later) and make Fyne log
// a missing translation on German systems.
var errExportCancelled error = exportCancelled{}

type exportCancelled struct{}

func (exportCancelled) Error() string { return T("the export was cancelled") }

// checkWritable says, in plain words, why a folder cannot take a file.
func checkWritable(folder string) error {
	st, err := os.Stat(folder)
	if err != nil || !st.IsDir() {
		return fmt.Errorf(T("the folder %s does not exist"), folder)
	}
	f, err := os.CreateTemp(folder, ".atelier-write-test-*")
	if err != nil {
		return fmt.Errorf(T("the folder %s cannot be written to; choose another one"), folder)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// setExporting locks the order while it is exported.
func (v *orderView) setExporting(on bool) {
	v.exporting = on
	for _, r := range v.lines {
		if on {
			r.disable()
		} else {
			r.qty.Enable()
			r.minus.Enable()
			r.plus.Enable()
			r.discount.Enable()
			r.remove.Enable()
		}
	}
	if on {
		v.progress.SetValue(0)
		v.progress.Show()
		v.step.Show()
		v.cancelBn.Show()
		v.exportBn.Hide()
	} else {
		v.progress.Hide()
		v.step.Hide()
		v.cancelBn.Hide()
		v.exportBn.Show()
	}
	v.reprice()
}

// showProgress shows how far the export is (done < 0: starting).
func (v *orderView) showProgress(done, total int) {
	if !v.exporting {
		return
	}
	switch {
	case done < 0:
		v.progress.SetValue(0)
		v.step.SetText(T("Numbering the order…"))
	case done < total:
		v.progress.SetValue(0.9 * float64(done) / float64(max(total, 1)))
		v.step.SetText(fmt.Sprintf(T("Pricing and drawing design %d of %d…"), done+1, total))
	default:
		v.progress.SetValue(0.95)
		v.step.SetText(T("Signing and writing the file…"))
	}
}

// finish ends an export on the UI goroutine.
func (v *orderView) finish(folder, path, number string, revisions []int64, err error) {
	d := v.d
	if path != "" {
		v.progress.SetValue(1)
		d.draft = d.draft.without(revisions)
		d.saveDraft()
		if d.prefs != nil {
			d.prefs.SetString(folderPrefKey, folder)
		}
		for _, l := range v.lines {
			if slices.Contains(revisions, l.line.RevisionID) && l.line.Design == d.doc.id {
				d.doc.status = storage.Ordered // a later save keeps it ordered
			}
		}
	}
	v.setExporting(false)
	d.refreshOrder()
	switch {
	case errors.Is(err, errExportCancelled):
		d.note(T("The export was cancelled; the order number was kept and the draft order is unchanged."))
	case err != nil && path == "":
		d.showError(fmt.Errorf(T("the order was not exported: %w"), err))
	case err != nil:
		d.showError(err)
	default:
		v.showResult(number, path)
	}
	if d.OnExported != nil {
		d.OnExported(path, err)
	}
}

// showResult says where the order file is, with a button to copy its
// path.
func (v *orderView) showResult(number, path string) {
	d := v.d
	if d.win == nil {
		d.note(fmt.Sprintf(T("Order %s was exported to %s"), number, path))
		return
	}
	intro := widget.NewLabel(fmt.Sprintf(T("Order %s is signed and ready to send to %s:"), number, d.cat.Manufacturer.Name))
	intro.Wrapping = fyne.TextWrapWord
	file := widget.NewLabelWithStyle(path, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	file.Wrapping = fyne.TextWrapBreak
	file.Selectable = true
	var dlg *dialog.CustomDialog
	var copyBtn *widget.Button
	copyBtn = widget.NewButtonWithIcon(T("Copy path"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(path)
		copyBtn.SetText(T("Copied"))
		copyBtn.SetIcon(theme.ConfirmIcon())
	})
	done := widget.NewButton(T("Done"), func() { dlg.Hide() })
	done.Importance = widget.HighImportance
	body := container.NewVBox(intro, file)
	dlg = dialog.NewCustomWithoutButtons(T("Order exported"), body, d.win)
	dlg.SetButtons([]fyne.CanvasObject{copyBtn, done})
	dlg.Resize(fyne.NewSize(620, 0))
	d.showDialog(dlg, dlg.Hide, dlg.Hide) // Escape and Return: Done (not Copy path)
}
