package render

import (
	"image"
	"image/color"
	"math"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"
)

// Palette of the calm studio background.
var (
	backgroundTop    = color.NRGBA{0xf6, 0xf5, 0xf2, 0xff}
	backgroundBottom = color.NRGBA{0xe4, 0xe1, 0xdb, 0xff}
	shadowColor      = [3]float64{0.19, 0.17, 0.16}
)

// Renderer draws scenes into reused buffers: after the first frame of a
// size, a frame allocates little (see the benchmarks). It keeps two
// buffers and alternates: the image Draw returns stays valid until the
// second call after it, so a UI can show one frame while the next is drawn.
// A Renderer is not safe for concurrent use.
type Renderer struct {
	bufs [2]*image.RGBA
	dcs  [2]*gg.Context
	next int
	bg   *image.RGBA
	rast *raster.Rasterizer
	fs   faceShader
	// scratch
	mask, tmp []float64
	pts       []Vec
	poly      [][2]float64
}

// NewRenderer returns a renderer with no buffers yet.
func NewRenderer() *Renderer { return &Renderer{} }

// Draw renders the scene for a view into a new image.
func Draw(s *Scene, v View) image.Image { return NewRenderer().Draw(s, v) }

// Draw renders the scene for a view. The image is the renderer's own: it
// stays valid until the second Draw after this one.
func (r *Renderer) Draw(s *Scene, v View) *image.RGBA {
	w, h := max(v.Width, 1), max(v.Height, 1)
	i := r.next
	r.next ^= 1
	if r.bufs[i] == nil || r.bufs[i].Rect.Dx() != w || r.bufs[i].Rect.Dy() != h {
		r.bufs[i] = image.NewRGBA(image.Rect(0, 0, w, h))
		r.dcs[i] = gg.NewContextForRGBA(r.bufs[i])
	}
	if r.bg == nil || r.bg.Rect.Dx() != w || r.bg.Rect.Dy() != h {
		r.bg = background(w, h)
		r.rast = raster.NewRasterizer(w, h)
	}
	img, dc := r.bufs[i], r.dcs[i]
	copy(img.Pix, r.bg.Pix)
	if s == nil || len(s.Meshes) == 0 {
		return img
	}
	scale := v.Scale
	if scale <= 0 {
		scale = 1
	}
	cam := newCamera(v, s)
	margin := 0.1
	if v.Dimensions {
		margin = 0.17
	}
	cam.fit(s, v, w, h, margin)
	li := newLights(cam, s)
	r.drawShadow(img, cam, s)
	dc.ClearPath()
	dc.SetLineCapRound()
	dc.SetLineJoinRound()
	for _, mi := range cam.paintOrder(s.Meshes) {
		m := &s.Meshes[mi]
		glass := m.Material != nil && m.Material.Finish == "glass"
		if glass {
			for fi := range m.Faces {
				if !cam.facing(&m.Faces[fi]) {
					r.fillFace(img, cam, &li, m, fi, true)
				}
			}
		}
		for fi := range m.Faces {
			if cam.facing(&m.Faces[fi]) {
				r.fillFace(img, cam, &li, m, fi, false)
			}
		}
		r.outline(dc, cam, m, scale, glass)
	}
	if v.Dimensions {
		drawDimensions(dc, cam, s, v, scale)
	}
	return img
}

// background is the studio backdrop: a soft vertical gradient.
func background(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	row := make([]byte, 4*w)
	for y := 0; y < h; y++ {
		t := float64(y) / math.Max(1, float64(h-1))
		t = t * t * (3 - 2*t)
		c := [3]float64{
			float64(backgroundTop.R)*(1-t) + float64(backgroundBottom.R)*t,
			float64(backgroundTop.G)*(1-t) + float64(backgroundBottom.G)*t,
			float64(backgroundTop.B)*(1-t) + float64(backgroundBottom.B)*t,
		}
		for x := 0; x < w; x++ {
			// A faint ordered dither keeps the gradient free of bands.
			d := (float64((x*7+y*13)&3) - 1.5) * 0.35
			row[4*x] = uint8(c[0] + d + 0.5)
			row[4*x+1] = uint8(c[1] + d + 0.5)
			row[4*x+2] = uint8(c[2] + d + 0.5)
			row[4*x+3] = 0xff
		}
		copy(img.Pix[y*img.Stride:], row)
	}
	return img
}

// fillFace shades one face through the anti-aliasing rasterizer.
func (r *Renderer) fillFace(img *image.RGBA, cam *camera, li *lights, m *Mesh, fi int, back bool) {
	f := &m.Faces[fi]
	r.poly = r.poly[:0]
	for _, p := range f.Points {
		x, y := cam.project(p)
		r.poly = append(r.poly, [2]float64{x, y})
	}
	w, h := float64(img.Rect.Dx()), float64(img.Rect.Dy())
	poly := clipRect(r.poly, -2, -2, w+2, h+2)
	if len(poly) < 3 {
		return
	}
	r.fs.img = img
	r.fs.setup(m, f, cam, li, back)
	r.rast.Clear()
	r.rast.UseNonZeroWinding = true
	fx := func(p [2]float64) fixed.Point26_6 {
		return fixed.Point26_6{X: fixed.Int26_6(p[0] * 64), Y: fixed.Int26_6(p[1] * 64)}
	}
	r.rast.Start(fx(poly[0]))
	for _, p := range poly[1:] {
		r.rast.Add1(fx(p))
	}
	r.rast.Add1(fx(poly[0]))
	r.rast.Rasterize(&r.fs)
}

// creaseCos: faces meeting at more than this angle (about 35°) show the
// edge between them.
var creaseCos = math.Cos(35 * math.Pi / 180)

// outline strokes a mesh's silhouette and crease edges.
func (r *Renderer) outline(dc *gg.Context, cam *camera, m *Mesh, scale float64, glass bool) {
	c := [3]float64{0.6, 0.6, 0.6}
	if m.Material != nil {
		c = [3]float64{float64(m.Material.Color.R) / 255, float64(m.Material.Color.G) / 255, float64(m.Material.Color.B) / 255}
	}
	w, h := float64(dc.Width()), float64(dc.Height())
	stroke := func(silhouette bool) {
		any := false
		for _, e := range m.Edges {
			f1 := cam.facing(&m.Faces[e.F1])
			f2 := e.F2 >= 0 && cam.facing(&m.Faces[e.F2])
			var draw bool
			if silhouette {
				draw = f1 != f2 || (e.F2 < 0 && f1)
			} else {
				draw = f1 && f2 && m.Faces[e.F1].Normal.Dot(m.Faces[e.F2].Normal) < creaseCos
			}
			if !draw {
				continue
			}
			x0, y0 := cam.project(e.A)
			x1, y1 := cam.project(e.B)
			if !clipSegment(&x0, &y0, &x1, &y1, -4, -4, w+4, h+4) {
				continue
			}
			dc.MoveTo(x0, y0)
			dc.LineTo(x1, y1)
			any = true
		}
		if !any {
			return
		}
		k, a, lw := 0.42, 0.8, 1.05*scale
		if !silhouette {
			k, a, lw = 0.55, 0.55, 0.8*scale
		}
		if glass {
			a *= 0.6
		}
		dc.SetRGBA(c[0]*k, c[1]*k, c[2]*k, a)
		dc.SetLineWidth(lw)
		dc.Stroke()
	}
	stroke(false)
	stroke(true)
}

// drawShadow darkens the floor under the product: a contact shadow, dark
// and tight where parts meet the floor, plus a wide faint one under parts
// higher up; both blurred in floor space and composited per pixel.
func (r *Renderer) drawShadow(img *image.RGBA, cam *camera, s *Scene) {
	const g = 80
	floor := s.Min.Y
	if (!cam.persp && cam.d.Y < 0.03) || (cam.persp && cam.eye.Y-floor < 0.03*cam.dist) {
		return // the floor is seen edge-on or from below
	}
	size := math.Max(math.Max(s.Max.X-s.Min.X, s.Max.Z-s.Min.Z), 1)
	height := math.Max(s.Max.Y-s.Min.Y, 1)
	pad := 0.22*size + 0.15*height
	x0, z0 := s.Min.X-pad, s.Min.Z-pad
	dx, dz := (s.Max.X-s.Min.X+2*pad)/g, (s.Max.Z-s.Min.Z+2*pad)/g
	if cap(r.mask) < 2*g*g {
		r.mask = make([]float64, 2*g*g)
		r.tmp = make([]float64, g*g)
	}
	contact, wide := r.mask[:g*g], r.mask[g*g:2*g*g]
	clear(contact)
	clear(wide)
	for i := range s.Meshes {
		m := &s.Meshes[i]
		k := 1.0
		if m.Material != nil && m.Material.Finish == "glass" {
			k = 0.25
		}
		above := math.Max(0, m.Min.Y-floor)
		wc := k * 0.9 * math.Exp(-above/(0.06*height+20))
		ww := k * 0.35 * math.Exp(-above/(1.2*height))
		i0, i1 := int((m.Min.X-x0)/dx), int(math.Ceil((m.Max.X-x0)/dx))
		j0, j1 := int((m.Min.Z-z0)/dz), int(math.Ceil((m.Max.Z-z0)/dz))
		for j := max(j0, 0); j < min(j1, g); j++ {
			for i := max(i0, 0); i < min(i1, g); i++ {
				contact[j*g+i] = math.Max(contact[j*g+i], wc)
				wide[j*g+i] = math.Max(wide[j*g+i], ww)
			}
		}
	}
	blur(contact, r.tmp, g, max(1, int(0.025*size/dx)))
	blur(wide, r.tmp, g, max(2, int(0.09*size/dx)))
	// The floor rectangle on screen.
	sx0, sy0, sx1, sy1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [][2]float64{{x0, z0}, {x0 + g*dx, z0}, {x0, z0 + g*dz}, {x0 + g*dx, z0 + g*dz}} {
		px, py := cam.project(Vec{c[0], floor, c[1]})
		sx0, sx1 = math.Min(sx0, px), math.Max(sx1, px)
		sy0, sy1 = math.Min(sy0, py), math.Max(sy1, py)
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	ys, ye := max(0, int(sy0)), min(h, int(math.Ceil(sy1)))
	xs, xe := max(0, int(sx0)), min(w, int(math.Ceil(sx1)))
	sample := func(m []float64, u, v float64) float64 {
		if u < 0 || v < 0 || u >= g-1 || v >= g-1 {
			return 0
		}
		iu, iv := int(u), int(v)
		tu, tv := u-float64(iu), v-float64(iv)
		a, b := m[iv*g+iu], m[iv*g+iu+1]
		c, d := m[(iv+1)*g+iu], m[(iv+1)*g+iu+1]
		return (a+(b-a)*tu)*(1-tv) + (c+(d-c)*tu)*tv
	}
	for y := ys; y < ye; y++ {
		for x := xs; x < xe; x++ {
			o, dir := cam.ray(float64(x)+0.5, float64(y)+0.5)
			if math.Abs(dir.Y) < 1e-12 {
				continue
			}
			t := (floor - o.Y) / dir.Y
			p := o.Add(dir.Mul(t))
			u, v := (p.X-x0)/dx-0.5, (p.Z-z0)/dz-0.5
			a1, a2 := sample(contact, u, v), sample(wide, u, v)
			a := 1 - (1-0.6*a1)*(1-0.5*a2)
			if a < 0.004 {
				continue
			}
			i := y*img.Stride + x*4
			px := img.Pix[i : i+4 : i+4]
			blend(px, shadowColor[0], shadowColor[1], shadowColor[2], a)
		}
	}
}

// blur is three passes of a separable box blur (close to a Gaussian).
func blur(m, tmp []float64, g, radius int) {
	for pass := 0; pass < 3; pass++ {
		boxPass(m, tmp, g, radius, 1, g)
		boxPass(tmp, m, g, radius, g, 1)
	}
}

// boxPass blurs lines of src into dst: step is the distance between
// neighbours along a line, next between lines.
func boxPass(src, dst []float64, g, radius, step, next int) {
	n := float64(2*radius + 1)
	for line := 0; line < g; line++ {
		base := line * next
		sum := 0.0
		for k := -radius; k <= radius; k++ {
			if k >= 0 && k < g {
				sum += src[base+k*step]
			}
		}
		for i := 0; i < g; i++ {
			dst[base+i*step] = sum / n
			if out := i - radius; out >= 0 {
				sum -= src[base+out*step]
			}
			if in := i + radius + 1; in < g {
				sum += src[base+in*step]
			}
		}
	}
}

// clipRect clips a polygon to a rectangle (Sutherland-Hodgman).
func clipRect(poly [][2]float64, x0, y0, x1, y1 float64) [][2]float64 {
	inside := poly[0][0] >= x0 && poly[0][0] <= x1 && poly[0][1] >= y0 && poly[0][1] <= y1
	if inside {
		all := true
		for _, p := range poly[1:] {
			if p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1 {
				all = false
				break
			}
		}
		if all {
			return poly
		}
	}
	out := poly
	for edge := 0; edge < 4; edge++ {
		in := out
		out = nil
		val := func(p [2]float64) float64 {
			switch edge {
			case 0:
				return p[0] - x0
			case 1:
				return x1 - p[0]
			case 2:
				return p[1] - y0
			}
			return y1 - p[1]
		}
		for i := range in {
			p, q := in[i], in[(i+1)%len(in)]
			vp, vq := val(p), val(q)
			if vp >= 0 {
				out = append(out, p)
			}
			if (vp >= 0) != (vq >= 0) {
				t := vp / (vp - vq)
				out = append(out, [2]float64{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])})
			}
		}
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// clipSegment clips a segment to a rectangle (Liang-Barsky); false if
// nothing is left.
func clipSegment(x0, y0, x1, y1 *float64, rx0, ry0, rx1, ry1 float64) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := *x1-*x0, *y1-*y0
	for _, c := range [4][2]float64{{-dx, *x0 - rx0}, {dx, rx1 - *x0}, {-dy, *y0 - ry0}, {dy, ry1 - *y0}} {
		p, q := c[0], c[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	*x0, *y0, *x1, *y1 = *x0+t0*dx, *y0+t0*dy, *x0+t1*dx, *y0+t1*dy
	return true
}
