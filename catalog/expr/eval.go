package expr

import (
	"errors"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// Value is the value of an expression.
type Value struct {
	Type Type
	Num  decimal.Decimal
	Str  string
	Bool bool
	Set  []string // SetT: chosen option ids; ListT: items as text
	list []Value
}

// NumberValue, StringValue, BoolValue and SetValue build values.
func NumberValue(d decimal.Decimal) Value { return Value{Type: NumberT, Num: d} }

// StringValue is a text or option id value.
func StringValue(s string) Value { return Value{Type: StringT, Str: s} }

// BoolValue is a condition's value.
func BoolValue(b bool) Value { return Value{Type: BoolT, Bool: b} }

// SetValue is the value of a multi feature.
func SetValue(ids []string) Value { return Value{Type: SetT, Set: ids} }

func (v Value) String() string {
	switch v.Type {
	case NumberT:
		return v.Num.String()
	case StringT:
		return fmt.Sprintf("%q", v.Str)
	case BoolT:
		return fmt.Sprint(v.Bool)
	case SetT:
		return fmt.Sprint(v.Set)
	}
	return "invalid"
}

// Env supplies the values of names during evaluation.
type Env func(name string) (Value, bool)

// ErrDivisionByZero is returned when an expression divides by zero.
var ErrDivisionByZero = errors.New("division by zero")

// DivisionDigits is the number of fraction digits kept by division. Prices
// are rounded once, later, by the pricing rule (see catalog.RoundMoney).
const DivisionDigits = 12

// Eval evaluates a checked expression.
func Eval(n Node, env Env) (Value, error) {
	switch n := n.(type) {
	case *Num:
		return NumberValue(n.Val), nil
	case *Str:
		return StringValue(n.Val), nil
	case *Bool:
		return BoolValue(n.Val), nil
	case *Ident:
		v, ok := env(n.Name)
		if !ok {
			return Value{}, errAt(n, "no value for %q", n.Name)
		}
		return v, nil
	case *List:
		out := Value{Type: ListT}
		for _, it := range n.Items {
			v, err := Eval(it, env)
			if err != nil {
				return Value{}, err
			}
			out.list = append(out.list, v)
		}
		return out, nil
	case *Unary:
		x, err := Eval(n.X, env)
		if err != nil {
			return Value{}, err
		}
		if n.Op == "not" {
			return BoolValue(!x.Bool), nil
		}
		return NumberValue(x.Num.Neg()), nil
	case *Binary:
		return evalBinary(n, env)
	case *Call:
		return evalCall(n, env)
	}
	return Value{}, fmt.Errorf("unknown node %T", n)
}

// EvalBool evaluates a condition.
func EvalBool(n Node, env Env) (bool, error) {
	v, err := Eval(n, env)
	if err != nil {
		return false, err
	}
	if v.Type != BoolT {
		return false, fmt.Errorf("expected a condition, got %s", v.Type)
	}
	return v.Bool, nil
}

// EvalNumber evaluates a number.
func EvalNumber(n Node, env Env) (decimal.Decimal, error) {
	v, err := Eval(n, env)
	if err != nil {
		return decimal.Zero, err
	}
	if v.Type != NumberT {
		return decimal.Zero, fmt.Errorf("expected a number, got %s", v.Type)
	}
	return v.Num, nil
}

func evalBinary(n *Binary, env Env) (Value, error) {
	x, err := Eval(n.X, env)
	if err != nil {
		return Value{}, err
	}
	// Short-circuit conditions.
	if n.Op == "and" && !x.Bool {
		return BoolValue(false), nil
	}
	if n.Op == "or" && x.Bool {
		return BoolValue(true), nil
	}
	y, err := Eval(n.Y, env)
	if err != nil {
		return Value{}, err
	}
	switch n.Op {
	case "and", "or":
		return BoolValue(y.Bool), nil
	case "+":
		return NumberValue(x.Num.Add(y.Num)), nil
	case "-":
		return NumberValue(x.Num.Sub(y.Num)), nil
	case "*":
		return NumberValue(x.Num.Mul(y.Num)), nil
	case "/":
		if y.Num.IsZero() {
			return Value{}, &Error{Offset: n.At, Msg: ErrDivisionByZero.Error()}
		}
		return NumberValue(x.Num.DivRound(y.Num, DivisionDigits)), nil
	case "%":
		if y.Num.IsZero() {
			return Value{}, &Error{Offset: n.At, Msg: ErrDivisionByZero.Error()}
		}
		return NumberValue(x.Num.Mod(y.Num)), nil
	case "<":
		return BoolValue(x.Num.LessThan(y.Num)), nil
	case "<=":
		return BoolValue(x.Num.LessThanOrEqual(y.Num)), nil
	case ">":
		return BoolValue(x.Num.GreaterThan(y.Num)), nil
	case ">=":
		return BoolValue(x.Num.GreaterThanOrEqual(y.Num)), nil
	case "==":
		return BoolValue(equal(x, y)), nil
	case "!=":
		return BoolValue(!equal(x, y)), nil
	case "in":
		for _, it := range y.list {
			if equal(x, it) {
				return BoolValue(true), nil
			}
		}
		return BoolValue(false), nil
	case "has":
		return BoolValue(slices.Contains(x.Set, y.Str)), nil
	}
	return Value{}, errAt(n, "unknown operator %q", n.Op)
}

func equal(x, y Value) bool {
	if x.Type != y.Type {
		return false
	}
	switch x.Type {
	case NumberT:
		return x.Num.Equal(y.Num)
	case StringT:
		return x.Str == y.Str
	case BoolT:
		return x.Bool == y.Bool
	}
	return false
}

func evalCall(n *Call, env Env) (Value, error) {
	if n.Func == "if" {
		c, err := EvalBool(n.Args[0], env)
		if err != nil {
			return Value{}, err
		}
		if c {
			return Eval(n.Args[1], env)
		}
		return Eval(n.Args[2], env)
	}
	args := make([]Value, len(n.Args))
	for i, a := range n.Args {
		v, err := Eval(a, env)
		if err != nil {
			return Value{}, err
		}
		args[i] = v
	}
	switch n.Func {
	case "min", "max":
		best := args[0].Num
		for _, a := range args[1:] {
			if (n.Func == "min" && a.Num.LessThan(best)) || (n.Func == "max" && a.Num.GreaterThan(best)) {
				best = a.Num
			}
		}
		return NumberValue(best), nil
	case "abs":
		return NumberValue(args[0].Num.Abs()), nil
	case "round":
		places := int32(0)
		if len(args) == 2 {
			p := args[1].Num
			if p.LessThan(decimal.NewFromInt(-12)) || p.GreaterThan(decimal.NewFromInt(12)) || !p.IsInteger() {
				return Value{}, errAt(n, "round keeps -12 to 12 digits, not %s", p)
			}
			places = int32(p.IntPart())
		}
		return NumberValue(args[0].Num.Round(places)), nil
	case "floor":
		return NumberValue(args[0].Num.Floor()), nil
	case "ceil":
		return NumberValue(args[0].Num.Ceil()), nil
	case "clamp":
		v := args[0].Num
		if v.LessThan(args[1].Num) {
			v = args[1].Num
		}
		if v.GreaterThan(args[2].Num) {
			v = args[2].Num
		}
		return NumberValue(v), nil
	case "count":
		return NumberValue(decimal.NewFromInt(int64(len(args[0].Set)))), nil
	case "len":
		return NumberValue(decimal.NewFromInt(int64(len([]rune(args[0].Str))))), nil
	}
	return Value{}, errAt(n, "unknown function %q", n.Func)
}

// Inspect visits an expression depth-first: f is called for n and, when
// it returns true, for each of n's operands in order (as go/ast.Inspect).
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	switch n := n.(type) {
	case *List:
		for _, it := range n.Items {
			Inspect(it, f)
		}
	case *Unary:
		Inspect(n.X, f)
	case *Binary:
		Inspect(n.X, f)
		Inspect(n.Y, f)
	case *Call:
		for _, a := range n.Args {
			Inspect(a, f)
		}
	}
}

// Idents lists the names an expression uses, in order of first use.
func Idents(n Node) []string {
	var out []string
	Inspect(n, func(n Node) bool {
		if id, ok := n.(*Ident); ok && !slices.Contains(out, id.Name) {
			out = append(out, id.Name)
		}
		return true
	})
	return out
}
