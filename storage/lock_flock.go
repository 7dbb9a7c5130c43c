//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package storage

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f without waiting (flock,
// which does not meddle with SQLite's fcntl locks); false when another
// open file holds it.
func lockFile(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
