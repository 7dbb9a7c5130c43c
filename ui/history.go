package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
)

// history is a design's revision history in a dialog: every save, newest
// first, with its date and price; for the one selected, its picture and how
// it differs from the current revision. Restore makes it current again, as
// a new revision (the ones in between stay).
type history struct {
	l       *Library
	x       storage.Design
	revs    []storage.Revision // newest (current) first
	sel     int
	list    *widget.List
	heading *widget.Label
	pic     *canvas.Image
	changes *fyne.Container
	restore *widget.Button
	compare *widget.Button // the selected revision beside the current one
	dialog  *dialog.CustomDialog
}

// showHistory reads a design's revisions (off the UI goroutine) and shows
// them.
func (l *Library) showHistory(x storage.Design) {
	if l.d.win == nil {
		return
	}
	store := l.store
	var revs []storage.Revision
	l.background(func(ctx context.Context) (err error) {
		revs, err = store.Revisions(ctx, x.ID)
		return err
	}, func(err error) {
		if err == nil && len(revs) == 0 {
			err = errors.New(T("it has no saved revision"))
		}
		if err != nil {
			l.d.showError(fmt.Errorf(T("the history of “%s” could not be read: %w"), x.Name, err))
			return
		}
		l.history = l.newHistory(x, revs)
	})
}

func (l *Library) newHistory(x storage.Design, revs []storage.Revision) *history {
	h := &history{l: l, x: x, revs: revs, sel: -1}
	now := time.Now()
	h.list = widget.NewList(
		func() int { return len(h.revs) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle(T("Revision 00 · current"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			price := widget.NewLabelWithStyle("€00,000.00", fyne.TextAlignTrailing, fyne.TextStyle{})
			date := widget.NewLabel(T("yesterday, 00:00"))
			date.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(container.NewBorder(nil, nil, nil, price, title), date)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := h.revs[i]
			box := o.(*fyne.Container)
			row := box.Objects[0].(*fyne.Container)
			title := fmt.Sprintf(T("Revision %d"), r.Number)
			if i == 0 {
				title += T(" · current")
			}
			row.Objects[0].(*widget.Label).SetText(title)
			row.Objects[1].(*widget.Label).SetText(moneyText(r.Total, r.Currency))
			box.Objects[1].(*widget.Label).SetText(when(r.SavedAt, now))
		},
	)
	h.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.heading.Wrapping = fyne.TextWrapWord
	h.pic = canvas.NewImageFromImage(nil)
	h.pic.FillMode = canvas.ImageFillContain
	h.pic.SetMinSize(fyne.NewSize(render.ThumbWidth, render.ThumbHeight))
	h.pic.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	h.changes = container.NewVBox()
	h.restore = widget.NewButtonWithIcon(T("Restore this revision"), theme.HistoryIcon(), h.restoreSelected)
	h.restore.Importance = widget.HighImportance
	h.restore.Disable()
	h.compare = widget.NewButtonWithIcon(T("Side by side"), theme.ViewFullScreenIcon(), func() {
		if h.sel > 0 {
			l.d.Compare(x.ID, h.revs[h.sel].Number, x.ID, h.revs[0].Number)
		}
	})
	h.compare.Disable()
	h.list.OnSelected = h.selectRevision

	detail := container.NewBorder(
		container.NewVBox(h.heading, container.NewCenter(h.pic)),
		container.NewHBox(spacer(), h.compare, h.restore), nil, nil,
		container.NewVScroll(h.changes))
	split := container.NewHSplit(h.list, container.NewPadded(detail))
	split.Offset = 0.34
	h.dialog = dialog.NewCustom(fmt.Sprintf(T("History of “%s”"), x.Name), T("Close"), split, l.d.win)
	h.dialog.SetOnClosed(func() {
		if l.history == h {
			l.history = nil
		}
	})
	h.dialog.Resize(fyne.NewSize(940, 620))
	h.dialog.Show()
	h.list.Select(min(1, len(revs)-1)) // the one before the current: what a restore would bring back
	return h
}

// selectRevision shows revision i: its picture, and what differs from the
// current revision.
func (h *history) selectRevision(i widget.ListItemID) {
	h.sel = i
	r, cur := h.revs[i], h.revs[0]
	h.heading.SetText(fmt.Sprintf(T("Revision %d, saved %s"), r.Number, when(r.SavedAt, time.Now())))
	h.changes.RemoveAll()
	setEnabled(h.compare, i > 0)
	if i == 0 {
		h.restore.Disable()
		h.changes.Add(widget.NewLabel(T("This is the current revision.")))
	} else {
		h.restore.Enable()
		changes := storage.CompareRevisions(r, cur)
		if len(changes) == 0 {
			h.changes.Add(widget.NewLabel(T("The same as the current revision.")))
		} else {
			h.changes.Add(h.changeTable(r, cur, changes))
		}
	}
	h.changes.Refresh()
	// The picture is not in the list (it would be heavy): read it now.
	h.pic.Image = nil
	h.pic.Refresh()
	store, design, number := h.l.store, h.x.ID, r.Number
	go func() {
		full, err := store.Revision(context.Background(), design, number)
		var img image.Image
		if err == nil && len(full.Thumbnail) > 0 {
			img, _ = png.Decode(bytes.NewReader(full.Thumbnail))
		}
		h.l.d.do(func() {
			if h.sel == i && img != nil {
				h.pic.Image = img
				h.pic.Refresh()
			}
		})
	}()
}

// changeTable lists the differences in three columns: what, in the
// selected revision, now.
func (h *history) changeTable(r, cur storage.Revision, changes []storage.Change) fyne.CanvasObject {
	bold := fyne.TextStyle{Bold: true}
	head := func(s string) fyne.CanvasObject {
		l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{})
		l.SizeName = theme.SizeNameCaptionText
		return l
	}
	cell := func(s string, style fyne.TextStyle) fyne.CanvasObject {
		l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, style)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	grid := container.NewGridWithColumns(3, head(T("What differs")), head(fmt.Sprintf(T("Revision %d"), r.Number)), head(T("Now")))
	for _, c := range changes {
		what, from, to := h.describe(c, r, cur)
		grid.Add(cell(what, bold))
		grid.Add(cell(from, fyne.TextStyle{}))
		grid.Add(cell(to, fyne.TextStyle{}))
	}
	return grid
}

// describe says one change in words: the feature's name and the values as
// the catalog names them.
func (h *history) describe(c storage.Change, r, cur storage.Revision) (what, from, to string) {
	d := h.l.d
	from, to = c.From, c.To
	switch {
	case strings.HasPrefix(c.Field, "feature:"):
		id := strings.TrimPrefix(c.Field, "feature:")
		what = id
		if p := d.cat.Product(h.x.ProductID); p != nil {
			if f := p.Feature(id); f != nil {
				what = d.text(f.Name)
				words := func(s string) string {
					if s == "" {
						return "default"
					}
					v, err := f.ParseValue(s)
					if err != nil {
						return s
					}
					return d.valueName(f, v)
				}
				from, to = words(c.From), words(c.To)
			}
		}
	case c.Field == "total":
		what, from, to = T("Price"), moneyText(r.Total, r.Currency), moneyText(cur.Total, cur.Currency)
	case c.Field == "catalog":
		what, from, to = T("Catalog version"), "#"+c.From, "#"+c.To
	default:
		what = capitalize(c.Field)
	}
	if from == "" {
		from = "—"
	}
	if to == "" {
		to = "—"
	}
	return what, from, to
}

// restoreSelected makes the selected revision current again.
func (h *history) restoreSelected() {
	if h.sel <= 0 {
		return
	}
	l, number := h.l, h.revs[h.sel].Number
	store := l.store
	var x storage.Design
	var rev storage.Revision
	h.restore.Disable()
	l.background(func(ctx context.Context) (err error) {
		x, rev, err = store.RestoreRevision(ctx, h.x.ID, number)
		return err
	}, func(err error) {
		if err != nil {
			h.restore.Enable()
			l.d.showError(fmt.Errorf(T("revision %d could not be restored: %w"), number, err))
			return
		}
		h.dialog.Hide()
		l.refresh()
		msg := fmt.Sprintf(T("Revision %d of “%s” is current again (as revision %d)."), number, x.Name, x.Revision)
		if d := l.d; d.doc.id == x.ID {
			if d.Dirty() {
				msg += T(" The designer still shows your unsaved changes.")
			} else if err := d.loadDesign(x, rev); err != nil {
				d.showError(err)
			}
		}
		l.showNotice(msg, "", nil)
	})
}
