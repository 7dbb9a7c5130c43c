package outbox

import (
	"context"
	"sync"
	"time"

	"github.com/atelier-app/atelier/storage"
)

// Agent runs the outbox beside the app: it delivers what is due at once
// and every second, looks each second whether an unreachable inbox is back
// (a TCP connection, or the share's folder), and collects answers while
// orders await them. None of it runs on the caller's goroutine.
type Agent struct {
	Sender *Sender
	// Tick is the agent's pace (1 s when zero); answers are collected
	// every fifth tick.
	Tick time.Duration
	// OnChange hears of every change of an item's state (call fyne.Do in
	// it to touch the UI).
	OnChange func()
	// OnProblem hears of a delivery that failed, in plain words.
	OnProblem func(string)

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
	kick   chan struct{}
}

// Start runs the agent until Stop.
func (a *Agent) Start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel, a.done, a.kick = cancel, make(chan struct{}), make(chan struct{}, 1)
	go a.run(ctx, a.done, a.kick)
}

// Stop ends the agent and waits for it.
func (a *Agent) Stop() {
	a.mu.Lock()
	cancel, done := a.cancel, a.done
	a.cancel = nil
	a.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Kick asks for a delivery now (an order was just queued).
func (a *Agent) Kick() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.kick != nil {
		select {
		case a.kick <- struct{}{}:
		default:
		}
	}
}

func (a *Agent) run(ctx context.Context, done chan struct{}, kick chan struct{}) {
	defer close(done)
	tick := a.Tick
	if tick <= 0 {
		tick = time.Second
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for n := 0; ; n++ {
		a.once(ctx, n%5 == 0)
		select {
		case <-ctx.Done():
			return
		case <-kick:
			n = -1 // collect on the next round too
		case <-t.C:
		}
	}
}

// once is one round: look for inboxes that are back, deliver, collect.
func (a *Agent) once(ctx context.Context, collect bool) {
	s := a.Sender
	if _, err := s.Probe(ctx); err != nil {
		return
	}
	d, err := s.Deliver(ctx)
	if err != nil {
		return
	}
	for _, p := range d.Problems {
		if a.OnProblem != nil {
			a.OnProblem(p)
		}
	}
	changed := d.Delivered > 0 || d.Failed > 0
	if collect || d.Delivered > 0 {
		if waiting, err := s.DB.OutboxAwaiting(ctx); err == nil && len(waiting) > 0 {
			if ans, err := s.Collect(ctx); err == nil && ans.Accepted+ans.Refused > 0 {
				changed = true
			}
		}
	}
	if changed && a.OnChange != nil {
		a.OnChange()
	}
}

// Pending counts the items queued or awaiting an answer.
func Pending(ctx context.Context, db *storage.DB) (queued, awaiting int, err error) {
	q, err := db.OutboxQueuedItems(ctx)
	if err != nil {
		return 0, 0, err
	}
	w, err := db.OutboxAwaiting(ctx)
	return len(q), len(w), err
}
