package catalog

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// MainFile is the name of the catalog file inside a folder or zip.
const MainFile = "catalog.json"

// Limits on what a catalog package may hold, so that a hostile zip cannot
// exhaust memory ("zip bomb") or escape its folder.
const (
	maxCatalogBytes = 32 << 20
	maxAssetBytes   = 16 << 20
	maxPackageBytes = 256 << 20
	maxAssets       = 4096
)

var assetExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".svg": true, ".webp": true}

// Load reads a catalog from a .json file, a folder holding catalog.json and
// its images, or a .zip of such a folder.
func Load(p string) (*Catalog, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", PlainFileError(err))
	}
	if st.IsDir() {
		return LoadFS(os.DirFS(p), filepath.Join(p, MainFile))
	}
	if strings.EqualFold(filepath.Ext(p), ".zip") {
		return loadZip(p)
	}
	// Capped by reading, not by what the file system says of the file: a
	// device or a pipe is refused, a file that grows stops at the limit.
	data, err := ReadFileLimited(p, maxCatalogBytes, "a catalog file")
	if err != nil {
		return nil, ErrorList{{File: p, Msg: err.Error()}}
	}
	return Parse(p, data, nil)
}

// LoadFS reads a catalog folder from fsys: catalog.json at its root and image
// assets anywhere below. name is used in messages.
func LoadFS(fsys fs.FS, name string) (*Catalog, error) {
	return loadFS(fsys, name, nil)
}

// loadFS is LoadFS, taking a file's bytes from read (files of fsys already
// read and checked, such as a package's) where it has them, so that they
// are not read, or inflated, again.
func loadFS(fsys fs.FS, name string, read map[string][]byte) (*Catalog, error) {
	data, err := readKnown(fsys, read, MainFile, maxCatalogBytes)
	if err != nil {
		return nil, ErrorList{{File: name, Msg: err.Error()}}
	}
	assets := map[string][]byte{}
	total := 0
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !assetExts[strings.ToLower(path.Ext(p))] {
			return nil
		}
		if len(assets) >= maxAssets {
			return fmt.Errorf("more than %d images", maxAssets)
		}
		b, err := readKnown(fsys, read, p, maxAssetBytes)
		if err != nil {
			return err
		}
		total += len(b)
		if total > maxPackageBytes {
			return fmt.Errorf("the images add up to more than %d MiB", maxPackageBytes>>20)
		}
		assets[p] = b
		return nil
	})
	if err != nil {
		return nil, ErrorList{{File: name, Msg: "read images: " + err.Error()}}
	}
	return Parse(name, data, assets)
}

// readKnown is readLimited, with the bytes from read when it holds name.
func readKnown(fsys fs.FS, read map[string][]byte, name string, limit int64) ([]byte, error) {
	b, ok := read[name]
	if !ok {
		return readLimited(fsys, name, limit)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB", name, limit>>20)
	}
	return b, nil
}

func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%s is missing", name)
		}
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB", name, limit>>20)
	}
	return b, nil
}

func loadZip(p string) (*Catalog, error) {
	data, err := ReadFileLimited(p, MaxPackageSize, "a catalog package")
	if err != nil {
		return nil, ErrorList{{File: p, Msg: err.Error()}}
	}
	return ParseZip(p, data)
}

// ParseZip reads a zipped catalog folder.
func ParseZip(name string, data []byte) (*Catalog, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, ErrorList{{File: name, Msg: "not a readable zip file: " + err.Error()}}
	}
	return parseZip(zr, name, nil)
}

// parseZip is ParseZip of an open zip; read holds entries already read
// (see loadFS).
func parseZip(zr *zip.Reader, name string, read map[string][]byte) (*Catalog, error) {
	if len(zr.File) > maxAssets+16 {
		return nil, ErrorList{{File: name, Msg: fmt.Sprintf("the zip holds %d files; the limit is %d", len(zr.File), maxAssets)}}
	}
	for _, f := range zr.File {
		folder, err := zipFolderEntry(f)
		if err != nil {
			return nil, ErrorList{{File: name, Msg: err.Error()}}
		}
		if folder {
			continue
		}
		if f.UncompressedSize64 > maxCatalogBytes {
			return nil, ErrorList{{File: name, Msg: fmt.Sprintf("%s is larger than %d MiB", f.Name, maxCatalogBytes>>20)}}
		}
	}
	return loadFS(zr, name+"!"+MainFile, read)
}

// zipFolderEntry checks an entry's name and tells whether it is a folder
// entry ("images/", as plain `zip -r` writes them), which a reader skips:
// a folder's files come as entries of their own. A name that could leave
// the folder (absolute, "..", a backslash) is an error, folder or not, and
// so is a folder entry that holds data.
func zipFolderEntry(f *zip.File) (bool, error) {
	name, folder := strings.CutSuffix(f.Name, "/")
	if !fs.ValidPath(name) || name == "." || strings.Contains(f.Name, `\`) {
		return false, fmt.Errorf("the zip holds an unsafe path %q", f.Name)
	}
	if folder || f.FileInfo().IsDir() {
		if f.UncompressedSize64 != 0 {
			return false, fmt.Errorf("the zip's folder entry %q holds data", f.Name)
		}
		return true, nil
	}
	return false, nil
}

// MaxPackageSize is the most a catalog package (or a catalog file) may
// weigh on disk: what ReadFileLimited allows when a catalog is imported.
const MaxPackageSize = maxPackageBytes + maxCatalogBytes

// ReadFileLimited reads a file that came from outside, at most limit bytes
// of it: the limit holds by reading, whatever the file system says of the
// file's size (a file that grows, a device such as /dev/zero, a pipe). A
// file that is not a regular file (a device, a pipe, a folder) is refused
// before anything is read. what names the kind of file in the message ("an
// order package").
func ReadFileLimited(path string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, PlainFileError(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s); %s must be a file", path, fileKind(info.Mode()), what)
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%s is larger than %s may be (%s at most)", path, what, formatBytes(limit))
	}
	// The buffer is sized from what the file system says (one allocation
	// for an honest file, not io.ReadAll's doublings); the limit holds by
	// reading at most limit+1 bytes whatever it says.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead+1))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("%s is larger than %s may be (%s at most)", path, what, formatBytes(limit))
	}
	return buf.Bytes(), nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a pipe"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// formatBytes writes a size limit for people: "256 MiB", "64 KiB".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
