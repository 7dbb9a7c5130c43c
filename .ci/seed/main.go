//go:build ignore

// Command seed fills a fresh Atelier data folder for the screenshots
// (make screenshots): the demo catalog and its next version, customers,
// designs with revisions, an exported order, a draft order, a design from
// the showroom, and the preferences (dealer, language, theme, a showroom
// PIN). It uses the app's own packages, so what it writes is what the app
// writes.
//
//	go run .ci/seed/main.go -dir DATA-FOLDER [-lang de] [-theme dark]
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/outbox"
	"github.com/atelier-app/atelier/ui"
)

func main() {
	dir := flag.String("dir", "", "the app's data folder")
	lang := flag.String("lang", "en", "the app's language")
	theme := flag.String("theme", "", "light, dark or empty for the system's")
	flag.Parse()
	if err := seed(*dir, *lang, *theme); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func seed(dir, lang, theme string) error {
	ctx := context.Background()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	db, err := storage.Open(ctx, filepath.Join(dir, "atelier.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	demo, err := assets.DemoCatalog()
	if err != nil {
		return err
	}
	rec, err := db.ImportCatalog(ctx, assets.DemoCatalogJSON, "json", demo, storage.Builtin)
	if err != nil {
		return err
	}
	next, err := os.ReadFile("assets/packages/nordholm-2026.3.atelier-catalog.zip")
	if err != nil {
		return err
	}
	nextCat, trust, err := catalog.ReadPackage("nordholm-2026.3.atelier-catalog.zip", next, assets.TrustedManufacturers())
	if err != nil || !trust.Trusted {
		return fmt.Errorf("the demo's next version: %v %s", err, trust.Problem)
	}
	if _, err := db.ImportCatalog(ctx, next, "zip", nextCat, storage.Signed); err != nil {
		return err
	}

	customer := func(name, email, phone, address string, consent bool) (int64, error) {
		c := storage.Customer{Name: name, Email: email, Phone: phone, Address: address}
		if consent {
			c.ConsentAt = "2026-11-12"
		}
		return db.SaveCustomer(ctx, c)
	}
	anna, err := customer("Anna Meyer", "anna.meyer@example.org", "+49 30 2345 678", "Anna Meyer\nKastanienallee 21\n10435 Berlin", true)
	if err != nil {
		return err
	}
	jonas, err := customer("Jonas Berg", "jonas@berg.example", "+49 40 9876 54", "Jonas Berg\nElbchaussee 112\n22763 Hamburg", true)
	if err != nil {
		return err
	}
	okafor, err := customer("Chidi Okafor", "", "+49 89 555 0123", "Chidi Okafor\nLeopoldstraße 7\n80802 München", false)
	if err != nil {
		return err
	}

	design := func(name, product string, customer int64, qty int, set map[string]string, id int64) (storage.Design, storage.Revision, error) {
		p := demo.Product(product)
		dec := rules.Decisions{}
		for k, v := range set {
			val, err := p.Feature(k).ParseValue(v)
			if err != nil {
				return storage.Design{}, storage.Revision{}, err
			}
			dec[k] = val
		}
		m, err := rules.Compile(p)
		if err != nil {
			return storage.Design{}, storage.Revision{}, err
		}
		values, err := m.NewSession().Complete(dec)
		if err != nil || values == nil {
			return storage.Design{}, storage.Revision{}, fmt.Errorf("%s: the decisions break the rules (%v)", name, err)
		}
		cfg := &catalog.Config{Product: p, Values: values}
		price, err := demo.ListPrice(cfg, qty, "en")
		if err != nil {
			return storage.Design{}, storage.Revision{}, err
		}
		thumb, err := render.Thumbnail(demo, cfg)
		if err != nil {
			return storage.Design{}, storage.Revision{}, err
		}
		in := storage.DesignInput{ID: id, Name: name, ProductID: p.ID, ProductName: p.Name.In(lang, "en"), Catalog: rec.ID, Customer: customer,
			Quantity: qty, Decisions: set, Currency: price.Currency, Total: price.Total.StringFixed(2), Thumbnail: thumb}
		for _, l := range price.Lines {
			in.Breakdown = append(in.Breakdown, storage.PriceLine{Label: l.Label, Amount: l.Amount.StringFixed(2)})
		}
		return db.SaveDesign(ctx, in)
	}
	studio, _, err := design("Studio desk", "lift-desk", anna, 2, map[string]string{"width": "1800", "top": "walnut", "frame": "white", "extras": "tray,arm"}, 0)
	if err != nil {
		return err
	}
	if _, _, err := design("Studio desk", "lift-desk", anna, 2, map[string]string{"width": "1800", "top": "walnut", "frame": "black", "motor": "dual", "extras": "tray,arm,memory"}, studio.ID); err != nil {
		return err
	}
	sofa, _, err := design("Lounge sofa", "kolme-sofa", anna, 1, map[string]string{"seats": "3", "cover": "velvet", "legs": "brass", "chaise": "right"}, 0)
	if err != nil {
		return err
	}
	if _, _, err := design("Library wall", "grid-shelf", jonas, 1, map[string]string{"modules": "5", "module_width": "w800", "height": "2400", "depth": "d250", "shelves": "8", "wood": "oak", "back": "same"}, 0); err != nil {
		return err
	}
	if _, _, err := design("Kitchen window", "klar-window", okafor, 3, map[string]string{"width": "1230", "height": "1400", "frame": "pine"}, 0); err != nil {
		return err
	}
	homeOffice, _, err := design("Home office desk", "lift-desk", jonas, 1, map[string]string{"width": "1400", "depth": "700", "top": "oak"}, 0)
	if err != nil {
		return err
	}
	if _, _, err := design("Sideboard, ink backs", "grid-shelf", 0, 1, map[string]string{"modules": "3", "module_width": "w1000", "height": "800", "depth": "d450", "shelves": "2", "wood": "walnut", "back": "ink", "extras": "plinth"}, 0); err != nil {
		return err
	}

	// An exported order of Jonas's desk, and a design from the showroom.
	dealer := ui.DealerSettings{ID: "BER01", Name: "Wohnwerk Berlin GmbH", Address: "Torstraße 118\n10119 Berlin", Email: "order@wohnwerk.example",
		Phone: "+49 30 1234 5678", VATID: "DE298765432", PaymentTerms: "30% on order, the rest on delivery."}
	dealer.DealerDiscount, dealer.Adjust, dealer.TaxRate = dec("32"), dec("0"), dec("19")
	rev, err := db.Revision(ctx, homeOffice.ID, 0)
	if err != nil {
		return err
	}
	o, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: dealer.ID, Customer: jonas, Lines: []storage.OrderLine{{Revision: rev.ID, Quantity: 1}}})
	if err != nil {
		return err
	}
	if err := db.SetOrderExported(ctx, o.ID, filepath.Join(os.Getenv("HOME"), orderfile.FileName(o.Number)), "seeded"); err != nil {
		return err
	}
	if err := seedOutbox(ctx, db, dealer.ID, jonas, okafor, anna, rev.ID, sofa.ID, studio.ID); err != nil {
		return err
	}
	showroomDesk := storage.DesignInput{Name: "Showroom: Höhe Lift Desk", ProductID: "lift-desk", ProductName: "Höhe Lift Desk", Catalog: rec.ID, Quantity: 1,
		Decisions: map[string]string{"top": "linoleum", "frame": "black"}, Currency: "EUR", Total: "884.00"}
	lino := demo.Product("lift-desk")
	linoValues := lino.Resolve(map[string]catalog.Value{"top": {Kind: catalog.Choice, Str: "linoleum"}, "frame": {Kind: catalog.Choice, Str: "black"}}).Values
	if showroomDesk.Thumbnail, err = render.Thumbnail(demo, &catalog.Config{Product: lino, Values: linoValues}); err != nil {
		return err
	}
	if _, err := db.SendToDealer(ctx, showroomDesk, "Maria"); err != nil {
		return err
	}

	// The preferences: the dealer, the display, a showroom PIN (4711), the
	// draft order with two lines.
	pin, err := ui.HashPIN("4711")
	if err != nil {
		return err
	}
	app := ui.DefaultAppSettings()
	app.Language, app.Theme, app.Showroom.PIN = lang, theme, pin
	sofaRev, err := db.Revision(ctx, sofa.ID, 0)
	if err != nil {
		return err
	}
	studioRev, err := db.Revision(ctx, studio.ID, 0)
	if err != nil {
		return err
	}
	draft := map[string]any{
		"lines": []map[string]any{
			{"design": studio.ID, "revision": studioRev.Number, "revision_id": studioRev.ID, "quantity": 2, "discount": "5", "name": "Studio desk", "product": "lift-desk", "product_name": "Höhe Lift Desk", "customer": anna},
			{"design": sofa.ID, "revision": sofaRev.Number, "revision_id": sofaRev.ID, "quantity": 1, "name": "Lounge sofa", "product": "kolme-sofa", "product_name": "Kolme Modular Sofa", "customer": anna},
		},
		"requested_date": "2027-02-15",
		"notes":          "Third floor, lift available. Please call the day before.",
	}
	prefs := map[string]any{
		"dealer.settings": mustJSON(dealer),
		"app.settings":    mustJSON(app),
		"order.draft":     mustJSON(draft),
		"catalog.active":  rec.ID,
		"window.width":    1366,
		"window.height":   740,
	}
	b, err := json.Marshal(prefs)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "preferences.json"), b, 0o600)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(strings.TrimSpace(s)) }

// seedOutbox sends orders in every state (Sent orders): one accepted, one
// delivered and awaiting the answer, one refused with the manufacturer's
// reasons, and one queued for an inbox that cannot be reached (a folder
// that does not exist, so the app's outbox keeps trying).
func seedOutbox(ctx context.Context, db *storage.DB, dealer string, jonas, okafor, anna, deskRev, sofa, studio int64) error {
	rev := func(design int64) (int64, error) {
		r, err := db.Revision(ctx, design, 0)
		return r.ID, err
	}
	sofaRev, err := rev(sofa)
	if err != nil {
		return err
	}
	studioRev, err := rev(studio)
	if err != nil {
		return err
	}
	for _, o := range []struct {
		customer int64
		revision int64
		state    string
		reasons  []string
		ref      string
	}{
		{jonas, deskRev, storage.OutboxAccepted, nil, "NH-2026-0412"},
		{okafor, studioRev, storage.OutboxDelivered, nil, ""},
		{anna, sofaRev, storage.OutboxRefused, []string{
			"Line 1 (Lounge sofa): the velvet cover in this colour is no longer made since the spring collection; choose bouclé or linen, or velvet in another colour, and send the order again with the corrected design.",
			"The requested date 15 Feb 2027 is before our earliest delivery for a three-seat sofa with chaise (eight weeks from the order).",
		}, ""},
		{0, studioRev, storage.OutboxQueued, nil, ""},
	} {
		order, err := db.CreateOrder(ctx, storage.OrderInput{Dealer: dealer, Customer: o.customer, Lines: []storage.OrderLine{{Revision: o.revision, Quantity: 1}}})
		if err != nil {
			return err
		}
		pkg := []byte("seeded package of " + order.Number)
		sum := sha256.Sum256(pkg)
		folder := "/tmp/atelier-seeded-inbox"
		if o.state == storage.OutboxQueued {
			folder = "/nonexistent/nordholm-inbox"
		}
		addr, _ := json.Marshal(map[string]string{"Folder": folder})
		it, err := db.QueueOrder(ctx, storage.OutboxItem{Order: order.ID, Revision: 1, Number: order.Number, Dealer: dealer,
			File: outbox.FileName(order.Number, 1), Package: pkg, SHA256: hex.EncodeToString(sum[:]), Manufacturer: "Nordholm Möbelwerke",
			Address: addr})
		if err != nil {
			return err
		}
		switch o.state {
		case storage.OutboxDelivered:
			err = db.OutboxDelivered(ctx, it.ID)
		case storage.OutboxAccepted, storage.OutboxRefused:
			_, _, err = db.OutboxAnswered(ctx, it.SHA256, o.state, o.reasons, o.ref)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
