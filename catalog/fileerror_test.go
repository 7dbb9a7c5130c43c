package catalog

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// A missing file is said in the same words on every system, and is
// still fs.ErrNotExist; other errors pass as they are.
func TestPlainFileError(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "Jörg Müller", "katalog.json")
	_, err := os.Stat(missing)
	plain := PlainFileError(err)
	if got, want := plain.Error(), missing+": no such file or folder"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(plain, fs.ErrNotExist) {
		t.Errorf("%v is no longer fs.ErrNotExist", plain)
	}
	forbidden := &fs.PathError{Op: "open", Path: "C:\\key", Err: fs.ErrPermission}
	if got, want := PlainFileError(forbidden).Error(), "C:\\key: access denied"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	other := errors.New("disk on fire")
	if PlainFileError(other) != other || PlainFileError(nil) != nil {
		t.Error("other errors are changed")
	}
}
