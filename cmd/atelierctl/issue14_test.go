package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
)

// Defect 8 of issue 14: with an engraving, laminate was unavailable with a
// reason and no blocked_by. Every unavailable option carries blocked_by,
// naming texts too; an empty list only for an option no configuration has.
func TestConfigureBlockedByNamesTexts(t *testing.T) {
	type option struct {
		ID        string           `json:"id"`
		Available bool             `json:"available"`
		Reason    string           `json:"reason"`
		BlockedBy *json.RawMessage `json:"blocked_by"`
	}
	type out struct {
		Features []struct {
			ID      string   `json:"id"`
			Options []option `json:"options"`
		} `json:"features"`
	}
	run := func(args ...string) map[string]option {
		code, stdout, stderr := runCLI(t, append([]string{"configure", "--product", "lift-desk", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var got out
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, stdout)
		}
		opts := map[string]option{}
		for _, f := range got.Features {
			for _, o := range f.Options {
				opts[f.ID+"="+o.ID] = o
			}
		}
		return opts
	}
	dead := run() // unavailable with no decisions: no configuration has it
	got := run("--set", "engraving=Atelier")
	tests := []struct {
		name, option, blockedBy string
	}{
		{"laminate", "top=laminate", `["engraving=Atelier"]`},
		{"glass", "top=glass", `["engraving=Atelier"]`},
		{"oak, available", "top=oak", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := got[tt.option]
			b := ""
			if o.BlockedBy != nil {
				b = strings.Join(strings.Fields(string(*o.BlockedBy)), "")
			}
			if b != tt.blockedBy {
				t.Errorf("%s: blocked_by %s, want %s (reason %q)", tt.option, b, tt.blockedBy, o.Reason)
			}
		})
	}
	for id, o := range got {
		switch {
		case !o.Available && o.BlockedBy == nil:
			t.Errorf("%s is unavailable without blocked_by", id)
		case !o.Available && string(*o.BlockedBy) == "[]" && dead[id].Available:
			t.Errorf("%s: blocked_by is empty, but the product has it with no decisions", id)
		case o.Available && o.BlockedBy != nil:
			t.Errorf("%s is available with blocked_by %s", id, *o.BlockedBy)
		}
	}
}

// Defect 8 of issue 14: insisting on laminate with an engraving said "not
// possible with this product"; setting the engraving aside makes room.
func TestConfigureRepairSetsTextAside(t *testing.T) {
	code, _, stderr := runCLI(t, "configure", "--product", "lift-desk", "--set", "engraving=Atelier", "--set", "top=laminate")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"conflicts with earlier decisions (engraving=Atelier)", "repair 1: set Desktop to White laminate and change Engraving"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "not possible with this product") {
		t.Errorf("stderr says it is impossible:\n%s", stderr)
	}
}

// Defect 5 of issue 14: velvet with turned-oak legs offered only brass
// legs. Every repair is listed, the cheapest first, with every change, in
// JSON and in words.
func TestConfigureListsEveryRepair(t *testing.T) {
	args := []string{"configure", "--product", "kolme-sofa", "--set", "seats=3", "--set", "legs=oak", "--set", "cover=velvet"}
	code, stdout, _ := runCLI(t, append(args, "--json")...)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var got struct {
		Repairs []struct {
			Drop        []string          `json:"drop"`
			PriceChange string            `json:"price_change"`
			Decisions   map[string]string `json:"decisions"`
			Changes     []struct {
				Feature string `json:"feature"`
				From    any    `json:"from"`
				To      any    `json:"to"`
				Kind    string `json:"kind"`
			} `json:"changes"`
		} `json:"repairs"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	var lines []string
	for _, r := range got.Repairs {
		var ch []string
		for _, c := range r.Changes {
			ch = append(ch, c.Feature+" "+c.Kind+" "+c.To.(string))
		}
		lines = append(lines, strings.Join(r.Drop, ",")+" "+r.PriceChange+" legs="+r.Decisions["legs"]+" ["+strings.Join(ch, "; ")+"]")
	}
	want := []string{
		"legs 548.50 legs=black [cover chosen velvet; legs set aside black]",
		"legs 688.50 legs=brass [cover chosen velvet; legs set aside brass]",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("repairs:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	_, _, stderr := runCLI(t, args...)
	for _, want := range []string{
		"repair 1: set Cover to Velvet, moss green and change Legs from Turned oak to Black steel (price +548.50 EUR)",
		"repair 2: set Cover to Velvet, moss green and change Legs from Turned oak to Brushed brass (price +688.50 EUR)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// Defect 4 of issue 14: the demo sofa ordered seats seat modules with a
// chaise longue, one more than the picture draws. catalog lint warns
// (exit 0: a warning) naming the item, the part, the values and both
// counts; the fixed demo has no such warning.
func TestLintWarnsWhereOrderAndPictureDisagree(t *testing.T) {
	fixed := `"quantity": "seats - if(chaise != \"none\", 1, 0)", "parts": ["seat"]`
	old := strings.ReplaceAll(string(assets.DemoCatalogJSON), fixed, `"quantity": "seats", "parts": ["seat"]`)
	if old == string(assets.DemoCatalogJSON) {
		t.Fatal("the demo sofa's seat modules are not counted as fixed")
	}
	path := filepath.Join(t.TempDir(), "old.json")
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       []string
	}{
		{"the old sofa", path, []string{
			`warning: bill of materials item "Seat module" (NH-KOL-SEAT-{seat_width}-{cover}) orders 3 with seats=3, chaise="left", but part "seat" draws 2: the order and the picture disagree`,
			`warning: bill of materials item "Seat filling" (NH-KOL-FILL-{comfort}) orders 3 with seats=3, chaise="left", but part "seat" draws 2`,
		}},
		{"the demo", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"catalog", "lint"}
			if tt.path != "" {
				args = append(args, tt.path)
			} else {
				args = append(args, filepath.Join("..", "..", "assets", "demo", "catalog.json"))
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			all := stdout + stderr
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("lint lacks %q:\n%s", w, all)
				}
			}
			if tt.want == nil && strings.Contains(all, "bill of materials") {
				t.Errorf("lint warns about the demo's bill of materials:\n%s", all)
			}
		})
	}
}
