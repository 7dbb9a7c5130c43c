package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
)

// DesignCmd groups the design verbs.
type DesignCmd struct {
	Save   DesignSaveCmd   `cmd:"" help:"Save a configured product as a new design; prints its id."`
	List   DesignListCmd   `cmd:"" help:"List the saved designs, newest first (or best matches of --query)."`
	Show   DesignShowCmd   `cmd:"" help:"Show a design: decisions, price, revisions."`
	Delete DesignDeleteCmd `cmd:"" help:"Move a design to the trash (--purge: delete it for good)."`
}

// DBCmd groups the database verbs.
type DBCmd struct {
	Check   DBCheckCmd   `cmd:"" help:"Check the database file (integrity_check) and print what it holds; or check a backup file without changing it."`
	Backup  DBBackupCmd  `cmd:"" help:"Write a snapshot of the database (default: into the backups folder)."`
	Restore DBRestoreCmd `cmd:"" help:"Replace the database with a backup; the current file is kept aside."`
}

// openDB opens the database the --db flag names (default: the app's).
func openDB(path string) (*storage.DB, error) {
	if path == "" {
		path = storage.DefaultPath()
	}
	return storage.Open(context.Background(), path)
}

// DesignSaveCmd saves a design.
type DesignSaveCmd struct {
	Catalog  string   `help:"Catalog file, folder or .zip (default: the embedded demo); kept in the database." type:"path"`
	Product  string   `required:"" help:"Product id."`
	Set      []string `sep:"none" help:"A decision FEATURE=VALUE (repeatable; multi features take a comma-separated list)." placeholder:"FEATURE=VALUE"`
	Name     string   `required:"" help:"The design's name."`
	Notes    string   `help:"Notes."`
	Customer int64    `help:"Customer id."`
	Quantity int      `default:"1" help:"Number of pieces."`
	// AllowUnsigned lets an unsigned catalog (file, folder, or a package
	// by an unknown key) be kept, marked unsigned.
	AllowUnsigned bool `name:"allow-unsigned" help:"Accept a catalog that is not signed by a trusted manufacturer (it stays marked unsigned)."`
	// Trust adds manufacturers' public keys to the built-in ones.
	Trust []string `help:"A manufacturer's public key file to trust besides the built-in ones (repeatable)." type:"existingfile"`
}

// Run checks the decisions with the engine, prices them, draws a thumbnail
// and saves the design as its first revision.
func (c *DesignSaveCmd) Run(env *Env, cli *CLI) error {
	if c.Quantity < 1 {
		return usagef("--quantity must be at least 1, not %d", c.Quantity)
	}
	if strings.TrimSpace(c.Name) == "" {
		return usagef("--name must not be empty")
	}
	cat, src, kind, sig, err := verifiedSource(c.Catalog, c.Trust, c.AllowUnsigned, env)
	if err != nil {
		return err
	}
	cfg, err := configure(cat, c.Product, c.Set)
	if err != nil {
		return err
	}
	p := cfg.Product
	dec := rules.Decisions{}
	decisions := map[string]string{}
	for _, s := range c.Set {
		k, _, _ := strings.Cut(s, "=")
		f := p.Feature(strings.TrimSpace(k))
		dec[f.ID] = cfg.Values[f.ID]
		decisions[f.ID] = cfg.Values[f.ID].String()
	}
	// Only a configuration the rules allow is saved.
	m, err := rules.Compile(p)
	if err != nil {
		return err
	}
	d, err := m.NewSession().Domains(dec)
	if err != nil {
		return err
	}
	if !d.Consistent {
		return fmt.Errorf("the decisions break the product's rules; run atelierctl configure with the same --set flags to see why and what to change")
	}
	full, err := m.NewSession().Complete(dec)
	if err != nil {
		return err
	}
	cfg = &catalog.Config{Product: p, Values: full}
	lang := cat.DefaultLanguage()
	price, err := cat.ListPrice(cfg, c.Quantity, lang)
	if err != nil {
		return fmt.Errorf("price %s: %w", p.ID, err)
	}
	thumb, err := render.Thumbnail(cat, cfg)
	if err != nil {
		return err
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	rec, err := db.ImportCatalog(ctx, src, kind, cat, sig)
	if err != nil {
		return err
	}
	var lines []storage.PriceLine
	for _, l := range price.Lines {
		lines = append(lines, storage.PriceLine{Label: l.Label, Amount: l.Amount.StringFixed(2)})
	}
	design, _, err := db.SaveDesign(ctx, storage.DesignInput{
		Name: c.Name, Notes: c.Notes, ProductID: p.ID, ProductName: p.Name.In(lang, cat.DefaultLanguage()),
		Catalog: rec.ID, Customer: c.Customer, Status: storage.Draft, Quantity: c.Quantity, Decisions: decisions,
		Currency: price.Currency, Total: price.Total.StringFixed(2), Breakdown: lines, Thumbnail: thumb,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, design.ID)
	return nil
}

// catalogSource loads a catalog and returns the source to keep in the
// database: the embedded demo (built in), or a file, folder (packed as a
// zip) or zip. Files are kept as unsigned: signature checks come with
// signed catalog packages.
func catalogSource(path string) (*catalog.Catalog, []byte, string, storage.Signature, error) {
	if path == "" {
		cat, err := assets.DemoCatalog()
		return cat, assets.DemoCatalogJSON, "json", storage.Builtin, err
	}
	cat, err := catalog.Load(path)
	if err != nil {
		return nil, nil, "", "", err
	}
	// The source is read again to be kept: capped by reading, like Load.
	info, err := os.Stat(path) // a folder or not; sizes are not trusted
	if err != nil {
		return nil, nil, "", "", err
	}
	switch {
	case info.IsDir():
		src, err := zipFolder(path)
		return cat, src, "zip", storage.Unsigned, err
	case strings.EqualFold(filepath.Ext(path), ".zip"):
		src, err := catalog.ReadFileLimited(path, catalog.MaxPackageSize, "a catalog package")
		return cat, src, "zip", storage.Unsigned, err
	default:
		src, err := catalog.ReadFileLimited(path, catalog.MaxPackageSize, "a catalog file")
		return cat, src, "json", storage.Unsigned, err
	}
}

// zipFolder packs a catalog folder as a zip, deterministically (sorted
// names, no times), so the same folder always has the same hash. Its files
// together may hold at most catalog.MaxPackageSize, counted by reading.
func zipFolder(dir string) ([]byte, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	left := int64(catalog.MaxPackageSize)
	for _, n := range names {
		data, err := catalog.ReadFileLimited(filepath.Join(dir, filepath.FromSlash(n)), left, "the rest of a catalog folder")
		if err != nil {
			return nil, err
		}
		left -= int64(len(data))
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DesignListCmd lists designs.
type DesignListCmd struct {
	Query    string `help:"Search words (name, notes, product, customer)."`
	Product  string `help:"Only this product."`
	Customer int64  `help:"Only this customer's designs."`
	Status   string `enum:",draft,quoted,ordered" default:"" help:"Only this status: draft, quoted or ordered."`
	Trash    bool   `help:"The designs in the trash."`
	Limit    int    `default:"50" help:"At most this many."`
	JSON     bool   `name:"json" help:"Print JSON."`
}

type designJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Notes       string `json:"notes,omitempty"`
	Product     string `json:"product"`
	ProductName string `json:"product_name"`
	Catalog     int64  `json:"catalog"`
	Customer    int64  `json:"customer,omitempty"`
	CustomerNm  string `json:"customer_name,omitempty"`
	Status      string `json:"status"`
	Quantity    int    `json:"quantity"`
	Revision    int    `json:"revision"`
	Currency    string `json:"currency"`
	Total       string `json:"total"`
	Created     string `json:"created"`
	Updated     string `json:"updated"`
	Deleted     string `json:"deleted,omitempty"`
}

func toJSON(d storage.Design) designJSON {
	return designJSON{d.ID, d.Name, d.Notes, d.ProductID, d.ProductName, d.Catalog, d.Customer, d.CustomerName, string(d.Status),
		d.Quantity, d.Revision, d.Currency, d.Total, d.CreatedAt, d.UpdatedAt, d.DeletedAt}
}

// Run prints the designs as a table or JSON.
func (c *DesignListCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := db.Designs(context.Background(), storage.Filter{Query: c.Query, Product: c.Product, Customer: c.Customer,
		Status: storage.Status(c.Status), Trash: c.Trash, Limit: c.Limit})
	if err != nil {
		return err
	}
	if c.JSON {
		out := []designJSON{}
		for _, s := range list {
			out = append(out, toJSON(s.Design))
		}
		return writeJSON(env.Stdout, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPRODUCT\tCUSTOMER\tSTATUS\tTOTAL\tUPDATED")
	for _, s := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s %s\t%s\n", s.ID, safeText(s.Name), safeText(s.ProductName), safeText(s.CustomerName), s.Status,
			safeText(s.Currency), safeText(s.Total), shortTime(s.UpdatedAt))
	}
	return tw.Flush()
}

func shortTime(s string) string {
	if len(s) >= 16 {
		return strings.Replace(s[:16], "T", " ", 1)
	}
	return s
}

// DesignShowCmd shows a design.
type DesignShowCmd struct {
	ID   int64 `arg:"" help:"Design id."`
	JSON bool  `name:"json" help:"Print JSON."`
}

// Run prints the design, its newest revision's decisions and price, and
// its revisions.
func (c *DesignShowCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	d, err := db.Design(ctx, c.ID)
	if err != nil {
		return notFound(err)
	}
	rev, err := db.Revision(ctx, d.ID, d.Revision)
	if err != nil {
		return err
	}
	revs, err := db.Revisions(ctx, d.ID)
	if err != nil {
		return err
	}
	if c.JSON {
		type revJSON struct {
			Number   int    `json:"number"`
			Saved    string `json:"saved"`
			Currency string `json:"currency"`
			Total    string `json:"total"`
		}
		out := struct {
			designJSON
			Decisions map[string]string   `json:"decisions"`
			Breakdown []storage.PriceLine `json:"breakdown"`
			Revisions []revJSON           `json:"revisions"`
		}{designJSON: toJSON(d), Decisions: rev.Decisions, Breakdown: rev.Breakdown}
		for _, r := range revs {
			out.Revisions = append(out.Revisions, revJSON{r.Number, r.SavedAt, r.Currency, r.Total})
		}
		return writeJSON(env.Stdout, out)
	}
	w := env.Stdout
	// Names, notes, decisions and price labels are user or catalog text:
	// safeText keeps escape sequences off the terminal.
	fmt.Fprintf(w, "%s (design %d, revision %d, %s)\n", safeText(d.Name), d.ID, d.Revision, d.Status)
	fmt.Fprintf(w, "%s, catalog #%d, %d piece(s)", safeText(d.ProductName), d.Catalog, d.Quantity)
	if d.CustomerName != "" {
		fmt.Fprintf(w, ", for %s", safeText(d.CustomerName))
	}
	fmt.Fprintln(w)
	if d.Notes != "" {
		fmt.Fprintf(w, "Notes: %s\n", safeText(d.Notes))
	}
	keys := make([]string, 0, len(rev.Decisions))
	for k := range rev.Decisions {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Fprintln(w, "Decisions:")
	for _, k := range keys {
		fmt.Fprintf(w, "  %s = %s\n", safeText(k), safeText(rev.Decisions[k]))
	}
	fmt.Fprintln(w, "Price:")
	for _, l := range rev.Breakdown {
		fmt.Fprintf(w, "  %-40s %12s\n", safeText(l.Label), safeText(l.Amount))
	}
	fmt.Fprintf(w, "  %-40s %12s %s\n", "Total", safeText(rev.Total), safeText(rev.Currency))
	fmt.Fprintln(w, "Revisions:")
	for _, r := range revs {
		fmt.Fprintf(w, "  %d  %s  %s %s\n", r.Number, shortTime(r.SavedAt), safeText(r.Currency), safeText(r.Total))
	}
	return nil
}

// notFound turns a missing record into a plain message.
func notFound(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return errors.New(strings.TrimSuffix(err.Error(), ": "+storage.ErrNotFound.Error()) + " does not exist")
	}
	return err
}

// DesignDeleteCmd moves a design to the trash.
type DesignDeleteCmd struct {
	ID    int64 `arg:"" help:"Design id."`
	Purge bool  `help:"Delete it for good instead of moving it to the trash."`
}

// Run trashes (or purges) the design.
func (c *DesignDeleteCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	if c.Purge {
		err = db.PurgeDesign(ctx, c.ID)
	} else {
		err = db.TrashDesign(ctx, c.ID)
	}
	if err != nil {
		return notFound(err)
	}
	if c.Purge {
		fmt.Fprintf(env.Stdout, "design %d deleted\n", c.ID)
	} else {
		fmt.Fprintf(env.Stdout, "design %d moved to the trash\n", c.ID)
	}
	return nil
}

// ImportCmd keeps a catalog in the database.
type ImportCmd struct {
	Path          string   `arg:"" help:"Catalog package (.zip, signed by the manufacturer), or a file or folder." type:"path"`
	Trust         []string `help:"A manufacturer's public key file to trust besides the built-in ones; repeatable." type:"existingfile"`
	AllowUnsigned bool     `name:"allow-unsigned" help:"Accept a catalog that is not signed by a trusted manufacturer (it stays marked unsigned)."`
}

// Run verifies and validates the catalog and keeps it (every version is
// kept).
func (c *ImportCmd) Run(env *Env, cli *CLI) error {
	cat, src, kind, sig, err := verifiedSource(c.Path, c.Trust, c.AllowUnsigned, env)
	if err != nil {
		var list catalog.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintln(env.Stderr, e)
			}
			return fmt.Errorf("%s: not imported: %d %s", c.Path, len(list), plural(len(list), "error", "errors"))
		}
		return err
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	rec, err := db.ImportCatalog(context.Background(), src, kind, cat, sig)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "catalog %s %s kept as #%d (%s, sha256 %s…)\n", rec.CatalogID, rec.Version, rec.ID, rec.Signature, rec.Hash[:12])
	return nil
}

// DBCheckCmd checks the database, or a backup.
type DBCheckCmd struct {
	File string `arg:"" optional:"" help:"A backup to check instead, read only: a sound SQLite file with Atelier's own schema (what restore accepts)." type:"existingfile"`
}

// Run runs the full integrity check and prints a summary; with a file, it
// checks that file as restore would, without changing it.
func (c *DBCheckCmd) Run(env *Env, cli *CLI) error {
	if c.File != "" {
		if err := storage.CheckBackup(context.Background(), c.File); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: ok: an Atelier library that restore accepts\n", c.File)
		return nil
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	n, err := db.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: ok: schema %d, %d catalog versions, %d designs (%d revisions), %d customers, %d orders\n",
		db.Path(), storage.SchemaVersion, n.Catalogs, n.Designs, n.Revisions, n.Customers, n.Orders)
	return nil
}

// DBBackupCmd writes a snapshot.
type DBBackupCmd struct {
	File string `arg:"" optional:"" help:"Where to write it (default: a dated file in the backups folder)." type:"path"`
}

// Run writes the backup and prints its path.
func (c *DBBackupCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	dest := c.File
	if dest == "" {
		dest, err = db.BackupInto(context.Background(), storage.BackupDir(db.Path()))
	} else {
		err = db.Backup(context.Background(), dest)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, dest)
	return nil
}

// DBRestoreCmd replaces the database with a backup.
type DBRestoreCmd struct {
	File string `arg:"" help:"The backup to restore." type:"existingfile"`
}

// Run restores and says where the replaced file went.
func (c *DBRestoreCmd) Run(env *Env, cli *CLI) error {
	path := cli.DB
	if path == "" {
		path = storage.DefaultPath()
	}
	aside, err := storage.Restore(context.Background(), path, c.File)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s restored from %s\n", path, c.File)
	switch {
	case strings.Contains(filepath.Base(aside), ".replaced-"):
		fmt.Fprintf(env.Stdout, "the previous database is kept as %s for %d days, like the backups\n", aside, storage.BackupDays)
	case aside != "":
		fmt.Fprintf(env.Stdout, "the previous database was damaged; it is kept, untouched, as %s\n", aside)
	}
	return nil
}
