package storage

import (
	"context"
	"sort"
	"strings"
	"testing"
)

// What the recommender learns from: each design's newest revision, ordered
// ones marked; not the trash, not a forgotten customer's designs, not
// another product's.
func TestProductHistory(t *testing.T) {
	ctx := context.Background()
	db, cat := newTestDB(t)
	anna, err := db.SaveCustomer(ctx, Customer{Name: "Anna Meyer", ConsentAt: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	save := func(in DesignInput) (Design, Revision) {
		t.Helper()
		in.Catalog, in.Quantity, in.Currency, in.Total = cat.ID, 1, "EUR", "100.00"
		if in.ProductID == "" {
			in.ProductID, in.ProductName = "kolme-sofa", "Kolme"
		}
		d, r, err := db.SaveDesign(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return d, r
	}
	a, _ := save(DesignInput{Name: "A", Decisions: map[string]string{"cover": "wool"}})
	save(DesignInput{ID: a.ID, Name: "A", Decisions: map[string]string{"cover": "velvet", "legs": "brass"}}) // its newest
	_, rb := save(DesignInput{Name: "B", Decisions: map[string]string{"cover": "leather"}})
	c, _ := save(DesignInput{Name: "C", Decisions: map[string]string{"cover": "boucle"}})
	save(DesignInput{Name: "Anna's", Customer: anna, Decisions: map[string]string{"cover": "wool", "legs": "oak"}})
	save(DesignInput{Name: "Desk", ProductID: "lift-desk", ProductName: "Desk", Decisions: map[string]string{"top": "oak"}})
	if err := db.TrashDesign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateOrder(ctx, OrderInput{Dealer: "BER01", Lines: []OrderLine{{Revision: rb.ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	history := func() string {
		h, err := db.ProductHistory(ctx, "kolme-sofa")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range h {
			var kv []string
			for k, v := range l.Decisions {
				kv = append(kv, k+"="+v)
			}
			sort.Strings(kv)
			s := strings.Join(kv, ",")
			if l.Ordered {
				s += " (ordered)"
			}
			got = append(got, s)
		}
		sort.Strings(got)
		return strings.Join(got, "; ")
	}
	if got, want := history(), "cover=leather (ordered); cover=velvet,legs=brass; cover=wool,legs=oak"; got != want {
		t.Errorf("history %q, want %q", got, want)
	}
	if err := db.ForgetCustomer(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if got, want := history(), "cover=leather (ordered); cover=velvet,legs=brass"; got != want {
		t.Errorf("after forgetting Anna: %q, want %q", got, want)
	}
}
