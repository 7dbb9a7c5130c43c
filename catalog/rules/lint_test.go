package rules

import (
	"fmt"
	"strings"
	"testing"
)

// lintProduct writes a product with a number feature n (1 to 3000, step 1),
// a choice c (a, b), the given rules, price rules and parts.
func lintProduct(rules, pricing, parts string) string {
	return fmt.Sprintf(`{"format": "atelier-catalog/1", "id": "gen", "version": "1", "name": "Generated",
 "manufacturer": {"id": "m", "name": "M"}, "currency": "EUR", "units": "mm", "validFrom": "2026-01-01",
 "materials": [{"id": "m", "name": "M", "color": "#888", "finish": "matte"}],
 "products": [{"id": "p", "name": "P", "sku": "P", "basePrice": "100",
   "features": [{"id": "n", "kind": "number", "name": "N", "min": 1, "max": 3000, "step": 1, "default": 4, "unit": "mm"},
     {"id": "c", "kind": "choice", "name": "C", "options": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}],
   "rules": [%s], "pricing": [%s],
   "geometry": {"parts": [{"id": "body", "shape": "box", "size": [10, 10, 10], "position": [0, 0, 0], "material": "m"}%s]}}]}`, rules, pricing, parts)
}

func TestLintPricesAndRepeats(t *testing.T) {
	tests := []struct {
		name, rules, pricing, parts string
		want                        []string // substrings of the findings wanted ("" entries: none)
	}{
		{name: "constant divisor zero",
			pricing: `{"id": "per", "kind": "formula", "label": "Per", "amount": "n / 0"}`,
			want:    []string{`price rule "per" divides by zero: its divisor is always 0`}},
		{name: "divisor zero over every allowed value",
			rules:   `{"id": "only-a", "kind": "constraint", "expr": "c == 'a'", "message": "Only A."}`,
			pricing: `{"id": "per", "kind": "surcharge", "label": "Per", "when": "n > 1", "amount": "10 / if(c == 'a', 0, 1)"}`,
			want:    []string{`price rule "per" divides by zero: its divisor is 0 for every value the rules allow`}},
		{name: "modulo by zero",
			pricing: `{"id": "mod", "kind": "formula", "label": "Mod", "amount": "n % (n - n)"}`,
			want:    []string{`price rule "mod" divides by zero`}},
		{name: "divisor zero only for some values",
			pricing: `{"id": "per", "kind": "formula", "label": "Per", "amount": "10 / if(c == 'a', 0, 1)"}`},
		{name: "divisor of quantity",
			pricing: `{"id": "setup", "kind": "formula", "label": "Setup", "amount": "120 / quantity"}`},
		{name: "repeat beyond the limit",
			parts: `, {"id": "slat", "shape": "box", "size": [1, 1, 1], "position": ["i", 0, 0], "material": "m", "repeat": {"count": "n"}}`,
			want:  []string{`part "slat" is repeated 3000 times with n=3000; a product draws at most 2000 parts`}},
		{name: "repeat beyond the limit only where the rules forbid it",
			rules: `{"id": "small", "kind": "constraint", "expr": "n <= 2000 or c == 'b'", "message": "Small."}, {"id": "not-b", "kind": "constraint", "expr": "c == 'a'", "message": "A."}`,
			parts: `, {"id": "slat", "shape": "box", "size": [1, 1, 1], "position": ["i", 0, 0], "material": "m", "repeat": {"count": "n"}}`},
		{name: "repeat beyond the limit with two features",
			rules: `{"id": "big-b", "kind": "requires", "when": "n > 1500", "then": "c == 'b'", "message": "Big is B."}`,
			parts: `, {"id": "slat", "shape": "box", "size": [1, 1, 1], "position": ["i", 0, 0], "material": "m", "repeat": {"count": "if(c == 'a', n * 2, 1)"}}`,
			want:  []string{`part "slat" is repeated 3000 times with n=1500, c="a"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(parseRandom(t, lintProduct(tt.rules, tt.pricing, tt.parts)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range Analyze(m, "en") {
				if strings.Contains(f.Message, "divides by zero") || strings.Contains(f.Message, "repeated") {
					got = append(got, string(f.Severity)+": "+f.Message)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got findings %q, want %d with %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], "error: ") || !strings.Contains(got[i], w) {
					t.Errorf("got %q, want an error with %q", got[i], w)
				}
			}
		})
	}
}
