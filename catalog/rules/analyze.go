package rules

import (
	"fmt"
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
func Analyze(m *Model, lang string) []Finding {
	p := m.Product
	var out []Finding
	add := func(sev Severity, pos catalog.Pos, feature, option, rule, format string, args ...any) {
		out = append(out, Finding{Severity: sev, Product: p.ID, Feature: feature, Option: option, Rule: rule, Pos: pos, Message: fmt.Sprintf(format, args...)})
	}
	s := m.NewSession()
	def := lang
	if ok, _ := s.Consistent(Decisions{}); !ok {
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
		add(Error, p.Pos, "", "", "", "no configuration satisfies all the rules; these contradict each other: %s", strings.Join(names, "; "))
		return out
	}
	doms, err := s.Domains(Decisions{})
	if err != nil {
		add(Error, p.Pos, "", "", "", "%v", err)
		return out
	}
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
					if fd.Available[i] && s.solveUnits([]unit{{m.byFeature[f.ID][i], 0}}, nil, nil) == nil {
						add(Warning, o.Pos, f.ID, o.ID, "", "option %q of %q is always chosen: the rules never allow leaving it out", o.ID, f.ID)
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
	for ci, c := range m.cons {
		if c.rule == nil || c.readsText || c.aux {
			continue // texts are inputs: a rule on them matters once someone types
		}
		if !m.canViolate(ci) {
			add(Warning, c.rule.Pos, "", "", c.rule.ID, "rule %q is redundant: no configuration that the other rules allow breaks it", c.rule.ID)
		}
	}
	if v := p.Resolve(nil).Violations(); len(v) > 0 {
		add(Warning, v[0].Pos, "", "", v[0].ID, "the default configuration breaks rule %q (%s); the app starts from the nearest valid configuration instead", v[0].ID, v[0].Message.In(lang, def))
	}
	for _, pr := range p.Presets {
		dec := Decisions{}
		for k, v := range pr.Values {
			dec[k] = v
		}
		if ok, err := s.Consistent(dec); err != nil || !ok {
			add(Error, pr.Pos, "", "", "", "preset %q has no valid configuration", pr.ID)
		}
	}
	return out
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
func (m *Model) canViolate(ci int) bool {
	neg := *m
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
	if !st.propagateAll() {
		return false
	}
	return st.solve(nil) != nil || *st.nodes > redundancyBudget
}
