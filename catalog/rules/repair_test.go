package rules

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog"
)

// wideConflictProduct has a top (oak, glass) and n yes/no features x0..;
// an oak top excludes x_i = "a" for the first need of them, and a dead
// option "marble" that no configuration has.
func wideConflictProduct(n, need int) string {
	fs := []string{`{"id": "top", "kind": "choice", "name": "Top", "options": [{"id": "glass", "name": "Glass"}, {"id": "oak", "name": "Oak"}, {"id": "marble", "name": "Marble"}]}`}
	var rs []string
	for i := 0; i < n; i++ {
		fs = append(fs, fmt.Sprintf(`{"id": "x%02d", "kind": "choice", "name": "X%d", "options": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}`, i, i))
		if i < need {
			rs = append(rs, fmt.Sprintf(`{"id": "r%d", "kind": "excludes", "when": "top == \"oak\"", "then": "x%02d == \"a\"", "message": "Oak needs B on X%d."}`, i, i, i))
		}
	}
	rs = append(rs, `{"id": "nomarble", "kind": "constraint", "expr": "top != \"marble\"", "message": "Marble is sold out."}`)
	return wrapProduct(fs, rs)
}

func allA(n int) Decisions {
	dec := Decisions{}
	for i := 0; i < n; i++ {
		dec[fmt.Sprintf("x%02d", i)] = catalog.Value{Kind: catalog.Choice, Str: "a"}
	}
	return dec
}

// TestRepairsOfManyDecisions: with 40 decisions of which 5 must go, trying
// subsets by size stopped before size 5 and proposed nothing (and the app
// said no change makes it possible). The search now finds the one smallest
// repair and proves it smallest.
func TestRepairsOfManyDecisions(t *testing.T) {
	tests := []struct {
		name      string
		n, need   int
		value     string
		wantDrops []string // nil: no repair at all
		wantKind  RepairKind
	}{
		{"one of 40 must go", 40, 1, "oak", []string{"x00"}, RepairSmallest},
		{"five of 40 must go", 40, 5, "oak", []string{"x00", "x01", "x02", "x03", "x04"}, RepairSmallest},
		{"25 of 40 must go", 40, 25, "oak", nil, RepairSmallest},
		{"a dead option", 40, 5, "marble", nil, RepairSmallest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(parseRandom(t, wideConflictProduct(tt.n, tt.need)))
			if err != nil {
				t.Fatal(err)
			}
			s := m.NewSession()
			reps, err := s.Repairs(allA(tt.n), "top", catalog.Value{Kind: catalog.Choice, Str: tt.value}, 4)
			if err != nil {
				t.Fatalf("repairs: %v", err)
			}
			if tt.value == "marble" {
				if len(reps) != 0 {
					t.Fatalf("got %d repairs of a dead option, want none", len(reps))
				}
				return
			}
			if len(reps) != 1 {
				t.Fatalf("got %d repairs, want exactly 1 (the only minimal one)", len(reps))
			}
			want := tt.wantDrops
			if want == nil {
				for i := 0; i < tt.need; i++ {
					want = append(want, fmt.Sprintf("x%02d", i))
				}
			}
			if got := reps[0].Drop; !slices.Equal(got, want) {
				t.Errorf("drops %s, want %s", strings.Join(got, ","), strings.Join(want, ","))
			}
			if got := reps[0].Kind; got != tt.wantKind {
				t.Errorf("kind = %s, want %s", got, tt.wantKind)
			}
			if reps[0].Decisions["top"].Str != tt.value {
				t.Errorf("repaired decisions %s do not choose top=%s", reps[0].Decisions, tt.value)
			}
		})
	}
}

// repairCase is one repair question answered by brute force: the value v
// of f insisted on with the decisions dec. Its items are what a repair may
// set aside: the other features' decisions (texts are kept as typed: they
// are set aside only when nothing else makes room, see textsAside) and, for an option of a decided multi feature, that feature's
// other selections (named by the feature itself).
type repairCase struct {
	b     *brute
	dec   Decisions
	f     *catalog.Feature
	v     catalog.Value
	items []string
}

func newRepairCase(b *brute, dec Decisions, f *catalog.Feature, v catalog.Value) *repairCase {
	c := &repairCase{b: b, dec: dec, f: f, v: v}
	for _, g := range b.p.Features {
		if _, ok := dec[g.ID]; !ok || g.Kind == catalog.Textual {
			continue
		}
		if g.ID != f.ID || f.Kind == catalog.Multi {
			c.items = append(c.items, g.ID)
		}
	}
	return c
}

// holds reports whether some valid configuration has the value with the
// items kept (and the texts).
func (c *repairCase) holds(kept []string) bool {
	ctx := Decisions{}
	for _, k := range kept {
		if k != c.f.ID {
			ctx[k] = c.dec[k]
		}
	}
	extra := func(cfg map[string]catalog.Value) bool { return cfg[c.f.ID].Equal(c.v) }
	if c.f.Kind == catalog.Multi {
		o := c.v.Set[0]
		extra = func(cfg map[string]catalog.Value) bool { return slices.Contains(cfg[c.f.ID].Set, o) }
		if slices.Contains(kept, c.f.ID) {
			ctx[c.f.ID] = c.dec[c.f.ID]
			ctx, extra = multiContext(ctx, c.f, o)
		}
	}
	for k, x := range c.dec {
		if x.Kind == catalog.Textual {
			ctx[k] = x
		}
	}
	return c.b.existsDecided(ctx, extra, nil)
}

// keptBy lists the items a repair keeps.
func (c *repairCase) keptBy(drop []string) []string {
	var kept []string
	for _, k := range c.items {
		if !slices.Contains(drop, k) {
			kept = append(kept, k)
		}
	}
	return kept
}

// smallest returns the fewest items any repair sets aside, and how many
// sets of that size work (-1, 0 when none does).
func (c *repairCase) smallest() (size, count int) {
	size = -1
	for mask := 0; mask < 1<<len(c.items); mask++ {
		var drop []string
		for i, k := range c.items {
			if mask&(1<<i) != 0 {
				drop = append(drop, k)
			}
		}
		if size >= 0 && len(drop) > size {
			continue
		}
		if !c.holds(c.keptBy(drop)) {
			continue
		}
		if size < 0 || len(drop) < size {
			size, count = len(drop), 0
		}
		count++
	}
	return size, count
}

// check checks the repairs proposed for the case against brute force:
// proposals only when the value is possible at all, and then at least
// one; each consistent; smallest ones of the smallest size (all of them,
// up to max, when all is set), larger ones one larger and minimal, maximal
// ones maximal.
func (c *repairCase) check(reps []Repair, max int, all bool) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	size, count := c.smallest()
	if size < 0 {
		// Not with the texts as typed: only repairs that set texts aside,
		// and they fit.
		for _, rep := range reps {
			if !slices.ContainsFunc(rep.Drop, func(k string) bool { return c.b.p.Feature(k).Kind == catalog.Textual }) {
				fail("repair %v of a value no configuration with these texts has", rep.Drop)
			}
			if !c.b.existsDecided(rep.Decisions, nil, nil) {
				fail("repair %v (%s) gives %s, which does not fit", rep.Drop, rep.Kind, rep.Decisions)
			}
		}
		return errs
	}
	if len(reps) == 0 {
		fail("no repair, but setting %d decisions aside works", size)
		return errs
	}
	smallest := map[string]bool{} // the smallest sets proposed
	alts := map[string][]string{} // the new values proposed, by set
	for _, rep := range reps {
		set := strings.Join(rep.Drop, ",")
		var vals []string
		for _, k := range rep.Drop {
			if k == c.f.ID {
				continue
			}
			vals = append(vals, rep.Decisions[k].String())
			if x, ok := rep.Decisions[k]; !ok || x.Equal(c.dec[k]) {
				fail("repair %v does not decide %s anew (decisions %s)", rep.Drop, k, rep.Decisions)
			}
		}
		key := strings.Join(vals, ";")
		if slices.Contains(alts[set], key) {
			fail("repair %v proposed twice with %s", rep.Drop, key)
		}
		alts[set] = append(alts[set], key)
		kept := c.keptBy(rep.Drop)
		if !c.holds(kept) || !c.b.existsDecided(rep.Decisions, nil, nil) {
			fail("repair %v (%s) gives %s, which does not fit", rep.Drop, rep.Kind, rep.Decisions)
			continue
		}
		// Putting back any one item set aside breaks it.
		for _, k := range rep.Drop {
			if c.holds(append(slices.Clone(kept), k)) {
				fail("repair %v (%s) sets %s aside needlessly", rep.Drop, rep.Kind, k)
			}
		}
		switch rep.Kind {
		case RepairSmallest:
			smallest[set] = true
			if len(rep.Drop) != size {
				fail("smallest repair %v sets %d aside, but %d is the fewest", rep.Drop, len(rep.Drop), size)
			}
		case RepairLarger:
			if len(rep.Drop) != size+1 {
				fail("larger repair %v sets %d aside, the fewest is %d", rep.Drop, len(rep.Drop), size)
			}
		case RepairMaximal:
			if !slices.Equal(rep.Drop, reps[0].Drop) {
				fail("a maximal repair %v among other sets (%v)", rep.Drop, reps[0].Drop)
			}
		}
	}
	if all && reps[0].Kind != RepairMaximal && len(smallest) != min(count, max) {
		fail("%d smallest repairs, brute force finds %d (at most %d asked)", len(smallest), count, max)
	}
	// Every combination of new values of the choice features set aside
	// that fits is proposed (up to maxAlternatives), when only choice
	// features are set aside.
	for set, got := range alts {
		drop := strings.Split(set, ",")
		if set == "" || slices.ContainsFunc(drop, func(k string) bool { return k == c.f.ID || c.b.p.Feature(k).Kind != catalog.Choice }) {
			continue
		}
		want := c.alternatives(drop)
		if len(want) <= maxAlternatives && len(got) != len(want) {
			fail("repair %v proposed with %d combinations of new values %v, brute force finds %d: %v", drop, len(got), got, len(want), want)
		}
	}
	return errs
}

// alternatives lists the combinations of new values (each different from
// the decision) of the choice features drop that fit with the other items
// and the value.
func (c *repairCase) alternatives(drop []string) []string {
	kept := c.keptBy(drop)
	var out []string
	var rec func(k int, vals []string)
	rec = func(k int, vals []string) {
		if k == len(drop) {
			ctx := Decisions{}
			for _, x := range kept {
				if x != c.f.ID {
					ctx[x] = c.dec[x]
				}
			}
			for i, x := range drop {
				ctx[x] = catalog.Value{Kind: catalog.Choice, Str: vals[i]}
			}
			for x, v := range c.dec {
				if v.Kind == catalog.Textual {
					ctx[x] = v
				}
			}
			extra := func(cfg map[string]catalog.Value) bool { return cfg[c.f.ID].Equal(c.v) }
			if c.f.Kind == catalog.Multi {
				o := c.v.Set[0]
				extra = func(cfg map[string]catalog.Value) bool { return slices.Contains(cfg[c.f.ID].Set, o) }
				if slices.Contains(kept, c.f.ID) {
					ctx[c.f.ID] = c.dec[c.f.ID]
					ctx, extra = multiContext(ctx, c.f, o)
				}
			}
			if c.b.existsDecided(ctx, extra, nil) {
				out = append(out, strings.Join(vals, ";"))
			}
			return
		}
		for _, o := range c.b.p.Feature(drop[k]).Options {
			if o.ID != c.dec[drop[k]].Str {
				rec(k+1, append(slices.Clone(vals), o.ID))
			}
		}
	}
	rec(0, nil)
	return out
}

// TestRepairsAgainstBruteForce asks for repairs of every value of random
// small products after random decisions, with the smallest-repair search
// as it is, with no checks at all for it (only the maximal set), and with
// tiny tables (rules decomposed or checked lazily, so that the solver's
// cores come through lazily added clauses too), and checks every proposal
// against brute force.
func TestRepairsAgainstBruteForce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		checks int
		share  float64 // fewestShare; 0: no MaxSAT
		tables int64   // tableLimit; small: wide rules decomposed, the rest checked lazily
	}{
		{"smallest", maxRepairChecks, fewestShare, tableLimit},
		{"maximal only", 0, 0, tableLimit},
		{"fewest by MaxSAT", 0, fewestShare, tableLimit},
		{"smallest, decomposed", maxRepairChecks, fewestShare, 6},
		{"fewest by MaxSAT, decomposed", 0, fewestShare, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved, savedShare, savedTables := maxRepairChecks, fewestShare, tableLimit
			maxRepairChecks, fewestShare, tableLimit = tc.checks, tc.share, tc.tables
			defer func() { maxRepairChecks, fewestShare, tableLimit = saved, savedShare, savedTables }()
			products := 200
			if testing.Short() {
				products = 40
			}
			asked, dead, maximal := 0, 0, 0
			for seed := uint64(1); seed <= uint64(products); seed++ {
				r := rand.New(rand.NewPCG(seed, 31))
				src := randomProduct(r)
				p, m := compileRandom(t, src)
				s := m.NewSession()
				dec := randomDecisions(r, p)
				texts := textsOf(dec)
				b := newBrute(p, texts)
				for _, f := range p.Features {
					var values []catalog.Value
					switch f.Kind {
					case catalog.Choice:
						for _, o := range f.Options {
							values = append(values, catalog.Value{Kind: catalog.Choice, Str: o.ID})
						}
					case catalog.Multi:
						for _, o := range f.Options {
							values = append(values, catalog.Value{Kind: catalog.Multi, Set: []string{o.ID}})
						}
					case catalog.Number:
						for x := f.Min; x.LessThanOrEqual(f.Max); x = x.Add(f.Step) {
							values = append(values, catalog.Value{Kind: catalog.Number, Num: x})
						}
					}
					for _, v := range values {
						reps, err := s.Repairs(dec, f.ID, v, 4)
						if err != nil {
							t.Fatalf("seed %d: repairs %s=%s: %v", seed, f.ID, v, err)
						}
						asked++
						if len(reps) == 0 {
							dead++
						} else if reps[0].Kind == RepairMaximal {
							maximal++
						}
						for _, e := range newRepairCase(b, dec, f, v).check(reps, 4, tc.checks > 0) {
							t.Errorf("seed %d, decisions %s, %s=%s: %s", seed, dec, f.ID, v, e)
						}
						if t.Failed() {
							t.Fatalf("catalog:\n%s", src)
						}
					}
				}
			}
			// With no checks, the maximal set is proposed, as the smallest
			// when the cores prove it (on products this small, nearly
			// always), or the fewest the MaxSAT search proves.
			t.Logf("%d questions, %d values no configuration has, %d maximal proposals", asked, dead, maximal)
			if tc.share > 0 && maximal > 0 {
				t.Errorf("%d maximal proposals where MaxSAT can prove the fewest", maximal)
			}
		})
	}
}

// conflictProduct has a top (glass, oak) and yes/no features named in
// pairs: an oak top forbids "a" for both features of a pair.
func conflictProduct(pairs [][2]string) string {
	fs := []string{`{"id": "top", "kind": "choice", "name": "Top", "options": [{"id": "glass", "name": "Glass"}, {"id": "oak", "name": "Oak"}]}`}
	var rs []string
	seen := map[string]bool{}
	for i, p := range pairs {
		for _, x := range p {
			if !seen[x] {
				seen[x] = true
				fs = append(fs, fmt.Sprintf(`{"id": %q, "kind": "choice", "name": %q, "options": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}`, x, x))
			}
		}
		rs = append(rs, fmt.Sprintf(`{"id": "r%d", "kind": "constraint", "expr": "top != \"oak\" or %s != \"a\" or %s != \"a\"", "message": "Not with oak."}`, i, p[0], p[1]))
	}
	return wrapProduct(fs, rs)
}

// TestMaximalRepairWhenChecksRunOut: without checks for the smallest
// repairs, the maximal kept set is proposed (the better of two greedy
// passes), then improved and proven the fewest by MaxSAT; without that, it
// is called smallest only when the cores prove it.
func TestMaximalRepairWhenChecksRunOut(t *testing.T) {
	// trio: groups x, y, z where oak forbids x with y and x with z: the
	// fewest to set aside are the 12 x (a first greedy pass keeps them and
	// sets the 24 others aside; the second, in order of fewest cores,
	// finds the 12, and the 24 disjoint cores prove it).
	var trio [][2]string
	for i := 0; i < 12; i++ {
		trio = append(trio, [2]string{fmt.Sprintf("x%02d", i), fmt.Sprintf("y%02d", i)}, [2]string{fmt.Sprintf("x%02d", i), fmt.Sprintf("z%02d", i)})
	}
	// triangles: a, b, c pairwise forbidden with oak: two of each three go,
	// which the disjoint cores (one per triangle) do not prove.
	var triangles [][2]string
	for i := 0; i < 5; i++ {
		a, b, c := fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i), fmt.Sprintf("c%d", i)
		triangles = append(triangles, [2]string{a, b}, [2]string{b, c}, [2]string{a, c})
	}
	tests := []struct {
		name     string
		pairs    [][2]string
		checks   int
		share    float64
		wantKind RepairKind
		wantDrop int
	}{
		{"trio with checks", trio, maxRepairChecks, fewestShare, RepairSmallest, 12},
		{"trio without checks", trio, 0, fewestShare, RepairSmallest, 12},
		{"trio without checks or MaxSAT", trio, 0, 0, RepairSmallest, 12},
		{"triangles with checks", triangles, maxRepairChecks, fewestShare, RepairSmallest, 10},
		{"triangles without checks", triangles, 0, fewestShare, RepairSmallest, 10},
		{"triangles without checks or MaxSAT", triangles, 0, 0, RepairMaximal, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(parseRandom(t, conflictProduct(tt.pairs)))
			if err != nil {
				t.Fatal(err)
			}
			dec := Decisions{}
			for _, f := range m.Product.Features[1:] {
				dec[f.ID] = catalog.Value{Kind: catalog.Choice, Str: "a"}
			}
			saved, savedShare := maxRepairChecks, fewestShare
			maxRepairChecks, fewestShare = tt.checks, tt.share
			defer func() { maxRepairChecks, fewestShare = saved, savedShare }()
			reps, err := m.NewSession().Repairs(dec, "top", catalog.Value{Kind: catalog.Choice, Str: "oak"}, 4)
			if err != nil {
				t.Fatal(err)
			}
			if len(reps) == 0 {
				t.Fatal("no repair")
			}
			for _, rep := range reps {
				t.Logf("%s: sets %d aside: %v", rep.Kind, len(rep.Drop), rep.Drop)
			}
			if got := reps[0].Kind; got != tt.wantKind {
				t.Errorf("first repair is %s, want %s", got, tt.wantKind)
			}
			if got := len(reps[0].Drop); got != tt.wantDrop {
				t.Errorf("first repair sets %d aside, want %d", got, tt.wantDrop)
			}
		})
	}
}

// TestFewestAgainstBruteForce runs the MaxSAT search from the repair that
// sets every decision aside on every value of random small products and checks that what it proves
// the fewest is what brute force finds (and that it always proves it).
func TestFewestAgainstBruteForce(t *testing.T) {
	ran := 0
	for seed := uint64(1); seed <= 150; seed++ {
		r := rand.New(rand.NewPCG(seed, 37))
		src := randomProduct(r)
		p, m := compileRandom(t, src)
		s := m.NewSession()
		dec := randomDecisions(r, p)
		texts := textsOf(dec)
		b := newBrute(p, texts)
		for _, f := range p.Features {
			if f.Kind != catalog.Choice {
				continue
			}
			for _, o := range f.Options {
				v := catalog.Value{Kind: catalog.Choice, Str: o.ID}
				tg, err := m.target(dec, f.ID, v, false)
				if err != nil {
					t.Fatal(err)
				}
				tg, _ = tg.textsAside(nil) // the texts as typed
				s.begin()
				rs := &repairSearch{s: s, t: tg, n: len(tg.context)}
				_, possible, ok := rs.maximal(nil, nil)
				var best []int
				proven := false
				if possible && ok {
					// From setting everything aside: the search must improve.
					all := make([]int, rs.n)
					for i := range all {
						all[i] = i
					}
					best, proven = rs.fewest(all)
				}
				s.end()
				size, _ := newRepairCase(b, dec, f, v).smallest()
				if !possible {
					if size >= 0 {
						t.Errorf("seed %d, %s, %s=%s: impossible, brute force sets %d aside", seed, dec, f.ID, o.ID, size)
					}
					continue
				}
				ran++
				var names []string
				for _, i := range best {
					names = append(names, tg.context[i].feature)
				}
				c := newRepairCase(b, dec, f, v)
				switch {
				case !proven && rs.n > 1:
					t.Errorf("seed %d, %s, %s=%s: the fewest not proven", seed, dec, f.ID, o.ID)
				case proven && len(best) != size:
					t.Errorf("seed %d, %s, %s=%s: proven fewest %v, brute force sets %d aside", seed, dec, f.ID, o.ID, names, size)
				case !c.holds(c.keptBy(names)):
					t.Errorf("seed %d, %s, %s=%s: setting %v aside does not fit", seed, dec, f.ID, o.ID, names)
				}
				if t.Failed() {
					t.Fatalf("catalog:\n%s", src)
				}
			}
		}
	}
	if ran < 100 {
		t.Errorf("only %d questions", ran)
	}
}
