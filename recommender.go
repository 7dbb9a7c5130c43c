package main

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/storage"
)

// libraryRecommender is a STAND-IN recommender, to be replaced by the
// orchestrator with catalog/recommend's trained model (see the
// RECOMMENDER HOOK in main.go): for each open feature, the most popular
// value among the library's designs of the product (ordered ones weigh
// recommend.OrderedWeight), those that agree with the decisions counting
// double; the catalog's Option.Popularity where the library has nothing.
// Only values the engine allows. Nothing leaves the machine.
type libraryRecommender struct {
	db *storage.DB
	mu sync.Mutex
	// the designs read, by product, and when (read again after a minute)
	cache map[string]cachedHistory
}

type cachedHistory struct {
	at       time.Time
	examples []recommend.Example
}

func newLibraryRecommender(db *storage.DB) *libraryRecommender {
	return &libraryRecommender{db: db, cache: map[string]cachedHistory{}}
}

// history reads the newest revisions of up to 500 designs of a product.
func (r *libraryRecommender) history(ctx context.Context, product string) []recommend.Example {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.cache[product]; ok && time.Since(c.at) < time.Minute {
		return c.examples
	}
	var out []recommend.Example
	designs, err := r.db.Designs(ctx, storage.Filter{Product: product, Limit: 500})
	if err == nil {
		for _, d := range designs {
			rev, err := r.db.Revision(ctx, d.ID, d.Revision)
			if err != nil {
				continue
			}
			w := 1.0
			if d.Status == storage.Ordered {
				w = recommend.OrderedWeight
			}
			out = append(out, recommend.Example{Values: rev.Decisions, Weight: w})
		}
	}
	r.cache[product] = cachedHistory{at: time.Now(), examples: out}
	return out
}

// Recommend implements ui.Recommender.
func (r *libraryRecommender) Recommend(ctx context.Context, p *catalog.Product, decided map[string]string, doms *rules.Domains) ([]recommend.Recommendation, error) {
	hist := r.history(ctx, p.ID)
	var out []recommend.Recommendation
	for _, f := range p.Features {
		if _, ok := decided[f.ID]; ok || f.Kind != catalog.Choice && f.Kind != catalog.Multi {
			continue
		}
		fd := doms.Feature(f.ID)
		if fd == nil {
			continue
		}
		score, total := map[string]float64{}, 0.0
		for _, e := range hist {
			v, ok := e.Values[f.ID]
			if !ok {
				continue
			}
			w := e.Weight
			if w == 0 {
				w = 1
			}
			agree := true
			for k, dv := range decided {
				if ev, ok := e.Values[k]; ok && ev != dv {
					agree = false
				}
			}
			if agree {
				w *= 2
			}
			score[v] += w
			total += w
		}
		if total == 0 { // the manufacturer's prior
			for _, o := range f.Options {
				if o.Popularity > 0 {
					score[o.ID] += o.Popularity
					total += o.Popularity
				}
			}
		}
		best, bestScore := "", 0.0
		for v, s := range score {
			if s > bestScore && allowed(f, fd, v) || s == bestScore && v < best && allowed(f, fd, v) {
				best, bestScore = v, s
			}
		}
		if best != "" {
			out = append(out, recommend.Recommendation{Feature: f.ID, Value: best, Confidence: bestScore / total})
		}
	}
	return out, nil
}

// allowed reports whether the engine allows every option of a value.
func allowed(f *catalog.Feature, fd *rules.FeatureDomain, v string) bool {
	for _, id := range strings.Split(v, ",") {
		ok := false
		for i, o := range f.Options {
			if o.ID == id && i < len(fd.Available) && fd.Available[i] {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
