package ui

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/atelier-app/atelier/assets"
)

// BenchmarkClickToPriceAndPreview measures what a user waits for after a
// click on an option, through Fyne's test driver: the tap on the option's
// row, the new price in the price panel, the engine's answer (the greyed
// options) and the new preview image in the widget (a 640×400 preview,
// drawn off the UI goroutine). The desk's top alternates between oak and
// walnut, so every click changes the price and the picture.
//
//	go test ./ui -run '^$' -bench ClickToPrice -benchtime 200x
func BenchmarkClickToPriceAndPreview(b *testing.B) {
	test.NewTempApp(b)
	cat, err := assets.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	q := make(uiQueue, 1024)
	d := buildDesigner(cat, "en", q.do, false)
	w := test.NewTempWindow(b, d.Content())
	w.Resize(fyne.NewSize(1280, 720))
	d.SetWindow(w)
	rows := d.controls["top"].rows
	rendered, answered := 0, 0
	d.Preview().OnRendered = func() { rendered++ }
	d.OnEngine = func() { answered++ }
	settle := func() {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			q.drain()
			if d.domains != nil && len(q) == 0 {
				time.Sleep(20 * time.Millisecond)
				q.drain()
				if len(q) == 0 {
					return
				}
			}
			time.Sleep(time.Millisecond)
		}
		b.Fatal("the designer did not settle")
	}
	settle()
	var waits []time.Duration
	choices := []string{"walnut", "oak"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		before, r0, a0 := d.total.Text, rendered, answered
		start := time.Now()
		test.Tap(rows[choices[i%2]])
		for d.total.Text == before || rendered == r0 || answered == a0 {
			q.drain()
			if time.Since(start) > 5*time.Second {
				b.Fatalf("click %d: price %q→%q, rendered %d→%d, answered %d→%d", i, before, d.total.Text, r0, rendered, a0, answered)
			}
			time.Sleep(50 * time.Microsecond)
		}
		waits = append(waits, time.Since(start))
		b.StopTimer()
		settle() // the count of variants and any late render: not part of the click
		b.StartTimer()
	}
	slices.Sort(waits)
	if n := len(waits); n > 0 {
		b.ReportMetric(float64(waits[n/2].Microseconds())/1000, "ms-median")
		b.ReportMetric(float64(waits[min(n-1, n*95/100)].Microseconds())/1000, "ms-p95")
	}
}
