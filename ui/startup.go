package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"atelier.app/earlyenv"
)

// QuietCLocale makes a C or POSIX locale with an encoding ("C.UTF-8")
// read as English (see earlyenv, which main imports so that this is done
// before Fyne starts; UseLanguage does it again for tests and other
// callers).
func QuietCLocale() { earlyenv.QuietCLocale() }

// PreferencesPath is where Fyne keeps an app's preferences on desktop
// systems: fyne/<app ID>/preferences.json in the user's configuration
// folder ("" when there is none).
func PreferencesPath(appID string) string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "fyne", appID, "preferences.json")
}

// RescuedPreferences says what RescuePreferences did with a damaged file.
type RescuedPreferences struct {
	Aside string        // where the old file was kept
	why   func() string // why it could not be read, in the app's language
}

// Note is the message for the user, in the app's language (call it after
// UseLanguage).
func (r *RescuedPreferences) Note() string {
	why := r.why()
	return Tf("Your settings could not be read (%s), so Atelier starts with its default settings. The old file was kept as %s.", why, r.Aside)
}

// RescuePreferences checks the preferences file at path before Fyne reads
// it. A file that is not a JSON object (cut short by a crash or a full
// disk, or damaged) would fail to load on every start, with Fyne's log
// line each time, and the settings would silently be the defaults. It is
// moved aside (kept, not deleted: preferences.json.broken-<time>) so that
// Fyne starts afresh and writes a new file; the result says what
// happened, to be said once. A missing or good file gives nil.
func RescuePreferences(path string, now time.Time) (*RescuedPreferences, error) {
	if path == "" {
		return nil, nil
	}
	data, err := readBounded(path, maxPreferencesSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	r := &RescuedPreferences{}
	switch {
	case errors.Is(err, errTooLarge):
		r.why = func() string { return Tf("it is larger than %d MB", maxPreferencesSize>>20) }
	case err != nil:
		return nil, fmt.Errorf("reading the settings file %s: %w", path, err)
	default:
		var values map[string]any
		switch err := json.Unmarshal(data, &values); {
		case len(bytes.TrimSpace(data)) == 0:
			r.why = func() string { return T("it is empty") }
		case err != nil:
			r.why = func() string { return Tf("it is not valid JSON: %s", err.Error()) }
		case values == nil:
			r.why = func() string { return T("it holds no settings") }
		default:
			return nil, nil
		}
	}
	r.Aside = path + ".broken-" + now.Format("20060102-150405")
	if err := os.Rename(path, r.Aside); err != nil {
		return nil, fmt.Errorf("the settings file %s could not be read (%s) nor moved aside: %w", path, r.why(), err)
	}
	return r, nil
}

// maxPreferencesSize bounds the preferences file read at start (Atelier's
// own are a few hundred bytes).
const maxPreferencesSize = 4 << 20

var errTooLarge = errors.New("too large")

// readBounded reads a file of at most limit bytes, by reading, not by what
// the file system says of its size.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}
