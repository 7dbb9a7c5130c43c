package jsonnode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

const bom = "\xEF\xBB\xBF"

// show formats a position with its byte offset.
func show(p Pos) string { return fmt.Sprintf("%d:%d (byte %d)", p.Line, p.Col, p.Offset) }

// lookup follows path (object keys as strings, array indexes as ints) from n.
func lookup(t *testing.T, n *Node, path ...any) *Node {
	t.Helper()
	for _, step := range path {
		switch s := step.(type) {
		case string:
			next := n.Get(s)
			if next == nil {
				t.Fatalf("no key %q in %s at %s", s, n.Kind, n.Pos)
			}
			n = next
		case int:
			if n.Kind != Array || s >= len(n.Items) {
				t.Fatalf("no item %d in %s at %s", s, n.Kind, n.Pos)
			}
			n = n.Items[s]
		}
	}
	return n
}

func TestParsePositions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		path []any
		want Pos
	}{
		{"top-level scalar", `42`, nil, Pos{1, 1, 0}},
		{"top-level after spaces", "  \n\t true", nil, Pos{2, 3, 5}},
		{"object member", `{"a": 1}`, []any{"a"}, Pos{1, 7, 6}},
		{"second member", `{"a": 1, "b": [true]}`, []any{"b"}, Pos{1, 15, 14}},
		{"array item", `[10, 20, 30]`, []any{2}, Pos{1, 10, 9}},
		{
			name: "nested on later lines",
			src:  "{\n  \"a\": {\n    \"b\": [\n      null,\n      \"x\"\n    ]\n  }\n}",
			path: []any{"a", "b", 1},
			want: Pos{5, 7, 40},
		},
		{"two-byte key before value", `{"é": 1}`, []any{"é"}, Pos{1, 7, 7}},
		{"cyrillic key", `{"ключ": "значение"}`, []any{"ключ"}, Pos{1, 10, 13}},
		{"emoji before value counts one column", `["😀", 5]`, []any{1}, Pos{1, 7, 9}},
		{"CJK in earlier line does not shift later line", "[\"日本語\",\n 7]", []any{1}, Pos{2, 2, 15}},
		{"escaped text counts as written", `["\u00e9\n", 1]`, []any{1}, Pos{1, 14, 13}},
		{"tab is one column", "{\t\"a\":\t2}", []any{"a"}, Pos{1, 8, 7}},
		{"CRLF line endings", "{\r\n\"a\": 1,\r\n\"b\": 2\r\n}", []any{"b"}, Pos{3, 6, 17}},
		{"BOM is not a column", bom + `{"a": 1}`, []any{"a"}, Pos{1, 7, 9}},
		{"BOM: the document starts at 1:1", bom + `{"a": 1}`, nil, Pos{1, 1, 3}},
		{"BOM then newline", bom + "\n [1]", []any{0}, Pos{2, 3, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := Parse([]byte(tt.src))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			got := lookup(t, root, tt.path...).Pos
			if got != tt.want {
				t.Errorf("Parse(%q) %v: position = %s, want %s", tt.src, tt.path, show(got), show(tt.want))
			}
		})
	}
}

func TestParseKeyPositions(t *testing.T) {
	src := "{\n  \"größe\": 1, \"b\": {\"ü\": 2}\n}"
	root, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		m    Member
		want Pos
	}{
		{"first key", root.Members[0], Pos{2, 3, 4}},
		{"second key after multi-byte key", root.Members[1], Pos{2, 15, 18}},
		{"nested key", root.Members[1].Value.Members[0], Pos{2, 21, 24}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.m.KeyPos != tt.want {
				t.Errorf("key %q at %s, want %s", tt.m.Key, show(tt.m.KeyPos), show(tt.want))
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want any // as toAny renders the tree
	}{
		{"null", `null`, nil},
		{"booleans", `[true, false]`, []any{true, false}},
		{"number keeps its literal", `[1.50, -0, 2e3, 1E-2]`, []any{json.Number("1.50"), json.Number("-0"), json.Number("2e3"), json.Number("1E-2")}},
		{"simple escapes", `"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{"unicode escape", `"\u00e9\u20AC"`, "é€"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"raw multi-byte", `"日本"`, "日本"},
		{"DEL is allowed raw", "\"a\x7fb\"", "a\x7fb"},
		{"empty containers", `[{}, []]`, []any{map[string]any{}, []any{}}},
		{"same key in different objects", `[{"a": 1}, {"a": 2}]`, []any{map[string]any{"a": json.Number("1")}, map[string]any{"a": json.Number("2")}}},
		{"keys differing only by escapes are different", `{"a": 1, "\u0062": 2}`, map[string]any{"a": json.Number("1"), "b": json.Number("2")}},
		{"BOM", bom + `"x"`, "x"},
		{"tiny number underflows to zero", `1e-400`, json.Number("1e-400")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := Parse([]byte(tt.src))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if got := toAny(root); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) = %#v, want %#v", tt.src, got, tt.want)
			}
		})
	}
}

func TestParseMemberOrder(t *testing.T) {
	root, err := Parse([]byte(`{"z": 1, "a": 2, "m": 3}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range root.Members {
		got = append(got, m.Key)
	}
	if want := []string{"z", "a", "m"}; !reflect.DeepEqual(got, want) {
		t.Errorf("member order = %v, want %v", got, want)
	}
}

func TestParseNumberValue(t *testing.T) {
	root, err := Parse([]byte(`[649.90, -3, 1e2]`))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{649.90, -3, 100} {
		if got := root.Items[i].Num; got != want {
			t.Errorf("item %d (%s): Num = %v, want %v", i, root.Items[i].Raw, got, want)
		}
	}
}

func TestGet(t *testing.T) {
	root, err := Parse([]byte(`{"a": 1, "b": [2]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		n    *Node
		key  string
		want bool
	}{
		{"present", root, "a", true},
		{"absent", root, "c", false},
		{"on an array", root.Get("b"), "a", false},
		{"on nil", nil, "a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.n.Get(tt.key) != nil; got != tt.want {
				t.Errorf("Get(%q) found = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestParseLimitsAccept(t *testing.T) {
	tests := []struct {
		name string
		src  string
		lim  Limits
	}{
		{"depth exactly at the limit", `[[[1]]]`, Limits{MaxDepth: 3}},
		{"objects count as levels too", `{"a": [{"b": 1}]}`, Limits{MaxDepth: 3}},
		{"scalars do not count", `"x"`, Limits{MaxDepth: 1}},
		{"size exactly at the limit", `[1,2,3,4]`, Limits{MaxBytes: 9}},
		{"zero size limit means no size limit", strings.Repeat(" ", 1000) + "[]", Limits{}},
		{"zero depth limit means the default depth", strings.Repeat("[", 64) + strings.Repeat("]", 64), Limits{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseLimits([]byte(tt.src), tt.lim); err != nil {
				t.Errorf("ParseLimits(%q, %+v): %v, want success", tt.src, tt.lim, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	small := &Limits{MaxBytes: 1 << 10, MaxDepth: 3}
	tests := []struct {
		name    string
		src     string
		lim     *Limits // nil: DefaultLimits
		wantPos string
		wantMsg string
		bug     string // non-empty: a known bug; the case is skipped
	}{
		{name: "empty input", src: ``, wantPos: "1:1", wantMsg: "unexpected end of file: a value is missing"},
		{name: "only spaces", src: "  \n ", wantPos: "2:2", wantMsg: "unexpected end of file: a value is missing"},
		{name: "trailing comma in object", src: `{"a": 1,}`, wantPos: "1:9", wantMsg: "trailing comma before '}'"},
		{name: "trailing comma in array", src: `[1, 2,]`, wantPos: "1:7", wantMsg: "trailing comma before ']'"},
		{name: "trailing comma on its own line", src: "{\n  \"a\": 1,\n}", wantPos: "3:1", wantMsg: "trailing comma before '}'"},
		{name: "trailing comma after multi-byte text", src: `{"ключ": 1,}`, wantPos: "1:12", wantMsg: "trailing comma"},
		{name: "trailing comma after BOM", src: bom + `{"a": 1,}`, wantPos: "1:9", wantMsg: "trailing comma"},
		{name: "duplicate key", src: `{"a": 1, "a": 2}`, wantPos: "1:10", wantMsg: `duplicate key "a"`},
		{name: "duplicate key nested", src: "{\"ü\": {\n  \"x\": 1,\n  \"x\": 2}}", wantPos: "3:3", wantMsg: `duplicate key "x"`},
		{name: "duplicate key spelled with an escape", src: `{"b": 1, "\u0062": 2}`, wantPos: "1:10", wantMsg: `duplicate key "b"`},
		{name: "leading zero", src: `[01]`, wantPos: "1:3", wantMsg: "numbers must not have leading zeros"},
		{name: "negative leading zero", src: `{"n": -007}`, wantPos: "1:9", wantMsg: "leading zeros"},
		{name: "NaN", src: `[NaN]`, wantPos: "1:2", wantMsg: "NaN and Infinity are not JSON numbers"},
		{name: "Infinity", src: `{"x": Infinity}`, wantPos: "1:7", wantMsg: "NaN and Infinity are not JSON numbers"},
		{name: "minus Infinity", src: `-Infinity`, wantPos: "1:2", wantMsg: "unexpected 'I': expected a digit"},
		{name: "lone minus", src: `[-]`, wantPos: "1:3", wantMsg: "expected a digit"},
		{name: "no digit after point", src: `1.`, wantPos: "1:3", wantMsg: "expected a digit after the decimal point"},
		{name: "no digit in exponent", src: `1e+`, wantPos: "1:4", wantMsg: "expected a digit in the exponent"},
		{name: "number too large", src: `[1, 1e400]`, wantPos: "1:5", wantMsg: "number 1e400 is out of range"},
		{name: "hex number", src: `0x10`, wantPos: "1:2", wantMsg: "unexpected 'x' after the end of the document"},
		{name: "unclosed string", src: `{"a": "abc`, wantPos: "1:11", wantMsg: "unexpected end of file inside a string"},
		{name: "line break in string", src: "[\"ab\ncd\"]", wantPos: "1:5", wantMsg: `line break inside a string (write \n)`},
		{name: "unclosed object", src: `{"a": 1`, wantPos: "1:8", wantMsg: "the object opened at 1:1 is not closed"},
		{name: "unclosed array nested", src: "{\n  \"é\": [1, 2", wantPos: "2:13", wantMsg: "the array opened at 2:8 is not closed"},
		{name: "object ends after key", src: `{"a"`, wantPos: "1:5", wantMsg: `unexpected end of file: expected ':' after key "a"`},
		{name: "object ends after colon", src: `{"a":`, wantPos: "1:6", wantMsg: "unexpected end of file: a value is missing"},
		{name: "missing comma", src: `[1 2]`, wantPos: "1:4", wantMsg: "unexpected '2': expected ',' or ']'"},
		{name: "missing comma between members", src: `{"a": 1 "b": 2}`, wantPos: "1:9", wantMsg: "expected ',' or '}'"},
		{name: "unquoted key", src: `{a: 1}`, wantPos: "1:2", wantMsg: "unexpected 'a': expected a key in double quotes"},
		{name: "single quotes", src: `['a']`, wantPos: "1:2", wantMsg: "strings must be in double quotes"},
		{name: "comment", src: "[1, // one\n2]", wantPos: "1:5", wantMsg: "unexpected '/': expected a value"},
		{name: "misspelled literal", src: `[tru]`, wantPos: "1:2", wantMsg: "unexpected 't': expected a value"},
		{name: "two documents", src: "{}\n{}", wantPos: "2:1", wantMsg: "unexpected '{' after the end of the document"},
		{name: "bad escape", src: `["a\x"]`, wantPos: "1:4", wantMsg: `invalid escape \x in a string`},
		{name: "bad unicode escape", src: `["\u12G4"]`, wantPos: "1:3", wantMsg: `invalid \u escape in a string`},
		{name: "incomplete unicode escape", src: `"\u12`, wantPos: "1:2", wantMsg: `incomplete \u escape in a string`},
		{name: "escape at end of file", src: `"\`, wantPos: "1:2", wantMsg: "unexpected end of file inside a string"},
		{name: "unpaired high surrogate", src: `["\ud800"]`, wantPos: "1:3", wantMsg: `unpaired surrogate \uD800 in a string`},
		{name: "high surrogate followed by a non-surrogate", src: `["\ud800\u0041"]`, wantPos: "1:3", wantMsg: `unpaired surrogate \uD800`},
		{name: "lone low surrogate", src: `["\udc00"]`, wantPos: "1:3", wantMsg: `unpaired surrogate \uDC00`},
		{name: "invalid UTF-8 in string", src: "[\"ab\xffc\"]", wantPos: "1:5", wantMsg: "invalid UTF-8 byte 0xff inside a string"},
		{name: "truncated UTF-8 in string", src: "[\"\xc3\"]", wantPos: "1:3", wantMsg: "invalid UTF-8 byte 0xc3 inside a string"},
		{name: "overlong UTF-8 in string", src: "\"\xc0\xaf\"", wantPos: "1:2", wantMsg: "invalid UTF-8 byte 0xc0"},
		{name: "UTF-16 surrogate encoded in UTF-8", src: "\"\xed\xa0\x80\"", wantPos: "1:2", wantMsg: "invalid UTF-8 byte 0xed"},
		{name: "invalid UTF-8 outside strings", src: "[1, \xfe]", wantPos: "1:5", wantMsg: "unexpected byte 0xfe (not valid UTF-8): expected a value"},
		{name: "tab in string", src: "[\"a\tb\"]", wantPos: "1:4", wantMsg: "control character U+0009 inside a string"},
		{name: "NUL in string", src: "\"\x00\"", wantPos: "1:2", wantMsg: "control character U+0000 inside a string"},
		{name: "control character outside strings", src: "[\x01]", wantPos: "1:2", wantMsg: "unexpected control character U+0001: expected a value"},
		{name: "form feed is not JSON space", src: "[1,\f2]", wantPos: "1:4", wantMsg: "control character U+000C"},
		{name: "non-breaking space is not JSON space", src: "[1,\u00a02]", wantPos: "1:4", wantMsg: `unexpected '\u00a0': expected a value`},
		{name: "BOM in the middle", src: "[" + bom + "1]", wantPos: "1:2", wantMsg: `unexpected '\ufeff'`},
		{name: "too deep arrays", src: `[[[[1]]]]`, lim: small, wantPos: "1:4", wantMsg: "nesting is too deep (the limit is 3 levels)"},
		{name: "too deep objects", src: "{\"a\": {\"b\": {\n\"c\": {}}}}", lim: small, wantPos: "2:6", wantMsg: "nesting is too deep (the limit is 3 levels)"},
		{name: "too deep with default limits", src: strings.Repeat("[", 65) + strings.Repeat("]", 65), wantPos: "1:65", wantMsg: "the limit is 64 levels"},
		{name: "too large", src: strings.Repeat(" ", 1<<10) + "1", lim: small, wantPos: "1:1", wantMsg: "file is too large (1025 bytes; the limit is 1024)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.bug != "" {
				t.Skip("bug: " + tt.bug)
			}
			lim := DefaultLimits
			if tt.lim != nil {
				lim = *tt.lim
			}
			n, err := ParseLimits([]byte(tt.src), lim)
			if err == nil {
				t.Fatalf("ParseLimits(%q) = %s, want an error", tt.src, n.Kind)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseLimits(%q) error is %T, want *SyntaxError", tt.src, err)
			}
			if got := se.Pos.String(); got != tt.wantPos {
				t.Errorf("ParseLimits(%q) error at %s, want %s (%v)", tt.src, got, tt.wantPos, err)
			}
			if !strings.Contains(se.Msg, tt.wantMsg) {
				t.Errorf("ParseLimits(%q) error = %q, want it to contain %q", tt.src, se.Msg, tt.wantMsg)
			}
			if want := se.Pos.String() + ": " + se.Msg; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

// TestParseLongLine guards the promise of time linear in the input: a
// minified catalog is one long line, and positions must not be computed by
// rescanning that line for every value.
func TestParseLongLine(t *testing.T) {
	doc := []byte("[" + strings.Repeat(`{"a":"é","b":1},`, 1<<16) + "0]") // ~1 MB
	done := make(chan error, 1)
	go func() {
		_, err := Parse(doc)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("parsing %d bytes on one line took more than 10s", len(doc))
	}
}

func TestLocate(t *testing.T) {
	src := []byte("ab\nçd\n😀x")
	tests := []struct {
		name string
		off  int
		want Pos
	}{
		{"start", 0, Pos{1, 1, 0}},
		{"same line", 1, Pos{1, 2, 1}},
		{"newline itself", 2, Pos{1, 3, 2}},
		{"start of second line", 3, Pos{2, 1, 3}},
		{"after two-byte rune", 5, Pos{2, 2, 5}},
		{"after emoji", 11, Pos{3, 2, 11}},
		{"end", 12, Pos{3, 3, 12}},
		{"past the end is clamped", 99, Pos{3, 3, 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Locate(src, tt.off); got != tt.want {
				t.Errorf("Locate(%d) = %s, want %s", tt.off, show(got), show(tt.want))
			}
		})
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		k    Kind
		want string
	}{
		{Null, "null"}, {Bool, "a boolean"}, {Number, "a number"}, {String, "a string"},
		{Array, "an array"}, {Object, "an object"}, {Kind(99), "unknown"},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(tt.k), got, tt.want)
		}
	}
}

// toAny renders a tree as encoding/json decodes with UseNumber.
func toAny(n *Node) any {
	switch n.Kind {
	case Bool:
		return n.Bool
	case Number:
		return json.Number(n.Raw)
	case String:
		return n.Str
	case Array:
		out := make([]any, 0, len(n.Items))
		for _, it := range n.Items {
			out = append(out, toAny(it))
		}
		return out
	case Object:
		out := make(map[string]any, len(n.Members))
		for _, m := range n.Members {
			out[m.Key] = toAny(m.Value)
		}
		return out
	}
	return nil
}

// stdlibProfile describes a document that encoding/json accepts, in the
// terms where this parser is deliberately stricter.
type stdlibProfile struct {
	duplicateKeys bool
	depth         int
	numberRange   bool // a number does not fit a float64
	replacement   bool // a string holds U+FFFD: perhaps an unpaired surrogate escape
}

func profile(data []byte) (stdlibProfile, error) {
	var p stdlibProfile
	type frame struct {
		object    bool
		expectKey bool
		keys      map[string]bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return p, err
		}
		if tok == json.Delim('}') || tok == json.Delim(']') {
			stack = stack[:len(stack)-1]
			continue
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expectKey {
			key := tok.(string)
			if strings.ContainsRune(key, utf8.RuneError) {
				p.replacement = true
			}
			if top.keys[key] {
				p.duplicateKeys = true
			}
			top.keys[key] = true
			top.expectKey = false
			continue
		}
		// A value; in an object, a key comes next.
		if top != nil && top.object {
			top.expectKey = true
		}
		switch v := tok.(type) {
		case json.Delim:
			stack = append(stack, &frame{object: v == '{', expectKey: true, keys: map[string]bool{}})
			p.depth = max(p.depth, len(stack))
		case string:
			if strings.ContainsRune(v, utf8.RuneError) {
				p.replacement = true
			}
		case json.Number:
			if _, err := strconv.ParseFloat(string(v), 64); err != nil {
				p.numberRange = true
			}
		}
	}
}

func TestProfile(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want stdlibProfile
	}{
		{"flat", `{"a": 1, "b": 2}`, stdlibProfile{depth: 1}},
		{"duplicate", `{"a": 1, "a": 2}`, stdlibProfile{depth: 1, duplicateKeys: true}},
		{"value equal to key is not a duplicate", `{"a": "a", "b": "b"}`, stdlibProfile{depth: 1}},
		{"duplicate after nested value", `{"a": {"x": [1]}, "a": 2}`, stdlibProfile{depth: 3, duplicateKeys: true}},
		{"no duplicate across objects", `[{"a": 1}, {"a": 1}]`, stdlibProfile{depth: 2}},
		{"key after nested object", `{"a": {"b": 1}, "b": {"a": 1}}`, stdlibProfile{depth: 2}},
		{"range", `[1e999]`, stdlibProfile{depth: 1, numberRange: true}},
		{"surrogate", `["\ud800"]`, stdlibProfile{depth: 1, replacement: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := profile([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("profile(%q) = %+v, want %+v", tt.src, got, tt.want)
			}
		})
	}
}

// checkPositions verifies that every node's position names the first byte of
// its value, and that line and column agree with the byte offset.
func checkPositions(t *testing.T, data []byte, n *Node) {
	t.Helper()
	var walk func(n *Node)
	walk = func(n *Node) {
		checkPos(t, data, n.Pos, "value")
		if n.Pos.Offset >= len(data) {
			t.Fatalf("value at %s: offset past the end (%d bytes)", show(n.Pos), len(data))
		}
		c := data[n.Pos.Offset]
		ok := false
		switch n.Kind {
		case Null:
			ok = c == 'n'
		case Bool:
			ok = c == 't' || c == 'f'
		case Number:
			ok = c == '-' || c >= '0' && c <= '9'
			if !bytes.HasPrefix(data[n.Pos.Offset:], []byte(n.Raw)) {
				t.Errorf("number at %s: Raw %q is not the source text", show(n.Pos), n.Raw)
			}
		case String:
			ok = c == '"'
		case Array:
			ok = c == '['
		case Object:
			ok = c == '{'
		}
		if !ok {
			t.Errorf("%s at %s starts with %q", n.Kind, show(n.Pos), c)
		}
		for _, it := range n.Items {
			walk(it)
		}
		for _, m := range n.Members {
			checkPos(t, data, m.KeyPos, "key")
			if m.KeyPos.Offset >= len(data) || data[m.KeyPos.Offset] != '"' {
				t.Errorf("key %q at %s does not start with a quote", m.Key, show(m.KeyPos))
			}
			walk(m.Value)
		}
	}
	walk(n)
}

// checkPos verifies that p's line and column agree with its byte offset.
func checkPos(t *testing.T, data []byte, p Pos, what string) {
	t.Helper()
	want := Locate(data, p.Offset)
	if want.Line == 1 && bytes.HasPrefix(data, []byte(bom)) && p.Offset >= 3 {
		want.Col-- // the BOM is not a column
	}
	if p != want {
		t.Errorf("%s at %s, but its offset is at %s", what, show(p), show(want))
	}
}

var fuzzSeeds = []string{
	``,
	`null`,
	`{"a": [1, 2.5e3, -0.1, true, false, null, "x\u00e9\ud83d\ude00"]}`,
	"{\n  \"name\": \"Schreibtisch\",\n  \"größe\": [600, 2000]\n}",
	bom + `{"a": 1}`,
	`{"a": 1,}`,
	`[1, 2,]`,
	`{"a": 1, "a": 2}`,
	`[01]`,
	`[NaN]`,
	`"abc`,
	`{"a": {"b": [`,
	`["\x"]`,
	`["\ud800"]`,
	`["\ud800\udc00"]`,
	"[\"\xff\"]",
	"[\"\x01\"]",
	`[1e400]`,
	`[1e-400]`,
	strings.Repeat("[", 64) + strings.Repeat("]", 64),
	strings.Repeat("[", 65) + strings.Repeat("]", 65),
	`{"a": "\"\\\/\b\f\n\r\t"}`,
	"[1,\r\n 2]",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse(data)
		body := bytes.TrimPrefix(data, []byte(bom))
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error is %T, want *SyntaxError: %v", err, err)
			}
			if se.Pos.Line < 1 || se.Pos.Col < 1 || se.Pos.Offset < 0 || se.Pos.Offset > len(data) {
				t.Fatalf("error at an impossible position %s (input %d bytes): %v", show(se.Pos), len(data), err)
			}
			checkPos(t, data, se.Pos, "error")
			if se.Msg == "" {
				t.Fatal("error without a message")
			}
			// Where we are stricter than encoding/json, we must be so on purpose.
			if !json.Valid(data) || !utf8.Valid(data) {
				return
			}
			p, perr := profile(data)
			if perr != nil {
				t.Fatalf("json.Valid accepts %q but its decoder fails: %v", data, perr)
			}
			if p.duplicateKeys || p.depth > DefaultLimits.MaxDepth || p.numberRange || p.replacement {
				return
			}
			t.Fatalf("Parse(%q) = %v, but encoding/json accepts it (%+v)", data, err, p)
		}
		if n == nil {
			t.Fatal("Parse returned neither a node nor an error")
		}
		if !json.Valid(body) {
			t.Fatalf("Parse(%q) succeeded, but encoding/json rejects it", data)
		}
		if !utf8.Valid(body) {
			t.Fatalf("Parse(%q) accepted invalid UTF-8", data)
		}
		p, err := profile(body)
		if err != nil {
			t.Fatal(err)
		}
		if p.duplicateKeys || p.depth > DefaultLimits.MaxDepth || p.numberRange {
			t.Fatalf("Parse(%q) accepted what it promises to reject: %+v", data, p)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if got := toAny(n); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %#v, encoding/json gives %#v", data, got, want)
		}
		checkPositions(t, data, n)
	})
}

func BenchmarkParse(b *testing.B) {
	var doc strings.Builder
	doc.WriteString("[\n")
	for i := range 1000 {
		fmt.Fprintf(&doc, "  {\"id\": \"opt-%d\", \"name\": {\"en\": \"Oak\", \"de\": \"Eiche\"}, \"price\": %d.50},\n", i, i)
	}
	doc.WriteString("  null\n]")
	data := []byte(doc.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
