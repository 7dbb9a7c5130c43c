package intake

import (
	"context"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/atelier-app/atelier/storage/orderfile"
)

// BenchmarkIntake1000: one pass over an inbox of 1,000 five-line packages
// with the SQLite state, on all cores (the target of issue 17: 60 s):
// go test -run '^$' -bench Intake1000 -benchtime 1x ./storage/orderfile/intake/
func BenchmarkIntake1000(b *testing.B) {
	const n = 1000
	f := testFixture(b)
	pkgs := make([][]byte, n)
	var wg sync.WaitGroup
	for w := range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := w; i < n; i += runtime.GOMAXPROCS(0) {
				pkgs[i] = f.pkg(b, i+1)
			}
		})
	}
	wg.Wait()
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		for i, p := range pkgs {
			deliver(b, dir, Dealer, orderfile.FileName(Number(i+1)), p)
		}
		st, err := OpenSQLite(context.Background(), filepath.Join(dir, "intake.db"))
		if err != nil {
			b.Fatal(err)
		}
		in := f.intake(dir, st, "bench")
		b.StartTimer()
		start := time.Now()
		p, err := in.Run(context.Background())
		elapsed += time.Since(start)
		b.StopTimer()
		st.Close()
		if err != nil || p.Accepted != n {
			b.Fatalf("pass: %+v, %v", p, err)
		}
		b.StartTimer()
	}
	perSec := float64(n*b.N) / elapsed.Seconds()
	b.ReportMetric(perSec, "packages/s")
	b.ReportMetric(perSec/float64(runtime.GOMAXPROCS(0)), "packages/s/core")
	b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/1000")
}
