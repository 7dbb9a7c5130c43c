//go:build race

package render

// raceEnabled: the race detector slows the pixel-by-pixel tests tenfold.
const raceEnabled = true
