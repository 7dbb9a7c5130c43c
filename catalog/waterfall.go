package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog/expr"
)

// Terms are a dealer's commercial terms: what the manufacturer grants the
// dealer, what the dealer charges the customer, and the tax. Percentages
// are decimals ("12.5" is 12.5%).
type Terms struct {
	// DealerDiscount is taken off the list price for every product, unless
	// GroupDiscounts has its price group.
	DealerDiscount decimal.Decimal
	GroupDiscounts map[string]decimal.Decimal
	// Adjust is the dealer's own markup (positive) or discount (negative)
	// on the list price for the customer.
	Adjust decimal.Decimal
	// TaxRate is the sales tax on the customer price.
	TaxRate decimal.Decimal
}

// Waterfall is one order line's price from the manufacturer's list to what
// the customer pays. Every step is rounded by RoundMoney:
//
//	list total       = list unit price (its breakdown) × quantity
//	dealer net       = list total − list total × dealer discount %
//	customer price   = list total + list total × adjust %
//	customer net     = customer price − customer price × line discount %
//	tax              = customer net × tax rate %
//	gross            = customer net + tax
type Waterfall struct {
	List                Price
	DealerDiscount      decimal.Decimal // percent
	DealerNet           decimal.Decimal
	Adjust              decimal.Decimal // percent
	CustomerPrice       decimal.Decimal
	LineDiscount        decimal.Decimal // percent
	CustomerNet         decimal.Decimal
	TaxRate             decimal.Decimal // percent
	Tax                 decimal.Decimal
	Gross               decimal.Decimal
	DealerMargin        decimal.Decimal // customer net − dealer net
	DealerDiscountLabel string          // where the dealer discount came from
}

var hundred = decimal.NewFromInt(100)

// percentOf is amount × percent / 100, rounded.
func percentOf(amount, percent decimal.Decimal) decimal.Decimal {
	return RoundMoney(amount.Mul(percent).Div(hundred))
}

// PriceWaterfall prices quantity pieces of a configuration for a dealer's
// terms, with an optional discount on this line (percent).
func (cat *Catalog) PriceWaterfall(c *Config, quantity int, lang string, t Terms, lineDiscount decimal.Decimal) (Waterfall, error) {
	list, err := cat.ListPrice(c, quantity, lang)
	if err != nil {
		return Waterfall{}, err
	}
	return cat.WaterfallOf(list, c.Product, lang, t, lineDiscount)
}

// WaterfallOf takes a list price of a product (nil: of none of the
// catalog's, so no price group's discount) down through a dealer's terms,
// as PriceWaterfall does: for a price already worked out, such as a saved
// design's list price.
func (cat *Catalog) WaterfallOf(list Price, p *Product, lang string, t Terms, lineDiscount decimal.Decimal) (Waterfall, error) {
	for _, pc := range []struct {
		name string
		v    decimal.Decimal
	}{{"line discount", lineDiscount}, {"dealer discount", t.DealerDiscount}} {
		if pc.v.IsNegative() || pc.v.GreaterThan(hundred) {
			return Waterfall{}, fmt.Errorf("%s %s%% is not between 0 and 100", pc.name, pc.v)
		}
	}
	if t.Adjust.LessThan(hundred.Neg()) {
		return Waterfall{}, fmt.Errorf("adjustment %s%% takes off more than the price", t.Adjust)
	}
	if t.TaxRate.IsNegative() {
		return Waterfall{}, fmt.Errorf("tax rate %s%% is negative", t.TaxRate)
	}
	w := Waterfall{List: list, DealerDiscount: t.DealerDiscount, Adjust: t.Adjust, LineDiscount: lineDiscount, TaxRate: t.TaxRate,
		DealerDiscountLabel: "dealer discount"}
	if p == nil {
		p = &Product{}
	}
	if g, ok := t.GroupDiscounts[p.PriceGroup]; ok && p.PriceGroup != "" {
		w.DealerDiscount = g
		w.DealerDiscountLabel = "dealer discount for " + p.PriceGroup
		if pg := cat.priceGroupsByID[p.PriceGroup]; pg != nil {
			w.DealerDiscountLabel = "dealer discount for " + pg.Name.In(lang, cat.DefaultLanguage())
		}
	}
	w.DealerNet = list.Total.Sub(percentOf(list.Total, w.DealerDiscount))
	w.CustomerPrice = list.Total.Add(percentOf(list.Total, w.Adjust))
	w.CustomerNet = w.CustomerPrice.Sub(percentOf(w.CustomerPrice, w.LineDiscount))
	w.Tax = percentOf(w.CustomerNet, w.TaxRate)
	w.Gross = w.CustomerNet.Add(w.Tax)
	w.DealerMargin = w.CustomerNet.Sub(w.DealerNet)
	return w, nil
}

// BOMLine is one component of a bill of materials.
type BOMLine struct {
	SKU      string
	Name     string
	Quantity decimal.Decimal // for all the pieces of the line
	Unit     string          // "" for pieces
}

// BOM evaluates a configuration's bill of materials for quantity pieces:
// every component whose condition holds, its SKU with {feature}
// placeholders filled in (an option's SKU fragment, else its id; a number
// as written; a multi feature's fragments joined with "+"), its quantity
// per piece times quantity. The order is the catalog's.
func (cat *Catalog) BOM(c *Config, quantity int, lang string) ([]BOMLine, error) {
	if quantity < 1 {
		return nil, fmt.Errorf("quantity must be at least 1, not %d", quantity)
	}
	env := c.Env()
	var out []BOMLine
	for _, it := range c.Product.BOM {
		if it.When != nil {
			ok, err := expr.EvalBool(it.When.Root, env)
			if err != nil {
				return nil, fmt.Errorf("bill of materials %s: %w", it.SKU, err)
			}
			if !ok {
				continue
			}
		}
		q := decimal.NewFromInt(1)
		if it.Quantity != nil {
			v, err := expr.EvalNumber(it.Quantity.Root, env)
			if err != nil {
				return nil, fmt.Errorf("bill of materials %s: %w", it.SKU, err)
			}
			q = v
		}
		if !q.IsPositive() {
			continue
		}
		sku, err := fillSKU(it.SKU, c)
		if err != nil {
			return nil, err
		}
		out = append(out, BOMLine{SKU: sku, Name: it.Name.In(lang, cat.DefaultLanguage()), Quantity: q.Mul(decimal.NewFromInt(int64(quantity))).Round(3), Unit: it.Unit})
	}
	return out, nil
}

// fragment is a feature's value as it appears in SKUs and article codes.
func fragment(f *Feature, v Value) string {
	switch f.Kind {
	case Choice:
		if o := f.Option(v.Str); o != nil {
			if o.SKU != "" {
				return o.SKU
			}
			return strings.ToUpper(o.ID)
		}
	case Multi:
		var parts []string
		for _, o := range f.Options { // catalog order, not selection order
			if slices.Contains(v.Set, o.ID) {
				if o.SKU != "" {
					parts = append(parts, o.SKU)
				} else {
					parts = append(parts, strings.ToUpper(o.ID))
				}
			}
		}
		return strings.Join(parts, "+")
	case Number:
		return v.Num.String()
	}
	return v.Str
}

func fillSKU(pattern string, c *Config) (string, error) {
	var b strings.Builder
	rest := pattern
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("SKU %q: an unclosed {", pattern)
		}
		b.WriteString(rest[:i])
		id := rest[i+1 : i+j]
		f := c.Product.Feature(id)
		if f == nil {
			return "", fmt.Errorf("SKU %q: no feature %q", pattern, id)
		}
		b.WriteString(fragment(f, c.Values[id]))
		rest = rest[i+j+1:]
	}
}

// ArticleCode is a configuration's full article code: the product's SKU and
// one fragment per feature in the catalog's order (an option's SKU
// fragment, a number as written, a multi feature's fragments joined with
// "+", "0" for an empty one), joined with "-". Text features are not part
// of it. Two configurations have the same code iff they are the same.
func (cat *Catalog) ArticleCode(c *Config) string {
	parts := []string{c.Product.SKU}
	if parts[0] == "" {
		parts[0] = strings.ToUpper(c.Product.ID)
	}
	for _, f := range c.Product.Features {
		if f.Kind == Textual {
			continue
		}
		fr := fragment(f, c.Values[f.ID])
		if fr == "" {
			fr = "0"
		}
		parts = append(parts, fr)
	}
	return strings.Join(parts, "-")
}

// FormatMoney writes an amount in a currency the way the language writes
// it: "€1,234.50" in English, "1.234,50 €" in German (and French, Dutch,
// Scandinavian languages: the amount first, a comma for decimals). Amounts
// are rounded by RoundMoney.
func FormatMoney(d decimal.Decimal, currency, lang string) string {
	s := RoundMoney(d).StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	group, point := ",", "."
	after := false
	switch lang {
	case "de", "nl", "da", "it", "es", "pt":
		group, point, after = ".", ",", true
	case "fr", "sv", "nb", "fi", "pl", "cs":
		group, point, after = "\u202f", ",", true
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	num := b.String() + point + frac
	sym := map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}[currency]
	var out string
	switch {
	case after && sym != "":
		out = num + "\u00a0" + sym
	case after:
		out = num + "\u00a0" + currency
	case sym != "":
		out = sym + num
	default:
		out = currency + "\u00a0" + num
	}
	if neg {
		out = "−" + out
	}
	return out
}
