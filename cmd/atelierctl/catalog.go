package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/render"
)

// loadCatalog reads the catalog at path, or the embedded demo when path is empty.
func loadCatalog(path string) (*catalog.Catalog, error) {
	if path == "" {
		return assets.DemoCatalog()
	}
	return catalog.Load(path)
}

// LintCmd checks a catalog.
type LintCmd struct {
	Path string `arg:"" help:"Catalog file (.json), folder or .zip." type:"path"`
	Work int    `help:"Units of solver work the rules' analysis may spend per product (0: the engine's default; see docs/configuration-engine.md)."`
}

// Run prints every error as file:line:col: message, or a one-line summary.
func (c *LintCmd) Run(env *Env) error {
	cat, err := catalog.Load(c.Path)
	if err != nil {
		var list catalog.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintln(env.Stderr, e)
			}
			fmt.Fprintf(env.Stderr, "%s: %d %s\n", c.Path, len(list), plural(len(list), "error", "errors"))
			return exitError{1}
		}
		return err
	}
	// The rules as a whole: errors fail the lint, warnings are shown.
	findings, _, err := analyze(cat, c.Work)
	if err != nil {
		return err
	}
	errs, warns := 0, 0
	for _, f := range findings {
		fmt.Fprintf(env.Stderr, "%s:%d:%d: %s: %s\n", cat.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Message)
		if f.Severity == rules.Error {
			errs++
		} else {
			warns++
		}
	}
	if errs > 0 {
		fmt.Fprintf(env.Stderr, "%s: %d %s\n", c.Path, errs, plural(errs, "error", "errors"))
		return exitError{1}
	}
	line := summary(cat)
	if warns > 0 {
		line += fmt.Sprintf(", %d %s", warns, plural(warns, "warning", "warnings"))
	}
	fmt.Fprintln(env.Stdout, line)
	return nil
}

// compile is rules.Compile; a test counts the compilations through it.
var compile = rules.Compile

// analyze runs the configuration engine's analysis on every product, each
// within work units of solver work (0: the engine's default); a product
// whose rules are too hard to check within it gets an error finding. It
// returns the compiled models too, by product id (none for a product whose
// rules do not compile), for the caller to use rather than compile again.
func analyze(cat *catalog.Catalog, work int) ([]rules.Finding, map[string]*rules.Model, error) {
	var out []rules.Finding
	models := map[string]*rules.Model{}
	for _, p := range cat.Products {
		m, err := compile(p)
		if err != nil {
			out = append(out, rules.Finding{Severity: rules.Error, Product: p.ID, Pos: p.Pos, Message: err.Error()})
			continue
		}
		models[p.ID] = m
		out = append(out, rules.AnalyzeWithin(context.Background(), m, cat.DefaultLanguage(), work)...)
		out = append(out, overlaps(cat, p)...)
	}
	return out, models, nil
}

// maxOverlapWarnings and maxOverlapChecks bound the overlap check of one
// configuration: the pairs reported, and the pairs of parts whose bounding
// boxes meet that are examined (each a clipping of one part by the other's
// faces), so that lint stays quick at the 2,000 parts a product may draw
// however they are placed.
const (
	maxOverlapWarnings = 50
	maxOverlapChecks   = 20000
)

// overlaps warns about parts that interpenetrate in the product's default
// configuration or a preset: the preview orders whole parts, so where they
// cross, one may show through the other.
func overlaps(cat *catalog.Catalog, p *catalog.Product) []rules.Finding {
	type start struct {
		name string
		dec  map[string]catalog.Value
	}
	starts := []start{{"the default configuration", nil}}
	for _, pr := range p.Presets {
		starts = append(starts, start{fmt.Sprintf("preset %q", pr.ID), pr.Values})
	}
	var out []rules.Finding
	seen := map[[2]string]bool{}
	for _, st := range starts {
		scene, err := render.Build(cat, p.Resolve(st.dec))
		if err != nil {
			continue // geometry errors are reported by the catalog checks
		}
		found, complete := render.OverlapsWithin(scene, maxOverlapWarnings, maxOverlapChecks)
		if !complete {
			out = append(out, rules.Finding{Severity: rules.Warning, Product: p.ID, Pos: p.Pos,
				Message: fmt.Sprintf("the check for interpenetrating parts of product %q stopped in %s after %d %s (at most %d pairs of parts whose boxes meet are examined, %d reported); other parts may interpenetrate too",
					p.ID, st.name, len(found), plural(len(found), "finding", "findings"), maxOverlapChecks, maxOverlapWarnings)})
		}
		for _, o := range found {
			if seen[[2]string{o.A, o.B}] {
				continue
			}
			seen[[2]string{o.A, o.B}] = true
			pos := p.Pos
			for _, part := range p.Parts {
				if part.ID == o.A {
					pos = part.Pos
				}
			}
			out = append(out, rules.Finding{Severity: rules.Warning, Product: p.ID, Pos: pos,
				Message: fmt.Sprintf("parts %q and %q of product %q interpenetrate by %.0f mm in %s; the preview may show one through the other (model parts that touch)", o.A, o.B, p.ID, o.Depth, st.name)})
		}
	}
	return out
}

// AnalyzeCmd prints the analysis of each product's rules.
type AnalyzeCmd struct {
	Path string `arg:"" optional:"" help:"Catalog file, folder or .zip (default: the embedded demo catalog)." type:"path"`
	JSON bool   `name:"json" help:"Print the findings as JSON."`
	Work int    `help:"Units of solver work the analysis may spend per product (0: the engine's default; see docs/configuration-engine.md)."`
}

// Run prints the findings per product; exit 1 when there are errors.
func (c *AnalyzeCmd) Run(env *Env) error {
	cat, err := loadCatalog(c.Path)
	if err != nil {
		return err
	}
	findings, models, err := analyze(cat, c.Work)
	if err != nil {
		return err
	}
	errs := 0
	for _, f := range findings {
		if f.Severity == rules.Error {
			errs++
		}
	}
	if c.JSON {
		type findingJSON struct {
			Severity string `json:"severity"`
			Product  string `json:"product"`
			Feature  string `json:"feature,omitempty"`
			Option   string `json:"option,omitempty"`
			Rule     string `json:"rule,omitempty"`
			Line     int    `json:"line"`
			Col      int    `json:"col"`
			Message  string `json:"message"`
		}
		list := []findingJSON{}
		for _, f := range findings {
			list = append(list, findingJSON{string(f.Severity), f.Product, f.Feature, f.Option, f.Rule, f.Pos.Line, f.Pos.Col, f.Message})
		}
		if err := writeJSON(env.Stdout, list); err != nil {
			return err
		}
	} else {
		for _, p := range cat.Products {
			count := "?"
			if m := models[p.ID]; m != nil {
				if n, err := m.NewSession().CountWithin(nil, countLimit); err == nil {
					count = n.String()
				} else {
					count = "too many to count"
				}
			}
			fmt.Fprintf(env.Stdout, "%s: %s valid configurations\n", p.ID, count)
			any := false
			for _, f := range findings {
				if f.Product == p.ID {
					fmt.Fprintf(env.Stdout, "  %s:%d:%d: %s: %s\n", cat.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Message)
					any = true
				}
			}
			if !any {
				fmt.Fprintln(env.Stdout, "  no findings")
			}
		}
	}
	if errs > 0 {
		return exitError{1}
	}
	return nil
}

func summary(cat *catalog.Catalog) string {
	features, rules, parts := 0, 0, 0
	for _, p := range cat.Products {
		features += len(p.Features)
		rules += len(p.Rules)
		parts += len(p.Parts)
	}
	return fmt.Sprintf("%s: ok: catalog %s %s, %d %s, %d features, %d rules, %d materials, %d geometry parts",
		cat.File, cat.ID, cat.Version, len(cat.Products), plural(len(cat.Products), "product", "products"),
		features, rules, len(cat.Materials), parts)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ShowCmd prints a catalog.
type ShowCmd struct {
	Path string `arg:"" optional:"" help:"Catalog file, folder or .zip (default: the embedded demo catalog)." type:"path"`
	JSON bool   `name:"json" help:"Print the normalized catalog as JSON."`
	Lang string `help:"Language of the texts in the plain listing." default:"en"`
}

// Run prints the catalog as normalized JSON or as a readable listing.
func (c *ShowCmd) Run(env *Env) error {
	cat, err := loadCatalog(c.Path)
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(cat.Normalized())
	}
	def := cat.DefaultLanguage()
	fmt.Fprintf(env.Stdout, "%s — %s %s (%s)\n", cat.Name.In(c.Lang, def), cat.ID, cat.Version, cat.Manufacturer.Name)
	until := "open-ended"
	if !cat.ValidUntil.IsZero() {
		until = cat.ValidUntil.Format(time.DateOnly)
	}
	fmt.Fprintf(env.Stdout, "valid %s to %s, prices in %s, dimensions in %s\n", cat.ValidFrom.Format(time.DateOnly), until, cat.Currency, cat.Units)
	for _, p := range cat.Products {
		fmt.Fprintf(env.Stdout, "\n%s  %s  (%s, from %s %s)\n", p.ID, p.Name.In(c.Lang, def), p.SKU, p.BasePrice.StringFixed(2), cat.Currency)
		for _, f := range p.Features {
			fmt.Fprintf(env.Stdout, "  %-14s %-7s %s", f.ID, f.Kind, f.Name.In(c.Lang, def))
			switch f.Kind {
			case catalog.Number:
				fmt.Fprintf(env.Stdout, " [%s–%s %s, step %s]", f.Min, f.Max, f.Unit, f.Step)
			case catalog.Textual:
				fmt.Fprintf(env.Stdout, " [up to %d characters]", f.MaxLength)
			}
			fmt.Fprintln(env.Stdout)
			for _, o := range f.Options {
				fmt.Fprintf(env.Stdout, "      %-14s %s (%s)\n", o.ID, o.Name.In(c.Lang, def), o.Price.StringFixed(2))
			}
		}
		fmt.Fprintf(env.Stdout, "  %d rules, %d presets, %d price rules, %d parts, %d BOM lines\n",
			len(p.Rules), len(p.Presets), len(p.Pricing), len(p.Parts), len(p.BOM))
	}
	return nil
}
