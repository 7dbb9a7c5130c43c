package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
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
	return DealerSettings{ID: T("DEMO"), Name: T("Demo dealer"), DealerDiscount: decimal.NewFromInt(30), Adjust: decimal.Zero,
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
		return errors.New(T("the dealer id must be 1 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit"))
	case strings.TrimSpace(s.Name) == "":
		return errors.New(T("the dealer needs a name"))
	case s.DealerDiscount.IsNegative() || s.DealerDiscount.GreaterThan(hundred):
		return errors.New(T("the dealer discount must be between 0 and 100%"))
	case s.Adjust.LessThan(hundred.Neg()):
		return errors.New(T("a discount for the customer cannot take off more than 100%"))
	case s.TaxRate.IsNegative() || s.TaxRate.GreaterThan(hundred):
		return errors.New(T("the tax rate must be between 0 and 100%"))
	}
	for _, g := range slices.Sorted(maps.Keys(s.GroupDiscounts)) {
		if v := s.GroupDiscounts[g]; v.IsNegative() || v.GreaterThan(hundred) {
			return fmt.Errorf(T("the dealer discount for %s must be between 0 and 100%%"), g)
		}
	}
	return nil
}

// parsePercent reads a percentage as people type it: "30", "30 %",
// "12,5", "+5", "-10".
func parsePercent(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	t = strings.ReplaceAll(strings.TrimPrefix(t, "+"), ",", ".")
	t = strings.NewReplacer(string(rune(0x2212)), "-", minus, "-").Replace(t) // a minus sign or the dash the app writes for one
	if t == "" {
		return decimal.Zero, errors.New(T("enter a number"))
	}
	v, err := decimal.NewFromString(t)
	if err != nil {
		return decimal.Zero, fmt.Errorf(T("%q is not a number"), s)
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
	if d.store != nil {
		// The library's copy, which the shop's other machines share.
		store, shared := d.store, shopSettingsOf(s, d.logo)
		go func() {
			if err := store.SetShopSettings(context.Background(), shared); err != nil {
				d.do(func() {
					d.showError(fmt.Errorf(T("the dealer settings could not be kept in the design library: %w"), err))
				})
			}
		}()
	}
	if d.config != nil {
		d.showPrice(d.config)
	}
	d.refreshOrder()
}
