package recommend

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// EvalOptions shape an evaluation (zero fields take the protocol's values).
type EvalOptions struct {
	// Folds of the cross-validation (default 10).
	Folds int
	// Orders in which each test configuration is replayed (default 10).
	Orders int
	// Seed of the folds and the orders (the same seed, the same figures).
	Seed uint64
	// Limit, when positive, replays only this many test configurations in
	// all, spread evenly over the folds (training still uses every other
	// fold): a subsample for tests.
	Limit int
	// Methods to compare (default Methods).
	Methods []Method
	// NoOracle skips the oracles (each method trained on the test fold).
	NoOracle bool
}

// MethodResult is one method's figures.
type MethodResult struct {
	Method Method `json:"method"`
	// Hits of Steps: the proposals that were the customer's value.
	Hits    int     `json:"hits"`
	Steps   int     `json:"steps"`
	Success float64 `json:"success"` // Hits/Steps
	// Median and P95 time of one recommendation (the model's; the
	// engine's propagation is Evaluation.Engine*).
	Median time.Duration `json:"median_ns"`
	P95    time.Duration `json:"p95_ns"`
	// Oracle is the success rate of the method trained on the test fold
	// itself (an upper bound of what it can learn); -1 when skipped.
	Oracle float64 `json:"oracle"`
	// Train is the median time to train on a fold's training set.
	Train time.Duration `json:"train_ns"`
}

// Evaluation is the outcome of the protocol on one history.
type Evaluation struct {
	Product        string `json:"product"`
	Configurations int    `json:"configurations"` // in the history
	Replayed       int    `json:"replayed"`       // test configurations replayed
	Folds          int    `json:"folds"`
	Orders         int    `json:"orders"`
	// Steps are the proposals asked for; Forced the features skipped
	// because the engine left them one value.
	Steps  int `json:"steps"`
	Forced int `json:"forced"`
	// EngineMedian and EngineP95: the time of the engine's propagation
	// (Session.Domains) per step.
	EngineMedian time.Duration  `json:"engine_median_ns"`
	EngineP95    time.Duration  `json:"engine_p95_ns"`
	Results      []MethodResult `json:"results"`
}

// Evaluate runs the protocol of docs/recommendations.md: k-fold
// cross-validation; each test configuration replayed in random orders of
// its features; at each step each method proposes a value for the next
// feature among what the engine still allows after the decisions so far,
// a success when it is the customer's value; features the engine has
// forced to one value are skipped (and decided). Deterministic in the
// options but for the times.
func Evaluate(m *rules.Model, h []Example, opt EvalOptions) (*Evaluation, error) {
	p := m.Product
	if opt.Folds <= 0 {
		opt.Folds = 10
	}
	if opt.Orders <= 0 {
		opt.Orders = 10
	}
	if len(opt.Methods) == 0 {
		opt.Methods = Methods
	}
	if len(h) < opt.Folds {
		return nil, fmt.Errorf("evaluate %s: %d configurations cannot make %d folds", p.ID, len(h), opt.Folds)
	}
	// Every test configuration as decisions, checked once.
	tests := make([]rules.Decisions, len(h))
	for i, e := range h {
		dec := rules.Decisions{}
		for _, f := range p.Features {
			v, ok := e.Values[f.ID]
			if !ok || f.Kind == catalog.Textual {
				continue
			}
			x, err := f.ParseValue(v)
			if err != nil {
				return nil, fmt.Errorf("evaluate %s: configuration %d: %w", p.ID, i+1, err)
			}
			dec[f.ID] = x
		}
		tests[i] = dec
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	perm := rng.Perm(len(h))
	fold := make([]int, len(h))
	for i, j := range perm {
		fold[j] = i % opt.Folds
	}
	perFold := 0
	if opt.Limit > 0 {
		perFold = (opt.Limit + opt.Folds - 1) / opt.Folds
	}
	ev := &Evaluation{Product: p.ID, Configurations: len(h), Folds: opt.Folds, Orders: opt.Orders}
	type tally struct {
		hits, oracleHits int
		times, trains    []time.Duration
	}
	tallies := make([]tally, len(opt.Methods))
	var engine []time.Duration
	s := m.NewSession()
	for k := range opt.Folds {
		var train, test []Example
		var testIdx []int
		for i, e := range h {
			if fold[i] == k {
				test = append(test, e)
				testIdx = append(testIdx, i)
			} else {
				train = append(train, e)
			}
		}
		models := make([]Model, len(opt.Methods))
		oracles := make([]Model, len(opt.Methods))
		for j, meth := range opt.Methods {
			start := time.Now()
			mod, err := Train(p, train, meth)
			if err != nil {
				return nil, err
			}
			tallies[j].trains = append(tallies[j].trains, time.Since(start))
			models[j] = mod
			if !opt.NoOracle {
				if oracles[j], err = Train(p, test, meth); err != nil {
					return nil, err
				}
			}
		}
		if perFold > 0 && len(testIdx) > perFold {
			testIdx = testIdx[:perFold]
		}
		for _, i := range testIdx {
			ev.Replayed++
			target := tests[i]
			var feats []string
			for _, f := range p.Features {
				if _, ok := target[f.ID]; ok {
					feats = append(feats, f.ID)
				}
			}
			for r := range opt.Orders {
				order := slices.Clone(feats)
				orng := rand.New(rand.NewPCG(opt.Seed, uint64(i)*1024+uint64(r)))
				orng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
				dec := rules.Decisions{}
				decided := map[string]string{}
				for _, fid := range order {
					start := time.Now()
					doms, err := s.Domains(dec)
					if err != nil {
						return nil, fmt.Errorf("evaluate %s: %w", p.ID, err)
					}
					engine = append(engine, time.Since(start))
					values := AllowedFrom(p, doms)(fid)
					want := canonical(p.Feature(fid), Strings(rules.Decisions{fid: target[fid]})[fid])
					if len(values) <= 1 {
						ev.Forced++
					} else {
						ev.Steps++
						for j := range opt.Methods {
							start := time.Now()
							got := values[best(models[j].Posterior(decided, fid, values))]
							tallies[j].times = append(tallies[j].times, time.Since(start))
							if got == want {
								tallies[j].hits++
							}
							if oracles[j] != nil && values[best(oracles[j].Posterior(decided, fid, values))] == want {
								tallies[j].oracleHits++
							}
						}
					}
					dec[fid] = target[fid]
					decided[fid] = want
				}
			}
		}
	}
	ev.EngineMedian, ev.EngineP95 = quantile(engine, 0.5), quantile(engine, 0.95)
	for j, meth := range opt.Methods {
		t := tallies[j]
		r := MethodResult{Method: meth, Hits: t.hits, Steps: ev.Steps, Oracle: -1,
			Median: quantile(t.times, 0.5), P95: quantile(t.times, 0.95), Train: quantile(t.trains, 0.5)}
		if ev.Steps > 0 {
			r.Success = float64(t.hits) / float64(ev.Steps)
			if !opt.NoOracle {
				r.Oracle = float64(t.oracleHits) / float64(ev.Steps)
			}
		}
		ev.Results = append(ev.Results, r)
	}
	return ev, nil
}

// quantile of durations (nearest rank); 0 for none.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}
