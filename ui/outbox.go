package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/outbox"
)

// OrderSender sends orders to their manufacturer through the outbox
// (storage/orderfile/outbox: Queue, and the Agent that delivers in the
// background), wired in main. CanSend, Send and SSHKey are called off the
// UI goroutine.
type OrderSender interface {
	// CanSend says whether an order of these design revisions can be sent:
	// nil, or an error wrapping outbox.ErrNoInbox when their manufacturer
	// takes no orders through Atelier (the order is exported as before).
	CanSend(ctx context.Context, revisions []int64) error
	// Send builds the package of the order's current revision and queues
	// it; it needs no network.
	Send(ctx context.Context, order int64, s orderfile.Settings) (storage.OutboxItem, error)
	// Kick asks for a delivery now.
	Kick()
	// SSHKey is this computer's SSH public key, as a line of the
	// manufacturer's authorized_keys.
	SSHKey() (string, error)
}

// SetSender connects the designer to the outbox (nil: none) and reads
// what was sent.
func (d *Designer) SetSender(s OrderSender) {
	d.sender = s
	if d.order != nil {
		d.order.sendKey = "" // checked again
		d.order.refresh()
	}
	if d.settings != nil {
		d.settings.sshKey.load()
	}
	d.OutboxChanged()
}

// SendOrder shows the draft order and sends it to the manufacturer (once
// its lines are read, when the order view has just opened).
func (d *Designer) SendOrder() {
	d.ShowOrder()
	if v := d.order; len(v.loading) > 0 {
		v.afterLoad = v.startSend
		return
	}
	d.order.startSend()
}

// queuedMessage is what the dealer is told after sending.
func queuedMessage(number, manufacturer string) string {
	return Tf("Order %s is queued for %s; it goes out as soon as their inbox can be reached.", number, manufacturer)
}

// noInboxMessage says that the manufacturer takes no orders through
// Atelier.
func noInboxMessage(manufacturer string) string {
	return Tf("%s takes no orders through Atelier: their catalog names no order inbox, or it is not signed by a manufacturer this app trusts.\n\nExport the order and send the file as before. Your draft order is kept.", manufacturer)
}

// startSend checks the order and the dealer settings (warning about the
// demo dealer's), then sends.
func (v *orderView) startSend() {
	d := v.d
	if why := v.cannotExport(); why != "" {
		d.tell(T("The order cannot be sent yet"), why)
		return
	}
	if d.sender == nil {
		d.tell(T("The order cannot be sent yet"), T("Orders can be sent once the design library is open."))
		return
	}
	if d.dealer.isDemo() && d.win != nil {
		v.warnDemoDealer(T("Send with the demo dealer?"), T("Send anyway"), v.send)
		return
	}
	v.send()
}

// orderInput is the draft as an order, and its revisions.
func (v *orderView) orderInput() (storage.OrderInput, []int64) {
	d := v.d
	draft := d.draft
	in := storage.OrderInput{Dealer: d.dealer.ID, Customer: draft.customer(), Delivery: strings.TrimSpace(v.delivery.Text),
		RequestedDate: draft.RequestedDate, Notes: strings.TrimSpace(draft.Notes)}
	var revisions []int64
	for _, l := range draft.Lines {
		in.Lines = append(in.Lines, storage.OrderLine{Revision: l.RevisionID, Quantity: l.Quantity, Discount: l.Discount})
		revisions = append(revisions, l.RevisionID)
	}
	return in, revisions
}

// orderSettings is what an order's package is made with (the key is
// loaded off the UI goroutine).
func (d *Designer) orderSettings() orderfile.Settings {
	return orderfile.Settings{Dealer: d.dealer.Dealer(), Terms: d.dealer.Terms(), PaymentTerms: d.dealer.PaymentTerms,
		Language: d.lang, AppVersion: d.export.AppVersion}
}

// send numbers the order and queues it (off the UI goroutine): first it
// asks whether the manufacturer takes orders through Atelier, so that no
// number is taken for an order that cannot go.
func (v *orderView) send() {
	d := v.d
	if why := v.cannotExport(); why != "" {
		d.tell(T("The order cannot be sent yet"), why)
		return
	}
	if d.sender == nil {
		return
	}
	in, revisions := v.orderInput()
	s := d.orderSettings()
	s.Progress = func(done, total int) { d.do(func() { v.showProgress(done, total) }) }
	v.setExporting(true)
	v.cancelBn.Hide() // a send takes a moment and needs no network: nothing to cancel
	v.step.SetText(T("Looking up where the order goes…"))
	store, sender, keyPath := d.store, d.sender, d.export.KeyPath
	go func() {
		it, number, err := sendOrder(context.Background(), store, sender, keyPath, in, revisions, s)
		d.do(func() { v.finishSend(it, number, revisions, err) })
	}()
}

// sendOrder does the work of a send, off the UI goroutine: where the
// order goes, the dealer's key, the order numbered (CreateOrder) and
// queued. An order numbered but not queued is cancelled, and the draft
// stays for another try.
func sendOrder(ctx context.Context, store Store, sender OrderSender, keyPath string, in storage.OrderInput, revisions []int64, s orderfile.Settings) (storage.OutboxItem, string, error) {
	if err := sender.CanSend(ctx, revisions); err != nil {
		return storage.OutboxItem{}, "", err
	}
	if err := loadKey(keyPath, &s); err != nil {
		return storage.OutboxItem{}, "", err
	}
	o, err := store.CreateOrder(ctx, in)
	if err != nil {
		return storage.OutboxItem{}, "", fmt.Errorf(T("the order could not be numbered: %w"), err)
	}
	it, err := sender.Send(ctx, o.ID, s)
	if err != nil {
		if cerr := store.CancelOrder(ctx, o.ID); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return storage.OutboxItem{}, o.Number, fmt.Errorf(T("%w\n\nOrder number %s was cancelled; your draft order is kept, so you can try again"), err, o.Number)
	}
	return it, o.Number, nil
}

// loadKey loads the dealer's signing key into s (made on first use).
func loadKey(keyPath string, s *orderfile.Settings) error {
	if keyPath == "" {
		return errors.New(T("there is no place for the dealer's signing key"))
	}
	var err error
	if s.Key, err = sign.LoadOrCreate(keyPath); err != nil {
		return fmt.Errorf(T("the dealer's signing key could not be read or made: %w"), err)
	}
	return nil
}

// finishSend ends a send on the UI goroutine: a queued order leaves the
// draft, as an exported one does.
func (v *orderView) finishSend(it storage.OutboxItem, number string, revisions []int64, err error) {
	d := v.d
	if err == nil {
		d.draft = d.draft.without(revisions)
		d.saveDraft()
		for _, l := range v.lines {
			if slices.Contains(revisions, l.line.RevisionID) && l.line.Design == d.doc.id {
				d.doc.status = storage.Ordered
			}
		}
	}
	v.setExporting(false)
	d.refreshOrder()
	switch {
	case errors.Is(err, outbox.ErrNoInbox):
		v.sendOK = false
		v.showSend()
		d.tell(T("This order cannot be sent through Atelier"), noInboxMessage(d.cat.Manufacturer.Name))
	case err != nil:
		d.showError(fmt.Errorf(T("the order was not sent: %w"), err))
	default:
		d.sender.Kick()
		d.OutboxChanged()
		v.showQueued(number, it.Manufacturer)
	}
	if d.OnSent != nil {
		d.OnSent(it, err)
	}
}

// showQueued says that the order is on its way, with a way to the sent
// orders.
func (v *orderView) showQueued(number, manufacturer string) {
	d := v.d
	msg := queuedMessage(number, manufacturer)
	d.noteAs(msg, widget.SuccessImportance)
	if d.win == nil {
		return
	}
	body := widget.NewLabel(msg)
	body.Wrapping = fyne.TextWrapWord
	var dlg *dialog.CustomDialog
	show := widget.NewButtonWithIcon(T("Show sent orders"), theme.MailSendIcon(), func() { dlg.Hide(); d.ShowSent() })
	done := widget.NewButton(T("Done"), func() { dlg.Hide() })
	done.Importance = widget.HighImportance
	dlg = dialog.NewCustomWithoutButtons(T("Order sent"), body, d.win)
	dlg.SetButtons([]fyne.CanvasObject{show, done})
	dlg.Resize(fyne.NewSize(560, 0))
	d.showDialog(dlg, dlg.Hide, dlg.Hide)
}

// checkSend asks (off the UI goroutine) whether the draft's lines can be
// sent, once for each set of lines, and shows the Send button if so.
func (v *orderView) checkSend() {
	d := v.d
	var ids []string
	var revisions []int64
	for _, l := range d.draft.Lines {
		ids = append(ids, strconv.FormatInt(l.RevisionID, 10))
		revisions = append(revisions, l.RevisionID)
	}
	key := strings.Join(ids, ",")
	if d.sender == nil || key == "" {
		v.sendKey, v.sendOK = "", false
		v.showSend()
		return
	}
	if key == v.sendKey {
		return
	}
	v.sendKey, v.sendOK = key, false
	v.showSend()
	sender := d.sender
	go func() {
		err := sender.CanSend(context.Background(), revisions)
		d.do(func() {
			if v.sendKey == key {
				v.sendOK = err == nil
				v.showSend()
			}
		})
	}()
}

// showSend shows Send to manufacturer when the order can go through the
// outbox (then it is the main button, and the export the second), and
// says what each does.
func (v *orderView) showSend() {
	d := v.d
	n := len(d.draft.Lines)
	can := v.sendOK && d.sender != nil && n > 0
	if can && !v.exporting {
		v.sendBn.Show()
	} else {
		v.sendBn.Hide()
	}
	imp := widget.HighImportance
	if can {
		imp = widget.MediumImportance
	}
	if v.exportBn.Importance != imp {
		v.exportBn.Importance = imp
		v.exportBn.Refresh()
	}
	hint := fmt.Sprintf(T("Exporting numbers the order (%s-…) and writes one signed file for %s, with your customer's quote as a PDF."), strings.ToUpper(d.dealer.ID), d.cat.Manufacturer.Name)
	if can {
		hint = fmt.Sprintf(T("Sending numbers the order (%s-…) and puts it in the outbox for %s: it goes out at once, or as soon as their inbox can be reached. Exporting writes the same signed file to a folder instead."), strings.ToUpper(d.dealer.ID), d.cat.Manufacturer.Name)
	}
	if v.hint.Text != hint {
		v.hint.SetText(hint)
	}
}

// sshKeyBox shows this computer's SSH key for the manufacturer's server
// in the dealer settings, to copy and send to them once.
type sshKeyBox struct {
	d       *Designer
	item    *widget.FormItem // in the dealer's form, so that it lines up
	key     *widget.Label
	copyBtn *widget.Button
	gen     int
}

func newSSHKeyBox(d *Designer) *sshKeyBox {
	b := &sshKeyBox{d: d}
	b.key = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	b.key.Wrapping = fyne.TextWrapBreak
	b.key.Selectable = true
	b.copyBtn = widget.NewButtonWithIcon(T("Copy"), theme.ContentCopyIcon(), func() {
		if app := fyne.CurrentApp(); app != nil && b.key.Text != "" {
			app.Clipboard().SetContent(b.key.Text)
			b.copyBtn.SetText(T("Copied"))
			b.copyBtn.SetIcon(theme.ConfirmIcon())
		}
	})
	b.item = &widget.FormItem{Text: T("SSH key"), Widget: container.NewVBox(b.key, container.NewHBox(b.copyBtn)),
		HintText: T("This computer's SSH key for the manufacturer's server: send it to them once, so that the orders you send reach their inbox")}
	b.show(T("Shown once the design library is open."), false)
	return b
}

// load reads the key (made on first use) off the UI goroutine.
func (b *sshKeyBox) load() {
	d := b.d
	if d.sender == nil {
		b.show(T("Shown once the design library is open."), false)
		return
	}
	b.gen++
	gen, sender := b.gen, d.sender
	go func() {
		key, err := sender.SSHKey()
		d.do(func() {
			if gen != b.gen {
				return
			}
			if err != nil {
				key = Tf("The key could not be read or made: %v", err)
			}
			b.show(key, err == nil)
		})
	}()
}

// show shows the key (or why there is none).
func (b *sshKeyBox) show(text string, isKey bool) {
	b.key.TextStyle.Monospace = isKey
	b.key.SetText(text)
	setEnabled(b.copyBtn, isKey)
	b.copyBtn.SetText(T("Copy"))
	b.copyBtn.SetIcon(theme.ContentCopyIcon())
}
