package rules

import (
	"math"

	"github.com/go-air/gini"
	"github.com/go-air/gini/z"
)

// The model is also compiled to propositional clauses for a CDCL SAT solver
// (go-air/gini): every question "is there a configuration with ...?" is one
// solver call under assumptions. Conflict-driven learning is what keeps
// loosely structured products from thrashing: a plain backtracking search
// rediscovers the same dead end in every branch, the solver learns it once
// and keeps it for the rest of the session.
//
// Encoding: a variable with two values is one boolean; a larger domain has a
// boolean per value, with "at least one" and "at most one" (pairwise for
// small domains, the product encoding for large ones). A table constraint
// becomes one clause per forbidden tuple when those are few, else a boolean
// per row (table.go) or allowed tuple with support clauses (which keeps unit
// propagation as strong as arc consistency). Every constraint's clauses carry an activation
// literal, so that explanations can switch rules off. Constraints without a
// table (rules on texts, or conditions too wide to tabulate) are checked on
// each model and excluded tuple by tuple as they are met (lazily), under a
// literal standing for the current texts.
type satBase struct {
	g   *cnf
	lit [][]z.Lit // lit[v][a]: variable v takes value a
	act []z.Lit   // per constraint: its clauses hold when act is true
	// lazy lists the constraints checked on models.
	lazy []int
	// on is assumed true in every call; every clause holds only under it.
	on z.Lit
}

// forbiddenClauseLimit: a table with at most this many forbidden tuples is
// written as one clause per forbidden tuple, which adds no variables. (Each
// solver call assigns every variable, so a boolean per allowed tuple, though
// it propagates better, made calls several times slower on generated
// products with 3-feature tables.)
var forbiddenClauseLimit = 4096

// pairwiseLimit is the largest domain whose "at most one" is pairwise.
const pairwiseLimit = 16

// atMostOne writes "at most one of ls": pairwise for a few literals, else
// the product encoding (Chen): literal i sits in row i/q and column i%q of
// a grid, implies its row's and its column's boolean, and at most one row
// and one column may hold (recursively). A domain of 250 values costs 32
// extra variables (a sequential counter: 249), and unit propagation is as
// strong: one value taken rules out all others. Every solver call assigns
// every variable, so fewer variables make every call cheaper.
func atMostOne(g *cnf, ls []z.Lit, clause func(...z.Lit)) {
	n := len(ls)
	if n <= pairwiseLimit {
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				clause(ls[a].Not(), ls[b].Not())
			}
		}
		return
	}
	p := int(math.Ceil(math.Sqrt(float64(n))))
	q := (n + p - 1) / p
	rows := make([]z.Lit, p)
	cols := make([]z.Lit, q)
	for i := range rows {
		rows[i] = g.Lit()
	}
	for i := range cols {
		cols[i] = g.Lit()
	}
	for i, l := range ls {
		clause(l.Not(), rows[i/q])
		clause(l.Not(), cols[i%q])
	}
	atMostOne(g, rows, clause)
	atMostOne(g, cols, clause)
}

func (m *Model) compileSAT() {
	m.sat = m.buildSAT(false)
	m.satGuarded = nil // built on first use: only explanations need it
}

// buildSAT encodes the model. guarded: every constraint's clauses carry an
// activation literal (for explanations that switch rules off); otherwise the
// constraints hold unconditionally, which is what nearly every question
// needs and much cheaper to solve than assuming hundreds of activation
// literals on every call.
func (m *Model) buildSAT(guarded bool) *satBase {
	g := &cnf{}
	sb := &satBase{g: g, lit: make([][]z.Lit, len(m.vars)), act: make([]z.Lit, len(m.cons))}
	// Every clause also carries "not on", and on is assumed in every call:
	// no clause is ever a unit at level 0. (gini v1.0.4's Copy loses level-0
	// units, which made copied solvers return models that break them.)
	sb.on = g.Lit()
	clause := func(ls ...z.Lit) {
		g.Add(sb.on.Not())
		for _, l := range ls {
			if l != z.LitNull {
				g.Add(l)
			}
		}
		g.Add(0)
	}
	for v, x := range m.vars {
		if x.size == 2 {
			b := g.Lit()
			sb.lit[v] = []z.Lit{b.Not(), b}
			continue
		}
		ls := make([]z.Lit, x.size)
		for a := range ls {
			ls[a] = g.Lit()
		}
		sb.lit[v] = ls
		clause(ls...) // at least one
		atMostOne(g, ls, clause)
	}
	for ci := range m.cons {
		c := &m.cons[ci]
		guard := z.LitNull
		if guarded {
			act := g.Lit()
			sb.act[ci] = act
			guard = act.Not()
		}
		switch {
		case c.table != nil:
			m.encodeTable(sb, c, guard, clause)
		case c.tab != nil:
			m.encodeRows(sb, c, guard, clause)
		default:
			sb.lazy = append(sb.lazy, ci)
		}
	}
	if !guarded {
		sb.act = nil
	}
	return sb
}

// encodeTable writes a table constraint's clauses, each with guard (the
// negated activation literal, or z.LitNull for none).
func (m *Model) encodeTable(sb *satBase, c *constraint, guard z.Lit, clause func(...z.Lit)) {
	k := len(c.scope)
	total := 1
	for _, v := range c.scope {
		total *= m.vars[v].size
	}
	allowed := len(c.table) / max(k, 1)
	if k == 0 {
		if allowed == 0 {
			clause(guard) // with no guard: the empty clause, no solution at all
		}
		return
	}
	if total-allowed <= forbiddenClauseLimit || total-allowed <= 2*allowed+16 {
		// One clause per forbidden tuple.
		forbidden := func(idx int, t []int32) bool {
			if c.allowed != nil {
				return !c.allowed.has(int32(idx))
			}
			return !c.holdsTuple(t, nil)
		}
		t := make([]int32, k)
		for idx := 0; ; idx++ {
			if forbidden(idx, t) {
				ls := []z.Lit{guard}
				for i, v := range c.scope {
					ls = append(ls, sb.lit[v][t[i]].Not())
				}
				clause(ls...)
			}
			if !m.nextTuple(t, c.scope) {
				return
			}
		}
	}
	if c.tab != nil && c.tab.n() < allowed {
		// A table rule listing fewer rows than the combinations they allow.
		m.encodeRows(sb, c, guard, clause)
		return
	}
	// A boolean per allowed tuple.
	tup := make([]z.Lit, allowed)
	for j := range tup {
		tup[j] = sb.g.Lit()
	}
	clause(append([]z.Lit{guard}, tup...)...)
	supports := make([]map[int32][]z.Lit, k)
	for i := range supports {
		supports[i] = map[int32][]z.Lit{}
	}
	back := []z.Lit{}
	for j := 0; j < allowed; j++ {
		row := c.table[j*k : j*k+k]
		back = append(back[:0], tup[j])
		for i, v := range c.scope {
			clause(tup[j].Not(), sb.lit[v][row[i]])
			supports[i][row[i]] = append(supports[i][row[i]], tup[j])
			back = append(back, sb.lit[v][row[i]].Not())
		}
		clause(back...) // the tuple holds once its values do (never guessed)
	}
	for i, v := range c.scope {
		for a := 0; a < m.vars[v].size; a++ {
			ls := append([]z.Lit{guard, sb.lit[v][a].Not()}, supports[i][int32(a)]...)
			clause(ls...)
		}
	}
}

// satSession is a session's own copy of a solver: clauses it learns, and
// tuples it excludes lazily, stay for the session's later questions.
type satSession struct {
	m     *Model
	base  *satBase
	g     *gini.Gini
	texts map[string]z.Lit // a literal per texts signature seen, for lazy exclusions
}

func newSATSession(m *Model, base *satBase) *satSession {
	return newSATSessionWithRoom(m, base, 0)
}

// newSATSessionWithRoom is newSATSession with room for extra variables a
// caller adds (see cnf.solver).
func newSATSessionWithRoom(m *Model, base *satBase, extra int) *satSession {
	return &satSession{m: m, base: base, g: base.g.solver(extra), texts: map[string]z.Lit{}}
}

// cnf records the model's clauses once, so that every session can load
// them into a solver of its own. (A fresh solver, not gini's Copy: in gini
// v1.0.4 a copied solver loses its activity decay parameters, so its
// branching heuristic divides by zero on the first conflict and from then
// on rescales every variable's activity at every bump; a hard question on a
// copied solver ran 20 times slower. Copy also lost level-0 units.)
type cnf struct {
	vars int
	lits []z.Lit // clauses, each ended by z.LitNull
}

// Lit is a new variable's positive literal.
func (c *cnf) Lit() z.Lit {
	c.vars++
	return z.Var(c.vars).Pos()
}

// Add adds a literal to the clause being written; z.LitNull ends it.
func (c *cnf) Add(l z.Lit) { c.lits = append(c.lits, l) }

// textsHeadroom is how many variables a session's solver has room for
// beyond the model's own: one per texts signature the session meets.
const textsHeadroom = 256

// solver is a new solver holding the clauses, with room for textsHeadroom
// and extra more variables. (gini v1.0.4 must never grow: growing puts every variable
// up to the new capacity, used or not, into its branching heap, so that
// each descent of the search then guesses tens of thousands of variables
// that appear in no clause.)
func (c *cnf) solver(extra int) *gini.Gini {
	g := gini.NewVc(c.vars+textsHeadroom+extra+1, len(c.lits)/3+1)
	for i := 0; i < c.vars; i++ {
		g.Lit()
	}
	for _, l := range c.lits {
		g.Add(l)
	}
	// With activation in use, gini checks a model against every clause
	// only after clauses were added, not after every call (a tenth of a
	// call's time on table-heavy products). The literal itself is unused.
	g.ActivationLit()
	return g
}

// textsLit is the literal standing for a texts signature (z.LitNull when
// none was used yet).
func (ss *satSession) textsLit(key string) z.Lit {
	if l, ok := ss.texts[key]; ok {
		return l
	}
	return z.LitNull
}

// solve looks for a solution with the given units fixed, the constraints
// marked off left out, and texts as given. It returns the solution or nil.
// It also returns nil when the budget b (nil: none) runs out; b then says so.
func (ss *satSession) solve(units []unit, off []bool, texts map[string]string, textsKey string, b *budget) []int32 {
	return ss.solveWith(units, off, texts, textsKey, b)
}

// solveWith is solve with extra literals assumed.
func (ss *satSession) solveWith(units []unit, off []bool, texts map[string]string, textsKey string, b *budget, extra ...z.Lit) []int32 {
	sb := ss.base
	tl, ok := ss.texts[textsKey]
	if !ok {
		if int(ss.g.MaxVar()) >= sb.g.vars+textsHeadroom {
			// Out of room for another texts literal: start over with a
			// fresh solver rather than let gini grow (see cnf).
			ss.g = sb.g.solver(0)
			clear(ss.texts)
		}
		tl = ss.g.Lit()
		ss.texts[textsKey] = tl
	}
	g := ss.g
	for {
		assume := make([]z.Lit, 0, len(units)+len(sb.act)+1)
		for _, u := range units {
			assume = append(assume, sb.lit[u.v][u.val])
		}
		for ci, a := range sb.act {
			if off == nil || !off[ci] {
				assume = append(assume, a)
			}
		}
		assume = append(assume, tl, sb.on)
		assume = append(assume, extra...)
		if run(g, b, assume) != 1 {
			return nil
		}
		sol := make([]int32, len(ss.m.vars))
		for v, ls := range sb.lit {
			for a, l := range ls {
				if g.Value(l) {
					sol[v] = int32(a)
					break
				}
			}
		}
		// Constraints checked on models: exclude a violated tuple and retry.
		clean := true
		for _, ci := range sb.lazy {
			if off != nil && off[ci] {
				continue
			}
			c := &ss.m.cons[ci]
			t := make([]int32, len(c.scope))
			for i, v := range c.scope {
				t[i] = sol[v]
			}
			if c.check(t, texts) {
				continue
			}
			clean = false
			g.Add(sb.on.Not())
			if sb.act != nil {
				g.Add(sb.act[ci].Not())
			}
			if c.readsText {
				g.Add(tl.Not())
			}
			for i, v := range c.scope {
				g.Add(sb.lit[v][t[i]].Not())
			}
			g.Add(0)
		}
		if clean {
			return sol
		}
	}
}

// run solves under the assumptions, spending one unit of b for the call
// and the model's roundWork for every round of the solver's propagations
// (it pauses at each of its ticks, every 20,000 propagations, and is
// stopped there when b runs out or its context ends). It returns 1 (a
// solution), -1 (none) or 0 (gave up). With b nil it solves to the end.
// The assumptions are made only once the call may go on: made and not
// solved, gini keeps them for its next call, which then answered "none" to
// the next question.
func run(g *gini.Gini, b *budget, assume []z.Lit) int {
	if b == nil {
		g.Assume(assume...)
		return g.Solve()
	}
	if !b.spend(1) {
		return 0
	}
	g.Assume(assume...)
	sv := g.GoSolve()
	for {
		res, paused := sv.Pause()
		if !paused {
			return res
		}
		if !b.spend(max(b.round, 1)) {
			sv.Unpause()
			return sv.Stop()
		}
		sv.Unpause()
	}
}

// conflictReason gives, after a call that found no solution, the units of
// ctx in the solver's conflict (the decisions that rule the value out), and
// whether that reason may be kept: not when the conflict used the texts'
// literal (it may hold only for these texts).
func (ss *satSession) conflictReason(ctx []unit, textsKey string) (why []unit, keep bool) {
	core := map[z.Lit]bool{}
	for _, l := range ss.g.Why(nil) {
		core[l] = true
	}
	if core[ss.textsLit(textsKey)] {
		return nil, false
	}
	for _, u := range ctx {
		if core[ss.base.lit[u.v][u.val]] {
			why = append(why, u)
		}
	}
	return why, true
}
