// Package outbox sends a dealer's orders to the manufacturer: a sent
// order's package is queued in the library at once (offline too),
// delivered to the manufacturer's inbox when it can be reached, tried again
// with growing pauses when it cannot, and the manufacturer's signed
// answers are collected from the dealer's answers folder. The inbox's
// address and host key, and the key the answers must be signed with, come
// from the manufacturer's signed catalog: the dealer configures nothing.
package outbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
)

// Destination is where an order goes: its manufacturer's inbox, and the
// key that signs the manufacturer's catalogs and so its answers.
type Destination struct {
	Manufacturer string // its name
	Address      transport.Address
	Key          sign.PublicKey
}

// ErrNoInbox: the order's catalog names no inbox, or is not signed by a
// trusted manufacturer; the order can still be exported and carried.
var ErrNoInbox = errors.New("the manufacturer takes no orders through Atelier")

// ErrOtherDealer: the order was made under another dealer code than the
// settings name now.
var ErrOtherDealer = errors.New("the order belongs to another dealer code")

// DestinationOf finds where an order goes from the catalogs of its lines:
// each must be a package signed by one of the trusted manufacturers and
// name an inbox, the same for every line.
func DestinationOf(ctx context.Context, db *storage.DB, o storage.Order, trusted map[string]sign.PublicKey) (Destination, error) {
	var dest *Destination
	seen := map[int64]bool{}
	for i, l := range o.Lines {
		rev, err := db.RevisionByID(ctx, l.Revision)
		if err != nil {
			return Destination{}, fmt.Errorf("order %s line %d: %w", o.Number, i+1, err)
		}
		if seen[rev.Catalog] {
			continue
		}
		seen[rev.Catalog] = true
		d, err := catalogDestination(ctx, db, rev.Catalog, trusted)
		if err != nil {
			return Destination{}, fmt.Errorf("order %s line %d: %w", o.Number, i+1, err)
		}
		if dest != nil && (dest.Address != d.Address || !bytes.Equal(dest.Key, d.Key)) {
			return Destination{}, fmt.Errorf("order %s: its lines go to two manufacturers (%s and %s): make one order per manufacturer", o.Number, dest.Manufacturer, d.Manufacturer)
		}
		dest = &d
	}
	if dest == nil {
		return Destination{}, fmt.Errorf("order %s has no lines", o.Number)
	}
	return *dest, nil
}

func catalogDestination(ctx context.Context, db *storage.DB, id int64, trusted map[string]sign.PublicKey) (Destination, error) {
	rec, err := db.CatalogRecord(ctx, id)
	if err != nil {
		return Destination{}, err
	}
	src, kind, err := db.CatalogSource(ctx, id)
	if err != nil {
		return Destination{}, err
	}
	if kind != "zip" {
		return Destination{}, fmt.Errorf("catalog %s %s is not a manufacturer's signed package: %w", rec.CatalogID, rec.Version, ErrNoInbox)
	}
	cat, t, err := catalog.ReadPackage(rec.CatalogID+".zip", src, trusted)
	if err != nil {
		return Destination{}, fmt.Errorf("catalog %s %s: %w", rec.CatalogID, rec.Version, err)
	}
	if !t.Trusted {
		return Destination{}, fmt.Errorf("catalog %s %s is not signed by a manufacturer this app trusts (%s): %w", rec.CatalogID, rec.Version, t.Problem, ErrNoInbox)
	}
	a := cat.Manufacturer.Orders
	if a == nil {
		return Destination{}, fmt.Errorf("%s's catalog %s %s names no order inbox: %w; export the order and send it as before", cat.Manufacturer.Name, rec.CatalogID, rec.Version, ErrNoInbox)
	}
	addr := transport.Address{SFTP: a.SFTP, User: a.User, HostKey: a.HostKey, Folder: a.Folder}
	if err := addr.Check(); err != nil {
		return Destination{}, fmt.Errorf("%s's catalog %s %s: %w", cat.Manufacturer.Name, rec.CatalogID, rec.Version, err)
	}
	return Destination{Manufacturer: cat.Manufacturer.Name, Address: addr, Key: trusted[t.Manufacturer]}, nil
}

// FileName is a revision's package name in the inbox.
func FileName(number string, revision int) string {
	if revision > 1 {
		return fmt.Sprintf("%s-r%d.atelier-order.zip", number, revision)
	}
	return orderfile.FileName(number)
}

// Queue builds the package of an order's current revision and puts it in
// the outbox, due at once. It needs no network.
func Queue(ctx context.Context, db *storage.DB, orderID int64, s orderfile.Settings, trusted map[string]sign.PublicKey) (storage.OutboxItem, error) {
	o, err := db.Order(ctx, orderID)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if o.Status == "cancelled" {
		return storage.OutboxItem{}, fmt.Errorf("order %s is cancelled", o.Number)
	}
	if !strings.EqualFold(s.Dealer.ID, o.Dealer) {
		return storage.OutboxItem{}, fmt.Errorf("%w: order %s is dealer %s's, but the dealer settings now name dealer %s; the manufacturer would refuse it: set the dealer code back to %s to send it",
			ErrOtherDealer, o.Number, o.Dealer, s.Dealer.ID, o.Dealer)
	}
	dest, err := DestinationOf(ctx, db, o, trusted)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if sent, err := db.OrderOutbox(ctx, orderID); err != nil {
		return storage.OutboxItem{}, err
	} else if len(sent) > 0 && sent[0].Revision == o.Revision {
		return sent[0], fmt.Errorf("order %s revision %d: %w (%s)", o.Number, o.Revision, storage.ErrAlreadySent, sent[0].State)
	}
	_, pkg, err := orderfile.PackageOrder(ctx, db, orderID, s)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	address, err := json.Marshal(dest.Address)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	sum := sha256.Sum256(pkg)
	return db.QueueOrder(ctx, storage.OutboxItem{Order: orderID, Revision: o.Revision, Number: o.Number, Dealer: s.Dealer.ID,
		File: FileName(o.Number, o.Revision), Package: pkg, SHA256: hex.EncodeToString(sum[:]), Manufacturer: dest.Manufacturer,
		Address: address, AnswerKey: dest.Key.String()})
}

// Sender delivers the outbox and collects the answers.
type Sender struct {
	DB  *storage.DB
	Key ssh.Signer // the dealer's SSH key (an SFTP inbox needs it)
	// Open opens a transport (transport.Open when nil).
	Open func(ctx context.Context, a transport.Address, dealer string, key ssh.Signer) (transport.Transport, error)
	Now  func() time.Time

	mu   sync.Mutex
	down map[route]bool // inboxes that could not be reached: Probe watches them
}

// setDown records whether an inbox could be reached.
func (s *Sender) setDown(r route, down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down == nil {
		s.down = map[route]bool{}
	}
	if down {
		s.down[r] = true
	} else {
		delete(s.down, r)
	}
}

func (s *Sender) isDown(r route) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down[r]
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) open(ctx context.Context, a transport.Address, dealer string) (transport.Transport, error) {
	if s.Open != nil {
		return s.Open(ctx, a, dealer, s.Key)
	}
	return transport.Open(ctx, a, dealer, s.Key)
}

// Backoff is the pause before delivery attempt n+1 after n failed ones:
// 5 s, 10 s, 20 s … up to 10 minutes, a tenth of it random so that many
// laptops coming back online do not knock at once. (While it lasts, Probe
// notices an inbox that is back within a second.)
func Backoff(n int) time.Duration {
	d := 5 * time.Second << min(max(n-1, 0), 7)
	d = min(d, 10*time.Minute)
	return d + time.Duration(rand.Int64N(int64(d/10)+1))
}

// route groups items by inbox and dealer.
type route struct {
	addr   transport.Address
	dealer string
}

// routed are the items of one inbox and dealer.
type routed struct {
	route route
	items []storage.OutboxItem
}

// byRoute groups items by inbox and dealer, in the order they come.
func byRoute(items []storage.OutboxItem) ([]routed, error) {
	var out []routed
	at := map[route]int{}
	for _, it := range items {
		r, err := routeOf(it)
		if err != nil {
			return nil, err
		}
		i, ok := at[r]
		if !ok {
			i = len(out)
			at[r] = i
			out = append(out, routed{route: r})
		}
		out[i].items = append(out[i].items, it)
	}
	return out, nil
}

func routeOf(it storage.OutboxItem) (route, error) {
	var a transport.Address
	if err := json.Unmarshal(it.Address, &a); err != nil {
		return route{}, fmt.Errorf("order %s: its inbox address does not read: %w", it.Number, err)
	}
	return route{a, it.Dealer}, nil
}

// Delivered counts what Deliver did.
type Delivered struct {
	Delivered, Failed int
	Problems          []string // one per inbox that failed, in plain words
}

// Deliver sends every queued item that is due: one connection per inbox.
// An inbox that cannot be reached keeps its items queued, each due again
// after Backoff.
func (s *Sender) Deliver(ctx context.Context) (Delivered, error) {
	var out Delivered
	due, err := s.DB.OutboxDue(ctx, s.now())
	if err != nil {
		return out, err
	}
	groups, err := byRoute(due)
	if err != nil {
		return out, err
	}
	for _, g := range groups {
		r, items := g.route, g.items
		fail := func(it storage.OutboxItem, err error) error {
			out.Failed++
			return s.DB.OutboxFailed(ctx, it.ID, plain(err), s.now().Add(Backoff(it.Attempts+1)))
		}
		t, err := s.open(ctx, r.addr, r.dealer)
		s.setDown(r, errors.Is(err, transport.ErrUnreachable))
		if err != nil {
			out.Problems = append(out.Problems, plain(err))
			for _, it := range items {
				if err := fail(it, err); err != nil {
					return out, err
				}
			}
			continue
		}
		for _, it := range items {
			err := t.Put(ctx, transport.InboxDir+"/"+it.Dealer+"/"+it.File, it.Package)
			if errors.Is(err, transport.ErrUnreachable) {
				s.setDown(r, true)
			}
			if err != nil {
				if ferr := fail(it, err); ferr != nil {
					t.Close()
					return out, ferr
				}
				continue
			}
			if err := s.DB.OutboxDelivered(ctx, it.ID); err != nil {
				t.Close()
				return out, err
			}
			out.Delivered++
		}
		t.Close()
	}
	return out, ctx.Err()
}

// plain is an error for the outbox's list: its first line.
func plain(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// Answered counts what Collect did.
type Answered struct {
	Accepted, Refused int
	Ignored           []string // answer files not taken, and why
}

// Collect reads the manufacturer's answers for the items on their way and
// records them; an answer taken is removed from the answers folder. An
// answer not signed by the manufacturer's key, or for no package of this
// outbox, is left where it is and reported.
func (s *Sender) Collect(ctx context.Context) (Answered, error) {
	var out Answered
	waiting, err := s.DB.OutboxAwaiting(ctx)
	if err != nil {
		return out, err
	}
	queued, err := s.DB.OutboxQueuedItems(ctx)
	if err != nil {
		return out, err
	}
	// A queued item may have reached the inbox before its delivery was
	// recorded (the app was killed): its answer counts too.
	waiting = append(waiting, queued...)
	groups, err := byRoute(waiting)
	if err != nil {
		return out, err
	}
	for _, g := range groups {
		r, items := g.route, g.items
		onlyQueued := true
		for _, it := range items {
			onlyQueued = onlyQueued && it.State == storage.OutboxQueued
		}
		if onlyQueued && !s.reachable(r.addr) {
			continue
		}
		t, err := s.open(ctx, r.addr, r.dealer)
		if err != nil {
			continue // Deliver reports it
		}
		err = s.collect(ctx, t, r, items, &out)
		t.Close()
		if err != nil {
			return out, err
		}
	}
	return out, ctx.Err()
}

func (s *Sender) collect(ctx context.Context, t transport.Transport, r route, items []storage.OutboxItem, out *Answered) error {
	dir := transport.AnswersDir + "/" + r.dealer
	files, err := t.List(ctx, dir)
	if err != nil {
		return nil // not reachable any more: next time
	}
	// Only the answers to this outbox's packages are read, by the names
	// the intake gives them: whatever else is in the folder (another
	// machine's answers, or a flood of files) costs nothing here.
	keys := []sign.PublicKey{}
	bySHA, names := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		if k, err := sign.ParsePublicKey(it.AnswerKey); err == nil {
			keys = append(keys, k)
		}
		bySHA[it.SHA256] = true
		names[orderfile.AnswerName(it.Number, it.Revision, it.SHA256)] = true
		names[orderfile.AnswerName("", 0, it.SHA256)] = true // a package the intake could not read
	}
	for _, f := range files {
		if !names[f.Name] {
			continue
		}
		data, err := t.Get(ctx, dir+"/"+f.Name, orderfile.MaxAnswerBytes)
		if err != nil {
			out.Ignored = append(out.Ignored, f.Name+": "+plain(err))
			continue
		}
		a, err := orderfile.ReadAnswer(data, keys)
		if err != nil {
			out.Ignored = append(out.Ignored, f.Name+": "+plain(err))
			continue
		}
		if !bySHA[a.Package] {
			out.Ignored = append(out.Ignored, f.Name+": it answers another package")
			continue
		}
		it, ok, err := s.DB.OutboxAnswered(ctx, a.Package, a.Verdict, a.Reasons, a.Reference)
		if err != nil {
			return err
		}
		if ok {
			if it.State == storage.OutboxAccepted {
				out.Accepted++
			} else {
				out.Refused++
			}
		}
		if err := t.Remove(ctx, dir+"/"+f.Name); err != nil {
			out.Ignored = append(out.Ignored, f.Name+": taken, but not removed: "+plain(err))
		}
	}
	return nil
}

// reachable tells cheaply whether an inbox answers: a TCP connection to
// the SFTP server, the share's folder there.
func (s *Sender) reachable(a transport.Address) bool {
	if a.Folder != "" {
		_, err := os.Stat(a.Folder)
		return err == nil
	}
	host := a.SFTP
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(host, "22")
	}
	c, err := net.DialTimeout("tcp", host, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Probe looks whether the inboxes that could not be reached are back (not
// those that refused: a login refused waits out its pause), and makes
// their items due at once if so. It reports whether any was.
func (s *Sender) Probe(ctx context.Context) (bool, error) {
	queued, err := s.DB.OutboxQueuedItems(ctx)
	if err != nil {
		return false, err
	}
	now, tried := s.now(), map[route]bool{}
	for _, it := range queued {
		if !it.NextAttempt.After(now) {
			continue // due anyway
		}
		r, err := routeOf(it)
		if err != nil || tried[r] || !s.isDown(r) {
			continue
		}
		tried[r] = true
		if s.reachable(r.addr) {
			return true, s.DB.OutboxRetryNow(ctx)
		}
	}
	return false, nil
}

// Revisions reads design revisions (storage.DB does).
type Revisions interface {
	RevisionByID(ctx context.Context, id int64) (storage.Revision, error)
	Revision(ctx context.Context, design int64, number int) (storage.Revision, error)
}

// CorrectedLines are an order's lines for its next revision: each line's
// design at its newest save, with the same quantity and discount.
// changed says whether any design was saved again since the order was
// made (a refusal may need none: the manufacturer fixed something on its
// side, and the same order is sent again).
func CorrectedLines(ctx context.Context, db Revisions, o storage.Order) (lines []storage.OrderLine, changed bool, err error) {
	lines = make([]storage.OrderLine, len(o.Lines))
	for i, l := range o.Lines {
		rev, err := db.RevisionByID(ctx, l.Revision)
		if err != nil {
			return nil, false, err
		}
		newest, err := db.Revision(ctx, rev.Design, 0)
		if err != nil {
			return nil, false, err
		}
		changed = changed || newest.ID != l.Revision
		lines[i] = storage.OrderLine{Revision: newest.ID, Quantity: l.Quantity, Discount: l.Discount}
	}
	return lines, changed, nil
}
