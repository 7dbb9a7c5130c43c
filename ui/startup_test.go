package ui

import (
	"bytes"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
)

// TestCLocaleIsNotAnError: with LANG=C.UTF-8 (Debian's default in
// containers and services) Fyne logged "Error parsing user locale C" at
// every start. After QuietCLocale the system's language reads as English,
// with nothing logged, and real locales are left as they are.
func TestCLocaleIsNotAnError(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      map[string]string // "" unsets
		wantLang string
	}{
		{"LANG=C.UTF-8", map[string]string{"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}, "en"},
		{"LC_ALL=POSIX.UTF-8 over German LANG", map[string]string{"LANG": "de_DE.UTF-8", "LC_ALL": "POSIX.UTF-8", "LC_MESSAGES": "", "LANGUAGE": ""}, "en"},
		{"LANG=C", map[string]string{"LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}, "en"},
		{"nothing set", map[string]string{"LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}, "en"},
		{"LANG=de_DE.UTF-8", map[string]string{"LANG": "de_DE.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}, "de"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v) // restored after the test
				if v == "" {
					os.Unsetenv(k)
				}
			}
			QuietCLocale()
			var logged bytes.Buffer
			log.SetOutput(&logged)
			defer log.SetOutput(os.Stderr)
			got, _, _ := strings.Cut(lang.SystemLocale().LanguageString(), "-")
			if got != tc.wantLang {
				t.Errorf("the system's language reads as %q, want %q", got, tc.wantLang)
			}
			if logged.Len() > 0 {
				t.Errorf("reading the locale logged:\n%s", logged.String())
			}
			if use := UseLanguage(""); use != tc.wantLang {
				t.Errorf("the app speaks %q on this system, want %q", use, tc.wantLang)
			}
			UseLanguage("en")
		})
	}
}

// TestDamagedPreferencesAreSetAsideOnce: a preferences file cut short (a
// crash, a full disk) made Fyne log "Preferences load error: EOF" at every
// start while the settings silently were the defaults. It is now moved
// aside, kept byte for byte, said once, and a good or missing file is left
// alone.
func TestDamagedPreferencesAreSetAsideOnce(t *testing.T) {
	now := time.Date(2026, 12, 7, 14, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		content []byte // nil: no file
		wantWhy string // "" : left alone
	}{
		{"missing", nil, ""},
		{"good", []byte(`{"theme":"dark","language":"de"}` + "\n"), ""},
		{"empty", []byte{}, "it is empty"},
		{"cut short", []byte(`{"theme":"da`), "it is not valid JSON"},
		{"not an object", []byte(`[1,2,3]`), "it is not valid JSON"},
		{"null", []byte(`null`), "it holds no settings"},
		{"binary", []byte{0, 0, 0, 0}, "it is not valid JSON"},
		{"huge", bytes.Repeat([]byte(" "), maxPreferencesSize+1), "it is larger than 4 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "preferences.json")
			if tc.content != nil {
				if err := os.WriteFile(path, tc.content, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			r, err := RescuePreferences(path, now)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantWhy == "" {
				if r != nil {
					t.Fatalf("a %s file was set aside: %s", tc.name, r.Note())
				}
				if tc.content != nil {
					if got, _ := os.ReadFile(path); !bytes.Equal(got, tc.content) {
						t.Errorf("the file changed: %q", got)
					}
				}
				return
			}
			if r == nil {
				t.Fatal("a damaged file was left to fail at every start")
			}
			note := r.Note()
			if !strings.Contains(note, tc.wantWhy) || !strings.Contains(note, r.Aside) {
				t.Errorf("note %q does not say %q and where the old file is", note, tc.wantWhy)
			}
			if want := path + ".broken-20261207-143000"; r.Aside != want {
				t.Errorf("kept as %s, want %s", r.Aside, want)
			}
			if kept, err := os.ReadFile(r.Aside); err != nil || !bytes.Equal(kept, tc.content) {
				t.Errorf("the old file was not kept as it was (err %v)", err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("the damaged file is still in Fyne's way: %v", err)
			}
			// Said once: the next start finds no file (Fyne writes a new one).
			if again, err := RescuePreferences(path, now.Add(time.Minute)); again != nil || err != nil {
				t.Errorf("the next start rescued again: %v, %v", again, err)
			}
		})
	}
}

// TestExportCancelledIsTranslatedWhenShown: the message was translated
// when the package started, before the language was chosen, so German
// users read English and Fyne logged a missing translation.
func TestExportCancelledIsTranslatedWhenShown(t *testing.T) {
	defer UseLanguage("en")
	UseLanguage("de")
	if got, want := errExportCancelled.Error(), "der Export wurde abgebrochen"; got != want {
		t.Errorf("in German: %q, want %q", got, want)
	}
	UseLanguage("en")
	if got, want := errExportCancelled.Error(), "the export was cancelled"; got != want {
		t.Errorf("in English: %q, want %q", got, want)
	}
}
