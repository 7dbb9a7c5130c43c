//go:build !race

// Package racecheck tells a test whether it runs under the race detector,
// which makes it some ten times slower: the long kill-and-crash loops run
// a few rounds there (enough to catch a data race) and in full without it
// (make norace, part of make test).
package racecheck

// Enabled: built with the race detector.
const Enabled = false
