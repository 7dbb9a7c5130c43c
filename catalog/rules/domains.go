package rules

import (
	"slices"

	"github.com/go-air/gini/z"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// softRounds bounds the solver calls spent per search on asking for extra
// unsupported values.
var softRounds = 1

// maxFlips bounds the known solutions tried per value before a solver call.
const maxFlips = 48

// poolSize bounds the solutions a Session keeps for reuse.
const poolSize = 2048

// Session answers the questions of one user designing one product. It keeps
// the solutions it finds: a later question is mostly answered by a known
// solution instead of a search. A Session is not safe for concurrent use;
// the Model it comes from is.
type Session struct {
	m       *Model
	sat     *satSession // every constraint on
	guarded *satSession // constraints switched by assumptions; made on first use
	last    *satSession // the solver of the last call, for its conflict (Why)
	pool    [][]int32
	// poolTexts are the texts the pooled solutions were found with: a
	// solution holds under other texts only by chance, so the pool is
	// emptied when they change.
	poolTexts string
	// Nodes counts search nodes since the session began (for benchmarks).
	Nodes int
}

// NewSession starts a session on the model.
func (m *Model) NewSession() *Session { return &Session{m: m, sat: newSATSession(m, m.sat)} }

// solveUnits asks the solver for a solution with units fixed (and the
// constraints marked off left out), remembering it.
func (s *Session) solveUnits(units []unit, off []bool, texts map[string]string) []int32 {
	s.useTexts(texts)
	s.Nodes++
	ss := s.sat
	if off != nil {
		if s.guarded == nil {
			s.guarded = newSATSession(s.m, s.m.guardedSAT())
		}
		ss = s.guarded
	}
	s.last = ss
	sol := ss.solve(units, off, texts, s.poolTexts)
	if sol != nil && off == nil {
		s.remember(sol)
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
		s.pool = nil
		s.poolTexts = key
	}
}

func (s *Session) remember(sol []int32) {
	if len(s.pool) >= poolSize {
		copy(s.pool, s.pool[1:])
		s.pool = s.pool[:len(s.pool)-1]
	}
	s.pool = append(s.pool, sol)
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
	supported := make([]bitset, len(m.vars))
	for v := range m.vars {
		supported[v] = make(bitset, (m.vars[v].size+63)/64)
	}
	consistent := false
	var agreeing [][]int32 // known solutions that agree with every decision
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
			for v := range m.vars {
				supported[v].set(sol[v])
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
	for _, sol := range s.pool {
		if p := m.patch(sol, units, texts); p != nil {
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
	// search asks for a solution with (v, x) in a context. To make each
	// solver call answer many questions, it also asks, softly, for values no
	// solution supports yet: those in the solver's conflict are given up and
	// the call repeated, so one solution usually covers dozens of values.
	search := func(ctx []unit, v int, x int32) bool {
		hard := append(slices.Clone(ctx), unit{v, x})
		fixed := make([]bool, len(m.vars))
		for _, u := range hard {
			fixed[u.v] = true
		}
		var soft []unit
		for w := range m.vars {
			if fixed[w] || m.vars[w].kind == auxVar || (base != nil && base.dom[w].count() <= 1) {
				continue
			}
			for a := int32(0); int(a) < m.vars[w].size; a++ {
				if !supported[w].has(a) && (base == nil || base.dom[w].has(a)) && (m.vars[w].kind != optionVar || a == 1) {
					soft = append(soft, unit{w, a})
					break
				}
			}
		}
		for round := 0; ; round++ {
			if round == softRounds {
				soft = nil // conflicts everywhere: stop asking for extras
			}
			sol := s.solveUnits(append(slices.Clone(hard), soft...), nil, texts)
			if sol != nil {
				note(sol)
				return true
			}
			if len(soft) == 0 {
				return false
			}
			core := map[z.Lit]bool{}
			for _, l := range s.last.g.Why(nil) {
				core[l] = true
			}
			kept := soft[:0]
			for _, u := range soft {
				if !core[s.last.base.lit[u.v][u.val]] {
					kept = append(kept, u)
				}
			}
			if len(kept) == len(soft) {
				kept = nil // the hard part alone is in conflict: check it plainly
			}
			soft = kept
		}
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
			p := slices.Clone(agreeing[i])
			p[v] = x
			ok := true
			for _, ci := range m.watch[v] {
				if !m.cons[ci].holds(p, texts) {
					ok = false
					break
				}
			}
			if ok {
				s.remember(p)
				note(p)
				return true
			}
		}
		return false
	}
	available := make([]bitset, len(m.vars))
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
		for _, x := range wanted(v) {
			switch {
			case supported[v].has(x):
				available[v].set(x)
			case pruned(x):
				// pruned by propagation: no solution
			case flip(v, x):
				available[v].set(x)
			case search(ctxUnits, v, x):
				available[v].set(x)
			}
		}
	}
	out := &Domains{Consistent: consistent, byID: map[string]*FeatureDomain{}}
	for _, f := range m.Product.Features {
		fd := &FeatureDomain{Feature: f}
		vars := m.byFeature[f.ID]
		switch f.Kind {
		case catalog.Choice:
			for i := range f.Options {
				fd.Available = append(fd.Available, available[vars[0]].has(int32(i)))
			}
		case catalog.Multi:
			for i := range f.Options {
				fd.Available = append(fd.Available, available[vars[i]].has(1))
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

// patch returns sol with the units' values set, if that is still a solution
// (texts as given), or nil. Only the constraints on changed variables are
// checked.
func (m *Model) patch(sol []int32, units []unit, texts map[string]string) []int32 {
	var changed []int
	for _, u := range units {
		if sol[u.v] != u.val {
			changed = append(changed, u.v)
		}
	}
	if len(changed) == 0 {
		return nil // already agrees: note() has counted it
	}
	p := slices.Clone(sol)
	for _, u := range units {
		p[u.v] = u.val
	}
	seen := map[int]bool{}
	for _, v := range changed {
		for _, ci := range m.watch[v] {
			if seen[ci] {
				continue
			}
			seen[ci] = true
			if !m.cons[ci].holds(p, texts) {
				return nil
			}
		}
	}
	return p
}
