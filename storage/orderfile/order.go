// Package orderfile writes and verifies the order package a dealer sends to
// the manufacturer: one zip, <order-number>.atelier-order.zip, holding
// order.json (the order, every line priced and with its bill of
// materials), lines.csv (one row per component, for ERP import),
// oex-orders_<dealer>_<yyyymmdd-hhmmss>.xml (the order as an OEX ORDERS
// message, for an ERP), quote.pdf
// (the customer's quote), previews/line-N.png, manifest.json (SHA-256 of
// every file) and manifest.sig (the dealer's ed25519 signature of the
// manifest). The same order always gives the same bytes. See
// docs/order-format.md.
package orderfile

// Format is the version of order.json this package writes.
const Format = "atelier-order/1"

// Order is order.json.
type Order struct {
	Format string `json:"format"`
	Number string `json:"number"`
	// Revision counts the versions of one order sent to the manufacturer:
	// absent (0) is the first; a corrected order is sent again under its
	// number with the next revision.
	Revision      int       `json:"revision,omitempty"`
	Created       string    `json:"created"` // RFC 3339, UTC
	RequestedDate string    `json:"requested_date,omitempty"`
	Notes         string    `json:"notes,omitempty"`
	Language      string    `json:"language"` // of the texts (option names, labels)
	Currency      string    `json:"currency"`
	Dealer        Dealer    `json:"dealer"`
	Customer      *Customer `json:"customer,omitempty"` // only what delivery needs
	Terms         Terms     `json:"terms"`
	Lines         []Line    `json:"lines"`
	Totals        Totals    `json:"totals"`
}

// Dealer is who orders.
type Dealer struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	VATID   string `json:"vat_id,omitempty"`
}

// Customer is where and to whom to deliver.
type Customer struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone,omitempty"`
}

// Terms are the commercial terms the prices were computed with
// (percentages as decimal strings).
type Terms struct {
	DealerDiscount string            `json:"dealer_discount"`
	GroupDiscounts map[string]string `json:"group_discounts,omitempty"`
	Adjust         string            `json:"adjust"`
	TaxRate        string            `json:"tax_rate"`
	PaymentTerms   string            `json:"payment_terms,omitempty"` // words on the quote
}

// CatalogRef names the catalog version a line was designed with.
type CatalogRef struct {
	ID        string `json:"id"`
	Version   string `json:"version"`
	SHA256    string `json:"sha256"`    // of the catalog source as imported
	Signature string `json:"signature"` // builtin, signed or unsigned
}

// Line is one design revision in the order.
type Line struct {
	Number      int               `json:"number"` // 1, 2, ...
	Design      string            `json:"design"` // the design's name
	DesignID    int64             `json:"design_id"`
	Revision    int               `json:"revision"`
	Product     string            `json:"product"`
	ProductName string            `json:"product_name"`
	Catalog     CatalogRef        `json:"catalog"`
	Decisions   map[string]string `json:"decisions"`     // what the user chose: feature -> value, as atelierctl --set takes it
	Config      map[string]string `json:"configuration"` // every feature's value, the decisions completed (what is built and priced)
	Options     []Option          `json:"options"`       // the whole configuration in words
	ArticleCode string            `json:"article_code"`
	Quantity    int               `json:"quantity"`
	BOM         []BOMLine         `json:"bom"`
	Price       LinePrice         `json:"price"`
	Preview     string            `json:"preview"` // previews/line-N.png
}

// Option is one feature's value in words.
type Option struct {
	Feature string `json:"feature"` // its id
	Name    string `json:"name"`    // the feature's name
	Value   string `json:"value"`   // the value's words
}

// BOMLine is one component.
type BOMLine struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Quantity string `json:"quantity"` // decimal, for the line's quantity
	Unit     string `json:"unit"`
}

// PriceLine is one line of a list price breakdown (for one piece).
type PriceLine struct {
	Source string `json:"source"` // base, option:<feature>.<option>, rule:<id>, quantity-break
	Label  string `json:"label"`
	Amount string `json:"amount"`
}

// LinePrice is a line's price waterfall; amounts are decimal strings with
// two decimals, percentages decimal strings.
type LinePrice struct {
	Breakdown      []PriceLine `json:"breakdown"`
	ListUnit       string      `json:"list_unit"`
	ListTotal      string      `json:"list_total"`
	DealerDiscount string      `json:"dealer_discount"`
	DealerNet      string      `json:"dealer_net"`
	Adjust         string      `json:"adjust"`
	CustomerPrice  string      `json:"customer_price"`
	LineDiscount   string      `json:"line_discount"`
	CustomerNet    string      `json:"customer_net"`
	TaxRate        string      `json:"tax_rate"`
	Tax            string      `json:"tax"`
	Gross          string      `json:"gross"`
}

// Totals add up the lines.
type Totals struct {
	List        string `json:"list"`
	DealerNet   string `json:"dealer_net"`
	CustomerNet string `json:"customer_net"`
	Tax         string `json:"tax"`
	Gross       string `json:"gross"`
}

// Rev is the order's revision: 1 when order.json names none.
func (o *Order) Rev() int { return max(o.Revision, 1) }
