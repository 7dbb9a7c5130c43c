package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestConfigureJSONContract(t *testing.T) {
	code, out, errOut := runCLI(t, "configure", "--product", "lift-desk", "--set", "width=1800", "--set", "extras=tray,arm", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Product   string `json:"product"`
		Valid     bool   `json:"valid"`
		Complete  bool   `json:"complete"`
		Remaining string `json:"remaining"`
		Features  []struct {
			ID      string          `json:"id"`
			Kind    string          `json:"kind"`
			Value   json.RawMessage `json:"value"`
			Options []struct {
				ID        string   `json:"id"`
				Available bool     `json:"available"`
				Reason    string   `json:"reason"`
				BlockedBy []string `json:"blocked_by"`
			} `json:"options"`
			Allowed [][2]json.Number `json:"allowed"`
		} `json:"features"`
		Price struct {
			Currency string `json:"currency"`
			Total    string `json:"total"`
		} `json:"price"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Product != "lift-desk" || !got.Valid || got.Complete {
		t.Errorf("product, valid, complete = %s, %v, %v", got.Product, got.Valid, got.Complete)
	}
	if got.Remaining == "" || got.Remaining == "0" || strings.Trim(got.Remaining, "0123456789") != "" {
		t.Errorf("remaining = %q, want a positive decimal string", got.Remaining)
	}
	if got.Price.Currency != "EUR" || got.Price.Total == "" {
		t.Errorf("price = %+v", got.Price)
	}
	seen := map[string]bool{}
	for _, f := range got.Features {
		seen[f.ID] = true
		switch f.ID {
		case "width":
			if string(f.Value) != "1800" {
				t.Errorf("width value = %s, want 1800", f.Value)
			}
			if len(f.Allowed) == 0 || f.Allowed[0][0] != "1000" {
				t.Errorf("width allowed = %v", f.Allowed)
			}
		case "depth":
			if string(f.Value) != "null" {
				t.Errorf("undecided depth has value %s, want null", f.Value)
			}
		case "top":
			for _, o := range f.Options {
				if o.ID == "glass" {
					if o.Available || o.Reason != "Glass tops are made up to 1600 mm wide." || strings.Join(o.BlockedBy, ",") != "width=1800" {
						t.Errorf("glass = %+v", o)
					}
				} else if !o.Available {
					t.Errorf("top=%s unavailable: %s", o.ID, o.Reason)
				}
			}
		case "extras":
			var set []string
			if err := json.Unmarshal(f.Value, &set); err != nil || strings.Join(set, ",") != "tray,arm" {
				t.Errorf("extras value = %s", f.Value)
			}
		}
	}
	for _, id := range []string{"width", "depth", "height", "top", "edge", "frame", "motor", "extras", "engraving"} {
		if !seen[id] {
			t.Errorf("feature %s missing", id)
		}
	}
}

func TestConfigureConflictAndErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stderr   []string
		stdoutIs string
	}{
		{"conflict with repairs", []string{"--set", "top=glass", "--set", "width=1800"}, 1,
			[]string{"--set width=1800 conflicts with earlier decisions (top=glass): Glass tops are made up to 1600 mm wide.", "repair 1: set Width to 1800 mm and change Desktop"}, ""},
		{"text conflict", []string{"--set", "top=glass", "--set", "engraving=Ada"}, 1,
			[]string{"Engraving is only possible on wood and linoleum edges.", "repair 1:"}, ""},
		{"unknown feature", []string{"--set", "colour=red"}, 2, []string{`no feature "colour"`}, ""},
		{"unknown value", []string{"--set", "top=marble"}, 2, []string{`"marble" is not an option of "top"`}, ""},
		{"number off the grid", []string{"--set", "width=1850"}, 2, []string{"not on the grid"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"configure", "--product", "lift-desk"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %s)", code, tc.code, errOut)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if out != tc.stdoutIs {
				t.Errorf("stdout = %q", out)
			}
		})
	}
}

func TestConfigureConflictJSON(t *testing.T) {
	code, out, _ := runCLI(t, "configure", "--product", "lift-desk", "--set", "top=glass", "--set", "extras=grommet", "--json")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var got struct {
		Valid    bool `json:"valid"`
		Conflict struct {
			Set       string   `json:"set"`
			Reason    string   `json:"reason"`
			BlockedBy []string `json:"blocked_by"`
		} `json:"conflict"`
		Repairs []struct {
			Drop []string `json:"drop"`
		} `json:"repairs"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Valid || got.Conflict.Set != "extras=grommet" || strings.Join(got.Conflict.BlockedBy, ",") != "top=glass" {
		t.Errorf("conflict = %+v", got.Conflict)
	}
	if len(got.Repairs) == 0 || strings.Join(got.Repairs[0].Drop, ",") != "top" {
		t.Errorf("repairs = %+v", got.Repairs)
	}
}

func TestAnalyzeDemo(t *testing.T) {
	code, out, errOut := runCLI(t, "catalog", "analyze")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"lift-desk: 7214658 valid configurations", "klar-window:"} {
		if !strings.Contains(out, want) {
			t.Errorf("analyze output lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigureCheapest(t *testing.T) {
	code, out, errOut := runCLI(t, "configure", "--product", "lift-desk", "--set", "top=oak", "--cheapest", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Cheapest struct {
			Values map[string]any `json:"values"`
			Total  string         `json:"total"`
		} `json:"cheapest"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// Base 689 + oak 240; the smallest top (1000 × 600 mm) has no area
	// surcharge, and every extra is left out.
	if got.Cheapest.Total != "929.00" || got.Cheapest.Values["top"] != "oak" {
		t.Errorf("cheapest = %+v", got.Cheapest)
	}
}
