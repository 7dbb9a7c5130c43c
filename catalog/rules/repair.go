package rules

import (
	"math/bits"
	"slices"
	"time"

	"github.com/go-air/gini/z"
)

// RepairKind says what is known of a repair's size.
type RepairKind uint8

const (
	// RepairSmallest: no repair sets aside fewer decisions. The decisions
	// it keeps are a maximum consistent subset: "keep this option and as
	// many of your choices as possible", proven.
	RepairSmallest RepairKind = iota
	// RepairLarger: one decision more than the smallest, none of them set
	// aside needlessly (putting any one back breaks it).
	RepairLarger
	// RepairMaximal: keeps a maximal set of the decisions (none of those
	// set aside can be put back on its own), but the search ran out of
	// checks before proving that no repair sets aside fewer. Offered only
	// when no smallest repair was found.
	RepairMaximal
)

func (k RepairKind) String() string {
	switch k {
	case RepairSmallest:
		return "smallest"
	case RepairLarger:
		return "larger"
	case RepairMaximal:
		return "maximal"
	}
	return "unknown"
}

// The repair search, over the items of a target's context (the decisions
// other than the new choice):
//
//  1. A maximal consistent subset, grown from the new choice alone: each
//     decision is added when the solver finds a solution with it (and every
//     other decision that solution happens to agree with is added for free),
//     so it takes at most one solver call per decision. Its first call also
//     tells whether the new choice is possible at all: if not, there is no
//     repair, proven. Every failed call leaves a core: decisions that, with
//     the new choice, admit no solution.
//  2. The smallest repairs, by implicit hitting sets (as MaxHS does): a
//     smallest set of decisions that meets every core found so far is set
//     aside and the rest checked; if they admit no solution, the solver's
//     conflict is a new core that the set missed; if they do, it is a
//     repair, and no smaller one exists (every smaller set misses a core).
//     The sets are tried by increasing size, so the first repairs found are
//     the smallest and those one larger are minimal.
//  3. If that search runs out of checks before finding a repair, the
//     maximal subset (the better of step 1 and a second pass in order of
//     fewest cores) is improved by MaxSAT (see fewest) and offered as the
//     smallest when proven (by the MaxSAT search, or by disjoint cores),
//     else as RepairMaximal.

// maxRepairChecks bounds the solver calls of the hitting-set search of one
// question; past it the MaxSAT search takes over from the maximal subset.
// (On the generated 200-feature products the smallest repairs need a few
// checks; on the table-heavy lines of issue 13, where a sold
// configuration's value may need 20 of 40 decisions set aside, the
// solver's cores hold about 10 decisions each and the hitting sets did not
// converge within hundreds of checks.)
var maxRepairChecks = 100

// maxHittingNodes bounds the nodes of the hitting-set searches of one
// question.
var maxHittingNodes = 50000

// repairSearch is the search for repairs of one target.
type repairSearch struct {
	s *Session
	t *target
	n int
	// cores are sets of items (sorted indices into t.context) that, with
	// the target, admit no solution.
	cores [][]int
	// found are the repairs found: sets of items to drop, sorted.
	found  [][]int
	checks int
	nodes  int
}

// solveKeeping asks for a solution with the target and the items keep.
func (r *repairSearch) solveKeeping(keep []int) []int32 {
	var units []unit
	for _, i := range keep {
		units = append(units, r.t.context[i].units...)
	}
	units = append(units, r.t.units...)
	return r.s.solveUnits(units, nil, r.t.textsOf(keep))
}

// noteCore keeps the items of the last call's conflict among keep (after a
// call that found no solution).
func (r *repairSearch) noteCore(keep []int) []int {
	core := r.s.conflict()
	var c []int
	for _, i := range keep {
		for _, u := range r.t.context[i].units {
			if core[r.s.last.base.lit[u.v][u.val]] {
				c = append(c, i)
				break
			}
		}
	}
	r.cores = append(r.cores, c)
	return c
}

// agrees reports whether item i holds in a solution.
func (r *repairSearch) agrees(i int, sol []int32) bool {
	for _, u := range r.t.context[i].units {
		if sol[u.v] != u.val {
			return false
		}
	}
	return true
}

// maximal grows a maximal consistent subset of the items, trying them in
// order (nil: in product order), and returns the items it leaves out
// (sorted). Items a solution found agrees with join for free, unless they
// are marked in late (to be tried in order only). possible is false when
// the target admits no solution even alone; ok is false when the budget
// ran out.
func (r *repairSearch) maximal(order []int, late []bool) (drop []int, possible, ok bool) {
	if order == nil {
		order = make([]int, r.n)
		for i := range order {
			order[i] = i
		}
	}
	in := make([]bool, r.n)
	var keep []int
	take := func(sol []int32) {
		for i := 0; i < r.n; i++ {
			if !in[i] && (late == nil || !late[i]) && r.agrees(i, sol) {
				in[i] = true
				keep = append(keep, i)
			}
		}
		slices.Sort(keep)
	}
	sol := r.solveKeeping(nil)
	if sol == nil {
		return nil, false, !r.s.exhausted()
	}
	take(sol)
	for _, i := range order {
		if in[i] {
			continue
		}
		try := append(slices.Clone(keep), i)
		if sol := r.solveKeeping(try); sol != nil {
			in[i] = true
			keep = try
			take(sol)
			continue
		}
		if r.s.exhausted() {
			return nil, true, false
		}
		r.noteCore(try)
	}
	for i := 0; i < r.n; i++ {
		if !in[i] {
			drop = append(drop, i)
		}
	}
	return drop, true, true
}

// hit looks for a set of at most size items that meets every core and
// holds no repair found (a superset of one is not minimal). It returns the
// set (sorted) or nil; ok is false when its nodes ran out.
func (r *repairSearch) hit(size int) (set []int, ok bool) {
	chosen := make([]bool, r.n)
	banned := make([]bool, r.n) // left out on this branch: tried in an earlier sibling
	used := make([]bool, r.n)
	var cur []int
	var rec func() int // 1 found, 0 none here, -1 out of nodes
	rec = func() int {
		r.nodes++
		if r.nodes > maxHittingNodes {
			return -1
		}
	found:
		for _, f := range r.found {
			for _, i := range f {
				if !chosen[i] {
					continue found
				}
			}
			return 0
		}
		// The smallest core not met yet is branched on; cores not met and
		// disjoint from each other each need one more item (a lower bound).
		var pick []int
		need := 0
		clear(used)
		for _, c := range r.cores {
			var open []int
			met := false
			for _, i := range c {
				if chosen[i] {
					met = true
					break
				}
				if !banned[i] {
					open = append(open, i)
				}
			}
			if met {
				continue
			}
			if len(open) == 0 {
				return 0
			}
			if pick == nil || len(open) < len(pick) {
				pick = open
			}
			disjoint := true
			for _, i := range open {
				if used[i] {
					disjoint = false
					break
				}
			}
			if disjoint {
				need++
				for _, i := range open {
					used[i] = true
				}
			}
		}
		if pick == nil {
			set = slices.Clone(cur)
			slices.Sort(set)
			return 1
		}
		if len(cur)+need > size {
			return 0
		}
		var tried []int
		res := 0
		for _, i := range pick {
			chosen[i] = true
			cur = append(cur, i)
			res = rec()
			chosen[i] = false
			cur = cur[:len(cur)-1]
			if res != 0 {
				break
			}
			banned[i] = true
			tried = append(tried, i)
		}
		for _, i := range tried {
			banned[i] = false
		}
		return res
	}
	switch rec() {
	case -1:
		return nil, false
	case 1:
		return set, true
	}
	return nil, true
}

// lowerBound is the number of pairwise disjoint cores among those found
// (greedily, smallest first): no repair drops fewer items.
func (r *repairSearch) lowerBound() int {
	cs := slices.Clone(r.cores)
	slices.SortFunc(cs, func(a, b []int) int { return len(a) - len(b) })
	used := make([]bool, r.n)
	n := 0
next:
	for _, c := range cs {
		for _, i := range c {
			if used[i] {
				continue next
			}
		}
		for _, i := range c {
			used[i] = true
		}
		n++
	}
	return n
}

// smallest looks for the smallest repairs, then those one larger, up to
// max in all. It returns the size of the smallest (-1 if none was found);
// ok is false when the budget ran out.
func (r *repairSearch) smallest(max int) (smallest int, ok bool) {
	smallest = -1
	for size := r.lowerBound(); size <= r.n && len(r.found) < max; size++ {
		if smallest >= 0 && size > smallest+1 {
			break
		}
		for len(r.found) < max {
			set, ok := r.hit(size)
			if !ok {
				return smallest, true // out of nodes: stop here
			}
			if set == nil {
				break // no set of this size is left to try
			}
			if r.checks >= maxRepairChecks {
				return smallest, true
			}
			r.checks++
			keep := make([]int, 0, r.n-len(set))
			for i := 0; i < r.n; i++ {
				if _, drop := slices.BinarySearch(set, i); !drop {
					keep = append(keep, i)
				}
			}
			if r.solveKeeping(keep) != nil {
				r.found = append(r.found, set)
				if smallest < 0 {
					smallest = len(set)
				}
				continue
			}
			if r.s.exhausted() {
				return smallest, false
			}
			if len(r.noteCore(keep)) == 0 {
				return smallest, true // cannot happen: the target alone was possible
			}
		}
	}
	return smallest, true
}

// repairSets finds the sets of items to drop for a target, each with its
// kind: the smallest and those one larger, or else a maximal one (see
// above). None when the target admits no solution at all (proven); ok is
// false when the budget ran out.
func (s *Session) repairSets(t *target, max int) (sets [][]int, kinds []RepairKind, ok bool) {
	var texts []int
	for i, it := range t.context {
		if it.isText {
			texts = append(texts, i)
		}
	}
	if len(texts) == 0 {
		return s.repairSetsOf(t, max)
	}
	// A text set aside reads its default, which is not a relaxation (the
	// default may break a rule the text kept): the search below needs one.
	// So the texts are set aside in a search of their own, the fewest
	// first: with the texts as typed, then each set of them set aside
	// (the smallest first, at most maxTextSets), the other decisions
	// searched as ever.
	var asides [][]int
	for size := 0; size <= len(texts); size++ {
		for mask := 0; mask < 1<<len(texts); mask++ {
			if bits.OnesCount(uint(mask)) != size {
				continue
			}
			var aside []int
			for k, i := range texts {
				if mask&(1<<k) != 0 {
					aside = append(aside, i)
				}
			}
			if len(asides) < maxTextSets || size == len(texts) {
				asides = append(asides, aside)
			}
		}
	}
	found := -1
	for _, aside := range asides {
		if found >= 0 && len(aside) > found {
			break
		}
		st, back := t.textsAside(aside)
		ss, ks, ok := s.repairSetsOf(st, max)
		if !ok {
			return nil, nil, false
		}
		for k, set := range ss {
			full := slices.Clone(aside)
			for _, j := range set {
				full = append(full, back[j])
			}
			slices.Sort(full)
			sets = append(sets, full)
			kinds = append(kinds, ks[k])
			found = len(aside)
		}
	}
	return sets, kinds, true
}

// textsAside is the target with its text items set aside (the items
// aside, read at their defaults) or kept as typed (the others): a target
// with no text items, and the index in t.context of each of its items.
func (t *target) textsAside(aside []int) (*target, []int) {
	st := &target{feature: t.feature, units: t.units, value: t.value, exact: t.exact}
	var keep, back []int
	for i, it := range t.context {
		switch {
		case !it.isText:
			back = append(back, i)
			st.context = append(st.context, it)
		case !slices.Contains(aside, i):
			keep = append(keep, i)
		}
	}
	st.texts = t.textsOf(keep)
	return st, back
}

// maxTextSets bounds the sets of texts set aside that the repair search
// tries (besides all of them).
const maxTextSets = 8

// repairSetsOf is repairSets for a target with no text items.
func (s *Session) repairSetsOf(t *target, max int) (sets [][]int, kinds []RepairKind, ok bool) {
	r := &repairSearch{s: s, t: t, n: len(t.context)}
	maxDrop, possible, ok := r.maximal(nil, nil)
	if !ok || !possible {
		return nil, nil, ok
	}
	if len(maxDrop) == 0 {
		return [][]int{nil}, []RepairKind{RepairSmallest}, true
	}
	smallest, ok := r.smallest(max)
	if !ok {
		return nil, nil, false
	}
	if smallest < 0 {
		// Once more, with the decisions in fewest cores tried first and
		// those in any core only in turn: often fewer set aside.
		inCores := make([]int, r.n)
		late := make([]bool, r.n)
		for _, c := range r.cores {
			for _, i := range c {
				inCores[i]++
				late[i] = true
			}
		}
		order := make([]int, r.n)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return inCores[a] - inCores[b] })
		drop, _, ok := r.maximal(order, late)
		if !ok {
			return nil, nil, false
		}
		if len(drop) < len(maxDrop) {
			maxDrop = drop
		}
		if r.lowerBound() >= len(maxDrop) {
			return [][]int{maxDrop}, []RepairKind{RepairSmallest}, true
		}
		best, proven := r.fewest(maxDrop)
		kind := RepairMaximal
		if proven {
			kind = RepairSmallest
		}
		return [][]int{best}, []RepairKind{kind}, true
	}
	for _, f := range r.found {
		kind := RepairSmallest
		if len(f) > smallest {
			kind = RepairLarger
		}
		sets = append(sets, f)
		kinds = append(kinds, kind)
	}
	return sets, kinds, true
}

// fewestShare is the share of a question's remaining work and time that the
// search for the fewest (fewest) may spend: the rest is left for the
// completion of the repair it proposes. 0: no such search (for tests).
var fewestShare = 0.5

// fewest looks for the fewest items to drop by MaxSAT, starting from a
// repair known to work (drop): a copy of the session's solver gets a
// selector per item ("kept": the item's units hold) and a totalizer over
// the dropped ones, and is asked for a solution dropping fewer than the
// best so far until it finds none, which proves the best the fewest. It
// spends at most fewestShare of what the question has left, and returns the
// best found and whether it is proven.
func (r *repairSearch) fewest(drop []int) (best []int, proven bool) {
	best = drop
	acct := r.s.account()
	if fewestShare <= 0 || acct == nil || len(drop) <= 1 {
		return best, false
	}
	left := acct.limit - acct.used
	sub := &budget{ctx: acct.ctx, limit: int(float64(left) * fewestShare),
		deadline: time.Now().Add(time.Duration(float64(time.Until(acct.deadline)) * fewestShare))}
	defer func() { acct.used += sub.used }()
	if sub.limit <= 0 || !time.Now().Before(sub.deadline) {
		return best, false
	}
	// Room for the selectors and the totalizer's counters, so the solver
	// never grows (see cnf.solver).
	ss := newSATSessionWithRoom(r.s.m, r.s.m.sat, r.n*(len(drop)+3))
	g := ss.g
	on := ss.base.on
	clause := func(ls ...z.Lit) {
		g.Add(on.Not())
		for _, l := range ls {
			g.Add(l)
		}
		g.Add(0)
	}
	dropped := make([]z.Lit, r.n)
	for i := range dropped {
		kept := g.Lit()
		for _, u := range r.t.context[i].units {
			clause(kept.Not(), ss.base.lit[u.v][u.val])
		}
		dropped[i] = kept.Not()
	}
	atLeast := totalizer(g.Lit, clause, dropped, len(drop))
	r.s.useTexts(r.t.texts)
	for len(best) > 0 {
		// At most len(best)-1 dropped: "at least len(best)" is false.
		sol := ss.solveWith(r.t.units, nil, r.t.texts, r.s.poolTexts, sub, atLeast[len(best)-1].Not())
		if sol == nil {
			return best, !sub.out
		}
		var next []int
		for i := 0; i < r.n; i++ {
			if !r.agrees(i, sol) {
				next = append(next, i)
			}
		}
		best = next
	}
	return best, true
}

// totalizer encodes a unary count of the true literals among in, up to
// limit: out[j] is implied true when at least j+1 of them are (Bailleux and
// Boufkhad's totalizer, the upward half). New literals come from lit;
// clauses go to clause.
func totalizer(lit func() z.Lit, clause func(...z.Lit), in []z.Lit, limit int) []z.Lit {
	if len(in) <= 1 {
		return in
	}
	a := totalizer(lit, clause, in[:len(in)/2], limit)
	b := totalizer(lit, clause, in[len(in)/2:], limit)
	out := make([]z.Lit, min(len(a)+len(b), limit))
	for k := range out {
		out[k] = lit()
	}
	for i := 0; i <= len(a); i++ {
		for j := 0; j <= len(b); j++ {
			k := i + j
			if k == 0 || k > len(out) {
				continue
			}
			var ls []z.Lit
			if i > 0 {
				ls = append(ls, a[i-1].Not())
			}
			if j > 0 {
				ls = append(ls, b[j-1].Not())
			}
			clause(append(ls, out[k-1])...)
		}
	}
	return out
}
