package render

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/golang/freetype/raster"

	"github.com/atelier-app/atelier/catalog"
)

// Surfaces are shaded per pixel: every face is filled through gg's
// anti-aliasing rasterizer (golang/freetype/raster) by a painter that, for
// each covered pixel, finds the point of the face under it, lights it and
// colours it with the material's pattern. Lighting: a key light above the
// viewer's left shoulder (a point light, so large panels get a gentle
// gradient), a weaker fill light from the right, and a sky/floor ambient
// term. Finishes differ in their highlight: matte has almost none, satin a
// broad soft one, gloss a tight bright one, metal a tinted one and dark
// diffuse with the studio reflected in it, glass is drawn translucent with
// brighter grazing angles.

// finishParams are the lighting constants of a finish.
type finishParams struct {
	diffuse, spec, shininess, env float64
	tintSpec                      bool
}

var finishes = map[catalog.Finish]finishParams{
	catalog.Matte: {diffuse: 1, spec: 0.03, shininess: 6},
	catalog.Satin: {diffuse: 0.95, spec: 0.16, shininess: 18},
	catalog.Gloss: {diffuse: 0.9, spec: 0.55, shininess: 70, env: 0.10},
	catalog.Metal: {diffuse: 0.45, spec: 0.65, shininess: 28, env: 0.45, tintSpec: true},
	catalog.Glass: {diffuse: 0.6, spec: 0.8, shininess: 90, env: 0.2},
}

// Procedural noise tables, made once.
var (
	noise1D [4096]float32 // smooth 1D noise in [-1, 1]
	noise2D [256 * 256]float32
	powLUT  = map[float64]*[1025]float32{}
)

func init() {
	r := rand.New(rand.NewPCG(7, 11))
	// 1D: random lattice every 16 entries, smoothly interpolated.
	var lattice [257]float64
	for i := range lattice {
		lattice[i] = r.Float64()*2 - 1
	}
	lattice[256] = lattice[0]
	for i := range noise1D {
		k := i / 16
		t := float64(i%16) / 16
		t = t * t * (3 - 2*t)
		noise1D[i] = float32(lattice[k]*(1-t) + lattice[k+1]*t)
	}
	for i := range noise2D {
		noise2D[i] = float32(r.Float64()*2 - 1)
	}
	for _, f := range finishes {
		lut := new([1025]float32)
		for i := range lut {
			lut[i] = float32(math.Pow(float64(i)/1024, f.shininess))
		}
		powLUT[f.shininess] = lut
	}
}

// n1 is smooth 1D noise with period 4096/16 = 256 units.
func n1(x float64) float64 {
	x *= 16
	i := int(math.Floor(x))
	t := x - math.Floor(x)
	a, b := noise1D[i&4095], noise1D[(i+1)&4095]
	return float64(a) + (float64(b)-float64(a))*t
}

// n2 is bilinear value noise on a 256×256 lattice.
func n2(x, y float64) float64 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int(fx)&255, int(fy)&255
	tx, ty := x-fx, y-fy
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	a := float64(noise2D[iy<<8|ix])
	b := float64(noise2D[iy<<8|(ix+1)&255])
	c := float64(noise2D[((iy+1)&255)<<8|ix])
	d := float64(noise2D[((iy+1)&255)<<8|(ix+1)&255])
	return (a+(b-a)*tx)*(1-ty) + (c+(d-c)*tx)*ty
}

// lights are the scene's lights for one frame.
type lights struct {
	keyPos   Vec // point key light
	fill     Vec // directional fill, unit
	keyPower float64
}

func newLights(cam *camera, s *Scene) lights {
	size := math.Max(s.Max.Sub(s.Min).Len(), 1)
	key := cam.r.Mul(-0.55).Add(Vec{0, 1, 0}.Mul(0.9)).Add(cam.d.Mul(0.75)).Normalize()
	return lights{
		keyPos:   cam.c.Add(key.Mul(2.2 * size)),
		fill:     cam.r.Mul(0.85).Add(cam.u.Mul(0.1)).Add(cam.d.Mul(0.55)).Normalize(),
		keyPower: 0.78,
	}
}

// faceShader paints one face: it implements raster.Painter over the
// frame's pixels.
type faceShader struct {
	img   *image.RGBA
	cam   *camera
	li    *lights
	face  *Face
	mesh  *Mesh
	fin   finishParams
	lut   *[1025]float32
	pat   catalog.Pattern
	alpha float64 // material opacity
	back  bool    // a glass back face, seen through the front
	// albedo in [0, 1]
	cr, cg, cb float64
	// pattern frame: the mesh's axes ordered long (grain) first, and the
	// two face-tangent axes for weaves
	long, across1, across2 int
	tu, tv                 int
	feature                float64 // pattern feature size in mm (never below ~3 px)
	// ortho: the face point is affine in screen coordinates
	p0, px, py Vec
	n          Vec
}

func (fs *faceShader) setup(m *Mesh, f *Face, cam *camera, li *lights, back bool) {
	fs.mesh, fs.face, fs.cam, fs.li, fs.back = m, f, cam, li, back
	fs.n = f.Normal
	if back {
		fs.n = f.Normal.Mul(-1)
	}
	c := catalog.Color{R: 0x9a, G: 0x9a, B: 0x9a}
	fin := catalog.Matte
	fs.pat = catalog.NoPattern
	if m.Material != nil {
		c, fin, fs.pat = m.Material.Color, m.Material.Finish, m.Material.Pattern
	}
	fs.fin = finishes[fin]
	if fs.fin.shininess == 0 {
		fs.fin = finishes[catalog.Matte]
	}
	fs.lut = powLUT[fs.fin.shininess]
	fs.cr, fs.cg, fs.cb = float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	fs.alpha = 1
	if fin == catalog.Glass {
		fs.alpha = 0.3
	}
	// Axes by length.
	ex := [3]float64{m.Extent.X, m.Extent.Y, m.Extent.Z}
	fs.long = 0
	for i := 1; i < 3; i++ {
		if ex[i] > ex[fs.long] {
			fs.long = i
		}
	}
	fs.across1, fs.across2 = (fs.long+1)%3, (fs.long+2)%3
	if ex[fs.across1] < ex[fs.across2] {
		fs.across1, fs.across2 = fs.across2, fs.across1
	}
	// Face tangents: the two axes least aligned with the normal.
	most, best := 0, -1.0
	for i := 0; i < 3; i++ {
		if d := math.Abs(m.Axes[i].Dot(f.Normal)); d > best {
			most, best = i, d
		}
	}
	fs.tu, fs.tv = (most+1)%3, (most+2)%3
	fs.feature = 3.5 / cam.scale // ~3.5 px
	if !cam.persp {
		fs.p0 = fs.point(0, 0)
		fs.px = fs.point(1, 0).Sub(fs.p0)
		fs.py = fs.point(0, 1).Sub(fs.p0)
	}
}

// point is the point of the face's plane under screen position (sx, sy).
func (fs *faceShader) point(sx, sy float64) Vec {
	o, dir := fs.cam.ray(sx, sy)
	den := fs.face.Normal.Dot(dir)
	if math.Abs(den) < 1e-12 {
		return fs.face.Points[0]
	}
	t := fs.face.Normal.Dot(fs.face.Points[0].Sub(o)) / den
	return o.Add(dir.Mul(t))
}

// pattern returns the brightness factor of the material's pattern at p.
func (fs *faceShader) pattern(p Vec) float64 {
	m := fs.mesh
	q := p.Sub(m.Center)
	coord := func(i int) float64 { return q.Dot(m.Axes[i]) }
	switch fs.pat {
	case catalog.Wood:
		// Plain-sawn grain: growth rings around a pith below the board,
		// wavering along the long axis; rings never finer than a few pixels.
		along := coord(fs.long)
		a1, a2 := coord(fs.across1), coord(fs.across2)
		ring := math.Max(7, 2.2*fs.feature)
		wob := 9*n1(along/260+a1/900) + 3*n1(along/60+17)
		rho := math.Sqrt(a1*a1+(a2+260)*(a2+260)) + wob
		t := rho / ring
		t -= math.Floor(t)
		// earlywood light, latewood a darker band
		band := math.Max(0, 1-math.Abs(t-0.78)*5)
		fine := n2(along/(3*fs.feature+12), rho/2.5)
		return 1.04 - 0.16*band + 0.035*fine + 0.05*n1(rho/40)
	case catalog.Fabric:
		u, v := coord(fs.tu), coord(fs.tv)
		pitch := math.Max(2.5, 1.3*fs.feature)
		fu, fv := u/pitch, v/pitch
		iu, iv := math.Floor(fu), math.Floor(fv)
		du, dv := fu-iu, fv-iv
		var thread float64
		if (int(iu)+int(iv))&1 == 0 {
			thread = math.Sin(math.Pi * dv)
		} else {
			thread = math.Sin(math.Pi * du)
		}
		fleck := n2(u/(pitch*0.7)+33, v/(pitch*0.7))
		return 0.92 + 0.1*thread + 0.04*fleck + 0.03*n2(u/60, v/60)
	case catalog.Brushed:
		a1, a2 := coord(fs.across1), coord(fs.across2)
		return 1 + 0.05*n1((a1+a2*0.7)/math.Max(0.6, 0.5*fs.feature)) + 0.03*n1((a1-a2)/7+40)
	case catalog.Stone:
		u, v := coord(fs.tu), coord(fs.tv)
		vein := math.Abs(n2(u/90+3, v/90) + 0.5*n2(u/30, v/30+9))
		return 0.95 + 0.08*n2(u/12, v/12) + 0.12*math.Max(0, 0.25-vein)*4
	}
	return 1
}

// color lights the face at p; it returns the colour and opacity.
func (fs *faceShader) color(p Vec) (r, g, b, a float64) {
	n := fs.n
	li := fs.li
	v := fs.cam.toEye(p)
	l := li.keyPos.Sub(p).Normalize()
	ndl := math.Max(0, n.Dot(l))
	ndf := math.Max(0, n.Dot(li.fill))
	amb := 0.34 + 0.1*n.Y
	lum := amb + fs.fin.diffuse*(li.keyPower*ndl+0.22*ndf)
	k := lum * fs.pattern(p)
	r, g, b = fs.cr*k, fs.cg*k, fs.cb*k
	// Highlight (Blinn-Phong).
	h := l.Add(v).Normalize()
	s := math.Max(0, n.Dot(h))
	spec := fs.fin.spec * float64(fs.lut[int(s*1024)])
	// Studio reflection: bright above the horizon, darker below.
	refl := n.Mul(2 * n.Dot(v)).Sub(v)
	env := fs.fin.env * (0.35 + 0.65*math.Max(0, refl.Y)) * (0.5 + 0.5*math.Max(0, n.Dot(v)))
	if fs.fin.tintSpec {
		r += (spec + env) * (0.35 + 0.65*fs.cr)
		g += (spec + env) * (0.35 + 0.65*fs.cg)
		b += (spec + env) * (0.35 + 0.65*fs.cb)
	} else {
		r += spec + env
		g += spec + env
		b += spec + env
	}
	a = fs.alpha
	if fs.alpha < 1 {
		// Glass: more reflective, so more opaque, at grazing angles.
		a = math.Min(0.85, fs.alpha+0.45*math.Pow(1-math.Abs(n.Dot(v)), 3)+0.5*spec)
	}
	return r, g, b, a
}

// Paint implements raster.Painter.
func (fs *faceShader) Paint(ss []raster.Span, _ bool) {
	pix, stride := fs.img.Pix, fs.img.Stride
	w := fs.img.Rect.Dx()
	for _, sp := range ss {
		if sp.Y < 0 || sp.Y >= fs.img.Rect.Dy() {
			continue
		}
		x0, x1 := max(sp.X0, 0), min(sp.X1, w)
		cov := float64(sp.Alpha) / 0xffff
		sy := float64(sp.Y) + 0.5
		for x := x0; x < x1; x++ {
			sx := float64(x) + 0.5
			var p Vec
			if fs.cam.persp {
				p = fs.point(sx, sy)
			} else {
				p = fs.p0.Add(fs.px.Mul(sx)).Add(fs.py.Mul(sy))
			}
			r, g, b, a := fs.color(p)
			a *= cov
			i := sp.Y*stride + x*4
			blend(pix[i:i+4:i+4], r, g, b, a)
		}
	}
}

// blend composites a colour (components in [0, 1], clamped) with opacity a
// over a premultiplied RGBA pixel.
func blend(px []byte, r, g, b, a float64) {
	if a <= 0 {
		return
	}
	c := func(v float64) float64 { return math.Max(0, math.Min(1, v)) * 255 }
	ia := 1 - a
	px[0] = uint8(c(r)*a + float64(px[0])*ia + 0.5)
	px[1] = uint8(c(g)*a + float64(px[1])*ia + 0.5)
	px[2] = uint8(c(b)*a + float64(px[2])*ia + 0.5)
	px[3] = uint8(255*a + float64(px[3])*ia + 0.5)
}
