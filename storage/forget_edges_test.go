package storage

import (
	"bytes"
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Issue 12, point 5: forgetting "Emma White" leaves another customer's
// "White desk" alone (a single name part is looked for only in text linked
// to no customer), and the import's check does not read that design's
// name as the forgotten customer.
func TestForgetKeepsOtherCustomersWords(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	emma, err := db.SaveCustomer(ctx, Customer{Name: "Emma White"})
	if err != nil {
		t.Fatal(err)
	}
	karl, err := db.SaveCustomer(ctx, Customer{Name: "Karl Jansson"})
	if err != nil {
		t.Fatal(err)
	}
	save := func(name, notes string, customer int64) int64 {
		in := deskInput(rec, name)
		in.Notes, in.Customer = notes, customer
		d, _, err := db.SaveDesign(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	save("Emma's desk", "", emma)
	k := save("White desk, black frame", "Karl wants the white laminate top", karl)
	k2 := save("Desk for Emma White", "", karl)
	loose := save("White's spare desk", "", 0)
	if err := db.ForgetCustomer(ctx, emma); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name               string
		design             int64
		wantName, wantNote string
	}{
		{"another customer's word stays", k, "White desk, black frame", "Karl wants the white laminate top"},
		{"another customer's design with her full name", k2, "Desk for (customer)", ""},
		{"a design of no customer: the surname alone goes", loose, "(customer)'s spare desk", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := db.Design(ctx, c.design)
			if err != nil {
				t.Fatal(err)
			}
			if d.Name != c.wantName || d.Notes != c.wantNote {
				t.Errorf("design = %q / %q, want %q / %q", d.Name, d.Notes, c.wantName, c.wantNote)
			}
		})
	}
	for _, c := range []struct {
		name, text string
		want       bool
	}{
		{"another customer's design name", "White desk, black frame", false},
		{"her first name alone", "Emma", false},
		{"her full name", "desk for EMMA WHITE", true},
	} {
		t.Run("import check: "+c.name, func(t *testing.T) {
			on, err := db.MentionsForgotten(ctx, c.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := on != ""; got != c.want {
				t.Errorf("MentionsForgotten(%q) = %q, want forgotten %v", c.text, on, c.want)
			}
		})
	}
	if on, err := db.ForgottenCustomer(ctx, "Karl White", "", ""); err != nil || on != "" {
		t.Errorf("ForgottenCustomer(Karl White) = %q, %v; want not forgotten", on, err)
	}
}

// Issue 12, point 6: a forget that stopped after the library's commit
// (another program held the database; a kill) is finished by forgetting
// the same number again: the copies are scrubbed then, instead of "does
// not exist".
func TestForgetAgainFinishesAnInterruptedForget(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	id, err := db.SaveCustomer(ctx, Customer{Name: "Karl Jansson", Email: "karl@jansson.se", Phone: "070-123 45 67"})
	if err != nil {
		t.Fatal(err)
	}
	in := deskInput(rec, "Karl Jansson's desk")
	in.Customer = id
	if _, _, err := db.SaveDesign(ctx, in); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(BackupDir(db.Path()), "atelier-2026-11-23.db")
	if err := os.MkdirAll(filepath.Dir(backup), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	// The library's part of a forget, then a stop.
	err = db.tx(ctx, func(tx *sql.Tx) error {
		c, err := getCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		return db.erase(ctx, tx, c, NewMatcher(c))
	})
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(backup); !bytes.Contains(data, []byte("Jansson")) {
		t.Fatal("the backup should still hold him before the second forget")
	}
	rep, err := db.Forget(ctx, id)
	if err != nil {
		t.Fatalf("Forget again: %v", err)
	}
	if !rep.Again || !slices.Contains(rep.Scrubbed, backup) {
		t.Errorf("report = %+v, want Again and %s scrubbed", rep, backup)
	}
	if got, want := rep.String(id), fmt.Sprintf("customer %d was forgotten already; their copies are now scrubbed too", id); got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Jansson", "karl@jansson.se", "123 45 67"} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("the backup still holds %q", s)
		}
	}
	if _, err := db.Forget(ctx, id+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("Forget of a number never given = %v, want ErrNotFound", err)
	}
}

// Issue 12, point 6: a copy is scrubbed in a temporary file beside it and
// renamed over it, never changed in place (a kill during the scrub left a
// hot journal beside a backup, which then could be neither checked nor
// restored); what a killed scrub left is removed by the next forget.
func TestForgetScrubsCopiesThroughATemporaryFile(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	id, err := db.SaveCustomer(ctx, Customer{Name: "Karl Jansson", Email: "karl@jansson.se"})
	if err != nil {
		t.Fatal(err)
	}
	dir := BackupDir(db.Path())
	backup := filepath.Join(dir, "atelier-2026-11-23.db")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	// A second name for the backup's file as it is now: if the scrub
	// replaces the backup, this file keeps the old bytes; if it changed
	// the backup in place, they change here too. (os.SameFile cannot
	// tell on Windows: there a FileInfo from os.Stat reads the file's
	// identity only when first compared, by then from the new file.)
	original, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	oldName := filepath.Join(t.TempDir(), "the backup before")
	if err := os.Link(backup, oldName); err != nil {
		t.Fatal(err)
	}
	// What a scrub killed earlier left: a half-written temporary copy.
	stale := filepath.Join(dir, scrubbingPrefix+"atelier-2026-11-22.db-123")
	if err := os.WriteFile(stale, []byte("SQLite format 3\x00Karl Jansson"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Forget(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(rep.Scrubbed, backup) {
		t.Errorf("report %+v does not name %s", rep, backup)
	}
	if kept, err := os.ReadFile(oldName); err != nil || !bytes.Equal(kept, original) {
		t.Errorf("the backup was changed in place, not replaced by a scrubbed copy (err %v)", err)
	}
	if now, err := os.ReadFile(backup); err != nil || bytes.Equal(now, original) {
		t.Errorf("the backup is as it was (err %v)", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != filepath.Base(backup) {
			t.Errorf("left in backups/: %s", e.Name())
		}
	}
	if data, _ := os.ReadFile(backup); bytes.Contains(data, []byte("Jansson")) {
		t.Error("the backup still holds him")
	}
	if err := CheckBackup(ctx, backup); err != nil {
		t.Errorf("the scrubbed backup does not check: %v", err)
	}
}

// Issue 12, point 6: a backup written into backups/ or beside the library
// under another name is scrubbed when it is an Atelier library; a file
// that is not ours (a note, another program's SQLite file named
// atelier.db.*) is neither changed nor deleted, and the report names it.
func TestForgetScrubsCopiesWithOtherNamesAndLeavesForeignFiles(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	id, err := db.SaveCustomer(ctx, Customer{Name: "Annika Berglund", Email: "annika@berglund.se"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(db.Path())
	if err := os.MkdirAll(BackupDir(db.Path()), 0o700); err != nil {
		t.Fatal(err)
	}
	backups := []string{filepath.Join(BackupDir(db.Path()), "before-upgrade.db"), filepath.Join(dir, "atelier.db.backup"), filepath.Join(dir, "atelier-copy.db")}
	for _, b := range backups {
		if err := db.Backup(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	note := filepath.Join(dir, "atelier.db.txt")
	if err := os.WriteFile(note, []byte("my notes about Annika Berglund"), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "atelier.db.sync")
	other, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(`CREATE TABLE state (k TEXT, v TEXT); INSERT INTO state VALUES ('who', 'Annika Berglund')`); err != nil {
		t.Fatal(err)
	}
	other.Close()
	foreignBefore, _ := os.ReadFile(foreign)
	// Another library beside it: its customer 1 is someone else.
	second := filepath.Join(dir, "second.db")
	lib2, err := Open(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib2.SaveCustomer(ctx, Customer{Name: "Jonas Berg"}); err != nil {
		t.Fatal(err)
	}
	if err := lib2.ForgetCustomer(ctx, 99); !errors.Is(err, ErrNotFound) { // makes its secret
		t.Fatal(err)
	}
	lib2.Close()
	secondBefore, _ := os.ReadFile(second)
	rep, err := db.Forget(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range backups {
		t.Run("scrubbed "+filepath.Base(b), func(t *testing.T) {
			if !slices.Contains(rep.Scrubbed, b) {
				t.Errorf("report %+v does not name %s as scrubbed", rep, b)
			}
			if data, err := os.ReadFile(b); err != nil || bytes.Contains(data, []byte("Berglund")) {
				t.Errorf("%s: still holds her (or %v)", b, err)
			}
		})
	}
	for _, c := range []struct {
		name, path string
		want       []byte
	}{
		{"a note", note, []byte("my notes about Annika Berglund")},
		{"another program's SQLite file", foreign, foreignBefore},
		{"another Atelier library", second, secondBefore},
	} {
		t.Run("left alone: "+c.name, func(t *testing.T) {
			got, err := os.ReadFile(c.path)
			if err != nil || !bytes.Equal(got, c.want) {
				t.Errorf("%s changed or deleted (%v)", c.path, err)
			}
			if slices.Contains(rep.Deleted, c.path) || slices.Contains(rep.Scrubbed, c.path) {
				t.Errorf("report %+v names %s as scrubbed or deleted", rep, c.path)
			}
		})
	}
	if !slices.ContainsFunc(rep.Skipped, func(s string) bool { return strings.HasPrefix(s, foreign+" (not an Atelier library") }) {
		t.Errorf("Skipped = %q, want %s named as not an Atelier library", rep.Skipped, foreign)
	}
}

// Issue 12, point 6: letters with a stroke or a ligature fold to the
// letters typed without them, and a name in a script without spaces is
// found inside a longer run of letters.
func TestMatcherStrokeLettersAndUnspacedScripts(t *testing.T) {
	for _, c := range []struct {
		name     string
		customer Customer
		in, want string
	}{
		{"stroke letters typed plain", Customer{Name: "Søren Łukasiewicz"}, "Desk – Soren Lukasiewicz", "Desk – (customer)"},
		{"plain name found with strokes", Customer{Name: "Soren Lukasiewicz"}, "für SØREN ŁUKASIEWICZ", "für (customer)"},
		{"surname alone with a stroke", Customer{Name: "Søren Łukasiewicz"}, "Desk for LUKASIEWICZ", "Desk for (customer)"},
		{"ligature and thorn", Customer{Name: "Ærøe Þórsdóttir"}, "for aeroe thorsdottir", "for (customer)"},
		{"sharp s", Customer{Name: "Jürgen Weiß"}, "Herr WEISS", "Herr (customer)"},
		{"Han name inside a word", Customer{Name: "王小明"}, "王小明的书桌", "(customer)的书桌"},
		{"Han name after other text", Customer{Name: "王小明"}, "给王小明", "给(customer)"},
		{"Hangul name inside a word", Customer{Name: "김민준"}, "김민준의 책상", "(customer)의 책상"},
		{"Katakana name", Customer{Name: "タナカ"}, "タナカさんの机", "(customer)さんの机"},
		{"Latin name still whole words only", Customer{Name: "Anna Berg"}, "Bergamo desk", "Bergamo desk"},
		{"another Han name stays", Customer{Name: "王小明"}, "李小红的书桌", "李小红的书桌"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := NewMatcher(c.customer).Scrub(c.in); got != c.want {
				t.Errorf("Scrub(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
	if got, want := Fold("Søren Łukasiewicz"), "soren lukasiewicz"; got != want {
		t.Errorf("Fold = %q, want %q", got, want)
	}
}

// Issue 12, point 5: the file name their own order was exported to
// ("Berglund Annika - desk.zip") is scrubbed too.
func TestForgetScrubsTheExportedFileNameOfTheirOrders(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	id, err := db.SaveCustomer(ctx, Customer{Name: "Annika Berglund"})
	if err != nil {
		t.Fatal(err)
	}
	in := deskInput(rec, "Standing desk")
	in.Customer = id
	_, rev, err := db.SaveDesign(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.CreateOrder(ctx, OrderInput{Dealer: "d", Customer: id, Lines: []OrderLine{{Revision: rev.ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetOrderExported(ctx, o.ID, "/home/d/orders/Berglund Annika - desk.zip", "abc"); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetCustomer(ctx, id); err != nil {
		t.Fatal(err)
	}
	got, err := db.Order(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := "/home/d/orders/(customer) (customer) - desk.zip"; got.ExportedFile != want {
		t.Errorf("exported file = %q, want %q", got.ExportedFile, want)
	}
}

// Issue 12, point 6: an erasure mark is slow to compute (PBKDF2-HMAC-
// SHA256, the library secret as salt, tagged with its scheme), so a phone
// number cannot be tried number by number from atelier.db.erasures in
// seconds; marks of the old kind (a plain HMAC) still match.
func TestErasureMarksAreSlowAndOldMarksStillMatch(t *testing.T) {
	ctx := context.Background()
	secret := []byte("0123456789abcdef0123456789abcdef")
	want, err := pbkdf2.Key(sha256.New, "annika berglund", secret, markIterations, 32)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := mark(secret, "annika berglund"), "pbkdf2-sha256-120000:"+hex.EncodeToString(want); got != w {
		t.Errorf("mark = %q, want %q", got, w)
	}
	if markIterations < 100_000 {
		t.Errorf("markIterations = %d: too cheap to try", markIterations)
	}

	db, _ := newTestDB(t)
	id, err := db.SaveCustomer(ctx, Customer{Name: "Annika Berglund", Phone: "+46 70 123 45 67"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetCustomer(ctx, id); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(erasureFile(db.Path()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "mark" {
			n++
			if !strings.HasPrefix(f[1], markScheme+":") {
				t.Errorf("%s: mark %q is not a PBKDF2 mark", filepath.Base(erasureFile(db.Path())), f[1])
			}
		}
	}
	if n == 0 {
		t.Errorf("no marks in %q", data)
	}
	// A mark written by an older version: a plain HMAC under the secret.
	var libSecret []byte
	if err := db.db.QueryRow(`SELECT secret FROM library_secret`).Scan(&libSecret); err != nil {
		t.Fatal(err)
	}
	old, _ := markWith("", libSecret, "karl jansson")
	if _, err := db.db.Exec(`INSERT INTO erasure_marks (mark, erased_on) VALUES (?, '2026-01-02')`, old); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, text, want string }{
		{"new mark", "Desk for Annika Berglund", "2026-11-23"},
		{"phone, new mark", "call 070-123 45 67", "2026-11-23"},
		{"old HMAC mark", "Desk for Karl Jansson", "2026-01-02"},
		{"nobody", "Desk for Jonas Berg", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, err := db.MentionsForgotten(ctx, c.text); err != nil || got != c.want {
				t.Errorf("MentionsForgotten(%q) = %q, %v; want %q", c.text, got, err, c.want)
			}
		})
	}
}

// The cost of an order import's check once a customer was forgotten (a
// customer, a design name of six words), of one mark, and of forgetting
// (the marks are made in the transaction and again for the file).
func BenchmarkForgottenChecks(b *testing.B) {
	ctx := context.Background()
	db, _ := newTestDB(b)
	id, err := db.SaveCustomer(ctx, Customer{Name: "Annika Berglund", Email: "annika@berglund.se", Phone: "+46 70 123 45 67", Address: "Storgatan 12\nUppsala"})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.ForgetCustomer(ctx, id); err != nil {
		b.Fatal(err)
	}
	b.Run("one mark", func(b *testing.B) {
		for b.Loop() {
			mark([]byte("0123456789abcdef0123456789abcdef"), "annika berglund")
		}
	})
	b.Run("import check of a customer", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.ForgottenCustomer(ctx, "Jonas Berg", "+49 30 1234567", "Jonas Berg\nHauptstraße 12\n10115 Berlin"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("import check of a design name", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.MentionsForgotten(ctx, "Corner desk for the home office"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("forget", func(b *testing.B) {
		for b.Loop() {
			id, err := db.SaveCustomer(ctx, Customer{Name: "Karl Jansson", Email: "karl@jansson.se", Phone: "070-123 45 67", Address: "Storgatan 1"})
			if err != nil {
				b.Fatal(err)
			}
			if err := db.ForgetCustomer(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
}
