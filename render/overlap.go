package render

import "math"

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
	var out []Overlap
	seen := map[[2]string]bool{}
	for i := range s.Meshes {
		a := &s.Meshes[i]
		for j := i + 1; j < len(s.Meshes); j++ {
			b := &s.Meshes[j]
			if a.Max.X-minOverlap <= b.Min.X || b.Max.X-minOverlap <= a.Min.X ||
				a.Max.Y-minOverlap <= b.Min.Y || b.Max.Y-minOverlap <= a.Min.Y ||
				a.Max.Z-minOverlap <= b.Min.Z || b.Max.Z-minOverlap <= a.Min.Z {
				continue
			}
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
			key := [2]string{a.Part, b.Part}
			if key[1] < key[0] {
				key[0], key[1] = key[1], key[0]
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Overlap{A: key[0], B: key[1], Depth: depth})
		}
	}
	return out
}
