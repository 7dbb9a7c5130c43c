package rules

import (
	"testing"
	"time"

	"github.com/atelier-app/atelier/catalog"
)

// BenchmarkTableHeavyStart measures opening a table-heavy product from the
// catalog's bytes to the first answer of "what can I choose?": cold (parse,
// compile, first Domains, which searches), with the knowledge kept from an
// earlier run (parse, compile, UseKnowledge, first Domains), and a second
// session of a model already open (as the app's second design of a
// product). Run it with
//
//	go test ./catalog/rules -run '^$' -bench TableHeavyStart -benchtime 3x
func BenchmarkTableHeavyStart(b *testing.B) {
	for _, tc := range tableHeavyLines[:2] {
		b.Run(tc.name, func(b *testing.B) {
			l := tc.line()
			open := func(kept []byte) (*Model, time.Duration, int) {
				start := time.Now()
				c, err := catalog.Parse("line.json", l.JSON, nil)
				if err != nil {
					b.Fatal(err)
				}
				m, err := Compile(c.Products[0])
				if err != nil {
					b.Fatal(err)
				}
				if kept != nil {
					if err := m.UseKnowledge(kept); err != nil {
						b.Fatal(err)
					}
				}
				s := m.NewSession()
				if _, err := s.Domains(Decisions{}); err != nil {
					b.Fatal(err)
				}
				return m, time.Since(start), s.Nodes - s.Unsolved
			}
			var cold, warm, again []time.Duration
			var coldCalls, warmCalls int
			var keptBytes int
			for b.Loop() {
				m, d, n := open(nil)
				cold, coldCalls = append(cold, d), n
				kept := m.Knowledge()
				keptBytes = len(kept)
				_, d, n = open(kept)
				warm, warmCalls = append(warm, d), n
				start := time.Now()
				s := m.NewSession()
				if _, err := s.Domains(Decisions{}); err != nil {
					b.Fatal(err)
				}
				again = append(again, time.Since(start))
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(percentile(cold, 0.5)), "cold-ms")
			b.ReportMetric(float64(coldCalls), "cold-found")
			b.ReportMetric(ms(percentile(warm, 0.5)), "kept-ms")
			b.ReportMetric(float64(warmCalls), "kept-found")
			b.ReportMetric(ms(percentile(again, 0.5)), "second-session-ms")
			b.ReportMetric(float64(keptBytes)/1024, "kept-KB")
		})
	}
}
