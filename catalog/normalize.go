package catalog

import (
	"time"

	"github.com/shopspring/decimal"
)

// The normalized form of a catalog: what `atelierctl catalog show --json`
// prints. Every text is a language map, every amount a decimal string, every
// default filled in, keys in a fixed order. Other tools depend on it; keys
// are only ever added.

type normCatalog struct {
	Format       string         `json:"format"`
	ID           string         `json:"id"`
	Version      string         `json:"version"`
	Name         Text           `json:"name"`
	Description  Text           `json:"description,omitempty"`
	Manufacturer Manufacturer   `json:"manufacturer"`
	Currency     string         `json:"currency"`
	Units        string         `json:"units"`
	ValidFrom    string         `json:"validFrom"`
	ValidUntil   string         `json:"validUntil,omitempty"`
	Languages    []string       `json:"languages"`
	PriceGroups  []normGroup    `json:"priceGroups"`
	Materials    []normMaterial `json:"materials"`
	Products     []normProduct  `json:"products"`
}

type normGroup struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
}

type normMaterial struct {
	ID      string `json:"id"`
	Name    Text   `json:"name"`
	Color   string `json:"color"`
	Finish  Finish `json:"finish"`
	Pattern string `json:"pattern"`
	Swatch  string `json:"swatch,omitempty"`
}

type normProduct struct {
	ID             string         `json:"id"`
	Name           Text           `json:"name"`
	Description    Text           `json:"description,omitempty"`
	Category       Text           `json:"category,omitempty"`
	PriceGroup     string         `json:"priceGroup,omitempty"`
	SKU            string         `json:"sku"`
	BasePrice      string         `json:"basePrice"`
	LeadTimeDays   int            `json:"leadTimeDays"`
	Features       []normFeature  `json:"features"`
	Rules          []normRule     `json:"rules"`
	Defaults       []normDefault  `json:"defaults"`
	Presets        []normPreset   `json:"presets"`
	Pricing        []normPrice    `json:"pricing"`
	QuantityBreaks []normQtyBreak `json:"quantityBreaks"`
	Parts          int            `json:"parts"`
	BOM            []normBOM      `json:"bom"`
}

type normFeature struct {
	ID          string       `json:"id"`
	Kind        FeatureKind  `json:"kind"`
	Name        Text         `json:"name"`
	Description Text         `json:"description,omitempty"`
	Group       Text         `json:"group,omitempty"`
	Options     []normOption `json:"options,omitempty"`
	MinSelected *int         `json:"minSelected,omitempty"`
	MaxSelected *int         `json:"maxSelected,omitempty"`
	Min         string       `json:"min,omitempty"`
	Max         string       `json:"max,omitempty"`
	Step        string       `json:"step,omitempty"`
	Unit        string       `json:"unit,omitempty"`
	MaxLength   int          `json:"maxLength,omitempty"`
	Charset     string       `json:"charset,omitempty"`
	Default     any          `json:"default"`
}

type normOption struct {
	ID          string `json:"id"`
	Name        Text   `json:"name"`
	Description Text   `json:"description,omitempty"`
	Price       string `json:"price"`
	SKU         string `json:"sku,omitempty"`
	Material    string `json:"material,omitempty"`
	Swatch      string `json:"swatch,omitempty"`
}

type normRule struct {
	ID       string     `json:"id"`
	Kind     RuleKind   `json:"kind"`
	Message  Text       `json:"message"`
	When     string     `json:"when,omitempty"`
	Then     string     `json:"then,omitempty"`
	Expr     string     `json:"expr,omitempty"`
	Features []string   `json:"features,omitempty"`
	Allow    [][]string `json:"allow,omitempty"`
}

type normDefault struct {
	When    string `json:"when"`
	Feature string `json:"feature"`
	Value   any    `json:"value"`
}

type normPreset struct {
	ID     string         `json:"id"`
	Name   Text           `json:"name"`
	Values map[string]any `json:"values"`
}

type normPrice struct {
	ID      string        `json:"id"`
	Kind    PriceRuleKind `json:"kind"`
	Label   Text          `json:"label"`
	When    string        `json:"when,omitempty"`
	Amount  string        `json:"amount,omitempty"`
	Percent string        `json:"percent,omitempty"`
}

type normQtyBreak struct {
	MinQuantity int    `json:"minQuantity"`
	Percent     string `json:"percent"`
}

type normBOM struct {
	SKU      string `json:"sku"`
	Name     Text   `json:"name"`
	Quantity string `json:"quantity"`
	Unit     string `json:"unit"`
	When     string `json:"when,omitempty"`
}

func src(e *Expr) string {
	if e == nil {
		return ""
	}
	return e.Src
}

// JSONValue is a value as it appears in catalog JSON: an option id, a list of
// option ids, a decimal number (as a string, exactly) or a text.
func (v Value) JSONValue() any {
	switch v.Kind {
	case Multi:
		if v.Set == nil {
			return []string{}
		}
		return v.Set
	case Number:
		return v.Num.String()
	}
	return v.Str
}

func dstr(d decimal.Decimal) string { return d.String() }

// Normalized returns the catalog in its normalized form, ready for
// encoding/json.
func (c *Catalog) Normalized() any {
	n := normCatalog{
		Format: c.Format, ID: c.ID, Version: c.Version, Name: c.Name, Description: c.Description,
		Manufacturer: c.Manufacturer, Currency: c.Currency, Units: c.Units,
		ValidFrom: c.ValidFrom.Format(time.DateOnly), Languages: c.Languages,
		PriceGroups: []normGroup{}, Materials: []normMaterial{}, Products: []normProduct{},
	}
	if !c.ValidUntil.IsZero() {
		n.ValidUntil = c.ValidUntil.Format(time.DateOnly)
	}
	for _, g := range c.PriceGroups {
		n.PriceGroups = append(n.PriceGroups, normGroup{g.ID, g.Name})
	}
	for _, m := range c.Materials {
		n.Materials = append(n.Materials, normMaterial{m.ID, m.Name, m.Color.Hex(), m.Finish, string(m.Pattern), m.Swatch})
	}
	for _, p := range c.Products {
		np := normProduct{
			ID: p.ID, Name: p.Name, Description: p.Description, Category: p.Category, PriceGroup: p.PriceGroup,
			SKU: p.SKU, BasePrice: dstr(p.BasePrice), LeadTimeDays: p.LeadTimeDays, Parts: len(p.Parts),
			Features: []normFeature{}, Rules: []normRule{}, Defaults: []normDefault{}, Presets: []normPreset{},
			Pricing: []normPrice{}, QuantityBreaks: []normQtyBreak{}, BOM: []normBOM{},
		}
		for _, f := range p.Features {
			nf := normFeature{ID: f.ID, Kind: f.Kind, Name: f.Name, Description: f.Description, Group: f.Group, Default: f.Default.JSONValue()}
			for _, o := range f.Options {
				nf.Options = append(nf.Options, normOption{o.ID, o.Name, o.Description, dstr(o.Price), o.SKU, o.Material, o.Swatch})
			}
			switch f.Kind {
			case Multi:
				lo, hi := f.MinSelected, f.MaxSelected
				nf.MinSelected, nf.MaxSelected = &lo, &hi
			case Number:
				nf.Min, nf.Max, nf.Step, nf.Unit = dstr(f.Min), dstr(f.Max), dstr(f.Step), f.Unit
			case Textual:
				nf.MaxLength, nf.Charset = f.MaxLength, f.Charset
			}
			np.Features = append(np.Features, nf)
		}
		for _, r := range p.Rules {
			nr := normRule{ID: r.ID, Kind: r.Kind, Message: r.Message, When: src(r.When), Then: src(r.Then), Expr: src(r.Expr), Features: r.Features}
			for _, row := range r.Allow {
				var cells []string
				for _, c := range row {
					switch {
					case c.Any:
						cells = append(cells, "*")
					case c.Str != "":
						cells = append(cells, c.Str)
					default:
						cells = append(cells, c.Num.String())
					}
				}
				nr.Allow = append(nr.Allow, cells)
			}
			np.Rules = append(np.Rules, nr)
		}
		for _, d := range p.Defaults {
			np.Defaults = append(np.Defaults, normDefault{src(d.When), d.Feature, d.Value.JSONValue()})
		}
		for _, pr := range p.Presets {
			vals := map[string]any{}
			for k, v := range pr.Values {
				vals[k] = v.JSONValue()
			}
			np.Presets = append(np.Presets, normPreset{pr.ID, pr.Name, vals})
		}
		for _, r := range p.Pricing {
			nr := normPrice{ID: r.ID, Kind: r.Kind, Label: r.Label, When: src(r.When), Amount: src(r.Amount)}
			if r.Percent != nil {
				nr.Percent = r.Percent.String()
			}
			np.Pricing = append(np.Pricing, nr)
		}
		for _, q := range p.QuantityBreaks {
			np.QuantityBreaks = append(np.QuantityBreaks, normQtyBreak{q.MinQuantity, q.Percent.String()})
		}
		for _, b := range p.BOM {
			np.BOM = append(np.BOM, normBOM{b.SKU, b.Name, src(b.Quantity), b.Unit, src(b.When)})
		}
		n.Products = append(n.Products, np)
	}
	return n
}
