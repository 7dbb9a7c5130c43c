package catalog

// Hand-written checks for the patterns that every option, feature, text
// and amount of a catalog is held to: a regular expression costs more than
// everything else about a table-heavy catalog's option. Each is exactly the
// regular expression in its comment (TestMatchersAgreeWithPatterns and
// FuzzMatchersAgreeWithPatterns compare them).

// matcher is a check of a whole string, used like a *regexp.Regexp.
type matcher func(string) bool

// MatchString reports whether s matches.
func (m matcher) MatchString(s string) bool { return m(s) }

var (
	idPattern        = matcher(isID)        // ^[a-z0-9][a-z0-9_.-]{0,63}$
	featureIDPattern = matcher(isFeatureID) // ^[a-z][a-z0-9_]{0,63}$
	langPattern      = matcher(isLang)      // ^[a-z]{2,3}(-[A-Z]{2})?$
	skuPattern       = matcher(isSKU)       // ^[A-Za-z0-9._/-]{0,40}$
	decimalPattern   = matcher(isDecimal)   // ^-?[0-9]{1,15}(\.[0-9]{1,6})?$
)

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isID(s string) bool {
	if len(s) == 0 || len(s) > 64 || !isLower(s[0]) && !isDigit(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isFeatureID(s string) bool {
	if len(s) == 0 || len(s) > 64 || !isLower(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

func isLang(s string) bool {
	n := 0
	for n < len(s) && isLower(s[n]) {
		n++
	}
	if n != 2 && n != 3 {
		return false
	}
	rest := s[n:]
	return rest == "" || len(rest) == 3 && rest[0] == '-' && isUpper(rest[1]) && isUpper(rest[2])
}

func isSKU(s string) bool {
	if len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isUpper(c) && !isDigit(c) && c != '.' && c != '_' && c != '/' && c != '-' {
			return false
		}
	}
	return true
}

func isDecimal(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n < 1 || n > 15 {
		return false
	}
	s = s[n:]
	if s == "" {
		return true
	}
	if s[0] != '.' {
		return false
	}
	s = s[1:]
	if len(s) < 1 || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
