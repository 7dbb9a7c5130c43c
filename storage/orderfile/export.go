package orderfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/safefile"
)

// Settings are the dealer's side of an export: identity, terms, language,
// signing key and the quote maker.
type Settings struct {
	Dealer       Dealer
	Terms        catalog.Terms
	PaymentTerms string
	Language     string
	AppVersion   string
	Key          *sign.Key
	// Quote makes quote.pdf (nil: QuotePDFWithLogo with Logo).
	Quote func(*Order, [][]byte) ([]byte, error)
	// Logo is the dealer's logo for the quote (PNG or JPEG), or nil.
	Logo []byte
	// Progress, if set, is told how far the export is (lines done of all).
	Progress func(done, total int)
}

// PackageOrder builds the package of an order saved in the database: every
// line is its design revision, configured (the decisions completed by the
// configuration engine), priced by the waterfall with the settings' terms,
// with its bill of materials, article code and a 640×400 preview. The same
// saved order and settings always give the same bytes.
func PackageOrder(ctx context.Context, db *storage.DB, orderID int64, s Settings) (*Order, []byte, error) {
	so, err := db.Order(ctx, orderID)
	if err != nil {
		return nil, nil, err
	}
	// A revision is dated when it was made: the same revision always
	// gives the same bytes, and each revision's OEX message its own name.
	when := so.CreatedAt
	if so.Revision > 1 && so.RevisedAt != "" {
		when = so.RevisedAt
	}
	created, err := time.Parse(time.RFC3339Nano, when)
	if err != nil {
		return nil, nil, fmt.Errorf("order %s: %w", so.Number, err)
	}
	rev := 0
	if so.Revision > 1 {
		rev = so.Revision
	}
	o := &Order{Format: Format, Number: so.Number, Revision: rev, Created: created.UTC().Truncate(time.Second).Format(time.RFC3339),
		RequestedDate: so.RequestedDate, Notes: so.Notes, Language: s.Language, Dealer: s.Dealer, Terms: TermsOf(s.Terms, s.PaymentTerms)}
	if so.Customer != 0 {
		c, err := db.Customer(ctx, so.Customer)
		if err != nil {
			return nil, nil, err
		}
		addr := so.Delivery
		if addr == "" {
			addr = c.Address
		}
		o.Customer = &Customer{Name: c.Name, Address: addr, Phone: c.Phone}
	}
	cats := map[int64]*catalog.Catalog{}
	models := map[string]*rules.Model{}
	var scenes []*render.Scene
	for i, ol := range so.Lines {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if s.Progress != nil {
			s.Progress(i, len(so.Lines))
		}
		rev, err := db.RevisionByID(ctx, ol.Revision)
		if err != nil {
			return nil, nil, err
		}
		design, err := db.Design(ctx, rev.Design)
		if err != nil {
			return nil, nil, err
		}
		cat := cats[rev.Catalog]
		if cat == nil {
			if cat, err = db.LoadCatalog(ctx, rev.Catalog); err != nil {
				return nil, nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			cats[rev.Catalog] = cat
		}
		rec, err := db.CatalogRecord(ctx, rev.Catalog)
		if err != nil {
			return nil, nil, err
		}
		product := rev.ProductID
		if product == "" {
			product = design.ProductID
		}
		p := cat.Product(product)
		if p == nil {
			return nil, nil, fmt.Errorf("line %d: catalog %s %s has no product %q", i+1, cat.ID, cat.Version, product)
		}
		key := fmt.Sprint(rev.Catalog, "/", product)
		m := models[key]
		if m == nil {
			if m, err = rules.Compile(p); err != nil {
				return nil, nil, err
			}
			models[key] = m
		}
		dec := rules.Decisions{}
		for id, v := range rev.Decisions {
			f := p.Feature(id)
			if f == nil {
				return nil, nil, fmt.Errorf("line %d (%s): %s has no feature %q", i+1, design.Name, p.ID, id)
			}
			val, err := f.ParseValue(v)
			if err != nil {
				return nil, nil, fmt.Errorf("line %d (%s): %s: %w", i+1, design.Name, id, err)
			}
			dec[id] = val
		}
		values, err := m.NewSession().Complete(dec)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d (%s): %w", i+1, design.Name, err)
		}
		if values == nil {
			return nil, nil, fmt.Errorf("line %d (%s): its decisions break the rules of %s %s", i+1, design.Name, cat.ID, cat.Version)
		}
		config := map[string]string{}
		for id, v := range values {
			config[id] = v.String()
		}
		ref := CatalogRef{ID: rec.CatalogID, Version: rec.Version, SHA256: rec.Hash, Signature: string(rec.Signature)}
		discount := decimal.Zero
		if ol.Discount != "" {
			if discount, err = decimal.NewFromString(ol.Discount); err != nil {
				return nil, nil, fmt.Errorf("line %d (%s): discount %q: %w", i+1, design.Name, ol.Discount, err)
			}
		}
		line, err := MakeLine(LineInput{Catalog: cat, Ref: ref, Product: product, Decisions: rev.Decisions, Configuration: config,
			Quantity: ol.Quantity, Language: s.Language, Terms: s.Terms, LineDiscount: discount})
		if err != nil {
			return nil, nil, fmt.Errorf("line %d (%s): %w", i+1, design.Name, err)
		}
		line.Number, line.Design, line.DesignID, line.Revision = i+1, rev.Name, rev.Design, rev.Number
		o.Lines = append(o.Lines, line)
		if o.Currency == "" {
			o.Currency = cat.Currency
		} else if o.Currency != cat.Currency {
			return nil, nil, fmt.Errorf("line %d is priced in %s, the order in %s", i+1, cat.Currency, o.Currency)
		}
		scene, err := render.Build(cat, &catalog.Config{Product: p, Values: values})
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		scenes = append(scenes, scene)
	}
	previews, err := drawPreviews(scenes)
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if o.Totals, err = Sum(o.Lines); err != nil {
		return nil, nil, err
	}
	makeQuote := s.Quote
	if makeQuote == nil {
		makeQuote = func(o *Order, previews [][]byte) ([]byte, error) { return QuotePDFWithLogo(o, previews, s.Logo) }
	}
	quote, err := makeQuote(o, previews)
	if err != nil {
		return nil, nil, fmt.Errorf("quote: %w", err)
	}
	data, err := Build(o, previews, quote, s.AppVersion, s.Key)
	if err != nil {
		return nil, nil, err
	}
	if s.Progress != nil {
		s.Progress(len(so.Lines), len(so.Lines))
	}
	return o, data, nil
}

// previewEncoder writes the previews: fast deflate (a third of the time
// of the default level for a tenth more bytes); the output is still the
// same for the same picture.
var previewEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// drawPreviews draws and encodes the 640×400 preview of every line, on all
// cores; the result is in line order, whatever finishes first.
func drawPreviews(scenes []*render.Scene) ([][]byte, error) {
	out := make([][]byte, len(scenes))
	err := parallel(len(scenes), func(i int) error {
		v := render.ViewIso
		v.Width, v.Height = PreviewWidth, PreviewHeight
		var buf bytes.Buffer
		if err := previewEncoder.Encode(&buf, render.Draw(scenes[i], v)); err != nil {
			return fmt.Errorf("preview of line %d: %w", i+1, err)
		}
		out[i] = buf.Bytes()
		return nil
	})
	return out, err
}

// Journal is the database side of an export (*storage.DB has it): the
// number is taken with a journal row, and the export ends recorded or
// rolled back (storage.DB.RecoverExports finishes what a killed process
// left).
type Journal interface {
	ReserveExport(ctx context.Context, in storage.OrderInput, path func(number string) (string, error), overwrite bool) (storage.ExportReservation, error)
	RecordExportHash(ctx context.Context, id int64, sha string) error
	CompleteExport(ctx context.Context, id int64) (storage.Order, error)
	AbandonExport(ctx context.Context, id int64) error
}

// ExportRequest is an order to export and where to.
type ExportRequest struct {
	Order storage.OrderInput
	// Out is an existing folder (the file is named after the order's
	// number, FileName) or a file in an existing folder.
	Out string
	// Force lets the export replace an existing file Out names
	// (atomically: the old file stays whole until the new one is
	// complete). Without it an existing file is refused and left as it
	// is; a file in the folder Out with the order's name is never
	// replaced.
	Force    bool
	Settings Settings
	// Package builds the package of the reserved order (PackageOrder on
	// the database, for one).
	Package func(ctx context.Context, orderID int64, s Settings) (*Order, []byte, error)
}

// Exported is a finished export, or as far as a failed one got.
type Exported struct {
	// Order is the order as recorded; its Number is set once a number was
	// taken (also when the export then failed and the order was
	// cancelled).
	Order storage.Order
	// Path is the file written; "" when no file reached its destination.
	Path   string
	Size   int
	SHA256 string
}

// ErrFileExists: the destination holds a file and replacing it was not
// asked for.
var ErrFileExists = errors.New("there is already a file there")

// exportStep is called after each step of an export (tests stop the
// process there to prove recovery): "reserved", "hashed", "written",
// "published".
var exportStep = func(step string) {}

// languageCode is the form of order.json's language (the schema's).
var languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// CheckSettings checks the dealer's side of an export before a number is
// taken, in plain words: the dealer's code and name, the language, the
// terms and the signing key.
func CheckSettings(s Settings) error {
	hundred := decimal.NewFromInt(100)
	switch {
	case strings.TrimSpace(s.Dealer.Name) == "":
		return errors.New("the dealer needs a name")
	case !languageCode.MatchString(s.Language):
		return fmt.Errorf("the language %q is not a language code such as en, de or de-CH", s.Language)
	case s.Terms.DealerDiscount.IsNegative() || s.Terms.DealerDiscount.GreaterThan(hundred):
		return fmt.Errorf("the dealer discount %s%% is not between 0 and 100", s.Terms.DealerDiscount)
	case s.Terms.Adjust.LessThan(hundred.Neg()):
		return fmt.Errorf("the adjustment %s%% takes off more than 100%%", s.Terms.Adjust)
	case s.Terms.TaxRate.IsNegative() || s.Terms.TaxRate.GreaterThan(hundred):
		return fmt.Errorf("the tax rate %s%% is not between 0 and 100", s.Terms.TaxRate)
	case s.Key == nil:
		return errors.New("there is no signing key")
	}
	for _, g := range slices.Sorted(maps.Keys(s.Terms.GroupDiscounts)) {
		if v := s.Terms.GroupDiscounts[g]; v.IsNegative() || v.GreaterThan(hundred) {
			return fmt.Errorf("the dealer discount %s%% for %s is not between 0 and 100", v, g)
		}
	}
	return nil
}

// destination says where an export writes, checked before a number is
// taken: into the folder out (named by the number) or onto the file out,
// whose folder must exist and take files; an existing file only with
// force.
//
// overwrite is force for a file; a file named by the number in a folder is
// never replaced.
func destination(out string, force bool) (path func(number string) (string, error), overwrite bool, err error) {
	if out == "" {
		return nil, false, errors.New("no destination was given")
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", out, err)
	}
	folder, name := abs, ""
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)) {
			return nil, false, fmt.Errorf("the folder %s does not exist", abs)
		}
		folder, name = filepath.Dir(abs), filepath.Base(abs)
		if err == nil && !st.Mode().IsRegular() {
			return nil, false, fmt.Errorf("%s is not a file or folder an order can be written to", out)
		}
		if err == nil && !force {
			return nil, false, fmt.Errorf("%s: %w", out, ErrFileExists)
		}
	}
	if err := checkFolder(folder); err != nil {
		return nil, false, err
	}
	return func(number string) (string, error) {
		if name == "" {
			return filepath.Join(folder, FileName(number)), nil
		}
		return filepath.Join(folder, name), nil
	}, force && name != "", nil
}

// checkFolder says, in plain words, why a folder cannot take a file.
func checkFolder(folder string) error {
	st, err := os.Stat(folder)
	if err != nil || !st.IsDir() {
		return fmt.Errorf("the folder %s does not exist", folder)
	}
	f, err := os.CreateTemp(folder, ".atelier-write-test-*")
	if err != nil {
		return fmt.Errorf("the folder %s cannot be written to", folder)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// Export makes an order and writes its package as one recoverable
// transaction. Everything that can be checked is checked before a number
// is taken (the order, the settings, the destination). Then the number is
// taken with a journal row (j.ReserveExport), the package is built, its
// SHA-256 recorded, the file written beside its destination, synced and
// moved into place (without replacing a file unless req.Force), and the
// order recorded as exported with its designs ordered
// (j.CompleteExport). Any failure before the file is in place rolls back
// at once: the order is cancelled (its number is not used again) and
// nothing is left in the folder. A process killed in between leaves the
// journal row, which RecoverExports finishes at the next start: the file
// at its destination always has its record, a number without a file is
// cancelled.
func Export(ctx context.Context, j Journal, req ExportRequest) (Exported, error) {
	var res Exported
	if req.Package == nil {
		return res, errors.New("export: nothing builds the package")
	}
	if _, err := storage.CheckOrderInput(req.Order); err != nil {
		return res, err
	}
	if err := CheckSettings(req.Settings); err != nil {
		return res, err
	}
	if !strings.EqualFold(req.Settings.Dealer.ID, req.Order.Dealer) {
		return res, fmt.Errorf("the order is for dealer %s, the settings are dealer %s's", req.Order.Dealer, req.Settings.Dealer.ID)
	}
	path, overwrite, err := destination(req.Out, req.Force)
	if err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	r, err := j.ReserveExport(ctx, req.Order, path, overwrite)
	if err != nil {
		return res, err
	}
	res.Order = r.Order
	exportStep("reserved")
	// rollback cancels the order: nothing reached the destination.
	rollback := func(cause error) (Exported, error) {
		if err := j.AbandonExport(context.WithoutCancel(ctx), r.Order.ID); err != nil {
			return res, fmt.Errorf("%w (and the export could not be rolled back: %v; it will be at the next start)", cause, err)
		}
		res.Order.Status = "cancelled"
		return res, cause
	}
	if !r.Overwrite {
		if _, err := os.Lstat(r.Path); err == nil {
			return rollback(fmt.Errorf("%s: %w", r.Path, ErrFileExists))
		}
	}
	_, data, err := req.Package(ctx, r.Order.ID, req.Settings)
	if err != nil {
		return rollback(err)
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if err := j.RecordExportHash(ctx, r.Order.ID, sha); err != nil {
		return rollback(err)
	}
	exportStep("hashed")
	if err := writeTemp(r.Temp, data); err != nil {
		return rollback(fmt.Errorf("write %s: %w", r.Path, err))
	}
	exportStep("written")
	if err := ctx.Err(); err != nil {
		return rollback(err)
	}
	if err := publish(r.Temp, r.Path, r.Overwrite); err != nil {
		return rollback(err)
	}
	res.Path, res.Size, res.SHA256 = r.Path, len(data), sha
	exportStep("published")
	o, err := j.CompleteExport(context.WithoutCancel(ctx), r.Order.ID)
	if err != nil {
		return res, fmt.Errorf("order %s was written to %s, but could not be recorded: %w; it will be recorded at the next start", r.Order.Number, r.Path, err)
	}
	res.Order = o
	return res, nil
}

// writeTemp writes an export's temporary file (which must not exist) and
// syncs it.
func writeTemp(temp string, data []byte) error {
	f, err := os.OpenFile(temp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(temp, 0o644) // whatever the umask: the package is sent on
}

// publish moves a written temporary file onto path. With overwrite it
// replaces a file there (safefile.Replace: on Windows, not while another
// program has it open); without, it refuses one atomically
// (safefile.PlaceNew).
func publish(temp, path string, overwrite bool) error {
	var err error
	if overwrite {
		if err = safefile.Replace(temp, path); err == nil {
			safefile.SyncDir(filepath.Dir(path))
		}
	} else {
		err = safefile.PlaceNew(temp, path)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %w", path, ErrFileExists)
	case errors.Is(err, safefile.ErrInUse):
		return err
	}
	return fmt.Errorf("write %s: %w", path, err)
}
