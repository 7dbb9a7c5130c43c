package rules

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/catalog"
)

// hard3SAT writes a random 3-SAT instance as a catalog: n yes/no choice
// features and round(ratio*n) constraint rules of three literals each, near
// the ratio (about 4.26 clauses per variable) where random instances are
// hardest for every known solver.
func hard3SAT(seed uint64, n int, ratio float64) string {
	r := rand.New(rand.NewPCG(seed, 4260))
	var fs []string
	for i := 0; i < n; i++ {
		fs = append(fs, fmt.Sprintf(`{"id": "x%d", "kind": "choice", "name": "X%d", "options": [{"id": "y", "name": "Yes"}, {"id": "n", "name": "No"}]}`, i, i))
	}
	var rules []string
	for i := 0; i < int(ratio*float64(n)+0.5); i++ {
		vs := r.Perm(n)[:3]
		var lits []string
		for _, v := range vs {
			lits = append(lits, fmt.Sprintf("x%d == '%s'", v, []string{"y", "n"}[r.IntN(2)]))
		}
		rules = append(rules, fmt.Sprintf(`{"id": "c%d", "kind": "constraint", "expr": %q, "message": "C%d."}`, i, strings.Join(lits, " or "), i))
	}
	return wrapProduct(fs, rules)
}

// hardModel compiles the hard instance the tests share: 200 features, 852
// rules (a catalog of about 115 KB). Before the engine had a budget its
// domains took 94 s and its analysis minutes.
func hardModel(t testing.TB) *Model {
	t.Helper()
	m, err := Compile(parseRandom(t, hard3SAT(1, 200, 4.26)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestHard3SATIsTooHard(t *testing.T) {
	m := hardModel(t)
	tests := []struct {
		name string
		ask  func(s *Session) error
	}{
		{"domains", func(s *Session) error { _, err := s.Domains(Decisions{}); return err }},
		{"complete", func(s *Session) error { _, err := s.Complete(Decisions{}); return err }},
		{"consistent", func(s *Session) error { _, err := s.Consistent(Decisions{}); return err }},
		{"explain", func(s *Session) error {
			_, err := s.Explain(Decisions{"x1": catalog.Value{Kind: catalog.Choice, Str: "y"}, "x2": catalog.Value{Kind: catalog.Choice, Str: "n"}}, "x3", catalog.Value{Kind: catalog.Choice, Str: "y"})
			return err
		}},
		{"repairs", func(s *Session) error {
			_, err := s.Repairs(Decisions{"x1": catalog.Value{Kind: catalog.Choice, Str: "y"}, "x2": catalog.Value{Kind: catalog.Choice, Str: "n"}}, "x3", catalog.Value{Kind: catalog.Choice, Str: "y"}, 4)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := m.NewSession()
			s.SetWorkLimit(200)
			s.SetTimeLimit(time.Hour) // the work, not the backstop, ends it (under -race too)
			err := tt.ask(s)
			if !errors.Is(err, ErrTooHard) {
				t.Fatalf("got %v, want a %q error", err, ErrTooHard)
			}
			var th *TooHardError
			if !errors.As(err, &th) || th.Cancelled || th.Product != "p" {
				t.Fatalf("got %#v, want a TooHardError for product p, not cancelled", err)
			}
			if got := s.Work(); got > 200+tickWork {
				t.Errorf("got %d units of work, want at most the limit 200 (and the round that crossed it)", got)
			}
			for _, want := range []string{"this catalog's rules are too hard to check completely: product p: the engine gave up after", "not checked: "} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("got message %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestDomainsTooHardSaysWhatWasChecked(t *testing.T) {
	s := hardModel(t).NewSession()
	s.SetWorkLimit(300)
	s.SetTimeLimit(time.Hour)
	_, err := s.Domains(Decisions{})
	var th *TooHardError
	if !errors.As(err, &th) {
		t.Fatalf("got %v, want a TooHardError", err)
	}
	if th.Task != "working out which options remain possible" || !strings.HasSuffix(th.Checked, "of 200 features") || !strings.HasPrefix(th.NotChecked, "the other ") {
		t.Errorf("got task %q, checked %q, not checked %q; want which features were and were not settled", th.Task, th.Checked, th.NotChecked)
	}
}

func TestCancelledQuestionStops(t *testing.T) {
	s := hardModel(t).NewSession()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.SetContext(ctx)
	_, err := s.Domains(Decisions{})
	var th *TooHardError
	if !errors.As(err, &th) || !th.Cancelled {
		t.Fatalf("got %v, want a cancelled TooHardError", err)
	}
	if got := s.Work(); got > 1 {
		t.Errorf("got %d units of work after the context ended, want at most 1", got)
	}
	if !strings.Contains(err.Error(), "the question was cancelled") {
		t.Errorf("got %q, want it to say the question was cancelled", err)
	}
}

func TestAnalyzeHard3SATReportsTooHard(t *testing.T) {
	findings := AnalyzeWithin(context.Background(), hardModel(t), "en", 1000)
	if len(findings) != 1 {
		t.Fatalf("got %d findings %v, want the one that says the rules are too hard", len(findings), findings)
	}
	f := findings[0]
	if f.Severity != Error || !strings.HasPrefix(f.Message, "this catalog's rules are too hard to check completely: product p:") ||
		!strings.Contains(f.Message, "not checked: ") || !strings.Contains(f.Message, "redundant rules") {
		t.Errorf("got %s %q, want an error that says what was and was not checked", f.Severity, f.Message)
	}
}

func TestCountHard3SATStopsByNodes(t *testing.T) {
	defer func(n int) { countNodes = n }(countNodes)
	countNodes = 500
	s := hardModel(t).NewSession()
	_, err := s.CountWithin(Decisions{}, 0) // no time limit: the node budget stops it
	if !errors.Is(err, ErrCountTooHard) {
		t.Fatalf("got %v, want %v", err, ErrCountTooHard)
	}
	if s.Nodes > countNodes+1 {
		t.Errorf("got %d nodes, want at most %d", s.Nodes, countNodes)
	}
}

func TestUntabulatedRulesAgainstBruteForce(t *testing.T) {
	defer func(n int64) { compileTuples = n }(compileTuples)
	compileTuples = 0 // every rule checked on solutions instead of a table
	againstBruteForce(t, 40)
}

func TestCompileBoundsTabulation(t *testing.T) {
	defer func(n int64) { compileTuples = n }(compileTuples)
	compileTuples = 100000
	// 40 features of 8 options and 100 rules over 5 of them: 32,768 tuples
	// each, 3.3 million in all.
	r := rand.New(rand.NewPCG(7, 7))
	var fs, rules []string
	for i := 0; i < 40; i++ {
		var opts []string
		for o := 0; o < 8; o++ {
			opts = append(opts, fmt.Sprintf(`{"id": "o%d", "name": "O%d"}`, o, o))
		}
		fs = append(fs, fmt.Sprintf(`{"id": "f%d", "kind": "choice", "name": "F%d", "options": [%s]}`, i, i, strings.Join(opts, ", ")))
	}
	for i := 0; i < 100; i++ {
		var lits []string
		for _, v := range r.Perm(40)[:5] {
			lits = append(lits, fmt.Sprintf("f%d != 'o%d'", v, r.IntN(8)))
		}
		rules = append(rules, fmt.Sprintf(`{"id": "r%d", "kind": "constraint", "expr": %q, "message": "R%d."}`, i, strings.Join(lits, " or "), i))
	}
	m, err := Compile(parseRandom(t, wrapProduct(fs, rules)))
	if err != nil {
		t.Fatal(err)
	}
	if m.tabulated > compileTuples {
		t.Errorf("got %d tuples evaluated, want at most %d", m.tabulated, compileTuples)
	}
	untabulated := 0
	for _, c := range m.cons {
		if c.table == nil {
			untabulated++
		}
	}
	if untabulated == 0 {
		t.Errorf("got every rule tabulated, want the ones past the limit checked on solutions")
	}
	d, err := m.NewSession().Domains(Decisions{})
	if err != nil || !d.Consistent {
		t.Fatalf("got %v, %v; want the domains of a consistent product", d, err)
	}
}

// harderModel is a 300-variable instance: with its branching working as it
// should (issue 13), the solver answers every option of the 200-variable
// one within DefaultWork.
func harderModel(t testing.TB) *Model {
	t.Helper()
	m, err := Compile(parseRandom(t, hard3SAT(1, 300, 4.26)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// BenchmarkHard3SATDomains is how long a click on a catalog too hard to
// check takes to be answered "too hard" (DefaultWork units).
func BenchmarkHard3SATDomains(b *testing.B) {
	m := harderModel(b)
	work := 0
	for b.Loop() {
		s := m.NewSession()
		if _, err := s.Domains(Decisions{}); !errors.Is(err, ErrTooHard) {
			b.Fatalf("got %v, want %v", err, ErrTooHard)
		}
		work = s.Work()
	}
	b.ReportMetric(float64(work), "work/op")
}

// BenchmarkHard3SATAnalyze is lint's analysis of the same catalog, which
// ends with the "too hard" error after AnalyzeWork units.
func BenchmarkHard3SATAnalyze(b *testing.B) {
	m := harderModel(b)
	for b.Loop() {
		f := Analyze(m, "en")
		if len(f) != 1 || !strings.Contains(f[0].Message, "too hard") {
			b.Fatalf("got %v, want the too-hard error", f)
		}
	}
}
