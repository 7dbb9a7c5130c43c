package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrForeign: the file is an SQLite database, but not an Atelier library
// (another program's file, or a library whose schema was changed: a
// trigger, view, table or index Atelier does not make, or a changed
// definition). Nothing is changed.
var ErrForeign = errors.New("not an Atelier library")

// schemaObject is one row of sqlite_master.
type schemaObject struct {
	Type, Name, Table, SQL string
}

// noun is how a message names the object: "a trigger 'wipe'".
func (o schemaObject) noun() string {
	article := "a"
	if strings.HasPrefix(o.Type, "i") {
		article = "an"
	}
	return fmt.Sprintf("%s %s '%s'", article, o.Type, o.Name)
}

// the objects SQLite itself makes (ANALYZE's statistics, AUTOINCREMENT's
// counters): they change no behaviour and are not compared.
var sqliteOwn = map[string]bool{"sqlite_stat1": true, "sqlite_stat2": true, "sqlite_stat3": true, "sqlite_stat4": true, "sqlite_sequence": true}

// rowsQuerier is a database, connection or transaction.
type rowsQuerier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// readSchema reads a database's user_version and sqlite_master (each
// definition's white space normalised) in one statement, so both come from
// the same snapshot even while another program applies a migration.
func readSchema(ctx context.Context, q rowsQuerier) (int, []schemaObject, error) {
	rows, err := q.QueryContext(ctx, `SELECT 0, user_version, '', '', '' FROM pragma_user_version
		UNION ALL SELECT 1, 0, type, name, tbl_name || char(0) || coalesce(sql, '') FROM sqlite_master ORDER BY 1, 3, 4`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var version int
	var out []schemaObject
	for rows.Next() {
		var kind, v int
		var o schemaObject
		var rest string
		if err := rows.Scan(&kind, &v, &o.Type, &o.Name, &rest); err != nil {
			return 0, nil, err
		}
		if kind == 0 {
			version = v
			continue
		}
		o.Table, o.SQL, _ = strings.Cut(rest, "\x00")
		if o.Type == "table" && sqliteOwn[o.Name] {
			continue
		}
		o.SQL = strings.Join(strings.Fields(o.SQL), " ")
		out = append(out, o)
	}
	return version, out, rows.Err()
}

// expected holds Atelier's own schema at every version, built once per set
// of migrations by applying them to an empty in-memory database: the
// check needs no list of tables, and a new migration needs no change here.
var expected struct {
	sync.Mutex
	key      [32]byte
	versions [][]schemaObject // [v] is the schema at user_version v
}

// expectedSchema is the schema Atelier's migrations make at version v.
func expectedSchema(ctx context.Context, v int) ([]schemaObject, error) {
	h := sha256.New()
	for _, m := range migrations {
		io.WriteString(h, m)
		h.Write([]byte{0})
	}
	var key [32]byte
	h.Sum(key[:0])
	expected.Lock()
	defer expected.Unlock()
	if expected.versions == nil || expected.key != key {
		versions, err := buildSchemas(ctx)
		if err != nil {
			return nil, fmt.Errorf("build Atelier's schema: %w", err)
		}
		expected.key, expected.versions = key, versions
	}
	if v < 0 || v >= len(expected.versions) {
		return nil, fmt.Errorf("no schema version %d", v)
	}
	return expected.versions[v], nil
}

func buildSchemas(ctx context.Context) ([][]schemaObject, error) {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // one connection: one in-memory database
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	versions := [][]schemaObject{nil}
	for i, m := range migrations {
		if _, err := conn.ExecContext(ctx, m); err != nil {
			return nil, fmt.Errorf("migration %d: %w", i+1, err)
		}
		_, objs, err := readSchema(ctx, conn)
		if err != nil {
			return nil, err
		}
		versions = append(versions, objs)
	}
	return versions, nil
}

// compareSchema says what in got is not Atelier's schema want, one phrase
// per difference ("has a trigger 'x' that Atelier does not make"), at most
// a few. Every definition is compared, the shadow tables of a virtual
// table (FTS5's design_search_data, _idx, _content, _docsize, _config)
// included: want is what this build's SQLite writes for a fresh database,
// and FTS5 has written the same shadow definitions for the options of
// migration 2 since SQLite 3.9 (2015); only options Atelier does not use
// (contentless_delete, columnsize=0, locale) change them. A changed shadow
// table (a CHECK added to design_search_docsize) would make every later
// save fail, so it is refused like any other changed table.
func compareSchema(got, want []schemaObject) []string {
	type key struct{ typ, name string }
	wanted := map[key]schemaObject{}
	for _, o := range want {
		wanted[key{o.Type, o.Name}] = o
	}
	var problems []string
	seen := map[key]bool{}
	for _, o := range got {
		k := key{o.Type, o.Name}
		seen[k] = true
		w, ok := wanted[k]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("has %s that Atelier does not make", o.noun()))
		case w.Table != o.Table || w.SQL != o.SQL:
			problems = append(problems, fmt.Sprintf("has %s whose definition is not Atelier's", o.noun()))
		}
	}
	for _, w := range want {
		if !seen[key{w.Type, w.Name}] {
			problems = append(problems, fmt.Sprintf("lacks %s that Atelier makes", w.noun()))
		}
	}
	return problems
}

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// inspect runs f on the existing SQLite file at path through a connection
// that changes nothing and leaves no file beside it (no -wal, no -shm; the
// bytes and mtime of every side file as they were):
//   - a database in rollback-journal mode (another program's, as a rule) is
//     read through a read-only connection, which creates nothing; one with
//     a hot journal (another program was killed in a transaction) cannot be
//     read without rolling it back, and is refused as not Atelier's;
//   - in WAL mode, when a -shm file or a log (-wal) with content exists,
//     the database and its log are copied into a temporary folder and the
//     copy is read: a connection to the file itself, even a read-only one,
//     would rebuild or mark the -shm a killed writer left (SQLite truncates
//     the index when it is the first to open it); should the file or its
//     log change while they are copied (another program writing), they are
//     copied again;
//   - else the file is the whole database, read as immutable (a read-only
//     connection would create -wal and -shm files and leave them). Should
//     another program open and change it meanwhile (a -shm appears, the
//     file changes) and f fail, the reading is done again.
//
// It returns ErrDamaged for a file that is not SQLite and (false, nil) for
// a zero-length file, which holds nothing.
func inspect(ctx context.Context, path string, f func(db *sql.DB) error) (bool, error) {
	for try := 0; ; try++ {
		info, err := os.Stat(path)
		if err != nil {
			return false, classify(err)
		}
		if info.IsDir() {
			return false, fmt.Errorf("%s is a folder, not a database file", path)
		}
		if info.Size() == 0 {
			return false, nil
		}
		wal, err := checkHeader(path)
		if err != nil {
			return false, err
		}
		immutable, err := inspectOnce(ctx, path, wal, f)
		if err == nil || !immutable || try == 3 {
			return true, err
		}
		_, shmErr := os.Lstat(path + "-shm")
		now, statErr := os.Stat(path)
		if shmErr != nil && statErr == nil && now.Size() == info.Size() && now.ModTime().Equal(info.ModTime()) {
			return true, err // nobody changed it: the answer stands
		}
	}
}

// inspectOnce is one reading of inspect; it reports whether it read the
// file as immutable.
func inspectOnce(ctx context.Context, path string, wal bool, f func(db *sql.DB) error) (bool, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	src := path
	immutable := false
	_, shmErr := os.Lstat(path + "-shm")
	log, walErr := os.Stat(path + "-wal")
	switch {
	case !wal:
		q.Add("_pragma", "busy_timeout(5000)")
	case shmErr == nil || (walErr == nil && log.Size() > 0):
		tmp, err := os.MkdirTemp("", "atelier-inspect-")
		if err != nil {
			return false, classify(err)
		}
		defer os.RemoveAll(tmp)
		src = filepath.Join(tmp, "copy.db")
		if err := copyWithLog(path, src); err != nil {
			return false, classify(err)
		}
		q = url.Values{}
	default:
		q.Set("immutable", "1")
		immutable = true
	}
	db, err := sql.Open("sqlite", fileURI(src, q))
	if err != nil {
		return immutable, err
	}
	defer db.Close()
	err = f(db)
	var se *sqlite.Error
	if !wal && errors.As(err, &se) && se.Code() == sqlite3.SQLITE_READONLY_ROLLBACK {
		name := filepath.Base(path)
		return immutable, fmt.Errorf("%w: %s has an unfinished transaction of another program (%s-journal) and cannot be read without changing it: refused; nothing was changed", ErrForeign, name, name)
	}
	return immutable, err
}

// copyWithLog copies the database at path and its log (-wal), if any, to
// dst and dst-wal, again (up to 3 times) while either changes during the
// copy: another program may be writing to them.
func copyWithLog(path, dst string) error {
	type stamp struct {
		size int64
		mod  time.Time
		ok   bool
	}
	stampsOf := func() [2]stamp {
		var s [2]stamp
		for i, p := range []string{path, path + "-wal"} {
			if info, err := os.Stat(p); err == nil {
				s[i] = stamp{info.Size(), info.ModTime(), true}
			}
		}
		return s
	}
	for try := 0; ; try++ {
		before := stampsOf()
		os.Remove(dst)
		os.Remove(dst + "-wal")
		if err := copyFile(path, dst); err != nil {
			return err
		}
		if err := copyFile(path+"-wal", dst+"-wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if stampsOf() == before || try == 2 {
			return nil
		}
	}
}

// checkHeader refuses a file that does not start like an SQLite database,
// and reports whether the database is in WAL mode (its header's read and
// write versions are 2).
func checkHeader(path string) (bool, error) {
	file, err := os.Open(path)
	if err != nil {
		return false, classify(err)
	}
	defer file.Close()
	header := make([]byte, 100)
	n, err := io.ReadFull(file, header)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, classify(err)
	}
	if n < len(sqliteMagic) || !bytes.HasPrefix(header, []byte(sqliteMagic)) {
		return false, fmt.Errorf("%w: not an SQLite database", ErrDamaged)
	}
	if n < len(header) {
		return false, fmt.Errorf("%w: too short for an SQLite database", ErrDamaged)
	}
	return header[18] == 2 || header[19] == 2, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// checkSchema compares the schema of an open database with Atelier's at
// its user_version. subject names the file in messages ("the file", "the
// backup"). It returns the version; ErrNewer for a newer one; ErrForeign,
// naming what is foreign, for another program's file or a changed schema.
// A file at version 0 with no schema is a new library (a first start that
// stopped before its first migration); a file that shares no table or
// index with Atelier's schema is named another program's.
func checkSchema(ctx context.Context, db rowsQuerier, subject string) (int, error) {
	version, got, err := readSchema(ctx, db)
	if err != nil {
		return 0, classify(err)
	}
	if version > len(migrations) {
		return version, fmt.Errorf("%w (schema %d; this version knows up to %d): nothing was changed; update Atelier", ErrNewer, version, len(migrations))
	}
	want, err := expectedSchema(ctx, version)
	if err != nil {
		return version, err
	}
	if len(got) > 0 && !sharesObjects(got, want) {
		var names []string
		for _, o := range got {
			if o.Type == "table" {
				names = append(names, o.Name)
			}
		}
		if len(names) == 0 {
			names = append(names, got[0].Name)
		}
		return version, fmt.Errorf("%w: %s holds another program's data (%s): refused; nothing was changed", ErrForeign, subject, summary(names, 5, ", "))
	}
	if problems := compareSchema(got, want); len(problems) > 0 {
		for i := range problems {
			problems[i] = subject + " " + problems[i]
		}
		return version, fmt.Errorf("%w: %s: refused; nothing was changed", ErrForeign, summary(problems, 3, "; "))
	}
	return version, nil
}

// sharesObjects reports whether got has any of want's tables, indexes,
// triggers or views (by type and name).
func sharesObjects(got, want []schemaObject) bool {
	for _, g := range got {
		for _, w := range want {
			if g.Type == w.Type && g.Name == w.Name {
				return true
			}
		}
	}
	return false
}

// summary joins at most n items with sep and says how many more there
// are.
func summary(items []string, n int, sep string) string {
	if len(items) > n {
		return strings.Join(items[:n], sep) + fmt.Sprintf("%sand %d more", sep, len(items)-n)
	}
	return strings.Join(items, sep)
}
