package rules

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// maxFlips bounds the known solutions tried per value before a solver call.
const maxFlips = 48

// poolSize bounds the solutions a Session keeps for reuse.
const poolSize = 2048

// Session answers the questions of one user designing one product. It keeps
// the solutions it finds: a later question is mostly answered by a known
// solution instead of a search. A Session is not safe for concurrent use;
// the Model it comes from is.
type Session struct {
	m   *Model
	sat *satSession // every constraint on
	// workers are more solvers with every constraint on, for Domains to
	// search on several cores at once (made on first use).
	workers []*satSession
	// maxWorkers bounds the solvers used at once (SetWorkers; 0: no bound
	// but the machine's).
	maxWorkers int
	guarded    *satSession // constraints switched by assumptions; made on first use
	last       *satSession // the solver of the last call, for its conflict (Why)
	pool       [][]int32
	// poolNext is the oldest pooled solution's index once the pool is full.
	poolNext int
	// poolTexts are the texts the pooled solutions were found with: a
	// solution holds under other texts only by chance, so the pool is
	// emptied when they change.
	poolTexts string
	// dead holds, per value, decision sets proven to exclude it (the
	// solver's conflict when it found no solution with the value): while
	// the decisions include one of them the value stays unavailable, with
	// no solver call. A click walk adds decisions, so nearly every value
	// that died on an earlier click is answered from here.
	dead map[unit][][]unit
	// seeded: the session started from the model's shared knowledge.
	seeded bool
	// minPool: the pool keeps at least this many solutions (twice the
	// witnesses it was seeded with, so they all fit and stay a while).
	minPool int
	// Unsolved counts the solver calls that found no configuration (or
	// gave up), of the Nodes (for benchmarks).
	Unsolved int
	// Nodes counts search nodes since the session began (for benchmarks).
	Nodes int
	// ctx, limit, acct and depth bound each question's work (budget.go).
	ctx       context.Context
	limit     int
	timeLimit time.Duration
	acct      *budget
	depth     int
	// completed is the last completion Complete found, by its decisions
	// (Decisions.String): what the user sees, which repairs compare with.
	completed struct {
		key    string
		values map[string]catalog.Value
	}
}

// deadCores bounds the conflicts kept per value.
const deadCores = 4

// knownDead reports whether a kept conflict of (v, x) lies within the
// context: has reports whether a unit is part of it.
func (s *Session) knownDead(v int, x int32, has func(unit) bool) bool {
next:
	for _, core := range s.dead[unit{v, x}] {
		for _, u := range core {
			if !has(u) {
				continue next
			}
		}
		return true
	}
	return false
}

// noteDead keeps a conflict proven for (v, x), newest first.
func (s *Session) noteDead(v int, x int32, core []unit) {
	if s.dead == nil {
		s.dead = map[unit][][]unit{}
	}
	k := unit{v, x}
	cs := append([][]unit{core}, s.dead[k]...)
	if len(cs) > deadCores {
		cs = cs[:deadCores]
	}
	s.dead[k] = cs
}

// NewSession starts a session on the model.
func (m *Model) NewSession() *Session {
	s := &Session{m: m, sat: newSATSession(m, m.sat)}
	m.seed(s)
	return s
}

// solveUnits asks the solver for a solution with units fixed (and the
// constraints marked off left out), remembering it.
func (s *Session) solveUnits(units []unit, off []bool, texts map[string]string) []int32 {
	s.useTexts(texts)
	s.Nodes++
	if s.exhausted() {
		return nil
	}
	ss := s.sat
	if off != nil {
		if s.guarded == nil {
			s.guarded = newSATSession(s.m, s.m.guardedSAT())
		}
		ss = s.guarded
	}
	s.last = ss
	sol := ss.solve(units, off, texts, s.poolTexts, s.account())
	if sol != nil && off == nil {
		s.remember(sol)
	}
	if sol == nil {
		s.Unsolved++
	}
	return sol
}

// Model returns the session's model.
func (s *Session) Model() *Model { return s.m }

// useTexts empties the pool when the texts differ from its own.
func (s *Session) useTexts(texts map[string]string) {
	key := ""
	for _, f := range s.m.texts {
		if t, ok := texts[f.ID]; ok {
			key += f.ID + "\x00" + t + "\x00"
		}
	}
	if key != s.poolTexts {
		s.pool, s.poolNext = nil, 0
		s.dead = nil // conflicts may have used rules on texts
		s.poolTexts = key
	}
}

func (s *Session) remember(sol []int32) {
	if len(s.pool) < max(poolSize, s.minPool) {
		s.pool = append(s.pool, sol)
		return
	}
	s.pool[s.poolNext] = sol // the oldest goes
	s.poolNext = (s.poolNext + 1) % len(s.pool)
}

// Range is an inclusive range of allowed values on a number feature's grid.
type Range struct{ Min, Max decimal.Decimal }

// FeatureDomain is what remains possible for one feature.
type FeatureDomain struct {
	Feature *catalog.Feature
	// Available, for choice and multi features, says per option (in the
	// feature's order) whether choosing it still leads to a valid
	// configuration. For a multi feature: whether it can be added to (or
	// kept in) the current selection.
	Available []bool
	// Impossible, for choice and multi features, says per option whether
	// no configuration of the product has it at all, whatever the
	// decisions (so that an unavailable option is not blamed on them).
	// Nil when not known: before the model's sessions answered with no
	// decisions, or when rules read texts.
	Impossible []bool
	// Allowed, for number features, lists the allowed values as ranges on
	// the feature's grid.
	Allowed []Range
	allowed bitset
}

// AllowsNumber reports whether a number feature's value is allowed.
func (fd *FeatureDomain) AllowsNumber(x decimal.Decimal) bool {
	f := fd.Feature
	if fd.allowed == nil || f.CheckNumber(x) != nil {
		return false
	}
	return fd.allowed.has(int32(x.Sub(f.Min).Div(f.Step).IntPart()))
}

// Domains is the answer to "what can I still choose?".
type Domains struct {
	// Consistent: the decisions themselves admit a valid configuration.
	Consistent bool
	Features   []*FeatureDomain
	byID       map[string]*FeatureDomain
}

// Feature returns the domain of one feature.
func (d *Domains) Feature(id string) *FeatureDomain { return d.byID[id] }

// Domains computes, for every feature, the values that lead to at least one
// valid complete configuration together with all the other decisions (a
// feature's own decision is set aside for its own options). The answer is
// exact: complete and backtrack-free.
func (s *Session) Domains(dec Decisions) (*Domains, error) {
	s.begin()
	defer s.end()
	m := s.m
	items, texts, err := m.items(dec)
	if err != nil {
		return nil, err
	}
	s.useTexts(texts)
	// Every decision unit, and which variable it fixes.
	var units []unit
	unitOf := make([]int, len(m.vars)) // index into units, or -1
	for i := range unitOf {
		unitOf[i] = -1
	}
	for _, it := range items {
		for _, u := range it.units {
			unitOf[u.v] = len(units)
			units = append(units, u)
		}
	}
	// supported[v] holds the values of v known to be part of a solution in
	// v's context (all units but v's own).
	supported := m.emptySets()
	consistent := false
	var agreeing [][]int32 // known solutions that agree with every decision
	// With no decisions, what is found is shared with the model's other
	// sessions (shared.go): the first solution to support each value.
	publish := len(units) == 0 && s.poolTexts == "" && !s.seeded
	var witnesses [][]int32
	note := func(sol []int32) {
		var broken []int
		for i, u := range units {
			if sol[u.v] != u.val {
				broken = append(broken, i)
				if len(broken) > 1 {
					return
				}
			}
		}
		switch len(broken) {
		case 0:
			consistent = true
			agreeing = append(agreeing, sol)
			fresh := false
			for v := range m.vars {
				if !supported[v].has(sol[v]) {
					supported[v].set(sol[v])
					fresh = true
				}
			}
			if fresh && publish {
				witnesses = append(witnesses, sol)
			}
		case 1:
			v := units[broken[0]].v
			supported[v].set(sol[v])
		}
	}
	for _, sol := range s.pool {
		note(sol)
	}
	// Known solutions that disagree with the decisions are often one
	// change away: set the decided values and check only the constraints
	// on what changed. Every solution patched this way answers questions
	// without a solver call.
	patched := 0
	seen := make([]bool, len(m.cons))
	for _, sol := range s.pool {
		if p := m.patch(sol, units, texts, seen); p != nil {
			note(p)
			patched++
		}
	}
	// The values a question asks about: every value of a choice or number
	// variable, the "chosen" value of an option variable.
	wanted := func(v int) []int32 {
		if m.vars[v].kind == optionVar {
			return []int32{1}
		}
		out := make([]int32, m.vars[v].size)
		for i := range out {
			out[i] = int32(i)
		}
		return out
	}
	base := m.stateFor(items, texts, nil)
	// search asks the solver for a solution with (v, x) in a context. When
	// there is none, the decisions in the solver's conflict are kept as the
	// reason (see knownDead), so the next questions skip the call.
	search := func(ctx []unit, v int, x int32) bool {
		sol := s.solveUnits(append(slices.Clone(ctx), unit{v, x}), nil, texts)
		if sol != nil {
			note(sol)
			return true
		}
		if s.exhausted() {
			return false // not known: the question fails below
		}
		if why, keep := s.last.conflictReason(ctx, s.poolTexts); keep {
			s.noteDead(v, x, why)
		}
		return false
	}
	if !consistent && base != nil {
		if sol := s.solveUnits(units, nil, texts); sol != nil {
			note(sol)
		}
	}
	// flip looks for a known solution that stays one when v alone changes
	// to x: only the constraints on v need checking, no solver call.
	flip := func(v int, x int32) bool {
		tried := 0
		for i := len(agreeing) - 1; i >= 0 && tried < maxFlips; i-- {
			tried++
			a := agreeing[i]
			was := a[v]
			a[v] = x // checked in place, then put back
			ok := true
			for _, ci := range m.watch[v] {
				if !m.cons[ci].holds(a, texts) {
					ok = false
					break
				}
			}
			a[v] = was
			if ok {
				p := slices.Clone(a)
				p[v] = x
				s.remember(p)
				note(p)
				return true
			}
		}
		return false
	}
	// localFix looks for a local change of the newest agreeing solution that
	// takes (v, x) (see local).
	fixed := make([]bool, len(m.vars))
	for _, u := range units {
		fixed[u.v] = true
	}
	proved := make([]bool, len(m.vars)) // a value of v was proved impossible in this call
	workers := s.workerCount()
	var pending []pendingValue
	localFix := func(v int, x int32) bool {
		if len(agreeing) == 0 {
			return false
		}
		// Once a value of a number's grid proved impossible (its local
		// repairs failed first), its other values get one try each: a click
		// that narrows a range kills runs of grid values, where failing
		// repairs cost more than the solver's proofs (a click on the
		// structured product proved 165 widths impossible: 280 ms with eight
		// tries each, 54 ms with one).
		tries := localTries
		if proved[v] && m.vars[v].kind == numberVar {
			tries = 1
		}
		p := m.localFrom(agreeing[max(0, len(agreeing)-tries):], fixed, v, x, texts)
		if p == nil {
			return false
		}
		s.remember(p)
		note(p)
		return true
	}
	available := make([]bitset, len(m.vars))
	open := map[*catalog.Feature]bool{} // features not settled when the work ran out
	for v := range m.vars {
		available[v] = make(bitset, len(supported[v]))
		if m.vars[v].kind == auxVar {
			continue // not a feature: nobody asks
		}
		ctxUnits := units
		pruned := func(x int32) bool { return base == nil || !base.dom[v].has(x) }
		if unitOf[v] >= 0 {
			// A decided variable: its context leaves its own unit out. (No
			// propagation for it: rebuilding a state per decided variable
			// costs more than the few solver calls it would save.)
			ctxUnits = nil
			for i, u := range units {
				if i != unitOf[v] {
					ctxUnits = append(ctxUnits, u)
				}
			}
			pruned = func(int32) bool { return false }
		}
		inCtx := func(u unit) bool {
			i := unitOf[u.v]
			return i >= 0 && units[i].val == u.val && u.v != v
		}
		if s.exhausted() {
			open[m.vars[v].feature] = true
			continue
		}
		for _, x := range wanted(v) {
			switch {
			case supported[v].has(x):
				available[v].set(x)
			case pruned(x):
				// pruned by propagation: no solution
			case s.knownDead(v, x, inCtx):
				// a conflict found on an earlier question still holds
			case flip(v, x):
				available[v].set(x)
			case workers > 1:
				// Repaired locally or searched below, on all the workers
				// at once.
				pending = append(pending, pendingValue{v, x, ctxUnits, inCtx})
			case localFix(v, x):
				available[v].set(x)
			case search(ctxUnits, v, x):
				available[v].set(x)
			default:
				proved[v] = true
			}
		}
		if s.exhausted() {
			open[m.vars[v].feature] = true
		}
	}
	if len(pending) > 0 {
		// The values no known configuration supports, searched on several
		// solvers at once (each its own learned clauses); what one finds
		// is shared at once, so a value another found a configuration for
		// meanwhile costs no call. Same answers as one by one: every value
		// is either supported by a configuration or proved impossible.
		var mu sync.Mutex
		next := 0
		work := func(ss *satSession) {
			fixed := slices.Clone(fixed) // the worker's own: local changes it
			for {
				mu.Lock()
				if next >= len(pending) || s.exhausted() {
					mu.Unlock()
					return
				}
				p := pending[next]
				next++
				if supported[p.v].has(p.x) || flip(p.v, p.x) {
					available[p.v].set(p.x)
					mu.Unlock()
					continue
				}
				if s.knownDead(p.v, p.x, p.inCtx) {
					mu.Unlock()
					continue
				}
				// A local change of the newest configurations, as above, on
				// copies made under the lock (flip changes them in place).
				var starts [][]int32
				for _, a := range agreeing[max(0, len(agreeing)-localTries):] {
					starts = append(starts, slices.Clone(a))
				}
				mu.Unlock()
				if found := m.localFrom(starts, fixed, p.v, p.x, texts); found != nil {
					mu.Lock()
					s.remember(found)
					note(found)
					available[p.v].set(p.x)
					mu.Unlock()
					continue
				}
				mu.Lock()
				s.Nodes++
				mu.Unlock()
				sol := ss.solve(append(slices.Clone(p.ctx), unit{p.v, p.x}), nil, texts, s.poolTexts, s.account())
				var why []unit
				dead := false
				if sol == nil && !s.exhausted() {
					why, dead = ss.conflictReason(p.ctx, s.poolTexts)
				}
				mu.Lock()
				if sol != nil {
					s.remember(sol)
					note(sol)
					available[p.v].set(p.x)
				} else {
					s.Unsolved++
					if dead {
						s.noteDead(p.v, p.x, why)
					}
				}
				mu.Unlock()
			}
		}
		solvers := s.workerSolvers(workers)
		var wg sync.WaitGroup
		for _, ss := range solvers[1:] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(ss)
			}()
		}
		work(solvers[0])
		wg.Wait()
		if s.exhausted() {
			for _, p := range pending[min(next, len(pending)):] {
				open[m.vars[p.v].feature] = true
			}
			for _, p := range pending[:min(next, len(pending))] {
				if !available[p.v].has(p.x) {
					open[m.vars[p.v].feature] = true // perhaps only cut short
				}
			}
		}
	}
	if s.exhausted() {
		asked := 0
		for _, f := range m.Product.Features {
			if f.Kind != catalog.Textual {
				asked++
			}
		}
		return nil, s.tooHard("working out which options remain possible",
			fmt.Sprintf("the options of %d of %d features", asked-len(open), asked), fmt.Sprintf("the other %d features", len(open)))
	}
	if publish {
		m.publishRoot(witnesses, s.dead)
	}
	if len(units) == 0 && s.poolTexts == "" {
		m.noteRoot(available)
	}
	never := m.impossible()
	out := &Domains{Consistent: consistent, byID: map[string]*FeatureDomain{}}
	for _, f := range m.Product.Features {
		fd := &FeatureDomain{Feature: f}
		vars := m.byFeature[f.ID]
		switch f.Kind {
		case catalog.Choice:
			for i := range f.Options {
				fd.Available = append(fd.Available, available[vars[0]].has(int32(i)))
				if never != nil {
					fd.Impossible = append(fd.Impossible, !never[vars[0]].has(int32(i)))
				}
			}
		case catalog.Multi:
			for i := range f.Options {
				fd.Available = append(fd.Available, available[vars[i]].has(1))
				if never != nil {
					fd.Impossible = append(fd.Impossible, !never[vars[i]].has(1))
				}
			}
		case catalog.Number:
			fd.allowed = available[vars[0]]
			fd.Allowed = ranges(m.vars[vars[0]].nums, fd.allowed)
		}
		out.Features = append(out.Features, fd)
		out.byID[f.ID] = fd
	}
	return out, nil
}

// ranges turns a set of grid indices into runs of consecutive values.
func ranges(nums []decimal.Decimal, set bitset) []Range {
	var out []Range
	start := -1
	for i := 0; i <= len(nums); i++ {
		in := i < len(nums) && set.has(int32(i))
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, Range{nums[start], nums[i-1]})
			start = -1
		}
	}
	return out
}

// localMaxSize: neighbours with more values than this keep their value in a
// local repair.
const localMaxSize = 64

// localTries is how many known solutions (the newest) a local repair may
// start from.
const localTries = 8

// localBudget bounds the search nodes of one local repair.
const localBudget = 64

// localFrom is local from each of starts, newest (last) first, with v
// itself free; fixed is restored before it returns.
func (m *Model) localFrom(starts [][]int32, fixed []bool, v int, x int32, texts map[string]string) []int32 {
	own := fixed[v]
	fixed[v] = false
	defer func() { fixed[v] = own }()
	for i := len(starts) - 1; i >= 0; i-- {
		if p := m.local(starts[i], fixed, v, x, texts); p != nil {
			return p
		}
	}
	return nil
}

// local looks for a solution with v = x that differs from sol (a solution
// agreeing with the context) only in v and its neighbours not fixed by the
// context: a small search, with no solver call. After a click most values
// that lost their support need only such a local change.
func (m *Model) local(sol []int32, fixed []bool, v int, x int32, texts map[string]string) []int32 {
	st := &state{m: m, dom: make([]bitset, len(m.vars)), texts: texts, nodes: new(int), budget: localBudget}
	words := 0
	for w := range m.vars {
		words += (m.vars[w].size + 63) / 64
	}
	buf := make([]uint64, words)
	for w := range m.vars {
		n := (m.vars[w].size + 63) / 64
		st.dom[w] = buf[:n:n]
		buf = buf[n:]
		st.dom[w].set(sol[w])
	}
	st.dom[v].clear(sol[v])
	st.dom[v].set(x)
	queue := slices.Clone(m.watch[v])
	for _, w := range m.nbr[v] {
		if fixed[w] || (m.vars[w].kind == numberVar && m.vars[w].size > localMaxSize) {
			continue // a number's grid stays: opening it costs more than it finds
		}
		for a := 0; a < m.vars[w].size; a++ {
			st.dom[w].set(int32(a))
		}
		queue = append(queue, m.watch[w]...)
	}
	slices.Sort(queue)
	if !st.propagate(slices.Compact(queue)) {
		return nil
	}
	return st.solve(sol)
}

// patch returns sol with the units' values set, if that is still a solution
// (texts as given), or nil. Only the constraints on changed variables are
// checked. seen is scratch space, one flag per constraint, all false.
func (m *Model) patch(sol []int32, units []unit, texts map[string]string, seen []bool) []int32 {
	var changed []unit // the units sol disagrees with, with sol's own values
	for _, u := range units {
		if sol[u.v] != u.val {
			changed = append(changed, unit{u.v, sol[u.v]})
		}
	}
	if len(changed) == 0 {
		return nil // already agrees: note() has counted it
	}
	// Check in place, then put sol back as it was.
	for _, u := range units {
		sol[u.v] = u.val
	}
	var touched []int
	ok := true
check:
	for _, c := range changed {
		for _, ci := range m.watch[c.v] {
			if seen[ci] {
				continue
			}
			seen[ci] = true
			touched = append(touched, ci)
			if !m.cons[ci].holds(sol, texts) {
				ok = false
				break check
			}
		}
	}
	for _, ci := range touched {
		seen[ci] = false
	}
	var p []int32
	if ok {
		p = slices.Clone(sol)
	}
	for _, c := range changed {
		sol[c.v] = c.val
	}
	return p
}

// pendingValue is a value Domains searches a configuration for, in the
// context of the other decisions (ctx; inCtx tells a unit of it).
type pendingValue struct {
	v     int
	x     int32
	ctx   []unit
	inCtx func(unit) bool
}

// parallelVars is the smallest encoding (solver variables) whose Domains
// searches values on several solvers at once: below it a call is so cheap
// that the hand-offs would cost more than they save (and the search stays
// exactly reproducible, unit of work for unit of work, as the budget tests
// of small hard products expect). (A variable for tests.)
var parallelVars = 4096

// maxWorkers bounds the solvers one session searches on at once (each holds
// a copy of the clauses: about 3 MB on a 270-feature table-heavy line).
const maxWorkers = 4

// workerCount is how many solvers Domains may use at once.
func (s *Session) workerCount() int {
	if s.m.sat.g.vars < parallelVars {
		return 1
	}
	n := min(runtime.GOMAXPROCS(0), maxWorkers)
	if s.maxWorkers > 0 {
		n = min(n, s.maxWorkers)
	}
	return n
}

// SetWorkers bounds the solvers the session's questions use at once (0:
// as many as the machine has cores, up to maxWorkers, on large products).
// Each costs a copy of the clauses and what it learns.
func (s *Session) SetWorkers(n int) { s.maxWorkers = n }

// workerSolvers returns n solvers: the session's own first, then the
// session's helpers (made on first use and kept, with what they learn).
func (s *Session) workerSolvers(n int) []*satSession {
	for len(s.workers) < n-1 {
		s.workers = append(s.workers, newSATSession(s.m, s.m.sat))
	}
	return append([]*satSession{s.sat}, s.workers[:n-1]...)
}
