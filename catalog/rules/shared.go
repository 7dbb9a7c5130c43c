package rules

import (
	"slices"
	"sync"
)

// What one session learns about the product with no decisions holds for
// every session of the model: the solutions it found (witnesses that every
// live option is possible) and the options it proved impossible outright.
// The first session to answer "what can I choose?" with no decisions
// publishes that here, and every later session starts from it: opening a
// product again (another design, another window) costs no solver call.
// On a table-heavy product of 270 features the first answer takes a few
// hundred solver calls; see docs/performance.md.

// shared is a model's knowledge common to all its sessions.
type shared struct {
	mu sync.Mutex
	// witnesses are solutions (under no texts) that support every value
	// found possible with no decisions.
	witnesses [][]int32
	// dead lists the values proven impossible with no decisions at all.
	dead []unit
	// live holds, per variable, the values possible with no decisions, as
	// a session worked them out (noteRoot): every value not in it is
	// possible in no configuration. Nil until then.
	live []bitset
	done bool
}

// emptySets is an empty set of values per variable.
func (m *Model) emptySets() []bitset {
	sets := make([]bitset, len(m.vars))
	for v := range sets {
		sets[v] = make(bitset, (m.vars[v].size+63)/64)
	}
	return sets
}

// noteRoot keeps the values a session found possible with no decisions
// (the exact answer of Domains, texts as not given): from then on, the
// others are known to be possible in no configuration.
func (m *Model) noteRoot(available []bitset) {
	sh := m.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.live != nil {
		return
	}
	sh.live = make([]bitset, len(available))
	for v, b := range available {
		sh.live[v] = slices.Clone(b)
	}
}

// impossible returns, once the model's sessions know it, the values
// possible in no configuration of the product (per variable, a set); nil
// when not known yet or when rules read texts (a value impossible with the
// texts' defaults may be possible with other texts).
func (m *Model) impossible() []bitset {
	sh := m.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.live == nil {
		return nil
	}
	if m.readsTexts {
		return nil
	}
	return sh.live
}

// publishRoot keeps what a session found while answering Domains with no
// decisions and no texts (once per model): witnesses, the first solution
// found for each value (fewer than the pool, which may have overflowed),
// and the values proven impossible.
func (m *Model) publishRoot(witnesses [][]int32, dead map[unit][][]unit) {
	sh := m.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.done {
		return
	}
	sh.done = true
	// Newest first (later solutions, from local changes, often support
	// several values), keep those that support a value no kept one does.
	covered := m.emptySets()
	for i := len(witnesses) - 1; i >= 0; i-- {
		sol, fresh := witnesses[i], false
		for v, x := range sol {
			if !covered[v].has(x) {
				covered[v].set(x)
				fresh = true
			}
		}
		if fresh {
			sh.witnesses = append(sh.witnesses, slices.Clone(sol))
		}
	}
	for u, cores := range dead {
		for _, core := range cores {
			if len(core) == 0 {
				sh.dead = append(sh.dead, u)
				break
			}
		}
	}
}

// seed gives a new session the model's shared knowledge, as its own copy
// (a session changes its solutions in place while it checks them).
func (m *Model) seed(s *Session) {
	sh := m.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if !sh.done {
		return
	}
	s.minPool = 2 * len(sh.witnesses)
	for _, sol := range sh.witnesses {
		s.remember(slices.Clone(sol))
	}
	for _, u := range sh.dead {
		s.noteDead(u.v, u.val, nil)
	}
	s.seeded = true
}

// Witnesses returns how many solutions the model's sessions share (for
// benchmarks and the engine cache).
func (m *Model) Witnesses() int {
	m.shared.mu.Lock()
	defer m.shared.mu.Unlock()
	return len(m.shared.witnesses)
}
