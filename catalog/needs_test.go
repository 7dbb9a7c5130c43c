package catalog

import (
	"os"
	"strings"
	"testing"
)

func TestNeedsAndPopularityOfTheDemo(t *testing.T) {
	data, err := os.ReadFile("../assets/demo/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("demo.json", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	sofa := c.Product("kolme-sofa")
	if len(sofa.Needs) != 3 || sofa.Needs[0].Question.In("en", "en") != "How many people sit on it daily?" || len(sofa.Needs[0].Answers) != 3 {
		t.Fatalf("the sofa's questions: %+v", sofa.Needs)
	}
	if v := sofa.Needs[0].Answers[1].Values["seats"]; v.Num.String() != "3" {
		t.Errorf("Three or four sets seats to %v", v)
	}
	if got := sofa.Feature("cover").Option("wool").Popularity; got != 0.38 {
		t.Errorf("wool's popularity %v", got)
	}
	if got := sofa.Feature("seats"); got == nil {
		t.Fatal("no seats")
	}
}

func TestNeedsMistakes(t *testing.T) {
	base, err := os.ReadFile("testdata/valid/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ edit, want string }{
		{`"needs": [{"id": "q", "question": "Q?", "answers": [{"id": "a", "label": "A", "values": {"frame": "steel"}}]}],`, "needs at least two answers"},
		{`"needs": [{"id": "q", "question": "Q?", "answers": [{"id": "a", "label": "A", "values": {"nope": "x"}}, {"id": "b", "label": "B", "values": {}}]}],`, `unknown feature "nope" in answer "a" of question "q"`},
		{`"needs": [{"id": "q", "question": "Q?", "answers": [{"id": "a", "label": "A", "values": {}}, {"id": "a", "label": "B", "values": {}}]}],`, `duplicate`},
	} {
		s := strings.Replace(string(base), `"features": [`, tc.edit+`"features": [`, 1)
		if _, err := Parse("needs.json", []byte(s), nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.edit, err, tc.want)
		}
	}
	s := strings.Replace(string(base), `"price": "39.00"`, `"price": "39.00", "popularity": -1`, 1)
	if s == string(base) {
		t.Fatal("minimal.json has no option price to extend")
	}
	if _, err := Parse("pop.json", []byte(s), nil); err == nil || !strings.Contains(err.Error(), "popularity -1 is negative") {
		t.Errorf("a negative popularity: %v", err)
	}
}
