// Package histgen generates realistic configuration histories — what a
// dealer's saved and ordered designs look like — for training and
// evaluating the recommenders of catalog/recommend.
//
// A history is drawn from latent customer types (Type): each configuration
// belongs to one type, drawn by its share, and the type's tastes decide the
// values: a weight per option, peaks over a number's grid, a chance per
// option of a multi feature, pairwise couplings between features (the legs
// follow the cover), a price sensitivity (a penalty on catalog.Option.Price
// relative to the product's base price), the manufacturer's
// Option.Popularity as a mild base rate, and noise (a per-customer jitter of
// every weight and an occasional whim).
//
// The rules are respected: Generate decides the features in a random order
// and each time draws only among the values the configuration engine
// (catalog/rules) still allows, so it never reaches a dead end, and checks
// every finished configuration. BenchmarkHistory, for a large table-only
// product where an engine call per decision would take hours, propagates
// the tables itself (fast.go) and checks every configuration with the
// catalog's own rule check.
//
// Everything is deterministic in the seed.
package histgen

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
)

// Type is a latent customer type: what such customers tend to choose.
type Type struct {
	Name string
	// Share is how common the type is, relative to the other types.
	Share float64
	// PriceSensitivity penalises option prices: an option's weight is
	// multiplied by exp(-PriceSensitivity × price / base price).
	PriceSensitivity float64
	// Ordered is the chance that a design of this type was ordered (0:
	// DefaultOrdered).
	Ordered float64
	// Choice gives, per choice feature, a weight per option id (an option
	// not listed weighs 1).
	Choice map[string]map[string]float64
	// Include gives, per multi feature, the chance of including each
	// option (an option not listed: DefaultInclude), before prices and
	// couplings.
	Include map[string]map[string]float64
	// Number gives, per number feature, the peaks of the preferred values
	// (none listed: uniform over the grid).
	Number map[string][]Peak
	// Text gives, per text feature, the chance of deciding it and the
	// texts to draw from (none: left undecided, the usual case).
	Text map[string]TextPref
	// Pairs couple two features.
	Pairs []Pair
}

// Peak is one mode of a number preference: a normal bump at At with
// standard deviation Spread, weighing Weight among the feature's peaks.
type Peak struct{ At, Spread, Weight float64 }

// TextPref is how a type fills in a text feature.
type TextPref struct {
	Chance float64
	Texts  []string
}

// Pair couples features A and B: Factor(a, b) multiplies the weight of the
// combination of value a of A and value b of B (values as
// catalog.Value.String writes them; for a multi feature, b is one option id
// and the factor applies when that option is included). Whichever of the
// two is decided second is drawn with the factor of the first's value.
type Pair struct {
	A, B   string
	Factor func(a, b string) float64
}

// Defaults of a Type's fields.
const (
	DefaultOrdered = 0.2
	DefaultInclude = 0.1
)

// Options tune the noise of a generation. Zero fields take the defaults.
type Options struct {
	// Jitter is the standard deviation of the log-normal factor each
	// configuration puts on every weight (default 0.35).
	Jitter float64
	// Whim is the chance that a feature is drawn uniformly among its
	// allowed values instead of by taste (default 0.04).
	Whim float64
	// Taste is how strongly a type's option weights (Type.Choice) count:
	// each is raised to this power (default 2; negative: 1, the weights
	// as written).
	Taste float64
	// PopularityExponent is how strongly Option.Popularity counts: the
	// weight is multiplied by (popularity / mean popularity)^exponent
	// (default 0.5; negative: not at all).
	PopularityExponent float64
}

func (o Options) withDefaults() Options {
	if o.Jitter == 0 {
		o.Jitter = 0.35
	}
	if o.Whim == 0 {
		o.Whim = 0.04
	}
	if o.Taste == 0 {
		o.Taste = 2
	}
	if o.Taste < 0 {
		o.Taste = 1
	}
	if o.PopularityExponent == 0 {
		o.PopularityExponent = 0.5
	}
	return o
}

// Config is one generated configuration with the type it came from.
type Config struct {
	Type    int // index into the types
	Example recommend.Example
}

// Stats count what a generation did.
type Stats struct {
	DomainsCalls int // engine Domains calls
	Checks       int // engine Consistent calls (multi sets, texts, final checks)
	Rejected     int // drawn values that no longer fitted (drawn again)
	MultiRepairs int // multi selections the rules made the generator change
	Restarts     int // configurations begun again after a dead end (BenchmarkHistory only)
}

// Generator draws configurations of one product.
type Generator struct {
	Product *catalog.Product
	Types   []Type
	Options Options
	Stats   Stats

	shared  *shared
	sess    *rules.Session
	texts   *rules.Session // for decisions with texts: they empty sess's pool of solutions
	r       *rand.Rand
	base    float64
	shares  []float64
	popMean map[string]float64
	price   map[*catalog.Option]float64
	pairsOf []map[string][]*Pair // per type: the pairs of each feature
}

// New makes a generator of product with the given types, deterministic in seed.
func New(p *catalog.Product, types []Type, seed uint64, opt Options) (*Generator, error) {
	sh, err := newShared(p)
	if err != nil {
		return nil, err
	}
	return newGenerator(sh, p, types, seed, 0, opt)
}

func newGenerator(sh *shared, p *catalog.Product, types []Type, seed, stream uint64, opt Options) (*Generator, error) {
	if len(types) == 0 {
		return nil, errors.New("histgen: no customer types")
	}
	g := &Generator{Product: p, Types: types, Options: opt.withDefaults(), shared: sh,
		r: rand.New(rand.NewPCG(seed, 0x68697374+stream)), popMean: map[string]float64{}}
	if sh != nil { // nil: no engine (fast.go)
		g.sess, g.texts = sh.model.NewSession(), sh.model.NewSession()
		g.sess.SetWorkers(1)
		g.texts.SetWorkers(1)
	}
	g.base = p.BasePrice.InexactFloat64()
	if g.base <= 0 {
		g.base = 1000
	}
	for i := range types {
		g.shares = append(g.shares, max(types[i].Share, 0))
		by := map[string][]*Pair{}
		for j := range types[i].Pairs {
			pr := &types[i].Pairs[j]
			by[pr.A] = append(by[pr.A], pr)
			if pr.B != pr.A {
				by[pr.B] = append(by[pr.B], pr)
			}
		}
		g.pairsOf = append(g.pairsOf, by)
	}
	g.price = map[*catalog.Option]float64{}
	for _, f := range p.Features {
		sum, n := 0.0, 0
		for _, o := range f.Options {
			if o.Popularity > 0 {
				sum += o.Popularity
				n++
			}
		}
		if n > 0 {
			g.popMean[f.ID] = sum / float64(n)
		}
		for _, o := range f.Options {
			g.price[o] = o.Price.InexactFloat64()
		}
	}
	return g, nil
}

// chunk is how many configurations one generator draws in Generate: each
// chunk has its own random stream (from the seed and its index) and
// session, so the chunks can be drawn on several cores and the result is
// the same bytes however they are scheduled.
const chunk = 250

// Generate draws n configurations of p, on all cores, deterministic in seed.
func Generate(p *catalog.Product, types []Type, n int, seed uint64) ([]Config, Stats, error) {
	return GenerateWith(p, types, n, seed, Options{})
}

// GenerateWith is Generate with options.
func GenerateWith(p *catalog.Product, types []Type, n int, seed uint64, opt Options) ([]Config, Stats, error) {
	sh, err := newShared(p)
	if err != nil {
		return nil, Stats{}, err
	}
	return inChunks(n, func(k int) (func() (Config, error), *Stats, error) {
		g, err := newGenerator(sh, p, types, seed, uint64(k), opt)
		if err != nil {
			return nil, nil, err
		}
		return g.Next, &g.Stats, nil
	})
}

// inChunks draws n configurations in chunks (see chunk) on all cores: start
// gives chunk k's drawing function and its counters.
func inChunks(n int, start func(k int) (func() (Config, error), *Stats, error)) ([]Config, Stats, error) {
	chunks := (n + chunk - 1) / chunk
	out := make([]Config, n)
	stats := make([]Stats, chunks)
	errs := make([]error, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(chunks, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				draw, st, err := start(k)
				if err != nil {
					errs[k] = err
					continue
				}
				for i := k * chunk; i < min(n, (k+1)*chunk); i++ {
					c, err := draw()
					if err != nil {
						errs[k] = err
						break
					}
					out[i] = c
				}
				stats[k] = *st
			}
		}()
	}
	wg.Wait()
	var st Stats
	for k := range chunks {
		if errs[k] != nil {
			return nil, st, errs[k]
		}
		st.add(stats[k])
	}
	return out, st, nil
}

func (s *Stats) add(o Stats) {
	s.DomainsCalls += o.DomainsCalls
	s.Checks += o.Checks
	s.Rejected += o.Rejected
	s.MultiRepairs += o.MultiRepairs
	s.Restarts += o.Restarts
}

// Examples drops the types.
func Examples(cs []Config) []recommend.Example {
	out := make([]recommend.Example, len(cs))
	for i, c := range cs {
		out[i] = c.Example
	}
	return out
}

// draw picks an index by weight (all zero: uniformly).
func draw(r *rand.Rand, w []float64) int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	if sum <= 0 || math.IsNaN(sum) || math.IsInf(sum, 0) {
		return r.IntN(len(w))
	}
	x := r.Float64() * sum
	for i, v := range w {
		x -= v
		if x < 0 {
			return i
		}
	}
	return len(w) - 1
}

// customer is one configuration being drawn.
type customer struct {
	t      *Type
	pairs  map[string][]*Pair // the type's pairs by feature
	values map[string]string  // decided so far, as Value.String writes them
	dec    rules.Decisions
}

// Next draws one configuration.
func (g *Generator) Next() (Config, error) {
	ti := draw(g.r, g.shares)
	c := &customer{t: &g.Types[ti], pairs: g.pairsOf[ti], values: map[string]string{}, dec: rules.Decisions{}}
	p := g.Product
	var open, texts []*catalog.Feature
	for _, f := range p.Features {
		if f.Kind == catalog.Textual {
			texts = append(texts, f)
		} else {
			open = append(open, f)
		}
	}
	g.r.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
	// Each feature is drawn among the values the engine allows with the
	// decisions so far. Working the domains out anew for every decision
	// costs an engine call of 0.2 to 2 ms; instead the draw is from the
	// last domains worked out (a superset) and a drawn value is checked
	// (Consistent, about 50 µs): a value that no longer fits is dropped and
	// the draw repeated among the rest — the same distribution as a draw
	// among the allowed values only — and after a few misses the domains
	// are worked out anew.
	d, err := g.domains(c.dec)
	if err != nil {
		return Config{}, err
	}
	fresh := true
	for _, f := range open {
		if d, fresh, err = g.sample(c, f, d, fresh); err != nil {
			return Config{}, err
		}
	}
	for _, f := range texts {
		if err := g.sampleText(c, f); err != nil {
			return Config{}, err
		}
	}
	sess := g.sess
	if hasText(p, c.dec) {
		sess = g.texts
	}
	ok, err := sess.Consistent(c.dec)
	g.Stats.Checks++
	if err != nil {
		return Config{}, fmt.Errorf("histgen: %s: check %s: %w", p.ID, c.dec, err)
	}
	if !ok {
		return Config{}, fmt.Errorf("histgen: %s: generated an invalid configuration %s", p.ID, c.dec)
	}
	ordered := c.t.Ordered
	if ordered == 0 {
		ordered = DefaultOrdered
	}
	w := 1.0
	if g.r.Float64() < ordered {
		w = recommend.OrderedWeight
	}
	return Config{Type: ti, Example: recommend.Example{Values: c.values, Weight: w}}, nil
}

func hasText(p *catalog.Product, dec rules.Decisions) bool {
	for id := range dec {
		if f := p.Feature(id); f != nil && f.Kind == catalog.Textual {
			return true
		}
	}
	return false
}

// domains asks the engine, or the memory of its earlier answers (exact:
// the same decisions, the same domains).
func (g *Generator) domains(dec rules.Decisions) (*rules.Domains, error) {
	key := dec.String()
	if d := g.shared.get(key); d != nil {
		return d, nil
	}
	d, err := g.sess.Domains(dec)
	g.Stats.DomainsCalls++
	if err != nil {
		return nil, fmt.Errorf("histgen: %s: domains of %s: %w", g.Product.ID, dec, err)
	}
	if !d.Consistent {
		return nil, fmt.Errorf("histgen: %s: the decisions %s lost their configurations", g.Product.ID, dec)
	}
	g.shared.put(key, d)
	return d, nil
}

// shared is what the generators of one product share: the compiled model,
// the features of each rule and the engine's answers so far.
type shared struct {
	model *rules.Model
	mu    sync.Mutex
	memo  map[string]*rules.Domains
}

// memoSize bounds the domains remembered.
const memoSize = 50000

func (s *shared) get(key string) *rules.Domains {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.memo[key]
}

func (s *shared) put(key string, d *rules.Domains) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.memo) < memoSize {
		s.memo[key] = d
	}
}

func newShared(p *catalog.Product) (*shared, error) {
	m, err := rules.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("histgen: compile %s: %w", p.ID, err)
	}
	s := &shared{model: m, memo: map[string]*rules.Domains{}}
	return s, nil
}

func (g *Generator) decide(c *customer, f *catalog.Feature, v catalog.Value) {
	c.dec[f.ID] = v
	c.values[f.ID] = v.String()
}

// noise is the per-value jitter.
func (g *Generator) noise() float64 {
	return math.Exp(g.Options.Jitter * g.r.NormFloat64())
}

// priceFactor is the type's penalty on an option's price.
func (g *Generator) priceFactor(t *Type, o *catalog.Option) float64 {
	return math.Exp(-t.PriceSensitivity * g.price[o] / g.base)
}

// popularity is the manufacturer's base rate of an option.
func (g *Generator) popularity(f *catalog.Feature, o *catalog.Option) float64 {
	mean, ok := g.popMean[f.ID]
	if !ok || g.Options.PopularityExponent < 0 {
		return 1
	}
	pop := o.Popularity
	if pop <= 0 {
		pop = mean / 4 // not said: rare
	}
	return math.Pow(pop/mean, g.Options.PopularityExponent)
}

// coupling is the product of the pair factors for value val of feature f
// (as Value.String writes it, or one option id of a multi feature) with the
// features decided so far.
func coupling(c *customer, f *catalog.Feature, val string, p *catalog.Product) float64 {
	w := 1.0
	for _, pr := range c.pairs[f.ID] {
		var other, a, b string
		switch f.ID {
		case pr.A:
			other = pr.B
		case pr.B:
			other = pr.A
		default:
			continue
		}
		ov, ok := c.values[other]
		if !ok {
			continue
		}
		if f.ID == pr.A {
			a = val
			if of := p.Feature(other); of != nil && of.Kind == catalog.Multi {
				// B is a multi feature: a factor per included option.
				for _, id := range splitSet(ov) {
					w *= pr.Factor(a, id)
				}
				continue
			}
			b = ov
		} else {
			a, b = ov, val
		}
		w *= pr.Factor(a, b)
	}
	return w
}

func splitSet(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// refreshAfter is how many drawn values may miss before the domains are
// worked out anew.
const refreshAfter = 3

// sample decides one open feature among the values the engine allows (see
// Next): d are the domains of some of the decisions so far (of all of them
// when fresh). It returns the domains it last worked out.
func (g *Generator) sample(c *customer, f *catalog.Feature, d *rules.Domains, fresh bool) (*rules.Domains, bool, error) {
	whim := g.r.Float64() < g.Options.Whim
	if f.Kind == catalog.Multi {
		return d, false, g.sampleMulti(c, f, d.Feature(f.ID), whim)
	}
	idx, w := g.candidates(c, f, d.Feature(f.ID), whim)
	value := func(i int64) catalog.Value {
		if f.Kind == catalog.Choice {
			return catalog.Value{Kind: catalog.Choice, Str: f.Options[i].ID}
		}
		return catalog.Value{Kind: catalog.Number, Num: f.Min.Add(f.Step.Mul(decimal.NewFromInt(i)))}
	}
	for missed := 0; len(idx) > 0; {
		k := draw(g.r, w)
		v := value(idx[k])
		if !fresh {
			next := c.dec.Clone()
			next[f.ID] = v
			g.Stats.Checks++
			ok, err := g.sess.Consistent(next)
			if err != nil {
				return d, false, fmt.Errorf("histgen: %s: check %s: %w", g.Product.ID, next, err)
			}
			if !ok {
				g.Stats.Rejected++
				idx, w = slices.Delete(idx, k, k+1), slices.Delete(w, k, k+1)
				if missed++; missed == refreshAfter {
					nd, err := g.domains(c.dec)
					if err != nil {
						return d, false, err
					}
					d, fresh = nd, true
					fd := d.Feature(f.ID)
					keep := 0
					for j, i := range idx {
						if allows(fd, f, i) {
							idx[keep], w[keep] = i, w[j]
							keep++
						}
					}
					idx, w = idx[:keep], w[:keep]
				}
				continue
			}
		}
		g.decide(c, f, v)
		return d, false, nil
	}
	return d, false, fmt.Errorf("histgen: %s: %s has no value left with %s", g.Product.ID, f.ID, c.dec)
}

// allows reports whether a domain holds option or grid value i.
func allows(fd *rules.FeatureDomain, f *catalog.Feature, i int64) bool {
	if f.Kind == catalog.Choice {
		return fd.Available[i]
	}
	return fd.AllowsNumber(f.Min.Add(f.Step.Mul(decimal.NewFromInt(i))))
}

// candidates lists a choice or number feature's values in the domain (an
// option's index, a grid value's index) and the customer's weights.
func (g *Generator) candidates(c *customer, f *catalog.Feature, fd *rules.FeatureDomain, whim bool) ([]int64, []float64) {
	var idx []int64
	var w []float64
	switch f.Kind {
	case catalog.Choice:
		for i, o := range f.Options {
			if !fd.Available[i] {
				continue
			}
			x := 1.0
			if !whim {
				x = g.choiceWeight(c, f, o)
			}
			idx = append(idx, int64(i))
			w = append(w, x)
		}
	case catalog.Number:
		// On the grid by index: the allowed ranges' ends are grid values.
		step, lo := f.Step.InexactFloat64(), f.Min.InexactFloat64()
		for _, rg := range fd.Allowed {
			from := rg.Min.Sub(f.Min).Div(f.Step).IntPart()
			to := rg.Max.Sub(f.Min).Div(f.Step).IntPart()
			for i := from; i <= to; i++ {
				weight := 1.0
				if !whim {
					x := lo + float64(i)*step
					weight = numberWeight(c.t.Number[f.ID], x, f)
					if len(c.pairs[f.ID]) > 0 {
						weight *= coupling(c, f, strconv.FormatFloat(x, 'f', -1, 64), g.Product)
					}
				}
				idx = append(idx, i)
				w = append(w, weight)
			}
		}
	}
	return idx, w
}

func (g *Generator) choiceWeight(c *customer, f *catalog.Feature, o *catalog.Option) float64 {
	x := 1.0
	if w, ok := c.t.Choice[f.ID][o.ID]; ok {
		x = math.Pow(w, g.Options.Taste)
	}
	return x * g.priceFactor(c.t, o) * g.popularity(f, o) * coupling(c, f, o.ID, g.Product) * g.noise()
}

// numberWeight is the preference for x: the peaks' mixture (uniform when
// there are none), never quite zero so that any allowed value may happen.
func numberWeight(peaks []Peak, x float64, f *catalog.Feature) float64 {
	if len(peaks) == 0 {
		return 1
	}
	w := 0.0
	for _, p := range peaks {
		s := p.Spread
		if s <= 0 {
			s = f.Step.InexactFloat64()
		}
		z := (x - p.At) / s
		w += p.Weight * math.Exp(-z*z/2) / s
	}
	return w + 1e-9
}

// sampleMulti draws a selection: each allowed option in by the type's chance
// (its odds scaled by price, couplings and noise), at most MaxSelected, at
// least MinSelected; a selection the rules refuse as a whole is changed
// (an option dropped, else the engine's completion) — every result checked.
func (g *Generator) sampleMulti(c *customer, f *catalog.Feature, fd *rules.FeatureDomain, whim bool) error {
	type cand struct {
		id   string
		odds float64
		in   bool
	}
	var cs []cand
	for i, o := range f.Options {
		if !fd.Available[i] {
			continue
		}
		p := DefaultInclude
		if x, ok := c.t.Include[f.ID][o.ID]; ok {
			p = x
		}
		p = min(max(p, 1e-6), 1-1e-6)
		odds := p / (1 - p)
		if whim {
			odds = 1
		} else {
			odds *= g.priceFactor(c.t, o) * g.popularity(f, o) * coupling(c, f, o.ID, g.Product) * g.noise()
		}
		cs = append(cs, cand{id: o.ID, odds: odds, in: g.r.Float64() < odds/(1+odds)})
	}
	// The most wanted first, for the bounds.
	byWant := slices.Clone(cs)
	slices.SortStableFunc(byWant, func(a, b cand) int {
		switch {
		case a.odds > b.odds:
			return -1
		case a.odds < b.odds:
			return 1
		}
		return 0
	})
	in := map[string]bool{}
	n := 0
	for _, x := range byWant {
		if x.in && (f.MaxSelected <= 0 || n < f.MaxSelected) {
			in[x.id] = true
			n++
		}
	}
	for _, x := range byWant {
		if n >= f.MinSelected {
			break
		}
		if !in[x.id] {
			in[x.id] = true
			n++
		}
	}
	set := func(in map[string]bool) catalog.Value {
		v := catalog.Value{Kind: catalog.Multi, Set: []string{}}
		for _, o := range f.Options { // in the feature's order
			if in[o.ID] {
				v.Set = append(v.Set, o.ID)
			}
		}
		return v
	}
	try := func(v catalog.Value) (bool, error) {
		next := c.dec.Clone()
		next[f.ID] = v
		g.Stats.Checks++
		return g.sess.Consistent(next)
	}
	want := set(in)
	if ok, err := try(want); err != nil || ok {
		if ok {
			g.decide(c, f, want)
		}
		return err
	}
	g.Stats.MultiRepairs++
	// Drop the least wanted option that makes it fit, if one does.
	for i := len(byWant) - 1; i >= 0; i-- {
		id := byWant[i].id
		if !in[id] || n-1 < f.MinSelected {
			continue
		}
		in[id] = false
		v := set(in)
		in[id] = true
		ok, err := try(v)
		if err != nil {
			return err
		}
		if ok {
			g.decide(c, f, v)
			return nil
		}
	}
	// Add the most wanted option that makes it fit (a rule that asks for one).
	for _, x := range byWant {
		if in[x.id] || (f.MaxSelected > 0 && n+1 > f.MaxSelected) {
			continue
		}
		in[x.id] = true
		v := set(in)
		in[x.id] = false
		ok, err := try(v)
		if err != nil {
			return err
		}
		if ok {
			g.decide(c, f, v)
			return nil
		}
	}
	// The selection that fits closest to the wanted one (fewest options
	// changed, the most wanted kept): one exists, since the decisions
	// admit a configuration and all its options are available.
	k := min(len(byWant), 16)
	masks := make([]int, 0, 1<<k)
	for m := range 1 << k {
		masks = append(masks, m)
	}
	wantMask := 0
	for i := range k {
		if in[byWant[i].id] {
			wantMask |= 1 << i
		}
	}
	slices.SortStableFunc(masks, func(a, b int) int {
		return bits.OnesCount(uint(a^wantMask)) - bits.OnesCount(uint(b^wantMask))
	})
	for _, m := range masks {
		n := bits.OnesCount(uint(m))
		if n < f.MinSelected || (f.MaxSelected > 0 && n > f.MaxSelected) {
			continue
		}
		sel := map[string]bool{}
		for i := range k {
			if m&(1<<i) != 0 {
				sel[byWant[i].id] = true
			}
		}
		v := set(sel)
		ok, err := try(v)
		if err != nil {
			return err
		}
		if ok {
			g.decide(c, f, v)
			return nil
		}
	}
	return fmt.Errorf("histgen: %s: no selection of %s fits %s", g.Product.ID, f.ID, c.dec)
}

// sampleText decides a text feature with the type's chance, when the rules
// allow the text (checked on the session kept for texts).
func (g *Generator) sampleText(c *customer, f *catalog.Feature) error {
	tp, ok := c.t.Text[f.ID]
	if !ok || len(tp.Texts) == 0 || g.r.Float64() >= tp.Chance {
		return nil
	}
	v := catalog.Value{Kind: catalog.Textual, Str: tp.Texts[g.r.IntN(len(tp.Texts))]}
	if f.CheckText(v.Str) != nil {
		return nil
	}
	next := c.dec.Clone()
	next[f.ID] = v
	g.Stats.Checks++
	fits, err := g.texts.Consistent(next)
	if err != nil {
		return err
	}
	if fits {
		g.decide(c, f, v)
	}
	return nil
}

// Gzip writes a history file (recommend.WriteHistory) gzipped, the same
// bytes for the same history.
func Gzip(h []recommend.Example) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if err := recommend.WriteHistory(zw, h); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadGzip reads a gzipped history file.
func ReadGzip(r io.Reader) ([]recommend.Example, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return recommend.ReadHistory(zr)
}

// HistoryFile is the name of a product's committed history in
// catalog/recommend/testdata.
func HistoryFile(productID string) string { return productID + ".history.jsonl.gz" }

// DemoSeed and DemoSize are those of the committed demo histories.
const (
	DemoSeed = 1
	DemoSize = 5000
)
