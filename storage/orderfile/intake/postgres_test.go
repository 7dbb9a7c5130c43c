package intake

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/internal/pgtest"
	"github.com/atelier-app/atelier/internal/racecheck"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
)

// pgDatabase is a new database on the test server, and its superuser URL.
func pgDatabase(t testing.TB) string {
	t.Helper()
	srv := pgtest.Shared(t)
	db, err := srv.CreateDatabase("intake")
	if err != nil {
		t.Fatal(err)
	}
	return srv.AdminURL(db)
}

func openPG(t testing.TB, url string, workers int) State {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenPostgres(context.Background(), cfg, workers)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPostgresClaimIsExclusive(t *testing.T) {
	url := pgDatabase(t)
	ctx := context.Background()
	a, b := openPG(t, url, 1), openPG(t, url, 1)
	defer a.Close()
	defer b.Close()
	pkg := strings.Repeat("ab", 32)
	ca, err := a.Claim(ctx, pkg, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Claim(ctx, pkg, "b"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a second claim of a held package: got %v, want ErrBusy", err)
	}
	ca.Release()
	cb, err := b.Claim(ctx, pkg, "b")
	if err != nil {
		t.Fatalf("a claim of a released package: %v", err)
	}
	r, err := cb.Decide(ctx, Number(1), func(earlier []Record) Record {
		return Record{Number: Number(1), Revision: 1, Verdict: orderfile.Refused, Reasons: []string{"test"}, Received: time.Now()}
	})
	if err != nil || r.Deliveries != 1 {
		t.Fatalf("decide: %+v, %v", r, err)
	}
	// Decided, not finished (filed, answered): still held.
	if _, err := a.Claim(ctx, pkg, "a"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a claim of a package being finished: got %v, want ErrBusy", err)
	}
	if err := cb.Done(ctx); err != nil {
		t.Fatal(err)
	}
	ca, err = a.Claim(ctx, pkg, "a")
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Release()
	if e, done := ca.Earlier(); !done || !e.Finished || e.Verdict != orderfile.Refused {
		t.Fatalf("a decided package claimed again: %+v, %v", e, done)
	}
	if r, err := ca.Again(ctx); err != nil || r.Deliveries != 2 {
		t.Fatalf("again: %+v, %v", r, err)
	}
}

func TestPostgresKilledClaimIsFree(t *testing.T) {
	url := pgDatabase(t)
	ctx := context.Background()
	b := openPG(t, url, 1)
	defer b.Close()
	// The process that dies: its own connection, which the server drops.
	dying := openPG(t, url, 1)
	pkg := strings.Repeat("cd", 32)
	if _, err := dying.Claim(ctx, pkg, "dying"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Claim(ctx, pkg, "b"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a held package: got %v, want ErrBusy", err)
	}
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var n int
	if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("killing the claim's connection: %d connections, %v", n, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := b.Claim(ctx, pkg, "b")
		if err == nil {
			c.Release()
			break
		}
		if !errors.Is(err, ErrBusy) || time.Now().After(deadline) {
			t.Fatalf("the killed claim was not freed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// workerSpec tells an intake process (TestIntakeProcess) what to do.
type workerSpec struct {
	URL, Server, Out, Key, DealerKey, By string
	Workers                              int
}

const workerEnv = "ATELIER_INTAKE_PROCESS"

// TestIntakeProcess is one intake process of TestTwoProcessesOneKilled:
// it makes passes until the inbox is empty and prints every package it
// handled.
func TestIntakeProcess(t *testing.T) {
	raw := os.Getenv(workerEnv)
	if raw == "" {
		t.Skip("an intake process of TestTwoProcessesOneKilled")
	}
	var spec workerSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key, err := sign.Load(spec.Key)
	if err != nil {
		t.Fatal(err)
	}
	dealer, err := sign.ParsePublicKey(spec.DealerKey)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	st := openPG(t, spec.URL, spec.Workers)
	defer st.Close()
	var mu sync.Mutex
	in := &Intake{Inbox: transport.NewFolder(spec.Server), Out: spec.Out, Key: key, State: st, Workers: spec.Workers, By: spec.By,
		Catalogs: []orderfile.CatalogSource{orderfile.NewCatalogSource(assets.DemoCatalogJSON, cat)},
		Trust:    orderfile.Trust{Registry: []storage.DealerKey{{Dealer: Dealer, PublicKey: dealer.String(), Fingerprint: dealer.Fingerprint()}}},
		Log: func(e Event) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Printf("handled %s %s dup=%v err=%v\n", e.Record.Number, e.Record.Verdict, e.Duplicate, e.Err)
		}}
	for {
		p, err := in.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("pass %+v\n", p)
		if p == (Pass{}) {
			return
		}
		if p.Busy > 0 || p.Failed > 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestTwoProcessesOneKilled: two intake processes on one PostgreSQL take
// in 1,000 packages from one inbox into one folder; one is killed
// (SIGKILL) while it works. Each package must be accepted exactly once,
// answered, filed once, and its lines in the day's lines.csv once.
func TestTwoProcessesOneKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("takes in 1,000 packages in two processes")
	}
	n := 1000
	if racecheck.Enabled {
		n = 40 // a few under the race detector; the 1,000 run without it (make norace)
	}
	f := testFixture(t)
	url := pgDatabase(t)
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "maker.key")
	if err := f.makerKey.Save(keyPath); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := 1 + w; i <= n; i += 2 {
				deliver(t, dir, Dealer, orderfile.FileName(Number(i)), f.pkg(t, i))
			}
		})
	}
	wg.Wait()
	t.Logf("%d packages made in %v", n, time.Since(start).Round(time.Millisecond))
	start = time.Now()

	type line struct {
		proc int
		text string
	}
	lines := make(chan line, 100)
	var procs sync.WaitGroup
	startProc := func(i int) *exec.Cmd {
		spec, _ := json.Marshal(workerSpec{URL: url, Server: filepath.Join(dir, "server"), Out: filepath.Join(dir, "out"), Key: keyPath,
			DealerKey: f.dealerKey.Public().String(), By: fmt.Sprintf("intake-%d", i+1), Workers: 2})
		cmd := exec.Command(os.Args[0], "-test.run=^TestIntakeProcess$", "-test.v")
		cmd.Env = append(os.Environ(), workerEnv+"="+string(spec))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs.Add(1)
		go func() {
			defer procs.Done()
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- line{i, sc.Text()}
			}
		}()
		return cmd
	}
	cmds := []*exec.Cmd{startProc(0), startProc(1)}
	go func() { procs.Wait(); close(lines) }()
	handled := [2]int{}
	killed := false
	var problems []string
	timeout := time.After(5 * time.Minute)
loop:
	for {
		select {
		case <-timeout:
			cmds[0].Process.Kill()
			cmds[1].Process.Kill()
			t.Fatal("the intake processes did not finish in 5 minutes")
		case l, ok := <-lines:
			if !ok {
				break loop
			}
			if !strings.HasPrefix(l.text, "handled ") {
				if strings.HasPrefix(l.text, "pass ") || strings.Contains(l.text, "FAIL") {
					t.Logf("process %d: %s", l.proc+1, l.text)
				}
				continue
			}
			handled[l.proc]++
			if !strings.HasSuffix(l.text, "accepted dup=false err=<nil>") {
				problems = append(problems, fmt.Sprintf("process %d: %s", l.proc+1, l.text))
			}
			if l.proc == 0 && handled[0] == n/5 && !killed {
				killed = true
				cmds[0].Process.Signal(syscall.SIGKILL)
			}
		}
	}
	err0, err1 := cmds[0].Wait(), cmds[1].Wait()
	elapsed := time.Since(start)
	if !killed || err0 == nil {
		t.Fatalf("process 1 was not killed mid-way (%v)", err0)
	}
	if err1 != nil {
		t.Fatalf("process 2: %v", err1)
	}
	t.Logf("handled: process 1 (killed) %d, process 2 %d, in %v", handled[0], handled[1], elapsed.Round(time.Millisecond))
	for _, p := range problems {
		t.Log(p)
	}

	ctx := context.Background()
	st := openPG(t, url, 1)
	defer st.Close()
	recs, err := st.Records(ctx, start.Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	deliveries := 0
	for _, r := range recs {
		if r.Verdict != orderfile.Accepted {
			t.Errorf("%s: %s %q", r.Number, r.Verdict, r.Reasons)
		}
		seen[r.Number]++
		deliveries += r.Deliveries
	}
	if len(recs) != n || len(seen) != n {
		t.Errorf("%d records of %d orders, want %d of %d", len(recs), len(seen), n, n)
	}
	if deliveries != n {
		t.Errorf("%d deliveries counted, want %d: each package arrived once", deliveries, n)
	}
	if got := inboxFiles(t, dir); len(got) != 0 {
		t.Errorf("%d files left in the inbox: %q", len(got), got[:min(len(got), 5)])
	}
	as := answers(t, dir, Dealer, f.makerKey)
	dups := 0
	for _, a := range as {
		if a.Verdict != orderfile.Accepted {
			t.Errorf("answer %+v", a)
		}
		if a.Duplicate {
			dups++
		}
	}
	if len(as) != n {
		t.Errorf("%d answers, want %d", len(as), n)
	}
	if dups > 0 {
		t.Errorf("%d answers say the package was delivered before; each was delivered once", dups)
	}
	zips, _ := filepath.Glob(filepath.Join(dir, "out", "accepted", "*", "*"+PackageSuffix))
	oexes, _ := filepath.Glob(filepath.Join(dir, "out", "accepted", "*", "oex-*.xml"))
	if len(zips) != n || len(oexes) != n {
		t.Errorf("filed: %d packages and %d OEX messages, want %d of each", len(zips), len(oexes), n)
	}
	all, _ := filepath.Glob(filepath.Join(dir, "out", "accepted", "*", "*"))
	if want := 2*n + len(days(recs)); len(all) != want {
		t.Errorf("%d files in accepted/, want %d (leftovers?)", len(all), want)
	}
	rows := map[string]int{}
	total := 0
	for _, day := range days(recs) {
		for _, r := range linesCSV(t, filepath.Join(dir, "out"), day) {
			rows[r[1]]++
			total++
		}
	}
	if total != n*f.rows {
		t.Errorf("lines.csv: %d rows, want %d × %d = %d", total, n, f.rows, n*f.rows)
	}
	for num, c := range rows {
		if c != f.rows {
			t.Errorf("lines.csv: %d rows of order %s, want %d", c, num, f.rows)
		}
	}
}

func days(recs []Record) []string {
	m := map[string]bool{}
	for _, r := range recs {
		m[r.Day()] = true
	}
	return sortedDays(m)
}
