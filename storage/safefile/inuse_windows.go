package safefile

import (
	"errors"
	"syscall"
)

// Windows' answers when a file cannot be replaced because another
// program has it open: ERROR_ACCESS_DENIED (MoveFileEx over a file open
// without FILE_SHARE_DELETE), ERROR_SHARING_VIOLATION,
// ERROR_LOCK_VIOLATION.
const (
	errorAccessDenied     syscall.Errno = 5
	errorSharingViolation syscall.Errno = 32
	errorLockViolation    syscall.Errno = 33
	accessDelete                        = 0x00010000 // DELETE
)

// inUse reports whether err, from renaming onto path, means that another
// program has path open. Access is also denied onto a read-only file, or
// in a folder the user may not change; those are told apart by asking
// for the right to delete path with every kind of sharing: another
// program's open handle refuses it with a sharing violation.
func inUse(err error, path string) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case errorSharingViolation, errorLockViolation:
		return true
	case errorAccessDenied:
		p, perr := syscall.UTF16PtrFromString(path)
		if perr != nil {
			return false
		}
		h, oerr := syscall.CreateFile(p, accessDelete,
			syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE,
			nil, syscall.OPEN_EXISTING, syscall.FILE_FLAG_BACKUP_SEMANTICS, 0)
		if oerr == nil {
			syscall.CloseHandle(h)
			return false
		}
		return errors.Is(oerr, errorSharingViolation) || errors.Is(oerr, errorLockViolation)
	}
	return false
}
