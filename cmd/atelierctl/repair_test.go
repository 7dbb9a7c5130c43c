package main

import (
	"github.com/atelier-app/atelier/internal/testcat"

	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// wideCatalog writes a catalog whose product has a top (glass, oak,
// marble) and n yes/no features x00..: an oak top excludes "a" for the
// first need of them, and marble is sold out (no configuration has it).
func wideCatalog(t *testing.T, n, need int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wide.json")
	if err := os.WriteFile(path, testcat.Insisting(n, need), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type repairOutput struct {
	RepairSearch string `json:"repair_search"`
	Repairs      []struct {
		Drop []string `json:"drop"`
		Kind string   `json:"kind"`
		Kept []string `json:"kept"`
	} `json:"repairs"`
}

// With 40 earlier decisions of which 5 must go, configure said "No change
// of the earlier decisions makes it possible"; it now proposes the one
// smallest repair, and says "impossible" only for a value no configuration
// has.
func TestConfigureRepairsManyDecisions(t *testing.T) {
	path := wideCatalog(t, 40, 5)
	var sets []string
	for i := 0; i < 40; i++ {
		sets = append(sets, "--set", fmt.Sprintf("x%02d=a", i))
	}
	tests := []struct {
		name       string
		top        string
		wantSearch string
		wantDrop   string
		wantStderr string
	}{
		{"oak needs five set aside", "oak", "found", "x00,x01,x02,x03,x04", "repair 1: set Top to Oak and change X0 from A to B"},
		{"marble is sold out", "marble", "impossible", "", "--set top=marble is not possible with this product: Marble is sold out.\nNo valid configuration of Desk has Top Marble, whatever the earlier decisions."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"configure", "--catalog", path, "--product", "desk", "--json"}, sets...)
			code, out, errOut := runCLI(t, append(args, "--set", "top="+tt.top)...)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (stderr %s)", code, errOut)
			}
			var got repairOutput
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if got.RepairSearch != tt.wantSearch {
				t.Errorf("repair_search = %q, want %q", got.RepairSearch, tt.wantSearch)
			}
			if !strings.Contains(errOut, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, errOut)
			}
			if strings.Contains(errOut, "No change") {
				t.Errorf("stderr says no change helps:\n%s", errOut)
			}
			if tt.wantDrop == "" {
				if len(got.Repairs) != 0 {
					t.Errorf("got %d repairs, want none", len(got.Repairs))
				}
				return
			}
			if len(got.Repairs) != 1 {
				t.Fatalf("got %d repairs, want 1", len(got.Repairs))
			}
			r := got.Repairs[0]
			if strings.Join(r.Drop, ",") != tt.wantDrop || r.Kind != "smallest" || len(r.Kept) != 35 {
				t.Errorf("repair drops %v, kind %q, keeps %d; want %s, smallest, 35", r.Drop, r.Kind, len(r.Kept), tt.wantDrop)
			}
		})
	}
}

// printRepairs says the search was cut short when it was (never that
// nothing is possible), and what a maximal repair keeps.
func TestPrintRepairs(t *testing.T) {
	cat, err := catalog.Parse("wide.json", mustRead(t, wideCatalog(t, 4, 2)), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := cat.Products[0]
	a := catalog.Value{Kind: catalog.Choice, Str: "a"}
	b := catalog.Value{Kind: catalog.Choice, Str: "b"}
	oak := catalog.Value{Kind: catalog.Choice, Str: "oak"}
	dec := rules.Decisions{"x00": a, "x01": a, "x02": a, "x03": a}
	maximal := rules.Repair{Drop: []string{"x00", "x01"}, Kind: rules.RepairMaximal, Changes: []rules.Change{
		{Feature: p.Feature("top"), From: catalog.Value{Kind: catalog.Choice, Str: "glass"}, To: oak},
		{Feature: p.Feature("x00"), From: a, To: b, Dropped: true},
		{Feature: p.Feature("x01"), From: a, To: b, Dropped: true},
	}}
	tests := []struct {
		name string
		reps []rules.Repair
		cut  error
		want []string
		not  string
	}{
		{"cut short", nil, &rules.TooHardError{Product: "desk", Work: 10001, Limit: 10000, Task: "looking for changes that make room for top"}, []string{"was cut short, so nothing is known either way", "too hard"}, "No valid configuration"},
		{"none possible", nil, nil, []string{"No valid configuration of Desk has Top Oak"}, "cut short"},
		{"maximal", []rules.Repair{maximal}, nil, []string{"repair 1: set Top to Oak and change X0 from A to B and change X1 from A to B", "keeps 2 of 4 earlier decisions", "fewer changes were not ruled out"}, "No valid configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w strings.Builder
			printRepairs(&w, cat, p, "en", dec, "top", oak, tt.reps, tt.cut)
			for _, want := range tt.want {
				if !strings.Contains(w.String(), want) {
					t.Errorf("got %q, want it to contain %q", w.String(), want)
				}
			}
			if strings.Contains(w.String(), tt.not) {
				t.Errorf("got %q, which says %q", w.String(), tt.not)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
