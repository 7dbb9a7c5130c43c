package rules

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/atelier-app/atelier/catalog"
)

// Severity grades a finding of the analysis.
type Severity string

// Severities: an error makes a product unusable; a warning points at rules
// that are probably not what the author meant.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one result of analysing a product.
type Finding struct {
	Severity Severity
	Product  string
	Feature  string // optional
	Option   string // optional
	Rule     string // optional
	Pos      catalog.Pos
	Message  string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Severity, f.Product, f.Message)
}

// Analyze checks a product's rules as a whole: a product with no valid
// configuration (and the rules that contradict each other), options that can
// never be chosen, features whose value is forced, rules that never exclude
// anything (redundant), defaults and presets that break the rules.
//
// The analysis is bounded: it spends at most AnalyzeWork units of solver
// work and AnalyzeNodes search nodes. When the solver's work runs out the
// product gets an error finding that starts "this catalog's rules are too
// hard to check completely" and says which checks were done and which not
// (the app could not answer a click on such a product either); when only
// the redundancy check runs out, a warning that names the rules not
// checked.
func Analyze(m *Model, lang string) []Finding {
	return AnalyzeWithin(context.Background(), m, lang, 0)
}

// analysisSteps are Analyze's checks in order, for the message when it
// gives up.
var analysisSteps = []string{
	"whether any configuration satisfies all the rules",
	"options that can never be chosen and features whose value is forced",
	"options that are always chosen",
	"prices that divide by zero, parts repeated beyond the limit and bills of materials that differ from the parts drawn",
	"the presets",
	"redundant rules",
}

// AnalyzeWithin is Analyze with another budget of work (0: AnalyzeWork),
// that also stops, with a "too hard" finding, when ctx ends.
func AnalyzeWithin(ctx context.Context, m *Model, lang string, work int) []Finding {
	if work <= 0 {
		work = AnalyzeWork
	}
	p := m.Product
	var out []Finding
	add := func(sev Severity, pos catalog.Pos, feature, option, rule, format string, args ...any) {
		out = append(out, Finding{Severity: sev, Product: p.ID, Feature: feature, Option: option, Rule: rule, Pos: pos, Message: fmt.Sprintf(format, args...)})
	}
	s := m.NewSession()
	s.SetWorkers(1) // one solver: lint runs once, and its memory is what a CI machine has
	s.SetContext(ctx)
	s.SetWorkLimit(work)
	s.SetTimeLimit(analyzeTime)
	s.begin()
	defer s.end()
	// gaveUp reports the step the work ran out in as an error finding.
	gaveUp := func(step int) bool {
		err := s.tooHard("checking "+analysisSteps[step],
			"the catalog's format, references and prices; "+strings.Join(append([]string{"the rules' syntax"}, analysisSteps[:step]...), "; "),
			strings.Join(analysisSteps[step:], "; "))
		if err == nil {
			return false
		}
		add(Error, p.Pos, "", "", "", "%v", err)
		return true
	}
	def := lang
	ok, _ := s.Consistent(Decisions{})
	if gaveUp(0) {
		return out
	}
	if !ok {
		conflict := quickXplain(len(m.cons), func(on []int) bool {
			off := make([]bool, len(m.cons))
			for i := range off {
				off[i] = true
			}
			for _, c := range on {
				off[c] = false
			}
			return s.solveUnits(nil, off, nil) != nil
		})
		var names []string
		for _, c := range conflict {
			names = append(names, m.constraintName(c, lang, def))
		}
		if gaveUp(0) {
			return out
		}
		add(Error, p.Pos, "", "", "", "no configuration satisfies all the rules; these contradict each other: %s", strings.Join(names, "; "))
		return out
	}
	doms, err := s.Domains(Decisions{})
	if gaveUp(1) {
		return out
	}
	if err != nil {
		add(Error, p.Pos, "", "", "", "%v", err)
		return out
	}
	var always []Finding // step 2, kept apart so that step 1's findings come first
	for _, f := range p.Features {
		fd := doms.Feature(f.ID)
		switch f.Kind {
		case catalog.Choice, catalog.Multi:
			availableCount := 0
			for i, o := range f.Options {
				if fd.Available[i] {
					availableCount++
					continue
				}
				v := catalog.Value{Kind: catalog.Choice, Str: o.ID}
				if f.Kind == catalog.Multi {
					v = catalog.Value{Kind: catalog.Multi, Set: []string{o.ID}}
				}
				why := ""
				if e, err := s.Explain(Decisions{}, f.ID, v); err == nil && e != nil {
					why = ": " + e.Message(lang, def)
				}
				add(Warning, o.Pos, f.ID, o.ID, "", "option %q of %q can never be chosen%s", o.ID, f.ID, why)
			}
			if f.Kind == catalog.Choice && availableCount == 1 && len(f.Options) > 1 {
				for i, o := range f.Options {
					if fd.Available[i] {
						add(Warning, f.Pos, f.ID, o.ID, "", "feature %q is always %q: the rules leave no other option", f.ID, o.ID)
					}
				}
			}
			if f.Kind == catalog.Multi {
				for i, o := range f.Options {
					if fd.Available[i] && s.solveUnits([]unit{{m.byFeature[f.ID][i], 0}}, nil, nil) == nil && !s.exhausted() {
						always = append(always, Finding{Severity: Warning, Product: p.ID, Feature: f.ID, Option: o.ID, Pos: o.Pos,
							Message: fmt.Sprintf("option %q of %q is always chosen: the rules never allow leaving it out", o.ID, f.ID)})
					}
				}
			}
		case catalog.Number:
			if len(fd.Allowed) == 1 && fd.Allowed[0].Min.Equal(fd.Allowed[0].Max) && !f.Min.Equal(f.Max) {
				add(Warning, f.Pos, f.ID, "", "", "feature %q is always %s %s: the rules leave no other value", f.ID, fd.Allowed[0].Min, f.Unit)
			} else if len(fd.Allowed) > 0 && (!fd.Allowed[0].Min.Equal(f.Min) || !fd.Allowed[len(fd.Allowed)-1].Max.Equal(f.Max)) {
				add(Warning, f.Pos, f.ID, "", "", "feature %q can only be %s to %s %s, not its whole range %s to %s", f.ID,
					fd.Allowed[0].Min, fd.Allowed[len(fd.Allowed)-1].Max, f.Unit, f.Min, f.Max)
			}
		}
	}
	if gaveUp(1) { // in an explanation
		return out
	}
	if gaveUp(2) {
		return out
	}
	out = append(out, always...)
	out = append(out, m.priceDivisions(doms)...)
	repeats := s.repeatsBeyondLimit(doms)
	bom := s.bomPartCounts(doms, lang, def)
	if gaveUp(3) {
		return out
	}
	out = append(out, repeats...)
	out = append(out, bom...)
	if v := p.Resolve(nil).Violations(); len(v) > 0 {
		add(Warning, v[0].Pos, "", "", v[0].ID, "the default configuration breaks rule %q (%s); the app starts from the nearest valid configuration instead", v[0].ID, v[0].Message.In(lang, def))
	}
	for _, pr := range p.Presets {
		dec := Decisions{}
		for k, v := range pr.Values {
			dec[k] = v
		}
		ok, err := s.Consistent(dec)
		if gaveUp(4) {
			return out
		}
		if err != nil || !ok {
			add(Error, pr.Pos, "", "", "", "preset %q has no valid configuration", pr.ID)
		}
	}
	// Redundant rules, by the engine's own search within AnalyzeNodes in all.
	var checkable []int
	for ci, c := range m.cons {
		if c.rule == nil || c.readsText || c.aux {
			continue // texts are inputs: a rule on them matters once someone types
		}
		checkable = append(checkable, ci)
	}
	nodes := 0
	for k, ci := range checkable {
		if nodes > AnalyzeNodes || ctx.Err() != nil {
			var ids []string
			for _, cj := range checkable[k:] {
				if id := m.cons[cj].rule.ID; !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			why := fmt.Sprintf("the redundancy check gave up after %d search nodes (the limit is %d)", nodes, AnalyzeNodes)
			if ctx.Err() != nil {
				why = "the analysis was cancelled"
			}
			add(Warning, p.Pos, "", "", "", "%v: product %s: %s; checked: every other check, and %d of %d rules for redundancy; not checked: whether %s %s redundant",
				ErrTooHard, p.ID, why, k, len(checkable), abbreviate(ids, 10), plural(len(ids), "is", "are"))
			break
		}
		if !m.canViolate(ci, &nodes) {
			c := m.cons[ci]
			add(Warning, c.rule.Pos, "", "", c.rule.ID, "rule %q is redundant: no configuration that the other rules allow breaks it", c.rule.ID)
		}
	}
	return out
}

// abbreviate lists ids in quotes, at most n of them and how many more.
func abbreviate(ids []string, n int) string {
	var q []string
	for i, id := range ids {
		if i == n {
			q = append(q, fmt.Sprintf("%d more", len(ids)-n))
			break
		}
		q = append(q, strconv.Quote(id))
	}
	return strings.Join(q, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// constraintName describes a constraint for messages.
func (m *Model) constraintName(ci int, lang, def string) string {
	c := m.cons[ci]
	if c.rule != nil {
		return fmt.Sprintf("rule %q (%s)", c.rule.ID, c.rule.Message.In(lang, def))
	}
	return countMessage(c.multi, lang, def)
}

// redundancyBudget bounds the search for a configuration that breaks one
// rule; past it the rule counts as not redundant (no warning rather than a
// wrong one, and lint never hangs on a large product).
const redundancyBudget = 20000

// canViolate reports whether some configuration allowed by all the other
// constraints breaks constraint ci (true when the search runs out of budget).
// The search's nodes are added to *spent.
func (m *Model) canViolate(ci int, spent *int) bool {
	neg := *m
	neg.shared = &shared{} // its own: what the negated model finds holds only for it
	neg.cons = make([]constraint, len(m.cons))
	copy(neg.cons, m.cons)
	c := m.cons[ci]
	check := c.check
	nc := constraint{rule: c.rule, multi: c.multi, scope: c.scope, readsText: c.readsText,
		check: func(t []int32, texts map[string]string) bool { return !check(t, texts) }}
	neg.tabulate(&nc)
	neg.cons[ci] = nc
	st := neg.newState(nil)
	st.budget = redundancyBudget
	defer func() { *spent += *st.nodes }()
	if !st.propagateAll() {
		return false
	}
	return st.solve(nil) != nil || *st.nodes > redundancyBudget
}
