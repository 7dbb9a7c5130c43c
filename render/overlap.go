package render

import (
	"math"
	"sort"
)

// Overlap is a pair of parts that interpenetrate: the preview orders parts,
// so where they cross one may show through the other.
type Overlap struct {
	A, B  string  // part ids
	Depth float64 // the size (mm) of the common region along its shortest side
}

// minOverlap: parts sharing less than this (mm) in every direction are
// touching, not interpenetrating.
const minOverlap = 0.5

// Overlaps lists the parts of a scene that interpenetrate (each pair once,
// by part id). Two convex parts overlap when what is left of one after
// cutting it by every face plane of the other has volume: that is their
// common region.
func Overlaps(s *Scene) []Overlap {
	out, _ := OverlapsWithin(s, 0, 0)
	return out
}

// OverlapsWithin is Overlaps with bounds, for scenes of many parts: it stops
// after maxPairs overlaps found or maxCuts pairs of parts whose bounding
// boxes meet examined (0: no bound), and reports whether it examined every
// pair. Candidate pairs come from a sort and sweep along x (only parts
// whose x extents meet are compared), and a pair of part ids already found
// is not examined again, so 2,000 instances of one repeated part cost one
// examination per neighbour, not a common region each. The overlaps are
// listed in the order of the scene's parts.
func OverlapsWithin(s *Scene, maxPairs, maxCuts int) (out []Overlap, complete bool) {
	order := make([]int, len(s.Meshes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return s.Meshes[order[i]].Min.X < s.Meshes[order[j]].Min.X })
	type found struct {
		i, j int
		o    Overlap
	}
	var list []found
	seen := map[[2]string]bool{}
	cuts := 0
	complete = true
sweep:
	for k, i := range order {
		a := &s.Meshes[i]
		for _, j := range order[k+1:] {
			b := &s.Meshes[j]
			if b.Min.X >= a.Max.X-minOverlap {
				break // this part and every later one start right of a
			}
			if b.Max.X-minOverlap <= a.Min.X ||
				a.Max.Y-minOverlap <= b.Min.Y || b.Max.Y-minOverlap <= a.Min.Y ||
				a.Max.Z-minOverlap <= b.Min.Z || b.Max.Z-minOverlap <= a.Min.Z {
				continue
			}
			key := [2]string{a.Part, b.Part}
			if key[1] < key[0] {
				key[0], key[1] = key[1], key[0]
			}
			if seen[key] {
				continue
			}
			if separated(a, b) || separated(b, a) {
				continue // a face plane parts them: no clipping needed
			}
			if maxCuts > 0 && cuts == maxCuts {
				complete = false
				break sweep
			}
			cuts++
			common := a
			for _, f := range b.Faces {
				common = cut(common, f.Normal, f.Normal.Dot(f.Points[0]), true)
				if common == nil {
					break
				}
			}
			if common == nil {
				continue
			}
			d := common.Max.Sub(common.Min)
			depth := math.Min(d.X, math.Min(d.Y, d.Z))
			if depth < minOverlap {
				continue
			}
			seen[key] = true
			list = append(list, found{min(i, j), max(i, j), Overlap{A: key[0], B: key[1], Depth: depth}})
			if maxPairs > 0 && len(list) == maxPairs {
				complete = false
				break sweep
			}
		}
	}
	sort.Slice(list, func(x, y int) bool {
		if list[x].i != list[y].i {
			return list[x].i < list[y].i
		}
		return list[x].j < list[y].j
	})
	for _, f := range list {
		out = append(out, f.o)
	}
	return out, complete
}

// separated reports whether a plane of one of a's faces has all of b on
// its outer side, by at least minOverlap less a hair: the parts (convex)
// then cannot interpenetrate. A cheap test, without allocations, that
// settles most pairs whose bounding boxes meet (thin parts side by side
// at an angle) before the clipping.
func separated(a, b *Mesh) bool {
	verts := b.Verts
	if len(verts) == 0 {
		return false
	}
faces:
	for _, f := range a.Faces {
		if len(f.Points) == 0 {
			continue
		}
		off := f.Normal.Dot(f.Points[0])
		for _, v := range verts {
			if f.Normal.Dot(v)-off < -minOverlap/2 {
				continue faces
			}
		}
		return true
	}
	return false
}
