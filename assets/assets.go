// Package assets embeds what ships inside the binaries: the demo catalog and
// the application icon.
package assets

import (
	_ "embed"

	"github.com/atelier-app/atelier/catalog"
)

// DemoCatalogJSON is the demo catalog of the fictional Nordholm workshops.
//
//go:embed demo/catalog.json
var DemoCatalogJSON []byte

// DemoCatalogName names the embedded demo catalog in messages.
const DemoCatalogName = "demo/catalog.json"

// Icon is the application icon, 512×512 PNG (drawn by DrawIcon; see icon_test.go).
//
//go:embed icon.png
var Icon []byte

// DemoCatalog parses the embedded demo catalog.
func DemoCatalog() (*catalog.Catalog, error) {
	return catalog.Parse(DemoCatalogName, DemoCatalogJSON, nil)
}
