package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/safefile"
)

// Host is what the app around the designer provides: where its files
// are, how to back up the library, how to start again (main fills it).
type Host struct {
	DataDir    string // the app's data folder (the dealer's logo lives here)
	DBPath     string // the design library
	BackupDir  string
	AppVersion string
	// Backup writes a snapshot of the library into BackupDir and returns
	// its path; it stops when ctx is cancelled.
	Backup func(ctx context.Context) (string, error)
	// Restart starts Atelier again (after the window has closed).
	Restart func()
	// Trusted are the manufacturers' keys catalogs are checked against
	// (by manufacturer).
	Trusted map[string]sign.PublicKey
}

// Host is what the designer knows of the app around it.
func (d *Designer) Host() Host { return d.host }

// SetHost tells the designer about the app around it.
func (d *Designer) SetHost(h Host) {
	d.host = h
	d.logo = readLogo(h.DataDir)
}

// logoFile is the dealer's logo in the data folder.
func logoFile(dir string) string { return filepath.Join(dir, "dealer-logo") }

func readLogo(dir string) []byte {
	if dir == "" {
		return nil
	}
	data, err := os.ReadFile(logoFile(dir))
	if err != nil || orderfile.CheckLogo(data) != nil {
		return nil
	}
	return data
}

// settingsView is the settings screen: the dealer's identity and logo,
// their prices, the display (units, language, theme), the showroom and
// the data. The dealer's fields are saved together (Save, Revert); the
// display and showroom choices apply at once.
type settingsView struct {
	d       *Designer
	content fyne.CanvasObject

	id, name, email, phone, vat, payment *widget.Entry
	address                              *widget.Entry
	discount, adjust, tax                *widget.Entry
	groups                               map[string]*widget.Entry
	logo                                 []byte // as chosen, not yet saved
	logoPic                              *canvas.Image
	logoNote                             *widget.Label
	removeLogo                           *widget.Button
	saveBtn, revertBtn                   *widget.Button
	problem                              *widget.Label

	units, themes   *widget.RadioGroup
	language        *widget.Select
	restartNote     *fyne.Container
	pinBtn          *widget.Button
	idle, countdown *widget.Select
	showroomBtn     *widget.Button
	backupBtn       *widget.Button
	learn           *widget.Check // learn from the shop's designs to recommend options
	backupNote      *widget.Label
	backupBar       *widget.ProgressBarInfinite
	cancelBackup    context.CancelFunc
	syncing         bool
	languageAtStart string
	tabs            *container.AppTabs
	shop            *shopSettings
	sshKey          *sshKeyBox
	OnBackedUp      func(path string, err error) // tests
}

// ShowSettings shows the settings (also File → Dealer settings).
func (d *Designer) ShowSettings() {
	if d.settings == nil {
		d.settings = newSettingsView(d)
		d.screens[screenSettings] = screenOf{content: d.settings.content, shown: func() {
			d.settings.load()
			d.settings.sshKey.load()
		}}
	}
	d.show(screenSettings)
}

// ShowDealerSettings shows the settings, at the dealer's.
func (d *Designer) ShowDealerSettings() { d.ShowSettings() }

func newSettingsView(d *Designer) *settingsView {
	v := &settingsView{d: d, groups: map[string]*widget.Entry{}, languageAtStart: d.app.Language}
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { v.changed() }
		return e
	}
	v.id = entry(T("e.g. MEYER"))
	v.id.Validator = func(s string) error {
		if !dealerCode.MatchString(strings.TrimSpace(s)) {
			return errors.New(T("1–32 letters, digits, dots, dashes or underscores"))
		}
		return nil
	}
	v.name = entry(T("Your company's name"))
	v.name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(T("a name is needed"))
		}
		return nil
	}
	v.address = widget.NewMultiLineEntry()
	v.address.SetPlaceHolder(T("Street\nPostcode and town"))
	v.address.SetMinRowsVisible(2)
	v.address.OnChanged = func(string) { v.changed() }
	v.email = entry("orders@example.com")
	v.phone = entry("")
	v.vat = entry(T("e.g. DE123456789"))
	v.payment = entry(T("e.g. 30% on order, the rest on delivery"))
	percent := func(check func(decimal.Decimal) error, optional bool) *widget.Entry {
		e := entry("")
		e.Validator = func(t string) error {
			if optional && strings.TrimSpace(t) == "" {
				return nil
			}
			p, err := parsePercent(t)
			if err != nil {
				return err
			}
			return check(p)
		}
		return e
	}
	between := func(p decimal.Decimal) error {
		if p.IsNegative() || p.GreaterThan(hundred) {
			return errors.New(T("between 0 and 100"))
		}
		return nil
	}
	v.discount = percent(between, false)
	v.adjust = percent(func(p decimal.Decimal) error {
		if p.LessThan(hundred.Neg()) {
			return errors.New(T("at most 100% off"))
		}
		return nil
	}, false)
	v.tax = percent(between, false)
	for _, g := range d.cat.PriceGroups {
		e := percent(between, true)
		e.SetPlaceHolder(T("as the dealer discount"))
		v.groups[g.ID] = e
	}

	// The logo.
	v.logoPic = canvas.NewImageFromImage(nil)
	v.logoPic.FillMode = canvas.ImageFillContain
	v.logoPic.SetMinSize(fyne.NewSize(200, 64))
	v.logoNote = widget.NewLabel("")
	v.logoNote.SizeName = theme.SizeNameCaptionText
	choose := widget.NewButtonWithIcon(T("Choose…"), theme.FileImageIcon(), v.chooseLogo)
	v.removeLogo = widget.NewButtonWithIcon(T("Remove"), theme.DeleteIcon(), func() {
		v.setLogo(nil)
		v.changed()
	})
	logoRow := container.NewHBox(container.NewStack(canvasBox(), v.logoPic), container.NewVBox(container.NewHBox(choose, v.removeLogo), v.logoNote))

	dealer := widget.NewForm(
		&widget.FormItem{Text: T("Dealer id"), Widget: v.id, HintText: T("Your code with the manufacturer; it numbers your orders")},
		&widget.FormItem{Text: T("Name"), Widget: v.name},
		&widget.FormItem{Text: T("Address"), Widget: v.address},
		&widget.FormItem{Text: T("E-mail"), Widget: v.email},
		&widget.FormItem{Text: T("Phone"), Widget: v.phone},
		&widget.FormItem{Text: T("VAT id"), Widget: v.vat},
		&widget.FormItem{Text: T("Logo"), Widget: logoRow, HintText: T("On your customers' quotes: PNG or JPEG")},
		&widget.FormItem{Text: T("Payment terms"), Widget: v.payment, HintText: T("Printed on the customer's quote")},
	)
	prices := widget.NewForm(&widget.FormItem{Text: T("Dealer discount %"), Widget: v.discount, HintText: T("What the manufacturer takes off the list price for you")})
	for _, g := range d.cat.PriceGroups {
		prices.Append(Tf("… on %s %%", d.text(g.Name)), v.groups[g.ID])
	}
	prices.AppendItem(&widget.FormItem{Text: T("Markup / discount %"), Widget: v.adjust, HintText: T("On the list price for your customer: +10 adds 10%, -5 gives 5% off, 0 sells at list")})
	prices.AppendItem(&widget.FormItem{Text: T("Tax rate %"), Widget: v.tax})

	v.problem = widget.NewLabel("")
	v.problem.Importance = widget.DangerImportance
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Hide()
	v.saveBtn = widget.NewButtonWithIcon(T("Save"), theme.DocumentSaveIcon(), v.save)
	v.saveBtn.Importance = widget.HighImportance
	v.revertBtn = widget.NewButtonWithIcon(T("Revert"), theme.ContentUndoIcon(), v.load)

	// Display.
	v.units = widget.NewRadioGroup([]string{T("Millimetres"), T("Inches")}, func(s string) { v.displayChanged() })
	v.units.Horizontal = true
	v.units.Required = true
	v.language = widget.NewSelect([]string{T("As the system"), T("English"), T("Deutsch")}, func(string) { v.displayChanged() })
	restart := widget.NewButtonWithIcon(T("Restart now"), theme.ViewRefreshIcon(), d.restart)
	v.restartNote = container.NewHBox(widget.NewLabel(T("Applies when Atelier starts again.")), restart)
	v.restartNote.Hide()
	v.themes = widget.NewRadioGroup([]string{T("As the system"), T("Light"), T("Dark")}, func(string) { v.displayChanged() })
	v.themes.Horizontal = true
	v.themes.Required = true
	display := widget.NewForm(
		&widget.FormItem{Text: T("Lengths"), Widget: v.units, HintText: T("How sizes are shown; catalogs and orders stay in millimetres")},
		&widget.FormItem{Text: T("Language"), Widget: container.NewVBox(v.language, v.restartNote), HintText: T("Of the app, and of catalog texts where the catalog has them")},
		&widget.FormItem{Text: T("Theme"), Widget: v.themes},
	)

	// Showroom.
	v.pinBtn = widget.NewButtonWithIcon(T("Set the PIN…"), theme.AccountIcon(), v.askPIN)
	v.idle = widget.NewSelect([]string{T("1 minute"), T("2 minutes"), T("5 minutes"), T("10 minutes")}, func(string) { v.showroomChanged() })
	v.countdown = widget.NewSelect([]string{T("10 seconds"), T("20 seconds"), T("30 seconds")}, func(string) { v.showroomChanged() })
	v.showroomBtn = widget.NewButtonWithIcon(T("Start showroom mode"), theme.ComputerIcon(), d.StartShowroom)
	v.showroomBtn.Importance = widget.HighImportance
	showroom := widget.NewForm(
		&widget.FormItem{Text: T("Dealer PIN"), Widget: container.NewHBox(v.pinBtn), HintText: T("Needed to leave showroom mode; kept hashed")},
		&widget.FormItem{Text: T("Idle after"), Widget: v.idle, HintText: T("Without a touch for this long, a countdown starts; then the session is wiped")},
		&widget.FormItem{Text: T("Countdown"), Widget: v.countdown},
		&widget.FormItem{Text: "", Widget: container.NewHBox(v.showroomBtn)},
	)

	// Data.
	v.backupBtn = widget.NewButtonWithIcon(T("Back up now"), theme.DownloadIcon(), v.backup)
	v.backupNote = widget.NewLabel("")
	v.backupNote.Wrapping = fyne.TextWrapWord
	v.backupBar = widget.NewProgressBarInfinite()
	v.backupBar.Stop()
	v.backupBar.Hide()
	libPath := widget.NewLabel(d.host.DBPath)
	libPath.Wrapping = fyne.TextWrapBreak
	libPath.Selectable = true
	version := d.host.AppVersion
	if version == "" {
		version = "dev"
	}
	// Recommendations: learned on this computer; the dealer may switch
	// them off (a preference of this computer).
	v.learn = widget.NewCheck(T("Learn from this shop's designs to recommend options"), func(on bool) {
		if v.syncing {
			return
		}
		a := v.d.app
		a.NoLearning = !on
		v.d.SetAppSettings(a)
	})
	data := widget.NewForm(
		&widget.FormItem{Text: T("Design library"), Widget: libPath},
		&widget.FormItem{Text: T("Recommendations"), Widget: v.learn,
			HintText: T("Marks the option chosen most often with the customer's choices, and offers Complete it for me. Nothing leaves this computer.")},
		&widget.FormItem{Text: T("Backups"), Widget: container.NewVBox(container.NewHBox(v.backupBtn), v.backupBar, v.backupNote),
			HintText: T("A snapshot is made every day; the last 7 are kept beside the library")},
		&widget.FormItem{Text: T("Version"), Widget: widget.NewLabel("Atelier " + version)},
	)

	page := func(intro string, body ...fyne.CanvasObject) fyne.CanvasObject {
		note := widget.NewLabel(intro)
		note.Wrapping = fyne.TextWrapWord
		col := container.NewVBox(append([]fyne.CanvasObject{note}, body...)...)
		return container.NewVScroll(container.NewPadded(container.NewHBox(layout.NewSpacer(), container.New(&maxWidth{w: 780}, col), layout.NewSpacer())))
	}
	v.shop = newShopSettings(d)
	v.sshKey = newSSHKeyBox(d)
	dealer.AppendItem(v.sshKey.item)
	v.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(T("Dealer"), theme.AccountIcon(), page(T("Who you are: on every order and every customer's quote."), dealer)),
		container.NewTabItemWithIcon(T("Prices"), theme.ListIcon(), page(T("Your terms with the manufacturer, and with your customers."), prices)),
		container.NewTabItemWithIcon(T("Display"), theme.ColorPaletteIcon(), page(T("How Atelier looks on this computer."), display)),
		container.NewTabItemWithIcon(T("Showroom"), theme.ComputerIcon(), page(T("A customer-facing screen for the shop: full screen, big controls, customer prices only, and a fresh start for every customer."), showroom)),
		container.NewTabItemWithIcon(T("Data"), theme.StorageIcon(), page(T("Everything stays on this computer: designs, customers and orders live in one file, with daily backups beside it."), data)),
		container.NewTabItemWithIcon(T("Shop"), theme.ViewRefreshIcon(), page(T("A shop of several computers — laptops, showroom and office — shares designs, customers and orders through the shop's own PostgreSQL server. Each computer keeps working offline and catches up when it is back."), v.shop.box)),
	)
	heading := widget.NewLabelWithStyle(T("Settings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	// Save and Revert for the dealer's identity and prices, below their
	// tabs.
	bar := container.NewVBox(widget.NewSeparator(), container.NewPadded(container.NewBorder(nil, nil, nil,
		container.NewHBox(v.revertBtn, v.saveBtn), v.problem)))
	v.tabs.OnSelected = func(t *container.TabItem) {
		if i := v.tabs.SelectedIndex(); i <= 1 {
			bar.Show()
		} else {
			bar.Hide()
		}
	}
	v.content = container.NewBorder(container.NewPadded(heading), bar, nil, nil, v.tabs)
	v.load()
	return v
}

// canvasBox is the frame behind the logo.
func canvasBox() fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.CornerRadius = theme.InputRadiusSize()
	r.SetMinSize(fyne.NewSize(200, 64))
	return r
}

// maxWidth lays its objects out in a column no wider than w.
type maxWidth struct{ w float32 }

// Layout implements fyne.Layout.
func (m *maxWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize implements fyne.Layout: as wide as w (or the widest object).
func (m *maxWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(max(s.Width, m.w), s.Height)
}

// load shows the settings as they are kept.
func (v *settingsView) load() {
	d := v.d
	s := d.dealer
	v.syncing = true
	v.id.SetText(s.ID)
	v.name.SetText(s.Name)
	v.address.SetText(s.Address)
	v.email.SetText(s.Email)
	v.phone.SetText(s.Phone)
	v.vat.SetText(s.VATID)
	v.payment.SetText(s.PaymentTerms)
	v.discount.SetText(percentText(s.DealerDiscount, false))
	v.adjust.SetText(percentText(s.Adjust, true))
	v.tax.SetText(percentText(s.TaxRate, false))
	for g, e := range v.groups {
		e.SetText("")
		if p, ok := s.GroupDiscounts[g]; ok {
			e.SetText(percentText(p, false))
		}
	}
	v.setLogo(d.logo)
	a := d.app
	v.units.SetSelected(map[string]string{"in": T("Inches")}[a.Units])
	if a.Units != "in" {
		v.units.SetSelected(T("Millimetres"))
	}
	v.language.SetSelected(map[string]string{"": T("As the system"), "en": T("English"), "de": T("Deutsch")}[a.Language])
	v.themes.SetSelected(map[string]string{"": T("As the system"), "light": T("Light"), "dark": T("Dark")}[a.Theme])
	v.idle.SetSelectedIndex(max(slices.Index([]int{60, 120, 300, 600}, a.Showroom.IdleSeconds), 1))
	v.countdown.SetSelectedIndex(max(slices.Index([]int{10, 20, 30}, a.Showroom.CountdownSeconds), 1))
	v.learn.SetChecked(!a.NoLearning)
	v.showPIN()
	v.syncing = false
	v.problem.Hide()
	v.changed()
	v.backupBtn.Disable()
	if d.host.Backup != nil && d.store != nil {
		v.backupBtn.Enable()
	}
}

func (v *settingsView) showPIN() {
	if v.d.app.Showroom.PIN == "" {
		v.pinBtn.SetText(T("Set the PIN…"))
		v.showroomBtn.Disable()
	} else {
		v.pinBtn.SetText(T("Change the PIN…"))
		v.showroomBtn.Enable()
	}
}

// setLogo shows a logo (nil: none).
func (v *settingsView) setLogo(data []byte) {
	v.logo = data
	v.logoPic.Image = nil
	v.logoPic.Resource = nil
	v.removeLogo.Disable()
	v.logoNote.SetText(T("No logo: the quote starts with your name."))
	if data != nil {
		if img, _, err := image.Decode(bytes.NewReader(data)); err == nil {
			v.logoPic.Image = img
			b := img.Bounds()
			v.logoNote.SetText(fmt.Sprintf(T("%d × %d pixels"), b.Dx(), b.Dy()))
			v.removeLogo.Enable()
		}
	}
	v.logoPic.Refresh()
}

// form reads the dealer's fields (and says what is wrong).
func (v *settingsView) form() (DealerSettings, error) {
	for _, e := range []*widget.Entry{v.id, v.name, v.discount, v.adjust, v.tax} {
		if err := e.Validate(); err != nil {
			return DealerSettings{}, err
		}
	}
	s := DealerSettings{ID: strings.ToUpper(strings.TrimSpace(v.id.Text)), Name: strings.TrimSpace(v.name.Text),
		Address: strings.TrimSpace(v.address.Text), Email: strings.TrimSpace(v.email.Text), Phone: strings.TrimSpace(v.phone.Text),
		VATID: strings.TrimSpace(v.vat.Text), PaymentTerms: strings.TrimSpace(v.payment.Text)}
	s.DealerDiscount, _ = parsePercent(v.discount.Text)
	s.Adjust, _ = parsePercent(v.adjust.Text)
	s.TaxRate, _ = parsePercent(v.tax.Text)
	// Discounts for price groups of other catalogs are kept.
	for g, p := range v.d.dealer.GroupDiscounts {
		if v.groups[g] == nil {
			if s.GroupDiscounts == nil {
				s.GroupDiscounts = map[string]decimal.Decimal{}
			}
			s.GroupDiscounts[g] = p
		}
	}
	for g, e := range v.groups {
		if err := e.Validate(); err != nil {
			return DealerSettings{}, err
		}
		if strings.TrimSpace(e.Text) == "" {
			continue
		}
		if s.GroupDiscounts == nil {
			s.GroupDiscounts = map[string]decimal.Decimal{}
		}
		s.GroupDiscounts[g], _ = parsePercent(e.Text)
	}
	return s, s.Check()
}

// changed enables Save and Revert when the fields differ from what is
// kept.
func (v *settingsView) changed() {
	if v.syncing || v.saveBtn == nil {
		return
	}
	s, err := v.form()
	kept := v.d.dealer
	same := err == nil && s.ID == kept.ID && s.Name == kept.Name && s.Address == kept.Address && s.Email == kept.Email &&
		s.Phone == kept.Phone && s.VATID == kept.VATID && s.PaymentTerms == kept.PaymentTerms &&
		s.DealerDiscount.Equal(kept.DealerDiscount) && s.Adjust.Equal(kept.Adjust) && s.TaxRate.Equal(kept.TaxRate) &&
		maps.EqualFunc(s.GroupDiscounts, kept.GroupDiscounts, decimal.Decimal.Equal) && bytes.Equal(v.logo, v.d.logo)
	setEnabled(v.saveBtn, !same)
	setEnabled(v.revertBtn, !same)
}

// save keeps the dealer's settings and logo.
func (v *settingsView) save() {
	d := v.d
	s, err := v.form()
	if err != nil {
		v.problem.SetText(Tf("Not saved: %s.", err))
		v.problem.Show()
		return
	}
	v.problem.Hide()
	if !bytes.Equal(v.logo, d.logo) {
		if err := writeLogo(d.host.DataDir, v.logo); err != nil {
			d.showError(fmt.Errorf(T("the logo could not be kept: %w"), err))
			return
		}
		d.logo = v.logo
	}
	d.SetDealer(s)
	v.changed()
	d.note(T("The dealer settings were saved."))
}

// writeLogo keeps the logo in the data folder (nil removes it).
func writeLogo(dir string, data []byte) error {
	if dir == "" {
		return errors.New(T("there is no data folder"))
	}
	path := logoFile(dir)
	if data == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return safefile.Write(path, data, 0o600)
}

// chooseLogo asks for a picture.
func (v *settingsView) chooseLogo() {
	d := v.d
	if d.win == nil {
		return
	}
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, 8<<20))
		if err == nil {
			err = orderfile.CheckLogo(data)
		}
		if err != nil {
			d.showError(fmt.Errorf(T("%s cannot be the logo: %w"), r.URI().Name(), err))
			return
		}
		v.setLogo(data)
		v.changed()
	}, d.win)
	dlg.SetFilter(fynestorage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	dlg.SetTitleText(T("Choose your logo"))
	dlg.Show()
}

// SetLogo sets the dealer's logo as if chosen (tests).
func (v *settingsView) SetLogo(data []byte) error {
	if err := orderfile.CheckLogo(data); err != nil {
		return err
	}
	v.setLogo(data)
	v.changed()
	return nil
}

// displayChanged applies the units, language and theme at once.
func (v *settingsView) displayChanged() {
	if v.syncing {
		return
	}
	d := v.d
	a := d.app
	a.Units = "mm"
	if v.units.Selected == T("Inches") {
		a.Units = "in"
	}
	a.Language = []string{"", "en", "de"}[max(v.language.SelectedIndex(), 0)]
	a.Theme = map[string]string{T("Light"): "light", T("Dark"): "dark"}[v.themes.Selected]
	if a.Language != v.languageAtStart {
		v.restartNote.Show()
	} else {
		v.restartNote.Hide()
	}
	d.SetAppSettings(a)
}

// showroomChanged keeps the idle time and countdown.
func (v *settingsView) showroomChanged() {
	if v.syncing {
		return
	}
	a := v.d.app
	a.Showroom.IdleSeconds = []int{60, 120, 300, 600}[max(v.idle.SelectedIndex(), 0)]
	a.Showroom.CountdownSeconds = []int{10, 20, 30}[max(v.countdown.SelectedIndex(), 0)]
	v.d.SetAppSettings(a)
}

// askPIN asks for a new PIN twice (and the old one, if there is one).
func (v *settingsView) askPIN() {
	d := v.d
	if d.win == nil {
		return
	}
	old := widget.NewPasswordEntry()
	pin := widget.NewPasswordEntry()
	again := widget.NewPasswordEntry()
	pin.Validator = CheckPIN
	items := []*widget.FormItem{}
	had := d.app.Showroom.PIN != ""
	if had {
		items = append(items, widget.NewFormItem(T("Current PIN"), old))
	}
	items = append(items, &widget.FormItem{Text: T("New PIN"), Widget: pin, HintText: T("4 to 12 digits")}, widget.NewFormItem(T("Again"), again))
	dlg := dialog.NewForm(T("Dealer PIN"), T("Set the PIN"), T("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		switch {
		case had && !PINMatches(d.app.Showroom.PIN, old.Text):
			d.tell(T("The PIN was not changed"), T("The current PIN is not right."))
			return
		case pin.Text != again.Text:
			d.tell(T("The PIN was not changed"), T("The two new PINs differ."))
			return
		}
		v.setPIN(pin.Text)
	}, d.win)
	dlg.Resize(fyne.NewSize(440, 0))
	dlg.Show()
}

// setPIN hashes and keeps a new PIN (the hashing takes a moment: off the
// UI goroutine).
func (v *settingsView) setPIN(pin string) {
	v.pinBtn.Disable()
	v.d.keepDealerPIN(pin, v.showPIN, v.pinBtn.Enable)
}

// backup writes a snapshot of the library now, with a bar and a way to
// cancel.
func (v *settingsView) backup() {
	d := v.d
	if v.cancelBackup != nil {
		v.cancelBackup()
		return
	}
	if d.host.Backup == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancelBackup = cancel
	v.backupBtn.SetText(T("Cancel the backup"))
	v.backupBtn.SetIcon(theme.CancelIcon())
	v.backupBar.Show()
	v.backupBar.Start()
	v.backupNote.SetText(T("Backing up…"))
	backup := d.host.Backup
	go func() {
		path, err := backup(ctx)
		d.do(func() {
			cancel()
			v.cancelBackup = nil
			v.backupBar.Stop()
			v.backupBar.Hide()
			v.backupBtn.SetText(T("Back up now"))
			v.backupBtn.SetIcon(theme.DownloadIcon())
			switch {
			case err != nil && ctx.Err() != nil:
				v.backupNote.SetText(T("The backup was cancelled; nothing was written."))
			case err != nil:
				v.backupNote.SetText("")
				d.showError(fmt.Errorf(T("the backup was not made: %w"), err))
			default:
				v.backupNote.SetText(Tf("Backed up to %s", path))
			}
			if v.OnBackedUp != nil {
				v.OnBackedUp(path, err)
			}
		})
	}()
}

// SetAppSettings changes the display and showroom settings: the theme and
// units apply at once, and they are kept in the preferences.
func (d *Designer) SetAppSettings(a AppSettings) {
	unitsChanged := a.Units != d.app.Units
	themeChanged := a.Theme != d.app.Theme
	learningChanged := a.NoLearning != d.app.NoLearning
	d.app = a
	if learningChanged {
		d.recommendationsChanged()
	}
	a.Save(d.prefs)
	if themeChanged {
		if app := fyne.CurrentApp(); app != nil {
			app.Settings().SetTheme(AppTheme(a.Theme))
		}
	}
	if unitsChanged && d.product != nil {
		d.preview.SetInches(a.Units == "in")
		d.buildOptions()
		d.showConfig(d.config)
		if d.domains != nil {
			for id, c := range d.controls {
				if fd := d.domains.Feature(id); fd != nil && c.avail != nil {
					c.avail(fd)
				}
			}
		}
	}
}

// AppSettings are the display and showroom settings in use.
func (d *Designer) AppSettings() AppSettings { return d.app }

// restart starts Atelier again, after asking to save.
func (d *Designer) restart() {
	if d.host.Restart == nil || d.win == nil {
		return
	}
	d.ConfirmClose(func() {
		d.host.Restart()
		d.win.Close()
	})
}
