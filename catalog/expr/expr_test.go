package expr

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// testScope is a product with one feature of each kind.
var testScope = Scope{
	"width":  {Type: NumberT, What: "feature"},
	"height": {Type: NumberT, What: "feature"},
	"frame":  {Type: StringT, Options: []string{"wood", "steel"}, What: "feature"},
	"extras": {Type: SetT, Options: []string{"a", "b"}, What: "feature"},
	"label":  {Type: StringT, What: "feature"},
}

// testEnv is one configuration of testScope's product.
func testEnv(name string) (Value, bool) {
	switch name {
	case "width":
		return NumberValue(decimal.NewFromInt(1200)), true
	case "height":
		return NumberValue(decimal.RequireFromString("740.5")), true
	case "frame":
		return StringValue("steel"), true
	case "extras":
		return SetValue([]string{"a"}), true
	case "label":
		return StringValue("Ab ç"), true
	}
	return Value{}, false
}

// asError returns err as an *Error, failing the test if it is not one.
func asError(t *testing.T, src string, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%q: error %v is %T, want *Error", src, err, err)
	}
	return e
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		wantOffset int
		wantMsg    string
	}{
		{"empty", ``, 0, "expression is empty"},
		{"only spaces", "  \t\n", 0, "expression is empty"},
		{"too long", strings.Repeat("1", MaxLength+1), 0, "expression is too long (4097 bytes; the limit is 4096)"},
		{"ends after operator", `width +`, 7, "expression ends too early: a value is missing"},
		{"ends after comparison", `width >=`, 8, "a value is missing"},
		{"single equals", `width = 3`, 6, "use == to compare"},
		{"unknown character", `width # 3`, 6, `unexpected character '#'`},
		{"non-ASCII character", `width × 3`, 6, `unexpected character '×'`},
		{"unclosed string", `frame == "wood`, 9, "string is not closed"},
		{"unclosed single-quoted string", `frame == 'wood"`, 9, "string is not closed"},
		{"unclosed parenthesis", `(width + 1`, 10, `unexpected end of expression: expected ')'`},
		{"unclosed call", `min(1, 2`, 8, `unexpected end of expression: expected ',' or ')'`},
		{"unclosed list", `frame in ["wood"`, 16, `expected ',' or ']'`},
		{"missing argument", `min(1, , 2)`, 7, `unexpected ",": expected a value`},
		{"two points", `1.2.3`, 0, `"1.2.3" is not a number`},
		{"number too large", `width < 1e16`, 8, "number 1e16 is out of range"},
		{"two values", `width height`, 6, `unexpected "height"`},
		{"two numbers", `1 .5`, 2, "unexpected number .5"},
		{"keyword without operand", `and width`, 0, `unexpected "and": a value is missing`},
		{"operator after operator", `width * / 2`, 8, `unexpected "/": expected a value`},
		{"closing parenthesis alone", `)`, 0, `unexpected ")": expected a value`},
		{"offsets count characters, not bytes", `"ünïcødé" == x )`, 15, `unexpected ")"`},
		{"offset after an escaped quote", `'it\'s' x`, 8, `unexpected "x"`},
		{"chained comparison", `1 < width < 3`, 10, `comparisons cannot be chained: use "and" before "<"`},
		{"chained equality", `frame == "wood" == true`, 16, `comparisons cannot be chained: use "and" before "=="`},
		{"chained in", `width in [1] in [true]`, 13, `before "in"`},
		{"too deep parentheses", strings.Repeat("(", MaxDepth+1) + "1" + strings.Repeat(")", MaxDepth+1), MaxDepth, "expression is nested too deeply (the limit is 48)"},
		{"too deep negation", strings.Repeat("-", MaxDepth+1) + "1", MaxDepth, "nested too deeply"},
		{"too deep not", strings.Repeat("not ", MaxDepth+1) + "true", 4 * MaxDepth, "nested too deeply"},
		{"too deep calls", strings.Repeat("abs(", MaxDepth+1) + "1" + strings.Repeat(")", MaxDepth+1), 4 * MaxDepth, "nested too deeply"},
		{"too deep lists", "1 in " + strings.Repeat("[", MaxDepth+1), 5 + MaxDepth, "nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.src)
			if err == nil {
				t.Fatalf("Parse(%q) = %#v, want an error", tt.src, n)
			}
			e := asError(t, tt.src, err)
			if e.Offset != tt.wantOffset {
				t.Errorf("Parse(%q) error at offset %d, want %d (%s)", tt.src, e.Offset, tt.wantOffset, e.Msg)
			}
			if !strings.Contains(e.Msg, tt.wantMsg) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.src, e.Msg, tt.wantMsg)
			}
		})
	}
}

func TestParseLimitsAccept(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"longest", strings.Repeat(" ", MaxLength-1) + "1"},
		{"deepest parentheses", strings.Repeat("(", MaxDepth) + "1" + strings.Repeat(")", MaxDepth)},
		{"long flat chains are not deep", strings.Repeat("1 + ", 1000) + "1"},
		{"largest number", "999999999999999"},
		{"largest number with a fraction", "1000000000000000.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.src); err != nil {
				t.Errorf("Parse(%.40q…): %v, want success", tt.src, err)
			}
		})
	}
}

// TestParseHugeExponent: a literal's exponent may have up to 10 digits, and
// comparing such a number with the largest allowed one builds 10^exponent.
func TestParseHugeExponent(t *testing.T) {
	for _, src := range []string{"1e999999999", "1e-999999999", "0e999999999", "width > 0.5e-2147483647"} {
		t.Run(src, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Parse(src)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil && !strings.HasPrefix(src, "0e") {
					t.Errorf("Parse(%q) succeeded, want an out-of-range error", src)
				}
			case <-time.After(2 * time.Second):
				t.Fatalf("Parse(%q) took more than 2s", src)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want Type
	}{
		{"rule", `width <= 1600 or frame != "wood"`, BoolT},
		{"formula", `width / 1000 * 85`, NumberT},
		{"feature name", `label`, StringT},
		{"multi feature", `extras`, SetT},
		{"option on the left", `"wood" == frame`, BoolT},
		{"in list of options", `frame in ["wood", 'steel']`, BoolT},
		{"text feature takes any text", `label == "anything"`, BoolT},
		{"has", `extras has "b"`, BoolT},
		{"count", `count(extras) > 1`, BoolT},
		{"len", `len(label) <= 20`, BoolT},
		{"if of numbers", `if(frame == "wood", 10, 20)`, NumberT},
		{"if of texts", `if(true, "a", label)`, StringT},
		{"if of conditions", `if(true, false, width > 1)`, BoolT},
		{"functions", `clamp(round(width / 3, 2), min(height, 10), max(1, 2, 3)) + abs(-1) + floor(1.5) + ceil(1.5)`, NumberT},
		{"not", `not (extras has "a") and !false`, BoolT},
		{"symbolic operators", `true && false || !true`, BoolT},
		{"empty list", `width in []`, BoolT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			got, err := Check(n, testScope)
			if err != nil {
				t.Fatalf("Check(%q): %v", tt.src, err)
			}
			if got != tt.want {
				t.Errorf("Check(%q) = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		wantOffset int
		wantMsg    string
		notMsg     string // must not appear
	}{
		{name: "unknown name with suggestion", src: `widht > 1000`, wantOffset: 0, wantMsg: `unknown name "widht" (did you mean "width"?)`},
		{name: "unknown name later in the expression", src: `width > 1 and fraem == "wood"`, wantOffset: 14, wantMsg: `unknown name "fraem" (did you mean "frame"?)`},
		{name: "unknown name without suggestion", src: `zzzzzz > 1`, wantOffset: 0, wantMsg: `unknown name "zzzzzz"`, notMsg: "did you mean"},
		{name: "option literal not an option", src: `frame == "oak"`, wantOffset: 9, wantMsg: `"oak" is not an option of "frame" (its options: wood, steel)`},
		{name: "option literal on the left", src: `"oak" != frame`, wantOffset: 0, wantMsg: `"oak" is not an option of "frame"`},
		{name: "option literal in a list", src: `frame in ["wood", "oak"]`, wantOffset: 18, wantMsg: `"oak" is not an option of "frame"`},
		{name: "option literal after multi-byte text", src: `label != "ß" and frame == "öak"`, wantOffset: 26, wantMsg: `"öak" is not an option of "frame"`},
		{name: "has option literal", src: `extras has "c"`, wantOffset: 11, wantMsg: `"c" is not an option of "extras" (its options: a, b)`},
		{name: "has on a number", src: `width has "a"`, wantOffset: 6, wantMsg: `"has" needs a multi feature on its left, not a number`},
		{name: "has on a choice", src: `frame has "wood"`, wantOffset: 6, wantMsg: `"has" needs a multi feature on its left, not a text`},
		{name: "has with a number", src: `extras has 1`, wantOffset: 7, wantMsg: `"has" needs an option id on its right, not a number`},
		{name: "too few arguments", src: `clamp(width, 1)`, wantOffset: 0, wantMsg: "clamp takes 3 arguments, not 2"},
		{name: "too many arguments", src: `1 + round(1, 2, 3)`, wantOffset: 4, wantMsg: "round takes 1 to 2 arguments, not 3"},
		{name: "no arguments", src: `min()`, wantOffset: 0, wantMsg: "min takes 1 to 16 arguments, not 0"},
		{name: "seventeen arguments", src: `max(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17)`, wantOffset: 0, wantMsg: "max takes 1 to 16 arguments, not 17"},
		{name: "if with two arguments", src: `if(true, 1)`, wantOffset: 0, wantMsg: "if takes 3 arguments, not 2"},
		{name: "count with two arguments", src: `count(extras, extras)`, wantOffset: 0, wantMsg: "count takes 1 arguments, not 2"},
		{name: "unknown function", src: `sqrt(width)`, wantOffset: 0, wantMsg: `unknown function "sqrt"`},
		{name: "argument of the wrong type", src: `count(frame)`, wantOffset: 6, wantMsg: "count needs a set of options, not a text"},
		{name: "len of a number", src: `len(width)`, wantOffset: 4, wantMsg: "len needs a text, not a number"},
		{name: "min of a condition", src: `min(1, true)`, wantOffset: 7, wantMsg: "min needs a number, not a condition (true or false)"},
		{name: "if without a condition", src: `if(width, 1, 2)`, wantOffset: 3, wantMsg: "if needs a condition first, not a number"},
		{name: "if of different kinds", src: `if(true, 1, "a")`, wantOffset: 0, wantMsg: "if needs two values of the same kind, not a number and a text"},
		{name: "if of sets", src: `if(true, extras, extras)`, wantOffset: 0, wantMsg: "if needs two values of the same kind"},
		{name: "adding a text", src: `width + frame`, wantOffset: 6, wantMsg: `"+" needs numbers, not a number and a text`},
		{name: "and of numbers", src: `width and true`, wantOffset: 6, wantMsg: `"and" joins conditions, not a number and a condition (true or false)`},
		{name: "or spelled ||", src: `true || 1`, wantOffset: 5, wantMsg: `"or" joins conditions`},
		{name: "not of a number", src: `not width`, wantOffset: 0, wantMsg: `"not" needs a condition, not a number`},
		{name: "minus of a text", src: `-frame`, wantOffset: 0, wantMsg: `"-" needs a number, not a text`},
		{name: "ordering texts", src: `frame < "wood"`, wantOffset: 6, wantMsg: `"<" compares numbers, not a text and a text`},
		{name: "comparing a text with a number", src: `frame == 3`, wantOffset: 6, wantMsg: `"==" cannot compare a text with a number`},
		{name: "comparing sets", src: `extras == extras`, wantOffset: 7, wantMsg: `"==" cannot compare a set of options with a set of options`},
		{name: "comparing lists", src: `[1] != [1]`, wantOffset: 4, wantMsg: `"!=" cannot compare a list with a list`},
		{name: "in without a list", src: `width in 3`, wantOffset: 6, wantMsg: `"in" needs a list on its right`},
		{name: "in on a set", src: `extras in ["a"]`, wantOffset: 7, wantMsg: `"in" tests a number or a text, not a set of options`},
		{name: "list of mixed kinds", src: `width in [1, "a"]`, wantOffset: 13, wantMsg: "the list holds a text but is tested with a number"},
		{name: "list of conditions", src: `[true]`, wantOffset: 1, wantMsg: "a list holds numbers or texts, not a condition (true or false)"},
		{name: "error inside a list", src: `width in [1, widht]`, wantOffset: 13, wantMsg: `unknown name "widht"`},
		{name: "error inside a call", src: `max(1, heigth)`, wantOffset: 7, wantMsg: `(did you mean "height"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			typ, err := Check(n, testScope)
			if err == nil {
				t.Fatalf("Check(%q) = %s, want an error", tt.src, typ)
			}
			e := asError(t, tt.src, err)
			if e.Offset != tt.wantOffset {
				t.Errorf("Check(%q) error at offset %d, want %d (%s)", tt.src, e.Offset, tt.wantOffset, e.Msg)
			}
			if !strings.Contains(e.Msg, tt.wantMsg) {
				t.Errorf("Check(%q) error = %q, want it to contain %q", tt.src, e.Msg, tt.wantMsg)
			}
			if tt.notMsg != "" && strings.Contains(e.Msg, tt.notMsg) {
				t.Errorf("Check(%q) error = %q, want it not to contain %q", tt.src, e.Msg, tt.notMsg)
			}
		})
	}
}

func TestSuggestionIsDeterministic(t *testing.T) {
	scope := Scope{"ab": {Type: NumberT}, "ac": {Type: NumberT}, "ad": {Type: NumberT}}
	n, err := Parse("aa > 1")
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		_, err := Check(n, scope)
		if got, want := err.Error(), `unknown name "aa" (did you mean "ab"?)`; got != want {
			t.Fatalf("Check = %q, want %q", got, want)
		}
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // Value.String of the result
	}{
		{"multiplication before addition", `1 + 2 * 3`, "7"},
		{"parentheses", `(1 + 2) * 3`, "9"},
		{"subtraction is left-associative", `10 - 4 - 3`, "3"},
		{"division is left-associative", `12 / 2 / 3`, "2"},
		{"remainder binds like product", `2 * 3 % 4`, "2"},
		{"unary minus", `-2 * 3`, "-6"},
		{"double minus", `- -2`, "2"},
		{"minus of a feature", `-width + 1`, "-1199"},
		{"and before or", `true or false and false`, "true"},
		{"not before and", `not false and false`, "false"},
		{"comparison before and", `1 + 2 == 3 and 2 > 1`, "true"},
		{"exact decimals", `0.1 + 0.2`, "0.3"},
		{"exact decimal equality", `0.1 + 0.2 == 0.3`, "true"},
		{"exact subtraction", `1 - 0.9`, "0.1"},
		{"trailing zeros do not matter", `1.50 == 1.5`, "true"},
		{"exponent literal", `2.5e3 + 1E-2`, "2500.01"},
		{"leading point", `.5 + 1`, "1.5"},
		{"money", `19.99 * 3`, "59.97"},
		{"division keeps 12 digits", `1 / 3`, "0.333333333333"},
		{"division rounds the last digit", `2 / 3`, "0.666666666667"},
		{"division then multiplication", `1 / 3 * 3`, "0.999999999999"},
		{"exact division", `width / 1000 * 85`, "102"},
		{"remainder", `7 % 3`, "1"},
		{"remainder of a negative", `-7 % 3`, "-1"},
		{"decimal remainder", `5 % 0.3`, "0.2"},
		{"min", `min(3, 1, 2)`, "1"},
		{"max", `max(3, 1, height)`, "740.5"},
		{"min of one", `min(5)`, "5"},
		{"abs", `abs(-2.5)`, "2.5"},
		{"round half away from zero", `round(2.5)`, "3"},
		{"round negative half", `round(-2.5)`, "-3"},
		{"round to digits", `round(1.2345, 2)`, "1.23"},
		{"round to tens", `round(1234, -2)`, "1200"},
		{"floor", `floor(-1.5)`, "-2"},
		{"ceil", `ceil(1.2)`, "2"},
		{"clamp above", `clamp(width, 0, 1000)`, "1000"},
		{"clamp below", `clamp(-5, 0, 10)`, "0"},
		{"clamp inside", `clamp(5, 0, 10)`, "5"},
		{"if true", `if(frame == "steel", 1, 2)`, "1"},
		{"if false", `if(frame == "wood", 1, 2)`, "2"},
		{"if of texts", `if(false, "a", label)`, `"Ab ç"`},
		{"count", `count(extras)`, "1"},
		{"len counts characters", `len(label)`, "4"},
		{"len of a literal", `len("日本")`, "2"},
		{"in a list of options", `frame in ["wood", "steel"]`, "true"},
		{"not in a list", `frame in ["wood"]`, "false"},
		{"in a list of numbers", `width in [1000, 1200.0]`, "true"},
		{"in an empty list", `width in []`, "false"},
		{"has chosen", `extras has "a"`, "true"},
		{"has not chosen", `extras has "b"`, "false"},
		{"text equality", `label == "Ab ç"`, "true"},
		{"text inequality", `"a" != 'b'`, "true"},
		{"condition equality", `(width > 1) == true`, "true"},
		{"comparisons", `width >= 1200 and width <= 1200 and not (width < 1200) and not (width > 1200)`, "true"},
		{"false and skips division by zero", `false and 1 / 0 > 0`, "false"},
		{"true or skips division by zero", `true or 1 / 0 > 0`, "true"},
		{"if evaluates one branch", `if(true, 1, 1 / 0)`, "1"},
		{"feature", `frame`, `"steel"`},
		{"set", `extras`, "[a]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			typ, err := Check(n, testScope)
			if err != nil {
				t.Fatalf("Check(%q): %v", tt.src, err)
			}
			v, err := Eval(n, testEnv)
			if err != nil {
				t.Fatalf("Eval(%q): %v", tt.src, err)
			}
			if got := v.String(); got != tt.want {
				t.Errorf("Eval(%q) = %s, want %s", tt.src, got, tt.want)
			}
			if v.Type != typ {
				t.Errorf("Eval(%q) is %s, but Check said %s", tt.src, v.Type, typ)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		wantOffset int
		wantMsg    string
		bug        string
	}{
		{name: "division by zero", src: `1 / 0`, wantOffset: 2, wantMsg: "division by zero"},
		{name: "division by a computed zero", src: `width + 1 / (width - 1200)`, wantOffset: 10, wantMsg: "division by zero"},
		{name: "remainder by zero", src: `width % 0.0`, wantOffset: 6, wantMsg: "division by zero"},
		{name: "and does not skip when true", src: `true and 1 / 0 > 0`, wantOffset: 11, wantMsg: "division by zero"},
		{name: "in a function argument", src: `max(1, 2 / 0)`, wantOffset: 9, wantMsg: "division by zero"},
		{name: "in the chosen branch", src: `if(false, 1, 1 / 0)`, wantOffset: 15, wantMsg: "division by zero"},
		{name: "in a list", src: `1 in [1 / 0]`, wantOffset: 8, wantMsg: "division by zero"},
		{name: "in a condition of if", src: `if(1 / 0 > 1, 1, 2)`, wantOffset: 5, wantMsg: "division by zero"},
		{name: "round to too many digits", src: `round(1, 13)`, wantOffset: 0, wantMsg: "round keeps -12 to 12 digits, not 13"},
		{name: "round to too few digits", src: `round(1, -13)`, wantOffset: 0, wantMsg: "round keeps -12 to 12 digits, not -13"},
		{name: "round to more digits than an int64 holds", src: `round(1.5, 4294967296 * 4294967296 + 5)`, wantOffset: 0, wantMsg: "round keeps -12 to 12 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.bug != "" {
				t.Skip("bug: " + tt.bug)
			}
			n, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if _, err := Check(n, testScope); err != nil {
				t.Fatalf("Check(%q): %v", tt.src, err)
			}
			v, err := Eval(n, testEnv)
			if err == nil {
				t.Fatalf("Eval(%q) = %s, want an error", tt.src, v)
			}
			e := asError(t, tt.src, err)
			if e.Offset != tt.wantOffset {
				t.Errorf("Eval(%q) error at offset %d, want %d (%s)", tt.src, e.Offset, tt.wantOffset, e.Msg)
			}
			if !strings.Contains(e.Msg, tt.wantMsg) {
				t.Errorf("Eval(%q) error = %q, want it to contain %q", tt.src, e.Msg, tt.wantMsg)
			}
		})
	}
}

func TestEvalMissingValue(t *testing.T) {
	n, err := Parse("1 + width")
	if err != nil {
		t.Fatal(err)
	}
	empty := func(string) (Value, bool) { return Value{}, false }
	_, err = Eval(n, empty)
	if e := asError(t, "1 + width", err); e.Offset != 4 || !strings.Contains(e.Msg, `no value for "width"`) {
		t.Errorf("Eval with no values: error %q at %d, want `no value for \"width\"` at 4", e.Msg, e.Offset)
	}
}

func TestEvalBoolAndNumber(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		asBool  bool
		want    string
		wantErr string
	}{
		{name: "condition", src: `width > 1000`, asBool: true, want: "true"},
		{name: "number", src: `width / 2`, want: "600"},
		{name: "number where a condition is expected", src: `width`, asBool: true, wantErr: "expected a condition, got a number"},
		{name: "condition where a number is expected", src: `true`, wantErr: "expected a number, got a condition (true or false)"},
		{name: "error passes through EvalBool", src: `1 / 0 > 1`, asBool: true, wantErr: "division by zero"},
		{name: "error passes through EvalNumber", src: `1 / 0`, wantErr: "division by zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if tt.asBool {
				var b bool
				b, err = EvalBool(n, testEnv)
				got = BoolValue(b).String()
			} else {
				var d decimal.Decimal
				d, err = EvalNumber(n, testEnv)
				got = d.String()
			}
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("%q: error %v, want one containing %q", tt.src, err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Errorf("%q: %v", tt.src, err)
			case tt.wantErr == "" && got != tt.want:
				t.Errorf("%q = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestIdents(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"none", `1 + 2`, nil},
		{"in order of first use", `height + clamp(width, height, 3) > 0 and frame in ["wood"] and not (extras has "a")`, []string{"height", "width", "frame", "extras"}},
		{"inside lists", `1 in [width, height]`, []string{"width", "height"}},
		{"function names are not idents", `min(1)`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := Idents(n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Idents(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"wood", "wood", 0},
		{"widht", "width", 2},
		{"kitten", "sitting", 3},
		{"héllo", "hello", 1},
		{"colour", "color", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestOffset(t *testing.T) {
	n, err := Parse(`  width + 1`)
	if err != nil {
		t.Fatal(err)
	}
	if got := Offset(n); got != 8 {
		t.Errorf("Offset of the sum = %d, want 8 (the operator)", got)
	}
	if got := Offset(n.(*Binary).X); got != 2 {
		t.Errorf("Offset of width = %d, want 2", got)
	}
}

func FuzzParseCheckEval(f *testing.F) {
	for _, s := range []string{
		`width <= 1600 or frame != "wood"`,
		`width / 1000 * 85`,
		`0.1 + 0.2 == 0.3`,
		`false and 1 / 0 > 0`,
		`if(frame == "wood", round(width / 3, 2), clamp(width, 0, 100))`,
		`extras has "a" and count(extras) < 2`,
		`len(label) > 3 or label in ["x", 'y']`,
		`frame in ["wood", "steel"]`,
		`min(1, 2, 3) + max(width) % 7 - abs(-1) * floor(1.5) / ceil(0.2)`,
		`not (width > 1) && !true || false`,
		`round(1.5, -2)`,
		`"ünï" == label`,
		`1 < 2 < 3`,
		`widht`,
		strings.Repeat("(", 50) + "1" + strings.Repeat(")", 50),
		`1e15 * 1e15 * 1e15 / 0.000001`,
		`'it\'s'`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 512 {
			t.Skip()
		}
		n, err := Parse(src)
		if err != nil {
			e := asError(t, src, err)
			if e.Offset < 0 || e.Offset > utf8.RuneCountInString(src) {
				t.Fatalf("Parse(%q): error offset %d outside the source (%s)", src, e.Offset, e.Msg)
			}
			return
		}
		if n == nil {
			t.Fatalf("Parse(%q) returned neither a node nor an error", src)
		}
		typ, err := Check(n, testScope)
		if err != nil {
			e := asError(t, src, err)
			if e.Offset < 0 || e.Offset > utf8.RuneCountInString(src) {
				t.Fatalf("Check(%q): error offset %d outside the source (%s)", src, e.Offset, e.Msg)
			}
			return
		}
		if typ == Invalid {
			t.Fatalf("Check(%q) succeeded with an invalid type", src)
		}
		for _, name := range Idents(n) {
			if _, ok := testScope[name]; !ok {
				t.Fatalf("Check(%q) accepted the unknown name %q", src, name)
			}
		}
		v, err := Eval(n, testEnv)
		if err != nil {
			asError(t, src, err)
			return
		}
		if v.Type != typ {
			t.Fatalf("Eval(%q) is %s, but Check said %s", src, v.Type, typ)
		}
	})
}

func BenchmarkEval(b *testing.B) {
	src := `if(frame == "wood", round(width / 1000 * 85 + count(extras) * 12.5, 2), clamp(width, 0, 1600) * 0.05) > 100 and extras has "a"`
	n, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Check(n, testScope); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Eval(n, testEnv); err != nil {
			b.Fatal(err)
		}
	}
}
