package orderfile

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The OEX order message: the order as an OFML Business Data Exchange
// (OEX, IBA) document of type ORDERS, version 3.1.0, for a manufacturer's
// ERP. It is computed from order.json alone, so the same order always
// gives the same bytes and Verify can compute it again. The mapping,
// element by element, is in docs/order-format.md ("OEX order message").

// OEX versions and codes written (OEX-GLOBAL 3.1 and OEX-ORDERS 3.1).
const (
	oexPrefix      = "oex-orders_"
	oexStampLayout = "20060102-150405"
	oexSchema      = "oex-orders_3.1.0.xsd"
	oexPiece       = "C62" // UN/ECE Recommendation 20: one (piece)
	oexCreate      = "C"   // aAction: no quotation precedes the order
	oexPurchase    = "P"   // aCondArea: purchase prices (the dealer's)
)

// OEXName is the file name of an order's OEX order message, as OEX names
// it: oex-orders_<dealer id>_<yyyymmdd-hhmmss>.xml, stamped with the
// order's creation time in UTC (not the time of export, so that exports
// stay byte-identical). It is "" when the order's creation time is not an
// RFC 3339 time.
func OEXName(o *Order) string {
	created, err := time.Parse(time.RFC3339, o.Created)
	if err != nil {
		return ""
	}
	return oexPrefix + o.Dealer.ID + "_" + created.UTC().Format(oexStampLayout) + ".xml"
}

// isOEXName matches the name of an OEX order message exactly:
// oex-orders_, a dealer id as order.json allows it ([A-Z0-9][A-Z0-9._-],
// at most 32), _, a real UTC time as yyyymmdd-hhmmss, .xml.
func isOEXName(name string) bool {
	mid, ok := strings.CutPrefix(name, oexPrefix)
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, ".xml")
	n := len(mid) - len(oexStampLayout) - 1
	if !ok || n < 1 || mid[n] != '_' {
		return false
	}
	sender, stamp := mid[:n], mid[n+1:]
	if _, err := time.Parse(oexStampLayout, stamp); err != nil || len(sender) > 32 || sender[0] == '.' || sender[0] == '_' || sender[0] == '-' {
		return false
	}
	for _, c := range []byte(sender) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// OEX is an order's OEX order message: its file name (OEXName) and its
// bytes, UTF-8 XML with a declaration and a newline at the end. An intake
// can file it for an ERP as it is.
func OEX(o *Order) (name string, data []byte, err error) {
	created, err := time.Parse(time.RFC3339, o.Created)
	if err != nil {
		return "", nil, fmt.Errorf("order %s: the OEX order message needs the creation time, and %q is not one", o.Number, o.Created)
	}
	doc, err := oexDocumentOf(o, created.UTC())
	if err != nil {
		return "", nil, fmt.Errorf("order %s: OEX order message: %w", o.Number, err)
	}
	frame := oexDocFrame{Major: "3", XSI: "http://www.w3.org/2001/XMLSchema-instance", Schema: oexSchema,
		App:  oexApplication{Name: "Atelier", Version: oexFormatVersion()},
		File: oexFile{DocumentCount: 1, DocumentType: oexDocType{Major: 3, Minor: 1, Build: 0, Value: "ORDERS"}, Document: doc}}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(frame); err != nil {
		return "", nil, fmt.Errorf("order %s: OEX order message: %w", o.Number, err)
	}
	buf.WriteByte('\n')
	return OEXName(o), buf.Bytes(), nil
}

// oexFormatVersion is the version of the order format (atelier-order/N:
// N.0), which the message names as its application's version: the
// message depends on order.json alone (the manifest names the app's
// version).
func oexFormatVersion() oexVersion {
	n, _ := strconv.Atoi(strings.TrimPrefix(Format, "atelier-order/"))
	return oexVersion{Major: n, Minor: 0}
}

func oexDocumentOf(o *Order, created time.Time) (oexDocument, error) {
	h, err := oexHeaderOf(o, created)
	if err != nil {
		return oexDocument{}, err
	}
	d := oexDocument{DocNo: 1, ItemCount: len(o.Lines), Action: oexCreate, Header: h}
	for _, l := range o.Lines {
		it, err := oexItemOf(o, l)
		if err != nil {
			return oexDocument{}, fmt.Errorf("line %d: %w", l.Number, err)
		}
		d.Items = append(d.Items, it)
	}
	return d, nil
}

func oexHeaderOf(o *Order, created time.Time) (oexHeader, error) {
	h := oexHeader{Action: oexCreate, OrderNumber: o.Number, ClientNumber: o.Dealer.ID, VendorNumber: oexVendor(o),
		Currency: o.Currency, Language: oexLanguage(o.Language)}
	h.DateTimes = []oexDateTime{{Type: "DOC", TimeZone: "+0000", Date: oexDate{Format: "D", Value: created.Format("20060102")}, Time: created.Format("150405")}}
	if o.RequestedDate != "" {
		d, err := time.Parse(time.DateOnly, o.RequestedDate)
		if err != nil {
			return oexHeader{}, fmt.Errorf("the requested date %q is not a date", o.RequestedDate)
		}
		h.DateTimes = append(h.DateTimes, oexDateTime{Type: "CRD", TimeZone: "+0000", Date: oexDate{Format: "D", Value: d.Format("20060102")}})
	}
	if o.Revision > 1 {
		h.OrgData = append(h.OrgData, oexOrgData{Type: "REV", Value: strconv.Itoa(o.Revision)})
	}
	h.Addresses = append(h.Addresses, oexDealerAddress(o.Dealer))
	if o.Customer != nil {
		h.Addresses = append(h.Addresses, oexCustomerAddress(*o.Customer))
	}
	if lines := textLines(o.Notes); len(lines) > 0 {
		h.Texts = append(h.Texts, oexText{Type: "HEAD", Language: oexLanguage(o.Language), Lines: lines})
	}
	if lines := textLines(o.Terms.PaymentTerms); len(lines) > 0 {
		h.Texts = append(h.Texts, oexText{Type: "PAYC", Language: oexLanguage(o.Language), Lines: lines})
	}
	h.Pricing = oexNumbered(
		oexPricing{Type: oexCondType{Area: oexPurchase, Value: "TGRO"}, Value: o.Totals.List, Currency: o.Currency},
		oexPricing{Type: oexCondType{Area: oexPurchase, Value: "TNET"}, Value: o.Totals.DealerNet, Currency: o.Currency},
	)
	return h, nil
}

// oexVendor is the supplier's number: the id of the catalog of the
// order's lines (the first of them, by catalogsOf's order, if they come
// from several catalogs; each item names its own).
func oexVendor(o *Order) string {
	if cats := catalogsOf(o); len(cats) > 0 {
		return cats[0].ID
	}
	return ""
}

// oexLanguage is a language tag's primary language, lower case ("de" of
// "de-CH"), as OEX's text languages are written.
func oexLanguage(tag string) string {
	lang, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(lang)
}

// oexDealerAddress is the dealer as the buyer: the sold-to party (SO).
func oexDealerAddress(d Dealer) oexAddress {
	a := oexAddressOf("SO", d.ID, d.Name, d.Address)
	a.TaxCodeEU = d.VATID
	if d.Phone != "" {
		a.Com = append(a.Com, oexCom{Type: oexComType{Scope: "B", Value: "TEL"}, Value: d.Phone})
	}
	if d.Email != "" {
		a.Com = append(a.Com, oexCom{Type: oexComType{Scope: "B", Value: "EMA"}, Value: d.Email})
	}
	return a
}

// oexCustomerAddress is where to deliver: the ship-to party (SH).
func oexCustomerAddress(c Customer) oexAddress {
	a := oexAddressOf("SH", "", c.Name, c.Address)
	if c.Phone != "" {
		a.Com = append(a.Com, oexCom{Type: oexComType{Scope: "P", Value: "TEL"}, Value: c.Phone})
	}
	return a
}

// oexAddressOf splits a free-text address into OEX's street lines: its
// lines, trimmed, without empty ones and without a first line that
// repeats the name; the first is vStreet, the others, joined with ", ",
// vStreet2. (Atelier keeps addresses as text; it does not guess postal
// codes, cities or countries from it.)
func oexAddressOf(kind, number, name, address string) oexAddress {
	a := oexAddress{Type: kind, Number: number, Name1: name}
	var lines []string
	for _, l := range strings.Split(address, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 && lines[0] == strings.TrimSpace(name) {
		lines = lines[1:]
	}
	if len(lines) > 0 {
		a.Street, a.Street2 = lines[0], strings.Join(lines[1:], ", ")
	}
	return a
}

// textLines are a text's lines as OEX text lines, each shown on a line
// of its own (aLineFormat \); empty lines are dropped.
func textLines(s string) []oexTextLine {
	var out []oexTextLine
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, oexTextLine{No: len(out) + 1, Format: `\`, Value: l})
		}
	}
	return out
}

func oexItemOf(o *Order, l Line) (oexItem, error) {
	lang := oexLanguage(o.Language)
	it := oexItem{ItemNo: l.Number, Action: oexCreate, UUID: oexItemUUID(o.Number, l), OrderItemNumber: l.Number,
		ClientArticleNo: "D" + strconv.FormatInt(l.DesignID, 10) + "-R" + strconv.Itoa(l.Revision),
		VendorArticleNo: oexArtNo{Status: "O", Value: l.Product}, VendorID: l.Catalog.ID, VendorSeries: l.Product,
		CatalogID: l.Catalog.ID + "." + l.Catalog.Version, Quantity: l.Quantity, Unit: oexPiece,
		Config: oexConfigOf(l, lang)}
	it.OrgData = []oexOrgData{{Type: "ITM", Value: l.ArticleCode}}
	it.Texts = append(it.Texts, oexText{Type: "ARTS", Language: lang, Lines: []oexTextLine{{No: 1, Format: `\`, Value: l.ProductName}}})
	var variant []oexTextLine
	for _, op := range l.Options {
		if op.Value == "" {
			continue
		}
		variant = append(variant, oexTextLine{No: len(variant) + 1, Format: `\`, Value: op.Name + ": " + op.Value})
	}
	if len(variant) > 0 {
		it.Texts = append(it.Texts, oexText{Type: "ARTV", Language: lang, Lines: variant})
	}
	if lines := textLines(l.Design); len(lines) > 0 {
		it.Texts = append(it.Texts, oexText{Type: "ARTU", Language: lang, Lines: lines})
	}
	it.References = []oexReference{{Type: oexRefType{MIME: "image/png", Value: "ATT"}, Value: l.Preview, Desc: "Preview"}}
	pricing, err := oexItemPricing(l, o.Currency)
	if err != nil {
		return oexItem{}, err
	}
	it.Pricing = pricing
	return it, nil
}

// oexConfigOf is one feature/value pair per feature of the configuration:
// first those the options name, in their order (the catalog's), each with
// the option's words; then any other, by feature id.
func oexConfigOf(l Line, lang string) []oexConfig {
	var out []oexConfig
	seen := map[string]bool{}
	for _, op := range l.Options {
		if _, ok := l.Config[op.Feature]; !ok || seen[op.Feature] {
			continue
		}
		seen[op.Feature] = true
		c := oexConfig{OptionID: op.Feature, ValueID: l.Config[op.Feature], Text: &oexConfigText{Language: lang, OptionText: op.Name}}
		if op.Value != "" {
			c.Text.ValueText = []oexTextLine{{No: 1, Format: `\`, Value: op.Value}}
		}
		out = append(out, c)
	}
	rest := make([]string, 0, len(l.Config))
	for f := range l.Config {
		if !seen[f] {
			rest = append(rest, f)
		}
	}
	slices.Sort(rest)
	for _, f := range rest {
		out = append(out, oexConfig{OptionID: f, ValueID: l.Config[f]})
	}
	return out
}

// oexItemPricing is a line's purchase price: the list unit price (SGRO),
// the list total (TGRO), the dealer discount on it (DISI, as an amount
// and a rate; a surcharge SURI if the dealer net is above the list) and
// the dealer net (TNET), which the manufacturer invoices.
func oexItemPricing(l Line, currency string) ([]oexPricing, error) {
	list, err := decimal.NewFromString(l.Price.ListTotal)
	if err != nil {
		return nil, fmt.Errorf("the list price %q is not a number", l.Price.ListTotal)
	}
	net, err := decimal.NewFromString(l.Price.DealerNet)
	if err != nil {
		return nil, fmt.Errorf("the dealer net %q is not a number", l.Price.DealerNet)
	}
	out := []oexPricing{
		{Type: oexCondType{Area: oexPurchase, Value: "SGRO"}, Value: l.Price.ListUnit, Currency: currency, PriceUnit: "1", QuantUnit: oexPiece},
		{Type: oexCondType{Area: oexPurchase, Value: "TGRO"}, Value: l.Price.ListTotal, Currency: currency},
	}
	switch off := list.Sub(net); off.Sign() {
	case 1:
		out = append(out, oexPricing{Type: oexCondType{Area: oexPurchase, Ref: "2", TypeDis: "BD", Sign: "-", Value: "DISI"},
			Value: off.StringFixed(2), Rate: l.Price.DealerDiscount, Currency: currency, Text: "Dealer discount"})
	case -1:
		out = append(out, oexPricing{Type: oexCondType{Area: oexPurchase, Ref: "2", Sign: "+", Value: "SURI"},
			Value: off.Neg().StringFixed(2), Currency: currency, Text: "Dealer surcharge"})
	}
	out = append(out, oexPricing{Type: oexCondType{Area: oexPurchase, Value: "TNET"}, Value: l.Price.DealerNet, Currency: currency})
	return oexNumbered(out...), nil
}

// oexNumbered numbers conditions 1, 2, … (aCondNo).
func oexNumbered(ps ...oexPricing) []oexPricing {
	for i := range ps {
		ps[i].CondNo = i + 1
	}
	return ps
}

// oexItemUUID is an item's aUUID: a name-based UUID (RFC 4122 version 5
// layout, SHA-1) of the order number, the line number and the design
// revision, so the same line always gets the same one.
func oexItemUUID(number string, l Line) string {
	sum := sha1.Sum([]byte(fmt.Sprintf("atelier-order-item\x00%s\x00%d\x00%d\x00%d", number, l.Number, l.DesignID, l.Revision)))
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// The elements written, in OEX's order (OEX-ORDERS 3.1, section 3).
type oexDocFrame struct {
	XMLName xml.Name       `xml:"oexDocFrame"`
	Major   string         `xml:"aMajor,attr"`
	XSI     string         `xml:"xmlns:xsi,attr"`
	Schema  string         `xml:"xsi:noNamespaceSchemaLocation,attr"`
	App     oexApplication `xml:"oexApplication"`
	File    oexFile        `xml:"oexFile"`
}

type oexApplication struct {
	Name    string     `xml:"vAppName"`
	Version oexVersion `xml:"eAppVersion"`
}

type oexVersion struct {
	Major int `xml:"aMajor,attr"`
	Minor int `xml:"aMinor,attr"`
}

type oexFile struct {
	DocumentCount int         `xml:"aDocumentCount,attr"`
	DocumentType  oexDocType  `xml:"vDocumentType"`
	Document      oexDocument `xml:"oexDocument"`
}

type oexDocType struct {
	Major int    `xml:"aMajor,attr"`
	Minor int    `xml:"aMinor,attr"`
	Build int    `xml:"aBuild,attr"`
	Value string `xml:",chardata"`
}

type oexDocument struct {
	DocNo     int       `xml:"aDocNo,attr"`
	ItemCount int       `xml:"aItemCount,attr"`
	Action    string    `xml:"aAction,attr"`
	Header    oexHeader `xml:"docHeader"`
	Items     []oexItem `xml:"docArticleItem"`
}

type oexHeader struct {
	Action       string        `xml:"aAction,attr"`
	OrderNumber  string        `xml:"vOrderNumber"`
	ClientNumber string        `xml:"vClientNumber"`
	VendorNumber string        `xml:"vVendorNumber"`
	Currency     string        `xml:"vDocCurrency"`
	Language     string        `xml:"vDocLanguage"`
	DateTimes    []oexDateTime `xml:"hdrDateTime"`
	OrgData      []oexOrgData  `xml:"hdrOrgData"`
	Addresses    []oexAddress  `xml:"hdrAddress"`
	Texts        []oexText     `xml:"hdrText"`
	Pricing      []oexPricing  `xml:"hdrPricing"`
}

type oexDateTime struct {
	Type     string  `xml:"vDateTimeType"`
	TimeZone string  `xml:"vTimeZone"`
	Date     oexDate `xml:"vDateValue"`
	Time     string  `xml:"vTimeValue,omitempty"`
}

type oexDate struct {
	Format string `xml:"aDateFormat,attr"`
	Value  string `xml:",chardata"`
}

type oexOrgData struct {
	Type  string `xml:"vOrgDataType"`
	Value string `xml:"vOrgDataValue"`
}

type oexAddress struct {
	Type      string   `xml:"vAddressType"`
	Number    string   `xml:"vAddressNumber,omitempty"`
	Name1     string   `xml:"vName1"`
	Street    string   `xml:"vStreet,omitempty"`
	Street2   string   `xml:"vStreet2,omitempty"`
	TaxCodeEU string   `xml:"vTaxCodeEU,omitempty"`
	Com       []oexCom `xml:"hdrCom"`
}

type oexCom struct {
	Type  oexComType `xml:"vComType"`
	Value string     `xml:"vComValue"`
}

type oexComType struct {
	Scope string `xml:"aScopeInfo,attr"`
	Value string `xml:",chardata"`
}

type oexText struct {
	Type     string        `xml:"vTextType"`
	Language string        `xml:"vTextLanguage"`
	Lines    []oexTextLine `xml:"vTextContent"`
}

type oexTextLine struct {
	No     int    `xml:"aTextLineNo,attr"`
	Format string `xml:"aLineFormat,attr"`
	Value  string `xml:",chardata"`
}

type oexPricing struct {
	CondNo    int         `xml:"aCondNo,attr"`
	Type      oexCondType `xml:"vConditionType"`
	Value     string      `xml:"vConditionValue"`
	Rate      string      `xml:"vConditionRate,omitempty"`
	Currency  string      `xml:"vCondCurrency"`
	Text      string      `xml:"vConditionText,omitempty"`
	PriceUnit string      `xml:"vPriceUnit,omitempty"`
	QuantUnit string      `xml:"vQuantUnit,omitempty"`
}

type oexCondType struct {
	Area    string `xml:"aCondArea,attr"`
	Ref     string `xml:"aCondRef,attr,omitempty"`
	TypeDis string `xml:"aTypeDis,attr,omitempty"`
	Sign    string `xml:"aCondSign,attr,omitempty"`
	Value   string `xml:",chardata"`
}

type oexItem struct {
	ItemNo          int            `xml:"aItemNo,attr"`
	Action          string         `xml:"aAction,attr"`
	UUID            string         `xml:"aUUID,attr"`
	OrderItemNumber int            `xml:"vOrderItemNumber"`
	ClientArticleNo string         `xml:"vClientArticleNo"`
	VendorArticleNo oexArtNo       `xml:"vVendorArticleNo"`
	VendorID        string         `xml:"vVendorID"`
	VendorSeries    string         `xml:"vVendorSeries"`
	CatalogID       string         `xml:"vCatalogId"`
	Quantity        int            `xml:"vOrderQuantity"`
	Unit            string         `xml:"vOrderUnit"`
	Config          []oexConfig    `xml:"itmConfiguration"`
	OrgData         []oexOrgData   `xml:"itmOrgData"`
	Texts           []oexText      `xml:"itmText"`
	References      []oexReference `xml:"itmReference"`
	Pricing         []oexPricing   `xml:"itmPricing"`
}

type oexArtNo struct {
	Status string `xml:"aStatus,attr"`
	Value  string `xml:",chardata"`
}

type oexConfig struct {
	OptionID string         `xml:"vOptionID"`
	ValueID  string         `xml:"vValueID"`
	Text     *oexConfigText `xml:"itmConfigText"`
}

type oexConfigText struct {
	Language   string        `xml:"vTextLanguage"`
	OptionText string        `xml:"vOptionText"`
	ValueText  []oexTextLine `xml:"vValueText"`
}

type oexReference struct {
	Type  oexRefType `xml:"vReferenceType"`
	Value string     `xml:"vReferenceValue"`
	Desc  string     `xml:"vReferenceDesc"`
}

type oexRefType struct {
	MIME  string `xml:"aMIMEType,attr"`
	Value string `xml:",chardata"`
}
