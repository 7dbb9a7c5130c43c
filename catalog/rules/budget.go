package rules

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Work is how the engine measures effort, so that a question gives up at
// the same point on every machine and every run: one unit per solver call
// and up to tickWork units per round of 20,000 propagations inside a call
// (the solver's own tick, gini's xo.PropTick, where it can be paused or
// stopped; see roundWork). A search node of the engine's own backtracking search
// (redundancy checks, local repairs, counting) is counted apart, in nodes.
//
// DefaultWork is what one question (Domains, Complete, Consistent,
// Explain, Repairs, Upgrade, ...) may spend unless the session is given
// another limit. The generated benchmark products, the table-heavy lines
// of 270 features included, need at most a few hundred for their hardest
// Domains and Repairs (see docs/performance.md), the demo's products far
// less; a random 3-SAT catalog of 300 variables near the hard ratio runs
// out after well under a second.
const DefaultWork = 10000

// tickWork is the weight of one round of 20,000 propagations: on hard
// instances such a round takes 10–15 ms, as long as a hundred easy solver
// calls.
const tickWork = 100

// tickProps is the number of propagations in one of the solver's rounds.
const tickProps = 20000

// roundWork is what one round of the solver's propagations costs on this
// model: what a round is worth depends on the size of the encoding. On the
// small hard products tickWork was measured on (a few hundred solver
// variables) a round is a hundred descents of the search, each a decision
// and a conflict; on a table-heavy line of 270 features (17,500 variables)
// a round is about one descent, and a call that finds a configuration
// takes a few dozen rounds without any difficulty. So a round costs
// tickProps / variables units (at most tickWork, at least 1): a unit of
// work stays about one descent of the search over the whole model.
func (m *Model) roundWork() int {
	return min(tickWork, max(1, tickProps/max(1, m.sat.g.vars)))
}

// DefaultTime is a backstop besides the work: a question also gives up
// after this long (the only part of the budget that depends on the
// machine; the work limit is normally reached well before it).
const DefaultTime = 10 * time.Second

// AnalyzeWork is what Analyze may spend on a product in all (its
// redundancy check counts search nodes against AnalyzeNodes instead).
const AnalyzeWork = 5 * DefaultWork

// analyzeTime is Analyze's backstop in time.
const analyzeTime = 6 * DefaultTime

// AnalyzeNodes bounds the search nodes of Analyze's redundancy checks in
// all (each rule's own check stops at redundancyBudget).
const AnalyzeNodes = 200000

// ErrTooHard is the error (see TooHardError) of a question that ran out of
// its budget of work, or was cancelled: the answer is not known.
var ErrTooHard = errors.New("this catalog's rules are too hard to check completely")

// TooHardError says what the engine checked before it gave up, and what it
// did not. errors.Is(err, ErrTooHard) holds for it.
type TooHardError struct {
	Product string
	// Work is what was spent (see DefaultWork), Limit what was allowed.
	Work, Limit int
	// Task is what the engine was doing ("working out which options
	// remain possible").
	Task string
	// Checked and NotChecked say what was settled before it stopped and
	// what was not ("12 of 400 options", "the other 388 options").
	Checked, NotChecked string
	// Cancelled: it stopped because the question was cancelled (a newer
	// click, a closed window), not for its budget.
	Cancelled bool
	// Late: it stopped at the backstop in time (see DefaultTime).
	Late bool
}

func (e *TooHardError) Error() string {
	why := fmt.Sprintf("the engine gave up after %d units of work (the limit is %d)", e.Work, e.Limit)
	switch {
	case e.Cancelled:
		why = fmt.Sprintf("the question was cancelled after %d units of work", e.Work)
	case e.Late:
		why = fmt.Sprintf("the engine gave up at its time limit after %d units of work", e.Work)
	}
	msg := fmt.Sprintf("%s: product %s: %s while %s", ErrTooHard, e.Product, why, e.Task)
	if e.Checked != "" {
		msg += "; checked: " + e.Checked
	}
	if e.NotChecked != "" {
		msg += "; not checked: " + e.NotChecked
	}
	return msg
}

// Is makes errors.Is(err, ErrTooHard) hold.
func (e *TooHardError) Is(target error) bool { return target == ErrTooHard }

// budget is the work account of one question. Its solver calls may run on
// several goroutines (see Session.workers), so it is locked.
type budget struct {
	mu       sync.Mutex
	ctx      context.Context
	used     int
	limit    int
	deadline time.Time
	// out is set once the budget ran out or the context ended: every later
	// solver call of the question gives up at once.
	out       bool
	cancelled bool
	late      bool // the backstop in time ended it
	// round is what one round of propagations costs (see roundWork).
	round int
}

// share is a sub-account for a part of a question: at most the share of
// the work and time b has left. What it spends is added to b by absorb.
func (b *budget) share(f float64) *budget {
	b.mu.Lock()
	defer b.mu.Unlock()
	sub := &budget{ctx: b.ctx, limit: int(float64(b.limit-b.used) * f), round: b.round,
		deadline: time.Now().Add(time.Duration(float64(time.Until(b.deadline)) * f))}
	if b.out || sub.limit <= 0 {
		sub.out = true
	}
	return sub
}

// absorb adds what a sub-account spent to b; a cancelled question stays
// cancelled.
func (b *budget) absorb(sub *budget) {
	sub.mu.Lock()
	used, cancelled := sub.used, sub.cancelled
	sub.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used += used
	if cancelled {
		b.out, b.cancelled = true, true
	}
}

// spend adds n units and reports whether the question may go on.
func (b *budget) spend(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.out {
		return false
	}
	b.used += n
	if b.used > b.limit {
		b.out = true
		return false
	}
	if b.ctx != nil && b.ctx.Err() != nil {
		b.out, b.cancelled = true, true
		return false
	}
	if time.Now().After(b.deadline) {
		b.out, b.late = true, true
		return false
	}
	return true
}

// SetContext makes the session's questions stop (with a TooHardError that
// says it was cancelled) once ctx is done: the app cancels a question when
// a newer click replaces it. nil: never.
func (s *Session) SetContext(ctx context.Context) { s.ctx = ctx }

// SetWorkLimit sets the work one question may spend (0: DefaultWork).
func (s *Session) SetWorkLimit(units int) { s.limit = units }

// SetTimeLimit sets the backstop in time of one question (0: DefaultTime).
func (s *Session) SetTimeLimit(d time.Duration) { s.timeLimit = d }

// Work is what the last question spent (see DefaultWork).
func (s *Session) Work() int {
	if s.acct == nil {
		return 0
	}
	return s.acct.used
}

// begin opens a question's account, unless one is open already (a question
// asked inside another shares its account); end closes it.
func (s *Session) begin() {
	s.depth++
	if s.depth > 1 {
		return
	}
	limit := s.limit
	if limit <= 0 {
		limit = DefaultWork
	}
	d := s.timeLimit
	if d <= 0 {
		d = DefaultTime
	}
	s.acct = &budget{ctx: s.ctx, limit: limit, deadline: time.Now().Add(d), round: s.m.roundWork()}
}

func (s *Session) end() { s.depth-- }

// exhausted reports whether the open question ran out of work.
func (s *Session) exhausted() bool { return s.depth > 0 && s.acct != nil && s.acct.isOut() }

// isOut reports whether the budget ran out (or its question was cancelled).
func (b *budget) isOut() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out
}

// account is the open question's budget, or nil outside a question.
func (s *Session) account() *budget {
	if s.depth == 0 {
		return nil
	}
	return s.acct
}

// tooHard is the error of a question that ran out of work, or nil.
func (s *Session) tooHard(task, checked, notChecked string) error {
	if !s.exhausted() {
		return nil
	}
	return &TooHardError{Product: s.m.Product.ID, Work: s.acct.used, Limit: s.acct.limit, Task: task,
		Checked: checked, NotChecked: notChecked, Cancelled: s.acct.cancelled, Late: s.acct.late}
}
