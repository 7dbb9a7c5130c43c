package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/storage"
)

// The app's recommender learns from the library: velvet sofas there have
// brass legs, so a customer who chose velvet is proposed brass; once the
// customer whose designs taught it is forgotten, it no longer does.
func TestTheAppLearnsFromTheLibrary(t *testing.T) {
	ctx := context.Background()
	old := freshFor
	freshFor = 0
	t.Cleanup(func() { freshFor = old })
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, storage.Builtin)
	if err != nil {
		t.Fatal(err)
	}
	anna, err := db.SaveCustomer(ctx, storage.Customer{Name: "Anna Meyer", ConsentAt: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		dec := map[string]string{"cover": "velvet", "legs": "brass"}
		customer := anna
		if i%3 == 0 {
			dec, customer = map[string]string{"cover": "wool", "legs": "oak"}, 0
		}
		if _, _, err := db.SaveDesign(ctx, storage.DesignInput{Name: "Sofa", ProductID: "kolme-sofa", ProductName: "Kolme", Catalog: rec.ID,
			Customer: customer, Quantity: 1, Decisions: dec, Currency: "EUR", Total: "1000.00"}); err != nil {
			t.Fatal(err)
		}
	}
	sofa := cat.Product("kolme-sofa")
	model, err := rules.Compile(sofa)
	if err != nil {
		t.Fatal(err)
	}
	sess := model.NewSession()
	cover, _ := sofa.Feature("cover").ParseValue("velvet")
	doms, err := sess.Domains(rules.Decisions{"cover": cover})
	if err != nil {
		t.Fatal(err)
	}
	r := newLibraryRecommender(db)
	legs := func() (string, float64) {
		t.Helper()
		recs, err := r.Recommend(ctx, sofa, map[string]string{"cover": "velvet"}, doms)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range recs {
			if x.Feature == "cover" {
				t.Errorf("a decided feature was recommended: %+v", x)
			}
			if x.Feature == "legs" {
				return x.Value, x.Confidence
			}
		}
		t.Fatalf("no recommendation for the legs: %+v", recs)
		return "", 0
	}
	if v, c := legs(); v != "brass" || c < 0.5 {
		t.Errorf("with velvet: legs %s (%.2f), want brass", v, c)
	}
	if err := db.ForgetCustomer(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if v, _ := legs(); v == "brass" {
		t.Errorf("after Anna was forgotten her designs still teach brass legs")
	}
}

// The library's weights are the recommender's: an ordered design counts
// recommend.OrderedWeight times.
func TestOrderedWeightAgrees(t *testing.T) {
	if w := (storage.Learned{Ordered: true}).Weight(); w != recommend.OrderedWeight {
		t.Errorf("an ordered design weighs %v in storage, %v in recommend", w, recommend.OrderedWeight)
	}
}
