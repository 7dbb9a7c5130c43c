package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/outbox"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
)

// sentView is the "Sent orders" screen: one row per order revision in the
// outbox, newest first, with where it is (a coloured badge), when, the
// last problem of one still queued, the manufacturer's reasons for one
// refused, and "Correct and send again". It follows the outbox live
// (Designer.OutboxChanged).
type sentView struct {
	d       *Designer
	content fyne.CanvasObject
	summary *widget.Label
	rows    *fyne.Container
	scroll  *container.Scroll
	empty   fyne.CanvasObject
	// resend holds each row's "Correct and send again" button, by outbox
	// item id (tests tap them).
	resend map[int64]*widget.Button
	shown  []sentRowText // what the rows say (tests)
}

// sentRowText is what a row says.
type sentRowText struct {
	ID                                   int64
	Number, Revision, About, State, When string
	Detail                               string
	Reasons                              []string
}

func newSentView(d *Designer) *sentView {
	v := &sentView{d: d, resend: map[int64]*widget.Button{}}
	heading := widget.NewLabelWithStyle(T("Sent orders"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	v.summary = widget.NewLabel("")
	title := container.NewHBox(heading, container.NewCenter(v.summary))
	v.rows = container.NewVBox()
	v.scroll = container.NewVScroll(container.NewPadded(v.rows))
	emptyText := widget.NewLabelWithStyle(T("Nothing sent yet.\nOrders you send to the manufacturer from the order view are listed here, with their answers."), fyne.TextAlignCenter, fyne.TextStyle{})
	emptyText.Wrapping = fyne.TextWrapWord
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSize(56, 56), widget.NewIcon(theme.MailSendIcon())))
	v.empty = container.NewCenter(container.NewGridWrap(fyne.NewSize(480, 160), container.NewVBox(icon, emptyText)))
	v.content = container.NewBorder(container.NewVBox(container.NewPadded(title), widget.NewSeparator()), nil, nil, nil,
		container.NewStack(v.scroll, v.empty))
	return v
}

// ShowSent shows the orders sent to the manufacturer.
func (d *Designer) ShowSent() {
	if d.store == nil {
		d.tell(T("Sent orders are not available"), d.noLibrary())
		return
	}
	if d.sent == nil {
		d.sent = newSentView(d)
		d.screens[screenSent] = screenOf{content: d.sent.content, shown: func() {
			d.sent.refresh()
			d.OutboxChanged()
		}}
	}
	d.show(screenSent)
}

// OutboxChanged reads the outbox again (off the UI goroutine) and shows
// it: the sent orders, the status line and the rail's badge. main calls it
// (through fyne.Do) whenever the outbox agent changed an item.
func (d *Designer) OutboxChanged() {
	if d.store == nil {
		return
	}
	d.outboxGen++
	gen, store := d.outboxGen, d.store
	go func() {
		ctx := context.Background()
		items, err := store.Outbox(ctx)
		names := map[int64]string{}
		if err == nil && len(items) > 0 {
			var customers []storage.Customer
			customers, err = store.Customers(ctx, "")
			byID := map[int64]string{}
			for _, c := range customers {
				byID[c.ID] = c.Name
			}
			for _, it := range items {
				if _, ok := names[it.Order]; ok || err != nil {
					continue
				}
				var o storage.Order
				if o, err = store.Order(ctx, it.Order); err == nil {
					names[it.Order] = byID[o.Customer]
				}
			}
		}
		d.do(func() {
			if gen != d.outboxGen {
				return
			}
			if err != nil {
				d.note(Tf("The sent orders could not be read: %v", err))
				return
			}
			d.tellAnswers(items)
			d.outboxItems, d.outboxNames, d.outboxLoaded = items, names, true
			d.showOutboxLine()
			if d.sent != nil {
				d.sent.refresh()
			}
			if d.OnOutbox != nil {
				d.OnOutbox()
			}
		})
	}()
}

// tellAnswers notes an answer that came since the outbox was last read.
func (d *Designer) tellAnswers(items []storage.OutboxItem) {
	if !d.outboxLoaded {
		return
	}
	before := map[int64]string{}
	for _, it := range d.outboxItems {
		before[it.ID] = it.State
	}
	for _, it := range items {
		if was, ok := before[it.ID]; !ok || was == it.State {
			continue
		}
		switch it.State {
		case storage.OutboxRefused:
			d.noteAs(Tf("%s refused order %s; Sent orders says why.", it.Manufacturer, it.Number), widget.WarningImportance)
		case storage.OutboxAccepted:
			d.noteAs(Tf("%s accepted order %s.", it.Manufacturer, it.Number), widget.SuccessImportance)
		}
	}
}

// needsCorrection lists the refused items that are their order's newest
// revision in the outbox (so not corrected yet).
func needsCorrection(items []storage.OutboxItem) []storage.OutboxItem {
	newest := map[int64]int{}
	for _, it := range items {
		newest[it.Order] = max(newest[it.Order], it.Revision)
	}
	var out []storage.OutboxItem
	for _, it := range items {
		if it.State == storage.OutboxRefused && it.Revision == newest[it.Order] {
			out = append(out, it)
		}
	}
	return out
}

// outboxLine says in a few words what is on its way and what was refused
// ("" when nothing is).
func outboxLine(items []storage.OutboxItem) (string, widget.Importance) {
	going := 0
	for _, it := range items {
		if it.State == storage.OutboxQueued || it.State == storage.OutboxDelivered {
			going++
		}
	}
	var parts []string
	imp := widget.MediumImportance
	if refused := needsCorrection(items); len(refused) > 0 {
		imp = widget.DangerImportance
		if len(refused) == 1 {
			parts = append(parts, Tf("Order %s refused", refused[0].Number))
		} else {
			parts = append(parts, Tf("%d orders refused", len(refused)))
		}
	}
	if going > 0 {
		parts = append(parts, countOf(going, T("1 order on its way"), T("%d orders on their way")))
	}
	return strings.Join(parts, " · "), imp
}

// showOutboxLine writes the outbox's words into the status line and the
// count of refused orders on the rail.
func (d *Designer) showOutboxLine() {
	text, imp := outboxLine(d.outboxItems)
	if d.rail != nil {
		badge := ""
		if n := len(needsCorrection(d.outboxItems)); n > 0 {
			badge = fmt.Sprint(n)
		}
		d.rail.setBadge(screenSent, badge)
	}
	if d.outboxLabel == nil {
		return
	}
	d.outboxLabel.Text = text
	d.outboxLabel.Importance = imp
	d.outboxLabel.Hidden = text == ""
	d.outboxLabel.Refresh()
	if d.panel.line != nil {
		d.panel.line.Refresh()
	}
}

// stateName is a state's word on its badge, and the badge's colour.
func stateName(state string) (string, fyne.ThemeColorName) {
	switch state {
	case storage.OutboxQueued:
		return T("Queued"), theme.ColorNameWarning
	case storage.OutboxDelivered:
		return T("Delivered"), theme.ColorNamePrimary
	case storage.OutboxAccepted:
		return T("Accepted"), theme.ColorNameSuccess
	}
	return T("Refused"), theme.ColorNameError
}

// stamp is a time for people: "12 Mar 2026 14:05".
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.Local()
	return formatDate(t, "2 Jan 2006") + " " + t.Format("15:04")
}

// deliveryProblem is the outbox's last delivery error in plain words.
func deliveryProblem(last string) string {
	switch {
	case strings.Contains(last, transport.ErrUnreachable.Error()):
		return T("The inbox cannot be reached")
	case strings.Contains(last, transport.ErrLoginRefused.Error()):
		return T("The manufacturer's server refused this computer's key (Settings › Dealer shows it, to send to them)")
	case strings.Contains(last, transport.ErrHostKeyChanged.Error()):
		return T("The manufacturer's server is not the one their catalog names (its host key changed)")
	}
	return Tf("It could not be delivered: %s", last)
}

// sentText is what a row says about an item.
func sentText(it storage.OutboxItem, customer string) sentRowText {
	r := sentRowText{ID: it.ID, Number: it.Number, Reasons: it.Reasons}
	r.Revision = Tf("revision %d", it.Revision)
	about := []string{}
	if customer != "" {
		about = append(about, customer)
	}
	r.About = strings.Join(append(about, Tf("to %s", it.Manufacturer)), " · ")
	r.State, _ = stateName(it.State)
	switch it.State {
	case storage.OutboxQueued:
		r.When = stamp(it.QueuedAt)
		if it.LastError != "" {
			r.Detail = Tf("%s — trying again at %s.", deliveryProblem(it.LastError), it.NextAttempt.Local().Format("15:04"))
		} else {
			r.Detail = Tf("Waiting to go into %s's inbox.", it.Manufacturer)
		}
	case storage.OutboxDelivered:
		r.When = stamp(it.DeliveredAt)
		r.Detail = Tf("In %s's inbox; waiting for their answer.", it.Manufacturer)
	case storage.OutboxAccepted:
		r.When = stamp(it.AnsweredAt)
		r.Detail = Tf("Accepted by %s.", it.Manufacturer)
		if it.Reference != "" {
			r.Detail += " " + Tf("Their reference: %s.", it.Reference)
		}
	default:
		r.When = stamp(it.AnsweredAt)
		r.Detail = Tf("Refused by %s:", it.Manufacturer)
		if len(it.Reasons) == 0 {
			r.Detail = Tf("Refused by %s, without a reason.", it.Manufacturer)
		}
	}
	return r
}

// refresh shows the outbox as last read.
func (v *sentView) refresh() {
	d := v.d
	items := d.outboxItems
	v.resend = map[int64]*widget.Button{}
	v.shown = nil
	if len(items) == 0 {
		v.rows.Objects = nil
		v.rows.Refresh()
		v.scroll.Hide()
		if d.outboxLoaded {
			v.empty.Show()
		}
		v.summary.SetText("")
		return
	}
	v.empty.Hide()
	v.scroll.Show()
	text, _ := outboxLine(items)
	if text == "" {
		text = countOf(len(items), T("1 order sent"), T("%d orders sent"))
	}
	v.summary.SetText(text)
	correct := map[int64]bool{}
	for _, it := range needsCorrection(items) {
		correct[it.ID] = true
	}
	// The badges share one width, so that the numbers line up.
	var badgeW float32
	for _, s := range []string{storage.OutboxQueued, storage.OutboxDelivered, storage.OutboxAccepted, storage.OutboxRefused} {
		name, _ := stateName(s)
		badgeW = max(badgeW, newStateBadge(name, theme.ColorNamePrimary).MinSize().Width)
	}
	var objs []fyne.CanvasObject
	for i, it := range items {
		if i > 0 {
			objs = append(objs, widget.NewSeparator())
		}
		objs = append(objs, v.row(it, d.outboxNames[it.Order], correct[it.ID], badgeW))
	}
	v.rows.Objects = objs
	v.rows.Refresh()
}

// row is one item on screen.
func (v *sentView) row(it storage.OutboxItem, customer string, correct bool, badgeW float32) fyne.CanvasObject {
	d := v.d
	t := sentText(it, customer)
	v.shown = append(v.shown, t)
	name, col := stateName(it.State)
	// The badge sits on the number's line, in a column of one width.
	badge := container.New(&fixedWidth{w: badgeW, h: widget.NewLabel(t.Number).MinSize().Height}, newStateBadge(name, col))
	number := widget.NewLabelWithStyle(t.Number, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	rev := widget.NewLabel(t.Revision)
	about := widget.NewLabel(t.About)
	about.Truncation = fyne.TextTruncateEllipsis
	when := widget.NewLabel(t.When)
	top := container.NewBorder(nil, nil, container.NewHBox(number, rev), when, about)
	body := []fyne.CanvasObject{top}
	detail := widget.NewLabel(t.Detail)
	detail.Wrapping = fyne.TextWrapWord
	if it.State == storage.OutboxQueued && it.LastError != "" {
		detail.Importance = widget.WarningImportance
	}
	body = append(body, detail)
	for _, r := range it.Reasons {
		// A hanging bullet: a long reason wraps under its own text.
		reason := widget.NewLabel(r)
		reason.Wrapping = fyne.TextWrapWord
		bullet := widget.NewLabel("•")
		body = append(body, container.New(layout.NewCustomPaddedLayout(-theme.Padding()*2, 0, 0, 0),
			container.NewBorder(nil, nil, bullet, nil, reason)))
	}
	if correct {
		b := widget.NewButtonWithIcon(T("Correct and send again"), theme.MailSendIcon(), func() { d.resend(it, false) })
		b.Importance = widget.HighImportance
		if d.resending[it.Order] || d.sender == nil {
			b.Disable()
		}
		v.resend[it.ID] = b
		hint := widget.NewLabel(T("Correct the designs in the library and save them first: the next revision takes each design's newest save."))
		hint.Wrapping = fyne.TextWrapWord
		hint.SizeName = theme.SizeNameCaptionText
		body = append(body, container.NewHBox(b), hint)
	}
	return container.NewBorder(nil, nil, container.NewVBox(badge), nil, container.NewVBox(body...))
}

// errNothingCorrected: no design of a refused order was saved again.
var errNothingCorrected = errors.New("nothing corrected")

// resend makes the next revision of a refused order from its designs'
// newest saves and queues it (off the UI goroutine). When no design was
// saved again, it asks first whether to send the order unchanged
// (unchanged: the user said so).
func (d *Designer) resend(it storage.OutboxItem, unchanged bool) {
	if d.sender == nil || d.store == nil || d.resending[it.Order] {
		return
	}
	if err := d.dealer.Check(); err != nil {
		d.tell(T("The order cannot be sent yet"), Tf("The dealer settings are not complete: %s. Open Settings › Dealer.", err))
		return
	}
	if d.resending == nil {
		d.resending = map[int64]bool{}
	}
	d.resending[it.Order] = true
	if d.sent != nil {
		d.sent.refresh()
	}
	store, sender, keyPath, s := d.store, d.sender, d.export.KeyPath, d.orderSettings()
	go func() {
		item, err := resendOrder(context.Background(), store, sender, keyPath, it, s, unchanged)
		d.do(func() {
			delete(d.resending, it.Order)
			switch {
			case errors.Is(err, errNothingCorrected):
				d.askSendUnchanged(it)
			case err != nil:
				d.showError(fmt.Errorf(T("order %s was not sent again: %w"), it.Number, err))
			default:
				sender.Kick()
				d.noteAs(Tf("Revision %d of order %s is queued for %s; it goes out as soon as their inbox can be reached.", item.Revision, item.Number, item.Manufacturer), widget.SuccessImportance)
			}
			d.OutboxChanged()
			if d.OnSent != nil {
				d.OnSent(item, err)
			}
		})
	}()
}

// resendOrder does the work of resend: the order's next revision, with
// each line's design at its newest save (same quantities and discounts),
// queued. An order already corrected but not queued (the queueing failed)
// is queued as it is.
func resendOrder(ctx context.Context, store Store, sender OrderSender, keyPath string, it storage.OutboxItem, s orderfile.Settings, unchanged bool) (storage.OutboxItem, error) {
	o, err := store.Order(ctx, it.Order)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if !strings.EqualFold(o.Dealer, s.Dealer.ID) { // before a revision is made for nothing
		return storage.OutboxItem{}, fmt.Errorf(T("%w: order %s is dealer %s's, but the dealer settings now name dealer %s; set the dealer code back to %s in Settings › Dealer to send it"),
			outbox.ErrOtherDealer, o.Number, o.Dealer, s.Dealer.ID, o.Dealer)
	}
	if o.Revision == it.Revision {
		lines, changed, err := outbox.CorrectedLines(ctx, store, o)
		if err != nil {
			return storage.OutboxItem{}, err
		}
		if !changed && !unchanged {
			return storage.OutboxItem{}, errNothingCorrected
		}
		if o, err = store.ReviseOrder(ctx, o.ID, lines); err != nil {
			return storage.OutboxItem{}, err
		}
	}
	if err := loadKey(keyPath, &s); err != nil {
		return storage.OutboxItem{}, err
	}
	return sender.Send(ctx, o.ID, s)
}

// stateBadge is a state's word on a rounded patch of its colour, in the
// theme of its scope (repainted when the theme changes).
type stateBadge struct {
	widget.BaseWidget
	text  string
	color fyne.ThemeColorName
}

func newStateBadge(text string, color fyne.ThemeColorName) *stateBadge {
	b := &stateBadge{text: text, color: color}
	b.ExtendBaseWidget(b)
	return b
}

// onColor is the text colour that reads on a badge's colour.
func onColor(c fyne.ThemeColorName) fyne.ThemeColorName {
	switch c {
	case theme.ColorNameWarning:
		return theme.ColorNameForegroundOnWarning
	case theme.ColorNameSuccess:
		return theme.ColorNameForegroundOnSuccess
	case theme.ColorNameError:
		return theme.ColorNameForegroundOnError
	}
	return theme.ColorNameForegroundOnPrimary
}

// readableOn is the theme's text colour for a badge's colour when it
// reads there, else black or white, whichever reads better (white on the
// light theme's bright green or orange barely does).
func readableOn(bg, text color.Color) color.Color {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		lin := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	contrast := func(a, b color.Color) float64 {
		la, lb := lum(a), lum(b)
		return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
	}
	if contrast(bg, text) >= 4.5 {
		return text
	}
	if contrast(bg, color.Black) > contrast(bg, color.White) {
		return color.NRGBA{0x14, 0x14, 0x14, 0xff}
	}
	return color.White
}

// CreateRenderer implements fyne.Widget.
func (b *stateBadge) CreateRenderer() fyne.WidgetRenderer {
	r := &stateBadgeRenderer{b: b, bg: canvas.NewRectangle(nil), text: canvas.NewText(b.text, nil)}
	r.text.TextStyle.Bold = true
	r.text.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type stateBadgeRenderer struct {
	b    *stateBadge
	bg   *canvas.Rectangle
	text *canvas.Text
}

func (r *stateBadgeRenderer) Layout(size fyne.Size) {
	ts := r.text.MinSize()
	h := ts.Height + theme.Padding()
	r.bg.Resize(fyne.NewSize(size.Width, h))
	r.bg.Move(fyne.NewPos(0, (size.Height-h)/2))
	r.text.Resize(fyne.NewSize(size.Width, ts.Height))
	r.text.Move(fyne.NewPos(0, (size.Height-ts.Height)/2))
}

func (r *stateBadgeRenderer) MinSize() fyne.Size {
	ts := r.text.MinSize()
	return fyne.NewSize(ts.Width+theme.Padding()*4, ts.Height+theme.Padding())
}

func (r *stateBadgeRenderer) Refresh() {
	th := theme.CurrentForWidget(r.b)
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.FillColor = th.Color(r.b.color, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameSelectionRadius) * 2
	r.text.Text = r.b.text
	r.text.Color = readableOn(r.bg.FillColor, th.Color(onColor(r.b.color), v))
	r.text.TextSize = th.Size(theme.SizeNameCaptionText)
	r.bg.Refresh()
	r.text.Refresh()
	r.Layout(r.b.Size())
}

func (r *stateBadgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.text} }
func (r *stateBadgeRenderer) Destroy()                     {}

// fixedWidth lays its object out at a width of its own, centred in a
// line of height h (at least).
type fixedWidth struct{ w, h float32 }

// Layout implements fyne.Layout.
func (l *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, (size.Height-h)/2))
		o.Resize(fyne.NewSize(l.w, h))
	}
}

// MinSize implements fyne.Layout.
func (l *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := l.h
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.w, h)
}

// askSendUnchanged asks whether to send a refused order again with no
// design changed: right when the manufacturer fixed the cause on its side
// (it enrolled the dealer's key, say); otherwise the designs are corrected
// first.
func (d *Designer) askSendUnchanged(it storage.OutboxItem) {
	if d.win == nil {
		return
	}
	msg := widget.NewLabel(Tf("No design of order %s was saved again since %s refused it.\n\nIf the reasons ask for nothing in the designs (the manufacturer has since put it right on its side), send the order again as it is, as revision %d. Otherwise open its designs from the library, correct them as the reasons say and save them first.", it.Number, it.Manufacturer, it.Revision+1))
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm(T("Send the order again unchanged?"), T("Send it again as it is"), T("Cancel"), msg, func(ok bool) {
		if ok {
			d.resend(it, true)
		}
	}, d.win)
	dlg.Resize(fyne.NewSize(560, 0))
	dlg.Show()
}
