//go:build windows && wine

package wine

import _ "unsafe" // go:linkname

// deleteatFallback is Go's own switch for testing its fallback
// (internal/syscall/windows.TestDeleteatFallback). Linking to it needs
// -ldflags=-checklinkname=0, which make windows-tests passes.
//
//go:linkname deleteatFallback internal/syscall/windows.TestDeleteatFallback
var deleteatFallback bool

func init() { deleteatFallback = true }
