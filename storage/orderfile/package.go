package orderfile

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/atelier-app/atelier/catalog/sign"
)

// ManifestFormat is the version of manifest.json.
const ManifestFormat = "atelier-order-manifest/1"

// Manifest is manifest.json: what the package holds, signed by the dealer.
type Manifest struct {
	Format            string         `json:"format"`
	Order             string         `json:"order"` // the order number
	AppVersion        string         `json:"app_version"`
	Files             []ManifestFile `json:"files"` // every other file but manifest.sig, by name
	Catalogs          []CatalogRef   `json:"catalogs"`
	DealerKey         string         `json:"dealer_key"` // ed25519, base64
	DealerFingerprint string         `json:"dealer_fingerprint"`
}

// ManifestFile is one file's hash.
type ManifestFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Build assembles the package of an order: order.json, lines.csv, the
// OEX order message (OEX), the quote PDF, a preview per line (previews[i] for o.Lines[i]), and the
// manifest signed with the dealer's key. An order.json that does not
// follow the order schema (the one Verify checks) is refused before
// anything is signed, and so is a package beyond DefaultLimits. The zip is deterministic: fixed
// file order, every file dated with the order's creation time.
func Build(o *Order, previews [][]byte, quote []byte, appVersion string, key *sign.Key) ([]byte, error) {
	if o.Format == "" {
		o.Format = Format
	}
	if len(previews) != len(o.Lines) {
		return nil, fmt.Errorf("order %s: %d previews for %d lines", o.Number, len(previews), len(o.Lines))
	}
	created, err := time.Parse(time.RFC3339, o.Created)
	if err != nil {
		return nil, fmt.Errorf("order %s: creation time %q: %w", o.Number, o.Created, err)
	}
	for i := range o.Lines {
		o.Lines[i].Preview = PreviewName(i + 1)
	}
	orderJSON, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return nil, err
	}
	orderJSON = append(orderJSON, '\n')
	// What verify refuses is not signed: the same schema.
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(orderJSON))
	if err != nil {
		return nil, fmt.Errorf("order %s: %w", o.Number, err)
	}
	if err := orderSchema.Validate(inst); err != nil {
		return nil, fmt.Errorf("order %s does not follow the order schema: %s", o.Number, strings.Join(strings.Fields(err.Error()), " "))
	}
	linesCSV, err := LinesCSV(o)
	if err != nil {
		return nil, err
	}
	oexName, oex, err := OEX(o)
	if err != nil {
		return nil, err
	}
	files := []zipFile{{"order.json", orderJSON}, {"lines.csv", linesCSV}, {oexName, oex}, {"quote.pdf", quote}}
	for i, p := range previews {
		if len(p) == 0 {
			return nil, fmt.Errorf("order %s: line %d has no preview", o.Number, i+1)
		}
		files = append(files, zipFile{PreviewName(i + 1), p})
	}
	m := Manifest{Format: ManifestFormat, Order: o.Number, AppVersion: appVersion,
		DealerKey: key.Public().String(), DealerFingerprint: key.Public().Fingerprint()}
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		m.Files = append(m.Files, ManifestFile{Name: f.name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(f.data))})
	}
	slices.SortFunc(m.Files, func(a, b ManifestFile) int { return compareStrings(a.Name, b.Name) })
	m.Catalogs = catalogsOf(o)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	manifest = append(manifest, '\n')
	sig := base64.StdEncoding.EncodeToString(key.Sign(manifest)) + "\n"
	files = append(files, zipFile{"manifest.json", manifest}, zipFile{"manifest.sig", []byte(sig)})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: created.UTC()})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	// Nor is a package signed that the manufacturer's reader refuses (too
	// big, too many lines for its limits).
	if _, _, err := ReadZip(buf.Bytes(), DefaultLimits); err != nil {
		return nil, fmt.Errorf("order %s: the package would be refused: %w", o.Number, err)
	}
	return buf.Bytes(), nil
}

type zipFile struct {
	name string
	data []byte
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// PreviewName is the file of line n's preview.
func PreviewName(n int) string { return "previews/line-" + strconv.Itoa(n) + ".png" }

// FileName is the package's file name for an order number.
func FileName(number string) string { return number + ".atelier-order.zip" }

// catalogsOf lists the catalog versions an order's lines use, once each,
// sorted.
func catalogsOf(o *Order) []CatalogRef {
	var out []CatalogRef
	for _, l := range o.Lines {
		if !slices.Contains(out, l.Catalog) {
			out = append(out, l.Catalog)
		}
	}
	slices.SortFunc(out, func(a, b CatalogRef) int {
		return compareStrings(a.ID+"\x00"+a.Version+"\x00"+a.SHA256, b.ID+"\x00"+b.Version+"\x00"+b.SHA256)
	})
	return out
}

// LinesCSV is lines.csv: one row per component of every line, for ERP
// import: RFC 4180, comma-separated, a header row, CRLF after every row
// (also inside quoted cells) on every system. Cells that a spreadsheet
// would run as a formula are neutralised (csvCell); Verify recomputes the
// file with this function, so both sides agree byte for byte.
func LinesCSV(o *Order) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write([]string{"order", "line", "article_code", "product", "line_quantity", "sku", "name", "quantity", "unit"})
	for _, l := range o.Lines {
		for _, b := range l.BOM {
			w.Write([]string{csvCell(o.Number, false), strconv.Itoa(l.Number), csvCell(l.ArticleCode, false), csvCell(l.Product, false),
				strconv.Itoa(l.Quantity), csvCell(b.SKU, false), csvCell(b.Name, false), csvCell(b.Quantity, true), csvCell(b.Unit, false)})
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// CSVCell is a cell of a CSV file for a spreadsheet or an ERP, neutralised
// as lines.csv's are (numeric: a column of numbers).
func CSVCell(s string, numeric bool) string { return csvCell(s, numeric) }

// plainNumber is a cell of a numeric column that stays as it is, negative
// or not.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// csvCell neutralises a cell a spreadsheet would take for a formula (the
// OWASP rule for CSV injection): one that starts with =, +, -, @, a tab or
// a carriage return, or the full-width ＝ ＋ － ＠, gets a leading
// apostrophe, which spreadsheets show as text; carriage returns are
// dropped. A plain number in a numeric column (numeric) is left alone, so
// -3.5 stays a number.
func csvCell(s string, numeric bool) string {
	// The writer drops a carriage return inside a cell (UseCRLF), which
	// could join what follows into a formula's first character: drop it
	// first, then look.
	s = strings.ReplaceAll(s, "\r", "")
	if s == "" || numeric && plainNumber.MatchString(s) {
		return s
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}
