package ui

import (
	"image"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/render"
)

// Preview shows a rendered product. Rendering runs off the UI goroutine; the
// latest request wins and older results are dropped. Drag to orbit, drag
// with the secondary button (or with Shift) to pan, scroll to zoom,
// double-tap to reset. While dragging, large previews are drawn at half
// resolution so that orbiting stays fluid; the full picture follows when
// the drag ends.
type Preview struct {
	widget.BaseWidget

	img *canvas.Image

	mu       sync.Mutex
	scene    *render.Scene
	view     render.View
	gen      uint64 // incremented for every request; a result is shown only if still current
	renders  latest // one render at a time; the newest request waits, older ones are dropped
	renderer *render.Renderer
	dragging bool
	panning  bool

	// OnRendered, if set, is called on the UI goroutine after each new image is shown (tests use it).
	OnRendered func()
	// OnInteract, if set, is called on the UI goroutine when the user
	// drags, scrolls or taps the preview (the showroom's idle clock).
	OnInteract func()
	// do runs a function on the UI goroutine (fyne.Do; tests replace it).
	do func(func())
}

// lightPixels: a drag over a preview larger than this (device pixels) is
// drawn at half resolution.
const lightPixels = 500_000

// NewPreview creates an empty preview in the standard iso view.
func NewPreview() *Preview {
	p := &Preview{img: canvas.NewImageFromImage(image.NewNRGBA(image.Rect(0, 0, 1, 1))), view: render.ViewIso, do: fyne.Do, renderer: render.NewRenderer()}
	p.img.FillMode = canvas.ImageFillStretch
	p.img.ScaleMode = canvas.ImageScaleSmooth
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer implements fyne.Widget.
func (p *Preview) CreateRenderer() fyne.WidgetRenderer {
	return &previewRenderer{p: p}
}

// MinSize keeps the preview usable on small screens.
func (p *Preview) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

// SetScene shows a new scene.
func (p *Preview) SetScene(s *render.Scene) {
	p.mu.Lock()
	p.scene = s
	p.mu.Unlock()
	p.request()
}

// SetView changes the camera (angles, zoom, pan), keeping the size and the
// dimensions and projection settings.
func (p *Preview) SetView(v render.View) {
	p.mu.Lock()
	p.view = p.view.WithCamera(v)
	p.mu.Unlock()
	p.request()
}

// SetDimensions shows or hides the overall dimensions.
func (p *Preview) SetDimensions(on bool) {
	p.mu.Lock()
	p.view.Dimensions = on
	p.mu.Unlock()
	p.request()
}

// SetPerspective switches between a perspective and an orthographic camera.
func (p *Preview) SetPerspective(on bool) {
	p.mu.Lock()
	p.view.Perspective = on
	p.mu.Unlock()
	p.request()
}

// SetUnit sets the length unit of the dimension labels.
func (p *Preview) SetUnit(unit string) {
	p.mu.Lock()
	p.view.Unit = unit
	p.mu.Unlock()
}

// SetInches shows the dimensions in inches (or back in the unit).
func (p *Preview) SetInches(on bool) {
	p.mu.Lock()
	p.view.Inches = on
	p.mu.Unlock()
	p.request()
}

// View returns the current camera.
func (p *Preview) View() render.View {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.view
}

// Controls returns the preview's buttons: the standard views, reset, and
// the dimensions and perspective switches.
func (p *Preview) Controls() fyne.CanvasObject {
	dims := widget.NewCheck(T("Dimensions"), p.SetDimensions)
	persp := widget.NewCheck(T("Perspective"), p.SetPerspective)
	v := p.View()
	dims.Checked, persp.Checked = v.Dimensions, v.Perspective
	return container.NewHBox(
		widget.NewButton(T("Iso"), func() { p.SetView(render.ViewIso) }),
		widget.NewButton(T("Front"), func() { p.SetView(render.ViewFront) }),
		widget.NewButton(T("Side"), func() { p.SetView(render.ViewSide) }),
		widget.NewButton(T("Top"), func() { p.SetView(render.ViewTop) }),
		dims, persp,
	)
}

// MouseDown chooses what a drag does: orbit, or pan with the secondary
// button or Shift.
func (p *Preview) MouseDown(e *desktop.MouseEvent) {
	p.mu.Lock()
	p.panning = e.Button == desktop.MouseButtonSecondary || e.Modifier&fyne.KeyModifierShift != 0
	p.mu.Unlock()
}

// MouseUp implements desktop.Mouseable.
func (p *Preview) MouseUp(*desktop.MouseEvent) {}

// Dragged orbits (or pans) the camera.
func (p *Preview) Dragged(e *fyne.DragEvent) {
	p.interacted()
	size := p.Size()
	p.mu.Lock()
	p.dragging = true
	if p.panning {
		p.view.PanX += float64(e.Dragged.DX / max(size.Width, 1))
		p.view.PanY += float64(e.Dragged.DY / max(size.Height, 1))
	} else {
		p.view.Azimuth = math.Mod(p.view.Azimuth-float64(e.Dragged.DX)*0.5, 360)
		p.view.Elevation = math.Max(-10, math.Min(89, p.view.Elevation+float64(e.Dragged.DY)*0.4))
	}
	p.mu.Unlock()
	p.request()
}

// DragEnd draws the full-resolution picture.
func (p *Preview) DragEnd() {
	p.mu.Lock()
	p.dragging, p.panning = false, false
	p.mu.Unlock()
	p.request()
}

// Scrolled zooms.
func (p *Preview) Scrolled(e *fyne.ScrollEvent) {
	p.interacted()
	p.mu.Lock()
	z := p.view.Zoom * math.Pow(1.0015, float64(e.Scrolled.DY))
	p.view.Zoom = math.Max(0.3, math.Min(8, z))
	p.mu.Unlock()
	p.request()
}

// Orbit turns the camera by degrees (the arrow keys).
func (p *Preview) Orbit(azimuth, elevation float64) {
	p.mu.Lock()
	p.view.Azimuth = math.Mod(p.view.Azimuth+azimuth, 360)
	p.view.Elevation = math.Max(-10, math.Min(89, p.view.Elevation+elevation))
	p.mu.Unlock()
	p.request()
}

// ZoomBy zooms by a factor.
func (p *Preview) ZoomBy(f float64) {
	p.mu.Lock()
	p.view.Zoom = math.Max(0.3, math.Min(8, p.view.Zoom*f))
	p.mu.Unlock()
	p.request()
}

// DoubleTapped resets the camera.
func (p *Preview) DoubleTapped(*fyne.PointEvent) { p.interacted(); p.SetView(render.ViewIso) }

func (p *Preview) interacted() {
	if p.OnInteract != nil {
		p.OnInteract()
	}
}

// request renders the current scene and view in the background. While a
// render runs, newer requests replace each other: when it ends, only the
// newest state is rendered. So dragging never queues up stale frames.
func (p *Preview) request() {
	p.mu.Lock()
	p.gen++
	// The labels' numbers (2.490 mm in German) in the language in use,
	// read here on the app's goroutine, not by the render worker.
	p.view.Lang = uiLanguage()
	p.mu.Unlock()
	p.renders.run(p.render)
}

func (p *Preview) render() {
	p.mu.Lock()
	scene, view, gen, light := p.scene, p.view, p.gen, p.dragging
	p.mu.Unlock()
	if view.Width <= 0 || view.Height <= 0 {
		return
	}
	if light && view.Width*view.Height > lightPixels {
		// A lighter pass while dragging: half the pixels each way, scaled
		// up by the canvas.
		view.Width, view.Height = (view.Width+1)/2, (view.Height+1)/2
		if view.Scale > 0 {
			view.Scale /= 2
		} else {
			view.Scale = 0.5
		}
	}
	img := p.renderer.Draw(scene, view)
	p.mu.Lock()
	current := gen == p.gen
	p.mu.Unlock()
	if !current {
		return // a newer request is already queued
	}
	// The renderer reuses its buffers every second frame: wait until the UI
	// shows this one (and so has let go of the one before) before drawing
	// the next.
	shown := make(chan struct{})
	p.do(func() {
		p.img.Image = img
		p.img.Refresh()
		if p.OnRendered != nil {
			p.OnRendered()
		}
		close(shown)
	})
	<-shown
}

type previewRenderer struct{ p *Preview }

func (r *previewRenderer) Layout(size fyne.Size) {
	r.p.img.Resize(size)
	r.p.img.Move(fyne.NewPos(0, 0))
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(r.p); c != nil {
		scale = c.Scale()
	}
	w, h := int(size.Width*scale+0.5), int(size.Height*scale+0.5)
	r.p.mu.Lock()
	changed := w != r.p.view.Width || h != r.p.view.Height
	r.p.view.Width, r.p.view.Height = w, h
	r.p.mu.Unlock()
	if changed {
		r.p.request()
	}
}

func (r *previewRenderer) MinSize() fyne.Size           { return r.p.MinSize() }
func (r *previewRenderer) Refresh()                     { r.p.img.Refresh() }
func (r *previewRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.p.img} }
func (r *previewRenderer) Destroy()                     {}
