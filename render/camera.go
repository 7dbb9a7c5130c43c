package render

import "math"

// View is how the product is looked at.
type View struct {
	Width, Height int     // output size in device pixels
	Azimuth       float64 // degrees, 0 = from the front, positive turns the camera to the right
	Elevation     float64 // degrees above the horizon
	Zoom          float64 // 1 = fit to view
	// PanX and PanY move the picture, in fractions of its width and height
	// (right and down are positive).
	PanX, PanY float64
	// Perspective: a camera at a finite distance (about three times the
	// product's size) instead of an orthographic projection.
	Perspective bool
	// Scale is the device scale (2 on a HiDPI screen): line widths and text
	// grow with it. 0 means 1.
	Scale float64
	// Dimensions draws the overall width, height and depth.
	Dimensions bool
	// Unit labels the dimensions (the catalog's length unit); "" is "mm".
	Unit string
	// Inches shows lengths in millimetres as inches (the user's display
	// unit; the catalog stays in millimetres).
	Inches bool
	// Lang is the language the labels' numbers are written in ("de":
	// 63,5 in, 12.400 mm); "" is English.
	Lang string
}

// Standard views.
var (
	ViewIso   = View{Azimuth: 35, Elevation: 22, Zoom: 1}
	ViewFront = View{Azimuth: 0, Elevation: 0, Zoom: 1}
	ViewSide  = View{Azimuth: 90, Elevation: 0, Zoom: 1}
	ViewTop   = View{Azimuth: 0, Elevation: 90, Zoom: 1}
)

// StandardViews names the standard views.
var StandardViews = map[string]View{"iso": ViewIso, "front": ViewFront, "side": ViewSide, "top": ViewTop}

// WithCamera returns v with the camera (angles, zoom, pan, projection) of c.
func (v View) WithCamera(c View) View {
	v.Azimuth, v.Elevation, v.Zoom, v.PanX, v.PanY = c.Azimuth, c.Elevation, c.Zoom, c.PanX, c.PanY
	return v
}

// perspectiveDistance is the eye's distance from the product's centre, in
// multiples of the radius of its bounding sphere (a mild, natural
// perspective, like a 50 mm lens).
const perspectiveDistance = 3.2

// camera maps world points to the screen.
type camera struct {
	r, u, d Vec // right, up, and towards the viewer
	c       Vec // the point orbited (the scene's centre)
	persp   bool
	dist    float64 // eye distance from c (perspective)
	eye     Vec
	scale   float64 // device pixels per mm on the plane through c
	cx, cy  float64 // screen position of c
	// frameW and frameH are the frame's size in pixels
	frameW, frameH int
}

func newCamera(v View, s *Scene) *camera {
	a, e := v.Azimuth*math.Pi/180, v.Elevation*math.Pi/180
	sa, ca, se, ce := math.Sin(a), math.Cos(a), math.Sin(e), math.Cos(e)
	cam := &camera{
		r:     Vec{ca, 0, -sa},
		u:     Vec{-sa * se, ce, -ca * se},
		d:     Vec{sa * ce, se, ca * ce},
		c:     s.Min.Add(s.Max).Mul(0.5),
		persp: v.Perspective,
		scale: 1,
	}
	radius := math.Max(s.Max.Sub(s.Min).Len()/2, 1)
	cam.dist = perspectiveDistance * radius
	cam.eye = cam.c.Add(cam.d.Mul(cam.dist))
	return cam
}

// plane returns p's coordinates on the view plane through c (mm, y up) and
// its depth (larger is farther).
func (c *camera) plane(p Vec) (x, y, depth float64) {
	q := p.Sub(c.c)
	x, y, z := q.Dot(c.r), q.Dot(c.u), q.Dot(c.d)
	if !c.persp {
		return x, y, -z
	}
	depth = c.dist - z
	f := c.dist / math.Max(depth, 1e-6*c.dist)
	return x * f, y * f, depth
}

// project returns p's screen position.
func (c *camera) project(p Vec) (float64, float64) {
	x, y, _ := c.plane(p)
	return c.cx + x*c.scale, c.cy - y*c.scale
}

// ray returns the ray through a screen position: origin and direction
// (not normalised; points along it are o + t·dir with t growing away from
// the viewer).
func (c *camera) ray(sx, sy float64) (o, dir Vec) {
	x, y := (sx-c.cx)/c.scale, (c.cy-sy)/c.scale
	p := c.c.Add(c.r.Mul(x)).Add(c.u.Mul(y))
	if c.persp {
		return c.eye, p.Sub(c.eye)
	}
	return p.Add(c.d.Mul(1e6)), c.d.Mul(-1)
}

// toEye is the unit direction from p towards the viewer.
func (c *camera) toEye(p Vec) Vec {
	if c.persp {
		return c.eye.Sub(p).Normalize()
	}
	return c.d
}

// facing reports whether a face is turned towards the viewer.
func (c *camera) facing(f *Face) bool {
	if c.persp {
		return f.Normal.Dot(c.eye.Sub(f.Points[0])) > 1e-9
	}
	return f.Normal.Dot(c.d) > 1e-9
}

// fit scales and centres the scene in a w×h frame with the given margin (a
// fraction of the frame on each side), then applies zoom and pan.
func (c *camera) fit(s *Scene, v View, w, h int, margin float64) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range s.Meshes {
		for _, p := range s.Meshes[i].Verts {
			x, y, _ := c.plane(p)
			minX, maxX = math.Min(minX, x), math.Max(maxX, x)
			minY, maxY = math.Min(minY, y), math.Max(maxY, y)
		}
	}
	if minX > maxX {
		minX, maxX, minY, maxY = -1, 1, -1, 1
	}
	zoom := v.Zoom
	if zoom <= 0 {
		zoom = 1
	}
	c.frameW, c.frameH = w, h
	fw, fh := float64(w)*(1-2*margin), float64(h)*(1-2*margin)
	c.scale = zoom * math.Min(fw/math.Max(maxX-minX, 1e-3), fh/math.Max(maxY-minY, 1e-3))
	c.cx = float64(w)/2 - (minX+maxX)/2*c.scale + v.PanX*float64(w)
	c.cy = float64(h)/2 + (minY+maxY)/2*c.scale + v.PanY*float64(h)
}
