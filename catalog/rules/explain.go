package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/go-air/gini/z"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// quickXplain returns a minimal subset X of cands such that consistent(X) is
// false, given that consistent(cands) is false (Junker's QuickXplain). It
// returns nil when consistent(cands) holds. Subsets are given as index lists
// into cands.
func quickXplain(n int, consistent func([]int) bool) []int {
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	if consistent(all) {
		return nil
	}
	if n == 0 || !consistent(nil) {
		return []int{}
	}
	var qx func(b, delta, c []int) []int
	qx = func(b, delta, c []int) []int {
		if len(delta) > 0 && !consistent(b) {
			return nil
		}
		if len(c) == 1 {
			return c
		}
		c1, c2 := c[:len(c)/2], c[len(c)/2:]
		d2 := qx(concat(b, c1), c1, c2)
		d1 := qx(concat(b, d2), d2, c1)
		return concat(d1, d2)
	}
	out := qx(nil, nil, all)
	slices.Sort(out)
	return out
}

func concat(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// Explanation says why an option is not available.
type Explanation struct {
	// BlockedBy are the user's decisions that block the option, a minimal
	// set: dropping any one of them would no longer explain it. Empty when
	// the rules alone exclude the option.
	BlockedBy Decisions
	// Rules are the rules that, with those decisions, exclude the option (a
	// minimal set). A nil *catalog.Rule stands for a multi feature's
	// minimum or maximum count, described in Counts.
	Rules []*catalog.Rule
	// Counts are the multi features whose min/max count takes part.
	Counts []*catalog.Feature
}

// Message is the explanation in plain words, in lang: the rules' own
// messages, then the decisions that block the option.
func (e *Explanation) Message(lang, fallback string) string {
	var parts []string
	for _, r := range e.Rules {
		parts = append(parts, r.Message.In(lang, fallback))
	}
	for _, f := range e.Counts {
		parts = append(parts, countMessage(f, lang, fallback))
	}
	return strings.Join(parts, " ")
}

func countMessage(f *catalog.Feature, lang, fallback string) string {
	name := f.Name.In(lang, fallback)
	switch {
	case f.MinSelected == f.MaxSelected:
		return fmt.Sprintf("%s: choose exactly %d.", name, f.MinSelected)
	case f.MinSelected > 0 && f.MaxSelected < len(f.Options):
		return fmt.Sprintf("%s: choose %d to %d.", name, f.MinSelected, f.MaxSelected)
	case f.MinSelected > 0:
		return fmt.Sprintf("%s: choose at least %d.", name, f.MinSelected)
	default:
		return fmt.Sprintf("%s: choose at most %d.", name, f.MaxSelected)
	}
}

// target is the unit asked about: a feature's value (or, for a multi
// feature, one option chosen), with the context it is asked in.
type target struct {
	feature *catalog.Feature
	units   []unit // the new choice: one unit, a multi's whole selection, or none for a text
	value   catalog.Value
	exact   bool // the value replaces the feature's decision (not: one option added)
	// context are the decision items the question is asked with: the other
	// features' decisions, and for a multi feature its other selections.
	context []item
	// texts holds the target's own text, if it is one; the other texts
	// decided are items of the context (see textsOf).
	texts map[string]string
}

func (m *Model) target(dec Decisions, feature string, value catalog.Value, exact bool) (*target, error) {
	f := m.Product.Feature(feature)
	if f == nil {
		return nil, fmt.Errorf("%s has no feature %q", m.Product.ID, feature)
	}
	if value.Kind != f.Kind {
		return nil, fmt.Errorf("%s is a %s feature, not %s", f.ID, f.Kind, value.Kind)
	}
	if f.Kind == catalog.Multi && !exact && len(value.Set) != 1 {
		return nil, fmt.Errorf("ask about one option of %s at a time", f.ID)
	}
	items, texts, err := m.items(dec.Without(feature))
	if err != nil {
		return nil, err
	}
	t := &target{feature: f, texts: texts, value: value, exact: exact || f.Kind != catalog.Multi}
	own, _, err := m.items(Decisions{feature: value})
	if err != nil {
		return nil, err
	}
	switch {
	case f.Kind == catalog.Textual:
		t.texts[feature] = value.Str
	case f.Kind == catalog.Multi && !exact:
		idx := slices.IndexFunc(f.Options, func(o *catalog.Option) bool { return o.ID == value.Set[0] })
		t.units = []unit{{m.byFeature[f.ID][idx], 1}}
	default:
		t.units = own[0].units
	}
	// The other texts decided are items too: a text can block a value
	// (explanations name it) and be set aside (repairs drop it).
	for _, g := range m.Product.Features {
		if v, ok := dec[g.ID]; ok && g.Kind == catalog.Textual && g.ID != feature {
			items = append(items, item{feature: g.ID, text: v.Str, isText: true})
			delete(t.texts, g.ID)
		}
	}
	order := map[string]int{}
	for i, g := range m.Product.Features {
		order[g.ID] = i
	}
	slices.SortStableFunc(items, func(a, b item) int { return order[a.feature] - order[b.feature] })
	t.context = items
	if prev, ok := dec[feature]; ok && f.Kind == catalog.Multi && !exact {
		// The feature's other selections stay, as one item of their own.
		prevItems, _, err := m.items(Decisions{feature: prev})
		if err != nil {
			return nil, err
		}
		rest := item{feature: f.ID}
		for _, u := range prevItems[0].units {
			if u.v != t.units[0].v {
				rest.units = append(rest.units, u)
			}
		}
		t.context = append(t.context, rest)
	}
	return t, nil
}

// consistent reports whether the items of a target's context chosen by
// which, with the target, admit a solution (with only the constraints not
// marked off).
func (s *Session) consistent(t *target, which []int, off []bool) bool {
	var units []unit
	for _, i := range which {
		units = append(units, t.context[i].units...)
	}
	units = append(units, t.units...)
	return s.solveUnits(units, off, t.textsOf(which)) != nil
}

// textsOf are the texts the rules read with the items which of the
// target's context: the target's own text (if it is one) and the texts
// among which; the other text features read their defaults.
func (t *target) textsOf(which []int) map[string]string {
	texts := make(map[string]string, len(t.texts)+1)
	for k, v := range t.texts {
		texts[k] = v
	}
	for _, i := range which {
		if it := t.context[i]; it.isText {
			texts[it.feature] = it.text
		}
	}
	return texts
}

// Explain says why choosing value for feature is not possible with the
// decisions: a minimal set of blocking decisions and the rules involved. It
// returns nil when the value is in fact available.
func (s *Session) Explain(dec Decisions, feature string, value catalog.Value) (*Explanation, error) {
	t, err := s.m.target(dec, feature, value, false)
	if err != nil {
		return nil, err
	}
	return s.explain(dec, t)
}

// ExplainDecision is Explain for a whole new decision: a multi feature's
// exact selection, or a text.
func (s *Session) ExplainDecision(dec Decisions, feature string, value catalog.Value) (*Explanation, error) {
	t, err := s.m.target(dec, feature, value, true)
	if err != nil {
		return nil, err
	}
	return s.explain(dec, t)
}

func (s *Session) explain(dec Decisions, t *target) (*Explanation, error) {
	s.begin()
	defer s.end()
	e, err := s.explainWithin(dec, t)
	if err := s.tooHard(fmt.Sprintf("explaining why %s cannot be chosen", t.feature.ID), "", "why it cannot be chosen"); err != nil {
		return nil, err
	}
	return e, err
}

func (s *Session) explainWithin(dec Decisions, t *target) (*Explanation, error) {
	all := make([]int, len(t.context))
	for i := range all {
		all[i] = i
	}
	if s.consistent(t, all, nil) {
		return nil, nil
	}
	// The solver's conflict names the decisions involved: QuickXplain only
	// needs to look among those.
	core := s.conflict()
	var cands []int
	for i, it := range t.context {
		if it.isText {
			cands = append(cands, i) // the conflict names texts only as a whole
			continue
		}
		for _, u := range it.units {
			if core[s.last.base.lit[u.v][u.val]] {
				cands = append(cands, i)
				break
			}
		}
	}
	pick := func(sub []int) []int {
		out := make([]int, len(sub))
		for k, i := range sub {
			out[k] = cands[i]
		}
		return out
	}
	if s.consistent(t, cands, nil) {
		cands = all // the conflict was not all of it (lazy constraints): look everywhere
	}
	blocking := pick(quickXplain(len(cands), func(which []int) bool { return s.consistent(t, pick(which), nil) }))
	slices.Sort(blocking)
	e := &Explanation{BlockedBy: Decisions{}}
	for _, i := range blocking {
		f := t.context[i].feature
		e.BlockedBy[f] = dec[f]
	}
	// Which rules, with those decisions, exclude the value: a minimal set,
	// looked for among the rules in the (switchable) solver's conflict.
	nc := len(s.m.cons)
	offExcept := func(on []int) []bool {
		off := make([]bool, nc)
		for i := range off {
			off[i] = true
		}
		for _, c := range on {
			off[c] = false
		}
		return off
	}
	var ruleCands []int
	if !s.consistent(t, blocking, make([]bool, nc)) {
		core := s.conflict()
		for ci, a := range s.last.base.act {
			if core[a] {
				ruleCands = append(ruleCands, ci)
			}
		}
	}
	if s.consistent(t, blocking, offExcept(ruleCands)) {
		ruleCands = make([]int, nc) // look everywhere
		for i := range ruleCands {
			ruleCands[i] = i
		}
	}
	rules := quickXplain(len(ruleCands), func(on []int) bool {
		chosen := make([]int, len(on))
		for k, i := range on {
			chosen[k] = ruleCands[i]
		}
		return s.consistent(t, blocking, offExcept(chosen))
	})
	for k := range rules {
		rules[k] = ruleCands[rules[k]]
	}
	for _, c := range rules {
		con := s.m.cons[c]
		if con.rule != nil {
			if !slices.Contains(e.Rules, con.rule) { // a decomposed rule has several parts
				e.Rules = append(e.Rules, con.rule)
			}
		} else {
			e.Counts = append(e.Counts, con.multi)
		}
	}
	return e, nil
}

// Change is one feature's value before and after a repair.
type Change struct {
	Feature  *catalog.Feature
	From, To catalog.Value
	// Dropped: the user's decision was set aside; To is its new value,
	// which the repair decides.
	Dropped bool
	// Open: the feature was not decided, and the configuration's value
	// (the completion's) changes with the repair.
	Open bool
}

// Repair is one way to make an unavailable choice fit: the decisions to set
// aside, the resulting decisions and what changes.
type Repair struct {
	Drop      []string  // features whose decisions are set aside, in product order
	Decisions Decisions // the decisions after the repair, the new choice included
	Changes   []Change
	// PriceDelta is the change of the configuration's price (filled in by
	// PriceRepairs; zero otherwise).
	PriceDelta decimal.Decimal
	// Kind says whether no repair sets aside fewer decisions (smallest),
	// or it is one larger, or a maximal set of decisions is kept.
	Kind RepairKind
}

// Repairs proposes the smallest sets of earlier decisions to set aside so
// that value can be chosen for feature: every minimal set of the smallest
// size, and those one larger, at most max sets (see repair.go). When the
// search runs out of checks before finding a smallest one, it proposes a
// maximal set of decisions to keep instead (Kind says which). Texts are
// set aside only when no repair keeps them as typed. It proposes nothing
// only when no valid configuration has the value at all, whatever the
// decisions (texts included). A repair's other features keep their
// decisions; each set is proposed once per combination of new values of
// the choice features it sets aside (see alternatives), and the features
// set aside stay decided with their new values; the rest take the values
// the completion gives them (defaults where the rules allow).
func (s *Session) Repairs(dec Decisions, feature string, value catalog.Value, max int) ([]Repair, error) {
	t, err := s.m.target(dec, feature, value, false)
	if err != nil {
		return nil, err
	}
	return s.repairs(dec, t, max)
}

// DecisionRepairs is Repairs for a whole new decision: a multi feature's
// exact selection, or a text.
func (s *Session) DecisionRepairs(dec Decisions, feature string, value catalog.Value, max int) ([]Repair, error) {
	t, err := s.m.target(dec, feature, value, true)
	if err != nil {
		return nil, err
	}
	return s.repairs(dec, t, max)
}

func (s *Session) repairs(dec Decisions, t *target, max int) ([]Repair, error) {
	s.begin()
	defer s.end()
	out, err := s.repairsWithin(dec, t, max)
	if err := s.tooHard(fmt.Sprintf("looking for changes that make room for %s", t.feature.ID), fmt.Sprintf("%d ways found", len(out)), "whether there are more or smaller ones"); err != nil {
		return nil, err
	}
	return out, err
}

func (s *Session) repairsWithin(dec Decisions, t *target, max int) ([]Repair, error) {
	found, kinds, ok := s.repairSets(t, max)
	if !ok {
		return nil, nil // out of work: the caller says so
	}
	// What the user sees before the repair: the decisions' completion (the
	// one Complete gave last, when it was asked for them: the app's).
	shown := s.m.Product.Resolve(dec).Values
	if s.completed.key == dec.String() {
		shown = s.completed.values
	} else if items, texts, err := s.m.items(dec); err == nil {
		if sol := s.completeUnits(unitsOf(items), texts, s.m.defaults(dec)); sol != nil {
			shown = s.m.valuesOf(sol, texts)
		}
	}
	// The values of each set: found within a share of the work left, so
	// that finding more of them never costs the repairs themselves.
	type set struct {
		drop, keep []int
		base       Decisions
		sols       [][]int32
	}
	var sets []set
	for _, drop := range found {
		var keep []int
		for i := range t.context {
			if !slices.Contains(drop, i) {
				keep = append(keep, i)
			}
		}
		base := dec.Clone()
		for _, i := range drop {
			delete(base, t.context[i].feature)
		}
		if t.exact {
			base[t.feature.ID] = t.value
		} else {
			delete(base, t.feature.ID) // set from the completion below
		}
		sets = append(sets, set{drop: drop, keep: keep, base: base})
	}
	if acct := s.account(); acct != nil {
		sub := acct.share(alternativesShare)
		s.acct = sub
		for i := range sets {
			sets[i].sols = s.alternatives(t, sets[i].keep, sets[i].drop, s.m.defaults(sets[i].base))
		}
		s.acct = acct
		acct.absorb(sub)
	} else {
		for i := range sets {
			sets[i].sols = s.alternatives(t, sets[i].keep, sets[i].drop, s.m.defaults(sets[i].base))
		}
	}
	var out []Repair
	for k, st := range sets {
		texts := t.textsOf(st.keep)
		sols := st.sols
		if len(sols) == 0 {
			// None found within the share: the completion alone.
			var hard []unit
			for _, i := range st.keep {
				hard = append(hard, t.context[i].units...)
			}
			if sol := s.completeUnits(append(hard, t.units...), texts, s.m.defaults(st.base)); sol != nil {
				sols = [][]int32{sol}
			}
		}
		for _, sol := range sols {
			out = append(out, s.repairOf(dec, t, st.drop, st.base, s.m.valuesOf(sol, texts), shown, kinds[k]))
		}
	}
	return out, nil
}

// alternativesShare is the share of a question's remaining work and time
// that the search for the new values of the repairs' sets may spend.
const alternativesShare = 0.5

// maxAlternatives bounds the proposals made of one set of decisions to set
// aside (one per combination of new values of its choice features), and
// maxAlternativeChecks the solver calls spent finding them.
const (
	maxAlternatives      = 6
	maxAlternativeChecks = 64
)

// alternatives finds the solutions that make a set of decisions to set
// aside (drop) a repair, one per combination of new values of the choice
// features set aside (in option order, each different from the value
// decided before), at most maxAlternatives: "brass legs" and "black legs"
// are two repairs, and the user sees both with their prices. The other
// features set aside, and the open ones, take the completion's values
// (defaults where the rules allow, prefer). A combination that leaves a
// feature set aside at its old value is left out: a smaller set would do
// with it. None when none is found within the work (the caller then
// takes the completion alone).
func (s *Session) alternatives(t *target, keep, drop []int, prefer []int32) [][]int32 {
	var hard []unit
	for _, i := range keep {
		hard = append(hard, t.context[i].units...)
	}
	hard = append(hard, t.units...)
	texts := t.textsOf(keep)
	var choices []unit // the old values of the choice features set aside
	for _, i := range drop {
		it := t.context[i]
		if !it.isText && len(it.units) == 1 && s.m.Product.Feature(it.feature).Kind == catalog.Choice {
			choices = append(choices, it.units[0])
		}
	}
	changesAll := func(sol []int32) bool {
		for _, i := range drop {
			it := t.context[i]
			if it.isText || len(it.units) == 0 {
				continue
			}
			same := true
			for _, u := range it.units {
				if sol[u.v] != u.val {
					same = false
					break
				}
			}
			if same {
				return false
			}
		}
		return true
	}
	var sols [][]int32
	checks := 0
	var rec func(k int, fixed []unit)
	rec = func(k int, fixed []unit) {
		if k == len(choices) {
			if sol := s.completeUnits(append(slices.Clone(hard), fixed...), texts, prefer); sol != nil && changesAll(sol) {
				sols = append(sols, sol)
			}
			return
		}
		old := choices[k]
		for x := int32(0); int(x) < s.m.vars[old.v].size; x++ {
			if x == old.val {
				continue
			}
			if len(sols) >= maxAlternatives || checks >= maxAlternativeChecks || s.exhausted() {
				return
			}
			next := append(slices.Clone(fixed), unit{old.v, x})
			checks++
			// The last feature's value is checked by the completion itself.
			if k+1 < len(choices) && s.solveUnits(append(slices.Clone(hard), next...), nil, texts) == nil {
				continue
			}
			rec(k+1, next)
		}
	}
	rec(0, nil)
	return sols
}

// repairOf is the repair that sets drop aside and gives the configuration
// done: the features set aside keep a decision, with their new values (a
// repair never turns a choice the user made back into an open one).
func (s *Session) repairOf(dec Decisions, t *target, drop []int, base Decisions, done, shown map[string]catalog.Value, kind RepairKind) Repair {
	r := Repair{Decisions: base.Clone(), Kind: kind}
	if !t.exact {
		// The feature keeps the selections not set aside, with the new
		// option: exactly the completion's selection.
		r.Decisions[t.feature.ID] = done[t.feature.ID]
	}
	for _, i := range drop {
		id := t.context[i].feature
		r.Drop = append(r.Drop, id)
		if id != t.feature.ID {
			r.Decisions[id] = done[id]
		}
	}
	for _, f := range s.m.Product.Features {
		from, had := dec[f.ID]
		switch {
		case f.ID == t.feature.ID:
			if !had {
				from = shown[f.ID]
			}
			r.Changes = append(r.Changes, Change{Feature: f, From: from, To: r.Decisions[f.ID]})
		case slices.Contains(r.Drop, f.ID):
			r.Changes = append(r.Changes, Change{Feature: f, From: from, To: done[f.ID], Dropped: true})
		case !had && !shown[f.ID].Equal(done[f.ID]):
			r.Changes = append(r.Changes, Change{Feature: f, From: shown[f.ID], To: done[f.ID], Open: true})
		}
	}
	return r
}

// Complete finishes a configuration from the decisions: every open feature
// takes its default where the rules allow, else the first value that keeps
// the configuration valid. It returns nil when the decisions admit no valid
// configuration.
func (s *Session) Complete(dec Decisions) (map[string]catalog.Value, error) {
	s.begin()
	defer s.end()
	items, texts, err := s.m.items(dec)
	if err != nil {
		return nil, err
	}
	sol := s.completeUnits(unitsOf(items), texts, s.m.defaults(dec))
	if err := s.tooHard("completing the configuration (whether the decisions fit the rules)", "", "whether the decisions admit a valid configuration"); err != nil {
		return nil, err
	}
	if sol == nil {
		return nil, nil
	}
	values := s.m.valuesOf(sol, texts)
	s.completed.key, s.completed.values = dec.String(), values
	return maps.Clone(values), nil
}

// completeUnits finds a solution with the hard units that keeps as many
// preferred values (defaults) as it can: preferences in a conflict the solver
// reports are given up one at a time, and a number whose preference was given
// up takes the nearest value that fits.
func (s *Session) completeUnits(hard []unit, texts map[string]string, prefer []int32) []int32 {
	fixed := make([]bool, len(s.m.vars))
	for _, u := range hard {
		fixed[u.v] = true
	}
	var soft []unit
	for v, p := range prefer {
		if p >= 0 && !fixed[v] && s.m.vars[v].kind != auxVar {
			soft = append(soft, unit{v, p})
		}
	}
	var dropped []unit
	var sol []int32
	for {
		sol = s.solveUnits(append(slices.Clone(hard), soft...), nil, texts)
		if sol != nil {
			break
		}
		if s.exhausted() {
			return nil
		}
		if len(soft) == 0 {
			return nil
		}
		// Give up the last preference that takes part in the conflict.
		core := map[z.Lit]bool{}
		for _, l := range s.last.g.Why(nil) {
			core[l] = true
		}
		drop := -1
		for i := len(soft) - 1; i >= 0; i-- {
			if core[s.last.base.lit[soft[i].v][soft[i].val]] {
				drop = i
				break
			}
		}
		if drop < 0 {
			// The conflict lies in the hard units alone.
			if s.solveUnits(hard, nil, texts) == nil {
				return nil
			}
			drop = len(soft) - 1
		}
		dropped = append(dropped, soft[drop])
		soft = slices.Delete(soft, drop, drop+1)
	}
	// Numbers whose default had to go: the nearest value that fits.
	for _, d := range dropped {
		if s.m.vars[d.v].kind != numberVar {
			continue
		}
		keep := append(slices.Clone(hard), soft...)
		best := sol[d.v]
		for dist := int32(1); dist < int32(s.m.vars[d.v].size) && dist <= 64; dist++ {
			found := false
			for _, x := range []int32{d.val - dist, d.val + dist} {
				if x < 0 || int(x) >= s.m.vars[d.v].size {
					continue
				}
				if s.exhausted() {
					return nil
				}
				if cand := s.solveUnits(append(keep, unit{d.v, x}), nil, texts); cand != nil {
					sol, best, found = cand, x, true
					break
				}
			}
			if found {
				break
			}
		}
		hard = append(hard, unit{d.v, best})
	}
	return sol
}

// Consistent reports whether the decisions admit a valid configuration.
func (s *Session) Consistent(dec Decisions) (bool, error) {
	done, err := s.Complete(dec)
	return done != nil, err
}

// conflict returns the literals of the last solver call's conflict (its
// failed assumptions), after an unsatisfiable call.
func (s *Session) conflict() map[z.Lit]bool {
	core := map[z.Lit]bool{}
	for _, l := range s.last.g.Why(nil) {
		core[l] = true
	}
	return core
}

// PriceRepairs fills in each repair's price change — the price of its
// completed configuration less before — and orders the repairs: fewest
// changes first, then the smallest change of price. price prices a complete
// configuration.
func (s *Session) PriceRepairs(reps []Repair, before decimal.Decimal, price func(map[string]catalog.Value) decimal.Decimal) error {
	s.begin()
	defer s.end()
	for i := range reps {
		done, err := s.Complete(reps[i].Decisions)
		if err != nil {
			return err
		}
		if done != nil {
			reps[i].PriceDelta = price(done).Sub(before)
		}
	}
	slices.SortStableFunc(reps, func(a, b Repair) int {
		if len(a.Drop) != len(b.Drop) {
			return len(a.Drop) - len(b.Drop)
		}
		return a.PriceDelta.Cmp(b.PriceDelta)
	})
	return nil
}

// CompleteCheapest finishes a configuration from the decisions at the lowest
// price it can find: starting from the default completion, it tries every
// value of every open feature (the rest re-completed as close as the rules
// allow) and keeps any change that lowers the price, until no single change
// does. This is a local search: the result is never dearer than the default
// completion and is the cheapest with respect to changing any one feature,
// but with prices that interact through formulas a cheaper configuration
// that needs several changes at once can exist. It returns nil when the
// decisions admit no valid configuration.
func (s *Session) CompleteCheapest(dec Decisions, price func(map[string]catalog.Value) decimal.Decimal) (map[string]catalog.Value, error) {
	s.begin()
	defer s.end()
	best, err := s.Complete(dec)
	if err != nil || best == nil {
		return best, err
	}
	bestPrice := price(best)
	items, texts, err := s.m.items(dec)
	if err != nil {
		return nil, err
	}
	hard := unitsOf(items)
	for pass := 0; pass < 8; pass++ {
		improved := false
		for _, f := range s.m.Product.Features {
			if _, decided := dec[f.ID]; decided || f.Kind == catalog.Textual {
				continue
			}
			vars := s.m.byFeature[f.ID]
			var tries [][]unit
			switch f.Kind {
			case catalog.Choice, catalog.Number:
				for a := 0; a < s.m.vars[vars[0]].size; a++ {
					tries = append(tries, []unit{{vars[0], int32(a)}})
				}
			case catalog.Multi:
				// Toggle one option at a time.
				for i, o := range f.Options {
					val := int32(1)
					if slices.Contains(best[f.ID].Set, o.ID) {
						val = 0
					}
					tries = append(tries, []unit{{vars[i], val}})
				}
			}
			cur := s.preferOf(best)
			for _, try := range tries {
				sol := s.completeUnits(append(slices.Clone(hard), try...), texts, cur)
				if err := s.tooHard("looking for the cheapest completion", "", "whether a cheaper one exists"); err != nil {
					return nil, err
				}
				if sol == nil {
					continue
				}
				cand := s.m.valuesOf(sol, texts)
				if p := price(cand); p.LessThan(bestPrice) {
					best, bestPrice, improved = cand, p, true
					cur = s.preferOf(best)
				}
			}
		}
		if !improved {
			break
		}
	}
	return best, nil
}

// preferOf turns feature values into preferred values per variable.
func (s *Session) preferOf(values map[string]catalog.Value) []int32 {
	return s.m.defaultsFrom(values)
}
