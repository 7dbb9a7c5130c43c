package main

import (
	"context"
	"sync"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/storage"
)

// libraryRecommender is the app's recommender (ui.Recommender): per
// product, catalog/recommend's chosen method trained on the library's own
// history (storage.ProductHistory: each design's newest revision, ordered
// ones weighing recommend.OrderedWeight, forgotten customers' designs
// left out; in a shop, the shop's shared designs) with the catalog's
// popularity as prior. Nothing leaves the machine.
type libraryRecommender struct {
	db *storage.DB
	mu sync.Mutex
	// models by product and catalog version, trained again when older
	// than freshFor (training on thousands of designs takes milliseconds)
	models map[*catalog.Product]trained
}

type trained struct {
	at    time.Time
	model recommend.Model
}

// freshFor is how long a trained model is used before the library is read
// again: a design saved (or a customer forgotten) counts from then on.
var freshFor = 10 * time.Second

var _ interface {
	Recommend(context.Context, *catalog.Product, map[string]string, *rules.Domains) ([]recommend.Recommendation, error)
} = (*libraryRecommender)(nil)

func newLibraryRecommender(db *storage.DB) *libraryRecommender {
	return &libraryRecommender{db: db, models: map[*catalog.Product]trained{}}
}

// model is the product's trained model, trained again when stale.
func (r *libraryRecommender) model(ctx context.Context, p *catalog.Product) (recommend.Model, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.models[p]; ok && time.Since(t.at) < freshFor {
		return t.model, nil
	}
	history, err := r.db.ProductHistory(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	examples := make([]recommend.Example, len(history))
	for i, h := range history {
		examples[i] = recommend.Example{Values: h.Decisions, Weight: h.Weight()}
	}
	m, err := recommend.Train(p, examples, recommend.Chosen)
	if err != nil {
		return nil, err
	}
	r.models[p] = trained{at: time.Now(), model: m}
	return m, nil
}

// Recommend implements ui.Recommender: for each open feature the value
// most likely wanted given the decisions, among those the engine allows.
func (r *libraryRecommender) Recommend(ctx context.Context, p *catalog.Product, decided map[string]string, doms *rules.Domains) ([]recommend.Recommendation, error) {
	if doms == nil || !doms.Consistent {
		return nil, nil
	}
	m, err := r.model(ctx, p)
	if err != nil {
		return nil, err
	}
	return m.Recommend(decided, recommend.AllowedFrom(p, doms)), nil
}
