package orderfile

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/storage"
)

// bigOrder is an order of 20 lines (the four demo products in turn, with
// different options), in a new database.
func bigOrder(b *testing.B) (*storage.DB, int64, []CatalogSource) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "atelier.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	storage.SetClock(db, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	cat, _ := assets.DemoCatalog()
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, storage.Builtin)
	if err != nil {
		b.Fatal(err)
	}
	// Twenty different designs: the four demo products in turn, each time
	// another size (so no two previews are the same picture).
	type design struct {
		product string
		dec     map[string]string
	}
	var designs []design
	for k := 0; k < 5; k++ {
		designs = append(designs,
			design{"lift-desk", map[string]string{"top": "walnut", "extras": "tray,arm", "width": fmt.Sprint(1200 + 200*k)}},
			design{"kolme-sofa", map[string]string{"seats": fmt.Sprint(2 + k%4), "cover": "velvet", "legs": []string{"brass", "black"}[k%2]}},
			design{"klar-window", map[string]string{"width": fmt.Sprint(900 + 300*k), "sashes": fmt.Sprint(1 + k/2)}},
			design{"grid-shelf", map[string]string{"modules": fmt.Sprint(1 + k), "wood": []string{"oak", "walnut", "ash", "pine"}[k%4]}},
		)
	}
	var lines []storage.OrderLine
	for i := 0; i < 20; i++ {
		d := designs[i]
		_, rev, err := db.SaveDesign(ctx, storage.DesignInput{Name: fmt.Sprintf("Design %d", i+1), ProductID: d.product, ProductName: d.product,
			Catalog: rec.ID, Quantity: 1 + i%3, Decisions: d.dec, Currency: "EUR", Total: "0.00"})
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, storage.OrderLine{Revision: rev.ID, Quantity: 1 + i%3})
	}
	o, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: "BENCH", Lines: lines})
	if err != nil {
		b.Fatal(err)
	}
	return db, o.ID, []CatalogSource{NewCatalogSource(assets.DemoCatalogJSON, cat)}
}

// BenchmarkOrder20Lines: export (configure, price, BOM, 20 previews, the
// quote PDF, manifest, signature, zip) and verify a 20-line order:
// go test ./storage/orderfile -run '^$' -bench Order20 -benchtime 5x
func BenchmarkOrder20Lines(b *testing.B) {
	db, id, cats := bigOrder(b)
	s := testSettings(b, testKey)
	s.Quote = QuotePDF
	var pkg []byte
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			var err error
			if _, pkg, err = PackageOrder(context.Background(), db, id, s); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(pkg))/1024, "KB")
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if r := Verify(pkg, cats, testTrust(), DefaultLimits); !r.OK {
				b.Fatal(r.Findings)
			}
		}
	})
}
