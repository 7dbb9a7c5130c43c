package assets

import (
	"image"
	"image/color"

	"github.com/fogleman/gg"
)

// DrawIcon draws the Atelier icon at size×size pixels: a block of oak, seen
// from above at an angle, on an ink-blue tile, with a drafting line that runs
// along its edge — a product taking shape.
func DrawIcon(size int) image.Image {
	s := float64(size)
	dc := gg.NewContext(size, size)
	// Tile with a gentle vertical gradient.
	g := gg.NewLinearGradient(0, 0, 0, s)
	g.AddColorStop(0, color.NRGBA{0x2f, 0x44, 0x63, 0xff})
	g.AddColorStop(1, color.NRGBA{0x1b, 0x27, 0x3b, 0xff})
	dc.DrawRoundedRectangle(s*0.04, s*0.04, s*0.92, s*0.92, s*0.2)
	dc.SetFillStyle(g)
	dc.Fill()

	// Faint drafting grid.
	dc.SetColor(color.NRGBA{0xff, 0xff, 0xff, 0x10})
	dc.SetLineWidth(s / 256)
	for i := 1; i < 8; i++ {
		x := s*0.04 + s*0.92*float64(i)/8
		dc.DrawLine(x, s*0.1, x, s*0.9)
		dc.DrawLine(s*0.1, x, s*0.9, x)
	}
	dc.Stroke()

	// An isometric block: top, left and right faces.
	cx, cy, r := s*0.5, s*0.42, s*0.28
	h := s * 0.23
	top := [][2]float64{{cx, cy - r*0.58}, {cx + r, cy}, {cx, cy + r*0.58}, {cx - r, cy}}
	poly := func(pts [][2]float64, c color.Color) {
		for i, p := range pts {
			if i == 0 {
				dc.MoveTo(p[0], p[1])
			} else {
				dc.LineTo(p[0], p[1])
			}
		}
		dc.ClosePath()
		dc.SetColor(c)
		dc.Fill()
	}
	poly([][2]float64{top[3], top[2], {top[2][0], top[2][1] + h}, {top[3][0], top[3][1] + h}}, color.NRGBA{0xb0, 0x83, 0x55, 0xff})
	poly([][2]float64{top[2], top[1], {top[1][0], top[1][1] + h}, {top[2][0], top[2][1] + h}}, color.NRGBA{0x8a, 0x62, 0x3c, 0xff})
	poly(top, color.NRGBA{0xe2, 0xbd, 0x8b, 0xff})
	dc.Push()
	for i, p := range top {
		if i == 0 {
			dc.MoveTo(p[0], p[1])
		} else {
			dc.LineTo(p[0], p[1])
		}
	}
	dc.ClosePath()
	dc.Clip()
	// Grain on the top face, following its long diagonal.
	dc.SetColor(color.NRGBA{0xa8, 0x7a, 0x4c, 0x90})
	dc.SetLineWidth(s / 170)
	for i := -2; i <= 2; i++ {
		t := float64(i) * 0.14
		x0, y0 := cx-r*0.62+t*r, cy+t*r*0.58*0.6
		dc.MoveTo(x0, y0)
		dc.QuadraticTo(cx+t*r*0.4, y0-r*0.12, cx+r*0.62+t*r*0.2, cy-r*0.08+t*r*0.3)
		dc.Stroke()
	}
	dc.Pop()
	dc.ResetClip()
	// Drafting line with ticks, parallel to the right edge.
	dc.SetColor(color.NRGBA{0xf3, 0xc9, 0x6b, 0xff})
	dc.SetLineWidth(s / 90)
	off := s * 0.055
	ax, ay := top[2][0]+off*0.5, top[2][1]+h+off*0.87
	bx, by := top[1][0]+off*0.5, top[1][1]+h+off*0.87
	dc.DrawLine(ax, ay, bx, by)
	dc.Stroke()
	for _, p := range [][2]float64{{ax, ay}, {bx, by}} {
		dc.DrawLine(p[0]-s*0.014, p[1]+s*0.024, p[0]+s*0.014, p[1]-s*0.024)
	}
	dc.Stroke()
	return dc.Image()
}
