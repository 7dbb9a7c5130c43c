package recommend

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// Method is a way of learning recommendations from a history.
type Method string

// The methods, compared in docs/recommendations.md.
const (
	// Popular proposes each feature's most popular value, whatever else
	// was chosen (the baseline).
	Popular Method = "popular"
	// NaiveBayes weighs each value's popularity by how often each decided
	// value came with it, as if the decided features were independent
	// given the open one.
	NaiveBayes Method = "naive-bayes"
	// KNN lets the past configurations most similar to the decisions vote.
	KNN Method = "knn"
	// BayesNet learns a tree-shaped Bayesian network (Chow–Liu: the tree
	// of the strongest mutual information) and infers the open feature
	// from the evidence exactly.
	BayesNet Method = "bayes-net"
	// Mixture learns a few latent kinds of customer and their tastes (a
	// latent class model, by expectation–maximization) and infers the
	// customer's kind from the decisions.
	Mixture Method = "mixture"
)

// Methods lists every method, the baseline first.
var Methods = []Method{Popular, NaiveBayes, KNN, BayesNet, Mixture}

// Chosen is the method the app and the CLI use (see docs/recommendations.md
// for the figures it was chosen by).
const Chosen = NaiveBayes

// ParseMethod reads a method's name.
func ParseMethod(s string) (Method, error) {
	for _, m := range Methods {
		if string(m) == s {
			return m, nil
		}
	}
	names := make([]string, len(Methods))
	for i, m := range Methods {
		names[i] = string(m)
	}
	return "", fmt.Errorf("unknown method %q (methods: %s)", s, strings.Join(names, ", "))
}

// Allowed gives the values the engine still allows for a feature, as
// --set takes them (AllowedFrom builds it from the engine's domains).
type Allowed func(feature string) []string

// Model is a trained recommender. It is safe for concurrent use.
type Model interface {
	// Posterior gives, for each of the values (in their order), the
	// model's probability that the customer wants it given the decided
	// features: normalized among the values, uniform when the model knows
	// none of them.
	Posterior(decided map[string]string, feature string, values []string) []float64
	// Recommend proposes a value for every open feature of the product
	// (not decided, not text) whose allowed values are at least two, in
	// the product's order.
	Recommend(decided map[string]string, allowed Allowed) []Recommendation
}

// Laplace is the smoothing count added to every value (and pair of
// values) so that what the history has not seen is unlikely, not
// impossible.
const Laplace = 1.0

// PriorWeight is how many configurations the manufacturer's popularity
// (catalog.Option.Popularity) counts as: it decides while the history is
// thin and fades as the history grows.
const PriorWeight = 20.0

// DefaultWeight is how many configurations the feature's default counts as
// (the manufacturer's suggestion: it decides among values nothing else
// tells apart).
const DefaultWeight = 1.0

// KNNNeighbours is the least number of past configurations that vote.
const KNNNeighbours = 20

// Train learns a model of the method from a history of the product.
// Features the product no longer has and text features are ignored; a
// value the history holds but the engine no longer allows is simply never
// proposed.
func Train(p *catalog.Product, h []Example, m Method) (Model, error) {
	if _, err := ParseMethod(string(m)); err != nil {
		return nil, err
	}
	for i, e := range h {
		if e.Weight < 0 || math.IsNaN(e.Weight) || math.IsInf(e.Weight, 0) {
			return nil, fmt.Errorf("train %s: example %d has weight %v", p.ID, i+1, e.Weight)
		}
	}
	d := newData(p, h, m == NaiveBayes || m == BayesNet)
	var s scorer
	switch m {
	case Popular:
		s = popular{d}
	case NaiveBayes:
		s = naiveBayes{d}
	case KNN:
		s = knn{d}
	case BayesNet:
		s = newTree(d)
	case Mixture:
		s = newMixture(d)
	}
	return &model{d: d, s: s}, nil
}

// data is a history indexed for learning: features and values by number.
type data struct {
	p     *catalog.Product
	feats []*catalog.Feature // the product's features but texts, in order
	index map[string]int
	// vocab maps a feature's values to their numbers; values lists them.
	vocab  []map[string]int32
	values [][]string
	// cols[f][i] is example i's value of feature f (-1: not decided).
	cols [][]int32
	w    []float64
	// count[f][v] is the weight of the examples with v; prior[f][v] the
	// manufacturer's popularity as pseudo-counts.
	count, prior [][]float64
	// pair[f*n+g][a*K(g)+b] is the weight of the examples with f=a and
	// g=b (nil when the method does not need it).
	pair [][]float64
}

func newData(p *catalog.Product, h []Example, pairs bool) *data {
	d := &data{p: p, index: map[string]int{}}
	for _, f := range p.Features {
		if f.Kind == catalog.Textual {
			continue
		}
		d.index[f.ID] = len(d.feats)
		d.feats = append(d.feats, f)
		voc := map[string]int32{}
		var vals []string
		for _, v := range knownValues(f) {
			voc[v] = int32(len(vals))
			vals = append(vals, v)
		}
		if def := f.Default.String(); f.Default.Kind == f.Kind && def != "" {
			def = canonical(f, def)
			if _, ok := voc[def]; !ok {
				voc[def] = int32(len(vals))
				vals = append(vals, def)
			}
		}
		d.vocab = append(d.vocab, voc)
		d.values = append(d.values, vals)
	}
	n := len(d.feats)
	d.cols = make([][]int32, n)
	for f := range d.cols {
		d.cols[f] = make([]int32, len(h))
		for i := range d.cols[f] {
			d.cols[f][i] = -1
		}
	}
	d.w = make([]float64, len(h))
	for i, e := range h {
		d.w[i] = weight(e)
		for id, v := range e.Values {
			f, ok := d.index[id]
			if !ok {
				continue
			}
			v = canonical(d.feats[f], v)
			x, ok := d.vocab[f][v]
			if !ok {
				x = int32(len(d.values[f]))
				d.vocab[f][v] = x
				d.values[f] = append(d.values[f], v)
			}
			d.cols[f][i] = x
		}
	}
	d.count = make([][]float64, n)
	d.prior = make([][]float64, n)
	for f, feat := range d.feats {
		d.count[f] = make([]float64, len(d.values[f]))
		for i, x := range d.cols[f] {
			if x >= 0 {
				d.count[f][x] += d.w[i]
			}
		}
		d.prior[f] = make([]float64, len(d.values[f]))
		total := 0.0
		for _, o := range feat.Options {
			total += max(0, o.Popularity)
		}
		if feat.Kind == catalog.Choice && total > 0 {
			for _, o := range feat.Options {
				d.prior[f][d.vocab[f][o.ID]] = PriorWeight * max(0, o.Popularity) / total
			}
		} else if x, ok := d.vocab[f][canonical(feat, feat.Default.String())]; ok && feat.Default.Kind == feat.Kind {
			d.prior[f][x] += DefaultWeight
		}
	}
	if pairs {
		d.pair = make([][]float64, n*n)
		for f := range n {
			for g := range n {
				if f != g {
					d.pair[f*n+g] = make([]float64, len(d.values[f])*len(d.values[g]))
				}
			}
		}
		// Pair by pair down the columns: each pair's table stays in the
		// cache.
		for f := range n {
			kf := len(d.values[f])
			for g := f + 1; g < n; g++ {
				kg := len(d.values[g])
				fg := d.pair[f*n+g]
				cf, cg := d.cols[f], d.cols[g]
				for i, a := range cf {
					if b := cg[i]; a >= 0 && b >= 0 {
						fg[int(a)*kg+int(b)] += d.w[i]
					}
				}
				gf := d.pair[g*n+f]
				for a := range kf {
					for b := range kg {
						gf[b*kf+a] = fg[a*kg+b]
					}
				}
			}
		}
	}
	return d
}

// MaxKnownValues bounds the values of a number or multi feature that a
// model knows before it sees them (their smoothed counts are not zero):
// a finer grid's values are known once the history has them.
const MaxKnownValues = 1000

// knownValues are the values of f a model knows whatever the history: a
// choice's options, a number's grid, a multi feature's selections (when
// not too many).
func knownValues(f *catalog.Feature) []string {
	switch f.Kind {
	case catalog.Choice:
		out := make([]string, len(f.Options))
		for i, o := range f.Options {
			out[i] = o.ID
		}
		return out
	case catalog.Number:
		if !f.Step.IsPositive() || f.Max.Sub(f.Min).Div(f.Step).IntPart() >= MaxKnownValues {
			return nil
		}
		var out []string
		for x := f.Min; !x.GreaterThan(f.Max); x = x.Add(f.Step) {
			out = append(out, x.String())
		}
		return out
	case catalog.Multi:
		if len(f.Options) > 8 {
			return nil
		}
		all := make([]bool, len(f.Options))
		for i := range all {
			all[i] = true
		}
		return selections(f, all, f.MaxSelected)
	}
	return nil
}

func weight(e Example) float64 {
	if e.Weight == 0 {
		return 1
	}
	return e.Weight
}

// canonical writes a value the one way the models compare it: a multi
// selection as its option ids sorted and comma-separated, a number in its
// shortest decimal form.
func canonical(f *catalog.Feature, v string) string {
	switch f.Kind {
	case catalog.Multi:
		if !strings.Contains(v, ",") && !strings.Contains(v, " ") {
			return v
		}
		var ids []string
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return strings.Join(slices.Compact(ids), ",")
	case catalog.Number:
		if x, err := decimal.NewFromString(strings.TrimSpace(v)); err == nil {
			return x.String()
		}
	}
	return v
}

// unary is a feature's smoothed count of each value: history, prior and
// Laplace.
func (d *data) unary(f int, x int) float64 {
	return d.count[f][x] + d.prior[f][x] + Laplace
}

// evidence is one decided feature the model knows the value of.
type evidence struct {
	f int
	x int32
}

// evidenceOf turns decisions into evidence; values the history never saw
// tell the model nothing and are left out, as is the target feature.
func (d *data) evidenceOf(decided map[string]string, target int) []evidence {
	var ev []evidence
	for f, feat := range d.feats {
		if f == target {
			continue
		}
		v, ok := decided[feat.ID]
		if !ok {
			continue
		}
		if x, ok := d.vocab[f][canonical(feat, v)]; ok {
			ev = append(ev, evidence{f, x})
		}
	}
	return ev
}

// scorer scores every value of the target feature's vocabulary (out has
// one entry per value, all 0 on entry): unnormalized probabilities.
// allowed says which values are candidates (others may be left at 0).
type scorer interface {
	scores(ev []evidence, f int, allowed []bool, out []float64)
}

type model struct {
	d *data
	s scorer
}

func (m *model) Posterior(decided map[string]string, feature string, values []string) []float64 {
	f, ok := m.d.index[feature]
	if !ok {
		return uniform(len(values))
	}
	return m.posterior(m.d.evidenceOf(decided, f), f, values)
}

func (m *model) posterior(ev []evidence, f int, values []string) []float64 {
	d := m.d
	feat := d.feats[f]
	idx := make([]int32, len(values))
	allowed := make([]bool, len(d.values[f]))
	known := false
	for i, v := range values {
		x, ok := d.vocab[f][canonical(feat, v)]
		if !ok {
			x = -1
		} else {
			allowed[x] = true
			known = true
		}
		idx[i] = x
	}
	if !known {
		return uniform(len(values))
	}
	sc := make([]float64, len(d.values[f]))
	m.s.scores(ev, f, allowed, sc)
	out := make([]float64, len(values))
	sum := 0.0
	for i, x := range idx {
		if x >= 0 && !math.IsNaN(sc[x]) {
			out[i] = sc[x]
			sum += sc[x]
		}
	}
	if sum <= 0 || math.IsInf(sum, 0) {
		return uniform(len(values))
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func uniform(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 1 / float64(n)
	}
	return out
}

// best is the index of the most probable value (the first of equals).
func best(post []float64) int {
	b := 0
	for i, p := range post {
		if p > post[b] {
			b = i
		}
	}
	return b
}

func (m *model) Recommend(decided map[string]string, allowed Allowed) []Recommendation {
	var out []Recommendation
	for f, feat := range m.d.feats {
		if _, ok := decided[feat.ID]; ok {
			continue
		}
		values := allowed(feat.ID)
		if len(values) < 2 {
			continue // forced (or impossible): nothing to recommend
		}
		post := m.posterior(m.d.evidenceOf(decided, f), f, values)
		b := best(post)
		out = append(out, Recommendation{Feature: feat.ID, Value: values[b], Confidence: post[b]})
	}
	return out
}

// popular scores a value by its popularity alone.
type popular struct{ d *data }

func (s popular) scores(_ []evidence, f int, _ []bool, out []float64) {
	for x := range out {
		out[x] = s.d.unary(f, x)
	}
}
