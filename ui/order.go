package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/storage/orderfile"
)

// draftOrder is the order being put together: design revisions with
// quantities, the customer, where to deliver, when and notes. It lives in
// the designer until it is exported, and is kept in the preferences (as
// JSON) so that it survives a restart.
type draftOrder struct {
	Lines []draftLine `json:"lines"`
	// Customer is the customer the user picked (0 with CustomerSet: none).
	// Until they pick one, the order is for the first line's customer.
	Customer    int64 `json:"customer,omitempty"`
	CustomerSet bool  `json:"customer_set,omitempty"`
	// Delivery is the address typed for this order; until one is typed,
	// the order goes to the customer's address.
	Delivery      string `json:"delivery,omitempty"`
	DeliverySet   bool   `json:"delivery_set,omitempty"`
	RequestedDate string `json:"requested_date,omitempty"` // YYYY-MM-DD
	Notes         string `json:"notes,omitempty"`
}

// draftLine is one design revision in the draft, with what the order view
// shows before the revision is read again.
type draftLine struct {
	Design     int64 `json:"design"`
	Revision   int   `json:"revision"`    // the revision's number
	RevisionID int64 `json:"revision_id"` // revisions.id: what the order line references
	Quantity   int   `json:"quantity"`
	// Discount is the dealer's discount for the customer on this line,
	// percent as a decimal string ("" for none).
	Discount    string `json:"discount,omitempty"`
	Name        string `json:"name"`
	Product     string `json:"product"`
	ProductName string `json:"product_name"`
	Customer    int64  `json:"customer,omitempty"` // the design's customer
}

// customer is the customer the order is for (0: none).
func (o *draftOrder) customer() int64 {
	if o.CustomerSet || len(o.Lines) == 0 {
		return o.Customer
	}
	return o.Lines[0].Customer
}

// pieces is the number of pieces in the order.
func (o *draftOrder) pieces() int {
	n := 0
	for _, l := range o.Lines {
		n += l.Quantity
	}
	return n
}

// add puts a revision into the order and says what happened: a design
// already in the order is brought to the newer revision (keeping the
// quantity the user set) rather than added twice.
func (o *draftOrder) add(l draftLine) string {
	l.Quantity = max(l.Quantity, 1)
	i := slices.IndexFunc(o.Lines, func(x draftLine) bool { return x.Design == l.Design })
	switch {
	case i < 0:
		o.Lines = append(o.Lines, l)
		return fmt.Sprintf(T("“%s” was added to the order (%s)."), l.Name, plural(len(o.Lines), "design", "designs"))
	case o.Lines[i].RevisionID == l.RevisionID:
		return fmt.Sprintf(T("“%s” is already in the order."), l.Name)
	default:
		l.Quantity = o.Lines[i].Quantity
		o.Lines[i] = l
		return fmt.Sprintf(T("The order now has revision %d of “%s”."), l.Revision, l.Name)
	}
}

// without drops the lines of the given revisions (after they were
// exported). With no line left, the order starts afresh.
func (o draftOrder) without(revisions []int64) draftOrder {
	var rest []draftLine
	for _, l := range o.Lines {
		if !slices.Contains(revisions, l.RevisionID) {
			rest = append(rest, l)
		}
	}
	if len(rest) == 0 {
		return draftOrder{}
	}
	o.Lines = rest
	return o
}

// plural counts: "1 design", "3 designs" (the words translated).
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + T(one)
	}
	return fmt.Sprintf("%d %s", n, T(many))
}

// draftPrefKey is where the draft order is kept in the preferences (JSON).
const draftPrefKey = "order.draft"

// loadDraft reads the draft order from the preferences (an empty order if
// there is none or it cannot be read).
func loadDraft(p fyne.Preferences) draftOrder {
	var o draftOrder
	if p == nil {
		return o
	}
	if raw := p.String(draftPrefKey); raw != "" {
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			return draftOrder{}
		}
	}
	o.Lines = slices.DeleteFunc(o.Lines, func(l draftLine) bool { return l.RevisionID == 0 || l.Design == 0 })
	return o
}

// saveDraft keeps the draft order in the preferences.
func (d *Designer) saveDraft() {
	if d.prefs == nil {
		return
	}
	b, err := json.Marshal(d.draft)
	if err != nil {
		return
	}
	d.prefs.SetString(draftPrefKey, string(b))
}

// SetPreferences gives the designer the app's preferences: the dealer
// settings and the draft order are read from them, and kept there from
// now on.
func (d *Designer) SetPreferences(p fyne.Preferences) {
	d.prefs = p
	d.dealer = LoadDealerSettings(p)
	d.draft = loadDraft(p)
	d.SetAppSettings(LoadAppSettings(p)) // the theme and units apply
	if d.config != nil {
		d.showPrice(d.config)
	}
	d.refreshOrder()
}

// OrderExport is what exporting an order needs besides the design
// library; main fills it once the library is open.
type OrderExport struct {
	// Package builds the package of an order saved in the library
	// (orderfile.PackageOrder on the database).
	Package func(ctx context.Context, orderID int64, s orderfile.Settings) (*orderfile.Order, []byte, error)
	// KeyPath is the dealer's signing key, created on first use.
	KeyPath    string
	AppVersion string
	// Import verifies an order package and recreates its designs in the
	// library (orderfile.Import on the database).
	Import func(ctx context.Context, data []byte) (*orderfile.Imported, error)
}

// SetOrderExport makes exporting orders possible.
func (d *Designer) SetOrderExport(e OrderExport) { d.export = e }

// OrderLines is the number of designs in the draft order.
func (d *Designer) OrderLines() int { return len(d.draft.Lines) }

// AddToOrder adds the design being edited to the draft order: saved
// first if it has unsaved changes, then its newest revision, with the
// design's quantity. A design never saved is saved under a name made of
// its product, customer and date (renamed in the library at any time):
// nothing to type on the way to the order.
func (d *Designer) AddToOrder() {
	if why := d.cannotSave(); why != "" {
		d.tell(T("The design cannot be added to the order"), why)
		return
	}
	if d.product == nil || d.adding || d.saving || d.details != nil || d.asking {
		return
	}
	// Decisions the rules reject cannot be built. (While the engine is
	// still answering, the line is checked again in the order view.)
	if d.domains != nil && !d.domains.Consistent {
		var msgs []string
		for _, r := range d.config.Violations() {
			msgs = append(msgs, d.text(r.Message))
		}
		d.tell(T("The design cannot be ordered yet"), fmt.Sprintf(T("“%s” breaks the catalog's rules, so it cannot be built:\n\n%s"), d.docTitle(), strings.Join(msgs, "\n")))
		return
	}
	if d.doc.id != 0 && !d.Dirty() {
		d.addToDraft(d.doc.id, d.doc.customer)
		return
	}
	d.afterSave = func() { d.addToDraft(d.doc.id, d.doc.customer) }
	if d.doc.id == 0 {
		doc := d.doc
		doc.name = d.defaultName(time.Now())
		d.writeDesign(doc, "")
		return
	}
	d.Save()
}

// defaultName is the name of a design saved without one: "Kolme Sofa ·
// Meyer · 7 Dec 2026" (without the customer when there is none).
func (d *Designer) defaultName(now time.Time) string {
	parts := []string{d.text(d.product.Name)}
	if d.doc.customerName != "" {
		parts = append(parts, d.doc.customerName)
	}
	parts = append(parts, formatDate(now, "2 Jan 2006"))
	return strings.Join(parts, " · ")
}

// addToDraft reads a saved design's newest revision (off the UI
// goroutine) and puts it into the draft order.
func (d *Designer) addToDraft(design, customer int64) {
	if design == 0 || d.store == nil {
		return
	}
	store := d.store
	d.adding = true
	setEnabled(d.addBtn, false)
	go func() {
		rev, err := store.Revision(context.Background(), design, 0)
		d.do(func() {
			d.adding = false
			d.refreshOrder()
			if err != nil {
				d.showError(fmt.Errorf(T("the design could not be added to the order: %w"), err))
				return
			}
			p := d.cat.Product(rev.ProductID)
			productName := rev.ProductName
			if p != nil {
				productName = d.text(p.Name)
			}
			msg := d.draft.add(draftLine{Design: design, Revision: rev.Number, RevisionID: rev.ID, Quantity: rev.Quantity,
				Name: rev.Name, Product: rev.ProductID, ProductName: productName, Customer: customer})
			d.saveDraft()
			d.refreshOrder()
			d.noteAs(msg+" "+T("Open the order with the Order button."), widget.SuccessImportance)
			if d.OnAdded != nil {
				d.OnAdded()
			}
		})
	}()
}

// refreshOrder shows the draft order's size on the toolbar, and the draft
// in the order view if it is open.
func (d *Designer) refreshOrder() {
	if d.rail == nil {
		return // still building
	}
	badge := ""
	if n := len(d.draft.Lines); n > 0 {
		badge = strconv.Itoa(n)
	}
	d.rail.setBadge(screenOrder, badge)
	setEnabled(d.addBtn, !d.adding && !d.saving && d.cannotSave() == "")
	if d.order != nil {
		d.order.refresh()
	}
}
