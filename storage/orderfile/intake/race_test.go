//go:build race

package intake

// raceEnabled: the tests run with the race detector (about ten times slower).
const raceEnabled = true
