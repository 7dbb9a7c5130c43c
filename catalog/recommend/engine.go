package recommend

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// MaxNumberValues bounds the values of a number feature's domain offered
// to a model (a grid finer than this is cut at its first values).
const MaxNumberValues = 10000

// MaxMultiOptions is the most available options of a multi feature whose
// every selection is offered to a model; with more, only selections of at
// most two options are.
const MaxMultiOptions = 12

// AllowedFrom gives the values the engine's domains still allow, as --set
// writes them: a choice's available options; a number's allowed values on
// its grid; a multi feature's selections of available options within its
// bounds (sorted option ids, comma-separated). A multi selection is
// allowed option by option: Recommend checks the selection it proposes as
// a whole. Answers are computed once per feature.
func AllowedFrom(p *catalog.Product, doms *rules.Domains) Allowed {
	cache := map[string][]string{}
	return func(feature string) []string {
		if v, ok := cache[feature]; ok {
			return v
		}
		fd := doms.Feature(feature)
		var out []string
		if fd != nil {
			out = domainValues(fd)
		}
		cache[feature] = out
		return out
	}
}

func domainValues(fd *rules.FeatureDomain) []string {
	f := fd.Feature
	var out []string
	switch f.Kind {
	case catalog.Choice:
		for i, o := range f.Options {
			if i < len(fd.Available) && fd.Available[i] {
				out = append(out, o.ID)
			}
		}
	case catalog.Number:
		for _, r := range fd.Allowed {
			if !f.Step.IsPositive() {
				out = append(out, r.Min.String())
				if !r.Max.Equal(r.Min) {
					out = append(out, r.Max.String())
				}
				continue
			}
			for x := r.Min; !x.GreaterThan(r.Max) && len(out) < MaxNumberValues; x = x.Add(f.Step) {
				out = append(out, x.String())
			}
		}
	case catalog.Multi:
		most := f.MaxSelected
		if countTrue(fd.Available) > MaxMultiOptions {
			most = min(most, 2)
		}
		out = selections(f, fd.Available, most)
	}
	return out
}

func countTrue(b []bool) int {
	n := 0
	for _, x := range b {
		if x {
			n++
		}
	}
	return n
}

// selections lists the selections of f's options marked in available with
// MinSelected to most options: sorted ids, comma-separated.
func selections(f *catalog.Feature, available []bool, most int) []string {
	var ids []string
	for i, o := range f.Options {
		if i < len(available) && available[i] {
			ids = append(ids, o.ID)
		}
	}
	sort.Strings(ids)
	var sets []string
	var pick func(from int, chosen []string)
	pick = func(from int, chosen []string) {
		if len(chosen) >= f.MinSelected {
			sets = append(sets, strings.Join(chosen, ","))
		}
		if len(chosen) >= most {
			return
		}
		for i := from; i < len(ids); i++ {
			pick(i+1, append(chosen, ids[i]))
		}
	}
	pick(0, nil)
	return sets
}

// Strings writes decisions as --set writes them, the model's form.
func Strings(dec rules.Decisions) map[string]string {
	out := make(map[string]string, len(dec))
	for k, v := range dec {
		if v.Kind == catalog.Multi {
			set := slices.Clone(v.Set)
			sort.Strings(set)
			out[k] = strings.Join(set, ",")
			continue
		}
		out[k] = v.String()
	}
	return out
}

// maxMultiTries bounds the selections of a multi feature checked as a
// whole before it is left without a recommendation.
const maxMultiTries = 8

// Recommend asks the engine what the decisions still allow and the model
// what to propose among it, for every open feature the engine has not
// forced. A multi feature's selection is checked as a whole (the next
// most probable one is taken when it cannot be completed).
func Recommend(m Model, s *rules.Session, dec rules.Decisions) ([]Recommendation, error) {
	doms, err := s.Domains(dec)
	if err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	if !doms.Consistent {
		return nil, nil
	}
	p := s.Model().Product
	allowed := AllowedFrom(p, doms)
	decided := Strings(dec)
	recs := m.Recommend(decided, allowed)
	out := recs[:0]
	for _, r := range recs {
		f := p.Feature(r.Feature)
		if f.Kind != catalog.Multi {
			out = append(out, r)
			continue
		}
		values := allowed(r.Feature)
		post := m.Posterior(decided, r.Feature, values)
		order := make([]int, len(values))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(i, j int) bool { return post[order[i]] > post[order[j]] })
		for _, i := range order[:min(len(order), maxMultiTries)] {
			v, err := f.ParseValue(values[i])
			if err != nil {
				continue
			}
			next := dec.Clone()
			next[f.ID] = v
			ok, err := s.Consistent(next)
			if err != nil {
				return nil, fmt.Errorf("recommend %s: %w", f.ID, err)
			}
			if ok {
				out = append(out, Recommendation{Feature: f.ID, Value: values[i], Confidence: post[i]})
				break
			}
		}
	}
	return out, nil
}
