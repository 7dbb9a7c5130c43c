package catalog

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/catalog/jsonnode"
	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite testdata/invalid/*.errors with the errors Parse reports now")

// knownBugs are invalid files whose .errors say what Parse should report,
// not what it reports now. They are skipped (and never rewritten by -update)
// until the bug is fixed; then delete the entry.
var knownBugs = map[string]string{}

func TestParseValid(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid catalogs in testdata/valid: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(filepath.Base(path), data, nil)
			if err != nil {
				t.Fatalf("Parse:\n%v", err)
			}
			if c == nil || len(c.Products) == 0 {
				t.Fatal("Parse returned no products")
			}
		})
	}
}

func TestParseMinimal(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("minimal.json", data, nil)
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	desk := c.Product("desk")
	if desk == nil {
		t.Fatal(`no product "desk"`)
	}
	width, frame, extras, label := desk.Feature("width"), desk.Feature("frame"), desk.Feature("extras"), desk.Feature("label")
	if width == nil || frame == nil || extras == nil || label == nil {
		t.Fatalf("features: width %v, frame %v, extras %v, label %v", width, frame, extras, label)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"file", c.File, "minimal.json"},
		{"format", c.Format, FormatV1},
		{"id", c.ID, "nordholz"},
		{"name in German", c.Name.In("de", "en"), "Nordholz Schreibtische"},
		{"default language", c.DefaultLanguage(), "en"},
		{"currency", c.Currency, "EUR"},
		{"valid from", c.ValidFrom, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"valid until", c.ValidUntil, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"manufacturer", c.Manufacturer.Name, "Nordholz Möbel GmbH"},
		{"materials", len(c.Materials), 2},
		{"short colour", c.Material("steel").Color, Color{0x88, 0x88, 0x88}},
		{"colour", c.Material("oak").Color.Hex(), "#8a5a2b"},
		{"finish", c.Material("oak").Finish, Satin},
		{"base price is exact", desk.BasePrice.String(), "649.9"},
		{"lead time", desk.LeadTimeDays, 21},
		{"feature order", len(desk.Features), 4},
		{"number default", width.Default.Num.String(), "1600"},
		{"step", width.Step.String(), "100"},
		{"choice default", frame.Default.Str, "steel"},
		{"option material", frame.Option("wood").Material, "oak"},
		{"option price", frame.Option("wood").Price.String(), "120"},
		{"multi default", fmt.Sprint(extras.Default.Set), "[cable]"},
		{"multi max", extras.MaxSelected, 2},
		{"text max length", label.MaxLength, 20},
		{"rules", len(desk.Rules), 2},
		{"table features", fmt.Sprint(desk.Rules[1].Features), "[frame width]"},
		{"table wildcard", desk.Rules[1].Allow[0][1].Any, true},
		{"pricing", len(desk.Pricing), 2},
		{"percent", desk.Pricing[1].Percent.String(), "5"},
		{"parts", len(desk.Parts), 2},
		{"repeat variable", desk.Parts[1].Repeat.Var, "i"},
		{"material from", desk.Parts[1].MaterialFrom, "frame"},
		{"product position", desk.Pos.String(), "19:5"},
		{"feature position", width.Pos.String(), "27:9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	if err := width.CheckNumber(decimal.NewFromInt(1650)); err == nil {
		t.Error("CheckNumber(1650) = nil, want an off-grid error")
	}
	if err := label.CheckText("Nö"); err == nil || !strings.Contains(err.Error(), `'ö'`) {
		t.Errorf("CheckText(\"Nö\") = %v, want an error naming 'ö'", err)
	}
}

// wantError is one line of a .errors file: "line:col: message substring".
type wantError struct {
	pos string // "line:col", or "-" for an error without a position
	msg string
}

func (w wantError) String() string { return w.pos + ": " + w.msg }

func readGolden(t *testing.T, path string) []wantError {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestParseInvalid -update to create it)", err)
	}
	var out []wantError
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pos, msg, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("%s:%d: want \"line:col: message\", got %q", path, i+1, line)
		}
		out = append(out, wantError{pos, msg})
	}
	return out
}

func golden(list ErrorList) []wantError {
	var out []wantError
	for _, e := range list {
		pos := "-"
		if e.Pos.IsValid() {
			pos = e.Pos.String()
		}
		out = append(out, wantError{pos, e.Msg})
	}
	return out
}

func formatGolden(errs []wantError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// checkErrorList checks what every error list must satisfy: the file name on
// every entry, a message, and positions that exist, agree with their byte
// offsets and come in order.
func checkErrorList(t *testing.T, name string, data []byte, list ErrorList) {
	t.Helper()
	if len(list) == 0 {
		t.Fatal("empty ErrorList")
	}
	for i, e := range list {
		if e.File != name {
			t.Errorf("error %d: file %q, want %q", i, e.File, name)
		}
		if e.Msg == "" {
			t.Errorf("error %d has no message", i)
		}
		if !e.Pos.IsValid() {
			continue
		}
		if e.Pos.Col < 1 || e.Pos.Offset < 0 || e.Pos.Offset > len(data) {
			t.Errorf("error %d at an impossible position %d:%d (byte %d of %d): %s", i, e.Pos.Line, e.Pos.Col, e.Pos.Offset, len(data), e.Msg)
			continue
		}
		want := jsonnode.Locate(data, e.Pos.Offset)
		if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) && want.Line == 1 {
			want.Col--
		}
		if e.Pos != want {
			t.Errorf("error %d at %s, but its byte offset %d is at %s: %s", i, e.Pos, e.Pos.Offset, want, e.Msg)
		}
		if i > 0 && list[i-1].Pos.Offset > e.Pos.Offset {
			t.Errorf("error %d at %s comes after an error at %s", i, e.Pos, list[i-1].Pos)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid catalogs in testdata/invalid: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			if bug, ok := knownBugs[name]; ok {
				t.Skip("bug: " + bug)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(name, data, nil)
			if err == nil {
				t.Fatalf("Parse succeeded (%d products), want errors", len(c.Products))
			}
			if c != nil {
				t.Errorf("Parse returned a catalog and an error")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, want ErrorList: %v", err, err)
			}
			checkErrorList(t, name, data, list)
			got := golden(list)
			goldenPath := strings.TrimSuffix(path, ".json") + ".errors"
			if *update {
				if err := os.WriteFile(goldenPath, []byte(formatGolden(got)), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := readGolden(t, goldenPath)
			if !matchGolden(got, want) {
				t.Errorf("%s: got errors\n%s\nwant (message substrings)\n%s", name, formatGolden(got), formatGolden(want))
			}
		})
	}
}

func matchGolden(got, want []wantError) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].pos != want[i].pos || !strings.Contains(got[i].msg, want[i].msg) {
			return false
		}
	}
	return true
}

func TestGoldenFilesHaveCatalogs(t *testing.T) {
	goldens, _ := filepath.Glob("testdata/invalid/*.errors")
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".errors") + ".json"); err != nil {
			t.Errorf("%s has no catalog beside it", g)
		}
	}
}

func TestParseReportsAllErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/invalid/all_at_once.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("all_at_once.json", data, nil)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse error is %T, want ErrorList: %v", err, err)
	}
	if len(list) < 5 {
		t.Fatalf("Parse reported %d errors, want every one of the file's 8:\n%v", len(list), err)
	}
	lines := map[int]bool{}
	for i, e := range list {
		lines[e.Pos.Line] = true
		if i > 0 && !posLess(list[i-1].Pos, e.Pos) {
			t.Errorf("error %d at %s does not come after %s", i, e.Pos, list[i-1].Pos)
		}
	}
	if len(lines) < 5 {
		t.Errorf("errors on %d different lines, want at least 5", len(lines))
	}
}

func posLess(a, b Pos) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Col <= b.Col
}

func TestParseTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"materials": [`)
	for i := range MaxErrors + 50 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"id": "m%d", "name": "M", "color": "bad", "finish": "matte"}`, i)
	}
	b.WriteString("]}")
	_, err := Parse("many.json", []byte(b.String()), nil)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse error is %T, want ErrorList", err)
	}
	if got, want := len(list), MaxErrors+1; got != want {
		t.Fatalf("Parse reported %d errors, want %d (the limit and a summary)", got, want)
	}
	last := list[len(list)-1]
	if !strings.HasPrefix(last.Msg, "and ") || !strings.HasSuffix(last.Msg, " more errors") || last.Pos.IsValid() {
		t.Errorf("last error = %q at %s, want an unpositioned \"and N more errors\"", last.Msg, last.Pos)
	}
}

func TestParseAssets(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	withSwatch := bytes.Replace(data, []byte(`"pattern": "wood"}`), []byte(`"pattern": "wood", "swatch": "img/oak.png"}`), 1)
	tests := []struct {
		name    string
		assets  map[string][]byte
		wantErr string
	}{
		{"single file has no images", nil, `material "oak" refers to the image "img/oak.png", but a single-file catalog has no images`},
		{"image missing from the package", map[string][]byte{"img/other.png": {1}}, `refers to the image "img/oak.png", which is not in the catalog`},
		{"image present", map[string][]byte{"img/oak.png": tinyPNG()}, ""},
		{"not an image", map[string][]byte{"img/oak.png": {1}}, `refers to the image "img/oak.png": not a PNG or JPEG image`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("minimal.json", withSwatch, tt.assets)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Parse: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Parse error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestParseHugeExponent: a number's exponent is only bounded by int32, and
// comparing it with a limit builds 10^exponent as a big.Int.
func TestParseHugeExponent(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, lit := range []string{"0e999999999", "1e-999999999"} {
		t.Run(lit, func(t *testing.T) {
			doc := bytes.Replace(data, []byte(`"basePrice": "649.90"`), []byte(`"basePrice": `+lit), 1)
			done := make(chan error, 1)
			go func() {
				_, err := Parse("minimal.json", doc, nil)
				done <- err
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("Parse with basePrice %s took more than 5s", lit)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	at := &Error{File: "a.json", Pos: Pos{Line: 3, Col: 7, Offset: 20}, Msg: "bad"}
	noPos := &Error{File: "a.json", Msg: "worse"}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"with position", at, "a.json:3:7: bad"},
		{"without position", noPos, "a.json: worse"},
		{"empty list", ErrorList{}, "no errors"},
		{"one", ErrorList{at}, "a.json:3:7: bad"},
		{"several, one per line", ErrorList{at, noPos}, "a.json:3:7: bad\na.json: worse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorListSort(t *testing.T) {
	l := ErrorList{
		{File: "b.json", Pos: Pos{Line: 1, Col: 1, Offset: 0}, Msg: "b"},
		{File: "a.json", Pos: Pos{Line: 2, Col: 1, Offset: 9}, Msg: "a2"},
		{File: "a.json", Pos: Pos{Line: 1, Col: 5, Offset: 4}, Msg: "a1"},
		{File: "a.json", Pos: Pos{Line: 1, Col: 5, Offset: 4}, Msg: "a1 second"},
	}
	l.sort()
	var got []string
	for _, e := range l {
		got = append(got, e.Msg)
	}
	if want := []string{"a1", "a1 second", "a2", "b"}; !slices.Equal(got, want) {
		t.Errorf("sorted = %q, want %q", got, want)
	}
}

func FuzzCatalogParse(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/*.json", "testdata/invalid/*.json"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.json"
		c, err := Parse(name, data, nil)
		if err == nil {
			if c == nil {
				t.Fatal("Parse returned neither a catalog nor an error")
			}
			if len(c.Products) == 0 {
				t.Fatal("Parse accepted a catalog without products")
			}
			return
		}
		if c != nil {
			t.Fatal("Parse returned a catalog and an error")
		}
		list, ok := err.(ErrorList)
		if !ok {
			t.Fatalf("error is %T, want ErrorList: %v", err, err)
		}
		if len(list) == 0 {
			t.Fatal("empty ErrorList")
		}
		for i, e := range list {
			if e == nil {
				t.Fatalf("error %d is nil", i)
			}
			if e.File != name {
				t.Fatalf("error %d: file %q, want %q", i, e.File, name)
			}
			if e.Msg == "" {
				t.Fatalf("error %d has no message", i)
			}
			if e.Pos.IsValid() && (e.Pos.Col < 1 || e.Pos.Offset < 0 || e.Pos.Offset > len(data)) {
				t.Fatalf("error %d at an impossible position %d:%d (byte %d of %d): %s", i, e.Pos.Line, e.Pos.Col, e.Pos.Offset, len(data), e.Msg)
			}
		}
		_ = err.Error()
	})
}
