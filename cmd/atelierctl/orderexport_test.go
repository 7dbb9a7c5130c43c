package main

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/storage"
)

// order export checks its flags before anything is written: a bad flag
// is a usage error (exit 2) in plain words, takes no number and marks no
// design ordered; --out onto an existing file needs --force.
func TestOrderExportChecksFirst(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "atelier.db")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append([]string{"--db", db}, args...)...)
	}
	if code, _, errOut := run("design", "save", "--product", "lift-desk", "--set", "width=1800", "--name", "Corner desk"); code != 0 {
		t.Fatalf("design save: %d %s", code, errOut)
	}
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	existing := filepath.Join(out, "old.zip")
	os.WriteFile(existing, []byte("an older order"), 0o644)
	export := []string{"order", "export", "--design", "1", "--dealer-id", "ber01"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"impossible date", []string{"--out", out, "--date", "2026-02-30"}, "--date 2026-02-30: not a date; write YYYY-MM-DD"},
		{"date in another form", []string{"--out", out, "--date", "15.01.2027"}, "--date 15.01.2027: not a date; write YYYY-MM-DD"},
		{"one-letter language", []string{"--out", out, "--language", "e"}, `--language "e": not a language code; write one such as en, de or de-CH`},
		{"empty dealer name", []string{"--out", out, "--dealer-name", ""}, `--dealer-name "": the dealer needs a name`},
		{"dealer code", []string{"--out", out, "--dealer-id", "a b"}, `--dealer-id "a b": write 1–32 letters`},
		{"discount over 100", []string{"--out", out, "--discount", "1=120"}, "--discount 1=120: a discount is between 0 and 100"},
		{"dealer discount over 100", []string{"--out", out, "--dealer-discount", "130"}, "--dealer-discount 130: write a percentage between 0 and 100"},
		{"negative tax rate", []string{"--out", out, "--tax-rate=-1"}, "--tax-rate -1: write a percentage between 0 and 100"},
		{"group discount", []string{"--out", out, "--group-discount", "living=101"}, "--group-discount living 101: write a percentage between 0 and 100"},
		{"adjust", []string{"--out", out, "--adjust=-150"}, "--adjust -150: a discount for the customer cannot take off more than 100%"},
		{"missing folder", []string{"--out", filepath.Join(dir, "missing", "o.zip")}, "the folder " + filepath.Join(dir, "missing") + " does not exist"},
		{"existing file", []string{"--out", existing}, "--out " + existing + ": the file exists; add --force to replace it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, errOut := run(append(export, tc.args...)...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, stdout %q; want 2 and %q", code, errOut, stdout, tc.want)
			}
		})
	}
	sdb, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if orders, _ := sdb.Orders(context.Background()); len(orders) != 0 {
		t.Errorf("orders after refused exports: %+v", orders)
	}
	if d, _ := sdb.Design(context.Background(), 1); d.Status != storage.Draft {
		t.Errorf("design after refused exports: %s", d.Status)
	}
	if b, _ := os.ReadFile(existing); string(b) != "an older order" {
		t.Errorf("the existing file was changed")
	}
	// --force replaces it, and the package verifies.
	code, stdout, errOut := run(append(export, "--out", existing, "--force")...)
	if code != 0 || !strings.Contains(stdout, "order BER01-00001 written to "+existing) {
		t.Fatalf("export --force: %d %q %q", code, stdout, errOut)
	}
	if code, stdout, _ := run("order", "verify", existing, "--trust-any"); code != 0 {
		t.Errorf("verify the replaced file: %d %q", code, stdout)
	}
	orders, _ := sdb.Orders(context.Background())
	if len(orders) != 1 || orders[0].Status != "exported" || orders[0].ExportedFile != existing {
		t.Errorf("orders = %+v, want BER01-00001 exported to %s", orders, existing)
	}
	if d, _ := sdb.Design(context.Background(), 1); d.Status != storage.Ordered {
		t.Errorf("design after the export: %s", d.Status)
	}
}

// order export first finishes what an export killed earlier left.
func TestOrderExportRecoversFirst(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "atelier.db")
	if code, _, errOut := runCLI(t, "--db", db, "design", "save", "--product", "lift-desk", "--name", "Desk"); code != 0 {
		t.Fatalf("design save: %d %s", code, errOut)
	}
	ctx := context.Background()
	sdb, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	d, _ := sdb.Design(ctx, 1)
	rev, _ := sdb.Revision(ctx, d.ID, 0)
	r, err := sdb.ReserveExport(ctx, storage.OrderInput{Dealer: "BER01", Lines: []storage.OrderLine{{Revision: rev.ID, Quantity: 1}}},
		func(n string) (string, error) { return filepath.Join(dir, n+".atelier-order.zip"), nil }, false)
	if err != nil {
		t.Fatal(err)
	}
	// The exporting process died.
	child := exec.Command(os.Args[0], "-test.run=^$")
	if err := child.Run(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", storage.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE order_exports SET pid = ?`, child.Process.Pid); err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut := runCLI(t, "--db", db, "order", "export", "--design", "1", "--dealer-id", "ber01", "--out", dir)
	if code != 0 || !strings.Contains(errOut, "order BER01-00001: an interrupted export was rolled back") || !strings.Contains(stdout, "order BER01-00002 written") {
		t.Errorf("export after a killed one: %d %q %q", code, stdout, errOut)
	}
	if o, _ := sdb.Order(ctx, r.Order.ID); o.Status != "cancelled" {
		t.Errorf("the interrupted order is %s, want cancelled", o.Status)
	}
}
