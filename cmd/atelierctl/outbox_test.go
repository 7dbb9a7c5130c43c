package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
)

// The way of an order with the CLI, on both sides, through a shared
// folder: the manufacturer packs a catalog naming its inbox; the dealer
// saves designs with it, exports, sends, delivers; the intake takes the
// order in and files it; the dealer sees it accepted; a refused order is
// revised and sent again; the report reads.
func TestSendAndIntakeVerbs(t *testing.T) {
	dir := t.TempDir()
	share := filepath.Join(dir, "share")
	if err := os.MkdirAll(share, 0o755); err != nil {
		t.Fatal(err)
	}
	mfrKey := filepath.Join(dir, "mfr.key")
	if code, _, errOut := runCLI(t, "key", "generate", "--out", mfrKey); code != 0 {
		t.Fatalf("key generate: %s", errOut)
	}
	var c map[string]any
	if err := json.Unmarshal(assets.DemoCatalogJSON, &c); err != nil {
		t.Fatal(err)
	}
	c["manufacturer"].(map[string]any)["orders"] = map[string]string{"folder": share}
	c["version"] = "2026.9"
	catDir := filepath.Join(dir, "catalog")
	os.MkdirAll(catDir, 0o755)
	b, _ := json.Marshal(c)
	if err := os.WriteFile(filepath.Join(catDir, "catalog.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(dir, "nordholm.zip")
	if code, _, errOut := runCLI(t, "catalog", "pack", "--key", mfrKey, "--out", pkg, catDir); code != 0 {
		t.Fatalf("pack: %s", errOut)
	}
	dealer := []string{"--db", filepath.Join(dir, "dealer", "atelier.db")}
	factory := []string{"--db", filepath.Join(dir, "factory", "atelier.db")}
	ident := []string{"--dealer-id", "BER01", "--dealer-name", "Möbel Berg"}
	run := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: %d %s %s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	run(append(dealer, "design", "save", "--catalog", pkg, "--trust", mfrKey+".pub", "--product", "lift-desk", "--name", "Desk")...)
	run(append(append(dealer, "order", "export", "--design", "1", "--out", dir), ident...)...)
	if code, _, errOut := runCLI(t, append(append(dealer, "order", "send", "BER01-00001"), ident...)...); code != 1 || !strings.Contains(errOut, "not signed by a manufacturer this app trusts") {
		t.Fatalf("send without trusting the manufacturer: %d %s", code, errOut)
	}
	out := run(append(append(dealer, "order", "send", "BER01-00001", "--trust", mfrKey+".pub"), ident...)...)
	if !strings.Contains(out, "queued for Nordholm") {
		t.Fatalf("send: %s", out)
	}
	if out := run(append(dealer, "outbox")...); !regexp.MustCompile(`BER01-00001 +\(first revision\) +queued`).MatchString(out) {
		t.Fatalf("outbox: %s", out)
	}
	if out := run(append(dealer, "outbox", "deliver")...); !strings.Contains(out, "delivered 1") {
		t.Fatalf("deliver: %s", out)
	}

	// The manufacturer has not enrolled the dealer yet: refused.
	out = run(append(factory, "intake", "run", "--inbox", share, "--out", filepath.Join(dir, "erp"), "--key", mfrKey, "--catalog", pkg)...)
	if !strings.Contains(out, "0 accepted, 1 refused") || !strings.Contains(out, "dealer BER01 is not enrolled here") {
		t.Fatalf("intake: %s", out)
	}
	run(append(dealer, "outbox", "deliver")...)
	if out := run(append(dealer, "outbox")...); !strings.Contains(out, "refused") || !strings.Contains(out, "    - signature: dealer BER01 is not enrolled here") {
		t.Fatalf("outbox after the refusal: %s", out)
	}

	// Enrolled; the order is corrected and sent again.
	keyOut := run(append(dealer, "dealer", "key")...)
	m := regexp.MustCompile(`public key +(\S+)\nfingerprint +(.+)\n`).FindStringSubmatch(keyOut)
	if m == nil {
		t.Fatalf("dealer key: %s", keyOut)
	}
	run(append(factory, "dealer", "trust", "BER01", "--key", m[1], "--fingerprint", m[2], "--name", "Möbel Berg")...)
	if out := run(append(dealer, "order", "revise", "BER01-00001")...); !strings.Contains(out, "revision 2") {
		t.Fatalf("revise: %s", out)
	}
	run(append(append(dealer, "order", "send", "BER01-00001", "--trust", mfrKey+".pub"), ident...)...)
	run(append(dealer, "outbox", "deliver")...)
	out = run(append(factory, "intake", "run", "--inbox", share, "--out", filepath.Join(dir, "erp"), "--key", mfrKey, "--catalog", pkg)...)
	if !strings.Contains(out, "accepted order BER01-00001 revision 2 from BER01") {
		t.Fatalf("intake of revision 2: %s", out)
	}
	run(append(dealer, "outbox", "deliver")...)
	if out := run(append(dealer, "outbox")...); !regexp.MustCompile(`BER01-00001 +revision 2 +accepted`).MatchString(out) {
		t.Fatalf("outbox after acceptance: %s", out)
	}
	out = run("intake", "report", "--state", filepath.Join(dir, "erp", "intake.db"))
	for _, want := range []string{"1 accepted, 1 refused", "BER01 — Möbel Berg", "accepted  BER01-00001 revision 2", "refused   BER01-00001"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	t.Logf("intake report:\n%s", out)
	if code, out, errOut := runCLI(t, append(dealer, "outbox", "key")...); code != 0 || !strings.HasPrefix(out, "ssh-ed25519 ") {
		t.Fatalf("outbox key: %d %q %q", code, out, errOut)
	}
}
