package storage

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/render"
)

var (
	bigOnce sync.Once
	bigPath string
	bigDir  string
	bigErr  error
)

// bigDB is a database of 10,000 designs (a dealer's years of work), each
// with a real 320×200 thumbnail, 300 customers, built once per test binary
// and copied for each benchmark.
func bigDB(b *testing.B) string {
	bigOnce.Do(func() {
		bigDir, bigErr = osMkdirTemp()
		if bigErr != nil {
			return
		}
		bigPath = filepath.Join(bigDir, "big.db")
		ctx := context.Background()
		db, err := Open(ctx, bigPath)
		if err != nil {
			bigErr = err
			return
		}
		defer db.Close()
		cat, _ := assets.DemoCatalog()
		rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, Builtin)
		if err != nil {
			bigErr = err
			return
		}
		thumbs := map[string][]byte{}
		for _, p := range cat.Products {
			thumbs[p.ID] = thumbPNG(cat, p)
		}
		var customers []int64
		words := []string{"Berg", "Lind", "Meyer", "Schmidt", "Novak", "Rossi", "Dubois", "Jensen", "Kowalski", "Garcia"}
		for i := 0; i < 300; i++ {
			id, err := db.SaveCustomer(ctx, Customer{Name: fmt.Sprintf("%s %s %d", words[i%10], words[(i/10)%10], i)})
			if err != nil {
				bigErr = err
				return
			}
			customers = append(customers, id)
		}
		// Bulk load in large transactions through the same code path.
		for start := 0; start < 10000; start += 500 {
			err := db.tx(ctx, func(tx *sqlTx) error {
				for i := start; i < start+500; i++ {
					p := cat.Products[i%len(cat.Products)]
					in := DesignInput{Name: fmt.Sprintf("%s for %s, variant %d", p.Name.In("en", "en"), words[i%10], i), Notes: fmt.Sprintf("note %d: %s edge, %s finish", i, words[(i/3)%10], words[(i/7)%10]),
						ProductID: p.ID, ProductName: p.Name.In("en", "en"), Catalog: rec.ID, Customer: customers[i%len(customers)], Quantity: 1 + i%4,
						Decisions: map[string]string{"n": fmt.Sprint(i)}, Currency: "EUR", Total: fmt.Sprintf("%d.00", 500+i%3000), Thumbnail: thumbs[p.ID]}
					if _, err := db.saveDesign(ctx, tx, in); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				bigErr = err
				return
			}
		}
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	// A fresh copy, so benchmarks that write do not change the others' data.
	dst := filepath.Join(b.TempDir(), "atelier.db")
	if err := copyDB(context.Background(), bigPath, dst); err != nil {
		b.Fatal(err)
	}
	return dst
}

func thumbPNG(cat *catalog.Catalog, p *catalog.Product) []byte {
	s, err := render.Build(cat, p.Resolve(nil))
	if err != nil {
		panic(err)
	}
	v := render.ViewIso
	v.Width, v.Height = 320, 200
	return encodePNG(render.Draw(s, v))
}

// timed runs f b.N times and reports the median and p95 per call.
func timed(b *testing.B, f func(i int)) {
	var ds []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		f(i)
		ds = append(ds, time.Since(start))
		i++
	}
	sort.Slice(ds, func(a, c int) bool { return ds[a] < ds[c] })
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(ds[int(float64(len(ds)-1)*0.95)].Microseconds())/1000, "p95-ms")
}

// BenchmarkLibrary measures the library's questions on 10,000 designs:
// go test ./storage -run '^$' -bench Library -benchtime 200x
func BenchmarkLibrary(b *testing.B) {
	ctx := context.Background()
	b.Run("save-design", func(b *testing.B) {
		db, err := Open(ctx, bigDB(b))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		cats, _ := db.Catalogs(ctx)
		cat, _ := assets.DemoCatalog()
		thumb := thumbPNG(cat, cat.Products[0])
		timed(b, func(i int) {
			in := deskInput(cats[0], fmt.Sprintf("bench %d", i))
			in.Thumbnail = thumb
			if i%2 == 1 {
				in.ID = 1 // every other save is a new revision of a design
			}
			if _, _, err := db.SaveDesign(ctx, in); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("first-page-50-with-thumbnails", func(b *testing.B) {
		db, err := Open(ctx, bigDB(b))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		timed(b, func(int) {
			list, err := db.Designs(ctx, Filter{Limit: 50})
			if err != nil || len(list) != 50 || len(list[0].Thumbnail) == 0 {
				b.Fatal(len(list), err)
			}
		})
	})
	b.Run("search", func(b *testing.B) {
		db, err := Open(ctx, bigDB(b))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		queries := []string{"meyer", "sofa lind", "shelf", "kolme", "edge finish", "novak 12", "win", "desk schmidt"}
		timed(b, func(i int) {
			if _, err := db.Designs(ctx, Filter{Query: queries[i%len(queries)], Limit: 50}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("import-demo-catalog", func(b *testing.B) {
		timed(b, func(i int) {
			db, err := Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("c%d.db", i)))
			if err != nil {
				b.Fatal(err)
			}
			cat, err := catalog.Parse(assets.DemoCatalogName, assets.DemoCatalogJSON, nil) // validation included
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, Builtin); err != nil {
				b.Fatal(err)
			}
			db.Close()
		})
	})
}

type sqlTx = sql.Tx

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "atelier-bench-") }

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
