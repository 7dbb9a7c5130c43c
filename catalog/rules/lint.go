package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/expr"
)

// lintTuples bounds the combinations of values enumerated for one
// expression by the checks below; an expression over more is not judged.
const lintTuples = 1 << 16

// values lists, per variable, the values the domains allow (a choice's
// available options, a number's allowed grid values; both values of a
// multi feature's option).
func (m *Model) allowedValues(d *Domains) [][]int32 {
	out := make([][]int32, len(m.vars))
	for _, f := range m.Product.Features {
		fd := d.Feature(f.ID)
		vars := m.byFeature[f.ID]
		switch f.Kind {
		case catalog.Choice:
			for i, ok := range fd.Available {
				if ok {
					out[vars[0]] = append(out[vars[0]], int32(i))
				}
			}
		case catalog.Number:
			fd.allowed.each(func(x int32) { out[vars[0]] = append(out[vars[0]], x) })
		case catalog.Multi:
			for _, v := range vars {
				out[v] = []int32{0, 1}
			}
		}
	}
	return out
}

// eachTuple calls f with every combination of the allowed values of scope
// (odometer order) until f returns false. It reports false, calling f not
// at all, when there are more than lintTuples combinations.
func eachTuple(scope []int, allowed [][]int32, f func(t []int32) bool) bool {
	n := 1
	for _, v := range scope {
		n *= len(allowed[v])
		if n == 0 {
			return true
		}
		if n > lintTuples {
			return false
		}
	}
	idx := make([]int, len(scope))
	t := make([]int32, len(scope))
	for {
		for i, v := range scope {
			t[i] = allowed[v][idx[i]]
		}
		if !f(t) {
			return true
		}
		i := len(scope) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(allowed[scope[i]]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return true
		}
	}
}

// describeTuple writes a tuple of scope as feature=value decisions.
func (m *Model) describeTuple(scope []int, t []int32) string {
	var parts []string
	for i, v := range scope {
		x := m.vars[v]
		switch x.kind {
		case optionVar:
			if t[i] == 1 {
				parts = append(parts, fmt.Sprintf("%s has %s", x.feature.ID, x.option.ID))
			} else {
				parts = append(parts, fmt.Sprintf("%s without %s", x.feature.ID, x.option.ID))
			}
		case choiceVar, numberVar:
			parts = append(parts, fmt.Sprintf("%s=%s", x.feature.ID, x.values[t[i]].String()))
		}
	}
	return strings.Join(parts, ", ")
}

// divisions lists the divisors (of / and %) in an expression.
func divisions(n expr.Node) []*expr.Binary {
	var out []*expr.Binary
	expr.Inspect(n, func(n expr.Node) bool {
		if b, ok := n.(*expr.Binary); ok && (b.Op == "/" || b.Op == "%") {
			out = append(out, b)
		}
		return true
	})
	return out
}

// priceDivisions finds price rules with a divisor that is zero for every
// value the engine allows (a constant 0 included): such a price can never
// be worked out, for any configuration the rule applies to. Values are
// taken feature by feature, so a divisor judged "always zero" is zero for
// every valid configuration (a combination that is not valid only adds a
// chance to find it non-zero).
func (m *Model) priceDivisions(d *Domains) []Finding {
	p := m.Product
	allowed := m.allowedValues(d)
	var out []Finding
	for _, pr := range p.Pricing {
		for _, e := range []*catalog.Expr{pr.When, pr.Amount} {
			if e == nil {
				continue
			}
			for _, div := range divisions(e.Root) {
				scope, readsText := m.scopeOf(div.Y)
				if readsText {
					continue
				}
				env := m.envFor(scope)
				always, known := true, true
				complete := eachTuple(scope, allowed, func(t []int32) bool {
					v, err := expr.EvalNumber(div.Y, env(t, nil))
					if err != nil {
						known = false // reads something else (quantity, a division of its own)
						return false
					}
					if !v.IsZero() {
						always = false
						return false
					}
					return true
				})
				if !complete || !known || !always {
					continue
				}
				what := "is always 0"
				if len(scope) > 0 {
					what = "is 0 for every value the rules allow"
				}
				out = append(out, Finding{Severity: Error, Product: p.ID, Rule: pr.ID, Pos: pr.Pos,
					Message: fmt.Sprintf("price rule %q divides by zero: its divisor %s, so the price can never be worked out where the rule applies", pr.ID, what)})
			}
		}
	}
	return out
}

// maxRepeatChecks bounds the solver calls that look for a valid
// configuration with a part repeated beyond the limit.
const maxRepeatChecks = 4096

// repeatsBeyondLimit finds parts whose repeat count exceeds
// catalog.MaxParts for some valid configuration (the preview then fails
// for it): the largest count over the allowed values, confirmed by the
// solver with the values it needs.
func (s *Session) repeatsBeyondLimit(d *Domains) []Finding {
	m := s.m
	p := m.Product
	allowed := m.allowedValues(d)
	var out []Finding
	for _, part := range p.Parts {
		if part.Repeat == nil || part.Repeat.Count == nil {
			continue
		}
		node := part.Repeat.Count.Root
		scope, readsText := m.scopeOf(node)
		if readsText {
			continue
		}
		env := m.envFor(scope)
		limit := decimal.NewFromInt(catalog.MaxParts)
		type cand struct {
			t []int32
			n decimal.Decimal
		}
		var over []cand
		eachTuple(scope, allowed, func(t []int32) bool {
			if n, err := expr.EvalNumber(node, env(t, nil)); err == nil && n.GreaterThan(limit) {
				over = append(over, cand{slices.Clone(t), n})
			}
			return true
		})
		// The largest count first; the solver confirms that a valid
		// configuration has it (the values were taken feature by feature).
		slices.SortStableFunc(over, func(a, b cand) int { return b.n.Cmp(a.n) })
		var witness []int32
		var most decimal.Decimal
		for i, c := range over {
			if i == maxRepeatChecks || s.exhausted() {
				break
			}
			units := make([]unit, len(scope))
			for i, v := range scope {
				units[i] = unit{v, c.t[i]}
			}
			if s.solveUnits(units, nil, nil) != nil {
				witness, most = c.t, c.n
				break
			}
		}
		if witness == nil {
			continue
		}
		when := ""
		if len(scope) > 0 {
			when = " with " + m.describeTuple(scope, witness)
		}
		out = append(out, Finding{Severity: Error, Product: p.ID, Pos: part.Pos,
			Message: fmt.Sprintf("part %q is repeated %s times%s; a product draws at most %d parts, so such a configuration cannot be shown", part.ID, most.Truncate(0), when, catalog.MaxParts)})
	}
	return out
}
