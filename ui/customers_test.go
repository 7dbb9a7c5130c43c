package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// showCustomers opens the customers screen and waits for its list.
func showCustomers(t *testing.T, d *Designer, q uiQueue) *customersView {
	t.Helper()
	loaded := false
	d.ShowCustomers()
	v := d.customers
	v.OnLoaded = func() { loaded = true }
	v.reload()
	eventually(t, q, "the customers", func() bool { return loaded })
	return v
}

// waitLoaded waits for the next answer of the customers screen.
func waitLoaded(t *testing.T, v *customersView, q uiQueue, what string, act func()) {
	t.Helper()
	loaded := false
	v.OnLoaded = func() { loaded = true }
	act()
	eventually(t, q, what, func() bool { return loaded })
}

// A new customer is created with consent, found by a search, edited; a
// design saved for them is listed with them; forgetting them (after the
// confirmation) erases them and takes them off the design being edited.
func TestCustomersCreateSearchEditForget(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	ctx := context.Background()
	seedCustomer(t, db, "Jonas Berg", "")
	v := showCustomers(t, d, q)
	if len(v.shown) != 1 || v.count.Text != "1 customer" {
		t.Fatalf("shown %d, count %q", len(v.shown), v.count.Text)
	}

	// New customer.
	test.Tap(findButton(v.content, "New customer"))
	if !v.detail.Visible() || v.heading.Text != "New customer" || !v.consent.Checked {
		t.Fatalf("the new customer form: visible %v, heading %q, consent %v", v.detail.Visible(), v.heading.Text, v.consent.Checked)
	}
	if !v.saveBtn.Disabled() {
		t.Error("Save is enabled without a name")
	}
	test.Type(v.name, "Anna Meyer")
	test.Type(v.email, "anna@example.org")
	v.address.SetText("Hauptstraße 12\n10115 Berlin")
	if v.saveBtn.Disabled() {
		t.Fatal("Save is disabled with a name")
	}
	waitLoaded(t, v, q, "the saved customer", func() { test.Tap(v.saveBtn) })
	eventually(t, q, "the list with Anna", func() bool { return len(v.shown) == 2 })
	list, _ := db.Customers(ctx, "anna")
	if len(list) != 1 || list[0].Email != "anna@example.org" || list[0].ConsentAt == "" || !strings.Contains(list[0].Address, "Berlin") {
		t.Fatalf("stored: %+v", list)
	}
	anna := list[0]

	// Search.
	waitLoaded(t, v, q, "the search", func() { test.Type(v.search, "berg") })
	if len(v.shown) != 1 || v.shown[0].Name != "Jonas Berg" || v.count.Text != "1 customer found" {
		t.Errorf("search berg: %+v, %q", v.shown, v.count.Text)
	}
	waitLoaded(t, v, q, "all customers", func() { v.search.SetText("") })

	// A design for Anna: saved from the designer, listed with her.
	d.Decide("top", choice("walnut"))
	saveNamed(t, d, q, false, "Anna's desk", "Anna Meyer")
	i := -1
	for j, c := range v.shown {
		if c.ID == anna.ID {
			i = j
		}
	}
	v.list.Select(i)
	v.reload() // as when the screen is shown again
	eventually(t, q, "Anna's designs", func() bool { return strings.Contains(texts(v.designs), "Anna's desk") })
	if got := texts(v.designs); !strings.Contains(got, "Höhe Lift Desk") {
		t.Errorf("Anna's designs:\n%s", got)
	}
	if got := texts(v.orders); !strings.Contains(got, "No orders yet") {
		t.Errorf("Anna's orders:\n%s", got)
	}

	// Edit: the phone, and consent withdrawn.
	test.Type(v.phone, "+49 30 1234567")
	v.consent.SetChecked(false)
	if !strings.Contains(v.consentT.Text, "Without consent") {
		t.Errorf("consent note %q", v.consentT.Text)
	}
	waitLoaded(t, v, q, "the edit", func() { test.Tap(v.saveBtn) })
	if c, _ := db.Customer(ctx, anna.ID); c.Phone != "+49 30 1234567" || c.ConsentAt != "" {
		t.Errorf("after the edit: %+v", c)
	}

	// Forget: asked first; keeping changes nothing.
	test.Tap(v.forget)
	if top := w.Canvas().Overlays().Top(); top == nil || !strings.Contains(texts(top), "cannot be undone") {
		t.Fatal("no confirmation before forgetting")
	}
	tapButton(t, w, "Keep")
	if _, err := db.Customer(ctx, anna.ID); err != nil {
		t.Fatalf("kept customer: %v", err)
	}
	test.Tap(v.forget)
	tapButton(t, w, "Forget Anna Meyer")
	eventually(t, q, "the list after forgetting", func() bool { return len(v.shown) == 1 && !v.detail.Visible() })
	if _, err := db.Customer(ctx, anna.ID); err == nil {
		t.Error("Anna is still in the database")
	}
	if len(v.shown) != 1 || v.detail.Visible() {
		t.Errorf("after forgetting: %d shown, details visible %v", len(v.shown), v.detail.Visible())
	}
	if d.doc.customer != 0 || d.doc.customerName != "" {
		t.Errorf("the open design still names the forgotten customer: %d %q", d.doc.customer, d.doc.customerName)
	}
	x, _ := db.Design(ctx, d.DesignID())
	if x.Customer != 0 || strings.Contains(x.Name, "Anna Meyer") {
		t.Errorf("the design after forgetting: %+v", x)
	}
}

// "New design for them" goes to the products; the chosen product's design
// is for the customer.
func TestNewDesignForACustomer(t *testing.T) {
	d, _, q, db := newStoredDesigner(t)
	id := seedCustomer(t, db, "Jonas Berg", "")
	v := showCustomers(t, d, q)
	waitLoaded(t, v, q, "Jonas", func() { v.list.Select(0) })
	test.Tap(v.newFor)
	if d.Showing() != screenProducts {
		t.Fatalf("screen %d, want the products", d.Showing())
	}
	test.Tap(d.chooser.card("kolme-sofa"))
	if d.Product().ID != "kolme-sofa" || d.doc.customer != id || d.doc.customerName != "Jonas Berg" {
		t.Errorf("the new design: %s for %d %q", d.Product().ID, d.doc.customer, d.doc.customerName)
	}
}
