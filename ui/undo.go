package ui

import (
	"maps"
	"time"

	"github.com/atelier-app/atelier/catalog"
)

// gestureGap is how close together changes of one control must come to be
// one undo step: a run of arrow presses on a slider, or a value typed
// right after a drag, is taken back at once.
const gestureGap = time.Second

// undoStep is the newest undo step as far as merging goes: which control
// made it, when it last changed, and whether its gesture (a slider drag)
// is still going on.
type undoStep struct {
	key  string // "" for a change that is a step of its own
	at   time.Time
	open bool
}

func (d *Designer) now() time.Time {
	if d.clock != nil {
		return d.clock()
	}
	return time.Now()
}

// decideIn is Decide for a change made by a control's gesture (key names
// the control, e.g. "number:width"): changes of one gesture, and of one
// control close together in time, are one undo step. open says the
// gesture goes on (a slider still held).
func (d *Designer) decideIn(key, featureID string, v catalog.Value, open bool) {
	if d.syncing || d.product == nil || d.product.Feature(featureID) == nil {
		return
	}
	if prev, ok := d.decisions[featureID]; ok && prev.Equal(v) {
		d.step.open, d.step.at = open, d.now()
		return
	}
	next := maps.Clone(d.decisions)
	next[featureID] = v
	d.applyIn(key, next, open)
}

// applyIn replaces the decisions: a new undo step, or part of the newest
// one when it comes from the same control's gesture.
func (d *Designer) applyIn(key string, next map[string]catalog.Value, open bool) {
	d.applyWith(key, next, open, nil)
}

// applyWith is applyIn with the engine's answer for the new decisions
// already known (nil: it is asked for), shown at once with them.
func (d *Designer) applyWith(key string, next map[string]catalog.Value, open bool, ready *answer) {
	if d.onActivity != nil {
		d.onActivity()
	}
	d.notice = ""
	now := d.now()
	same := key != "" && key == d.step.key && len(d.undo) > 0 && (d.step.open || now.Sub(d.step.at) < gestureGap)
	if !same {
		d.undo = append(d.undo, d.decisions)
		d.knockBase = d.completed // what the step's knock-on changes are measured from
	}
	d.step = undoStep{key: key, at: now, open: open}
	d.redo = nil
	d.decisions = next
	if same && maps.EqualFunc(next, d.undo[len(d.undo)-1], func(a, b catalog.Value) bool { return a.Equal(b) }) {
		// The gesture came back to where it started: no step at all.
		d.undo = d.undo[:len(d.undo)-1]
		d.step = undoStep{}
	}
	d.updateWith(ready)
}

// endGesture says a control's gesture ended (the slider was let go): the
// next change is a step of its own unless it comes within gestureGap.
func (d *Designer) endGesture(key string) {
	if d.step.key == key {
		d.step.open, d.step.at = false, d.now()
	}
}
