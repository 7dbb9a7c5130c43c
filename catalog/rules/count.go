package rules

import (
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

// CountWithin is Count with a time limit (0: none). Counting is exact or
// fails with ErrCountTooHard; products of many tightly linked features can
// need more search than anyone would wait for.
func (s *Session) CountWithin(dec Decisions, limit time.Duration) (n *big.Int, err error) {
	items, texts, err := s.m.items(dec)
	if err != nil {
		return nil, err
	}
	st := s.m.stateFor(items, texts, nil)
	if st == nil {
		return new(big.Int), nil
	}
	c := &counter{m: s.m, memo: map[string]*big.Int{}}
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
	m        *Model
	memo     map[string]*big.Int
	nodes    int
	deadline time.Time // zero: none
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

// components splits open variables into groups linked by constraints with
// two or more open variables. (A constraint with at most one open variable
// is arc consistent, so every remaining value satisfies it.)
func (c *counter) components(st *state, open []int) [][]int {
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
	seen := map[int]bool{}
	for _, v := range open {
		for _, ci := range c.m.watch[v] {
			if seen[ci] {
				continue
			}
			seen[ci] = true
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
	}
	groups := map[int][]int{}
	var roots []int
	for _, v := range open {
		r := find(v)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], v)
	}
	out := make([][]int, 0, len(roots))
	for _, r := range roots {
		out = append(out, groups[r])
	}
	return out
}

// count counts the assignments of the open variables (propagated state).
func (c *counter) count(st *state, open []int) *big.Int {
	total := big.NewInt(1)
	for _, comp := range c.components(st, open) {
		n := c.countComponent(st, comp)
		if n.Sign() == 0 {
			return n
		}
		total.Mul(total, n)
	}
	return total
}

// key identifies a component for the cache: its variables' domains, and the
// domains of every variable that shares a constraint with it (a fixed
// neighbour changes what the constraint allows inside the component).
func (c *counter) key(st *state, comp []int) string {
	var vars []int
	for _, v := range comp {
		vars = append(vars, v)
		for _, ci := range c.m.watch[v] {
			vars = append(vars, c.m.cons[ci].scope...)
		}
	}
	slices.Sort(vars)
	vars = slices.Compact(vars)
	var b []byte
	for _, v := range vars {
		b = binary.AppendUvarint(b, uint64(v))
		for _, w := range st.dom[v] {
			b = binary.AppendUvarint(b, w)
		}
	}
	return string(b)
}

func (c *counter) countComponent(st *state, comp []int) *big.Int {
	if len(comp) == 1 && len(c.linking(comp[0], comp)) == 0 {
		return big.NewInt(int64(st.dom[comp[0]].count()))
	}
	k := c.key(st, comp)
	if n, ok := c.memo[k]; ok {
		return n
	}
	c.nodes++
	if !c.deadline.IsZero() && c.nodes%64 == 0 && time.Now().After(c.deadline) {
		panic(errBudget)
	}
	// Branch on the variable with the fewest values (ties: most constraints).
	best := comp[0]
	for _, v := range comp[1:] {
		nv, nb := st.dom[v].count(), st.dom[best].count()
		if nv < nb || (nv == nb && len(c.m.watch[v]) > len(c.m.watch[best])) {
			best = v
		}
	}
	total := new(big.Int)
	st.dom[best].each(func(x int32) {
		child := st.clone()
		child.assign(best, x)
		if !child.propagateVar(best) {
			return
		}
		total.Add(total, c.count(child, c.open(child, comp)))
	})
	c.memo[k] = total
	return total
}

// linking returns the constraints that tie v to another variable of comp.
func (c *counter) linking(v int, comp []int) []int {
	var out []int
	for _, ci := range c.m.watch[v] {
		for _, w := range c.m.cons[ci].scope {
			if w != v && slices.Contains(comp, w) {
				out = append(out, ci)
				break
			}
		}
	}
	return out
}
