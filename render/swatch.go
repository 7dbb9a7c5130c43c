package render

import (
	"image"

	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"

	"github.com/atelier-app/atelier/catalog"
)

// swatchTile is the sample a swatch shows: a small tile with rounded
// edges, in mm, turned a little towards the key light so that its face
// carries the finish's highlight and its edges the shading of the preview.
var swatchTile = Vec{80, 80, 12}

// Swatch draws a material sample, size×size pixels, on a transparent
// background: a tile lit and patterned by the same shader as the preview
// (colour, finish and pattern), so that a swatch looks like the part it
// stands for. A nil material is the preview's neutral grey.
func Swatch(m *catalog.Material, size int) *image.RGBA {
	size = max(size, 1)
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	mesh := newMesh("swatch", roundedBox(swatchTile, 5, roundSegments), Vec{}, Vec{X: -16, Y: 12}, swatchTile)
	mesh.Material = m
	s := &Scene{Meshes: []Mesh{*mesh}, Min: mesh.Min, Max: mesh.Max}
	v := View{Width: size, Height: size, Zoom: 1}
	cam := newCamera(v, s)
	cam.fit(s, v, size, size, 0.02)
	li := newLights(cam, s)
	rast := raster.NewRasterizer(size, size)
	fs := faceShader{img: img}
	var proj [][2]float64
	for fi := range s.Meshes[0].Faces {
		me := &s.Meshes[0]
		f := &me.Faces[fi]
		if !cam.facing(f) {
			continue
		}
		proj = proj[:0]
		for _, p := range f.Points {
			x, y := cam.project(p)
			proj = append(proj, [2]float64{x, y})
		}
		fs.setup(me, f, cam, &li, false, proj)
		rast.Clear()
		rast.UseNonZeroWinding = true
		at := func(p [2]float64) fixed.Point26_6 {
			return fixed.Point26_6{X: fixed.Int26_6(p[0] * 64), Y: fixed.Int26_6(p[1] * 64)}
		}
		rast.Start(at(proj[0]))
		for _, p := range proj[1:] {
			rast.Add1(at(p))
		}
		rast.Add1(at(proj[0]))
		rast.Rasterize(&fs)
	}
	return img
}
