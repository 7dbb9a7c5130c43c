package storage

import (
	"context"
	"testing"
)

// FuzzSearch: whatever a user types into the library's search box, the
// search answers (possibly with nothing) and never fails: the words are
// quoted, so FTS5's query syntax cannot be reached.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"oak", `"`, "sofa*", "a AND b", "NEAR(a b)", "-x", "col:umn", "^start", "((", "Öl ß", "😀", "\x00", "a\"b"} {
		f.Add(s)
	}
	db, rec := newTestDB(f)
	ctx := context.Background()
	if _, _, err := db.SaveDesign(ctx, deskInput(rec, "Oak desk for Åsa")); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := db.Designs(ctx, Filter{Query: q}); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
	})
}
