// Package jsonnode parses JSON into a tree of nodes that remember where they
// stand in the source (line and column), so that a catalog's validation can
// point at the exact value that is wrong.
//
// The parser is strict RFC 8259 with limits meant for hostile input: a maximum
// size, a maximum nesting depth, valid UTF-8 only, no duplicate object keys,
// and numbers that must fit a float64. It never panics on any input (see the
// fuzz test) and runs in time linear in the input.
package jsonnode

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the JSON type of a node.
type Kind int

// The JSON types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "a boolean"
	case Number:
		return "a number"
	case String:
		return "a string"
	case Array:
		return "an array"
	case Object:
		return "an object"
	}
	return "unknown"
}

// Pos is a position in a source file. Line and Col count from 1; Col counts
// characters (runes), not bytes, as editors do.
type Pos struct {
	Line, Col int
	Offset    int // byte offset
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Member is one key/value pair of an object, in source order.
type Member struct {
	Key    string
	KeyPos Pos
	Value  *Node
}

// Node is one JSON value.
type Node struct {
	Kind    Kind
	Pos     Pos
	Bool    bool
	Str     string   // String: the decoded text
	Raw     string   // Number: the literal as written (exact, for decimals)
	Num     float64  // Number: the value
	Items   []*Node  // Array
	Members []Member // Object, in source order
}

// Get returns the value of key in an object node, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := range n.Members {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// Limits bound what the parser accepts.
type Limits struct {
	MaxBytes int // whole input; 0 means no limit
	MaxDepth int // nesting of arrays and objects; 0 means DefaultLimits.MaxDepth (it is never unbounded: the parser recurses)
}

// DefaultLimits suit catalog files: generous for real catalogs, small enough
// that hostile input cannot exhaust memory.
var DefaultLimits = Limits{MaxBytes: 32 << 20, MaxDepth: 64}

// SyntaxError is a parse failure at a position.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Parse parses data as a single JSON value with DefaultLimits.
func Parse(data []byte) (*Node, error) { return ParseLimits(data, DefaultLimits) }

// ParseLimits parses data as a single JSON value.
func ParseLimits(data []byte, lim Limits) (*Node, error) {
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		return nil, &SyntaxError{Pos: Pos{Line: 1, Col: 1}, Msg: fmt.Sprintf("file is too large (%d bytes; the limit is %d)", len(data), lim.MaxBytes)}
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultLimits.MaxDepth // nesting is always bounded: the parser recurses
	}
	p := &parser{src: data, line: 1, lineStart: 0, lim: lim, col: 1}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.i = 3 // tolerate a UTF-8 byte order mark, as editors on Windows write one
		p.lineStart = 3
	}
	p.skipSpace()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.src) {
		return nil, p.errf("unexpected %s after the end of the document", p.describe())
	}
	return n, nil
}

type parser struct {
	src       []byte
	i         int
	line      int
	lineStart int
	lim       Limits
	// The last column computed on the current line, so that positions on a
	// long (minified) line are counted incrementally, not from its start.
	colOff, col int

	// What keeps a large document's parse to a few allocations per value
	// rather than several: nodes come from slabs, an array's items and an
	// object's members are gathered on shared stacks and copied once, at
	// their exact size, and short strings (keys, ids, numbers) are kept
	// once however often they occur.
	slab    []Node
	items   []*Node
	members []Member
	strs    map[string]string
}

// slabNodes is how many nodes one allocation holds.
const slabNodes = 256

// node returns a new node of kind k at pos.
func (p *parser) node(k Kind, pos Pos) *Node {
	if len(p.slab) == 0 {
		p.slab = make([]Node, slabNodes)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	n.Kind, n.Pos = k, pos
	return n
}

// maxInterned is the longest string kept once for all its occurrences,
// and maxInternedStrings how many different ones are kept so (a document
// of millions of different short strings gains nothing from the map).
const (
	maxInterned        = 32
	maxInternedStrings = 1 << 16
)

// intern returns b as a string, the same string for the same short bytes.
func (p *parser) intern(b []byte) string {
	if len(b) > maxInterned {
		return string(b)
	}
	if s, ok := p.strs[string(b)]; ok {
		return s
	}
	if p.strs == nil {
		p.strs = map[string]string{}
	}
	s := string(b)
	if len(p.strs) < maxInternedStrings {
		p.strs[s] = s
	}
	return s
}

func (p *parser) pos() Pos {
	if p.colOff < p.lineStart || p.colOff > p.i {
		p.colOff, p.col = p.lineStart, 1
	}
	p.col += utf8.RuneCount(p.src[p.colOff:p.i])
	p.colOff = p.i
	return Pos{Line: p.line, Col: p.col, Offset: p.i}
}

// PosAt computes a position for byte offset off given the start of its line.
func PosAt(src []byte, off, line, lineStart int) Pos {
	if off > len(src) {
		off = len(src)
	}
	col := 1
	if lineStart <= off {
		col = utf8.RuneCount(src[lineStart:off]) + 1
	}
	return Pos{Line: line, Col: col, Offset: off}
}

// Locate computes the position of a byte offset by scanning src.
func Locate(src []byte, off int) Pos {
	if off > len(src) {
		off = len(src)
	}
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return PosAt(src, off, line, start)
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{Pos: p.pos(), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) describe() string {
	if p.i >= len(p.src) {
		return "end of file"
	}
	r, size := utf8.DecodeRune(p.src[p.i:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02x (not valid UTF-8)", p.src[p.i])
	}
	if r < 0x20 || r == 0x7f {
		return fmt.Sprintf("control character U+%04X", r)
	}
	return strconv.QuoteRune(r)
}

func (p *parser) skipSpace() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\r':
			p.i++
		case '\n':
			p.i++
			p.line++
			p.lineStart = p.i
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*Node, error) {
	if p.i >= len(p.src) {
		return nil, p.errf("unexpected end of file: a value is missing")
	}
	start := p.pos()
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(depth+1, start)
	case c == '[':
		return p.array(depth+1, start)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		n := p.node(String, start)
		n.Str = s
		return n, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(start)
	case c == 't':
		return p.literal("true", Bool, true, start)
	case c == 'f':
		return p.literal("false", Bool, false, start)
	case c == 'n':
		return p.literal("null", Null, false, start)
	default:
		if c == 'N' || c == 'I' {
			return nil, p.errf("NaN and Infinity are not JSON numbers")
		}
		if c == '\'' {
			return nil, p.errf("strings must be in double quotes")
		}
		return nil, p.errf("unexpected %s: expected a value", p.describe())
	}
}

func (p *parser) literal(word string, k Kind, b bool, start Pos) (*Node, error) {
	if string(p.src[p.i:min(len(p.src), p.i+len(word))]) != word {
		return nil, p.errf("unexpected %s: expected a value", p.describe())
	}
	p.i += len(word)
	n := p.node(k, start)
	n.Bool = b
	return n, nil
}

func (p *parser) object(depth int, start Pos) (*Node, error) {
	if p.lim.MaxDepth > 0 && depth > p.lim.MaxDepth {
		return nil, p.errf("nesting is too deep (the limit is %d levels)", p.lim.MaxDepth)
	}
	n := p.node(Object, start)
	p.i++ // {
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return n, nil
	}
	// This object's members are p.members[base:] until it is closed.
	base := len(p.members)
	defer func() { p.members = p.members[:base] }()
	var seen map[string]bool // the keys, once there are too many to compare one by one
	for {
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			if p.i < len(p.src) && p.src[p.i] == '}' {
				return nil, p.errf("trailing comma before '}'")
			}
			return nil, p.errf("unexpected %s: expected a key in double quotes", p.describe())
		}
		keyPos := p.pos()
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if p.duplicate(key, base, &seen) {
			return nil, &SyntaxError{Pos: keyPos, Msg: fmt.Sprintf("duplicate key %q", key)}
		}
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return nil, p.errf("unexpected %s: expected ':' after key %q", p.describe(), key)
		}
		p.i++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.members = append(p.members, Member{Key: key, KeyPos: keyPos, Value: v})
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, p.errf("unexpected end of file: the object opened at %s is not closed", start)
		}
		switch p.src[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case '}':
			p.i++
			n.Members = slices.Clone(p.members[base:])
			return n, nil
		default:
			return nil, p.errf("unexpected %s: expected ',' or '}'", p.describe())
		}
	}
}

// maxScannedKeys is how many keys an object may have before its keys are
// looked up in a map rather than compared one by one.
const maxScannedKeys = 16

// duplicate reports whether the object whose members are p.members[base:]
// already has key; *seen is its map of keys once it has many.
func (p *parser) duplicate(key string, base int, seen *map[string]bool) bool {
	ms := p.members[base:]
	if *seen == nil && len(ms) < maxScannedKeys {
		for i := range ms {
			if ms[i].Key == key {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[string]bool, 2*len(ms))
		for i := range ms {
			(*seen)[ms[i].Key] = true
		}
	}
	if (*seen)[key] {
		return true
	}
	(*seen)[key] = true
	return false
}

func (p *parser) array(depth int, start Pos) (*Node, error) {
	if p.lim.MaxDepth > 0 && depth > p.lim.MaxDepth {
		return nil, p.errf("nesting is too deep (the limit is %d levels)", p.lim.MaxDepth)
	}
	n := p.node(Array, start)
	p.i++ // [
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		return n, nil
	}
	// This array's items are p.items[base:] until it is closed.
	base := len(p.items)
	defer func() { p.items = p.items[:base] }()
	for {
		if p.i < len(p.src) && p.src[p.i] == ']' {
			return nil, p.errf("trailing comma before ']'")
		}
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, v)
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, p.errf("unexpected end of file: the array opened at %s is not closed", start)
		}
		switch p.src[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case ']':
			p.i++
			n.Items = slices.Clone(p.items[base:])
			return n, nil
		default:
			return nil, p.errf("unexpected %s: expected ',' or ']'", p.describe())
		}
	}
}

func (p *parser) number(start Pos) (*Node, error) {
	s := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		k := 0
		for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			p.i++
			k++
		}
		return k
	}
	if p.i < len(p.src) && p.src[p.i] == '0' {
		p.i++
		if p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			return nil, p.errf("numbers must not have leading zeros")
		}
	} else if digits() == 0 {
		return nil, p.errf("unexpected %s: expected a digit", p.describe())
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errf("unexpected %s: expected a digit after the decimal point", p.describe())
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errf("unexpected %s: expected a digit in the exponent", p.describe())
		}
	}
	raw := p.intern(p.src[s:p.i])
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, &SyntaxError{Pos: start, Msg: fmt.Sprintf("number %s is out of range", clip(raw))}
	}
	n := p.node(Number, start)
	n.Raw, n.Num = raw, f
	return n, nil
}

func clip(s string) string {
	if len(s) > 24 {
		return s[:20] + "…"
	}
	return s
}

func (p *parser) str() (string, error) {
	p.i++ // opening quote
	// Most strings hold no escape: they are their bytes, once checked.
	from := p.i
	for p.i < len(p.src) {
		c := p.src[p.i]
		if c == '"' {
			s := p.intern(p.src[from:p.i])
			p.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		if c < utf8.RuneSelf {
			p.i++
			continue
		}
		r, size := utf8.DecodeRune(p.src[p.i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		p.i += size
	}
	// The rest, from the first escape or fault, is decoded one by one.
	var b strings.Builder
	b.Write(p.src[from:p.i])
	for {
		if p.i >= len(p.src) {
			return "", p.errf("unexpected end of file inside a string")
		}
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		case c < 0x20:
			if c == '\n' {
				return "", p.errf("line break inside a string (write \\n)")
			}
			return "", p.errf("control character U+%04X inside a string", c)
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.src[p.i:])
			if r == utf8.RuneError && size <= 1 {
				return "", p.errf("invalid UTF-8 byte 0x%02x inside a string", c)
			}
			b.WriteRune(r)
			p.i += size
		}
	}
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func (p *parser) escape(b *strings.Builder) error {
	if p.i+1 >= len(p.src) {
		return p.errf("unexpected end of file inside a string")
	}
	e := p.src[p.i+1]
	if r, ok := simpleEscapes[e]; ok {
		b.WriteByte(r)
		p.i += 2
		return nil
	}
	if e != 'u' {
		return p.errf("invalid escape \\%c in a string", e)
	}
	start := p.pos()
	r, err := p.hex4(p.i + 2)
	if err != nil {
		return err
	}
	p.i += 6
	if utf16.IsSurrogate(r) {
		if p.i+1 < len(p.src) && p.src[p.i] == '\\' && p.src[p.i+1] == 'u' {
			r2, err := p.hex4(p.i + 2)
			if err != nil {
				return err
			}
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				b.WriteRune(d)
				p.i += 6
				return nil
			}
		}
		return &SyntaxError{Pos: start, Msg: fmt.Sprintf("unpaired surrogate \\u%04X in a string", r)}
	}
	b.WriteRune(r)
	return nil
}

func (p *parser) hex4(at int) (rune, error) {
	if at+4 > len(p.src) {
		return 0, p.errf("incomplete \\u escape in a string")
	}
	v, err := strconv.ParseUint(string(p.src[at:at+4]), 16, 32)
	if err != nil {
		return 0, p.errf("invalid \\u escape in a string")
	}
	return rune(v), nil
}
