package ui

import (
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage"
)

// customerPrice takes a list price of a product down with the dealer's
// terms: its Gross is what the customer pays. The showroom's total (and
// the designer's waterfall) and the dealer's queue of designs sent from
// the showroom all show this one figure.
func (d *Designer) customerPrice(list catalog.Price, p *catalog.Product) (catalog.Waterfall, error) {
	return d.cat.WaterfallOf(list, p, d.lang, d.dealer.Terms(), decimal.Zero)
}

// piecePrice prices one piece of a configuration: its list price, then
// customerPrice.
func (d *Designer) piecePrice(cfg *catalog.Config) (catalog.Waterfall, error) {
	list, err := d.cat.ListPrice(cfg, 1, d.lang)
	if err != nil {
		return catalog.Waterfall{}, err
	}
	return d.customerPrice(list, cfg.Product)
}

// sentPrice is the customer's price of a design sent from the showroom,
// worked out from its saved list price.
func (d *Designer) sentPrice(x storage.Design) string {
	total, err := decimal.NewFromString(x.Total)
	if err != nil {
		return ""
	}
	w, err := d.customerPrice(catalog.Price{Currency: x.Currency, Total: total, Quantity: max(x.Quantity, 1)}, d.cat.Product(x.ProductID))
	if err != nil {
		return moneyText(x.Total, x.Currency)
	}
	return onScreen(catalog.FormatMoney(w.Gross, x.Currency, d.lang))
}
