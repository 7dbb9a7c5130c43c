package catalog

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // catalog images: PNG or JPEG
	_ "image/png"
)

// MaxImagePixels caps a catalog image (width × height): a small file can
// claim a huge picture and exhaust memory when decoded.
const MaxImagePixels = 16 << 20

// maxImageSide caps either side of a catalog image.
const maxImageSide = 8192

// checkImage reads an image's header only (image.DecodeConfig) and refuses
// formats other than PNG and JPEG and pictures over the caps.
func checkImage(data []byte) (image.Config, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return cfg, fmt.Errorf("not a PNG or JPEG image (%v)", err)
	}
	if format != "png" && format != "jpeg" {
		return cfg, fmt.Errorf("a %s image; use PNG or JPEG", format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxImageSide || cfg.Height > maxImageSide || cfg.Width*cfg.Height > MaxImagePixels {
		return cfg, fmt.Errorf("%d×%d pixels; at most %d per side and %d megapixels", cfg.Width, cfg.Height, maxImageSide, MaxImagePixels>>20)
	}
	return cfg, nil
}

// Image decodes one of the catalog's images, after checking its header
// against the caps.
func (c *Catalog) Image(path string) (image.Image, error) {
	data, ok := c.Assets[path]
	if !ok {
		return nil, fmt.Errorf("the catalog has no image %q", path)
	}
	if _, err := checkImage(data); err != nil {
		return nil, fmt.Errorf("image %q: %w", path, err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", path, err)
	}
	return img, nil
}
