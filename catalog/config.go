package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/atelier-app/atelier/catalog/expr"
	"github.com/shopspring/decimal"
)

// Config is a product with a value for every feature: the user's decisions,
// and defaults for everything not decided.
type Config struct {
	Product *Product
	Values  map[string]Value
	Decided map[string]bool
}

// Resolve fills in defaults for every feature the user has not decided.
// Conditional defaults are applied in file order, each seeing the values
// resolved so far; the first whose condition holds wins for its feature.
func (p *Product) Resolve(decisions map[string]Value) *Config {
	c := &Config{Product: p, Values: map[string]Value{}, Decided: map[string]bool{}}
	for _, f := range p.Features {
		if v, ok := decisions[f.ID]; ok && v.Kind == f.Kind {
			c.Values[f.ID] = v
			c.Decided[f.ID] = true
		} else {
			c.Values[f.ID] = f.Default
		}
	}
	applied := map[string]bool{}
	for _, d := range p.Defaults {
		if c.Decided[d.Feature] || applied[d.Feature] || d.When == nil {
			continue
		}
		if ok, err := expr.EvalBool(d.When.Root, c.Env()); err == nil && ok {
			c.Values[d.Feature] = d.Value
			applied[d.Feature] = true
		}
	}
	return c
}

// Env gives expressions the configuration's values.
func (c *Config) Env() expr.Env {
	return func(name string) (expr.Value, bool) {
		v, ok := c.Values[name]
		if !ok {
			return expr.Value{}, false
		}
		return v.Expr(), true
	}
}

// Expr converts a feature value to an expression value.
func (v Value) Expr() expr.Value {
	switch v.Kind {
	case Number:
		return expr.NumberValue(v.Num)
	case Multi:
		return expr.SetValue(v.Set)
	default:
		return expr.StringValue(v.Str)
	}
}

// String formats a value as the CLI's --set takes it.
func (v Value) String() string {
	switch v.Kind {
	case Number:
		return v.Num.String()
	case Multi:
		return strings.Join(v.Set, ",")
	}
	return v.Str
}

// Equal reports whether two values are the same.
func (v Value) Equal(w Value) bool {
	if v.Kind != w.Kind {
		return false
	}
	switch v.Kind {
	case Number:
		return v.Num.Equal(w.Num)
	case Multi:
		a, b := slices.Clone(v.Set), slices.Clone(w.Set)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b)
	}
	return v.Str == w.Str
}

// ParseValue reads a value for f as a user types it: an option id, a
// comma-separated list of option ids (empty for none), a number in the
// feature's unit, or a text.
func (f *Feature) ParseValue(s string) (Value, error) {
	v := Value{Kind: f.Kind}
	switch f.Kind {
	case Choice:
		if f.Option(s) == nil {
			return v, fmt.Errorf("%q is not an option of %q (options: %s)", s, f.ID, strings.Join(f.optionIDs(), ", "))
		}
		v.Str = s
	case Multi:
		v.Set = []string{}
		for _, id := range strings.Split(s, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if f.Option(id) == nil {
				return v, fmt.Errorf("%q is not an option of %q (options: %s)", id, f.ID, strings.Join(f.optionIDs(), ", "))
			}
			if !slices.Contains(v.Set, id) {
				v.Set = append(v.Set, id)
			}
		}
		if len(v.Set) < f.MinSelected || len(v.Set) > f.MaxSelected {
			return v, fmt.Errorf("%q takes %d to %d options, not %d", f.ID, f.MinSelected, f.MaxSelected, len(v.Set))
		}
	case Number:
		d, err := decimal.NewFromString(strings.TrimSpace(s))
		if err != nil {
			return v, fmt.Errorf("%q is not a number for %q", s, f.ID)
		}
		if err := f.CheckNumber(d); err != nil {
			return v, fmt.Errorf("%s: %w", f.ID, err)
		}
		v.Num = d
	case Textual:
		if err := f.CheckText(s); err != nil {
			return v, fmt.Errorf("%s: %w", f.ID, err)
		}
		v.Str = s
	}
	return v, nil
}

// Violations lists the rules the configuration breaks, in file order.
// (The configuration engine in catalog/rules keeps users from ever getting
// here; this is the plain check used for verification and tests.)
func (c *Config) Violations() []*Rule {
	var out []*Rule
	env := c.Env()
	for _, r := range c.Product.Rules {
		if !c.satisfies(r, env) {
			out = append(out, r)
		}
	}
	return out
}

func (c *Config) satisfies(r *Rule, env expr.Env) bool {
	switch r.Kind {
	case Requires, Excludes:
		w, err := expr.EvalBool(r.When.Root, env)
		if err != nil {
			return false
		}
		if !w {
			return true
		}
		t, err := expr.EvalBool(r.Then.Root, env)
		if err != nil {
			return false
		}
		return t == (r.Kind == Requires)
	case Constraint:
		ok, err := expr.EvalBool(r.Expr.Root, env)
		return err == nil && ok
	case Table:
	rows:
		for _, row := range r.Allow {
			for i, fid := range r.Features {
				cell, v := row[i], c.Values[fid]
				if cell.Any {
					continue
				}
				if (v.Kind == Number && !cell.Num.Equal(v.Num)) || (v.Kind != Number && cell.Str != v.Str) {
					continue rows
				}
			}
			return true
		}
		return false
	}
	return true
}

// MaterialOf returns the material a part is drawn in for this configuration.
func (c *Config) MaterialOf(cat *Catalog, part *Part) *Material {
	if part.Material != "" {
		return cat.Material(part.Material)
	}
	f := c.Product.Feature(part.MaterialFrom)
	if f == nil {
		return nil
	}
	if o := f.Option(c.Values[f.ID].Str); o != nil {
		return cat.Material(o.Material)
	}
	return nil
}

// Words says a value in words, in lang: option names ("Oak + Walnut",
// "none"), numbers with their unit ("1800 mm"), texts in quotes.
func (f *Feature) Words(v Value, lang, fallback string) string {
	switch f.Kind {
	case Choice:
		if o := f.Option(v.Str); o != nil {
			return o.Name.In(lang, fallback)
		}
	case Multi:
		var names []string
		for _, id := range v.Set {
			if o := f.Option(id); o != nil {
				names = append(names, o.Name.In(lang, fallback))
			}
		}
		if len(names) == 0 {
			return "none"
		}
		return strings.Join(names, " + ")
	case Number:
		return v.Num.String() + " " + f.Unit
	}
	return "“" + v.Str + "”"
}
