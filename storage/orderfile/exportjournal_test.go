package orderfile

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/internal/viewer"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/safefile"
)

// exportFixture opens (or creates, with three saved designs and a
// customer) the database at path and returns the order to export.
func exportFixture(t *testing.T, path string) (*storage.DB, storage.OrderInput, []int64, []CatalogSource) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, storage.Builtin)
	if err != nil {
		t.Fatal(err)
	}
	cats := []CatalogSource{NewCatalogSource(assets.DemoCatalogJSON, cat)}
	in := storage.OrderInput{Dealer: "BER01", RequestedDate: "2027-01-15", Notes: "Third floor."}
	var designs []int64
	if found, _ := db.Designs(ctx, storage.Filter{}); len(found) > 0 {
		for _, d := range found {
			rev, err := db.Revision(ctx, d.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			designs = append(designs, d.ID)
			in.Lines = append(in.Lines, storage.OrderLine{Revision: rev.ID, Quantity: 1})
		}
		in.Customer = found[0].Customer
		return db, in, designs, cats
	}
	in.Customer, err = db.SaveCustomer(ctx, storage.Customer{Name: "Anna Meyer", Address: "Anna Meyer\nHauptstraße 12\n10115 Berlin", ConsentAt: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		name, product string
		decisions     map[string]string
	}{
		{"Corner desk", "lift-desk", map[string]string{"width": "1800", "top": "walnut"}},
		{"Lounge sofa", "kolme-sofa", map[string]string{"seats": "3", "cover": "velvet"}},
	} {
		des, rev, err := db.SaveDesign(ctx, storage.DesignInput{Name: d.name, ProductID: d.product, ProductName: cat.Product(d.product).Name["en"],
			Catalog: rec.ID, Customer: in.Customer, Quantity: 1, Decisions: d.decisions, Currency: "EUR", Total: "0.00"})
		if err != nil {
			t.Fatal(err)
		}
		designs = append(designs, des.ID)
		in.Lines = append(in.Lines, storage.OrderLine{Revision: rev.ID, Quantity: 1})
	}
	return db, in, designs, cats
}

func exportRequest(t *testing.T, db *storage.DB, in storage.OrderInput, out string) ExportRequest {
	return ExportRequest{Order: in, Out: out, Settings: testSettings(t, testKey),
		Package: func(ctx context.Context, id int64, s Settings) (*Order, []byte, error) {
			return PackageOrder(ctx, db, id, s)
		}}
}

// folderFiles lists a folder's entries.
func folderFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// checkState compares the orders (number: status) and the designs'
// statuses with what is wanted.
func checkState(t *testing.T, db *storage.DB, designs []int64, wantOrders []string, wantDesign storage.Status) {
	t.Helper()
	ctx := context.Background()
	orders, err := db.Orders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range orders {
		got = append(got, o.Number+": "+o.Status)
	}
	if strings.Join(got, ", ") != strings.Join(wantOrders, ", ") {
		t.Errorf("orders = %q, want %q", got, wantOrders)
	}
	for _, id := range designs {
		d, err := db.Design(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != wantDesign {
			t.Errorf("design %d is %s, want %s", id, d.Status, wantDesign)
		}
	}
}

// A failed export leaves no numbered draft, no ordered design and nothing
// in the folder: what can be checked is refused before a number is taken,
// a failure after it cancels the order at once.
func TestExportFailuresLeaveNothingBehind(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, req *ExportRequest, dir string)
		want string
		// wantOrders after the failure (a cancelled number, or none).
		wantOrders []string
		wantFiles  []string
	}{
		{"missing folder", func(t *testing.T, req *ExportRequest, dir string) {
			req.Out = filepath.Join(dir, "missing", "order.zip")
		}, "does not exist", nil, nil},
		{"refused discount", func(t *testing.T, req *ExportRequest, dir string) {
			req.Order.Lines = slices.Clone(req.Order.Lines)
			req.Order.Lines[1].Discount = "120"
		}, "line 2: the discount 120% is not between 0 and 100", nil, nil},
		{"impossible date", func(t *testing.T, req *ExportRequest, dir string) { req.Order.RequestedDate = "2026-02-30" }, "is not a date", nil, nil},
		{"dealer without a name", func(t *testing.T, req *ExportRequest, dir string) { req.Settings.Dealer.Name = " " }, "the dealer needs a name", nil, nil},
		{"one-letter language", func(t *testing.T, req *ExportRequest, dir string) { req.Settings.Language = "e" }, `the language "e" is not a language code`, nil, nil},
		{"dealer discount", func(t *testing.T, req *ExportRequest, dir string) {
			req.Settings.Terms.DealerDiscount = req.Settings.Terms.DealerDiscount.Neg()
		}, "the dealer discount -32% is not between 0 and 100", nil, nil},
		{"no key", func(t *testing.T, req *ExportRequest, dir string) { req.Settings.Key = nil }, "no signing key", nil, nil},
		{"existing file", func(t *testing.T, req *ExportRequest, dir string) {
			req.Out = filepath.Join(dir, "old.zip")
			write(t, req.Out, "an older order")
		}, "there is already a file there", nil, []string{"old.zip"}},
		{"existing file named by the number", func(t *testing.T, req *ExportRequest, dir string) {
			write(t, filepath.Join(dir, "BER01-00001.atelier-order.zip"), "an older order")
		}, "there is already a file there", []string{"BER01-00001: cancelled"}, []string{"BER01-00001.atelier-order.zip"}},
		{"existing file named by the number, forced", func(t *testing.T, req *ExportRequest, dir string) {
			write(t, filepath.Join(dir, "BER01-00001.atelier-order.zip"), "an older order")
			req.Force = true // replaces only the file Out names
		}, "there is already a file there", []string{"BER01-00001: cancelled"}, []string{"BER01-00001.atelier-order.zip"}},
		{"missing folder with a slash", func(t *testing.T, req *ExportRequest, dir string) {
			req.Out = filepath.Join(dir, "orders") + string(os.PathSeparator)
		}, "orders does not exist", nil, nil},
		{"schema error", func(t *testing.T, req *ExportRequest, dir string) {
			build := req.Package
			req.Package = func(ctx context.Context, id int64, s Settings) (*Order, []byte, error) {
				s.Dealer.Email = strings.Repeat("x", 100000) // beyond the schema's bounds
				s.Language = "x"
				return build(ctx, id, s)
			}
		}, "does not follow the order schema", []string{"BER01-00001: cancelled"}, nil},
		{"cancelled while building", func(t *testing.T, req *ExportRequest, dir string) {
			build := req.Package
			req.Package = func(ctx context.Context, id int64, s Settings) (*Order, []byte, error) {
				cctx, cancel := context.WithCancel(ctx)
				cancel()
				return build(cctx, id, s)
			}
		}, "context canceled", []string{"BER01-00001: cancelled"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db, in, designs, _ := exportFixture(t, filepath.Join(t.TempDir(), "atelier.db"))
			req := exportRequest(t, db, in, dir)
			tc.edit(t, &req, dir)
			res, err := Export(context.Background(), db, req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Export: %v, want %q", err, tc.want)
			}
			if res.Path != "" {
				t.Errorf("a failed export says it wrote %s", res.Path)
			}
			if len(tc.wantOrders) > 0 && res.Order.Number != "BER01-00001" {
				t.Errorf("the failed export's number = %q", res.Order.Number)
			}
			checkState(t, db, designs, tc.wantOrders, storage.Draft)
			if got := folderFiles(t, dir); strings.Join(got, ",") != strings.Join(tc.wantFiles, ",") {
				t.Errorf("folder holds %q, want %q", got, tc.wantFiles)
			}
			for _, f := range tc.wantFiles {
				if b, _ := os.ReadFile(filepath.Join(dir, f)); string(b) != "an older order" {
					t.Errorf("%s was changed: %q", f, b)
				}
			}
		})
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A finished export: the file at its destination verifies, and the order
// is recorded as exported with that file and its hash; its designs are
// ordered. --force replaces an existing file.
func TestExportRecordsTheFile(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		out      func(dir string) string
		force    bool
		wantFile string
	}{
		{"into a folder", func(dir string) string { return dir }, false, "BER01-00001.atelier-order.zip"},
		{"onto a new file", func(dir string) string { return filepath.Join(dir, "order.zip") }, false, "order.zip"},
		{"over a file, forced", func(dir string) string {
			p := filepath.Join(dir, "order.zip")
			os.WriteFile(p, []byte("an older order"), 0o644)
			return p
		}, true, "order.zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db, in, designs, cats := exportFixture(t, filepath.Join(t.TempDir(), "atelier.db"))
			req := exportRequest(t, db, in, tc.out(dir))
			req.Force = tc.force
			res, err := Export(ctx, db, req)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.wantFile)
			if res.Path != path {
				t.Errorf("path = %s, want %s", res.Path, path)
			}
			if got := folderFiles(t, dir); strings.Join(got, ",") != tc.wantFile {
				t.Errorf("folder holds %q, want only %s", got, tc.wantFile)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if r := Verify(data, cats, testTrust(), DefaultLimits); !r.OK || r.Number != "BER01-00001" {
				t.Errorf("the file does not verify: %+v", r.Findings)
			}
			o, err := db.Order(ctx, res.Order.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != "exported" || o.ExportedFile != path || o.ExportedHash != sha256Hex(data) || res.SHA256 != o.ExportedHash || res.Size != len(data) {
				t.Errorf("order = %+v, result %+v; want exported with the file's path and hash", o, res)
			}
			checkState(t, db, designs, []string{"BER01-00001: exported"}, storage.Ordered)
			if got, err := db.RecoverExports(ctx); err != nil || len(got) != 0 {
				t.Errorf("recovery after a finished export: %+v %v", got, err)
			}
		})
	}
}

// TestExportKilledAtEachStep kills an exporting process after each step
// (a child process that exits on the spot, as a crash or a kill would)
// and checks the database and the folder after recovery at the next
// start: a file at its destination has its record; a number without a
// file is cancelled; no temporary file is left.
func TestExportKilledAtEachStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	ctx := context.Background()
	for _, tc := range []struct {
		step       string
		wantStatus string
		wantFiles  bool // the package is at its destination
	}{
		{"reserved", "cancelled", false}, // before the file was built
		{"hashed", "cancelled", false},   // before the write
		{"written", "cancelled", false},  // after the write, before the rename
		{"published", "exported", true},  // after the rename, before the record
	} {
		t.Run(tc.step, func(t *testing.T) {
			dir := t.TempDir()
			dbPath := filepath.Join(t.TempDir(), "atelier.db")
			db, _, designs, cats := exportFixture(t, dbPath)
			cmd := exec.Command(os.Args[0], "-test.run=^TestExportKilledChild$", "-test.v")
			cmd.Env = append(os.Environ(), "ATELIER_EXPORT_KILL_AT="+tc.step, "ATELIER_EXPORT_DB="+dbPath, "ATELIER_EXPORT_OUT="+dir)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 3 {
				t.Fatalf("the child was not stopped at %s: %v\n%s", tc.step, err, out)
			}
			checkState(t, db, nil, []string{"BER01-00001: exporting"}, "")
			got, err := db.RecoverExports(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Exported != tc.wantFiles || got[0].Number != "BER01-00001" {
				t.Errorf("recovered %+v", got)
			}
			wantDesign := storage.Draft
			if tc.wantFiles {
				wantDesign = storage.Ordered
			}
			checkState(t, db, designs, []string{"BER01-00001: " + tc.wantStatus}, wantDesign)
			files := folderFiles(t, dir)
			if !tc.wantFiles {
				if len(files) != 0 {
					t.Errorf("folder holds %q after a rolled back export", files)
				}
				return
			}
			if strings.Join(files, ",") != "BER01-00001.atelier-order.zip" {
				t.Fatalf("folder holds %q", files)
			}
			data, err := os.ReadFile(filepath.Join(dir, files[0]))
			if err != nil {
				t.Fatal(err)
			}
			orders, _ := db.Orders(ctx)
			o := orders[0]
			if o.ExportedHash != sha256Hex(data) || o.ExportedFile != filepath.Join(dir, files[0]) {
				t.Errorf("order %+v does not record the file", o)
			}
			if r := Verify(data, cats, TrustAny(), DefaultLimits); !r.OK {
				t.Errorf("the file does not verify: %+v", r.Findings)
			}
		})
	}
}

// TestExportKilledChild is the process TestExportKilledAtEachStep kills:
// it exports and exits at the step it is told.
func TestExportKilledChild(t *testing.T) {
	step := os.Getenv("ATELIER_EXPORT_KILL_AT")
	if step == "" {
		t.Skip("run by TestExportKilledAtEachStep")
	}
	db, in, _, _ := exportFixture(t, os.Getenv("ATELIER_EXPORT_DB"))
	exportStep = func(s string) {
		if s == step {
			os.Exit(3)
		}
	}
	_, err := Export(context.Background(), db, exportRequest(t, db, in, os.Getenv("ATELIER_EXPORT_OUT")))
	t.Fatalf("the export went past %s: %v", step, err)
}

// A forced export over an order file that a viewer has open: on Unix the
// file is replaced (the viewer keeps showing the old one); on Windows it
// cannot be, so the export says the file is open in another program,
// cancels the number, keeps the old file and leaves nothing beside it;
// once the viewer closes it, the next export replaces it. The folder's
// name has a space and letters beyond ASCII.
func TestForcedExportOverAFileOpenInAViewer(t *testing.T) {
	defer func(p time.Duration) { safefile.Patience = p }(safefile.Patience)
	safefile.Patience = 300 * time.Millisecond
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "Jörg Müller", "Bestellungen")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "Auftrag Müller.zip")
	write(t, out, "an older order")
	db, in, designs, cats := exportFixture(t, filepath.Join(t.TempDir(), "atelier.db"))
	req := exportRequest(t, db, in, out)
	req.Force = true
	shown, err := viewer.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer shown.Close()
	res, err := Export(ctx, db, req)
	if runtime.GOOS == "windows" {
		if !errors.Is(err, safefile.ErrInUse) || !strings.Contains(err.Error(), out) {
			t.Fatalf("Export: %v, want it said that %s is open in another program", err, out)
		}
		checkState(t, db, designs, []string{"BER01-00001: cancelled"}, storage.Draft)
		if b, _ := os.ReadFile(out); string(b) != "an older order" {
			t.Errorf("the open file was changed: %q", b)
		}
		if got := folderFiles(t, dir); strings.Join(got, ",") != "Auftrag Müller.zip" {
			t.Errorf("folder holds %q", got)
		}
		shown.Close()
		if res, err = Export(ctx, db, req); err != nil {
			t.Fatalf("after the viewer closed the file: %v", err)
		}
	} else if err != nil {
		t.Fatal(err)
	} else {
		old := make([]byte, 64)
		if n, _ := shown.Read(old); string(old[:n]) != "an older order" {
			t.Errorf("the viewer reads %q, want what it showed", old[:n])
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if r := Verify(data, cats, testTrust(), DefaultLimits); !r.OK || r.Number != res.Order.Number {
		t.Errorf("the replaced file does not verify as %s: %+v", res.Order.Number, r.Findings)
	}
	if got := folderFiles(t, dir); strings.Join(got, ",") != "Auftrag Müller.zip" {
		t.Errorf("folder holds %q", got)
	}
}
