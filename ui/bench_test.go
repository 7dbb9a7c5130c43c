package ui

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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
	d, _, q := designerOn(b, cat, fyne.NewSize(1280, 720))
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

// BenchmarkAcceptRepair measures insisting on a greyed option and accepting
// a repair, through Fyne's test driver, on the demo sofa with turned-oak
// legs decided: the tap on velvet until the repair dialog shows
// (ms-dialog), and the tap on its first proposal until the new decisions
// show with the engine's new domains (the greyed options), the new price
// and the new preview image (ms-accept; ms-domains until the engine's
// answer shows, ms-preview until the new image). Undoing between rounds
// is not timed.
//
//	go test ./ui -run '^$' -bench AcceptRepair -benchtime 50x
func BenchmarkAcceptRepair(b *testing.B) {
	test.NewTempApp(b)
	cat, err := assets.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	d, w, q := designerOn(b, cat, fyne.NewSize(1280, 720))
	d.SelectProduct("kolme-sofa")
	for _, set := range []string{"seats=3", "legs=oak"} {
		if err := d.DecideText(set); err != nil {
			b.Fatal(err)
		}
	}
	rendered, answered := 0, 0
	d.Preview().OnRendered = func() { rendered++ }
	d.OnEngine = func() { answered++ }
	wait := func(what string, cond func() bool) {
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			q.drain()
			if time.Now().After(deadline) {
				b.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
	settle := func() {
		wait("the designer to settle", func() bool { return d.domains != nil })
		time.Sleep(20 * time.Millisecond)
		q.drain()
	}
	settle()
	var dialogs, accepts, answers, renders []time.Duration
	for b.Loop() {
		start := time.Now()
		test.Tap(d.controls["cover"].rows["velvet"])
		var accept *widget.Button
		wait("the repair dialog", func() bool {
			if top := w.Canvas().Overlays().Top(); top != nil {
				accept = findButton(top, "Change Legs")
			}
			return accept != nil
		})
		dialogs = append(dialogs, time.Since(start))
		before, r0, a0 := d.total.Text, rendered, answered
		start = time.Now()
		test.Tap(accept)
		var tAnswer, tRender time.Duration
		wait("the repair's answer", func() bool {
			if tAnswer == 0 && answered > a0 && d.domains != nil {
				tAnswer = time.Since(start)
			}
			if tRender == 0 && rendered > r0 {
				tRender = time.Since(start)
			}
			return d.decisions["cover"].Str == "velvet" && d.domains != nil && d.total.Text != before && rendered > r0 && answered > a0
		})
		accepts = append(accepts, time.Since(start))
		answers = append(answers, tAnswer)
		renders = append(renders, tRender)
		b.StopTimer()
		d.Undo()
		settle()
		b.StartTimer()
	}
	pct := func(ds []time.Duration, p int) float64 {
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, len(ds)*p/100)].Microseconds()) / 1000
	}
	if len(accepts) > 0 {
		b.ReportMetric(pct(dialogs, 50), "ms-dialog-median")
		b.ReportMetric(pct(dialogs, 95), "ms-dialog-p95")
		b.ReportMetric(pct(accepts, 50), "ms-accept-median")
		b.ReportMetric(pct(accepts, 95), "ms-accept-p95")
		b.ReportMetric(pct(answers, 50), "ms-domains-median")
		b.ReportMetric(pct(answers, 95), "ms-domains-p95")
		b.ReportMetric(pct(renders, 50), "ms-preview-median")
		b.ReportMetric(pct(renders, 95), "ms-preview-p95")
	}
}
