package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
)

// buttonNamed is the flow's answer button with a text.
func buttonNamed(t *testing.T, bs []*widget.Button, text string) *widget.Button {
	t.Helper()
	for _, b := range bs {
		if b.Text == text {
			return b
		}
	}
	t.Fatalf("no answer %q", text)
	return nil
}

// A customer opening the sofa in the showroom is offered its questions:
// one at a time, with progress, big answers and Skip; the answers go into
// the design in one step (the undo button takes them all back), and the
// design is consistent.
func TestShowroomNeedsBasedStart(t *testing.T) {
	_, w, q, _, s, _ := newShowroom(t)
	tapOn(t, w, s.attract)
	tapOn(t, w, s.chooser.card("kolme-sofa"))
	sd := s.Designer()
	n := s.Needs()
	if n == nil || s.Screen() != "design" || !s.needsHost.Visible() || s.options.Visible() {
		t.Fatalf("opening the sofa: flow %v, screen %q; want the questions in place of the options", n, s.Screen())
	}
	if !strings.Contains(drawn(s.needsHost), "Not sure where to begin?") {
		t.Errorf("the offer says %q", drawn(s.needsHost))
	}
	tapOn(t, w, n.start)
	if got := n.progress.Text; got != "Question 1 of 3" {
		t.Errorf("progress %q", got)
	}
	for _, b := range n.buttons {
		if h := boxOf(b).size.Height; h < 48 {
			t.Errorf("answer %q is %v high: not a target for a finger", b.Text, h)
		}
	}
	tapOn(t, w, buttonNamed(t, n.buttons, "Three or four"))
	if got := n.progress.Text; got != "Question 2 of 3" {
		t.Errorf("progress %q", got)
	}
	tapOn(t, w, n.skip) // no answer to stretching out
	tapOn(t, w, buttonNamed(t, n.buttons, "No"))
	eventually(t, q, "the answers applied", func() bool { return s.Needs() == nil })
	waitEngine(t, sd, q)
	got := sd.Decisions()
	if fmt.Sprintf("%d %s %s", len(got), got["seats"].String(), got["cover"].Str) != "2 3 boucle" {
		t.Errorf("after the answers: %v; want seats 3 and a bouclé cover only", got)
	}
	if !sd.domains.Consistent || len(sd.config.Violations()) > 0 {
		t.Errorf("the answered design is inconsistent: %v", sd.config.Violations())
	}
	if !s.options.Visible() || s.needsHost.Visible() {
		t.Errorf("the options are not back after the questions")
	}
	if !strings.Contains(sd.setText.Text, "Your answers set: Seats: 3") {
		t.Errorf("the notice says %q", sd.setText.Text)
	}
	tapOn(t, w, sd.undoBtn)
	if n := len(sd.Decisions()); n != 0 {
		t.Errorf("after one undo %d decisions are left, want none", n)
	}
}

// Skipping every question leaves the fresh design; "I'll choose myself"
// goes straight to the options.
func TestShowroomNeedsSkipped(t *testing.T) {
	_, w, _, _, s, _ := newShowroom(t)
	tapOn(t, w, s.attract)
	tapOn(t, w, s.chooser.card("lift-desk"))
	n := s.Needs()
	tapOn(t, w, n.start)
	tapOn(t, w, n.skip)
	tapOn(t, w, n.skip)
	if s.Needs() != nil || !s.options.Visible() {
		t.Fatal("after skipping every question the questions still show")
	}
	if got := len(s.Designer().Decisions()); got != 0 || !s.Designer().undoBtn.Disabled() {
		t.Errorf("skipping set %d decisions", got)
	}
}

// Answers combine: a multi feature set by two answers gets both sets; a
// later answer that does not fit with the earlier ones leaves them as
// they are, and the design stays consistent.
func TestAnswersCombineAndNeverBreakTheDesign(t *testing.T) {
	d, _, q := newDesignerQueue(t)
	d.SelectProduct("lift-desk")
	waitEngine(t, d, q)
	desk := d.Product()
	answer := func(need, id string) *catalog.NeedAnswer {
		for _, n := range desk.Needs {
			for _, a := range n.Answers {
				if n.ID == need && a.ID == id {
					return a
				}
			}
		}
		t.Fatalf("no answer %s/%s", need, id)
		return nil
	}
	next, set := answeredDecisions(desk, d.engine, nil, []*catalog.NeedAnswer{answer("hours", "day"), answer("screens", "two")})
	if got := next["extras"].String(); got != "memory,tray,arm" {
		t.Errorf("extras = %q, want the union memory,tray,arm", got)
	}
	if got := fmt.Sprint(set); got != "[width depth motor extras]" {
		t.Errorf("set %s", got)
	}

	d.SelectProduct("kolme-sofa")
	waitEngine(t, d, q)
	sofa := d.Product()
	chaise := &catalog.NeedAnswer{ID: "a", Values: map[string]catalog.Value{"chaise": {Kind: catalog.Choice, Str: "left"}}, Order: []string{"chaise"}}
	two := &catalog.NeedAnswer{ID: "b", Values: map[string]catalog.Value{"seats": number(2), "cover": {Kind: catalog.Choice, Str: "velvet"}}, Order: []string{"seats", "cover"}}
	next, set = answeredDecisions(sofa, d.engine, nil, []*catalog.NeedAnswer{chaise, two})
	if _, ok := next["seats"]; ok || next["chaise"].Str != "left" || next["cover"].Str != "velvet" {
		t.Errorf("a chaise, then 2 seats (not with a chaise): %v; want the chaise kept, the seats left, the cover taken", next)
	}
	if got := fmt.Sprint(set); got != "[chaise cover]" {
		t.Errorf("set %s", got)
	}

	// Through the designer: one step, consistent.
	done := false
	d.ApplyAnswers([]*catalog.NeedAnswer{chaise, two}, func() { done = true })
	eventually(t, q, "the answers", func() bool { return done })
	waitEngine(t, d, q)
	if !d.domains.Consistent || len(d.undo) != 1 {
		t.Errorf("consistent %v, %d undo steps; want a consistent design in one step", d.domains.Consistent, len(d.undo))
	}
}
