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

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func minf(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

// threadLUT is sin(πt) on [0, 1]: a thread's cross-section.
var threadLUT = func() (t [257]float64) {
	for i := range t {
		t[i] = math.Sin(math.Pi * float64(i) / 256)
	}
	return
}()

// n1 is smooth 1D noise with period 4096/16 = 256 units.
func n1(x float64) float64 {
	i, t := ffloor(x * 16)
	a, b := noise1D[i&4095], noise1D[(i+1)&4095]
	return float64(a) + (float64(b)-float64(a))*t
}

// floorBias keeps ffloor's argument positive, so that truncation floors;
// pattern coordinates stay far below it.
const floorBias = 1 << 30

// ffloor returns floor(x) and x - floor(x), fast, for |x| < 2^30: all the
// patterns need.
func ffloor(x float64) (int, float64) {
	y := x + floorBias
	i := int(y)
	return i - floorBias, y - float64(i)
}

// n2 is bilinear value noise on a 256×256 lattice.
func n2(x, y float64) float64 {
	ix, tx := ffloor(x)
	iy, ty := ffloor(y)
	ix, iy = ix&255, iy&255
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
		keyPower: 0.66,
	}
}

// faceShader paints one face: it implements raster.Painter over the
// frame's pixels.
type faceShader struct {
	img   *image.RGBA
	yoff  int // span rows are relative to this image row
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
	// flat: lighting as planes over the screen (k0 + k1·x + k2·y)
	flat                       bool
	lumP, specP, alphaP        [3]float64
	cP                         [3][3]float64 // ortho: pattern coordinates as planes
	invPitch, invRing, invFine float64       // pattern scales
	// the lighting grid of a large face (see gridLight)
	gx0, gy0 float64
	gnx, gny int
	gok      []bool
	gval     [][3]float64
	weave    float64 // weave contrast
}

func (fs *faceShader) setup(m *Mesh, f *Face, cam *camera, li *lights, back bool, proj [][2]float64) {
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
	pitch := maxf(2.5, 1.3*fs.feature)
	fs.invPitch = 1 / pitch
	// A weave drawn coarser than it is (far away) stays faint.
	fs.weave = 0.1 * minf(1, 2*2.5/pitch)
	fs.invRing = 1 / maxf(7, 2.2*fs.feature)
	fs.invFine = 1 / (3*fs.feature + 12)
	if !cam.persp {
		fs.p0 = fs.point(0, 0)
		fs.px = fs.point(1, 0).Sub(fs.p0)
		fs.py = fs.point(0, 1).Sub(fs.p0)
	}
	// A small face is lit by a plane fitted through three of its corners
	// (lighting barely changes across it); a large one is lit exactly every
	// lightStep pixels, so highlights keep their shape.
	fs.flat = false
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range proj {
		x0, x1 = minf(x0, q[0]), maxf(x1, q[0])
		y0, y1 = minf(y0, q[1]), maxf(y1, q[1])
	}
	// A curved surface's facet (per-point normals) is lit the same way,
	// whatever its size: lighting interpolated between its corners, each lit
	// with its own normal (Gouraud shading), so the facets do not show.
	if len(proj) >= 3 && ((x1-x0)*(y1-y0) < smallFace || f.Normals != nil) {
		// The corner farthest from the first, then the one farthest from
		// the line through both: a well-spread triangle.
		ia, ib, ic := 0, 0, 0
		a := proj[0]
		best := -1.0
		for i, q := range proj {
			if d := (q[0]-a[0])*(q[0]-a[0]) + (q[1]-a[1])*(q[1]-a[1]); d > best {
				ib, best = i, d
			}
		}
		b := proj[ib]
		best = -1
		for i, q := range proj {
			if d := math.Abs((b[0]-a[0])*(q[1]-a[1]) - (b[1]-a[1])*(q[0]-a[0])); d > best {
				ic, best = i, d
			}
		}
		c := proj[ic]
		det := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
		if math.Abs(det) > 1e-6 {
			corner := func(i int) (float64, float64, float64) {
				n := fs.n
				if f.Normals != nil {
					n = f.Normals[i]
					if back {
						n = n.Mul(-1)
					}
				}
				return fs.lightN(fs.at(proj[i][0], proj[i][1]), n)
			}
			la, sa, aa := corner(ia)
			lb, sb, ab := corner(ib)
			lc, sc, ac := corner(ic)
			plane := func(va, vb, vc float64) [3]float64 {
				// v = k0 + k1*x + k2*y through the three corners
				k1 := ((vb-va)*(c[1]-a[1]) - (vc-va)*(b[1]-a[1])) / det
				k2 := ((vc-va)*(b[0]-a[0]) - (vb-va)*(c[0]-a[0])) / det
				return [3]float64{va - k1*a[0] - k2*a[1], k1, k2}
			}
			fs.flat = true
			fs.lumP, fs.specP, fs.alphaP = plane(la, lb, lc), plane(sa, sb, sc), plane(aa, ab, ac)
		}
	}
	if !fs.flat {
		// The lighting grid over the face's bounding box, clipped to the
		// frame, all points still to compute.
		w, h := float64(fs.img.Rect.Dx()), float64(fs.img.Rect.Dy())
		x0, x1 = maxf(x0, -lightGrid), minf(x1, w+lightGrid)
		y0, y1 = maxf(y0, -lightGrid), minf(y1, h+lightGrid)
		fs.gx0, fs.gy0 = math.Floor(x0/lightGrid)*lightGrid, math.Floor(y0/lightGrid)*lightGrid
		fs.gnx = max(2, int(math.Ceil((x1-fs.gx0)/lightGrid))+1)
		fs.gny = max(2, int(math.Ceil((y1-fs.gy0)/lightGrid))+1)
		n := fs.gnx * fs.gny
		if cap(fs.gok) < n {
			fs.gok = make([]bool, n)
			fs.gval = make([][3]float64, n)
		}
		fs.gok, fs.gval = fs.gok[:n], fs.gval[:n]
		clear(fs.gok)
	}
	// Pattern coordinates in the part's frame, affine in the screen for
	// orthographic views.
	if !cam.persp {
		for i := 0; i < 3; i++ {
			ax := m.Axes[i]
			fs.cP[i] = [3]float64{fs.p0.Sub(m.Center).Dot(ax), fs.px.Dot(ax), fs.py.Dot(ax)}
		}
	}
}

// lightGrid is the spacing in pixels of the grid on which a large face's
// lighting is evaluated exactly (lazily, each point once); in between it is
// interpolated bilinearly.
const lightGrid = 8

// gridLight is the lighting at a screen point of a large face.
func (fs *faceShader) gridLight(sx, sy float64) (float64, float64, float64) {
	gx, gy := (sx-fs.gx0)/lightGrid, (sy-fs.gy0)/lightGrid
	i, _ := ffloor(gx)
	j, _ := ffloor(gy)
	i, j = max(0, min(i, fs.gnx-2)), max(0, min(j, fs.gny-2))
	tx, ty := gx-float64(i), gy-float64(j) // beyond [0, 1] at the clamped edges: extrapolated
	var v [4][3]float64
	for k := 0; k < 4; k++ {
		ii, jj := i+k&1, j+k>>1
		idx := jj*fs.gnx + ii
		if !fs.gok[idx] {
			l, sp, a := fs.light(fs.at(fs.gx0+float64(ii)*lightGrid, fs.gy0+float64(jj)*lightGrid))
			fs.gval[idx] = [3]float64{l, sp, a}
			fs.gok[idx] = true
		}
		v[k] = fs.gval[idx]
	}
	var out [3]float64
	for c := 0; c < 3; c++ {
		top := v[0][c] + (v[1][c]-v[0][c])*tx
		bot := v[2][c] + (v[3][c]-v[2][c])*tx
		out[c] = top + (bot-top)*ty
	}
	return out[0], out[1], out[2]
}

// smallFace is the screen area (px², of the bounding box) under which a
// face's lighting is fitted by a plane.
const smallFace = 48 * 48

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

// pattern returns the brightness factor of the material's pattern at a
// point given in the part's own coordinates (c[i]: along its axis i, from
// its centre).
func (fs *faceShader) pattern(c *[3]float64) float64 {
	switch fs.pat {
	case catalog.Wood:
		// Plain-sawn grain: growth rings around a pith below the board,
		// wavering along the long axis; rings never finer than a few pixels.
		along, a1, a2 := c[fs.long], c[fs.across1], c[fs.across2]
		wob := 9*n1(along*(1.0/260)+a1*(1.0/900)) + 3*n1(along*(1.0/60)+17)
		rho := math.Sqrt(a1*a1+(a2+260)*(a2+260)) + wob
		_, t := ffloor(rho * fs.invRing)
		// earlywood light, latewood a darker band
		band := 1 - 5*math.Abs(t-0.78)
		if band < 0 {
			band = 0
		}
		fine := n2(along*fs.invFine, rho*0.4)
		return 1.04 - 0.16*band + 0.035*fine + 0.05*n1(rho*(1.0/40))
	case catalog.Fabric:
		u, v := c[fs.tu], c[fs.tv]
		cu, du := ffloor(u * fs.invPitch)
		cv, dv := ffloor(v * fs.invPitch)
		var thread float64
		if (cu+cv)&1 == 0 {
			thread = threadLUT[int(dv*256)]
		} else {
			thread = threadLUT[int(du*256)]
		}
		fleck := float64(noise2D[(cv&255)<<8|cu&255]) // one random value per thread crossing
		return 1 + fs.weave*(thread-0.64) + 0.03*fleck + 0.03*n1(u*(1.0/60)+v*(1.0/97))
	case catalog.Brushed:
		a1, a2 := c[fs.across1], c[fs.across2]
		return 1 + 0.05*n1((a1+a2*0.7)/maxf(0.6, 0.5*fs.feature)) + 0.03*n1((a1-a2)/7+40)
	case catalog.Stone:
		u, v := c[fs.tu], c[fs.tv]
		vein := math.Abs(n2(u/90+3, v/90) + 0.5*n2(u/30, v/30+9))
		return 0.95 + 0.08*n2(u/12, v/12) + 0.48*maxf(0, 0.25-vein)
	}
	return 1
}

// light returns the lighting at p: the factor on the albedo, the
// highlight and reflection added on top, and the opacity.
func (fs *faceShader) light(p Vec) (lum, spec, a float64) { return fs.lightN(p, fs.n) }

// lightN is light with a given surface normal.
func (fs *faceShader) lightN(p, n Vec) (lum, spec, a float64) {
	li := fs.li
	v := fs.cam.toEye(p)
	l := li.keyPos.Sub(p).Normalize()
	ndl := maxf(0, n.Dot(l))
	ndf := maxf(0, n.Dot(li.fill))
	lum = 0.36 + 0.08*n.Y + fs.fin.diffuse*(li.keyPower*ndl+0.22*ndf)
	// Highlight (Blinn-Phong).
	h := l.Add(v).Normalize()
	s := maxf(0, n.Dot(h))
	spec = fs.fin.spec * float64(fs.lut[int(s*1024)])
	// Studio reflection: bright above the horizon, darker below.
	ndv := n.Dot(v)
	refl := n.Mul(2 * ndv).Sub(v)
	spec += fs.fin.env * (0.35 + 0.65*maxf(0, refl.Y)) * (0.5 + 0.5*maxf(0, ndv))
	a = fs.alpha
	if fs.alpha < 1 {
		// Glass: more reflective, so more opaque, at grazing angles.
		g := 1 - math.Abs(ndv)
		a = minf(0.85, fs.alpha+0.45*g*g*g+0.5*spec)
	}
	return lum, spec, a
}

// lightStep is the distance in pixels between exact evaluations of the
// lighting and of the face point along a span; in between both are
// interpolated linearly (lighting varies slowly across a face, and a
// perspective-correct point drifts by far less than a pixel over 8).
const lightStep = 8

// Paint implements raster.Painter.
func (fs *faceShader) Paint(ss []raster.Span, _ bool) {
	pix, stride := fs.img.Pix, fs.img.Stride
	w, h := fs.img.Rect.Dx(), fs.img.Rect.Dy()
	sr, sg, sb := 1.0, 1.0, 1.0 // highlight tint
	if fs.fin.tintSpec {
		sr, sg, sb = 0.35+0.65*fs.cr, 0.35+0.65*fs.cg, 0.35+0.65*fs.cb
	}
	m := fs.mesh
	persp := fs.cam.persp
	plain := fs.pat == catalog.NoPattern
	coords := func(sx, sy float64) [3]float64 {
		if !persp {
			return [3]float64{
				fs.cP[0][0] + fs.cP[0][1]*sx + fs.cP[0][2]*sy,
				fs.cP[1][0] + fs.cP[1][1]*sx + fs.cP[1][2]*sy,
				fs.cP[2][0] + fs.cP[2][1]*sx + fs.cP[2][2]*sy,
			}
		}
		q := fs.point(sx, sy).Sub(m.Center)
		return [3]float64{q.Dot(m.Axes[0]), q.Dot(m.Axes[1]), q.Dot(m.Axes[2])}
	}
	lightAt := func(sx, sy float64) (float64, float64, float64) {
		if fs.flat {
			return fs.lumP[0] + fs.lumP[1]*sx + fs.lumP[2]*sy,
				fs.specP[0] + fs.specP[1]*sx + fs.specP[2]*sy,
				fs.alphaP[0] + fs.alphaP[1]*sx + fs.alphaP[2]*sy
		}
		return fs.gridLight(sx, sy)
	}
	for _, sp := range ss {
		y := sp.Y + fs.yoff
		if y < 0 || y >= h {
			continue
		}
		x0, x1 := max(sp.X0, 0), min(sp.X1, w)
		if x0 >= x1 {
			continue
		}
		cov := float64(sp.Alpha) / 0xffff
		sy := float64(y) + 0.5
		row := pix[y*stride:]
		if x1-x0 <= 2 {
			// A short span (an anti-aliased edge, or a sliver of a face):
			// each pixel on its own.
			for x := x0; x < x1; x++ {
				px := row[x*4 : x*4+4 : x*4+4]
				if px[3] == 255 {
					continue
				}
				// The pattern averages 1 and is left out on these edge
				// pixels: they are mostly partial, and a pattern's detail
				// is never finer than a few pixels.
				k, spec, a := lightAt(float64(x)+0.5, sy)
				under(px, fs.cr*k+spec*sr, fs.cg*k+spec*sg, fs.cb*k+spec*sb, a*cov)
			}
			continue
		}
		// Exact values at the ends of each block of lightStep pixels,
		// interpolated in between. Parts are drawn nearest first, so a
		// block already covered by nearer ones is skipped unshaded.
		var ca [3]float64
		var la, spa, aa float64
		valid := false
		for bx := x0; bx < x1; bx += lightStep {
			ex := min(bx+lightStep, x1)
			if opaque(row[bx*4 : ex*4]) {
				valid = false
				continue
			}
			if !valid {
				sxa := float64(bx) + 0.5
				if !plain {
					ca = coords(sxa, sy)
				}
				la, spa, aa = lightAt(sxa, sy)
			}
			sxb := float64(ex) + 0.5
			var cb [3]float64
			if !plain {
				cb = coords(sxb, sy)
			}
			lb, spb, ab := lightAt(sxb, sy)
			inv := 1 / float64(ex-bx)
			dl, ds, da := (lb-la)*inv, (spb-spa)*inv, (ab-aa)*inv
			d0, d1, d2 := (cb[0]-ca[0])*inv, (cb[1]-ca[1])*inv, (cb[2]-ca[2])*inv
			l, spec, a := la, spa, aa
			c := ca
			cr, cg, cbl := fs.cr, fs.cg, fs.cb
			for x := bx; x < ex; x++ {
				px := row[x*4 : x*4+4 : x*4+4]
				if px[3] != 255 {
					k := l
					if !plain {
						k *= fs.pattern(&c)
					}
					r, g, b, o := cr*k+spec*sr, cg*k+spec*sg, cbl*k+spec*sb, a*cov
					if px[3] == 0 && o >= 1 {
						// The common case: nothing nearer, fully covered.
						px[0], px[1], px[2], px[3] = shoulder8(r), shoulder8(g), shoulder8(b), 255
					} else {
						under(px, r, g, b, o)
					}
				}
				l, spec, a = l+dl, spec+ds, a+da
				c[0], c[1], c[2] = c[0]+d0, c[1]+d1, c[2]+d2
			}
			ca, la, spa, aa, valid = cb, lb, spb, ab, true
		}
	}
}

// opaque reports whether every pixel of a run is fully covered.
func opaque(run []byte) bool {
	for i := 3; i < len(run); i += 4 {
		if run[i] != 255 {
			return false
		}
	}
	return true
}

// under composites a colour (components in [0, 1], clamped) with coverage
// a under a premultiplied RGBA pixel that holds what nearer faces already
// cover. Coverages add up until the pixel is full ("alpha saturate", the
// classic rule for anti-aliasing polygons drawn front to back): two faces
// that share an edge, each covering half of a pixel on it, fill it
// together, with no seam of backdrop between them; a face behind only
// fills what is left.
func under(px []byte, r, g, b, a float64) {
	if a <= 0 {
		return
	}
	if a > 1 {
		a = 1
	}
	if px[3] == 0 {
		// Nothing nearer here yet: straight write.
		f := a * 255
		px[0], px[1], px[2], px[3] = uint8(clamp01(r)*f+0.5), uint8(clamp01(g)*f+0.5), uint8(clamp01(b)*f+0.5), uint8(f+0.5)
		return
	}
	f := min(uint32(a*255+0.5), 255-uint32(px[3])) // 0..255
	if f == 0 {
		return
	}
	px[0] = uint8(min(255, uint32(px[0])+(to8(r)*f+127)/255))
	px[1] = uint8(min(255, uint32(px[1])+(to8(g)*f+127)/255))
	px[2] = uint8(min(255, uint32(px[2])+(to8(b)*f+127)/255))
	px[3] = uint8(uint32(px[3]) + f)
}

// at is the face point under a screen position.
func (fs *faceShader) at(sx, sy float64) Vec {
	if fs.cam.persp {
		return fs.point(sx, sy)
	}
	return fs.p0.Add(fs.px.Mul(sx)).Add(fs.py.Mul(sy))
}

// clamp01 maps a colour component to [0, 1] with a soft shoulder above
// 0.85, so that bright lit faces keep their texture instead of burning out.
func clamp01(v float64) float64 {
	if v < 0 {
		return 0
	}
	if v > 0.85 {
		x := v - 0.85
		v = 0.85 + 0.15*x/(x+0.15)
	}
	return v
}

// shoulder8 is to8 as a byte, with the common case (no shoulder) first.
func shoulder8(v float64) uint8 {
	if v >= 0 && v <= 0.85 {
		return uint8(v*255 + 0.5)
	}
	return uint8(clamp01(v)*255 + 0.5)
}

// to8 maps [0, 1] to 0..255 (see clamp01).
func to8(v float64) uint32 {
	return uint32(clamp01(v)*255 + 0.5)
}
