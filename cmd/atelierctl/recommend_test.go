package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog/recommend"
)

// writeSofaHistory writes a gzip'ed history of the demo sofa in which
// leather covers come with black legs and firm comfort.
func writeSofaHistory(t *testing.T) string {
	t.Helper()
	var h []recommend.Example
	for i := range 60 {
		e := recommend.Example{Values: map[string]string{"cover": "leather", "legs": "black", "comfort": "firm"}}
		if i%3 == 0 {
			e = recommend.Example{Values: map[string]string{"cover": "wool", "legs": "oak", "comfort": "medium"}}
		}
		h = append(h, e)
	}
	path := filepath.Join(t.TempDir(), "sofa.history.jsonl.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	if err := recommend.WriteHistory(zw, h); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRecommendJSON(t *testing.T) {
	hist := writeSofaHistory(t)
	for _, method := range []string{"popular", "naive-bayes", "knn", "bayes-net"} {
		t.Run(method, func(t *testing.T) {
			code, out, errOut := runCLI(t, "recommend", "--product", "kolme-sofa", "--set", "cover=leather", "--history", hist, "--method", method, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got struct {
				Recommendations []struct {
					Feature    string  `json:"feature"`
					Value      string  `json:"value"`
					Confidence float64 `json:"confidence"`
				} `json:"recommendations"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			byFeature := map[string]string{}
			for _, r := range got.Recommendations {
				byFeature[r.Feature] = r.Value
				if r.Confidence <= 0 || r.Confidence > 1 {
					t.Errorf("%s confidence %v", r.Feature, r.Confidence)
				}
			}
			if _, ok := byFeature["cover"]; ok {
				t.Error("recommends the decided cover")
			}
			if v, ok := byFeature["comfort"]; ok && v == "soft" {
				t.Error("recommends soft comfort, which leather excludes")
			}
			if method != "popular" && byFeature["legs"] != "black" {
				t.Errorf("legs %q, want black (leather comes with black in the history)", byFeature["legs"])
			}
		})
	}
}

func TestRecommendPlainAndErrors(t *testing.T) {
	code, out, errOut := runCLI(t, "recommend", "--product", "kolme-sofa")
	if code != 0 || !strings.Contains(out, "cover") || !strings.Contains(out, "wool") {
		t.Errorf("exit %d, stdout %q, stderr %q: want the most popular cover, wool", code, out, errOut)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown product", []string{"recommend", "--product", "nope"}, 2, "unknown product"},
		{"unknown method", []string{"recommend", "--product", "kolme-sofa", "--method", "magic"}, 2, "magic"},
		{"missing history", []string{"recommend", "--product", "kolme-sofa", "--history", "/nonexistent/h.jsonl"}, 1, "no such file"},
		{"bad value", []string{"recommend", "--product", "kolme-sofa", "--set", "cover=silk"}, 2, "silk"},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, code, errOut, tc.code, tc.want)
		}
	}
}

func TestRecommendEvaluate(t *testing.T) {
	hist := writeSofaHistory(t)
	code, out, errOut := runCLI(t, "recommend", "evaluate", "--history", hist, "--product", "kolme-sofa", "--folds", "3", "--orders", "2", "--limit", "9")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"popular", "naive-bayes", "knn", "bayes-net", "oracle", "median ms", "engine"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, "recommend", "evaluate", "--history", hist, "--product", "kolme-sofa", "--folds", "3", "--orders", "2", "--limit", "9", "--methods", "knn", "--json")
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	var ev recommend.Evaluation
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(ev.Results) != 1 || ev.Results[0].Method != recommend.KNN || ev.Replayed != 9 || ev.Steps == 0 {
		t.Errorf("evaluation %+v: want knn alone, 9 replayed", ev)
	}
}

// Without --history the CLI learns as the app does: from the library's
// own designs of the product.
func TestRecommendLearnsFromTheLibrary(t *testing.T) {
	db := []string{"--db", filepath.Join(t.TempDir(), "atelier.db")}
	if code, out, _ := runCLI(t, append(db, "recommend", "--product", "kolme-sofa", "--set", "cover=velvet", "--json")...); code != 0 || !strings.Contains(out, `"examples": 0`) {
		t.Fatalf("an empty library: %d %s", code, out)
	}
	for i := range 5 {
		args := append(db, "design", "save", "--product", "kolme-sofa", "--set", "cover=velvet", "--set", "legs=brass", "--name", fmt.Sprint("S", i))
		if code, _, errOut := runCLI(t, args...); code != 0 {
			t.Fatal(errOut)
		}
	}
	code, out, errOut := runCLI(t, append(db, "recommend", "--product", "kolme-sofa", "--set", "cover=velvet", "--json")...)
	if code != 0 {
		t.Fatal(errOut)
	}
	var got struct {
		Examples        int `json:"examples"`
		Recommendations []struct {
			Feature, Value string
			Confidence     float64
		} `json:"recommendations"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	legs := ""
	for _, r := range got.Recommendations {
		if r.Feature == "legs" {
			legs = r.Value
		}
	}
	if got.Examples != 5 || legs != "brass" {
		t.Errorf("examples %d, legs %q; want 5 and brass:\n%s", got.Examples, legs, out)
	}
}
