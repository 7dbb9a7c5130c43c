package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/storage"
)

// The dealer's settings belong to the shop, not to one computer: besides
// the preferences (this computer's copy, read at start), they are kept in
// the library as storage.ShopSettings, which a shop's machines share
// (docs/shop.md). Identity, logo and the prices customers see are public
// (a showroom machine reads them); the manufacturer's terms are not.
const (
	settingIdentity = "dealer.identity"
	settingPrices   = "dealer.prices"
	settingTerms    = "dealer.terms"
	settingLogo     = "dealer.logo"
)

type dealerIdentity struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	VATID   string `json:"vat_id,omitempty"`
}

type dealerPrices struct {
	Adjust       decimal.Decimal `json:"adjust"`
	TaxRate      decimal.Decimal `json:"tax_rate"`
	PaymentTerms string          `json:"payment_terms,omitempty"`
}

type dealerTerms struct {
	DealerDiscount decimal.Decimal            `json:"dealer_discount"`
	GroupDiscounts map[string]decimal.Decimal `json:"group_discounts,omitempty"`
}

// shopSettingsOf splits the dealer's settings and logo into the library's
// shared settings.
func shopSettingsOf(s DealerSettings, logo []byte) []storage.ShopSetting {
	enc := func(v any) []byte {
		b, _ := json.Marshal(v) // strings and decimals always marshal
		return b
	}
	if logo == nil {
		logo = []byte{}
	}
	return []storage.ShopSetting{
		{Key: settingIdentity, Public: true, Value: enc(dealerIdentity{s.ID, s.Name, s.Address, s.Email, s.Phone, s.VATID})},
		{Key: settingPrices, Public: true, Value: enc(dealerPrices{s.Adjust, s.TaxRate, s.PaymentTerms})},
		{Key: settingTerms, Value: enc(dealerTerms{s.DealerDiscount, maps.Clone(s.GroupDiscounts)})},
		{Key: settingLogo, Public: true, Value: logo},
	}
}

// dealerFromShopSettings reads the dealer's settings and logo from the
// library's shared settings, over base (a part that is missing or cannot
// be read keeps base's). found says whether the library had any.
func dealerFromShopSettings(m map[string]storage.ShopSetting, base DealerSettings, baseLogo []byte) (s DealerSettings, logo []byte, found bool) {
	s, logo = base, baseLogo
	if v, ok := m[settingIdentity]; ok {
		var id dealerIdentity
		if json.Unmarshal(v.Value, &id) == nil {
			s.ID, s.Name, s.Address, s.Email, s.Phone, s.VATID = id.ID, id.Name, id.Address, id.Email, id.Phone, id.VATID
			found = true
		}
	}
	if v, ok := m[settingPrices]; ok {
		var p dealerPrices
		if json.Unmarshal(v.Value, &p) == nil {
			s.Adjust, s.TaxRate, s.PaymentTerms = p.Adjust, p.TaxRate, p.PaymentTerms
			found = true
		}
	}
	if v, ok := m[settingTerms]; ok {
		var t dealerTerms
		if json.Unmarshal(v.Value, &t) == nil {
			s.DealerDiscount, s.GroupDiscounts = t.DealerDiscount, t.GroupDiscounts
			found = true
		}
	}
	if v, ok := m[settingLogo]; ok {
		logo = nil
		if len(v.Value) > 0 {
			logo = v.Value
		}
		found = true
	}
	if s.Check() != nil {
		return base, baseLogo, found // a shop's settings that make no sense here: keep this computer's
	}
	return s, logo, found
}

// loadSharedDealer reads the dealer's settings from the library (off the
// UI goroutine) and takes them; a library without them gets this
// computer's (first opened, or made before settings were shared), as
// never changed, so that they lose to the shop's when it joins one.
func (d *Designer) loadSharedDealer(seed bool) {
	if d.store == nil {
		return
	}
	store, mine, logo := d.store, d.dealer, d.logo
	go func() {
		ctx := context.Background()
		m, err := store.ShopSettings(ctx)
		if err != nil {
			return
		}
		s, l, found := dealerFromShopSettings(m, mine, logo)
		if !found {
			if seed {
				store.SeedShopSettings(ctx, shopSettingsOf(mine, logo))
			}
			return
		}
		d.do(func() { d.takeSharedDealer(s, l) })
	}()
}

// takeSharedDealer shows settings that came from the library: the prices
// follow, this computer's copy is updated, and an open settings page that
// has no edits of its own shows them.
func (d *Designer) takeSharedDealer(s DealerSettings, logo []byte) {
	if sameDealer(s, d.dealer) && bytes.Equal(logo, d.logo) {
		return
	}
	if !bytes.Equal(logo, d.logo) {
		if err := writeLogo(d.host.DataDir, logo); err != nil && d.host.DataDir != "" {
			d.showError(fmt.Errorf(T("the logo could not be kept: %w"), err))
		}
		d.logo = logo
	}
	v := d.settings
	edited := v != nil && v.saveBtn != nil && !v.saveBtn.Disabled()
	d.dealer = s
	s.Save(d.prefs)
	if d.config != nil {
		d.showPrice(d.config)
	}
	d.refreshOrder()
	if v != nil && !edited {
		v.load()
	}
}

// sameDealer reports whether two dealer settings are the same.
func sameDealer(a, b DealerSettings) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Address == b.Address && a.Email == b.Email && a.Phone == b.Phone &&
		a.VATID == b.VATID && a.PaymentTerms == b.PaymentTerms && a.DealerDiscount.Equal(b.DealerDiscount) &&
		a.Adjust.Equal(b.Adjust) && a.TaxRate.Equal(b.TaxRate) && maps.EqualFunc(a.GroupDiscounts, b.GroupDiscounts, decimal.Decimal.Equal)
}
