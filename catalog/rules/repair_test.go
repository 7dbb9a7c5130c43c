package rules

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog"
)

// wideConflictProduct has a top (oak, glass) and n yes/no features x0..;
// an oak top excludes x_i = "a" for the first need of them, and a dead
// option "marble" that no configuration has.
func wideConflictProduct(n, need int) string {
	fs := []string{`{"id": "top", "kind": "choice", "name": "Top", "options": [{"id": "glass", "name": "Glass"}, {"id": "oak", "name": "Oak"}, {"id": "marble", "name": "Marble"}]}`}
	var rs []string
	for i := 0; i < n; i++ {
		fs = append(fs, fmt.Sprintf(`{"id": "x%02d", "kind": "choice", "name": "X%d", "options": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}`, i, i))
		if i < need {
			rs = append(rs, fmt.Sprintf(`{"id": "r%d", "kind": "excludes", "when": "top == \"oak\"", "then": "x%02d == \"a\"", "message": "Oak needs B on X%d."}`, i, i, i))
		}
	}
	rs = append(rs, `{"id": "nomarble", "kind": "constraint", "expr": "top != \"marble\"", "message": "Marble is sold out."}`)
	return wrapProduct(fs, rs)
}

func allA(n int) Decisions {
	dec := Decisions{}
	for i := 0; i < n; i++ {
		dec[fmt.Sprintf("x%02d", i)] = catalog.Value{Kind: catalog.Choice, Str: "a"}
	}
	return dec
}

// TestRepairsOfManyDecisions: with 40 decisions of which 5 must go, trying
// subsets by size stopped before size 5 and proposed nothing (and the app
// said no change makes it possible). The search now finds the one smallest
// repair and proves it smallest.
func TestRepairsOfManyDecisions(t *testing.T) {
	tests := []struct {
		name      string
		n, need   int
		value     string
		wantDrops []string // nil: no repair at all
		wantKind  RepairKind
	}{
		{"one of 40 must go", 40, 1, "oak", []string{"x00"}, RepairSmallest},
		{"five of 40 must go", 40, 5, "oak", []string{"x00", "x01", "x02", "x03", "x04"}, RepairSmallest},
		{"25 of 40 must go", 40, 25, "oak", nil, RepairSmallest},
		{"a dead option", 40, 5, "marble", nil, RepairSmallest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(parseRandom(t, wideConflictProduct(tt.n, tt.need)))
			if err != nil {
				t.Fatal(err)
			}
			s := m.NewSession()
			reps, err := s.Repairs(allA(tt.n), "top", catalog.Value{Kind: catalog.Choice, Str: tt.value}, 4)
			if err != nil {
				t.Fatalf("repairs: %v", err)
			}
			if tt.value == "marble" {
				if len(reps) != 0 {
					t.Fatalf("got %d repairs of a dead option, want none", len(reps))
				}
				return
			}
			if len(reps) != 1 {
				t.Fatalf("got %d repairs, want exactly 1 (the only minimal one)", len(reps))
			}
			want := tt.wantDrops
			if want == nil {
				for i := 0; i < tt.need; i++ {
					want = append(want, fmt.Sprintf("x%02d", i))
				}
			}
			if got := reps[0].Drop; !slices.Equal(got, want) {
				t.Errorf("drops %s, want %s", strings.Join(got, ","), strings.Join(want, ","))
			}
			if got := reps[0].Kind; got != tt.wantKind {
				t.Errorf("kind = %s, want %s", got, tt.wantKind)
			}
			if reps[0].Decisions["top"].Str != tt.value {
				t.Errorf("repaired decisions %s do not choose top=%s", reps[0].Decisions, tt.value)
			}
		})
	}
}
