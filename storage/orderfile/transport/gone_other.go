//go:build !windows

package transport

import (
	"errors"
	"syscall"
)

// shareGone reports whether err, from a file under a mounted share, says
// that the share cannot be reached (the server went away, the mount is
// stale), rather than something about the file.
func shareGone(err error) bool {
	for _, e := range []syscall.Errno{syscall.ENOTCONN, syscall.ESTALE, syscall.EHOSTDOWN,
		syscall.EHOSTUNREACH, syscall.ETIMEDOUT, syscall.ENETDOWN, syscall.ENETUNREACH,
		syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EIO} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
