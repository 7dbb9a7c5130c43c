package render

import (
	"math"
	"slices"
)

// Hidden surfaces are removed by the painter's algorithm on whole parts:
//
//   - Within a part (every part is convex) only the faces turned towards the
//     viewer are drawn (back-face culling), and those never overlap each
//     other, so their order does not matter. Glass draws its back faces
//     first, then its front faces over them.
//   - Between two parts whose outlines overlap on the screen, the order is
//     decided exactly: the projected outlines (convex hulls) are intersected,
//     a ray is cast through the middle of the common area, and the part the
//     ray enters first is the nearer one. For two convex parts that do not
//     intersect, every ray through the common area meets them in the same
//     order (a plane separates them and each ray crosses it once), so this
//     one ray decides for the whole area, from any angle, and two nearby
//     angles never disagree. Parts whose outlines do not overlap can be drawn
//     in any order.
//   - The pairwise "behind" relations are sorted topologically, farthest
//     part first among those ready.
//
// Limits: intersecting parts are ordered by the one ray through their
// common area, so where they cross one of them may be drawn over the other
// (catalogs should model parts that touch, not interpenetrate); three or
// more parts that overlap each other cyclically (like three sticks laid in a
// triangle, each on the next) have no painter's order: the cycle is broken
// at the farthest part. A concave extrusion profile makes a non-convex part;
// draw it as several convex parts.

// outline is a mesh's projected convex hull and depth range.
type outline struct {
	hull           [][2]float64
	x0, y0, x1, y1 float64 // screen bounding box
	near, far, mid float64 // depth of the nearest, farthest and middle vertex
	empty          bool
}

func (c *camera) outline(m *Mesh) outline {
	o := outline{x0: math.Inf(1), y0: math.Inf(1), x1: math.Inf(-1), y1: math.Inf(-1), near: math.Inf(1), far: math.Inf(-1)}
	pts := make([][2]float64, 0, len(m.Verts))
	for _, p := range m.Verts {
		sx, sy := c.project(p)
		_, _, z := c.plane(p)
		pts = append(pts, [2]float64{sx, sy})
		o.x0, o.x1 = math.Min(o.x0, sx), math.Max(o.x1, sx)
		o.y0, o.y1 = math.Min(o.y0, sy), math.Max(o.y1, sy)
		o.near, o.far = math.Min(o.near, z), math.Max(o.far, z)
	}
	o.mid = (o.near + o.far) / 2
	o.hull = convexHull(pts)
	o.empty = len(o.hull) < 3
	return o
}

// paintOrder returns the meshes in the order to draw them, farthest first.
func (c *camera) paintOrder(meshes []Mesh) []int {
	n := len(meshes)
	outs := make([]outline, n)
	for i := range meshes {
		outs[i] = c.outline(&meshes[i])
	}
	var bufA, bufB [][2]float64 // scratch for clipping
	after := make([][]int, n)   // after[i]: meshes drawn after i
	indeg := make([]int, n)
	for i := 0; i < n; i++ {
		a := &outs[i]
		if a.empty {
			continue
		}
		for j := i + 1; j < n; j++ {
			b := &outs[j]
			if b.empty || a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0 {
				continue
			}
			// Only parts whose outlines really overlap constrain the order
			// (an order between parts that merely share a bounding box can
			// only make false cycles).
			common := clipConvex(a.hull, b.hull, &bufA, &bufB)
			if polygonArea(common) < 1e-3 {
				continue // touching outlines: any order
			}
			var behind bool // i behind j
			switch {
			case a.near >= b.far:
				behind = true
			case b.near >= a.far:
				behind = false
			default:
				sx, sy := centroid(common)
				o, dir := c.ray(sx, sy)
				ti, oki := entry(&meshes[i], o, dir)
				tj, okj := entry(&meshes[j], o, dir)
				if !oki || !okj {
					continue
				}
				behind = ti > tj
			}
			if behind {
				after[i] = append(after[i], j)
				indeg[j]++
			} else {
				after[j] = append(after[j], i)
				indeg[i]++
			}
		}
	}
	// Kahn's algorithm, always taking the farthest ready mesh.
	done := make([]bool, n)
	order := make([]int, 0, n)
	var ready []int
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	farther := func(x, y int) int {
		switch {
		case outs[x].mid > outs[y].mid:
			return -1
		case outs[x].mid < outs[y].mid:
			return 1
		}
		return x - y
	}
	for len(order) < n {
		if len(ready) == 0 {
			// A cycle: break it at the farthest remaining mesh.
			best := -1
			for i := 0; i < n; i++ {
				if !done[i] && (best < 0 || farther(i, best) < 0) {
					best = i
				}
			}
			indeg[best] = 0
			ready = append(ready, best)
		}
		slices.SortFunc(ready, farther)
		i := ready[0]
		ready = ready[1:]
		if done[i] {
			continue
		}
		done[i] = true
		order = append(order, i)
		for _, j := range after[i] {
			indeg[j]--
			if indeg[j] == 0 && !done[j] {
				ready = append(ready, j)
			}
		}
	}
	return order
}

// entry returns where the ray o + t·dir enters the convex mesh (Cyrus-Beck
// clipping against its face planes).
func entry(m *Mesh, o, dir Vec) (float64, bool) {
	tin, tout := math.Inf(-1), math.Inf(1)
	for i := range m.Faces {
		f := &m.Faces[i]
		den := f.Normal.Dot(dir)
		num := f.Normal.Dot(f.Points[0].Sub(o))
		switch {
		case den < -1e-12: // entering this half-space
			tin = math.Max(tin, num/den)
		case den > 1e-12:
			tout = math.Min(tout, num/den)
		case num < 0: // parallel and outside
			return 0, false
		}
	}
	return tin, tin <= tout+1e-9*(1+math.Abs(tout))
}

// convexHull returns the convex hull of points, counter-clockwise in screen
// coordinates (Andrew's monotone chain).
func convexHull(pts [][2]float64) [][2]float64 {
	if len(pts) < 3 {
		return nil
	}
	p := slices.Clone(pts)
	slices.SortFunc(p, func(a, b [2]float64) int {
		switch {
		case a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]):
			return -1
		case a == b:
			return 0
		}
		return 1
	})
	p = slices.Compact(p)
	if len(p) < 3 {
		return nil
	}
	cross := func(o, a, b [2]float64) float64 { return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0]) }
	h := make([][2]float64, 0, 2*len(p))
	for _, q := range p {
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], q) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, q)
	}
	lower := len(h) + 1
	for i := len(p) - 2; i >= 0; i-- {
		q := p[i]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], q) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, q)
	}
	return h[:len(h)-1]
}

// clipConvex intersects two convex polygons, both counter-clockwise
// (Sutherland-Hodgman), using two scratch buffers; the result is one of
// them.
func clipConvex(subject, clip [][2]float64, bufA, bufB *[][2]float64) [][2]float64 {
	out := append((*bufA)[:0], subject...)
	spare := (*bufB)[:0]
	for i := range clip {
		a, b := clip[i], clip[(i+1)%len(clip)]
		ex, ey := b[0]-a[0], b[1]-a[1]
		in := out
		out = spare[:0]
		for j := range in {
			p, q := in[j], in[(j+1)%len(in)]
			pin := ex*(p[1]-a[1])-ey*(p[0]-a[0]) >= 0
			qin := ex*(q[1]-a[1])-ey*(q[0]-a[0]) >= 0
			if pin {
				out = append(out, p)
			}
			if pin != qin {
				// Intersection of pq with the line ab.
				dx, dy := q[0]-p[0], q[1]-p[1]
				den := dx*ey - dy*ex
				if den != 0 {
					t := ((a[0]-p[0])*ey - (a[1]-p[1])*ex) / den
					out = append(out, [2]float64{p[0] + t*dx, p[1] + t*dy})
				}
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

func polygonArea(p [][2]float64) float64 {
	a := 0.0
	for i := range p {
		q := p[(i+1)%len(p)]
		a += p[i][0]*q[1] - q[0]*p[i][1]
	}
	return math.Abs(a) / 2
}

func centroid(p [][2]float64) (float64, float64) {
	var cx, cy, a float64
	for i := range p {
		q := p[(i+1)%len(p)]
		k := p[i][0]*q[1] - q[0]*p[i][1]
		a += k
		cx += (p[i][0] + q[0]) * k
		cy += (p[i][1] + q[1]) * k
	}
	if math.Abs(a) < 1e-12 {
		var sx, sy float64
		for _, q := range p {
			sx += q[0]
			sy += q[1]
		}
		return sx / float64(len(p)), sy / float64(len(p))
	}
	return cx / (3 * a), cy / (3 * a)
}
