package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Backup writes a consistent snapshot of the database to dest (SQLite's
// VACUUM INTO, which also compacts it). It writes to a temporary file next
// to dest and renames it, so dest is either absent or complete.
func (d *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("back up to %s: the file exists", dest)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return fmt.Errorf("back up to %s: %w", dest, classify(err))
	}
	tmp := dest + ".partial"
	os.Remove(tmp)
	if _, err := d.db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("back up to %s: %w", dest, classify(err))
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("back up to %s: %w", dest, classify(err))
	}
	if err := os.Rename(tmp, dest); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("back up to %s: %w", dest, classify(err))
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// backupPrefix and backupLayout name the rotated backups:
// atelier-20261123-142501.db.
const (
	backupPrefix = "atelier-"
	backupLayout = "20060102-150405"
)

// Backups lists the rotated backups in dir, newest first.
func Backups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(name, backupPrefix) && strings.HasSuffix(name, ".db") {
			if _, err := time.Parse(backupLayout, strings.TrimSuffix(strings.TrimPrefix(name, backupPrefix), ".db")); err == nil {
				out = append(out, filepath.Join(dir, name))
			}
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out, nil
}

// AutoBackup keeps daily snapshots in dir: when the newest is older than a
// day (or there is none), it writes a new one and deletes all but the keep
// newest. It returns the new backup's path, or "" when none was due.
func (d *DB) AutoBackup(ctx context.Context, dir string, keep int) (string, error) {
	list, err := Backups(dir)
	if err != nil {
		return "", fmt.Errorf("back up: %w", err)
	}
	now := d.now()
	if len(list) > 0 {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(list[0]), backupPrefix), ".db")
		if t, err := time.ParseInLocation(backupLayout, name, time.UTC); err == nil && now.UTC().Sub(t) < 24*time.Hour {
			return "", nil
		}
	}
	dest := filepath.Join(dir, backupPrefix+now.UTC().Format(backupLayout)+".db")
	if err := d.Backup(ctx, dest); err != nil {
		return "", err
	}
	list, err = Backups(dir)
	if err != nil {
		return dest, fmt.Errorf("back up: %w", err)
	}
	for _, old := range list[min(len(list), max(keep, 1)):] {
		os.Remove(old)
	}
	return dest, nil
}

// SetAside moves a database file (and its -wal and -shm files) out of the
// way, to <path>.damaged-<time>, never overwriting anything, and returns
// the new path: a damaged file is kept for a specialist, not deleted.
func SetAside(path, why string, now time.Time) (string, error) {
	dest := fmt.Sprintf("%s.%s-%s", path, why, now.UTC().Format(backupLayout))
	for i := 1; ; i++ {
		if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
			break
		}
		dest = fmt.Sprintf("%s.%s-%s-%d", path, why, now.UTC().Format(backupLayout), i)
	}
	if err := os.Rename(path, dest); err != nil {
		return "", fmt.Errorf("set %s aside: %w", path, classify(err))
	}
	for _, ext := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + ext); err == nil {
			os.Rename(path+ext, dest+ext)
		}
	}
	return dest, nil
}

// CheckBackup opens a backup read-only and checks it: a sound SQLite file
// with a schema this version knows.
func CheckBackup(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	defer db.Close()
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("backup %s: %w", path, classify(err))
	}
	if version > SchemaVersion {
		return fmt.Errorf("backup %s: %w (schema %d; this version knows up to %d)", path, ErrNewer, version, SchemaVersion)
	}
	if version == 0 {
		return fmt.Errorf("backup %s: not an Atelier database", path)
	}
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("backup %s: %w", path, classify(err))
	}
	if res != "ok" {
		return fmt.Errorf("backup %s: %w: %s", path, ErrDamaged, res)
	}
	return nil
}

// Restore replaces the database at dbPath with a backup (which must not
// be open). The backup is checked first; the current file, if any, is set
// aside (never overwritten or deleted); the customers forgotten in the
// current database are forgotten again in the restored one. It returns
// where the replaced file went ("" when there was none).
func Restore(ctx context.Context, dbPath, backup string) (string, error) {
	if err := CheckBackup(ctx, backup); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	// What the current database has erased must stay erased.
	var erased []int64
	if _, err := os.Stat(dbPath); err == nil {
		if cur, err := Open(ctx, dbPath); err == nil {
			erased, _ = cur.erasures(ctx)
			cur.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
			cur.Close()
		}
	}
	// Copy the backup next to the database first, then swap.
	tmp := dbPath + ".restoring"
	os.Remove(tmp)
	if err := copyFile(backup, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("restore %s: %w", backup, classify(err))
	}
	aside := ""
	if _, err := os.Stat(dbPath); err == nil {
		var err error
		if aside, err = SetAside(dbPath, "replaced", time.Now()); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("restore %s: %w", backup, err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return aside, fmt.Errorf("restore %s: %w", backup, classify(err))
	}
	db, err := Open(ctx, dbPath)
	if err != nil {
		return aside, fmt.Errorf("restore %s: %w", backup, err)
	}
	defer db.Close()
	for _, id := range erased {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			if err := db.forget(ctx, tx, id); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO erasures (customer, erased_at) VALUES (?, ?)`, id, db.stamp())
			return err
		})
		if err != nil {
			return aside, fmt.Errorf("restore %s: forget customer %d again: %w", backup, id, err)
		}
	}
	if _, err := db.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return aside, fmt.Errorf("restore %s: %w", backup, classify(err))
	}
	return aside, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
