package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/safefile"
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
	if err := safefile.Write(c.Out, pkg, 0o644); err != nil {
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
		data, err := catalog.ReadFileLimited(path, catalog.MaxPackageSize, "a catalog package")
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
	Send   OrderSendCmd   `cmd:"" help:"Queue an order for the manufacturer's inbox (named by its signed catalog); atelierctl outbox deliver sends it."`
	Revise OrderReviseCmd `cmd:"" help:"Make the next revision of a refused order from its designs' newest saves, to send it again."`
}

// DealerFlags are the dealer's identity and terms for an export.
type DealerFlags struct {
	DealerID       string            `name:"dealer-id" default:"DEMO" help:"The dealer's code (orders are numbered per dealer)."`
	DealerName     string            `name:"dealer-name" default:"Demo dealer" help:"The dealer's name."`
	DealerAddress  string            `name:"dealer-address" help:"The dealer's address (\\n between lines)."`
	DealerEmail    string            `name:"dealer-email" help:"The dealer's e-mail."`
	DealerPhone    string            `name:"dealer-phone" help:"The dealer's phone."`
	VATID          string            `name:"vat-id" help:"The dealer's VAT id."`
	DealerDiscount string            `name:"dealer-discount" default:"30" help:"Percent the manufacturer grants off list."`
	GroupDiscount  map[string]string `name:"group-discount" help:"GROUP=PERCENT: the dealer discount for a catalog price group instead of --dealer-discount (repeatable)."`
	Adjust         string            `default:"0" help:"The dealer's markup (positive) or discount (negative) on list for the customer, percent."`
	TaxRate        string            `name:"tax-rate" default:"19" help:"Tax rate, percent."`
	PaymentTerms   string            `name:"payment-terms" help:"Payment terms printed on the customer's quote."`
	Language       string            `default:"en" help:"Language of the texts (en, de)."`
	Key            string            `help:"The dealer's private key (default: dealer.key beside the database, made on first use)." type:"path"`
}

// percentFlag reads a percentage given on the command line, exactly.
func percentFlag(name, s string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if err != nil {
		return d, usagef("--%s %q: write a percentage such as 30 or 12.5", name, s)
	}
	return d, nil
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
	var t catalog.Terms
	for _, p := range []struct {
		name, text string
		to         *decimal.Decimal
	}{{"dealer-discount", f.DealerDiscount, &t.DealerDiscount}, {"adjust", f.Adjust, &t.Adjust}, {"tax-rate", f.TaxRate, &t.TaxRate}} {
		if *p.to, err = percentFlag(p.name, p.text); err != nil {
			return orderfile.Settings{}, err
		}
	}
	for g, text := range f.GroupDiscount {
		v, err := percentFlag("group-discount "+g, text)
		if err != nil {
			return orderfile.Settings{}, err
		}
		if t.GroupDiscounts == nil {
			t.GroupDiscounts = map[string]decimal.Decimal{}
		}
		t.GroupDiscounts[g] = v
	}
	return orderfile.Settings{
		Dealer: orderfile.Dealer{ID: strings.ToUpper(f.DealerID), Name: f.DealerName, Address: strings.ReplaceAll(f.DealerAddress, `\n`, "\n"),
			Email: f.DealerEmail, Phone: f.DealerPhone, VATID: f.VATID},
		Terms:        t,
		PaymentTerms: f.PaymentTerms,
		Language:     f.Language,
		AppVersion:   version,
		Key:          k,
	}, nil
}

// check reads the dealer flags as an export needs them, in plain words
// and before anything is written (a usage error: exit status 2).
func (f DealerFlags) check() error {
	if _, err := storage.CheckOrderInput(storage.OrderInput{Dealer: f.DealerID, Lines: []storage.OrderLine{{Quantity: 1}}}); err != nil {
		return usagef("--dealer-id %q: write 1–32 letters, digits, dots, dashes or underscores", f.DealerID)
	}
	if strings.TrimSpace(f.DealerName) == "" {
		return usagef("--dealer-name %q: the dealer needs a name", f.DealerName)
	}
	if !languageFlag.MatchString(f.Language) {
		return usagef("--language %q: not a language code; write one such as en, de or de-CH", f.Language)
	}
	hundred := decimal.NewFromInt(100)
	type percent struct {
		name, text string
		min        decimal.Decimal
	}
	percents := []percent{{"dealer-discount", f.DealerDiscount, decimal.Zero}, {"tax-rate", f.TaxRate, decimal.Zero}, {"adjust", f.Adjust, hundred.Neg()}}
	for _, g := range slices.Sorted(maps.Keys(f.GroupDiscount)) {
		percents = append(percents, percent{"group-discount " + g, f.GroupDiscount[g], decimal.Zero})
	}
	for _, p := range percents {
		v, err := percentFlag(p.name, p.text)
		if err != nil {
			return err
		}
		if v.LessThan(p.min) || p.name != "adjust" && v.GreaterThan(hundred) {
			if p.name == "adjust" {
				return usagef("--adjust %s: a discount for the customer cannot take off more than 100%%", p.text)
			}
			return usagef("--%s %s: write a percentage between 0 and 100", p.name, p.text)
		}
	}
	return nil
}

// languageFlag is a language code as order.json takes it.
var languageFlag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// OrderExportCmd exports an order.
type OrderExportCmd struct {
	Design   string           `required:"" help:"Design ids, comma-separated (their newest revisions; quantity each design's own)."`
	Discount map[int64]string `help:"DESIGN=PERCENT: a discount for the customer on that design's line (repeatable)."`
	Delivery string           `help:"Delivery address (\\n between lines; default: the customer's)."`
	Customer int64            `help:"Customer id (default: the first design's)."`
	Date     string           `help:"Requested delivery date, YYYY-MM-DD."`
	Notes    string           `help:"Notes for the manufacturer."`
	Out      string           `required:"" help:"Where to write the package (a folder, or a file name)." type:"path"`
	Force    bool             `help:"Replace the file --out names if it exists (without: refused)."`
	DealerFlags
}

// Run checks everything it can, then creates the order, builds and writes
// its package and records it, as one recoverable transaction
// (orderfile.Export): a failure leaves no numbered draft and no file.
func (c *OrderExportCmd) Run(env *Env, cli *CLI) error {
	if c.Date != "" {
		if _, err := time.Parse(time.DateOnly, c.Date); err != nil {
			return usagef("--date %s: not a date; write YYYY-MM-DD", c.Date)
		}
	}
	if err := c.check(); err != nil {
		return err
	}
	if st, err := os.Stat(c.Out); err == nil && !st.IsDir() && !c.Force {
		return usagef("--out %s: the file exists; add --force to replace it", c.Out)
	} else if err != nil {
		if st, err := os.Stat(filepath.Dir(c.Out)); err != nil || !st.IsDir() {
			return usagef("--out %s: the folder %s does not exist", c.Out, filepath.Dir(c.Out))
		}
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	// What an export killed earlier left is finished first.
	recovered, err := db.RecoverExports(ctx)
	for _, r := range recovered {
		if r.Exported {
			fmt.Fprintf(env.Stderr, "order %s: an interrupted export was finished: %s is recorded as exported\n", r.Number, r.Path)
		} else {
			fmt.Fprintf(env.Stderr, "order %s: an interrupted export was rolled back: the order is cancelled, its number is not used again\n", r.Number)
		}
	}
	if err != nil {
		return err
	}
	s, err := c.settings(db.Path())
	if err != nil {
		return err
	}
	var lines []storage.OrderLine
	var ids []int64
	customer := c.Customer
	for _, part := range strings.Split(c.Design, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil {
			return usagef("--design %q: write design ids separated by commas", c.Design)
		}
		ids = append(ids, id)
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
		disc := ""
		if text, ok := c.Discount[id]; ok {
			p, err := percentFlag(fmt.Sprint("discount ", id), text)
			if err != nil {
				return err
			}
			if p.IsNegative() || p.GreaterThan(decimal.NewFromInt(100)) {
				return usagef("--discount %d=%s: a discount is between 0 and 100", id, text)
			}
			disc = p.String()
		}
		lines = append(lines, storage.OrderLine{Revision: rev.ID, Quantity: d.Quantity, Discount: disc})
	}
	for id := range c.Discount {
		if !slices.Contains(ids, id) {
			return usagef("--discount %d=…: design %d is not in --design", id, id)
		}
	}
	res, err := orderfile.Export(ctx, db, orderfile.ExportRequest{
		Order: storage.OrderInput{Dealer: s.Dealer.ID, Customer: customer, Delivery: strings.ReplaceAll(c.Delivery, `\n`, "\n"),
			RequestedDate: c.Date, Notes: c.Notes, Lines: lines},
		Out:      c.Out,
		Force:    c.Force,
		Settings: s,
		Package: func(ctx context.Context, id int64, s orderfile.Settings) (*orderfile.Order, []byte, error) {
			return orderfile.PackageOrder(ctx, db, id, s)
		},
	})
	switch {
	case errors.Is(err, orderfile.ErrFileExists):
		return fmt.Errorf("%w; add --force to replace it%s", err, cancelledNote(res))
	case err != nil:
		return fmt.Errorf("%w%s", err, cancelledNote(res))
	}
	fmt.Fprintf(env.Stdout, "order %s written to %s (%d bytes)\n", res.Order.Number, res.Path, res.Size)
	return nil
}

// cancelledNote says that a failed export's number was cancelled.
func cancelledNote(res orderfile.Exported) string {
	if res.Order.Number == "" || res.Path != "" {
		return ""
	}
	return fmt.Sprintf(" (order %s is cancelled; nothing was written)", res.Order.Number)
}
