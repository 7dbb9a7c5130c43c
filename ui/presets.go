package ui

import (
	"maps"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ApplyPreset replaces the decisions with one of the product's presets,
// in one undoable step. A new design with nothing of the user's own in it
// starts from the preset: the preset alone is not unsaved work.
func (d *Designer) ApplyPreset(id string) {
	if d.product == nil {
		return
	}
	for _, ps := range d.product.Presets {
		if ps.ID == id {
			if d.doc.id == 0 && !d.Dirty() {
				d.doc.origin = encodeDecisions(ps.Values)
			}
			d.apply(maps.Clone(ps.Values))
			d.note(Tf("Preset “%s”: Ctrl+Z takes it back.", d.text(ps.Name)))
			return
		}
	}
}

// presetButton opens the current product's presets.
func (d *Designer) presetButton() *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(T("Presets"), theme.MenuDropDownIcon(), func() {
		if d.product == nil || len(d.product.Presets)+len(d.product.Needs) == 0 || d.win == nil {
			return
		}
		var items []*fyne.MenuItem
		for _, ps := range d.product.Presets {
			id := ps.ID
			items = append(items, fyne.NewMenuItem(d.text(ps.Name), func() { d.ApplyPreset(id) }))
		}
		if len(d.product.Needs) > 0 {
			// The needs-based start, for a customer at the dealer's desk.
			if len(items) > 0 {
				items = append(items, fyne.NewMenuItemSeparator())
			}
			items = append(items, fyne.NewMenuItem(T("Answer a few questions…"), d.AskNeeds))
		}
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(0, b.Size().Height))
		widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), d.win.Canvas(), pos)
	})
	b.IconPlacement = widget.ButtonIconTrailingText
	return b
}
