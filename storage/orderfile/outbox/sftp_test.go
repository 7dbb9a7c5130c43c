//go:build !windows

package outbox

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/atelier-app/atelier/internal/sshtest"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
)

// sshKey makes an SSH key and lets it in on srv.
func sshKey(t testing.TB, srv *sshtest.Server) ssh.Signer {
	t.Helper()
	k, err := transport.LoadOrCreateKey(filepath.Join(t.TempDir(), "id"))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.AddKey(transport.AuthorizedKey(k)); err != nil {
		t.Fatal(err)
	}
	return k
}

// waitFor polls cond for up to limit (a generous bound for a shared
// machine: the speed is measured by BenchmarkDeliveryWhenTheInboxReturns).
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOrdersOverSFTP runs the proof against a real sshd: orders
// sent while it is stopped stay queued and go out when it starts; the
// intake (over SFTP too) accepts the good one; a tampered package and one
// from a dealer the manufacturer has not enrolled land in quarantine with
// the right reason; the answers reach the dealers.
func TestOrdersOverSFTP(t *testing.T) {
	ctx := context.Background()
	srv := sshtest.Start(t)
	mfr := newKey(t)
	pkg, cat := signedCatalog(t, mfr, map[string]string{"sftp": srv.Addr, "hostKey": srv.HostKey, "user": srv.User})
	good := newShop(t, mfr, pkg, cat)
	stranger := newDealer(t, "HAM02", mfr, pkg, cat) // a dealer the manufacturer has not enrolled
	srv.Stop()

	for _, s := range []*shop{good, stranger} {
		if _, err := Queue(ctx, s.db, s.order, s.settings, s.trusted); err != nil {
			t.Fatal(err)
		}
	}
	agents := map[*shop]*Agent{}
	for _, s := range []*shop{good, stranger} {
		a := &Agent{Sender: &Sender{DB: s.db, Key: sshKey(t, srv)}}
		agents[s] = a
		if d, err := a.Sender.Deliver(ctx); err != nil || d.Failed != 1 || !strings.Contains(d.Problems[0], "cannot be reached") {
			t.Fatalf("delivery while the server is stopped: %+v %v", d, err)
		}
		a.Start()
		t.Cleanup(a.Stop)
	}
	time.Sleep(1500 * time.Millisecond)
	if it := state(t, good.db, good.order); it.State != storage.OutboxQueued || it.Attempts == 0 {
		t.Fatalf("while stopped: %+v", it)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*shop{good, stranger} {
		waitFor(t, 20*time.Second, "delivery after the server started", func() bool { return state(t, s.db, s.order).State != storage.OutboxQueued })
	}

	// An attacker with the dealer's login drops a tampered copy.
	inbox := filepath.Join(srv.Root, "inbox", "BER01")
	orig, err := os.ReadFile(filepath.Join(inbox, "BER01-00001.atelier-order.zip"))
	if err != nil {
		t.Fatalf("the delivered package is not on the server: %v", err)
	}
	tampered := bytes.Replace(orig, []byte("manifest.json"), []byte("manifest.jsoN"), 1)
	if err := os.WriteFile(filepath.Join(inbox, "BER01-00999.atelier-order.zip"), tampered, 0o644); err != nil {
		t.Fatal(err)
	}

	intakeKey := sshKey(t, srv)
	tr, err := transport.Open(ctx, transport.Address{SFTP: srv.Addr, HostKey: srv.HostKey, User: srv.User}, "", intakeKey)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	in := factory(t, good, mfr, tr, true)
	p, err := in.Run(ctx)
	if err != nil || p.Accepted != 1 || p.Refused != 2 {
		t.Fatalf("intake: %+v %v", p, err)
	}
	reports, _ := filepath.Glob(filepath.Join(in.Out, "quarantine", "*", "*.report.txt"))
	var all []string
	for _, r := range reports {
		b, _ := os.ReadFile(r)
		all = append(all, string(b))
	}
	joined := strings.Join(all, "\n")
	if len(reports) != 2 || !strings.Contains(joined, "dealer HAM02 is not enrolled here") || !strings.Contains(joined, "manifest") {
		t.Fatalf("quarantine reports:\n%s", joined)
	}
	t.Logf("quarantine reports:\n%s", joined)
	if oex, _ := filepath.Glob(filepath.Join(in.Out, "accepted", "*", "oex-orders_BER01_*.xml")); len(oex) != 1 {
		t.Fatalf("accepted OEX files: %v", oex)
	}

	// The answers reach the dealers.
	waitFor(t, 20*time.Second, "the good order's answer", func() bool { return state(t, good.db, good.order).State == storage.OutboxAccepted })
	waitFor(t, 20*time.Second, "the stranger's answer", func() bool { return state(t, stranger.db, stranger.order).State == storage.OutboxRefused })
	if it := state(t, stranger.db, stranger.order); !strings.Contains(strings.Join(it.Reasons, " "), "not enrolled") {
		t.Fatalf("the stranger's reasons: %q", it.Reasons)
	}
}

// TestAChangedHostKeyIsRefused: a server that shows another host key than
// the catalog pins gets nothing, and the outbox says why in words.
func TestAChangedHostKeyIsRefused(t *testing.T) {
	ctx := context.Background()
	srv := sshtest.Start(t)
	other := sshtest.Start(t) // its host key is not srv's
	mfr := newKey(t)
	pkg, cat := signedCatalog(t, mfr, map[string]string{"sftp": srv.Addr, "hostKey": other.HostKey, "user": srv.User})
	s := newShop(t, mfr, pkg, cat)
	if _, err := Queue(ctx, s.db, s.order, s.settings, s.trusted); err != nil {
		t.Fatal(err)
	}
	snd := &Sender{DB: s.db, Key: sshKey(t, srv)}
	d, err := snd.Deliver(ctx)
	if err != nil || d.Delivered != 0 || len(d.Problems) != 1 || !strings.Contains(d.Problems[0], "different host key") {
		t.Fatalf("delivery to a server with another host key: %+v %v", d, err)
	}
	it := state(t, s.db, s.order)
	if it.State != storage.OutboxQueued || !strings.Contains(it.LastError, "different host key") {
		t.Fatalf("after the refusal: %+v", it)
	}
	if entries, _ := os.ReadDir(filepath.Join(srv.Root, "inbox")); len(entries) != 0 {
		t.Fatalf("something was written on the server: %v", entries)
	}
	if back, _ := snd.Probe(ctx); back {
		t.Fatal("Probe retries a server that failed its host key check")
	}
}

// BenchmarkDeliveryWhenTheInboxReturns measures how long a queued order
// waits after the manufacturer's SFTP server starts taking connections
// again, with the app's agent running (target: 2 s).
func BenchmarkDeliveryWhenTheInboxReturns(b *testing.B) {
	ctx := context.Background()
	srv := sshtest.Start(b)
	mfr := newKey(b)
	pkg, cat := signedCatalog(b, mfr, map[string]string{"sftp": srv.Addr, "hostKey": srv.HostKey, "user": srv.User})
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := newShop(b, mfr, pkg, cat)
		srv.Stop()
		if _, err := Queue(ctx, s.db, s.order, s.settings, s.trusted); err != nil {
			b.Fatal(err)
		}
		a := &Agent{Sender: &Sender{DB: s.db, Key: sshKey(b, srv)}}
		a.Start()
		waitFor(b, 10*time.Second, "the first attempt", func() bool { return state(b, s.db, s.order).Attempts > 0 })
		if err := srv.Start(); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		b.StartTimer()
		waitFor(b, 30*time.Second, "delivery", func() bool { return state(b, s.db, s.order).State == storage.OutboxDelivered })
		total += time.Since(start)
		b.StopTimer()
		a.Stop()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/delivery")
	_ = orderfile.Accepted
}
