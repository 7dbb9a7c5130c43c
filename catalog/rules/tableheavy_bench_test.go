package rules

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/internal/linegen"
)

// tableHeavyLines are the lines of issue 13: generated table-heavy product
// lines of about 150 and 270 choice features, and the two wide-table cases.
var tableHeavyLines = []struct {
	name string
	line func() *linegen.Line
}{
	{"line-150", func() *linegen.Line { return linegen.Generate(linegen.Config{Seed: 1, Features: 150}) }},
	{"line-270", func() *linegen.Line { return linegen.Generate(linegen.Config{Seed: 1, Features: 270}) }},
	{"wide-6x8-2rows", linegen.WideFew},
	{"wide-6col-22rows-150", func() *linegen.Line { return linegen.WideRealistic(linegen.Config{Seed: 1}) }},
}

// BenchmarkTableHeavy measures the engine on the table-heavy lines, each
// iteration from the catalog's bytes: load (parse), Compile, the heap the
// compiled model keeps and what compiling allocated, a click walk of 40
// decisions (each a Domains call), then explanations and repairs of up to
// 10 unavailable options. Questions that run out of their budget are
// counted (toohard), not fatal, so that a baseline can be taken on code
// that gives up. Run it with
//
//	go test ./catalog/rules -run '^$' -bench TableHeavy -benchtime 3x
func BenchmarkTableHeavy(b *testing.B) {
	for _, tc := range tableHeavyLines {
		b.Run(tc.name, func(b *testing.B) {
			l := tc.line()
			var load, compile, clicks, explain, repair []time.Duration
			var heap, alloc []float64
			tooHard, noRepair, asked := 0, 0, 0
			r := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				start := time.Now()
				c, err := catalog.Parse("line.json", l.JSON, nil)
				if err != nil {
					b.Fatal(err)
				}
				load = append(load, time.Since(start))
				start = time.Now()
				m, err := Compile(c.Products[0])
				if err != nil {
					b.Fatal(err)
				}
				compile = append(compile, time.Since(start))
				runtime.ReadMemStats(&after)
				alloc = append(alloc, float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap = append(heap, (float64(after.HeapInuse)-float64(before.HeapInuse))/(1<<20))

				w := tableHeavyWalk(b, m, r, l.Hidden[0], 40)
				clicks = append(clicks, w.times...)
				tooHard += w.tooHard
				if w.domains == nil {
					continue
				}
				for _, f := range m.Product.Features {
					if asked >= 10*(len(compile)) {
						break
					}
					fd := w.domains.Feature(f.ID)
					for i, o := range f.Options {
						if fd.Available[i] {
							continue
						}
						v := catalog.Value{Kind: catalog.Choice, Str: o.ID}
						s := w.s
						start := time.Now()
						_, err := s.Explain(w.dec, f.ID, v)
						explain = append(explain, time.Since(start))
						if errors.Is(err, ErrTooHard) {
							tooHard++
						} else if err != nil {
							b.Fatal(err)
						}
						start = time.Now()
						reps, err := s.Repairs(w.dec, f.ID, v, 4)
						repair = append(repair, time.Since(start))
						if errors.Is(err, ErrTooHard) {
							tooHard++
						} else if err != nil {
							b.Fatal(err)
						} else if len(reps) == 0 {
							noRepair++
						}
						asked++
						break
					}
				}
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(percentile(load, 0.5)), "load-ms")
			b.ReportMetric(ms(percentile(compile, 0.5)), "compile-ms")
			b.ReportMetric(median(heap), "heap-MB")
			b.ReportMetric(median(alloc), "compile-alloc-MB")
			if len(clicks) > 0 {
				b.ReportMetric(ms(percentile(clicks, 0.5)), "median-ms/click")
				b.ReportMetric(ms(percentile(clicks, 0.95)), "p95-ms/click")
				b.ReportMetric(ms(percentile(clicks, 1)), "max-ms/click")
			}
			if len(explain) > 0 {
				b.ReportMetric(ms(percentile(explain, 0.5)), "explain-median-ms")
				b.ReportMetric(ms(percentile(explain, 1)), "explain-max-ms")
				b.ReportMetric(ms(percentile(repair, 0.5)), "repair-median-ms")
				b.ReportMetric(ms(percentile(repair, 0.95)), "repair-p95-ms")
				b.ReportMetric(100*float64(noRepair)/float64(len(repair)), "repairs-none-%")
			}
			b.ReportMetric(float64(tooHard), "toohard")
		})
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// walk is a click walk on a table-heavy line.
type walk struct {
	s       *Session
	times   []time.Duration // per Domains call after a decision
	dec     Decisions
	domains *Domains // the last domains known, nil if none was
	tooHard int      // questions that ran out of budget
}

// tableHeavyWalk decides up to clicks features in a random order, each time
// a random value the domains offer (the engineered configuration's value
// when the domains are not known because the question ran out of budget),
// timing each Domains call. It stops after three too-hard answers in a row
// (each can take the 10 s backstop). One session, as in the app; the
// explanations and repairs after the walk are asked in it too.
func tableHeavyWalk(b *testing.B, m *Model, r *rand.Rand, engineered map[string]string, clicks int) walk {
	b.Helper()
	s := m.NewSession()
	w := walk{s: s, dec: Decisions{}}
	d, err := s.Domains(w.dec)
	switch {
	case errors.Is(err, ErrTooHard):
		w.tooHard++
	case err != nil:
		b.Fatal(err)
	default:
		w.domains = d
	}
	hardRun := 0 // too-hard answers in a row
	for _, fi := range r.Perm(len(m.Product.Features)) {
		if len(w.times) >= clicks || hardRun >= 3 {
			break // three too-hard answers in a row: the rest would be too
		}
		f := m.Product.Features[fi]
		v := catalog.Value{Kind: catalog.Choice, Str: engineered[f.ID]}
		blind := w.domains == nil
		if !blind {
			var avail []int
			for i, ok := range w.domains.Feature(f.ID).Available {
				if ok {
					avail = append(avail, i)
				}
			}
			if len(avail) == 0 {
				b.Fatalf("no value left for %s after %s", f.ID, w.dec)
			}
			v.Str = f.Options[avail[r.IntN(len(avail))]].ID
		}
		w.dec[f.ID] = v
		start := time.Now()
		d, err := s.Domains(w.dec)
		w.times = append(w.times, time.Since(start))
		switch {
		case errors.Is(err, ErrTooHard):
			w.tooHard++
			hardRun++
			w.domains = nil
			continue
		case err != nil:
			b.Fatal(err)
		case !d.Consistent && blind:
			// The engineered value, taken without domains, does not
			// fit the decisions taken before: take it back.
			delete(w.dec, f.ID)
		case !d.Consistent:
			b.Fatalf("a walk on offered values reached a dead end at %s", w.dec)
		default:
			w.domains = d
		}
		hardRun = 0
	}
	return w
}

// BenchmarkTableHeavyCompile measures Compile alone (ns/op) on the
// table-heavy lines, for profiling it:
//
//	go test ./catalog/rules -run '^$' -bench TableHeavyCompile -benchtime 3x -cpuprofile /tmp/compile.prof
func BenchmarkTableHeavyCompile(b *testing.B) {
	for _, tc := range tableHeavyLines {
		b.Run(tc.name, func(b *testing.B) {
			c, err := catalog.Parse("line.json", tc.line().JSON, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compile(c.Products[0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTableHeavyLoad measures catalog.Parse alone (ns/op) on the
// table-heavy lines.
func BenchmarkTableHeavyLoad(b *testing.B) {
	for _, tc := range tableHeavyLines {
		b.Run(tc.name, func(b *testing.B) {
			data := tc.line().JSON
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := catalog.Parse("line.json", data, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
