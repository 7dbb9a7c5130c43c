//go:build !windows

package storage

import (
	"errors"
	"os"
	"syscall"
)

// processAlive says whether a process with that id runs now: signal 0
// reaches it (or it exists but is another user's).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
