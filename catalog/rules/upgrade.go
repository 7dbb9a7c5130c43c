package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// DecisionChange is what carrying a design to another catalog version did
// to one of its decisions.
type DecisionChange struct {
	Feature string
	From    string         // the decision as saved
	To      *catalog.Value // what it became; nil: dropped (the default or what the rules choose is used)
	Why     string         // in plain words
}

// Upgrade carries decisions saved with another version of the product
// (feature → value as saved) to this session's product with the smallest
// changes, feature by feature in the product's order: a decision the new
// version still allows is kept; an option no longer offered, or a feature
// no longer there, is dropped; a number outside the new range moves to its
// nearest end (and onto the grid); a decision the new rules no longer
// allow with the ones kept before it moves to the nearest allowed number,
// or is dropped. It returns the decisions kept and what changed, in lang.
func (s *Session) Upgrade(saved map[string]string, lang string) (Decisions, []DecisionChange, error) {
	s.begin()
	defer s.end()
	p := s.m.Product
	def := ""
	kept := Decisions{}
	var changes []DecisionChange
	name := func(f *catalog.Feature) string { return f.Name.In(lang, def) }
	for _, id := range slices.Sorted(maps.Keys(saved)) {
		if p.Feature(id) == nil {
			changes = append(changes, DecisionChange{Feature: id, From: saved[id], Why: fmt.Sprintf("“%s” is no longer a choice of %s.", id, p.Name.In(lang, def))})
		}
	}
	for _, f := range p.Features {
		raw, ok := saved[f.ID]
		if !ok {
			continue
		}
		v, note := nearestValue(f, raw, lang)
		if v == nil {
			changes = append(changes, DecisionChange{Feature: f.ID, From: raw, Why: note})
			continue
		}
		try := maps.Clone(kept)
		try[f.ID] = *v
		fits, err := s.Consistent(try)
		if err != nil {
			return nil, nil, err
		}
		if !fits && f.Kind == catalog.Number {
			// The nearest number the rules allow with the decisions kept.
			d, err := s.Domains(kept)
			if err != nil {
				return nil, nil, err
			}
			if fd := d.Feature(f.ID); fd != nil {
				if n, ok := nearestAllowed(fd.Allowed, v.Num); ok {
					why := "the new rules do not allow " + v.Num.String() + " " + f.Unit + " with the other choices"
					if e, err := s.ExplainDecision(kept, f.ID, *v); err == nil && e != nil {
						why = strings.TrimSuffix(e.Message(lang, def), ".")
					}
					v = &catalog.Value{Kind: catalog.Number, Num: n}
					note = fmt.Sprintf("%s: %s %s instead of %s: %s.", name(f), n, f.Unit, raw, why)
					try[f.ID] = *v
					fits = true
				}
			}
		}
		if !fits {
			why := "the new rules do not allow it with the other choices"
			if e, err := s.ExplainDecision(kept, f.ID, *v); err == nil && e != nil {
				why = strings.TrimSuffix(e.Message(lang, def), ".")
			}
			changes = append(changes, DecisionChange{Feature: f.ID, From: raw,
				Why: fmt.Sprintf("%s: %s is no longer possible (%s); the catalog's choice is used.", name(f), f.Words(*v, lang, def), why)})
			continue
		}
		kept = try
		if note != "" {
			changes = append(changes, DecisionChange{Feature: f.ID, From: raw, To: v, Why: note})
		}
	}
	return kept, changes, nil
}

// nearestValue reads a saved decision with a feature of the new version:
// the value itself, or the nearest the feature now has (with a note), or
// nil and why it was dropped.
func nearestValue(f *catalog.Feature, raw, lang string) (*catalog.Value, string) {
	name := f.Name.In(lang, "")
	v, err := f.ParseValue(raw)
	if err == nil {
		return &v, ""
	}
	switch f.Kind {
	case catalog.Choice:
		return nil, fmt.Sprintf("%s: “%s” is no longer offered; the catalog's choice is used.", name, raw)
	case catalog.Multi:
		var set, gone []string
		for _, id := range strings.Split(raw, ",") {
			id = strings.TrimSpace(id)
			switch {
			case id == "":
			case f.Option(id) != nil:
				set = append(set, id)
			default:
				gone = append(gone, id)
			}
		}
		if len(set) > f.MaxSelected {
			set = set[:f.MaxSelected]
		}
		if len(set) < f.MinSelected {
			return nil, fmt.Sprintf("%s: %s is no longer offered; the catalog's choice is used.", name, strings.Join(gone, ", "))
		}
		v := catalog.Value{Kind: catalog.Multi, Set: set}
		return &v, fmt.Sprintf("%s: %s no longer offered, left out.", name, strings.Join(gone, ", "))
	case catalog.Number:
		d, err := decimal.NewFromString(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Sprintf("%s: “%s” is not a number; the catalog's choice is used.", name, raw)
		}
		n := snap(f, d)
		v := catalog.Value{Kind: catalog.Number, Num: n}
		return &v, fmt.Sprintf("%s: %s %s instead of %s (the range is now %s to %s %s).", name, n, f.Unit, raw, f.Min, f.Max, f.Unit)
	}
	return nil, fmt.Sprintf("%s: “%s” is no longer accepted (%v); left empty.", name, raw, err)
}

// snap puts a number into a feature's range, on its grid.
func snap(f *catalog.Feature, d decimal.Decimal) decimal.Decimal {
	if d.LessThan(f.Min) {
		d = f.Min
	}
	if d.GreaterThan(f.Max) {
		d = f.Max
	}
	if f.Step.IsPositive() {
		steps := d.Sub(f.Min).Div(f.Step).Round(0)
		d = f.Min.Add(steps.Mul(f.Step))
		if d.GreaterThan(f.Max) {
			d = d.Sub(f.Step)
		}
	}
	return d
}

// nearestAllowed is the allowed value nearest x.
func nearestAllowed(rs []Range, x decimal.Decimal) (decimal.Decimal, bool) {
	var best decimal.Decimal
	found := false
	for _, r := range rs {
		c := x
		if c.LessThan(r.Min) {
			c = r.Min
		}
		if c.GreaterThan(r.Max) {
			c = r.Max
		}
		if !found || c.Sub(x).Abs().LessThan(best.Sub(x).Abs()) {
			best, found = c, true
		}
	}
	return best, found
}
