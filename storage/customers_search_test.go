package storage

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// Searching customers folds case and accents beyond ASCII (SQLite's LIKE
// does not): what a dealer types finds the customer however they typed it.
func TestCustomersSearchFoldsUnicode(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []Customer{
		{Name: "Zoë  Ångström", Email: "ZOE@EXAMPLE.ORG"},
		{Name: "Jörg Müller", Phone: "+49 30 1234"},
		{Name: "Anna Meyer"},
	} {
		if _, err := db.SaveCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"ZOË ÅNGSTRÖM", []string{"Zoë  Ångström"}},
		{"angstrom", []string{"Zoë  Ångström"}},
		{"zoe@example", []string{"Zoë  Ångström"}},
		{"MÜLLER", []string{"Jörg Müller"}},
		{"jörg   müller", []string{"Jörg Müller"}},
		{"30 1234", []string{"Jörg Müller"}},
		{"", []string{"Anna Meyer", "Jörg Müller", "Zoë  Ångström"}},
		{"nobody", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			found, err := db.Customers(ctx, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range found {
				got = append(got, c.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Customers(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}
