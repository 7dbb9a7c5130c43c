package catalog_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/internal/linegen"
	"github.com/atelier-app/atelier/catalog/sign"
)

// BenchmarkLoadTableHeavy measures catalog.Load of generated table-heavy
// product lines (package linegen) of about 150 and 270 choice features:
// reading the file, JSON, validation, every table row checked. Besides
// time and allocations it reports live-MB, what one loaded catalog keeps
// on the heap.
func BenchmarkLoadTableHeavy(b *testing.B) {
	for _, c := range []struct {
		name     string
		features int
	}{
		{"features=150", 150},
		{"features=270", 270},
	} {
		b.Run(c.name, func(b *testing.B) {
			data := linegen.TableHeavy(linegen.Config{Features: c.features})
			path := filepath.Join(b.TempDir(), "line.json")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			live := liveMB(b, path)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := catalog.Load(path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(live, "live-MB")
		})
	}
}

// BenchmarkReadPackageTableHeavy measures catalog.ReadPackage of a signed
// package of linegen's 270-feature line: unzip, check the signature, load.
func BenchmarkReadPackageTableHeavy(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, catalog.MainFile), linegen.TableHeavy(linegen.Config{Features: 270}), 0o644); err != nil {
		b.Fatal(err)
	}
	key, err := sign.Generate()
	if err != nil {
		b.Fatal(err)
	}
	pkg, err := catalog.Pack(dir, key)
	if err != nil {
		b.Fatal(err)
	}
	trusted := map[string]sign.PublicKey{"linegen": key.Public()}
	b.SetBytes(int64(len(pkg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, trust, err := catalog.ReadPackage("line.zip", pkg, trusted); err != nil || !trust.Trusted {
			b.Fatalf("got %v (trust %+v), want the trusted catalog", err, trust)
		}
	}
}

// liveMB is how much the heap holds for one catalog loaded from path.
func liveMB(b *testing.B, path string) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cat, err := catalog.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(cat)
	return float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
}
