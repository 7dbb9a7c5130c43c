package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkColdStart starts the real app (built by the benchmark) in a
// fresh home on an X display and measures the time until its window is on
// the screen (polled with xwininfo every 5 ms), then closes it. It needs a
// display (DISPLAY, e.g. Xvfb :99) and x11-utils; without them it is
// skipped.
//
//	Xvfb :99 & DISPLAY=:99 go test . -run '^$' -bench ColdStart -benchtime 10x
func BenchmarkColdStart(b *testing.B) {
	if os.Getenv("DISPLAY") == "" {
		b.Skip("no DISPLAY")
	}
	if _, err := exec.LookPath("xwininfo"); err != nil {
		b.Skip("no xwininfo")
	}
	bin := filepath.Join(b.TempDir(), "atelier")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	var waits []time.Duration
	for b.Loop() {
		home := b.TempDir()
		start := time.Now()
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "HOME="+home)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for {
			out, _ := exec.Command("xwininfo", "-root", "-tree").Output()
			if strings.Contains(string(out), `"Atelier"`) {
				break
			}
			if time.Since(start) > 20*time.Second {
				cmd.Process.Kill()
				b.Fatal("no window in 20 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		waits = append(waits, time.Since(start))
		cmd.Process.Kill()
		cmd.Wait()
	}
	slices.Sort(waits)
	if n := len(waits); n > 0 {
		b.ReportMetric(float64(waits[n/2].Milliseconds()), "ms-median")
		b.ReportMetric(float64(waits[n-1].Milliseconds()), "ms-max")
	}
}
