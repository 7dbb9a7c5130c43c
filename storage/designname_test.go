package storage

import (
	"context"
	"strings"
	"testing"
)

// Design names are held to the catalog's rule for texts: no invisible
// direction controls ("Invoice\u202Efdp.exe" shown as "Invoiceexe.pdf") and
// no control characters (terminal escapes).
func TestDesignNameRefusesDirectionAndControlCharacters(t *testing.T) {
	db, rec := newTestDB(t)
	ctx := context.Background()
	tests := []struct {
		name, design, wantErr string
	}{
		{"plain", "Corner desk for Ada", ""},
		{"accents and newline-free punctuation", "Schreibtisch – Müller & Co. (2×)", ""},
		{"RLO", "Desk \u202Etxt.exe", "U+202E"},
		{"LRO", "Desk \u202D", "U+202D"},
		{"RLE", "Desk \u202B", "U+202B"},
		{"LRE", "Desk \u202A", "U+202A"},
		{"PDF", "Desk \u202C", "U+202C"},
		{"LRI", "Desk \u2066", "U+2066"},
		{"RLI", "Desk \u2067", "U+2067"},
		{"FSI", "Desk \u2068", "U+2068"},
		{"PDI", "Desk \u2069", "U+2069"},
		{"terminal escape", "Desk \x1b[31mred", "control character U+001B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := db.SaveDesign(ctx, deskInput(rec, tt.design))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want the design saved", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error naming %s", err, tt.wantErr)
			}
		})
	}
}
