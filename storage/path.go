package storage

import (
	"os"
	"path/filepath"
	"runtime"
)

// AppID is the desktop app's id (FyneApp.toml); its data folder is named
// after it.
const AppID = "app.atelier.designer"

// DefaultPath is the database the desktop app uses: atelier.db in Fyne's
// storage folder for the app (the same rule as fyne.io/fyne/v2/app:
// ~/.config/fyne/<id> on Linux and the BSDs, %AppData%\fyne\<id> on
// Windows, ~/Library/Preferences/fyne/<id> on macOS). The environment
// variable ATELIER_DB overrides it.
func DefaultPath() string {
	if p := os.Getenv("ATELIER_DB"); p != "" {
		return p
	}
	var root string
	switch runtime.GOOS {
	case "darwin":
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, "Library", "Preferences", "fyne")
	default:
		dir, _ := os.UserConfigDir()
		root = filepath.Join(dir, "fyne")
	}
	return filepath.Join(root, AppID, "atelier.db")
}

// BackupDir is where the rotated backups of the database at path live.
func BackupDir(path string) string { return filepath.Join(filepath.Dir(path), "backups") }
