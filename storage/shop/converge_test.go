package shop

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/atelier-app/atelier/storage"
)

// machineSpec tells a machine process (TestConvergeMachine) what to do.
type machineSpec struct {
	Library, Credentials string
	Seed, Run            uint64
	Rounds               int
	ForgetAt             int    // the round it forgets Forget (-1: never)
	Forget               string // a customer's name
	EditForgotten        bool   // it keeps editing Forget (offline at first)
}

// TestConvergeThreeMachines runs three machine processes against one shop:
// random offline periods, the same designs and customers edited on several
// machines, orders made offline on two, a customer forgotten on one while
// another edits them offline, a machine killed (SIGKILL) in the middle of
// a sync, PostgreSQL restarted in the middle of another. Then all come back
// and sync, and every machine must hold what PostgreSQL holds; every change
// a machine acknowledged is there (a customer's field as its value, or in
// the customer's history if a later edit won); order numbers are unique;
// the forgotten customer is nowhere, byte for byte.
func TestConvergeThreeMachines(t *testing.T) {
	if testing.Short() {
		t.Skip("starts machine processes for a while")
	}
	s := newShop(t)
	ctx := context.Background()
	dir := t.TempDir()
	var specs []machineSpec
	var machines []*machine
	for i, name := range []string{"Office", "Laptop Anna", "Laptop Ben"} {
		m := s.machine(t, name, Dealer)
		credPath := filepath.Join(dir, fmt.Sprintf("shop-%d.json", i+1))
		if err := m.cred.Save(credPath); err != nil {
			t.Fatal(err)
		}
		machines = append(machines, m)
		specs = append(specs, machineSpec{Library: m.db.Path(), Credentials: credPath, Seed: uint64(i + 1), Rounds: 90, ForgetAt: -1})
	}
	// What all start from: customers and designs made on the office machine.
	office := machines[0]
	for _, name := range []string{"Kunde Eins", "Kunde Zwei", "Kunde Drei", "Zebulon Quixote"} {
		if _, err := office.db.SaveCustomer(ctx, storage.Customer{Name: name, Email: strings.ToLower(strings.Fields(name)[1]) + "@example.org", ConsentAt: "2026-12-07"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 4; i++ {
		office.save(t, storage.DesignInput{Name: fmt.Sprintf("Shared design %d", i), Decisions: map[string]string{"seats": "3"}})
	}
	for _, m := range machines {
		m.sync(t)
	}
	for _, m := range machines {
		m.sync(t)
		m.db.Close() // the processes have them now
	}
	specs[0].ForgetAt, specs[0].Forget = 30, "Zebulon Quixote"
	specs[1].Forget, specs[1].EditForgotten = "Zebulon Quixote", true

	events := make(chan event, 1000)
	var wg sync.WaitGroup
	start := func(i int, run uint64) *exec.Cmd {
		spec := specs[i]
		spec.Run = run
		data, _ := json.Marshal(spec)
		cmd := exec.Command(os.Args[0], "-test.run=^TestConvergeMachine$", "-test.v")
		cmd.Env = append(os.Environ(), "ATELIER_CONVERGE_MACHINE="+string(data))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				events <- event{i, sc.Text()}
			}
			cmd.Wait()
			events <- event{i, "exited"}
		}()
		return cmd
	}
	cmds := []*exec.Cmd{start(0, 0), start(1, 0), start(2, 0)}
	var acks []event
	running := 3
	killed, restarted := false, false
	syncs := 0
	deadline := time.After(4 * time.Minute)
	for running > 0 {
		select {
		case <-deadline:
			for _, c := range cmds {
				c.Process.Kill()
			}
			t.Fatal("the machine processes did not finish in 4 minutes")
		case e := <-events:
			switch {
			case e.line == "exited":
				running--
				if e.machine == 2 && killed && cmds[2].ProcessState != nil && !cmds[2].ProcessState.Success() && running < 3 {
					// Killed in the middle of a sync: it comes back.
					cmds[2] = start(2, 1)
					running++
				}
			case strings.HasPrefix(e.line, "ack "):
				acks = append(acks, e)
			case e.line == "sync start":
				syncs++
				if e.machine == 2 && !killed && syncs >= 6 {
					killed = true
					cmds[2].Process.Signal(syscall.SIGKILL)
				} else if !restarted && syncs >= 12 {
					restarted = true
					if err := s.srv.Restart(); err != nil {
						t.Fatal(err)
					}
				}
			case strings.HasPrefix(e.line, "error"):
				t.Errorf("machine %d: %s", e.machine+1, e.line)
			}
		}
	}
	wg.Wait()
	// The owner's connection was cut by the restart.
	admin, err := OpenAdmin(ctx, s.srv.AdminURL(s.db))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	s.admin = admin
	if !killed || !restarted {
		t.Fatalf("the test did not kill a machine (%v) or restart PostgreSQL (%v) mid-sync", killed, restarted)
	}
	// All back online: sync until nothing moves.
	libs := make([]*machine, 3)
	for i, sp := range specs {
		db, err := storage.Open(ctx, sp.Library)
		if err != nil {
			t.Fatal(err)
		}
		cred, err := LoadCredentials(sp.Credentials)
		if err != nil {
			t.Fatal(err)
		}
		libs[i] = &machine{db: db, cred: cred}
		defer db.Close()
	}
	for round := 0; ; round++ {
		moved := 0
		for _, m := range libs {
			rep := m.sync(t)
			moved += rep.Sent + rep.Received
		}
		if moved == 0 {
			break
		}
		if round == 6 {
			t.Fatal("the machines keep exchanging changes after 6 rounds")
		}
	}

	shopState := pgState(t, s)
	for _, m := range libs {
		if got := libraryState(t, m.db.Path()); got != shopState {
			t.Errorf("%s differs from the shop:\n%s", m.cred.Name, diffLines(got, shopState))
		}
	}
	t.Logf("%d acknowledged changes; the shop holds:\n%s", len(acks), summaryCounts(shopState))
	checkAcks(t, s, acks)
	// Order numbers: unique per dealer and machine, new ones unique at all.
	var dup int
	if err := s.admin.conn.QueryRow(ctx, `SELECT count(*) FROM (SELECT number FROM atelier.orders GROUP BY number HAVING count(*) > 1) d`).Scan(&dup); err != nil || dup > 0 {
		t.Errorf("%d order numbers used twice (%v)", dup, err)
	}
	// The forgotten customer: nowhere.
	for _, table := range []string{"customers", "customer_history", "designs", "revisions", "showroom_queue", "orders", "erasures"} {
		var n int
		if err := s.admin.conn.QueryRow(ctx, `SELECT count(*) FROM atelier.`+table+` t WHERE t::text ILIKE '%quixote%'`).Scan(&n); err != nil || n > 0 {
			t.Errorf("atelier.%s mentions the forgotten customer in %d rows (%v)", table, n, err)
		}
	}
	for _, m := range libs {
		path := m.db.Path()
		m.db.Close()
		for _, f := range []string{path, path + "-wal"} {
			data, _ := os.ReadFile(f)
			if bytes.Contains(bytes.ToLower(data), []byte("quixote")) {
				t.Errorf("%s: %s holds the forgotten name", m.cred.Name, filepath.Base(f))
			}
		}
	}
}

// TestConvergeMachine is one machine of TestConvergeThreeMachines: it edits,
// saves, orders, forgets and syncs at random, and says what it did.
func TestConvergeMachine(t *testing.T) {
	raw := os.Getenv("ATELIER_CONVERGE_MACHINE")
	if raw == "" {
		t.Skip("run by TestConvergeThreeMachines")
	}
	var sp machineSpec
	if err := json.Unmarshal([]byte(raw), &sp); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		fmt.Fprintf(out, format+"\n", args...)
		out.Flush()
	}
	db, err := storage.Open(ctx, sp.Library)
	if err != nil {
		say("error open: %v", err)
		return
	}
	defer db.Close()
	cred, err := LoadCredentials(sp.Credentials)
	if err != nil {
		say("error credentials: %v", err)
		return
	}
	st, _, _ := db.SyncState(ctx)
	tag := func(round int) string { return fmt.Sprintf("m%d-run%d-r%d", st.Machine, sp.Run, round) }
	rng := rand.New(rand.NewPCG(sp.Seed, sp.Run))
	online := !sp.EditForgotten
	for round := 0; round < sp.Rounds; round++ {
		if round%15 == 14 {
			online = !online
		}
		if round == sp.ForgetAt {
			if c, ok := customerNamed(ctx, db, sp.Forget); ok {
				if _, err := db.Forget(ctx, c.ID); err != nil {
					say("error forget: %v", err)
				} else {
					say("ack forget %s", sp.Forget)
				}
			}
		}
		switch k := rng.IntN(10); {
		case k <= 2: // a customer's field
			cs, err := db.Customers(ctx, "")
			if err != nil || len(cs) == 0 {
				break
			}
			c := cs[rng.IntN(len(cs))]
			if sp.EditForgotten {
				if x, ok := customerNamed(ctx, db, sp.Forget); ok {
					c = x
				}
			}
			field := []string{"email", "phone", "address"}[rng.IntN(3)]
			value := tag(round)
			switch field {
			case "email":
				c.Email = value + "@example.org"
				value = c.Email
			case "phone":
				c.Phone = value
			case "address":
				c.Address = "Straße " + value
				value = c.Address
			}
			if _, err := db.SaveCustomer(ctx, c); err == nil {
				say("ack customer %s|%s|%s", c.Name, field, value)
			}
		case k <= 4: // a new revision of a shared design
			ds, err := db.Designs(ctx, storage.Filter{Limit: 100})
			if err != nil || len(ds) == 0 {
				break
			}
			d := ds[rng.IntN(len(ds))]
			rev, err := db.Revision(ctx, d.ID, 0)
			if err != nil {
				break
			}
			seats := fmt.Sprint(2 + rng.IntN(3))
			if _, _, err := db.SaveDesign(ctx, storage.DesignInput{ID: d.ID, Name: d.Name, Notes: tag(round), ProductID: d.ProductID,
				ProductName: d.ProductName, Catalog: rev.Catalog, Quantity: 1, Decisions: map[string]string{"seats": seats},
				Currency: "EUR", Total: "1000.00"}); err == nil {
				say("ack revision %s", tag(round))
			}
		case k == 5: // a new design
			cats, err := db.Catalogs(ctx)
			if err != nil || len(cats) == 0 {
				break
			}
			if _, _, err := db.SaveDesign(ctx, storage.DesignInput{Name: "Design " + tag(round), Notes: tag(round), ProductID: "kolme-sofa",
				ProductName: "Kolme sofa", Catalog: cats[0].ID, Quantity: 1, Decisions: map[string]string{"seats": "2"},
				Currency: "EUR", Total: "800.00"}); err == nil {
				say("ack revision %s", tag(round))
			}
		case k == 6: // an order
			ds, err := db.Designs(ctx, storage.Filter{Limit: 100})
			if err != nil || len(ds) == 0 {
				break
			}
			rev, err := db.Revision(ctx, ds[rng.IntN(len(ds))].ID, 0)
			if err != nil {
				break
			}
			if o, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: "BER01", Notes: tag(round),
				Lines: []storage.OrderLine{{Revision: rev.ID, Quantity: 1}}}); err == nil {
				say("ack order %s|%s", o.Number, tag(round))
			} else {
				say("error order: %v", err)
			}
		default:
			if !online {
				break
			}
			say("sync start")
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			if _, err := Sync(sctx, db, cred); err != nil {
				say("sync failed: %v", err)
			} else {
				say("sync done")
			}
			cancel()
		}
		time.Sleep(time.Duration(2+rng.IntN(10)) * time.Millisecond)
	}
	say("done")
}

func customerNamed(ctx context.Context, db *storage.DB, name string) (storage.Customer, bool) {
	cs, err := db.Customers(ctx, "")
	if err != nil {
		return storage.Customer{}, false
	}
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	return storage.Customer{}, false
}

// libraryState is what a library holds, one line per row, sorted, by
// global ids (read from the file directly).
func libraryState(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return collect(t, func(q string) (*sql.Rows, error) { return db.Query(q) }, []string{
		`SELECT 'customer ' || gid || ' ' || name || '|' || email || '|' || phone || '|' || address FROM customers`,
		`SELECT 'design ' || d.gid || ' ' || d.name || '|' || d.notes || '|' || d.status || '|' || coalesce(c.gid, '') || '|' || coalesce(d.deleted_at, '')
			FROM designs d LEFT JOIN customers c ON c.id = d.customer`,
		`SELECT 'revision ' || r.gid || ' ' || d.gid || '|' || coalesce(r.parent, '') || '|' || r.name || '|' || r.notes || '|' || r.decisions
			FROM revisions r JOIN designs d ON d.id = r.design`,
		`SELECT 'order ' || o.gid || ' ' || o.number || '|' || o.status || '|' || o.notes || '|' ||
			(SELECT group_concat(r.gid || 'x' || l.quantity, ',') FROM order_lines l JOIN revisions r ON r.id = l.revision WHERE l.order_id = o.id)
			FROM orders o`,
	})
}

// pgState is what the shop holds, in libraryState's form.
func pgState(t *testing.T, s *testShop) string {
	t.Helper()
	ctx := context.Background()
	return collectPG(t, s, ctx, []string{
		`SELECT 'customer ' || gid || ' ' || name || '|' || email || '|' || phone || '|' || address FROM atelier.customers`,
		`SELECT 'design ' || gid || ' ' || name || '|' || notes || '|' || status || '|' || coalesce(customer, '') || '|' || coalesce(deleted_at, '')
			FROM atelier.designs`,
		`SELECT 'revision ' || gid || ' ' || design || '|' || coalesce(parent, '') || '|' || name || '|' || notes || '|' || decisions FROM atelier.revisions`,
		`SELECT 'order ' || o.gid || ' ' || o.number || '|' || o.status || '|' || o.notes || '|' ||
			(SELECT string_agg(revision || 'x' || quantity, ',' ORDER BY line) FROM atelier.order_lines l WHERE l.order_gid = o.gid)
			FROM atelier.orders o`,
	})
}

func collect(t *testing.T, query func(string) (*sql.Rows, error), qs []string) string {
	t.Helper()
	var lines []string
	for _, q := range qs {
		rows, err := query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var l sql.NullString
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l.String)
		}
		rows.Close()
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func collectPG(t *testing.T, s *testShop, ctx context.Context, qs []string) string {
	t.Helper()
	var lines []string
	for _, q := range qs {
		rows, err := s.admin.conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var l *string
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			if l != nil {
				lines = append(lines, *l)
			}
		}
		rows.Close()
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func diffLines(got, want string) string {
	g, w := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(got, "\n") {
		g[l] = true
	}
	for _, l := range strings.Split(want, "\n") {
		w[l] = true
	}
	var out []string
	for l := range g {
		if !w[l] {
			out = append(out, "+ "+l)
		}
	}
	for l := range w {
		if !g[l] {
			out = append(out, "- "+l)
		}
	}
	sort.Strings(out)
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("… and %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}

func summaryCounts(state string) string {
	n := map[string]int{}
	for _, l := range strings.Split(state, "\n") {
		n[strings.SplitN(l, " ", 2)[0]]++
	}
	return fmt.Sprintf("%d customers, %d designs, %d revisions, %d orders", n["customer"], n["design"], n["revision"], n["order"])
}

// event is a line a machine process printed.
type event struct {
	machine int
	line    string
}

// checkAcks finds every change a machine acknowledged in the shop: a
// customer's field as its value or in the customer's history (a later
// edit on another machine won), every revision and every order. The
// forgotten customer's edits are gone with them, as they must be.
func checkAcks(t *testing.T, s *testShop, acks []event) {
	t.Helper()
	ctx := context.Background()
	kinds := map[string]int{}
	// A machine's own later edit of the same field replaces its earlier
	// one before anyone saw it: that one is not a conflict to keep.
	last := map[string]int{}
	for i, a := range acks {
		if parts := strings.SplitN(strings.TrimPrefix(a.line, "ack customer "), "|", 3); strings.HasPrefix(a.line, "ack customer ") {
			last[fmt.Sprint(a.machine, parts[0], parts[1])] = i
		}
	}
	for i, a := range acks {
		kind, rest, _ := strings.Cut(strings.TrimPrefix(a.line, "ack "), " ")
		kinds[kind]++
		var n int
		var err error
		switch kind {
		case "customer":
			parts := strings.SplitN(rest, "|", 3)
			if parts[0] == "Zebulon Quixote" || last[fmt.Sprint(a.machine, parts[0], parts[1])] != i {
				continue
			}
			err = s.admin.conn.QueryRow(ctx, `SELECT count(*) FROM atelier.customers c WHERE c.name = $1 AND (
				CASE $2 WHEN 'email' THEN c.email WHEN 'phone' THEN c.phone ELSE c.address END = $3
				OR EXISTS (SELECT 1 FROM atelier.customer_history h WHERE h.customer = c.gid AND h.field = $2 AND h.value = $3))`,
				parts[0], parts[1], parts[2]).Scan(&n)
		case "revision":
			err = s.admin.conn.QueryRow(ctx, `SELECT count(*) FROM atelier.revisions WHERE notes = $1`, rest).Scan(&n)
		case "order":
			number, tag, _ := strings.Cut(rest, "|")
			err = s.admin.conn.QueryRow(ctx, `SELECT count(*) FROM atelier.orders WHERE number = $1 AND notes = $2`, number, tag).Scan(&n)
		case "forget":
			err = s.admin.conn.QueryRow(ctx, `SELECT count(*) FROM atelier.erasures`).Scan(&n)
		default:
			t.Errorf("an acknowledgement of another kind: %s", a.line)
			continue
		}
		if err != nil || n == 0 {
			t.Errorf("machine %d acknowledged %q; the shop does not have it (%v)", a.machine+1, a.line, err)
		}
	}
	t.Logf("acknowledged: %v", kinds)
	if kinds["customer"] == 0 || kinds["revision"] == 0 || kinds["order"] < 2 || kinds["forget"] != 1 {
		t.Errorf("the machines did too little to prove anything: %v", kinds)
	}
}
