package recommend

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// toyCatalog is a small sofa: the cover and the frame follow the legs in
// the toy history, the extras follow the cover, the size is noise; a size
// of 3 forces the frame "b".
const toyCatalog = `{
  "format": "atelier-catalog/1",
  "id": "toy", "version": "1", "name": "Toy",
  "manufacturer": {"id": "m", "name": "M"},
  "currency": "EUR", "units": "mm", "validFrom": "2026-01-01",
  "materials": [{"id": "oak", "name": "Oak", "color": "#aa8855", "finish": "satin"}],
  "products": [{
    "id": "sofa", "name": "Sofa", "sku": "S", "basePrice": "1",
    "features": [
      {"id": "legs", "kind": "choice", "name": "Legs", "default": "oak", "options": [
        {"id": "oak", "name": "Oak", "price": "0"}, {"id": "steel", "name": "Steel", "price": "0"}, {"id": "brass", "name": "Brass", "price": "0"}]},
      {"id": "cover", "kind": "choice", "name": "Cover", "default": "wool", "options": [
        {"id": "wool", "name": "Wool", "price": "0", "popularity": 0.5}, {"id": "boucle", "name": "Boucle", "price": "0", "popularity": 0.1},
        {"id": "velvet", "name": "Velvet", "price": "0", "popularity": 0.1}, {"id": "leather", "name": "Leather", "price": "0", "popularity": 0.3}]},
      {"id": "frame", "kind": "choice", "name": "Frame", "default": "a", "options": [
        {"id": "a", "name": "A", "price": "0"}, {"id": "b", "name": "B", "price": "0"}]},
      {"id": "size", "kind": "number", "name": "Size", "min": 1, "max": 3, "step": 1, "unit": "pcs", "default": 1},
      {"id": "extras", "kind": "multi", "name": "Extras", "minSelected": 0, "maxSelected": 2, "options": [
        {"id": "x", "name": "X", "price": "0"}, {"id": "y", "name": "Y", "price": "0"}]},
      {"id": "engraving", "kind": "text", "name": "Engraving", "maxLength": 10, "default": ""}
    ],
    "rules": [{"id": "big-b", "kind": "requires", "when": "size == 3", "then": "frame == \"b\"", "message": "m"}],
    "geometry": {"parts": [{"shape": "box", "size": [1, 1, 1], "position": [0, 0, 0], "material": "oak"}]}
  }]
}`

func toyProduct(t testing.TB) (*catalog.Product, *rules.Model) {
	t.Helper()
	c, err := catalog.Parse("toy.json", []byte(toyCatalog), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Product("sofa")
	m, err := rules.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, m
}

// toyHistory draws n valid configurations with the planted dependencies
// (each followed with probability 0.85).
func toyHistory(n int, seed uint64) []Example {
	r := rand.New(rand.NewPCG(seed, 1))
	legs := []string{"oak", "steel", "brass"}
	covers := []string{"wool", "boucle", "velvet", "leather"}
	coverOf := map[string]string{"oak": "wool", "steel": "leather", "brass": "velvet"}
	frameOf := map[string]string{"oak": "a", "steel": "b", "brass": "a"}
	extrasOf := map[string]string{"wool": "x", "boucle": "", "velvet": "x,y", "leather": "y"}
	follow := func(planted string, all []string) string {
		if r.Float64() < 0.85 {
			return planted
		}
		return all[r.IntN(len(all))]
	}
	var h []Example
	for range n {
		l := legs[r.IntN(3)]
		c := follow(coverOf[l], covers)
		f := follow(frameOf[l], []string{"a", "b"})
		size := []string{"1", "2", "3"}[r.IntN(3)]
		if size == "3" {
			f = "b"
		}
		e := follow(extrasOf[c], []string{"", "x", "y", "x,y"})
		h = append(h, Example{Values: map[string]string{"legs": l, "cover": c, "frame": f, "size": size, "extras": e, "engraving": "hi"}})
	}
	return h
}

func TestPlantedDependency(t *testing.T) {
	_, m := toyProduct(t)
	h := toyHistory(600, 1)
	ev, err := Evaluate(m, h, EvalOptions{Seed: 1, Limit: 150, Orders: 4})
	if err != nil {
		t.Fatal(err)
	}
	rate := map[Method]float64{}
	for _, r := range ev.Results {
		rate[r.Method] = r.Success
		t.Logf("%-12s %.1f%% (oracle %.1f%%)", r.Method, 100*r.Success, 100*r.Oracle)
		if r.Success > r.Oracle+0.03 {
			t.Errorf("%s: %.3f above its oracle %.3f", r.Method, r.Success, r.Oracle)
		}
	}
	if ev.Steps == 0 || ev.Forced == 0 {
		t.Errorf("steps %d, forced %d: want both (size 3 forces the frame)", ev.Steps, ev.Forced)
	}
	for _, m := range []Method{NaiveBayes, KNN, BayesNet, Mixture} {
		if got, base := rate[m], rate[Popular]; got < base+0.15 {
			t.Errorf("%s: %.1f%%, want at least 15 points above popular's %.1f%%", m, 100*got, 100*base)
		}
	}
}

func TestRecommendOnlyAllowed(t *testing.T) {
	p, m := toyProduct(t)
	h := toyHistory(300, 2)
	for _, meth := range Methods {
		t.Run(string(meth), func(t *testing.T) {
			mod, err := Train(p, h, meth)
			if err != nil {
				t.Fatal(err)
			}
			s := m.NewSession()
			for _, tc := range []struct {
				name string
				dec  rules.Decisions
				// skipped features must not be recommended.
				skipped []string
			}{
				{"nothing decided", rules.Decisions{}, []string{"engraving"}},
				{"size 3 forces the frame", rules.Decisions{"size": num(t, p, "size", "3")}, []string{"size", "frame", "engraving"}},
				{"legs decided", rules.Decisions{"legs": num(t, p, "legs", "steel")}, []string{"legs", "engraving"}},
			} {
				recs, err := Recommend(mod, s, tc.dec)
				if err != nil {
					t.Fatal(err)
				}
				doms, err := s.Domains(tc.dec)
				if err != nil {
					t.Fatal(err)
				}
				allowed := AllowedFrom(p, doms)
				for _, r := range recs {
					if slices.Contains(tc.skipped, r.Feature) {
						t.Errorf("%s: recommends %s=%s, a decided, forced or text feature", tc.name, r.Feature, r.Value)
					}
					if !slices.Contains(allowed(r.Feature), r.Value) {
						t.Errorf("%s: recommends %s=%s, not among the allowed %v", tc.name, r.Feature, r.Value, allowed(r.Feature))
					}
					if r.Confidence <= 0 || r.Confidence > 1 {
						t.Errorf("%s: %s confidence %v, want in (0, 1]", tc.name, r.Feature, r.Confidence)
					}
				}
				if len(recs)+len(tc.skipped) != 6 {
					t.Errorf("%s: %d recommendations %v, want %d", tc.name, len(recs), recs, 6-len(tc.skipped))
				}
			}
		})
	}
}

// num parses a value of p's feature.
func num(t *testing.T, p *catalog.Product, f, v string) catalog.Value {
	t.Helper()
	x, err := p.Feature(f).ParseValue(v)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestPlantedRecommendation(t *testing.T) {
	p, m := toyProduct(t)
	h := toyHistory(400, 3)
	for _, meth := range []Method{NaiveBayes, KNN, BayesNet, Mixture} {
		mod, err := Train(p, h, meth)
		if err != nil {
			t.Fatal(err)
		}
		for legs, cover := range map[string]string{"oak": "wool", "steel": "leather", "brass": "velvet"} {
			recs, err := Recommend(mod, m.NewSession(), rules.Decisions{"legs": num(t, p, "legs", legs)})
			if err != nil {
				t.Fatal(err)
			}
			if got := find(recs, "cover"); got.Value != cover || got.Confidence < 0.5 {
				t.Errorf("%s, legs %s: cover %s (%.2f), want %s with confidence ≥ 0.5", meth, legs, got.Value, got.Confidence, cover)
			}
		}
	}
}

func find(recs []Recommendation, f string) Recommendation {
	for _, r := range recs {
		if r.Feature == f {
			return r
		}
	}
	return Recommendation{}
}

func TestPriorWhenThin(t *testing.T) {
	p, m := toyProduct(t)
	for _, meth := range Methods {
		mod, err := Train(p, nil, meth)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := Recommend(mod, m.NewSession(), rules.Decisions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := find(recs, "cover"); got.Value != "wool" {
			t.Errorf("%s with no history: cover %q, want the most popular, wool", meth, got.Value)
		}
	}
}

func TestWeightsMatter(t *testing.T) {
	p, _ := toyProduct(t)
	// Two saved designs with boucle, one ordered with velvet.
	h := []Example{
		{Values: map[string]string{"legs": "oak", "cover": "boucle"}},
		{Values: map[string]string{"legs": "oak", "cover": "boucle"}},
		{Values: map[string]string{"legs": "oak", "cover": "velvet"}, Weight: OrderedWeight},
	}
	allowed := func(f string) []string {
		if f == "cover" {
			return []string{"boucle", "velvet"}
		}
		return nil
	}
	for _, meth := range Methods {
		mod, err := Train(p, h, meth)
		if err != nil {
			t.Fatal(err)
		}
		recs := mod.Recommend(map[string]string{"legs": "oak"}, allowed)
		if got := find(recs, "cover"); got.Value != "velvet" {
			t.Errorf("%s: cover %q, want velvet (one order outweighs two saved designs)", meth, got.Value)
		}
	}
}

func TestTrainRejects(t *testing.T) {
	p, _ := toyProduct(t)
	if _, err := Train(p, nil, "magic"); err == nil || !strings.Contains(err.Error(), "unknown method") {
		t.Errorf("unknown method: err %v", err)
	}
	if _, err := Train(p, []Example{{Weight: -1}}, Popular); err == nil {
		t.Error("negative weight accepted")
	}
}

func TestCanonicalMulti(t *testing.T) {
	p, _ := toyProduct(t)
	h := []Example{{Values: map[string]string{"extras": "y,x"}}, {Values: map[string]string{"extras": "x, y"}}}
	mod, err := Train(p, h, Popular)
	if err != nil {
		t.Fatal(err)
	}
	post := mod.Posterior(nil, "extras", []string{"", "x", "x,y", "y"})
	if best(post) != 2 {
		t.Errorf("posterior %v: want x,y most probable (the history's sets in any order)", post)
	}
}

func TestEvaluateDeterministic(t *testing.T) {
	_, m := toyProduct(t)
	h := toyHistory(200, 4)
	opt := EvalOptions{Seed: 7, Limit: 40, Orders: 3, Folds: 5}
	a, err := Evaluate(m, h, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Evaluate(m, h, opt)
	if err != nil {
		t.Fatal(err)
	}
	if a.Steps != b.Steps || a.Forced != b.Forced || a.Replayed != b.Replayed {
		t.Fatalf("runs differ: %+v vs %+v", a, b)
	}
	for i := range a.Results {
		if a.Results[i].Hits != b.Results[i].Hits || a.Results[i].Oracle != b.Results[i].Oracle {
			t.Errorf("%s: hits %d vs %d, oracle %v vs %v", a.Results[i].Method, a.Results[i].Hits, b.Results[i].Hits, a.Results[i].Oracle, b.Results[i].Oracle)
		}
	}
	if a.Replayed != 40 {
		t.Errorf("replayed %d, want the limit 40", a.Replayed)
	}
}

func TestHistoryRoundTrip(t *testing.T) {
	h := []Example{
		{Values: map[string]string{"legs": "oak", "extras": "x,y", "size": "2"}},
		{Values: map[string]string{"cover": "velvet"}, Weight: OrderedWeight},
	}
	var buf bytes.Buffer
	if err := WriteHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	got, err := ReadHistory(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(h) {
		t.Fatalf("got %d examples, want %d", len(got), len(h))
	}
	for i := range h {
		if got[i].Weight != h[i].Weight || len(got[i].Values) != len(h[i].Values) {
			t.Errorf("example %d: got %+v, want %+v", i, got[i], h[i])
		}
		for k, v := range h[i].Values {
			if got[i].Values[k] != v {
				t.Errorf("example %d %s: got %q, want %q", i, k, got[i].Values[k], v)
			}
		}
	}
	if _, err := ReadHistory(strings.NewReader("{\"values\":{}}\nnot json\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: err %v, want it to name line 2", err)
	}
}

func FuzzReadHistory(f *testing.F) {
	f.Add([]byte("{\"values\":{\"a\":\"b\"},\"weight\":3}\n\n{\"values\":{}}\n"))
	f.Add([]byte("{\"values\":null}"))
	f.Add([]byte("[1,2]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadHistory(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteHistory(&buf, h); err != nil {
			t.Fatal(err)
		}
		again, err := ReadHistory(&buf)
		if err != nil {
			t.Fatalf("written history does not read back: %v", err)
		}
		if len(again) != len(h) {
			t.Fatalf("%d examples read back, want %d", len(again), len(h))
		}
	})
}
