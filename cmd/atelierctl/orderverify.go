package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// OrderVerifyCmd verifies a package.
type OrderVerifyCmd struct {
	File        string   `arg:"" help:"The order package." type:"existingfile"`
	Catalog     []string `help:"A catalog (file, folder, zip) the lines may use; repeatable. The built-in demo is always known." type:"path"`
	Fingerprint string   `help:"The dealer key's expected fingerprint (in addition to the registry)."`
	TrustAny    bool     `name:"trust-any" help:"Accept a signature by any key, with a warning: for a dealer inspecting their own package, never for taking an order in."`
	JSON        bool     `name:"json" help:"Print the report as JSON."`
}

// Run prints every finding; exit 0 only when everything holds. The
// signer must be enrolled in the dealer registry of the database (atelierctl
// dealer trust) for the dealer the order names, unless --trust-any.
func (c *OrderVerifyCmd) Run(env *Env, cli *CLI) error {
	boundMemory()
	data, err := catalog.ReadFileLimited(c.File, orderfile.DefaultLimits.MaxPackage, "an order package")
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
	trust := orderfile.Trust{Fingerprint: c.Fingerprint, Any: c.TrustAny}
	// The registry is the database's; verifying does not make a library
	// where there is none (then nobody is enrolled).
	if _, err := os.Stat(dbPath(cli.DB)); err == nil {
		db, err := openDB(cli.DB)
		if err != nil {
			return fmt.Errorf("the dealer registry: %w", err)
		}
		trust.Registry, err = db.DealerKeys(context.Background())
		db.Close()
		if err != nil {
			return err
		}
	}
	r := orderfile.Verify(data, cats, trust, orderfile.DefaultLimits)
	if c.JSON {
		if err := writeJSON(env.Stdout, r); err != nil {
			return err
		}
	} else {
		for _, f := range r.Findings {
			fmt.Fprintf(env.Stdout, "%s: %s: %s\n", f.Severity, safeText(f.Where), safeText(f.Message))
		}
		if r.OK {
			fmt.Fprintf(env.Stdout, "ok: order %s of dealer %s, %d %s, signed by the key %s (%s)\n", r.Number, safeText(r.Dealer), r.Lines, plural(r.Lines, "line", "lines"), r.DealerFingerprint, r.Trust)
		}
	}
	if c.TrustAny && !c.JSON {
		fmt.Fprintf(env.Stderr, "warning: --trust-any: who signed %s was not checked against the dealer registry\n", c.File)
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
	File     string `arg:"" help:"The order package." type:"existingfile"`
	Key      string `help:"This library's dealer key, whose packages are trusted (default: keys/dealer.key beside the database)." type:"path"`
	TrustAny bool   `name:"trust-any" help:"Import a package signed by any key (with a warning)."`
}

// Run verifies the package against the catalogs kept in the database and
// its signer against the library's own key and dealer registry, then
// saves each line as a design on the catalog version it names.
func (c *OrderImportCmd) Run(env *Env, cli *CLI) error {
	boundMemory()
	data, err := catalog.ReadFileLimited(c.File, orderfile.DefaultLimits.MaxPackage, "an order package")
	if err != nil {
		return err
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	keyPath := c.Key
	if keyPath == "" {
		keyPath = filepath.Join(filepath.Dir(db.Path()), "keys", "dealer.key")
	}
	trust, err := orderfile.OwnKey(keyPath)
	if err != nil {
		return err
	}
	trust.Any = c.TrustAny
	imp, err := orderfile.Import(context.Background(), db, data, trust)
	if imp != nil {
		for _, f := range imp.Report.Findings {
			fmt.Fprintf(env.Stderr, "%s: %s: %s\n", f.Severity, safeText(f.Where), safeText(f.Message))
		}
	}
	if errors.Is(err, orderfile.ErrNotVerified) {
		return fmt.Errorf("%s: not imported: the package does not verify against the catalogs and the trusted keys of this library (import the catalog first if it is missing; enrol the dealer's key with atelierctl dealer trust)", c.File)
	}
	if err != nil {
		return err
	}
	if note := imp.ForgottenNote(); note != "" {
		fmt.Fprintln(env.Stdout, note)
	}
	for i, d := range imp.Designs {
		fmt.Fprintf(env.Stdout, "line %d: design %d %q\n", i+1, d.ID, d.Name)
	}
	return nil
}

// verifyMemory is the soft memory limit of the verbs that read a package
// from outside: most of what verification allocates is garbage at once
// (the package's bytes once unpacked, the schema check's tree), and the
// collector keeps the peak near this instead of doubling the heap
// (docs/performance.md: any input under 80 MB RSS). GOMEMLIMIT, when set,
// wins.
const verifyMemory = 64 << 20

func boundMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(verifyMemory)
	}
}
