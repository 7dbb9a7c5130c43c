package rules

import (
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// TestAgainstBruteForce checks the engine against enumeration on hundreds of
// random small products: domains, counts, completion, explanation
// minimality and repair correctness and minimality must all agree.
func TestAgainstBruteForce(t *testing.T) {
	t.Run("tables", func(t *testing.T) { againstBruteForce(t, 300) })
	// With tiny tables every wide rule is split into conditions with
	// auxiliary variables, and the rest is checked by forward checking.
	t.Run("decomposed", func(t *testing.T) {
		saved := tableLimit
		tableLimit = 6
		defer func() { tableLimit = saved }()
		againstBruteForce(t, 200)
	})
	// Every product's values searched on several solvers at once (only
	// large products are, normally), on two even on one core.
	t.Run("parallel", func(t *testing.T) {
		saved, procs := parallelVars, runtime.GOMAXPROCS(0)
		parallelVars = 0
		if procs < 2 {
			runtime.GOMAXPROCS(2)
		}
		defer func() { parallelVars = saved; runtime.GOMAXPROCS(procs) }()
		againstBruteForce(t, 300)
	})
	// With no table expanded into its combinations, every table rule is
	// searched from its rows alone (the encoding wide tables always get).
	t.Run("rows", func(t *testing.T) {
		saved := expandLimit
		expandLimit = 0
		defer func() { expandLimit = saved }()
		againstBruteForce(t, 300)
	})
}

// TestSessionWalkAgainstBruteForce asks one session about decisions that
// change one at a time, as a user's clicks do (set, change, undo), so that
// what the session keeps between questions (known solutions, local repairs,
// conflicts found earlier) is checked against brute force too.
func TestSessionWalkAgainstBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 120; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		src := randomProduct(r)
		p, m := compileRandom(t, src)
		s := m.NewSession()
		dec := Decisions{}
		for step := 0; step < 8; step++ {
			f := p.Features[r.IntN(len(p.Features))]
			if _, ok := dec[f.ID]; ok && r.IntN(4) == 0 {
				delete(dec, f.ID)
			} else {
				dec[f.ID] = randomValue(r, f)
			}
			texts := textsOf(dec)
			checkOne(t, seed, src, s, newBrute(p, texts), maps.Clone(dec))
			if t.Failed() {
				return
			}
		}
	}
}

func againstBruteForce(t *testing.T, products int) {
	if testing.Short() {
		products /= 5
	}
	for seed := uint64(1); seed <= uint64(products); seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		src := randomProduct(r)
		p, m := compileRandom(t, src)
		s := m.NewSession()
		if seed%2 == 0 {
			// What is possible with no decisions known first: the domains
			// then also say which options no configuration has.
			if _, err := s.Domains(Decisions{}); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
		for round := 0; round < 4; round++ {
			dec := randomDecisions(r, p)
			texts := textsOf(dec)
			b := newBrute(p, texts)
			checkOne(t, seed, src, s, b, dec)
			if t.Failed() {
				return
			}
		}
	}
}

func checkOne(t *testing.T, seed uint64, src string, s *Session, b *brute, dec Decisions) {
	p := b.p
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("seed %d, decisions %s: "+format, append([]any{seed, dec}, args...)...)
		t.Logf("catalog:\n%s", src)
	}
	// Count.
	n, err := s.Count(dec)
	if err != nil {
		fail("count: %v", err)
		return
	}
	if want := b.count(dec); n.Int64() != int64(want) {
		fail("count = %s, brute force %d", n, want)
	}
	// Consistency and completion.
	done, err := s.Complete(dec)
	if err != nil {
		fail("complete: %v", err)
		return
	}
	consistent := b.exists(dec, nil, nil)
	if (done != nil) != consistent {
		fail("complete found a configuration: %v; brute force: %v", done != nil, consistent)
	}
	if done != nil {
		cfg := &catalog.Config{Product: p, Values: done}
		if v := cfg.Violations(); len(v) > 0 {
			fail("completion breaks rule %s", v[0].ID)
		}
		for f, v := range dec {
			if !done[f].Equal(v) {
				fail("completion changed decision %s", f)
			}
		}
	}
	// Domains.
	doms, err := s.Domains(dec)
	if err != nil {
		fail("domains: %v", err)
		return
	}
	if doms.Consistent != consistent {
		fail("domains consistent = %v, brute force %v", doms.Consistent, consistent)
	}
	for _, f := range p.Features {
		fd := doms.Feature(f.ID)
		switch f.Kind {
		case catalog.Choice:
			for i, o := range f.Options {
				want := b.exists(dec.Without(f.ID), func(c map[string]catalog.Value) bool { return c[f.ID].Str == o.ID }, nil)
				if fd.Available[i] != want {
					fail("%s=%s available = %v, brute force %v", f.ID, o.ID, fd.Available[i], want)
				}
				if fd.Impossible != nil {
					never := !b.exists(Decisions{}, func(c map[string]catalog.Value) bool { return c[f.ID].Str == o.ID }, nil)
					if fd.Impossible[i] != never {
						fail("%s=%s impossible = %v, brute force %v", f.ID, o.ID, fd.Impossible[i], never)
					}
				}
				checkUnavailable(t, fail, s, b, dec, f, catalog.Value{Kind: catalog.Choice, Str: o.ID}, want)
			}
		case catalog.Multi:
			for i, o := range f.Options {
				ctx, extra := multiContext(dec, f, o.ID)
				want := b.exists(ctx, extra, nil)
				if fd.Available[i] != want {
					fail("%s has %s available = %v, brute force %v", f.ID, o.ID, fd.Available[i], want)
				}
				if fd.Impossible != nil {
					never := !b.exists(Decisions{}, func(c map[string]catalog.Value) bool { return slices.Contains(c[f.ID].Set, o.ID) }, nil)
					if fd.Impossible[i] != never {
						fail("%s has %s impossible = %v, brute force %v", f.ID, o.ID, fd.Impossible[i], never)
					}
				}
				checkUnavailable(t, fail, s, b, dec, f, catalog.Value{Kind: catalog.Multi, Set: []string{o.ID}}, want)
			}
		case catalog.Number:
			for x := f.Min; x.LessThanOrEqual(f.Max); x = x.Add(f.Step) {
				want := b.exists(dec.Without(f.ID), func(c map[string]catalog.Value) bool { return c[f.ID].Num.Equal(x) }, nil)
				if got := fd.AllowsNumber(x); got != want {
					fail("%s=%s allowed = %v, brute force %v", f.ID, x, got, want)
				}
				checkUnavailable(t, fail, s, b, dec, f, catalog.Value{Kind: catalog.Number, Num: x}, want)
			}
		}
	}
}

// multiContext is the question "can option o of multi feature f be chosen":
// with f decided as S, the configurations whose f is exactly S plus o; with f
// open, those whose f holds o.
func multiContext(dec Decisions, f *catalog.Feature, o string) (Decisions, func(map[string]catalog.Value) bool) {
	prev, decided := dec[f.ID]
	ctx := dec.Without(f.ID)
	if !decided {
		return ctx, func(c map[string]catalog.Value) bool { return slices.Contains(c[f.ID].Set, o) }
	}
	want := slices.Clone(prev.Set)
	if !slices.Contains(want, o) {
		want = append(want, o)
	}
	wantV := catalog.Value{Kind: catalog.Multi, Set: want}
	return ctx, func(c map[string]catalog.Value) bool { return c[f.ID].Equal(wantV) }
}

// checkUnavailable checks the explanation and the repairs of a value.
func checkUnavailable(t *testing.T, fail func(string, ...any), s *Session, b *brute, dec Decisions, f *catalog.Feature, v catalog.Value, available bool) {
	t.Helper()
	e, err := s.Explain(dec, f.ID, v)
	if err != nil {
		fail("explain %s=%s: %v", f.ID, v, err)
		return
	}
	if available {
		if e != nil {
			fail("explain %s=%s: explained an available value", f.ID, v)
		}
		return
	}
	if e == nil {
		fail("explain %s=%s: no explanation for an unavailable value", f.ID, v)
		return
	}
	// The question asked in a context of decisions: every decision but f's
	// (and for a multi, f's other selections as one more decision).
	holds := func(blocking Decisions, skipRule func(string) bool) bool {
		ctx := Decisions{}
		for k, x := range blocking {
			if k != f.ID {
				ctx[k] = x
			}
		}
		extra := func(c map[string]catalog.Value) bool { return c[f.ID].Equal(v) }
		if f.Kind == catalog.Multi {
			o := v.Set[0]
			if _, mine := blocking[f.ID]; mine {
				ctx[f.ID] = dec[f.ID]
				var ex func(map[string]catalog.Value) bool
				ctx, ex = multiContext(ctx, f, o)
				extra = ex
			} else {
				extra = func(c map[string]catalog.Value) bool { return slices.Contains(c[f.ID].Set, o) }
			}
		}
		// Texts are decisions like the others: one not in blocking reads
		// its default.
		return b.existsDecided(ctx, extra, skipRule)
	}
	if holds(e.BlockedBy, nil) {
		fail("explain %s=%s: blocked by %s, but that is consistent", f.ID, v, e.BlockedBy)
	}
	for k := range e.BlockedBy {
		if !holds(e.BlockedBy.Without(k), nil) {
			fail("explain %s=%s: blocked by %s is not minimal: %s is not needed", f.ID, v, e.BlockedBy, k)
		}
	}
	// The rules named: with only them the value is blocked; without any one it is not.
	named := map[string]bool{}
	for _, r := range e.Rules {
		named[r.ID] = true
	}
	for _, mf := range e.Counts {
		named["count:"+mf.ID] = true
	}
	only := func(keep map[string]bool) func(string) bool {
		return func(r string) bool { return !keep[r] }
	}
	if holds(e.BlockedBy, only(named)) {
		fail("explain %s=%s: rules %v do not block it", f.ID, v, named)
	}
	for k := range named {
		fewer := map[string]bool{}
		for x := range named {
			if x != k {
				fewer[x] = true
			}
		}
		if !holds(e.BlockedBy, only(fewer)) {
			fail("explain %s=%s: rules %v are not minimal: %s is not needed", f.ID, v, named, k)
		}
	}
	// Repairs: each makes the choice possible, keeps the other decisions,
	// and is minimal; the first is of the smallest size there is.
	reps, err := s.Repairs(dec, f.ID, v, 4)
	if err != nil {
		fail("repairs %s=%s: %v", f.ID, v, err)
		return
	}
	canRepair := anyTexts(dec, func(texts Decisions) bool { return holds(texts, nil) })
	if (len(reps) > 0) != canRepair {
		fail("repairs %s=%s: %d found, but repairable = %v", f.ID, v, len(reps), canRepair)
		return
	}
	for _, rep := range reps {
		ok, _ := s.Consistent(rep.Decisions)
		if !ok || !b.existsDecided(rep.Decisions, nil, nil) {
			fail("repair %v of %s=%s leaves decisions %s inconsistent", rep.Drop, f.ID, v, rep.Decisions)
		}
		for k, x := range dec {
			if k != f.ID && !slices.Contains(rep.Drop, k) && !rep.Decisions[k].Equal(x) {
				fail("repair %v of %s=%s changed %s, which it does not drop", rep.Drop, f.ID, v, k)
			}
		}
		for _, k := range rep.Drop {
			kept := Decisions{}
			for x, val := range dec {
				if x == k || !slices.Contains(rep.Drop, x) {
					kept[x] = val
				}
			}
			if holds(kept, nil) && len(rep.Drop) > 0 {
				fail("repair %v of %s=%s is not minimal: %s need not be dropped", rep.Drop, f.ID, v, k)
			}
		}
	}
}

// FuzzEngine runs the brute-force comparison on random products drawn from
// the fuzzer's seeds.
func FuzzEngine(f *testing.F) {
	for _, s := range []uint64{1, 23, 45, 72, 1000} {
		f.Add(s, uint64(0))
	}
	f.Fuzz(func(t *testing.T, seed, round uint64) {
		r := rand.New(rand.NewPCG(seed, round))
		src := randomProduct(r)
		p, m := compileRandom(t, src)
		dec := randomDecisions(r, p)
		texts := textsOf(dec)
		checkOne(t, seed, src, m.NewSession(), newBrute(p, texts), dec)
	})
}

// The cheapest completion is valid, keeps the decisions, is never dearer
// than the default completion, and no single open feature can be changed to
// make it cheaper; on most random products it is the true minimum.
func TestCompleteCheapest(t *testing.T) {
	optimal, total := 0, 0
	for seed := uint64(1); seed <= 150; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		p := parseRandom(t, randomProduct(r))
		m, err := Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := m.NewSession()
		dec := randomDecisions(r, p)
		texts := textsOf(dec)
		price := func(vals map[string]catalog.Value) decimal.Decimal {
			sum := decimal.Zero
			for _, f := range p.Features {
				v := vals[f.ID]
				switch f.Kind {
				case catalog.Choice:
					sum = sum.Add(f.Option(v.Str).Price)
				case catalog.Multi:
					for _, id := range v.Set {
						sum = sum.Add(f.Option(id).Price)
					}
				case catalog.Number:
					sum = sum.Add(v.Num) // dearer when larger
				}
			}
			return sum
		}
		cheap, err := s.CompleteCheapest(dec, price)
		if err != nil {
			t.Fatal(err)
		}
		def, _ := s.Complete(dec)
		if (cheap == nil) != (def == nil) {
			t.Fatalf("seed %d: cheapest %v, default %v", seed, cheap != nil, def != nil)
		}
		if cheap == nil {
			continue
		}
		if v := (&catalog.Config{Product: p, Values: cheap}).Violations(); len(v) > 0 {
			t.Errorf("seed %d: cheapest completion breaks %s", seed, v[0].ID)
		}
		for k, v := range dec {
			if !cheap[k].Equal(v) {
				t.Errorf("seed %d: cheapest completion changed decision %s", seed, k)
			}
		}
		if price(cheap).GreaterThan(price(def)) {
			t.Errorf("seed %d: cheapest %s dearer than default %s", seed, price(cheap), price(def))
		}
		b := newBrute(p, texts)
		min := decimal.Decimal{}
		first := true
		for i := range b.all {
			if b.agrees(i, dec) && b.valid(i, nil) {
				if pr := price(b.all[i]); first || pr.LessThan(min) {
					min, first = pr, false
				}
			}
		}
		total++
		if price(cheap).Equal(min) {
			optimal++
		}
	}
	t.Logf("cheapest completion was the true minimum on %d of %d random products", optimal, total)
	if optimal*10 < total*9 {
		t.Errorf("the local search found the minimum on only %d of %d products", optimal, total)
	}
}

// TestWholeDecisionsAgainstBruteForce checks ExplainDecision and
// DecisionRepairs, which the CLI uses for a --set of a whole multi selection
// or a text: the explanation blocks and is minimal; every repair makes the
// decision fit, keeps the decisions it does not drop, and is minimal.
func TestWholeDecisionsAgainstBruteForce(t *testing.T) {
	checked := 0
	for seed := uint64(1); seed <= 200; seed++ {
		r := rand.New(rand.NewPCG(seed, 13))
		src := randomProduct(r)
		p, m := compileRandom(t, src)
		s := m.NewSession()
		dec := randomDecisions(r, p)
		for _, f := range p.Features {
			var v catalog.Value
			switch f.Kind {
			case catalog.Multi:
				set := []string{}
				for _, o := range f.Options {
					if r.IntN(2) == 0 {
						set = append(set, o.ID)
					}
				}
				v = catalog.Value{Kind: catalog.Multi, Set: set}
			case catalog.Textual:
				v = catalog.Value{Kind: catalog.Textual, Str: []string{"", "abc"}[r.IntN(2)]}
			default:
				continue
			}
			texts := textsOf(dec)
			if f.Kind == catalog.Textual {
				texts[f.ID] = v.Str
			}
			b := newBrute(p, texts)
			// holds: is there a valid configuration with these other decisions and f = v?
			// The other texts are decisions: one not among others reads
			// its default.
			holds := func(others Decisions) bool {
				ctx := others.Without(f.ID)
				tx := textsOf(ctx)
				if f.Kind == catalog.Textual {
					tx[f.ID] = v.Str
					return b.withTexts(tx).exists(ctx, nil, nil)
				}
				return b.withTexts(tx).exists(ctx, func(c map[string]catalog.Value) bool { return c[f.ID].Equal(v) }, nil)
			}
			others := dec.Without(f.ID)
			e, err := s.ExplainDecision(dec, f.ID, v)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			fits := holds(others)
			if (e == nil) != fits {
				t.Fatalf("seed %d, %s=%s with %s: explained = %v, but fits = %v\n%s", seed, f.ID, v, dec, e != nil, fits, src)
			}
			checked++
			if fits {
				continue
			}
			if holds(e.BlockedBy) {
				t.Errorf("seed %d: %s=%s blocked by %s, which fits", seed, f.ID, v, e.BlockedBy)
			}
			for k := range e.BlockedBy {
				if !holds(e.BlockedBy.Without(k)) {
					t.Errorf("seed %d: %s=%s blocked by %s is not minimal (%s)", seed, f.ID, v, e.BlockedBy, k)
				}
			}
			reps, err := s.DecisionRepairs(dec, f.ID, v, 4)
			if err != nil {
				t.Fatal(err)
			}
			if (len(reps) > 0) != anyTexts(others, holds) {
				t.Errorf("seed %d: %s=%s: %d repairs", seed, f.ID, v, len(reps))
			}
			for _, rep := range reps {
				if !rep.Decisions[f.ID].Equal(v) || !holds(rep.Decisions) {
					t.Errorf("seed %d: repair %v of %s=%s gives %s, which does not fit", seed, rep.Drop, f.ID, v, rep.Decisions)
				}
				for _, k := range rep.Drop {
					kept := Decisions{}
					for x, val := range others {
						if x == k || !slices.Contains(rep.Drop, x) {
							kept[x] = val
						}
					}
					if holds(kept) {
						t.Errorf("seed %d: repair %v of %s=%s is not minimal (%s)", seed, rep.Drop, f.ID, v, k)
					}
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d whole decisions checked", checked)
	}
}

// anyTexts reports whether ok holds for some part of the texts decided in
// dec (the others read their defaults): a repair may set texts aside.
func anyTexts(dec Decisions, ok func(Decisions) bool) bool {
	var texts []string
	for k, v := range dec {
		if v.Kind == catalog.Textual {
			texts = append(texts, k)
		}
	}
	for mask := 0; mask < 1<<len(texts); mask++ {
		part := Decisions{}
		for i, k := range texts {
			if mask&(1<<i) != 0 {
				part[k] = dec[k]
			}
		}
		if ok(part) {
			return true
		}
	}
	return false
}
