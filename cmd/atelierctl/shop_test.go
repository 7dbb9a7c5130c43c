package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/internal/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// The shop's verbs as its owner and a new machine use them: init, add a
// machine, join with its code, status both ways, revoke.
func TestShopVerbs(t *testing.T) {
	srv := pgtest.Shared(t)
	dbName, err := srv.CreateDatabase("cli")
	if err != nil {
		t.Fatal(err)
	}
	owner := srv.AdminURL(dbName)
	if code, out, errOut := runCLI(t, "shop", "init", "--postgres", owner); code != 0 || !strings.Contains(out, "the shop is ready") {
		t.Fatalf("init: %d %q %q", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "shop", "init", "--postgres", owner); code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("init again: %d %q", code, out)
	}
	code, out, errOut := runCLI(t, "shop", "add-machine", "--postgres", owner, "--name", "Laptop Jörg")
	if code != 0 {
		t.Fatalf("add-machine: %d %q", code, errOut)
	}
	pairing := regexp.MustCompile(`(?m)^    (\d+(-[0-9A-Z]{1,4})+)$`).FindStringSubmatch(out)
	if pairing == nil {
		t.Fatalf("no code in %q", out)
	}
	lib := filepath.Join(t.TempDir(), "Jörg Müller", "atelier.db")
	if code, out, _ := runCLI(t, "--db", lib, "shop", "status"); code != 0 || !strings.Contains(out, "in no shop") {
		t.Errorf("status before joining: %d %q", code, out)
	}
	server := srv.Address() + "/" + dbName
	if code, _, errOut := runCLI(t, "--db", lib, "shop", "join", "--server", server, "--code", "1-AAAA-BBBB"); code != 1 || !strings.Contains(errOut, "mistyped") {
		t.Errorf("join with a wrong code: %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(lib), "shop.json")); err == nil {
		t.Error("a failed join left credentials")
	}
	code, out, errOut = runCLI(t, "--db", lib, "shop", "join", "--server", server, "--code", strings.ToLower(pairing[1]))
	if code != 0 || !strings.Contains(out, "as Laptop Jörg (machine 1, dealer)") {
		t.Fatalf("join: %d %q %q", code, out, errOut)
	}
	if info, err := os.Stat(filepath.Join(filepath.Dir(lib), "shop.json")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("credentials: %v %v", info, err)
	}
	if code, out, _ := runCLI(t, "--db", lib, "shop", "status"); code != 0 || !strings.Contains(out, "Laptop Jörg, machine 1") || !strings.Contains(out, "online") {
		t.Errorf("status of the machine: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "shop", "status", "--postgres", owner); code != 0 || !regexp.MustCompile(`1\s+Laptop Jörg\s+dealer\s+paired\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+0`).MatchString(out) {
		t.Errorf("status of the shop: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "--db", lib, "shop", "join", "--server", server, "--code", pairing[1]); code != 1 || !strings.Contains(errOut, "in a shop already") {
		t.Errorf("joining twice: %d %q", code, errOut)
	}
	// A design saved on this laptop reaches a second one.
	if code, _, errOut := runCLI(t, "--db", lib, "design", "save", "--product", "kolme-sofa", "--set", "seats=3", "--name", "Sofa für Jörg"); code != 0 {
		t.Fatalf("design save: %q", errOut)
	}
	if code, out, errOut := runCLI(t, "--db", lib, "sync"); code != 0 || !regexp.MustCompile(`synced in [0-9.]+ s: [1-9]\d* changes? sent`).MatchString(out) {
		t.Errorf("sync: %d %q %q", code, out, errOut)
	}
	_, out, _ = runCLI(t, "shop", "add-machine", "--postgres", owner, "--name", "Office")
	second := regexp.MustCompile(`(?m)^    (\d+(-[0-9A-Z]{1,4})+)$`).FindStringSubmatch(out)
	office := filepath.Join(t.TempDir(), "office.db")
	if code, out, errOut := runCLI(t, "--db", office, "shop", "join", "--server", server, "--code", second[1]); code != 0 || !strings.Contains(out, "received") {
		t.Fatalf("join the office: %d %q %q", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "--db", office, "design", "list"); code != 0 || !strings.Contains(out, "Sofa für Jörg") {
		t.Errorf("the office's designs: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "shop", "revoke", "--postgres", owner, "Laptop Jörg"); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("revoke: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "--db", lib, "shop", "status"); code != 1 || !strings.Contains(out, "offline: ") || !strings.Contains(out, "may not log in") {
		t.Errorf("status after revoke: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "--db", lib, "sync"); code != 1 || !strings.Contains(errOut, "may not log in") || !strings.Contains(errOut, "waiting here") {
		t.Errorf("sync after revoke: %d %q", code, errOut)
	}
	if code, out, errOut := runCLI(t, "shop", "vacuum", "--postgres", owner); code != 0 || !strings.Contains(out, "made again") {
		t.Errorf("vacuum: %d %q %q", code, out, errOut)
	}
	// To another machine, only with verify-full.
	if code, _, errOut := runCLI(t, "shop", "status", "--postgres", "postgres://owner@shop.example/atelier?sslmode=require"); code != 1 || !strings.Contains(errOut, "verify-full") {
		t.Errorf("an owner URL without verification: %d %q", code, errOut)
	}
}
