package orderfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// Limits bound what an archive may hold before anything is read from it.
type Limits struct {
	MaxFiles int   // entries
	MaxEntry int64 // bytes, uncompressed, per entry
	MaxTotal int64 // bytes, uncompressed, in all
	MaxRatio int64 // uncompressed / compressed, for entries over 64 KB
}

// DefaultLimits fit any real order (a PDF and a preview per line).
var DefaultLimits = Limits{MaxFiles: 1000, MaxEntry: 32 << 20, MaxTotal: 256 << 20, MaxRatio: 200}

// ReadZip reads an archive's files into memory after checking every entry
// against the limits: local relative paths only (no "..", no absolute or
// Windows paths, no backslashes), no symbolic links or special files, no
// duplicate names, declared sizes within the limits and plausibly
// compressed, and each entry read through a reader capped at its declared
// size. Nothing is written to disk.
func ReadZip(data []byte, lim Limits) (map[string][]byte, []string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, fmt.Errorf("not a zip archive: %v", err)
	}
	if len(zr.File) > lim.MaxFiles {
		return nil, nil, fmt.Errorf("the archive holds %d files; at most %d are allowed", len(zr.File), lim.MaxFiles)
	}
	var total uint64
	seen := map[string]bool{}
	var names []string
	for _, f := range zr.File {
		name := f.Name
		switch {
		case name == "" || strings.Contains(name, `\`) || strings.HasPrefix(name, "/") || !filepath.IsLocal(filepath.FromSlash(name)) ||
			slices.Contains(strings.Split(name, "/"), ".."):
			return nil, nil, fmt.Errorf("unsafe path %q in the archive", name)
		case f.Mode()&(fs.ModeSymlink|fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice|fs.ModeIrregular) != 0:
			return nil, nil, fmt.Errorf("%q is a link or a special file", name)
		case f.FileInfo().IsDir():
			return nil, nil, fmt.Errorf("%q is a folder entry; order packages hold files only", name)
		case seen[name]:
			return nil, nil, fmt.Errorf("%q appears twice in the archive", name)
		case f.UncompressedSize64 > uint64(lim.MaxEntry):
			return nil, nil, fmt.Errorf("%q is %d bytes; at most %d are allowed", name, f.UncompressedSize64, lim.MaxEntry)
		case f.UncompressedSize64 > 64<<10 && f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1):
			return nil, nil, fmt.Errorf("%q is compressed %d:1: refused (a zip bomb?)", name, f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
		seen[name] = true
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotal) {
			return nil, nil, fmt.Errorf("the archive unpacks to more than %d bytes", lim.MaxTotal)
		}
		names = append(names, name)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, nil, fmt.Errorf("%s cannot be unpacked: %v", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		rc.Close()
		switch {
		case errors.Is(err, zip.ErrChecksum):
			return nil, nil, fmt.Errorf("%s is damaged: its bytes do not match the archive's checksum (the file was changed or broken in transfer)", f.Name)
		case err != nil:
			return nil, nil, fmt.Errorf("%s cannot be unpacked: %v", f.Name, err)
		}
		if uint64(len(b)) != f.UncompressedSize64 {
			return nil, nil, fmt.Errorf("%q holds %d bytes, not the %d its header declares", f.Name, len(b), f.UncompressedSize64)
		}
		files[f.Name] = b
	}
	return files, names, nil
}
