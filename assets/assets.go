// Package assets embeds what ships inside the binaries: the demo catalog and
// the application icon.
package assets

import (
	_ "embed"
	"strings"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
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

// nordholmKey is the public key of the demo manufacturer, Nordholm
// Werkstätten, whose signed catalog package is in packages/.
//
//go:embed keys/nordholm.pub
var nordholmKey string

// TranslationsDE are the app's words in German (go-i18n JSON, as Fyne's
// lang package reads it): Fyne's own words and Atelier's.
//
//go:embed translations/de.json
var TranslationsDE []byte

// DemoPackage is the demo catalog as the manufacturer publishes it: a zip
// signed with Nordholm's key.
//
//go:embed packages/nordholm-2026.2.atelier-catalog.zip
var DemoPackage []byte

// TrustedManufacturers are the manufacturer keys built into the app: the
// demo manufacturer's.
func TrustedManufacturers() map[string]sign.PublicKey {
	k, err := sign.ParsePublicKey(strings.TrimSpace(nordholmKey))
	if err != nil {
		panic("assets: the built-in manufacturer key is broken: " + err.Error())
	}
	return map[string]sign.PublicKey{"Nordholm Werkstätten GmbH": k}
}
