package ui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
)

// Recommender proposes, for the open features of a design, the value this
// customer most likely wants given the choices made so far (issue 18; the
// models of catalog/recommend stand behind it, main wires one). decided
// holds the decisions as catalog.Value.String writes them; domains is the
// engine's answer for them (never nil, always consistent). It is called
// off the UI goroutine; ctx ends when a newer change makes the answer
// useless. A feature it has nothing to say about is left out.
type Recommender interface {
	Recommend(ctx context.Context, product *catalog.Product, decided map[string]string, domains *rules.Domains) ([]recommend.Recommendation, error)
}

// MarkConfidence is the least confidence for which a recommendation is
// marked in the option panel: below it customers' choices are spread too
// evenly for "chosen most often" to mean much. (Complete it for me takes
// every recommendation the engine allows, whatever its confidence.)
const MarkConfidence = 0.35

// SetRecommender gives the designer its recommender (nil: none); the
// showroom's designers get the dealer's. The option panel marks its
// recommendations from the next change on (at once when a design is shown).
func (d *Designer) SetRecommender(r Recommender) {
	d.recommender = r
	d.recommendationsChanged()
}

// recommending reports whether recommendations are shown: a recommender
// is wired and the dealer lets the app learn from the shop's designs.
func (d *Designer) recommending() bool { return d.recommender != nil && !d.app.NoLearning }

// recommendationsChanged shows or hides what recommendations add, after
// the recommender or the privacy setting changed.
func (d *Designer) recommendationsChanged() {
	if d.completeBtn != nil {
		if d.recommending() {
			d.completeBtn.Show()
		} else {
			d.completeBtn.Hide()
		}
	}
	if d.onRecommending != nil {
		d.onRecommending()
	}
	if !d.recommending() {
		d.showRecommendations(nil)
		d.hideCompleted()
		return
	}
	d.askRecommendations()
}

// decisionStrings writes decisions as the recommender reads them.
func decisionStrings(m map[string]catalog.Value) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v.String()
	}
	return out
}

// askRecommendations asks the recommender about the decisions shown, off
// the UI goroutine; only the newest question is answered (like the
// engine's), and its answer is shown only if the design has not changed
// meanwhile. It never holds up a click.
func (d *Designer) askRecommendations() {
	if !d.recommending() || d.product == nil || d.domains == nil || !d.domains.Consistent {
		d.showRecommendations(nil)
		return
	}
	r, p, gen, doms := d.recommender, d.product, d.gen, d.domains
	dec := decisionStrings(d.decisions)
	if d.recCancel != nil {
		d.recCancel() // the question before is answered for nobody
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.recCancel = cancel
	d.recJobs.run(func() {
		defer cancel()
		recs, err := r.Recommend(ctx, p, dec, doms)
		d.do(func() {
			if gen != d.gen || p != d.product {
				return // a newer change is on its way
			}
			if err != nil {
				recs = nil // a help, not a must: no markers, no dialog
			}
			d.showRecommendations(recs)
			if d.OnRecommended != nil {
				d.OnRecommended()
			}
		})
	})
}

// allowedValue is a recommendation as a value of an open feature that the
// engine allows (domains) and has not forced: ok is false otherwise.
func allowedValue(p *catalog.Product, decided map[string]catalog.Value, doms *rules.Domains, rec recommend.Recommendation) (*catalog.Feature, catalog.Value, bool) {
	f := p.Feature(rec.Feature)
	if f == nil || f.Kind == catalog.Textual {
		return nil, catalog.Value{}, false
	}
	if _, ok := decided[f.ID]; ok {
		return nil, catalog.Value{}, false
	}
	v, err := f.ParseValue(rec.Value)
	if err != nil {
		return nil, catalog.Value{}, false
	}
	fd := doms.Feature(f.ID)
	if fd == nil {
		return nil, catalog.Value{}, false
	}
	switch f.Kind {
	case catalog.Choice, catalog.Multi:
		open, ok := 0, true
		for i, o := range f.Options {
			if i < len(fd.Available) && fd.Available[i] {
				open++
			}
			if (f.Kind == catalog.Choice && o.ID == v.Str || f.Kind == catalog.Multi && slices.Contains(v.Set, o.ID)) && (i >= len(fd.Available) || !fd.Available[i]) {
				ok = false
			}
		}
		if !ok || open < 2 && f.Kind == catalog.Choice {
			return nil, catalog.Value{}, false // not allowed, or the only one left: forced
		}
	case catalog.Number:
		if !fd.AllowsNumber(v.Num) || len(fd.Allowed) == 1 && fd.Allowed[0].Min.Equal(fd.Allowed[0].Max) {
			return nil, catalog.Value{}, false
		}
	}
	return f, v, true
}

// showRecommendations marks each open feature's recommended option (when
// confident enough) and clears the other marks.
func (d *Designer) showRecommendations(recs []recommend.Recommendation) {
	marked := map[string]recommend.Recommendation{}
	if d.product != nil && d.domains != nil {
		for _, rec := range recs {
			if rec.Confidence < MarkConfidence {
				continue
			}
			if _, _, ok := allowedValue(d.product, d.decisions, d.domains, rec); ok {
				marked[rec.Feature] = rec
			}
		}
	}
	d.recs = marked
	for id, c := range d.controls {
		rec, ok := marked[id]
		var v catalog.Value
		if ok {
			v, _ = d.product.Feature(id).ParseValue(rec.Value)
		}
		for oid, row := range c.rows {
			on := ok && (v.Str == oid || slices.Contains(v.Set, oid))
			tip := ""
			if on {
				tip = recommendationTip(rec.Confidence)
			}
			row.setRecommended(on, tip)
			if sw := c.swatches[oid]; sw != nil {
				sw.Refresh()
			}
		}
	}
}

// unmarkDecided takes the mark off features just decided: it is about the
// decisions before (the newest answer comes off the UI goroutine).
func (d *Designer) unmarkDecided() {
	for id := range d.decisions {
		if _, ok := d.recs[id]; !ok {
			continue
		}
		delete(d.recs, id)
		if c := d.controls[id]; c != nil {
			for oid, row := range c.rows {
				row.setRecommended(false, "")
				if sw := c.swatches[oid]; sw != nil {
					sw.Refresh()
				}
			}
		}
	}
}

// recommendationTip says what a marker means, for the status line while
// the pointer is on the option.
func recommendationTip(confidence float64) string {
	return Tf("Recommended: chosen most often with your choices (%d%% of similar designs).", int(confidence*100+0.5))
}

// Recommended is the value marked for a feature ("" when none).
func (d *Designer) Recommended(feature string) string { return d.recs[feature].Value }

// CompleteForMe fills every open feature with its recommendation, in one
// undoable step, and says what it set. Only values the engine allows go
// in: each is checked with those before it, and one that would make the
// design inconsistent is left out. The work runs off the UI goroutine.
func (d *Designer) CompleteForMe() {
	if !d.recommending() || d.product == nil || d.completing {
		return
	}
	if d.onActivity != nil {
		d.onActivity()
	}
	r, p, gen, eng := d.recommender, d.product, d.gen, d.engine
	dec := maps.Clone(d.decisions)
	doms := d.domains
	d.completing = true
	if d.completeBtn != nil {
		d.completeBtn.Disable()
	}
	go func() {
		next, set, err := completeWith(r, p, eng, dec, doms)
		d.do(func() {
			d.completing = false
			if d.completeBtn != nil {
				d.completeBtn.Enable()
			}
			switch {
			case gen != d.gen || p != d.product:
				return // the design changed meanwhile: the click was for another one
			case err != nil:
				d.showError(fmt.Errorf(T("complete the design: %w"), err))
				return
			case len(set) == 0:
				d.note(T("Nothing to complete: every open choice is already decided or has no recommendation."))
				return
			}
			d.apply(next)
			d.showCompleted(p, next, set)
		})
	}()
}

// completeWith is CompleteForMe's work: the decisions with the
// recommendations added (in the product's order of features, each kept
// only if the engine finds the design still consistent), and the features
// set.
func completeWith(r Recommender, p *catalog.Product, eng *engine, dec map[string]catalog.Value, doms *rules.Domains) (map[string]catalog.Value, []string, error) {
	if doms == nil && eng != nil {
		eng.with(func(s *rules.Session) { doms, _ = s.Domains(rulesDecisions(dec)) })
	}
	if doms == nil || !doms.Consistent {
		return nil, nil, nil
	}
	recs, err := r.Recommend(context.Background(), p, decisionStrings(dec), doms)
	if err != nil {
		return nil, nil, err
	}
	byFeature := map[string]recommend.Recommendation{}
	for _, rec := range recs {
		byFeature[rec.Feature] = rec
	}
	next := maps.Clone(dec)
	var set []string
	for _, f := range p.Features {
		rec, ok := byFeature[f.ID]
		if !ok {
			continue
		}
		_, v, ok := allowedValue(p, dec, doms, rec)
		if !ok {
			continue
		}
		try := maps.Clone(next)
		try[f.ID] = v
		fits := true
		if eng != nil {
			eng.with(func(s *rules.Session) { fits, _ = s.Consistent(rulesDecisions(try)) })
		}
		if fits {
			next, set = try, append(set, f.ID)
		}
	}
	return next, set, nil
}

// completedWords lists what was set, in words: "Cover: Bouclé; Legs: Oak"
// (semicolons: option names may hold commas).
func (d *Designer) completedWords(p *catalog.Product, values map[string]catalog.Value, set []string) string {
	parts := make([]string, 0, len(set))
	for _, id := range set {
		f := p.Feature(id)
		parts = append(parts, d.text(f.Name)+": "+d.valueName(f, values[id]))
	}
	return strings.Join(parts, "; ")
}

// showCompleted says what Complete it for me (or the customer's answers)
// set, above the options, with Undo; the status line says it too.
func (d *Designer) showCompleted(p *catalog.Product, values map[string]catalog.Value, set []string) {
	d.showSetBar(Tf("Completed for you: %s.", d.completedWords(p, values, set)))
}

// showSetBar shows a notice above the options with Undo (and in the status
// line), until the design changes again.
func (d *Designer) showSetBar(msg string) {
	d.note(msg + " " + T("Ctrl+Z takes it back."))
	if d.setBar == nil {
		return
	}
	d.setText.SetText(msg)
	d.setBar.Show()
	d.setBar.Refresh()
}

// hideCompleted hides the notice of what was set.
func (d *Designer) hideCompleted() {
	if d.setBar != nil && d.setBar.Visible() {
		d.setBar.Hide()
	}
}

// newSetBar builds the notice above the options: what was set for the
// customer, in words, and Undo.
func (d *Designer) newSetBar() fyne.CanvasObject {
	d.setText = widget.NewLabel("")
	d.setText.Wrapping = fyne.TextWrapWord
	undo := widget.NewButtonWithIcon(T("Undo"), theme.ContentUndoIcon(), d.Undo)
	d.setBar = container.NewBorder(nil, widget.NewSeparator(), widget.NewIcon(starIcon()), undo, d.setText)
	d.setBar.Hide()
	return d.setBar
}

// completeButton is "Complete it for me" (hidden without recommendations).
func (d *Designer) completeButton() *widget.Button {
	b := widget.NewButtonWithIcon(T("Complete it for me"), starIcon(), d.CompleteForMe)
	d.completeBtn = b
	if !d.recommending() {
		b.Hide()
	}
	return b
}

// starSVG is the recommendation's mark: a five-pointed star.
const starSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><path fill="#000000" d="M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z"/></svg>`

var starResource = fyne.NewStaticResource("star.svg", []byte(starSVG))

// starIcon is the star in the foreground colour of the scope's theme.
func starIcon() fyne.Resource { return theme.NewThemedResource(starResource) }

// starPrimary is the star in the primary colour of the scope's theme.
func starPrimary() fyne.Resource { return theme.NewPrimaryThemedResource(starResource) }
