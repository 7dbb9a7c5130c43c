package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
)

// countLimit bounds the time spent counting valid configurations.
const countLimit = 10 * time.Second

// ConfigureCmd shows what remains possible after some decisions.
type ConfigureCmd struct {
	Catalog  string   `help:"Catalog file, folder or .zip (default: the embedded demo)." type:"path"`
	Product  string   `required:"" help:"Product id."`
	Set      []string `sep:"none" help:"A decision FEATURE=VALUE, in order (repeatable; multi features take a comma-separated list, empty for none; numbers in the feature's unit)." placeholder:"FEATURE=VALUE"`
	JSON     bool     `name:"json" help:"Print one JSON object."`
	Cheapest bool     `help:"Also find the cheapest valid completion (a local search; see docs/configuration-engine.md)."`
	Lang     string   `default:"en" help:"Language of names and reasons."`
}

// The JSON output. Keys are only ever added.
type configureJSON struct {
	Product   string         `json:"product"`
	Valid     bool           `json:"valid"`
	Complete  bool           `json:"complete"`
	Remaining *string        `json:"remaining"`
	Features  []featureJSON  `json:"features"`
	Price     *priceJSON     `json:"price"`
	Completed map[string]any `json:"completion,omitempty"`
	Cheapest  *cheapestJSON  `json:"cheapest,omitempty"`
	Conflict  *conflictJSON  `json:"conflict,omitempty"`
	Repairs   []repairJSON   `json:"repairs,omitempty"`
	// RepairSearch, with a conflict: "found" (repairs are listed),
	// "impossible" (no valid configuration has the value, whatever the
	// earlier decisions) or "cut short" (the engine ran out of its budget:
	// nothing is known either way).
	RepairSearch string `json:"repair_search,omitempty"`
}

type cheapestJSON struct {
	Values map[string]any `json:"values"`
	Total  string         `json:"total"`
}

type featureJSON struct {
	ID      string       `json:"id"`
	Kind    string       `json:"kind"`
	Value   any          `json:"value"`
	Options []optionJSON `json:"options,omitempty"`
	Allowed [][2]any     `json:"allowed,omitempty"`
}

type optionJSON struct {
	ID        string `json:"id"`
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	// BlockedBy, for an unavailable option: the decisions (texts
	// included) that block it, a minimal set; an empty list only when no
	// configuration of the product has it. Absent for an available one.
	BlockedBy *[]string `json:"blocked_by,omitempty"`
}

type priceJSON struct {
	Currency string          `json:"currency"`
	Total    string          `json:"total"`
	Lines    []priceLineJSON `json:"lines"`
}

type priceLineJSON struct {
	Source string `json:"source"`
	Label  string `json:"label"`
	Amount string `json:"amount"`
}

type conflictJSON struct {
	Set       string   `json:"set"`
	Reason    string   `json:"reason"`
	BlockedBy []string `json:"blocked_by"`
}

type repairJSON struct {
	Drop       []string          `json:"drop"`
	PriceDelta string            `json:"price_change"`
	Changes    []changeJSON      `json:"changes"`
	Result     map[string]string `json:"decisions"`
	// Kind: "smallest" (no repair sets fewer decisions aside: it keeps as
	// many as possible), "larger" (one more, none needlessly) or "maximal"
	// (none set aside could be kept on its own, but the search ran out of
	// checks before proving that fewer would not do).
	Kind string `json:"kind"`
	// Kept are the earlier decisions the repair keeps, as feature=value.
	Kept []string `json:"kept"`
}

type changeJSON struct {
	Feature string `json:"feature"`
	From    any    `json:"from"`
	To      any    `json:"to"`
	// Kind: "chosen" (the decision asked for), "set aside" (an earlier
	// decision, now decided with its new value) or "follows" (an open
	// feature whose value changes with the repair).
	Kind string `json:"kind"`
}

// jsonValue gives a value the JSON form of the contract: option ids as
// strings, multi selections as lists, numbers as numbers (exact).
func jsonValue(v catalog.Value) any {
	switch v.Kind {
	case catalog.Number:
		return json.Number(v.Num.String())
	case catalog.Multi:
		if v.Set == nil {
			return []string{}
		}
		return v.Set
	}
	return v.Str
}

func decisionList(d rules.Decisions, p *catalog.Product) []string {
	var out []string
	for _, f := range p.Features {
		if v, ok := d[f.ID]; ok {
			out = append(out, f.ID+"="+v.String())
		}
	}
	return out
}

// Run applies the decisions in order; a decision that contradicts the
// earlier ones is reported with the smallest repairs (exit 1).
func (c *ConfigureCmd) Run(env *Env) error {
	cat, err := loadCatalog(c.Catalog)
	if err != nil {
		return err
	}
	p := cat.Product(c.Product)
	if p == nil {
		_, err := configure(cat, c.Product, nil) // for the message listing the products
		return err
	}
	model, err := rules.Compile(p)
	if err != nil {
		return err
	}
	s := model.NewSession()
	def := cat.DefaultLanguage()
	dec := rules.Decisions{}
	for _, set := range c.Set {
		one, err := configure(cat, p.ID, []string{set})
		if err != nil {
			return err // an unknown feature or value: exit 2
		}
		var fid string
		for k := range one.Decided {
			fid = k
		}
		v := one.Values[fid]
		next := dec.Clone()
		next[fid] = v
		if ok, err := s.Consistent(next); err != nil {
			return err
		} else if ok {
			dec = next
			continue
		}
		return c.conflict(env, cat, p, s, dec, fid, v, set)
	}
	out, err := c.describe(cat, p, s, dec)
	if err != nil {
		return err
	}
	if c.JSON {
		return writeJSON(env.Stdout, out)
	}
	c.printPlain(env.Stdout, p, def, out)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// describe answers every question about the decisions.
func (c *ConfigureCmd) describe(cat *catalog.Catalog, p *catalog.Product, s *rules.Session, dec rules.Decisions) (*configureJSON, error) {
	def := cat.DefaultLanguage()
	doms, err := s.Domains(dec)
	if err != nil {
		return nil, err
	}
	out := &configureJSON{Product: p.ID, Valid: doms.Consistent, Complete: true}
	// Counting is exact; a product too large to count within the budget
	// reports null.
	if n, err := s.CountWithin(dec, countLimit); err == nil {
		str := n.String()
		out.Remaining = &str
	} else if !errors.Is(err, rules.ErrCountTooHard) {
		return nil, err
	}
	for _, f := range p.Features {
		fj := featureJSON{ID: f.ID, Kind: string(f.Kind)}
		if v, ok := dec[f.ID]; ok {
			fj.Value = jsonValue(v)
		} else if f.Kind != catalog.Textual {
			out.Complete = false
		}
		fd := doms.Feature(f.ID)
		switch f.Kind {
		case catalog.Choice, catalog.Multi:
			fj.Options = []optionJSON{}
			for i, o := range f.Options {
				oj := optionJSON{ID: o.ID, Available: fd.Available[i]}
				if !oj.Available {
					v := catalog.Value{Kind: catalog.Choice, Str: o.ID}
					if f.Kind == catalog.Multi {
						v = catalog.Value{Kind: catalog.Multi, Set: []string{o.ID}}
					}
					e, err := s.Explain(dec, f.ID, v)
					if err != nil {
						return nil, err
					}
					blocked := []string{}
					if e != nil {
						oj.Reason = e.Message(c.Lang, def)
						if b := decisionList(e.BlockedBy, p); b != nil {
							blocked = b
						}
					}
					oj.BlockedBy = &blocked
				}
				fj.Options = append(fj.Options, oj)
			}
		case catalog.Number:
			fj.Allowed = [][2]any{}
			for _, r := range fd.Allowed {
				fj.Allowed = append(fj.Allowed, [2]any{json.Number(r.Min.String()), json.Number(r.Max.String())})
			}
		}
		out.Features = append(out.Features, fj)
	}
	values := p.Resolve(dec).Values
	if done, err := s.Complete(dec); err != nil {
		return nil, err
	} else if done != nil {
		values = done
		out.Completed = map[string]any{}
		for k, v := range done {
			out.Completed[k] = jsonValue(v)
		}
	}
	price, err := cat.ListPrice(&catalog.Config{Product: p, Values: values}, 1, c.Lang)
	if err != nil {
		return nil, err
	}
	if c.Cheapest && out.Completed != nil {
		priceOf := func(vals map[string]catalog.Value) decimal.Decimal {
			pr, err := cat.ListPrice(&catalog.Config{Product: p, Values: vals}, 1, c.Lang)
			if err != nil {
				return decimal.New(1, 15) // unpriceable: never the cheapest
			}
			return pr.Total
		}
		cheap, err := s.CompleteCheapest(dec, priceOf)
		if err != nil {
			return nil, err
		}
		if cheap != nil {
			out.Cheapest = &cheapestJSON{Values: map[string]any{}, Total: priceOf(cheap).StringFixed(2)}
			for k, v := range cheap {
				out.Cheapest.Values[k] = jsonValue(v)
			}
		}
	}
	out.Price = &priceJSON{Currency: price.Currency, Total: price.Total.StringFixed(2), Lines: []priceLineJSON{}}
	for _, l := range price.Lines {
		out.Price.Lines = append(out.Price.Lines, priceLineJSON{l.Source, l.Label, l.Amount.StringFixed(2)})
	}
	return out, nil
}

// conflict reports a decision that cannot be combined with the earlier ones,
// with the repairs that would make it fit, and fails with exit status 1.
func (c *ConfigureCmd) conflict(env *Env, cat *catalog.Catalog, p *catalog.Product, s *rules.Session, dec rules.Decisions, fid string, v catalog.Value, set string) error {
	def := cat.DefaultLanguage()
	cj := &conflictJSON{Set: set, BlockedBy: []string{}}
	e, err := s.ExplainDecision(dec, fid, v)
	if err != nil {
		return err
	}
	if e != nil {
		cj.Reason = e.Message(c.Lang, def)
		if b := decisionList(e.BlockedBy, p); b != nil {
			cj.BlockedBy = b
		}
	}
	zero := "0"
	out := &configureJSON{Product: p.ID, Conflict: cj, Features: []featureJSON{}, Remaining: &zero, RepairSearch: "found"}
	reps, err := s.DecisionRepairs(dec, fid, v, 5)
	var cut error
	if errors.Is(err, rules.ErrTooHard) {
		cut, err = err, nil
		out.RepairSearch = "cut short"
	}
	if err != nil {
		return err
	}
	// Fewest changes first, then the smallest change of price.
	priceOf := func(values map[string]catalog.Value) decimal.Decimal {
		pr, err := cat.ListPrice(&catalog.Config{Product: p, Values: values}, 1, c.Lang)
		if err != nil {
			return decimal.Zero
		}
		return pr.Total
	}
	if cut == nil {
		before := priceOf(p.Resolve(dec).Values)
		if done, err := s.Complete(dec); err == nil && done != nil {
			before = priceOf(done)
		}
		if err := s.PriceRepairs(reps, before, priceOf); err != nil {
			return err
		}
		if len(reps) == 0 {
			out.RepairSearch = "impossible"
		}
	}
	for _, r := range reps {
		rj := repairJSON{Drop: r.Drop, PriceDelta: r.PriceDelta.StringFixed(2), Result: map[string]string{}, Kind: r.Kind.String(), Kept: []string{}}
		if rj.Drop == nil {
			rj.Drop = []string{}
		}
		for k, x := range r.Decisions {
			rj.Result[k] = x.String()
		}
		for _, f := range p.Features {
			if x, ok := dec[f.ID]; ok && f.ID != fid && !slices.Contains(r.Drop, f.ID) {
				rj.Kept = append(rj.Kept, f.ID+"="+x.String())
			}
		}
		for _, ch := range r.Changes {
			kind := "chosen"
			switch {
			case ch.Dropped:
				kind = "set aside"
			case ch.Open:
				kind = "follows"
			}
			rj.Changes = append(rj.Changes, changeJSON{ch.Feature.ID, jsonValue(ch.From), jsonValue(ch.To), kind})
		}
		out.Repairs = append(out.Repairs, rj)
	}
	if c.JSON {
		if err := writeJSON(env.Stdout, out); err != nil {
			return err
		}
	}
	if out.RepairSearch == "impossible" {
		fmt.Fprintf(env.Stderr, "atelierctl: --set %s is not possible with this product", set)
	} else {
		fmt.Fprintf(env.Stderr, "atelierctl: --set %s conflicts with earlier decisions", set)
	}
	if len(cj.BlockedBy) > 0 {
		fmt.Fprintf(env.Stderr, " (%s)", strings.Join(cj.BlockedBy, ", "))
	}
	fmt.Fprintf(env.Stderr, ": %s\n", cj.Reason)
	printRepairs(env.Stderr, cat, p, c.Lang, dec, fid, v, reps, cut)
	return exitError{1}
}

// printRepairs says what would make a conflicting decision fit: the
// repairs, or that none can (no valid configuration has the value), or that
// the search was cut short (cut, a rules.ErrTooHard), which says nothing
// either way.
func printRepairs(w io.Writer, cat *catalog.Catalog, p *catalog.Product, lang string, dec rules.Decisions, fid string, v catalog.Value, reps []rules.Repair, cut error) {
	def := cat.DefaultLanguage()
	f := p.Feature(fid)
	if cut != nil {
		fmt.Fprintf(w, "The search for changes that make room for it was cut short, so nothing is known either way: %v\n", cut)
		return
	}
	if len(reps) == 0 {
		fmt.Fprintf(w, "No valid configuration of %s has %s %s, whatever the earlier decisions.\n",
			p.Name.In(lang, def), f.Name.In(lang, def), valueName(f, v, lang, def))
		return
	}
	others := 0
	for k := range dec {
		if k != fid {
			others++
		}
	}
	for i, r := range reps {
		change := ""
		if !r.PriceDelta.IsZero() {
			sign := "+"
			if r.PriceDelta.IsNegative() {
				sign = ""
			}
			change = fmt.Sprintf(" (price %s%s %s)", sign, r.PriceDelta.StringFixed(2), cat.Currency)
		}
		kind := ""
		switch r.Kind {
		case rules.RepairMaximal:
			kind = fmt.Sprintf(" [keeps %d of %d earlier decisions; none it sets aside could be kept alone, but fewer changes were not ruled out]", others-len(r.Drop), others)
		default:
			if len(r.Drop) > 3 {
				kind = fmt.Sprintf(" [keeps %d of %d earlier decisions]", others-len(r.Drop), others)
			}
		}
		fmt.Fprintf(w, "  repair %d: %s%s%s\n", i+1, describeRepair(r, lang, def), change, kind)
	}
}

// valueName is a value in words.
func valueName(f *catalog.Feature, v catalog.Value, lang, def string) string {
	return f.Words(v, lang, def)
}

func (c *ConfigureCmd) printPlain(w io.Writer, p *catalog.Product, def string, out *configureJSON) {
	state := "valid"
	if !out.Valid {
		state = "NOT valid"
	}
	complete := "incomplete"
	if out.Complete {
		complete = "complete"
	}
	remaining := "too many to count"
	if out.Remaining != nil {
		remaining = *out.Remaining
	}
	fmt.Fprintf(w, "%s: %s, %s, %s valid configurations remain; price %s %s\n",
		p.Name.In(c.Lang, def), state, complete, remaining, out.Price.Total, out.Price.Currency)
	if out.Cheapest != nil {
		var parts []string
		for _, f := range p.Features {
			if v, ok := out.Cheapest.Values[f.ID]; ok && f.Kind != catalog.Textual {
				parts = append(parts, fmt.Sprintf("%s=%v", f.ID, v))
			}
		}
		fmt.Fprintf(w, "cheapest completion: %s %s: %s\n", out.Cheapest.Total, out.Price.Currency, strings.Join(parts, " "))
	}
	for i, fj := range out.Features {
		f := p.Features[i]
		val := "open"
		if fj.Value != nil {
			val = fmt.Sprint(fj.Value)
		}
		fmt.Fprintf(w, "  %-14s %-7s %s\n", fj.ID, fj.Kind, val)
		for _, o := range fj.Options {
			mark := "  "
			if !o.Available {
				mark = "x "
			}
			line := fmt.Sprintf("      %s%s", mark, o.ID)
			if o.Reason != "" {
				line += "  — " + o.Reason
				if o.BlockedBy != nil && len(*o.BlockedBy) > 0 {
					line += " (" + strings.Join(*o.BlockedBy, ", ") + ")"
				}
			}
			fmt.Fprintln(w, line)
		}
		if f.Kind == catalog.Number {
			var rs []string
			for _, r := range fj.Allowed {
				rs = append(rs, fmt.Sprintf("%v–%v", r[0], r[1]))
			}
			fmt.Fprintf(w, "      allowed: %s %s\n", strings.Join(rs, ", "), f.Unit)
		}
	}
}

// describeRepair says a repair in words: "set Desktop to Glass and change
// Width from 1800 mm to 1600 mm".
func describeRepair(r rules.Repair, lang, def string) string {
	var set, changes, follows []string
	for _, ch := range r.Changes {
		name := ch.Feature.Name.In(lang, def)
		from, to := valueName(ch.Feature, ch.From, lang, def), valueName(ch.Feature, ch.To, lang, def)
		switch {
		case ch.Dropped:
			changes = append(changes, fmt.Sprintf("change %s from %s to %s", name, from, to))
		case ch.Open:
			follows = append(follows, fmt.Sprintf("%s from %s to %s", name, from, to))
		default:
			set = append(set, fmt.Sprintf("set %s to %s", name, to))
		}
	}
	s := strings.Join(append(set, changes...), " and ")
	if len(follows) > 0 {
		s += "; with it " + strings.Join(follows, ", ")
	}
	return s
}
