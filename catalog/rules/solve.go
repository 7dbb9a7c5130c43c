package rules

import (
	"math/bits"
	"slices"
)

// bitset is a set of small integers: a variable's remaining values.
type bitset []uint64

func fullSet(n int) bitset {
	b := make(bitset, (n+63)/64)
	for i := range b {
		b[i] = ^uint64(0)
	}
	if r := n % 64; r != 0 {
		b[len(b)-1] = (1 << r) - 1
	}
	return b
}

func (b bitset) has(i int32) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) set(i int32)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) clear(i int32)    { b[i>>6] &^= 1 << (uint(i) & 63) }

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// first returns the smallest member, or -1.
func (b bitset) first() int32 {
	for i, w := range b {
		if w != 0 {
			return int32(i*64 + bits.TrailingZeros64(w))
		}
	}
	return -1
}

// each calls f for every member in increasing order.
func (b bitset) each(f func(int32)) {
	for i, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			f(int32(i*64 + t))
			w &= w - 1
		}
	}
}

// state is a set of domains under some decisions: the search's node.
type state struct {
	m     *Model
	dom   []bitset
	texts map[string]string
	// off marks constraints left out (nil: none), for explanations that ask
	// which rules matter.
	off []bool
	// nodes counts search nodes, for benchmarks and budgets.
	nodes *int
	// budget, if positive, stops the search after that many nodes (solve
	// then returns nil, and *nodes tells that it gave up).
	budget int
	// loose marks, when counting, the constraints that no longer restrict
	// the domains (nil otherwise).
	loose bitset
}

func (m *Model) newState(texts map[string]string) *state {
	s := &state{m: m, dom: make([]bitset, len(m.vars)), texts: texts, nodes: new(int)}
	for i, v := range m.vars {
		s.dom[i] = fullSet(v.size)
	}
	return s
}

func (s *state) clone() *state {
	c := &state{m: s.m, dom: make([]bitset, len(s.dom)), texts: s.texts, off: s.off, nodes: s.nodes, budget: s.budget, loose: slices.Clone(s.loose)}
	// One allocation for all the words.
	total := 0
	for _, d := range s.dom {
		total += len(d)
	}
	buf := make([]uint64, total)
	for i, d := range s.dom {
		n := copy(buf, d)
		c.dom[i] = buf[:n:n]
		buf = buf[n:]
	}
	return c
}

// assign reduces v's domain to one value; false if that value is gone.
func (s *state) assign(v int, val int32) bool {
	d := s.dom[v]
	if !d.has(val) {
		return false
	}
	for i := range d {
		d[i] = 0
	}
	d.set(val)
	return true
}

// propagateAll makes every constraint arc consistent.
func (s *state) propagateAll() bool {
	q := make([]int, 0, len(s.m.cons))
	for i := range s.m.cons {
		if s.off == nil || !s.off[i] {
			q = append(q, i)
		}
	}
	return s.propagate(q)
}

// propagateVar propagates after v's domain changed.
func (s *state) propagateVar(v int) bool {
	q := make([]int, 0, len(s.m.watch[v]))
	for _, c := range s.m.watch[v] {
		if s.off == nil || !s.off[c] {
			q = append(q, c)
		}
	}
	return s.propagate(q)
}

// propagate revises constraints until nothing changes (AC-3 over
// constraints); false when a domain becomes empty.
func (s *state) propagate(queue []int) bool {
	in := make([]bool, len(s.m.cons))
	for _, c := range queue {
		in[c] = true
	}
	for len(queue) > 0 {
		ci := queue[0]
		queue = queue[1:]
		in[ci] = false
		changed, ok := s.revise(ci)
		if !ok {
			return false
		}
		for _, v := range changed {
			for _, c2 := range s.m.watch[v] {
				if c2 != ci && !in[c2] && (s.off == nil || !s.off[c2]) {
					in[c2] = true
					queue = append(queue, c2)
				}
			}
		}
	}
	return true
}

// revise removes the values of a constraint's variables that have no
// support in it, and returns the variables whose domains shrank.
func (s *state) revise(ci int) (changed []int, ok bool) {
	c := &s.m.cons[ci]
	k := len(c.scope)
	if k == 0 {
		return nil, c.check(nil, s.texts)
	}
	if c.allowed != nil {
		// With at most one variable open, look the tuples up in the table's
		// bitset instead of scanning it.
		open, idx := -1, 0
		for i, v := range c.scope {
			d := s.dom[v]
			x := d.first()
			if x < 0 {
				return nil, false
			}
			if d.count() > 1 {
				if open >= 0 {
					open = -2
					break
				}
				open = i
				continue
			}
			idx += int(x) * c.radix[i]
		}
		switch {
		case open == -1:
			return nil, c.allowed.has(int32(idx))
		case open >= 0:
			v := c.scope[open]
			d := s.dom[v]
			shrank := false
			d.each(func(x int32) {
				if !c.allowed.has(int32(idx + int(x)*c.radix[open])) {
					d.clear(x)
					shrank = true
				}
			})
			if d.first() < 0 {
				return nil, false
			}
			if shrank {
				changed = append(changed, v)
			}
			return changed, true
		}
	}
	if c.table != nil {
		// Tabular reduction: collect the values that appear in a tuple whose
		// every value is still possible.
		support := make([]bitset, k)
		for i, v := range c.scope {
			support[i] = make(bitset, len(s.dom[v]))
		}
		doms := make([]bitset, k)
		for i, v := range c.scope {
			doms[i] = s.dom[v]
		}
		t := c.table
	tuples:
		for off := 0; off < len(t); off += k {
			for i := 0; i < k; i++ {
				if !doms[i].has(t[off+i]) {
					continue tuples
				}
			}
			for i := 0; i < k; i++ {
				support[i].set(t[off+i])
			}
		}
		for i, v := range c.scope {
			d := s.dom[v]
			shrank := false
			empty := true
			for w := range d {
				nw := d[w] & support[i][w]
				if nw != d[w] {
					shrank = true
					d[w] = nw
				}
				if nw != 0 {
					empty = false
				}
			}
			if empty {
				return nil, false
			}
			if shrank {
				changed = append(changed, v)
			}
		}
		return changed, true
	}
	if c.tab != nil {
		return s.reviseRows(c)
	}
	// Forward checking: evaluate once at most one variable is open.
	open := -1
	tuple := make([]int32, k)
	for i, v := range c.scope {
		if s.dom[v].count() == 1 {
			tuple[i] = s.dom[v].first()
			continue
		}
		if open >= 0 {
			return nil, true // two or more open: nothing to do yet
		}
		open = i
	}
	if open < 0 {
		return nil, c.check(tuple, s.texts)
	}
	v := c.scope[open]
	d := s.dom[v]
	shrank := false
	d.each(func(x int32) {
		tuple[open] = x
		if !c.check(tuple, s.texts) {
			d.clear(x)
			shrank = true
		}
	})
	if d.first() < 0 {
		return nil, false
	}
	if shrank {
		changed = append(changed, v)
	}
	return changed, true
}

// solve searches for a complete assignment from s (already propagated).
// prefer gives each variable's preferred value (or -1); the search tries it
// first, so with defaults as preferences the solution found is as close to
// the defaults as the rules allow. It returns the solution, or nil.
func (s *state) solve(prefer []int32) []int32 {
	*s.nodes++
	if s.budget > 0 && *s.nodes > s.budget {
		return nil
	}
	// Choose the open variable with the fewest values (ties: most constraints).
	best, bestSize := -1, 0
	for v, d := range s.dom {
		n := d.count()
		if n == 1 {
			continue
		}
		if best < 0 || n < bestSize || (n == bestSize && len(s.m.watch[v]) > len(s.m.watch[best])) {
			best, bestSize = v, n
		}
	}
	if best < 0 {
		sol := make([]int32, len(s.dom))
		for v, d := range s.dom {
			sol[v] = d.first()
		}
		return sol
	}
	try := func(x int32) []int32 {
		c := s.clone()
		c.assign(best, x)
		if !c.propagateVar(best) {
			return nil
		}
		return c.solve(prefer)
	}
	first := int32(-1)
	if prefer != nil && prefer[best] >= 0 && s.dom[best].has(prefer[best]) {
		first = prefer[best]
		if sol := try(first); sol != nil {
			return sol
		}
	}
	// Then the other values; for a number, nearest to the preferred one
	// first, so a completion stays close to the defaults.
	var order []int32
	s.dom[best].each(func(x int32) {
		if x != first {
			order = append(order, x)
		}
	})
	if prefer != nil && prefer[best] >= 0 && s.m.vars[best].kind == numberVar {
		pivot := prefer[best] // even when the rules took it away
		slices.SortStableFunc(order, func(a, b int32) int { return abs32(a-pivot) - abs32(b-pivot) })
	}
	for _, x := range order {
		if sol := try(x); sol != nil {
			return sol
		}
	}
	return nil
}

func abs32(x int32) int {
	if x < 0 {
		return int(-x)
	}
	return int(x)
}
