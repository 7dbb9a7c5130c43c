package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/atelier-app/atelier/storage/safefile"
)

// folder is the transport through a folder: a share mounted on this
// machine (or a local folder a sync tool carries). Every call opens the
// root afresh as an os.Root, so a share mounted again is found again, and
// a path cannot leave the root through a symbolic link either.
type folder struct {
	root string
}

// NewFolder is the transport through the folder root. The root itself
// is never made: one that is missing (a share not mounted) makes every
// call fail with an error wrapping ErrUnreachable.
func NewFolder(root string) Transport { return &folder{root: root} }

// chunk is how much is written between two looks at the context.
const chunk = 1 << 20

// open opens the root.
func (f *folder) open(ctx context.Context) (*os.Root, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	info, err := os.Stat(f.root)
	if err == nil && !info.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a folder", ErrUnreachable, f.root)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: the folder %s: %w", ErrUnreachable, f.root, err)
	}
	r, err := os.OpenRoot(f.root)
	if err != nil {
		return nil, fmt.Errorf("%w: the folder %s: %w", ErrUnreachable, f.root, err)
	}
	return r, nil
}

// fail wraps an error of a call under the root: one that says the share
// went away also wraps ErrUnreachable.
func (f *folder) fail(op, p string, err error) error {
	if shareGone(err) {
		return fmt.Errorf("%s %s in %s: %w: %w", op, p, f.root, ErrUnreachable, err)
	}
	return fmt.Errorf("%s %s in %s: %w", op, p, f.root, err)
}

func (f *folder) Put(ctx context.Context, p string, data []byte) (err error) {
	p, err = filePath(p)
	if err != nil {
		return err
	}
	r, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	if dir := path.Dir(p); dir != "." {
		if err := r.MkdirAll(dir, 0o755); err != nil {
			return f.fail("put", p, err)
		}
	}
	partial := p + PartialSuffix
	w, err := r.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return f.fail("put", p, err)
	}
	done := false
	defer func() {
		if !done {
			w.Close()
			r.Remove(partial)
		}
	}()
	for rest := data; len(rest) > 0; {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("put %s: %w", p, err)
		}
		n := min(len(rest), chunk)
		if _, err := w.Write(rest[:n]); err != nil {
			return f.fail("put", p, err)
		}
		rest = rest[n:]
	}
	if err := w.Sync(); err != nil {
		return f.fail("put", p, err)
	}
	if err := w.Close(); err != nil {
		return f.fail("put", p, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put %s: %w", p, err)
	}
	if err := f.replace(r, partial, p); err != nil {
		return err
	}
	done = true
	return nil
}

// replace renames from over to under r, waiting a little for a program
// that has the target open (Windows), and syncs the folder.
func (f *folder) replace(r *os.Root, from, to string) error {
	target := filepath.Join(f.root, filepath.FromSlash(to))
	if err := safefile.ReplaceBy(target, func() error { return r.Rename(from, to) }); err != nil {
		return f.fail("rename", from+" to", fmt.Errorf("%s: %w", to, err))
	}
	safefile.SyncDir(filepath.Dir(target))
	return nil
}

func (f *folder) List(ctx context.Context, dir string) ([]Entry, error) {
	var entries []Entry
	err := f.readDir(ctx, dir, func(de fs.DirEntry) error {
		if !de.Type().IsRegular() || strings.HasSuffix(de.Name(), PartialSuffix) {
			return nil
		}
		info, err := de.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // taken away meanwhile
		}
		if err != nil {
			return err
		}
		entries = append(entries, Entry{Name: de.Name(), Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return entries, err
}

// readDir calls each with every entry of dir; a folder that does not
// exist has none.
func (f *folder) readDir(ctx context.Context, dir string, each func(fs.DirEntry) error) error {
	dir, err := cleanPath(dir, true)
	if err != nil {
		return err
	}
	r, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	d, err := r.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return f.fail("list", dir, err)
	}
	defer d.Close()
	des, err := d.ReadDir(-1)
	if err != nil {
		return f.fail("list", dir, err)
	}
	for _, de := range des {
		if err := each(de); err != nil {
			return f.fail("list", dir, err)
		}
	}
	return nil
}

func (f *folder) Get(ctx context.Context, p string, limit int64) ([]byte, error) {
	p, err := filePath(p)
	if err != nil {
		return nil, err
	}
	r, err := f.open(ctx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	file, err := r.Open(p)
	if err != nil {
		return nil, f.fail("get", p, err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, f.fail("get", p, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("get %s in %s: not a file", p, f.root)
	}
	data, err := readLimited(ctx, file, limit)
	if err != nil {
		return nil, f.fail("get", p, err)
	}
	return data, nil
}

// readLimited reads r to its end, but never more than limit+1 bytes: a
// reader with more than limit is refused with ErrTooBig.
func readLimited(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	if limit < 0 {
		limit = 0
	}
	var buf []byte
	lr := io.LimitReader(r, limit+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(max(512, cap(buf)), chunk))
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, fmt.Errorf("%w (over %d bytes)", ErrTooBig, limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (f *folder) Remove(ctx context.Context, p string) error {
	p, err := cleanPath(p, false)
	if err != nil {
		return err
	}
	r, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	info, err := r.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return f.fail("remove", p, err)
	}
	if info.IsDir() {
		return fmt.Errorf("remove %s in %s: a folder, not a file", p, f.root)
	}
	err = safefile.ReplaceBy(filepath.Join(f.root, filepath.FromSlash(p)), func() error { return r.Remove(p) })
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return f.fail("remove", p, err)
	}
	return nil
}

func (f *folder) Rename(ctx context.Context, from, to string) error {
	from, err := filePath(from)
	if err != nil {
		return err
	}
	if to, err = filePath(to); err != nil {
		return err
	}
	r, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	if dir := path.Dir(to); dir != "." {
		if err := r.MkdirAll(dir, 0o755); err != nil {
			return f.fail("rename", from, err)
		}
	}
	return f.replace(r, from, to)
}

func (f *folder) Close() error { return nil }
