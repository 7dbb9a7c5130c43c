package rules_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// listPrice prices a complete configuration of the demo catalog.
func listPrice(t *testing.T, cat *catalog.Catalog, p *catalog.Product) func(map[string]catalog.Value) decimal.Decimal {
	return func(values map[string]catalog.Value) decimal.Decimal {
		pr, err := cat.ListPrice(&catalog.Config{Product: p, Values: values}, 1, "en")
		if err != nil {
			t.Fatal(err)
		}
		return pr.Total
	}
}

// Defect 5 of issue 14: a velvet cover with turned-oak legs offered only
// brass legs; black steel legs fit too and cost less. Every new value of
// the legs that fits is a repair of its own, the cheapest first, and each
// says every change it makes.
func TestRepairsListEveryValue(t *testing.T) {
	cat, m := demo(t, "kolme-sofa")
	p := m.Product
	s := m.NewSession()
	dec := rules.Decisions{"legs": choice("oak"), "seats": number("3")}
	reps, err := s.Repairs(dec, "cover", choice("velvet"), 4)
	if err != nil {
		t.Fatal(err)
	}
	price := listPrice(t, cat, p)
	done, err := s.Complete(dec)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PriceRepairs(reps, price(done), price); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reps {
		var changes []string
		for _, ch := range r.Changes {
			changes = append(changes, ch.Feature.ID+":"+ch.From.String()+">"+ch.To.String())
		}
		got = append(got, strings.Join(r.Drop, ",")+"="+r.Decisions["legs"].String()+" "+r.PriceDelta.StringFixed(2)+" ["+strings.Join(changes, " ")+"]")
	}
	want := []string{
		"legs=black 548.50 [cover:wool>velvet legs:oak>black]",
		"legs=brass 688.50 [cover:wool>velvet legs:oak>brass]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("repairs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range reps {
		if r.Kind != rules.RepairSmallest {
			t.Errorf("repair %v: kind %s, want smallest", r.Drop, r.Kind)
		}
	}
}

// Defect 7 of issue 14 (the engine's part): a repair keeps every choice
// the user made decided; those it sets aside take their new values as
// decisions (7 choices made stay 7, with the new one 8).
func TestRepairKeepsChoicesDecided(t *testing.T) {
	_, m := demo(t, "kolme-sofa")
	s := m.NewSession()
	dec := rules.Decisions{"seats": number("3"), "seat_width": choice("regular"), "chaise": choice("none"),
		"arms": choice("slim"), "legs": choice("oak"), "leg_height": number("60"), "comfort": choice("medium")}
	reps, err := s.Repairs(dec, "cover", choice("velvet"), 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) == 0 {
		t.Fatal("no repair of velvet with oak legs")
	}
	for _, r := range reps {
		if got, want := len(r.Decisions), len(dec)+1; got != want {
			t.Errorf("repair %v: %d decisions (%s), want %d", r.Drop, got, r.Decisions, want)
		}
		for _, k := range r.Drop {
			if x, ok := r.Decisions[k]; !ok || x.Equal(dec[k]) {
				t.Errorf("repair %v: %s is %v (decided %v), want a new decision", r.Drop, k, x, ok)
			}
		}
	}
}

// Defect 8 of issue 14: with an engraving (a text), laminate is
// unavailable, and the explanation names the engraving; insisting on
// laminate proposes setting the engraving aside (it said "not possible
// with this product").
func TestBlockedByNamesTexts(t *testing.T) {
	_, m := demo(t, "lift-desk")
	s := m.NewSession()
	dec := rules.Decisions{"engraving": {Kind: catalog.Textual, Str: "Atelier"}}
	doms, err := s.Domains(dec)
	if err != nil {
		t.Fatal(err)
	}
	top := m.Product.Feature("top")
	for i, o := range top.Options {
		if doms.Feature("top").Available[i] {
			continue
		}
		e, err := s.Explain(dec, "top", choice(o.ID))
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			t.Errorf("top=%s unavailable but not explained", o.ID)
			continue
		}
		if got, want := e.BlockedBy.String(), "engraving=Atelier"; got != want {
			t.Errorf("top=%s blocked by %q, want %q", o.ID, got, want)
		}
	}
	reps, err := s.DecisionRepairs(dec, "top", choice("laminate"), 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || strings.Join(reps[0].Drop, ",") != "engraving" {
		t.Fatalf("repairs of laminate: %+v, want one setting the engraving aside", reps)
	}
	if got := reps[0].Decisions["engraving"].Str; got != "" {
		t.Errorf("the engraving becomes %q, want its default (none)", got)
	}
	if ok, err := s.Consistent(reps[0].Decisions); err != nil || !ok {
		t.Errorf("the repair's decisions %s do not fit (%v)", reps[0].Decisions, err)
	}
}
