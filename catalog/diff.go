package catalog

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// ChangeKind is what changed between two versions of a catalog.
type ChangeKind string

// Change kinds.
const (
	ProductAdded   ChangeKind = "product-added"
	ProductRemoved ChangeKind = "product-removed"
	FeatureAdded   ChangeKind = "feature-added"
	FeatureRemoved ChangeKind = "feature-removed"
	OptionAdded    ChangeKind = "option-added"
	OptionRemoved  ChangeKind = "option-removed"
	BasePrice      ChangeKind = "base-price"
	OptionPrice    ChangeKind = "option-price"
	Range          ChangeKind = "range" // a number feature's limits or grid
	RulesChanged   ChangeKind = "rules"
	PricingChanged ChangeKind = "pricing" // price rules or quantity breaks
)

// CatalogChange is one difference between two versions of a catalog, in
// words (Text, in the language asked for) and as data.
type CatalogChange struct {
	Kind     ChangeKind
	Product  string // product id
	Feature  string // feature id, where it applies
	Option   string // option id, where it applies
	Old, New decimal.Decimal
	Text     string
}

// Diff lists what changed from old to new, product by product in new's
// order (removed products last): products, features and options added or
// removed, base and option prices, number ranges, and whether the rules
// or price rules changed. Texts are in lang.
func Diff(old, new *Catalog, lang string) []CatalogChange {
	var out []CatalogChange
	def := new.DefaultLanguage()
	name := func(t Text) string { return t.In(lang, def) }
	money := func(d decimal.Decimal) string { return FormatMoney(d, new.Currency, lang) }
	add := func(c CatalogChange) { out = append(out, c) }
	for _, p := range new.Products {
		op := old.Product(p.ID)
		if op == nil {
			add(CatalogChange{Kind: ProductAdded, Product: p.ID, Text: sprintf(lang, "New product: %s.", name(p.Name))})
			continue
		}
		pn := name(p.Name)
		if !op.BasePrice.Equal(p.BasePrice) {
			add(CatalogChange{Kind: BasePrice, Product: p.ID, Old: op.BasePrice, New: p.BasePrice,
				Text: sprintf(lang, "%s: base price %s → %s.", pn, money(op.BasePrice), money(p.BasePrice))})
		}
		for _, f := range p.Features {
			of := op.Feature(f.ID)
			if of == nil {
				add(CatalogChange{Kind: FeatureAdded, Product: p.ID, Feature: f.ID, Text: sprintf(lang, "%s: new choice “%s”.", pn, name(f.Name))})
				continue
			}
			for _, o := range f.Options {
				oo := of.Option(o.ID)
				switch {
				case oo == nil:
					add(CatalogChange{Kind: OptionAdded, Product: p.ID, Feature: f.ID, Option: o.ID,
						Text: sprintf(lang, "%s: %s can now be %s.", pn, name(f.Name), name(o.Name))})
				case !oo.Price.Equal(o.Price):
					add(CatalogChange{Kind: OptionPrice, Product: p.ID, Feature: f.ID, Option: o.ID, Old: oo.Price, New: o.Price,
						Text: sprintf(lang, "%s: %s %s costs %s instead of %s.", pn, name(f.Name), name(o.Name), money(o.Price), money(oo.Price))})
				}
			}
			for _, oo := range of.Options {
				if f.Option(oo.ID) == nil {
					add(CatalogChange{Kind: OptionRemoved, Product: p.ID, Feature: f.ID, Option: oo.ID,
						Text: sprintf(lang, "%s: %s %s is no longer offered.", pn, name(of.Name), name(oo.Name))})
				}
			}
			if f.Kind == Number && (!f.Min.Equal(of.Min) || !f.Max.Equal(of.Max) || !f.Step.Equal(of.Step)) {
				add(CatalogChange{Kind: Range, Product: p.ID, Feature: f.ID,
					Text: sprintf(lang, "%s: %s goes from %s to %s %s in steps of %s (was %s to %s in steps of %s).",
						pn, name(f.Name), f.Min, f.Max, f.Unit, f.Step, of.Min, of.Max, of.Step)})
			}
		}
		for _, of := range op.Features {
			if p.Feature(of.ID) == nil {
				add(CatalogChange{Kind: FeatureRemoved, Product: p.ID, Feature: of.ID, Text: sprintf(lang, "%s: the choice “%s” was removed.", pn, name(of.Name))})
			}
		}
		if rulesOf(op) != rulesOf(p) {
			add(CatalogChange{Kind: RulesChanged, Product: p.ID, Text: sprintf(lang, "%s: the rules of what goes together changed.", pn)})
		}
		if pricingOf(op) != pricingOf(p) {
			add(CatalogChange{Kind: PricingChanged, Product: p.ID, Text: sprintf(lang, "%s: surcharges, discounts or quantity breaks changed.", pn)})
		}
	}
	for _, op := range old.Products {
		if new.Product(op.ID) == nil {
			add(CatalogChange{Kind: ProductRemoved, Product: op.ID, Text: sprintf(lang, "%s is no longer in the catalog.", op.Name.In(lang, old.DefaultLanguage()))})
		}
	}
	return out
}

// rulesOf is a product's rules and conditional defaults written out, to
// compare versions (positions and messages left out).
func rulesOf(p *Product) string {
	s := ""
	for _, r := range p.Rules {
		s += fmt.Sprintf("%s|%s|%s|%s|%s|%v|", r.ID, r.Kind, src(r.When), src(r.Then), src(r.Expr), r.Features)
		for _, row := range r.Allow {
			for _, c := range row {
				s += fmt.Sprintf("%v:%s:%s,", c.Any, c.Str, c.Num)
			}
			s += ";"
		}
		s += "\n"
	}
	for _, d := range p.Defaults {
		s += fmt.Sprintf("default|%s|%s|%s\n", src(d.When), d.Feature, d.Value.String())
	}
	return s
}

// pricingOf is a product's price rules and quantity breaks written out.
func pricingOf(p *Product) string {
	s := ""
	for _, r := range p.Pricing {
		pct := ""
		if r.Percent != nil {
			pct = r.Percent.String()
		}
		s += fmt.Sprintf("%s|%s|%s|%s|%s\n", r.ID, r.Kind, src(r.When), src(r.Amount), pct)
	}
	for _, q := range p.QuantityBreaks {
		s += fmt.Sprintf("break|%d|%s\n", q.MinQuantity, q.Percent)
	}
	return s
}

// diffWords are the German sentences of Diff (English is the key).
var diffWords = map[string]string{
	"New product: %s.":                                                           "Neues Produkt: %s.",
	"%s: base price %s → %s.":                                                    "%s: Grundpreis %s → %s.",
	"%s: new choice “%s”.":                                                       "%s: neue Wahl „%s“.",
	"%s: %s can now be %s.":                                                      "%s: %s jetzt auch %s.",
	"%s: %s %s costs %s instead of %s.":                                          "%s: %s %s kostet %s statt %s.",
	"%s: %s %s is no longer offered.":                                            "%s: %s %s wird nicht mehr angeboten.",
	"%s: the choice “%s” was removed.":                                           "%s: die Wahl „%s“ entfällt.",
	"%s: the rules of what goes together changed.":                               "%s: die Regeln, was zusammenpasst, haben sich geändert.",
	"%s: surcharges, discounts or quantity breaks changed.":                      "%s: Aufpreise, Rabatte oder Mengenstaffeln haben sich geändert.",
	"%s is no longer in the catalog.":                                            "%s ist nicht mehr im Katalog.",
	"%s: %s goes from %s to %s %s in steps of %s (was %s to %s in steps of %s).": "%s: %s von %s bis %s %s in Schritten von %s (bisher %s bis %s in Schritten von %s).",
}

// sprintf formats one of Diff's sentences in lang (German or English).
func sprintf(lang, format string, args ...any) string {
	if lang == "de" {
		if de, ok := diffWords[format]; ok {
			format = de
		}
	}
	return fmt.Sprintf(format, args...)
}
