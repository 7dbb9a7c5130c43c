package ui

import (
	"strings"
	"testing"

	"github.com/atelier-app/atelier/storage"
)

// What an interrupted export came to is told when the library opens: an
// order whose file was written leaves the draft order (it is not sent
// twice); a cancelled one leaves the draft as it was.
func TestExportsRecovered(t *testing.T) {
	d, _, q, _ := newOrderDesigner(t)
	d.Decide("top", choice("walnut"))
	addNamed(t, d, q, "Desk", "")
	rev := d.draft.Lines[0].RevisionID
	for _, tc := range []struct {
		name      string
		done      []storage.RecoveredExport
		wantLines int
		wantNote  string
	}{
		{"nothing to recover", nil, 1, ""},
		{"cancelled", []storage.RecoveredExport{{Number: "DEMO-00001", Path: "/x/DEMO-00001.atelier-order.zip", Revisions: []int64{rev}}}, 1,
			"The export of order DEMO-00001 was interrupted when Atelier stopped; the order was cancelled, and your draft order is kept."},
		{"exported", []storage.RecoveredExport{{Number: "DEMO-00002", Path: "/x/DEMO-00002.atelier-order.zip", Exported: true, Revisions: []int64{rev}}}, 0,
			"Order DEMO-00002 was written to /x/DEMO-00002.atelier-order.zip before Atelier stopped; it is now recorded as exported."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := d.status.Text
			d.ExportsRecovered(tc.done)
			if got := d.OrderLines(); got != tc.wantLines {
				t.Errorf("draft lines = %d, want %d", got, tc.wantLines)
			}
			if got := len(loadDraft(d.prefs).Lines); got != tc.wantLines {
				t.Errorf("kept draft lines = %d, want %d", got, tc.wantLines)
			}
			if tc.wantNote == "" && d.status.Text != before || !strings.Contains(d.status.Text, tc.wantNote) {
				t.Errorf("status = %q, want %q", d.status.Text, tc.wantNote)
			}
		})
	}
}
