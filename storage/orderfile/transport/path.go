package transport

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrBadPath is wrapped by the error for a path a transport refuses to
// touch: one that leaves its root, or that a Windows share could not
// hold under the same name.
var ErrBadPath = errors.New("not a path inside the manufacturer's inbox")

// cleanPath checks a slash-separated path relative to a transport's root
// and returns it cleaned. It refuses, before anything is touched: an
// absolute path, a ".." anywhere (even one that would come back inside),
// backslashes, NUL and other control characters, colons (drive letters,
// Windows' alternate streams), names a Windows share would change
// (ending in a dot or a space) and Windows' device names (CON, NUL,
// COM1.txt…), which name no file there. dir allows the root itself
// ("" or ".").
func cleanPath(p string, dir bool) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%q: %w (%s)", p, ErrBadPath, why)
	}
	if p == "" || p == "." {
		if dir {
			return ".", nil
		}
		return bad("empty")
	}
	if strings.HasPrefix(p, "/") {
		return bad("absolute")
	}
	for _, r := range p {
		switch {
		case r == '\\':
			return bad("a backslash")
		case r == ':':
			return bad("a colon")
		case r < 0x20 || r == 0x7f:
			return bad("a control character")
		}
	}
	for _, elem := range strings.Split(p, "/") {
		switch {
		case elem == "" || elem == ".":
			continue // a//b, a/./b: cleaned below
		case elem == "..":
			return bad("it goes up with ..")
		case strings.HasSuffix(elem, ".") || strings.HasSuffix(elem, " "):
			return bad("a name ending in a dot or a space")
		case windowsDevice(elem):
			return bad("a Windows device name")
		}
	}
	return path.Clean(p), nil
}

// windowsDevice reports whether a file name is one of Windows' reserved
// device names, with or without an extension.
func windowsDevice(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		c := base[3]
		return c >= '0' && c <= '9'
	}
	// COM¹, COM², COM³, LPT¹… are devices too.
	for _, prefix := range []string{"COM", "LPT"} {
		if rest, ok := strings.CutPrefix(base, prefix); ok && (rest == "¹" || rest == "²" || rest == "³") {
			return true
		}
	}
	return false
}

// filePath checks the path of a file: cleanPath, and not a .partial
// name, which readers ignore.
func filePath(p string) (string, error) {
	c, err := cleanPath(p, false)
	if err != nil {
		return "", err
	}
	if strings.HasSuffix(c, PartialSuffix) {
		return "", fmt.Errorf("%q: %w (a name ending in %s is a file being written)", p, ErrBadPath, PartialSuffix)
	}
	return c, nil
}
