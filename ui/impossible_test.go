package ui

import (
	"strings"
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
	// Hovering says the same: only a choice the user made can be changed.
	for option, want := range map[string]string{
		"oak":    "Click it for ways to choose it anyway.",
		"marble": "Not available in this product: Marble is sold out.",
	} {
		d.hoverTip = ""
		row := d.controls["top"].rows[option]
		row.onHover(true)
		eventually(t, q, "the hover tip for "+option, func() bool { return d.hoverTip != "" })
		if !strings.Contains(d.hoverTip, want) {
			t.Errorf("hovering %s says %q, want %q in it", option, d.hoverTip, want)
		}
		row.onHover(false)
	}
}
