package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/atelier-app/atelier/catalog"
)

// Decisions are the user's choices so far, by feature id. Features without
// a decision are open; their defaults are suggestions, not decisions.
type Decisions map[string]catalog.Value

// unit is one variable fixed to one value by a decision.
type unit struct {
	v   int
	val int32
}

// item is one decision as the engine reasons about it: a feature's decision
// (all its units), the smallest thing an explanation names or a repair drops.
type item struct {
	feature string
	units   []unit
	// text is a text feature's decision (units is then empty): an input of
	// the rules, which an explanation may name and a repair set aside (the
	// rules then read the text's default).
	text   string
	isText bool
}

// Clone copies decisions.
func (d Decisions) Clone() Decisions {
	c := make(Decisions, len(d))
	for k, v := range d {
		c[k] = v
	}
	return c
}

// Without returns the decisions less some features.
func (d Decisions) Without(features ...string) Decisions {
	c := d.Clone()
	for _, f := range features {
		delete(c, f)
	}
	return c
}

// String formats decisions as feature=value, sorted.
func (d Decisions) String() string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + d[k].String()
	}
	return strings.Join(parts, " ")
}

// items turns decisions into units, in product order, and collects the
// texts. It fails on a decision the model cannot hold (an unknown feature, a
// value outside the feature's options or grid).
func (m *Model) items(d Decisions) ([]item, map[string]string, error) {
	var out []item
	texts := map[string]string{}
	for _, f := range m.Product.Features {
		v, ok := d[f.ID]
		if !ok {
			continue
		}
		if v.Kind != f.Kind {
			return nil, nil, fmt.Errorf("%s is a %s feature, not %s", f.ID, f.Kind, v.Kind)
		}
		it := item{feature: f.ID}
		vars := m.byFeature[f.ID]
		switch f.Kind {
		case catalog.Choice:
			idx := slices.IndexFunc(f.Options, func(o *catalog.Option) bool { return o.ID == v.Str })
			if idx < 0 {
				return nil, nil, fmt.Errorf("%q is not an option of %s", v.Str, f.ID)
			}
			it.units = []unit{{vars[0], int32(idx)}}
		case catalog.Number:
			if err := f.CheckNumber(v.Num); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", f.ID, err)
			}
			idx := v.Num.Sub(f.Min).Div(f.Step).IntPart()
			it.units = []unit{{vars[0], int32(idx)}}
		case catalog.Multi:
			for _, id := range v.Set {
				if f.Option(id) == nil {
					return nil, nil, fmt.Errorf("%q is not an option of %s", id, f.ID)
				}
			}
			for i, o := range f.Options {
				val := int32(0)
				if slices.Contains(v.Set, o.ID) {
					val = 1
				}
				it.units = append(it.units, unit{vars[i], val})
			}
		case catalog.Textual:
			texts[f.ID] = v.Str
			continue // an input, not a unit of the search
		}
		out = append(out, it)
	}
	for f := range d {
		if m.Product.Feature(f) == nil {
			return nil, nil, fmt.Errorf("%s has no feature %q", m.Product.ID, f)
		}
	}
	return out, texts, nil
}

// stateFor builds a propagated state with the given decision items (and the
// constraints marked active, or all). It returns nil when propagation alone
// shows there is no solution.
func (m *Model) stateFor(items []item, texts map[string]string, extra []unit) *state {
	s := m.newState(texts)
	for _, it := range items {
		for _, u := range it.units {
			if !s.assign(u.v, u.val) {
				return nil
			}
		}
	}
	for _, u := range extra {
		if !s.assign(u.v, u.val) {
			return nil
		}
	}
	if !s.propagateAll() {
		return nil
	}
	return s
}

// defaults gives each variable's preferred value: the product's defaults
// (conditional ones included) as resolved for these decisions.
func (m *Model) defaults(d Decisions) []int32 {
	return m.defaultsFrom(m.Product.Resolve(d).Values)
}

// defaultsFrom gives each variable's preferred value from feature values.
func (m *Model) defaultsFrom(values map[string]catalog.Value) []int32 {
	cfg := &catalog.Config{Values: values}
	prefer := make([]int32, len(m.vars))
	for i := range prefer {
		prefer[i] = -1
	}
	for _, f := range m.Product.Features {
		val := cfg.Values[f.ID]
		vars := m.byFeature[f.ID]
		switch f.Kind {
		case catalog.Choice:
			prefer[vars[0]] = int32(slices.IndexFunc(f.Options, func(o *catalog.Option) bool { return o.ID == val.Str }))
		case catalog.Number:
			if f.CheckNumber(val.Num) == nil {
				prefer[vars[0]] = int32(val.Num.Sub(f.Min).Div(f.Step).IntPart())
			}
		case catalog.Multi:
			for i, o := range f.Options {
				prefer[vars[i]] = 0
				if slices.Contains(val.Set, o.ID) {
					prefer[vars[i]] = 1
				}
			}
		}
	}
	return prefer
}

// valuesOf turns a solution into feature values (texts from the decisions or defaults).
func (m *Model) valuesOf(sol []int32, texts map[string]string) map[string]catalog.Value {
	out := map[string]catalog.Value{}
	for _, f := range m.Product.Features {
		vars := m.byFeature[f.ID]
		switch f.Kind {
		case catalog.Choice:
			out[f.ID] = catalog.Value{Kind: catalog.Choice, Str: f.Options[sol[vars[0]]].ID}
		case catalog.Number:
			out[f.ID] = catalog.Value{Kind: catalog.Number, Num: m.vars[vars[0]].nums[sol[vars[0]]]}
		case catalog.Multi:
			set := []string{}
			for i, o := range f.Options {
				if sol[vars[i]] == 1 {
					set = append(set, o.ID)
				}
			}
			out[f.ID] = catalog.Value{Kind: catalog.Multi, Set: set}
		case catalog.Textual:
			if t, ok := texts[f.ID]; ok {
				out[f.ID] = catalog.Value{Kind: catalog.Textual, Str: t}
			} else {
				out[f.ID] = f.Default
			}
		}
	}
	return out
}

// unitsOf lists the units of decision items.
func unitsOf(items []item) []unit {
	var out []unit
	for _, it := range items {
		out = append(out, it.units...)
	}
	return out
}
