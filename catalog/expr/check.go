package expr

import (
	"fmt"
	"slices"
	"strings"
)

// Type is the type of an expression's value.
type Type int

// The value types.
const (
	Invalid Type = iota
	NumberT
	StringT
	BoolT
	SetT  // the chosen options of a multi feature
	ListT // a literal list, the right side of `in`
)

func (t Type) String() string {
	switch t {
	case NumberT:
		return "a number"
	case StringT:
		return "a text"
	case BoolT:
		return "a condition (true or false)"
	case SetT:
		return "a set of options"
	case ListT:
		return "a list"
	}
	return "invalid"
}

// Var describes a name an expression may use.
type Var struct {
	Type Type
	// Options, for a choice (StringT) or multi (SetT) feature, are the valid
	// option ids: string literals compared with the feature must be one of them.
	Options []string
	// What the name is, for messages ("feature", "variable").
	What string
}

// Scope resolves names.
type Scope map[string]Var

// Reserved words cannot name features.
var Reserved = []string{"and", "or", "not", "in", "has", "true", "false",
	"min", "max", "abs", "round", "floor", "ceil", "clamp", "if", "count", "len"}

// Check type-checks n in scope and returns its type.
func Check(n Node, scope Scope) (Type, error) {
	c := &checker{scope: scope}
	return c.check(n)
}

type checker struct{ scope Scope }

func errAt(n Node, format string, args ...any) error {
	return &Error{Offset: n.offset(), Msg: fmt.Sprintf(format, args...)}
}

func (c *checker) check(n Node) (Type, error) {
	switch n := n.(type) {
	case *Num:
		return NumberT, nil
	case *Str:
		return StringT, nil
	case *Bool:
		return BoolT, nil
	case *Ident:
		v, ok := c.scope[n.Name]
		if !ok {
			return Invalid, errAt(n, "unknown name %q%s", n.Name, c.suggest(n.Name))
		}
		if v.Type == Invalid {
			// A name whose own definition is broken (and reported there):
			// saying more about it here would only be noise.
			return Invalid, &Error{Offset: n.At, Msg: fmt.Sprintf("%q is not defined correctly", n.Name), Secondary: true}
		}
		return v.Type, nil
	case *List:
		for _, it := range n.Items {
			t, err := c.check(it)
			if err != nil {
				return Invalid, err
			}
			if t != StringT && t != NumberT {
				return Invalid, errAt(it, "a list holds numbers or texts, not %s", t)
			}
		}
		return ListT, nil
	case *Unary:
		t, err := c.check(n.X)
		if err != nil {
			return Invalid, err
		}
		if n.Op == "not" {
			if t != BoolT {
				return Invalid, errAt(n, "\"not\" needs a condition, not %s", t)
			}
			return BoolT, nil
		}
		if t != NumberT {
			return Invalid, errAt(n, "\"-\" needs a number, not %s", t)
		}
		return NumberT, nil
	case *Binary:
		return c.binary(n)
	case *Call:
		return c.call(n)
	}
	return Invalid, fmt.Errorf("unknown node %T", n)
}

func (c *checker) binary(n *Binary) (Type, error) {
	tx, err := c.check(n.X)
	if err != nil {
		return Invalid, err
	}
	ty, err := c.check(n.Y)
	if err != nil {
		return Invalid, err
	}
	switch n.Op {
	case "and", "or":
		if tx != BoolT || ty != BoolT {
			return Invalid, errAt(n, "%q joins conditions, not %s and %s", n.Op, tx, ty)
		}
		return BoolT, nil
	case "+", "-", "*", "/", "%":
		if tx != NumberT || ty != NumberT {
			return Invalid, errAt(n, "%q needs numbers, not %s and %s", n.Op, tx, ty)
		}
		return NumberT, nil
	case "<", "<=", ">", ">=":
		if tx != NumberT || ty != NumberT {
			return Invalid, errAt(n, "%q compares numbers, not %s and %s", n.Op, tx, ty)
		}
		return BoolT, nil
	case "==", "!=":
		if tx != ty || (tx != NumberT && tx != StringT && tx != BoolT) {
			return Invalid, errAt(n, "%q cannot compare %s with %s", n.Op, tx, ty)
		}
		if err := c.optionLiteral(n.X, n.Y); err != nil {
			return Invalid, err
		}
		if err := c.optionLiteral(n.Y, n.X); err != nil {
			return Invalid, err
		}
		return BoolT, nil
	case "in":
		if ty != ListT {
			return Invalid, errAt(n, "\"in\" needs a list on its right, like [\"a\", \"b\"]")
		}
		if tx != NumberT && tx != StringT {
			return Invalid, errAt(n, "\"in\" tests a number or a text, not %s", tx)
		}
		for _, it := range n.Y.(*List).Items {
			t, _ := c.check(it)
			if t != tx {
				return Invalid, errAt(it, "the list holds %s but is tested with %s", t, tx)
			}
			if err := c.optionLiteral(n.X, it); err != nil {
				return Invalid, err
			}
		}
		return BoolT, nil
	case "has":
		if tx != SetT {
			return Invalid, errAt(n, "\"has\" needs a multi feature on its left, not %s", tx)
		}
		if ty != StringT {
			return Invalid, errAt(n, "\"has\" needs an option id on its right, not %s", ty)
		}
		if err := c.optionLiteral(n.X, n.Y); err != nil {
			return Invalid, err
		}
		return BoolT, nil
	}
	return Invalid, errAt(n, "unknown operator %q", n.Op)
}

// optionLiteral checks that a string literal compared with a choice or multi
// feature is one of its options.
func (c *checker) optionLiteral(feature, lit Node) error {
	id, ok := feature.(*Ident)
	if !ok {
		return nil
	}
	s, ok := lit.(*Str)
	if !ok {
		return nil
	}
	v := c.scope[id.Name]
	if v.Options == nil || slices.Contains(v.Options, s.Val) {
		return nil
	}
	return errAt(s, "%q is not an option of %q (its options: %s)", s.Val, id.Name, strings.Join(v.Options, ", "))
}

type signature struct {
	min, max int // argument count
	arg      Type
	result   Type
}

var funcs = map[string]signature{
	"min":   {1, 16, NumberT, NumberT},
	"max":   {1, 16, NumberT, NumberT},
	"abs":   {1, 1, NumberT, NumberT},
	"round": {1, 2, NumberT, NumberT},
	"floor": {1, 1, NumberT, NumberT},
	"ceil":  {1, 1, NumberT, NumberT},
	"clamp": {3, 3, NumberT, NumberT},
	"count": {1, 1, SetT, NumberT},
	"len":   {1, 1, StringT, NumberT},
	"if":    {3, 3, Invalid, Invalid}, // checked by hand
}

func (c *checker) call(n *Call) (Type, error) {
	sig, ok := funcs[n.Func]
	if !ok {
		return Invalid, errAt(n, "unknown function %q (known: abs, ceil, clamp, count, floor, if, len, max, min, round)", n.Func)
	}
	if len(n.Args) < sig.min || len(n.Args) > sig.max {
		want := fmt.Sprint(sig.min)
		if sig.max != sig.min {
			want = fmt.Sprintf("%d to %d", sig.min, sig.max)
		}
		return Invalid, errAt(n, "%s takes %s arguments, not %d", n.Func, want, len(n.Args))
	}
	types := make([]Type, len(n.Args))
	for i, a := range n.Args {
		t, err := c.check(a)
		if err != nil {
			return Invalid, err
		}
		types[i] = t
	}
	if n.Func == "if" {
		if types[0] != BoolT {
			return Invalid, errAt(n.Args[0], "if needs a condition first, not %s", types[0])
		}
		if types[1] != types[2] || types[1] == ListT || types[1] == SetT {
			return Invalid, errAt(n, "if needs two values of the same kind, not %s and %s", types[1], types[2])
		}
		return types[1], nil
	}
	for i, t := range types {
		if t != sig.arg {
			return Invalid, errAt(n.Args[i], "%s needs %s, not %s", n.Func, sig.arg, t)
		}
	}
	return sig.result, nil
}

func (c *checker) suggest(name string) string {
	best, bestD := "", 3
	for k := range c.scope {
		if d := Distance(name, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// Distance is the Levenshtein distance between a and b, for "did you mean"
// suggestions.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
