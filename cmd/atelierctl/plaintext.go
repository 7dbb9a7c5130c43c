package main

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/atelier-app/atelier/catalog"
)

// safeText makes user text (names, notes) safe for plain terminal output:
// control characters (terminal escape sequences, carriage returns, newlines
// and tabs that would break a table) and the invisible direction controls
// are written as visible escapes (\x1b, \n, \u202e), so they can neither
// drive the terminal nor disguise the text; everything else is kept. JSON
// output needs none of this: its encoder escapes control characters.
func safeText(s string) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) || catalog.IsDirectionControl(r) || r == unicode.ReplacementChar {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == unicode.ReplacementChar && s[i] != 0xEF: // a byte that is not UTF-8
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r) || catalog.IsDirectionControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
