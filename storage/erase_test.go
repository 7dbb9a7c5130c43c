package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestMatcherScrub(t *testing.T) {
	m := NewMatcher(zoe)
	for _, c := range []struct {
		name, in, want string
	}{
		{"full name as typed", "Desk for Zoë  Ångström", "Desk for (customer)"},
		{"upper case", "ZOË ÅNGSTRÖM second desk", "(customer) second desk"},
		{"decomposed (NFD)", norm.NFD.String("für Zoë Ångström."), norm.NFD.String("für ") + "(customer)."},
		{"line break and tab between", "Zoë \t\nÅngström wants oak", "(customer) wants oak"},
		{"no accents", "zoe angstrom", "(customer)"},
		{"surname alone", "Ångström kitchen", "(customer) kitchen"},
		{"first name alone", "call Zoë!", "call (customer)!"},
		{"possessive", "Zoë's desk", "(customer)'s desk"},
		{"hyphen between parts", "Zoë/Ångström", "(customer)/(customer)"},
		{"e-mail in other case", "mail ZOE.ANGSTROM@EXAMPLE.SE today", "mail (customer) today"},
		{"phone as stored", "tel +46 70 123 45 67.", "tel +(customer)."},
		{"phone with other separators", "0046-70-123.45.67", "00(customer)"},
		{"phone without spaces", "+46701234567", "+(customer)"},
		{"phone dialled at home", "070-123 45 67", "0(customer)"},
		{"street line, more spaces, other case", "deliver to STORGATAN  12, ring", "deliver to (customer), ring"},
		{"fullwidth letters (NFKC)", "ＺＯＥ ＡＮＧＳＴＲＯＭ", "(customer)"},
		{"part of another word stays", "Zoella Ångströmer Zoë", "Zoella Ångströmer (customer)"},
		{"short numbers stay", "Desk 1600 x 800, 12 pieces", "Desk 1600 x 800, 12 pieces"},
		{"city stays", "111 51 Stockholm", "111 51 Stockholm"},
		{"nothing of her", "Oak desk for Anna", "Oak desk for Anna"},
		{"words her name parts are not", "der Tisch von Frau Berg", "der Tisch von Frau Berg"},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := m.Scrub(c.in); got != c.want {
				t.Errorf("Scrub(%q) = %q, want %q", c.in, got, c.want)
			}
			if got, want := m.Contains(c.in), c.in != c.want; got != want {
				t.Errorf("Contains(%q) = %v, want %v", c.in, got, want)
			}
		})
	}
}

func TestMatcherPieces(t *testing.T) {
	for _, c := range []struct {
		name string
		cust Customer
		want []string
	}{
		{"rich", zoe, []string{"zoe angstrom", "zoe.angstrom@example.se", "storgatan 12",
			"46701234567", "6701234567", "701234567"}},
		{"short parts, no e-mail, short phone", Customer{Name: "Li  Wu", Email: "none", Phone: "112", Address: "Li Wu\nMain St 1"},
			[]string{"li wu", "main st 1"}},
		{"national phone", Customer{Name: "Ola Nordmann", Phone: "022 12 34 56"}, []string{"ola nordmann", "022123456", "22123456"}},
		{"particles and titles are not name parts", Customer{Name: "Frau Dr. Greta van der Berg"}, []string{"frau dr. greta van der berg"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := NewMatcher(c.cust).pieces
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("pieces = %q, want %q", got, c.want)
			}
		})
	}
}

func TestCandidatePiecesFindTheMarks(t *testing.T) {
	m := NewMatcher(zoe)
	secret := []byte("0123456789abcdef0123456789abcdef")
	marks := map[string]bool{}
	for _, k := range m.marks(secret) {
		marks[k] = true
	}
	for _, c := range []struct {
		name, text string
		want       bool
	}{
		{"name in a design name", "Desk for ZOË  ÅNGSTRÖM", true},
		{"full name with an apostrophe", "Zoë Ångström's sofa", true},
		{"surname alone is not her (it may be another customer's word)", "Ångström's sofa", false},
		{"phone in notes", "tel. 070 123 45 67", true},
		{"e-mail", "<zoe.angstrom@example.se>", true},
		{"someone else", "Desk for Anna Zimmer, 1600 mm", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := false
			for _, p := range candidatePieces(c.text) {
				got = got || marks[mark(secret, p)]
			}
			if got != c.want {
				t.Errorf("candidatePieces(%q) hit a mark: %v, want %v", c.text, got, c.want)
			}
		})
	}
}

// Scrub takes any text: it never panics, keeps valid UTF-8 valid, and what
// it returns no longer names the customer.
func FuzzScrub(f *testing.F) {
	for _, s := range []string{"Desk for Zoë  Ångström", "0046-70-123.45.67", norm.NFD.String("ZOË\nÅNGSTRÖM"), "\xff\xfeZ\u0308", "Zoë/Ångström/Zoë"} {
		f.Add(s)
	}
	m := NewMatcher(zoe)
	f.Fuzz(func(t *testing.T, s string) {
		out := m.Scrub(s)
		if m.Contains(out) {
			t.Errorf("Scrub(%q) = %q still names her", s, out)
		}
		if !m.Contains(s) && out != s {
			t.Errorf("Scrub(%q) = %q changed a text that does not name her", s, out)
		}
		_ = candidatePieces(s)
	})
}

// BenchmarkForgetCustomer forgets one customer of 300 in a library of
// 10,000 designs (with thumbnails) and one daily backup beside it:
// go test ./storage -run '^$' -bench ForgetCustomer -benchtime 3x
func BenchmarkForgetCustomer(b *testing.B) {
	ctx := context.Background()
	src := bigDB(b)
	timed(b, func(i int) {
		b.StopTimer()
		dir := b.TempDir()
		path := filepath.Join(dir, "atelier.db")
		if err := copyDB(ctx, src, path); err != nil {
			b.Fatal(err)
		}
		db, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.AutoBackup(ctx, BackupDir(path), BackupDays); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := db.Forget(ctx, int64(1+i%300)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	})
}
