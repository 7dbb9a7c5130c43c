package ui

import (
	"image"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/render"
)

// Preview shows a rendered product. Rendering runs off the UI goroutine; the
// latest request wins and older results are dropped. Drag to orbit, scroll
// to zoom, double-tap to reset.
type Preview struct {
	widget.BaseWidget

	img *canvas.Image

	mu      sync.Mutex
	scene   *render.Scene
	view    render.View
	gen     uint64 // incremented for every request; a result is shown only if still current
	renders latest // one render at a time; the newest request waits, older ones are dropped

	// OnRendered, if set, is called on the UI goroutine after each new image is shown (tests use it).
	OnRendered func()
	// do runs a function on the UI goroutine (fyne.Do; tests replace it).
	do func(func())
}

// NewPreview creates an empty preview in the standard iso view.
func NewPreview() *Preview {
	p := &Preview{img: canvas.NewImageFromImage(image.NewNRGBA(image.Rect(0, 0, 1, 1))), view: render.ViewIso, do: fyne.Do}
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

// SetView changes the camera, keeping the size.
func (p *Preview) SetView(v render.View) {
	p.mu.Lock()
	w, h := p.view.Width, p.view.Height
	p.view = v
	p.view.Width, p.view.Height = w, h
	p.mu.Unlock()
	p.request()
}

// View returns the current camera.
func (p *Preview) View() render.View {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.view
}

// Dragged orbits the camera.
func (p *Preview) Dragged(e *fyne.DragEvent) {
	p.mu.Lock()
	p.view.Azimuth = math.Mod(p.view.Azimuth-float64(e.Dragged.DX)*0.5, 360)
	p.view.Elevation = math.Max(-10, math.Min(89, p.view.Elevation+float64(e.Dragged.DY)*0.4))
	p.mu.Unlock()
	p.request()
}

// DragEnd implements fyne.Draggable.
func (p *Preview) DragEnd() {}

// Scrolled zooms.
func (p *Preview) Scrolled(e *fyne.ScrollEvent) {
	p.mu.Lock()
	z := p.view.Zoom * math.Pow(1.0015, float64(e.Scrolled.DY))
	p.view.Zoom = math.Max(0.3, math.Min(6, z))
	p.mu.Unlock()
	p.request()
}

// DoubleTapped resets the camera.
func (p *Preview) DoubleTapped(*fyne.PointEvent) { p.SetView(render.ViewIso) }

// request renders the current scene and view in the background. While a
// render runs, newer requests replace each other: when it ends, only the
// newest state is rendered. So dragging never queues up stale frames.
func (p *Preview) request() {
	p.mu.Lock()
	p.gen++
	p.mu.Unlock()
	p.renders.run(p.render)
}

func (p *Preview) render() {
	p.mu.Lock()
	scene, view, gen := p.scene, p.view, p.gen
	p.mu.Unlock()
	if view.Width <= 0 || view.Height <= 0 {
		return
	}
	img := render.Draw(scene, view)
	p.mu.Lock()
	current := gen == p.gen
	p.mu.Unlock()
	if !current {
		return // a newer request is already queued
	}
	p.do(func() {
		p.img.Image = img
		p.img.Refresh()
		if p.OnRendered != nil {
			p.OnRendered()
		}
	})
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
