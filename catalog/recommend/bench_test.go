package recommend

import (
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/internal/linegen"
	"github.com/atelier-app/atelier/catalog/rules"
)

// benchHistory is the product's committed history
// (testdata/<product>.history.jsonl.gz) when there is one, else n random
// configurations of its known values (the models' time depends on the
// history's size and vocabulary, not on its validity).
func benchHistory(b *testing.B, p *catalog.Product, n int) []Example {
	b.Helper()
	if f, err := os.Open(filepath.Join("testdata", p.ID+".history.jsonl.gz")); err == nil {
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		h, err := ReadHistory(zr)
		if err != nil {
			b.Fatal(err)
		}
		for len(h) < n {
			h = append(h, h[:min(len(h), n-len(h))]...)
		}
		return h[:n]
	}
	r := rand.New(rand.NewPCG(1, 2))
	h := make([]Example, n)
	for i := range h {
		vals := map[string]string{}
		for _, f := range p.Features {
			if known := knownValues(f); len(known) > 0 {
				vals[f.ID] = known[r.IntN(len(known))]
			}
		}
		h[i] = Example{Values: vals}
	}
	return h
}

// lineHistory is n configurations of a generated 200-feature line: its
// engineered (valid) configurations drawn with skewed frequencies.
func lineHistory(b *testing.B, n int) (*catalog.Product, []Example) {
	b.Helper()
	line := linegen.Generate(linegen.Config{Seed: 1, Features: 200})
	c, err := catalog.Parse("line.json", line.JSON, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	h := make([]Example, n)
	for i := range h {
		k := int(float64(len(line.Hidden)) * r.Float64() * r.Float64()) // popular ones more often
		h[i] = Example{Values: line.Hidden[k]}
	}
	return c.Products[0], h
}

// benchQueries draws decisions (half the features, from the history) and
// a target feature with its known values as the allowed ones.
type benchQuery struct {
	decided map[string]string
	feature string
	values  []string
}

func benchQueries(p *catalog.Product, h []Example, n int) []benchQuery {
	r := rand.New(rand.NewPCG(5, 6))
	var feats []*catalog.Feature
	for _, f := range p.Features {
		if f.Kind != catalog.Textual {
			feats = append(feats, f)
		}
	}
	qs := make([]benchQuery, n)
	for i := range qs {
		e := h[r.IntN(len(h))]
		dec := map[string]string{}
		for _, f := range feats {
			if v, ok := e.Values[f.ID]; ok && r.IntN(2) == 0 {
				dec[f.ID] = v
			}
		}
		f := feats[r.IntN(len(feats))]
		delete(dec, f.ID)
		qs[i] = benchQuery{dec, f.ID, knownValues(f)}
	}
	return qs
}

// BenchmarkRecommendOne is the time of one recommendation (one feature,
// about half the others decided), the model's part, on models trained on
// 5,000 configurations of each demo product and 10,000 of the 200-feature
// line.
func BenchmarkRecommendOne(b *testing.B) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	type product struct {
		p *catalog.Product
		h []Example
	}
	var ps []product
	for _, p := range cat.Products {
		ps = append(ps, product{p, benchHistory(b, p, 5000)})
	}
	lp, lh := lineHistory(b, 10000)
	ps = append(ps, product{lp, lh})
	for _, pr := range ps {
		qs := benchQueries(pr.p, pr.h, 256)
		for _, meth := range Methods {
			b.Run(fmt.Sprintf("%s/%s", pr.p.ID, meth), func(b *testing.B) {
				mod, err := Train(pr.p, pr.h, meth)
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					q := qs[i%len(qs)]
					mod.Posterior(q.decided, q.feature, q.values)
				}
			})
		}
	}
}

// BenchmarkRecommendAll is Recommend with the engine: the domains after
// three decisions and a value for every open feature (the demo sofa, the
// chosen method, 5,000 configurations).
func BenchmarkRecommendAll(b *testing.B) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	p := cat.Product("kolme-sofa")
	mod, err := Train(p, benchHistory(b, p, 5000), Chosen)
	if err != nil {
		b.Fatal(err)
	}
	m, err := rules.Compile(p)
	if err != nil {
		b.Fatal(err)
	}
	s := m.NewSession()
	dec := rules.Decisions{}
	for f, v := range map[string]string{"cover": "leather", "seats": "3", "legs": "black"} {
		x, err := p.Feature(f).ParseValue(v)
		if err != nil {
			b.Fatal(err)
		}
		dec[f] = x
	}
	for b.Loop() {
		if _, err := Recommend(mod, s, dec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrain10k trains each method on 10,000 configurations of the
// demo sofa and of the 200-feature line.
func BenchmarkTrain10k(b *testing.B) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	sofa := cat.Product("kolme-sofa")
	sh := benchHistory(b, sofa, 10000)
	lp, lh := lineHistory(b, 10000)
	for _, tc := range []struct {
		p *catalog.Product
		h []Example
	}{{sofa, sh}, {lp, lh}} {
		for _, meth := range Methods {
			b.Run(fmt.Sprintf("%s/%s", tc.p.ID, meth), func(b *testing.B) {
				for b.Loop() {
					if _, err := Train(tc.p, tc.h, meth); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
