package ui

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/atelier-app/atelier/render"
)

// AppSettings are the workstation's settings besides the dealer's: how
// lengths are shown, the language, the theme and the showroom. They are
// kept in the app's preferences (LoadAppSettings, Save).
type AppSettings struct {
	// Units shows lengths in millimetres ("mm") or inches ("in"); catalogs
	// stay in millimetres.
	Units string `json:"units"`
	// Language is "en" or "de", or "" for the system's.
	Language string `json:"language,omitempty"`
	// Theme is "light" or "dark", or "" for the system's.
	Theme    string           `json:"theme,omitempty"`
	Showroom ShowroomSettings `json:"showroom"`
	// NoLearning switches recommendations off: the app does not learn
	// from the shop's designs, marks no option and offers no Complete it
	// for me. (Off by default: learning stays on this computer.) A
	// preference of this computer, not yet a shared shop setting.
	NoLearning bool `json:"no_learning,omitempty"`
}

// ShowroomSettings are the customer-facing mode's.
type ShowroomSettings struct {
	// PIN is the dealer's PIN, hashed (HashPIN): it leaves showroom mode.
	// Empty: no PIN yet (showroom mode cannot start).
	PIN string `json:"pin,omitempty"`
	// IdleSeconds without a touch start the countdown; CountdownSeconds
	// later the session is wiped.
	IdleSeconds      int `json:"idle_seconds"`
	CountdownSeconds int `json:"countdown_seconds"`
}

// DefaultAppSettings: millimetres, the system's language and theme, a
// showroom session wiped after 2 minutes without a touch (with 20 s of
// countdown).
func DefaultAppSettings() AppSettings {
	return AppSettings{Units: "mm", Showroom: ShowroomSettings{IdleSeconds: 120, CountdownSeconds: 20}}
}

const appPrefKey = "app.settings"

// LoadAppSettings reads the settings from the preferences (the defaults
// for what is missing or makes no sense).
func LoadAppSettings(p fyne.Preferences) AppSettings {
	s := DefaultAppSettings()
	if p == nil {
		return s
	}
	if raw := p.String(appPrefKey); raw != "" {
		var got AppSettings
		if json.Unmarshal([]byte(raw), &got) == nil {
			s = got
		}
	}
	def := DefaultAppSettings()
	if s.Units != "in" {
		s.Units = "mm"
	}
	if s.Language != "en" && s.Language != "de" {
		s.Language = ""
	}
	if s.Theme != "light" && s.Theme != "dark" {
		s.Theme = ""
	}
	if s.Showroom.IdleSeconds < 15 || s.Showroom.IdleSeconds > 3600 {
		s.Showroom.IdleSeconds = def.Showroom.IdleSeconds
	}
	if s.Showroom.CountdownSeconds < 5 || s.Showroom.CountdownSeconds > 120 {
		s.Showroom.CountdownSeconds = def.Showroom.CountdownSeconds
	}
	return s
}

// Save keeps the settings in the preferences.
func (s AppSettings) Save(p fyne.Preferences) {
	if p == nil {
		return
	}
	b, _ := json.Marshal(s) // strings and numbers always marshal
	p.SetString(appPrefKey, string(b))
}

// pinIterations is PBKDF2's work factor (OWASP's 2023 figure for
// SHA-256): a stolen preferences file does not give the PIN away at once.
const pinIterations = 600_000

// HashPIN hashes a PIN with a fresh salt: "pbkdf2-sha256$N$salt$key".
func HashPIN(pin string) (string, error) { return hashPIN(pin, pinIterations) }

func hashPIN(pin string, iterations int) (string, error) {
	if err := CheckPIN(pin); err != nil {
		return "", err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, pin, salt, iterations, 32)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", iterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPIN says what is wrong with a new PIN (4 to 12 digits).
func CheckPIN(pin string) error {
	if len(pin) < 4 || len(pin) > 12 {
		return errors.New("a PIN has 4 to 12 digits")
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return errors.New("a PIN has digits only")
		}
	}
	return nil
}

// PINMatches reports whether pin is the one hashed.
func PINMatches(hash, pin string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 || n > 10_000_000 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[2])
	want, err2 := enc.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pin, salt, n, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// AppTheme is Fyne's theme in a fixed variant ("light", "dark"), or
// following the system ("").
func AppTheme(name string) fyne.Theme {
	switch name {
	case "light":
		v := theme.VariantLight
		return &variantTheme{variant: &v}
	case "dark":
		v := theme.VariantDark
		return &variantTheme{variant: &v}
	}
	return &variantTheme{}
}

// variantTheme is the default theme, with the variant fixed unless nil.
type variantTheme struct{ variant *fyne.ThemeVariant }

func (t *variantTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *variantTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (t *variantTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (t *variantTheme) Size(n fyne.ThemeSizeName) float32       { return theme.DefaultTheme().Size(n) }

// Length writes a number feature's value in the catalog's unit for the
// user's display unit (millimetres as they are, or as inches), in the
// language's number style and unit name: "1.230 mm", "4 Stk.".
func (s AppSettings) Length(value, unit string) string {
	f, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return strings.TrimSpace(value + " " + unitName(unit))
	}
	if s.Units == "in" && unit == "mm" {
		return render.FormatInchesIn(f, uiLanguage()) // as the preview's dimensions
	}
	decimals := 0
	if _, frac, ok := strings.Cut(value, "."); ok {
		decimals = len(frac)
	}
	num := render.FormatNumber(f, decimals, uiLanguage())
	if unit == "" {
		return num
	}
	return num + " " + unitName(unit)
}

// unitName is a catalog's unit as the language writes it: "pcs" is German
// "Stk."; units of measure (mm, m, in) are the same in every language.
func unitName(unit string) string {
	switch unit {
	case "pcs":
		return T("pcs")
	}
	return unit
}
