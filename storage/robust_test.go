package storage

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atelier-app/atelier/internal/racecheck"
	"github.com/atelier-app/atelier/internal/wine"

	"github.com/atelier-app/atelier/assets"
)

// openAt creates a database with only the first n migrations applied, as an
// older version of the app left it.
func openAt(t *testing.T, path string, n int) {
	t.Helper()
	saved := migrations
	migrations = migrations[:n]
	defer func() { migrations = saved }()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// TestUpgradeFromEveryVersion writes data as each earlier schema version
// held it, opens the file with this version, and checks that everything is
// there and works.
func TestUpgradeFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	for from := 1; from < SchemaVersion; from++ {
		t.Run(fmt.Sprintf("from-v%d", from), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "atelier.db")
			openAt(t, path, from)
			// Data as version `from` wrote it, in plain SQL (the code of that
			// version is gone; its schema is not).
			old, err := sqlOpen(path)
			if err != nil {
				t.Fatal(err)
			}
			stmts := []string{
				`INSERT INTO catalogs (id, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at)
					VALUES (1, 'nordholm', '2026.2', 'Nordholm', 'Nordholm Werkstätten', 'abc', 'builtin', x'7b7d', 'json', '2026-01-01T00:00:00Z')`,
				`INSERT INTO customers (id, name, email, created_at, updated_at) VALUES (1, 'Jonas Berg', 'jonas@example.org', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
				`INSERT INTO designs (id, name, notes, product_id, product_name, catalog, customer, revision, created_at, updated_at)
					VALUES (1, 'Walnut desk', 'for the studio', 'lift-desk', 'Höhe Lift Desk', 1, 1, 1, '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')`,
				`INSERT INTO revisions (design, number, catalog, decisions, name, quantity, currency, total, breakdown, saved_at)
					VALUES (1, 1, 1, '{"top":"walnut"}', 'Walnut desk', 1, 'EUR', '1109.00', '[]', '2026-01-02T00:00:00Z')`,
				`INSERT INTO orders (id, dealer, seq, number, customer, created_at, updated_at) VALUES (1, 'D1', 1, 'D1-00001', 1, '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z')`,
				`INSERT INTO order_lines (order_id, line, revision, quantity) VALUES (1, 1, 1, 2)`,
			}
			if from >= 2 {
				// From version 2 the app kept the search index with every save.
				stmts = append(stmts, `INSERT INTO design_search (rowid, name, notes, product, customer) VALUES (1, 'Walnut desk', 'for the studio', 'Höhe Lift Desk', 'Jonas Berg')`)
			}
			for _, s := range stmts {
				if _, err := old.Exec(s); err != nil {
					t.Fatalf("v%d data: %v", from, err)
				}
			}
			old.Close()

			db, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("upgrade from v%d: %v", from, err)
			}
			defer db.Close()
			var v int
			db.db.QueryRow("PRAGMA user_version").Scan(&v)
			if v != SchemaVersion {
				t.Fatalf("user_version = %d, want %d", v, SchemaVersion)
			}
			d, err := db.Design(ctx, 1)
			if err != nil || d.Name != "Walnut desk" || d.CustomerName != "Jonas Berg" || d.Total != "1109.00" {
				t.Fatalf("design after upgrade: %+v %v", d, err)
			}
			found, err := db.Designs(ctx, Filter{Query: "jonas studio"})
			if err != nil || len(found) != 1 {
				t.Errorf("search after upgrade: %v %v", found, err)
			}
			if old, err := db.Order(ctx, 1); err != nil || len(old.Lines) != 1 || old.Lines[0].Discount != "0" {
				t.Errorf("order line after upgrade: %+v %v", old.Lines, err)
			}
			o, err := db.CreateOrder(ctx, OrderInput{Dealer: "D1", Lines: []OrderLine{{Revision: 1, Quantity: 1}}})
			if err != nil || o.Number != "D1-00002" {
				t.Errorf("next order after upgrade: %+v %v", o, err)
			}
			if err := db.SaveAutosave(ctx, Autosave{Catalog: 1, ProductID: "lift-desk", Name: "x"}); err != nil {
				t.Errorf("autosave after upgrade: %v", err)
			}
			if err := db.IntegrityCheck(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestOrdersAreNumberedPerDealerWithoutGaps(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	_, rev, err := db.SaveDesign(ctx, deskInput(rec, "Desk"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, dealer := range []string{"berlin", "berlin", "hamburg", "berlin"} {
		o, err := db.CreateOrder(ctx, OrderInput{Dealer: dealer, Lines: []OrderLine{{Revision: rev.ID, Quantity: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.Number)
	}
	want := "BERLIN-00001 BERLIN-00002 HAMBURG-00001 BERLIN-00003"
	if strings.Join(got, " ") != want {
		t.Errorf("numbers = %v, want %s", got, want)
	}
	// A failed order takes no number.
	if _, err := db.CreateOrder(ctx, OrderInput{Dealer: "berlin", Lines: []OrderLine{{Revision: 999, Quantity: 1}}}); err == nil {
		t.Fatal("an order of a missing revision was saved")
	}
	o, err := db.CreateOrder(ctx, OrderInput{Dealer: "berlin", Lines: []OrderLine{{Revision: rev.ID, Quantity: 1}}})
	if err != nil || o.Number != "BERLIN-00004" {
		t.Errorf("after a failed order: %v %v", o.Number, err)
	}
	if d, _ := db.Design(ctx, rev.Design); d.Status != Ordered {
		t.Errorf("design status = %s, want ordered", d.Status)
	}
	if err := db.PurgeDesign(ctx, rev.Design); err == nil || !strings.Contains(err.Error(), "order") {
		t.Errorf("purging an ordered design: %v", err)
	}
	if err := db.SetOrderExported(ctx, o.ID, "BERLIN-00004.atelier-order.zip", "abc"); err != nil {
		t.Fatal(err)
	}
	if o, _ = db.Order(ctx, o.ID); o.Status != "exported" || len(o.Lines) != 1 {
		t.Errorf("order = %+v", o)
	}
}

// Two processes numbering orders at once (the app and the CLI) never take
// the same number: the number is read and written in one immediate
// transaction.
func TestConcurrentOrdersTakeDistinctNumbers(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	_, rev, err := db.SaveDesign(ctx, deskInput(rec, "Desk"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	errs := make(chan error, 2)
	for _, conn := range []*DB{db, other} {
		go func() {
			for i := 0; i < 20; i++ {
				if _, err := conn.CreateOrder(ctx, OrderInput{Dealer: "d", Lines: []OrderLine{{Revision: rev.ID, Quantity: 1}}}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	orders, _ := db.Orders(ctx)
	seen := map[int]bool{}
	for _, o := range orders {
		seen[o.Seq] = true
	}
	for i := 1; i <= 40; i++ {
		if !seen[i] {
			t.Errorf("number %d missing (%d orders)", i, len(orders))
		}
	}
}

// Forgetting a customer leaves no trace of them: not in the records, not in
// the search index, not in the file's bytes.
func TestForgetCustomerErasesEverything(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	id, err := db.SaveCustomer(ctx, Customer{Name: "Greta Lindqvist", Email: "greta.lindqvist@example.se", Phone: "+46 70 123 45 67",
		Address: "Storgatan 12\n111 51 Stockholm", ConsentAt: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	in := deskInput(rec, "Desk for Greta Lindqvist")
	in.Customer = id
	in.Notes = "Greta Lindqvist wants it before Christmas"
	d, rev, err := db.SaveDesign(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	in.ID = d.ID
	if _, _, err := db.SaveDesign(ctx, in); err != nil { // a second revision
		t.Fatal(err)
	}
	if _, err := db.CreateOrder(ctx, OrderInput{Dealer: "d", Customer: id, Delivery: "Greta Lindqvist\nStorgatan 12\n111 51 Stockholm",
		Lines: []OrderLine{{Revision: rev.ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAutosave(ctx, Autosave{Design: d.ID, Catalog: rec.ID, ProductID: "lift-desk", Name: in.Name}); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetCustomer(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Customer(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("customer still there: %v", err)
	}
	got, _ := db.Design(ctx, d.ID)
	if got.Customer != 0 || strings.Contains(got.Name+got.Notes, "Greta") {
		t.Errorf("design keeps a trace: %+v", got)
	}
	revs, _ := db.Revisions(ctx, d.ID)
	for _, r := range revs {
		if strings.Contains(r.Name+r.Notes, "Lindqvist") {
			t.Errorf("revision %d keeps a trace: %q %q", r.Number, r.Name, r.Notes)
		}
	}
	if found, _ := db.Designs(ctx, Filter{Query: "greta"}); len(found) != 0 {
		t.Errorf("the search still finds her: %v", found)
	}
	orders, _ := db.Orders(ctx)
	if orders[0].Customer != 0 || orders[0].Delivery != "" {
		t.Errorf("order keeps a trace: %+v", orders[0])
	}
	if a, _ := db.LoadAutosave(ctx); a == nil || strings.Contains(a.Name, "Greta") {
		t.Errorf("autosave: %+v", a)
	}
	// Nothing of her is left in the bytes of the database and its WAL.
	for _, f := range []string{db.Path(), db.Path() + "-wal"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range []string{"Lindqvist", "greta.lindqvist", "Storgatan", "123 45 67"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s still contains %q", filepath.Base(f), s)
			}
		}
	}
}

// Restoring a backup taken before a customer was forgotten forgets them
// again.
func TestRestoreForgetsForgottenCustomersAgain(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	id, _ := db.SaveCustomer(ctx, Customer{Name: "Ola Nordmann"})
	in := deskInput(rec, "Desk")
	in.Customer = id
	if _, _, err := db.SaveDesign(ctx, in); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "before.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetCustomer(ctx, id); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	db.Close()
	aside, err := Restore(ctx, path, backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(aside); err != nil {
		t.Errorf("the replaced database was not kept: %v", err)
	}
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, err := again.Customer(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("the restored backup brought the customer back: %v", err)
	}
	if list, _ := again.Designs(ctx, Filter{}); len(list) != 1 || list[0].Customer != 0 {
		t.Errorf("designs after restore: %+v", list)
	}
}

func TestAutoBackupKeepsSevenDays(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	dir := filepath.Join(t.TempDir(), "backups")
	clock := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	db.now = func() time.Time { return clock }
	for day := 0; day < 10; day++ {
		p, err := db.AutoBackup(ctx, dir, 7)
		if err != nil || p == "" {
			t.Fatalf("day %d: %q %v", day, p, err)
		}
		if p, _ := db.AutoBackup(ctx, dir, 7); p != "" {
			t.Fatalf("day %d: a second backup the same day: %s", day, p)
		}
		clock = clock.Add(24 * time.Hour)
	}
	list, _ := Backups(dir)
	if len(list) != 7 || !strings.HasSuffix(list[0], "atelier-20261110-080000.db") {
		t.Errorf("backups = %v", list)
	}
	if err := CheckBackup(ctx, list[0]); err != nil {
		t.Error(err)
	}
}

// Bad files get a clear error and are left exactly as they were.
func TestBadDatabaseFiles(t *testing.T) {
	ctx := context.Background()
	good, _ := newTestDB(t)
	goodPath := good.Path()
	good.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	good.Close()
	content, err := os.ReadFile(goodPath)
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(r.IntN(256))
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"random bytes", random, ErrDamaged},
		{"truncated", content[:len(content)/3], ErrDamaged},
		{"header only", content[:100], ErrDamaged},
		{"text file", []byte("these are my notes, not a database\n"), ErrDamaged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "atelier.db")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := Open(ctx, path)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error = %v, want %v", err, tc.want)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, tc.data) {
				t.Error("the file was changed")
			}
			aside, err := SetAside(path, "damaged", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if kept, _ := os.ReadFile(aside); !bytes.Equal(kept, tc.data) {
				t.Error("the file set aside differs")
			}
		})
	}
	t.Run("newer version", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "atelier.db")
		db, err := sqlOpen(path)
		if err != nil {
			t.Fatal(err)
		}
		db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+5))
		db.Close()
		before, _ := os.ReadFile(path)
		_, err = Open(ctx, path)
		if !errors.Is(err, ErrNewer) || !strings.Contains(err.Error(), "nothing was changed") {
			t.Errorf("error = %v", err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
			t.Error("the file was changed")
		}
	})
	t.Run("read-only folder", func(t *testing.T) {
		// An existing database in a folder that cannot be written: a
		// read-only mount when the test runs as root (root ignores
		// permission bits), else a folder without write permission.
		if runtime.GOOS == "windows" {
			t.Skip("a Windows folder's read-only attribute does not stop writes in it (only its ACL does); the read-only file case covers Windows")
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "atelier.db")
		if os.Geteuid() == 0 {
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
				t.Skipf("cannot mount a tmpfs: %v %s", err, out)
			}
			defer exec.Command("umount", dir).Run()
		}
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		db.Close()
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		before, _ := os.ReadFile(path)
		if os.Geteuid() == 0 {
			if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
				t.Skipf("cannot remount read-only: %v %s", err, out)
			}
		} else {
			os.Chmod(dir, 0o500)
			defer os.Chmod(dir, 0o700)
		}
		_, err = Open(ctx, path)
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("error = %v, want ErrReadOnly", err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
			t.Error("the file was changed")
		}
	})
	t.Run("read-only file", func(t *testing.T) {
		// A library marked read-only (on Windows: the file's read-only
		// attribute, as a copy from a CD or a "protected" file has).
		// Root on Unix ignores permission bits.
		if os.Geteuid() == 0 {
			t.Skip("root ignores a file's permission bits")
		}
		if wine.Running() {
			t.Skip("Wine keeps the read-only attribute in the host's permission bits, which its user (root in CI) may ignore")
		}
		path := filepath.Join(t.TempDir(), "atelier.db")
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		db.Close()
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		before, _ := os.ReadFile(path)
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(path, 0o600)
		db, err = Open(ctx, path)
		if err == nil {
			db.Close()
		}
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("error = %v, want ErrReadOnly", err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
			t.Error("the file was changed")
		}
	})
}

// TestFullDisk fills a small tmpfs (when the test may mount one: root on
// Linux) and checks that a save that does not fit fails with ErrDiskFull
// and leaves every earlier save intact.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(dir, "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cat, _ := assets.DemoCatalog()
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, Builtin)
	if err != nil {
		t.Fatal(err)
	}
	thumb := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range thumb {
		thumb[i] = byte(r.IntN(256)) // incompressible
	}
	saved := 0
	var full error
	for i := 0; i < 100; i++ {
		in := deskInput(rec, fmt.Sprintf("design %d", i))
		in.Thumbnail = thumb
		if _, _, err := db.SaveDesign(ctx, in); err != nil {
			full = err
			break
		}
		saved++
	}
	if !errors.Is(full, ErrDiskFull) {
		t.Fatalf("after %d saves: error %v, want ErrDiskFull", saved, full)
	}
	list, err := db.Designs(ctx, Filter{Limit: 1000})
	if err != nil || len(list) != saved {
		t.Errorf("after the disk filled: %d designs (%v), want the %d saved", len(list), err, saved)
	}
}

// TestCrashWhileSaving kills a process that saves designs in a loop at
// random moments, 60 times, and checks after each kill that the database
// is sound and holds every save the process reported as committed.
func TestCrashWhileSaving(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ctx := context.Background()
	db, _ := newTestDB(t)
	path := db.Path()
	db.Close()
	committed := map[int64]string{} // design id -> name
	r := rand.New(rand.NewPCG(5, 6))
	kills := 60
	if racecheck.Enabled {
		kills = 8 // the full 60 run without the race detector (make norace)
	}
	for k := 0; k < kills; k++ {
		// Let it get going (its first save is committed, however slow the
		// machine is), then kill it mid-flight.
		cmd, lines := startChild(t, "TestCrashChild", "ATELIER_CRASH_CHILD="+path, fmt.Sprintf("ATELIER_CRASH_ROUND=%d", k))
		time.Sleep(time.Duration(r.IntN(60)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		for l := range lines {
			var id int64
			var name string
			if n, _ := fmt.Sscanf(l, "committed %d", &id); n == 1 {
				name = strings.TrimPrefix(l, fmt.Sprintf("committed %d ", id))
				committed[id] = name
			}
		}
		db, err := Open(ctx, path) // runs quick_check
		if err != nil {
			t.Fatalf("after kill %d: %v", k, err)
		}
		for id, name := range committed {
			d, err := db.Design(ctx, id)
			if err != nil || d.Name != name {
				t.Fatalf("after kill %d: committed design %d (%q): %+v %v", k, id, name, d, err)
			}
			rev, err := db.Revision(ctx, id, 0)
			if err != nil || rev.Decisions["n"] != strconv.FormatInt(id, 10) && rev.Decisions["name"] != name {
				t.Fatalf("after kill %d: revision of design %d: %+v %v", k, id, rev, err)
			}
		}
		db.Close()
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if len(committed) < kills {
		t.Errorf("only %d saves were committed in %d runs: the child barely ran", len(committed), kills)
	}
	t.Logf("%d kills, %d committed saves, all present", kills, len(committed))
}

// TestCrashChild is the process TestCrashWhileSaving kills: it saves
// designs as fast as it can and reports each committed one.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("ATELIER_CRASH_CHILD")
	if path == "" {
		t.Skip("run by TestCrashWhileSaving")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	cats, err := db.Catalogs(ctx)
	if err != nil || len(cats) == 0 {
		fmt.Println("catalogs:", err)
		os.Exit(3)
	}
	round := os.Getenv("ATELIER_CRASH_ROUND")
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		name := fmt.Sprintf("round %s save %d", round, i)
		in := deskInput(cats[0], name)
		in.Decisions = map[string]string{"name": name, "width": strconv.Itoa(800 + 10*(i%100))}
		in.Thumbnail = bytes.Repeat([]byte{byte(i)}, 4096)
		d, _, err := db.SaveDesign(ctx, in)
		if err != nil {
			fmt.Fprintln(w, "error:", err)
			w.Flush()
			os.Exit(4)
		}
		fmt.Fprintf(w, "committed %d %s\n", d.ID, name)
		w.Flush()
	}
}

// startChild runs the test binary's test named name as a child process
// with env added, and returns once the child has written its first line
// (however slow the machine is); lines gives everything it writes.
func startChild(t *testing.T, name string, env ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v=false")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1<<16)
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		first := true
		for sc.Scan() {
			lines <- sc.Text()
			if first {
				first = false
				close(started)
			}
		}
		close(lines)
	}()
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child %s wrote nothing in a minute", name)
	}
	return cmd, lines
}
