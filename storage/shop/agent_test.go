package shop

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atelier-app/atelier/storage"
)

// agentMachine is a library with a running agent, joined through it.
func (s *testShop) agentMachine(t testing.TB, name string, kind Kind) (*storage.DB, *Agent) {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), name)
	db, err := storage.Open(ctx, filepath.Join(dir, "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := s.admin.AddMachine(ctx, name, kind)
	if err != nil {
		t.Fatal(err)
	}
	a := NewAgent(db, filepath.Join(dir, CredentialsFile))
	a.Interval = time.Minute // only NOTIFY and SyncNow move changes here
	if err := a.Join(ctx, s.server().String(), p.Code); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	return db, a
}

// A change on one machine reaches another through NOTIFY, without
// waiting for the next tick; statuses say where each stands.
func TestAgentsCarryAChangeAtOnce(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	dbA, a := s.agentMachine(t, "Laptop Anna", Dealer)
	dbB, b := s.agentMachine(t, "Laptop Ben", Dealer)
	var seen atomic.Int32
	b.SetOnStatus(func(st AgentStatus) {
		if st.Received > 0 {
			seen.Add(1)
		}
	})
	waitFor(t, func() bool { return a.Status().Online && b.Status().Online }, "both online")
	if _, err := dbA.SaveCustomer(ctx, storage.Customer{Name: "Anna Meyer", ConsentAt: "2026-12-07"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now() // no SyncNow: the agent sees the change itself
	waitFor(t, func() bool {
		cs, _ := dbB.Customers(ctx, "")
		return len(cs) == 1
	}, "the customer on Ben's laptop")
	t.Logf("saved on one machine, there on the other after %v", time.Since(start).Round(time.Millisecond))
	waitFor(t, func() bool { return seen.Load() > 0 }, "Ben's agent to say it received something")
	st := a.Status()
	if !st.Joined || st.Name != "Laptop Anna" || st.Machine != 1 || st.Server == "" {
		t.Errorf("status %+v", st)
	}
	// Leaving: the agent stops, the credentials go, the data stays.
	if err := a.Leave(ctx); err != nil {
		t.Fatal(err)
	}
	if st := a.Status(); st.Joined {
		t.Errorf("after leaving: %+v", st)
	}
	if cs, _ := dbA.Customers(ctx, ""); len(cs) != 1 {
		t.Errorf("leaving lost data: %+v", cs)
	}
	if _, ok, _ := dbA.SyncState(ctx); ok {
		t.Error("the library still says it is in a shop")
	}
}

func waitFor(t testing.TB, ok func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkChangeReachesAnotherMachine: a customer saved on one machine,
// until the other machine's library has it (push, NOTIFY, pull, apply),
// on localhost. Target: ≤ 2 s.
func BenchmarkChangeReachesAnotherMachine(b *testing.B) {
	s := newShop(b)
	ctx := context.Background()
	dbA, a := s.agentMachine(b, "Laptop Anna", Dealer)
	dbB, bAgent := s.agentMachine(b, "Laptop Ben", Dealer)
	waitFor(b, func() bool { return a.Status().Online && bAgent.Status().Online }, "both online")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		id, err := dbA.SaveCustomer(ctx, storage.Customer{Name: fmt.Sprintf("Kunde %d", i), ConsentAt: "2026-12-07"})
		if err != nil {
			b.Fatal(err)
		}
		_ = id
		a.SyncNow()
		waitFor(b, func() bool {
			cs, _ := dbB.Customers(ctx, fmt.Sprintf("Kunde %d", i))
			return len(cs) > 0
		}, "the customer on the other machine")
	}
}

// BenchmarkFirstSync10000Designs: a library of 10,000 designs, each with
// a 24 KB thumbnail, joins a shop (its first sync sends everything), then
// a new machine joins and takes it all in. Target: each ≤ 60 s.
func BenchmarkFirstSync10000Designs(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := newShop(b)
		m := s.machine(b, "Office", Dealer)
		rng := rand.New(rand.NewPCG(1, 2))
		thumb := make([]byte, 24<<10)
		var ins []storage.DesignInput
		for i := range 10000 {
			for j := range thumb {
				thumb[j] = byte(rng.Uint32())
			}
			ins = append(ins, storage.DesignInput{Name: fmt.Sprintf("Design %d", i), ProductID: "kolme-sofa", ProductName: "Kolme sofa",
				Catalog: m.cat, Quantity: 1, Decisions: map[string]string{"seats": "3"}, Currency: "EUR", Total: "1000.00",
				Thumbnail: append([]byte{}, thumb...)})
			if len(ins) == 500 {
				if _, err := m.db.SaveDesigns(ctx, ins); err != nil {
					b.Fatal(err)
				}
				ins = ins[:0]
			}
		}
		b.StartTimer()
		start := time.Now()
		rep := m.sync(b)
		b.ReportMetric(time.Since(start).Seconds(), "s-send")
		if rep.Sent < 20000 {
			b.Fatalf("sent %d rows", rep.Sent)
		}
		start = time.Now()
		n := s.machine(b, "New laptop", Dealer)
		rep = n.sync(b)
		b.ReportMetric(time.Since(start).Seconds(), "s-receive")
		if rep.Received < 20000 {
			b.Fatalf("received %d rows", rep.Received)
		}
	}
}
