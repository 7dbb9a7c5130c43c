package rules

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/catalog"
)

// structuredProduct generates a product shaped like a real catalog: about
// 200 features in 40 sub-assemblies of 3 to 8 features, about 2,000
// options, 800 rules mostly inside a sub-assembly and about 10% across,
// with 3-feature tables and numeric constraints on a width of 400 to 3000 mm
// in 10 mm steps. Rules are drawn at random and kept only when a hidden
// ("planted") configuration satisfies them, so the product always has valid
// configurations, as a real one does.
func structuredProduct(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 99))
	type feat struct {
		id    string
		opts  int
		plant int
	}
	var assemblies [][]feat
	var fs []string
	n := 0
	for a := 0; a < 40; a++ {
		var asm []feat
		for k := 0; k < 3+r.IntN(6); k++ {
			f := feat{id: fmt.Sprintf("a%d_f%d", a, k), opts: 6 + r.IntN(9)} // 6..14 options, ~10 on average
			f.plant = r.IntN(f.opts)
			var opts []string
			for o := 0; o < f.opts; o++ {
				opts = append(opts, fmt.Sprintf(`{"id": "o%d", "name": "Option %d", "price": %d}`, o, o, 5*o))
			}
			fs = append(fs, fmt.Sprintf(`{"id": %q, "kind": "choice", "name": %q, "options": [%s]}`, f.id, f.id, strings.Join(opts, ", ")))
			asm = append(asm, f)
			n++
		}
		assemblies = append(assemblies, asm)
	}
	fs = append(fs, `{"id": "width", "kind": "number", "name": "Width", "min": 400, "max": 3000, "step": 10, "unit": "mm", "default": 1200}`)
	plantWidth := 400 + 10*r.IntN(261)
	pick := func(f feat) int { return r.IntN(f.opts) }
	var rules []string
	for i := 0; len(rules) < 800; i++ {
		a := assemblies[r.IntN(len(assemblies))]
		b := a
		if r.IntN(10) == 0 {
			b = assemblies[r.IntN(len(assemblies))] // across sub-assemblies
		}
		x, y := a[r.IntN(len(a))], b[r.IntN(len(b))]
		if x.id == y.id {
			continue
		}
		id := fmt.Sprintf("r%d", i)
		switch k := r.IntN(20); {
		case k < 8: // x == a requires y != b
			a, b := pick(x), pick(y)
			if x.plant == a && y.plant == b {
				continue
			}
			rules = append(rules, fmt.Sprintf(`{"id": %q, "kind": "requires", "when": "%s == 'o%d'", "then": "%s != 'o%d'", "message": "R%d."}`, id, x.id, a, y.id, b, i))
		case k < 15: // x == a excludes y in [b, c]
			a, b, c := pick(x), pick(y), pick(y)
			if x.plant == a && (y.plant == b || y.plant == c) {
				continue
			}
			rules = append(rules, fmt.Sprintf(`{"id": %q, "kind": "excludes", "when": "%s == 'o%d'", "then": "%s in ['o%d', 'o%d']", "message": "R%d."}`, id, x.id, a, y.id, b, c, i))
		case k < 18: // numeric constraint with the width
			a, w := pick(x), 1200+10*r.IntN(180)
			if x.plant == a && plantWidth > w {
				continue
			}
			rules = append(rules, fmt.Sprintf(`{"id": %q, "kind": "constraint", "expr": "%s != 'o%d' or width <= %d", "message": "R%d."}`, id, x.id, a, w, i))
		default:
			// a 3-feature table inside the sub-assembly
			if len(a) < 3 {
				continue
			}
			p := r.Perm(len(a))[:3]
			f1, f2, f3 := a[p[0]], a[p[1]], a[p[2]]
			var rows []string
			rows = append(rows, fmt.Sprintf(`["o%d", "*", "*"]`, pick(f1)))
			rows = append(rows, fmt.Sprintf(`["*", "o%d", "o%d"]`, f2.plant, f3.plant))
			for k := 0; k < 5; k++ {
				rows = append(rows, fmt.Sprintf(`["*", "o%d", "o%d"]`, pick(f2), pick(f3)))
			}
			slices.Sort(rows)
			rows = slices.Compact(rows)
			rules = append(rules, fmt.Sprintf(`{"id": %q, "kind": "table", "features": [%q, %q, %q], "allow": [%s], "message": "R%d."}`,
				id, f1.id, f2.id, f3.id, strings.Join(rows, ", "), i))
		}
	}
	return wrapProduct(fs, rules)
}

// unstructuredProduct is the worst case of the configuration literature: 100
// features of 10 options and 1,100 random requires/excludes rules (planted,
// as above, so that valid configurations exist).
func unstructuredProduct(seed uint64) string { return unstructuredN(seed, 100) }

// unstructuredN is the same with n features and 11n rules.
func unstructuredN(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 98))
	var fs []string
	for i := 0; i < n; i++ {
		var opts []string
		for o := 0; o < 10; o++ {
			opts = append(opts, fmt.Sprintf(`{"id": "o%d", "name": "Option %d"}`, o, o))
		}
		fs = append(fs, fmt.Sprintf(`{"id": "f%d", "kind": "choice", "name": "F%d", "options": [%s]}`, i, i, strings.Join(opts, ", ")))
	}
	plant := make([]int, n)
	for i := range plant {
		plant[i] = r.IntN(10)
	}
	var rules []string
	for i := 0; len(rules) < 11*n; i++ {
		x, y := r.IntN(n), r.IntN(n)
		if x == y {
			y = (y + 1) % n
		}
		a, b := r.IntN(10), r.IntN(10)
		if plant[x] == a && plant[y] == b {
			continue // the planted configuration must stay valid
		}
		kind := []string{"requires", "excludes"}[r.IntN(2)]
		then := fmt.Sprintf("f%d == 'o%d'", y, b)
		if kind == "requires" {
			then = fmt.Sprintf("f%d != 'o%d'", y, b)
		}
		rules = append(rules, fmt.Sprintf(`{"id": "r%d", "kind": %q, "when": "f%d == 'o%d'", "then": %q, "message": "R%d."}`, i, kind, x, a, then, i))
	}
	return wrapProduct(fs, rules)
}

func wrapProduct(fs, rules []string) string {
	return fmt.Sprintf(`{"format": "atelier-catalog/1", "id": "gen", "version": "1", "name": "Generated",
 "manufacturer": {"id": "m", "name": "M"}, "currency": "EUR", "units": "mm", "validFrom": "2026-01-01",
 "materials": [{"id": "m", "name": "M", "color": "#888", "finish": "matte"}],
 "products": [{"id": "p", "name": "P", "sku": "P", "basePrice": "100",
   "features": [%s],
   "rules": [%s],
   "geometry": {"parts": [{"shape": "box", "size": [1, 1, 1], "position": [0, 0, 0], "material": "m"}]}}]}`,
		strings.Join(fs, ",\n"), strings.Join(rules, ",\n"))
}

// clickWalk decides features one at a time, each time a random value the
// domains offer, and returns the time each decision's domain update took.
func clickWalk(t testing.TB, m *Model, r *rand.Rand, clicks int, count bool) []time.Duration {
	s := m.NewSession()
	dec := Decisions{}
	d, err := s.Domains(dec)
	if err != nil {
		t.Fatal(err)
	}
	var times []time.Duration
	order := r.Perm(len(m.Product.Features))
	for _, fi := range order {
		if len(times) >= clicks {
			break
		}
		f := m.Product.Features[fi]
		fd := d.Feature(f.ID)
		var v catalog.Value
		switch f.Kind {
		case catalog.Choice:
			var avail []int
			for i, ok := range fd.Available {
				if ok {
					avail = append(avail, i)
				}
			}
			if len(avail) == 0 {
				t.Fatalf("no value left for %s after %s", f.ID, dec)
			}
			v = catalog.Value{Kind: catalog.Choice, Str: f.Options[avail[r.IntN(len(avail))]].ID}
		case catalog.Number:
			rg := fd.Allowed[r.IntN(len(fd.Allowed))]
			v = catalog.Value{Kind: catalog.Number, Num: rg.Min}
		default:
			continue
		}
		dec[f.ID] = v
		start := time.Now()
		d, err = s.Domains(dec)
		if count {
			if _, err := s.Count(dec); err != nil {
				t.Fatal(err)
			}
		}
		times = append(times, time.Since(start))
		if err != nil {
			t.Fatal(err)
		}
		if !d.Consistent {
			t.Fatalf("a walk on offered values reached a dead end at %s", dec)
		}
	}
	return times
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

func benchWalks(b *testing.B, src string, clicks int, count bool) {
	start := time.Now()
	p := parseRandom(b, src)
	m, err := Compile(p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "compile-ms")
	var all []time.Duration
	r := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		all = append(all, clickWalk(b, m, r, clicks, count)...)
	}
	b.ReportMetric(float64(percentile(all, 0.5).Microseconds())/1000, "median-ms/click")
	b.ReportMetric(float64(percentile(all, 0.95).Microseconds())/1000, "p95-ms/click")
	b.ReportMetric(float64(percentile(all, 1).Microseconds())/1000, "max-ms/click")
}

// BenchmarkClickWalk measures one decision -> all domains updated, over
// random click walks (go test -bench ClickWalk -benchtime 5x).
func BenchmarkClickWalk(b *testing.B) {
	b.Run("structured-200x10", func(b *testing.B) { benchWalks(b, structuredProduct(1), 40, false) })
	b.Run("unstructured-100x10", func(b *testing.B) { benchWalks(b, unstructuredProduct(1), 40, false) })
}

// BenchmarkClickWalkScaling shows how a click's cost grows with the size of
// an unstructured product (go test -bench ClickWalkScaling -benchtime 3x).
func BenchmarkClickWalkScaling(b *testing.B) {
	for _, n := range []int{50, 100, 200, 300, 500} {
		b.Run(fmt.Sprintf("unstructured-%dx10", n), func(b *testing.B) { benchWalks(b, unstructuredN(1, n), 40, false) })
	}
}

// BenchmarkExplainRepair measures explanations and repair proposals for
// unavailable options after a 20-click walk.
func BenchmarkExplainRepair(b *testing.B) {
	for _, tc := range []struct {
		name string
		src  string
	}{{"structured-200x10", structuredProduct(1)}, {"unstructured-100x10", unstructuredProduct(1)}} {
		b.Run(tc.name, func(b *testing.B) {
			m, err := Compile(parseRandom(b, tc.src))
			if err != nil {
				b.Fatal(err)
			}
			var explain, repair []time.Duration
			r := rand.New(rand.NewPCG(3, 4))
			for b.Loop() {
				s := m.NewSession()
				dec := Decisions{}
				for _, fi := range r.Perm(len(m.Product.Features))[:20] {
					f := m.Product.Features[fi]
					d, err := s.Domains(dec)
					if err != nil {
						b.Fatal(err)
					}
					if f.Kind != catalog.Choice {
						continue
					}
					fd := d.Feature(f.ID)
					var avail []int
					for i, ok := range fd.Available {
						if ok {
							avail = append(avail, i)
						}
					}
					dec[f.ID] = catalog.Value{Kind: catalog.Choice, Str: f.Options[avail[r.IntN(len(avail))]].ID}
				}
				d, err := s.Domains(dec)
				if err != nil {
					b.Fatal(err)
				}
				asked := 0
				for _, f := range m.Product.Features {
					if f.Kind != catalog.Choice || asked >= 20 {
						continue
					}
					for i, o := range f.Options {
						if d.Feature(f.ID).Available[i] {
							continue
						}
						v := catalog.Value{Kind: catalog.Choice, Str: o.ID}
						start := time.Now()
						if _, err := s.Explain(dec, f.ID, v); err != nil {
							b.Fatal(err)
						}
						explain = append(explain, time.Since(start))
						start = time.Now()
						if _, err := s.Repairs(dec, f.ID, v, 4); err != nil {
							b.Fatal(err)
						}
						repair = append(repair, time.Since(start))
						asked++
						break
					}
				}
			}
			if len(explain) > 0 {
				b.ReportMetric(float64(percentile(explain, 0.5).Microseconds())/1000, "explain-median-ms")
				b.ReportMetric(float64(percentile(explain, 0.95).Microseconds())/1000, "explain-p95-ms")
				b.ReportMetric(float64(percentile(repair, 0.5).Microseconds())/1000, "repair-median-ms")
				b.ReportMetric(float64(percentile(repair, 0.95).Microseconds())/1000, "repair-p95-ms")
			}
		})
	}
}
