package orderfile

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
)

// CatalogSource is a catalog the verifier may check lines against: its
// source bytes (as imported: JSON or zip) and the catalog parsed from them.
type CatalogSource struct {
	SHA256  string
	Catalog *catalog.Catalog
}

// NewCatalogSource hashes and keeps a parsed catalog.
func NewCatalogSource(src []byte, cat *catalog.Catalog) CatalogSource {
	sum := sha256.Sum256(src)
	return CatalogSource{SHA256: hex.EncodeToString(sum[:]), Catalog: cat}
}

// Finding is one result of a verification.
type Finding struct {
	Severity string `json:"severity"` // error, warning
	Where    string `json:"where"`    // a file, "line N", "signature", ...
	Message  string `json:"message"`
}

// Report is the result of Verify.
type Report struct {
	OK                bool      `json:"ok"` // no errors
	Number            string    `json:"number,omitempty"`
	Revision          int       `json:"revision,omitempty"`
	DealerFingerprint string    `json:"dealer_fingerprint,omitempty"`
	DealerKey         string    `json:"dealer_key,omitempty"`  // the signing key (base64), once its signature holds
	Dealer            string    `json:"dealer,omitempty"`      // the dealer code the order names
	DealerName        string    `json:"dealer_name,omitempty"` // as enrolled, else as the order says
	Trust             string    `json:"trust,omitempty"`       // why the signer is trusted: enrolled, own key, not checked (--trust-any)
	Lines             int       `json:"lines"`
	Findings          []Finding `json:"findings"`
	Order             *Order    `json:"-"`
}

func (r *Report) errorf(where, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{"error", where, fmt.Sprintf(format, args...)})
}

func (r *Report) warnf(where, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{"warning", where, fmt.Sprintf(format, args...)})
}

//go:embed order.schema.json
var orderSchemaJSON []byte

// OrderSchema is the JSON Schema of order.json (docs/order-format.md).
func OrderSchema() []byte { return orderSchemaJSON }

var orderSchema = func() *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(orderSchemaJSON))
	if err != nil {
		panic(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	const id = "https://atelier.app/schema/atelier-order-1.json"
	if err := c.AddResource(id, doc); err != nil {
		panic(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		panic(err)
	}
	return s
}()

// Limits on the small files, checked before they are parsed.
const (
	maxManifestBytes  = 1 << 20
	maxSignatureBytes = 256
)

// Verify checks an order package the way the manufacturer must, cheapest
// and most decisive checks first, so that a forgery costs little work:
//  1. the archive is one clean zip of the format's files within the
//     limits (ReadZip);
//  2. the manifest is signed by the key it names, and every file is
//     listed in it with its hash, and nothing else is there — on any
//     failure here verification stops: nothing unsigned is parsed;
//  3. order.json follows its schema (lengths bounded) and its signer is
//     trusted for the dealer the order names (trust: the dealer registry;
//     an untrusted signer also stops verification);
//  4. order.json agrees with the manifest, lines.csv, the OEX order
//     message (computed again, byte for byte; a package made before it
//     existed gets a warning) and the previews
//     (each decoded whole); every line is checked again against its
//     catalog (found among catalogs by content hash): its configuration
//     must keep the rules, and its article code, bill of materials and
//     prices are computed again and must match; the totals add up.
//
// It reports every finding in plain words.
func Verify(data []byte, catalogs []CatalogSource, trust Trust, lim Limits) *Report {
	r := &Report{Findings: []Finding{}}
	defer func() { r.OK = !slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity == "error" }) }()
	files, _, err := ReadZip(data, lim)
	if err != nil {
		r.errorf("archive", "%v", err)
		return r
	}
	// The manifest and its signature: nothing else is read before they hold.
	manifestBytes, ok := files["manifest.json"]
	if !ok {
		r.errorf("manifest.json", "missing: the package cannot be checked")
		return r
	}
	m, err := ReadManifest(manifestBytes)
	if err != nil {
		r.errorf("manifest.json", "%v", strings.TrimPrefix(err.Error(), "manifest.json: "))
		return r
	}
	key, err := sign.ParsePublicKey(m.DealerKey)
	if err != nil {
		r.errorf("manifest.json", "the dealer key is not an ed25519 public key")
		return r
	}
	r.DealerFingerprint = key.Fingerprint()
	sigText, ok := files["manifest.sig"]
	if !ok {
		r.errorf("manifest.sig", "missing: the package is not signed")
		return r
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sigText)))
	switch {
	case len(sigText) > maxSignatureBytes || err != nil:
		r.errorf("manifest.sig", "not a base64 signature")
		return r
	case !key.Verify(manifestBytes, sig):
		r.errorf("manifest.sig", "the signature does not match the manifest: the manifest was changed after signing, or the signature belongs to another package")
		return r
	}
	r.DealerKey = key.String()
	if m.DealerFingerprint != key.Fingerprint() {
		r.errorf("manifest.json", "the fingerprint %q does not belong to the dealer key in the manifest (%s)", prefix(m.DealerFingerprint, 60), key.Fingerprint())
		return r
	}
	// Every file listed, hashed, and nothing else.
	listed := map[string]bool{}
	for _, mf := range m.Files {
		if listed[mf.Name] || mf.Name == "manifest.json" || mf.Name == "manifest.sig" {
			r.errorf("manifest.json", "lists %q twice", mf.Name)
			continue
		}
		listed[mf.Name] = true
		b, ok := files[mf.Name]
		if !ok {
			r.errorf(prefix(mf.Name, 80), "listed in the manifest but missing from the package")
			continue
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != mf.SHA256 || int64(len(b)) != mf.Size {
			r.errorf(mf.Name, "its content differs from the manifest (SHA-256 %s…, expected %s…): the file was changed", hex.EncodeToString(sum[:])[:12], prefix(mf.SHA256, 12))
		}
	}
	for _, name := range sortedKeys(files) {
		if !listed[name] && name != "manifest.json" && name != "manifest.sig" {
			r.errorf(name, "not listed in the manifest: the file was added after signing")
		}
	}
	if len(r.Findings) > 0 {
		return r // signed, but not these bytes: nothing of it is trusted
	}
	// order.json, then who signed it.
	orderBytes, ok := files["order.json"]
	if !ok {
		r.errorf("order.json", "missing")
		return r
	}
	if err := checkJSONSize(orderBytes, maxOrderValues); err != nil {
		r.errorf("order.json", "%v", err)
		return r
	}
	// Who signed, before the schema check (the costlier one) looks at what
	// a stranger wrote: the typed decode is cheap and bounded.
	var o Order
	if err := strictJSON(orderBytes, &o); err != nil {
		r.errorf("order.json", "%s", prefix(oneLine(err), 300))
		return r
	}
	created, err := time.Parse(time.RFC3339, o.Created)
	if err != nil {
		r.errorf("order.json", "the creation time %q is not a time", prefix(o.Created, 40))
		return r
	}
	// What the package says it is, before it is trusted: for the
	// manufacturer's answer to name the order either way.
	r.Dealer, r.DealerName = o.Dealer.ID, o.Dealer.Name
	if orderNumber.MatchString(o.Number) {
		r.Number, r.Revision = o.Number, min(max(o.Revision, 1), 999)
	}
	if !trust.checkSigner(r, key, o.Dealer.ID, created) {
		return r // an untrusted signer's order is not checked further
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(orderBytes))
	if err != nil {
		r.errorf("order.json", "not JSON: %v", err)
		return r
	}
	if err := orderSchema.Validate(inst); err != nil {
		r.errorf("order.json", "does not follow the order schema: %s", prefix(oneLine(err), 600))
		return r
	}
	r.Order, r.Number, r.Lines = &o, o.Number, len(o.Lines)
	if !strings.HasPrefix(o.Number, o.Dealer.ID+"-") {
		r.errorf("order.json", "the order number %s is not one of dealer %s's (%s-NNNNN): an order cannot be moved to another dealer", o.Number, o.Dealer.ID, o.Dealer.ID)
	}
	if created.After(time.Now().Add(24 * time.Hour)) {
		r.warnf("order.json", "dated %s, in the future", created.UTC().Format("2006-01-02 15:04 MST"))
	}
	if m.Order != o.Number {
		r.errorf("manifest.json", "made for order %s, but order.json is order %s", m.Order, o.Number)
	}
	if !reflect.DeepEqual(m.Catalogs, catalogsOf(&o)) {
		r.errorf("manifest.json", "its catalog list does not match the catalogs of the order's lines")
	}
	switch got, want := sortedKeys(files), expectedFiles(&o); {
	case reflect.DeepEqual(got, want):
		checkOEX(r, &o, files)
	case reflect.DeepEqual(got, earlierFiles(&o)):
		r.warnf(OEXName(&o), "made by an earlier Atelier: no OEX order message")
	default:
		r.errorf("manifest.json", "the package holds %s; an order of %d %s holds exactly %s", strings.Join(got, ", "), len(o.Lines), plural(len(o.Lines), "line", "lines"), strings.Join(want, ", "))
	}
	if csvWant, err := LinesCSV(&o); err == nil && !bytes.Equal(csvWant, files["lines.csv"]) {
		if legacy, err := legacyLinesCSV(&o); err == nil && bytes.Equal(legacy, files["lines.csv"]) {
			r.warnf("lines.csv", "written by an earlier Atelier: lines end in LF only and cells that a spreadsheet reads as formulas are not neutralised; open it in a spreadsheet with care")
		} else {
			r.errorf("lines.csv", "does not match the bill of materials in order.json")
		}
	}
	if pdf := files["quote.pdf"]; !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[max(0, len(pdf)-1024):], []byte("startxref")) ||
		!bytes.Contains(pdf, []byte("/Type /Page")) {
		r.errorf("quote.pdf", "missing, or not a whole PDF document with pages")
	}
	// Lines.
	terms, err := o.Terms.CatalogTerms()
	if err != nil {
		r.errorf("order.json", "%v", err)
		return r
	}
	// The previews are decoded whole (most of the work of verifying a real
	// order) on up to four cores: each decode holds a picture, so more
	// workers would raise the peak memory with the machine's size.
	previewErrs := make([]error, len(o.Lines))
	parallelAtMost(len(o.Lines), min(runtime.GOMAXPROCS(0), 4), func(i int) error {
		if o.Lines[i].Preview == PreviewName(i+1) {
			previewErrs[i] = checkPreview(files[PreviewName(i+1)])
		}
		return nil
	})
	var lines []Line
	for i, l := range o.Lines {
		where := fmt.Sprintf("line %d", i+1)
		if l.Number != i+1 {
			r.errorf(where, "numbered %d", l.Number)
		}
		if l.Preview != PreviewName(i+1) {
			r.errorf(where, "its preview is %q, not %q", l.Preview, PreviewName(i+1))
		} else if previewErrs[i] != nil {
			r.errorf(l.Preview, "%v", previewErrs[i])
		}
		if l.Catalog.Signature == "unsigned" {
			r.warnf(where, "designed with an unsigned catalog (%s %s): its authenticity is not proven", l.Catalog.ID, l.Catalog.Version)
		}
		var src *CatalogSource
		for j := range catalogs {
			if catalogs[j].SHA256 == l.Catalog.SHA256 {
				src = &catalogs[j]
			}
		}
		if src == nil {
			r.errorf(where, "catalog %s %s (SHA-256 %s…) is not available here: pass it with --catalog to check this line's rules and prices", l.Catalog.ID, l.Catalog.Version, prefix(l.Catalog.SHA256, 12))
			lines = append(lines, l)
			continue
		}
		if src.Catalog.ID != l.Catalog.ID || src.Catalog.Version != l.Catalog.Version {
			r.errorf(where, "the catalog with that content is %s %s, not %s %s", src.Catalog.ID, src.Catalog.Version, l.Catalog.ID, l.Catalog.Version)
		}
		lineDiscount, err := decimal.NewFromString(l.Price.LineDiscount)
		if err != nil {
			r.errorf(where, "line discount %q is not a number", l.Price.LineDiscount)
			continue
		}
		want, err := MakeLine(LineInput{Catalog: src.Catalog, Ref: l.Catalog, Product: l.Product, Decisions: l.Decisions, Configuration: l.Config,
			Quantity: l.Quantity, Language: o.Language, Terms: terms, LineDiscount: lineDiscount})
		if err != nil {
			r.errorf(where, "%v", err)
			lines = append(lines, l)
			continue
		}
		compareLine(r, where, l, want)
		lines = append(lines, l)
	}
	if sum, err := Sum(lines); err != nil {
		r.errorf("order.json", "%v", err)
	} else if sum != o.Totals {
		r.errorf("order.json", "the totals %+v are not the sum of the lines %+v", o.Totals, sum)
	}
	return r
}

// maxOrderValues bounds the JSON values (objects, arrays, strings, numbers,
// keys) in order.json before it is parsed into a tree for the schema check,
// which costs up to a kilobyte per value when each value fails the schema:
// a real line has about 250, so this allows some 240 lines (order.json
// itself is at most 1 MiB, some 250 lines).
const maxOrderValues = 60_000

// checkJSONSize reads a JSON document token by token (in constant memory)
// and refuses one with more than limit values, nested deeper than 32, or
// with a key twice in one object, also in another case ("dealer" and
// "Dealer"): Go's decoder takes the last of them, case-insensitively, while
// other readers take the first, so the signed bytes would mean two things.
func checkJSONSize(b []byte, limit int) error {
	type frame struct {
		object, wantKey bool
		keys            map[string]bool
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var stack []frame
	valueDone := func() {
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
	n := 0
	for {
		t, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not JSON: %v", err)
		}
		if t == json.Delim('}') || t == json.Delim(']') {
			stack = stack[:len(stack)-1]
			valueDone()
			continue
		}
		if n++; n > limit {
			return fmt.Errorf("holds more than %d JSON values; an order holds some 250 per line", limit)
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].wantKey = false
			}
			if len(stack) == 32 {
				return fmt.Errorf("nested more than 32 levels deep; an order is not")
			}
			stack = append(stack, frame{object: t == json.Delim('{'), wantKey: true, keys: map[string]bool{}})
			continue
		}
		if top := len(stack) - 1; top >= 0 && stack[top].object && stack[top].wantKey {
			key := foldKey(t.(string))
			if stack[top].keys[key] {
				return fmt.Errorf("the key %q appears twice in one object (perhaps in another case): readers would disagree on its value", prefix(t.(string), 40))
			}
			stack[top].keys[key] = true
			stack[top].wantKey = false
			continue
		}
		valueDone()
	}
}

// foldKey is a key as Go's JSON decoder matches it: every letter replaced
// by the smallest of its case-folding orbit.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		low := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			low = min(low, f)
		}
		return low
	}, s)
}

// expectedFiles are the files an order's package holds, sorted.
func expectedFiles(o *Order) []string {
	out := append(earlierFiles(o), OEXName(o))
	slices.Sort(out)
	return out
}

// earlierFiles are the files of an order's package as Atelier made it
// before the OEX order message, sorted: such packages still verify, with
// a warning.
func earlierFiles(o *Order) []string {
	out := []string{"lines.csv", "manifest.json", "manifest.sig", "order.json", "quote.pdf"}
	for i := range o.Lines {
		out = append(out, PreviewName(i+1))
	}
	slices.Sort(out)
	return out
}

// checkOEX computes the OEX order message again from order.json and
// requires the package's to be the same bytes.
func checkOEX(r *Report, o *Order, files map[string][]byte) {
	name, want, err := OEX(o)
	switch {
	case err != nil:
		r.errorf(OEXName(o), "cannot be computed from order.json: %v", err)
	case !bytes.Equal(files[name], want):
		r.errorf(name, "does not match order.json: the OEX order message says something else than the order")
	}
}

// PreviewWidth and PreviewHeight are the size of every preview: the format
// defines it, so a preview's work for the verifier is bounded.
const (
	PreviewWidth  = 640
	PreviewHeight = 400
)

// checkPreview decodes a preview whole: a PNG of the format's size whose
// header does not lie about its pixels.
func checkPreview(b []byte) error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "png" {
		return fmt.Errorf("not a PNG picture")
	}
	if cfg.Width != PreviewWidth || cfg.Height != PreviewHeight {
		return fmt.Errorf("a picture of %d×%d pixels; a preview is %d×%d", cfg.Width, cfg.Height, PreviewWidth, PreviewHeight)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		return fmt.Errorf("a damaged PNG picture (%v)", err)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// compareLine reports where a line differs from the line computed again.
func compareLine(r *Report, where string, got, want Line) {
	if got.ArticleCode != want.ArticleCode {
		r.errorf(where, "article code %s, but the configuration gives %s", got.ArticleCode, want.ArticleCode)
	}
	if got.ProductName != want.ProductName || !reflect.DeepEqual(got.Options, want.Options) {
		r.errorf(where, "the options in words do not match the configuration")
	}
	if !reflect.DeepEqual(got.BOM, want.BOM) {
		r.errorf(where, "the bill of materials does not match the configuration")
	}
	gp, wp := got.Price, want.Price
	if !reflect.DeepEqual(gp.Breakdown, wp.Breakdown) {
		r.errorf(where, "the price breakdown differs from the catalog's prices")
	}
	for _, f := range []struct{ name, got, want string }{
		{"list price", gp.ListTotal, wp.ListTotal}, {"unit list price", gp.ListUnit, wp.ListUnit},
		{"dealer discount", gp.DealerDiscount, wp.DealerDiscount}, {"dealer net", gp.DealerNet, wp.DealerNet},
		{"customer price", gp.CustomerPrice, wp.CustomerPrice}, {"customer net", gp.CustomerNet, wp.CustomerNet},
		{"adjustment", gp.Adjust, wp.Adjust}, {"tax rate", gp.TaxRate, wp.TaxRate}, {"tax", gp.Tax, wp.Tax}, {"gross", gp.Gross, wp.Gross},
	} {
		if f.got != f.want {
			r.errorf(where, "%s is %s, but the catalog and terms give %s", f.name, f.got, f.want)
		}
	}
}

// strictJSON decodes one JSON value, refusing unknown fields and trailing
// data.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

func sortedKeys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// ReadManifest reads manifest.json (not checking its signature: Verify
// does).
func ReadManifest(b []byte) (Manifest, error) {
	var m Manifest
	if len(b) > maxManifestBytes {
		return m, fmt.Errorf("manifest.json: %d bytes; a manifest is at most %d", len(b), maxManifestBytes)
	}
	if err := checkJSONSize(b, maxOrderValues); err != nil {
		return m, fmt.Errorf("manifest.json: %v", err)
	}
	if k, ok := unusualKey(b); ok {
		return m, fmt.Errorf("manifest.json: the key %q is not one of the manifest's (they are written in lower case)", prefix(k, 40))
	}
	if err := strictJSON(b, &m); err != nil || m.Format != ManifestFormat {
		return m, fmt.Errorf("manifest.json: not a valid manifest (format %q): %v", prefix(m.Format, 40), err)
	}
	return m, nil
}

// legacyLinesCSV is lines.csv as Atelier wrote it before CRLF line ends and
// formula neutralisation: packages made then still verify, with a warning.
func legacyLinesCSV(o *Order) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"order", "line", "article_code", "product", "line_quantity", "sku", "name", "quantity", "unit"})
	for _, l := range o.Lines {
		for _, b := range l.BOM {
			w.Write([]string{o.Number, strconv.Itoa(l.Number), l.ArticleCode, l.Product, strconv.Itoa(l.Quantity), b.SKU, b.Name, b.Quantity, b.Unit})
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// unusualKey finds an object key that is not lower-case snake case:
// Go's decoder would take "DEALER_KEY" for dealer_key, other readers
// would not, and the manifest's own keys are all written in lower case.
func unusualKey(b []byte) (string, bool) {
	var found string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if found == "" && strings.IndexFunc(k, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') }) >= 0 {
					found = k
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return "", false // strictJSON reports it
	}
	walk(v)
	return found, found != ""
}
