package render

import (
	"fmt"
	"math"

	"github.com/atelier-app/atelier/catalog"
)

// Test scenes built without a catalog, through the same mesh code.

func material(id string, finish catalog.Finish, pattern catalog.Pattern, hex uint32) *catalog.Material {
	return &catalog.Material{ID: id, Finish: finish, Pattern: pattern,
		Color: catalog.Color{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex)}}
}

var (
	oak      = material("oak", catalog.Satin, catalog.Wood, 0xc49a6c)
	white    = material("white", catalog.Satin, catalog.NoPattern, 0xecece7)
	ink      = material("ink", catalog.Gloss, catalog.NoPattern, 0x27364d)
	steel    = material("steel", catalog.Metal, catalog.Brushed, 0xb9bcc0)
	glass    = material("glass", catalog.Glass, catalog.NoPattern, 0xcfe3e6)
	wool     = material("wool", catalog.Matte, catalog.Fabric, 0x8e8b86)
	marble   = material("stone", catalog.Matte, catalog.Stone, 0xd8d4cc)
	allMats  = []*catalog.Material{oak, white, ink, steel, glass, wool, marble}
	sceneMin = Vec{math.Inf(1), math.Inf(1), math.Inf(1)}
)

func boxPart(id string, center, size Vec, m *catalog.Material) Mesh {
	mesh := newMesh(id, box(size), center, Vec{}, size)
	mesh.Material = m
	return *mesh
}

func roundedPart(id string, center, size Vec, r float64, m *catalog.Material) Mesh {
	mesh := newMesh(id, roundedBox(size, r, roundSegments), center, Vec{}, size)
	mesh.Material = m
	return *mesh
}

func cylinderPart(id string, center Vec, radius, length float64, segments int, m *catalog.Material) Mesh {
	var profile [][2]float64
	for k := 0; k < segments; k++ {
		a := 2 * math.Pi * float64(k) / float64(segments)
		profile = append(profile, [2]float64{radius * math.Cos(a), radius * math.Sin(a)})
	}
	mesh := newMesh(id, prism(profile, length, "y"), center, Vec{}, Vec{2 * radius, length, 2 * radius})
	mesh.Material = m
	return *mesh
}

func sceneOf(ms ...Mesh) *Scene {
	s := &Scene{Meshes: ms, Min: sceneMin, Max: sceneMin.Mul(-1)}
	for _, m := range ms {
		s.Min = Vec{math.Min(s.Min.X, m.Min.X), math.Min(s.Min.Y, m.Min.Y), math.Min(s.Min.Z, m.Min.Z)}
		s.Max = Vec{math.Max(s.Max.X, m.Max.X), math.Max(s.Max.Y, m.Max.Y), math.Max(s.Max.Z, m.Max.Z)}
	}
	return s
}

// gridScene: nx × ny × nz cubes with gaps, materials cycling.
func gridScene(nx, ny, nz int) *Scene {
	var ms []Mesh
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			for k := 0; k < nz; k++ {
				c := Vec{float64(i) * 130, 50 + float64(j)*130, float64(k) * 130}
				m := allMats[(i+j+k)%len(allMats)]
				ms = append(ms, boxPart(fmt.Sprintf("c%d_%d_%d", i, j, k), c, Vec{100, 100, 100}, m))
			}
		}
	}
	return sceneOf(ms...)
}

// stackedScene: boxes of different sizes resting on each other.
func stackedScene() *Scene {
	return sceneOf(
		boxPart("base", Vec{0, 100, 0}, Vec{800, 200, 500}, oak),
		boxPart("mid", Vec{-100, 300, 50}, Vec{500, 200, 300}, white),
		boxPart("top", Vec{-150, 450, 0}, Vec{200, 100, 200}, ink),
		boxPart("side", Vec{500, 150, 0}, Vec{200, 300, 500}, steel),
	)
}

// frameScene: a panel inside a frame of four bars (a cabinet door), with a
// knob in front.
func frameScene() *Scene {
	return sceneOf(
		boxPart("left", Vec{-280, 400, 0}, Vec{40, 800, 40}, oak),
		boxPart("right", Vec{280, 400, 0}, Vec{40, 800, 40}, oak),
		boxPart("top", Vec{0, 780, 0}, Vec{520, 40, 40}, oak),
		boxPart("bottom", Vec{0, 20, 0}, Vec{520, 40, 40}, oak),
		boxPart("panel", Vec{0, 400, 0}, Vec{520, 720, 16}, glass),
		cylinderPart("knob", Vec{200, 400, 30}, 12, 30, 24, steel),
	)
}

// thinScene: very thin sheets stacked on thin rods, and a block beside.
func thinScene() *Scene {
	var ms []Mesh
	for i := 0; i < 8; i++ {
		ms = append(ms, boxPart(fmt.Sprintf("sheet%d", i), Vec{0, 40 + float64(i)*60, 0}, Vec{900, 2, 400}, white))
	}
	for i := 0; i < 4; i++ {
		x := -456 + float64(i%2)*912
		z := -180 + float64(i/2)*360
		ms = append(ms, cylinderPart(fmt.Sprintf("rod%d", i), Vec{x, 250, z}, 4, 500, 12, steel))
	}
	ms = append(ms, boxPart("block", Vec{700, 250, 0}, Vec{200, 500, 200}, ink))
	return sceneOf(ms...)
}

// finishesScene: one rounded block per material, in a row.
func finishesScene() *Scene {
	var ms []Mesh
	for i, m := range allMats {
		ms = append(ms, roundedPart(m.ID, Vec{float64(i) * 260, 150, 0}, Vec{220, 300, 220}, 30, m))
	}
	ms = append(ms, boxPart("plinth", Vec{float64(len(allMats)-1) * 130, -10, 0}, Vec{float64(len(allMats)) * 260, 20, 320}, white))
	return sceneOf(ms...)
}

// spiralScene: a spiral staircase of treads rotated about the vertical and
// tilted, around a central pole, none touching: order between parts that
// are not aligned with the axes.
func spiralScene() *Scene {
	ms := []Mesh{cylinderPart("pole", Vec{0, 600, 0}, 30, 1200, 24, steel)}
	for i := 0; i < 12; i++ {
		a := float64(i) * 32
		rad := a * math.Pi / 180
		c := Vec{260 * math.Cos(rad), 60 + float64(i)*95, -260 * math.Sin(rad)}
		mesh := newMesh(fmt.Sprintf("tread%d", i), box(Vec{380, 30, 160}), c, Vec{0, a, 4}, Vec{380, 30, 160})
		mesh.Material = allMats[i%len(allMats)]
		ms = append(ms, *mesh)
	}
	return sceneOf(ms...)
}
