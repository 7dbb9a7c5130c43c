package transport

import (
	"errors"
	"syscall"
)

// Windows' answers when a network share cannot be reached.
const (
	errorNotReady           syscall.Errno = 21
	errorBadNetpath         syscall.Errno = 53
	errorNetworkBusy        syscall.Errno = 54
	errorDevNotExist        syscall.Errno = 55
	errorUnexpNetErr        syscall.Errno = 59
	errorNetnameDeleted     syscall.Errno = 64
	errorBadNetName         syscall.Errno = 67
	errorSemTimeout         syscall.Errno = 121
	errorNoNetOrBadPath     syscall.Errno = 1203
	errorNetworkUnreachable syscall.Errno = 1231
	errorHostUnreachable    syscall.Errno = 1232
	errorConnectionAborted  syscall.Errno = 1236
)

// shareGone reports whether err, from a file under a share, says that
// the share cannot be reached rather than something about the file.
func shareGone(err error) bool {
	for _, e := range []syscall.Errno{errorNotReady, errorBadNetpath, errorNetworkBusy,
		errorDevNotExist, errorUnexpNetErr, errorNetnameDeleted, errorBadNetName,
		errorSemTimeout, errorNoNetOrBadPath, errorNetworkUnreachable,
		errorHostUnreachable, errorConnectionAborted} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
