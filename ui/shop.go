package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage"
)

// ShopLink is the app's link to its shop's other machines (docs/shop.md):
// storage/shop's Agent, wired in main. Join and Leave are called off the
// UI goroutine.
type ShopLink interface {
	Status() ShopStatus
	SyncNow()
	Join(ctx context.Context, server, code string) error
	Leave(ctx context.Context) error
}

// ShopStatus is where this machine stands in its shop.
type ShopStatus struct {
	Joined   bool
	Name     string // this machine's name in the shop
	Machine  int
	Showroom bool
	Server   string
	Online   bool
	Syncing  bool
	LastSync time.Time
	Pending  int // changes waiting here
	Received int // rows the last sync took in
	Err      string
}

// SetShop connects the designer to its shop link (nil: none).
func (d *Designer) SetShop(link ShopLink) {
	d.shop = link
	if link != nil {
		if !d.shopTicking {
			d.shopTicking = true
			d.tickShopLine()
		}
		d.ShopChanged(link.Status())
		d.checkChangedTwice()
	}
}

// ShopChanged shows a new shop status (on the UI goroutine): the status
// line, the settings' Shop page, and — when the sync brought something —
// the library, the showroom queue's badge, the orders and the designs
// changed on two machines.
func (d *Designer) ShopChanged(st ShopStatus) {
	d.shopStatus = st
	d.showShopLine()
	if d.settings != nil && d.settings.shop != nil {
		d.settings.shop.show(st)
	}
	if st.Received > 0 && !st.Syncing {
		if d.library != nil && d.current == screenLibrary {
			d.library.refresh()
		}
		d.queueChanged()
		d.checkChangedTwice()
		d.loadSharedDealer(false)
	}
}

// shopLine says in a few words where the machine stands ("" in no shop).
func shopLine(st ShopStatus, conflicts int, now time.Time) string {
	var s string
	switch {
	case !st.Joined:
		return ""
	case st.Syncing:
		s = T("Syncing…")
	case !st.Online && st.Pending > 0:
		s = Tf("Offline: %s waiting", countOf(st.Pending, T("1 change"), T("%d changes")))
	case !st.Online:
		s = T("Offline")
	case now.Sub(st.LastSync) < time.Minute:
		s = T("Synced just now")
	case now.Sub(st.LastSync) < time.Hour:
		s = Tf("Synced %d min ago", int(now.Sub(st.LastSync).Minutes()))
	default:
		s = Tf("Synced at %s", st.LastSync.Local().Format("15:04"))
	}
	if conflicts > 0 {
		s += " · " + countOf(conflicts, T("1 design changed on two machines"), T("%d designs changed on two machines"))
	}
	return s
}

// countOf writes n with the singular or plural form (many has a %d).
func countOf(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}

// showShopLine writes the shop's words into the status line.
func (d *Designer) showShopLine() {
	if d.shopLabel == nil {
		return
	}
	text := shopLine(d.shopStatus, len(d.shopChangedTwice), time.Now())
	d.shopLabel.SetText(text)
	switch {
	case text == "":
		d.shopLabel.Hide()
	default:
		d.shopLabel.Show()
	}
	d.shopLabel.Importance = widget.MediumImportance
	if d.shopStatus.Joined && (!d.shopStatus.Online || len(d.shopChangedTwice) > 0) && !d.shopStatus.Syncing {
		d.shopLabel.Importance = widget.WarningImportance
	}
	d.shopLabel.Refresh()
	if d.panel.line != nil {
		d.panel.line.Refresh()
	}
}

// tickShopLine keeps "Synced 3 min ago" true while the app runs.
func (d *Designer) tickShopLine() {
	go func() {
		for range time.Tick(30 * time.Second) {
			d.do(func() {
				if d.shopStatus.Joined {
					d.showShopLine()
				}
			})
		}
	}()
}

// checkChangedTwice looks for designs changed on two machines (off the
// UI goroutine) and offers to settle them.
func (d *Designer) checkChangedTwice() {
	if d.store == nil {
		return
	}
	store := d.store
	go func() {
		ids, err := store.ChangedOnTwoMachines(context.Background())
		d.do(func() {
			if err != nil {
				return
			}
			news := len(ids) > len(d.shopChangedTwice)
			d.shopChangedTwice = ids
			d.showShopLine()
			if news && d.library != nil {
				d.library.showNotice(countOf(len(ids), T("A design was changed on two machines."), T("%d designs were changed on two machines.")),
					T("Review"), d.ReviewChangedTwice)
			}
		})
	}()
}

// ReviewChangedTwice lists the designs changed on two machines, each with
// its competing revisions: compare them, or keep one (the others stay in
// the design's history).
func (d *Designer) ReviewChangedTwice() {
	if d.store == nil || d.win == nil {
		return
	}
	store := d.store
	go func() {
		ctx := context.Background()
		type item struct {
			design storage.Design
			heads  []storage.Revision
		}
		var items []item
		ids, err := store.ChangedOnTwoMachines(ctx)
		for _, id := range ids {
			if err != nil {
				break
			}
			var it item
			if it.design, err = store.Design(ctx, id); err == nil {
				it.heads, err = store.DesignHeads(ctx, id)
			}
			items = append(items, it)
		}
		d.do(func() {
			if err != nil {
				d.showError(fmt.Errorf(T("the designs changed on two machines could not be read: %w"), err))
				return
			}
			rows := container.NewVBox()
			var dlg *dialog.CustomDialog
			if len(items) == 0 {
				rows.Add(widget.NewLabel(T("No design waits: every change has been settled.")))
			}
			for _, it := range items {
				title := widget.NewLabelWithStyle(it.design.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
				rows.Add(title)
				for _, h := range it.heads {
					h := h
					design := it.design
					where := h.MadeOn
					if where == "" || where == d.shopStatus.Name {
						where = T("this computer")
					}
					line := widget.NewLabel(Tf("Revision %d, saved on %s, %s", h.Number, where, shortTime(h.SavedAt)))
					keep := widget.NewButton(T("Keep this one"), func() {
						dlg.Hide()
						d.settle(design, h, where)
					})
					rows.Add(container.NewBorder(nil, nil, nil, keep, line))
				}
				if len(it.heads) >= 2 {
					a, b, id := it.heads[0].Number, it.heads[1].Number, it.design.ID
					rows.Add(container.NewHBox(
						widget.NewButtonWithIcon(T("Compare side by side"), theme.ViewFullScreenIcon(), func() {
							dlg.Hide()
							d.Compare(id, a, id, b)
						}),
						widget.NewButtonWithIcon(T("Open to combine"), theme.DocumentCreateIcon(), func() {
							dlg.Hide()
							d.openToCombine(id)
						})))
				}
				rows.Add(widget.NewSeparator())
			}
			intro := widget.NewLabel(T("These designs were changed on two machines before they synced. Nothing was overwritten: compare the versions and keep the one you want, or open one to combine them. The other stays in the design's history."))
			intro.Wrapping = fyne.TextWrapWord
			body := container.NewBorder(intro, nil, nil, nil, container.NewVScroll(rows))
			dlg = dialog.NewCustom(T("Changed on two machines"), T("Close"), body, d.win)
			dlg.Resize(fyne.NewSize(640, 460))
			dlg.Show()
		})
	}()
}

// openToCombine opens a design changed on two machines so that the user
// takes into it what they want from the other version: its next save
// settles it.
func (d *Designer) openToCombine(id int64) {
	d.afterOpen = func() {
		d.doc.settles = true
		d.note(T("Change this version to take what you want from the other one, then save: that settles it."))
	}
	d.OpenDesign(id)
}

// settle keeps one of a design's competing revisions.
func (d *Designer) settle(x storage.Design, keep storage.Revision, where string) {
	store := d.store
	go func() {
		_, _, err := store.SettleDesign(context.Background(), x.ID, keep.Number)
		d.do(func() {
			if err != nil {
				d.showError(fmt.Errorf(T("the design could not be settled: %w"), err))
				return
			}
			d.note(Tf("“%s”: the version from %s is kept; the other stays in its history.", x.Name, where))
			if d.library != nil {
				d.library.refresh()
			}
			d.checkChangedTwice()
			if d.shop != nil {
				d.shop.SyncNow()
			}
		})
	}()
}

// shortTime writes a stored time for people.
func shortTime(stamp string) string {
	t, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return stamp
	}
	return t.Local().Format("2 Jan 2006, 15:04")
}

// shopSettings is the settings' Shop page.
type shopSettings struct {
	d       *Designer
	box     *fyne.Container
	server  *widget.Entry
	code    *widget.Entry
	joinBtn *widget.Button
	problem *widget.Label
	state   *widget.Label
	machine *widget.Label
	where   *widget.Label
	syncBtn *widget.Button
	leave   *widget.Button
	joined  fyne.CanvasObject
	joining fyne.CanvasObject
	busy    *widget.ProgressBarInfinite
}

func newShopSettings(d *Designer) *shopSettings {
	v := &shopSettings{d: d}
	v.server = widget.NewEntry()
	v.server.SetPlaceHolder("office.local/atelier")
	v.code = widget.NewEntry()
	v.code.SetPlaceHolder("2-7KQ2-M9XD-…")
	v.problem = widget.NewLabel("")
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Importance = widget.DangerImportance
	v.problem.Hide()
	v.busy = widget.NewProgressBarInfinite()
	v.busy.Hide()
	v.joinBtn = widget.NewButtonWithIcon(T("Join the shop"), theme.LoginIcon(), v.join)
	v.joinBtn.Importance = widget.HighImportance
	// The buttons in the fields' column, under them.
	form := widget.NewForm(
		&widget.FormItem{Text: T("Server"), Widget: v.server, HintText: T("The shop's PostgreSQL: host/database, or host:port/database")},
		&widget.FormItem{Text: T("Pairing code"), Widget: v.code, HintText: T("From your shop's administrator (atelierctl shop add-machine); valid 15 minutes")},
		widget.NewFormItem("", container.NewVBox(container.NewHBox(v.joinBtn), v.busy, v.problem)),
	)
	v.joining = form

	v.machine = widget.NewLabel("")
	v.where = widget.NewLabel("")
	v.state = widget.NewLabel("")
	v.state.Wrapping = fyne.TextWrapWord
	v.syncBtn = widget.NewButtonWithIcon(T("Sync now"), theme.ViewRefreshIcon(), func() {
		if d.shop != nil {
			d.shop.SyncNow()
		}
	})
	v.leave = widget.NewButtonWithIcon(T("Leave the shop…"), theme.LogoutIcon(), v.askLeave)
	v.joined = widget.NewForm(
		widget.NewFormItem(T("This computer"), v.machine),
		widget.NewFormItem(T("Server"), v.where),
		widget.NewFormItem(T("State"), v.state),
		widget.NewFormItem("", container.NewHBox(v.syncBtn, v.leave)),
	)
	v.box = container.NewVBox(v.joining, v.joined)
	v.show(d.shopStatus)
	return v
}

// show brings the page up to date.
func (v *shopSettings) show(st ShopStatus) {
	if !st.Joined {
		v.joined.Hide()
		v.joining.Show()
		if v.d.shop == nil {
			v.joinBtn.Disable()
		} else {
			v.joinBtn.Enable()
		}
		return
	}
	v.joining.Hide()
	v.joined.Show()
	kind := T("dealer")
	if st.Showroom {
		kind = T("showroom")
	}
	v.machine.SetText(Tf("%s (machine %d, %s)", st.Name, st.Machine, kind))
	v.where.SetText(st.Server)
	state := shopLine(st, len(v.d.shopChangedTwice), time.Now())
	if st.Err != "" && !st.Online {
		state += "\n" + st.Err
	}
	v.state.SetText(state)
	if st.Syncing {
		v.syncBtn.Disable()
	} else {
		v.syncBtn.Enable()
	}
}

func (v *shopSettings) join() {
	d := v.d
	if d.shop == nil {
		return
	}
	server, code := strings.TrimSpace(v.server.Text), strings.TrimSpace(v.code.Text)
	if server == "" || code == "" {
		v.fail(errors.New(T("enter the server and the pairing code")))
		return
	}
	v.joinBtn.Disable()
	v.problem.Hide()
	v.busy.Show()
	v.busy.Start()
	link := d.shop
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := link.Join(ctx, server, code)
		d.do(func() {
			v.busy.Stop()
			v.busy.Hide()
			v.joinBtn.Enable()
			if err != nil {
				v.fail(err)
				return
			}
			v.code.SetText("")
			d.note(T("This computer joined the shop; its designs, customers and orders are being shared."))
			d.ShopChanged(link.Status())
		})
	}()
}

func (v *shopSettings) fail(err error) {
	v.problem.SetText(Tf("Not joined: %v", err))
	v.problem.Show()
}

func (v *shopSettings) askLeave() {
	d := v.d
	if d.shop == nil || d.win == nil {
		return
	}
	dlg := dialog.NewConfirm(T("Leave the shop?"),
		T("This computer stops sharing with the shop's other machines. Everything stays in its library. To take it out of the shop for good (a lost laptop), the shop's administrator revokes it with atelierctl shop revoke."),
		func(ok bool) {
			if !ok {
				return
			}
			link := d.shop
			go func() {
				err := link.Leave(context.Background())
				d.do(func() {
					if err != nil {
						d.showError(fmt.Errorf(T("leaving the shop: %w"), err))
						return
					}
					d.ShopChanged(link.Status())
				})
			}()
		}, d.win)
	dlg.SetConfirmText(T("Leave the shop"))
	dlg.SetDismissText(T("Stay"))
	dlg.Show()
}
