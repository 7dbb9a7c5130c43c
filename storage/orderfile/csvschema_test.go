package orderfile

import (
	"bytes"
	"context"
	"encoding/csv"
	"math/rand/v2"
	"strings"
	"testing"
)

// lines.csv neutralises spreadsheet formulas (OWASP CSV injection): a
// cell that starts with = + - @ tab or CR (or the full-width ＝＋－＠) gets
// a leading apostrophe, except plain numbers in the numeric columns. Every
// row ends with CRLF (RFC 4180) on every system.
func TestLinesCSVNeutralisesFormulas(t *testing.T) {
	o := &Order{Number: "BER01-00001", Lines: []Line{{Number: 1, ArticleCode: "=HYPERLINK(\"http://x\")", Product: "+desk", Quantity: 2, BOM: []BOMLine{
		{SKU: "-2+3", Name: "@SUM(A1:A9)", Quantity: "-3.5", Unit: "m"},
		{SKU: "\tcmd", Name: "\r=1+1", Quantity: "=1+1", Unit: "＝1"},
		{SKU: "＋1", Name: "－1", Quantity: "2", Unit: "＠x"},
		{SKU: "TOP-1", Name: "Walnut top, 1800 × 800\nsecond line", Quantity: "1.25", Unit: "pc"},
	}}}}
	data, err := LinesCSV(o)
	if err != nil {
		t.Fatal(err)
	}
	if n, crlf := bytes.Count(data, []byte("\n")), bytes.Count(data, []byte("\r\n")); n != crlf || !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("%d line ends, %d of them CRLF; want all CRLF:\n%q", n, crlf, data)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("lines.csv does not read back: %v", err)
	}
	want := [][]string{
		{"order", "line", "article_code", "product", "line_quantity", "sku", "name", "quantity", "unit"},
		{"BER01-00001", "1", "'=HYPERLINK(\"http://x\")", "'+desk", "2", "'-2+3", "'@SUM(A1:A9)", "-3.5", "m"},
		{"BER01-00001", "1", "'=HYPERLINK(\"http://x\")", "'+desk", "2", "'\tcmd", "'=1+1", "'=1+1", "'＝1"},
		{"BER01-00001", "1", "'=HYPERLINK(\"http://x\")", "'+desk", "2", "'＋1", "'－1", "2", "'＠x"},
		{"BER01-00001", "1", "'=HYPERLINK(\"http://x\")", "'+desk", "2", "TOP-1", "Walnut top, 1800 × 800\nsecond line", "1.25", "pc"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%q", len(rows), len(want), data)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
}

func TestCSVCell(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		numeric bool
		want    string
	}{
		{"plain text", "Walnut", false, "Walnut"},
		{"empty", "", false, ""},
		{"formula", "=1+1", false, "'=1+1"},
		{"plus", "+1", false, "'+1"},
		{"minus in text", "-3.5", false, "'-3.5"},
		{"at", "@A1", false, "'@A1"},
		{"tab", "\tx", false, "'\tx"},
		{"carriage return: dropped, as the writer would", "\rx", false, "x"},
		{"a carriage return hiding a formula", "\xef\r\xbc\xa0", false, "'＠"},
		{"full-width equals", "＝1", false, "'＝1"},
		{"full-width plus", "＋1", false, "'＋1"},
		{"full-width minus", "－1", false, "'－1"},
		{"full-width at", "＠1", false, "'＠1"},
		{"negative number", "-3.5", true, "-3.5"},
		{"negative integer", "-3", true, "-3"},
		{"number", "12.25", true, "12.25"},
		{"formula in a number column", "-1+2", true, "'-1+2"},
		{"minus alone", "-", true, "'-"},
		{"dash inside", "A-1", false, "A-1"},
	} {
		if got := csvCell(tc.in, tc.numeric); got != tc.want {
			t.Errorf("%s: csvCell(%q, %v) = %q, want %q", tc.name, tc.in, tc.numeric, got, tc.want)
		}
	}
}

// Build refuses an order.json that verify would refuse (the same schema),
// before signing: an impossible date, a one-letter language, a dealer
// without a name.
func TestBuildRefusesWhatVerifyRefuses(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	o, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	if r := Verify(pkg, cats, testTrust(), DefaultLimits); !r.OK {
		t.Fatalf("the package does not verify: %+v", r.Findings)
	}
	files, _, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var previews [][]byte
	for i := range o.Lines {
		previews = append(previews, files[PreviewName(i+1)])
	}
	for _, tc := range []struct {
		name string
		edit func(*Order)
		want string
	}{
		{"impossible date", func(o *Order) { o.RequestedDate = "2026-02-30" }, "requested_date"},
		{"one-letter language", func(o *Order) { o.Language = "e" }, "language"},
		{"language in words", func(o *Order) { o.Language = "English" }, "language"},
		{"dealer without a name", func(o *Order) { o.Dealer.Name = "" }, "name"},
		{"currency", func(o *Order) { o.Currency = "euro" }, "currency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := *o
			bad.Lines = append([]Line(nil), o.Lines...)
			tc.edit(&bad)
			data, err := Build(&bad, previews, files["quote.pdf"], "test", testKey)
			if err == nil {
				r := Verify(data, cats, testTrust(), DefaultLimits)
				t.Fatalf("Build made a package that verify answers with OK=%v %+v", r.OK, r.Findings)
			}
			if !strings.Contains(err.Error(), "does not follow the order schema") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want the schema and %q", err, tc.want)
			}
		})
	}
	for _, lang := range []string{"en", "de", "de-CH", "gsw", "zh-Hant-TW"} {
		good := *o
		good.Language = lang
		if _, err := Build(&good, previews, files["quote.pdf"], "test", testKey); err != nil {
			t.Errorf("language %s: %v", lang, err)
		}
	}
}

// FuzzLinesCSV: whatever a catalog or a user writes, lines.csv reads back
// as RFC 4180 with the same cells (up to the apostrophe and line breaks),
// and no cell starts a formula.
func FuzzLinesCSV(f *testing.F) {
	for _, s := range []string{"=1+1", "-3.5", "＠x", "\r\n=cmd", "a,b\"c", "\t", ""} {
		f.Add(s, s, "1")
	}
	f.Fuzz(func(t *testing.T, sku, name, qty string) {
		o := &Order{Number: "BER01-00001", Lines: []Line{{Number: 1, ArticleCode: name, Product: sku, Quantity: 1,
			BOM: []BOMLine{{SKU: sku, Name: name, Quantity: qty, Unit: name}}}}}
		data, err := LinesCSV(o)
		if err != nil {
			return // not UTF-8 text the writer takes
		}
		if n, crlf := bytes.Count(data, []byte("\n")), bytes.Count(data, []byte("\r\n")); n != crlf {
			t.Fatalf("%d line ends, %d CRLF: %q", n, crlf, data)
		}
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(rows) != 2 || len(rows[1]) != 9 {
			t.Fatalf("does not read back: %v %q", err, rows)
		}
		for i, cell := range rows[1] {
			if cell == "" || (i == 7 && plainNumber.MatchString(cell)) || cell[0] == '\'' {
				continue
			}
			if r := []rune(cell)[0]; strings.ContainsRune("=+-@\t\r＝＋－＠", r) {
				t.Errorf("cell %d %q starts a formula", i, cell)
			}
		}
		// The writer drops a CR inside a cell; a LF reads back as LF.
		if want := strings.ReplaceAll(csvCell(sku, false), "\r", ""); rows[1][5] != want {
			t.Errorf("sku %q read back as %q, want %q", sku, rows[1][5], want)
		}
	})
}

// Build refuses a package the manufacturer's reader would refuse for its
// size.
func TestBuildRefusesAPackageBeyondTheLimits(t *testing.T) {
	ctx := context.Background()
	db, id, _ := demoOrder(t)
	o, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var previews [][]byte
	for i := range o.Lines {
		previews = append(previews, files[PreviewName(i+1)])
	}
	quote := make([]byte, DefaultLimits.MaxPackage+1)
	rand.NewChaCha8([32]byte{1}).Read(quote) // random: does not compress
	copy(quote, files["quote.pdf"])
	if _, err := Build(o, previews, quote, "test", testKey); err == nil || !strings.Contains(err.Error(), "the package would be refused") {
		t.Errorf("Build of a %d-byte package: %v, want it refused", len(quote), err)
	}
}
