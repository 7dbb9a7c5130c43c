// Package expr is the catalog's small expression language, used by rules
// (`width <= 1600 or frame != "wood"`), pricing formulas (`width / 1000 * 85`),
// geometry (`height - 25`) and bills of materials.
//
// Values are numbers (exact decimals), strings (option ids and texts),
// booleans and sets (the options chosen in a multi feature). The grammar, from
// loosest to tightest binding:
//
//	or          a or b        (also ||)
//	and         a and b       (also &&)
//	not         not a         (also !)
//	comparison  == != < <= > >=   x in ["a", "b"]   set has "a"
//	additive    + -
//	product     * / %
//	unary       -x
//	primary     123  1.5  "text"  'text'  true  false  name  f(x, y)  [a, b]  (x)
//
// Functions: min, max, abs, round(x[, digits]), floor, ceil, clamp(x, lo, hi),
// if(cond, a, b), count(set), len(text).
package expr

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// MaxLength bounds an expression's source, and MaxDepth its nesting, so that
// hostile catalogs cannot make the parser or evaluator work without end.
const (
	MaxLength = 4096
	MaxDepth  = 48
)

// Error is a problem in an expression; Offset counts characters (runes) from
// the start of the expression's source.
type Error struct {
	Offset int
	Msg    string
	// Secondary errors follow from a problem reported elsewhere (a name
	// whose definition is broken); callers that report that problem may
	// leave them out.
	Secondary bool
}

func (e *Error) Error() string { return e.Msg }

// Op is an operator.
type Op string

// Node is a node of a parsed expression.
type Node interface{ offset() int }

type (
	// Num is a number literal.
	Num struct {
		At  int
		Val decimal.Decimal
	}
	// Str is a string literal.
	Str struct {
		At  int
		Val string
	}
	// Bool is true or false.
	Bool struct {
		At  int
		Val bool
	}
	// Ident names a feature or a variable.
	Ident struct {
		At   int
		Name string
	}
	// List is a literal list, the right side of `in`.
	List struct {
		At    int
		Items []Node
	}
	// Unary is -x or not x.
	Unary struct {
		At int
		Op Op
		X  Node
	}
	// Binary is x op y.
	Binary struct {
		At   int
		Op   Op
		X, Y Node
	}
	// Call is f(args...).
	Call struct {
		At   int
		Func string
		Args []Node
	}
)

func (n *Num) offset() int    { return n.At }
func (n *Str) offset() int    { return n.At }
func (n *Bool) offset() int   { return n.At }
func (n *Ident) offset() int  { return n.At }
func (n *List) offset() int   { return n.At }
func (n *Unary) offset() int  { return n.At }
func (n *Binary) offset() int { return n.At }
func (n *Call) offset() int   { return n.At }

// Offset returns the character offset at which n starts in its source.
func Offset(n Node) int { return n.offset() }

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tIdent
	tOp
)

type token struct {
	kind tokKind
	text string
	at   int // rune offset
}

func lex(src string) ([]token, error) {
	var toks []token
	runeAt := 0
	i := 0
	for i < len(src) {
		c := src[i]
		at := runeAt
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			runeAt++
			continue
		case c >= '0' && c <= '9' || (c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'):
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && src[k] >= '0' && src[k] <= '9' {
					for k < len(src) && src[k] >= '0' && src[k] <= '9' {
						k++
					}
					j = k
				}
			}
			toks = append(toks, token{tNum, src[i:j], at})
			runeAt += j - i
			i = j
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			closed := false
			for j < len(src) {
				r, size := utf8.DecodeRuneInString(src[j:])
				if r == rune(c) {
					closed = true
					j += size
					break
				}
				if r == '\\' && j+1 < len(src) {
					r2, size2 := utf8.DecodeRuneInString(src[j+1:])
					b.WriteRune(r2)
					j += 1 + size2
					continue
				}
				b.WriteRune(r)
				j += size
			}
			if !closed {
				return nil, &Error{Offset: at, Msg: "string is not closed"}
			}
			toks = append(toks, token{tStr, b.String(), at})
			runeAt += utf8.RuneCountInString(src[i:j])
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, token{tIdent, src[i:j], at})
			runeAt += j - i
			i = j
		default:
			two := ""
			if i+1 < len(src) {
				two = src[i : i+2]
			}
			switch two {
			case "==", "!=", "<=", ">=", "&&", "||":
				toks = append(toks, token{tOp, two, at})
				i += 2
				runeAt += 2
				continue
			}
			if strings.IndexByte("+-*/%()[],<>!", c) >= 0 {
				toks = append(toks, token{tOp, string(c), at})
				i++
				runeAt++
				continue
			}
			if c == '=' {
				return nil, &Error{Offset: at, Msg: "use == to compare"}
			}
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, &Error{Offset: at, Msg: fmt.Sprintf("unexpected character %q", r)}
		}
	}
	toks = append(toks, token{tEOF, "", runeAt})
	return toks, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

// Parse parses src into an expression tree.
func Parse(src string) (Node, error) {
	if len(src) > MaxLength {
		return nil, &Error{Offset: 0, Msg: fmt.Sprintf("expression is too long (%d bytes; the limit is %d)", len(src), MaxLength)}
	}
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Offset: 0, Msg: "expression is empty"}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{Offset: t.at, Msg: fmt.Sprintf("unexpected %s", describe(t))}
	}
	return n, nil
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tNum:
		return "number " + t.text
	case tStr:
		return fmt.Sprintf("string %q", t.text)
	case tIdent:
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(texts ...string) bool {
	t := p.peek()
	for _, s := range texts {
		if (t.kind == tOp || t.kind == tIdent) && t.text == s {
			return true
		}
	}
	return false
}

func (p *parser) enter(at int) error {
	p.depth++
	if p.depth > MaxDepth {
		return &Error{Offset: at, Msg: fmt.Sprintf("expression is nested too deeply (the limit is %d)", MaxDepth)}
	}
	return nil
}

func (p *parser) or() (Node, error) {
	x, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.isOp("or", "||") {
		t := p.next()
		y, err := p.and()
		if err != nil {
			return nil, err
		}
		x = &Binary{t.at, "or", x, y}
	}
	return x, nil
}

func (p *parser) and() (Node, error) {
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.isOp("and", "&&") {
		t := p.next()
		y, err := p.not()
		if err != nil {
			return nil, err
		}
		x = &Binary{t.at, "and", x, y}
	}
	return x, nil
}

func (p *parser) not() (Node, error) {
	if p.isOp("not", "!") {
		t := p.next()
		if err := p.enter(t.at); err != nil {
			return nil, err
		}
		x, err := p.not()
		p.depth--
		if err != nil {
			return nil, err
		}
		return &Unary{t.at, "not", x}, nil
	}
	return p.comparison()
}

func (p *parser) comparison() (Node, error) {
	x, err := p.additive()
	if err != nil {
		return nil, err
	}
	if p.isOp("==", "!=", "<", "<=", ">", ">=", "in", "has") {
		t := p.next()
		y, err := p.additive()
		if err != nil {
			return nil, err
		}
		x = &Binary{t.at, Op(t.text), x, y}
		if p.isOp("==", "!=", "<", "<=", ">", ">=", "in", "has") {
			t := p.peek()
			return nil, &Error{Offset: t.at, Msg: fmt.Sprintf("comparisons cannot be chained: use \"and\" before %q", t.text)}
		}
	}
	return x, nil
}

func (p *parser) additive() (Node, error) {
	x, err := p.product()
	if err != nil {
		return nil, err
	}
	for p.isOp("+", "-") {
		t := p.next()
		y, err := p.product()
		if err != nil {
			return nil, err
		}
		x = &Binary{t.at, Op(t.text), x, y}
	}
	return x, nil
}

func (p *parser) product() (Node, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.isOp("*", "/", "%") {
		t := p.next()
		y, err := p.unary()
		if err != nil {
			return nil, err
		}
		x = &Binary{t.at, Op(t.text), x, y}
	}
	return x, nil
}

func (p *parser) unary() (Node, error) {
	if p.isOp("-") {
		t := p.next()
		if err := p.enter(t.at); err != nil {
			return nil, err
		}
		x, err := p.unary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return &Unary{t.at, "-", x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (Node, error) {
	t := p.next()
	switch t.kind {
	case tNum:
		d, err := decimal.NewFromString(t.text)
		if err != nil || strings.Count(t.text, ".") > 1 {
			return nil, &Error{Offset: t.at, Msg: fmt.Sprintf("%q is not a number", t.text)}
		}
		// Check the exponent before comparing: comparing rescales the
		// number, and 1e999999999 would take minutes and gigabytes.
		if e := d.Exponent(); e > 15 || e < -18 || d.Abs().GreaterThan(maxMagnitude) {
			return nil, &Error{Offset: t.at, Msg: fmt.Sprintf("number %s is out of range (at most 15 digits before and 18 after the point)", t.text)}
		}
		return &Num{t.at, d}, nil
	case tStr:
		return &Str{t.at, t.text}, nil
	case tIdent:
		switch t.text {
		case "true", "false":
			return &Bool{t.at, t.text == "true"}, nil
		case "and", "or", "not", "in", "has":
			return nil, &Error{Offset: t.at, Msg: fmt.Sprintf("unexpected %q: a value is missing", t.text)}
		}
		if p.isOp("(") {
			p.next()
			if err := p.enter(t.at); err != nil {
				return nil, err
			}
			args, err := p.list(")")
			p.depth--
			if err != nil {
				return nil, err
			}
			return &Call{t.at, t.text, args}, nil
		}
		return &Ident{t.at, t.text}, nil
	case tOp:
		switch t.text {
		case "(":
			if err := p.enter(t.at); err != nil {
				return nil, err
			}
			x, err := p.or()
			p.depth--
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, &Error{Offset: p.peek().at, Msg: fmt.Sprintf("unexpected %s: expected ')'", describe(p.peek()))}
			}
			p.next()
			return x, nil
		case "[":
			if err := p.enter(t.at); err != nil {
				return nil, err
			}
			items, err := p.list("]")
			p.depth--
			if err != nil {
				return nil, err
			}
			return &List{t.at, items}, nil
		}
	}
	if t.kind == tEOF {
		return nil, &Error{Offset: t.at, Msg: "expression ends too early: a value is missing"}
	}
	return nil, &Error{Offset: t.at, Msg: fmt.Sprintf("unexpected %s: expected a value", describe(t))}
}

func (p *parser) list(closer string) ([]Node, error) {
	var items []Node
	if p.isOp(closer) {
		p.next()
		return items, nil
	}
	for {
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		items = append(items, x)
		if p.isOp(",") {
			p.next()
			continue
		}
		if p.isOp(closer) {
			p.next()
			return items, nil
		}
		return nil, &Error{Offset: p.peek().at, Msg: fmt.Sprintf("unexpected %s: expected ',' or '%s'", describe(p.peek()), closer)}
	}
}

var maxMagnitude = decimal.New(1, 15)
