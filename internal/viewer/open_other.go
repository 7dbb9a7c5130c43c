//go:build !windows

package viewer

import "os"

func open(path string) (*os.File, error) { return os.Open(path) }
