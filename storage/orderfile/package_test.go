package orderfile

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// demoOrder saves three designs and a customer in a new database and
// creates an order of them.
func demoOrder(t testing.TB) (*storage.DB, int64, []CatalogSource) {
	t.Helper()
	ctx := context.Background()
	t.Setenv("TZ", "UTC")
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	storage.SetClock(db, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, storage.Builtin)
	if err != nil {
		t.Fatal(err)
	}
	cust, err := db.SaveCustomer(ctx, storage.Customer{Name: "Anna Meyer", Email: "anna@example.org", Phone: "+49 30 1234567",
		Address: "Anna Meyer\nHauptstraße 12\n10115 Berlin", ConsentAt: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []storage.OrderLine
	for _, d := range []struct {
		name, product string
		decisions     map[string]string
		qty           int
		discount      string
	}{
		{"Corner desk", "lift-desk", map[string]string{"width": "1800", "top": "walnut", "extras": "tray,arm"}, 2, ""},
		{"Lounge sofa", "kolme-sofa", map[string]string{"seats": "3", "cover": "velvet"}, 1, "5"},
		{"Kitchen window", "klar-window", map[string]string{"width": "1230"}, 3, ""},
	} {
		_, rev, err := db.SaveDesign(ctx, storage.DesignInput{Name: d.name, ProductID: d.product, ProductName: cat.Product(d.product).Name["en"],
			Catalog: rec.ID, Customer: cust, Quantity: d.qty, Decisions: d.decisions, Currency: "EUR", Total: "0.00"})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, storage.OrderLine{Revision: rev.ID, Quantity: d.qty, Discount: d.discount})
	}
	o, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: "BER01", Customer: cust, RequestedDate: "2027-01-15", Notes: "Deliver to the third floor.", Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	return db, o.ID, []CatalogSource{NewCatalogSource(assets.DemoCatalogJSON, cat)}
}

func testSettings(t testing.TB, key *sign.Key) Settings {
	return Settings{
		Dealer:       Dealer{ID: "BER01", Name: "Wohnwerk Berlin GmbH", Address: "Torstraße 1\n10119 Berlin", Email: "order@wohnwerk.example", VATID: "DE123456789"},
		Terms:        catalog.Terms{DealerDiscount: decimal.RequireFromString("32"), GroupDiscounts: map[string]decimal.Decimal{"living": decimal.RequireFromString("35")}, Adjust: decimal.RequireFromString("-3"), TaxRate: decimal.RequireFromString("19")},
		PaymentTerms: "30 days net.",
		Language:     "en",
		AppVersion:   "test",
		Key:          key,
	}
}

var testKey = func() *sign.Key {
	k, err := sign.Generate()
	if err != nil {
		panic(err)
	}
	return k
}()

func TestPackageIsDeterministicAndVerifies(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	o, a, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the same order exported twice gives different bytes")
	}
	r := Verify(a, cats, testTrust(), DefaultLimits)
	if !r.OK || r.Number != o.Number || r.Lines != 3 {
		t.Fatalf("verify: %+v", r)
	}
	// Golden order.json and lines.csv.
	files, _, err := ReadZip(a, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"order.json", "lines.csv"} {
		path := filepath.Join("testdata", "golden-"+name)
		if *update {
			os.MkdirAll("testdata", 0o755)
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(files[name], want) {
			t.Errorf("%s differs from %s (run with -update after checking)", name, path)
		}
	}
	// Without the catalog the lines cannot be checked.
	if r := Verify(a, nil, testTrust(), DefaultLimits); r.OK || !hasFinding(r, "line 1", "not available here") {
		t.Errorf("verify without catalogs: %+v", r.Findings)
	}
}

func hasFinding(r *Report, where, text string) bool {
	for _, f := range r.Findings {
		if f.Severity == "error" && strings.Contains(f.Where, where) && strings.Contains(f.Message, text) {
			return true
		}
	}
	return false
}

// rezip rebuilds a package with a change: edit gets every file's name and
// content and returns the new content (nil drops the file); extra files are
// appended.
func rezip(t *testing.T, pkg []byte, edit func(name string, data []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	files, names, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	write := func(name string, data []byte) {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	for _, n := range names {
		if d := edit(n, files[n]); d != nil {
			write(n, d)
		}
	}
	for n, d := range extra {
		write(n, d)
	}
	zw.Close()
	return buf.Bytes()
}

func TestTamperingIsCaught(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	_, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	// Another order of the same dealer, for replays.
	ol := []storage.OrderLine{{Revision: 1, Quantity: 1}}
	o2, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: "BER01", Lines: ol})
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := PackageOrder(ctx, db, o2.ID, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	otherFiles, _, _ := ReadZip(other, DefaultLimits)
	flip := func(target string) func(string, []byte) []byte {
		return func(n string, d []byte) []byte {
			if n == target {
				d = bytes.Clone(d)
				d[len(d)/2] ^= 0x01
			}
			return d
		}
	}
	intruder, _ := sign.Generate()
	for _, tc := range []struct {
		name  string
		pkg   []byte
		where string
		want  string
	}{
		{"a byte of order.json", rezip(t, pkg, flip("order.json"), nil), "order.json", "differs from the manifest"},
		{"a byte of lines.csv", rezip(t, pkg, flip("lines.csv"), nil), "lines.csv", "differs from the manifest"},
		{"a byte of quote.pdf", rezip(t, pkg, flip("quote.pdf"), nil), "quote.pdf", "differs from the manifest"},
		{"a byte of a preview", rezip(t, pkg, flip("previews/line-2.png"), nil), "previews/line-2.png", "differs from the manifest"},
		{"a byte of the manifest", rezip(t, pkg, flip("manifest.json"), nil), "", ""},
		{"a byte of the signature", rezip(t, pkg, flip("manifest.sig"), nil), "manifest.sig", ""},
		{"two previews swapped", rezip(t, pkg, func(n string, d []byte) []byte {
			files, _, _ := ReadZip(pkg, DefaultLimits)
			switch n {
			case "previews/line-1.png":
				return files["previews/line-2.png"]
			case "previews/line-2.png":
				return files["previews/line-1.png"]
			}
			return d
		}, nil), "previews/line-1.png", "differs from the manifest"},
		{"a price lowered, the manifest updated", resign(t, pkg, func(o string) string {
			return strings.Replace(o, `"gross": "`, `"gross": "1`, 1)
		}, testKey), "line 1", "gross is"},
		{"a line discount raised, the manifest updated", resign(t, pkg, func(o string) string {
			return strings.Replace(o, `"line_discount": "0"`, `"line_discount": "40"`, 1)
		}, testKey), "line 1", "customer net is"},
		{"a price lowered and signed by another key", resign(t, pkg, func(o string) string {
			return strings.Replace(o, `"customer_net": "`, `"customer_net": "9`, 1)
		}, intruder), "signature", "not enrolled for dealer BER01"},
		{"a file added", rezip(t, pkg, func(_ string, d []byte) []byte { return d }, map[string][]byte{"previews/line-9.png": []byte("hi")}), "previews/line-9.png", "not listed in the manifest"},
		{"a file not of the format added", rezip(t, pkg, func(_ string, d []byte) []byte { return d }, map[string][]byte{"notes.txt": []byte("hi")}), "archive", `"notes.txt" is not a file of an order package`},
		{"a file removed", rezip(t, pkg, func(n string, d []byte) []byte {
			if n == "lines.csv" {
				return nil
			}
			return d
		}, nil), "lines.csv", "missing from the package"},
		{"another order's signature", rezip(t, pkg, func(n string, d []byte) []byte {
			if n == "manifest.sig" {
				return otherFiles["manifest.sig"]
			}
			return d
		}, nil), "manifest.sig", "does not match the manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Verify(tc.pkg, cats, testTrust(), DefaultLimits)
			if r.OK {
				t.Fatal("accepted")
			}
			if tc.want != "" && !hasFinding(r, tc.where, tc.want) {
				t.Errorf("findings %+v, want %q at %q", r.Findings, tc.want, tc.where)
			}
		})
	}
}

// resign changes order.json, updates the manifest's hash and signs the
// manifest with key: only the re-checked prices (or the expected key) can
// catch it.
func resign(t *testing.T, pkg []byte, change func(string) string, key *sign.Key) []byte {
	t.Helper()
	files, names, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	files["order.json"] = []byte(change(string(files["order.json"])))
	var m Manifest
	if err := strictJSON(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		if f.Name == "order.json" {
			sum := sha256Hex(files["order.json"])
			m.Files[i].SHA256, m.Files[i].Size = sum, int64(len(files["order.json"]))
		}
	}
	m.DealerKey, m.DealerFingerprint = key.Public().String(), key.Public().Fingerprint()
	mb, _ := jsonIndent(m)
	files["manifest.json"] = mb
	files["manifest.sig"] = []byte(b64(key.Sign(mb)) + "\n")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write(files[n])
	}
	zw.Close()
	return buf.Bytes()
}

func TestUnsafeArchivesAreRefusedBeforeReading(t *testing.T) {
	mk := func(entries map[string]string, mode func(*zip.FileHeader)) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for n, d := range entries {
			h := &zip.FileHeader{Name: n, Method: zip.Deflate}
			if mode != nil {
				mode(h)
			}
			w, _ := zw.CreateHeader(h)
			w.Write([]byte(d))
		}
		zw.Close()
		return buf.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"escaping path", mk(map[string]string{"../evil": "x"}, nil), "unsafe path"},
		{"absolute path", mk(map[string]string{"/etc/passwd": "x"}, nil), "unsafe path"},
		{"backslash path", mk(map[string]string{`..\evil`: "x"}, nil), "unsafe path"},
		{"symlink", mk(map[string]string{"link": "/etc/passwd"}, func(h *zip.FileHeader) { h.SetMode(0o777 | 1<<27) }), "link"},
		{"zip bomb", mk(map[string]string{"big": strings.Repeat("0", 20<<20)}, nil), "compressed"},
		{"not a zip", []byte("PK but not really"), "not a zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadZip(tc.data, DefaultLimits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}
