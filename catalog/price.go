package catalog

import (
	"fmt"

	"github.com/atelier-app/atelier/catalog/expr"
	"github.com/shopspring/decimal"
)

// RoundMoney is the one rounding rule for money: every line of a breakdown is
// rounded to the currency's minor unit (2 decimals) half away from zero
// ("commercial rounding"), and totals are sums of rounded lines, so a
// breakdown always adds up to its total exactly.
func RoundMoney(d decimal.Decimal) decimal.Decimal { return d.Round(2) }

// PriceLine is one contributing line of a price breakdown.
type PriceLine struct {
	Source string // "base", "option:<feature>.<option>", "rule:<id>", "quantity-break"
	Label  string
	Amount decimal.Decimal // for one piece, rounded
}

// Price is a list price with its breakdown.
type Price struct {
	Currency string
	Lines    []PriceLine
	Unit     decimal.Decimal // one piece: the sum of Lines
	Quantity int
	Total    decimal.Decimal // Unit × Quantity
}

// ListPrice computes the manufacturer's list price of quantity pieces of a
// configuration: base price, option prices, price rules in file order
// (percentages apply to the sum of the lines before them), then the best
// quantity break reached.
func (cat *Catalog) ListPrice(c *Config, quantity int, lang string) (Price, error) {
	if quantity < 1 {
		return Price{}, fmt.Errorf("quantity must be at least 1, not %d", quantity)
	}
	p := c.Product
	pr := Price{Currency: cat.Currency, Quantity: quantity}
	add := func(src, label string, amt decimal.Decimal) {
		amt = RoundMoney(amt)
		if amt.IsZero() && src != "base" {
			return
		}
		pr.Lines = append(pr.Lines, PriceLine{Source: src, Label: label, Amount: amt})
		pr.Unit = pr.Unit.Add(amt)
	}
	def := cat.DefaultLanguage()
	add("base", p.Name.In(lang, def), p.BasePrice)
	for _, f := range p.Features {
		v := c.Values[f.ID]
		switch f.Kind {
		case Choice:
			if o := f.Option(v.Str); o != nil {
				add("option:"+f.ID+"."+o.ID, f.Name.In(lang, def)+": "+o.Name.In(lang, def), o.Price)
			}
		case Multi:
			for _, id := range v.Set {
				if o := f.Option(id); o != nil {
					add("option:"+f.ID+"."+o.ID, f.Name.In(lang, def)+": "+o.Name.In(lang, def), o.Price)
				}
			}
		}
	}
	env := func(name string) (expr.Value, bool) {
		if name == "quantity" {
			return expr.NumberValue(decimal.NewFromInt(int64(quantity))), true
		}
		return c.Env()(name)
	}
	for _, r := range p.Pricing {
		if r.When != nil {
			ok, err := expr.EvalBool(r.When.Root, env)
			if err != nil {
				return Price{}, fmt.Errorf("price rule %q: %w", r.ID, err)
			}
			if !ok {
				continue
			}
		}
		var amt decimal.Decimal
		if r.Percent != nil {
			amt = pr.Unit.Mul(*r.Percent).Div(decimal.NewFromInt(100))
		} else {
			a, err := expr.EvalNumber(r.Amount.Root, env)
			if err != nil {
				return Price{}, fmt.Errorf("price rule %q: %w", r.ID, err)
			}
			amt = a
		}
		if r.Kind == Discount {
			amt = amt.Neg()
		}
		add("rule:"+r.ID, r.Label.In(lang, def), amt)
	}
	var best *QuantityBreak
	for _, q := range p.QuantityBreaks {
		if quantity >= q.MinQuantity {
			best = q
		}
	}
	if best != nil {
		add("quantity-break", fmt.Sprintf("Quantity discount %s%% from %d pieces", best.Percent, best.MinQuantity),
			pr.Unit.Mul(best.Percent).Div(decimal.NewFromInt(100)).Neg())
	}
	pr.Total = pr.Unit.Mul(decimal.NewFromInt(int64(quantity)))
	return pr, nil
}
