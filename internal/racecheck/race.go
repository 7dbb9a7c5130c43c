//go:build race

package racecheck

// Enabled: built with the race detector.
const Enabled = true
