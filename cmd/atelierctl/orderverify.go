package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// OrderVerifyCmd verifies a package.
type OrderVerifyCmd struct {
	File        string   `arg:"" help:"The order package." type:"existingfile"`
	Catalog     []string `help:"A catalog (file, folder, zip) the lines may use; repeatable. The built-in demo is always known." type:"path"`
	Fingerprint string   `help:"The dealer key's expected fingerprint."`
	JSON        bool     `name:"json" help:"Print the report as JSON."`
}

// Run prints every finding; exit 0 only when everything holds.
func (c *OrderVerifyCmd) Run(env *Env) error {
	info, err := os.Stat(c.File)
	if err != nil {
		return err
	}
	if info.Size() > orderfile.DefaultLimits.MaxTotal {
		return fmt.Errorf("%s is larger than an order package may be", c.File)
	}
	data, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	demo, err := assets.DemoCatalog()
	if err != nil {
		return err
	}
	cats := []orderfile.CatalogSource{orderfile.NewCatalogSource(assets.DemoCatalogJSON, demo)}
	if pkgCat, _, err := catalog.ReadPackage("demo package", assets.DemoPackage, assets.TrustedManufacturers()); err == nil {
		cats = append(cats, orderfile.NewCatalogSource(assets.DemoPackage, pkgCat))
	}
	for _, p := range c.Catalog {
		cat, src, _, _, err := catalogSource(p)
		if err != nil {
			return fmt.Errorf("--catalog %s: %w", p, err)
		}
		cats = append(cats, orderfile.NewCatalogSource(src, cat))
	}
	r := orderfile.Verify(data, cats, c.Fingerprint, orderfile.DefaultLimits)
	if c.JSON {
		if err := writeJSON(env.Stdout, r); err != nil {
			return err
		}
	} else {
		for _, f := range r.Findings {
			fmt.Fprintf(env.Stdout, "%s: %s: %s\n", f.Severity, f.Where, f.Message)
		}
		if r.OK {
			fmt.Fprintf(env.Stdout, "ok: order %s, %d %s, signed by the dealer key %s\n", r.Number, r.Lines, plural(r.Lines, "line", "lines"), r.DealerFingerprint)
		}
	}
	if !r.OK {
		if !c.JSON {
			fmt.Fprintf(env.Stderr, "%s: NOT verified\n", c.File)
		}
		return exitError{1}
	}
	return nil
}

// OrderImportCmd recreates an order's designs.
type OrderImportCmd struct {
	File string `arg:"" help:"The order package." type:"existingfile"`
}

// Run verifies the package against the catalogs kept in the database,
// then saves each line as a design on the catalog version it names.
func (c *OrderImportCmd) Run(env *Env, cli *CLI) error {
	data, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	imp, err := orderfile.Import(context.Background(), db, data)
	if imp != nil {
		for _, f := range imp.Report.Findings {
			fmt.Fprintf(env.Stderr, "%s: %s: %s\n", f.Severity, f.Where, f.Message)
		}
	}
	if errors.Is(err, orderfile.ErrNotVerified) {
		return fmt.Errorf("%s: not imported: the package does not verify against the catalogs in the database (import the catalog first if it is missing)", c.File)
	}
	if err != nil {
		return err
	}
	for i, d := range imp.Designs {
		fmt.Fprintf(env.Stdout, "line %d: design %d %q\n", i+1, d.ID, d.Name)
	}
	return nil
}
