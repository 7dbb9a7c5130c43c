//go:build windows

package main

import (
	"os"
	"syscall"
)

// attachConsole gives the app the console it was started from, if any
// (PowerShell, cmd): a GUI-subsystem program has none of its own, so
// without it -h/--help and start-up errors would go nowhere. Started from
// the Start menu there is no such console and nothing changes.
func attachConsole() {
	const attachParentProcess = ^uintptr(0) // (DWORD)-1: the parent's console
	r, _, _ := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole").Call(attachParentProcess)
	if r == 0 {
		return // no console to attach to
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = f, f
	}
}
