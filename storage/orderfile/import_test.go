package orderfile

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"path/filepath"
	"testing"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/storage"
)

func TestImportRecreatesTheDesigns(t *testing.T) {
	ctx := context.Background()
	db, id, _ := demoOrder(t)
	o, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}

	// Into the library it came from: the customer is linked.
	imp, err := Import(ctx, db, pkg, ownKey())
	if err != nil {
		t.Fatalf("import: %v (%+v)", err, imp.Report.Findings)
	}
	if got, want := len(imp.Designs), len(o.Lines); got != want {
		t.Fatalf("%d designs, want %d", got, want)
	}
	if imp.Customer == 0 {
		t.Error("the order's customer (Anna Meyer, in the library) was not linked")
	}
	for i, d := range imp.Designs {
		l := o.Lines[i]
		rev, err := db.Revision(ctx, d.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != l.Design || d.ProductID != l.Product || d.Quantity != l.Quantity || d.Total != l.Price.ListTotal || d.Customer != imp.Customer {
			t.Errorf("line %d: design %+v, want name %q product %s quantity %d total %s", i+1, d, l.Design, l.Product, l.Quantity, l.Price.ListTotal)
		}
		if len(rev.Decisions) != len(l.Decisions) {
			t.Errorf("line %d: decisions %v, want %v", i+1, rev.Decisions, l.Decisions)
		}
		for k, v := range l.Decisions {
			if rev.Decisions[k] != v {
				t.Errorf("line %d: decision %s = %q, want %q", i+1, k, rev.Decisions[k], v)
			}
		}
		if img, err := png.Decode(bytes.NewReader(rev.Thumbnail)); err != nil || img.Bounds().Dx() != 320 {
			t.Errorf("line %d: thumbnail: %v", i+1, err)
		}
	}

	// Into a new library that keeps the demo catalog: no customer record
	// is made from an order.
	fresh, err := storage.Open(ctx, filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if imp, err := Import(ctx, fresh, pkg, ownKey()); !errors.Is(err, ErrNotVerified) {
		t.Fatalf("import without the catalog: %v, want ErrNotVerified", err)
	} else if !hasFinding(imp.Report, "line 1", "not available here") {
		t.Errorf("findings %+v, want the missing catalog", imp.Report.Findings)
	}
	if n, _ := fresh.Counts(ctx); n.Designs != 0 {
		t.Errorf("%d designs saved from a package that did not verify", n.Designs)
	}
	cat, _ := assets.DemoCatalog()
	if _, err := fresh.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, storage.Builtin); err != nil {
		t.Fatal(err)
	}
	imp, err = Import(ctx, fresh, pkg, ownKey())
	if err != nil {
		t.Fatal(err)
	}
	if imp.Customer != 0 || len(imp.Designs) != 3 {
		t.Errorf("customer %d, %d designs; want none and 3", imp.Customer, len(imp.Designs))
	}
	if cs, _ := fresh.Customers(ctx, ""); len(cs) != 0 {
		t.Errorf("the import made customers: %+v", cs)
	}

	// A tampered package is not imported, and nothing is saved.
	before, _ := fresh.Counts(ctx)
	bad := rezip(t, pkg, func(n string, d []byte) []byte {
		if n == "order.json" {
			d = bytes.Clone(d)
			d[len(d)/2] ^= 1
		}
		return d
	}, nil)
	if _, err := Import(ctx, fresh, bad, ownKey()); !errors.Is(err, ErrNotVerified) {
		t.Errorf("tampered import: %v, want ErrNotVerified", err)
	}
	if after, _ := fresh.Counts(ctx); after.Designs != before.Designs {
		t.Errorf("designs %d -> %d after a refused import", before.Designs, after.Designs)
	}
}
