package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"strconv"
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
)

// queueChanged counts the designs waiting from the showroom (off the UI
// goroutine) and shows the count on the library's rail item.
func (d *Designer) queueChanged() {
	if d.store == nil || d.rail == nil {
		return
	}
	store := d.store
	go func() {
		q, err := store.Queue(context.Background(), false)
		d.do(func() {
			badge := ""
			if err == nil && len(q) > 0 {
				badge = strconv.Itoa(len(q))
			}
			d.waiting = len(q)
			d.rail.setBadge(screenLibrary, badge)
			if d.library != nil {
				d.library.showQueueButton(len(q))
			}
		})
	}()
}

// ShowQueue lists the designs customers sent from the showroom: their
// code, when, the name they gave, and Open (which takes it off the
// queue) or Remove. A code typed at the top finds its design.
func (d *Designer) ShowQueue() {
	if d.store == nil || d.win == nil {
		return
	}
	store := d.store
	go func() {
		ctx := context.Background()
		q, err := store.Queue(ctx, false)
		// The pictures are read and decoded here, not on the UI goroutine.
		pics := make([]image.Image, len(q))
		for i, e := range q {
			if rev, err := store.Revision(ctx, e.Design.ID, 0); err == nil && len(rev.Thumbnail) > 0 {
				pics[i], _ = png.Decode(bytes.NewReader(rev.Thumbnail))
			}
		}
		d.do(func() {
			if err != nil {
				d.showError(fmt.Errorf(T("the showroom queue could not be read: %w"), err))
				return
			}
			d.showQueue(q, pics)
		})
	}()
}

func (d *Designer) showQueue(q []storage.QueueEntry, pics []image.Image) {
	var dlg *dialog.CustomDialog
	rows := container.NewVBox()
	if len(q) == 0 {
		rows.Add(widget.NewLabel(T("No designs are waiting from the showroom.")))
	}
	now := time.Now()
	for i, e := range q {
		var pic fyne.CanvasObject = layout.NewSpacer()
		if pics[i] != nil {
			c := canvas.NewImageFromImage(pics[i])
			c.FillMode = canvas.ImageFillContain
			pic = c
		}
		code := widget.NewLabelWithStyle(storage.FormatCode(e.Code), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		who := e.CustomerName
		if who == "" {
			who = T("no name given")
		}
		price := d.sentPrice(e.Design)
		product := e.Design.ProductName
		if p := d.cat.Product(e.Design.ProductID); p != nil && e.Design.Catalog == d.catalogID {
			product = d.text(p.Name) // in the app's language, not the showroom's
		}
		info := widget.NewLabel(fmt.Sprintf(T("%s · %s · %s · %s"), product, price, who, when(e.SentAt, now)))
		info.Truncation = fyne.TextTruncateEllipsis
		open := widget.NewButtonWithIcon(T("Open"), theme.FolderOpenIcon(), func() {
			dlg.Hide()
			d.takeFromQueue(e.Code)
		})
		open.Importance = widget.HighImportance
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			dlg.Hide()
			d.removeFromQueue(e)
		})
		rows.Add(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(96, 60), pic), container.NewHBox(open, remove),
			container.NewVBox(code, container.New(layout.NewCustomPaddedLayout(-12, 0, 0, 0), info))))
	}
	find := widget.NewEntry()
	find.SetPlaceHolder(T("Code the customer tells you, e.g. K7P 3QX"))
	find.OnSubmitted = func(s string) {
		if strings.TrimSpace(s) != "" {
			dlg.Hide()
			d.takeFromQueue(s)
		}
	}
	findBtn := widget.NewButtonWithIcon(T("Find"), theme.SearchIcon(), func() { find.OnSubmitted(find.Text) })
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(600, min(float32(80*max(len(q), 1)), 400)))
	body := container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, findBtn, find), widget.NewSeparator()), nil, nil, nil, scroll)
	dlg = dialog.NewCustom(fmt.Sprintf(T("From the showroom (%d waiting)"), len(q)), T("Close"), body, d.win)
	dlg.Resize(fyne.NewSize(700, 0))
	dlg.Show()
	d.win.Canvas().Focus(find)
}

// takeFromQueue takes a queued design (by its code) and opens it.
func (d *Designer) takeFromQueue(code string) {
	store := d.store
	go func() {
		e, err := store.TakeFromQueue(context.Background(), code)
		d.do(func() {
			if err != nil {
				d.showError(fmt.Errorf(T("no design waits under the code %s"), storage.FormatCode(storage.NormalizeCode(code))))
				return
			}
			d.queueChanged()
			name := ""
			if e.CustomerName != "" {
				name = " " + Tf("The customer gave the name “%s”: link or create the customer when you save it.", e.CustomerName)
			}
			msg := Tf("Design %s from the showroom.", storage.FormatCode(e.Code)) + name
			d.afterOpen = func() { d.note(msg) }
			d.OpenDesign(e.Design.ID)
		})
	}()
}

// removeFromQueue drops a queued design (into the trash), after asking.
func (d *Designer) removeFromQueue(e storage.QueueEntry) {
	dialog.ShowConfirm(T("Remove from the queue"), fmt.Sprintf(T("Remove design %s from the showroom queue? It goes to the trash."), storage.FormatCode(e.Code)), func(ok bool) {
		if !ok {
			return
		}
		store := d.store
		go func() {
			err := store.RemoveFromQueue(context.Background(), e.Code)
			d.do(func() {
				if err != nil {
					d.showError(err)
				}
				d.queueChanged()
				if d.library != nil && d.LibraryShown() {
					d.library.refresh()
				}
			})
		}()
	}, d.win)
}
