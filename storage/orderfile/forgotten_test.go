package orderfile

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/storage"
)

// Importing an old order package does not bring a forgotten customer
// back: not as the order's customer, not in a design's name; the import
// says so in plain words and no byte of them is in the data folder.
func TestImportDoesNotBringAForgottenCustomerBack(t *testing.T) {
	ctx := context.Background()
	db, id, _ := demoOrder(t) // for Anna Meyer, Hauptstraße 12, +49 30 1234567
	_, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	// A second package without a customer, whose design is named after her.
	o, err := db.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := db.RevisionByID(ctx, o.Lines[0].Revision)
	if err != nil {
		t.Fatal(err)
	}
	in := storage.DesignInput{Name: "Desk for ANNA  MEYER", ProductID: rev.ProductID, ProductName: rev.ProductName, Catalog: rev.Catalog,
		Quantity: 1, Decisions: rev.Decisions, Currency: rev.Currency, Total: rev.Total}
	_, named, err := db.SaveDesign(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	o2, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: "BER01", Lines: []storage.OrderLine{{Revision: named.ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	_, pkg2, err := PackageOrder(ctx, db, o2.ID, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}

	anna, err := db.Customers(ctx, "Anna Meyer")
	if err != nil || len(anna) != 1 {
		t.Fatalf("customers: %v, %v", anna, err)
	}
	storage.SetClock(db, db.Now().AddDate(0, 0, 1)) // forgotten on 24 November 2026
	if err := db.ForgetCustomer(ctx, anna[0].ID); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name string
		pkg  []byte
	}{
		{"the order's customer", pkg},
		{"a design's name", pkg2},
	} {
		t.Run(c.name, func(t *testing.T) {
			imp, err := Import(ctx, db, c.pkg, ownKey())
			if err != nil {
				t.Fatal(err)
			}
			if imp.Customer != 0 {
				t.Errorf("the designs are linked to customer %d", imp.Customer)
			}
			if got, want := imp.ForgottenNote(), "The customer of this order was forgotten at their request on 24 November 2026; their name was not imported."; got != want {
				t.Errorf("note = %q, want %q", got, want)
			}
			for _, d := range imp.Designs {
				if !strings.Contains(d.Name, " from order BER01-") || strings.Contains(strings.ToLower(d.Name), "meyer") {
					t.Errorf("design named %q, want a neutral name", d.Name)
				}
			}
		})
	}
	if found, _ := db.Designs(ctx, storage.Filter{Query: "meyer"}); len(found) != 0 {
		t.Errorf("the search finds %d designs for her", len(found))
	}
	err = filepath.WalkDir(filepath.Dir(db.Path()), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range []string{"meyer", "anna@example.org", "hauptstraße 12", "hauptstrasse 12", "30 1234567"} {
			if bytes.Contains(bytes.ToLower(data), []byte(s)) {
				t.Errorf("%s holds %q", filepath.Base(p), s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Someone else's order is imported as before.
	fresh, _, _ := demoOrder(t)
	if imp, err := Import(ctx, fresh, pkg, ownKey()); err != nil || imp.ForgottenOn != "" || imp.Customer == 0 || imp.ForgottenNote() != "" {
		t.Errorf("import where she is not forgotten: %+v, %v", imp, err)
	}
}
