package render

import (
	"math"
	"sort"
)

// paintOrder returns the meshes in the order to draw them, farthest first.
//
// The algorithm: for every pair of meshes whose screen rectangles overlap, a
// face plane of one that has the whole other mesh on its outer side separates
// them; the side of that plane the viewer is on decides which is drawn first.
// For convex, non-intersecting parts such a plane always exists when the parts
// are boxes or prisms separated along a face normal, which covers furniture
// made of panels, rails and legs. The constraints are sorted topologically,
// ties broken by the depth of each mesh's centre so that the order is stable
// between nearby angles. Pairs without a separating face plane (intersecting
// parts, or the rare edge-to-edge case) fall back to that depth order.
func paintOrder(meshes []Mesh, cam camera) []int {
	n := len(meshes)
	type rect struct{ x0, y0, x1, y1, depth float64 }
	rects := make([]rect, n)
	for i, m := range meshes {
		r := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1), 0}
		cnt := 0
		for _, f := range m.Faces {
			for _, p := range f.Points {
				v := cam.toView(p)
				r.x0, r.x1 = math.Min(r.x0, v.X), math.Max(r.x1, v.X)
				r.y0, r.y1 = math.Min(r.y0, v.Y), math.Max(r.y1, v.Y)
				r.depth += v.Z
				cnt++
			}
		}
		if cnt > 0 {
			r.depth /= float64(cnt)
		}
		rects[i] = r
	}
	// towardViewer in world coordinates: the inverse of the camera rotation applied to (0,0,1).
	d := Vec{cam.sinA * cam.cosE, cam.sinE, cam.cosA * cam.cosE}
	after := make([][]int, n) // after[i]: meshes that must be drawn after i
	indeg := make([]int, n)
	const eps = 1e-6
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := rects[i], rects[j]
			if a.x1 < b.x0 || b.x1 < a.x0 || a.y1 < b.y0 || b.y1 < a.y0 {
				continue // no overlap on screen: any order
			}
			switch separate(meshes[i], meshes[j], d, eps) {
			case -1: // i is behind j
				after[i] = append(after[i], j)
				indeg[j]++
			case 1:
				after[j] = append(after[j], i)
				indeg[i]++
			}
		}
	}
	// Kahn's algorithm, always taking the farthest ready mesh.
	done := make([]bool, n)
	order := make([]int, 0, n)
	ready := []int{}
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(order) < n {
		if len(ready) == 0 {
			// A cycle (intersecting parts): break it at the farthest remaining mesh.
			best := -1
			for i := 0; i < n; i++ {
				if !done[i] && (best < 0 || rects[i].depth < rects[best].depth) {
					best = i
				}
			}
			indeg[best] = 0
			ready = append(ready, best)
		}
		sort.Slice(ready, func(x, y int) bool {
			if rects[ready[x]].depth != rects[ready[y]].depth {
				return rects[ready[x]].depth < rects[ready[y]].depth
			}
			return ready[x] < ready[y]
		})
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

// separate finds a face plane of a or b with the other mesh entirely on its
// outer side. It returns -1 when a must be drawn before b, 1 when after, 0
// when no such plane was found or the viewer looks along it.
func separate(a, b Mesh, toViewer Vec, eps float64) int {
	if s := sideOf(a, b, toViewer, eps); s != 0 {
		return s
	}
	return -sideOf(b, a, toViewer, eps)
}

// sideOf looks for a face of a whose plane has all of b outside it.
func sideOf(a, b Mesh, toViewer Vec, eps float64) int {
	for _, f := range a.Faces {
		p0 := f.Points[0]
		outside := true
		for _, g := range b.Faces {
			for _, p := range g.Points {
				if f.Normal.Dot(p.Sub(p0)) < -eps*(1+p.Len()) {
					outside = false
					break
				}
			}
			if !outside {
				break
			}
		}
		if !outside {
			continue
		}
		facing := f.Normal.Dot(toViewer)
		switch {
		case facing > 1e-9:
			return -1 // viewer on b's side: a is behind
		case facing < -1e-9:
			return 1
		}
	}
	return 0
}
