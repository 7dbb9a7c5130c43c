package shop

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/internal/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// testShop is a new shop in a database of its own on the test server,
// initialised, with the owner's connection.
type testShop struct {
	srv   *pgtest.Server
	db    string
	admin *Admin
}

func newShop(t testing.TB) *testShop {
	t.Helper()
	srv := pgtest.Shared(t)
	db, err := srv.CreateDatabase("shop")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin, err := OpenAdmin(ctx, srv.AdminURL(db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	if _, _, err := admin.Init(ctx); err != nil {
		t.Fatal(err)
	}
	return &testShop{srv: srv, db: db, admin: admin}
}

// remote makes the test take its loopback server for another machine,
// so that TLS and pinning are used as they are across a network.
func remote(t *testing.T) {
	old := isLocal
	isLocal = func(string) bool { return false }
	t.Cleanup(func() { isLocal = old })
}

func (s *testShop) server() Server {
	return Server{Host: "127.0.0.1", Port: s.srv.Port, Database: s.db}
}

// join adds a machine and pairs it.
func (s *testShop) join(t testing.TB, name string, kind Kind) Credentials {
	t.Helper()
	ctx := context.Background()
	p, err := s.admin.AddMachine(ctx, name, kind)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Join(ctx, s.server(), p.Code, "machine-"+name, nil)
	if err != nil {
		t.Fatalf("join %s: %v", name, err)
	}
	return c
}

func TestInitMakesTheSchemaOnce(t *testing.T) {
	s := newShop(t)
	from, to, err := s.admin.Init(context.Background())
	if err != nil || from != Migrations() || to != Migrations() {
		t.Errorf("init again: %d → %d, %v; want nothing to do", from, to, err)
	}
	st, err := s.admin.Status(context.Background())
	if err != nil || st.Schema != Migrations() || len(st.Machines) != 0 || !strings.HasPrefix(st.Server, "1") {
		t.Errorf("status %+v, %v", st, err)
	}
}

// A machine pairs over TLS that trusts only the certificate its code
// names, keeps a password of its own, and connects with it afterwards;
// the code cannot be used twice.
func TestPairingOverTLS(t *testing.T) {
	remote(t)
	s := newShop(t)
	ctx := context.Background()
	p, err := s.admin.AddMachine(ctx, "Laptop Anna", Dealer)
	if err != nil {
		t.Fatal(err)
	}
	code, err := ParseCode(p.Code)
	if err != nil || len(code.Fingerprint) != fingerprintBytes {
		t.Fatalf("code %q: %+v %v; want one that names the server's certificate", p.Code, code, err)
	}
	c, err := Join(ctx, s.server(), p.Code, "id-anna", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.CA == "" || c.Password == code.Password() || c.Kind != Dealer || c.Name != "Laptop Anna" || c.Machine != 1 {
		t.Errorf("credentials %+v", c)
	}
	conn, err := c.Connect(ctx)
	if err != nil {
		t.Fatalf("connect with the kept credentials: %v", err)
	}
	var ssl bool
	if err := conn.QueryRow(ctx, `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl); err != nil || !ssl {
		t.Errorf("ssl %v %v", ssl, err)
	}
	conn.Close(ctx)
	if _, err := Join(ctx, s.server(), p.Code, "id-thief", nil); err == nil {
		t.Error("the code was taken a second time")
	}
	st, _ := s.admin.Status(ctx)
	if len(st.Machines) != 1 || st.Machines[0].State(time.Now()) != "paired" {
		t.Errorf("machines %+v", st.Machines)
	}
}

// A server whose certificate is not the one the code names is not
// trusted, and nothing is sent to it (the one-time password included).
func TestPairingRefusesAnotherServer(t *testing.T) {
	remote(t)
	s := newShop(t)
	ctx := context.Background()
	p, err := s.admin.AddMachine(ctx, "Laptop Ben", Dealer)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := ParseCode(p.Code)
	code.Fingerprint[0] ^= 1
	_, err = Join(ctx, s.server(), code.String(), "id-ben", nil)
	if err == nil || !strings.Contains(err.Error(), "not the one the pairing code names") {
		t.Fatalf("join with another certificate's code: %v", err)
	}
	// The real code still works: the failed try did not use it up.
	if _, err := Join(ctx, s.server(), p.Code, "id-ben", nil); err != nil {
		t.Fatal(err)
	}
	// The kept credentials trust the pinned certificate only.
	c := s.join(t, "Laptop Cleo", Dealer)
	c.CA = string(s.srv.CA) // the authority, not the pinned top of the chain: still fine
	if conn, err := c.Connect(ctx); err != nil {
		t.Errorf("with the server's authority: %v", err)
	} else {
		conn.Close(ctx)
	}
	c.CA = otherCA(t)
	if conn, err := c.Connect(ctx); err == nil {
		conn.Close(ctx)
		t.Error("a connection trusted a certificate the machine does not know")
	}
}

// A code that has expired does not log in.
func TestExpiredCodeIsRefused(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	p, err := s.admin.AddMachine(ctx, "Office", Dealer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.conn.Exec(ctx, "ALTER ROLE "+ident(machineRole(s.db, p.Number))+" VALID UNTIL '2000-01-01'"); err != nil {
		t.Fatal(err)
	}
	if _, err := Join(ctx, s.server(), p.Code, "id-office", nil); err == nil || !strings.Contains(err.Error(), "may not log in") {
		t.Errorf("join with an expired code: %v", err)
	}
	st, _ := s.admin.Status(ctx)
	if got := st.Machines[0].State(time.Now().Add(PairingTime + time.Minute)); got != "code expired" {
		t.Errorf("state %q", got)
	}
}

// A showroom machine reads catalogs and the public settings, and nothing
// of customers, orders or designs.
func TestShowroomRoleSeesNoCustomers(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO atelier.customers (gid, name, created_at, seq) VALUES ('c1', 'Anna Meyer', '2026-12-07', nextval('atelier.change_seq'))`,
		`INSERT INTO atelier.settings (key, value, public, stamp, seq) VALUES ('identity', '{"name": "Möbel Jansen"}', true, 's', 1), ('terms', '{"dealer_discount": "32"}', false, 's', 2)`,
	} {
		if _, err := s.admin.conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	showroom := s.join(t, "Showroom", Showroom)
	dealer := s.join(t, "Laptop", Dealer)
	sc, err := showroom.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close(ctx)
	for _, table := range []string{"customers", "customer_history", "orders", "order_lines", "designs", "revisions", "showroom_queue", "erasures", "machines"} {
		_, err := sc.Exec(ctx, "SELECT * FROM atelier."+table)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("the showroom read atelier.%s: %v", table, err)
		}
	}
	if _, err := sc.Exec(ctx, `INSERT INTO atelier.customers (gid, name, created_at, seq) VALUES ('c2', 'x', 'x', 0)`); err == nil {
		t.Error("the showroom wrote a customer")
	}
	var keys []string
	rows, _ := sc.Query(ctx, `SELECT key FROM atelier.settings ORDER BY key`)
	keys, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || strings.Join(keys, ",") != "identity" {
		t.Errorf("the showroom sees settings %v (%v), want only the public identity", keys, err)
	}
	if _, err := sc.Exec(ctx, `SELECT count(*) FROM atelier.catalogs`); err != nil {
		t.Errorf("the showroom cannot read catalogs: %v", err)
	}
	dc, err := dealer.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close(ctx)
	var name string
	if err := dc.QueryRow(ctx, `SELECT name FROM atelier.customers WHERE gid = 'c1'`).Scan(&name); err != nil || name != "Anna Meyer" {
		t.Errorf("the dealer reads %q, %v", name, err)
	}
	var n int
	if err := dc.QueryRow(ctx, `SELECT count(*) FROM atelier.settings`).Scan(&n); err != nil || n != 2 {
		t.Errorf("the dealer sees %d settings (%v)", n, err)
	}
}

// A revoked machine cannot log in again, and the session it had open is
// ended: it reads nothing afterwards.
func TestRevokedMachineIsRefused(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	lost := s.join(t, "Lost laptop", Dealer)
	kept := s.join(t, "Kept laptop", Dealer)
	open, err := lost.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close(ctx)
	if err := s.admin.Revoke(ctx, "Lost laptop"); err != nil {
		t.Fatal(err)
	}
	if _, err := open.Exec(ctx, `SELECT count(*) FROM atelier.customers`); err == nil {
		t.Error("the revoked machine's open session still reads")
	}
	if c, err := lost.Connect(ctx); err == nil {
		c.Close(ctx)
		t.Error("the revoked machine logged in again")
	} else if !strings.Contains(err.Error(), "may not log in") {
		t.Errorf("refusal in other words: %v", err)
	}
	if c, err := kept.Connect(ctx); err != nil {
		t.Errorf("the other machine was refused too: %v", err)
	} else {
		c.Close(ctx)
	}
	if err := s.admin.Revoke(ctx, "Lost laptop"); err == nil || !strings.Contains(err.Error(), "was revoked on") {
		t.Errorf("revoking twice: %v", err)
	}
	st, _ := s.admin.Status(ctx)
	if st.Machines[0].State(time.Now()) != "revoked" || st.Machines[1].State(time.Now()) != "paired" {
		t.Errorf("machines %+v", st.Machines)
	}
	// Its name can be given to a new machine.
	if _, err := s.admin.AddMachine(ctx, "Lost laptop", Dealer); err != nil {
		t.Errorf("a new machine of the revoked one's name: %v", err)
	}
}

// To another machine, only TLS that verifies the server's certificate and
// name: anything less is refused before a byte is sent.
func TestRemoteConnectionWithoutTLSIsRefused(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"postgres://o@shop.example:5432/atelier?sslmode=verify-full", true},
		{"postgres://o@shop.example/atelier", false}, // prefer: falls back to plain text
		{"postgres://o@shop.example/atelier?sslmode=disable", false},
		{"postgres://o@shop.example/atelier?sslmode=allow", false},
		{"postgres://o@shop.example/atelier?sslmode=require", false},
		{"postgres://o@shop.example/atelier?sslmode=verify-ca", false},
		{"postgres://o@192.168.1.20/atelier?sslmode=require", false},
		{"postgres://o@127.0.0.1/atelier?sslmode=disable", true},
		{"postgres://o@[::1]:5433/atelier", true},
		{"postgres://o@localhost/atelier", true},
		{"postgres://o@/atelier?host=/var/run/postgresql", true},
		{"postgres://o@127.0.0.1,shop.example/atelier?sslmode=prefer", false},
		{"mysql://o@shop.example/atelier", false},
	} {
		_, err := ParseURL(tc.url)
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.url, err)
		}
		if !tc.ok && err == nil {
			t.Errorf("%s was taken", tc.url)
		}
	}
	// Kept credentials for another machine always verify.
	cfg, err := Credentials{Host: "shop.example", Port: 5432, Database: "atelier", Role: "r", Password: "p"}.Config()
	if err != nil || cfg.TLSConfig == nil || cfg.TLSConfig.InsecureSkipVerify || cfg.TLSConfig.ServerName != "shop.example" || len(cfg.Fallbacks) != 0 {
		t.Errorf("config %+v, %v", cfg, err)
	}
	// And a real server that offers no verifiable certificate is refused.
	remote(t)
	s := newShop(t)
	c := s.join(t, "Laptop", Dealer)
	c.CA = ""
	if conn, err := c.Connect(context.Background()); err == nil {
		conn.Close(context.Background())
		t.Error("connected to a server whose certificate no known authority signed")
	}
}

// The credentials' file is the machine's alone.
func TestCredentialsFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Jörg Müller", CredentialsFile)
	os.MkdirAll(filepath.Dir(path), 0o700)
	c := Credentials{Host: "shop.example", Port: 5432, Database: "atelier", Role: "atelier_m2", Password: "secret", Machine: 2, Kind: Dealer}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCredentials(path)
	if err != nil || got != c {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if runtime.GOOS == "windows" {
		return
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
	os.Chmod(path, 0o644)
	if _, err := LoadCredentials(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a file others can read: %v", err)
	}
}

func TestPairingCodes(t *testing.T) {
	c := Code{Machine: 12, Secret: []byte("0123456789"), Fingerprint: []byte("abcdefgh")}
	s := c.String()
	if !strings.HasPrefix(s, "12-") {
		t.Errorf("code %q", s)
	}
	for _, typed := range []string{s, strings.ToLower(s), " " + strings.ReplaceAll(s, "-", " ") + " ",
		strings.NewReplacer("0", "O", "1", "l").Replace(s[3:]) + ""} {
		if typed == strings.NewReplacer("0", "O", "1", "l").Replace(s[3:]) {
			typed = "12-" + typed
		}
		got, err := ParseCode(typed)
		if err != nil || got.Machine != 12 || string(got.Secret) != "0123456789" || string(got.Fingerprint) != "abcdefgh" {
			t.Errorf("%q: %+v %v", typed, got, err)
		}
	}
	local := Code{Machine: 1, Secret: []byte("9876543210")}
	if got, err := ParseCode(local.String()); err != nil || got.Fingerprint != nil {
		t.Errorf("a code without a certificate: %+v %v", got, err)
	}
	// Every single mistyped letter is caught.
	body := []byte(s)
	for i := 3; i < len(body); i++ {
		if body[i] == '-' {
			continue
		}
		typo := append([]byte{}, body...)
		typo[i] = map[bool]byte{true: 'Z', false: 'Y'}[typo[i] != 'Z']
		if _, err := ParseCode(string(typo)); !errors.Is(err, ErrBadCode) {
			t.Errorf("typo at %d (%s) taken", i, typo)
		}
	}
	for _, bad := range []string{"", "12", "x-ABCD", "0-ABCD", "12-ABCD-EFGH"} {
		if _, err := ParseCode(bad); !errors.Is(err, ErrBadCode) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzParseCode(f *testing.F) {
	f.Add("3-7KQ2-M9XD-4T8W-ZPHA-Q6R2")
	f.Add(Code{Machine: 7, Secret: make([]byte, secretBytes), Fingerprint: make([]byte, fingerprintBytes)}.String())
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		again, err := ParseCode(c.String())
		if err != nil || again.Machine != c.Machine || string(again.Secret) != string(c.Secret) || string(again.Fingerprint) != string(c.Fingerprint) {
			t.Fatalf("%q → %+v → %q → %+v %v", s, c, c.String(), again, err)
		}
	})
}

func TestServerAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"office.local/atelier":      "office.local:5432/atelier",
		"office.local:5433/atelier": "office.local:5433/atelier",
		"[fe80::1]:5432/shop":       "[fe80::1]:5432/shop",
		"10.0.0.5/möbel_jansen":     "10.0.0.5:5432/möbel_jansen",
	} {
		got, err := ParseServer(in)
		if err != nil || got.String() != want {
			t.Errorf("%s: %v %v, want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "office.local", "office.local:x/db", "office.local:70000/db", "/db", "host/a/b"} {
		if _, err := ParseServer(bad); err == nil {
			t.Errorf("%q taken", bad)
		}
	}
}

// otherCA is the PEM of a certificate authority the server does not use.
func otherCA(t *testing.T) string {
	t.Helper()
	other, err := pgtest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	return string(other)
}
