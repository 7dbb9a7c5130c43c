package orderfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // a dealer's logo may be a JPEG
	"image/png"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/shopspring/decimal"
	"golang.org/x/image/draw"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/atelier-app/atelier/catalog"
)

// QuoteValidDays is how long a quote is valid from its date.
const QuoteValidDays = 30

// QuotePDF writes the customer's quote of an order (quote.pdf in the
// package): A4, in o.Language (German for "de", English otherwise), with
// the dealer's letterhead, the delivery address, one section per line (its
// preview, configuration in words and customer price waterfall) and the
// totals, payment terms and validity. previews[i] is the PNG preview of
// o.Lines[i]; a nil entry, or a nil previews, draws a placeholder instead.
//
// The quote goes to the customer: it never shows the dealer's net price,
// discount or margin. The same order and previews always give the same
// bytes (the document is dated o.Created).
func QuotePDF(o *Order, previews [][]byte) ([]byte, error) {
	return quotePDF(o, previews, quoteOptions{compress: true})
}

// QuotePDFWithLogo is QuotePDF with the dealer's logo (PNG or JPEG; nil
// for none) at the top of the first page.
func QuotePDFWithLogo(o *Order, previews [][]byte, logo []byte) ([]byte, error) {
	return quotePDF(o, previews, quoteOptions{compress: true, logo: logo})
}

// quoteOptions are knobs for tests, and the logo.
type quoteOptions struct {
	compress bool   // flate the page streams (off in tests, to read the text)
	logo     []byte // the dealer's logo, PNG or JPEG
}

// LogoLimits are the largest logo a quote takes.
const (
	maxLogoBytes  = 4 << 20
	maxLogoPixels = 4096
)

// CheckLogo says, in plain words, why an image cannot be a quote's logo
// (nil when it can).
func CheckLogo(data []byte) error {
	_, err := logoPNG(data)
	return err
}

// logoPNG reads a logo (PNG or JPEG, within the limits) and writes it as
// a PNG for quoteImages.
func logoPNG(data []byte) ([]byte, error) {
	if len(data) > maxLogoBytes {
		return nil, fmt.Errorf("the logo is %d KB; at most %d KB", len(data)>>10, maxLogoBytes>>10)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the logo is not a PNG or JPEG picture")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoPixels || cfg.Height > maxLogoPixels {
		return nil, fmt.Errorf("the logo is %d×%d pixels; at most %d on each side", cfg.Width, cfg.Height, maxLogoPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the logo cannot be read: %v", err)
	}
	var buf bytes.Buffer
	if err := previewEncoder.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func quotePDF(o *Order, previews [][]byte, opt quoteOptions) ([]byte, error) {
	if previews != nil && len(previews) != len(o.Lines) {
		return nil, fmt.Errorf("quote %s: %d previews for %d lines", o.Number, len(previews), len(o.Lines))
	}
	created, err := time.Parse(time.RFC3339, o.Created)
	if err != nil {
		return nil, fmt.Errorf("quote %s: creation time %q: %w", o.Number, o.Created, err)
	}
	// The logo is one more image: it gets a width of its own too.
	all, n := previews, len(o.Lines)
	if opt.logo != nil {
		logo, err := logoPNG(opt.logo)
		if err != nil {
			return nil, fmt.Errorf("quote %s: %w", o.Number, err)
		}
		all = append(make([][]byte, n, n+1), logo)
		copy(all, previews)
		n++
	}
	images, err := quoteImages(all, n)
	if err != nil {
		return nil, fmt.Errorf("quote %s: %w", o.Number, err)
	}
	var logo *quoteImage
	if opt.logo != nil {
		logo = &images[n-1]
		logo.name = "logo"
		images = images[:n-1]
	}
	// Two passes: the first counts the pages for the footers' "page X of Y"
	// (fpdf's page-count alias would misalign right-aligned text).
	render := func(pages int) ([]byte, int, error) {
		q := &quote{o: o, words: quoteWordsFor(o.Language), lang: o.Language, created: created.UTC(), images: images, logo: logo, pages: pages}
		pdf, n, err := q.render(opt)
		if err != nil {
			return nil, 0, fmt.Errorf("quote %s: %w", o.Number, err)
		}
		return pdf, n, nil
	}
	_, pages, err := render(0)
	if err != nil {
		return nil, err
	}
	pdf, _, err := render(pages)
	return pdf, err
}

// quoteImage is a preview as an opaque 8-bit RGB PNG (which fpdf embeds
// without decoding).
type quoteImage struct {
	name string // "" for none
	png  []byte
	w, h int
}

// maxPreviewWidth is about 300 dpi at the preview's width on the page.
const maxPreviewWidth = 800

// quoteImages decodes the previews (any PNG: interlaced, 16-bit, paletted,
// with alpha), flattens them on white and scales large ones down. A
// preview that is already an opaque 8-bit RGB PNG of a width of its own is
// embedded as it is.
//
// Different images get different pixel widths: fpdf (v0.9.0) writes the
// images in the order of a stable sort by width of a list made from map
// iteration, so images of the same width would come out in a random
// order. A preview whose width is taken loses pixel columns at its edges,
// one more at a time, until it is not (a few pixels of background for a
// few lines); identical previews share one image.
//
// Decoding and encoding run on all cores; which width each image gets is
// decided in line order, so the result does not depend on timing.
func quoteImages(previews [][]byte, lines int) ([]quoteImage, error) {
	out := make([]quoteImage, lines)
	n := min(len(previews), lines)
	// Decode and flatten every preview.
	full := make([]*image.RGBA, n)
	sums := make([][sha256.Size]byte, n)
	err := parallel(n, func(i int) error {
		if len(previews[i]) == 0 {
			return nil
		}
		src, err := png.Decode(bytes.NewReader(previews[i]))
		if err != nil {
			return fmt.Errorf("preview of line %d: %w", i+1, err)
		}
		b := src.Bounds()
		if b.Dx() < 1 || b.Dy() < 1 {
			return fmt.Errorf("preview of line %d: empty image", i+1)
		}
		full[i] = flatten(src, min(b.Dx(), maxPreviewWidth))
		sums[i] = sha256.Sum256(full[i].Pix)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A width for every distinct picture, in line order.
	type slot struct {
		sum  [sha256.Size]byte
		h    int
		line int // the first line with this picture
	}
	taken := map[int]slot{}
	width := make([]int, n)
	for i := range n {
		if full[i] == nil {
			continue
		}
		fw, fh := full[i].Bounds().Dx(), full[i].Bounds().Dy()
		w := fw
		for ; w > 1; w-- {
			t, ok := taken[w]
			if !ok || t.sum == sums[i] && t.h == fh {
				break
			}
		}
		if _, ok := taken[w]; !ok {
			taken[w] = slot{sum: sums[i], h: fh, line: i}
		}
		width[i] = w
	}
	// Crop and encode each picture once.
	encoded := make([][]byte, n)
	err = parallel(n, func(i int) error {
		if full[i] == nil || taken[width[i]].line != i {
			return nil // no preview, or another line's picture
		}
		img, w := full[i], width[i]
		fw, fh := img.Bounds().Dx(), img.Bounds().Dy()
		if w == previewWidth(previews[i]) && plainRGB(previews[i]) {
			encoded[i] = previews[i] // embedded as it is
			return nil
		}
		if cut := fw - w; cut > 0 {
			img = image.NewRGBA(image.Rect(0, 0, w, fh))
			draw.Draw(img, img.Bounds(), full[i], image.Pt(cut/2, 0), draw.Src)
		}
		var buf bytes.Buffer
		if err := previewEncoder.Encode(&buf, img); err != nil {
			return fmt.Errorf("preview of line %d: %w", i+1, err)
		}
		encoded[i] = buf.Bytes()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range n {
		if full[i] == nil {
			continue
		}
		first := taken[width[i]].line
		out[i] = quoteImage{name: "preview-" + strconv.Itoa(i+1), png: encoded[first], w: width[i], h: full[i].Bounds().Dy()}
	}
	return out, nil
}

// previewWidth is a PNG's width from its header (0 if it has none).
func previewWidth(data []byte) int {
	if len(data) < 24 || string(data[12:16]) != "IHDR" {
		return 0
	}
	return int(binary.BigEndian.Uint32(data[16:20]))
}

// parallel runs f(0) … f(n-1) on all cores and returns the error of the
// lowest index that failed.
func parallel(n int, f func(i int) error) error {
	return parallelAtMost(n, runtime.GOMAXPROCS(0), f)
}

// parallelAtMost is parallel on at most workers goroutines.
func parallelAtMost(n, workers int, f func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// flatten draws src on white at width w (and the height that keeps its
// aspect ratio).
func flatten(src image.Image, w int) *image.RGBA {
	b := src.Bounds()
	h := max(1, int(math.Round(float64(b.Dy())*float64(w)/float64(b.Dx()))))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if w == b.Dx() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	}
	return dst
}

// plainRGB reports whether a PNG is 8-bit RGB without alpha and not
// interlaced: what fpdf embeds without decoding.
func plainRGB(data []byte) bool {
	return len(data) > 28 && string(data[12:16]) == "IHDR" && data[24] == 8 && data[25] == 2 && data[28] == 0
}

// The page, in millimetres.
const (
	pageW      = 210.0
	pageH      = 297.0
	marginL    = 20.0
	marginR    = pageW - 20
	contentW   = marginR - marginL
	topFirst   = 18.0
	topNext    = 28.0 // below the running header of later pages
	bottom     = 274.0
	footerLine = 281.0
	imageW     = 74.0
	imageMaxH  = 64.0
	columnX    = marginL + imageW + 10 // the configuration's column
	columnW    = marginR - columnX
	ptToMM     = 25.4 / 72
)

// The palette: warm greys on white.
type rgb struct{ r, g, b int }

var (
	inkColor         = rgb{34, 32, 30}
	mutedColor       = rgb{112, 106, 100}
	faintColor       = rgb{150, 144, 138}
	ruleColor        = rgb{222, 217, 210}
	strongRuleColor  = rgb{70, 66, 62}
	placeholderColor = rgb{244, 242, 239}
)

const (
	fontFamily = "go"
	regular    = ""
	bold       = "B"
)

// quote is one pass of writing the PDF.
type quote struct {
	o       *Order
	words   *quoteWords
	lang    string
	created time.Time
	images  []quoteImage
	logo    *quoteImage // nil: none
	pages   int         // the total, 0 while counting

	f   *fpdf.Fpdf
	y   float64
	lh  float64 // line height of the current font
	err error   // the first bad value met
}

func (q *quote) render(opt quoteOptions) ([]byte, int, error) {
	f := fpdf.New("P", "mm", "A4", "")
	q.f = f
	f.SetCompression(opt.compress)
	f.SetCatalogSort(true)
	f.SetCreationDate(q.created)
	f.SetModificationDate(q.created)
	f.SetProducer("Atelier", false)
	f.SetCreator("Atelier", false)
	f.SetTitle(clean(q.words.title+" "+q.o.Number), true)
	f.SetAuthor(clean(q.o.Dealer.Name), true)
	f.SetLang(q.words.lang)
	f.SetMargins(marginL, topFirst, pageW-marginR)
	f.SetAutoPageBreak(false, 0)
	f.SetCellMargin(0)
	f.AddUTF8FontFromBytes(fontFamily, regular, goregular.TTF)
	f.AddUTF8FontFromBytes(fontFamily, bold, gobold.TTF)
	for _, img := range q.images {
		if img.name != "" {
			f.RegisterImageOptionsReader(img.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(img.png))
		}
	}
	if q.logo != nil {
		f.RegisterImageOptionsReader(q.logo.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(q.logo.png))
	}
	f.SetFooterFunc(q.footer)

	f.AddPage()
	q.letterhead()
	for i := range q.o.Lines {
		q.line(i)
	}
	q.totals()
	q.closing()

	if q.err != nil {
		return nil, 0, q.err
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), f.PageCount(), nil
}

// font selects a font: style, size in points, colour; it sets the line
// height.
func (q *quote) font(style string, size float64, c rgb) {
	q.f.SetFont(fontFamily, style, size)
	q.f.SetTextColor(c.r, c.g, c.b)
	q.lh = size * ptToMM * 1.4
}

// text writes one line of text with its top at y, aligned "L", "C" or "R"
// in the width w from x.
func (q *quote) text(x, y, w float64, align, s string) {
	q.f.SetXY(x, y)
	q.f.CellFormat(w, q.lh, clean(s), "", 0, align+"M", false, 0, "")
}

// wrap breaks text into lines no wider than w in the current font, at
// spaces and line breaks (not at no-break spaces). A word wider than a
// line is broken, after a hyphen if it can be, else between letters.
func (q *quote) wrap(s string, w float64) []string {
	var out []string
	for _, para := range strings.Split(clean(s), "\n") {
		line := ""
		for _, word := range strings.FieldsFunc(para, func(r rune) bool { return r == ' ' }) {
			switch {
			case line == "" && q.f.GetStringWidth(word) <= w:
				line = word
				continue
			case line != "" && q.f.GetStringWidth(line+" "+word) <= w:
				line += " " + word
				continue
			case q.f.GetStringWidth(word) <= w:
				out = append(out, line)
				line = word
				continue
			}
			// Too wide for any line: start it on this one.
			for word != "" {
				prefix := line
				if prefix != "" {
					prefix += " "
				}
				rs := []rune(word)
				n := 0
				for n < len(rs) && q.f.GetStringWidth(prefix+string(rs[:n+1])) <= w {
					n++
				}
				if n == len(rs) {
					line = prefix + word
					break
				}
				if n == 0 && line != "" {
					out = append(out, line)
					line = ""
					continue
				}
				for k := n - 1; k > n/2; k-- { // after a hyphen in the second half
					if rs[k-1] == '-' {
						n = k
						break
					}
				}
				n = max(n, 1)
				out = append(out, prefix+string(rs[:n]))
				line, word = "", string(rs[n:])
			}
		}
		out = append(out, line)
	}
	return out
}

// wrapAtMost wraps text into at most n lines, the last ending with "…"
// if the text goes on: for the cells of a layout that must fit a page.
func (q *quote) wrapAtMost(s string, w float64, n int) []string {
	lines := q.wrap(s, w)
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	lines[n-1] = q.ellipsize(lines[n-1]+" …", w)
	return lines
}

// wrapItems packs items into lines no wider than w, separated by sep,
// breaking inside an item only when it is wider than a line.
func (q *quote) wrapItems(items []string, sep string, w float64) []string {
	var out []string
	line := ""
	for _, it := range items {
		it = clean(it)
		if line != "" && q.f.GetStringWidth(line+sep+it) <= w {
			line += sep + it
			continue
		}
		if line != "" {
			out = append(out, line)
		}
		parts := q.wrap(it, w)
		out = append(out, parts[:len(parts)-1]...)
		line = parts[len(parts)-1]
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// ellipsize shortens text to fit the width w in the current font, ending
// it with "…" if it had to be cut.
func (q *quote) ellipsize(s string, w float64) string {
	s = strings.ReplaceAll(clean(s), "\n", " ")
	if q.f.GetStringWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && q.f.GetStringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + "…"
}

// paragraph writes wrapped text from y and returns the height it took.
func (q *quote) paragraph(x, y, w float64, align, s string) float64 {
	lines := q.wrap(s, w)
	for i, l := range lines {
		q.text(x, y+float64(i)*q.lh, w, align, l)
	}
	return float64(len(lines)) * q.lh
}

// label is a small capitalised heading.
func (q *quote) label(x, y, w float64, align, s string) float64 {
	q.font(bold, 6.8, mutedColor)
	q.text(x, y, w, align, strings.ToUpper(s))
	return q.lh
}

func (q *quote) rule(x0, x1, y float64, c rgb, width float64) {
	q.f.SetDrawColor(c.r, c.g, c.b)
	q.f.SetLineWidth(width)
	q.f.Line(x0, y, x1, y)
}

// newPage starts the next page below its running header.
func (q *quote) newPage() {
	q.f.AddPage()
	q.font(regular, 8, mutedColor)
	right := q.ellipsize(q.words.title+" "+q.o.Number+" · "+q.date(q.created), contentW/2)
	rightW := q.f.GetStringWidth(right)
	q.text(marginR-rightW, 14, rightW, "R", right)
	q.font(bold, 8, inkColor)
	q.text(marginL, 14, contentW-rightW-8, "L", q.ellipsize(q.o.Dealer.Name, contentW-rightW-8))
	q.rule(marginL, marginR, 20, ruleColor, 0.2)
	q.y = topNext
}

// fits reports whether h more millimetres fit on the page.
func (q *quote) fits(h float64) bool { return q.y+h <= bottom }

// atTop reports whether nothing has been written on this page yet.
func (q *quote) atTop() bool { return q.f.PageNo() > 1 && q.y <= topNext }

func (q *quote) footer() {
	q.rule(marginL, marginR, footerLine, ruleColor, 0.2)
	q.font(regular, 7, faintColor)
	vat := ""
	if q.o.Dealer.VATID != "" {
		vat = " · " + q.words.vatID + "\u00a0" + q.o.Dealer.VATID
	}
	leftW := contentW * 0.7
	left := q.ellipsize(q.o.Dealer.Name, max(leftW/2, leftW-q.f.GetStringWidth(clean(vat)))) + vat
	q.text(marginL, footerLine+2, leftW, "L", q.ellipsize(left, leftW))
	if q.pages > 0 {
		q.text(marginL+contentW*0.7, footerLine+2, contentW*0.3, "R", fmt.Sprintf(q.words.page, q.f.PageNo(), q.pages))
	}
}

// letterhead writes the dealer, the title, the delivery address beside
// the quote's number and dates, and a line of introduction.
func (q *quote) letterhead() {
	o, w := q.o, q.words
	// The dealer on the left, the title on the right.
	q.font(regular, 24, inkColor)
	titleW := q.f.GetStringWidth(w.title) + 8
	q.text(marginR-titleW, topFirst-2.5, titleW, "R", w.title)
	leftW := contentW - titleW
	y := topFirst
	if l := q.logo; l != nil {
		// At most 16 mm high and 60 mm wide, above the dealer's name.
		h := 16.0
		w := h * float64(l.w) / float64(l.h)
		if w > 60 {
			w, h = 60, 60*float64(l.h)/float64(l.w)
		}
		q.f.ImageOptions(l.name, marginL, y-4, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		y += h - 1
	}
	q.font(bold, 15, inkColor)
	for _, line := range q.wrapAtMost(o.Dealer.Name, leftW, 3) {
		q.text(marginL, y, leftW, "L", line)
		y += q.lh
	}
	y++
	var contact []string
	for _, s := range append(strings.Split(o.Dealer.Address, "\n"), o.Dealer.Email, o.Dealer.Phone) {
		if s = strings.TrimSpace(s); s != "" {
			contact = append(contact, s)
		}
	}
	if o.Dealer.VATID != "" {
		contact = append(contact, w.vatID+"\u00a0"+o.Dealer.VATID)
	}
	q.font(regular, 8, mutedColor)
	for _, line := range q.wrapItems(contact, "  ·  ", leftW) {
		q.text(marginL, y, leftW, "L", line)
		y += q.lh
	}
	y = max(y, topFirst+12) + 5
	q.rule(marginL, marginR, y, ruleColor, 0.2)
	y += 7

	// The customer on the left, the facts on the right.
	top := y
	if c := o.Customer; c != nil && (c.Name != "" || c.Address != "") {
		const customerW = columnX - marginL - 8
		y += q.label(marginL, y, customerW, "L", w.deliverTo) + 0.8
		q.font(bold, 10, inkColor)
		for _, line := range q.wrapAtMost(c.Name, customerW, 3) {
			q.text(marginL, y, customerW, "L", line)
			y += q.lh
		}
		q.font(regular, 9, inkColor)
		for _, line := range q.wrapAtMost(c.Address, customerW, 8) {
			q.text(marginL, y, customerW, "L", line)
			y += q.lh
		}
	}
	facts := [][2]string{{w.number, o.Number}, {w.date, q.date(q.created)}}
	if o.RequestedDate != "" {
		facts = append(facts, [2]string{w.requested, q.dateString(o.RequestedDate)})
	}
	facts = append(facts, [2]string{w.validUntil, q.date(q.created.AddDate(0, 0, QuoteValidDays))})
	ry := top + 0.5
	const factX = columnX
	const factLabelW = 36.0
	for _, fact := range facts {
		q.font(regular, 8.5, mutedColor)
		q.text(factX, ry, factLabelW, "L", fact[0])
		q.font(regular, 8.5, inkColor)
		for _, line := range q.wrapAtMost(fact[1], marginR-factX-factLabelW, 2) {
			q.text(factX+factLabelW, ry, marginR-factX-factLabelW, "R", line)
			ry += q.lh
		}
	}
	y = max(y, ry) + 9
	q.font(regular, 9, inkColor)
	y += q.paragraph(marginL, y, contentW, "L", w.intro) + 10
	q.y = y
}

// colBlock is a piece of a line that is never split across pages.
type colBlock struct {
	h    float64
	draw func(y float64)
}

// line writes one order line: a heading, the preview beside the
// configuration, and below them the list price per piece beside the
// customer's price of the line.
func (q *quote) line(i int) {
	l := &q.o.Lines[i]
	w := q.words

	// The heading: position, design name, product, quantity, article code.
	title, subtitle := l.Design, l.ProductName
	if title == "" {
		title, subtitle = l.ProductName, ""
	}
	qty := fmt.Sprintf("%s %d", w.quantity, l.Quantity)
	q.font(regular, 9, inkColor)
	qtyW := q.f.GetStringWidth(qty) + 6
	textW := contentW - qtyW
	q.font(bold, 13, inkColor)
	titleLines, titleLH := q.wrapAtMost(title, textW, 4), q.lh
	q.font(regular, 9, mutedColor)
	var subLines []string
	if subtitle != "" {
		subLines = q.wrapAtMost(subtitle, textW, 2)
	}
	subLH := q.lh
	q.font(bold, 6.8, mutedColor)
	labelH := q.lh + 0.6
	headH := labelH + float64(len(titleLines))*titleLH + float64(len(subLines))*subLH + 4

	img := q.images[i]
	imgW, imgH := imageW, imageW*0.625
	if img.name != "" {
		imgH = imageW * float64(img.h) / float64(img.w)
		if imgH > imageMaxH {
			imgW, imgH = imageMaxH*float64(img.w)/float64(img.h), imageMaxH
		}
	}
	// The article code is the preview's caption.
	q.font(regular, 7, faintColor)
	var codeLines []string
	if l.ArticleCode != "" {
		codeLines = q.wrapAtMost(w.article+" "+l.ArticleCode, imageW, 4)
	}
	captionH := 0.0
	if len(codeLines) > 0 {
		captionH = 2 + float64(len(codeLines))*q.lh
	}
	leftH := imgH + captionH

	rows := q.configBlocks(l)
	price := q.priceBlock(l)
	config := 0.0
	for _, b := range rows {
		config += b.h
	}
	whole := headH + max(leftH, config) + price.h
	first := price.h
	if len(rows) > 0 {
		first = rows[0].h
	}
	// Keep the line on one page if it fits on one; at least keep the
	// heading with the preview and the first rows.
	if !q.fits(whole) && (!q.atTop() && whole <= bottom-topNext || !q.fits(headH+max(leftH, first))) {
		q.newPage()
	}
	if i > 0 && !q.atTop() {
		q.rule(marginL, marginR, q.y-sectionGap/2, ruleColor, 0.2)
	}

	y := q.y
	y += q.label(marginL, y, textW, "L", fmt.Sprintf(w.position, l.Number)) + 0.6
	q.font(regular, 9, inkColor)
	q.text(marginR-qtyW, y+(titleLH-q.lh)/2, qtyW, "R", qty)
	q.font(bold, 13, inkColor)
	for _, s := range titleLines {
		q.text(marginL, y, textW, "L", s)
		y += q.lh
	}
	q.font(regular, 9, mutedColor)
	for _, s := range subLines {
		q.text(marginL, y, textW, "L", s)
		y += q.lh
	}
	y += 4

	// The preview, or a quiet placeholder.
	page := q.f.PageNo()
	if img.name != "" {
		q.f.ImageOptions(img.name, marginL+(imageW-imgW)/2, y, imgW, imgH, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	} else {
		q.f.SetFillColor(placeholderColor.r, placeholderColor.g, placeholderColor.b)
		q.f.Rect(marginL, y, imgW, imgH, "F")
		q.font(regular, 8, faintColor)
		q.text(marginL, y+imgH/2-q.lh/2, imgW, "C", w.noPreview)
	}
	q.font(regular, 7, faintColor)
	for k, s := range codeLines {
		q.text(marginL, y+imgH+2+float64(k)*q.lh, imageW, "L", s)
	}
	imageBottom := y + leftH

	// The configuration beside it, flowing onto the next pages if it must,
	// then the price below both.
	continued := func() {
		q.newPage()
		q.font(regular, 8, mutedColor)
		q.text(marginL, q.y, contentW, "L", fmt.Sprintf(w.continued, l.Number, title))
		q.y += q.lh + 3
	}
	q.y = y
	for _, b := range rows {
		if !q.fits(b.h) {
			continued()
		}
		b.draw(q.y)
		q.y += b.h
	}
	if q.f.PageNo() == page {
		q.y = max(q.y, imageBottom)
	}
	if !q.fits(price.h) {
		continued()
	}
	price.draw(q.y)
	q.y += price.h + sectionGap
}

// sectionGap is the space between lines (a rule in its middle).
const sectionGap = 11.0

// configBlocks lays out a line's configuration: a two-column table, one
// block per feature, the first with the table's label.
func (q *quote) configBlocks(l *Line) []colBlock {
	w := q.words
	var blocks []colBlock
	const nameW, valueGap = 33.0, 3.0
	valueX := columnX + nameW + valueGap
	valueW := marginR - valueX

	q.font(bold, 6.8, mutedColor)
	labelH := q.lh + 0.6
	for j, opt := range l.Options {
		q.font(regular, 8.5, mutedColor)
		names := q.wrapAtMost(opt.Name, nameW, 4)
		value := opt.Value
		if strings.TrimSpace(value) == "" {
			value = "—" // a text left empty (no engraving)
		}
		values := q.wrapAtMost(value, valueW, 12)
		lh := q.lh
		h := float64(max(len(names), len(values)))*lh + 1.2
		top := 0.0
		if j == 0 {
			top = labelH
		}
		last := j == len(l.Options)-1
		blocks = append(blocks, colBlock{h: top + h, draw: func(y float64) {
			if top > 0 {
				q.label(columnX, y, columnW, "L", w.configuration)
				y += top
			}
			q.font(regular, 8.5, mutedColor)
			for k, s := range names {
				q.text(columnX, y+0.6+float64(k)*lh, nameW, "L", s)
			}
			q.font(regular, 8.5, inkColor)
			for k, s := range values {
				q.text(valueX, y+0.6+float64(k)*lh, valueW, "L", s)
			}
			if !last {
				q.rule(columnX, marginR, y+h, ruleColor, 0.15)
			}
		}})
	}
	return blocks
}

// priceRow is one row of a price table.
type priceRow struct {
	label, amount string
	style         string
	size          float64
	ruleAbove     bool
}

// priceTable is a labelled table of amounts, x to x+w.
type priceTable struct {
	label string
	x, w  float64
	rows  []priceRow
}

const amountW = 26.0

// layout wraps a table's labels and returns its height.
func (q *quote) layout(t *priceTable) ([][]string, float64) {
	q.font(bold, 6.8, mutedColor)
	h := q.lh + 1.2
	lines := make([][]string, len(t.rows))
	for k, r := range t.rows {
		q.font(r.style, r.size, inkColor)
		lines[k] = q.wrapAtMost(r.label, t.w-amountW-3, 3)
		if r.ruleAbove {
			h += 1.6
		}
		h += float64(len(lines[k]))*q.lh + 0.2
	}
	return lines, h
}

func (q *quote) drawTable(t *priceTable, lines [][]string, y float64) {
	y += q.label(t.x, y, t.w, "L", t.label) + 1.2
	for k, r := range t.rows {
		if r.ruleAbove {
			q.rule(t.x, t.x+t.w, y+0.6, ruleColor, 0.15)
			y += 1.6
		}
		q.font(r.style, r.size, inkColor)
		for n, s := range lines[k] {
			q.text(t.x, y+float64(n)*q.lh, t.w-amountW-3, "L", s)
		}
		q.text(t.x+t.w-amountW, y, amountW, "R", r.amount)
		y += float64(len(lines[k]))*q.lh + 0.2
	}
}

// priceBlock is the price of a line: on the left the list price of one
// piece and its breakdown; on the right the customer's price of the line:
// list total, the dealer's adjustment, the line discount, net, tax and
// gross. Nothing of the dealer's own terms.
func (q *quote) priceBlock(l *Line) colBlock {
	w, p := q.words, l.Price
	field := func(name string) string { return fmt.Sprintf("line %d %s", l.Number, name) }
	row := func(label, amount string) priceRow {
		return priceRow{label: label, amount: amount, style: regular, size: 8.5}
	}
	sum := func(label, amount string) priceRow {
		r := row(label, amount)
		r.ruleAbove = true
		return r
	}

	piece := &priceTable{label: w.perPiece, x: marginL, w: imageW}
	for _, b := range p.Breakdown {
		label := b.Label
		if b.Source == "base" {
			label = w.basePrice
		}
		piece.rows = append(piece.rows, row(label, q.money(field("breakdown "+b.Source), b.Amount)))
	}
	piece.rows = append(piece.rows, sum(w.listPerPiece, q.money(field("list unit"), p.ListUnit)))

	line := &priceTable{label: w.price, x: columnX, w: columnW}
	if l.Quantity > 1 {
		line.rows = append(line.rows, row(fmt.Sprintf(w.listForN, l.Quantity), q.money(field("list total"), p.ListTotal)))
	} else {
		line.rows = append(line.rows, row(w.listPrice, q.money(field("list total"), p.ListTotal)))
	}
	adjust := q.decimal(field("adjustment"), p.Adjust)
	lineDiscount := q.decimal(field("line discount"), p.LineDiscount)
	listTotal := q.decimal(field("list total"), p.ListTotal)
	customerPrice := q.decimal(field("customer price"), p.CustomerPrice)
	customerNet := q.decimal(field("customer net"), p.CustomerNet)
	if !adjust.IsZero() {
		label := w.surcharge
		if adjust.IsNegative() {
			label = w.discount
		}
		line.rows = append(line.rows, row(fmt.Sprintf(label, q.formatPercent(adjust.Abs())), q.format(customerPrice.Sub(listTotal))))
		if !lineDiscount.IsZero() {
			line.rows = append(line.rows, sum(w.subtotal, q.format(customerPrice)))
		}
	}
	if !lineDiscount.IsZero() {
		label := w.discount
		if adjust.IsNegative() {
			label = w.moreDiscount
		}
		line.rows = append(line.rows, row(fmt.Sprintf(label, q.formatPercent(lineDiscount)), q.format(customerNet.Sub(customerPrice))))
	}
	line.rows = append(line.rows,
		sum(w.net, q.money(field("customer net"), p.CustomerNet)),
		row(fmt.Sprintf(w.tax, q.formatPercent(q.decimal(field("tax rate"), p.TaxRate))), q.money(field("tax"), p.Tax)),
		priceRow{label: w.lineTotal, amount: q.money(field("gross"), p.Gross), style: bold, size: 9.5, ruleAbove: true})

	pieceLines, pieceH := q.layout(piece)
	lineLines, lineH := q.layout(line)
	const gap = 6.0
	return colBlock{h: gap + max(pieceH, lineH), draw: func(y float64) {
		q.drawTable(piece, pieceLines, y+gap)
		q.drawTable(line, lineLines, y+gap)
	}}
}

// totals writes the order's totals: net, tax and the gross, prominent.
func (q *quote) totals() {
	w, t := q.words, q.o.Totals
	rates := map[string]bool{}
	var rate decimal.Decimal
	for _, l := range q.o.Lines {
		rate = q.decimal(fmt.Sprintf("line %d tax rate", l.Number), l.Price.TaxRate)
		rates[rate.String()] = true
	}
	tax := w.taxTotal
	if len(rates) == 1 {
		tax = fmt.Sprintf(w.tax, q.formatPercent(rate))
	}
	q.font(regular, 9, inkColor)
	small := q.lh
	q.font(bold, 13, inkColor)
	big := q.lh
	h := 5 + 2*small + 5 + big
	y := q.y - sectionGap/2
	if !q.fits(h - sectionGap/2) {
		q.newPage()
		y = q.y - 5
	} else {
		q.rule(marginL, marginR, y, strongRuleColor, 0.3)
	}
	y += 5
	amountX := marginR - 50
	for _, r := range [][2]string{{w.netTotal, q.money("total customer net", t.CustomerNet)}, {tax, q.money("total tax", t.Tax)}} {
		q.font(regular, 9, mutedColor)
		q.text(columnX, y, amountX-columnX, "L", r[0])
		q.font(regular, 9, inkColor)
		q.text(amountX, y, marginR-amountX, "R", r[1])
		y += small
	}
	y += 2
	q.rule(columnX, marginR, y, ruleColor, 0.2)
	y += 3
	q.font(bold, 13, inkColor)
	q.text(columnX, y, amountX-columnX, "L", w.grossTotal)
	q.text(amountX, y, marginR-amountX, "R", q.money("total gross", t.Gross))
	q.y = y + big + 14
}

// closing writes the payment terms, the validity and a greeting; each
// stays on one page.
func (q *quote) closing() {
	w := q.words
	const width = 120.0
	type section struct{ label, text string }
	var sections []section
	if pt := strings.TrimSpace(q.o.Terms.PaymentTerms); pt != "" {
		sections = append(sections, section{w.paymentTerms, pt})
	}
	sections = append(sections, section{w.validity, fmt.Sprintf(w.validityText, q.date(q.created.AddDate(0, 0, QuoteValidDays)))})
	q.font(regular, 9, inkColor)
	regards := q.wrap(w.regards, width)
	q.font(bold, 9, inkColor)
	signature := q.wrapAtMost(q.o.Dealer.Name, width, 3)
	for k, s := range sections {
		q.font(bold, 6.8, mutedColor)
		labelH := q.lh + 1
		q.font(regular, 9, inkColor)
		lines := q.wrap(s.text, width)
		h := labelH + float64(len(lines))*q.lh
		if k == len(sections)-1 {
			h += 6 + float64(len(regards)+len(signature))*q.lh
		}
		if !q.fits(h) && h <= bottom-topNext {
			q.newPage()
		}
		q.y += q.label(marginL, q.y, width, "L", s.label) + 1
		q.font(regular, 9, inkColor)
		for _, line := range lines {
			if !q.fits(q.lh) {
				q.newPage()
				q.font(regular, 9, inkColor)
			}
			q.text(marginL, q.y, width, "L", line)
			q.y += q.lh
		}
		q.y += 6
	}
	q.font(regular, 9, inkColor)
	for _, line := range regards {
		q.text(marginL, q.y, width, "L", line)
		q.y += q.lh
	}
	q.font(bold, 9, inkColor)
	for _, line := range signature {
		q.text(marginL, q.y, width, "L", line)
		q.y += q.lh
	}
}

// decimal parses an amount or percentage of the order; an empty string is
// zero.
func (q *quote) decimal(field, s string) decimal.Decimal {
	if s == "" {
		return decimal.Zero
	}
	d, err := decimal.NewFromString(s)
	if err != nil && q.err == nil {
		q.err = fmt.Errorf("%s %q is not a number", field, s)
	}
	return d
}

// money formats an amount of the order in its currency and language.
func (q *quote) money(field, s string) string {
	if s == "" && q.err == nil {
		q.err = fmt.Errorf("%s is missing", field)
	}
	return q.format(q.decimal(field, s))
}

func (q *quote) format(d decimal.Decimal) string { return formatMoney(d, q.o.Currency, q.lang) }

// formatMoney writes an amount the way the language writes it: "€1,234.50"
// in English, "1.234,50 €" in German (see catalog.FormatMoney).
func formatMoney(d decimal.Decimal, currency, lang string) string {
	return catalog.FormatMoney(d, currency, lang)
}

// formatPercent writes a percentage: "19%", "7.5%"; in German "19 %",
// "7,5 %".
func (q *quote) formatPercent(d decimal.Decimal) string {
	s := d.String()
	if q.lang == "de" {
		return strings.Replace(s, ".", ",", 1) + "\u00a0%"
	}
	return s + "%"
}

// date writes a day: "12 March 2025", "12. März 2025".
func (q *quote) date(t time.Time) string {
	if q.lang == "de" {
		return fmt.Sprintf("%d. %s %d", t.Day(), monthsDE[t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year())
}

// dateString writes a date of the order (YYYY-MM-DD or RFC 3339), or the
// string as it is if it is neither.
func (q *quote) dateString(s string) string {
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return q.date(t)
		}
	}
	return s
}

var monthsDE = [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}

// glyphs reports which runes both embedded fonts can draw.
var glyphs = sync.OnceValue(func() func(rune) bool {
	var fonts []*sfnt.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic(err) // the embedded fonts parse
		}
		fonts = append(fonts, f)
	}
	var mu sync.Mutex
	var buf sfnt.Buffer
	return func(r rune) bool {
		mu.Lock()
		defer mu.Unlock()
		for _, f := range fonts {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				return false
			}
		}
		return true
	}
})

// clean makes text drawable: tabs become spaces, narrow and thin spaces
// no-break spaces, and characters the fonts lack a question mark.
func clean(s string) string {
	has := glyphs()
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r':
			return -1
		case r == '\t':
			return ' '
		case r == '\u202f' || r == '\u2009' || r == '\u2007':
			return '\u00a0'
		case r < ' ' || !has(r):
			return '?'
		}
		return r
	}, s)
}

// quoteWords are the fixed texts of a quote in one language.
type quoteWords struct {
	lang                                                  string
	title, number, date, requested, validUntil, vatID     string
	deliverTo, intro                                      string
	position, quantity, article, noPreview, continued     string
	configuration, price, perPiece                        string
	basePrice, listPerPiece, listForN, listPrice          string
	surcharge, discount, moreDiscount, subtotal, net, tax string
	lineTotal, netTotal, taxTotal, grossTotal             string
	paymentTerms, validity, validityText, regards, page   string
}

var quoteWordsEN = quoteWords{
	lang:          "en",
	title:         "Quote",
	number:        "Quote no.",
	date:          "Date",
	requested:     "Requested delivery",
	validUntil:    "Valid until",
	vatID:         "VAT ID",
	deliverTo:     "Deliver to",
	intro:         "Thank you for your enquiry. We are pleased to quote for the following pieces, each made to order for you.",
	position:      "Item %d",
	quantity:      "Quantity",
	article:       "Article no.",
	noPreview:     "No preview",
	continued:     "Item %d, %s (continued)",
	configuration: "Configuration",
	price:         "Your price",
	perPiece:      "List price per piece",
	basePrice:     "Base price",
	listPerPiece:  "List price",
	listForN:      "List price for %d pieces",
	listPrice:     "List price",
	surcharge:     "Surcharge %s",
	discount:      "Discount %s",
	subtotal:      "Subtotal",
	moreDiscount:  "Additional discount %s",
	net:           "Net",
	tax:           "VAT %s",
	lineTotal:     "Total",
	netTotal:      "Total net",
	taxTotal:      "VAT",
	grossTotal:    "Total",
	paymentTerms:  "Payment terms",
	validity:      "Validity",
	validityText:  "This quote is valid until %s. Every piece is made to order as configured above; please check dimensions, materials and finishes carefully. The delivery date is confirmed with the order confirmation.",
	regards:       "We look forward to making these pieces for you.",
	page:          "Page %d of %d",
}

var quoteWordsDE = quoteWords{
	lang:          "de",
	title:         "Angebot",
	number:        "Angebotsnr.",
	date:          "Datum",
	requested:     "Wunschtermin",
	validUntil:    "Gültig bis",
	vatID:         "USt-IdNr.",
	deliverTo:     "Lieferadresse",
	intro:         "Vielen Dank für Ihre Anfrage. Gerne bieten wir Ihnen die folgenden Stücke an, jedes für Sie nach Maß gefertigt.",
	position:      "Position %d",
	quantity:      "Menge",
	article:       "Artikelnr.",
	noPreview:     "Keine Vorschau",
	continued:     "Position %d, %s (Fortsetzung)",
	configuration: "Konfiguration",
	price:         "Ihr Preis",
	perPiece:      "Listenpreis je Stück",
	basePrice:     "Grundpreis",
	listPerPiece:  "Listenpreis",
	listForN:      "Listenpreis für %d Stück",
	listPrice:     "Listenpreis",
	surcharge:     "Aufschlag %s",
	discount:      "Rabatt %s",
	subtotal:      "Zwischensumme",
	moreDiscount:  "Zusätzlicher Rabatt %s",
	net:           "Netto",
	tax:           "MwSt. %s",
	lineTotal:     "Gesamt",
	netTotal:      "Summe netto",
	taxTotal:      "MwSt.",
	grossTotal:    "Gesamtbetrag",
	paymentTerms:  "Zahlungsbedingungen",
	validity:      "Gültigkeit",
	validityText:  "Dieses Angebot ist gültig bis zum %s. Jedes Stück wird wie oben beschrieben für Sie angefertigt; bitte prüfen Sie Maße, Materialien und Oberflächen sorgfältig. Den Liefertermin bestätigen wir mit der Auftragsbestätigung.",
	regards:       "Wir freuen uns darauf, diese Stücke für Sie zu fertigen.",
	page:          "Seite %d von %d",
}

func quoteWordsFor(lang string) *quoteWords {
	if lang == "de" {
		return &quoteWordsDE
	}
	return &quoteWordsEN
}
