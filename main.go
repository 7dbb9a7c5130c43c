// Command atelier is the Atelier desktop app: a dealer or a customer designs
// a build-to-order product from a manufacturer's catalog, with a live preview
// and an exact price. This file only wires the parts together.
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/ui"
)

func main() {
	catalogPath := flag.String("catalog", "", "open this catalog (file, folder or .zip) instead of the embedded demo")
	lang := flag.String("lang", "en", "language of the catalog texts")
	product := flag.String("product", "", "start with this product (default: the catalog's first)")
	var sets setFlags
	flag.Var(&sets, "set", "a decision FEATURE=VALUE to start with (repeatable)")
	flag.Parse()

	a := app.NewWithID("app.atelier.designer")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Atelier")

	demo, err := assets.DemoCatalog()
	if err != nil {
		// The embedded catalog is checked by the tests; this is a broken build.
		fmt.Fprintln(os.Stderr, "atelier: the built-in demo catalog is broken:", err)
		os.Exit(1)
	}
	cat, loadErr := demo, error(nil)
	if *catalogPath != "" {
		if c, err := catalog.Load(*catalogPath); err != nil {
			loadErr = err
		} else {
			cat = c
		}
	}

	d := ui.NewDesigner(cat, *lang)
	d.SetWindow(w)
	if *product != "" {
		d.SelectProduct(*product)
	}
	for _, set := range sets {
		if err := d.DecideText(set); err != nil {
			fmt.Fprintln(os.Stderr, "atelier: -set:", err)
		}
	}
	w.SetContent(d.Content())
	w.Resize(fyne.NewSize(1280, 800))
	w.CenterOnScreen()
	if loadErr != nil {
		dialog.ShowError(fmt.Errorf("the catalog %s could not be opened; showing the demo catalog instead.\n\n%w", *catalogPath, loadErr), w)
	}
	w.ShowAndRun()
}

// setFlags collects repeated -set flags.
type setFlags []string

func (s *setFlags) String() string     { return fmt.Sprint(*s) }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }
