package ui

import (
	"github.com/atelier-app/atelier/internal/testcat"

	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// wideDesigner opens a designer on a desk with a top (glass, oak, marble)
// and n yes/no features x00..: an oak top excludes "a" for the first need
// of them; marble is sold out (no configuration has it).
func wideDesigner(t *testing.T, n, need int) (*Designer, fyne.Window, uiQueue) {
	t.Helper()
	test.NewTempApp(t)
	cat, err := catalog.Parse("wide.json", testcat.Insisting(n, need), nil)
	if err != nil {
		t.Fatal(err)
	}
	return designerOn(t, cat, fyne.NewSize(1280, 800))
}

// hasText reports whether a label in o holds text.
func hasText(o fyne.CanvasObject, text string) bool {
	switch v := o.(type) {
	case *widget.Label:
		return strings.Contains(v.Text, text)
	case *fyne.Container:
		for _, c := range v.Objects {
			if hasText(c, text) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			if hasText(c, text) {
				return true
			}
		}
	}
	return false
}

// dialogWith waits for the top overlay to show text.
func dialogWith(t *testing.T, w fyne.Window, q uiQueue, text string) fyne.CanvasObject {
	t.Helper()
	var top fyne.CanvasObject
	eventually(t, q, "a dialog saying "+text, func() bool {
		top = w.Canvas().Overlays().Top()
		return top != nil && hasText(top, text)
	})
	return top
}

// With 40 decisions of which 5 must go for an oak top, the app said "No
// change of your other choices makes it possible"; it now offers to keep
// the other 35, lists the changes, and applies them in one step.
func TestInsistingWithManyDecisions(t *testing.T) {
	d, w, q := wideDesigner(t, 40, 5)
	for i := 0; i < 40; i++ {
		d.Decide(fmt.Sprintf("x%02d", i), catalog.Value{Kind: catalog.Choice, Str: "a"})
	}
	eventually(t, q, "the engine's answer", func() bool { return d.domains != nil })
	test.Tap(d.controls["top"].rows["oak"])
	top := dialogWith(t, w, q, "Changes: X0 from A to B; X1 from A to B; X2 from A to B; X3 from A to B; X4 from A to B.")
	if hasText(top, "No change") || hasText(top, "not possible") {
		t.Error("the dialog says nothing helps")
	}
	keep := findButton(top, "Keep it and 35 of your 40 other choices")
	if keep == nil {
		t.Fatal("no button to keep 35 of 40 choices")
	}
	test.Tap(keep)
	eventually(t, q, "the repaired decisions", func() bool { return d.Decisions()["top"].Str == "oak" })
	dec := d.Decisions()
	for i := 0; i < 40; i++ {
		// The five set aside stay decided, with their new value (issue 14).
		want := "a"
		if i < 5 {
			want = "b"
		}
		if got, ok := dec[fmt.Sprintf("x%02d", i)]; !ok || got.Str != want {
			t.Errorf("x%02d = %q (decided %v), want %q", i, got.Str, ok, want)
		}
	}
}

// An option no configuration has is said to be impossible, in the
// catalog's words.
func TestInsistingOnImpossibleOption(t *testing.T) {
	d, w, q := wideDesigner(t, 3, 1)
	d.Decide("x00", catalog.Value{Kind: catalog.Choice, Str: "a"})
	eventually(t, q, "the engine's answer", func() bool { return d.domains != nil })
	test.Tap(d.controls["top"].rows["marble"])
	top := dialogWith(t, w, q, "Top: Marble is not possible with this product, whatever your other choices.")
	if !hasText(top, "Marble is sold out.") {
		t.Error("the dialog does not give the rule's reason")
	}
	if hasText(top, "with your choices") {
		t.Error("the dialog blames the user's choices")
	}
}

// A search cut short says so (never that nothing is possible); a maximal
// repair says a smaller change may exist.
func TestRepairDialogSaysWhatIsKnown(t *testing.T) {
	d, w, q := wideDesigner(t, 6, 6)
	eventually(t, q, "the engine's answer", func() bool { return d.domains != nil })
	f := d.product.Feature("top")
	oak := catalog.Value{Kind: catalog.Choice, Str: "oak"}
	a := catalog.Value{Kind: catalog.Choice, Str: "a"}
	b := catalog.Value{Kind: catalog.Choice, Str: "b"}
	expl := &rules.Explanation{Rules: []*catalog.Rule{d.product.Rules[1]}}
	maximal := rules.Repair{Kind: rules.RepairMaximal, PriceDelta: decimal.Zero, Decisions: rules.Decisions{"top": oak}}
	for i := 0; i < 4; i++ {
		id := fmt.Sprintf("x%02d", i)
		maximal.Drop = append(maximal.Drop, id)
		maximal.Changes = append(maximal.Changes, rules.Change{Feature: d.product.Feature(id), From: a, To: b, Dropped: true})
	}
	tests := []struct {
		name  string
		props []rules.Repair
		cut   error
		want  []string
		not   string
	}{
		{"cut short", nil, &rules.TooHardError{Product: "desk"}, []string{"was cut short", "That does not mean nothing is possible"}, "not possible with this product"},
		{"maximal", []rules.Repair{maximal}, nil, []string{"keeping as many of your choices as the search could", "a smaller set of changes may exist", "Changes: X0 from A to B"}, "cut short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d.showRepairs(f, oak, 6, expl, tt.props, tt.cut)
			top := w.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no dialog")
			}
			defer w.Canvas().Overlays().Remove(top)
			for _, want := range tt.want {
				if !hasText(top, want) {
					t.Errorf("the dialog lacks %q", want)
				}
			}
			if hasText(top, tt.not) {
				t.Errorf("the dialog says %q", tt.not)
			}
			if tt.props != nil && findButton(top, "Keep it and 2 of your 6 other choices") == nil {
				t.Error("no button to keep 2 of 6 choices")
			}
		})
	}
}
