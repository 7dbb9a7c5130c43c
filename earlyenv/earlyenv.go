// Package earlyenv fixes the process's locale variables before any other
// package starts. Fyne's lang package reads the locale when it starts
// (its init loads its translations), before main can do anything, and
// logs "Error parsing user locale C" for a C locale with an encoding
// ("C.UTF-8", Debian's default in containers and services).
//
// It is a module of its own so that it starts first: Go starts packages
// in the order of their import paths among those whose imports have
// started, and "atelier.app/earlyenv", which imports only os and strings,
// sorts before "fyne.io/fyne/v2/lang". Import it for its side effect from
// main: import _ "atelier.app/earlyenv".
package earlyenv

import (
	"os"
	"strings"
)

func init() { QuietCLocale() }

// QuietCLocale makes a C or POSIX locale with an encoding read as English:
// it sets LANGUAGE to "en" when that is unset and the locale in force
// (the first of LC_ALL, LC_MESSAGES, LANG that is set) is "C.<encoding>"
// or "POSIX.<encoding>". gettext ignores LANGUAGE under the C locale, so
// this changes nothing else: the C library's own locale (character
// classes, the input method) stays as the user set it. It reports whether
// it changed anything.
func QuietCLocale() bool {
	if os.Getenv("LANGUAGE") != "" {
		return false
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		base, _, _ := strings.Cut(v, ".")
		base, _, _ = strings.Cut(base, "@")
		if (base == "C" || base == "POSIX") && v != base {
			os.Setenv("LANGUAGE", "en")
			return true
		}
		return false // the first one set is the one in force
	}
	return false
}
