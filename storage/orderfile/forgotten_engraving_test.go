package orderfile

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/storage"
)

// Issue 12, point 5: an old order whose engraving names a forgotten
// customer does not bring the name back: the engraving is set back to the
// feature's default (the decision dropped) and the note says so; another
// engraving stays.
func TestImportClearsAnEngravingThatNamesAForgottenCustomer(t *testing.T) {
	ctx := context.Background()
	db, id, _ := demoOrder(t) // for Anna Meyer
	o, err := db.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := db.RevisionByID(ctx, o.Lines[0].Revision)
	if err != nil {
		t.Fatal(err)
	}
	pkgFor := func(engraving string) []byte {
		dec := maps.Clone(rev.Decisions)
		dec["engraving"] = engraving
		in := storage.DesignInput{Name: "Gift desk", ProductID: rev.ProductID, ProductName: rev.ProductName, Catalog: rev.Catalog,
			Quantity: 1, Decisions: dec, Currency: rev.Currency, Total: rev.Total}
		_, r, err := db.SaveDesign(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ord, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: "BER01", Lines: []storage.OrderLine{{Revision: r.ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		_, pkg, err := PackageOrder(ctx, db, ord.ID, testSettings(t, testKey))
		if err != nil {
			t.Fatal(err)
		}
		return pkg
	}
	named, other := pkgFor("ANNA  MEYER"), pkgFor("For Jonas, 2025")
	anna, err := db.Customers(ctx, "Anna Meyer")
	if err != nil || len(anna) != 1 {
		t.Fatalf("customers: %v, %v", anna, err)
	}
	storage.SetClock(db, db.Now().AddDate(0, 0, 1))
	if err := db.ForgetCustomer(ctx, anna[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name          string
		pkg           []byte
		wantEngraving string
		wantCleared   string
		wantNote      string
	}{
		{"engraving names her", named, "", "line 1: engraving",
			"The customer of this order was forgotten at their request on 24 November 2026; their name was not imported. These text choices named them and were set back to their defaults: line 1: engraving."},
		{"someone else's engraving", other, "For Jonas, 2025", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			imp, err := Import(ctx, db, c.pkg, ownKey())
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(imp.Cleared, "; "); got != c.wantCleared {
				t.Errorf("Cleared = %q, want %q", got, c.wantCleared)
			}
			if got := imp.ForgottenNote(); got != c.wantNote {
				t.Errorf("note = %q, want %q", got, c.wantNote)
			}
			if len(imp.Designs) != 1 {
				t.Fatalf("%d designs, want 1", len(imp.Designs))
			}
			revs, err := db.Revisions(ctx, imp.Designs[0].ID)
			if err != nil || len(revs) == 0 {
				t.Fatalf("revisions: %v, %v", revs, err)
			}
			if got := revs[0].Decisions["engraving"]; got != c.wantEngraving {
				t.Errorf("engraving = %q, want %q", got, c.wantEngraving)
			}
		})
	}
}
