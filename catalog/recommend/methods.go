package recommend

import (
	"math"
	"slices"
)

// naiveBayes scores value v of f by P(v) · Π P(g=u | f=v) over the
// evidence, with Laplace smoothing, in logarithms.
type naiveBayes struct{ d *data }

func (s naiveBayes) scores(ev []evidence, f int, allowed []bool, out []float64) {
	d := s.d
	n := len(d.feats)
	logs := make([]float64, len(out))
	top := math.Inf(-1)
	for x := range out {
		if !allowed[x] {
			logs[x] = math.Inf(-1)
			continue
		}
		cv := d.count[f][x] + d.prior[f][x] + Laplace
		l := math.Log(cv)
		for _, e := range ev {
			kg := len(d.values[e.f])
			joint := d.pair[f*n+e.f][x*kg+int(e.x)]
			// The pairs are counted on the examples that decided both.
			l += math.Log((joint + Laplace) / (d.count[f][x] + Laplace*float64(kg)))
		}
		logs[x] = l
		top = max(top, l)
	}
	for x := range out {
		if allowed[x] {
			out[x] = math.Exp(logs[x] - top)
		}
	}
}

// knn lets the past configurations that agree with the most decisions
// vote for their value of f: every configuration at least as similar as
// the KNNNeighbours-th most similar one votes with its weight. Only those
// whose value is still allowed vote. The popularity breaks ties.
type knn struct{ d *data }

func (s knn) scores(ev []evidence, f int, allowed []bool, out []float64) {
	d := s.d
	col := d.cols[f]
	sim := make([]uint16, len(col))
	for _, e := range ev {
		c := d.cols[e.f]
		for i, x := range c {
			if x == e.x {
				sim[i]++
			}
		}
	}
	// votes[k][x]: the weight of the voters with similarity k for x;
	// voters[k] their number.
	k := len(ev) + 1
	kv := len(out)
	votes := make([]float64, k*kv)
	voters := make([]int, k)
	for i, x := range col {
		if x < 0 || !allowed[x] {
			continue
		}
		votes[int(sim[i])*kv+int(x)] += d.w[i]
		voters[sim[i]]++
	}
	seen := 0
	for level := k - 1; level >= 0 && seen < KNNNeighbours; level-- {
		if voters[level] == 0 {
			continue
		}
		seen += voters[level]
		for x := range kv {
			// The more similar weigh more.
			out[x] += votes[level*kv+x] * float64(level+1)
		}
	}
	total := 0.0
	for x := range out {
		total += out[x]
	}
	// Popularity as a small prior: it breaks ties and speaks alone when
	// nobody votes.
	pop := 0.0
	for x := range out {
		if allowed[x] {
			pop += d.unary(f, x)
		}
	}
	scale := 0.01 * max(total, 1) / pop
	for x := range out {
		if allowed[x] {
			out[x] += scale * d.unary(f, x)
		}
	}
}

// tree is a Chow–Liu tree: the spanning tree of the features that
// maximizes the mutual information between neighbours, learned from the
// pairs' counts. The joint is P(root) · Π P(child | parent), whichever
// feature is the root: to infer feature f the tree is rooted at f and the
// evidence's messages flow to it (exact inference, linear in the tree).
type tree struct {
	d   *data
	adj [][]int
}

func newTree(d *data) *tree {
	n := len(d.feats)
	t := &tree{d: d, adj: make([][]int, n)}
	if n == 0 {
		return t
	}
	mi := make([]float64, n*n)
	for f := range n {
		for g := f + 1; g < n; g++ {
			mi[f*n+g] = d.mutualInformation(f, g)
			mi[g*n+f] = mi[f*n+g]
		}
	}
	// Prim's maximum spanning tree from feature 0 (dense: O(n²)).
	in := make([]bool, n)
	bestW := make([]float64, n)
	from := make([]int, n)
	for i := range bestW {
		bestW[i] = math.Inf(-1)
		from[i] = -1
	}
	bestW[0] = 0
	for range n {
		u := -1
		for v := range n {
			if !in[v] && (u < 0 || bestW[v] > bestW[u]) {
				u = v
			}
		}
		in[u] = true
		if from[u] >= 0 {
			t.adj[u] = append(t.adj[u], from[u])
			t.adj[from[u]] = append(t.adj[from[u]], u)
		}
		for v := range n {
			if !in[v] && mi[u*n+v] > bestW[v] {
				bestW[v], from[v] = mi[u*n+v], u
			}
		}
	}
	for _, a := range t.adj {
		slices.Sort(a)
	}
	return t
}

// mutualInformation of f and g, from the examples that decided both.
func (d *data) mutualInformation(f, g int) float64 {
	n := len(d.feats)
	kf, kg := len(d.values[f]), len(d.values[g])
	joint := d.pair[f*n+g]
	rows := make([]float64, kf)
	cols := make([]float64, kg)
	total := 0.0
	for a := range kf {
		for b := range kg {
			c := joint[a*kg+b]
			rows[a] += c
			cols[b] += c
			total += c
		}
	}
	if total == 0 {
		return 0
	}
	mi := 0.0
	for a := range kf {
		for b := range kg {
			c := joint[a*kg+b]
			if c > 0 {
				mi += c / total * math.Log(c*total/(rows[a]*cols[b]))
			}
		}
	}
	return mi
}

func (t *tree) scores(ev []evidence, f int, allowed []bool, out []float64) {
	d := t.d
	obs := make([]int32, len(d.feats))
	for i := range obs {
		obs[i] = -1
	}
	for _, e := range ev {
		obs[e.f] = e.x
	}
	for x := range out {
		if allowed[x] {
			out[x] = d.unary(f, x)
		}
	}
	for _, c := range t.adj[f] {
		if m := t.message(obs, c, f); m != nil {
			for x := range out {
				out[x] *= m[x]
			}
		}
	}
}

// message is what the subtree of c (hanging from its parent p) says about
// p's values: m[a] = Σ_b P(c=b | p=a) · λ(b), λ the evidence in the
// subtree. Nil when the subtree holds no evidence (the message is 1).
func (t *tree) message(obs []int32, c, p int) []float64 {
	d := t.d
	n := len(d.feats)
	kc, kp := len(d.values[c]), len(d.values[p])
	var lambda []float64 // nil: all ones
	for _, g := range t.adj[c] {
		if g == p {
			continue
		}
		m := t.message(obs, g, c)
		if m == nil {
			continue
		}
		if lambda == nil {
			lambda = m
		} else {
			for b := range lambda {
				lambda[b] *= m[b]
			}
		}
	}
	if obs[c] < 0 && lambda == nil {
		return nil
	}
	joint := d.pair[p*n+c] // [a*kc+b]
	out := make([]float64, kp)
	top := 0.0
	for a := range kp {
		row := joint[a*kc : (a+1)*kc]
		sum := 0.0
		for _, x := range row {
			sum += x
		}
		den := sum + Laplace*float64(kc)
		if obs[c] >= 0 {
			b := obs[c]
			l := 1.0
			if lambda != nil {
				l = lambda[b]
			}
			out[a] = (row[b] + Laplace) / den * l
		} else {
			s := 0.0
			for b, x := range row {
				s += (x + Laplace) * lambda[b]
			}
			out[a] = s / den
		}
		top = max(top, out[a])
	}
	if top > 0 {
		for a := range out {
			out[a] /= top // kept near 1: no underflow down a long chain
		}
	}
	return out
}
