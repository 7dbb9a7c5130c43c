package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// BackupDays is how long backups are kept (one a day, the newest
// BackupDays), and how long a database replaced by a restore is kept
// beside the library (<name>.replaced-<time>).
const BackupDays = 7

// The files Atelier writes beside a library and in its backups folder,
// besides the library's own -wal and -shm:
//   - <backup>.<digits>.partial (with a -journal): a backup being written
//     (VACUUM INTO), linked to its name when complete;
//   - <library>.restoring-<digits> (with -wal, -shm): the staging database of a
//     restore;
//   - <library>.replaced-<time>[-n]: the data a restore replaced, kept
//     BackupDays days.
//
// A process that writes a .partial or .restoring file holds it open and
// locked (see lockFile) until it is done, so that Tidy in another process
// (the app starting while the CLI restores) leaves it alone. A process
// that was killed leaves them unlocked; Tidy removes them.

// claimed is a side file this process created and holds locked.
type claimed struct {
	f    *os.File
	path string
}

// claim creates a new, empty side file in dir named after pattern (see
// os.CreateTemp) and locks it.
//
// Between the file's creation and its lock, another process's Tidy can
// take it for a killed process's (it is new and unlocked): that Tidy then
// holds its lock (this lock fails) or has removed it (this lock holds an
// unlinked file), and a backup written there would lose its -journal under
// SQLite's hands (TestKilledBackupsAndRestoresLeaveNothing: "disk I/O
// error (5898)"). Then another name is taken. A file system without locks
// (some network ones) only loses the protection against Tidy.
func claim(dir, pattern string) (*claimed, error) {
	for try := 0; ; try++ {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, classify(err)
		}
		locked := lockFile(f)
		info, statErr := os.Lstat(f.Name())
		mine, mineErr := f.Stat()
		kept := statErr == nil && mineErr == nil && os.SameFile(info, mine)
		if kept && (locked || try == 4) {
			return &claimed{f: f, path: f.Name()}, nil
		}
		if kept {
			os.Remove(f.Name()) // empty, and held by a Tidy that removes it too
		}
		f.Close()
	}
}

// sync makes the file's content durable (through the claim's handle, which
// can write: Windows flushes only a file opened for writing).
func (c *claimed) sync() error { return c.f.Sync() }

// unlock lets go of the file, keeping it.
func (c *claimed) unlock() {
	if c.f != nil {
		c.f.Close()
		c.f = nil
	}
}

// remove deletes the file and the given side files of it, then lets go.
func (c *claimed) remove(sides ...string) {
	if runtime.GOOS == "windows" {
		c.unlock() // an open file cannot be removed there
	}
	for _, s := range sides {
		os.Remove(c.path + s)
	}
	os.Remove(c.path)
	c.unlock()
}

// removeUnused removes the side file path and its side files (suffixes)
// unless another process holds it: on Unix, one that holds its lock; on
// Windows, one that has it open (an open file cannot be removed there).
// A side file whose main file is gone is removed.
func removeUnused(path string, sides ...string) {
	if runtime.GOOS == "windows" {
		// Removing the main file first is the test that nobody has it
		// open; only then do its logs go (a restore in progress has its
		// staging database open, but between two statements not always
		// its -wal).
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
		for _, s := range sides {
			os.Remove(path + s)
		}
		return
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		for _, s := range sides {
			os.Remove(path + s)
		}
		return
	}
	if err != nil {
		return
	}
	if !lockFile(f) {
		f.Close()
		return
	}
	for _, s := range sides {
		os.Remove(path + s)
	}
	os.Remove(path)
	f.Close()
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// partialTarget reads the name of the backup a .partial file was to
// become: <target>.<digits>.partial, or <target>.partial (earlier
// versions).
func partialTarget(name string) (string, bool) {
	rest, ok := strings.CutSuffix(name, ".partial")
	if !ok || rest == "" {
		return "", false
	}
	if i := strings.LastIndexByte(rest, '.'); i > 0 && allDigits(rest[i+1:]) {
		rest = rest[:i]
	}
	return rest, true
}

// tidyPartials removes the unused .partial files in dir (with the
// journal SQLite writes beside one) of the backups whose names ours
// accepts.
func tidyPartials(dir string, ours func(target string) bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		main, _ := cutSide(e.Name())
		if target, ok := partialTarget(main); ok && e.Type().IsRegular() && ours(target) {
			removeUnused(filepath.Join(dir, main), sqliteSides...)
		}
	}
}

// isBackupName reports whether name is a rotated backup's.
func isBackupName(name string) bool {
	_, _, ok := backupTime(name)
	return ok
}

// backupTime reads the time and the number (0 for none) out of a rotated
// backup's name: atelier-<time>.db or atelier-<time>-<n>.db.
func backupTime(name string) (time.Time, int, bool) {
	stamp, ok := strings.CutPrefix(name, backupPrefix)
	if !ok {
		return time.Time{}, 0, false
	}
	stamp, ok = strings.CutSuffix(stamp, ".db")
	if !ok {
		return time.Time{}, 0, false
	}
	return stampTime(stamp)
}

// sqliteSides are the files SQLite keeps beside a database (a backup
// being written by VACUUM INTO has a -journal).
var sqliteSides = []string{"-wal", "-shm", "-journal"}

// cutSide splits a side file's name into its database's name and the
// suffix ("" for a database).
func cutSide(name string) (string, string) {
	for _, s := range sqliteSides {
		if main, ok := strings.CutSuffix(name, s); ok {
			return main, s
		}
	}
	return name, ""
}

// Tidy removes what killed backups and restores left beside the library at
// path and in its backups folder (.partial and .restoring files that no
// running process holds), and the databases replaced by a restore more
// than days days before now. Only files named by Atelier's own patterns
// are touched. Open and Restore call it (Backup removes the .partial
// files of its own destination).
func Tidy(path string, now time.Time, days int) error {
	dir, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		main, side := cutSide(name)
		if rest, ok := strings.CutPrefix(main, base+".restoring"); ok {
			if r, ok := strings.CutPrefix(rest, "-"); rest == "" || ok && allDigits(r) {
				removeUnused(filepath.Join(dir, main), sqliteSides...)
			}
			continue
		}
		if target, ok := partialTarget(main); ok {
			if stamp, ok := strings.CutPrefix(target, base+".replaced-"); ok {
				if _, ok := replacedTime(stamp); ok {
					removeUnused(filepath.Join(dir, main), sqliteSides...)
				}
			}
			continue
		}
		if side != "" {
			continue
		}
		if rest, ok := strings.CutPrefix(name, base+".replaced-"); ok {
			if t, ok := replacedTime(rest); ok && now.Sub(t) > time.Duration(days)*24*time.Hour {
				if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("remove an old replaced database: %w", err)
				}
			}
		}
	}
	tidyPartials(BackupDir(path), isBackupName)
	return nil
}

// replacedTime reads the time out of "<time>" or "<time>-<n>".
func replacedTime(s string) (time.Time, bool) {
	t, _, ok := stampTime(s)
	return t, ok
}

// stampTime reads "<time>" or "<time>-<n>".
func stampTime(s string) (time.Time, int, bool) {
	if len(s) < len(backupLayout) {
		return time.Time{}, 0, false
	}
	stamp, tail := s[:len(backupLayout)], s[len(backupLayout):]
	n := 0
	if tail != "" {
		digits, ok := strings.CutPrefix(tail, "-")
		if !ok || !allDigits(digits) {
			return time.Time{}, 0, false
		}
		var err error
		if n, err = strconv.Atoi(digits); err != nil {
			return time.Time{}, 0, false
		}
	}
	t, err := time.ParseInLocation(backupLayout, stamp, time.UTC)
	return t, n, err == nil
}
