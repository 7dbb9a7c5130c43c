package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// zoe is a customer whose data is hard to find: non-ASCII letters, two
// spaces in the name, a phone written many ways, a street.
var zoe = Customer{Name: "Zoë  Ångström", Email: "Zoe.Angstrom@Example.SE", Phone: "+46 70 123 45 67",
	Address: "Storgatan 12\n111 51 Stockholm", ConsentAt: "2026-11-01"}

// zoeTraces are the pieces of zoe that must not survive her erasure, and
// the forms SQLite's search index keeps of them (lowercased, without
// diacritics, prefix-compressed: so fragments).
var zoeTraces = []string{"Zoë Ångström", "Zoë  Ångström", "Ångström", "Angstrom", "ngstrom", "ngström", "Zoë",
	"zoe.angstrom@example.se", "zoe.angstrom", "46701234567", "123 45 67", "70 123", "Storgatan 12", "Storgatan", "torgatan"}

// Forgetting a customer leaves no byte of them in any file of the data
// folder: the database, its log, the files a restore set aside, the
// backups; and the search does not find them.
func TestForgetLeavesNoTraceInTheDataFolder(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	dir := filepath.Dir(db.Path())
	id, err := db.SaveCustomer(ctx, zoe)
	if err != nil {
		t.Fatal(err)
	}
	// Linked to her: a design with two revisions, an order, the autosave.
	in := deskInput(rec, "Desk for Zoë Ångström")
	in.Customer = id
	in.Notes = "She lives at Storgatan 12; call +46 70 123 45 67"
	in.Decisions = map[string]string{"width": "1600", "top": "oak", "engraving": "ZOE ANGSTROM"}
	d, rev, err := db.SaveDesign(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	in.ID, in.Name, in.Notes = d.ID, "Zoë's desk, wider", "mail zoe.angstrom@example.se"
	if _, _, err := db.SaveDesign(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateOrder(ctx, OrderInput{Dealer: "d", Customer: id, Delivery: "Zoë Ångström\nStorgatan 12\n111 51 Stockholm",
		Notes: "ring twice", Lines: []OrderLine{{Revision: rev.ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	// Not linked: her name in other cases, spacings and normal forms, the
	// surname alone, her e-mail, phone and street in other designs' names
	// and notes, another order's notes, the autosave, the showroom queue.
	var unlinked []int64
	for _, x := range []struct{ name, notes string }{
		{"ZOË ÅNGSTRÖM second desk", "for her sister"},
		{norm.NFD.String("zoë\nångström, hallway"), "ZOE.ANGSTROM@EXAMPLE.SE"},
		{"Ångström kitchen", "phone 0046-70-123.45.67, street STORGATAN  12"},
		{"Sofa", norm.NFD.String("Zoë \t Ångström\r\nwants velvet; +46 (70) 1234567")},
	} {
		in := deskInput(rec, x.name)
		in.Notes = x.notes
		in.Decisions = map[string]string{"width": "1600", "top": "oak", "engraving": "For zoe  angstrom"}
		d, _, err := db.SaveDesign(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		unlinked = append(unlinked, d.ID)
	}
	bystander := deskInput(rec, "Oak desk for Anna Zimmer")
	bystander.Decisions = map[string]string{"width": "1600", "top": "oak", "engraving": "Anna & Co"}
	other, orev, err := db.SaveDesign(ctx, bystander)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateOrder(ctx, OrderInput{Dealer: "d", Notes: "Ask ångström's neighbour, tel 46 70 123 45 67",
		Lines: []OrderLine{{Revision: orev.ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAutosave(ctx, Autosave{Catalog: rec.ID, ProductID: "lift-desk", Name: "ZOË  ÅNGSTRÖM's desk",
		Decisions: map[string]string{"top": "oak", "engraving": "Zoe"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SendToDealer(ctx, deskInput(rec, "Showroom desk"), "zoë ångström"); err != nil {
		t.Fatal(err)
	}

	// A backup, a restore (the replaced database is kept beside), another
	// backup, and a file set aside as damaged.
	if _, err := db.AutoBackup(ctx, BackupDir(db.Path()), 7); err != nil {
		t.Fatal(err)
	}
	backups, _ := Backups(BackupDir(db.Path()))
	path := db.Path()
	db.Close()
	aside, err := Restore(ctx, path, backups[0])
	if err != nil || aside == "" {
		t.Fatalf("restore: %q, %v", aside, err)
	}
	copyRaw(t, backups[0], path+".damaged-20261101-080000")
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.now = func() time.Time { return time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC) }
	if err := db.Backup(ctx, filepath.Join(BackupDir(path), BackupName(db.now()))); err != nil {
		t.Fatal(err)
	}
	if n := countTraces(t, dir, false); n == 0 {
		t.Fatal("the test's data is not where the test looks: no trace before forgetting")
	}

	rep, err := db.Forget(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// The replaced and the damaged file beside the database, two backups.
	if len(rep.Scrubbed) != 4 || len(rep.Deleted) != 0 {
		t.Errorf("scrubbed %q, deleted %q; want 4 scrubbed, none deleted", rep.Scrubbed, rep.Deleted)
	}

	if n := countTraces(t, dir, true); n != 0 {
		t.Errorf("%d traces of the forgotten customer are left in the data folder", n)
	}
	for _, q := range []string{"zoë", "zoe", "ångström", "angstrom", "ANGSTRÖM", "storgatan", "zoe.angstrom", "70 123 45 67"} {
		if found, err := db.Designs(ctx, Filter{Query: q}); err != nil || len(found) != 0 {
			t.Errorf("Designs(%q) = %d designs, %v; want none", q, len(found), err)
		}
	}
	// The designs and orders stay; others' data is untouched.
	if x, err := db.Design(ctx, other.ID); err != nil || x.Name != "Oak desk for Anna Zimmer" {
		t.Errorf("another customer's design: %+v, %v", x, err)
	}
	for _, u := range unlinked {
		if _, err := db.Design(ctx, u); err != nil {
			t.Errorf("design %d: %v", u, err)
		}
	}
	for _, c := range []struct {
		design int64
		want   string
	}{
		{d.ID, "Höhe Lift Desk #" + strconv.FormatInt(d.ID, 10)},
		{unlinked[0], "(customer) second desk"},
		{unlinked[2], "(customer) kitchen"},
	} {
		if x, _ := db.Design(ctx, c.design); x.Name != c.want {
			t.Errorf("design %d is named %q, want %q", c.design, x.Name, c.want)
		}
	}
	// A text feature (the engraving) that names her is set back to its
	// default; choices and someone else's engraving stay.
	for _, x := range []struct {
		design         int64
		engraving, top string
	}{{d.ID, "", "oak"}, {unlinked[0], "", "oak"}, {other.ID, "Anna & Co", "oak"}} {
		revs, _ := db.Revisions(ctx, x.design)
		for _, r := range revs {
			if r.Decisions["engraving"] != x.engraving || r.Decisions["top"] != x.top {
				t.Errorf("design %d revision %d: decisions %v, want engraving %q, top %q", x.design, r.Number, r.Decisions, x.engraving, x.top)
			}
		}
	}
	if a, _ := db.LoadAutosave(ctx); a == nil || a.Decisions["engraving"] != "" || a.Decisions["top"] != "oak" {
		t.Errorf("the autosave: %+v", a)
	}
	if _, err := db.db.ExecContext(ctx, `INSERT INTO design_search (design_search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("the search index after forgetting: %v", err)
	}
	var secureDelete int
	if err := db.db.QueryRowContext(ctx, `SELECT v FROM design_search_config WHERE k = 'secure-delete'`).Scan(&secureDelete); err != nil || secureDelete != 1 {
		t.Errorf("the index's secure-delete after forgetting: %d, %v; want 1", secureDelete, err)
	}
	if found, _ := db.Designs(ctx, Filter{Query: "zimmer"}); len(found) != 1 {
		t.Errorf("the search for another customer finds %d designs, want 1", len(found))
	}
	// Every backup can still be restored, and keeps her forgotten.
	backups, _ = Backups(BackupDir(path))
	for _, b := range backups {
		if err := CheckBackup(ctx, b); err != nil {
			t.Errorf("after forgetting: %v", err)
		}
	}
	db.Close()
	if _, err := Restore(ctx, path, backups[len(backups)-1]); err != nil {
		t.Fatalf("restore a scrubbed backup: %v", err)
	}
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, err := again.Customer(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("the restored backup has the customer: %v", err)
	}
	if n := countTraces(t, dir, true); n != 0 {
		t.Errorf("after restoring a scrubbed backup: %d traces", n)
	}
}

// countTraces reads every file under dir and reports each trace of zoe it
// finds: UTF-8 in NFC and NFD, in any case, and UTF-16 (both byte orders).
func countTraces(t *testing.T, dir string, show bool) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lower := bytes.ToLower(data)
		for _, s := range zoeTraces {
			for _, form := range []string{norm.NFC.String(s), norm.NFD.String(s)} {
				if bytes.Contains(lower, []byte(strings.ToLower(form))) {
					if show {
						t.Logf("%s holds %q (UTF-8)", filepath.Base(p), form)
					}
					n++
				}
				for _, c := range []string{form, strings.ToLower(form), strings.ToUpper(form)} {
					for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
						if bytes.Contains(data, utf16Bytes(c, order)) {
							if show {
								t.Logf("%s holds %q (UTF-16)", filepath.Base(p), c)
							}
							n++
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func utf16Bytes(s string, order binary.AppendByteOrder) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}

// The library remembers that a customer was forgotten without keeping who
// they were: only marks, which their data (as an old order package has it,
// in any case or spacing) hits, and someone else's does not.
func TestForgottenCustomerIsRecognisedByMarksOnly(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	db.now = func() time.Time { return time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC) }
	id, err := db.SaveCustomer(ctx, zoe)
	if err != nil {
		t.Fatal(err)
	}
	if on, err := db.ForgottenCustomer(ctx, zoe.Name, zoe.Phone, zoe.Address); on != "" || err != nil {
		t.Fatalf("before forgetting: %q, %v", on, err)
	}
	if err := db.ForgetCustomer(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name                  string
		cname, phone, address string
		want                  string
	}{
		{"as the package has her", "Zoë Ångström", "+46 70 123 45 67", "Zoë Ångström\nStorgatan 12\n111 51 Stockholm", "2026-11-24"},
		{"name in capitals, no accents", "ZOE  ANGSTROM", "", "", "2026-11-24"},
		{"phone only", "Z. A.", "0046 70-1234567", "", "2026-11-24"},
		{"street only", "Z. A.", "", "Z. A.\nstorgatan 12\nStockholm", "2026-11-24"},
		{"someone else", "Anna Zimmer", "+49 30 1234567", "Hauptstraße 12\nBerlin", ""},
		{"her first name is not her", "Zoë Zimmer", "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, err := db.ForgottenCustomer(ctx, c.cname, c.phone, c.address); got != c.want || err != nil {
				t.Errorf("ForgottenCustomer(%q, %q, %q) = %q, %v; want %q", c.cname, c.phone, c.address, got, err, c.want)
			}
		})
	}
	for _, c := range []struct{ text, want string }{
		{"Desk for ZOË ÅNGSTRÖM", "2026-11-24"},
		{"Zoë Ångström's sofa", "2026-11-24"},
		{"Ångström's sofa", ""}, // a single name part is not looked for (it may be another customer's word)
		{"Corner desk", ""},
	} {
		if got, err := db.MentionsForgotten(ctx, c.text); got != c.want || err != nil {
			t.Errorf("MentionsForgotten(%q) = %q, %v; want %q", c.text, got, err, c.want)
		}
	}
	// The marks are not her data.
	if n := countTraces(t, filepath.Dir(db.Path()), true); n != 0 {
		t.Errorf("%d traces", n)
	}
}

// A copy that cannot be opened to erase the customer (damaged, not a
// database, from a newer version) is deleted, and so is a log file left
// without its database; the list of erasures stays.
func TestForgetDeletesCopiesItCannotScrub(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	id, err := db.SaveCustomer(ctx, zoe)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(db.Path())
	newer := filepath.Join(BackupDir(db.Path()), "atelier-20261120-080000.db")
	if err := db.Backup(ctx, newer); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", fileURI(newer, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	junk := append([]byte(sqliteHeader), "…Zoë Ångström, Storgatan 12…"...)
	for name, data := range map[string][]byte{
		"atelier.db.damaged-20261101-080000":      junk,
		"atelier.db.replaced-20261101-080000-wal": []byte("zoe.angstrom@example.se"),
		"atelier.db.old":                          []byte("not a database: Zoë Ångström"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.Forget(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rep.Deleted), 3; got != want || len(rep.Scrubbed) != 0 {
		t.Errorf("deleted %q, scrubbed %q; want %d deleted", rep.Deleted, rep.Scrubbed, want)
	}
	for _, f := range []string{newer, filepath.Join(dir, "atelier.db.damaged-20261101-080000")} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v, want it deleted", filepath.Base(f), err)
		}
	}
	// A file not named as ours and not an Atelier library is not ours to
	// delete (issue 12): it stays, and the report names it.
	old := filepath.Join(dir, "atelier.db.old")
	if _, err := os.Stat(old); err != nil || len(rep.Skipped) != 1 || !strings.HasPrefix(rep.Skipped[0], old+" (") {
		t.Errorf("atelier.db.old: %v, skipped %q; want it left alone and named", err, rep.Skipped)
	}
	os.Remove(old)
	if ids, err := readErasures(db.Path()); err != nil || len(ids) != 1 || ids[0] != id {
		t.Errorf("erasures %v, %v; want [%d]", ids, err, id)
	}
	if n := countTraces(t, dir, true); n != 0 {
		t.Errorf("%d traces", n)
	}
}

// Restoring a backup that does not have the forgotten customer (taken
// before they were added), or that has another library secret (taken
// before schema 7), keeps them recognisable: the marks are also in the
// file beside the library, with the secret they were made with.
func TestRestoreKeepsTheErasureMarks(t *testing.T) {
	for _, c := range []struct {
		name    string
		prepare func(t *testing.T, backup string)
	}{
		{"a backup from before the customer", func(t *testing.T, backup string) {}},
		{"a backup with another secret", func(t *testing.T, backup string) {
			raw, err := sql.Open("sqlite", fileURI(backup, nil))
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`UPDATE library_secret SET secret = randomblob(32)`); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := newTestDB(t)
			db.now = func() time.Time { return time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC) }
			backup := filepath.Join(t.TempDir(), "before.db")
			if err := db.Backup(ctx, backup); err != nil {
				t.Fatal(err)
			}
			c.prepare(t, backup)
			id, err := db.SaveCustomer(ctx, zoe)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.ForgetCustomer(ctx, id); err != nil {
				t.Fatal(err)
			}
			path := db.Path()
			db.Close()
			if _, err := Restore(ctx, path, backup); err != nil {
				t.Fatal(err)
			}
			again, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			if on, err := again.ForgottenCustomer(ctx, "ZOË ÅNGSTRÖM", "", ""); on != "2026-11-24" || err != nil {
				t.Errorf("ForgottenCustomer after the restore = %q, %v; want 2026-11-24", on, err)
			}
			if on, err := again.MentionsForgotten(ctx, "Sofa for Zoe Angstrom"); on != "2026-11-24" || err != nil {
				t.Errorf("MentionsForgotten after the restore = %q, %v; want 2026-11-24", on, err)
			}
			if on, _ := again.ForgottenCustomer(ctx, "Anna Zimmer", "", ""); on != "" {
				t.Errorf("someone else is taken for forgotten: %q", on)
			}
			if n := countTraces(t, filepath.Dir(path), true); n != 0 {
				t.Errorf("%d traces", n)
			}
		})
	}
}
