package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/storage"
)

var _ engineCache = (*storage.DB)(nil)

// memoryCache is an engineCache in memory.
type memoryCache struct {
	mu   sync.Mutex
	data map[string][]byte
}

func (c *memoryCache) CatalogRecord(ctx context.Context, id int64) (storage.CatalogRecord, error) {
	return storage.CatalogRecord{ID: id, Hash: "hash-of-7"}, nil
}

func (c *memoryCache) EngineCache(ctx context.Context, hash, product string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.data[hash+"/"+product], nil
}

func (c *memoryCache) SaveEngineCache(ctx context.Context, hash, product string, data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if data == nil {
		delete(c.data, hash+"/"+product)
	} else {
		c.data[hash+"/"+product] = data
	}
	return nil
}

func (c *memoryCache) get(key string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.data[key]
}

// TestEngineKeepsWhatItLearned: the first engine of a catalog version keeps
// its knowledge in the library, and the next run's engine opens the product
// from it without searching; damaged knowledge is dropped and learned again.
func TestEngineKeepsWhatItLearned(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := cat.Products[0]
	cache := &memoryCache{data: map[string][]byte{}}
	k := keep{cache: cache, catalog: 7}
	first := newEngine(p, k)
	if a := first.ask(rules.Decisions{}); a.err != nil {
		t.Fatal(a.err)
	}
	key := "hash-of-7/" + p.ID
	deadline := time.Now().Add(5 * time.Second)
	for cache.get(key) == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	kept := cache.get(key)
	if kept == nil {
		t.Fatal("the engine kept nothing after its first question")
	}
	second := newEngine(p, k)
	second.with(func(s *rules.Session) {
		if _, err := s.Domains(rules.Decisions{}); err != nil {
			t.Fatal(err)
		}
		if found := s.Nodes - s.Unsolved; found != 0 {
			t.Errorf("the second run searched for %d configurations to open the product, want 0", found)
		}
	})
	// Damaged: dropped, and learned and kept again.
	cache.SaveEngineCache(context.Background(), "hash-of-7", p.ID, append(append([]byte(nil), kept[:len(kept)-1]...), 0xff, 0xff))
	third := newEngine(p, k)
	if a := third.ask(rules.Decisions{}); a.err != nil {
		t.Fatal(a.err)
	}
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if got := cache.get(key); got != nil && string(got) == string(kept) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("damaged knowledge was not replaced by what the engine learned again")
}

// TestEngineAttachedLater: the designer's engines start before the library
// is open; once it is, they keep what they learned, and an engine that has
// answered nothing yet starts over from what was kept.
func TestEngineAttachedLater(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := cat.Products[0]
	cache := &memoryCache{data: map[string][]byte{}}
	k := keep{cache: cache, catalog: 7}
	key := "hash-of-7/" + p.ID
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	first := newEngine(p, keep{}) // no library yet
	if a := first.ask(rules.Decisions{}); a.err != nil {
		t.Fatal(a.err)
	}
	first.attach(k)
	waitFor("the knowledge kept", func() bool { return cache.get(key) != nil })

	second := newEngine(p, keep{})
	var before *rules.Session
	second.with(func(s *rules.Session) { before = s })
	second.attach(k)
	waitFor("a session started from the kept knowledge", func() bool {
		changed := false
		second.with(func(s *rules.Session) { changed = s != before })
		return changed
	})
	second.with(func(s *rules.Session) {
		if _, err := s.Domains(rules.Decisions{}); err != nil {
			t.Fatal(err)
		}
		if found := s.Nodes - s.Unsolved; found != 0 {
			t.Errorf("the engine attached before its first answer searched for %d configurations, want 0", found)
		}
	})
}
