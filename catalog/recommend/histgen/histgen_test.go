package histgen

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/internal/racecheck"
)

var update = flag.Bool("update", false, "regenerate the committed histories in catalog/recommend/testdata")

const testdata = "../testdata"

func demo(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readCommitted(t testing.TB, id string) []recommend.Example {
	t.Helper()
	f, err := os.Open(filepath.Join(testdata, HistoryFile(id)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := ReadGzip(f)
	if err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	return h
}

// decisions parses an example as atelierctl --set would.
func decisions(t testing.TB, p *catalog.Product, e recommend.Example) rules.Decisions {
	t.Helper()
	dec := rules.Decisions{}
	for id, s := range e.Values {
		f := p.Feature(id)
		if f == nil {
			t.Fatalf("%s has no feature %q", p.ID, id)
		}
		v, err := f.ParseValue(s)
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		dec[id] = v
	}
	return dec
}

// checkValid checks every k-th example with the engine and the catalog's
// own rule check.
func checkValid(t *testing.T, p *catalog.Product, h []recommend.Example, k int) {
	t.Helper()
	m, err := rules.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewSession()
	checked := 0
	for i := 0; i < len(h); i += k {
		dec := decisions(t, p, h[i])
		for _, f := range p.Features {
			if _, ok := dec[f.ID]; !ok && f.Kind != catalog.Textual {
				t.Fatalf("%s #%d: %s undecided", p.ID, i, f.ID)
			}
		}
		ok, err := s.Consistent(dec)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Fatalf("%s #%d: the engine refuses %s", p.ID, i, dec)
		}
		if bad := p.Resolve(dec).Violations(); len(bad) > 0 {
			t.Fatalf("%s #%d: %s breaks rule %s", p.ID, i, dec, bad[0].ID)
		}
		checked++
	}
	t.Logf("%s: %d configurations valid per the engine", p.ID, checked)
}

// TestCommittedHistories: each demo product's committed history reads back
// (recommend.ReadHistory), holds 5,000 valid configurations (a sample of
// 500 checked with the engine), writes back to the same bytes, and is what
// the generator makes (its first chunks regenerated). With -update, all of
// it is regenerated and written.
func TestCommittedHistories(t *testing.T) {
	for _, p := range demo(t).Products {
		t.Run(p.ID, func(t *testing.T) {
			if *update {
				cs, _, err := Generate(p, DemoTypes(p.ID), DemoSize, DemoSeed)
				if err != nil {
					t.Fatal(err)
				}
				data, err := Gzip(Examples(cs))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(testdata, HistoryFile(p.ID)), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			h := readCommitted(t, p.ID)
			if got, want := len(h), DemoSize; got != want {
				t.Fatalf("%d configurations, want %d", got, want)
			}
			// Round trip: written again, read again, the same.
			data, err := Gzip(h)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ReadGzip(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			for i := range h {
				if fmt.Sprint(h[i]) != fmt.Sprint(again[i]) {
					t.Fatalf("#%d: %v, read back %v", i, h[i], again[i])
				}
			}
			checkValid(t, p, h, DemoSize/500)
			ordered := 0
			for _, e := range h {
				switch e.Weight {
				case recommend.OrderedWeight:
					ordered++
				case 1:
				default:
					t.Fatalf("weight %v", e.Weight)
				}
			}
			share := float64(ordered) / float64(len(h))
			t.Logf("%s: %.1f%% ordered", p.ID, 100*share)
			if share < 0.15 || share > 0.25 {
				t.Errorf("%.1f%% ordered, want about 20%%", 100*share)
			}
			// The generator makes it: the first two chunks drawn anew.
			n := 2 * chunk
			cs, _, err := Generate(p, DemoTypes(p.ID), n, DemoSeed)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range cs {
				if fmt.Sprint(c.Example) != fmt.Sprint(h[i]) {
					t.Fatalf("#%d: generated %v, committed %v (run go test -run TestCommittedHistories -update)", i, c.Example, h[i])
				}
			}
		})
	}
}

// TestDeterministic: the same seed gives the same bytes, another seed
// another history.
func TestDeterministic(t *testing.T) {
	p := demo(t).Product("klar-window")
	gen := func(seed uint64) []byte {
		cs, _, err := Generate(p, DemoTypes(p.ID), 300, seed) // two chunks
		if err != nil {
			t.Fatal(err)
		}
		data, err := Gzip(Examples(cs))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b, c := gen(7), gen(7), gen(8)
	if !bytes.Equal(a, b) {
		t.Error("seed 7 twice: different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 7 and 8: the same bytes")
	}
}

// TestEveryGeneratedValid checks freshly generated configurations of every
// demo product with the engine (all of them), with texts decided too.
func TestEveryGeneratedValid(t *testing.T) {
	for _, p := range demo(t).Products {
		cs, st, err := Generate(p, DemoTypes(p.ID), 300, 99)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, p, Examples(cs), 1)
		t.Logf("%s: %+v", p.ID, st)
	}
}

// counts is a weighted contingency table of two features.
type counts map[[2]string]float64

// contingency counts the values of a and b; for "b has o" (b a multi
// feature), whether b's selection has option o ("yes", "no").
func contingency(h []recommend.Example, a, b string) counts {
	c := counts{}
	feature, has, multi := strings.Cut(b, " has ")
	for _, e := range h {
		vb := e.Values[feature]
		if multi {
			vb = "no"
			if slices.Contains(strings.Split(e.Values[feature], ","), has) {
				vb = "yes"
			}
		}
		c[[2]string{e.Values[a], vb}]++
	}
	return c
}

// mutualInformation in bits.
func (c counts) mutualInformation() float64 {
	n := 0.0
	pa, pb := map[string]float64{}, map[string]float64{}
	for k, x := range c {
		n += x
		pa[k[0]] += x
		pb[k[1]] += x
	}
	mi := 0.0
	for k, x := range c {
		mi += x / n * math.Log2(x*n/(pa[k[0]]*pb[k[1]]))
	}
	return mi
}

// conditional is P(b = vb | a = va) and the marginal P(b = vb).
func (c counts) conditional(va, vb string) (cond, marg float64) {
	var nA, nAB, n, nB float64
	for k, x := range c {
		n += x
		if k[1] == vb {
			nB += x
		}
		if k[0] == va {
			nA += x
			if k[1] == vb {
				nAB += x
			}
		}
	}
	return nAB / nA, nB / n
}

func (c counts) String() string {
	as, bs := map[string]bool{}, map[string]bool{}
	for k := range c {
		as[k[0]], bs[k[1]] = true, true
	}
	sorted := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	var sb strings.Builder
	cols := sorted(bs)
	fmt.Fprintf(&sb, "%-16s", "")
	for _, b := range cols {
		fmt.Fprintf(&sb, "%15s", b)
	}
	for _, a := range sorted(as) {
		fmt.Fprintf(&sb, "\n%-16s", a)
		for _, b := range cols {
			fmt.Fprintf(&sb, "%15.0f", c[[2]string{a, b}])
		}
	}
	return sb.String()
}

// TestLatentStructure: the histories carry the customer types' tastes —
// measurable dependencies between features beyond what the rules force.
func TestLatentStructure(t *testing.T) {
	cases := []struct {
		product, a, b string
		va, vb        string  // P(b=vb | a=va) ...
		ratio         float64 // ... is at least ratio × P(b=vb)
		minMI         float64 // bits
	}{
		{"kolme-sofa", "cover", "legs", "velvet", "brass", 2, 0.2},
		{"kolme-sofa", "comfort", "arms", "soft", "wide", 1.4, 0.03},
		{"kolme-sofa", "seat_width", "chaise", "compact", "none", 1.2, 0.03},
		{"kolme-sofa", "arms", "pillows has throws", "wide", "yes", 1.2, 0.01},
		{"lift-desk", "top", "frame", "glass", "alu", 2, 0.1},
		{"lift-desk", "motor", "extras has arm", "dual", "yes", 1.5, 0.02},
		{"grid-shelf", "wood", "back", "pine", "open", 1.8, 0.1},
		{"grid-shelf", "back", "extras has led", "sage", "yes", 1.5, 0.02},
		{"klar-window", "frame", "extras has muntins", "oak", "yes", 1.5, 0.05},
		{"klar-window", "glazing", "opening", "satin", "tilt", 1.5, 0.05},
	}
	for _, c := range cases {
		h := readCommitted(t, c.product)
		tab := contingency(h, c.a, c.b)
		mi := tab.mutualInformation()
		cond, marg := tab.conditional(c.va, c.vb)
		t.Logf("%s %s × %s: mutual information %.3f bits; P(%s=%s | %s=%s) = %.2f vs P(%s=%s) = %.2f\n%s",
			c.product, c.a, c.b, mi, c.b, c.vb, c.a, c.va, cond, c.b, c.vb, marg, tab)
		if mi < c.minMI {
			t.Errorf("%s %s × %s: mutual information %.3f bits, want ≥ %.2f", c.product, c.a, c.b, mi, c.minMI)
		}
		if cond < c.ratio*marg {
			t.Errorf("%s: P(%s=%s | %s=%s) = %.2f, want ≥ %.1f × %.2f", c.product, c.b, c.vb, c.a, c.va, cond, c.ratio, marg)
		}
	}
}

// TestHistoryStatistics logs what the histories look like: per feature the
// most common values, distinct configurations, ordered share.
func TestHistoryStatistics(t *testing.T) {
	for _, p := range demo(t).Products {
		h := readCommitted(t, p.ID)
		distinct := map[string]bool{}
		for _, e := range h {
			distinct[fmt.Sprint(e.Values)] = true
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s: %d configurations, %d distinct", p.ID, len(h), len(distinct))
		for _, f := range p.Features {
			freq := map[string]int{}
			for _, e := range h {
				v, ok := e.Values[f.ID]
				if !ok {
					v = "(undecided)"
				}
				freq[v]++
			}
			keys := make([]string, 0, len(freq))
			for k := range freq {
				keys = append(keys, k)
			}
			slices.SortFunc(keys, func(a, b string) int {
				if freq[a] != freq[b] {
					return freq[b] - freq[a]
				}
				return strings.Compare(a, b)
			})
			fmt.Fprintf(&sb, "\n  %-12s %3d values:", f.ID, len(keys))
			for _, k := range keys[:min(5, len(keys))] {
				fmt.Fprintf(&sb, " %s %.0f%%", k, 100*float64(freq[k])/float64(len(h)))
			}
		}
		t.Log(sb.String())
	}
}

// TestBenchmarkHistory: the 200-feature benchmark product's history is
// valid (a sample checked with the engine), deterministic, and carries
// its types' tastes; its cost is logged (-short or under the race
// detector: 1,000 configurations).
func TestBenchmarkHistory(t *testing.T) {
	n := 10000
	if testing.Short() || racecheck.Enabled {
		n = 1000
	}
	start := time.Now()
	p, h := BenchmarkHistory(n)
	took := time.Since(start)
	t.Logf("%s; %d configurations in %v", describe(p), len(h), took.Round(time.Millisecond))
	if len(h) != n {
		t.Fatalf("%d configurations, want %d", len(h), n)
	}
	data, err := Gzip(h)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes gzipped", len(data))
	checkValid(t, p, h, n/100)
	// Deterministic: the first chunk drawn anew is the same.
	cs, st, err := GenerateTables(p, BenchmarkTypes(p, 6, BenchmarkSeed), chunk, BenchmarkSeed)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		if fmt.Sprint(c.Example) != fmt.Sprint(h[i]) {
			t.Fatalf("#%d differs when drawn again", i)
		}
	}
	t.Logf("first chunk: %+v", st)
	// The tastes show: the features' values depend on the type (summed
	// mutual information between the type and each feature, in bits).
	total := 0.0
	for _, f := range p.Features {
		tab := counts{}
		for _, c := range cs {
			tab[[2]string{fmt.Sprint(c.Type), c.Example.Values[f.ID]}]++
		}
		total += tab.mutualInformation()
	}
	t.Logf("mutual information between type and feature, mean over %d features: %.3f bits (first %d configurations)", len(p.Features), total/float64(len(p.Features)), len(cs))
	if total/float64(len(p.Features)) < 0.1 {
		t.Error("the types barely show")
	}
}
