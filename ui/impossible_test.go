package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/atelier-app/atelier/catalog"
)

// TestImpossibleOptionIsNotBlamedOnChoices: an option no configuration has
// says "not available"; one the user's choices rule out says so.
func TestImpossibleOptionIsNotBlamedOnChoices(t *testing.T) {
	d, _, q := wideDesigner(t, 4, 4)
	eventually(t, q, "the engine's answer", func() bool { return d.domains != nil })
	d.setDesign(d.product, map[string]catalog.Value{"x00": {Kind: catalog.Choice, Str: "a"}})
	eventually(t, q, "the answer to the choice", func() bool {
		return d.domains != nil && !d.domains.Feature("top").Available[1]
	})
	note := func(option string) string {
		r := test.WidgetRenderer(d.controls["top"].rows[option]).(*optionRowRenderer)
		return r.note.Text
	}
	for option, want := range map[string]string{
		"glass":  "",
		"oak":    "not with your choices",
		"marble": "not available",
	} {
		if got := note(option); got != want {
			t.Errorf("%s says %q, want %q", option, got, want)
		}
	}
}
