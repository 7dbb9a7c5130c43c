package shop

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/atelier-app/atelier/storage"
)

// Agent keeps a running app's library in step with its shop: it syncs at
// start, every Interval while the shop answers, within a moment of a
// change made here, at once when another machine announces a change
// (LISTEN/NOTIFY) and when asked (SyncNow).
// All its work is on its own goroutines; OnStatus tells what changed.
type Agent struct {
	db       *storage.DB
	credPath string
	// Interval between syncs while online (default 5 s); Retry is the
	// longest wait between tries while offline (default 30 s).
	Interval, Retry time.Duration
	mu              sync.Mutex
	onStatus        func(AgentStatus)
	cred            *Credentials
	status          AgentStatus
	kick            chan struct{}
	cancel          context.CancelFunc
	done            sync.WaitGroup
	running         bool
}

// AgentStatus is where a machine stands in its shop.
type AgentStatus struct {
	Joined   bool
	Name     string // the machine's name in the shop
	Machine  int
	Kind     Kind
	Server   string // host:port/database
	Online   bool   // the last try reached the shop
	Syncing  bool
	LastSync time.Time // the last sync that reached the shop
	Pending  int       // changes waiting here
	Received int       // rows the last sync took in
	Err      string    // why the last try failed
}

// NewAgent makes the agent of the library db, whose shop credentials are
// at credPath (CredentialsFile beside it). It does nothing until Start.
func NewAgent(db *storage.DB, credPath string) *Agent {
	return &Agent{db: db, credPath: credPath, Interval: 5 * time.Second, Retry: 30 * time.Second, kick: make(chan struct{}, 1)}
}

// Status is the agent's latest status.
func (a *Agent) Status() AgentStatus {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.status
}

// SetOnStatus sets what is called (on the agent's goroutine) after every
// sync and every change of state.
func (a *Agent) SetOnStatus(f func(AgentStatus)) {
	a.mu.Lock()
	a.onStatus = f
	a.mu.Unlock()
}

func (a *Agent) update(f func(*AgentStatus)) {
	a.mu.Lock()
	f(&a.status)
	st, tell := a.status, a.onStatus
	a.mu.Unlock()
	if tell != nil {
		tell(st)
	}
}

// Start reads the credentials and, if the library is in a shop, starts
// syncing. It is called again after Join.
func (a *Agent) Start(ctx context.Context) error {
	cred, err := LoadCredentials(a.credPath)
	if errors.Is(err, fs.ErrNotExist) {
		a.update(func(s *AgentStatus) { *s = AgentStatus{} })
		return nil
	}
	if err != nil {
		a.update(func(s *AgentStatus) { *s = AgentStatus{Err: err.Error()} })
		return err
	}
	st, ok, err := a.db.SyncState(ctx)
	if err != nil {
		return err
	}
	if !ok { // credentials without the library's record: a join cut short
		if err := a.db.JoinShop(ctx, cred.Machine, cred.Name); err != nil {
			return err
		}
	}
	pending, _ := a.db.PendingChanges(ctx)
	a.mu.Lock()
	if a.running {
		a.mu.Unlock()
		return nil
	}
	a.cred = &cred
	a.running = true
	ctx, a.cancel = context.WithCancel(context.WithoutCancel(ctx))
	a.mu.Unlock()
	last, _ := time.Parse(time.RFC3339Nano, st.SyncedAt)
	a.update(func(s *AgentStatus) {
		*s = AgentStatus{Joined: true, Name: cred.Name, Machine: cred.Machine, Kind: cred.Kind,
			Server: Server{Host: cred.Host, Port: cred.Port, Database: cred.Database}.String(), LastSync: last, Pending: pending, Err: st.LastError}
	})
	a.done.Add(2)
	go a.loop(ctx, cred)
	go a.listen(ctx, cred)
	return nil
}

// Stop stops syncing and waits for the agent's goroutines.
func (a *Agent) Stop() {
	a.mu.Lock()
	cancel := a.cancel
	a.running, a.cancel = false, nil
	a.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	a.done.Wait()
}

// SyncNow asks for a sync at once.
func (a *Agent) SyncNow() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// Join pairs the library with a shop (see Join) and starts syncing.
func (a *Agent) Join(ctx context.Context, server, code string) error {
	srv, err := ParseServer(server)
	if err != nil {
		return err
	}
	if _, err := os.Stat(a.credPath); err == nil {
		return errors.New("this library is in a shop already")
	}
	id, err := a.db.LibraryID(ctx)
	if err != nil {
		return err
	}
	kept := false
	cred, err := Join(ctx, srv, code, id, func(c Credentials) error {
		kept = true
		return c.Save(a.credPath)
	})
	if err != nil {
		if kept && cred.Name == "" {
			os.Remove(a.credPath)
		}
		return err
	}
	if err := a.db.JoinShop(ctx, cred.Machine, cred.Name); err != nil {
		return err
	}
	return a.Start(ctx)
}

// Leave takes the library out of its shop on this machine: it stops
// syncing and removes the credentials; the data stays. (The shop's owner
// revokes the machine with shop revoke.)
func (a *Agent) Leave(ctx context.Context) error {
	a.Stop()
	if err := os.Remove(a.credPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := a.db.LeaveShop(ctx); err != nil {
		return err
	}
	a.update(func(s *AgentStatus) { *s = AgentStatus{} })
	return nil
}

// loop syncs now, then on every kick, tick and notification, and within
// a second of a change made here (a design sent from the showroom reaches
// the dealer at once).
func (a *Agent) loop(ctx context.Context, cred Credentials) {
	defer a.done.Done()
	wait := time.Duration(0)
	look := time.NewTicker(300 * time.Millisecond)
	defer look.Stop()
	online := false
	for {
		next := time.After(wait)
	waiting:
		for {
			select {
			case <-ctx.Done():
				return
			case <-a.kick:
				break waiting
			case <-next:
				break waiting
			case <-look.C:
				if n, err := a.db.PendingChanges(ctx); online && err == nil && n > 0 {
					break waiting
				}
			}
		}
		a.update(func(s *AgentStatus) { s.Syncing = true })
		rep, err := Sync(ctx, a.db, cred)
		if ctx.Err() != nil {
			return
		}
		pending, _ := a.db.PendingChanges(context.WithoutCancel(ctx))
		a.update(func(s *AgentStatus) {
			s.Syncing, s.Pending, s.Received = false, pending, rep.Received
			if err != nil {
				s.Online, s.Err = false, err.Error()
				return
			}
			s.Online, s.Err, s.LastSync = true, "", time.Now()
		})
		online = err == nil
		switch {
		case err == nil:
			wait = a.Interval
		case wait < a.Interval:
			wait = a.Interval
		default:
			wait = min(2*wait, a.Retry)
		}
	}
}

// listen holds a connection that LISTENs for other machines' changes and
// kicks a sync when one comes; it connects again while the shop is away.
func (a *Agent) listen(ctx context.Context, cred Credentials) {
	defer a.done.Done()
	wait := time.Second
	for ctx.Err() == nil {
		err := a.listenOnce(ctx, cred)
		if ctx.Err() != nil {
			return
		}
		_ = err
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, a.Retry)
	}
}

func (a *Agent) listenOnce(ctx context.Context, cred Credentials) error {
	conn, err := cred.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN atelier_changes"); err != nil {
		return err
	}
	a.SyncNow() // what was announced while no one listened
	me := strconv.Itoa(cred.Machine)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Payload != me {
			a.SyncNow()
		}
	}
}
