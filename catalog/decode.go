package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/atelier-app/atelier/catalog/expr"
	"github.com/atelier-app/atelier/catalog/jsonnode"
	"github.com/shopspring/decimal"
)

// decoder turns a JSON tree into catalog types, collecting every error with
// its position instead of stopping at the first.
type decoder struct {
	texts []textRef // every text decoded, for the language check
	file  string
	src   []byte // the file, to map positions inside strings
	errs  ErrorList
	lang  string // default language, for plain-string texts
}

func (d *decoder) errorf(pos Pos, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// object reads the members of one JSON object, remembering which keys were
// used so that unknown keys (usually typos) are reported.
type object struct {
	d    *decoder
	n    *jsonnode.Node
	what string
	// kind and name, when set by named, say what the object is in messages
	// instead of what: "option \"oak\"". They are put together only for a
	// message, not for each of a catalog's many options.
	kind, name string
	used       []string // the keys asked for, each once
	usedBuf    [8]string
}

func (d *decoder) object(n *jsonnode.Node, what string) *object {
	o := &object{d: d, what: what}
	o.used = o.usedBuf[:0]
	if n == nil {
		return o
	}
	if n.Kind != jsonnode.Object {
		d.errorf(n.Pos, "%s must be an object, not %s", what, n.Kind)
		return o
	}
	o.n = n
	return o
}

// valid reports whether the object exists (it was an object in the file).
func (o *object) valid() bool { return o.n != nil }

func (o *object) pos() Pos {
	if o.n == nil {
		return Pos{}
	}
	return o.n.Pos
}

// named makes the object "kind \"id\"" in messages.
func (o *object) named(kind, id string) { o.kind, o.name = kind, id }

// desc is what the object is, for messages: "option \"oak\"".
func (o *object) desc() string {
	if o.kind != "" {
		return o.kind + " " + strconv.Quote(o.name)
	}
	return o.what
}

func (o *object) use(key string) {
	if !slices.Contains(o.used, key) {
		o.used = append(o.used, key)
	}
}

func (o *object) get(key string) *jsonnode.Node {
	o.use(key)
	return o.n.Get(key)
}

// at is the position of key's value, or of the object when key is absent.
func (o *object) at(key string) Pos {
	if v := o.n.Get(key); v != nil {
		return v.Pos
	}
	return o.pos()
}

func (o *object) missing(key string) {
	if o.n != nil {
		o.d.errorf(o.n.Pos, "%s has no %q", o.desc(), key)
	}
}

// done reports keys that were never asked for.
func (o *object) done(known ...string) {
	if o.n == nil {
		return
	}
	for _, m := range o.n.Members {
		if slices.Contains(o.used, m.Key) || slices.Contains(known, m.Key) || strings.HasPrefix(m.Key, "x-") || m.Key == "$schema" || m.Key == "$comment" {
			continue
		}
		best, bestD := "", 3
		for _, k := range o.used {
			if dd := expr.Distance(strings.ToLower(m.Key), strings.ToLower(k)); dd < bestD || (dd == bestD && best != "" && k < best) {
				best, bestD = k, dd
			}
		}
		hint := ""
		if best != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", best)
		}
		o.d.errorf(m.KeyPos, "unknown key %q in %s%s", m.Key, o.desc(), hint)
	}
}

func (o *object) str(key string, required bool) string {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key)
		}
		return ""
	}
	if v.Kind != jsonnode.String {
		o.d.errorf(v.Pos, "%q of %s must be a string, not %s", key, o.desc(), v.Kind)
		return ""
	}
	if required && v.Str == "" {
		o.d.errorf(v.Pos, "%q of %s must not be empty", key, o.desc())
	}
	o.d.checkText(v.Pos, key, v.Str)
	return v.Str
}

// useAll marks every key of the object as used: after an unknown "kind" or
// "shape", reporting the other keys as unknown would only add noise.
func (o *object) useAll() {
	if o.n == nil {
		return
	}
	for _, m := range o.n.Members {
		o.use(m.Key)
	}
}

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// id reads an identifier: lower-case ASCII letters, digits, '_', '.', '-'.
func (o *object) id(key string, required bool) string {
	s := o.str(key, required)
	if s != "" && !idPattern.MatchString(s) {
		o.d.errorf(o.at(key), "%q is not a valid id: use 1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit", s)
	}
	return s
}

// checkText rejects characters that make a text look different from what it
// is: control characters and bidirectional overrides ("unicode tricks").
func (d *decoder) checkText(pos Pos, key, s string) bool {
	if err := CheckText(s); err != nil {
		d.errorf(pos, "%q %v", key, err)
		return false
	}
	return true
}

// CheckText refuses a text with characters that make it look different
// from what it is: the invisible direction controls (LRE, RLE, PDF, LRO,
// RLO U+202A–U+202E; LRI, RLI, FSI, PDI U+2066–U+2069; LRM, RLM, ALM) and
// control characters other than newline and tab. Catalogs' texts and
// design names are held to it. The error reads "contains …".
func CheckText(s string) error {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case IsDirectionControl(r):
			return fmt.Errorf("contains the invisible direction control U+%04X, which can disguise text", r)
		case unicode.IsControl(r):
			return fmt.Errorf("contains the control character U+%04X", r)
		}
	}
	return nil
}

// IsDirectionControl reports whether r is one of the invisible
// bidirectional controls that CheckText refuses.
func IsDirectionControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

func (o *object) text(key string, required bool) Text {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key)
		}
		return nil
	}
	return o.d.text(v, key)
}

func (d *decoder) text(v *jsonnode.Node, key string) Text {
	t := d.decodeText(v, key)
	if t != nil {
		d.texts = append(d.texts, textRef{t, v.Pos, key})
	}
	return t
}

// textRef remembers where a text was, to check its languages at the end.
type textRef struct {
	text Text
	pos  Pos
	key  string
}

func (d *decoder) decodeText(v *jsonnode.Node, key string) Text {
	switch v.Kind {
	case jsonnode.String:
		d.checkText(v.Pos, key, v.Str)
		return Text{d.lang: v.Str}
	case jsonnode.Object:
		t := Text{}
		for _, m := range v.Members {
			if !langPattern.MatchString(m.Key) {
				d.errorf(m.KeyPos, "%q is not a language code (use e.g. \"en\", \"de\" or \"pt-BR\")", m.Key)
				continue
			}
			if m.Value.Kind != jsonnode.String {
				d.errorf(m.Value.Pos, "the %q text of %q must be a string, not %s", m.Key, key, m.Value.Kind)
				continue
			}
			d.checkText(m.Value.Pos, key, m.Value.Str)
			t[m.Key] = m.Value.Str
		}
		if len(t) == 0 && len(v.Members) == 0 {
			d.errorf(v.Pos, "%q has no text in any language", key)
		}
		return t
	}
	d.errorf(v.Pos, "%q must be a text (a string, or an object of language: text), not %s", key, v.Kind)
	return nil
}

func (o *object) integer(key string, required bool, def, lo, hi int) int {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key)
		}
		return def
	}
	if v.Kind != jsonnode.Number {
		o.d.errorf(v.Pos, "%q of %s must be a whole number, not %s", key, o.desc(), v.Kind)
		return def
	}
	if v.Num != float64(int64(v.Num)) {
		o.d.errorf(v.Pos, "%q of %s must be a whole number, not %s", key, o.desc(), clip(v.Raw))
		return def
	}
	n := int(v.Num)
	if n < lo || n > hi {
		o.d.errorf(v.Pos, "%q is %d, out of range (%d to %d)", key, n, lo, hi)
		return def
	}
	return n
}

// dec reads an exact decimal: a JSON number or a string like "649.90".
func (o *object) dec(key string, required bool) (decimal.Decimal, bool) {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key)
		}
		return decimal.Zero, false
	}
	return o.d.decimal(v, key)
}

func (d *decoder) decimal(v *jsonnode.Node, key string) (decimal.Decimal, bool) {
	raw := ""
	switch v.Kind {
	case jsonnode.Number:
		raw = v.Raw
		if strings.ContainsAny(raw, "eE") {
			// Exponent first: comparing 0e999999999 would build 10^999999999.
			if f, err := decimal.NewFromString(raw); err == nil && f.Exponent() <= 15 && f.Exponent() >= -6 && f.Abs().LessThan(decimal.New(1, 15)) {
				return f, true
			}
		}
	case jsonnode.String:
		raw = v.Str
	default:
		d.errorf(v.Pos, "%q must be a number, not %s", key, v.Kind)
		return decimal.Zero, false
	}
	if !decimalPattern.MatchString(raw) {
		d.errorf(v.Pos, "%q is not a valid amount %q: write digits with at most 6 decimals, like 649.90", key, clip(raw))
		return decimal.Zero, false
	}
	x, err := decimal.NewFromString(raw)
	if err != nil {
		d.errorf(v.Pos, "%q is not a valid number", key)
		return decimal.Zero, false
	}
	return x, true
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:36]) + "…"
	}
	return s
}

// array reads an array; a missing optional array is empty.
func (o *object) array(key string, required bool) []*jsonnode.Node {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key)
		}
		return nil
	}
	if v.Kind != jsonnode.Array {
		o.d.errorf(v.Pos, "%q of %s must be an array, not %s", key, o.desc(), v.Kind)
		return nil
	}
	return v.Items
}

func (o *object) strings(key string) []string {
	var out []string
	for _, it := range o.array(key, false) {
		if it.Kind != jsonnode.String {
			o.d.errorf(it.Pos, "%q holds strings, not %s", key, it.Kind)
			continue
		}
		out = append(out, it.Str)
	}
	return out
}

// enum reads a string that must be one of allowed.
func (o *object) enum(key string, required bool, def string, allowed ...string) string {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key)
		}
		return def
	}
	if v.Kind != jsonnode.String || !slices.Contains(allowed, v.Str) {
		got := v.Kind.String()
		if v.Kind == jsonnode.String {
			got = fmt.Sprintf("%q", v.Str)
		}
		o.d.errorf(v.Pos, "%q of %s must be one of %s, not %s", key, o.desc(), quoteAll(allowed), got)
		return def
	}
	return v.Str
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// inString maps an offset in runes of a decoded JSON string to its position
// in the source, walking the raw string so that escapes (\" \n \u00DF and
// surrogate pairs) and multi-byte characters are counted as written.
func (d *decoder) inString(start Pos, runes int) Pos {
	p := start
	i := start.Offset + 1 // after the opening quote
	p.Offset, p.Col = i, p.Col+1
	for k := 0; k < runes && i < len(d.src) && d.src[i] != '"'; k++ {
		if d.src[i] == '\\' && i+1 < len(d.src) {
			n := 2
			if d.src[i+1] == 'u' {
				n = 6
				if i+11 < len(d.src) && d.src[i+6] == '\\' && d.src[i+7] == 'u' && isHighSurrogate(d.src[i+2:i+6]) {
					n = 12
				}
			}
			i += n
			p.Col += n
			continue
		}
		_, size := utf8.DecodeRune(d.src[i:])
		i += size
		p.Col++
	}
	p.Offset = i
	return p
}

func isHighSurrogate(hex []byte) bool {
	v, err := strconv.ParseUint(string(hex), 16, 32)
	return err == nil && v >= 0xD800 && v < 0xDC00
}

// expression reads an expression (a string, or a number for a constant) and
// checks it against scope; want is the type it must have (Invalid: any).
func (o *object) expression(key string, required bool, scope expr.Scope, want expr.Type) *Expr {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key)
		}
		return nil
	}
	return o.d.expression(v, key, scope, want)
}

func (d *decoder) expression(v *jsonnode.Node, key string, scope expr.Scope, want expr.Type) *Expr {
	var src string
	switch v.Kind {
	case jsonnode.String:
		src = v.Str
		if !d.checkText(v.Pos, key, src) {
			return nil
		}
	case jsonnode.Number:
		src = v.Raw
	case jsonnode.Bool:
		src = fmt.Sprint(v.Bool)
	default:
		d.errorf(v.Pos, "%q must be an expression (a string such as \"width / 2\", or a number), not %s", key, v.Kind)
		return nil
	}
	at := func(off int) Pos {
		if v.Kind == jsonnode.String {
			return d.inString(v.Pos, off)
		}
		return v.Pos
	}
	root, err := expr.Parse(src)
	if err != nil {
		e := err.(*expr.Error)
		d.errorf(at(e.Offset), "in %q: %s", key, e.Msg)
		return nil
	}
	t, err := expr.Check(root, scope)
	if err != nil {
		if e, ok := err.(*expr.Error); ok {
			if !e.Secondary {
				d.errorf(at(e.Offset), "in %q: %s", key, e.Msg)
			}
		} else {
			d.errorf(v.Pos, "in %q: %v", key, err)
		}
		return nil
	}
	if want != expr.Invalid && t != want {
		d.errorf(v.Pos, "%q must be %s, but %q is %s", key, want, clip(src), t)
		return nil
	}
	return &Expr{Src: src, Root: root, Type: t, Pos: v.Pos}
}
