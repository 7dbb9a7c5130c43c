package orderfile

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/go-pdf/fpdf"
	"github.com/shopspring/decimal"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/render"
)

var (
	updateQuote = flag.Bool("update-quote", false, "rewrite testdata/quote-page-{1,2}.png (reference renders for people to look at; not compared)")
	quoteOut    = flag.String("quote-out", "", "write the test quotes and their pages as PNG into this folder, to look at")
)

// quoteLineSpec is one line of a sample order.
type quoteLineSpec struct {
	product      string
	design       string
	designDE     string
	quantity     int
	decisions    map[string]string
	lineDiscount string
}

var quoteDemoLines = []quoteLineSpec{
	{"lift-desk", "Home office desk", "Schreibtisch im Arbeitszimmer", 1, map[string]string{"width": "1800", "depth": "800", "top": "walnut", "edge": "soft", "frame": "black", "motor": "dual", "extras": "tray,memory", "engraving": "For Jonas, 2025"}, "0"},
	{"kolme-sofa", "Living room sofa, Altbau", "Sofa fürs Wohnzimmer im Altbau", 1, map[string]string{"seats": "4", "chaise": "right", "cover": "boucle", "legs": "oak", "comfort": "soft", "pillows": "back-cushions"}, "10"},
	{"klar-window", "Attic windows", "Dachgeschossfenster", 2, map[string]string{"width": "1010", "height": "1230", "sashes": "1", "frame": "oak", "glazing": "triple", "handle": "brass"}, "0"},
}

var quoteDemo = sync.OnceValues(func() (*catalog.Catalog, error) { return assets.DemoCatalog() })

// quotePreviews caches one rendered preview per product.
var (
	quotePreviewMu sync.Mutex
	quotePreviews  = map[string][]byte{}
)

func quotePreview(t *testing.T, cat *catalog.Catalog, cfg *catalog.Config) []byte {
	t.Helper()
	quotePreviewMu.Lock()
	defer quotePreviewMu.Unlock()
	if p, ok := quotePreviews[cfg.Product.ID]; ok {
		return p
	}
	s, err := render.Build(cat, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, render.Draw(s, render.View{Width: 640, Height: 400, Azimuth: 35, Elevation: 22, Zoom: 1})); err != nil {
		t.Fatal(err)
	}
	quotePreviews[cfg.Product.ID] = buf.Bytes()
	return buf.Bytes()
}

// Dealer figures no customer may see: every line's and the order's dealer
// net is set to one of these.
const (
	quoteSecretLineNet  = "98765.43"
	quoteSecretTotalNet = "87654.21"
	quoteSecretDiscount = "37.5"
)

// quoteSampleOrder prices the specs with the demo catalog as an export
// would, in lang, and renders their previews.
func quoteSampleOrder(t *testing.T, lang string, specs []quoteLineSpec) (*Order, [][]byte) {
	t.Helper()
	cat, err := quoteDemo()
	if err != nil {
		t.Fatal(err)
	}
	terms := catalog.Terms{DealerDiscount: decimal.RequireFromString(quoteSecretDiscount), Adjust: decimal.RequireFromString("8"), TaxRate: decimal.RequireFromString("19")}
	if lang == "de" {
		terms.Adjust = decimal.RequireFromString("-3")
	}
	o := &Order{
		Format: Format, Number: "Q-2025-0142", Created: "2025-03-12T14:30:00Z", RequestedDate: "2025-05-20",
		Language: lang, Currency: "EUR",
		Dealer: Dealer{ID: "studio-nordlicht", Name: "Studio Nordlicht Einrichtungen", Address: "Torstraße 118\n10119 Berlin",
			Email: "hallo@studio-nordlicht.de", Phone: "+49 30 2345 6789", VATID: "DE298765432"},
		Customer: &Customer{Name: "Anna Lindqvist", Address: "Kastanienallee 21, 3. OG links\n10435 Berlin", Phone: "+49 171 555 0123"},
		Terms: Terms{DealerDiscount: quoteSecretDiscount, Adjust: terms.Adjust.String(), TaxRate: "19",
			PaymentTerms: "30% deposit with the order, the balance on delivery. Bank transfer to IBAN DE89 3704 0044 0532 0130 00."},
	}
	if lang == "de" {
		o.Terms.PaymentTerms = "30 % Anzahlung bei Auftragserteilung, Restzahlung bei Lieferung. Überweisung auf IBAN DE89 3704 0044 0532 0130 00."
	}
	var previews [][]byte
	var net, tax, gross, list decimal.Decimal
	for i, sp := range specs {
		p := cat.Product(sp.product)
		if p == nil {
			t.Fatalf("no product %q", sp.product)
		}
		dec := map[string]catalog.Value{}
		for id, s := range sp.decisions {
			f := p.Feature(id)
			if f == nil {
				t.Fatalf("%s: no feature %q", sp.product, id)
			}
			v, err := f.ParseValue(s)
			if err != nil {
				t.Fatal(err)
			}
			dec[id] = v
		}
		cfg := p.Resolve(dec)
		if v := cfg.Violations(); len(v) > 0 {
			t.Fatalf("%s: the sample breaks rule %s", sp.product, v[0].ID)
		}
		w, err := cat.PriceWaterfall(cfg, sp.quantity, lang, terms, decimal.RequireFromString(sp.lineDiscount))
		if err != nil {
			t.Fatal(err)
		}
		design := sp.design
		if lang == "de" && sp.designDE != "" {
			design = sp.designDE
		}
		l := Line{Number: i + 1, Design: design, DesignID: int64(i + 1), Revision: 1, Product: p.ID,
			ProductName: p.Name.In(lang, cat.DefaultLanguage()), ArticleCode: cat.ArticleCode(cfg), Quantity: sp.quantity,
			Decisions: sp.decisions, Config: map[string]string{}}
		for _, f := range p.Features {
			l.Config[f.ID] = cfg.Values[f.ID].String()
			l.Options = append(l.Options, Option{Feature: f.ID, Name: f.Name.In(lang, cat.DefaultLanguage()), Value: f.Words(cfg.Values[f.ID], lang, cat.DefaultLanguage())})
		}
		for _, pl := range w.List.Lines {
			l.Price.Breakdown = append(l.Price.Breakdown, PriceLine{Source: pl.Source, Label: pl.Label, Amount: pl.Amount.StringFixed(2)})
		}
		l.Price.ListUnit = w.List.Unit.StringFixed(2)
		l.Price.ListTotal = w.List.Total.StringFixed(2)
		l.Price.DealerDiscount = w.DealerDiscount.String()
		l.Price.DealerNet = quoteSecretLineNet
		l.Price.Adjust = w.Adjust.String()
		l.Price.CustomerPrice = w.CustomerPrice.StringFixed(2)
		l.Price.LineDiscount = w.LineDiscount.String()
		l.Price.CustomerNet = w.CustomerNet.StringFixed(2)
		l.Price.TaxRate = w.TaxRate.String()
		l.Price.Tax = w.Tax.StringFixed(2)
		l.Price.Gross = w.Gross.StringFixed(2)
		o.Lines = append(o.Lines, l)
		list, net, tax, gross = list.Add(w.List.Total), net.Add(w.CustomerNet), tax.Add(w.Tax), gross.Add(w.Gross)
		previews = append(previews, quotePreview(t, cat, cfg))
	}
	o.Totals = Totals{List: list.StringFixed(2), DealerNet: quoteSecretTotalNet, CustomerNet: net.StringFixed(2), Tax: tax.StringFixed(2), Gross: gross.StringFixed(2)}
	return o, previews
}

// quoteText is the text a PDF written uncompressed by quotePDF shows, one
// string per cell, page by page.
func quoteText(t *testing.T, pdf []byte) [][]string {
	t.Helper()
	var pages [][]string
	cell := regexp.MustCompile(`\((?:\\.|[^\\)])*\)Tj`)
	for _, stream := range bytes.Split(pdf, []byte("/Type /Page\n"))[1:] {
		var texts []string
		for _, m := range cell.FindAll(stream, -1) {
			texts = append(texts, quoteDecodeString(m[1:len(m)-len(")Tj")]))
		}
		pages = append(pages, texts)
	}
	if len(pages) == 0 {
		t.Fatal("no pages found in the PDF")
	}
	return pages
}

// quoteDecodeString reads a PDF literal string of UTF-16BE.
func quoteDecodeString(b []byte) string {
	var raw []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			i++
			switch b[i] {
			case 'n':
				raw = append(raw, '\n')
			case 'r':
				raw = append(raw, '\r')
			case 't':
				raw = append(raw, '\t')
			default:
				if b[i] >= '0' && b[i] <= '7' {
					j := i
					for j < len(b) && j < i+3 && b[j] >= '0' && b[j] <= '7' {
						j++
					}
					n, _ := strconv.ParseUint(string(b[i:j]), 8, 8)
					raw = append(raw, byte(n))
					i = j - 1
				} else {
					raw = append(raw, b[i])
				}
			}
			continue
		}
		raw = append(raw, b[i])
	}
	u := make([]uint16, 0, len(raw)/2)
	for i := 0; i+1 < len(raw); i += 2 {
		u = append(u, uint16(raw[i])<<8|uint16(raw[i+1]))
	}
	return string(utf16.Decode(u))
}

// quoteJoined is the text of all pages, cells separated by spaces (so a
// wrapped value reads as one).
func quoteJoined(pages [][]string) string {
	var cells []string
	for _, p := range pages {
		cells = append(cells, p...)
	}
	return strings.Join(cells, " ")
}

func TestQuotePDF(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			o, previews := quoteSampleOrder(t, lang, quoteDemoLines)
			pdf, err := QuotePDF(o, previews)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
				t.Fatalf("not a PDF: starts %q", pdf[:min(len(pdf), 16)])
			}
			quoteWriteOut(t, "quote-"+lang, pdf)

			plain, err := quotePDF(o, previews, quoteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			pages := quoteText(t, plain)
			text := quoteJoined(pages)
			money := func(s string) string { return catalog.FormatMoney(decimal.RequireFromString(s), "EUR", lang) }
			want := []string{o.Number, "Höhe", "Anna Lindqvist", "10435 Berlin", "DE298765432", money(o.Totals.Gross), money(o.Totals.CustomerNet), money(o.Totals.Tax)}
			for _, l := range o.Lines {
				want = append(want, l.Design, l.ProductName, l.ArticleCode, money(l.Price.Gross), money(l.Price.CustomerNet))
				for _, opt := range l.Options {
					want = append(want, opt.Name, opt.Value)
				}
			}
			switch lang {
			case "en":
				want = append(want, "Quote", "12 March 2025", "20 May 2025", "11 April 2025", "Surcharge 8%", "Discount 10%", "VAT 19%",
					"Page 1 of "+strconv.Itoa(len(pages)), "List price for 2 pieces", "€")
			case "de":
				want = append(want, "Angebot", "12. März 2025", "20. Mai 2025", "11. April 2025", "Rabatt 3\u00a0%", "Zusätzlicher Rabatt 10\u00a0%", "MwSt. 19\u00a0%",
					"Seite 1 von "+strconv.Itoa(len(pages)), "Listenpreis für 2 Stück", "Gesamtbetrag", "ZAHLUNGSBEDINGUNGEN", "\u00a0€")
			}
			for _, s := range want {
				if !strings.Contains(text, s) {
					t.Errorf("the quote does not say %q", s)
				}
			}
			// What the customer must never see.
			secret := []string{quoteSecretLineNet, quoteSecretTotalNet, money(quoteSecretLineNet), money(quoteSecretTotalNet),
				quoteSecretDiscount, strings.Replace(quoteSecretDiscount, ".", ",", 1), "dealer net", "Händlernetto", "dealer discount", "Händlerrabatt", "margin", "Marge"}
			for _, s := range secret {
				if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
					t.Errorf("the quote shows %q, a dealer figure", s)
				}
			}
			if strings.Contains(text, "Customer phone") || strings.Contains(text, o.Customer.Phone) {
				t.Errorf("the quote shows the customer's phone, which delivery does not need on it")
			}
		})
	}
}

func TestQuotePDFDeterministic(t *testing.T) {
	t.Parallel()
	o, previews := quoteSampleOrder(t, "en", quoteDemoLines)
	first, err := QuotePDF(o, previews)
	if err != nil {
		t.Fatal(err)
	}
	// Map order differs between runs, the bytes must not; and calls may
	// run at the same time.
	again := make([][]byte, 3)
	errs := make([]error, len(again))
	var wg sync.WaitGroup
	for i := range again {
		wg.Go(func() { again[i], errs[i] = QuotePDF(o, previews) })
	}
	wg.Wait()
	for i := range again {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(first, again[i]) {
			t.Fatalf("call %d: %d bytes differ from the first call's %d", i+2, len(again[i]), len(first))
		}
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20250312143000)")) {
		t.Errorf("the PDF is not dated with the order's creation time")
	}
}

func TestQuotePDFPaginates(t *testing.T) {
	t.Parallel()
	var specs []quoteLineSpec
	for i := 0; i < 12; i++ {
		sp := quoteDemoLines[i%len(quoteDemoLines)]
		sp.design, sp.designDE = fmt.Sprintf("%s, room %d", sp.design, i+1), ""
		specs = append(specs, sp)
	}
	o, previews := quoteSampleOrder(t, "en", specs)
	// One design with a very long name, one with a very long list of
	// options, one without a preview.
	o.Lines[1].Design = strings.Repeat("Extraordinarily long design name for the reading corner by the big window ", 3)
	o.Lines[1].ArticleCode = strings.Repeat("NH-KOL-4-REGULAR-RIGHT-BOUCLE-SLIM-OAK-120-SOFT-", 3)
	for i := 0; i < 45; i++ {
		o.Lines[4].Options = append(o.Lines[4].Options, Option{Feature: fmt.Sprintf("extra%d", i), Name: fmt.Sprintf("Extra feature number %d", i+1),
			Value: strings.Repeat("a value that goes on for a while ", 1+i%3)})
	}
	previews[6] = nil
	o.Dealer.Name = "Studio Nordlicht Einrichtungen und Wohnberatung am Prenzlauer Berg GmbH & Co. KG"
	o.Customer.Address = "c/o Lindqvist-Brandenburger Architekturbüro, Hinterhaus, Aufgang C, 4. Obergeschoss rechts\nKastanienallee 21\n10435 Berlin"
	o.Terms.PaymentTerms = strings.Repeat("30% deposit with the order, the balance on delivery. ", 6) + "\nBank transfer to IBAN DE89 3704 0044 0532 0130 00."

	pdf, err := QuotePDF(o, previews)
	if err != nil {
		t.Fatal(err)
	}
	quoteWriteOut(t, "quote-12-lines", pdf)
	plain, err := quotePDF(o, previews, quoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pages := quoteText(t, plain)
	if len(pages) < 5 {
		t.Errorf("12 lines on %d pages, want at least 5", len(pages))
	}
	for i, p := range pages {
		footer := fmt.Sprintf("Page %d of %d", i+1, len(pages))
		if !slices.Contains(p, footer) {
			t.Errorf("page %d has no footer %q", i+1, footer)
		}
	}
	text := quoteJoined(pages)
	for _, s := range []string{"ITEM 12", "Extra feature number 45", "No preview", "Item 5, " + o.Lines[4].Design + " (continued)"} {
		if !strings.Contains(text, s) {
			t.Errorf("the quote does not say %q", s)
		}
	}
	quoteCheckLayout(t, plain)
}

// quoteCheckLayout checks that every cell of an uncompressed quote starts
// inside the page's text area or in its header or footer band.
func quoteCheckLayout(t *testing.T, plain []byte) {
	t.Helper()
	at := regexp.MustCompile(`BT ([0-9.]+) ([0-9.]+) Td \(`)
	for i, stream := range bytes.Split(plain, []byte("/Type /Page\n"))[1:] {
		cells := at.FindAllSubmatch(stream, -1)
		if len(cells) == 0 {
			t.Errorf("page %d: no text found", i+1)
		}
		for _, m := range cells {
			x, _ := strconv.ParseFloat(string(m[1]), 64)
			y, _ := strconv.ParseFloat(string(m[2]), 64)
			xmm, ymm := x/72*25.4, pageH-y/72*25.4
			if xmm < marginL-0.01 || xmm > marginR || ymm < 10 || (ymm > bottom+1 && ymm < footerLine) || ymm > pageH-8 {
				t.Errorf("page %d: text at (%.1f, %.1f) mm is outside the text area", i+1, xmm, ymm)
			}
		}
	}
}

// TestQuotePDFExtremeText: absurdly long texts are cut short rather than
// run off the page.
func TestQuotePDFExtremeText(t *testing.T) {
	t.Parallel()
	o, previews := quoteSampleOrder(t, "en", quoteDemoLines)
	o.Lines[0].Design = strings.Repeat("Endless design name ", 200)
	o.Lines[0].ProductName = strings.Repeat("Product ", 100)
	o.Lines[0].ArticleCode = strings.Repeat("NH-", 500)
	o.Lines[1].Options[0].Value = strings.Repeat("value ", 2000)
	o.Lines[1].Options[1].Name = strings.Repeat("name ", 200)
	o.Lines[2].Price.Breakdown[0].Label = strings.Repeat("label ", 500)
	o.Dealer.Name = strings.Repeat("Dealer ", 100)
	plain, err := quotePDF(o, previews, quoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	quoteWriteOut(t, "quote-extreme", plain)
	quoteCheckLayout(t, plain)
	if text := quoteJoined(quoteText(t, plain)); !strings.Contains(text, "…") {
		t.Errorf("nothing was cut short")
	}
}

// TestQuotePDFPreviewKinds feeds previews fpdf cannot embed as they are
// (alpha, 16-bit grey, paletted, interlaced-free but large) and two of the
// same size.
func TestQuotePDFPreviewKinds(t *testing.T) {
	t.Parallel()
	enc := func(img image.Image) []byte {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	alpha := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for i := range alpha.Pix {
		alpha.Pix[i] = uint8(i % 251)
	}
	grey := image.NewGray16(image.Rect(0, 0, 300, 200))
	pal := image.NewPaletted(image.Rect(0, 0, 1600, 1000), color.Palette{color.White, color.Black})
	pal.Pix[5] = 1
	o, _ := quoteSampleOrder(t, "en", append(append([]quoteLineSpec(nil), quoteDemoLines...), quoteDemoLines...))
	previews := [][]byte{enc(alpha), enc(grey), enc(pal), enc(grey), nil, enc(alpha)}
	first, err := QuotePDF(o, previews)
	if err != nil {
		t.Fatal(err)
	}
	again, err := QuotePDF(o, previews)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Errorf("two calls differ")
	}
	images, err := quoteImages(previews, len(previews))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int][]byte{}
	for i, img := range images {
		if previews[i] == nil {
			if img.name != "" {
				t.Errorf("line %d has no preview but an image", i+1)
			}
			continue
		}
		if img.w > maxPreviewWidth {
			t.Errorf("line %d: image %d px wide, want at most %d", i+1, img.w, maxPreviewWidth)
		}
		if p, ok := seen[img.w]; ok && !bytes.Equal(p, img.png) {
			t.Errorf("line %d: two different images %d px wide", i+1, img.w)
		}
		seen[img.w] = img.png
	}
	if len(seen) != 3 {
		t.Errorf("%d distinct image widths, want 3 (one per distinct image)", len(seen))
	}
}

func TestQuoteWrap(t *testing.T) {
	q := &quote{f: fpdf.New("P", "mm", "A4", "")}
	q.f.AddUTF8FontFromBytes(fontFamily, regular, goregular.TTF)
	q.f.AddPage()
	q.font(regular, 8.5, inkColor)
	tests := []struct {
		name string
		text string
		w    float64
		want []string // nil: only check the widths and the words
	}{
		{"fits", "Solid walnut, oiled", 60, []string{"Solid walnut, oiled"}},
		{"words", "Cable tray + Memory handset (4 positions)", 40, nil},
		{"lines", "first\nsecond", 60, []string{"first", "second"}},
		{"no-break space", "1.234,50\u00a0€ und 19\u00a0%", q.f.GetStringWidth("1.234,50\u00a0€ u"), []string{"1.234,50\u00a0€", "und 19\u00a0%"}},
		{"long code", "Article no. NH-KOL-4-REGULAR-RIGHT-BOUCLE-SLIM-OAK-120-SOFT-NH-KOL-4-REGULAR", 40, nil},
		{"one long word", strings.Repeat("x", 200), 30, nil},
		{"empty", "", 30, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := q.wrap(tt.text, tt.w)
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for _, l := range got {
				if w := q.f.GetStringWidth(l); w > tt.w {
					t.Errorf("line %q is %.1f mm wide, more than %.1f", l, w, tt.w)
				}
			}
			squash := func(s string) string { return strings.NewReplacer(" ", "", "\n", "").Replace(s) }
			if squash(strings.Join(got, "")) != squash(tt.text) {
				t.Errorf("the lines %q lose or add text", got)
			}
		})
	}
}

func TestQuotePDFBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(o *Order, previews *[][]byte)
		want   string
	}{
		{"creation time", func(o *Order, _ *[][]byte) { o.Created = "yesterday" }, `creation time "yesterday"`},
		{"amount", func(o *Order, _ *[][]byte) { o.Lines[0].Price.Gross = "12,50" }, `line 1 gross "12,50" is not a number`},
		{"missing amount", func(o *Order, _ *[][]byte) { o.Totals.Gross = "" }, `total gross is missing`},
		{"previews", func(_ *Order, p *[][]byte) { *p = (*p)[:1] }, "1 previews for 3 lines"},
		{"preview", func(_ *Order, p *[][]byte) { (*p)[2] = []byte("not a png") }, "preview of line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, previews := quoteSampleOrder(t, "en", quoteDemoLines)
			previews = append([][]byte(nil), previews...)
			tt.change(o, &previews)
			_, err := QuotePDF(o, previews)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		amount, currency, lang, want string
	}{
		{"1234.5", "EUR", "en", "€1,234.50"},
		{"1234.5", "EUR", "de", "1.234,50\u00a0€"},
		{"-60", "EUR", "en", "−€60.00"},
		{"0", "CHF", "de", "0,00\u00a0CHF"},
	}
	for _, tt := range tests {
		if got := formatMoney(decimal.RequireFromString(tt.amount), tt.currency, tt.lang); got != tt.want {
			t.Errorf("formatMoney(%s, %s, %s) = %q, want %q", tt.amount, tt.currency, tt.lang, got, tt.want)
		}
	}
}

// quoteWriteOut renders a quote's pages with pdftoppm when it is
// installed: into -quote-out to look at, and the English quote's first two
// pages into testdata with -update-quote. Without pdftoppm it does
// nothing.
func quoteWriteOut(t *testing.T, name string, pdf []byte) {
	t.Helper()
	if *quoteOut == "" && !(*updateQuote && name == "quote-en") {
		return
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Log("pdftoppm is not installed: no page renders")
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if *quoteOut != "" {
		if err := os.MkdirAll(*quoteOut, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*quoteOut, name+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("pdftoppm", "-png", "-r", "60", path, filepath.Join(*quoteOut, name)).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
	}
	if *updateQuote && name == "quote-en" {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", path, filepath.Join("testdata", "quote-page")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
	}
}

// A dealer's logo (PNG or JPEG) goes on the first page, the same bytes
// every time; what cannot be a logo is refused in plain words.
func TestQuotePDFLogo(t *testing.T) {
	t.Parallel()
	o, previews := quoteSampleOrder(t, "en", quoteDemoLines)
	logo := image.NewRGBA(image.Rect(0, 0, 640, 200)) // as wide as a preview: it still gets a width of its own
	for i := range logo.Pix {
		logo.Pix[i] = uint8(40 + i%180)
	}
	var pngLogo, jpegLogo bytes.Buffer
	png.Encode(&pngLogo, logo)
	jpeg.Encode(&jpegLogo, logo, nil)
	for name, data := range map[string][]byte{"png": pngLogo.Bytes(), "jpeg": jpegLogo.Bytes()} {
		t.Run(name, func(t *testing.T) {
			a, err := QuotePDFWithLogo(o, previews, data)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := QuotePDFWithLogo(o, previews, data)
			if !bytes.Equal(a, b) {
				t.Error("the quote with a logo differs between two calls")
			}
			plain, _ := QuotePDF(o, previews)
			if len(a) <= len(plain) || bytes.Count(a, []byte("/Subtype /Image")) != bytes.Count(plain, []byte("/Subtype /Image"))+1 {
				t.Errorf("the logo is not in the PDF (%d images, %d without the logo)", bytes.Count(a, []byte("/Subtype /Image")), bytes.Count(plain, []byte("/Subtype /Image")))
			}
			quoteWriteOut(t, "quote-logo-"+name, a)
		})
	}
	for _, bad := range []struct {
		name string
		data []byte
		want string
	}{
		{"text", []byte("not a picture"), "not a PNG or JPEG"},
		{"huge", bytes.Repeat([]byte{1}, 5<<20), "at most"},
	} {
		if err := CheckLogo(bad.data); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.name, err, bad.want)
		}
		if _, err := QuotePDFWithLogo(o, previews, bad.data); err == nil {
			t.Errorf("%s: a quote was made with it", bad.name)
		}
	}
}
