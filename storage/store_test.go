package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

// newTestDB opens a fresh database with the demo catalog imported and a
// clock that advances one second per call.
func newTestDB(t testing.TB) (*DB, CatalogRecord) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, Builtin)
	if err != nil {
		t.Fatal(err)
	}
	return db, rec
}

func deskInput(rec CatalogRecord, name string) DesignInput {
	return DesignInput{Name: name, ProductID: "lift-desk", ProductName: "Höhe Lift Desk", Catalog: rec.ID, Quantity: 1,
		Decisions: map[string]string{"width": "1600", "top": "oak"}, Currency: "EUR", Total: "1030.00",
		Breakdown: []PriceLine{{"Höhe Lift Desk", "689.00"}, {"Desktop: Solid oak, oiled", "240.00"}}, Thumbnail: []byte("png")}
}

func TestImportCatalogKeepsEveryVersionOnce(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	cat, _ := assets.DemoCatalog()
	again, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", cat, Builtin)
	if err != nil || again.ID != rec.ID {
		t.Fatalf("re-import: %+v, %v; want the same record %d", again, err, rec.ID)
	}
	changed := strings.Replace(string(assets.DemoCatalogJSON), `"version": "2026.2"`, `"version": "2026.3"`, 1)
	cat2, err := catalog.Parse("v3.json", []byte(changed), nil)
	if err != nil {
		t.Fatal(err)
	}
	v3, err := db.ImportCatalog(ctx, []byte(changed), "json", cat2, Unsigned)
	if err != nil || v3.ID == rec.ID || v3.Version != "2026.3" || v3.Signature != Unsigned {
		t.Fatalf("new version: %+v, %v", v3, err)
	}
	list, err := db.Catalogs(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("catalogs: %v, %v", list, err)
	}
	loaded, err := db.LoadCatalog(ctx, v3.ID)
	if err != nil || loaded.Version != "2026.3" {
		t.Fatalf("load: %v, %v", loaded, err)
	}
}

func TestSaveKeepsRevisionsThatCanBeComparedAndRestored(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	d1, r1, err := db.SaveDesign(ctx, deskInput(rec, "Corner desk"))
	if err != nil {
		t.Fatal(err)
	}
	if d1.Revision != 1 || r1.Number != 1 || r1.Decisions["top"] != "oak" || d1.Total != "1030.00" {
		t.Fatalf("first save: %+v %+v", d1, r1)
	}
	in := deskInput(rec, "Corner desk")
	in.ID = d1.ID
	in.Decisions["top"] = "walnut"
	in.Total = "1210.00"
	d2, r2, err := db.SaveDesign(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if d2.Revision != 2 || r2.Number != 2 || d2.Total != "1210.00" {
		t.Fatalf("second save: %+v", d2)
	}
	changes := CompareRevisions(r1, r2)
	want := []Change{{"feature:top", "oak", "walnut"}, {"total", "EUR 1030.00", "EUR 1210.00"}}
	if fmt.Sprint(changes) != fmt.Sprint(want) {
		t.Errorf("changes = %v, want %v", changes, want)
	}
	revs, err := db.Revisions(ctx, d1.ID)
	if err != nil || len(revs) != 2 || revs[0].Number != 2 {
		t.Fatalf("revisions: %v, %v", revs, err)
	}
	d3, r3, err := db.RestoreRevision(ctx, d1.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d3.Revision != 3 || r3.Decisions["top"] != "oak" || d3.Total != "1030.00" || string(r3.Thumbnail) != "png" {
		t.Errorf("restored: %+v %+v", d3, r3)
	}
}

func TestLibraryListsSearchesFiltersAndTrashes(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	meyer, err := db.SaveCustomer(ctx, Customer{Name: "Anna Meyer", Email: "anna@example.org", Address: "Hauptstr. 1\n10115 Berlin", ConsentAt: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	a := deskInput(rec, "Study desk")
	a.Customer = meyer
	a.Notes = "walnut edge banding requested"
	da, _, err := db.SaveDesign(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	b := deskInput(rec, "Reception counter")
	db_, _, err := db.SaveDesign(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	sofa := DesignInput{Name: "Lounge sofa", ProductID: "kolme-sofa", ProductName: "Kolme Modular Sofa", Catalog: rec.ID, Quantity: 1,
		Decisions: map[string]string{"seats": "3"}, Currency: "EUR", Total: "1301.50"}
	ds, _, err := db.SaveDesign(ctx, sofa)
	if err != nil {
		t.Fatal(err)
	}
	names := func(list []DesignSummary) string {
		var out []string
		for _, s := range list {
			out = append(out, s.Name)
		}
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want string
	}{
		{"newest first", Filter{}, "Lounge sofa, Reception counter, Study desk"},
		{"by customer name", Filter{Query: "meyer"}, "Study desk"},
		{"prefix of a note", Filter{Query: "walnu"}, "Study desk"},
		{"product name", Filter{Query: "kolme"}, "Lounge sofa"},
		{"every word must match", Filter{Query: "desk study"}, "Study desk"},
		{"punctuation only", Filter{Query: `"*(`}, ""},
		{"product filter", Filter{Product: "lift-desk"}, "Reception counter, Study desk"},
		{"customer filter", Filter{Customer: meyer}, "Study desk"},
		{"status filter", Filter{Status: Quoted}, ""},
	} {
		got, err := db.Designs(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if names(got) != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, names(got), tc.want)
		}
	}
	list, _ := db.Designs(ctx, Filter{Query: "meyer"})
	if list[0].CustomerName != "Anna Meyer" || list[0].Total != "1030.00" || string(list[0].Thumbnail) != "png" {
		t.Errorf("summary = %+v", list[0])
	}
	// Rename, duplicate, trash and restore.
	if err := db.RenameDesign(ctx, db_.ID, "Front desk"); err != nil {
		t.Fatal(err)
	}
	dup, err := db.DuplicateDesign(ctx, da.ID, "")
	if err != nil || dup.Name != "Study desk (copy)" || dup.Customer != meyer {
		t.Fatalf("duplicate: %+v, %v", dup, err)
	}
	if err := db.TrashDesign(ctx, ds.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Designs(ctx, Filter{})
	if names(got) != "Study desk (copy), Front desk, Study desk" {
		t.Errorf("after trashing: %q", names(got))
	}
	trash, _ := db.Designs(ctx, Filter{Trash: true})
	if names(trash) != "Lounge sofa" {
		t.Errorf("trash: %q", names(trash))
	}
	if err := db.RestoreDesign(ctx, ds.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.PurgeDesign(ctx, dup.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Design(ctx, dup.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("purged design: %v", err)
	}
}

// sqlOpen opens a database file with the driver alone (no migrations).
func sqlOpen(path string) (*sql.DB, error) { return sql.Open("sqlite", DSN(path)) }

// A library's id stays the same, and differs between libraries.
func TestLibraryID(t *testing.T) {
	ctx := context.Background()
	a, _ := newTestDB(t)
	b, _ := newTestDB(t)
	idA, err := a.LibraryID(ctx)
	if err != nil || len(idA) != 32 {
		t.Fatalf("id %q, %v", idA, err)
	}
	again, _ := a.LibraryID(ctx)
	idB, _ := b.LibraryID(ctx)
	if again != idA || idB == idA {
		t.Errorf("ids %s, %s, %s", idA, again, idB)
	}
}
