package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/expr"
)

// maxBOMChecks bounds the solver calls that confirm, for one bill of
// materials item, that a configuration where its count and its parts'
// differ is valid; maxBOMSamples bounds the valid configurations sampled
// when the item's and its parts' features take too many combinations to
// go through.
const (
	maxBOMChecks  = 256
	maxBOMSamples = 512
)

// bomPartCounts compares every bill of materials item that names the parts
// drawing it ("parts") with those parts, over valid configurations: the
// item's quantity should be how many of them the configuration draws. The
// values of the features they read are gone through in every combination
// the domains allow (each count that differs confirmed valid by the
// solver), or, past lintTuples combinations or with texts, sampled: a
// valid configuration for every allowed value of each of those features.
// The first configuration where they differ is reported, naming the item,
// the parts, the values and both counts.
func (s *Session) bomPartCounts(d *Domains, lang, def string) []Finding {
	m := s.m
	p := m.Product
	allowed := m.allowedValues(d)
	base := p.Resolve(nil).Values
	var out []Finding
	for _, it := range p.BOM {
		if len(it.Parts) == 0 {
			continue
		}
		var parts []*catalog.Part
		var nodes []expr.Node
		for _, e := range []*catalog.Expr{it.Quantity, it.When} {
			if e != nil {
				nodes = append(nodes, e.Root)
			}
		}
		for _, id := range it.Parts {
			part := p.Part(id)
			if part == nil {
				continue
			}
			parts = append(parts, part)
			if part.Repeat != nil && part.Repeat.Count != nil {
				nodes = append(nodes, part.Repeat.Count.Root)
			}
			if part.Visible != nil {
				nodes = append(nodes, part.Visible.Root)
			}
		}
		scope, readsText := m.scopeOf(nodes...)
		// counts gives the item's quantity and the number of its parts
		// drawn; ok is false when they differ.
		counts := func(values map[string]catalog.Value) (q decimal.Decimal, n int, ok bool) {
			cfg := &catalog.Config{Product: p, Values: values}
			q, err := cfg.ItemQuantity(it)
			if err != nil {
				return q, 0, true // an expression that fails is another check's business
			}
			for _, part := range parts {
				c, err := cfg.PartCount(part)
				if err != nil {
					return q, 0, true
				}
				n += c
			}
			return q, n, q.Equal(decimal.NewFromInt(int64(n)))
		}
		report := func(t []int32, q decimal.Decimal, n int) {
			when := ""
			if len(scope) > 0 {
				when = " with " + m.describeTuple(scope, t)
			}
			quoted := make([]string, len(it.Parts))
			for i, id := range it.Parts {
				quoted[i] = fmt.Sprintf("%q", id)
			}
			what := "part " + quoted[0] + " draws"
			if len(quoted) > 1 {
				what = "parts " + strings.Join(quoted, ", ") + " draw"
			}
			out = append(out, Finding{Severity: Warning, Product: p.ID, Pos: it.Pos,
				Message: fmt.Sprintf("bill of materials item %q (%s) orders %s%s, but %s %d: the order and the picture disagree",
					it.Name.In(lang, def), it.SKU, q.String(), when, what, n)})
		}
		complete, found := false, false
		if !readsText {
			checks := 0
			complete = eachTuple(scope, allowed, func(t []int32) bool {
				q, n, ok := counts(m.overlay(base, scope, t))
				if ok {
					return true
				}
				if checks >= maxBOMChecks || s.exhausted() {
					return false
				}
				checks++
				units := make([]unit, len(scope))
				for i, v := range scope {
					units[i] = unit{v, t[i]}
				}
				if s.solveUnits(units, nil, nil) == nil {
					return true // no valid configuration has these values
				}
				report(t, q, n)
				found = true
				return false
			})
		}
		if found || complete {
			continue
		}
		samples := 0
	sample:
		for _, v := range scope {
			for _, x := range allowed[v] {
				if samples >= maxBOMSamples || s.exhausted() {
					break sample
				}
				samples++
				sol := s.solveUnits([]unit{{v, x}}, nil, nil)
				if sol == nil {
					continue
				}
				if q, n, ok := counts(m.valuesOf(sol, nil)); !ok {
					t := make([]int32, len(scope))
					for i, w := range scope {
						t[i] = sol[w]
					}
					report(t, q, n)
					break sample
				}
			}
		}
	}
	return out
}

// overlay is values with the variables of scope set to the tuple t.
func (m *Model) overlay(values map[string]catalog.Value, scope []int, t []int32) map[string]catalog.Value {
	out := make(map[string]catalog.Value, len(values))
	for k, v := range values {
		out[k] = v
	}
	for i, v := range scope {
		x := m.vars[v]
		f := x.feature
		switch x.kind {
		case choiceVar:
			out[f.ID] = catalog.Value{Kind: catalog.Choice, Str: f.Options[t[i]].ID}
		case numberVar:
			out[f.ID] = catalog.Value{Kind: catalog.Number, Num: x.nums[t[i]]}
		case optionVar:
			set := slices.DeleteFunc(slices.Clone(out[f.ID].Set), func(id string) bool { return id == x.option.ID })
			if t[i] == 1 {
				set = append(set, x.option.ID)
			}
			out[f.ID] = catalog.Value{Kind: catalog.Multi, Set: set}
		}
	}
	return out
}
