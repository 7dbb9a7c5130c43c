package main

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage/safefile"
)

// RenderCmd writes a PNG preview of a configured product.
type RenderCmd struct {
	Catalog     string   `help:"Catalog file, folder or .zip (default: the embedded demo)." type:"path"`
	Product     string   `required:"" help:"Product id."`
	Set         []string `sep:"none" help:"A decision FEATURE=VALUE (repeatable; multi features take a comma-separated list)." placeholder:"FEATURE=VALUE"`
	View        string   `enum:"iso,front,side,top" default:"iso" help:"Standard view: iso, front, side or top."`
	Azimuth     *float64 `help:"Camera azimuth in degrees (overrides the view's)."`
	Elevation   *float64 `help:"Camera elevation in degrees (overrides the view's)."`
	Size        string   `default:"1280x800" help:"Image size in logical pixels, WxH."`
	Scale       float64  `default:"1" help:"Device scale (2 for HiDPI): the PNG is Size × Scale pixels."`
	Zoom        float64  `default:"1" help:"Zoom factor (1 = the product fills the frame)."`
	Perspective bool     `help:"Perspective camera instead of orthographic."`
	Dimensions  bool     `help:"Draw the overall width, height and depth."`
	Out         string   `required:"" help:"Output PNG file." type:"path"`
}

// Run renders and writes the PNG atomically.
func (c *RenderCmd) Run(env *Env) error {
	w, h, err := parseSize(c.Size)
	if err != nil {
		return err
	}
	if c.Scale <= 0 || c.Scale > 8 {
		return usagef("--scale must be more than 0 and at most 8, not %g", c.Scale)
	}
	cat, err := loadCatalog(c.Catalog)
	if err != nil {
		return err
	}
	cfg, err := configure(cat, c.Product, c.Set)
	if err != nil {
		return err
	}
	if c.Zoom <= 0 || c.Zoom > 100 {
		return usagef("--zoom must be more than 0 and at most 100, not %g", c.Zoom)
	}
	view := render.StandardViews[c.View]
	view.Zoom, view.Perspective, view.Dimensions, view.Scale, view.Unit = c.Zoom, c.Perspective, c.Dimensions, c.Scale, cat.Units
	if c.Azimuth != nil {
		view.Azimuth = *c.Azimuth
	}
	if c.Elevation != nil {
		view.Elevation = *c.Elevation
	}
	view.Width, view.Height = int(float64(w)*c.Scale+0.5), int(float64(h)*c.Scale+0.5)
	scene, err := render.Build(cat, cfg)
	if err != nil {
		return fmt.Errorf("build %s: %w", c.Product, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, render.Draw(scene, view)); err != nil {
		return err
	}
	return safefile.Write(c.Out, buf.Bytes(), 0o644)
}

func parseSize(s string) (int, int, error) {
	var w, h int
	if n, err := fmt.Sscanf(strings.ToLower(s), "%dx%d", &w, &h); err != nil || n != 2 || fmt.Sprintf("%dx%d", w, h) != strings.ToLower(s) {
		return 0, 0, usagef("--size must be WxH, like 1280x800, not %q", s)
	}
	if w < 16 || h < 16 || w > 8000 || h > 8000 {
		return 0, 0, usagef("--size must be between 16x16 and 8000x8000, not %s", s)
	}
	return w, h, nil
}

// configure resolves a product's configuration from --set decisions.
func configure(cat *catalog.Catalog, productID string, sets []string) (*catalog.Config, error) {
	p := cat.Product(productID)
	if p == nil {
		var ids []string
		for _, q := range cat.Products {
			ids = append(ids, q.ID)
		}
		return nil, usagef("unknown product %q (products: %s)", productID, strings.Join(ids, ", "))
	}
	decisions := map[string]catalog.Value{}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return nil, usagef("--set %q: write FEATURE=VALUE", s)
		}
		f := p.Feature(strings.TrimSpace(k))
		if f == nil {
			var ids []string
			for _, g := range p.Features {
				ids = append(ids, g.ID)
			}
			return nil, usagef("--set %q: %q has no feature %q (features: %s)", s, p.ID, k, strings.Join(ids, ", "))
		}
		val, err := f.ParseValue(v)
		if err != nil {
			return nil, usagef("--set %q: %v", s, err)
		}
		decisions[f.ID] = val
	}
	return p.Resolve(decisions), nil
}
