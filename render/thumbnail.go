package render

import (
	"bytes"
	"fmt"
	"image/png"

	"github.com/atelier-app/atelier/catalog"
)

// ThumbWidth and ThumbHeight are the size of a saved design's picture, in
// pixels.
const ThumbWidth, ThumbHeight = 320, 200

// Thumbnail draws a configuration in the iso view at the thumbnail size,
// as a PNG: the picture the design library keeps with every revision.
func Thumbnail(cat *catalog.Catalog, cfg *catalog.Config) ([]byte, error) {
	scene, err := Build(cat, cfg)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", cfg.Product.ID, err)
	}
	v := ViewIso
	v.Width, v.Height, v.Unit = ThumbWidth, ThumbHeight, cat.Units
	var buf bytes.Buffer
	if err := png.Encode(&buf, Draw(scene, v)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
