package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage"
)

// Showroom is the customer-facing mode for a shared screen in a shop: full
// screen, large touch-friendly controls, the customer's price only (no
// dealer net, no margin, no other customers: the dealer's screens and
// menus are gone). It has a designer of its own, made afresh for every
// customer: after a while without a touch a countdown shows, then the
// session is wiped and the attract screen comes back. "Send to dealer"
// saves the design into the dealer's queue under a short code shown on
// screen (and as a QR code). Leaving needs the dealer's PIN.
type Showroom struct {
	dealer  *Designer // the dealer's designer, untouched behind the showroom
	sd      *Designer // this customer's designer
	content fyne.CanvasObject
	stack   *fyne.Container

	attract  fyne.CanvasObject
	attractP *canvas.Image // the product shown on the attract screen
	chooser  *chooser
	design   fyne.CanvasObject
	sendBtn  *widget.Button
	// needsHost shows the needs-based questions (needs.go) of the
	// product just opened in place of its options (the preview beside
	// them); options is the options column it covers.
	needsHost *fyne.Container
	options   fyne.CanvasObject
	needs     *needsFlow

	now        func() time.Time
	lastTouch  time.Time
	countdown  *widget.PopUp // nil unless counting down
	countText  *widget.Label
	popup      *widget.PopUp // the open send or PIN dialog
	codeCount  *widget.Label // the countdown's line on the open code dialog, or nil
	stop       chan struct{}
	stopOnce   sync.Once
	wrongPINs  int
	windowSize fyne.Size // the dealer's window before full screen
	lockedTo   time.Time
	pictures   []image.Image // the products, for the attract screen
	shown      int           // which of them the attract screen shows

	// OnSent and OnWiped, if set, are called on the UI goroutine after a
	// design was sent (or failed to be) and after a session was wiped
	// (tests use them).
	OnSent  func(storage.QueueEntry, error)
	OnWiped func()
}

// Showroom is the running showroom (nil in dealer mode).
func (d *Designer) Showroom() *Showroom { return d.showroom }

// StartShowroom hands the window to the customer-facing mode (it needs a
// dealer PIN, to leave it again).
func (d *Designer) StartShowroom() {
	switch {
	case d.showroom != nil:
		return
	case d.store == nil:
		d.tell(T("Showroom mode is not available"), d.noLibrary())
		return
	case d.app.Showroom.PIN == "":
		// There is no default PIN a customer could guess: the dealer
		// chooses one first.
		d.askFirstPIN(d.StartShowroom)
		return
	}
	d.whenDiscarded(func() { d.startShowroom(time.Now) }, nil)
}

func (d *Designer) startShowroom(now func() time.Time) *Showroom {
	s := &Showroom{dealer: d, now: now, stop: make(chan struct{})}
	d.showroom = s
	s.stack = container.NewStack()
	s.newSession()
	s.content = container.NewThemeOverride(s.stack, showroomTheme{})
	if d.win != nil {
		s.windowSize = d.win.Canvas().Size()
		d.win.SetMainMenu(nil)
		d.win.SetContent(s.content)
		d.win.SetFullScreen(true)
		d.win.Canvas().SetOnTypedKey(s.typedKey)
		d.win.Canvas().SetOnTypedRune(func(rune) { s.touch() })
	}
	go s.run()
	return s
}

// run ticks the idle clock until the showroom ends.
func (s *Showroom) run() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.dealer.do(s.tick)
		}
	}
}

// newSession starts a customer's session: a new designer (nothing of the
// last customer's survives), the attract screen.
func (s *Showroom) newSession() {
	d := s.dealer
	sd := buildDesigner(d.cat, d.lang, d.do, true)
	sd.win = showroomWindowOf(d.win) // its dialogs in the showroom's theme
	sd.dealer = d.dealer
	sd.app = d.app
	sd.catalogID = d.catalogID
	sd.preview.SetInches(d.app.Units == "in")
	sd.onActivity = s.touch
	sd.preview.OnInteract = s.touch
	sd.recommender = d.recommender
	s.sd = sd
	s.chooser = newShowroomChooser(sd, s)
	s.design = s.designScreen()
	s.attract = s.attractScreen()
	s.needs = nil
	s.stack.Objects = []fyne.CanvasObject{s.attract, s.chooser.content, s.design}
	s.showOnly(s.attract)
	if s.content != nil {
		s.content.Refresh() // the big theme reaches the new session's widgets
	}
	s.lastTouch = s.now()
}

func (s *Showroom) showOnly(o fyne.CanvasObject) {
	for _, x := range s.stack.Objects {
		if x == o {
			x.Show()
		} else {
			x.Hide()
		}
	}
	s.stack.Refresh()
}

// Screen names what the showroom shows: "attract", "products" or
// "design".
func (s *Showroom) Screen() string {
	switch {
	case s.attract.Visible():
		return "attract"
	case s.chooser.content.Visible():
		return "products"
	}
	return "design"
}

// Designer is this customer's designer.
func (s *Showroom) Designer() *Designer { return s.sd }

// touch notes that the customer is there.
func (s *Showroom) touch() {
	s.lastTouch = s.now()
	if s.countdown != nil {
		s.countdown.Hide()
		s.countdown = nil
	}
	if s.codeCount != nil {
		s.codeCount.Hide()
	}
}

// countdownText says when the design is cleared ("1 second", "9 seconds").
func countdownText(seconds int) string {
	if seconds == 1 {
		return T("To keep your choices private, this design will be cleared in 1 second.")
	}
	return Tf("To keep your choices private, this design will be cleared in %d seconds.", seconds)
}

// Counting reports whether the countdown shows (on its own dialog, or on
// the code dialog).
func (s *Showroom) Counting() bool {
	return s.countdown != nil || s.codeCount != nil && s.codeCount.Visible()
}

// tick checks the idle time: the countdown after IdleSeconds without a
// touch, the wipe when it runs out. The attract screen has nothing to
// wipe; it turns its pictures instead.
func (s *Showroom) tick() {
	if s.dealer.showroom != s {
		return
	}
	set := s.dealer.app.Showroom
	idle := s.now().Sub(s.lastTouch)
	if s.attract.Visible() {
		if idle >= 5*time.Second && len(s.pictures) > 1 && int(idle/time.Second)%5 == 0 {
			s.shown = (s.shown + 1) % len(s.pictures)
			s.attractP.Image = s.pictures[s.shown]
			s.attractP.Refresh()
		}
		return
	}
	limit := time.Duration(set.IdleSeconds) * time.Second
	left := limit + time.Duration(set.CountdownSeconds)*time.Second - idle
	switch {
	case left <= 0:
		s.wipe()
	case idle >= limit:
		s.showCountdown(int((left + time.Second - 1) / time.Second))
	}
}

// showCountdown asks whether the customer is still there. It is never a
// second dialog over another: on the code dialog it is a line under the
// code (the customer may still be noting it); another question (send, PIN,
// start over) gives way to it.
func (s *Showroom) showCountdown(seconds int) {
	text := countdownText(seconds)
	if s.codeCount != nil {
		s.codeCount.SetText(text)
		s.codeCount.Show()
		return
	}
	if s.countdown != nil {
		s.countText.SetText(text)
		return
	}
	s.closePopup()
	d := s.dealer
	if d.win == nil {
		s.countdown = &widget.PopUp{} // headless: remember that it shows
		s.countText = widget.NewLabel(text)
		return
	}
	title := widget.NewLabelWithStyle(T("Are you still there?"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	s.countText = widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{})
	s.countText.Wrapping = fyne.TextWrapWord
	keep := widget.NewButtonWithIcon(T("Continue designing"), theme.ConfirmIcon(), s.touch)
	keep.Importance = widget.HighImportance
	over := widget.NewButtonWithIcon(T("Start over"), theme.ViewRefreshIcon(), s.wipe)
	body := container.NewVBox(title, s.countText, container.NewCenter(container.NewHBox(over, keep)))
	s.countdown = widget.NewModalPopUp(container.NewThemeOverride(container.NewPadded(container.New(&maxWidth{w: 560}, body)), showroomTheme{}), d.win.Canvas())
	s.countdown.Show()
}

// wipe ends the customer's session: every dialog closes, the designer is
// made anew, and the attract screen shows.
func (s *Showroom) wipe() {
	if s.countdown != nil {
		s.countdown.Hide()
		s.countdown = nil
	}
	s.closePopup()
	if w := s.dealer.win; w != nil {
		for top := w.Canvas().Overlays().Top(); top != nil; top = w.Canvas().Overlays().Top() {
			w.Canvas().Overlays().Remove(top) // the repair dialogs of the designer
		}
	}
	s.newSession()
	if s.OnWiped != nil {
		s.OnWiped()
	}
}

func (s *Showroom) closePopup() {
	if s.popup != nil {
		s.popup.Hide()
		s.popup = nil
	}
	s.codeCount = nil
}

// typedKey: the arrow keys orbit the preview; every key is a touch.
func (s *Showroom) typedKey(e *fyne.KeyEvent) {
	s.touch()
	if s.design.Visible() {
		switch e.Name {
		case fyne.KeyLeft:
			s.sd.preview.Orbit(-10, 0)
		case fyne.KeyRight:
			s.sd.preview.Orbit(10, 0)
		case fyne.KeyUp:
			s.sd.preview.Orbit(0, 10)
		case fyne.KeyDown:
			s.sd.preview.Orbit(0, -10)
		}
	}
}

// attractScreen invites the next customer: the catalog, a product
// picture that changes every few seconds, and "touch to start".
func (s *Showroom) attractScreen() fyne.CanvasObject {
	d := s.sd
	title := widget.NewLabelWithStyle(T("Design it your way"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabelWithStyle(d.text(d.cat.Name)+" · "+d.cat.Manufacturer.Name, fyne.TextAlignCenter, fyne.TextStyle{})
	s.attractP = canvas.NewImageFromImage(nil)
	s.attractP.FillMode = canvas.ImageFillContain
	s.attractP.ScaleMode = canvas.ImageScaleSmooth
	if len(s.pictures) > 0 {
		s.attractP.Image = s.pictures[s.shown%len(s.pictures)]
	}
	start := widget.NewButtonWithIcon(T("Touch to start"), theme.NavigateNextIcon(), s.toProducts)
	start.Importance = widget.HighImportance
	start.IconPlacement = widget.ButtonIconTrailingText
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	body := container.NewBorder(container.NewVBox(layout.NewSpacer(), title, sub), container.NewPadded(container.NewCenter(start)), nil, nil, s.attractP)
	return newTapArea(container.NewStack(bg, container.NewPadded(body)), s.toProducts)
}

// toProducts leaves the attract screen.
func (s *Showroom) toProducts() {
	s.touch()
	s.showOnly(s.chooser.content)
}

// toDesign shows the designer (after a product was chosen).
func (s *Showroom) toDesign() {
	s.touch()
	s.showOnly(s.design)
}

// offerNeeds asks a customer who just opened a product with questions
// whether they would like to answer a few (needs.go); the design follows.
func (s *Showroom) offerNeeds(p *catalog.Product) {
	sd := s.sd
	s.needs = newNeedsFlow(sd, p, true, s.touch, func() {
		s.needs = nil
		s.needsHost.Hide()
		s.options.Show()
		s.content.Refresh()
	})
	s.needs.onAsk = func() { s.content.Refresh() } // each question's widgets join the showroom's theme
	s.needs.Offer()
	s.needsHost.Objects = []fyne.CanvasObject{container.NewPadded(s.needs.page)}
	s.options.Hide()
	s.needsHost.Show()
	s.toDesign()
	s.content.Refresh() // the new widgets join the showroom's theme
}

// closeNeeds puts the options back in place of the questions.
func (s *Showroom) closeNeeds() {
	s.needs = nil
	if s.needsHost != nil && s.needsHost.Visible() {
		s.needsHost.Hide()
		s.options.Show()
	}
}

// Needs is the needs-based start being shown (nil when none).
func (s *Showroom) Needs() *needsFlow { return s.needs }

// designScreen is the customer's designer: the preview, big options, the
// price and "Send to dealer".
func (s *Showroom) designScreen() fyne.CanvasObject {
	sd := s.sd
	back := widget.NewButtonWithIcon(T("Products"), theme.NavigateBackIcon(), func() {
		s.touch()
		s.showOnly(s.chooser.content)
	})
	over := widget.NewButtonWithIcon(T("Start over"), theme.ViewRefreshIcon(), s.askStartOver)
	s.sendBtn = widget.NewButtonWithIcon(T("Send to dealer"), theme.MailSendIcon(), s.askSend)
	s.sendBtn.Importance = widget.HighImportance
	staff := widget.NewButtonWithIcon("", theme.LoginIcon(), s.askPIN)
	staff.Importance = widget.LowImportance
	top := container.NewBorder(nil, nil, container.NewHBox(back, over, sd.undoBtn, sd.redoBtn, widget.NewSeparator(), sd.title),
		container.NewHBox(sd.completeButton(), s.sendBtn, staff))
	center := container.NewBorder(container.NewHBox(layout.NewSpacer(), sd.views), sd.subtitle, nil, nil, sd.preview)
	s.options = container.NewBorder(sd.newSetBar(), sd.pricing, nil, nil, sd.optScroll)
	s.needsHost = container.NewStack()
	s.needsHost.Hide()
	right := container.NewStack(s.options, s.needsHost)
	split := container.NewHSplit(center, right)
	split.Offset = 0.6
	status := container.NewBorder(widget.NewSeparator(), nil, nil, nil, sd.newStatusLine(false))
	return container.NewBorder(container.NewVBox(container.NewPadded(top), widget.NewSeparator()), status, nil, nil, split)
}

// askStartOver confirms before the design is cleared.
func (s *Showroom) askStartOver() {
	s.touch()
	s.confirm(T("Start over?"), T("Your design is cleared, and you begin again with the products."), T("Start over"), func() {
		s.wipe()
		s.toProducts()
	})
}

// confirm shows a big question with Cancel and an action.
func (s *Showroom) confirm(title, text, action string, do func()) {
	d := s.dealer
	if d.win == nil {
		do()
		return
	}
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.SizeName = theme.SizeNameSubHeadingText
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton(T("Cancel"), func() { s.touch(); s.closePopup() })
	ok := widget.NewButton(action, func() { s.closePopup(); do() })
	ok.Importance = widget.HighImportance
	s.showPopup(container.NewVBox(t, msg, container.NewHBox(layout.NewSpacer(), cancel, ok)))
}

func (s *Showroom) showPopup(body fyne.CanvasObject) {
	s.closePopup()
	s.popup = widget.NewModalPopUp(container.NewThemeOverride(container.NewPadded(container.New(&maxWidth{w: 620}, body)), showroomTheme{}), s.dealer.win.Canvas())
	s.popup.Show()
}

// askSend asks for the customer's name (optional) and sends the design.
func (s *Showroom) askSend() {
	s.touch()
	sd := s.sd
	if sd.domains != nil && !sd.domains.Consistent || len(sd.config.Violations()) > 0 {
		sd.tell(T("Not yet complete"), T("Some of your choices do not go together yet: the status line says which. Change them, then send the design."))
		return
	}
	if s.dealer.win == nil {
		s.Send("")
		return
	}
	t := widget.NewLabelWithStyle(T("Send your design to our staff"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.SizeName = theme.SizeNameSubHeadingText
	msg := widget.NewLabel(T("You get a short code for it. Your name helps us find you; you may leave it empty."))
	msg.Wrapping = fyne.TextWrapWord
	name := widget.NewEntry()
	name.SetPlaceHolder(T("Your name (optional)"))
	name.OnChanged = func(string) { s.touch() }
	cancel := widget.NewButton(T("Cancel"), func() { s.touch(); s.closePopup() })
	send := widget.NewButtonWithIcon(T("Send"), theme.MailSendIcon(), func() { s.closePopup(); s.Send(name.Text) })
	send.Importance = widget.HighImportance
	name.OnSubmitted = func(string) { s.closePopup(); s.Send(name.Text) }
	s.showPopup(container.NewVBox(t, msg, name, container.NewHBox(layout.NewSpacer(), cancel, send)))
	s.dealer.win.Canvas().Focus(name)
}

// Send saves the design into the dealer's queue (off the UI goroutine)
// and shows its code.
func (s *Showroom) Send(customerName string) {
	d, sd := s.dealer, s.sd
	store := d.store
	if store == nil || sd.product == nil {
		return
	}
	cfg := sd.config
	qty := 1
	in := storage.DesignInput{Name: Tf("Showroom: %s", sd.text(sd.product.Name)), Notes: T("Designed at the showroom screen."),
		ProductID: sd.product.ID, ProductName: sd.text(sd.product.Name), Catalog: d.catalogID, Quantity: qty,
		Decisions: encodeDecisions(sd.decisions)}
	if price, err := sd.cat.ListPrice(cfg, qty, sd.lang); err == nil {
		in.Currency, in.Total = price.Currency, catalog.RoundMoney(price.Total).StringFixed(2)
		for _, l := range price.Lines {
			in.Breakdown = append(in.Breakdown, storage.PriceLine{Label: l.Label, Amount: l.Amount.StringFixed(2)})
		}
	}
	s.sendBtn.Disable()
	cat := sd.cat
	go func() {
		in.Thumbnail = thumbnail(cat, cfg)
		e, err := store.SendToDealer(context.Background(), in, customerName)
		d.do(func() {
			s.sendBtn.Enable()
			if err != nil {
				sd.showError(fmt.Errorf(T("the design could not be sent; please ask our staff: %w"), err))
			} else {
				s.showCode(e)
				d.queueChanged()
			}
			if s.OnSent != nil {
				s.OnSent(e, err)
			}
		})
	}()
}

// showCode shows the code of a sent design, as text and as a QR code.
func (s *Showroom) showCode(e storage.QueueEntry) {
	s.touch()
	if s.dealer.win == nil {
		return
	}
	t := widget.NewLabelWithStyle(T("Thank you! Your code:"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	t.SizeName = theme.SizeNameSubHeadingText
	code := canvas.NewText(storage.FormatCode(e.Code), theme.Color(theme.ColorNameForeground))
	code.TextSize = 64
	code.TextStyle = fyne.TextStyle{Monospace: true}
	code.Alignment = fyne.TextAlignCenter
	msg := widget.NewLabelWithStyle(T("Tell this code to our staff, or take a photo of it."), fyne.TextAlignCenter, fyne.TextStyle{})
	msg.Wrapping = fyne.TextWrapWord
	var qrPic fyne.CanvasObject = layout.NewSpacer()
	if img := qrImage("ATELIER:" + e.Code); img != nil {
		pic := canvas.NewImageFromImage(img)
		pic.FillMode = canvas.ImageFillContain
		pic.ScaleMode = canvas.ImageScalePixels
		pic.SetMinSize(fyne.NewSquareSize(180))
		qrPic = container.NewCenter(pic)
	}
	done := widget.NewButtonWithIcon(T("Done: start over"), theme.ConfirmIcon(), func() {
		s.closePopup()
		s.wipe()
	})
	done.Importance = widget.HighImportance
	more := widget.NewButton(T("Keep designing"), func() { s.touch(); s.closePopup() })
	count := widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	count.Wrapping = fyne.TextWrapWord
	count.Importance = widget.WarningImportance
	count.Hide()
	s.showPopup(container.NewVBox(t, code, qrPic, msg, count, container.NewCenter(container.NewHBox(more, done))))
	s.codeCount = count
}

// qrImage is a QR code of text on white with a quiet zone, or nil.
func qrImage(text string) image.Image {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil
	}
	n := code.Bounds().Dx()
	scaled, err := barcode.Scale(code, n*8, n*8)
	if err != nil {
		return nil
	}
	// A quiet zone of four modules, as readers expect.
	q := 4 * 8
	out := image.NewRGBA(image.Rect(0, 0, n*8+2*q, n*8+2*q))
	for i := range out.Pix {
		out.Pix[i] = 0xff
	}
	b := scaled.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c := color.GrayModel.Convert(scaled.At(x, y)).(color.Gray); c.Y < 128 {
				out.Set(x+q, y+q, color.Black)
			}
		}
	}
	return out
}

// askPIN asks for the dealer's PIN on a keypad; the right one leaves the
// showroom. After five wrong ones the keypad rests for a minute.
func (s *Showroom) askPIN() {
	s.touch()
	d := s.dealer
	if d.win == nil {
		return
	}
	t := widget.NewLabelWithStyle(T("Staff only"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.SizeName = theme.SizeNameSubHeadingText
	note := widget.NewLabel(T("Enter the dealer PIN to leave showroom mode."))
	note.Wrapping = fyne.TextWrapWord
	pin := widget.NewPasswordEntry()
	pin.OnChanged = func(string) { s.touch() }
	try := func() {
		s.touch()
		if err := s.Leave(pin.Text); err != nil {
			note.SetText(capitalize(err.Error()) + ".")
			note.Importance = widget.DangerImportance
			note.Refresh()
			pin.SetText("")
		}
	}
	pin.OnSubmitted = func(string) { try() }
	// A digit tapped goes where typed ones go next: the cursor follows.
	setPIN := func(text string) {
		pin.SetText(text)
		pin.CursorRow, pin.CursorColumn = 0, len([]rune(text))
		pin.Refresh()
	}
	keys := container.NewGridWithColumns(3)
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", keyBack, "0", T("OK")} {
		k := k
		b := widget.NewButton(k, func() {
			s.touch()
			defer func() {
				if s.popup != nil { // still open: the keyboard keeps typing into the PIN
					d.win.Canvas().Focus(pin)
				}
			}()
			switch k {
			case keyBack:
				if r := []rune(pin.Text); len(r) > 0 {
					setPIN(string(r[:len(r)-1]))
				}
			case "OK":
				try()
			default:
				setPIN(pin.Text + k)
			}
		})
		if k == "OK" {
			b.Importance = widget.HighImportance
		}
		if k == keyBack { // an icon: the app's font has no "⌫" (Windows showed none)
			b.SetText("")
			b.SetIcon(theme.NavigateBackIcon()) // Fyne has no backspace icon: the arrow back
		}
		keys.Add(b)
	}
	cancel := widget.NewButton(T("Cancel"), func() { s.touch(); s.closePopup() })
	s.showPopup(container.NewVBox(t, note, pin, keys, container.NewHBox(layout.NewSpacer(), cancel)))
	d.win.Canvas().Focus(pin)
}

// Leave ends showroom mode with the dealer's PIN (the dealer's screens
// come back as they were).
func (s *Showroom) Leave(pin string) error {
	d := s.dealer
	now := s.now()
	if now.Before(s.lockedTo) {
		if left := int(s.lockedTo.Sub(now).Seconds()) + 1; left > 1 {
			return fmt.Errorf(T("too many wrong PINs: try again in %d seconds"), left)
		}
		return errors.New(T("too many wrong PINs: try again in 1 second"))
	}
	if !PINMatches(d.app.Showroom.PIN, strings.TrimSpace(pin)) {
		s.wrongPINs++
		if s.wrongPINs >= 5 {
			s.wrongPINs = 0
			s.lockedTo = now.Add(time.Minute)
			return errors.New(T("too many wrong PINs: try again in a minute"))
		}
		return errors.New(T("that is not the PIN"))
	}
	s.closePopup()
	s.stopOnce.Do(func() { close(s.stop) })
	d.showroom = nil
	if d.win != nil {
		d.win.SetFullScreen(false)
		d.win.SetContent(d.root)
		if s.windowSize.Width > 0 {
			d.win.Resize(s.windowSize)
		}
		d.win.SetMainMenu(d.MainMenu())
		d.win.Canvas().SetOnTypedKey(d.typedKey)
		d.win.Canvas().SetOnTypedRune(nil)
	}
	d.queueChanged()
	return nil
}

// tapArea is a whole screen that reacts to a tap.
type tapArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTapArea(content fyne.CanvasObject, onTap func()) *tapArea {
	t := &tapArea{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped implements fyne.Tappable.
func (t *tapArea) Tapped(*fyne.PointEvent) { t.onTap() }

// CreateRenderer implements fyne.Widget.
func (t *tapArea) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

// newShowroomChooser is the product chooser with big cards; a card
// starts a design and shows it.
func newShowroomChooser(sd *Designer, s *Showroom) *chooser {
	c := newChooser(sd, true)
	staff := widget.NewButtonWithIcon("", theme.LoginIcon(), s.askPIN)
	staff.Importance = widget.LowImportance
	c.top.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, nil, staff, c.header)}
	c.onChoose = func(id, preset string) {
		s.touch()
		sd.doc = newDocument()
		sd.product = nil
		sd.SelectProduct(id)
		if preset != "" {
			sd.ApplyPreset(preset) // one undo step after the fresh design
		}
		if p := sd.Product(); preset == "" && p != nil && len(p.Needs) > 0 {
			s.offerNeeds(p)
			return
		}
		s.closeNeeds()
		s.toDesign()
		// The product's options are new widgets: they join the
		// showroom's theme now, not only while being drawn.
		s.content.Refresh()
	}
	c.OnPictures = func() {
		s.pictures = nil
		for _, card := range c.cards {
			if card.pic.Image != nil {
				s.pictures = append(s.pictures, card.pic.Image)
			}
		}
		if len(s.pictures) > 0 && s.attractP != nil && s.attractP.Image == nil {
			s.attractP.Image = s.pictures[0]
			s.attractP.Refresh()
		}
	}
	return c
}

// sizeNameTouchTarget is the least height of a thing to tap, for the
// app's own widgets: 0 (as high as their content) in the app's theme, a
// finger's width in the showroom's.
const sizeNameTouchTarget fyne.ThemeSizeName = "atelierTouchTarget"

// touchTarget is the least height of a thing to tap where th is the
// theme: a finger's width in the showroom, nothing elsewhere. (The app's
// own theme is not asked: it knows no such size.)
func touchTarget(th fyne.Theme) float32 {
	if a := fyne.CurrentApp(); a == nil || th == a.Settings().Theme() {
		return 0
	}
	return th.Size(sizeNameTouchTarget)
}

// keyBack is the PIN keypad's backspace key (shown as an icon).
const keyBack = "back"

// showroomTheme is the app's theme made for fingers: larger text (no
// text under 18), more padding inside widgets, bigger icons and scroll
// bars, and tap targets at least 48 high. The padding between widgets
// stays the app's: Fyne's layouts (boxes, borders, grids) read it from
// the app's theme whenever they are laid out outside of drawing (after a
// tap), so a scope with another one is laid out two ways, and rows jump.
type showroomTheme struct{ appTheme }

// showroomInnerPadding is the padding inside the showroom's widgets.
const showroomInnerPadding = 14

func (t showroomTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case sizeNameTouchTarget:
		return 48
	case theme.SizeNameText:
		return 19
	case theme.SizeNameCaptionText:
		return 18
	case theme.SizeNameSubHeadingText:
		return 26
	case theme.SizeNameHeadingText:
		return 38
	case theme.SizeNameInlineIcon:
		return 28
	case theme.SizeNameInnerPadding:
		return showroomInnerPadding
	case theme.SizeNameScrollBar:
		return 18
	case theme.SizeNameScrollBarSmall:
		return 8
	}
	return t.base().Size(n)
}

// showroomCompactTheme is the showroom's theme with the inner padding of
// dense figures (the price's details): the text stays as large.
type showroomCompactTheme struct{ showroomTheme }

func (t showroomCompactTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInnerPadding {
		return 6
	}
	return t.showroomTheme.Size(n)
}
