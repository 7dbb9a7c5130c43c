package rules_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

func demo(t testing.TB, product string) (*catalog.Catalog, *rules.Model) {
	t.Helper()
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	m, err := rules.Compile(cat.Product(product))
	if err != nil {
		t.Fatal(err)
	}
	return cat, m
}

func choice(s string) catalog.Value { return catalog.Value{Kind: catalog.Choice, Str: s} }
func number(s string) catalog.Value {
	return catalog.Value{Kind: catalog.Number, Num: decimal.RequireFromString(s)}
}

// The demo products have no errors; what the analysis says of them is
// printed for the author to read.
func TestAnalyzeDemo(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Products {
		m, err := rules.Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rules.Analyze(m, "en") {
			if f.Severity == rules.Error {
				t.Errorf("%s", f)
			} else {
				t.Logf("%s", f)
			}
		}
	}
}

func TestDemoDeskGlassTop(t *testing.T) {
	_, m := demo(t, "lift-desk")
	s := m.NewSession()
	dec := rules.Decisions{"width": number("1800")}
	d, err := s.Domains(dec)
	if err != nil {
		t.Fatal(err)
	}
	top := d.Feature("top")
	for i, o := range top.Feature.Options {
		want := o.ID != "glass" // glass tops go up to 1600 mm
		if top.Available[i] != want {
			t.Errorf("top=%s available = %v, want %v", o.ID, top.Available[i], want)
		}
	}
	e, err := s.Explain(dec, "top", choice("glass"))
	if err != nil || e == nil {
		t.Fatalf("explain: %v, %v", e, err)
	}
	if got := e.Message("en", "en"); got != "Glass tops are made up to 1600 mm wide." {
		t.Errorf("message = %q", got)
	}
	if got := e.BlockedBy.String(); got != "width=1800" {
		t.Errorf("blocked by %q, want width=1800", got)
	}
	reps, err := s.Repairs(dec, "top", choice("glass"), 5)
	if err != nil || len(reps) == 0 {
		t.Fatalf("repairs: %v, %v", reps, err)
	}
	r := reps[0]
	if strings.Join(r.Drop, ",") != "width" {
		t.Errorf("repair drops %v, want width", r.Drop)
	}
	// The width goes back to its default, 1600 mm, which fits a glass top.
	for _, c := range r.Changes {
		if c.Feature.ID == "width" && !c.To.Num.Equal(decimal.NewFromInt(1600)) {
			t.Errorf("width changes to %s, want the default 1600", c.To.Num)
		}
	}
	width := d.Feature("width")
	if len(width.Allowed) != 1 || !width.Allowed[0].Min.Equal(decimal.NewFromInt(1000)) || !width.Allowed[0].Max.Equal(decimal.NewFromInt(2200)) {
		t.Errorf("width allowed = %v", width.Allowed)
	}
}

func TestDemoCounts(t *testing.T) {
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Products {
		m, err := rules.Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		n, err := m.NewSession().Count(nil)
		if err != nil {
			t.Fatal(err)
		}
		if n.Sign() <= 0 {
			t.Errorf("%s: %s configurations", p.ID, n)
		}
		t.Logf("%s: %s valid configurations", p.ID, n)
	}
}

func BenchmarkDemoDomains(b *testing.B) {
	for _, id := range []string{"lift-desk", "grid-shelf", "kolme-sofa", "klar-window"} {
		b.Run(id, func(b *testing.B) {
			_, m := demo(b, id)
			for b.Loop() {
				s := m.NewSession()
				if _, err := s.Domains(nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDemoCount(b *testing.B) {
	for _, id := range []string{"lift-desk", "grid-shelf", "kolme-sofa", "klar-window"} {
		b.Run(id, func(b *testing.B) {
			_, m := demo(b, id)
			for b.Loop() {
				if _, err := m.NewSession().Count(nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
