package rules

import (
	"errors"
	"fmt"
	"testing"

	"github.com/atelier-app/atelier/catalog"
)

// A question whose budget ran out just before a solver call left that
// call's assumptions with the solver (they were made before the budget was
// checked), and the next question's first call solved under them too: on
// the table-heavy lines, Repairs then said no configuration has a value
// that sold configurations have. The next question must not see them.
func TestQuestionAfterOneCutShortSeesNoStaleAssumptions(t *testing.T) {
	m, err := Compile(parseRandom(t, wideConflictProduct(3, 1)))
	if err != nil {
		t.Fatal(err)
	}
	oak := catalog.Value{Kind: catalog.Choice, Str: "oak"}
	for _, limit := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("work %d", limit), func(t *testing.T) {
			s := m.NewSession()
			s.SetWorkLimit(limit)
			if _, err := s.Repairs(allA(3), "top", oak, 4); !errors.Is(err, ErrTooHard) {
				t.Skipf("work limit %d: got %v, want the question cut short", limit, err)
			}
			s.SetWorkLimit(0)
			tg, err := m.target(allA(3), "top", oak, false)
			if err != nil {
				t.Fatal(err)
			}
			s.begin()
			sol := s.solveUnits(tg.units, nil, tg.texts)
			s.end()
			if sol == nil {
				t.Errorf("work limit %d: after a question cut short, no solution with top=oak alone (why: %v)", limit, s.last.g.Why(nil))
			}
		})
	}
}
