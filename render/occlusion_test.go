package render

import (
	"fmt"
	"math"
	"testing"

	"github.com/atelier-app/atelier/assets"
)

// TestNoFaceOverNearerOne orbits scenes through 360° in small steps, from
// above and below, orthographic and perspective, and checks the painter's
// order pixel by pixel against a reference depth: at every pixel centre,
// the face the painter's order leaves on top (the last drawn face whose
// outline contains the point) must be the nearest face along the pixel's
// ray (found by intersecting the ray with every face). A face drawn over a
// nearer one fails the test with the angle, the pixel and both parts.
func TestNoFaceOverNearerOne(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name  string
		scene *Scene
		step  float64 // degrees
	}
	cases := []tc{
		{"stacked", stackedScene(), 2},
		{"frame", frameScene(), 2},
		{"thin", thinScene(), 3},
		{"grid-27", gridScene(3, 3, 3), 4},
		{"finishes", finishesScene(), 6},
		{"spiral", spiralScene(), 3},
	}
	for _, p := range cat.Products {
		s, err := Build(cat, p.Resolve(nil))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{p.ID, s, 10})
	}
	for _, c := range cases {
		if raceEnabled {
			c.step *= 3 // the same orbits, coarser: the race detector makes every pixel ten times dearer
		}
		t.Run(c.name, func(t *testing.T) {
			bad := 0
			for _, persp := range []bool{false, true} {
				for _, elev := range []float64{28, -12, 65} {
					for az := 0.0; az < 360; az += c.step {
						v := View{Width: 96, Height: 64, Azimuth: az, Elevation: elev, Zoom: 1, Perspective: persp}
						if msg := checkOcclusion(c.scene, v); msg != "" {
							bad++
							if bad <= 5 {
								t.Errorf("azimuth %.0f°, elevation %.0f°, perspective %v: %s", az, elev, persp, msg)
							}
						}
					}
				}
			}
			if bad > 5 {
				t.Errorf("%d views wrong in all", bad)
			}
		})
	}
}

// checkOcclusion returns "" when the painter's order is right at every
// pixel centre of the view, else what went wrong first.
func checkOcclusion(s *Scene, v View) string {
	cam := newCamera(v, s)
	cam.fit(s, v, v.Width, v.Height, 0.1)
	meshes, order := cam.paintOrder(s.Meshes)
	s = &Scene{Meshes: meshes, Min: s.Min, Max: s.Max}
	type face struct {
		mesh, face int
		pts        [][2]float64
		x0, y0     float64
		x1, y1     float64
	}
	var faces []face // in drawing order
	for _, mi := range order {
		m := &s.Meshes[mi]
		for fi := range m.Faces {
			if m.Faces[fi].Hidden || !cam.facing(&m.Faces[fi]) {
				continue
			}
			f := face{mesh: mi, face: fi, x0: math.Inf(1), y0: math.Inf(1), x1: math.Inf(-1), y1: math.Inf(-1)}
			for _, p := range m.Faces[fi].Points {
				x, y := cam.project(p)
				f.pts = append(f.pts, [2]float64{x, y})
				f.x0, f.x1 = math.Min(f.x0, x), math.Max(f.x1, x)
				f.y0, f.y1 = math.Min(f.y0, y), math.Max(f.y1, y)
			}
			faces = append(faces, f)
		}
	}
	depth := func(f *face, o, dir Vec) float64 {
		pf := &s.Meshes[f.mesh].Faces[f.face]
		return pf.Normal.Dot(pf.Points[0].Sub(o)) / pf.Normal.Dot(dir) * dir.Len()
	}
	size := s.Max.Sub(s.Min).Len()
	for py := 0; py < v.Height; py++ {
		for px := 0; px < v.Width; px++ {
			x, y := float64(px)+0.5, float64(py)+0.5
			top, nearest := -1, -1
			best := math.Inf(1)
			o, dir := cam.ray(x, y)
			for i := range faces {
				f := &faces[i]
				if x < f.x0 || x > f.x1 || y < f.y0 || y > f.y1 || !inside(f.pts, x, y) {
					continue
				}
				top = i
				if d := depth(f, o, dir); d < best {
					best, nearest = d, i
				}
			}
			if top < 0 || top == nearest {
				continue
			}
			if d := depth(&faces[top], o, dir); d > best+1e-7*size {
				return fmt.Sprintf("pixel (%d,%d): %s drawn over the nearer %s (%.3f mm farther)",
					px, py, s.Meshes[faces[top].mesh].Part, s.Meshes[faces[nearest].mesh].Part, d-best)
			}
		}
	}
	return ""
}

// inside reports whether a point lies strictly inside a convex polygon (of
// either winding), away from its edges by a hair.
func inside(pts [][2]float64, x, y float64) bool {
	sign := 0
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		c := (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0])
		l := math.Hypot(b[0]-a[0], b[1]-a[1])
		if math.Abs(c) <= 1e-6*l {
			return false // on the edge: either face may show
		}
		s := 1
		if c < 0 {
			s = -1
		}
		if sign == 0 {
			sign = s
		} else if s != sign {
			return false
		}
	}
	return true
}
