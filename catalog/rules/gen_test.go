package rules

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// randomProduct writes a small random catalog: 2 to 5 features of every kind
// and 1 to 6 rules of every kind, numeric constraints included.
func randomProduct(r *rand.Rand) string {
	type feat struct {
		id, kind string
		opts     []string
		lo, hi   int // number: grid min, max (step 10)
	}
	var feats []feat
	n := 2 + r.IntN(4)
	for i := 0; i < n; i++ {
		f := feat{id: fmt.Sprintf("f%d", i)}
		switch k := r.IntN(10); {
		case k < 4:
			f.kind = "choice"
			for j := 0; j < 2+r.IntN(3); j++ {
				f.opts = append(f.opts, fmt.Sprintf("o%d", j))
			}
		case k < 7:
			f.kind = "number"
			f.lo = 10 * r.IntN(3)
			f.hi = f.lo + 10*(1+r.IntN(4))
		case k < 9:
			f.kind = "multi"
			for j := 0; j < 2+r.IntN(2); j++ {
				f.opts = append(f.opts, fmt.Sprintf("o%d", j))
			}
		default:
			f.kind = "text"
		}
		feats = append(feats, f)
	}
	// atom returns a random condition on feature f.
	atom := func(f feat) string {
		switch f.kind {
		case "choice":
			if r.IntN(3) == 0 {
				return fmt.Sprintf("%s in [%q, %q]", f.id, f.opts[r.IntN(len(f.opts))], f.opts[r.IntN(len(f.opts))])
			}
			op := []string{"==", "!="}[r.IntN(2)]
			return fmt.Sprintf("%s %s %q", f.id, op, f.opts[r.IntN(len(f.opts))])
		case "number":
			op := []string{"<", "<=", ">", ">=", "==", "!="}[r.IntN(6)]
			return fmt.Sprintf("%s %s %d", f.id, op, f.lo+10*r.IntN((f.hi-f.lo)/10+1))
		case "multi":
			if r.IntN(3) == 0 {
				return fmt.Sprintf("count(%s) <= %d", f.id, r.IntN(len(f.opts)))
			}
			return fmt.Sprintf("%s has %q", f.id, f.opts[r.IntN(len(f.opts))])
		default:
			return fmt.Sprintf("len(%s) == 0", f.id)
		}
	}
	pick := func() feat { return feats[r.IntN(len(feats))] }
	var rules []string
	for i := 0; i < 1+r.IntN(6); i++ {
		id := fmt.Sprintf("r%d", i)
		switch r.IntN(4) {
		case 0:
			rules = append(rules, fmt.Sprintf(`{"id": %q, "kind": "requires", "when": %q, "then": %q, "message": "Rule %s."}`, id, atom(pick()), atom(pick()), id))
		case 1:
			rules = append(rules, fmt.Sprintf(`{"id": %q, "kind": "excludes", "when": %q, "then": %q, "message": "Rule %s."}`, id, atom(pick()), atom(pick()), id))
		case 2:
			// A numeric constraint over two features when there are numbers.
			var nums []feat
			for _, f := range feats {
				if f.kind == "number" {
					nums = append(nums, f)
				}
			}
			e := atom(pick()) + " or " + atom(pick())
			if len(nums) >= 2 {
				a, b := nums[0], nums[1]
				e = fmt.Sprintf("%s + %s <= %d", a.id, b.id, a.lo+b.lo+10*r.IntN((a.hi-a.lo+b.hi-b.lo)/10+1))
			} else if len(nums) == 1 && r.IntN(2) == 0 {
				e = fmt.Sprintf("%s * 2 != %d or %s", nums[0].id, 2*(nums[0].lo+10*r.IntN(2)), atom(pick()))
			}
			rules = append(rules, fmt.Sprintf(`{"id": %q, "kind": "constraint", "expr": %q, "message": "Rule %s."}`, id, e, id))
		default:
			var cols []feat
			for _, f := range feats {
				if (f.kind == "choice" || f.kind == "number") && len(cols) < 3 {
					cols = append(cols, f)
				}
			}
			if len(cols) < 2 {
				continue
			}
			var colIDs, rows []string
			for _, f := range cols {
				colIDs = append(colIDs, fmt.Sprintf("%q", f.id))
			}
			seen := map[string]bool{}
			for k := 0; k < 1+r.IntN(5); k++ {
				var cells []string
				for _, f := range cols {
					switch {
					case r.IntN(4) == 0:
						cells = append(cells, `"*"`)
					case f.kind == "choice":
						cells = append(cells, fmt.Sprintf("%q", f.opts[r.IntN(len(f.opts))]))
					default:
						cells = append(cells, fmt.Sprint(f.lo+10*r.IntN((f.hi-f.lo)/10+1)))
					}
				}
				row := "[" + strings.Join(cells, ", ") + "]"
				if !seen[row] {
					seen[row] = true
					rows = append(rows, row)
				}
			}
			rules = append(rules, fmt.Sprintf(`{"id": %q, "kind": "table", "features": [%s], "allow": [%s], "message": "Rule %s."}`,
				id, strings.Join(colIDs, ", "), strings.Join(rows, ", "), id))
		}
	}
	var fs []string
	for _, f := range feats {
		switch f.kind {
		case "choice", "multi":
			var opts []string
			for j, o := range f.opts {
				opts = append(opts, fmt.Sprintf(`{"id": %q, "name": %q, "price": %d}`, o, o, 10*j))
			}
			extra := ""
			if f.kind == "multi" {
				lo := r.IntN(2)
				hi := lo + r.IntN(len(f.opts)-lo+1)
				def := "[]"
				if lo > 0 {
					def = fmt.Sprintf("[%q]", f.opts[0])
				}
				extra = fmt.Sprintf(`, "minSelected": %d, "maxSelected": %d, "default": %s`, lo, hi, def)
			}
			fs = append(fs, fmt.Sprintf(`{"id": %q, "kind": %q, "name": %q, "options": [%s]%s}`, f.id, f.kind, f.id, strings.Join(opts, ", "), extra))
		case "number":
			fs = append(fs, fmt.Sprintf(`{"id": %q, "kind": "number", "name": %q, "min": %d, "max": %d, "step": 10, "unit": "mm"}`, f.id, f.id, f.lo, f.hi))
		case "text":
			fs = append(fs, fmt.Sprintf(`{"id": %q, "kind": "text", "name": %q, "maxLength": 5}`, f.id, f.id))
		}
	}
	return wrapProduct(fs, rules)
}

// brute enumerates every complete configuration of a product by brute force,
// with the plain rule check of catalog.Config (an independent evaluator).
type brute struct {
	p     *catalog.Product
	texts map[string]string
	all   []map[string]catalog.Value // every assignment of the non-text features
	// broken[i] lists the rules (and "count:f") configuration i breaks.
	broken [][]string
	// variants are the brute forces of the same product with other texts
	// (see withTexts).
	variants map[string]*brute
}

// withTexts is the brute force of the same product with exactly these
// texts (the other text features at their defaults), made once.
func (b *brute) withTexts(texts map[string]string) *brute {
	var key strings.Builder
	for _, f := range b.p.Features {
		if t, ok := texts[f.ID]; ok {
			fmt.Fprintf(&key, "%s=%q;", f.ID, t)
		}
	}
	if b.variants == nil {
		b.variants = map[string]*brute{}
	}
	v, ok := b.variants[key.String()]
	if !ok {
		v = newBrute(b.p, texts)
		b.variants[key.String()] = v
	}
	return v
}

// existsDecided is exists with the texts the decisions decide, and no
// other (a text set aside reads its default).
func (b *brute) existsDecided(dec Decisions, extra func(map[string]catalog.Value) bool, skip func(string) bool) bool {
	return b.withTexts(textsOf(dec)).exists(dec, extra, skip)
}

func newBrute(p *catalog.Product, texts map[string]string) *brute {
	b := &brute{p: p, texts: texts}
	var rec func(i int, cur map[string]catalog.Value)
	rec = func(i int, cur map[string]catalog.Value) {
		if i == len(p.Features) {
			b.all = append(b.all, cloneValues(cur))
			return
		}
		f := p.Features[i]
		switch f.Kind {
		case catalog.Choice:
			for _, o := range f.Options {
				cur[f.ID] = catalog.Value{Kind: catalog.Choice, Str: o.ID}
				rec(i+1, cur)
			}
		case catalog.Number:
			for x := f.Min; x.LessThanOrEqual(f.Max); x = x.Add(f.Step) {
				cur[f.ID] = catalog.Value{Kind: catalog.Number, Num: x}
				rec(i+1, cur)
			}
		case catalog.Multi:
			for mask := 0; mask < 1<<len(f.Options); mask++ {
				set := []string{}
				for j, o := range f.Options {
					if mask&(1<<j) != 0 {
						set = append(set, o.ID)
					}
				}
				cur[f.ID] = catalog.Value{Kind: catalog.Multi, Set: set}
				rec(i+1, cur)
			}
		case catalog.Textual:
			t, ok := texts[f.ID]
			if !ok {
				t = f.Default.Str
			}
			cur[f.ID] = catalog.Value{Kind: catalog.Textual, Str: t}
			rec(i+1, cur)
		}
	}
	rec(0, map[string]catalog.Value{})
	for _, vals := range b.all {
		cfg := &catalog.Config{Product: p, Values: vals}
		var broken []string
		for _, r := range p.Rules {
			if !slicesContainsRule(cfg.Violations(), r) {
				continue
			}
			broken = append(broken, r.ID)
		}
		for _, f := range p.Features {
			if f.Kind == catalog.Multi {
				if n := len(vals[f.ID].Set); n < f.MinSelected || n > f.MaxSelected {
					broken = append(broken, "count:"+f.ID)
				}
			}
		}
		b.broken = append(b.broken, broken)
	}
	return b
}

func slicesContainsRule(rs []*catalog.Rule, r *catalog.Rule) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func cloneValues(m map[string]catalog.Value) map[string]catalog.Value {
	c := make(map[string]catalog.Value, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// agrees reports whether configuration i agrees with decisions.
func (b *brute) agrees(i int, dec Decisions) bool {
	for f, v := range dec {
		if b.p.Feature(f).Kind == catalog.Textual {
			continue
		}
		if !b.all[i][f].Equal(v) {
			return false
		}
	}
	return true
}

// valid reports whether configuration i breaks none of the rules in (ignoring those in skip).
func (b *brute) valid(i int, skip func(string) bool) bool {
	for _, r := range b.broken[i] {
		if skip == nil || !skip(r) {
			return false
		}
	}
	return true
}

func (b *brute) exists(dec Decisions, extra func(map[string]catalog.Value) bool, skip func(string) bool) bool {
	for i := range b.all {
		if b.agrees(i, dec) && (extra == nil || extra(b.all[i])) && b.valid(i, skip) {
			return true
		}
	}
	return false
}

func (b *brute) count(dec Decisions) int {
	n := 0
	for i := range b.all {
		if b.agrees(i, dec) && b.valid(i, nil) {
			n++
		}
	}
	return n
}

// randomDecisions decides a random subset of the features, with random
// values (possibly contradicting each other).
func randomDecisions(r *rand.Rand, p *catalog.Product) Decisions {
	d := Decisions{}
	for _, f := range p.Features {
		if r.IntN(2) == 0 {
			continue
		}
		d[f.ID] = randomValue(r, f)
	}
	return d
}

// randomValue is any value of the feature's kind and grid.
func randomValue(r *rand.Rand, f *catalog.Feature) catalog.Value {
	switch f.Kind {
	case catalog.Choice:
		return catalog.Value{Kind: catalog.Choice, Str: f.Options[r.IntN(len(f.Options))].ID}
	case catalog.Number:
		steps := f.Max.Sub(f.Min).Div(f.Step).IntPart()
		return catalog.Value{Kind: catalog.Number, Num: f.Min.Add(f.Step.Mul(decimal.NewFromInt(r.Int64N(steps + 1))))}
	case catalog.Multi:
		set := []string{}
		for _, o := range f.Options {
			if r.IntN(2) == 0 {
				set = append(set, o.ID)
			}
		}
		return catalog.Value{Kind: catalog.Multi, Set: set}
	default:
		return catalog.Value{Kind: catalog.Textual, Str: []string{"", "abc"}[r.IntN(2)]}
	}
}

func parseRandom(t testing.TB, src string) *catalog.Product {
	t.Helper()
	c, err := catalog.Parse("random.json", []byte(src), nil)
	if err != nil {
		t.Fatalf("generated catalog does not parse: %v\n%s", err, src)
	}
	return c.Products[0]
}

// compileRandom parses and compiles a generated catalog's product.
func compileRandom(t testing.TB, src string) (*catalog.Product, *Model) {
	t.Helper()
	p := parseRandom(t, src)
	m, err := Compile(p)
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	return p, m
}

// textsOf gives the texts among decisions, as brute force takes them.
func textsOf(dec Decisions) map[string]string {
	texts := map[string]string{}
	for id, v := range dec {
		if v.Kind == catalog.Textual {
			texts[id] = v.Str
		}
	}
	return texts
}
