package orderfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
)

// testTrust enrols the tests' dealer key for the tests' dealer, BER01.
func testTrust() Trust {
	return Trust{Registry: []storage.DealerKey{enrolled("BER01", testKey.Public())}}
}

func enrolled(dealer string, k sign.PublicKey) storage.DealerKey {
	return storage.DealerKey{Dealer: dealer, Name: "Wohnwerk Berlin GmbH", PublicKey: k.String(), Fingerprint: k.Fingerprint(), EnrolledAt: "2026-01-01T00:00:00Z"}
}

// forge rebuilds a genuine package with a changed delivery address and
// signs it with key: a well-formed package whose signature holds.
func forge(t *testing.T, pkg []byte, key *sign.Key) []byte {
	t.Helper()
	r := Verify(pkg, nil, TrustAny(), DefaultLimits)
	files, _, err := ReadZip(pkg, DefaultLimits)
	if err != nil || r.Order == nil {
		t.Fatalf("read the genuine package: %v %+v", err, r.Findings)
	}
	o := *r.Order
	c := *o.Customer
	c.Address = "Lagerhalle 7\n12345 Irgendwo"
	o.Customer = &c
	var previews [][]byte
	for i := range o.Lines {
		previews = append(previews, files[PreviewName(i+1)])
	}
	forged, err := Build(&o, previews, files["quote.pdf"], "forger", key)
	if err != nil {
		t.Fatal(err)
	}
	return forged
}

func TestVerifyTrustsOnlyEnrolledDealerKeys(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	o, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	created, err := time.Parse(time.RFC3339, o.Created)
	if err != nil {
		t.Fatal(err)
	}
	forger, err := sign.Generate()
	if err != nil {
		t.Fatal(err)
	}
	forged := forge(t, pkg, forger)
	rotated, err := sign.Generate()
	if err != nil {
		t.Fatal(err)
	}
	revokedAt := func(at time.Time) storage.DealerKey {
		k := enrolled("BER01", testKey.Public())
		k.RevokedAt, k.RevokeReason = at.UTC().Format(time.RFC3339), "laptop stolen"
		return k
	}
	validFrom := func(at time.Time) storage.DealerKey {
		k := enrolled("BER01", testKey.Public())
		k.ValidFrom = at.UTC().Format(time.RFC3339)
		return k
	}
	for _, tc := range []struct {
		name      string
		pkg       []byte
		trust     Trust
		wantOK    bool
		wantTrust string
		want      string // a finding's words
	}{
		{"enrolled key", pkg, testTrust(), true, "enrolled", ""},
		{"re-signed by a forger: refused", forged, testTrust(), false, "", "not enrolled for dealer BER01"},
		{"empty registry: refused", pkg, Trust{}, false, "", "dealer BER01 is not enrolled here"},
		{"key enrolled for another dealer", pkg, Trust{Registry: []storage.DealerKey{enrolled("MUC02", testKey.Public())}}, false, "", "enrolled for dealer MUC02"},
		{"forger's key enrolled for another dealer", forged, Trust{Registry: []storage.DealerKey{enrolled("BER01", testKey.Public()), enrolled("MUC02", forger.Public())}}, false, "", "enrolled for dealer MUC02"},
		{"revoked after the order: still verifies", pkg, Trust{Registry: []storage.DealerKey{revokedAt(created.Add(time.Hour))}}, true, "enrolled", "before the revocation, and is accepted"},
		{"revoked before the order: refused", pkg, Trust{Registry: []storage.DealerKey{revokedAt(created.Add(-time.Hour))}}, false, "", "after the revocation: refused"},
		{"revoked at the order's second: refused", pkg, Trust{Registry: []storage.DealerKey{revokedAt(created)}}, false, "", "after the revocation"},
		{"rotated: the new key is not the signer", pkg, Trust{Registry: []storage.DealerKey{revokedAt(created.Add(-time.Hour)), enrolled("BER01", rotated.Public())}}, false, "", "revoked"},
		{"key valid only from a later date", pkg, Trust{Registry: []storage.DealerKey{validFrom(created.Add(time.Hour))}}, false, "", "before dealer BER01's key"},
		{"trust-any: a warning, not a failure", forged, TrustAny(), true, "not checked (--trust-any)", "anyone could have signed"},
		{"own key", pkg, Trust{Own: []sign.PublicKey{testKey.Public()}}, true, "own key", ""},
		{"own key is not a forger's", forged, Trust{Own: []sign.PublicKey{testKey.Public()}}, false, "", "not enrolled here"},
		{"pinned fingerprint of another key", pkg, Trust{Registry: testTrust().Registry, Fingerprint: forger.Public().Fingerprint()}, false, "", "not by the expected dealer key"},
		{"pinned fingerprint with trust-any", forged, Trust{Any: true, Fingerprint: testKey.Public().Fingerprint()}, false, "", "not by the expected dealer key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Verify(tc.pkg, cats, tc.trust, DefaultLimits)
			if r.OK != tc.wantOK {
				t.Fatalf("OK = %v, want %v; findings %+v", r.OK, tc.wantOK, r.Findings)
			}
			if r.Trust != tc.wantTrust {
				t.Errorf("trust = %q, want %q", r.Trust, tc.wantTrust)
			}
			if tc.want != "" && !hasNote(r, "signature", tc.want) {
				t.Errorf("findings %+v, want one on the signature saying %q", r.Findings, tc.want)
			}
			if !tc.wantOK && len(r.Findings) != 1 {
				t.Errorf("an untrusted signer's order is priced again: %d findings %+v", len(r.Findings), r.Findings)
			}
		})
	}
}

// TestVerifyStopsAtABrokenSignature: once the signature fails, nothing of
// the package is parsed (the work a forgery costs is bounded).
func TestVerifyStopsAtABrokenSignature(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	_, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	// order.json with a huge decimal (just under the archive's 1 MiB bound
	// for order.json): never parsed, the hash fails first.
	tampered := rezip(t, pkg, func(name string, b []byte) []byte {
		if name == "order.json" {
			return []byte(strings.Replace(string(b), `"list": "`, `"list": "`+digits(900<<10), 1))
		}
		return b
	}, nil)
	r := Verify(tampered, cats, testTrust(), DefaultLimits)
	if r.OK || r.Order != nil || !hasFinding(r, "order.json", "differs from the manifest") {
		t.Fatalf("a changed order.json: OK %v, parsed %v, findings %+v", r.OK, r.Order != nil, r.Findings)
	}
	// A manifest changed after signing: stops at the signature.
	tampered = rezip(t, pkg, func(name string, b []byte) []byte {
		if name == "manifest.json" {
			return []byte(strings.Replace(string(b), `"order"`, `"order" `, 1))
		}
		return b
	}, nil)
	r = Verify(tampered, cats, testTrust(), DefaultLimits)
	if r.OK || len(r.Findings) != 1 || !hasFinding(r, "manifest.sig", "does not match the manifest") {
		t.Fatalf("a changed manifest: %+v", r.Findings)
	}
}

// TestTrustRegistryInTheLibrary: enrol, rotate and revoke through the
// database, and verify against what it keeps.
func TestTrustRegistryInTheLibrary(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	o, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	created, _ := time.Parse(time.RFC3339, o.Created)
	if _, err := db.TrustDealerKey(ctx, "ber01", "Wohnwerk", testKey.Public(), "0000 0000", time.Time{}); err == nil || !strings.Contains(err.Error(), "is not the key's") {
		t.Fatalf("enrol with a wrong fingerprint: %v", err)
	}
	k, err := db.TrustDealerKey(ctx, "ber01", "Wohnwerk", testKey.Public(), strings.ToUpper(testKey.Public().Fingerprint()), time.Time{})
	if err != nil || k.Dealer != "BER01" {
		t.Fatalf("enrol: %+v %v", k, err)
	}
	if _, err := db.TrustDealerKey(ctx, "MUC02", "", testKey.Public(), testKey.Public().Fingerprint(), time.Time{}); err == nil || !strings.Contains(err.Error(), "enrolled already for dealer BER01") {
		t.Fatalf("the same key for a second dealer: %v", err)
	}
	registry := func() Trust {
		keys, err := db.DealerKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return Trust{Registry: keys}
	}
	if r := Verify(pkg, cats, registry(), DefaultLimits); !r.OK || r.Trust != "enrolled" {
		t.Fatalf("enrolled in the library: %+v", r.Findings)
	}
	if _, err := db.RevokeDealerKey(ctx, "BER01", testKey.Public().Fingerprint()[:9], created.Add(time.Minute), "rotated"); err != nil {
		t.Fatal(err)
	}
	if r := Verify(pkg, cats, registry(), DefaultLimits); !r.OK {
		t.Fatalf("revoked after the order was made: %+v", r.Findings)
	}
	// An earlier date wins; a later one does not move it.
	if _, err := db.RevokeDealerKey(ctx, "BER01", "", created.Add(-time.Minute), "stolen"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RevokeDealerKey(ctx, "BER01", "", created.Add(time.Hour), "later"); err != nil {
		t.Fatal(err)
	}
	if r := Verify(pkg, cats, registry(), DefaultLimits); r.OK || !hasFinding(r, "signature", "stolen") {
		t.Fatalf("revoked before the order was made: %+v", r.Findings)
	}
	if _, err := db.RevokeDealerKey(ctx, "XYZ", "", created, ""); err == nil || !strings.Contains(err.Error(), "no enrolled key") {
		t.Fatalf("revoke an unknown dealer: %v", err)
	}
}

// hasNote is hasFinding for errors and warnings alike.
func hasNote(r *Report, where, text string) bool {
	for _, f := range r.Findings {
		if strings.Contains(f.Where, where) && strings.Contains(f.Message, text) {
			return true
		}
	}
	return false
}

// ownKey is the trust of the dealer who made the tests' packages.
func ownKey() Trust { return Trust{Own: []sign.PublicKey{testKey.Public()}} }

// digits are n random decimal digits (they do not compress away).
func digits(n int) string {
	b := make([]byte, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// resignFiles rebuilds a package with edited files and a manifest signed again
// by key: what a dealer (or a thief of their key) can make.
func resignFiles(t testing.TB, pkg []byte, key *sign.Key, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	files, names, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		b := edit(f.Name, files[f.Name])
		files[f.Name] = b
		sum := sha256.Sum256(b)
		m.Files[i].SHA256, m.Files[i].Size = hex.EncodeToString(sum[:]), int64(len(b))
	}
	m.DealerKey, m.DealerFingerprint = key.Public().String(), key.Public().Fingerprint()
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files["manifest.json"] = manifest
	files["manifest.sig"] = []byte(base64.StdEncoding.EncodeToString(key.Sign(manifest)) + "\n")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestVerifyBoundsSignedInput: a trusted key can still sign nonsense
// (a bug, a stolen key); lengths are bounded by the schema before any
// decimal is parsed, and a preview must decode whole.
func TestVerifyBoundsSignedInput(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	_, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	replaceIn := func(file, old, new string) func(string, []byte) []byte {
		return func(name string, b []byte) []byte {
			if name == file {
				return []byte(strings.Replace(string(b), old, new, 1))
			}
			return b
		}
	}
	// A PNG header claiming 4000×4000 pixels, with no pixels after it.
	header := func() []byte {
		img := image.NewNRGBA(image.Rect(0, 0, 4000, 4000))
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()[:33] // signature and IHDR only
	}()
	truncated := func(name string, b []byte) []byte {
		if name == PreviewName(1) {
			return b[:len(b)/2]
		}
		return b
	}
	for _, tc := range []struct {
		name        string
		edit        func(string, []byte) []byte
		where, want string
	}{
		{"a 900 Ki-digit amount (order.json is at most 1 MiB)", replaceIn("order.json", `"list": "`, `"list": "`+digits(900<<10)), "order.json", "does not follow the order schema"},
		{"70,000 empty objects", replaceIn("order.json", `"options": [`, `"options": [`+strings.Repeat("{},", 70_000)), "order.json", "more than 60000 JSON values"},
		{"arrays nested 40 deep", replaceIn("order.json", `"notes": `, `"x": `+strings.Repeat("[", 40)+strings.Repeat("]", 40)+`, "notes": `), "order.json", "nested more than 32 levels"},
		{"a 100 kB configuration value", replaceIn("order.json", `"configuration": {`, `"configuration": {"x": "`+digits(100<<10)+`",`), "order.json", "does not follow the order schema"},
		{"a header-only 4000×4000 preview", func(name string, b []byte) []byte {
			if name == PreviewName(1) {
				return header
			}
			return b
		}, PreviewName(1), "4000×4000 pixels"},
		{"a truncated preview", truncated, PreviewName(1), "damaged PNG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Verify(resignFiles(t, pkg, testKey, tc.edit), cats, testTrust(), DefaultLimits)
			if r.OK || !hasFinding(r, tc.where, tc.want) {
				t.Fatalf("findings %+v, want %q at %s", r.Findings, tc.want, tc.where)
			}
		})
	}
}

// TestVerifyAcceptsAnEarlierLinesCSV: packages exported before lines.csv
// had CRLF line ends and neutralised formulas still verify, with a warning.
func TestVerifyAcceptsAnEarlierLinesCSV(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	o, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := legacyLinesCSV(o)
	if err != nil {
		t.Fatal(err)
	}
	withLegacy := func(name string, b []byte) []byte {
		if name == "lines.csv" {
			return legacy
		}
		return b
	}
	r := Verify(resignFiles(t, pkg, testKey, withLegacy), cats, testTrust(), DefaultLimits)
	if !r.OK || !hasNote(r, "lines.csv", "written by an earlier Atelier") {
		t.Fatalf("an earlier lines.csv: OK %v, findings %+v", r.OK, r.Findings)
	}
	other := func(name string, b []byte) []byte {
		if name == "lines.csv" {
			return []byte(strings.Replace(string(legacy), "\n", "\n=1+1,", 2))
		}
		return b
	}
	if r := Verify(resignFiles(t, pkg, testKey, other), cats, testTrust(), DefaultLimits); r.OK || !hasFinding(r, "lines.csv", "does not match") {
		t.Fatalf("a changed lines.csv: OK %v, findings %+v", r.OK, r.Findings)
	}
}

// TestReadZipRefusesAttributesOtherExtractorsReadAsLinks: the attributes
// of an entry are not signed, so anyone in transit can change them; Go
// reads them as a plain file, Info-ZIP's unzip as a symbolic link (made by
// Atari, BeOS, AtheOS or VMS with a Unix link mode).
func TestReadZipRefusesAttributesOtherExtractorsReadAsLinks(t *testing.T) {
	pkg := genuinePackage(t)
	for _, tc := range []struct {
		name     string
		creator  uint16
		external uint32
		want     string
	}{
		{"Atari with a link mode", 5<<8 | 20, 0xA1FF0000, "made by a system (5)"},
		{"BeOS with a link mode", 16<<8 | 20, 0xA1FF0000, "made by a system (16)"},
		{"VMS", 2<<8 | 20, 0, "made by a system (2)"},
		{"Unix with a link mode", 3<<8 | 20, 0xA1FF0000, "a link or a special file"},
		{"Unix with a fifo mode", 3<<8 | 20, 0o010644 << 16, "a link or a special file"},
		{"Unix with a socket-like type Go does not name", 3<<8 | 20, 0o150644 << 16, "not a plain file by its Unix attributes"},
		{"MS-DOS volume label", 0<<8 | 20, 0x08, "folder or a volume label"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := craftFrom(t, pkg)
			e := z.entry(t, "quote.pdf")
			e.Creator, e.External = tc.creator, tc.external
			_, _, err := ReadZip(z.bytes(), DefaultLimits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
	for _, ok := range []struct {
		creator  uint16
		external uint32
	}{{3<<8 | 20, 0o100644 << 16}, {0<<8 | 20, 0x20}, {3<<8 | 20, 0}} {
		z := craftFrom(t, pkg)
		e := z.entry(t, "quote.pdf")
		e.Creator, e.External = ok.creator, ok.external
		if _, _, err := ReadZip(z.bytes(), DefaultLimits); err != nil {
			t.Errorf("creator %#x, attributes %#x: %v", ok.creator, ok.external, err)
		}
	}
}

// TestVerifyRefusesAmbiguousOrMovedOrders: what the review found after the
// registry: another enrolled dealer re-signing an order with their id,
// keys that readers take differently, dates not in UTC or in the future.
func TestVerifyRefusesAmbiguousOrMovedOrders(t *testing.T) {
	ctx := context.Background()
	db, id, cats := demoOrder(t)
	_, pkg, err := PackageOrder(ctx, db, id, testSettings(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	other, err := sign.Generate()
	if err != nil {
		t.Fatal(err)
	}
	both := Trust{Registry: []storage.DealerKey{enrolled("BER01", testKey.Public()), enrolled("MUC02", other.Public())}}
	both.Registry[1].Name = "Möbel München"
	replace := func(old, new string) func(string, []byte) []byte {
		return func(name string, b []byte) []byte {
			if name == "order.json" {
				return []byte(strings.Replace(string(b), old, new, 1))
			}
			return b
		}
	}
	for _, tc := range []struct {
		name        string
		pkg         []byte
		where, want string
		warning     bool
	}{
		{"another dealer takes the order over", resignFiles(t, pkg, other, replace(`"id": "BER01"`, `"id": "MUC02"`)), "order.json", "is not one of dealer MUC02's", false},
		{"the order's dealer name is not the enrolled one", resignFiles(t, pkg, other, replace(`"id": "BER01"`, `"id": "MUC02"`)), "signature", `the registry knows dealer MUC02 as "Möbel München"`, true},
		{"the dealer twice", resignFiles(t, pkg, testKey, replace(`"dealer": {`, `"dealer": {"id": "MUC02", "name": "x"}, "dealer": {`)), "order.json", `the key "dealer" appears twice`, false},
		{"the dealer twice in another case", resignFiles(t, pkg, testKey, replace(`"dealer": {`, `"Dealer": {"id": "MUC02", "name": "x"}, "dealer": {`)), "order.json", `the key "dealer" appears twice`, false},
		{"a lower-case dealer id", resignFiles(t, pkg, testKey, replace(`"id": "BER01"`, `"id": "ber01"`)), "signature", "the order names dealer ber01, but the key that signed it", false},
		{"a time not in UTC", resignFiles(t, pkg, testKey, func(name string, b []byte) []byte {
			if name == "order.json" {
				return regexp.MustCompile(`"created": "([0-9T:-]+)Z"`).ReplaceAll(b, []byte(`"created": "${1}+01:00"`))
			}
			return b
		}), "order.json", "does not follow the order schema", false},
		{"dated in the future", resignFiles(t, pkg, testKey, func(name string, b []byte) []byte {
			if name == "order.json" {
				return regexp.MustCompile(`"created": "[0-9T:-]+Z"`).ReplaceAll(b, []byte(`"created": "2099-12-31T23:59:59Z"`))
			}
			return b
		}), "order.json", "in the future", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Verify(tc.pkg, cats, both, DefaultLimits)
			found := false
			for _, f := range r.Findings {
				if strings.Contains(f.Where, tc.where) && strings.Contains(f.Message, tc.want) && (f.Severity == "warning") == tc.warning {
					found = true
				}
			}
			if !found {
				t.Fatalf("findings %+v, want a finding at %s saying %q", r.Findings, tc.where, tc.want)
			}
			if !tc.warning && r.OK {
				t.Fatal("verified")
			}
		})
	}
	// A manifest whose keys another reader takes differently.
	files, names, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, old, new, want string }{
		{"DEALER_KEY beside dealer_key", `"dealer_key"`, `"DEALER_KEY": "x", "dealer_key"`, `the key "dealer_key" appears twice`},
		{"Dealer_Key alone", `"dealer_key"`, `"Dealer_Key"`, `the key "Dealer_Key" is not one of the manifest's`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			manifest := []byte(strings.Replace(string(files["manifest.json"]), tc.old, tc.new, 1))
			sig := []byte(base64.StdEncoding.EncodeToString(testKey.Sign(manifest)) + "\n")
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, n := range names {
				data := files[n]
				switch n {
				case "manifest.json":
					data = manifest
				case "manifest.sig":
					data = sig
				}
				w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
				w.Write(data)
			}
			zw.Close()
			r := Verify(buf.Bytes(), cats, both, DefaultLimits)
			if r.OK || !hasFinding(r, "manifest.json", tc.want) {
				t.Fatalf("findings %+v, want %q", r.Findings, tc.want)
			}
		})
	}
}
