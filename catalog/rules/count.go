package rules

import (
	"context"
	"encoding/binary"
	"errors"
	"math/big"
	"slices"
	"time"
)

// Count returns the exact number of valid complete configurations that
// agree with the decisions (text features count as their given text).
//
// It counts by search with component decomposition and caching, as #SAT
// solvers do: once the open variables fall apart into groups that no rule
// links, each group is counted on its own and the counts multiply; groups
// met again with the same domains are looked up. Products built from
// loosely linked sub-assemblies therefore count fast even when the number
// is astronomically large.
func (s *Session) Count(dec Decisions) (*big.Int, error) {
	return s.CountWithin(dec, 0)
}

// ErrCountTooHard is returned when counting would take more search than
// allowed.
var ErrCountTooHard = errors.New("too many configurations to count within the time allowed")

// CountNodes bounds the search nodes of one count, whatever its time
// limit: a count that needs more fails with ErrCountTooHard (the same on
// every machine). The demo's products need a few hundred.
const CountNodes = 20000

// countNodes is CountNodes, lowered by tests.
var countNodes = CountNodes

// CountWithin is Count with a time limit (0: none) besides CountNodes and
// the session's context. Counting is exact or fails with ErrCountTooHard;
// products of many tightly linked features can need more search than anyone
// would wait for.
func (s *Session) CountWithin(dec Decisions, limit time.Duration) (n *big.Int, err error) {
	items, texts, err := s.m.items(dec)
	if err != nil {
		return nil, err
	}
	st := s.m.stateFor(items, texts, nil)
	if st == nil {
		return new(big.Int), nil
	}
	c := &counter{m: s.m, memo: map[string]*big.Int{}, seen: make([]uint32, len(s.m.cons)), ctx: s.ctx}
	st.loose = make(bitset, (len(s.m.cons)+63)/64)
	if limit > 0 {
		c.deadline = time.Now().Add(limit)
	}
	defer func() {
		s.Nodes += c.nodes
		if r := recover(); r != nil {
			if r != errBudget {
				panic(r)
			}
			n, err = nil, ErrCountTooHard
		}
	}()
	open := c.open(st, nil)
	return c.count(st, open), nil
}

// errBudget unwinds a count whose budget ran out.
var errBudget = errors.New("budget")

type counter struct {
	m *Model
	// seen and stamp mark the constraints met in one links call.
	seen     []uint32
	stamp    uint32
	memo     map[string]*big.Int
	nodes    int
	deadline time.Time // zero: none
	ctx      context.Context
}

// open lists the variables of st with more than one value, among vars (all when nil).
func (c *counter) open(st *state, vars []int) []int {
	var out []int
	if vars == nil {
		for v, d := range st.dom {
			if d.count() > 1 {
				out = append(out, v)
			}
		}
		return out
	}
	for _, v := range vars {
		if st.dom[v].count() > 1 {
			out = append(out, v)
		}
	}
	return out
}

// enumLimit bounds the tuples enumerated to tell whether a constraint still
// restricts the current domains.
const enumLimit = 1024

// restricts reports whether constraint ci still forbids some combination of
// its variables' current values (with at most one value open it never
// does: propagation keeps every constraint arc consistent). free, when not
// nil, receives per variable of the scope the values that appear in no
// forbidden combination. A constraint too wide to enumerate is assumed to
// restrict, with no free values.
func (c *counter) restricts(st *state, ci int, free []bitset) bool {
	con := &c.m.cons[ci]
	open, combos := 0, 1
	for _, v := range con.scope {
		if n := st.dom[v].count(); n > 1 {
			open++
			combos *= n
			if combos > enumLimit {
				return true
			}
		}
	}
	if open < 2 {
		return false
	}
	k := len(con.scope)
	vals := make([][]int32, k)
	for i, v := range con.scope {
		st.dom[v].each(func(x int32) { vals[i] = append(vals[i], x) })
	}
	var bad []bitset // per position: values in a forbidden combination
	if free != nil {
		bad = make([]bitset, k)
		for i, v := range con.scope {
			bad[i] = make(bitset, len(st.dom[v]))
		}
	}
	idx := make([]int, k)
	t := make([]int32, k)
	found := false
	for {
		for i := range t {
			t[i] = vals[i][idx[i]]
		}
		if !con.holdsTuple(t, st.texts) {
			found = true
			if free == nil {
				return true
			}
			for i, x := range t {
				bad[i].set(x)
			}
		}
		i := k - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(vals[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}
	if free != nil {
		for i, v := range con.scope {
			for w := range free[i] {
				free[i][w] = st.dom[v][w] &^ bad[i][w]
			}
		}
	}
	return found
}

// links lists the constraints among vars (open variables) that still
// restrict them: those that tie variables into one component. A constraint
// found to restrict nothing more is marked in the state: domains only
// shrink below it, so it never restricts again.
func (c *counter) links(st *state, vars []int) []int {
	var out []int
	c.stamp++
	for _, v := range vars {
		for _, ci := range c.m.watch[v] {
			if c.seen[ci] == c.stamp || st.loose.has(int32(ci)) {
				continue
			}
			c.seen[ci] = c.stamp
			if c.restricts(st, ci, nil) {
				out = append(out, ci)
			} else {
				st.loose.set(int32(ci))
			}
		}
	}
	slices.Sort(out)
	return out
}

// components splits open variables into groups tied by constraints that
// still restrict them, each with those constraints.
func (c *counter) components(st *state, open []int) (comps [][]int, links [][]int) {
	parent := map[int]int{}
	for _, v := range open {
		parent[v] = v
	}
	find := func(v int) int {
		for parent[v] != v {
			parent[v] = parent[parent[v]]
			v = parent[v]
		}
		return v
	}
	all := c.links(st, open)
	for _, ci := range all {
		first := -1
		for _, w := range c.m.cons[ci].scope {
			if _, ok := parent[w]; !ok {
				continue
			}
			if first < 0 {
				first = w
			} else {
				parent[find(w)] = find(first)
			}
		}
	}
	index := map[int]int{}
	for _, v := range open {
		r := find(v)
		i, ok := index[r]
		if !ok {
			i = len(comps)
			index[r] = i
			comps = append(comps, nil)
			links = append(links, nil)
		}
		comps[i] = append(comps[i], v)
	}
	for _, ci := range all {
		for _, w := range c.m.cons[ci].scope {
			if _, ok := parent[w]; ok {
				i := index[find(w)]
				links[i] = append(links[i], ci)
				break
			}
		}
	}
	return comps, links
}

// count counts the assignments of the open variables (propagated state).
func (c *counter) count(st *state, open []int) *big.Int {
	total := big.NewInt(1)
	comps, links := c.components(st, open)
	for i, comp := range comps {
		n := c.countComponent(st, comp, links[i])
		if n.Sign() == 0 {
			return n
		}
		total.Mul(total, n)
	}
	return total
}

// key identifies a component for the cache: its variables and their
// domains, and for every constraint that still restricts them the values of
// its fixed variables. (The other constraints on the component allow every
// combination of its current values, so they say nothing more about it.)
func (c *counter) key(st *state, comp []int, links []int) string {
	vars := slices.Clone(comp)
	slices.Sort(vars)
	var b []byte
	for _, v := range vars {
		b = binary.AppendUvarint(b, uint64(v))
		for _, w := range st.dom[v] {
			b = binary.AppendUvarint(b, w)
		}
	}
	b = append(b, 0xff)
	for _, ci := range links {
		b = binary.AppendUvarint(b, uint64(ci))
		for _, v := range c.m.cons[ci].scope {
			if st.dom[v].count() == 1 {
				b = binary.AppendUvarint(b, uint64(st.dom[v].first()))
			}
		}
	}
	return string(b)
}

// splitLimit: a variable with more values than this takes a branch per
// value, one with fewer is split on a single value.
const splitLimit = 16

func (c *counter) countComponent(st *state, comp []int, links []int) *big.Int {
	if len(links) == 0 {
		// Nothing ties the variables: every combination is valid.
		n := big.NewInt(1)
		for _, v := range comp {
			n.Mul(n, big.NewInt(int64(st.dom[v].count())))
		}
		return n
	}
	k := c.key(st, comp, links)
	if n, ok := c.memo[k]; ok {
		return n
	}
	c.nodes++
	if c.nodes > countNodes {
		panic(errBudget)
	}
	if c.nodes%64 == 0 && (!c.deadline.IsZero() && time.Now().After(c.deadline) || c.ctx != nil && c.ctx.Err() != nil) {
		panic(errBudget)
	}
	degree := map[int]int{}
	for _, ci := range links {
		for _, v := range c.m.cons[ci].scope {
			if st.dom[v].count() > 1 {
				degree[v]++
			}
		}
	}
	// Branch on the linked variable that the elimination order puts last:
	// the ones that tie sub-assemblies together come before those inside one,
	// so the component falls apart after few branches. Numbers (many values,
	// one branch each) wait until the choices around them are settled.
	rank := c.m.elimRank()
	best := -1
	small := func(v int) bool { return st.dom[v].count() <= splitLimit }
	for _, v := range comp {
		if degree[v] == 0 {
			continue
		}
		if best < 0 || (small(v) && !small(best)) || (small(v) == small(best) && rank[v] > rank[best]) {
			best = v
		}
	}
	// A variable with many values (a number's grid) takes one branch per
	// value: each fixes it, and every constraint on it stops linking. One
	// with few is split on a single value: that value, or all the others
	// (when a link forbids something only with that value, it vanishes in
	// the second branch too).
	d := st.dom[best]
	var parts []bitset
	if d.count() > splitLimit {
		d.each(func(x int32) {
			p := make(bitset, len(d))
			p.set(x)
			parts = append(parts, p)
		})
	} else {
		left := make(bitset, len(d))
		left.set(c.splitValue(st, best, links))
		right := make(bitset, len(d))
		for w := range d {
			right[w] = d[w] &^ left[w]
		}
		parts = append(parts, left, right)
	}
	total := new(big.Int)
	for _, part := range parts {
		child := st.clone()
		copy(child.dom[best], part)
		if !child.propagateVar(best) {
			continue
		}
		total.Add(total, c.count(child, c.open(child, comp)))
	}
	c.memo[k] = total
	return total
}

// splitValue picks the value of v to split on: the one that the most links
// forbid something with (weighted: a link that forbids only with that value
// vanishes in the other branch).
func (c *counter) splitValue(st *state, v int, links []int) int32 {
	score := map[int32]float64{}
	for _, ci := range links {
		con := &c.m.cons[ci]
		pos := slices.Index(con.scope, v)
		if pos < 0 {
			continue
		}
		free := make([]bitset, len(con.scope))
		for i, w := range con.scope {
			free[i] = make(bitset, len(st.dom[w]))
		}
		c.restricts(st, ci, free)
		var bad []int32
		st.dom[v].each(func(x int32) {
			if !free[pos].has(x) {
				bad = append(bad, x)
			}
		})
		for _, x := range bad {
			score[x] += 1 / float64(len(bad))
		}
	}
	best := st.dom[v].first()
	st.dom[v].each(func(x int32) {
		if score[x] > score[best] {
			best = x
		}
	})
	return best
}

// elimRank orders the variables as a tree decomposition would eliminate
// them (min-degree heuristic on the graph of variables that share a
// constraint): a variable whose neighbours all lie in one sub-assembly goes
// early, one that ties groups together late. Computed once per model.
func (m *Model) elimRank() []int {
	m.elimOnce.Do(func() {
		n := len(m.vars)
		adj := make([]map[int]bool, n)
		for v := range adj {
			adj[v] = map[int]bool{}
			for _, w := range m.nbr[v] {
				adj[v][w] = true
			}
		}
		rank := make([]int, n)
		gone := make([]bool, n)
		for r := 0; r < n; r++ {
			best := -1
			for v := 0; v < n; v++ {
				if !gone[v] && (best < 0 || len(adj[v]) < len(adj[best])) {
					best = v
				}
			}
			rank[best] = r
			gone[best] = true
			// Eliminating best joins its neighbours into a clique.
			var ns []int
			for w := range adj[best] {
				ns = append(ns, w)
			}
			for _, a := range ns {
				delete(adj[a], best)
				for _, b := range ns {
					if a != b {
						adj[a][b] = true
					}
				}
			}
			adj[best] = nil
		}
		m.elim = rank
	})
	return m.elim
}
