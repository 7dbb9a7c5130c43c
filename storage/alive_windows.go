//go:build windows

package storage

import "syscall"

// processAlive says whether a process with that id runs now. Opening it is
// not enough on Windows: a process that has exited stays openable while
// anyone holds a handle to it (its parent, until it has waited), so its
// exit code must still be STILL_ACTIVE. A process of another user that
// cannot be opened is taken as running (the safe answer: its export is
// left alone until it is stale).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	const queryLimitedInformation = 0x1000 // PROCESS_QUERY_LIMITED_INFORMATION
	const stillActive = 259                // STILL_ACTIVE
	h, err := syscall.OpenProcess(queryLimitedInformation, false, uint32(pid))
	if err != nil {
		// ERROR_INVALID_PARAMETER: no such process; access denied: another
		// user's, running.
		return err == syscall.ERROR_ACCESS_DENIED
	}
	defer syscall.CloseHandle(h)
	var code uint32
	if err := syscall.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	return code == stillActive
}
