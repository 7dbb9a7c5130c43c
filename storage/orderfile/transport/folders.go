package transport

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
)

// Folders lists the folders of dir in a folder transport.
func (f *folder) Folders(ctx context.Context, dir string) ([]string, error) {
	dir, err := cleanPath(dir, true)
	if err != nil {
		return nil, err
	}
	r, err := f.open(ctx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d, err := r.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, f.fail("list", dir, err)
	}
	defer d.Close()
	des, err := d.ReadDir(-1)
	if err != nil {
		return nil, f.fail("list", dir, err)
	}
	var out []string
	for _, de := range des {
		if de.IsDir() {
			out = append(out, de.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// Folders lists the folders of dir on an SFTP server.
func (s *sftpTransport) Folders(ctx context.Context, dir string) ([]string, error) {
	dir, err := cleanPath(dir, true)
	if err != nil {
		return nil, err
	}
	var out []string
	err = s.call(ctx, "list", dir, func() error {
		infos, err := s.client.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, info := range infos {
			if info.IsDir() && !strings.Contains(info.Name(), "/") {
				out = append(out, info.Name())
			}
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}
