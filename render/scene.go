// Package render draws a configured product: it evaluates the catalog's
// parametric geometry into meshes (Build) and projects, shades and draws
// them with gg (Draw). It is pure: product and configuration in, image out.
package render

import (
	"fmt"
	"math"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/expr"
)

// Vec is a point or direction in millimetres.
type Vec struct{ X, Y, Z float64 }

func (a Vec) Add(b Vec) Vec     { return Vec{a.X + b.X, a.Y + b.Y, a.Z + b.Z} }
func (a Vec) Sub(b Vec) Vec     { return Vec{a.X - b.X, a.Y - b.Y, a.Z - b.Z} }
func (a Vec) Mul(k float64) Vec { return Vec{a.X * k, a.Y * k, a.Z * k} }
func (a Vec) Dot(b Vec) float64 { return a.X*b.X + a.Y*b.Y + a.Z*b.Z }
func (a Vec) Cross(b Vec) Vec   { return Vec{a.Y*b.Z - a.Z*b.Y, a.Z*b.X - a.X*b.Z, a.X*b.Y - a.Y*b.X} }
func (a Vec) Len() float64      { return math.Sqrt(a.Dot(a)) }
func (a Vec) Normalize() Vec {
	l := a.Len()
	if l == 0 {
		return a
	}
	return a.Mul(1 / l)
}

// Face is a planar convex polygon with an outward normal. Normals, when
// set, are the normals of the curved surface the face approximates, one
// per point (a rounded edge, a cylinder's side): lighting is interpolated
// between them, so the facets do not show.
type Face struct {
	Points  []Vec
	Normal  Vec
	Normals []Vec
	// Hidden: a face inside the part (where it was cut to draw it in
	// pieces); never drawn, and its edges are not outlined.
	Hidden bool
}

// Mesh is one instance of a part: its faces and material. Every mesh is
// convex (the catalog's shapes are).
type Mesh struct {
	Part     string
	Faces    []Face
	Material *catalog.Material
	Min, Max Vec // bounding box
	// Verts are the distinct corners of the faces.
	Verts []Vec
	// Edges join two faces (F2 is -1 for an edge with one face).
	Edges []Edge
	// Center, Axes and Extent are the part's own frame: its centre, its
	// rotated x, y and z axes, and its size along them (surface patterns
	// follow it: wood grain runs along the longest axis).
	Center Vec
	Axes   [3]Vec
	Extent Vec
}

// Edge is an edge shared by faces F1 and F2 of a mesh.
type Edge struct {
	A, B   Vec
	F1, F2 int
}

// Scene is a product's geometry for one configuration.
type Scene struct {
	Meshes   []Mesh
	Min, Max Vec
}

// maxInstances bounds repeats, so that a catalog cannot ask for millions of parts.
const maxInstances = catalog.MaxParts

// Build evaluates the product's parts for a configuration.
func Build(cat *catalog.Catalog, cfg *catalog.Config) (*Scene, error) {
	s := &Scene{Min: Vec{math.Inf(1), math.Inf(1), math.Inf(1)}, Max: Vec{math.Inf(-1), math.Inf(-1), math.Inf(-1)}}
	base := cfg.Env()
	total := 0
	for _, part := range cfg.Product.Parts {
		count := 1
		if part.Repeat != nil {
			n, err := expr.EvalNumber(part.Repeat.Count.Root, base)
			if err != nil {
				return nil, fmt.Errorf("part %q: repeat count: %w", part.ID, err)
			}
			count = int(n.IntPart())
		}
		for i := 0; i < count; i++ {
			total++
			if total > maxInstances {
				return nil, fmt.Errorf("the product has more than %d parts", maxInstances)
			}
			env, visible, err := catalog.InstanceEnv(part, base, i)
			if err != nil {
				return nil, err
			}
			if !visible {
				continue
			}
			m, err := buildMesh(part, env)
			if err != nil {
				return nil, fmt.Errorf("part %q: %w", part.ID, err)
			}
			if m == nil {
				continue
			}
			m.Material = cfg.MaterialOf(cat, part)
			s.Meshes = append(s.Meshes, *m)
			s.Min = Vec{math.Min(s.Min.X, m.Min.X), math.Min(s.Min.Y, m.Min.Y), math.Min(s.Min.Z, m.Min.Z)}
			s.Max = Vec{math.Max(s.Max.X, m.Max.X), math.Max(s.Max.Y, m.Max.Y), math.Max(s.Max.Z, m.Max.Z)}
		}
	}
	if len(s.Meshes) == 0 {
		s.Min, s.Max = Vec{}, Vec{}
	}
	return s, nil
}

func num(e *catalog.Expr, env expr.Env, def float64) (float64, error) {
	if e == nil {
		return def, nil
	}
	d, err := expr.EvalNumber(e.Root, env)
	if err != nil {
		return 0, err
	}
	f, _ := d.Float64()
	return f, nil
}

func vec3(es [3]*catalog.Expr, env expr.Env) (Vec, error) {
	var v [3]float64
	for i, e := range es {
		f, err := num(e, env, 0)
		if err != nil {
			return Vec{}, err
		}
		v[i] = f
	}
	return Vec{v[0], v[1], v[2]}, nil
}

func buildMesh(part *catalog.Part, env expr.Env) (*Mesh, error) {
	pos, err := vec3(part.Position, env)
	if err != nil {
		return nil, fmt.Errorf("position: %w", err)
	}
	rot, err := vec3(part.Rotation, env)
	if err != nil {
		return nil, fmt.Errorf("rotation: %w", err)
	}
	var faces []Face
	var extent Vec
	switch part.Shape {
	case catalog.Box, catalog.RoundedBox:
		size, err := vec3(part.Size, env)
		if err != nil {
			return nil, fmt.Errorf("size: %w", err)
		}
		if size.X <= 0 || size.Y <= 0 || size.Z <= 0 {
			return nil, nil // nothing to draw
		}
		extent = size
		faces = box(size)
		if part.Shape == catalog.RoundedBox {
			r, err := num(part.Radius, env, 0)
			if err != nil {
				return nil, fmt.Errorf("radius: %w", err)
			}
			if r = math.Min(r, math.Min(size.X, math.Min(size.Y, size.Z))/2); r > 0.01 {
				faces = roundedBox(size, r, roundSegments)
			}
		}
	case catalog.Cylinder, catalog.Extrusion:
		length, err := num(part.Length, env, 0)
		if err != nil {
			return nil, fmt.Errorf("length: %w", err)
		}
		if length <= 0 {
			return nil, nil
		}
		var profile [][2]float64
		if part.Shape == catalog.Cylinder {
			r, err := num(part.Radius, env, 0)
			if err != nil {
				return nil, fmt.Errorf("radius: %w", err)
			}
			if r <= 0 {
				return nil, nil
			}
			for k := 0; k < part.Segments; k++ {
				a := 2 * math.Pi * float64(k) / float64(part.Segments)
				profile = append(profile, [2]float64{r * math.Cos(a), r * math.Sin(a)})
			}
		} else {
			for _, pt := range part.Profile {
				u, err := num(pt[0], env, 0)
				if err != nil {
					return nil, fmt.Errorf("profile: %w", err)
				}
				v, err := num(pt[1], env, 0)
				if err != nil {
					return nil, fmt.Errorf("profile: %w", err)
				}
				profile = append(profile, [2]float64{u, v})
			}
		}
		faces = prism(profile, length, part.Axis)
		if part.Shape == catalog.Cylinder {
			smoothSides(faces, part.Axis)
		}
		minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, q := range profile {
			minU, maxU = math.Min(minU, q[0]), math.Max(maxU, q[0])
			minV, maxV = math.Min(minV, q[1]), math.Max(maxV, q[1])
		}
		switch part.Axis {
		case "x":
			extent = Vec{length, maxV - minV, maxU - minU}
		case "z":
			extent = Vec{maxU - minU, maxV - minV, length}
		default:
			extent = Vec{maxU - minU, length, maxV - minV}
		}
	}
	return newMesh(part.ID, faces, pos, rot, extent), nil
}

// newMesh places faces built around the origin (outward normals fixed
// here) at pos, rotated by rot (degrees about x, y, z).
func newMesh(id string, faces []Face, pos, rot, extent Vec) *Mesh {
	orientOutward(faces)
	m := &Mesh{Part: id,
		Min: Vec{math.Inf(1), math.Inf(1), math.Inf(1)}, Max: Vec{math.Inf(-1), math.Inf(-1), math.Inf(-1)}}
	for _, f := range faces {
		for i, p := range f.Points {
			p = rotate(p, rot).Add(pos)
			f.Points[i] = p
			m.Min = Vec{math.Min(m.Min.X, p.X), math.Min(m.Min.Y, p.Y), math.Min(m.Min.Z, p.Z)}
			m.Max = Vec{math.Max(m.Max.X, p.X), math.Max(m.Max.Y, p.Y), math.Max(m.Max.Z, p.Z)}
		}
		f.Normal = rotate(f.Normal, rot).Normalize()
		for i, n := range f.Normals {
			f.Normals[i] = rotate(n, rot).Normalize()
		}
		m.Faces = append(m.Faces, f)
	}
	m.Center = pos
	m.Axes = [3]Vec{rotate(Vec{1, 0, 0}, rot), rotate(Vec{0, 1, 0}, rot), rotate(Vec{0, 0, 1}, rot)}
	m.Extent = extent
	m.index()
	return m
}

// index finds the mesh's distinct vertices and the faces on each edge.
func (m *Mesh) index() {
	type key [3]int64
	q := func(p Vec) key {
		return key{int64(math.Round(p.X * 1e3)), int64(math.Round(p.Y * 1e3)), int64(math.Round(p.Z * 1e3))}
	}
	seen := map[key]bool{}
	type ekey [2]key
	edges := map[ekey]int{}
	for fi, f := range m.Faces {
		for i, p := range f.Points {
			k := q(p)
			if !seen[k] {
				seen[k] = true
				m.Verts = append(m.Verts, p)
			}
			a, b := p, f.Points[(i+1)%len(f.Points)]
			ka, kb := q(a), q(b)
			if ka == kb {
				continue
			}
			ek := ekey{ka, kb}
			if kb[0] < ka[0] || (kb[0] == ka[0] && (kb[1] < ka[1] || (kb[1] == ka[1] && kb[2] < ka[2]))) {
				ek = ekey{kb, ka}
			}
			if e, ok := edges[ek]; ok && m.Edges[e].F2 < 0 && m.Edges[e].F1 != fi {
				m.Edges[e].F2 = fi
				continue
			}
			edges[ek] = len(m.Edges)
			m.Edges = append(m.Edges, Edge{A: a, B: b, F1: fi, F2: -1})
		}
	}
}

// roundSegments is the number of facets per quarter circle of a rounded
// box's edges (22.5° each).
const roundSegments = 3

// roundedBox returns the faces of a box of the given size, centred on the
// origin, whose edges and corners are rounded with radius r: the Minkowski
// sum of the inner box and a sphere of k facets per quarter circle.
func roundedBox(size Vec, r float64, k int) []Face {
	h := Vec{size.X/2 - r, size.Y/2 - r, size.Z/2 - r}
	// Rows from the bottom pole to the top pole; the equator is doubled so
	// that the flat sides appear between the two copies. Columns likewise
	// around, each quadrant with its own copy of its boundary longitudes.
	type row struct{ lat, sy float64 }
	var rows []row
	for i := 0; i <= k; i++ {
		rows = append(rows, row{-math.Pi/2 + math.Pi/2*float64(i)/float64(k), -1})
	}
	for i := 0; i <= k; i++ {
		rows = append(rows, row{math.Pi / 2 * float64(i) / float64(k), 1})
	}
	type col struct{ lon, sx, sz float64 }
	var cols []col
	signs := [4][2]float64{{1, 1}, {-1, 1}, {-1, -1}, {1, -1}}
	for q := 0; q < 4; q++ {
		for j := 0; j <= k; j++ {
			cols = append(cols, col{float64(q)*math.Pi/2 + math.Pi/2*float64(j)/float64(k), signs[q][0], signs[q][1]})
		}
	}
	// vert is a corner of the surface and the sphere's direction there
	// (the surface normal).
	type vn struct{ p, n Vec }
	vert := func(ri, ci int) vn {
		rw, c := rows[ri], cols[ci%len(cols)]
		cl := math.Cos(rw.lat)
		n := Vec{cl * math.Cos(c.lon), math.Sin(rw.lat), cl * math.Sin(c.lon)}
		return vn{Vec{c.sx*h.X + r*n.X, rw.sy*h.Y + r*n.Y, c.sz*h.Z + r*n.Z}, n}
	}
	near := func(a, b Vec) bool { return a.Sub(b).Len() < 1e-6*(1+r) }
	var faces []Face
	add := func(pts []vn) {
		var out, normals []Vec
		for _, q := range pts {
			if len(out) == 0 || !near(out[len(out)-1], q.p) {
				out = append(out, q.p)
				normals = append(normals, q.n)
			}
		}
		for len(out) > 1 && near(out[0], out[len(out)-1]) {
			out, normals = out[:len(out)-1], normals[:len(normals)-1]
		}
		if len(out) < 3 {
			return
		}
		var area Vec // Newell: twice the area
		for i := range out {
			area = area.Add(out[i].Cross(out[(i+1)%len(out)]))
		}
		if area.Len() < 1e-6*r*r {
			return // a sliver from the doubled rows and columns
		}
		f := withNormal(out)
		f.Normals = normals
		faces = append(faces, f)
	}
	for ri := 0; ri+1 < len(rows); ri++ {
		for ci := range cols {
			add([]vn{vert(ri, ci), vert(ri, ci+1), vert(ri+1, ci+1), vert(ri+1, ci)})
		}
	}
	// The flat bottom and top: the poles' corners.
	for _, ri := range []int{0, len(rows) - 1} {
		var pts []vn
		for ci := range cols {
			pts = append(pts, vert(ri, ci))
		}
		add(pts)
	}
	return faces
}

// rotate applies rotations about x, y and z (degrees), in that order.
func rotate(p Vec, deg Vec) Vec {
	if deg == (Vec{}) {
		return p
	}
	ax, ay, az := deg.X*math.Pi/180, deg.Y*math.Pi/180, deg.Z*math.Pi/180
	p = Vec{p.X, p.Y*math.Cos(ax) - p.Z*math.Sin(ax), p.Y*math.Sin(ax) + p.Z*math.Cos(ax)}
	p = Vec{p.X*math.Cos(ay) + p.Z*math.Sin(ay), p.Y, -p.X*math.Sin(ay) + p.Z*math.Cos(ay)}
	p = Vec{p.X*math.Cos(az) - p.Y*math.Sin(az), p.X*math.Sin(az) + p.Y*math.Cos(az), p.Z}
	return p
}

// box returns the 6 faces of a box of the given size centred on the origin,
// each wound counter-clockwise seen from outside.
func box(s Vec) []Face {
	x, y, z := s.X/2, s.Y/2, s.Z/2
	v := func(a, b, c float64) Vec { return Vec{a, b, c} }
	return []Face{
		{Points: []Vec{v(-x, -y, z), v(x, -y, z), v(x, y, z), v(-x, y, z)}, Normal: Vec{0, 0, 1}},
		{Points: []Vec{v(x, -y, -z), v(-x, -y, -z), v(-x, y, -z), v(x, y, -z)}, Normal: Vec{0, 0, -1}},
		{Points: []Vec{v(x, -y, z), v(x, -y, -z), v(x, y, -z), v(x, y, z)}, Normal: Vec{1, 0, 0}},
		{Points: []Vec{v(-x, -y, -z), v(-x, -y, z), v(-x, y, z), v(-x, y, -z)}, Normal: Vec{-1, 0, 0}},
		{Points: []Vec{v(-x, y, z), v(x, y, z), v(x, y, -z), v(-x, y, -z)}, Normal: Vec{0, 1, 0}},
		{Points: []Vec{v(-x, -y, -z), v(x, -y, -z), v(x, -y, z), v(-x, -y, z)}, Normal: Vec{0, -1, 0}},
	}
}

// prism extrudes a 2D profile along an axis, centred on the origin.
func prism(profile [][2]float64, length float64, axis string) []Face {
	h := length / 2
	// Map profile (u, v) and extrusion coordinate w to x, y, z.
	to := func(u, v, w float64) Vec {
		switch axis {
		case "x":
			return Vec{w, v, u}
		case "z":
			return Vec{u, v, w}
		default: // y
			return Vec{u, w, v}
		}
	}
	// Orientation of the profile decides the winding.
	area := 0.0
	for i := range profile {
		j := (i + 1) % len(profile)
		area += profile[i][0]*profile[j][1] - profile[j][0]*profile[i][1]
	}
	if area < 0 {
		rev := make([][2]float64, len(profile))
		for i := range profile {
			rev[i] = profile[len(profile)-1-i]
		}
		profile = rev
	}
	var faces []Face
	var top, bottom []Vec
	for i := range profile {
		top = append(top, to(profile[i][0], profile[i][1], h))
		bottom = append(bottom, to(profile[len(profile)-1-i][0], profile[len(profile)-1-i][1], -h))
	}
	faces = append(faces, withNormal(top), withNormal(bottom))
	for i := range profile {
		j := (i + 1) % len(profile)
		a, b := profile[i], profile[j]
		faces = append(faces, withNormal([]Vec{to(a[0], a[1], -h), to(b[0], b[1], -h), to(b[0], b[1], h), to(a[0], a[1], h)}))
	}
	return faces
}

// smoothSides gives a cylinder's side faces (those parallel to its axis)
// per-point radial normals, so the facets shade as one round surface.
func smoothSides(faces []Face, axis string) {
	along := Vec{0, 1, 0}
	switch axis {
	case "x":
		along = Vec{1, 0, 0}
	case "z":
		along = Vec{0, 0, 1}
	}
	for i := range faces {
		f := &faces[i]
		if math.Abs(f.Normal.Dot(along)) > 1e-9 {
			continue // a cap
		}
		f.Normals = make([]Vec, len(f.Points))
		for k, p := range f.Points {
			f.Normals[k] = p.Sub(along.Mul(p.Dot(along))).Normalize()
		}
	}
}

func withNormal(pts []Vec) Face {
	// Newell's method: robust for any planar polygon.
	var n Vec
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		n.X += (a.Y - b.Y) * (a.Z + b.Z)
		n.Y += (a.Z - b.Z) * (a.X + b.X)
		n.Z += (a.X - b.X) * (a.Y + b.Y)
	}
	return Face{Points: pts, Normal: n.Normalize()}
}

// orientOutward makes every face's normal point away from the shape's centre
// (correct for the convex shapes the catalog describes).
func orientOutward(faces []Face) {
	var c Vec
	n := 0
	for _, f := range faces {
		for _, p := range f.Points {
			c = c.Add(p)
			n++
		}
	}
	if n == 0 {
		return
	}
	c = c.Mul(1 / float64(n))
	for i := range faces {
		f := &faces[i]
		var fc Vec
		for _, p := range f.Points {
			fc = fc.Add(p)
		}
		fc = fc.Mul(1 / float64(len(f.Points)))
		if f.Normal.Dot(fc.Sub(c)) < 0 {
			f.Normal = f.Normal.Mul(-1)
		}
	}
}
