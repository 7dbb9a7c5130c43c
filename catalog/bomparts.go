package catalog

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog/expr"
)

// Part returns the product's part with the given id, or nil.
func (p *Product) Part(id string) *Part {
	for _, q := range p.Parts {
		if q.ID == id && id != "" {
			return q
		}
	}
	return nil
}

// ItemQuantity is a bill of materials item's quantity per piece in the
// configuration: 0 when its condition does not hold, as in BOM.
func (c *Config) ItemQuantity(it *BOMItem) (decimal.Decimal, error) {
	env := c.Env()
	if it.When != nil {
		ok, err := expr.EvalBool(it.When.Root, env)
		if err != nil {
			return decimal.Zero, fmt.Errorf("bill of materials %s: %w", it.SKU, err)
		}
		if !ok {
			return decimal.Zero, nil
		}
	}
	q := decimal.NewFromInt(1)
	if it.Quantity != nil {
		v, err := expr.EvalNumber(it.Quantity.Root, env)
		if err != nil {
			return decimal.Zero, fmt.Errorf("bill of materials %s: %w", it.SKU, err)
		}
		q = v
	}
	if !q.IsPositive() {
		return decimal.Zero, nil
	}
	return q, nil
}

// PartCount is how many times the configuration draws a part: its repeat
// count, less the instances its visible condition hides, as the renderer
// draws it (an error past MaxParts, which it does not draw).
func (c *Config) PartCount(part *Part) (int, error) {
	base := c.Env()
	count := 1
	if part.Repeat != nil {
		n, err := expr.EvalNumber(part.Repeat.Count.Root, base)
		if err != nil {
			return 0, fmt.Errorf("part %q: repeat count: %w", part.ID, err)
		}
		if n.GreaterThan(decimal.NewFromInt(MaxParts)) {
			return 0, fmt.Errorf("part %q is repeated %s times; a product draws at most %d parts", part.ID, n.Truncate(0), MaxParts)
		}
		count = int(n.IntPart())
	}
	drawn := 0
	for i := 0; i < count; i++ {
		_, visible, err := InstanceEnv(part, base, i)
		if err != nil {
			return 0, err
		}
		if visible {
			drawn++
		}
	}
	return drawn, nil
}

// InstanceEnv is the environment of instance i of a part (a repeated
// part's variable bound to i) and whether that instance is drawn (its
// visible condition), as the renderer and PartCount see it.
func InstanceEnv(part *Part, base expr.Env, i int) (env expr.Env, visible bool, err error) {
	env = base
	if part.Repeat != nil {
		idx := expr.NumberValue(decimal.NewFromInt(int64(i)))
		name := part.Repeat.Var
		env = func(n string) (expr.Value, bool) {
			if n == name {
				return idx, true
			}
			return base(n)
		}
	}
	if part.Visible != nil {
		ok, err := expr.EvalBool(part.Visible.Root, env)
		if err != nil {
			return nil, false, fmt.Errorf("part %q: visible: %w", part.ID, err)
		}
		if !ok {
			return env, false, nil
		}
	}
	return env, true, nil
}
