// Package wine makes Go's test binaries usable under Wine, where the
// Windows-only tests of Atelier run on a Linux machine (make
// windows-tests).
//
// Go ≥ 1.23 deletes a file on Windows with POSIX semantics first and
// falls back to the classic way when the system says it cannot; Wine 8
// answers "Invalid function", a status Go does not fall back on, so
// every os.RemoveAll fails there, t.TempDir's cleanup included. Under
// the build tag "wine" this package switches Go to the classic way from
// the start, which is what Windows before 10 (1607) gets anyway. Real
// Windows never runs with the tag: the app and the CLI are built
// without it.
package wine
