package ui

import (
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
)

// labelledShortcut is a menu item's shortcut as the menu shows it in the
// app's language: Fyne writes the modifiers in English ("Ctrl+", fixed in
// its code), German writes "Strg+" and "Umschalt+". The menu draws Key()
// after the modifiers Mod() names, so Key is the whole label and Mod is
// none; the shortcut's name, by which the window and the menu match key
// presses, stays the shortcut's own, so the key still works as before.
type labelledShortcut struct {
	fyne.KeyboardShortcut
	label string
}

// Key implements fyne.KeyboardShortcut: the whole label.
func (s *labelledShortcut) Key() fyne.KeyName { return fyne.KeyName(s.label) }

// Mod implements fyne.KeyboardShortcut: none (they are in the label).
func (s *labelledShortcut) Mod() fyne.KeyModifier { return 0 }

// inMenuLanguage returns sc labelled in the app's language for a menu.
// macOS draws its own menus with the system's symbols (⌘⇧Z): sc as it is.
func inMenuLanguage(sc fyne.Shortcut) fyne.Shortcut {
	k, ok := sc.(fyne.KeyboardShortcut)
	if !ok || runtime.GOOS == "darwin" {
		return sc
	}
	return &labelledShortcut{KeyboardShortcut: k, label: shortcutLabel(k.Mod(), k.Key())}
}

// shortcutLabel writes a shortcut as the language does: "Ctrl+Shift+Z",
// German "Strg+Umschalt+Z".
func shortcutLabel(mod fyne.KeyModifier, key fyne.KeyName) string {
	var b strings.Builder
	if mod&fyne.KeyModifierControl != 0 {
		b.WriteString(T("Ctrl+"))
	}
	if mod&fyne.KeyModifierAlt != 0 {
		b.WriteString(T("Alt+"))
	}
	if mod&fyne.KeyModifierShift != 0 {
		b.WriteString(T("Shift+"))
	}
	if mod&fyne.KeyModifierSuper != 0 {
		b.WriteString(T("Super+"))
	}
	switch key {
	case fyne.KeyComma:
		b.WriteString(",")
	case fyne.KeyDelete:
		b.WriteString(T("Del"))
	case fyne.KeyEscape:
		b.WriteString(T("Esc"))
	default:
		b.WriteString(string(key))
	}
	return b.String()
}
