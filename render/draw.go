package render

import (
	"image"
	"image/color"
	"math"
	"runtime"
	"sync"

	"github.com/atelier-app/atelier/catalog"

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
// The frame is split into horizontal bands drawn in parallel, one per core
// (at most four). A Renderer is not safe for concurrent use.
type Renderer struct {
	bufs  [2]*image.RGBA
	dcs   [2]*gg.Context
	next  int
	bg    *image.RGBA
	bands []*band
	// per frame, shared by the bands (read only while they draw)
	cam    *camera
	li     lights
	order  []int
	faces  []drawFace    // in drawing order
	proj   [][2]float64  // the faces' projected corners, flat
	lines  []drawOutline // per mesh, in drawing order
	segs   [][4]float64  // outline segments, flat
	shadow shadowMap
	// scratch
	mask, tmp []float64
}

// drawFace is a face to fill: mesh, face, whether seen from behind (glass),
// and its projected corners proj[from:to].
type drawFace struct {
	mesh     *Mesh
	face     int
	back     bool
	from, to int
	// outline after this face: lines[outline] is drawn when >= 0
	outline int
}

// drawOutline is a stroke of a mesh's edges: segs[from:to].
type drawOutline struct {
	from, to int
	r, g, b  float64
	a, width float64
}

// band is one horizontal strip of the frame and its worker's tools.
type band struct {
	y0, y1 int
	rast   *raster.Rasterizer
	fs     faceShader
	clipA  [][2]float64 // scratch for clipping
	clipB  [][2]float64
	path   raster.Path
	solid  solidPainter
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
		r.bands = nil
		n := min(runtime.GOMAXPROCS(0), 4, max(1, h/128))
		for k := 0; k < n; k++ {
			b := &band{y0: k * h / n, y1: (k + 1) * h / n}
			b.rast = raster.NewRasterizer(w, b.y1-b.y0)
			r.bands = append(r.bands, b)
		}
	}
	img, dc := r.bufs[i], r.dcs[i]
	if s == nil || len(s.Meshes) == 0 {
		copy(img.Pix, r.bg.Pix)
		return img
	}
	clear(img.Pix) // parts are drawn nearest first, the backdrop last, under them
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
	r.cam = cam
	r.li = newLights(cam, s)
	r.prepareShadow(cam, s)
	r.prepareFaces(cam, s, scale)
	if len(r.bands) == 1 {
		r.drawBand(img, r.bands[0])
	} else {
		var wg sync.WaitGroup
		for _, b := range r.bands {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.drawBand(img, b)
			}()
		}
		wg.Wait()
	}
	if v.Dimensions {
		dc.ClearPath()
		dc.SetLineCapButt()
		drawDimensions(dc, cam, s, v, scale)
	}
	return img
}

// prepareFaces lists, in drawing order, the faces to fill with their
// projected corners, and after each part the outline strokes.
func (r *Renderer) prepareFaces(cam *camera, s *Scene, scale float64) {
	var meshes []Mesh
	meshes, r.order = cam.paintOrder(s.Meshes)
	r.faces, r.proj, r.lines, r.segs = r.faces[:0], r.proj[:0], r.lines[:0], r.segs[:0]
	add := func(m *Mesh, fi int, back bool) {
		from := len(r.proj)
		for _, p := range m.Faces[fi].Points {
			x, y := cam.project(p)
			r.proj = append(r.proj, [2]float64{x, y})
		}
		r.faces = append(r.faces, drawFace{mesh: m, face: fi, back: back, from: from, to: len(r.proj), outline: -1})
	}
	for _, mi := range r.order {
		m := &meshes[mi]
		glass := m.Material != nil && m.Material.Finish == catalog.Glass
		if glass {
			for fi := range m.Faces {
				if !m.Faces[fi].Hidden && !cam.facing(&m.Faces[fi]) {
					add(m, fi, true)
				}
			}
		}
		first := len(r.faces)
		for fi := range m.Faces {
			if !m.Faces[fi].Hidden && cam.facing(&m.Faces[fi]) {
				add(m, fi, false)
			}
		}
		if len(r.faces) == first {
			continue
		}
		r.outlines(cam, m, scale, glass)
		// The strokes are drawn after the part's last face.
		r.faces[len(r.faces)-1].outline = len(r.lines) - 2
	}
}

// outlines adds a mesh's crease and silhouette strokes (two entries in
// r.lines, possibly empty).
func (r *Renderer) outlines(cam *camera, m *Mesh, scale float64, glass bool) {
	c := [3]float64{0.6, 0.6, 0.6}
	if m.Material != nil {
		c = [3]float64{float64(m.Material.Color.R) / 255, float64(m.Material.Color.G) / 255, float64(m.Material.Color.B) / 255}
	}
	for _, silhouette := range []bool{false, true} {
		from := len(r.segs)
		for _, e := range m.Edges {
			if m.Faces[e.F1].Hidden || (e.F2 >= 0 && m.Faces[e.F2].Hidden) {
				continue // where the part was cut: not an edge of its surface
			}
			f1 := cam.facing(&m.Faces[e.F1])
			f2 := e.F2 >= 0 && cam.facing(&m.Faces[e.F2])
			var draw bool
			if silhouette {
				draw = f1 != f2 || (e.F2 < 0 && f1)
			} else {
				draw = f1 && f2 && m.Faces[e.F1].Normal.Dot(m.Faces[e.F2].Normal) < creaseCos
			}
			if draw {
				x0, y0 := cam.project(e.A)
				x1, y1 := cam.project(e.B)
				r.segs = append(r.segs, [4]float64{x0, y0, x1, y1})
			}
		}
		k, a, lw := 0.42, 0.8, 1.05*scale
		if !silhouette {
			k, a, lw = 0.55, 0.55, 0.8*scale
		}
		if glass {
			a *= 0.6
		}
		r.lines = append(r.lines, drawOutline{from: from, to: len(r.segs), r: c[0] * k, g: c[1] * k, b: c[2] * k, a: a, width: lw})
	}
}

// drawBand draws the faces and outlines that fall in one band, nearest
// first (each under what is already there), then the backdrop and the
// floor shadow under all of it.
func (r *Renderer) drawBand(img *image.RGBA, b *band) {
	w := float64(img.Rect.Dx())
	y0, y1 := float64(b.y0), float64(b.y1)
	fx := func(x, y float64) fixed.Point26_6 {
		return fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6((y - y0) * 64)}
	}
	b.fs.img, b.fs.yoff = img, b.y0
	b.solid.img, b.solid.yoff = img, b.y0
	for k := len(r.faces) - 1; k >= 0; k-- {
		df := &r.faces[k]
		if df.outline >= 0 {
			// A part's outline lies on top of its faces: drawn before them.
			for _, ol := range r.lines[df.outline : df.outline+2] {
				b.path.Clear()
				for _, sg := range r.segs[ol.from:ol.to] {
					x0, sy0, x1, sy1 := sg[0], sg[1], sg[2], sg[3]
					if !clipSegment(&x0, &sy0, &x1, &sy1, -4, y0-4, w+4, y1+4) {
						continue
					}
					b.path.Start(fx(x0, sy0))
					b.path.Add1(fx(x1, sy1))
				}
				if len(b.path) == 0 {
					continue
				}
				b.rast.Clear()
				b.rast.UseNonZeroWinding = true
				b.rast.AddStroke(b.path, fixed.Int26_6(ol.width*64), raster.ButtCapper, raster.BevelJoiner)
				b.solid.r, b.solid.g, b.solid.b, b.solid.a = ol.r, ol.g, ol.b, ol.a
				b.rast.Rasterize(&b.solid)
			}
		}
		pts := r.proj[df.from:df.to]
		ymin, ymax := pts[0][1], pts[0][1]
		for _, p := range pts[1:] {
			ymin, ymax = minf(ymin, p[1]), maxf(ymax, p[1])
		}
		if ymax < y0-2 || ymin > y1+2 {
			continue // not in this band
		}
		poly := clipRect(pts, -2, y0-2, w+2, y1+2, &b.clipA, &b.clipB)
		if len(poly) < 3 {
			continue
		}
		b.fs.setup(df.mesh, &df.mesh.Faces[df.face], r.cam, &r.li, df.back, r.proj[df.from:df.to])
		b.rast.Clear()
		b.rast.UseNonZeroWinding = true
		b.rast.Start(fx(poly[0][0], poly[0][1]))
		for _, p := range poly[1:] {
			b.rast.Add1(fx(p[0], p[1]))
		}
		b.rast.Add1(fx(poly[0][0], poly[0][1]))
		b.rast.Rasterize(&b.fs)
	}
	r.backdropRows(img, b.y0, b.y1)
}

// solidPainter blends one colour, as raster.Painter.
type solidPainter struct {
	img        *image.RGBA
	yoff       int
	r, g, b, a float64
}

// Paint implements raster.Painter.
func (p *solidPainter) Paint(ss []raster.Span, _ bool) {
	w, h := p.img.Rect.Dx(), p.img.Rect.Dy()
	for _, sp := range ss {
		y := sp.Y + p.yoff
		if y < 0 || y >= h {
			continue
		}
		a := p.a * float64(sp.Alpha) / 0xffff
		row := p.img.Pix[y*p.img.Stride:]
		for x := max(sp.X0, 0); x < min(sp.X1, w); x++ {
			under(row[x*4:x*4+4:x*4+4], p.r, p.g, p.b, a)
		}
	}
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

// creaseCos: faces meeting at more than this angle (about 35°) show the
// edge between them.
var creaseCos = math.Cos(35 * math.Pi / 180)

// shadowMap is the floor shadow of a frame: two masks over a grid on the
// floor (a contact shadow, dark and tight where parts meet the floor, and
// a wide faint one under parts higher up), blurred, and where they lie.
type shadowMap struct {
	on                 bool
	contact, wide      []float64
	floor              float64
	x0, z0, dx, dz     float64
	sx0, sy0, sx1, sy1 float64 // screen bounding box
	// The mask coordinates of the floor point under a pixel are
	// u = uN·(1, sx, sy) / dN·(1, sx, sy), and v likewise: affine for an
	// orthographic camera, projective for a perspective one.
	uN, vN, dN [3]float64
}

const shadowGrid = 80

// prepareShadow builds the floor shadow (composited per band).
func (r *Renderer) prepareShadow(cam *camera, s *Scene) {
	const g = shadowGrid
	sh := &r.shadow
	sh.on = false
	floor := s.Min.Y
	if (!cam.persp && cam.d.Y < 0.03) || (cam.persp && cam.eye.Y-floor < 0.03*cam.dist) {
		return // the floor is seen edge-on or from below
	}
	sh.on, sh.floor = true, floor
	size := math.Max(math.Max(s.Max.X-s.Min.X, s.Max.Z-s.Min.Z), 1)
	height := math.Max(s.Max.Y-s.Min.Y, 1)
	pad := 0.22*size + 0.15*height
	sh.x0, sh.z0 = s.Min.X-pad, s.Min.Z-pad
	sh.dx, sh.dz = (s.Max.X-s.Min.X+2*pad)/g, (s.Max.Z-s.Min.Z+2*pad)/g
	if cap(r.mask) < 2*g*g {
		r.mask = make([]float64, 2*g*g)
		r.tmp = make([]float64, g*g)
	}
	sh.contact, sh.wide = r.mask[:g*g], r.mask[g*g:2*g*g]
	clear(sh.contact)
	clear(sh.wide)
	for i := range s.Meshes {
		m := &s.Meshes[i]
		k := 1.0
		if m.Material != nil && m.Material.Finish == catalog.Glass {
			k = 0.25
		}
		above := math.Max(0, m.Min.Y-floor)
		wc := k * 0.9 * math.Exp(-above/(0.06*height+20))
		ww := k * 0.35 * math.Exp(-above/(1.2*height))
		i0, i1 := int((m.Min.X-sh.x0)/sh.dx), int(math.Ceil((m.Max.X-sh.x0)/sh.dx))
		j0, j1 := int((m.Min.Z-sh.z0)/sh.dz), int(math.Ceil((m.Max.Z-sh.z0)/sh.dz))
		for j := max(j0, 0); j < min(j1, g); j++ {
			for i := max(i0, 0); i < min(i1, g); i++ {
				sh.contact[j*g+i] = math.Max(sh.contact[j*g+i], wc)
				sh.wide[j*g+i] = math.Max(sh.wide[j*g+i], ww)
			}
		}
	}
	blur(sh.contact, r.tmp, g, max(1, int(0.025*size/sh.dx)))
	blur(sh.wide, r.tmp, g, max(2, int(0.09*size/sh.dx)))
	// The floor point under a pixel: rays through the view plane point
	// P(sx, sy) = P0 + Px·sx + Py·sy.
	p0 := cam.c.Add(cam.r.Mul(-cam.cx / cam.scale)).Add(cam.u.Mul(cam.cy / cam.scale))
	pk := [3]Vec{p0, cam.r.Mul(1 / cam.scale), cam.u.Mul(-1 / cam.scale)}
	for k := 0; k < 3; k++ {
		var px, pz, den float64
		if cam.persp {
			// dir = P - eye; the floor point's x is
			// (eye.x·dir.y + dir.x·(floor - eye.y)) / dir.y.
			d := pk[k]
			if k == 0 {
				d = d.Sub(cam.eye)
			}
			den = d.Y
			px = cam.eye.X*d.Y + d.X*(floor-cam.eye.Y)
			pz = cam.eye.Z*d.Y + d.Z*(floor-cam.eye.Y)
		} else {
			// p = P - d·(P.y - floor)/d.y
			q := pk[k]
			px = q.X - cam.d.X/cam.d.Y*q.Y
			pz = q.Z - cam.d.Z/cam.d.Y*q.Y
			if k == 0 {
				px += cam.d.X / cam.d.Y * floor
				pz += cam.d.Z / cam.d.Y * floor
				den = 1
			}
		}
		sh.uN[k] = (px - (sh.x0+0.5*sh.dx)*den) / sh.dx
		sh.vN[k] = (pz - (sh.z0+0.5*sh.dz)*den) / sh.dz
		sh.dN[k] = den
	}
	sh.sx0, sh.sy0, sh.sx1, sh.sy1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [][2]float64{{sh.x0, sh.z0}, {sh.x0 + g*sh.dx, sh.z0}, {sh.x0, sh.z0 + g*sh.dz}, {sh.x0 + g*sh.dx, sh.z0 + g*sh.dz}} {
		px, py := cam.project(Vec{c[0], floor, c[1]})
		sh.sx0, sh.sx1 = math.Min(sh.sx0, px), math.Max(sh.sx1, px)
		sh.sy0, sh.sy1 = math.Min(sh.sy0, py), math.Max(sh.sy1, py)
	}
}

// clearRun reports whether nothing was drawn on a run of pixels.
func clearRun(run []byte) bool {
	for i := 3; i < len(run); i += 4 {
		if run[i] != 0 {
			return false
		}
	}
	return true
}

// backdropRows puts the backdrop, darkened by the floor shadow, under
// rows y0..y1 (only where parts leave something uncovered).
func (r *Renderer) backdropRows(img *image.RGBA, y0, y1 int) {
	sh := &r.shadow
	const g = shadowGrid
	w := img.Rect.Dx()
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
	// The shadow's opacity at a pixel (exact every lightStep pixels and
	// interpolated in between: the masks are blurred over many pixels).
	alphaAt := func(sx, sy float64) float64 {
		den := sh.dN[0] + sh.dN[1]*sx + sh.dN[2]*sy
		if math.Abs(den) < 1e-12 {
			return 0
		}
		u := (sh.uN[0] + sh.uN[1]*sx + sh.uN[2]*sy) / den
		v := (sh.vN[0] + sh.vN[1]*sx + sh.vN[2]*sy) / den
		return 1 - (1-0.6*sample(sh.contact, u, v))*(1-0.5*sample(sh.wide, u, v))
	}
	xs, xe := w, 0
	if sh.on {
		xs, xe = max(0, int(sh.sx0)), min(w, int(math.Ceil(sh.sx1)))
	}
	sc := [3]uint32{to8(shadowColor[0]), to8(shadowColor[1]), to8(shadowColor[2])}
	for y := y0; y < y1; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		bg := r.bg.Pix[y*r.bg.Stride : y*r.bg.Stride+4*w]
		shadowed := sh.on && float64(y) >= sh.sy0 && float64(y) < sh.sy1
		sy := float64(y) + 0.5
		valid := false
		var aa float64
		for bx := 0; bx < w; bx += lightStep {
			ex := min(bx+lightStep, w)
			if opaque(row[bx*4 : ex*4]) {
				valid = false
				continue
			}
			inShadow := shadowed && ex > xs && bx < xe
			if !inShadow && clearRun(row[bx*4:ex*4]) {
				copy(row[bx*4:ex*4], bg[bx*4:ex*4]) // nothing drawn here: the backdrop as it is
				valid = false
				continue
			}
			var ab, da float64
			if inShadow {
				if !valid {
					aa = alphaAt(float64(bx)+0.5, sy)
				}
				ab = alphaAt(float64(ex)+0.5, sy)
				da = (ab - aa) / float64(ex-bx)
			}
			a := aa
			for x := bx; x < ex; x++ {
				px := row[x*4 : x*4+4 : x*4+4]
				if px[3] != 255 {
					q := bg[x*4 : x*4+3 : x*4+3]
					cr, cg, cb := uint32(q[0]), uint32(q[1]), uint32(q[2])
					if inShadow && a > 0.004 {
						k := uint32(a*256 + 0.5)
						cr = (cr*(256-k) + sc[0]*k) >> 8
						cg = (cg*(256-k) + sc[1]*k) >> 8
						cb = (cb*(256-k) + sc[2]*k) >> 8
					}
					f := 255 - uint32(px[3])
					px[0] = uint8(min(255, uint32(px[0])+(cr*f+127)/255))
					px[1] = uint8(min(255, uint32(px[1])+(cg*f+127)/255))
					px[2] = uint8(min(255, uint32(px[2])+(cb*f+127)/255))
					px[3] = 255
				}
				a += da
			}
			aa, valid = ab, inShadow
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

// clipRect clips a polygon to a rectangle (Sutherland-Hodgman), using two
// scratch buffers; the result is poly itself when it lies inside.
func clipRect(poly [][2]float64, x0, y0, x1, y1 float64, bufA, bufB *[][2]float64) [][2]float64 {
	all := true
	for _, p := range poly {
		if p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1 {
			all = false
			break
		}
	}
	if all {
		return poly
	}
	out := append((*bufA)[:0], poly...)
	spare := (*bufB)[:0]
	for edge := 0; edge < 4; edge++ {
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
		in := out
		out = spare[:0]
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
		spare = in
		if len(out) == 0 {
			break
		}
	}
	*bufA, *bufB = out, spare
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
