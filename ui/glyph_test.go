package ui

import (
	"encoding/json"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/shopspring/decimal"
	"golang.org/x/image/font/sfnt"

	"github.com/atelier-app/atelier/assets"
)

// TestTheAppsFontHasEveryGlyph: every character the app writes (its
// German and English words, and the string literals of the UI's code) is
// in the font Fyne embeds for regular, bold and italic text. On Linux
// Fyne falls back to the system's fonts for a missing glyph; a Windows (or
// Wine) without such a font showed "�" ("�30%" for "−30%"), so the app
// uses only what its own font has: an icon where it has none (the PIN
// keypad's backspace), words where an arrow was.
func TestTheAppsFontHasEveryGlyph(t *testing.T) {
	used := map[rune][]string{} // rune → where it is used
	add := func(s, where string) {
		for _, r := range s {
			if r >= 0x80 && !slices.Contains(used[r], where) {
				used[r] = append(used[r], where)
			}
		}
	}
	var de map[string]any
	if err := json.Unmarshal(assets.TranslationsDE, &de); err != nil {
		t.Fatal(err)
	}
	for k, v := range de {
		add(k, "de.json")
		if s, ok := v.(string); ok {
			add(s, "de.json")
		}
	}
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		var s scanner.Scanner
		s.Init(fset.AddFile(name, -1, len(src)), src, nil, 0) // comments skipped
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.STRING || tok == token.CHAR {
				if v, err := strconv.Unquote(lit); err == nil {
					add(v, fset.Position(pos).String())
				}
			}
		}
	}
	// Texts made at run time: amounts and percentages, negative ones too.
	for _, lang := range []string{"en", "de"} {
		UseLanguage(lang)
		add(FormatMoney(decimal.RequireFromString("-1234.5"), "EUR"), "FormatMoney in "+lang)
		add(signedPercent(decimal.RequireFromString("-30")), "signedPercent in "+lang)
		add(groupDigits("1234567"), "groupDigits in "+lang)
	}
	UseLanguage("en")
	if len(used) == 0 {
		t.Fatal("no characters found to check")
	}
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}} {
		res := theme.DefaultTheme().Font(style)
		f, err := sfnt.Parse(res.Content())
		if err != nil {
			t.Fatalf("%s: %v", res.Name(), err)
		}
		var b sfnt.Buffer
		for r, where := range used {
			if i, err := f.GlyphIndex(&b, r); err != nil || i == 0 {
				t.Errorf("%s has no %q (%U), used in %s", res.Name(), r, r, strings.Join(where, ", "))
			}
		}
	}
	t.Logf("%d characters beyond ASCII checked", len(used))
}
