package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/atelier-app/atelier/assets"
	"github.com/shopspring/decimal"
)

// The app's words are English in the code and translated through Fyne's
// translation support (fyne.io/fyne/v2/lang, go-i18n bundles): T("Save")
// is the word in the language chosen in the settings. The German
// translations are assets/translations/de.json; a test checks that every
// T and Tf in the code has one.

// T translates a text.
func T(s string) string {
	if v, ok := translated.Load(s); ok {
		return v.(string)
	}
	v := lang.L(s)
	translated.Store(s, v)
	return v
}

// TX translates a text by a key of its own, where one English word needs
// two translations ("Design" the screen, "Design" the noun). The key's
// English is in contextual.
func TX(key string) string {
	if v, ok := translated.Load(key); ok {
		return v.(string)
	}
	v := lang.X(key, contextual[key])
	translated.Store(key, v)
	return v
}

// contextual are the English texts of TX's keys.
var contextual = map[string]string{
	"noun.design": "Design",
}

// Tf translates a format and fills it in, as fmt.Sprintf does.
func Tf(format string, args ...any) string { return fmt.Sprintf(T(format), args...) }

// translated caches T: the language does not change while the app runs.
var translated sync.Map

// language is the language in use ("en", "de"): how amounts are
// written. It is read by workers too (explanations, previews), so it is
// kept atomically; uiLanguage reads it, setUILanguage sets it.
var language atomic.Value

func uiLanguage() string {
	if l, ok := language.Load().(string); ok {
		return l
	}
	return "en"
}

func setUILanguage(l string) { language.Store(l) }

// Languages are the app's languages.
var Languages = []string{"en", "de"}

// UseLanguage makes the app speak a language ("en", "de"; "" for the
// system's when it is one of them, else English) and returns the one in
// use. Fyne's own words (dialog buttons, the file dialog) follow. Call it
// before anything is built.
func UseLanguage(chosen string) string {
	QuietCLocale()
	sys := lang.SystemLocale().LanguageString()
	use := chosen
	if use == "" {
		use = "en"
		// "de-DE", "de-AT", "de": German is German wherever it is spoken.
		if base, _, _ := strings.Cut(sys, "-"); base == "de" {
			use = "de"
		}
	}
	var words map[string]any
	if err := json.Unmarshal(assets.TranslationsDE, &words); err != nil {
		fyne.LogError("the German translations are broken", err)
		return "en"
	}
	if use != "de" {
		// English: every word as it is (over the system's language, whose
		// translations Fyne may have).
		for k := range words {
			words[k] = k
			if en, ok := contextual[k]; ok {
				words[k] = en
			}
		}
		for k, v := range fyneEnglish {
			words[k] = v
		}
	}
	data, _ := json.Marshal(words)
	// Fyne picks the translations of the system's language: ours go under
	// its name.
	if err := lang.AddTranslationsForLocale(data, fyne.Locale(sys)); err != nil {
		fyne.LogError("the translations could not be loaded", err)
	}
	translated.Clear()
	setUILanguage(use)
	return use
}

// fyneEnglish are Fyne's own words that take plural forms, in English.
var fyneEnglish = map[string]any{
	"file.name":   map[string]string{"other": "Name"},
	"file.parent": map[string]string{"other": "../"},
}

// percent writes a percentage the way the language does: "12.5%",
// German "12,5 %".
func percent(p decimal.Decimal) string {
	if uiLanguage() == "de" {
		return strings.Replace(p.String(), ".", ",", 1) + "\u202f%"
	}
	return p.String() + "%"
}

// formatDate writes a date with a layout (translated: German writes
// "2. Januar 2006") and the month's name in the language in use.
func formatDate(t time.Time, layout string) string {
	s := t.Format(T(layout))
	long, short := t.Month().String(), t.Month().String()[:3]
	if strings.Contains(s, long) {
		return strings.Replace(s, long, T(long), 1)
	}
	return strings.Replace(s, short, T(short), 1)
}
