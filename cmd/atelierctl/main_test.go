package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage/orderfile"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, Env{Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestLintDemo(t *testing.T) {
	code, out, errOut := runCLI(t, "catalog", "lint", "../../assets/demo/catalog.json")
	if code != 0 {
		t.Fatalf("lint demo: exit %d, stderr:\n%s", code, errOut)
	}
	if lines := strings.Count(strings.TrimSpace(out), "\n") + 1; lines != 1 {
		t.Errorf("lint prints %d lines, want a one-line summary: %q", lines, out)
	}
	if !strings.Contains(out, "ok") || !strings.Contains(out, "4 products") {
		t.Errorf("summary = %q, want it to say ok and 4 products", out)
	}
}

func TestLintBroken(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "broken.json")
	src := `{
  "format": "atelier-catalog/1",
  "id": "broken",
  "version": "1",
  "name": "Broken",
  "manufacturer": {"id": "m", "name": "M"},
  "currency": "EUR",
  "units": "mm",
  "validFrom": "2026-01-01",
  "materials": [{"id": "oak", "name": "Oak", "color": "#zzz", "finish": "satin"}],
  "products": [{
    "id": "p", "name": "P", "sku": "P", "basePrice": "1",
    "features": [{"id": "width", "kind": "number", "name": "W", "min": 10, "max": 5, "unit": "mm"}],
    "rules": [{"id": "r", "kind": "constraint", "expr": "widht > 3", "message": "m"}],
    "geometry": {"parts": [{"shape": "box", "size": [1, 1, 1], "position": [0, 0, 0], "material": "oak"}]}
  }]
}`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "catalog", "lint", path)
	if code != 1 {
		t.Fatalf("lint broken: exit %d, want 1", code)
	}
	if out != "" {
		t.Errorf("lint broken printed on stdout: %q", out)
	}
	for _, want := range []string{
		path + ":10:55: bad colour",
		path + ":13:",
		"min (10) is greater than max (5)",
		path + ":14:",
		`unknown name "widht" (did you mean "width"?)`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q; got:\n%s", want, errOut)
		}
	}
}

func TestLintMissingFile(t *testing.T) {
	code, _, errOut := runCLI(t, "catalog", "lint", filepath.Join(t.TempDir(), "nope.json"))
	if code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("exit %d, stderr %q; want 1 and a clear message", code, errOut)
	}
}

func TestShowJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "catalog", "show", "--json")
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, errOut)
	}
	var got struct {
		ID       string `json:"id"`
		Version  string `json:"version"`
		Products []struct {
			ID       string `json:"id"`
			Features []struct {
				ID      string `json:"id"`
				Kind    string `json:"kind"`
				Options []struct {
					ID string `json:"id"`
				} `json:"options"`
			} `json:"features"`
			Rules []map[string]any `json:"rules"`
		} `json:"products"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("show --json is not JSON: %v", err)
	}
	if got.ID != "nordholm" || got.Version == "" {
		t.Errorf("id, version = %q, %q", got.ID, got.Version)
	}
	if len(got.Products) < 4 {
		t.Fatalf("%d products, want at least 4", len(got.Products))
	}
	for _, p := range got.Products {
		if len(p.Features) < 6 {
			t.Errorf("product %s has %d features, want at least 6", p.ID, len(p.Features))
		}
		if len(p.Rules) < 8 {
			t.Errorf("product %s has %d rules, want at least 8", p.ID, len(p.Rules))
		}
		kinds := map[string]bool{}
		for _, r := range p.Rules {
			kinds[r["kind"].(string)] = true
		}
		for _, k := range []string{"requires", "excludes", "table", "constraint"} {
			if !kinds[k] {
				t.Errorf("product %s has no %s rule", p.ID, k)
			}
		}
		for _, f := range p.Features {
			if f.Kind == "" {
				t.Errorf("feature %s.%s has no kind", p.ID, f.ID)
			}
			if (f.Kind == "choice" || f.Kind == "multi") && len(f.Options) == 0 {
				t.Errorf("feature %s.%s has no options", p.ID, f.ID)
			}
		}
	}
}

func TestRender(t *testing.T) {
	out := filepath.Join(t.TempDir(), "desk.png")
	code, _, errOut := runCLI(t, "render", "--product", "lift-desk", "--set", "width=1800", "--set", "extras=tray,arm", "--size", "320x200", "--scale", "2", "--out", out)
	if code != 0 {
		t.Fatalf("render: exit %d: %s", code, errOut)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if cfg.Width != 640 || cfg.Height != 400 {
		t.Errorf("size = %dx%d, want 640x400", cfg.Width, cfg.Height)
	}
}

func TestRenderViewsAndDimensions(t *testing.T) {
	for _, args := range [][]string{
		{"--view", "top", "--dimensions"},
		{"--azimuth", "-60", "--elevation", "30", "--perspective"},
		{"--view", "front", "--zoom", "3"},
	} {
		out := filepath.Join(t.TempDir(), "sofa.png")
		code, _, errOut := runCLI(t, append([]string{"render", "--product", "kolme-sofa", "--size", "300x180", "--out", out}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != 300 || cfg.Height != 180 {
			t.Errorf("%v: %+v, %v; want a 300x180 PNG", args, cfg, err)
		}
	}
}

func TestBadArguments(t *testing.T) {
	tmp := filepath.Join(t.TempDir(), "x.png")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown verb", []string{"frobnicate"}, "unexpected argument"},
		{"missing product", []string{"render", "--out", tmp}, "--product"},
		{"unknown product", []string{"render", "--product", "nope", "--out", tmp}, `unknown product "nope"`},
		{"bad size", []string{"render", "--product", "lift-desk", "--size", "big", "--out", tmp}, "--size must be WxH"},
		{"bad view", []string{"render", "--product", "lift-desk", "--view", "below", "--out", tmp}, "--view"},
		{"bad zoom", []string{"render", "--product", "lift-desk", "--zoom", "0", "--out", tmp}, "--zoom"},
		{"bad scale", []string{"render", "--product", "lift-desk", "--scale", "20", "--out", tmp}, "--scale"},
		{"unknown feature", []string{"render", "--product", "lift-desk", "--set", "colour=red", "--out", tmp}, `no feature "colour"`},
		{"value off grid", []string{"render", "--product", "lift-desk", "--set", "width=1234", "--out", tmp}, "not on the grid"},
		{"not an option", []string{"render", "--product", "lift-desk", "--set", "top=marble", "--out", tmp}, `"marble" is not an option`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr = %q, want it to mention %q", errOut, tc.want)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	if code, out, _ := runCLI(t, "--help"); code != 0 || !strings.Contains(out, "catalog") {
		t.Errorf("--help: exit %d, output %q", code, out)
	}
	if code, out, _ := runCLI(t, "--version"); code != 0 || strings.TrimSpace(out) == "" {
		t.Errorf("--version: exit %d, output %q", code, out)
	}
}

// Parts that interpenetrate are a lint warning (the preview may show one
// through the other), not an error.
func TestLintWarnsAboutInterpenetratingParts(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "assets", "demo", "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	sunk := strings.Replace(string(src), `"position": [0, "height + 360", "-depth / 2 + 248"]`, `"position": [0, "height + 360", "-depth / 2 + 210"]`, 1)
	if sunk == string(src) {
		t.Fatal("the monitor arm's boom moved in the demo catalog; update this test")
	}
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(path, []byte(sunk), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "catalog", "lint", path)
	if code != 0 || !strings.Contains(out, "1 warning") {
		t.Fatalf("exit %d, out %q", code, out)
	}
	if !strings.Contains(errOut, `parts "arm-boom" and "arm-pole" of product "lift-desk" interpenetrate by 30 mm in preset`) {
		t.Errorf("warning = %q", errOut)
	}
}

// The design and database verbs, end to end on a database under a temporary
// folder.
func TestDesignAndDatabaseVerbs(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "atelier.db")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append([]string{"--db", db}, args...)...)
	}
	code, out, errOut := run("design", "save", "--product", "lift-desk", "--set", "width=1800", "--set", "top=walnut", "--name", "Corner office desk")
	if code != 0 || strings.TrimSpace(out) != "1" {
		t.Fatalf("save: exit %d, out %q, err %q", code, out, errOut)
	}
	if code, out, _ = run("design", "save", "--product", "kolme-sofa", "--set", "seats=4", "--name", "Family sofa", "--notes", "grey wool"); code != 0 || strings.TrimSpace(out) != "2" {
		t.Fatalf("second save: %d %q", code, out)
	}
	// Unknown features exit 2; decisions that break the rules exit 1.
	if code, _, errOut = run("design", "save", "--product", "lift-desk", "--set", "colour=red", "--name", "x"); code != 2 || !strings.Contains(errOut, `no feature "colour"`) {
		t.Errorf("unknown feature: %d %q", code, errOut)
	}
	if code, _, errOut = run("design", "save", "--product", "lift-desk", "--set", "top=glass", "--set", "width=2000", "--name", "x"); code != 1 || !strings.Contains(errOut, "break the product's rules") {
		t.Errorf("conflict: %d %q", code, errOut)
	}
	code, out, _ = run("design", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 2 || list[0]["name"] != "Family sofa" {
		t.Fatalf("list: %d %v %s", code, err, out)
	}
	code, out, _ = run("design", "list", "--query", "wool")
	if code != 0 || !strings.Contains(out, "Family sofa") || strings.Contains(out, "Corner office desk") {
		t.Errorf("search: %q", out)
	}
	code, out, _ = run("design", "show", "1", "--json")
	var shown map[string]any
	if err := json.Unmarshal([]byte(out), &shown); code != 0 || err != nil {
		t.Fatalf("show: %d %v", code, err)
	}
	if d := shown["decisions"].(map[string]any); d["top"] != "walnut" || d["width"] != "1800" || shown["total"] != "1442.40" {
		t.Errorf("show: %v", shown)
	}
	if code, _, errOut = run("design", "show", "99"); code != 1 || !strings.Contains(errOut, "design 99 does not exist") {
		t.Errorf("missing design: %d %q", code, errOut)
	}
	backup := filepath.Join(dir, "snap.db")
	if code, out, errOut = run("db", "backup", backup); code != 0 || strings.TrimSpace(out) != backup {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}
	if code, out, _ = run("design", "delete", "2"); code != 0 || !strings.Contains(out, "trash") {
		t.Errorf("delete: %d %q", code, out)
	}
	if code, out, _ = run("design", "list"); code != 0 || strings.Contains(out, "Family sofa") {
		t.Errorf("a trashed design is listed: %d %q", code, out)
	}
	if code, out, _ = run("db", "restore", backup); code != 0 || !strings.Contains(out, "kept as") {
		t.Fatalf("restore: %d %q", code, out)
	}
	if code, out, _ = run("design", "list"); code != 0 || !strings.Contains(out, "Family sofa") {
		t.Errorf("after restoring the backup: %d %q", code, out)
	}
	if code, out, _ = run("db", "check"); code != 0 || !strings.Contains(out, "ok: schema") || !strings.Contains(out, "2 designs") {
		t.Errorf("check: %d %q", code, out)
	}
	demoDir := filepath.Join("..", "..", "assets", "demo")
	if code, _, errOut = run("catalog", "import", demoDir); code != 1 || !strings.Contains(errOut, "not signed") || !strings.Contains(errOut, "--allow-unsigned") {
		t.Errorf("import of an unsigned folder: %d %q", code, errOut)
	}
	if code, out, _ = run("catalog", "import", demoDir, "--allow-unsigned"); code != 0 || !strings.Contains(out, "kept as #2 (unsigned") {
		t.Errorf("import: %d %q", code, out)
	}
}

// Manufacturer and dealer, end to end: a key, a signed catalog package, its
// import (trusted, tampered, unknown key), an order exported from saved
// designs, verified, tampered with, and imported back.
func TestSignedCatalogsAndOrders(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "atelier.db")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append([]string{"--db", db}, args...)...)
	}
	// The built-in manufacturer's package imports as signed.
	demoPkg := filepath.Join("..", "..", "assets", "packages", "nordholm-2026.2.atelier-catalog.zip")
	code, out, errOut := run("catalog", "import", demoPkg)
	if code != 0 || !strings.Contains(out, "(signed") || !strings.Contains(errOut, "signed by Nordholm") {
		t.Fatalf("import the demo package: %d %q %q", code, out, errOut)
	}
	// A manufacturer's own key and package.
	key := filepath.Join(dir, "maker.key")
	if code, out, _ = run("key", "generate", "--out", key); code != 0 || !strings.Contains(out, "fingerprint") {
		t.Fatalf("key generate: %d %q", code, out)
	}
	// (On Windows a file's mode bits say only whether it is read-only;
	// the key is private by its folder's ACL, the user's own profile.)
	if info, err := os.Stat(key); err != nil || runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("private key mode: %v %v", info, err)
	}
	catDir := filepath.Join(dir, "cat")
	os.MkdirAll(catDir, 0o755)
	src, _ := os.ReadFile(filepath.Join("..", "..", "assets", "demo", "catalog.json"))
	os.WriteFile(filepath.Join(catDir, "catalog.json"), []byte(strings.Replace(string(src), `"version": "2026.2"`, `"version": "2026.9"`, 1)), 0o644)
	pkg := filepath.Join(dir, "maker.zip")
	if code, out, errOut = run("catalog", "pack", catDir, "--key", key, "--out", pkg); code != 0 {
		t.Fatalf("pack: %d %q %q", code, out, errOut)
	}
	if code, _, errOut = run("catalog", "import", pkg); code != 1 || !strings.Contains(errOut, "unknown key") {
		t.Errorf("import by an unknown key: %d %q", code, errOut)
	}
	if code, out, _ = run("catalog", "import", pkg, "--trust", key+".pub"); code != 0 || !strings.Contains(out, "2026.9") || !strings.Contains(out, "(signed") {
		t.Errorf("import with the key trusted: %d %q", code, out)
	}
	// A tampered package is refused even with --allow-unsigned.
	data, _ := os.ReadFile(pkg)
	tampered := filepath.Join(dir, "tampered.zip")
	os.WriteFile(tampered, tamperZip(t, data, "catalog.json"), 0o644)
	if code, _, errOut = run("catalog", "import", tampered, "--allow-unsigned"); code != 1 || !strings.Contains(errOut, "changed after signing") {
		t.Errorf("tampered package: %d %q", code, errOut)
	}
	// Designs, an order, its package.
	run("design", "save", "--product", "lift-desk", "--set", "width=1800", "--set", "top=walnut", "--name", "Corner desk")
	run("design", "save", "--product", "kolme-sofa", "--set", "seats=3", "--name", "Sofa")
	orders := filepath.Join(dir, "out")
	os.MkdirAll(orders, 0o755)
	if code, out, errOut = run("order", "export", "--design", "1,2", "--out", orders, "--dealer-id", "ber01", "--dealer-name", "Wohnwerk Berlin"); code != 0 || !strings.Contains(out, "BER01-00001") {
		t.Fatalf("export: %d %q %q", code, out, errOut)
	}
	file := filepath.Join(orders, "BER01-00001.atelier-order.zip")
	// Nobody is enrolled: the dealer's own inspection needs --trust-any.
	if code, out, _ = run("order", "verify", file); code != 1 || !strings.Contains(out, "dealer BER01 is not enrolled here") {
		t.Errorf("verify with an empty registry: %d %q", code, out)
	}
	if code, out, errOut = run("order", "verify", file, "--trust-any"); code != 0 || !strings.Contains(out, "ok: order BER01-00001 of dealer BER01, 2 lines") ||
		!strings.Contains(out, "warning: signature:") || !strings.Contains(errOut, "warning: --trust-any") {
		t.Errorf("verify --trust-any: %d %q %q", code, out, errOut)
	}
	// Enrolment: the dealer tells the fingerprint out of band.
	code, out, _ = run("dealer", "key")
	fp := strings.TrimSpace(strings.SplitN(strings.SplitN(out, "fingerprint ", 2)[1], "\n", 2)[0])
	if code != 0 || len(fp) != 39 {
		t.Fatalf("dealer key: %d %q", code, out)
	}
	if code, _, errOut = run("dealer", "trust", "BER01", "--from-order", file, "--fingerprint", "0000 1111"); code != 1 || !strings.Contains(errOut, "is not the key's") {
		t.Errorf("trust with a wrong fingerprint: %d %q", code, errOut)
	}
	if code, out, errOut = run("dealer", "trust", "MUC01", "--from-order", file, "--fingerprint", fp); code != 1 || !strings.Contains(errOut, "an order of dealer BER01, not of MUC01") {
		t.Errorf("trust a package for another dealer: %d %q %q", code, out, errOut)
	}
	if code, out, errOut = run("dealer", "trust", "BER01", "--from-order", file, "--fingerprint", fp, "--name", "Wohnwerk Berlin"); code != 0 || !strings.Contains(out, "key "+fp+" enrolled") {
		t.Fatalf("trust: %d %q %q", code, out, errOut)
	}
	if code, out, _ = run("order", "verify", file); code != 0 || !strings.Contains(out, "ok: order BER01-00001 of dealer BER01, 2 lines") || !strings.Contains(out, "(enrolled)") {
		t.Errorf("verify: %d %q", code, out)
	}
	if code, out, _ = run("dealer", "list"); code != 0 || !strings.Contains(out, "BER01") || !strings.Contains(out, fp) || !strings.Contains(out, "Wohnwerk Berlin") {
		t.Errorf("dealer list: %d %q", code, out)
	}
	bad := filepath.Join(dir, "bad.zip")
	pkgData, _ := os.ReadFile(file)
	os.WriteFile(bad, tamperZip(t, pkgData, "order.json"), 0o644)
	if code, out, _ = run("order", "verify", bad); code != 1 || !strings.Contains(out, "order.json: its content differs from the manifest") {
		t.Errorf("verify a tampered package: %d %q", code, out)
	}
	if code, out, _ = run("order", "verify", file, "--fingerprint", "0000 0000"); code != 1 || !strings.Contains(out, "not by the expected dealer key") {
		t.Errorf("verify with another fingerprint: %d %q", code, out)
	}
	if code, out, _ = run("order", "import", file); code != 0 || !strings.Contains(out, `line 2: design 4 "Sofa"`) {
		t.Errorf("import: %d %q", code, out)
	}
	if code, _, errOut = run("order", "import", bad); code != 1 || !strings.Contains(errOut, "not imported") {
		t.Errorf("import a tampered package: %d %q", code, errOut)
	}
	// A package re-signed by someone else's key (the delivery address
	// changed) is refused by verify and import alike.
	forger := filepath.Join(dir, "forger.key")
	run("key", "generate", "--out", forger)
	forged := filepath.Join(dir, "forged.zip")
	os.WriteFile(forged, resignZip(t, pkgData, forger, "Wohnwerk Berlin", "Wohnwerk Bärlin"), 0o644)
	if code, out, _ = run("order", "verify", forged); code != 1 || !strings.Contains(out, "not enrolled for dealer BER01") {
		t.Errorf("verify a forged package: %d %q", code, out)
	}
	if code, _, errOut = run("order", "import", forged); code != 1 || !strings.Contains(errOut, "not enrolled for dealer BER01") {
		t.Errorf("import a forged package: %d %q", code, errOut)
	}
	// Revocation: orders dated before the date still verify.
	if code, out, errOut = run("dealer", "revoke", "BER01", "--from", "2999-01-01", "--reason", "rotated"); code != 0 || !strings.Contains(out, "revoked from 2999-01-01") {
		t.Errorf("revoke in the future: %d %q %q", code, out, errOut)
	}
	if code, out, _ = run("order", "verify", file); code != 0 || !strings.Contains(out, "before the revocation, and is accepted") {
		t.Errorf("verify an order made before the revocation: %d %q", code, out)
	}
	if code, out, _ = run("dealer", "revoke", "BER01", "--from", "2000-01-01", "--reason", "laptop stolen"); code != 0 {
		t.Errorf("revoke from the past: %d %q", code, out)
	}
	if code, out, _ = run("order", "verify", file); code != 1 || !strings.Contains(out, "laptop stolen") {
		t.Errorf("verify an order made after the revocation: %d %q", code, out)
	}
	if code, _, errOut = run("dealer", "revoke", "NOBODY", "--from", "now"); code != 1 || !strings.Contains(errOut, "no enrolled key") {
		t.Errorf("revoke an unknown dealer: %d %q", code, errOut)
	}
	// Inputs that never end are refused before they are read.
	if code, _, errOut = run("order", "verify", "/dev/zero"); code != 1 || !strings.Contains(errOut, "not a regular file") {
		t.Errorf("verify /dev/zero: %d %q", code, errOut)
	}

	// Terms: a discount for a price group, one for a line, exact decimals.
	if code, out, errOut = run("order", "export", "--design", "1,2", "--out", orders, "--dealer-id", "ber01", "--dealer-discount", "30",
		"--group-discount", "living=35.5", "--discount", "2=7.5", "--adjust=-2.5", "--tax-rate", "7.7", "--payment-terms", "Net 30"); code != 0 {
		t.Fatalf("export with terms: %d %q %q", code, out, errOut)
	}
	second := filepath.Join(orders, "BER01-00002.atelier-order.zip")
	if code, out, _ = run("order", "verify", second, "--trust-any"); code != 0 {
		t.Errorf("verify the order with terms: %d %q", code, out)
	}
	zr, _ := zip.OpenReader(second)
	for _, f := range zr.File {
		if f.Name == "quote.pdf" && f.UncompressedSize64 < 20000 {
			t.Errorf("quote.pdf is %d bytes: not the customer's quote", f.UncompressedSize64)
		}
	}
	var o struct {
		Terms map[string]any `json:"terms"`
		Lines []struct {
			Price map[string]any `json:"price"`
		} `json:"lines"`
	}
	for _, f := range zr.File {
		if f.Name == "order.json" {
			rc, _ := f.Open()
			json.NewDecoder(rc).Decode(&o)
			rc.Close()
		}
	}
	zr.Close()
	if len(o.Lines) != 2 || o.Lines[0].Price["dealer_discount"] != "30" || o.Lines[1].Price["dealer_discount"] != "35.5" ||
		o.Lines[0].Price["line_discount"] != "0" || o.Lines[1].Price["line_discount"] != "7.5" || o.Lines[1].Price["adjust"] != "-2.5" ||
		o.Lines[1].Price["tax_rate"] != "7.7" || o.Terms["payment_terms"] != "Net 30" {
		t.Errorf("terms in order.json: %+v %+v", o.Terms, o.Lines)
	}
	for _, bad := range [][]string{{"--discount", "3=5"}, {"--dealer-discount", "thirty"}, {"--group-discount", "living=x"}} {
		if code, _, errOut = run(append([]string{"order", "export", "--design", "1", "--out", orders}, bad...)...); code != 2 {
			t.Errorf("export %v: exit %d %q, want 2", bad, code, errOut)
		}
	}
}

// tamperZip flips a byte in one file of a zip.
func tamperZip(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			b[len(b)/2] ^= 1
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

func TestCustomerVerbs(t *testing.T) {
	db := filepath.Join(t.TempDir(), "atelier.db")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append([]string{"--db", db}, args...)...)
	}
	code, out, errOut := run("customer", "add", "--name", "Anna Meyer", "--email", "anna@example.org", "--address", `Hauptstraße 12\n10115 Berlin`, "--consent")
	if code != 0 || strings.TrimSpace(out) != "1" {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	run("customer", "add", "--name", "Jonas Berg")
	if code, out, _ = run("customer", "list", "--query", "anna", "--json"); code != 0 || !strings.Contains(out, `"address": "Hauptstraße 12\n10115 Berlin"`) || !strings.Contains(out, `"consent": "20`) || strings.Contains(out, "Jonas") {
		t.Errorf("list: %d %s", code, out)
	}
	if code, out, _ = run("customer", "list"); code != 0 || !strings.Contains(out, "none on file") {
		t.Errorf("list table: %d %s", code, out)
	}
	if code, _, _ = run("customer", "forget", "1"); code != 0 {
		t.Errorf("forget: %d", code)
	}
	if _, out, _ = run("customer", "list", "--json"); !strings.Contains(out, "Jonas") || strings.Contains(out, "Anna") {
		t.Errorf("after forgetting: %s", out)
	}
	if code, out, errOut = run("customer", "forget", "1"); code != 0 || !strings.Contains(out, "customer 1 was forgotten already; their copies are now scrubbed too") {
		t.Errorf("forget again: %d %q %q", code, out, errOut)
	}
	if code, _, errOut = run("customer", "forget", "99"); code != 1 || !strings.Contains(errOut, "does not exist") {
		t.Errorf("forget a number never given: %d %q", code, errOut)
	}
	if code, _, _ = run("customer", "add", "--name", " "); code != 2 {
		t.Errorf("add without a name: %d", code)
	}
	// The table never prints what would drive the terminal.
	run("customer", "add", "--name", "Evil\x1b[2J\u202eCorp", "--phone", "0\x07")
	if code, out, _ = run("customer", "list"); code != 0 || strings.ContainsAny(out, "\x1b\x07\u202e") || !strings.Contains(out, `Evil\x1b[2J\u202eCorp`) {
		t.Errorf("list with control characters: %d %q", code, out)
	}
}

// resignZip replaces old by new in order.json and signs the package again
// with the key file at keyPath: a forgery whose signature holds.
func resignZip(t *testing.T, pkg []byte, keyPath, old, new string) []byte {
	t.Helper()
	key, err := sign.Load(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	files, names, err := orderfile.ReadZip(pkg, orderfile.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	files["order.json"] = []byte(strings.ReplaceAll(string(files["order.json"]), old, new))
	m, err := orderfile.ReadManifest(files["manifest.json"])
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		sum := sha256.Sum256(files[f.Name])
		m.Files[i].SHA256, m.Files[i].Size = hex.EncodeToString(sum[:]), int64(len(files[f.Name]))
	}
	m.DealerKey, m.DealerFingerprint = key.Public().String(), key.Public().Fingerprint()
	mb, _ := json.MarshalIndent(m, "", "  ")
	files["manifest.json"] = mb
	files["manifest.sig"] = []byte(base64.StdEncoding.EncodeToString(key.Sign(mb)) + "\n")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		w.Write(files[n])
	}
	zw.Close()
	return buf.Bytes()
}

// Verifying with no library where --db points makes none: nobody is
// enrolled, and the file system is left as it was.
func TestOrderVerifyMakesNoLibrary(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "none.db")
	pkg := filepath.Join(dir, "x.zip")
	os.WriteFile(pkg, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o644)
	if code, _, _ := runCLI(t, "--db", db, "order", "verify", pkg); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("verify made a library at %s", db)
	}
}
