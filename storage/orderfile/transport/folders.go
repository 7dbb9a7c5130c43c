package transport

import (
	"context"
	"io/fs"
	"slices"
)

// Folders lists the folders of dir in a folder transport.
func (f *folder) Folders(ctx context.Context, dir string) ([]string, error) {
	var out []string
	err := f.readDir(ctx, dir, func(de fs.DirEntry) error {
		if de.IsDir() {
			out = append(out, de.Name())
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// Folders lists the folders of dir on an SFTP server.
func (s *sftpTransport) Folders(ctx context.Context, dir string) ([]string, error) {
	var out []string
	err := s.readDir(ctx, dir, func(info fs.FileInfo) {
		if info.IsDir() {
			out = append(out, info.Name())
		}
	})
	slices.Sort(out)
	return out, err
}
