package wine

import "syscall"

// Running reports whether this Windows program runs under Wine (Wine's
// ntdll exports wine_get_version; Windows' does not).
func Running() bool {
	return syscall.NewLazyDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
