package orderfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
)

// LineInput is what a line is computed from.
type LineInput struct {
	Catalog       *catalog.Catalog
	Ref           CatalogRef
	Product       string
	Decisions     map[string]string // what the user chose
	Configuration map[string]string // every feature's value (the decisions completed)
	Quantity      int
	Language      string
	Terms         catalog.Terms
	LineDiscount  decimal.Decimal
}

// MakeLine computes an order line from a configuration: it checks that
// every feature has a valid value and that the configuration keeps every
// rule, then derives the options in words, the article code, the bill of
// materials and the price waterfall. The export and the manufacturer's
// verification both use it, so they cannot disagree on how a line is
// priced.
func MakeLine(in LineInput) (Line, error) {
	cat := in.Catalog
	p := cat.Product(in.Product)
	if p == nil {
		return Line{}, fmt.Errorf("catalog %s %s has no product %q", cat.ID, cat.Version, in.Product)
	}
	values := map[string]catalog.Value{}
	for _, f := range p.Features {
		s, ok := in.Configuration[f.ID]
		if !ok {
			return Line{}, fmt.Errorf("the configuration has no value for %s", f.ID)
		}
		v, err := f.ParseValue(s)
		if err != nil {
			return Line{}, fmt.Errorf("%s: %w", f.ID, err)
		}
		values[f.ID] = v
	}
	for id := range in.Configuration {
		if p.Feature(id) == nil {
			return Line{}, fmt.Errorf("%s has no feature %q", p.ID, id)
		}
	}
	for id, s := range in.Decisions {
		if in.Configuration[id] != s {
			return Line{}, fmt.Errorf("the decision %s=%s is not in the configuration (%s=%s)", id, s, id, in.Configuration[id])
		}
	}
	cfg := &catalog.Config{Product: p, Values: values}
	if broken := cfg.Violations(); len(broken) > 0 {
		var msgs []string
		for _, r := range broken {
			msgs = append(msgs, fmt.Sprintf("%s (%s)", r.ID, r.Message.In(in.Language, cat.DefaultLanguage())))
		}
		return Line{}, fmt.Errorf("the configuration breaks the rules: %s", strings.Join(msgs, "; "))
	}
	lang, def := in.Language, cat.DefaultLanguage()
	w, err := cat.PriceWaterfall(cfg, in.Quantity, lang, in.Terms, in.LineDiscount)
	if err != nil {
		return Line{}, err
	}
	bom, err := cat.BOM(cfg, in.Quantity, lang)
	if err != nil {
		return Line{}, err
	}
	l := Line{Product: p.ID, ProductName: p.Name.In(lang, def), Catalog: in.Ref, Decisions: nonNil(in.Decisions), Config: in.Configuration,
		ArticleCode: cat.ArticleCode(cfg), Quantity: in.Quantity, BOM: []BOMLine{}}
	for _, f := range p.Features {
		l.Options = append(l.Options, Option{Feature: f.ID, Name: f.Name.In(lang, def), Value: words(f, values[f.ID], lang, def)})
	}
	for _, b := range bom {
		l.BOM = append(l.BOM, BOMLine{SKU: b.SKU, Name: b.Name, Quantity: b.Quantity.String(), Unit: b.Unit})
	}
	money := func(d decimal.Decimal) string { return catalog.RoundMoney(d).StringFixed(2) }
	for _, pl := range w.List.Lines {
		l.Price.Breakdown = append(l.Price.Breakdown, PriceLine{Source: pl.Source, Label: pl.Label, Amount: money(pl.Amount)})
	}
	l.Price.ListUnit = money(w.List.Unit)
	l.Price.ListTotal = money(w.List.Total)
	l.Price.DealerDiscount = w.DealerDiscount.String()
	l.Price.DealerNet = money(w.DealerNet)
	l.Price.Adjust = w.Adjust.String()
	l.Price.CustomerPrice = money(w.CustomerPrice)
	l.Price.LineDiscount = w.LineDiscount.String()
	l.Price.CustomerNet = money(w.CustomerNet)
	l.Price.TaxRate = w.TaxRate.String()
	l.Price.Tax = money(w.Tax)
	l.Price.Gross = money(w.Gross)
	return l, nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// words writes a feature's value for people.
func words(f *catalog.Feature, v catalog.Value, lang, def string) string {
	switch f.Kind {
	case catalog.Choice:
		if o := f.Option(v.Str); o != nil {
			return o.Name.In(lang, def)
		}
	case catalog.Multi:
		var names []string
		for _, o := range f.Options {
			if slices.Contains(v.Set, o.ID) {
				names = append(names, o.Name.In(lang, def))
			}
		}
		if len(names) == 0 {
			if lang == "de" {
				return "keine"
			}
			return "none"
		}
		return strings.Join(names, ", ")
	case catalog.Number:
		if f.Unit != "" {
			return v.Num.String() + " " + f.Unit
		}
		return v.Num.String()
	}
	return v.Str
}

// Sum adds up the lines into the totals.
func Sum(lines []Line) (Totals, error) {
	var list, net, cnet, tax, gross decimal.Decimal
	for _, l := range lines {
		for _, pair := range []struct {
			s string
			d *decimal.Decimal
		}{{l.Price.ListTotal, &list}, {l.Price.DealerNet, &net}, {l.Price.CustomerNet, &cnet}, {l.Price.Tax, &tax}, {l.Price.Gross, &gross}} {
			v, err := decimal.NewFromString(pair.s)
			if err != nil {
				return Totals{}, fmt.Errorf("line %d: amount %q: %w", l.Number, pair.s, err)
			}
			*pair.d = pair.d.Add(v)
		}
	}
	f := func(d decimal.Decimal) string { return d.StringFixed(2) }
	return Totals{List: f(list), DealerNet: f(net), CustomerNet: f(cnet), Tax: f(tax), Gross: f(gross)}, nil
}

// TermsOf turns catalog terms into the order's words.
func TermsOf(t catalog.Terms, payment string) Terms {
	out := Terms{DealerDiscount: t.DealerDiscount.String(), Adjust: t.Adjust.String(), TaxRate: t.TaxRate.String(), PaymentTerms: payment}
	for g, d := range t.GroupDiscounts {
		if out.GroupDiscounts == nil {
			out.GroupDiscounts = map[string]string{}
		}
		out.GroupDiscounts[g] = d.String()
	}
	return out
}

// CatalogTerms reads the order's terms back.
func (t Terms) CatalogTerms() (catalog.Terms, error) {
	var out catalog.Terms
	var err error
	parse := func(name, s string) decimal.Decimal {
		d, e := decimal.NewFromString(s)
		if e != nil && err == nil {
			err = fmt.Errorf("terms: %s %q is not a number", name, s)
		}
		return d
	}
	out.DealerDiscount = parse("dealer_discount", t.DealerDiscount)
	out.Adjust = parse("adjust", t.Adjust)
	out.TaxRate = parse("tax_rate", t.TaxRate)
	for g, s := range t.GroupDiscounts {
		if out.GroupDiscounts == nil {
			out.GroupDiscounts = map[string]decimal.Decimal{}
		}
		out.GroupDiscounts[g] = parse("group_discounts."+g, s)
	}
	return out, err
}
