package storage

import (
	"context"
	"testing"
)

// Issue 12, point 5: forgetting "Emma White" leaves another customer's
// "White desk" alone (a single name part is looked for only in text linked
// to no customer), and the import's check does not read that design's
// name as the forgotten customer.
func TestForgetKeepsOtherCustomersWords(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	emma, err := db.SaveCustomer(ctx, Customer{Name: "Emma White"})
	if err != nil {
		t.Fatal(err)
	}
	karl, err := db.SaveCustomer(ctx, Customer{Name: "Karl Jansson"})
	if err != nil {
		t.Fatal(err)
	}
	save := func(name, notes string, customer int64) int64 {
		in := deskInput(rec, name)
		in.Notes, in.Customer = notes, customer
		d, _, err := db.SaveDesign(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	save("Emma's desk", "", emma)
	k := save("White desk, black frame", "Karl wants the white laminate top", karl)
	k2 := save("Desk for Emma White", "", karl)
	loose := save("White's spare desk", "", 0)
	if err := db.ForgetCustomer(ctx, emma); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name               string
		design             int64
		wantName, wantNote string
	}{
		{"another customer's word stays", k, "White desk, black frame", "Karl wants the white laminate top"},
		{"another customer's design with her full name", k2, "Desk for (customer)", ""},
		{"a design of no customer: the surname alone goes", loose, "(customer)'s spare desk", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := db.Design(ctx, c.design)
			if err != nil {
				t.Fatal(err)
			}
			if d.Name != c.wantName || d.Notes != c.wantNote {
				t.Errorf("design = %q / %q, want %q / %q", d.Name, d.Notes, c.wantName, c.wantNote)
			}
		})
	}
	for _, c := range []struct {
		name, text string
		want       bool
	}{
		{"another customer's design name", "White desk, black frame", false},
		{"her first name alone", "Emma", false},
		{"her full name", "desk for EMMA WHITE", true},
	} {
		t.Run("import check: "+c.name, func(t *testing.T) {
			on, err := db.MentionsForgotten(ctx, c.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := on != ""; got != c.want {
				t.Errorf("MentionsForgotten(%q) = %q, want forgotten %v", c.text, on, c.want)
			}
		})
	}
	if on, err := db.ForgottenCustomer(ctx, "Karl White", "", ""); err != nil || on != "" {
		t.Errorf("ForgottenCustomer(Karl White) = %q, %v; want not forgotten", on, err)
	}
}
