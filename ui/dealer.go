package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// DealerSettings are the dealer's identity and commercial terms: who
// orders, what the manufacturer grants them off list, what they charge
// their customer, and the tax. Percentages are decimals ("12.5" is 12.5%).
// They are kept in the app's preferences (LoadDealerSettings, Save).
type DealerSettings struct {
	ID      string `json:"id"` // the dealer's code: orders are numbered per dealer
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	VATID   string `json:"vat_id,omitempty"`
	// DealerDiscount is what the manufacturer takes off the list price
	// for the dealer.
	DealerDiscount decimal.Decimal `json:"dealer_discount"`
	// GroupDiscounts replace DealerDiscount for the products of a price
	// group (by the catalog's price group id), where the manufacturer
	// grants another discount on them.
	GroupDiscounts map[string]decimal.Decimal `json:"group_discounts,omitempty"`
	// Adjust is the dealer's markup (positive) or discount (negative) on
	// the list price for the customer.
	Adjust       decimal.Decimal `json:"adjust"`
	TaxRate      decimal.Decimal `json:"tax_rate"`
	PaymentTerms string          `json:"payment_terms,omitempty"`
}

// DefaultDealerSettings are the terms until the dealer sets their own: the
// demo dealer, 30% dealer discount, list price to the customer, 19% tax.
func DefaultDealerSettings() DealerSettings {
	return DealerSettings{ID: "DEMO", Name: "Demo dealer", DealerDiscount: decimal.NewFromInt(30), Adjust: decimal.Zero,
		TaxRate: decimal.NewFromInt(19)}
}

// dealerPrefKey is where the settings are kept in the preferences (JSON).
const dealerPrefKey = "dealer.settings"

// LoadDealerSettings reads the dealer settings from the preferences: the
// defaults when there are none (or they cannot be read, or do not make
// sense).
func LoadDealerSettings(p fyne.Preferences) DealerSettings {
	s := DefaultDealerSettings()
	if p == nil {
		return s
	}
	raw := p.String(dealerPrefKey)
	if raw == "" {
		return s
	}
	var got DealerSettings
	if err := json.Unmarshal([]byte(raw), &got); err != nil || got.Check() != nil {
		return s
	}
	return got
}

// Save keeps the settings in the preferences.
func (s DealerSettings) Save(p fyne.Preferences) {
	if p == nil {
		return
	}
	b, err := json.Marshal(s)
	if err != nil {
		return // plain strings and decimals always marshal
	}
	p.SetString(dealerPrefKey, string(b))
}

// Terms are the settings as the price waterfall takes them.
func (s DealerSettings) Terms() catalog.Terms {
	return catalog.Terms{DealerDiscount: s.DealerDiscount, GroupDiscounts: maps.Clone(s.GroupDiscounts), Adjust: s.Adjust, TaxRate: s.TaxRate}
}

// Dealer is the dealer as an order package names them.
func (s DealerSettings) Dealer() orderfile.Dealer {
	return orderfile.Dealer{ID: strings.ToUpper(s.ID), Name: s.Name, Address: s.Address, Email: s.Email, Phone: s.Phone, VATID: s.VATID}
}

// dealerCode is what storage accepts as a dealer's code.
var dealerCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

var hundred = decimal.NewFromInt(100)

// Check says what is wrong with the settings, in plain words (nil when
// they can be used).
func (s DealerSettings) Check() error {
	switch {
	case !dealerCode.MatchString(s.ID):
		return errors.New("the dealer id must be 1 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit")
	case strings.TrimSpace(s.Name) == "":
		return errors.New("the dealer needs a name")
	case s.DealerDiscount.IsNegative() || s.DealerDiscount.GreaterThan(hundred):
		return errors.New("the dealer discount must be between 0 and 100%")
	case s.Adjust.LessThan(hundred.Neg()):
		return errors.New("a discount for the customer cannot take off more than 100%")
	case s.TaxRate.IsNegative() || s.TaxRate.GreaterThan(hundred):
		return errors.New("the tax rate must be between 0 and 100%")
	}
	for _, g := range slices.Sorted(maps.Keys(s.GroupDiscounts)) {
		if v := s.GroupDiscounts[g]; v.IsNegative() || v.GreaterThan(hundred) {
			return fmt.Errorf("the dealer discount for %s must be between 0 and 100%%", g)
		}
	}
	return nil
}

// parsePercent reads a percentage as people type it: "30", "30 %",
// "12,5", "+5", "-10".
func parsePercent(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	t = strings.ReplaceAll(strings.TrimPrefix(t, "+"), ",", ".")
	t = strings.ReplaceAll(t, "−", "-")
	if t == "" {
		return decimal.Zero, errors.New("enter a number")
	}
	v, err := decimal.NewFromString(t)
	if err != nil {
		return decimal.Zero, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// percentText writes a percentage for an entry: "30", "12.5", "+5", "-10"
// (signed when sign is set).
func percentText(v decimal.Decimal, sign bool) string {
	s := v.String()
	if sign && v.IsPositive() {
		s = "+" + s
	}
	return s
}

// Dealer is the dealer settings the designer prices and exports with.
func (d *Designer) Dealer() DealerSettings { return d.dealer }

// SetDealer changes the dealer settings: the prices shown follow, and the
// settings are kept in the preferences (if the designer has them).
func (d *Designer) SetDealer(s DealerSettings) {
	d.dealer = s
	s.Save(d.prefs)
	if d.config != nil {
		d.showPrice(d.config)
	}
	d.refreshOrder()
}

// ShowDealerSettings opens the dealer settings dialog (File menu).
func (d *Designer) ShowDealerSettings() {
	if d.win == nil || d.dealerForm != nil {
		return
	}
	s := d.dealer
	entry := func(text, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(placeholder)
		return e
	}
	id := entry(s.ID, "e.g. MEYER")
	id.Validator = func(v string) error {
		if !dealerCode.MatchString(strings.TrimSpace(v)) {
			return errors.New("1–32 letters, digits, dots, dashes or underscores")
		}
		return nil
	}
	name := entry(s.Name, "Your company's name")
	name.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("a name is needed")
		}
		return nil
	}
	address := widget.NewMultiLineEntry()
	address.SetText(s.Address)
	address.SetPlaceHolder("Street\nPostcode and town")
	address.SetMinRowsVisible(2)
	email := entry(s.Email, "orders@example.com")
	phone := entry(s.Phone, "")
	vat := entry(s.VATID, "e.g. DE123456789")
	percent := func(v decimal.Decimal, sign bool, check func(decimal.Decimal) error) *widget.Entry {
		e := entry(percentText(v, sign), "")
		e.Validator = func(t string) error {
			p, err := parsePercent(t)
			if err != nil {
				return err
			}
			return check(p)
		}
		return e
	}
	discount := percent(s.DealerDiscount, false, func(p decimal.Decimal) error {
		if p.IsNegative() || p.GreaterThan(hundred) {
			return errors.New("between 0 and 100")
		}
		return nil
	})
	adjust := percent(s.Adjust, true, func(p decimal.Decimal) error {
		if p.LessThan(hundred.Neg()) {
			return errors.New("at most 100% off")
		}
		return nil
	})
	// One entry per price group of the catalog: empty takes the general
	// dealer discount.
	groups := map[string]*widget.Entry{}
	var groupItems []*widget.FormItem
	for _, g := range d.cat.PriceGroups {
		e := entry("", "as above")
		if v, ok := s.GroupDiscounts[g.ID]; ok {
			e.SetText(percentText(v, false))
		}
		e.Validator = func(t string) error {
			if strings.TrimSpace(t) == "" {
				return nil
			}
			p, err := parsePercent(t)
			if err != nil {
				return err
			}
			if p.IsNegative() || p.GreaterThan(hundred) {
				return errors.New("between 0 and 100")
			}
			return nil
		}
		groups[g.ID] = e
		groupItems = append(groupItems, &widget.FormItem{Text: "… on " + d.text(g.Name) + " %", Widget: e})
	}
	if len(groupItems) > 0 {
		groupItems[len(groupItems)-1].HintText = "Where the manufacturer grants another discount on a price group; empty: the dealer discount"
	}
	tax := percent(s.TaxRate, false, func(p decimal.Decimal) error {
		if p.IsNegative() || p.GreaterThan(hundred) {
			return errors.New("between 0 and 100")
		}
		return nil
	})
	payment := entry(s.PaymentTerms, "e.g. 30% on order, the rest on delivery")
	items := []*widget.FormItem{
		{Text: "Dealer id", Widget: id, HintText: "Your code with the manufacturer; it numbers your orders"},
		{Text: "Name", Widget: name},
		{Text: "Address", Widget: address},
		{Text: "E-mail", Widget: email},
		{Text: "Phone", Widget: phone},
		{Text: "VAT id", Widget: vat},
		{Text: "Dealer discount %", Widget: discount, HintText: "What the manufacturer takes off the list price for you"},
	}
	items = append(items, groupItems...)
	items = append(items,
		&widget.FormItem{Text: "Markup / discount %", Widget: adjust, HintText: "On the list price for your customer: +10 adds 10%, -5 gives 5% off, 0 sells at list"},
		&widget.FormItem{Text: "Tax rate %", Widget: tax},
		&widget.FormItem{Text: "Payment terms", Widget: payment, HintText: "Printed on the customer's quote"},
	)
	dlg := dialog.NewForm("Dealer settings", "Save", "Cancel", items, func(ok bool) {
		d.dealerForm = nil
		if !ok {
			return
		}
		next := DealerSettings{ID: strings.ToUpper(strings.TrimSpace(id.Text)), Name: strings.TrimSpace(name.Text),
			Address: strings.TrimSpace(address.Text), Email: strings.TrimSpace(email.Text), Phone: strings.TrimSpace(phone.Text),
			VATID: strings.TrimSpace(vat.Text), PaymentTerms: strings.TrimSpace(payment.Text)}
		next.DealerDiscount, _ = parsePercent(discount.Text)
		next.Adjust, _ = parsePercent(adjust.Text)
		next.TaxRate, _ = parsePercent(tax.Text)
		// Discounts for price groups of other catalogs are kept.
		for g, v := range s.GroupDiscounts {
			if groups[g] == nil {
				if next.GroupDiscounts == nil {
					next.GroupDiscounts = map[string]decimal.Decimal{}
				}
				next.GroupDiscounts[g] = v
			}
		}
		for g, e := range groups {
			if strings.TrimSpace(e.Text) == "" {
				continue
			}
			if next.GroupDiscounts == nil {
				next.GroupDiscounts = map[string]decimal.Decimal{}
			}
			next.GroupDiscounts[g], _ = parsePercent(e.Text)
		}
		if err := next.Check(); err != nil {
			d.showError(fmt.Errorf("the dealer settings were not changed: %w", err))
			return
		}
		d.SetDealer(next)
	}, d.win)
	dlg.Resize(fyne.NewSize(620, 0))
	d.dealerForm = &dealerForm{dialog: dlg, id: id, name: name, discount: discount, adjust: adjust, tax: tax, groups: groups}
	dlg.Show()
	d.win.Canvas().Focus(name)
}

// dealerForm is the open dealer settings dialog (tests fill it in).
type dealerForm struct {
	dialog           *dialog.FormDialog
	id, name         *widget.Entry
	discount, adjust *widget.Entry
	tax              *widget.Entry
	groups           map[string]*widget.Entry // by price group id
}
