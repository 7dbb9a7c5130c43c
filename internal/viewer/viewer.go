// Package viewer opens a file as another program showing it does, for
// tests of what Atelier does to files a user has open elsewhere (an order
// package in a ZIP viewer, a quote in a PDF reader, lines.csv in a
// spreadsheet).
package viewer

import "os"

// Open opens path for reading as a viewer does. On Windows it shares
// reading only, as most viewers do (Go's own os.Open shares writing too,
// but neither shares deletion, which replacing the file needs); on Unix
// sharing modes do not exist.
func Open(path string) (*os.File, error) { return open(path) }
