//go:build !windows

package main

// attachConsole: outside Windows a program started from a terminal
// writes to it already.
func attachConsole() {}
