package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/atelier-app/atelier/storage/safefile"
	"modernc.org/sqlite"
)

// Backup writes a consistent snapshot of the database to dest (SQLite's
// VACUUM INTO, which also compacts it). It writes a temporary file next to
// dest (<dest>.<digits>.partial, held locked while it is written) and links
// it into place, so dest is either absent or complete, and an existing dest
// is never overwritten (the error wraps fs.ErrExist). The .partial files
// of killed backups to dest are removed first.
func (d *DB) Backup(ctx context.Context, dest string) error {
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("back up to %s: %w", dest, classify(err))
	}
	tidyPartials(dir, func(target string) bool { return target == filepath.Base(dest) })
	err := d.backupOnce(ctx, dir, dest)
	if errors.Is(err, fs.ErrNotExist) {
		// Where the file system has no hard links, Windows lets the
		// .partial go unlocked for its rename, and another program's Tidy
		// can take it for a killed backup's in that moment: once more.
		err = d.backupOnce(ctx, dir, dest)
	}
	return err
}

func (d *DB) backupOnce(ctx context.Context, dir, dest string) error {
	tmp, err := claim(dir, filepath.Base(dest)+".*.partial")
	if err != nil {
		return fmt.Errorf("back up to %s: %w", dest, err)
	}
	defer tmp.remove(sqliteSides...) // after placeNew, only the temporary name goes
	// VACUUM INTO writes into a file that exists when it is empty.
	if _, err := d.db.ExecContext(ctx, `VACUUM INTO ?`, tmp.path); err != nil {
		return fmt.Errorf("back up to %s: %w", dest, classify(err))
	}
	if err := tmp.sync(); err != nil {
		return fmt.Errorf("back up to %s: %w", dest, classify(err))
	}
	// Linked into place while still held (Windows links an open file, and
	// another program's Tidy leaves a held .partial alone); the deferred
	// remove takes the temporary name away.
	err = placeNew(tmp.path, dest)
	if err != nil && runtime.GOOS == "windows" && !errors.Is(err, fs.ErrExist) {
		tmp.unlock() // no hard links here: a rename, which an open file cannot have
		err = placeNew(tmp.path, dest)
	}
	if err != nil {
		return fmt.Errorf("back up to %s: %w", dest, err)
	}
	return nil
}

// placeNew moves tmp to dest, failing with an error wrapping fs.ErrExist if
// dest exists, and syncs the folder (see safefile.PlaceNew).
func placeNew(tmp, dest string) error {
	if err := safefile.PlaceNew(tmp, dest); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fs.ErrExist
		}
		return classify(err)
	}
	return nil
}

// syncFile makes a file's content durable. It opens the file for writing:
// Windows flushes only a file opened with write access.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// backupPrefix and backupLayout name the rotated backups:
// atelier-20261123-142501.db, and atelier-20261123-142501-1.db, -2… for a
// second, third… backup of the same second.
const (
	backupPrefix = "atelier-"
	backupLayout = "20060102-150405"
)

// BackupName is the name of a backup taken at t (rotated with the daily
// ones). BackupInto names a second backup of the same second -1, -2….
func BackupName(t time.Time) string { return backupPrefix + t.UTC().Format(backupLayout) + ".db" }

// BackupInto writes a backup into dir (the backups folder) named
// BackupName(now), or -1, -2… after the time when a file of that name
// exists (two backups in one second, in this process or another), never
// overwriting one, then rotates dir's backups (RotateBackups, keeping
// BackupDays). It returns the backup's path.
func (d *DB) BackupInto(ctx context.Context, dir string) (string, error) {
	dest, err := d.backupInto(ctx, dir)
	if err != nil {
		return "", err
	}
	if err := RotateBackups(dir, d.now(), BackupDays); err != nil {
		return dest, fmt.Errorf("back up: %w", err)
	}
	return dest, nil
}

func (d *DB) backupInto(ctx context.Context, dir string) (string, error) {
	base := strings.TrimSuffix(BackupName(d.now()), ".db")
	dest := filepath.Join(dir, base+".db")
	for n := 1; ; n++ {
		err := d.Backup(ctx, dest)
		if err == nil {
			return dest, nil
		}
		if !errors.Is(err, fs.ErrExist) || n > 1000 {
			return "", err
		}
		dest = filepath.Join(dir, fmt.Sprintf("%s-%d.db", base, n))
	}
}

// RotateBackups removes from dir the backups named by BackupName (with
// their -1, -2…) that are BackupDays days old or older and not among the
// keep newest: every backup of the last week is kept (the daily ones and
// those made by hand), and a library used once a month still has its keep
// newest. No other file is touched: a file the user named ("before the
// move.db") stays, however old.
func RotateBackups(dir string, now time.Time, keep int) error {
	list, err := Backups(dir)
	if err != nil {
		return fmt.Errorf("rotate backups: %w", err)
	}
	for _, old := range list[min(len(list), max(keep, 1)):] {
		t, _, _ := backupTime(filepath.Base(old))
		if now.Sub(t) < BackupDays*24*time.Hour {
			continue
		}
		if err := os.Remove(old); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("rotate backups: %w", err)
		}
	}
	return nil
}

// Backups lists the rotated backups in dir (the files named by BackupName,
// with their -1, -2…), newest first.
func Backups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	type backup struct {
		path string
		t    time.Time
		n    int
	}
	var found []backup
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if t, n, ok := backupTime(e.Name()); ok {
			found = append(found, backup{filepath.Join(dir, e.Name()), t, n})
		}
	}
	slices.SortFunc(found, func(a, b backup) int {
		if c := b.t.Compare(a.t); c != 0 {
			return c
		}
		return b.n - a.n
	})
	out := make([]string, len(found))
	for i, b := range found {
		out[i] = b.path
	}
	return out, nil
}

// AutoBackup keeps daily snapshots in dir: when the newest backup (daily
// or made by hand) is older than a day (or there is none), it writes a new
// one (BackupInto) and rotates them (RotateBackups, keeping the keep
// newest and every one younger than BackupDays days). It returns the new
// backup's path, or "" when none was due.
func (d *DB) AutoBackup(ctx context.Context, dir string, keep int) (string, error) {
	list, err := Backups(dir)
	if err != nil {
		return "", fmt.Errorf("back up: %w", err)
	}
	now := d.now()
	if len(list) > 0 {
		if t, _, ok := backupTime(filepath.Base(list[0])); ok && now.UTC().Sub(t) < 24*time.Hour {
			return "", nil
		}
	}
	dest, err := d.backupInto(ctx, dir)
	if err != nil {
		return "", err
	}
	if err := RotateBackups(dir, now, keep); err != nil {
		return dest, fmt.Errorf("back up: %w", err)
	}
	return dest, nil
}

// SetAside moves a database file (with its -wal and -shm files) out of the
// way, to <path>.<why>-<time>, never overwriting anything, and returns the
// new path: a damaged file is kept for a specialist, not deleted. If the
// log files cannot be moved with it, nothing is moved (a log left beside a
// new file would be replayed into it).
func SetAside(path, why string, now time.Time) (string, error) {
	base := fmt.Sprintf("%s.%s-%s", path, why, now.UTC().Format(backupLayout))
	dest := base
	for i := 1; ; i++ {
		_, err := os.Lstat(dest)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("set %s aside: %w", path, classify(err))
		}
		if i > 1000 {
			return "", fmt.Errorf("set %s aside: too many files named %s-*", path, base)
		}
		dest = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, dest); err != nil {
		return "", fmt.Errorf("set %s aside: %w", path, classify(err))
	}
	var moved []string
	for _, ext := range []string{"-wal", "-shm"} {
		if _, err := os.Lstat(path + ext); err != nil {
			continue
		}
		if err := os.Rename(path+ext, dest+ext); err != nil {
			// Undo: the database and its log stay together.
			for _, m := range moved {
				os.Rename(dest+m, path+m)
			}
			os.Rename(dest, path)
			return "", fmt.Errorf("set %s aside: %w", path, classify(err))
		}
		moved = append(moved, ext)
	}
	safefile.SyncDir(filepath.Dir(path))
	return dest, nil
}

// CheckBackup checks a backup without changing it (see inspect): a sound
// SQLite file (quick_check) whose schema is exactly the one Atelier's
// migrations make at its version: another program's file, or a backup
// with a trigger, view, table or index Atelier does not make or with a
// changed definition, gives an error wrapping ErrForeign that names it.
func CheckBackup(ctx context.Context, path string) error {
	found, err := inspect(ctx, path, func(db *sql.DB) error {
		version, err := checkSchema(ctx, db, "the backup")
		if err != nil {
			return err
		}
		if version == 0 {
			return fmt.Errorf("%w: the backup holds no library: refused; nothing was changed", ErrForeign)
		}
		var res string
		if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
			return classify(err)
		}
		if res != "ok" {
			return fmt.Errorf("%w: %s", ErrDamaged, res)
		}
		return nil
	})
	if err == nil && !found {
		err = fmt.Errorf("%w: the backup is an empty file: refused; nothing was changed", ErrForeign)
	}
	if err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	return nil
}

// timeNow is Restore's clock (tests set it).
var timeNow = time.Now

// Restore replaces the database at dbPath with a backup, through SQLite's
// backup API, so that a program that has the database open (the app while
// the CLI restores) sees the restored data and a log file is handled by
// SQLite rather than copied. Steps: the backup is checked (CheckBackup:
// only a sound file with Atelier's own schema); it is copied into a
// staging database beside dbPath (<dbPath>.restoring-<digits>, its own for
// each restore and locked while in use), brought up to this schema, and
// the customers forgotten in the current database (and in the file beside
// it) are forgotten there; the current database is kept as a snapshot,
// <dbPath>.replaced-<time> (-1, -2… when one of that second exists; kept
// BackupDays days, see Tidy); then the staging database replaces the
// current one in one step. A current file that is damaged is set aside
// instead; one that is not an Atelier library (ErrForeign) or that cannot
// be opened for another reason is left as it is and nothing is restored.
// It returns where the replaced data went ("" when there was none).
func Restore(ctx context.Context, dbPath, backup string) (string, error) {
	if err := CheckBackup(ctx, backup); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := Tidy(dbPath, timeNow(), BackupDays); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	erased, err := readErasures(dbPath)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	var current *DB
	damaged := false
	if _, err := os.Stat(dbPath); err == nil {
		current, err = openLibrary(ctx, dbPath)
		switch {
		case err == nil:
			defer current.Close()
			more, err := current.erasures(ctx)
			if err != nil {
				return "", fmt.Errorf("restore: %w", err)
			}
			erased = append(erased, more...)
		case errors.Is(err, ErrDamaged):
			damaged = true
		default:
			return "", fmt.Errorf("restore: %w", err)
		}
	}
	// Stage the backup, upgraded and with every erasure applied.
	stagingFile, err := claim(filepath.Dir(dbPath), filepath.Base(dbPath)+".restoring-*")
	if err != nil {
		return "", fmt.Errorf("restore %s: %w", backup, err)
	}
	defer stagingFile.remove(sqliteSides...)
	staging := stagingFile.path
	if err := copyDB(ctx, backup, staging); err != nil {
		return "", fmt.Errorf("restore %s: %w", backup, err)
	}
	stage, err := openLibrary(ctx, staging)
	if err != nil {
		return "", fmt.Errorf("restore %s: %w", backup, err)
	}
	for _, id := range erased {
		err := stage.tx(ctx, func(tx *sql.Tx) error {
			if err := stage.forget(ctx, tx, id); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO erasures (customer, erased_at) VALUES (?, ?)`, id, stage.stamp())
			return err
		})
		if err != nil {
			stage.Close()
			return "", fmt.Errorf("restore %s: forget customer %d again: %w", backup, id, err)
		}
	}
	if err := stage.checkpoint(ctx); err != nil {
		stage.Close()
		return "", fmt.Errorf("restore %s: %w", backup, err)
	}
	stage.Close()

	if current != nil {
		// Keep what is replaced, then replace it in place.
		aside, err := keepReplaced(ctx, current, dbPath)
		if err != nil {
			return "", fmt.Errorf("restore: keep the current database: %w", err)
		}
		if err := current.restoreFrom(ctx, staging); err != nil {
			return aside, fmt.Errorf("restore %s: %w", backup, err)
		}
		return aside, nil
	}
	aside := ""
	if damaged {
		if aside, err = SetAside(dbPath, "damaged", timeNow()); err != nil {
			return "", fmt.Errorf("restore %s: %w", backup, err)
		}
	}
	if err := copyDB(ctx, staging, dbPath); err != nil {
		return aside, fmt.Errorf("restore %s: %w", backup, err)
	}
	return aside, nil
}

// keepReplaced backs the current database up beside it as
// <dbPath>.replaced-<time>, or -1, -2… when that name is taken (two
// restores in one second).
func keepReplaced(ctx context.Context, current *DB, dbPath string) (string, error) {
	base := fmt.Sprintf("%s.replaced-%s", dbPath, timeNow().UTC().Format(backupLayout))
	aside := base
	for i := 1; ; i++ {
		err := current.Backup(ctx, aside)
		if err == nil {
			return aside, nil
		}
		if !errors.Is(err, fs.ErrExist) || i > 1000 {
			return "", err
		}
		aside = fmt.Sprintf("%s-%d", base, i)
	}
}

// restoreFrom overwrites the open database with the database at src, in
// one step of SQLite's backup API.
func (d *DB) restoreFrom(ctx context.Context, src string) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver cannot restore")
		}
		b, err := r.NewRestore(fileURI(src, url.Values{}))
		if err != nil {
			return err
		}
		if _, err := b.Step(-1); err != nil {
			b.Finish()
			return err
		}
		return b.Finish()
	})
	if err != nil {
		return classify(err)
	}
	return d.checkpoint(ctx)
}

// copyDB copies the database at src (its log included) to dst, a new or
// empty file, through SQLite's backup API, and syncs it.
func copyDB(ctx context.Context, src, dst string) error {
	if info, err := os.Stat(dst); err == nil && info.Size() > 0 {
		return fmt.Errorf("%s: %w", dst, fs.ErrExist)
	}
	db, err := sql.Open("sqlite", fileURI(dst, url.Values{}))
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver cannot restore")
		}
		b, err := r.NewRestore(fileURI(src, url.Values{}))
		if err != nil {
			return err
		}
		if _, err := b.Step(-1); err != nil {
			b.Finish()
			return err
		}
		return b.Finish()
	})
	if err != nil {
		return classify(err)
	}
	conn.Close()
	db.Close()
	if err := syncFile(dst); err != nil {
		return classify(err)
	}
	safefile.SyncDir(filepath.Dir(dst))
	return nil
}
