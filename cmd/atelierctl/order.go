package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// KeyCmd groups the key verbs.
type KeyCmd struct {
	Generate KeyGenerateCmd `cmd:"" help:"Make a new ed25519 signing key (for a manufacturer's catalogs or a dealer's orders)."`
}

// KeyGenerateCmd makes a key.
type KeyGenerateCmd struct {
	Out string `required:"" help:"Where to write the private key (PEM, readable by you only); the public key goes to OUT.pub." type:"path"`
}

// Run writes the key pair and prints the public key's fingerprint.
func (c *KeyGenerateCmd) Run(env *Env) error {
	k, err := sign.Generate()
	if err != nil {
		return err
	}
	if err := k.Save(c.Out); err != nil {
		return err
	}
	if err := os.WriteFile(c.Out+".pub", []byte(k.Public().String()+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "private key %s (keep it secret)\npublic key %s.pub, fingerprint %s\n", c.Out, c.Out, k.Public().Fingerprint())
	return nil
}

// PackCmd signs a catalog folder into a package.
type PackCmd struct {
	Dir string `arg:"" help:"The catalog folder (catalog.json and its images)." type:"existingdir"`
	Key string `required:"" help:"The manufacturer's private key." type:"existingfile"`
	Out string `required:"" help:"The package to write (.zip)." type:"path"`
}

// Run checks, packs and signs.
func (c *PackCmd) Run(env *Env) error {
	k, err := sign.Load(c.Key)
	if err != nil {
		return err
	}
	pkg, err := catalog.Pack(c.Dir, k)
	if err != nil {
		var list catalog.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintln(env.Stderr, e)
			}
			return fmt.Errorf("%s: not packed: %d %s", c.Dir, len(list), plural(len(list), "error", "errors"))
		}
		return err
	}
	if err := writeFileAtomic(c.Out, pkg); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s signed by %s\n", c.Out, k.Public().Fingerprint())
	return nil
}

// trustedKeys are the built-in manufacturers plus --trust files.
func trustedKeys(files []string) (map[string]sign.PublicKey, error) {
	out := assets.TrustedManufacturers()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		k, err := sign.ParsePublicKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out[filepath.Base(f)] = k
	}
	return out, nil
}

// verifiedSource loads a catalog for import: a signed package is checked
// against the trusted keys (a broken signature is refused; an unsigned or
// foreign one only with allowUnsigned); the embedded demo is built in.
func verifiedSource(path string, trust []string, allowUnsigned bool, w *Env) (*catalog.Catalog, []byte, string, storage.Signature, error) {
	if path == "" {
		cat, err := assets.DemoCatalog()
		return cat, assets.DemoCatalogJSON, "json", storage.Builtin, err
	}
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, "", "", err
		}
		keys, err := trustedKeys(trust)
		if err != nil {
			return nil, nil, "", "", err
		}
		cat, verdict, err := catalog.ReadPackage(path, data, keys)
		if err != nil {
			return nil, nil, "", "", err
		}
		if verdict.Trusted {
			fmt.Fprintf(w.Stderr, "%s: signed by %s (%s)\n", path, verdict.Manufacturer, verdict.Fingerprint)
			return cat, data, "zip", storage.Signed, nil
		}
		if !allowUnsigned {
			return nil, nil, "", "", fmt.Errorf("%s: refused: %s; import it anyway only if you trust its source, with --allow-unsigned (it stays marked unsigned)", path, verdict.Problem)
		}
		fmt.Fprintf(w.Stderr, "%s: %s; imported as unsigned, as asked\n", path, verdict.Problem)
		return cat, data, "zip", storage.Unsigned, nil
	}
	if !allowUnsigned {
		return nil, nil, "", "", fmt.Errorf("%s: refused: a catalog file or folder is not signed; import it anyway only if you trust its source, with --allow-unsigned (it stays marked unsigned)", path)
	}
	return catalogSource(path)
}

// OrderCmd groups the order verbs.
type OrderCmd struct {
	Export OrderExportCmd `cmd:"" help:"Make an order of saved designs and write its signed package."`
	Verify OrderVerifyCmd `cmd:"" help:"Check an order package as the manufacturer does: safety, hashes, signature, schema, rules and prices."`
	Import OrderImportCmd `cmd:"" help:"Recreate the designs of an order package in the database."`
}

// DealerFlags are the dealer's identity and terms for an export.
type DealerFlags struct {
	DealerID       string  `name:"dealer-id" default:"DEMO" help:"The dealer's code (orders are numbered per dealer)."`
	DealerName     string  `name:"dealer-name" default:"Demo dealer" help:"The dealer's name."`
	DealerAddress  string  `name:"dealer-address" help:"The dealer's address (\\n between lines)."`
	DealerEmail    string  `name:"dealer-email" help:"The dealer's e-mail."`
	DealerDiscount float64 `name:"dealer-discount" default:"30" help:"Percent the manufacturer grants off list."`
	Adjust         float64 `default:"0" help:"The dealer's markup (positive) or discount (negative) on list for the customer, percent."`
	TaxRate        float64 `name:"tax-rate" default:"19" help:"Tax rate, percent."`
	Language       string  `default:"en" help:"Language of the texts (en, de)."`
	Key            string  `help:"The dealer's private key (default: dealer.key beside the database, made on first use)." type:"path"`
}

func (f DealerFlags) settings(dbPath string) (orderfile.Settings, error) {
	keyPath := f.Key
	if keyPath == "" {
		keyPath = filepath.Join(filepath.Dir(dbPath), "keys", "dealer.key")
	}
	k, err := sign.LoadOrCreate(keyPath)
	if err != nil {
		return orderfile.Settings{}, err
	}
	d := func(x float64) decimal.Decimal { return decimal.NewFromFloat(x) }
	return orderfile.Settings{
		Dealer:     orderfile.Dealer{ID: strings.ToUpper(f.DealerID), Name: f.DealerName, Address: strings.ReplaceAll(f.DealerAddress, `\n`, "\n"), Email: f.DealerEmail},
		Terms:      catalog.Terms{DealerDiscount: d(f.DealerDiscount), Adjust: d(f.Adjust), TaxRate: d(f.TaxRate)},
		Language:   f.Language,
		AppVersion: version,
		Key:        k,
		Quote:      makeQuote,
	}, nil
}

// makeQuote makes quote.pdf.
var makeQuote func(*orderfile.Order, [][]byte) ([]byte, error)

// OrderExportCmd exports an order.
type OrderExportCmd struct {
	Design   string `required:"" help:"Design ids, comma-separated (their newest revisions; quantity each design's own)."`
	Customer int64  `help:"Customer id (default: the first design's)."`
	Date     string `help:"Requested delivery date, YYYY-MM-DD."`
	Notes    string `help:"Notes for the manufacturer."`
	Out      string `required:"" help:"Where to write the package (a folder, or a file name)." type:"path"`
	DealerFlags
}

// Run creates the order (its number), builds and writes its package.
func (c *OrderExportCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	s, err := c.settings(db.Path())
	if err != nil {
		return err
	}
	var lines []storage.OrderLine
	customer := c.Customer
	for _, part := range strings.Split(c.Design, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil {
			return usagef("--design %q: write design ids separated by commas", c.Design)
		}
		d, err := db.Design(ctx, id)
		if err != nil {
			return notFound(err)
		}
		rev, err := db.Revision(ctx, id, 0)
		if err != nil {
			return err
		}
		if customer == 0 {
			customer = d.Customer
		}
		lines = append(lines, storage.OrderLine{Revision: rev.ID, Quantity: d.Quantity})
	}
	so, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: s.Dealer.ID, Customer: customer, RequestedDate: c.Date, Notes: c.Notes, Lines: lines})
	if err != nil {
		return err
	}
	_, data, err := orderfile.PackageOrder(ctx, db, so.ID, s)
	if err != nil {
		return err
	}
	out := c.Out
	if info, err := os.Stat(out); err == nil && info.IsDir() {
		out = filepath.Join(out, orderfile.FileName(so.Number))
	}
	if err := orderfile.WriteFile(out, data); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	if err := db.SetOrderExported(ctx, so.ID, filepath.Base(out), hex.EncodeToString(sum[:])); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "order %s written to %s (%d bytes)\n", so.Number, out, len(data))
	return nil
}

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

// Run checks the package's integrity and signature, then saves each line
// as a design on the catalog version it names (which must be in the
// database).
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
	ctx := context.Background()
	kept, err := db.Catalogs(ctx)
	if err != nil {
		return err
	}
	var cats []orderfile.CatalogSource
	ids := map[string]int64{}
	for _, k := range kept {
		cat, err := db.LoadCatalog(ctx, k.ID)
		if err != nil {
			continue
		}
		cats = append(cats, orderfile.CatalogSource{SHA256: k.Hash, Catalog: cat})
		ids[k.Hash] = k.ID
	}
	r := orderfile.Verify(data, cats, "", orderfile.DefaultLimits)
	if !r.OK {
		for _, f := range r.Findings {
			fmt.Fprintf(env.Stderr, "%s: %s: %s\n", f.Severity, f.Where, f.Message)
		}
		return fmt.Errorf("%s: not imported: the package does not verify", c.File)
	}
	for _, l := range r.Order.Lines {
		gross := l.Price.ListTotal
		var lines []storage.PriceLine
		for _, b := range l.Price.Breakdown {
			lines = append(lines, storage.PriceLine{Label: b.Label, Amount: b.Amount})
		}
		d, _, err := db.SaveDesign(ctx, storage.DesignInput{Name: l.Design, Notes: "From order " + r.Number, ProductID: l.Product, ProductName: l.ProductName,
			Catalog: ids[l.Catalog.SHA256], Status: storage.Ordered, Quantity: l.Quantity, Decisions: l.Decisions, Currency: r.Order.Currency,
			Total: gross, Breakdown: lines, Thumbnail: nil})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "line %d: design %d %q\n", l.Number, d.ID, d.Name)
	}
	return nil
}
