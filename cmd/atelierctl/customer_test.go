package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// customer forget erases the customer from the library and its backups
// and says so; importing an order made for them before does not bring
// their name back, and says why.
func TestForgetAndImportAnOldOrder(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "atelier.db")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append([]string{"--db", db}, args...)...)
	}
	code, out, errOut := run("customer", "add", "--name", "Zoë  Ångström", "--phone", "+46 70 123 45 67", "--address", `Storgatan 12\n111 51 Stockholm`, "--consent")
	if code != 0 || strings.TrimSpace(out) != "1" {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	if code, out, errOut = run("design", "save", "--product", "lift-desk", "--set", "width=1800", "--name", "Desk for ZOË ÅNGSTRÖM", "--customer", "1"); code != 0 {
		t.Fatalf("save: %d %q %q", code, out, errOut)
	}
	orders := filepath.Join(t.TempDir(), "out") // outside the data folder: the package left the machine
	os.MkdirAll(orders, 0o755)
	if code, out, errOut = run("order", "export", "--design", "1", "--out", orders, "--dealer-id", "ber01", "--dealer-name", "Wohnwerk Berlin"); code != 0 {
		t.Fatalf("export: %d %q %q", code, out, errOut)
	}
	if code, out, errOut = run("db", "backup"); code != 0 {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}

	code, out, errOut = run("customer", "forget", "1")
	if code != 0 || !strings.Contains(out, "customer 1 forgotten") || !strings.Contains(out, "erased from the copy "+filepath.Join(dir, "backups", "atelier-")) {
		t.Errorf("forget: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run("order", "import", filepath.Join(orders, "BER01-00001.atelier-order.zip"))
	if code != 0 || !strings.Contains(out, "The customer of this order was forgotten at their request on ") || !strings.Contains(out, "their name was not imported.") ||
		!strings.Contains(out, `line 1: design 2 "Höhe Lift Desk from order BER01-00001, line 1"`) {
		t.Errorf("import: %d %q %q", code, out, errOut)
	}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		for _, s := range []string{"ångström", "angstrom", "storgatan", "123 45 67"} {
			if bytes.Contains(bytes.ToLower(data), []byte(s)) {
				t.Errorf("%s holds %q", p, s)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
