package render

import (
	"image"
	"image/color"
	"math"

	"github.com/atelier-app/atelier/catalog"
	"github.com/fogleman/gg"
)

// View is how the product is looked at.
type View struct {
	Width, Height int     // output size in device pixels
	Azimuth       float64 // degrees, 0 = from the front, positive turns the camera to the right
	Elevation     float64 // degrees above the horizon
	Zoom          float64 // 1 = fit to view
}

// Standard views.
var (
	ViewIso   = View{Azimuth: 35, Elevation: 22, Zoom: 1}
	ViewFront = View{Azimuth: 0, Elevation: 0, Zoom: 1}
	ViewSide  = View{Azimuth: 90, Elevation: 0, Zoom: 1}
	ViewTop   = View{Azimuth: 0, Elevation: 90, Zoom: 1}
)

// Palette of the calm studio background.
var (
	backgroundTop    = color.NRGBA{0xf6, 0xf5, 0xf2, 0xff}
	backgroundBottom = color.NRGBA{0xe4, 0xe1, 0xdb, 0xff}
)

type camera struct {
	sinA, cosA, sinE, cosE float64
	scale, cx, cy          float64
}

// toView turns world coordinates into camera space: x right, y up, z towards the viewer.
func (c camera) toView(p Vec) Vec {
	x := p.X*c.cosA - p.Z*c.sinA
	z := p.X*c.sinA + p.Z*c.cosA
	y := p.Y*c.cosE - z*c.sinE
	z = p.Y*c.sinE + z*c.cosE
	return Vec{x, y, z}
}

func (c camera) project(p Vec) (float64, float64) {
	v := c.toView(p)
	return c.cx + v.X*c.scale, c.cy - v.Y*c.scale
}

// Draw renders the scene for a view.
func Draw(s *Scene, v View) image.Image {
	w, h := max(v.Width, 1), max(v.Height, 1)
	dc := gg.NewContext(w, h)
	bg := gg.NewLinearGradient(0, 0, 0, float64(h))
	bg.AddColorStop(0, backgroundTop)
	bg.AddColorStop(1, backgroundBottom)
	dc.SetFillStyle(bg)
	dc.DrawRectangle(0, 0, float64(w), float64(h))
	dc.Fill()
	if s == nil || len(s.Meshes) == 0 {
		return dc.Image()
	}
	a, e := v.Azimuth*math.Pi/180, v.Elevation*math.Pi/180
	cam := camera{sinA: math.Sin(a), cosA: math.Cos(a), sinE: math.Sin(e), cosE: math.Cos(e)}

	// Fit to view: project the bounding box and scale it to the frame.
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, corner := range corners(s.Min, s.Max) {
		p := cam.toView(corner)
		minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	margin := 0.12
	zoom := v.Zoom
	if zoom <= 0 {
		zoom = 1
	}
	cam.scale = zoom * math.Min(float64(w)*(1-2*margin)/math.Max(maxX-minX, 1), float64(h)*(1-2*margin)/math.Max(maxY-minY, 1))
	cam.cx = float64(w)/2 - (minX+maxX)/2*cam.scale
	cam.cy = float64(h)/2 + (minY+maxY)/2*cam.scale

	drawShadow(dc, cam, s)

	order := paintOrder(s.Meshes, cam)
	light := Vec{-0.45, 0.8, 0.55}.Normalize()
	lw := math.Max(1, float64(min(w, h))/700)
	for _, mi := range order {
		m := s.Meshes[mi]
		base := color.NRGBA{0x9a, 0x9a, 0x9a, 0xff}
		finish := catalog.Matte
		if m.Material != nil {
			base = color.NRGBA{m.Material.Color.R, m.Material.Color.G, m.Material.Color.B, 0xff}
			finish = m.Material.Finish
		}
		glass := finish == catalog.Glass
		// A convex part's front faces never overlap each other, so they can
		// be drawn in any order; glass shows its back faces through, first.
		for pass := 0; pass < 2; pass++ {
			for _, f := range m.Faces {
				n := cam.toView(f.Normal)
				front := n.Z > 1e-9
				if (pass == 0) == front || (pass == 0 && !glass) {
					continue
				}
				lit := 0.52 + 0.48*math.Max(0, f.Normal.Dot(light))
				if f.Normal.Y < -0.5 {
					lit *= 0.8
				}
				fill := shade(base, lit)
				switch finish {
				case catalog.Metal, catalog.Gloss:
					spec := math.Pow(math.Max(0, n.Dot(Vec{0.2, 0.5, 1}.Normalize())), 8)
					fill = mix(fill, color.NRGBA{255, 255, 255, 255}, 0.25*spec)
				case catalog.Glass:
					fill.A = 0x60
				}
				line := shade(base, lit*0.55)
				polygon(dc, cam, f.Points)
				dc.SetColor(fill)
				dc.FillPreserve()
				dc.SetColor(color.NRGBA{line.R, line.G, line.B, 0xb0})
				dc.SetLineWidth(lw)
				dc.Stroke()
			}
		}
	}
	return dc.Image()
}

func corners(a, b Vec) []Vec {
	return []Vec{
		{a.X, a.Y, a.Z}, {b.X, a.Y, a.Z}, {a.X, b.Y, a.Z}, {b.X, b.Y, a.Z},
		{a.X, a.Y, b.Z}, {b.X, a.Y, b.Z}, {a.X, b.Y, b.Z}, {b.X, b.Y, b.Z},
	}
}

// drawShadow draws a soft contact shadow: the footprint on the floor, blurred
// by stacking translucent, growing copies.
func drawShadow(dc *gg.Context, cam camera, s *Scene) {
	const layers = 10
	for i := layers; i >= 1; i-- {
		grow := float64(i) * 0.018 * math.Max(s.Max.X-s.Min.X, s.Max.Z-s.Min.Z)
		pts := []Vec{
			{s.Min.X - grow, 0, s.Min.Z - grow}, {s.Max.X + grow, 0, s.Min.Z - grow},
			{s.Max.X + grow, 0, s.Max.Z + grow}, {s.Min.X - grow, 0, s.Max.Z + grow},
		}
		polygon(dc, cam, pts)
		dc.SetColor(color.NRGBA{0x30, 0x2c, 0x28, 0x0c})
		dc.Fill()
	}
}

func shade(c color.NRGBA, k float64) color.NRGBA {
	f := func(v uint8) uint8 { return uint8(math.Max(0, math.Min(255, float64(v)*k))) }
	return color.NRGBA{f(c.R), f(c.G), f(c.B), c.A}
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.NRGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), a.A}
}

// polygon adds the closed outline of pts, projected, as the current path.
func polygon(dc *gg.Context, cam camera, pts []Vec) {
	for i, p := range pts {
		x, y := cam.project(p)
		if i == 0 {
			dc.MoveTo(x, y)
		} else {
			dc.LineTo(x, y)
		}
	}
	dc.ClosePath()
}
