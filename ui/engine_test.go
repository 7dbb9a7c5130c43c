package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// eventually runs the UI queue until cond holds (the engine and the preview
// answer off the UI goroutine).
func eventually(t *testing.T, q uiQueue, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		q.drain()
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestUnavailableOptionIsGreyedWithReason(t *testing.T) {
	d, _, q := newDesignerQueue(t)
	d.Decide("width", catalog.Value{Kind: catalog.Number, Num: decimal.NewFromInt(1800)})
	eventually(t, q, "the engine's answer", func() bool { return d.domains != nil })
	glass := d.controls["top"].rows["glass"]
	if glass.available {
		t.Fatal("glass top is offered with a 1800 mm desk")
	}
	if !d.controls["top"].rows["oak"].available {
		t.Error("oak top is not offered")
	}
	eventually(t, q, "the count of variants", func() bool { return strings.HasSuffix(d.variants.Text, "variants remain") })
	// Hovering the greyed option tells why.
	glass.MouseIn(nil)
	eventually(t, q, "the reason in the status line", func() bool {
		return strings.Contains(d.status.Text, "Glass tops are made up to 1600 mm wide.") && strings.Contains(d.status.Text, "Width: 1800 mm")
	})
	glass.MouseOut()
}

func TestPickingUnavailableOptionOffersRepairAndUndo(t *testing.T) {
	d, w, q := newDesignerQueue(t)
	d.Decide("width", catalog.Value{Kind: catalog.Number, Num: decimal.NewFromInt(1800)})
	eventually(t, q, "the engine's answer", func() bool { return d.domains != nil })
	test.Tap(d.controls["top"].rows["glass"])
	var repair *widget.Button
	eventually(t, q, "the repair dialog", func() bool {
		top := w.Canvas().Overlays().Top()
		if top == nil {
			return false
		}
		repair = findButton(top, "Change Width from 1800 mm to 1600 mm")
		return repair != nil
	})
	test.Tap(repair)
	eventually(t, q, "the repaired decisions", func() bool {
		dec := d.Decisions()
		// The width set aside stays decided, with its new value (issue 14).
		return dec["top"].Str == "glass" && dec["width"].Num.String() == "1600"
	})
	if d.config.Values["width"].Num.String() != "1600" {
		t.Errorf("width after the repair = %s, want 1600", d.config.Values["width"].Num)
	}
	// One step back restores the earlier decisions.
	d.Undo()
	dec := d.Decisions()
	if dec["width"].Num.String() != "1800" || dec["top"].Kind != "" {
		t.Errorf("after undo: %v", dec)
	}
	d.Redo()
	if d.Decisions()["top"].Str != "glass" {
		t.Errorf("after redo: %v", d.Decisions())
	}
}

func findButton(o fyne.CanvasObject, prefix string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if strings.HasPrefix(v.Text, prefix) {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := findButton(c, prefix); b != nil {
				return b
			}
		}
	case fyne.Widget:
		r := test.WidgetRenderer(v)
		for _, c := range r.Objects() {
			if b := findButton(c, prefix); b != nil {
				return b
			}
		}
	}
	return nil
}
