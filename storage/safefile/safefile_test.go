package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/internal/viewer"
)

// folder is a folder with a space and letters beyond ASCII in its name,
// as a user called Jörg Müller has.
func folder(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "Jörg Müller", "Bestellungen 2026")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// leftovers are the files in dir other than the named ones.
func leftovers(t *testing.T, dir string, names ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		if !slices.Contains(names, e.Name()) {
			left = append(left, e.Name())
		}
	}
	return left
}

func TestWriteCreatesAndReplaces(t *testing.T) {
	dir := folder(t)
	path := filepath.Join(dir, "Angebot Müller.pdf")
	for _, content := range []string{"first", "second, longer"} {
		if err := Write(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Errorf("the file says %q, want %q", got, content)
		}
	}
	if info, _ := os.Stat(path); runtime.GOOS != "windows" && info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644 whatever the umask", info.Mode().Perm())
	}
	if left := leftovers(t, dir, "Angebot Müller.pdf"); len(left) > 0 {
		t.Errorf("left beside it: %v", left)
	}
}

// A file open in a viewer: on Unix it is replaced and the viewer keeps
// what it showed; on Windows it cannot be replaced, and the write says so
// in plain words, keeps the old content and leaves nothing behind. Once
// the viewer closes it, the write succeeds.
func TestWriteOverAFileOpenInAViewer(t *testing.T) {
	defer func(p time.Duration) { Patience = p }(Patience)
	Patience = 300 * time.Millisecond
	dir := folder(t)
	path := filepath.Join(dir, "order NH-0001.zip")
	if err := Write(path, []byte("old order"), 0o644); err != nil {
		t.Fatal(err)
	}
	viewer := openLikeAViewer(t, path)
	err := Write(path, []byte("new order"), 0o644)
	if runtime.GOOS == "windows" {
		if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), path) {
			t.Fatalf("error = %v, want ErrInUse naming the file", err)
		}
		if got, _ := os.ReadFile(path); string(got) != "old order" {
			t.Errorf("the file says %q, want the old order kept", got)
		}
	} else {
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]byte, 64)
		n, _ := viewer.Read(seen)
		if string(seen[:n]) != "old order" {
			t.Errorf("the viewer reads %q, want what it opened", seen[:n])
		}
	}
	if left := leftovers(t, dir, "order NH-0001.zip"); len(left) > 0 {
		t.Errorf("left beside it: %v", left)
	}
	viewer.Close()
	if err := Write(path, []byte("new order"), 0o644); err != nil {
		t.Fatalf("after the viewer closed it: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new order" {
		t.Errorf("the file says %q", got)
	}
}

// A program that looks at a file for a moment (a virus scanner, an
// indexer) does not make the write fail: it waits for it.
func TestWriteWaitsForAProgramThatLetsGoSoon(t *testing.T) {
	dir := folder(t)
	path := filepath.Join(dir, "lines.csv")
	if err := Write(path, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	scanner := openLikeAViewer(t, path)
	go func() {
		time.Sleep(300 * time.Millisecond)
		scanner.Close()
	}()
	if err := Write(path, []byte("b"), 0o644); err != nil {
		t.Fatalf("a file held for 0.3 s: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "b" {
		t.Errorf("the file says %q", got)
	}
}

// A read-only file is not "open in another program": that would send the
// user looking for a program that is not there.
func TestAReadOnlyFileIsNotInUse(t *testing.T) {
	dir := folder(t)
	path := filepath.Join(dir, "locked.pdf")
	if err := Write(path, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o444)
	defer os.Chmod(path, 0o644)
	start := time.Now()
	err := Write(path, []byte("b"), 0o644)
	if errors.Is(err, ErrInUse) {
		t.Errorf("error = %v, want it not called in use", err)
	}
	if err != nil && time.Since(start) > Patience {
		t.Errorf("it waited %v for a read-only file", time.Since(start))
	}
}

// openLikeAViewer opens path as a viewer does (see internal/viewer).
func openLikeAViewer(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := viewer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
