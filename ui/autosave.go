package ui

import (
	"context"
	"sync"
	"time"

	"github.com/atelier-app/atelier/storage"
)

// autosaver writes the design being edited to the autosave slot a moment
// after the last change, off the UI goroutine. A newer change replaces a
// pending write; clear drops it and empties the slot.
type autosaver struct {
	store Store
	delay time.Duration
	done  func(error) // after each write, off the UI goroutine

	mu    sync.Mutex // guards timer and gen
	timer *time.Timer
	gen   uint64

	write sync.Mutex // one write to the slot at a time
}

// schedule writes a (nil: clears the slot) after the delay, unless
// something newer comes first.
func (a *autosaver) schedule(snap *storage.Autosave) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	gen := a.gen
	if a.timer != nil {
		a.timer.Stop()
	}
	a.timer = time.AfterFunc(a.delay, func() { a.flush(gen, snap) })
}

func (a *autosaver) flush(gen uint64, snap *storage.Autosave) {
	a.write.Lock()
	defer a.write.Unlock()
	a.mu.Lock()
	current := gen == a.gen
	a.mu.Unlock()
	if !current {
		return // a newer change, or an explicit save, came first
	}
	var err error
	if snap == nil {
		err = a.store.ClearAutosave(context.Background())
	} else {
		err = a.store.SaveAutosave(context.Background(), *snap)
	}
	if a.done != nil {
		a.done(err)
	}
}

// clear drops a pending write and empties the slot, waiting for a write
// under way. It blocks: call it off the UI goroutine (or at exit).
func (a *autosaver) clear() error {
	a.mu.Lock()
	a.gen++
	if a.timer != nil {
		a.timer.Stop()
	}
	a.mu.Unlock()
	a.write.Lock()
	defer a.write.Unlock()
	return a.store.ClearAutosave(context.Background())
}
