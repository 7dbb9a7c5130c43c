package ui

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
)

// popularRecommender stands in for catalog/recommend's models: for each
// open feature, the most popular value among the past designs that agree
// with the decisions (all of them when none does), among the values the
// engine allows.
type popularRecommender struct{ history []map[string]string }

func (r popularRecommender) Recommend(_ context.Context, p *catalog.Product, decided map[string]string, doms *rules.Domains) ([]recommend.Recommendation, error) {
	var like []map[string]string
	for _, h := range r.history {
		agrees := true
		for k, v := range decided {
			if hv, ok := h[k]; ok && hv != v {
				agrees = false
			}
		}
		if agrees {
			like = append(like, h)
		}
	}
	if len(like) == 0 {
		like = r.history
	}
	var out []recommend.Recommendation
	for _, f := range p.Features {
		if _, ok := decided[f.ID]; ok {
			continue
		}
		counts, total := map[string]int{}, 0
		for _, h := range like {
			if v, ok := h[f.ID]; ok {
				counts[v]++
				total++
			}
		}
		best, n := "", 0
		for v, c := range counts {
			if c > n || c == n && v < best {
				best, n = v, c
			}
		}
		if total == 0 {
			continue
		}
		if fd := doms.Feature(f.ID); fd != nil && f.Kind == catalog.Choice {
			for i, o := range f.Options {
				if o.ID == best && !fd.Available[i] {
					best = ""
				}
			}
		}
		if best != "" {
			out = append(out, recommend.Recommendation{Feature: f.ID, Value: best, Confidence: float64(n) / float64(total)})
		}
	}
	return out, nil
}

// sofaHistory: three velvet sofas on brass legs, firm; two wool ones on
// oak, soft with back cushions.
var sofaHistory = popularRecommender{history: []map[string]string{
	{"cover": "velvet", "legs": "brass", "comfort": "firm"},
	{"cover": "velvet", "legs": "brass", "comfort": "firm"},
	{"cover": "velvet", "legs": "brass", "comfort": "firm"},
	{"cover": "wool", "legs": "oak", "comfort": "soft", "pillows": "back-cushions"},
	{"cover": "wool", "legs": "oak", "comfort": "soft", "pillows": "back-cushions"},
}}

// recommendedDesigner is a dealer's designer on the sofa with the stand-in
// recommender, its first recommendations shown.
func recommendedDesigner(t *testing.T) (*Designer, fyne.Window, uiQueue) {
	t.Helper()
	d, w, q := newDesignerQueue(t)
	d.SelectProduct("kolme-sofa")
	waitEngine(t, d, q)
	d.SetRecommender(sofaHistory)
	eventually(t, q, "the first recommendations", func() bool { return d.Recommended("cover") != "" })
	return d, w, q
}

// marked lists a feature's options that carry the recommendation's mark.
func marked(d *Designer, feature string) []string {
	var out []string
	for _, o := range d.product.Feature(feature).Options {
		if d.controls[feature].rows[o.ID].recommended {
			out = append(out, o.ID)
		}
	}
	return out
}

// The recommended option of each open feature is marked, and the marks
// follow the decisions; a decided feature has none.
func TestRecommendedOptionIsMarked(t *testing.T) {
	d, _, q := recommendedDesigner(t)
	for _, c := range []struct{ feature, want string }{{"cover", "velvet"}, {"legs", "brass"}, {"comfort", "firm"}} {
		if got := fmt.Sprint(marked(d, c.feature)); got != "["+c.want+"]" {
			t.Errorf("%s: marked %s, want [%s]", c.feature, got, c.want)
		}
	}
	row := d.controls["legs"].rows["brass"]
	if !strings.Contains(row.recTip, "chosen most often with your choices") || !strings.Contains(row.recTip, "60%") {
		t.Errorf("the mark's explanation: %q", row.recTip)
	}
	// The pointer on it: the status line explains, quietly.
	row.MouseIn(nil)
	if !strings.Contains(d.status.Text, "chosen most often") {
		t.Errorf("hovering the recommended row, the status says %q", d.status.Text)
	}
	row.MouseOut()

	// A choice of wool: the wool customers' legs and comfort.
	test.Tap(d.controls["cover"].rows["wool"])
	if got := marked(d, "cover"); len(got) != 0 {
		t.Errorf("the decided cover still carries a mark: %v", got)
	}
	eventually(t, q, "the recommendations for wool", func() bool { return d.Recommended("legs") == "oak" })
	if got := fmt.Sprint(marked(d, "legs"), marked(d, "comfort")); got != "[oak] [soft]" {
		t.Errorf("after wool: legs, comfort marked %s, want [oak] [soft]", got)
	}
}

// Only confident recommendations are marked (MarkConfidence).
func TestUnsureRecommendationIsNotMarked(t *testing.T) {
	d, _, q := newDesignerQueue(t)
	d.SelectProduct("kolme-sofa")
	waitEngine(t, d, q)
	spread := popularRecommender{}
	for _, c := range []string{"wool", "boucle", "velvet", "leather"} {
		spread.history = append(spread.history, map[string]string{"cover": c, "legs": "oak"})
	}
	d.SetRecommender(spread)
	eventually(t, q, "the recommendations", func() bool { return d.Recommended("legs") == "oak" })
	if got := marked(d, "cover"); len(got) != 0 {
		t.Errorf("a 25%% recommendation is marked: %v", got)
	}
}

// Complete it for me sets every open feature to its recommendation the
// engine allows, says what it set, and one Ctrl+Z (as the desktop driver
// delivers it) takes it all back.
func TestCompleteItForMeIsOneUndoStep(t *testing.T) {
	d, w, q := recommendedDesigner(t)
	w.SetMainMenu(d.MainMenu())
	test.Tap(d.controls["seat_width"].rows["compact"])
	eventually(t, q, "the engine", func() bool { return d.domains != nil })
	before := d.Decisions()
	if d.completeBtn.Hidden {
		t.Fatal("no Complete it for me button with a recommender")
	}
	test.Tap(d.completeBtn)
	eventually(t, q, "the completion", func() bool { return len(d.Decisions()) > len(before) })
	got := d.Decisions()
	for f, want := range map[string]string{"seat_width": "compact", "cover": "velvet", "legs": "brass", "comfort": "firm"} {
		if got[f].String() != want {
			t.Errorf("after Complete it for me %s = %q, want %q", f, got[f].String(), want)
		}
	}
	if !d.setBar.Visible() || !strings.Contains(d.setText.Text, "Cover: Velvet, moss green; Legs: Brushed brass;") {
		t.Errorf("the notice: visible %v, %q", d.setBar.Visible(), d.setText.Text)
	}
	waitEngine(t, d, q)
	if !d.domains.Consistent || len(d.config.Violations()) > 0 {
		t.Errorf("the completed design is not consistent: %v", d.config.Violations())
	}
	pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
	if after := d.Decisions(); !maps.EqualFunc(after, before, func(a, b catalog.Value) bool { return a.Equal(b) }) {
		t.Errorf("after one Ctrl+Z: %v, want %v", after, before)
	}
	if d.setBar.Visible() {
		t.Errorf("the notice of what was set stays after the undo")
	}
}

// Complete it for me leaves out a recommendation the engine does not
// allow with the others (leather would forbid the soft comfort
// recommended with it).
func TestCompleteItForMeKeepsTheDesignConsistent(t *testing.T) {
	d, _, q := newDesignerQueue(t)
	d.SelectProduct("kolme-sofa")
	waitEngine(t, d, q)
	d.SetRecommender(popularRecommender{history: []map[string]string{
		{"cover": "leather", "comfort": "soft", "legs": "brass"},
	}})
	eventually(t, q, "the recommendations", func() bool { return d.Recommended("cover") == "leather" })
	d.CompleteForMe()
	eventually(t, q, "the completion", func() bool { return len(d.Decisions()) > 0 })
	waitEngine(t, d, q)
	got := d.Decisions()
	if got["cover"].Str != "leather" || got["comfort"].Str == "soft" || got["legs"].Str == "brass" {
		t.Errorf("completed %v: leather, and neither soft comfort nor brass legs (not with leather)", got)
	}
	if !d.domains.Consistent {
		t.Errorf("the completed design is inconsistent")
	}
}

// With learning switched off in the settings: no marks, no Complete it
// for me; on again, they come back.
func TestPrivacySwitchHidesRecommendations(t *testing.T) {
	d, _, q := recommendedDesigner(t)
	d.ShowSettings()
	v := d.settings
	if !v.learn.Checked {
		t.Fatal("learning is off by default")
	}
	test.Tap(v.learn)
	if !d.AppSettings().NoLearning {
		t.Fatal("the switch did not reach the settings")
	}
	if got := fmt.Sprint(marked(d, "cover"), marked(d, "legs")); got != "[] []" {
		t.Errorf("marks with learning off: %s", got)
	}
	if d.completeBtn.Visible() {
		t.Errorf("Complete it for me shows with learning off")
	}
	before := d.Decisions()
	d.CompleteForMe()
	q.drain()
	if len(d.Decisions()) != len(before) {
		t.Errorf("Complete it for me worked with learning off")
	}
	test.Tap(d.controls["cover"].rows["wool"])
	waitEngine(t, d, q)
	q.drain()
	if got := fmt.Sprint(marked(d, "legs")); got != "[]" {
		t.Errorf("a mark came back with learning off: %s", got)
	}
	if got := LoadAppSettings(d.prefs); d.prefs != nil && !got.NoLearning {
		t.Errorf("the setting was not kept")
	}
	test.Tap(v.learn)
	eventually(t, q, "the marks again", func() bool { return d.Recommended("legs") == "oak" })
	if !d.completeBtn.Visible() {
		t.Errorf("Complete it for me stays hidden with learning on again")
	}
}
