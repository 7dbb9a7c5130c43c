package orderfile

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The OEX order message as an ERP reads it: only the elements the tests
// look at (encoding/xml skips the others).
type readOEX struct {
	XMLName xml.Name `xml:"oexDocFrame"`
	Major   string   `xml:"aMajor,attr"`
	File    struct {
		DocumentType string `xml:"vDocumentType"`
		Document     struct {
			ItemCount int `xml:"aItemCount,attr"`
			Header    struct {
				OrderNumber  string `xml:"vOrderNumber"`
				ClientNumber string `xml:"vClientNumber"`
				VendorNumber string `xml:"vVendorNumber"`
				Currency     string `xml:"vDocCurrency"`
				DateTimes    []struct {
					Type string `xml:"vDateTimeType"`
					Date string `xml:"vDateValue"`
					Time string `xml:"vTimeValue"`
				} `xml:"hdrDateTime"`
				OrgData   []readOrgData `xml:"hdrOrgData"`
				Addresses []struct {
					Type    string `xml:"vAddressType"`
					Number  string `xml:"vAddressNumber"`
					Name1   string `xml:"vName1"`
					Street  string `xml:"vStreet"`
					Street2 string `xml:"vStreet2"`
				} `xml:"hdrAddress"`
				Pricing []readPricing `xml:"hdrPricing"`
			} `xml:"docHeader"`
			Items []struct {
				ItemNo          int    `xml:"aItemNo,attr"`
				UUID            string `xml:"aUUID,attr"`
				OrderItemNumber int    `xml:"vOrderItemNumber"`
				ClientArticleNo string `xml:"vClientArticleNo"`
				VendorArticleNo string `xml:"vVendorArticleNo"`
				VendorID        string `xml:"vVendorID"`
				VendorSeries    string `xml:"vVendorSeries"`
				CatalogID       string `xml:"vCatalogId"`
				Quantity        int    `xml:"vOrderQuantity"`
				Config          []struct {
					OptionID   string `xml:"vOptionID"`
					ValueID    string `xml:"vValueID"`
					OptionText string `xml:"itmConfigText>vOptionText"`
					ValueText  string `xml:"itmConfigText>vValueText"`
				} `xml:"itmConfiguration"`
				OrgData []readOrgData `xml:"itmOrgData"`
				Pricing []readPricing `xml:"itmPricing"`
			} `xml:"docArticleItem"`
		} `xml:"oexDocument"`
	} `xml:"oexFile"`
}

type readOrgData struct {
	Type  string `xml:"vOrgDataType"`
	Value string `xml:"vOrgDataValue"`
}

type readPricing struct {
	Type  string `xml:"vConditionType"`
	Value string `xml:"vConditionValue"`
	Rate  string `xml:"vConditionRate"`
}

// condition is the value of a pricing's first condition of a type.
func condition(ps []readPricing, typ string) string {
	for _, p := range ps {
		if p.Type == typ {
			return p.Value
		}
	}
	return "(none)"
}

func goldenOrder(t *testing.T) *Order {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden-order.json"))
	if err != nil {
		t.Fatal(err)
	}
	var o Order
	if err := strictJSON(b, &o); err != nil {
		t.Fatal(err)
	}
	return &o
}

// TestOEXReadsBackAsTheOrder: the message is well-formed XML that reads
// back into the order: every line, every option, the totals.
func TestOEXReadsBackAsTheOrder(t *testing.T) {
	db, id, _ := demoOrder(t)
	o, pkg, err := PackageOrder(context.Background(), db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	name := OEXName(o)
	if want := "oex-orders_BER01_20261123-100000.xml"; name != want {
		t.Errorf("OEXName = %q, want %q", name, want)
	}
	data, ok := files[name]
	if !ok {
		t.Fatalf("the package holds no %s", name)
	}
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n")) || !bytes.HasSuffix(data, []byte(">\n")) {
		t.Errorf("no XML declaration at the start or no newline at the end")
	}
	// Well-formed: every token reads.
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v", err)
			}
			break
		}
	}
	var got readOEX
	if err := xml.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	doc := got.File.Document
	h := doc.Header
	for _, c := range []struct{ what, got, want string }{
		{"document type", got.File.DocumentType, "ORDERS"}, {"major version", got.Major, "3"},
		{"order number", h.OrderNumber, o.Number}, {"client number", h.ClientNumber, o.Dealer.ID},
		{"vendor number", h.VendorNumber, o.Lines[0].Catalog.ID}, {"currency", h.Currency, o.Currency},
		{"total net", condition(h.Pricing, "TNET"), o.Totals.DealerNet}, {"total gross", condition(h.Pricing, "TGRO"), o.Totals.List},
		{"document date", h.DateTimes[0].Type + " " + h.DateTimes[0].Date + " " + h.DateTimes[0].Time, "DOC 20261123 100000"},
		{"requested date", h.DateTimes[1].Type + " " + h.DateTimes[1].Date, "CRD 20270115"},
		{"buyer", h.Addresses[0].Type + " " + h.Addresses[0].Number + " " + h.Addresses[0].Name1 + ", " + h.Addresses[0].Street + ", " + h.Addresses[0].Street2,
			"SO BER01 Wohnwerk Berlin GmbH, Torstraße 1, 10119 Berlin"},
		{"ship to", h.Addresses[1].Type + " " + h.Addresses[1].Name1 + ", " + h.Addresses[1].Street + ", " + h.Addresses[1].Street2,
			"SH Anna Meyer, Hauptstraße 12, 10115 Berlin"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if len(h.OrgData) != 0 {
		t.Errorf("a first revision names a revision: %+v", h.OrgData)
	}
	if doc.ItemCount != len(o.Lines) || len(doc.Items) != len(o.Lines) {
		t.Fatalf("%d items (aItemCount %d) for %d lines", len(doc.Items), doc.ItemCount, len(o.Lines))
	}
	uuids := map[string]bool{}
	for i, it := range doc.Items {
		l := o.Lines[i]
		for _, c := range []struct{ what, got, want string }{
			{"item number", itoa(it.ItemNo) + " " + itoa(it.OrderItemNumber), itoa(l.Number) + " " + itoa(l.Number)},
			{"design", it.ClientArticleNo, "D" + itoa(int(l.DesignID)) + "-R" + itoa(l.Revision)},
			{"article", it.VendorArticleNo, l.Product}, {"vendor", it.VendorID, l.Catalog.ID}, {"series", it.VendorSeries, l.Product},
			{"catalog", it.CatalogID, l.Catalog.ID + "." + l.Catalog.Version}, {"quantity", itoa(it.Quantity), itoa(l.Quantity)},
			{"article code", it.OrgData[0].Type + " " + it.OrgData[0].Value, "ITM " + l.ArticleCode},
			{"list unit", condition(it.Pricing, "SGRO"), l.Price.ListUnit}, {"list total", condition(it.Pricing, "TGRO"), l.Price.ListTotal},
			{"dealer net", condition(it.Pricing, "TNET"), l.Price.DealerNet},
		} {
			if c.got != c.want {
				t.Errorf("line %d: %s: got %q, want %q", l.Number, c.what, c.got, c.want)
			}
		}
		if len(it.UUID) != 36 || uuids[it.UUID] {
			t.Errorf("line %d: aUUID %q is not a UUID of its own", l.Number, it.UUID)
		}
		uuids[it.UUID] = true
		if len(it.Config) != len(l.Config) {
			t.Errorf("line %d: %d features, want %d", l.Number, len(it.Config), len(l.Config))
		}
		for j, op := range l.Options {
			c := it.Config[j]
			if c.OptionID != op.Feature || c.ValueID != l.Config[op.Feature] || c.OptionText != op.Name || c.ValueText != op.Value {
				t.Errorf("line %d feature %d: got %+v, want %s=%s (%s: %s)", l.Number, j+1, c, op.Feature, l.Config[op.Feature], op.Name, op.Value)
			}
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestOEXIsDeterministic: the same order gives the same bytes, whenever
// and wherever it is exported; the message names a revision after the
// first, and escapes what it quotes.
func TestOEXIsDeterministic(t *testing.T) {
	o := goldenOrder(t)
	name, a, err := OEX(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TZ", "America/New_York")
	name2, b, err := OEX(goldenOrder(t))
	if err != nil {
		t.Fatal(err)
	}
	if name != name2 || !bytes.Equal(a, b) {
		t.Fatal("the same order gives another OEX order message")
	}
	path := filepath.Join("testdata", "golden-"+name)
	if *update {
		if err := os.WriteFile(path, a, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(a, want) {
		t.Errorf("the OEX order message differs from %s (run with -update if the change is meant)", path)
	}

	o.Revision = 2
	o.Notes = `<b>"Fragile" & heavy</b>`
	_, c, err := OEX(o)
	if err != nil {
		t.Fatal(err)
	}
	var got readOEX
	if err := xml.Unmarshal(c, &got); err != nil {
		t.Fatal(err)
	}
	if org := got.File.Document.Header.OrgData; len(org) != 1 || org[0] != (readOrgData{"REV", "2"}) {
		t.Errorf("revision 2: header organisational data %+v, want REV 2", org)
	}
	if !bytes.Contains(c, []byte(`&lt;b&gt;&#34;Fragile&#34; &amp; heavy&lt;/b&gt;`)) {
		t.Errorf("the notes are not escaped")
	}
}

// TestPackageHoldsTheOEXOrderMessage: Build writes the message and signs
// it; a rebuild gives the same package.
func TestPackageHoldsTheOEXOrderMessage(t *testing.T) {
	db, id, cats := demoOrder(t)
	o, a, err := PackageOrder(context.Background(), db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := PackageOrder(context.Background(), db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the same order packaged twice gives different bytes")
	}
	files, _, err := ReadZip(a, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(files["manifest.json"])
	if err != nil {
		t.Fatal(err)
	}
	_, want, err := OEX(o)
	if err != nil {
		t.Fatal(err)
	}
	signed := false
	for _, f := range m.Files {
		signed = signed || f.Name == OEXName(o) && f.SHA256 == sha256Hex(want)
	}
	if !signed || !bytes.Equal(files[OEXName(o)], want) {
		t.Errorf("the package does not hold the OEX order message, signed in the manifest")
	}
	if r := Verify(a, cats, testTrust(), DefaultLimits); !r.OK || len(r.Findings) != 0 {
		t.Errorf("verify: %+v", r.Findings)
	}
}

// TestVerifyChecksTheOEXOrderMessage: a changed message, signed again, is
// an error naming the file; a wrongly named one is an error; a package
// without one (an earlier Atelier's) verifies with a warning.
func TestVerifyChecksTheOEXOrderMessage(t *testing.T) {
	db, id, cats := demoOrder(t)
	o, pkg, err := PackageOrder(context.Background(), db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	name := OEXName(o)
	for _, tc := range []struct {
		name  string
		pkg   []byte
		ok    bool
		where string
		want  string
	}{
		{"a changed quantity", resignFiles(t, pkg, testKey, func(n string, b []byte) []byte {
			if n == name {
				return bytes.Replace(b, []byte("<vOrderQuantity>2</vOrderQuantity>"), []byte("<vOrderQuantity>20</vOrderQuantity>"), 1)
			}
			return b
		}), false, name, "does not match order.json"},
		{"a comment added", resignFiles(t, pkg, testKey, func(n string, b []byte) []byte {
			if n == name {
				return append(b, "<!-- -->\n"...)
			}
			return b
		}), false, name, "does not match order.json"},
		{"another time in the name", resignRenamed(t, pkg, name, "oex-orders_BER01_20261123-100001.xml"), false, "manifest.json",
			"holds exactly lines.csv, manifest.json, manifest.sig, " + name},
		{"another dealer in the name", resignRenamed(t, pkg, name, "oex-orders_HAM02_20261123-100000.xml"), false, "manifest.json", "the package holds"},
		{"made before the OEX order message", resignRenamed(t, pkg, name, ""), true, name, "made by an earlier Atelier: no OEX order message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Verify(tc.pkg, cats, testTrust(), DefaultLimits)
			found := hasFinding(r, tc.where, tc.want)
			if tc.ok {
				found = len(r.Findings) == 1 && r.Findings[0] == Finding{"warning", tc.where, tc.want}
			}
			if r.OK != tc.ok || !found {
				t.Fatalf("OK %v, findings %+v; want OK %v and %q at %q", r.OK, r.Findings, tc.ok, tc.want, tc.where)
			}
		})
	}
}

// resignRenamed rebuilds a package with the file old renamed to new (or
// left out, new == "") and the manifest signed again.
func resignRenamed(t *testing.T, pkg []byte, old, new string) []byte {
	t.Helper()
	files, names, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(files["manifest.json"])
	if err != nil {
		t.Fatal(err)
	}
	var kept []ManifestFile
	for _, f := range m.Files {
		if f.Name == old {
			if new == "" {
				continue
			}
			f.Name = new
		}
		kept = append(kept, f)
	}
	m.Files = kept
	mb, _ := jsonIndent(m)
	files["manifest.json"] = mb
	files["manifest.sig"] = []byte(b64(testKey.Sign(mb)) + "\n")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		data := files[n]
		if n == old {
			if new == "" {
				continue
			}
			n = new
		}
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestOEXNamesAreExact: ReadZip takes the OEX order message's name only
// as the format writes it.
func TestOEXNamesAreExact(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string // "" accepted, else a part of the error
	}{
		{"oex-orders_X_20261207-101010.xml", ""},
		{"oex-orders_BER.01_X-2_20261207-101010.xml", ""},
		{"oex-orders_X_20261207-101010.xml.exe", "is not a file of an order package"},
		{"OEX-ORDERS_X_20261207-101010.xml", "differs from a package file's only in upper and lower case"},
		{"oex-orders_x_20261207-101010.xml", "differs from a package file's only in upper and lower case"},
		{"oex-orders_X_20261207-101010.XML", "differs from a package file's only in upper and lower case"},
		{"oex-orders_X_20261307-101010.xml", "is not a file of an order package"}, // month 13
		{"oex-orders_X_2026127-101010.xml", "is not a file of an order package"},
		{"oex-orders__20261207-101010.xml", "is not a file of an order package"},
		{"oex-orders_-X_20261207-101010.xml", "is not a file of an order package"},
		{"oex-orders_X/Y_20261207-101010.xml", "is not a file of an order package"},
		{"previews/oex-orders_X_20261207-101010.xml", "is not a file of an order package"},
		{"oex-orders_X_20261207-101010.xml ", "ends in a dot or a space"},
		{"oex-orders_X_20261207-101010.xml:x", "alternate data stream"},
		{"oex-orders_" + strings.Repeat("A", 33) + "_20261207-101010.xml", "is not a file of an order package"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := craftZip{Entries: []craftEntry{newEntry(tc.name, []byte("<x/>\n"))}}
			_, _, err := ReadZip(z.bytes(), DefaultLimits)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error\n  got %v\n want %s", err, tc.want)
			}
		})
	}
}
