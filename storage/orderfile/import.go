package orderfile

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
)

// ErrNotVerified: an order package that does not verify is not imported.
var ErrNotVerified = errors.New("the order package does not verify")

// Imported is what an import made.
type Imported struct {
	Report  *Report          // the verification of the package
	Designs []storage.Design // one per line, in line order
	// Customer is the customer the designs were linked to (0: none; only
	// a customer of that exact name already in the library is linked:
	// an import never creates customer records).
	Customer int64
	// ForgottenOn is set (YYYY-MM-DD) when the order's customer, or a
	// design's name, names someone this library forgot at their request:
	// then no design is linked to a customer and the designs are named
	// "<product> from order <number>, line <n>" (ForgottenNote says so).
	ForgottenOn string
	// Cleared lists the free-text choices (an engraving) that named a
	// forgotten customer and were set back to the feature's default
	// ("line 1: engraving"), as forgetting does in the library.
	Cleared []string
}

// ForgottenNote says in plain words, when the order named a forgotten
// customer, that their name was not imported ("" otherwise).
func (i *Imported) ForgottenNote() string {
	if i == nil || i.ForgottenOn == "" {
		return ""
	}
	note := fmt.Sprintf("The customer of this order was forgotten at their request on %s; their name was not imported.", ForgottenDate(i.ForgottenOn))
	if len(i.Cleared) > 0 {
		note += fmt.Sprintf(" These text choices named them and were set back to their defaults: %s.", strings.Join(i.Cleared, "; "))
	}
	return note
}

// ForgottenDate writes a day (YYYY-MM-DD) in English words: 24 November
// 2026.
func ForgottenDate(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2 January 2006")
}

// Import recreates the designs of an order package in the design library:
// the package is verified first against the catalogs the library keeps
// (an order made with a catalog version that is not there, or one that
// does not verify, is not imported: ErrNotVerified, with the report). Each
// line becomes a new design on the catalog version it names, with its
// decisions, quantity, list price and a fresh picture; all of them are
// saved in one transaction, or none. The package's signer must be trusted:
// one of trust.Own (the library's own dealer key), a key enrolled in the
// library's dealer registry for the dealer the order names, or anyone with
// trust.Any.
func Import(ctx context.Context, db *storage.DB, data []byte, trust Trust) (*Imported, error) {
	kept, err := db.Catalogs(ctx)
	if err != nil {
		return nil, fmt.Errorf("import order: %w", err)
	}
	var cats []CatalogSource
	ids := map[string]int64{}
	for _, k := range kept {
		cat, err := db.LoadCatalog(ctx, k.ID)
		if err != nil {
			continue // a catalog that no longer loads cannot verify a line
		}
		cats = append(cats, CatalogSource{SHA256: k.Hash, Catalog: cat})
		ids[k.Hash] = k.ID
	}
	registry, err := db.DealerKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("import order: %w", err)
	}
	trust.Registry = append(registry, trust.Registry...)
	r := Verify(data, cats, trust, DefaultLimits)
	out := &Imported{Report: r}
	if !r.OK {
		return out, ErrNotVerified
	}
	o := r.Order
	// A customer forgotten here is not brought back by an old order.
	if o.Customer != nil {
		if out.ForgottenOn, err = db.ForgottenCustomer(ctx, o.Customer.Name, o.Customer.Phone, o.Customer.Address); err != nil {
			return out, fmt.Errorf("import order %s: %w", o.Number, err)
		}
	}
	for _, l := range o.Lines {
		on, err := db.MentionsForgotten(ctx, l.Design)
		if err != nil {
			return out, fmt.Errorf("import order %s: %w", o.Number, err)
		}
		if on != "" && (out.ForgottenOn == "" || on < out.ForgottenOn) {
			out.ForgottenOn = on
		}
	}
	// Free-text choices (an engraving) that name a forgotten customer are
	// set back to the feature's default, as forgetting does.
	cleared := map[int]map[string]bool{} // line index -> feature ids
	for i, l := range o.Lines {
		var cat *catalog.Catalog
		for _, c := range cats {
			if c.SHA256 == l.Catalog.SHA256 {
				cat = c.Catalog
			}
		}
		if cat == nil || cat.Product(l.Product) == nil {
			continue
		}
		for _, f := range cat.Product(l.Product).Features {
			if f.Kind != catalog.Textual {
				continue
			}
			for _, v := range []string{l.Decisions[f.ID], l.Config[f.ID]} {
				if v == "" {
					continue
				}
				on, err := db.MentionsForgotten(ctx, v)
				if err != nil {
					return out, fmt.Errorf("import order %s: %w", o.Number, err)
				}
				if on == "" {
					continue
				}
				if out.ForgottenOn == "" || on < out.ForgottenOn {
					out.ForgottenOn = on
				}
				if cleared[i] == nil {
					cleared[i] = map[string]bool{}
				}
				if !cleared[i][f.ID] {
					cleared[i][f.ID] = true
					out.Cleared = append(out.Cleared, fmt.Sprintf("line %d: %s", l.Number, f.ID))
				}
			}
		}
	}
	if o.Customer != nil && out.ForgottenOn == "" {
		if found, err := db.Customers(ctx, o.Customer.Name); err == nil {
			for _, c := range found {
				if storage.Fold(c.Name) == storage.Fold(o.Customer.Name) {
					if out.Customer != 0 {
						out.Customer = 0 // two of that name: link neither
						break
					}
					out.Customer = c.ID
				}
			}
		}
	}
	var ins []storage.DesignInput
	for i, l := range o.Lines {
		var cat *catalog.Catalog
		for _, c := range cats {
			if c.SHA256 == l.Catalog.SHA256 {
				cat = c.Catalog
			}
		}
		if cat == nil {
			return out, fmt.Errorf("import order %s: line %d: catalog %s %s is not in the library", o.Number, l.Number, l.Catalog.ID, l.Catalog.Version)
		}
		p := cat.Product(l.Product)
		decisions := l.Decisions
		if len(cleared[i]) > 0 {
			decisions = maps.Clone(l.Decisions)
			for id := range cleared[i] {
				delete(decisions, id)
			}
		}
		values := map[string]catalog.Value{}
		for _, f := range p.Features {
			if cleared[i][f.ID] {
				values[f.ID] = f.Default
				continue
			}
			v, err := f.ParseValue(l.Config[f.ID])
			if err != nil {
				return out, fmt.Errorf("import order %s: line %d: %s: %w", o.Number, l.Number, f.ID, err)
			}
			values[f.ID] = v
		}
		thumb, err := render.Thumbnail(cat, &catalog.Config{Product: p, Values: values})
		if err != nil {
			return out, fmt.Errorf("import order %s: line %d: %w", o.Number, l.Number, err)
		}
		var breakdown []storage.PriceLine
		for _, b := range l.Price.Breakdown {
			breakdown = append(breakdown, storage.PriceLine{Label: b.Label, Amount: b.Amount})
		}
		name := l.Design
		if out.ForgottenOn != "" {
			name = fmt.Sprintf("%s from order %s, line %d", l.ProductName, o.Number, l.Number)
		}
		ins = append(ins, storage.DesignInput{Name: name, Notes: fmt.Sprintf("From order %s, line %d.", o.Number, l.Number),
			ProductID: l.Product, ProductName: l.ProductName, Catalog: ids[l.Catalog.SHA256], Customer: out.Customer,
			Status: storage.Ordered, Quantity: l.Quantity, Decisions: decisions, Currency: o.Currency,
			Total: l.Price.ListTotal, Breakdown: breakdown, Thumbnail: thumb})
	}
	if out.Designs, err = db.SaveDesigns(ctx, ins); err != nil {
		return out, fmt.Errorf("import order %s: %w", o.Number, err)
	}
	return out, nil
}
