//go:build !windows

package wine

// Running reports whether this Windows program runs under Wine: never,
// on other systems.
func Running() bool { return false }
