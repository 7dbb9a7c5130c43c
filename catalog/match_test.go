package catalog

import (
	"regexp"
	"strings"
	"testing"
)

// The regular expressions the matchers of match.go stand for.
var matcherPatterns = []struct {
	name string
	m    matcher
	re   *regexp.Regexp
}{
	{"id", idPattern, regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)},
	{"feature id", featureIDPattern, regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)},
	{"language", langPattern, regexp.MustCompile(`^[a-z]{2,3}(-[A-Z]{2})?$`)},
	{"sku", skuPattern, regexp.MustCompile(`^[A-Za-z0-9._/-]{0,40}$`)},
	{"decimal", decimalPattern, regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,6})?$`)},
}

func TestMatchersAgreeWithPatterns(t *testing.T) {
	inputs := []string{
		"", "a", "A", "0", "-", "_", ".", "/", "a-b", "a_b", "a.b", "a/b", "-a", "_a", ".a", "0a", "a0",
		"en", "de", "pt-BR", "pt-br", "e", "eng", "engl", "en-", "en-B", "en-BRA", "EN", "en_BR", "pt-BR\n", "en\n",
		"1", "-1", "1.", ".5", "1.5", "-0.000001", "1.0000001", "123456789012345", "1234567890123456", "1e5", "+1", "--1", "1.5.5",
		"NH-DESK", "X/Y_Z.1-2", "sku with space", "ä", "aä", "a\x00", "a\n", "\na",
		strings.Repeat("a", 40), strings.Repeat("a", 41), strings.Repeat("a", 64), strings.Repeat("a", 65),
		strings.Repeat("9", 15) + "." + strings.Repeat("9", 6), strings.Repeat("9", 15) + "." + strings.Repeat("9", 7),
	}
	for _, p := range matcherPatterns {
		for _, s := range inputs {
			if got, want := p.m.MatchString(s), p.re.MatchString(s); got != want {
				t.Errorf("%s %q: got %t, want %t (as %s)", p.name, s, got, want, p.re)
			}
		}
	}
}

func FuzzMatchersAgreeWithPatterns(f *testing.F) {
	for _, s := range []string{"a-b.c_d", "pt-BR", "-12.50", "NH/DESK-1", strings.Repeat("z", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range matcherPatterns {
			if got, want := p.m.MatchString(s), p.re.MatchString(s); got != want {
				t.Errorf("%s %q: got %t, want %t (as %s)", p.name, s, got, want, p.re)
			}
		}
	})
}
