// Package safefile writes files the way a user's files must be written:
// never half (a temporary file beside the target, synced, then renamed
// over it) and, on Windows, with a plain answer when another program has
// the target open.
//
// On Unix a file can be replaced while another program reads it (the
// reader keeps the old bytes). On Windows it cannot: a PDF viewer showing
// last week's order, a spreadsheet with lines.csv, or a virus scanner
// looking at a file just written hold it open without sharing deletion,
// and renaming over it fails ("Access denied"). A scanner lets go within
// moments, so Replace tries again for a short while; a viewer does not,
// so then it says ErrInUse, and the target keeps its old content.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ErrInUse: the file is open in another program, which must let go of it
// first.
var ErrInUse = errors.New("it is open in another program; close it there and try again")

// Patience is how long Replace keeps trying while the target is in use.
var Patience = 2 * time.Second

// Replace renames temp to path, replacing a file there. When path is open
// in another program (Windows), it tries again for Patience, then returns
// an error wrapping ErrInUse; temp is left for the caller to remove.
func Replace(temp, path string) error {
	return ReplaceBy(path, func() error { return os.Rename(temp, path) })
}

// ReplaceBy calls rename, which puts a file in place at path (the target
// as the system names it), as Replace does: while path is open in another
// program (Windows), it tries again for Patience, then returns an error
// wrapping ErrInUse. It is for renames Replace cannot do itself (within an
// os.Root, say).
func ReplaceBy(path string, rename func() error) error {
	deadline := time.Now().Add(Patience)
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, 250*time.Millisecond) {
		err := rename()
		if err == nil || !inUse(err, path) {
			return err
		}
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("%s: %w (%w)", path, ErrInUse, err)
		}
		time.Sleep(wait)
	}
}

// Write writes data to path atomically: a temporary file beside it,
// synced, given perm, then put in place with Replace and the folder
// synced, so that path holds either its old content or all of data.
func Write(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, perm); err != nil { // whatever the umask
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := Replace(tmp, path); err != nil {
		if errors.Is(err, ErrInUse) {
			return err // it names path already
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	done = true
	SyncDir(dir)
	return nil
}

// SyncDir makes a rename in dir durable where the system allows (Windows
// does not open folders for syncing; NTFS journals the rename itself).
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// PlaceNew moves temp to path, which must not exist: it fails with an
// error wrapping fs.ErrExist if path exists, atomically where the file
// system has hard links (the link fails), else by a check and a rename.
// The folder is synced.
func PlaceNew(temp, path string) error {
	if err := os.Link(temp, path); err == nil {
		os.Remove(temp)
	} else if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w", path, fs.ErrExist)
	} else {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
		if err := os.Rename(temp, path); err != nil {
			return err
		}
	}
	SyncDir(filepath.Dir(path))
	return nil
}
