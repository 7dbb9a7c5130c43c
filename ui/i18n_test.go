package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/assets"
)

// formats are the keys used as format strings: Tf's, and T's passed to
// fmt.Sprintf or fmt.Errorf (filled in by keysInCode).
var formats = map[string]bool{}

// keysInCode are the texts the code translates: the literal arguments of
// T, Tf and TX, the words of plural, and the month names of formatDate.
func keysInCode(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	files = append(files, "../main.go") // the app's own messages (ui.T there)
	seen := map[string]bool{}
	for _, m := range []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"} {
		seen[m], seen[m[:3]] = true, true
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Sprintf" || sel.Sel.Name == "Errorf") && len(call.Args) > 0 {
				if inner, ok := call.Args[0].(*ast.CallExpr); ok {
					if id, ok := inner.Fun.(*ast.Ident); ok && id.Name == "T" {
						if b, ok := inner.Args[0].(*ast.BasicLit); ok {
							s, _ := strconv.Unquote(b.Value)
							formats[s] = true
						}
					}
				}
			}
			id, ok := call.Fun.(*ast.Ident)
			if sel, isSel := call.Fun.(*ast.SelectorExpr); isSel {
				if pkg, isPkg := sel.X.(*ast.Ident); isPkg && pkg.Name == "ui" {
					id, ok = sel.Sel, true
				}
			}
			if !ok {
				return true
			}
			if id.Name == "Tf" {
				if b, ok := call.Args[0].(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(b.Value)
					formats[s] = true
				}
			}
			var args []ast.Expr
			switch id.Name {
			case "T", "Tf", "TX":
				args = call.Args[:1]
			case "plural":
				args = call.Args[1:]
			case "formatDate":
				args = call.Args[1:]
			}
			for _, a := range args {
				if b, ok := a.(*ast.BasicLit); ok && b.Kind == token.STRING {
					s, _ := strconv.Unquote(b.Value)
					seen[s] = true
				}
			}
			return true
		})
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// verbs are a format's verbs; numbered ones (%[2]s) may come in any order.
var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?(\[[0-9]+\])?[a-zA-Z%]`)

// verbList is a format's verbs in order, or sorted when they are numbered
// (a translation then orders them as its grammar wants).
func verbList(s string) string {
	vs := verbs.FindAllString(s, -1)
	if strings.Contains(s, "%[") {
		slices.Sort(vs)
	}
	return strings.Join(vs, " ")
}

// Every text the code translates has a German translation with the same
// format verbs, in the same order; the file holds nothing the code no
// longer uses (but Fyne's own words).
func TestGermanTranslationsAreComplete(t *testing.T) {
	var de map[string]any
	if err := json.Unmarshal(assets.TranslationsDE, &de); err != nil {
		t.Fatal(err)
	}
	keys := keysInCode(t)
	for k := range contextual {
		if !slices.Contains(keys, k) {
			t.Errorf("the contextual key %q is not used", k)
		}
	}
	if out := os.Getenv("ATELIER_I18N_KEYS"); out != "" {
		b, _ := json.MarshalIndent(keys, "", "  ")
		os.WriteFile(out, b, 0o644)
	}
	var missing []string
	for _, k := range keys {
		v, ok := de[k]
		if !ok {
			missing = append(missing, k)
			continue
		}
		s, _ := v.(string)
		if !formats[k] {
			continue
		}
		if got, want := verbList(s), verbList(k); got != want {
			t.Errorf("%q: the German %q has the verbs %q, want %q", k, s, got, want)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d texts have no German translation:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	for k := range de {
		if !slices.Contains(keys, k) && !fyneWords[k] {
			t.Errorf("the German translations hold %q, which the code does not use", k)
		}
	}
}

// fyneWords are Fyne's own texts (its dialogs, menus, date picker).
var fyneWords = map[string]bool{}

func init() {
	for _, k := range []string{"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename", "Error", "Favourites", "File", "Folder",
		"New Folder", "No", "OK", "Open", "Paste", "Quit", "Redo", "Save", "Select all", "Show Hidden Files", "Undo", "Yes", "file.name", "file.parent",
		"friday", "friday.short", "monday", "monday.short", "saturday", "saturday.short", "sunday", "sunday.short", "thursday", "thursday.short",
		"tuesday", "tuesday.short", "wednesday", "wednesday.short"} {
		fyneWords[k] = true
	}
}
