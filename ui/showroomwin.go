package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// showroomWindow is the window as the showroom's designer sees it: every
// dialog and pop-up it opens there (the ways to choose an option the other
// choices rule out, a message) takes the showroom's theme, as large for
// fingers as the rest. Fyne's dialogs are not inside the showroom's theme
// scope: they lie on the canvas's overlays.
type showroomWindow struct{ fyne.Window }

// showroomWindowOf wraps a window for the showroom's designer (nil stays
// nil: headless).
func showroomWindowOf(w fyne.Window) fyne.Window {
	if w == nil {
		return nil
	}
	return showroomWindow{w}
}

// Canvas implements fyne.Window.
func (w showroomWindow) Canvas() fyne.Canvas { return showroomCanvas{w.Window.Canvas()} }

type showroomCanvas struct{ fyne.Canvas }

// Overlays implements fyne.Canvas.
func (c showroomCanvas) Overlays() fyne.OverlayStack {
	return showroomOverlays{c.Canvas.Overlays()}
}

type showroomOverlays struct{ fyne.OverlayStack }

// Add implements fyne.OverlayStack: the overlay's widgets join the
// showroom's theme (a theme override over it registers the scope; the
// override itself is not drawn).
func (o showroomOverlays) Add(overlay fyne.CanvasObject) {
	container.NewThemeOverride(overlay, showroomTheme{})
	o.OverlayStack.Add(overlay)
}
