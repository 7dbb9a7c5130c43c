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
//     part first among those ready. Parts that overlap in a cycle are cut in
//     pieces until the cycle is gone (see paintOrder).
//
// Limits: intersecting parts are ordered by the one ray through their
// common area, so where they cross one of them may be drawn over the other
// (catalogs should model parts that touch, not interpenetrate). A concave
// extrusion profile makes a non-convex part; draw it as several convex
// parts.

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

// maxSplits bounds the parts split per frame to break cycles.
const maxSplits = 24

// paintOrder returns the meshes to draw and their order, farthest first.
// When some parts overlap each other in a cycle (a spiral stair around a
// pole: the pole in front of one tread, behind another), no order of whole
// parts is right: the largest part of the cycle is cut in two across its
// longest side, and the order sought again, until there is none (at most
// maxSplits cuts; then the cycle is broken at its farthest part). The
// meshes returned are the scene's, or a copy with the cut parts replaced
// by their pieces.
func (c *camera) paintOrder(meshes []Mesh) ([]Mesh, []int) {
	for splits := 0; ; splits++ {
		order, cycle := c.sortParts(meshes, splits == maxSplits)
		if cycle == nil {
			return meshes, order
		}
		k := cycle[0]
		for _, i := range cycle[1:] {
			if size(&meshes[i]) > size(&meshes[k]) {
				k = i
			}
		}
		a, b := halve(&meshes[k])
		if a == nil || b == nil {
			order, _ = c.sortParts(meshes, true)
			return meshes, order
		}
		next := make([]Mesh, 0, len(meshes)+1)
		next = append(next, meshes[:k]...)
		next = append(next, *a)
		next = append(next, meshes[k+1:]...)
		next = append(next, *b)
		meshes = next
	}
}

// size is the longest side of a mesh's bounding box.
func size(m *Mesh) float64 {
	d := m.Max.Sub(m.Min)
	return math.Max(d.X, math.Max(d.Y, d.Z))
}

// sortParts orders the meshes farthest first. With force unset it stops at
// a cycle and returns the meshes in it; with force set it breaks every
// cycle at its farthest part.
func (c *camera) sortParts(meshes []Mesh, force bool) ([]int, []int) {
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
		if len(ready) == 0 && !force {
			return nil, findCycle(after, done)
		}
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
	return order, nil
}

// findCycle returns the meshes of one cycle among those not done.
func findCycle(after [][]int, done []bool) []int {
	state := make([]int, len(after)) // 0 new, 1 on the path, 2 finished
	var path []int
	var cycle []int
	var visit func(u int) bool
	visit = func(u int) bool {
		state[u] = 1
		path = append(path, u)
		for _, w := range after[u] {
			if done[w] {
				continue
			}
			if state[w] == 1 {
				k := len(path) - 1
				for path[k] != w {
					k--
				}
				cycle = append(cycle, path[k:]...)
				return true
			}
			if state[w] == 0 && visit(w) {
				return true
			}
		}
		state[u] = 2
		path = path[:len(path)-1]
		return false
	}
	for u := range after {
		if !done[u] && state[u] == 0 && visit(u) {
			return cycle
		}
	}
	return nil
}

// halve cuts a convex mesh in two across the middle of its longest side.
// The cut faces are hidden: they lie inside the part.
func halve(m *Mesh) (*Mesh, *Mesh) {
	d := m.Max.Sub(m.Min)
	n := Vec{1, 0, 0}
	switch {
	case d.Y >= d.X && d.Y >= d.Z:
		n = Vec{0, 1, 0}
	case d.Z >= d.X && d.Z >= d.Y:
		n = Vec{0, 0, 1}
	}
	mid := m.Min.Add(m.Max).Mul(0.5).Dot(n)
	return cut(m, n, mid, true), cut(m, n.Mul(-1), -mid, true)
}

// cut keeps the part of a convex mesh where n·p <= off, closing it with a
// cap on the plane (hidden when hide is set). It returns nil when nothing
// is left.
func cut(m *Mesh, n Vec, off float64, hide bool) *Mesh {
	out := &Mesh{Part: m.Part, Material: m.Material, Center: m.Center, Axes: m.Axes, Extent: m.Extent}
	var onPlane []Vec
	for _, f := range m.Faces {
		var pts, nrm []Vec
		k := len(f.Points)
		for i := 0; i < k; i++ {
			p, q := f.Points[i], f.Points[(i+1)%k]
			dp, dq := n.Dot(p)-off, n.Dot(q)-off
			if dp <= 0 {
				pts = append(pts, p)
				if f.Normals != nil {
					nrm = append(nrm, f.Normals[i])
				}
			}
			if (dp < 0 && dq > 0) || (dp > 0 && dq < 0) {
				t := dp / (dp - dq)
				x := p.Add(q.Sub(p).Mul(t))
				pts = append(pts, x)
				onPlane = append(onPlane, x)
				if f.Normals != nil {
					nrm = append(nrm, f.Normals[i].Mul(1-t).Add(f.Normals[(i+1)%k].Mul(t)).Normalize())
				}
			} else if dp == 0 {
				onPlane = append(onPlane, p)
			}
		}
		if len(pts) < 3 {
			continue
		}
		nf := Face{Points: pts, Normal: f.Normal, Normals: nrm, Hidden: f.Hidden}
		if f.Normals == nil {
			nf.Normals = nil
		}
		out.Faces = append(out.Faces, nf)
	}
	if len(out.Faces) == 0 {
		return nil
	}
	if capPts := orderOnPlane(onPlane, n); len(capPts) >= 3 {
		out.Faces = append(out.Faces, Face{Points: capPts, Normal: n, Hidden: hide})
	}
	out.Min = Vec{math.Inf(1), math.Inf(1), math.Inf(1)}
	out.Max = Vec{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for _, f := range out.Faces {
		for _, p := range f.Points {
			out.Min = Vec{math.Min(out.Min.X, p.X), math.Min(out.Min.Y, p.Y), math.Min(out.Min.Z, p.Z)}
			out.Max = Vec{math.Max(out.Max.X, p.X), math.Max(out.Max.Y, p.Y), math.Max(out.Max.Z, p.Z)}
		}
	}
	out.index()
	return out
}

// orderOnPlane returns the distinct points (on a plane with normal n) in
// order around their centre: the outline of a convex cap.
func orderOnPlane(pts []Vec, n Vec) []Vec {
	var uniq []Vec
	for _, p := range pts {
		dup := false
		for _, q := range uniq {
			if p.Sub(q).Len() < 1e-6*(1+p.Len()) {
				dup = true
				break
			}
		}
		if !dup {
			uniq = append(uniq, p)
		}
	}
	if len(uniq) < 3 {
		return nil
	}
	var c Vec
	for _, p := range uniq {
		c = c.Add(p)
	}
	c = c.Mul(1 / float64(len(uniq)))
	u := uniq[0].Sub(c).Normalize()
	v := n.Cross(u)
	slices.SortFunc(uniq, func(a, b Vec) int {
		aa := math.Atan2(a.Sub(c).Dot(v), a.Sub(c).Dot(u))
		ab := math.Atan2(b.Sub(c).Dot(v), b.Sub(c).Dot(u))
		switch {
		case aa < ab:
			return -1
		case aa > ab:
			return 1
		}
		return 0
	})
	return uniq
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
