package rules

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestKnowledgeRoundTrip keeps what a session learned with no decisions,
// reads it into a freshly compiled model, and checks that a new session
// there answers the same without finding any configuration itself.
func TestKnowledgeRoundTrip(t *testing.T) {
	src := structuredProduct(3)
	m1, err := Compile(parseRandom(t, src))
	if err != nil {
		t.Fatal(err)
	}
	if m1.Knowledge() != nil {
		t.Fatal("a model no session has asked anything has knowledge to keep")
	}
	s1 := m1.NewSession()
	want, err := s1.Domains(Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	kept := m1.Knowledge()
	if kept == nil {
		t.Fatal("nothing to keep after the first question")
	}
	m2, err := Compile(parseRandom(t, src))
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.UseKnowledge(kept); err != nil {
		t.Fatal(err)
	}
	s2 := m2.NewSession()
	got, err := s2.Domains(Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m2.Product.Features {
		if !reflect.DeepEqual(got.Feature(f.ID).Available, want.Feature(f.ID).Available) ||
			!reflect.DeepEqual(got.Feature(f.ID).Allowed, want.Feature(f.ID).Allowed) {
			t.Errorf("%s: %v %v after reading the knowledge, want %v %v", f.ID,
				got.Feature(f.ID).Available, got.Feature(f.ID).Allowed, want.Feature(f.ID).Available, want.Feature(f.ID).Allowed)
		}
	}
	if found := s2.Nodes - s2.Unsolved; found != 0 {
		t.Errorf("the session with kept knowledge searched for %d configurations, want 0", found)
	}
	// Written again, it is the same.
	if again := m2.Knowledge(); !reflect.DeepEqual(again, kept) {
		t.Error("knowledge read back and written again differs")
	}
}

func TestKnowledgeRefusesWhatItCannotTrust(t *testing.T) {
	src := structuredProduct(3)
	m1, err := Compile(parseRandom(t, src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m1.NewSession().Domains(Decisions{}); err != nil {
		t.Fatal(err)
	}
	kept := m1.Knowledge()
	fresh := func() *Model {
		m, err := Compile(parseRandom(t, src))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	other, err := Compile(parseRandom(t, structuredProduct(4)))
	if err != nil {
		t.Fatal(err)
	}
	if err := other.UseKnowledge(kept); !errors.Is(err, ErrStaleKnowledge) {
		t.Errorf("another product's knowledge: %v, want ErrStaleKnowledge", err)
	}
	if err := fresh().UseKnowledge(kept[:len(kept)-3]); err == nil {
		t.Error("truncated knowledge was used")
	}
	// A witness changed into a configuration that breaks the rules: no
	// byte of the body may be trusted. Change the last witness's values one
	// at a time until one breaks a rule (most do).
	r := rand.New(rand.NewPCG(1, 1))
	refused := 0
	for i := 0; i < 12; i++ {
		bad := append([]byte(nil), kept...)
		pos := len(bad) - 1 - r.IntN(len(m1.vars))
		bad[pos] ^= 1
		m := fresh()
		if err := m.UseKnowledge(bad); err != nil {
			refused++
			if m.Witnesses() != 0 {
				t.Fatal("refused knowledge was partly used")
			}
			continue
		}
		// Accepted: then every witness must really be valid.
		for _, sol := range m.shared.witnesses {
			for ci := range m.cons {
				if !m.cons[ci].holds(sol, nil) {
					t.Fatalf("a witness breaking constraint %d was accepted", ci)
				}
			}
		}
	}
	if refused == 0 {
		t.Error("no damaged copy was refused")
	}
}

// FuzzUseKnowledge: whatever the kept bytes, UseKnowledge either refuses
// them and shares nothing, or every witness it shares is a valid
// configuration.
func FuzzUseKnowledge(f *testing.F) {
	src := wideTableProduct(3, 3, [][]string{{"o0", "o1", "*"}, {"o2", "o2", "o2"}})
	m, err := Compile(parseRandom(f, src))
	if err != nil {
		f.Fatal(err)
	}
	if _, err := m.NewSession().Domains(Decisions{}); err != nil {
		f.Fatal(err)
	}
	f.Add(m.Knowledge())
	f.Add([]byte(knowledgeMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Compile(m.Product)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.UseKnowledge(data); err != nil {
			if m.Witnesses() != 0 {
				t.Fatal("refused knowledge was partly used")
			}
			return
		}
		for _, sol := range m.shared.witnesses {
			for ci := range m.cons {
				if !m.cons[ci].holds(sol, nil) {
					t.Fatalf("a witness breaking constraint %d was accepted", ci)
				}
			}
		}
	})
}
