package storage

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/atelier-app/atelier/storage/safefile"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Finding a customer in free text. People type a name in any case, with
// or without its accents, in composed or decomposed Unicode, with two
// spaces or a line break inside; a phone with any separators. So text is
// compared in a folded form: every character is decomposed (NFKD), its
// accents dropped and its case folded (golang.org/x/text/cases Fold), and
// any run of white space matches any other. A match is mapped back to the
// characters of the original text, which are replaced by "(customer)".

// Redacted replaces a forgotten customer's data in free text.
const Redacted = "(customer)"

// strokeLetters are letters NFKD does not take apart (a stroke or a
// ligature is not an accent): Søren Łukasiewicz is written Soren
// Lukasiewicz on a keyboard without them.
var strokeLetters = map[rune]string{
	'Ø': "o", 'ø': "o", 'Ł': "l", 'ł': "l", 'Đ': "d", 'đ': "d", 'Ð': "d", 'ð': "d",
	'Æ': "ae", 'æ': "ae", 'Œ': "oe", 'œ': "oe", 'Þ': "th", 'þ': "th", 'ß': "ss", 'ẞ': "ss",
	'Ħ': "h", 'ħ': "h", 'ı': "i", 'Ŧ': "t", 'ŧ': "t",
}

// foldRune is the folded form of one character ("" for an accent alone).
func foldRune(c cases.Caser, r rune) string {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return string(r)
	}
	if s, ok := strokeLetters[r]; ok {
		return s
	}
	var b strings.Builder
	for _, x := range norm.NFKD.String(string(r)) {
		if !unicode.Is(unicode.Mn, x) && !unicode.Is(unicode.Me, x) {
			b.WriteRune(x)
		}
	}
	return c.String(b.String())
}

// folded is a text in folded form with, for each of its bytes, the span of
// the original character it came from.
type folded struct {
	text       string
	start, end []int
}

func foldText(c cases.Caser, s string) folded {
	var f folded
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		k := foldRune(c, r)
		for range len(k) {
			f.start = append(f.start, i)
			f.end = append(f.end, i+w)
		}
		b.WriteString(k)
		i += w
	}
	f.text = b.String()
	return f
}

// Fold is the folded form of s with white space collapsed and trimmed: two
// strings that a person would read as the same name fold alike.
func Fold(s string) string {
	return strings.Join(strings.FieldsFunc(foldText(cases.Fold(), s).text, isSpace), " ")
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Z, r) }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// digits keeps the digits of s.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, norm.NFKC.String(s))
}

// unspaced reports whether s is written in a script that does not put
// spaces between words (Han, Hiragana, Katakana, Hangul, Thai): such a
// name is found inside a longer run of letters (王小明的书桌).
func unspaced(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai) {
			return true
		}
	}
	return false
}

// Matcher finds one customer's data in free text.
type Matcher struct {
	inner    *regexp.Regexp // pieces in scripts without spaces: anywhere
	words    *regexp.Regexp // names, e-mail, street: whole words only
	phones   *regexp.Regexp // digits with any separators
	pieces   []string       // the folded full pieces (no single name part), for the erasure marks
	strict   *Matcher       // the same without the single name parts
	made     []string       // the marks last made, under madeWith
	madeWith []byte
}

// Strict is the matcher for text linked to another customer: it finds
// only the full name, the e-mail, the phone and the street line, never a
// single part of the name ("White" in "White desk").
func (m *Matcher) Strict() *Matcher {
	if m == nil || m.strict == nil {
		return m
	}
	return m.strict
}

// notNameParts are words of three letters or more in people's names that
// are not theirs alone: titles and particles (folded). Looked for on their
// own they would erase every "der" and "Frau" in other customers' notes;
// they are still part of the full name.
var notNameParts = map[string]bool{
	"mrs": true, "miss": true, "herr": true, "frau": true, "prof": true, "sir": true, "dame": true, "lady": true,
	"mme": true, "mlle": true, "sig": true, "sra": true, "srta": true, "jun": true, "sen": true,
	"van": true, "von": true, "der": true, "den": true, "des": true, "del": true, "della": true, "dos": true,
	"das": true, "die": true, "ter": true, "ten": true, "zur": true, "zum": true, "und": true, "and": true,
	"the": true, "bin": true, "ibn": true, "san": true, "santa": true, "saint": true,
}

// minPhoneDigits is the least a phone pattern has: shorter runs of digits
// are house numbers and prices.
const minPhoneDigits = 7

// NewMatcher prepares to find the customers' full names, each part of a
// name of three or more letters (the surname alone), their e-mail, their
// phone (its digits with any separators; for an international number also
// the national number, as it is dialled at home) and their street line
// (the first line of the address that is not their name).
func NewMatcher(customers ...Customer) *Matcher {
	var words, full, phones []string
	add := func(list *[]string, s string) {
		if s != "" && !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	for _, c := range customers {
		name := Fold(c.Name)
		add(&words, name)
		add(&full, name)
		for _, part := range strings.FieldsFunc(name, func(r rune) bool { return !isWordRune(r) }) {
			if utf8.RuneCountInString(part) >= 3 && !notNameParts[part] {
				add(&words, part)
			}
		}
		if e := Fold(c.Email); strings.Contains(e, "@") {
			add(&words, e)
			add(&full, e)
		}
		for _, p := range phoneForms(c.Phone) {
			add(&phones, p)
		}
		if s := streetLine(c.Address, name); s != "" {
			add(&words, s)
			add(&full, s)
		}
	}
	m := compileMatcher(words, phones)
	m.strict = compileMatcher(full, phones)
	m.pieces = append(append(m.pieces, full...), phones...)
	m.strict.pieces = m.pieces
	return m
}

// compileMatcher builds the regular expressions for folded words and phone
// digit strings.
func compileMatcher(words, phones []string) *Matcher {
	words, phones = slices.Clone(words), slices.Clone(phones)
	m := &Matcher{}
	// Longest first: the full name is replaced as one, not part by part.
	slices.SortStableFunc(words, func(a, b string) int { return len(b) - len(a) })
	slices.SortStableFunc(phones, func(a, b string) int { return len(b) - len(a) })
	var alts, inner []string
	for _, w := range words {
		parts := strings.Split(w, " ")
		for j := range parts {
			parts[j] = regexp.QuoteMeta(parts[j])
		}
		alt := strings.Join(parts, `[\s\p{Z}\x{85}]+`)
		if unspaced(w) {
			inner = append(inner, alt)
		} else {
			alts = append(alts, alt)
		}
	}
	if len(alts) > 0 {
		m.words = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(` + strings.Join(alts, "|") + `)(?:[^\p{L}\p{N}]|$)`)
	}
	if len(inner) > 0 {
		m.inner = regexp.MustCompile(`(` + strings.Join(inner, "|") + `)`)
	}
	if len(phones) > 0 {
		alts := make([]string, len(phones))
		for i, p := range phones {
			alts[i] = strings.Join(strings.Split(p, ""), `[^\p{L}\p{N}]{0,3}`)
		}
		m.phones = regexp.MustCompile(`(` + strings.Join(alts, "|") + `)`)
	}
	return m
}

// phoneForms are the digit strings a phone is found by: all its digits;
// for an international number (+46 70…, 0046 70…) also the number without
// the country code (1 to 3 digits; a national number never starts with 0),
// as written at home after the 0; for a national number (070…) also the
// number without its 0, as written after a country code.
func phoneForms(phone string) []string {
	all := digits(phone)
	if len(all) < minPhoneDigits {
		return nil
	}
	out := []string{all}
	intl := strings.TrimPrefix(all, "00")
	switch {
	case strings.HasPrefix(strings.TrimSpace(phone), "+") || intl != all:
		if intl != all {
			out = append(out, intl)
		}
		for cc := 1; cc <= 3; cc++ {
			if n := intl[min(cc, len(intl)):]; len(n) >= minPhoneDigits && n[0] != '0' {
				out = append(out, n)
			}
		}
	case all[0] == '0' && len(all)-1 >= minPhoneDigits:
		out = append(out, all[1:])
	}
	return out
}

// streetLine is the first line of an address that is not the name
// (folded), or "".
func streetLine(address, name string) string {
	for _, line := range strings.Split(address, "\n") {
		if l := Fold(line); l != "" && l != name {
			return l
		}
	}
	return ""
}

// spans finds the customer in s: byte spans of s, in order, not
// overlapping.
func (m *Matcher) spans(s string) [][2]int {
	if m == nil || s == "" || (m.words == nil && m.phones == nil && m.inner == nil) {
		return nil
	}
	f := foldText(cases.Fold(), s)
	var out [][2]int
	addSpan := func(a, b int) {
		if a >= b {
			return
		}
		from, to := f.start[a], f.end[b-1]
		// Accents after the last letter belong to it.
		for to < len(s) {
			r, w := utf8.DecodeRuneInString(s[to:])
			if !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Me, r) {
				break
			}
			to += w
		}
		out = append(out, [2]int{from, to})
	}
	for _, re := range []*regexp.Regexp{m.words, m.inner, m.phones} {
		if re == nil {
			continue
		}
		for _, loc := range re.FindAllStringSubmatchIndex(f.text, -1) {
			addSpan(loc[2], loc[3])
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortFunc(out, func(a, b [2]int) int { return a[0] - b[0] })
	merged := out[:1]
	for _, sp := range out[1:] {
		last := &merged[len(merged)-1]
		if sp[0] <= last[1] {
			last[1] = max(last[1], sp[1])
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// Contains reports whether s names the customer.
func (m *Matcher) Contains(s string) bool { return len(m.spans(s)) > 0 }

// Scrub replaces every mention of the customer in s with Redacted. It
// repeats until nothing is found, as one match's border can hide the next
// ("Zoë/Ångström").
func (m *Matcher) Scrub(s string) string {
	for range 8 {
		sp := m.spans(s)
		if len(sp) == 0 {
			return s
		}
		var b strings.Builder
		at := 0
		for _, x := range sp {
			b.WriteString(s[at:x[0]])
			b.WriteString(Redacted)
			at = x[1]
		}
		b.WriteString(s[at:])
		s = b.String()
	}
	return s
}

// marks are the erasure marks of each folded piece of the customer's
// data: what the library remembers of a forgotten customer.
// They are computed once per secret (a mark is slow on purpose).
func (m *Matcher) marks(secret []byte) []string {
	if m.made != nil && bytes.Equal(m.madeWith, secret) {
		return m.made
	}
	out := make([]string, 0, len(m.pieces))
	for _, p := range m.pieces {
		out = append(out, mark(secret, p))
	}
	m.made, m.madeWith = out, bytes.Clone(secret)
	return out
}

// markIterations makes one mark cost about 25 ms (2-core machine, 2026):
// the secret sits beside the marks, so what protects a forgotten phone
// number from being tried number by number is the cost of each try.
const markIterations = 120_000

// markScheme tags a mark: "pbkdf2-sha256-<iterations>:<hex>". A mark
// without a tag is an older HMAC-SHA256 (before issue 12); it is still
// recognised.
var markScheme = fmt.Sprintf("pbkdf2-sha256-%d", markIterations)

// mark is the erasure mark of a folded piece: PBKDF2-HMAC-SHA256 of the
// piece, the library secret as the salt, markIterations rounds, tagged.
func mark(secret []byte, piece string) string {
	m, _ := markWith(markScheme, secret, piece)
	return m
}

// markWith is the mark of a piece under a scheme ("" for the old
// HMAC-SHA256); false for a scheme this version does not know.
func markWith(scheme string, secret []byte, piece string) (string, bool) {
	if scheme == "" {
		h := hmac.New(sha256.New, secret)
		h.Write([]byte(piece))
		return hex.EncodeToString(h.Sum(nil)), true
	}
	n, ok := strings.CutPrefix(scheme, "pbkdf2-sha256-")
	if !ok {
		return "", false
	}
	iter, err := strconv.Atoi(n)
	if err != nil || iter < 1 || iter > 10_000_000 {
		return "", false
	}
	k, err := pbkdf2.Key(sha256.New, piece, secret, iter, 32)
	if err != nil {
		return "", false
	}
	return scheme + ":" + hex.EncodeToString(k), true
}

// schemeOf is the scheme tag of a mark ("" for an old HMAC).
func schemeOf(mark string) string {
	if i := strings.LastIndexByte(mark, ':'); i > 0 {
		return mark[:i]
	}
	return ""
}

// candidatePieces are the pieces of a text that could be a forgotten
// customer's data, folded as the marks are: every run of two to four words
// and every single word with an "@"
// (split at white space, and split at anything but letters and digits),
// and the digits of every number of seven digits or more (with any
// separators), with its endings of seven digits or more.
func candidatePieces(text string) []string {
	f := Fold(text)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	// A single word is a candidate only as an e-mail address: the marks
	// hold no single part of a name (older libraries' marks did, and
	// "White" in another customer's "White desk" is not Emma White).
	windows := func(tokens []string) {
		for i := range tokens {
			for n := 1; n <= 4 && i+n <= len(tokens); n++ {
				if n == 1 && !strings.Contains(tokens[i], "@") {
					continue
				}
				add(strings.Join(tokens[i:i+n], " "))
			}
		}
	}
	var loose []string
	for _, t := range strings.Fields(f) {
		if t = strings.TrimFunc(t, func(r rune) bool { return !isWordRune(r) }); t != "" {
			loose = append(loose, t)
		}
	}
	windows(loose)
	windows(strings.FieldsFunc(f, func(r rune) bool { return !isWordRune(r) }))
	for _, run := range regexp.MustCompile(`\d(?:[^\p{L}\p{N}]{0,3}\d)*`).FindAllString(f, -1) {
		d := digits(run)
		for i := 0; len(d)-i >= minPhoneDigits; i++ {
			add(d[i:])
		}
	}
	return out
}

// ForgetReport says what forgetting a customer did to the copies of the
// database in the data folder (files a restore or a repair set aside, and
// the backups).
type ForgetReport struct {
	Scrubbed []string // copies the customer was erased from as well
	Deleted  []string // copies that could not be opened to erase them: deleted
	// Skipped are files beside the library or in backups/ that are not
	// Atelier libraries (another program's SQLite file, a note): left as
	// they are, each with the reason.
	Skipped []string
	// Again: the customer was forgotten already (a forget stopped after
	// the library's commit: another program held the database, a kill);
	// this call finished the job on the log and the copies.
	Again bool
}

// String says what a forget did in one line for people.
func (r ForgetReport) String(id int64) string {
	if r.Again {
		return fmt.Sprintf("customer %d was forgotten already; their copies are now scrubbed too", id)
	}
	return fmt.Sprintf("customer %d forgotten", id)
}

// wasForgotten reports whether customer id is in the list of erasures
// (the database's or the file beside it).
func (d *DB) wasForgotten(ctx context.Context, id int64) (bool, error) {
	list, err := d.erasures(ctx)
	if err != nil {
		return false, err
	}
	file, err := readErasures(d.path)
	if err != nil {
		return false, err
	}
	return slices.Contains(list, id) || slices.Contains(file, id), nil
}

// Forget is ForgetCustomer with a report of the copies it scrubbed or
// deleted.
func (d *DB) Forget(ctx context.Context, id int64) (ForgetReport, error) {
	var rep ForgetReport
	var c Customer
	var m *Matcher
	var secret []byte
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = getCustomer(ctx, tx, id); err != nil {
			return err
		}
		m = NewMatcher(c)
		if err := d.erase(ctx, tx, c, m); err != nil {
			return err
		}
		secret, err = librarySecret(ctx, tx)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		// Forgotten already, but perhaps not everywhere: a forget that
		// stopped after the library's commit left the log and the copies.
		if again, ferr := d.wasForgotten(ctx, id); ferr == nil && again {
			return d.finish(ctx, id, Customer{ID: id}, ForgetReport{Again: true})
		}
	}
	if err != nil {
		return rep, fmt.Errorf("forget customer %d: %w", id, err)
	}
	if err := noteErasure(d.path, id); err != nil {
		return rep, fmt.Errorf("forget customer %d: %w", id, err)
	}
	if err := noteMarks(d.path, secret, m.marks(secret), d.now().UTC().Format(time.DateOnly)); err != nil {
		return rep, fmt.Errorf("forget customer %d: %w", id, err)
	}
	return d.finish(ctx, id, c, rep)
}

// finish empties the log and scrubs the copies after the library's
// commit. c is the customer as the library had them (only the number
// when they were forgotten before: each copy is then scrubbed of its own
// record of them). Forgetting the same number again repeats this.
func (d *DB) finish(ctx context.Context, id int64, c Customer, rep ForgetReport) (ForgetReport, error) {
	cerr := d.checkpoint(ctx)
	r, err := d.scrubCopies(ctx, c)
	rep.Scrubbed, rep.Deleted, rep.Skipped = r.Scrubbed, r.Deleted, r.Skipped
	switch {
	case cerr != nil && err != nil:
		return rep, fmt.Errorf("customer %d is forgotten in the library, but %w, and %w; forget customer %d again when the other program is done, to finish", id, cerr, err, id)
	case cerr != nil:
		return rep, fmt.Errorf("customer %d is forgotten in the library and its copies, but %w; forget customer %d again when the other program has closed the library, to finish", id, cerr, id)
	case err != nil:
		return rep, fmt.Errorf("customer %d is forgotten in the library, but %w; forget customer %d again when that is done, to finish", id, err, id)
	}
	return rep, nil
}

// aCopy is a file in the data folder that may hold a copy of the
// database. ours: named as Atelier names its copies (a rotated backup
// atelier-<time>.db, a restore's <name>.replaced-<time>, a repair's
// <name>.damaged-<time>): deleted when it cannot be scrubbed. Any other
// is scrubbed only when it is an Atelier library (CheckBackup: Atelier's
// own schema), and otherwise left as it is and reported.
type aCopy struct {
	path string
	ours bool
}

// copies lists the files in the data folder that may hold a copy of the
// database at path: <name>.<anything> beside it except the list of
// erasures, any other SQLite file beside it, and every file of the backups
// folder (whatever its name: `db backup FILE` may write one there), without their -wal, -shm and
// -journal files and a scrub's temporary files. Files that a backup or
// restore is writing (.partial, .restoring-…) are listed apart: busy.
func copies(path string) (list []aCopy, busy []string, err error) {
	base := filepath.Base(path)
	for _, dir := range []string{filepath.Dir(path), BackupDir(path)} {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		for _, e := range entries {
			n := e.Name()
			if !e.Type().IsRegular() || isSideFile(n) || strings.HasPrefix(n, scrubbingPrefix) {
				continue
			}
			inData := dir == filepath.Dir(path) && strings.HasPrefix(n, base+".") && n != filepath.Base(erasureFile(path))
			inBackups := dir == BackupDir(path)
			switch {
			case (inData || inBackups) && (strings.HasSuffix(n, ".partial") || strings.HasPrefix(n, base+".restoring")):
				busy = append(busy, filepath.Join(dir, n))
			case inData:
				ours := strings.HasPrefix(n, base+".replaced-") || strings.HasPrefix(n, base+".damaged-")
				list = append(list, aCopy{filepath.Join(dir, n), ours})
			case dir == filepath.Dir(path) && n != base && n != filepath.Base(erasureFile(path)) && isSQLite(filepath.Join(dir, n)):
				// `db backup FILE` beside the library under another name
				// (atelier-copy.db): scrubbed if it is an Atelier library.
				list = append(list, aCopy{filepath.Join(dir, n), false})
			case inBackups:
				ours := strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, ".db")
				list = append(list, aCopy{filepath.Join(dir, n), ours})
			}
		}
	}
	return list, busy, nil
}

func isSideFile(name string) bool {
	for _, ext := range []string{"-wal", "-shm", "-journal"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// scrubCopies erases customer c from every copy of the database in the
// data folder; a copy that cannot be opened, checked, brought to this
// schema and changed is deleted (with its log files) instead. Log files
// left without their database go too. What killed backups and restores
// left is removed first (Tidy); a backup or restore still running in
// another program is reported, not touched.
func (d *DB) scrubCopies(ctx context.Context, c Customer) (ForgetReport, error) {
	var rep ForgetReport
	if err := Tidy(d.path, d.now(), BackupDays); err != nil {
		return rep, fmt.Errorf("the data folder cannot be tidied: %w", classify(err))
	}
	if err := removeStaleScrubs(d.path); err != nil {
		return rep, fmt.Errorf("the data folder cannot be tidied: %w", classify(err))
	}
	list, busy, err := copies(d.path)
	if err != nil {
		return rep, fmt.Errorf("the data folder cannot be read: %w", classify(err))
	}
	var failed []string
	for _, f := range busy {
		failed = append(failed, fmt.Sprintf("%s (being written by another program)", f))
	}
	for _, cp := range list {
		f := cp.path
		if !cp.ours {
			// Not named as ours: only an Atelier library is touched.
			if err := CheckBackup(ctx, f); err != nil {
				why := "not an Atelier library"
				if !errors.Is(err, ErrForeign) {
					why = fmt.Sprintf("not readable as an Atelier library: %v", err)
				}
				rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s (%s)", f, why))
				continue
			}
			// Another library (its own secret) has other customers
			// under the same numbers: not touched.
			if other, err := d.otherLibrary(ctx, f); err != nil || other {
				why := "another Atelier library, not a copy of this one"
				if err != nil {
					why = fmt.Sprintf("not readable: %v", err)
				}
				rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s (%s)", f, why))
				continue
			}
		}
		if err := d.scrubCopy(ctx, f, c); err == nil {
			rep.Scrubbed = append(rep.Scrubbed, f)
			continue
		}
		if err := removeWithLogs(f); err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", f, err))
			continue
		}
		rep.Deleted = append(rep.Deleted, f)
	}
	for _, dir := range []string{filepath.Dir(d.path), BackupDir(d.path)} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			n := e.Name()
			if !isSideFile(n) || filepath.Join(dir, n) == d.path+"-wal" || filepath.Join(dir, n) == d.path+"-shm" || filepath.Join(dir, n) == d.path+"-journal" {
				continue
			}
			// Only the log files of names we give (another program's
			// stray journal is not ours).
			if !strings.HasPrefix(n, filepath.Base(d.path)+".") && !strings.HasPrefix(n, backupPrefix) && !strings.HasPrefix(n, scrubbingPrefix) {
				continue
			}
			main := filepath.Join(dir, strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "-wal"), "-shm"), "-journal"))
			if _, err := os.Lstat(main); errors.Is(err, os.ErrNotExist) {
				if err := os.Remove(filepath.Join(dir, n)); err != nil {
					failed = append(failed, fmt.Sprintf("%s (%v)", filepath.Join(dir, n), err))
				} else {
					rep.Deleted = append(rep.Deleted, filepath.Join(dir, n))
				}
			}
		}
	}
	if len(failed) > 0 {
		return rep, fmt.Errorf("these copies still hold their data and could not be deleted: %s", strings.Join(failed, "; "))
	}
	return rep, nil
}

// otherLibrary reports whether the Atelier library at path has a secret
// for the erasure marks other than this one's: then it is not a copy of
// this library (a copy from before schema 7 has none, and is a copy).
func (d *DB) otherLibrary(ctx context.Context, path string) (bool, error) {
	var ours []byte
	err := d.db.QueryRowContext(ctx, `SELECT secret FROM library_secret WHERE id = 1`).Scan(&ours)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, classify(err)
	}
	var theirs []byte
	_, err = inspect(ctx, path, func(db *sql.DB) error {
		err := db.QueryRowContext(ctx, `SELECT secret FROM library_secret WHERE id = 1`).Scan(&theirs)
		if errors.Is(err, sql.ErrNoRows) || (err != nil && strings.Contains(err.Error(), "no such table")) {
			return nil
		}
		return err
	})
	if err != nil {
		return false, err
	}
	return theirs != nil && ours != nil && !bytes.Equal(theirs, ours), nil
}

func removeWithLogs(f string) error {
	for _, ext := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(f + ext); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// isSQLite reports whether the file at path starts as an SQLite database.
func isSQLite(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == sqliteHeader
}

// scrubbingPrefix names the temporary file a copy is scrubbed in, beside
// it (".scrubbing-<name>-<random>"); a kill leaves the copy as it was and
// this file, which the next forget removes.
const scrubbingPrefix = ".scrubbing-"

// removeStaleScrubs removes what a killed scrub left in the data folder
// and the backups folder (with their log files).
func removeStaleScrubs(path string) error {
	for _, dir := range []string{filepath.Dir(path), BackupDir(path)} {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), scrubbingPrefix) && e.Type().IsRegular() {
				if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
		}
	}
	return nil
}

// scrubCopy erases customer c from a copy of the database without
// changing the copy in place: the copy is written with VACUUM INTO to a
// temporary file beside it (scrubbingPrefix), which is checked, brought to
// this schema, has the customer (by number, and by their data as the
// library has it and as the copy has it) erased as in the library, is
// vacuumed (no free page keeps old bytes), left in rollback-journal mode
// as a backup is written, synced, and renamed over the copy. A kill at any
// moment leaves the copy whole (scrubbed or not) and at most the
// temporary file.
func (d *DB) scrubCopy(ctx context.Context, path string, c Customer) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), scrubbingPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmpPath := tmp.Name()
	tmp.Close()
	if err := os.Remove(tmpPath); err != nil { // VACUUM INTO wants a new file
		return err
	}
	done := false
	defer func() {
		if !done {
			removeWithLogs(tmpPath)
		}
	}()
	if err := vacuumInto(ctx, path, tmpPath); err != nil {
		return err
	}
	if err := d.scrubFile(ctx, tmpPath, c); err != nil {
		return err
	}
	f, err := os.OpenFile(tmpPath, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	serr := f.Sync()
	if err := f.Close(); serr == nil {
		serr = err
	}
	if serr != nil {
		return serr
	}
	// The copy's log files belong to the old content.
	for _, ext := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(path + ext); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := safefile.Replace(tmpPath, path); err != nil {
		return err
	}
	done = true
	safefile.SyncDir(filepath.Dir(path))
	return nil
}

// vacuumInto writes a consistent copy of the SQLite database at path to
// dest (a new file) with VACUUM INTO.
func vacuumInto(ctx context.Context, path, dest string) error {
	if !isSQLite(path) {
		return fmt.Errorf("%s is not a database", path)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	db, err := sql.Open("sqlite", fileURI(path, q))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return classify(err)
	}
	return classify(db.Close())
}

// scrubFile erases customer c from the database file at path, in place.
func (d *DB) scrubFile(ctx context.Context, path string, c Customer) error {
	if !isSQLite(path) {
		return fmt.Errorf("%s is not a database", path)
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(5000)", "foreign_keys(1)", "secure_delete(1)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", fileURI(path, q))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	x := &DB{db: db, path: path, now: d.now}
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return classify(err)
	}
	if version == 0 || version > SchemaVersion {
		return fmt.Errorf("%s: schema %d is not one this version can change", path, version)
	}
	if err := x.QuickCheck(ctx); err != nil {
		return err
	}
	if err := x.migrate(ctx); err != nil {
		return err
	}
	err = x.tx(ctx, func(tx *sql.Tx) error {
		m := NewMatcher(c)
		if kept, err := getCustomer(ctx, tx, c.ID); err == nil {
			m = NewMatcher(c, kept)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return x.erase(ctx, tx, c, m)
	})
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
		return classify(err)
	}
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return classify(err)
	}
	return classify(db.Close())
}

// ForgottenCustomer reports whether a customer named in an order from
// outside (an order package) was forgotten here: their full name, phone or
// street line, folded, against the erasure marks. It returns the day they
// were forgotten (YYYY-MM-DD), or "".
func (d *DB) ForgottenCustomer(ctx context.Context, name, phone, address string) (string, error) {
	folded := Fold(name)
	pieces := append([]string{folded}, phoneForms(phone)...)
	if s := streetLine(address, folded); s != "" {
		pieces = append(pieces, s)
	}
	on, err := d.erasedOn(ctx, pieces)
	if err != nil {
		return "", fmt.Errorf("check the erasures: %w", err)
	}
	return on, nil
}

// MentionsForgotten reports whether a text from outside (a design's name
// in an order package) names a forgotten customer: any run of up to four
// of its words, or any long number in it, against the erasure marks. It
// returns the day that customer was forgotten (YYYY-MM-DD), or "".
func (d *DB) MentionsForgotten(ctx context.Context, text string) (string, error) {
	on, err := d.erasedOn(ctx, candidatePieces(text))
	if err != nil {
		return "", fmt.Errorf("check the erasures: %w", err)
	}
	return on, nil
}

// erasedOn is the earliest day of the erasure marks that pieces hit, or
// "": the marks in the database, under its secret, and those in the file
// beside it, under the secrets they were made with (a restore replaces
// the database, not the file). Each piece is marked once per secret and
// scheme present (a mark costs ~25 ms; an old HMAC mark almost nothing).
func (d *DB) erasedOn(ctx context.Context, pieces []string) (string, error) {
	type set struct {
		secret []byte
		marks  map[string]string // mark -> day
	}
	var sets []set
	var secret []byte
	err := d.db.QueryRowContext(ctx, `SELECT secret FROM library_secret WHERE id = 1`).Scan(&secret)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", classify(err)
	}
	if secret != nil {
		rows, err := d.db.QueryContext(ctx, `SELECT mark, erased_on FROM erasure_marks`)
		if err != nil {
			return "", classify(err)
		}
		marks := map[string]string{}
		for rows.Next() {
			var mk, day string
			if err := rows.Scan(&mk, &day); err != nil {
				rows.Close()
				return "", classify(err)
			}
			if old, ok := marks[mk]; !ok || day < old {
				marks[mk] = day
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", classify(err)
		}
		sets = append(sets, set{secret, marks})
	}
	list, err := readErasureFile(d.path)
	if err != nil {
		return "", err
	}
	for key, marks := range list.marks {
		if k, err := hex.DecodeString(key); err == nil {
			sets = append(sets, set{k, marks})
		}
	}
	on := ""
	cache := map[string]string{}
	for _, st := range sets {
		schemes := map[string]bool{}
		for mk := range st.marks {
			schemes[schemeOf(mk)] = true
		}
		for _, scheme := range slices.Sorted(maps.Keys(schemes)) {
			for _, p := range pieces {
				if p == "" {
					continue
				}
				key := string(st.secret) + "\x00" + scheme + "\x00" + p
				mk, ok := cache[key]
				if !ok {
					if mk, ok = markWith(scheme, st.secret, p); !ok {
						break // a scheme of a newer version: not this one's to check
					}
					cache[key] = mk
				}
				if day, ok := st.marks[mk]; ok && (on == "" || day < on) {
					on = day
				}
			}
		}
	}
	return on, nil
}
