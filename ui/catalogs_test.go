package ui

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/storage"
)

// importData imports a catalog package and waits for the outcome.
func importData(t *testing.T, d *Designer, q uiQueue, data []byte, allowUnsigned bool) (*CatalogImport, error) {
	t.Helper()
	var res *CatalogImport
	var err error
	done := false
	d.OnCatalogImported = func(r *CatalogImport, e error) { res, err, done = r, e, true }
	d.ImportCatalogData("catalog.zip", data, allowUnsigned)
	eventually(t, q, "the import", func() bool { return done })
	d.OnCatalogImported = nil
	return res, err
}

func hideTop(w fyne.Window) {
	if top := w.Canvas().Overlays().Top(); top != nil {
		top.Hide()
		w.Canvas().Overlays().Remove(top)
	}
}

// The catalog manager: the next version's signed package imports as
// signed, a tampered one is refused, an unsigned one only when allowed;
// the versions are listed with their facts; a design made with the older
// version opens with the newer after showing what changes, and the rest
// are upgraded together.
func TestCatalogImportUseAndUpgrade(t *testing.T) {
	d, w, q, db := newStoredDesigner(t)
	ctx := context.Background()
	h := d.Host()
	h.Trusted = assets.TrustedManufacturers()
	d.SetHost(h)
	next, err := os.ReadFile("../assets/packages/nordholm-2026.3.atelier-catalog.zip")
	if err != nil {
		t.Fatal(err)
	}

	// Designs with 2026.2: a wide one (2026.3 ends at 2000 mm), a plain one.
	d.Decide("width", number(2200))
	saveNamed(t, d, q, false, "Wide desk", "")
	wide := d.DesignID()
	d.NewDesign()
	d.Decide("top", choice("walnut"))
	saveNamed(t, d, q, false, "Walnut desk", "")

	// Tampered: refused, nothing kept.

	zr, _ := zip.NewReader(bytes.NewReader(next), int64(len(next)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b := new(bytes.Buffer)
		b.ReadFrom(rc)
		rc.Close()
		data := b.Bytes()
		if f.Name == "catalog.json" {
			data = bytes.Replace(data, []byte(`"719.00"`), []byte(`"519.00"`), 1)
		}
		fw, _ := zw.Create(f.Name)
		fw.Write(data)
	}
	zw.Close()
	bad := buf.Bytes()
	if _, err := importData(t, d, q, bad, false); err == nil || !strings.Contains(err.Error(), "changed after the manufacturer signed it") {
		t.Fatalf("tampered package: %v", err)
	}
	hideTop(w)
	if recs, _ := db.Catalogs(ctx); len(recs) != 1 {
		t.Fatalf("%d catalogs kept after a refused import", len(recs))
	}

	// Unsigned (the package without its signature): asked, then imported
	// only when allowed, marked unsigned.
	unsigned := stripSignature(t, next, "2026.3", "2026.1")
	res, err := importData(t, d, q, unsigned, false)
	if err != nil || res == nil || !res.Unsigned {
		t.Fatalf("unsigned package: %+v %v", res, err)
	}
	if top := w.Canvas().Overlays().Top(); top == nil || !strings.Contains(texts(top), "not signed by a manufacturer Atelier trusts") {
		t.Fatal("no question before an unsigned import")
	}
	hideTop(w)
	if res, err = importData(t, d, q, unsigned, true); err != nil || res.Record.Signature != storage.Unsigned {
		t.Fatalf("unsigned package allowed: %+v %v", res, err)
	}
	hideTop(w)

	// The signed next version.
	res, err = importData(t, d, q, next, false)
	if err != nil || res.Record.Signature != storage.Signed || res.Record.Version != "2026.3" {
		t.Fatalf("signed package: %+v %v", res, err)
	}
	if top := w.Canvas().Overlays().Top(); top == nil || !strings.Contains(texts(top), "Use it now") {
		t.Fatal("no report with “Use it now”")
	}
	hideTop(w)

	// The screen lists the versions with their facts.
	loaded := false
	d.ShowCatalogs()
	v := d.catalogs
	v.OnLoaded = func() { loaded = true }
	v.reload()
	eventually(t, q, "the catalogs", func() bool { return loaded })
	all := texts(v.content)
	for _, want := range []string{"2026.3", "2026.2", "2026.1", "signed by Nordholm Werkstätten GmbH", "built in", "unsigned", "2 designs", "valid 1 Jan 2027 – 31 Dec 2027", "In use", "Use this version", "What changed", "Upgrade 2 designs to 2026.3"} {
		if !strings.Contains(all, want) {
			t.Errorf("the catalogs screen lacks %q:\n%s", want, all)
		}
	}

	// Use 2026.3; the wide desk opens with it after the question.
	var v3 catalogVersion
	for _, cv := range v.versions {
		if cv.rec.Version == "2026.3" {
			v3 = cv
		}
	}
	d.NewDesign() // nothing unsaved
	d.useCatalog(v3)
	if d.Catalog().Version != "2026.3" || d.catalogID != v3.rec.ID {
		t.Fatalf("in use: %s", d.Catalog().Version)
	}
	if got := d.prefs; got != nil && int64(got.Int(activeCatalogKey)) != v3.rec.ID {
		t.Errorf("the catalog in use is not remembered")
	}
	d.OpenDesign(wide)
	eventually(t, q, "the upgrade question", func() bool {
		top := w.Canvas().Overlays().Top()
		return top != nil && strings.Contains(texts(top), "Open with 2026.3")
	})
	msg := texts(w.Canvas().Overlays().Top())
	if !strings.Contains(msg, "2000 mm instead of 2200") || !strings.Contains(msg, "with 2026.2") {
		t.Errorf("the question says:\n%s", msg)
	}
	opened := false
	d.OnOpened = func() { opened = true }
	tapButton(t, w, "Open with 2026.3")
	eventually(t, q, "the design", func() bool { return opened })
	if d.DesignID() != wide || d.Decisions()["width"].Num.String() != "2000" || !d.Dirty() {
		t.Errorf("opened %d with width %s, dirty %v", d.DesignID(), d.Decisions()["width"].Num, d.Dirty())
	}

	// Upgrade both together.
	var results []UpgradeResult
	done := false
	d.OnUpgraded = func(r []UpgradeResult) { results, done = r, true }
	var older []catalogVersion
	for _, cv := range v.versions {
		if cv.rec.Version == "2026.2" {
			older = append(older, cv)
		}
	}
	d.UpgradeDesigns(v3, older)
	eventually(t, q, "the upgrade", func() bool { return done })
	if len(results) != 2 {
		t.Fatalf("%d results: %+v", len(results), results)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Design.Name, r.Err)
		}
		rev, _ := db.Revision(ctx, r.Design.ID, 0)
		if rev.Catalog != v3.rec.ID || rev.Total != r.NewTotal {
			t.Errorf("%s: newest revision on catalog %d (want %d), total %s (want %s)", r.Design.Name, rev.Catalog, v3.rec.ID, rev.Total, r.NewTotal)
		}
		if r.Design.Name == "Wide desk" && (len(r.Changes) != 1 || rev.Decisions["width"] != "2000") {
			t.Errorf("the wide desk: changes %v, width %s", r.Changes, rev.Decisions["width"])
		}
		if r.Design.Name == "Walnut desk" && (len(r.Changes) != 0 || r.OldTotal == r.NewTotal) {
			t.Errorf("the walnut desk: changes %v, %s → %s (the new version is dearer)", r.Changes, r.OldTotal, r.NewTotal)
		}
	}
}

// stripSignature is a catalog package without its signature, under
// another version.
func stripSignature(t *testing.T, pkg []byte, from, to string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == "signature.json" {
			continue
		}
		rc, _ := f.Open()
		b := new(bytes.Buffer)
		b.ReadFrom(rc)
		rc.Close()
		data := bytes.Replace(b.Bytes(), []byte(`"version": "`+from+`"`), []byte(`"version": "`+to+`"`), 1)
		fw, _ := zw.Create(f.Name)
		fw.Write(data)
	}
	zw.Close()
	return buf.Bytes()
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2026.2", "2026.3", -1}, {"2026.10", "2026.9", 1}, {"2026.2", "2026.2", 0}, {"2026.2", "2026.2.1", -1}, {"b", "a", 1},
	} {
		got := compareVersions(tc.a, tc.b)
		if (got < 0) != (tc.want < 0) || (got > 0) != (tc.want > 0) {
			t.Errorf("compareVersions(%q, %q) = %d, want the sign of %d", tc.a, tc.b, got, tc.want)
		}
	}
}
