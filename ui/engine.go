package ui

import (
	"context"
	"math/big"
	"sync"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/storage"
)

// latest runs jobs one at a time off the UI goroutine; while one runs, a new
// job replaces any job still waiting, so only the newest question is
// answered after the current one.
type latest struct {
	mu   sync.Mutex
	busy bool
	next func()
}

func (l *latest) run(job func()) {
	l.mu.Lock()
	if l.busy {
		l.next = job
		l.mu.Unlock()
		return
	}
	l.busy = true
	l.mu.Unlock()
	go func() {
		for job != nil {
			job()
			l.mu.Lock()
			job, l.next = l.next, nil
			if job == nil {
				l.busy = false
			}
			l.mu.Unlock()
		}
	}()
}

// engine is the designer's configuration engine for one product: the
// compiled model and a session, used from worker goroutines one at a time.
type engine struct {
	mu       sync.Mutex // guards session
	session  *rules.Session
	product  *catalog.Product
	updates  latest
	compiled chan struct{} // closed when the model is compiled
	model    *rules.Model
	// keepTo is where the model's knowledge goes once it has some (once);
	// zero when it was read from there or there is nowhere to keep it.
	keepTo   keep
	keepHash string
	// answered: the session has been asked something (guarded by mu).
	answered bool
	err      error // why it could not be compiled
	// cancel stops the question ask is answering (guarded by cmu): a newer
	// click makes its answer useless.
	cmu    sync.Mutex
	cancel context.CancelFunc
}

// interrupt cancels the question being answered, if any: it then ends
// with rules.ErrTooHard (cancelled), which nobody shows.
func (e *engine) interrupt() {
	e.cmu.Lock()
	defer e.cmu.Unlock()
	if e.cancel != nil {
		e.cancel()
	}
}

// engineCache is where the engine's knowledge of a catalog version is kept
// between runs (the library: storage.DB).
type engineCache interface {
	CatalogRecord(ctx context.Context, id int64) (storage.CatalogRecord, error)
	EngineCache(ctx context.Context, catalogHash, product string) ([]byte, error)
	SaveEngineCache(ctx context.Context, catalogHash, product string, data []byte) error
}

// keep says where an engine keeps its knowledge: the library and the
// catalog record the product comes from. (The zero value keeps nothing.)
type keep struct {
	cache   engineCache
	catalog int64
}

// keepIn is the keep of the designer's catalog.
func (d *Designer) keepIn() keep {
	c, ok := d.store.(engineCache)
	if !ok || d.catalogID == 0 {
		return keep{}
	}
	return keep{cache: c, catalog: d.catalogID}
}

// newEngine starts compiling a product's rules in the background: the
// first question waits for it there, never on the UI goroutine. With a
// keep, the engine starts from what it learned about this catalog version
// in an earlier run, and keeps what it learns on its first question.
func newEngine(p *catalog.Product, k keep) *engine {
	e := &engine{product: p, compiled: make(chan struct{})}
	go func() {
		defer close(e.compiled)
		m, err := rules.Compile(p)
		if err != nil {
			e.err = err
			return
		}
		e.model = m
		if k.cache != nil {
			e.loadKnowledge(k)
		}
		e.session = m.NewSession()
		// A click's answer must come soon: past this the designer says the
		// rules are too hard instead (the work limit usually ends it first).
		e.session.SetTimeLimit(questionTime)
	}()
	return e
}

// questionTime is the backstop in time of one question of the designer.
const questionTime = 3 * time.Second

// answer is what the engine says about a set of decisions.
type answer struct {
	domains *rules.Domains
	// completion is the valid configuration shown for the decisions: the
	// defaults where the rules allow. Nil when the decisions are inconsistent.
	completion map[string]catalog.Value
	err        error
}

func (e *engine) ask(dec rules.Decisions) answer {
	<-e.compiled
	if e.err != nil {
		return answer{err: e.err}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.cmu.Lock()
	e.cancel = cancel
	e.cmu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.session.SetContext(ctx)
	defer e.session.SetContext(context.Background())
	var a answer
	e.answered = true
	if a.domains, a.err = e.session.Domains(dec); a.err != nil {
		return a
	}
	e.saveKnowledge()
	a.completion, a.err = e.session.Complete(dec)
	return a
}

// countLimit bounds the time spent counting the remaining variants: the
// count holds the engine, so the next click would wait for it.
const countLimit = 300 * time.Millisecond

// count counts the remaining variants (nil when it would take too long).
func (e *engine) count(dec rules.Decisions) *big.Int {
	<-e.compiled
	if e.err != nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.session.CountWithin(dec, countLimit)
	if err != nil {
		return nil
	}
	return n
}

// with runs f with the session, holding the lock (not at all when the
// rules could not be compiled: ask reports that).
func (e *engine) with(f func(s *rules.Session)) {
	<-e.compiled
	if e.err != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	f(e.session)
}

// loadKnowledge starts the model from the knowledge kept for its catalog
// version, if any; damaged or stale knowledge is dropped (the engine then
// learns it again). Failures only cost time, so they are not shown.
func (e *engine) loadKnowledge(k keep) {
	hash, data, ok := k.kept(e.product.ID)
	if !ok {
		return
	}
	if data != nil {
		if e.model.UseKnowledge(data) == nil {
			return
		}
		_ = k.cache.SaveEngineCache(context.Background(), hash, e.product.ID, nil)
	}
	e.keepTo, e.keepHash = k, hash
}

// kept reads what was kept for a product of k's catalog version: the
// version's hash and the data (nil: none). ok is false when the library
// cannot say.
func (k keep) kept(product string) (hash string, data []byte, ok bool) {
	ctx := context.Background()
	rec, err := k.cache.CatalogRecord(ctx, k.catalog)
	if err != nil || rec.Hash == "" {
		return "", nil, false
	}
	data, err = k.cache.EngineCache(ctx, rec.Hash, product)
	if err != nil {
		return "", nil, false
	}
	return rec.Hash, data, true
}

// saveKnowledge keeps the model's knowledge once it has some (in the
// background; with e.mu held).
func (e *engine) saveKnowledge() {
	if e.keepTo.cache == nil {
		return
	}
	data := e.model.Knowledge()
	if data == nil {
		return
	}
	k, hash, product := e.keepTo, e.keepHash, e.product.ID
	e.keepTo = keep{}
	go func() { _ = k.cache.SaveEngineCache(context.Background(), hash, product, data) }()
}

// attach gives an engine made before the library was open a place to keep
// its knowledge (in the background). An engine that has answered nothing
// yet starts over from what was kept (a new session, seeded); one that has
// keeps what it learned, now or after its next answer.
func (e *engine) attach(k keep) {
	if k.cache == nil {
		return
	}
	go func() {
		<-e.compiled
		if e.err != nil {
			return
		}
		hash, data, ok := k.kept(e.product.ID)
		if !ok {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if data != nil && !e.answered {
			if e.model.UseKnowledge(data) == nil {
				e.session = e.model.NewSession()
				e.session.SetTimeLimit(questionTime)
				return
			}
		}
		e.keepTo, e.keepHash = k, hash
		e.saveKnowledge()
	}()
}
