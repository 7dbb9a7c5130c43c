package render

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// overlapsAllPairs is the overlap check without the sweep, the separation
// test or the bounds: every pair of parts clipped, the first pair of each
// pair of ids in scene order kept.
func overlapsAllPairs(s *Scene) map[[2]string]bool {
	out := map[[2]string]bool{}
	for i := range s.Meshes {
		for j := i + 1; j < len(s.Meshes); j++ {
			a, b := &s.Meshes[i], &s.Meshes[j]
			common := a
			for _, f := range b.Faces {
				if common = cut(common, f.Normal, f.Normal.Dot(f.Points[0]), true); common == nil {
					break
				}
			}
			if common == nil {
				continue
			}
			d := common.Max.Sub(common.Min)
			if math.Min(d.X, math.Min(d.Y, d.Z)) < minOverlap {
				continue
			}
			key := [2]string{a.Part, b.Part}
			if key[1] < key[0] {
				key[0], key[1] = key[1], key[0]
			}
			out[key] = true
		}
	}
	return out
}

// The sweep and the separation test find exactly the pairs that clipping
// every pair finds, on random scenes of rotated boxes and cylinders, some
// touching, some sunk, some parts repeated.
func TestOverlapsWithinAgreesWithAllPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	for n := 0; n < 40; n++ {
		s := randomScene(t, r, 5+r.IntN(30))
		want := overlapsAllPairs(s)
		got, complete := OverlapsWithin(s, 0, 0)
		if !complete {
			t.Fatalf("scene %d: got an incomplete check without bounds", n)
		}
		gotSet := map[[2]string]bool{}
		for _, o := range got {
			if gotSet[[2]string{o.A, o.B}] {
				t.Errorf("scene %d: pair %s/%s reported twice", n, o.A, o.B)
			}
			gotSet[[2]string{o.A, o.B}] = true
		}
		if fmt.Sprint(gotSet) != fmt.Sprint(want) {
			t.Errorf("scene %d: got %v, want %v", n, gotSet, want)
		}
	}
}

func TestOverlapsWithinBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	s := randomScene(t, r, 40)
	all, _ := OverlapsWithin(s, 0, 0)
	if len(all) < 3 {
		t.Fatalf("the random scene has %d overlaps; want a few to bound", len(all))
	}
	got, complete := OverlapsWithin(s, 2, 0)
	if len(got) != 2 || complete {
		t.Errorf("at most 2 pairs: got %d (complete %v), want 2 and incomplete", len(got), complete)
	}
	if _, complete := OverlapsWithin(s, 0, 1); complete {
		t.Errorf("at most 1 clipping: got a complete check, want it stopped")
	}
}

// randomScene places n boxes and cylinders on a coarse grid (so that some
// touch exactly and some sink in), a quarter of them rotated, a few sharing
// a part id as repeats do.
func randomScene(t *testing.T, r *rand.Rand, n int) *Scene {
	t.Helper()
	var ms []Mesh
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("p%d", i)
		if i > 0 && r.IntN(5) == 0 {
			id = ms[r.IntN(len(ms))].Part // a repeat
		}
		c := Vec{float64(10 * r.IntN(12)), float64(10 * r.IntN(6)), float64(10 * r.IntN(6))}
		size := Vec{float64(10 * (1 + r.IntN(5))), float64(10 * (1 + r.IntN(3))), float64(10 * (1 + r.IntN(3)))}
		var m Mesh
		switch {
		case r.IntN(4) == 0:
			m = *newMesh(id, box(size), c, Vec{0, float64(15 * r.IntN(6)), float64(15 * r.IntN(6))}, size)
		case r.IntN(3) == 0:
			m = cylinderPart(id, c, float64(5*(1+r.IntN(3))), size.Y, 12, steel)
		default:
			m = boxPart(id, c, size, oak)
		}
		ms = append(ms, m)
	}
	return sceneOf(ms...)
}
