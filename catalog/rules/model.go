// Package rules is Atelier's configuration engine. It compiles a product's
// rules once into a finite-domain constraint model and answers the questions
// of every click: which options are still possible (complete and
// backtrack-free domains), why an option is not (a minimal set of the user's
// decisions and the rules' own words), what to change to get it anyway (the
// smallest repairs), how to complete a configuration, and how many valid
// configurations remain.
//
// The model: every choice feature is a variable over its options, every
// number feature a variable over its step grid, every option of a multi
// feature a yes/no variable (with the feature's min/max count as a
// constraint). Text features are not searched: their current text is a fixed
// input to the rules that read them. Each rule becomes a constraint over the
// variables it reads. A table rule keeps the rows the catalog lists, however
// wide (table.go). Another rule, where the product of its domain sizes is
// small, is compiled into a table of allowed tuples (checked by tabular
// reduction), else split into its conditions or checked by forward checking.
//
// Answers come from a backtracking search that maintains arc consistency;
// solutions it finds are kept and reused, so a value is searched for only when
// no known solution supports it. See docs/configuration-engine.md.
package rules

import (
	"fmt"
	"math/big"
	"slices"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/expr"
)

// tableLimit is the largest number of tuples (the product of the domain
// sizes of a rule's variables) for which a rule is compiled into a table.
// (A variable so that tests can force the other paths.)
var tableLimit int64 = 1 << 17

// compileTuples bounds the tuples Compile evaluates to tabulate all of a
// product's rules together, so that compiling never takes minutes however
// many wide rules a catalog has: past it, rules stay untabulated and are
// checked on each solution instead (slower questions, which their own
// budget bounds, rather than a slow start). (A variable for tests.)
var compileTuples int64 = 1 << 23

// maxGrid bounds how many grid values a number feature may have in the
// model; wider ranges are rejected by Compile with a clear message.
const maxGrid = 20000

// varKind says what a variable stands for.
type varKind uint8

const (
	choiceVar varKind = iota
	numberVar
	optionVar // one option of a multi feature: 0 = not chosen, 1 = chosen
	auxVar    // the truth of one condition of a rule too wide to tabulate whole
)

// variable is one unknown of the model.
type variable struct {
	kind    varKind
	feature *catalog.Feature
	option  *catalog.Option // optionVar
	size    int             // domain size
	values  []expr.Value    // choiceVar and numberVar: the value of each index
	nums    []decimal.Decimal
}

// constraint is one rule (or a multi feature's count) over some variables.
type constraint struct {
	rule  *catalog.Rule    // nil for a count constraint
	multi *catalog.Feature // the feature of a count constraint
	scope []int            // variable indices
	// table: allowed tuples, len(scope) values each; nil when the rule is
	// checked by forward checking instead.
	table []int32
	// check evaluates the constraint on a full tuple of its scope, with the
	// current texts of the text features.
	check func(tuple []int32, texts map[string]string) bool
	// readsText: the rule reads a text feature, so it is never tabulated.
	readsText bool
	// aux: the constraint defines an auxiliary variable (a condition of the
	// rule); it restricts nothing by itself.
	aux bool
	// allowed holds the table as a bitset over tuple indices (mixed radix
	// with radix), for constant-time checks of a full tuple.
	allowed bitset
	radix   []int
	// tab: a table rule's rows (see table.go); with c.table and c.allowed
	// too when the table is small enough to expand.
	tab *rowTable
}

// holdsTuple checks a tuple of the scope's values (texts as given).
func (c *constraint) holdsTuple(t []int32, texts map[string]string) bool {
	if c.allowed != nil {
		idx := 0
		for i, x := range t {
			idx += int(x) * c.radix[i]
		}
		return c.allowed.has(int32(idx))
	}
	if c.tab != nil {
		return c.tab.holds(t)
	}
	return c.check(t, texts)
}

// holds checks a full assignment against the constraint (texts as given).
func (c *constraint) holds(sol []int32, texts map[string]string) bool {
	if c.allowed != nil {
		idx := 0
		for i, v := range c.scope {
			idx += int(sol[v]) * c.radix[i]
		}
		return c.allowed.has(int32(idx))
	}
	t := make([]int32, len(c.scope))
	for i, v := range c.scope {
		t[i] = sol[v]
	}
	if c.tab != nil {
		return c.tab.holds(t)
	}
	return c.check(t, texts)
}

// Model is a product's rules compiled for configuration questions. It is
// safe for concurrent use: every question works on its own copy of the state.
type Model struct {
	Product *catalog.Product
	vars    []variable
	cons    []constraint
	// byFeature maps a feature id to its variables (one, or one per option of a multi).
	byFeature map[string][]int
	// watch lists, per variable, the constraints whose scope holds it.
	watch [][]int
	// nbr lists, per variable, the other variables it shares a constraint
	// with.
	nbr [][]int
	// texts are the text features (not searched), in product order.
	texts []*catalog.Feature
	// sat is the propositional form of the model (see sat.go); satGuarded
	// the same with a switch per constraint, built on first use.
	sat        *satBase
	satGuarded *satBase
	guardOnce  *sync.Once
	// tabulated counts the tuples evaluated by tabulate (see compileTuples).
	tabulated int64
	// elim is the counting's branching order (see elimRank).
	elim     []int
	elimOnce *sync.Once
	// shared is what sessions learn that holds for all of them (shared.go).
	shared *shared
	// readsTexts: some constraint reads a text feature.
	readsTexts bool
}

// guardedSAT returns the encoding with activation literals.
func (m *Model) guardedSAT() *satBase {
	m.guardOnce.Do(func() { m.satGuarded = m.buildSAT(true) })
	return m.satGuarded
}

// Compile builds the model of a product. It fails only on a product whose
// number features are too fine-grained to search.
func Compile(p *catalog.Product) (*Model, error) {
	m := &Model{Product: p, byFeature: map[string][]int{}, guardOnce: new(sync.Once), elimOnce: new(sync.Once), shared: &shared{}}
	for _, f := range p.Features {
		switch f.Kind {
		case catalog.Choice:
			v := variable{kind: choiceVar, feature: f, size: len(f.Options)}
			for _, o := range f.Options {
				v.values = append(v.values, expr.StringValue(o.ID))
			}
			m.byFeature[f.ID] = []int{len(m.vars)}
			m.vars = append(m.vars, v)
		case catalog.Number:
			n := f.Max.Sub(f.Min).Div(f.Step).IntPart() + 1
			if n > maxGrid {
				return nil, fmt.Errorf("product %s: feature %s has %d steps; the configuration engine handles at most %d", p.ID, f.ID, n, maxGrid)
			}
			v := variable{kind: numberVar, feature: f, size: int(n)}
			for i := int64(0); i < n; i++ {
				d := f.Min.Add(f.Step.Mul(decimal.NewFromInt(i)))
				v.nums = append(v.nums, d)
				v.values = append(v.values, expr.NumberValue(d))
			}
			m.byFeature[f.ID] = []int{len(m.vars)}
			m.vars = append(m.vars, v)
		case catalog.Multi:
			var ids []int
			for _, o := range f.Options {
				ids = append(ids, len(m.vars))
				m.vars = append(m.vars, variable{kind: optionVar, feature: f, option: o, size: 2})
			}
			m.byFeature[f.ID] = ids
		case catalog.Textual:
			m.texts = append(m.texts, f)
		}
	}
	for _, f := range p.Features {
		if f.Kind == catalog.Multi && (f.MinSelected > 0 || f.MaxSelected < len(f.Options)) {
			m.addCount(f)
		}
	}
	for _, r := range p.Rules {
		m.addRule(r)
	}
	m.watch = make([][]int, len(m.vars))
	for ci, c := range m.cons {
		m.readsTexts = m.readsTexts || c.readsText
		for _, v := range c.scope {
			m.watch[v] = append(m.watch[v], ci)
		}
	}
	m.nbr = make([][]int, len(m.vars))
	for v := range m.vars {
		seen := map[int]bool{v: true}
		for _, ci := range m.watch[v] {
			for _, w := range m.cons[ci].scope {
				if !seen[w] {
					seen[w] = true
					m.nbr[v] = append(m.nbr[v], w)
				}
			}
		}
		slices.Sort(m.nbr[v])
	}
	m.compileSAT()
	return m, nil
}

func (m *Model) addCount(f *catalog.Feature) {
	scope := slices.Clone(m.byFeature[f.ID])
	lo, hi := f.MinSelected, f.MaxSelected
	c := constraint{multi: f, scope: scope, check: func(t []int32, _ map[string]string) bool {
		n := 0
		for _, x := range t {
			n += int(x)
		}
		return n >= lo && n <= hi
	}}
	m.tabulate(&c)
	m.cons = append(m.cons, c)
}

// addRule compiles a rule into a constraint over the variables it reads.
func (m *Model) addRule(r *catalog.Rule) {
	c := constraint{rule: r}
	switch r.Kind {
	case catalog.Table:
		for _, fid := range r.Features {
			c.scope = append(c.scope, m.byFeature[fid][0])
		}
		tab := m.newRowTable(r, c.scope)
		c.tab = tab
		c.check = func(t []int32, _ map[string]string) bool { return tab.holds(t) }
		m.expand(&c)
		m.cons = append(m.cons, c)
		return
	default:
		var nodes []expr.Node
		for _, e := range []*catalog.Expr{r.When, r.Then, r.Expr} {
			if e != nil {
				nodes = append(nodes, e.Root)
			}
		}
		c.scope, c.readsText = m.scopeOf(nodes...)
		if !c.readsText && m.tuples(c.scope) > tableLimit {
			m.addDecomposed(r)
			return
		}
		c.check = m.predicate(r, c.scope)
	}
	m.tabulate(&c)
	m.cons = append(m.cons, c)
}

// tuples is the product of the domain sizes of scope, capped above tableLimit.
func (m *Model) tuples(scope []int) int64 {
	n := int64(1)
	for _, v := range scope {
		n *= int64(m.vars[v].size)
		if n > tableLimit {
			return tableLimit + 1
		}
	}
	return n
}

// formula is a rule's boolean structure over its conditions ("atoms").
type formula struct {
	op   string // "and", "or", "not", "atom"
	kids []*formula
	aux  int // atom: its auxiliary variable
}

func (f *formula) eval(val func(aux int) bool) bool {
	switch f.op {
	case "and":
		return f.kids[0].eval(val) && f.kids[1].eval(val)
	case "or":
		return f.kids[0].eval(val) || f.kids[1].eval(val)
	case "not":
		return !f.kids[0].eval(val)
	}
	return val(f.aux)
}

// addDecomposed compiles a rule whose variables together are too many to
// tabulate: each of its conditions (a comparison, a `has`, ...) gets a
// yes/no auxiliary variable tied to the condition's own, smaller scope, and
// the rule becomes a small table over those. Width × height conditions, for
// example, become one 48,000-row table instead of a rule over every feature.
func (m *Model) addDecomposed(r *catalog.Rule) {
	var atoms []int
	var split func(n expr.Node) *formula
	split = func(n expr.Node) *formula {
		switch n := n.(type) {
		case *expr.Binary:
			if n.Op == "and" || n.Op == "or" {
				return &formula{op: string(n.Op), kids: []*formula{split(n.X), split(n.Y)}}
			}
		case *expr.Unary:
			if n.Op == "not" {
				return &formula{op: "not", kids: []*formula{split(n.X)}}
			}
		}
		a := len(m.vars)
		m.vars = append(m.vars, variable{kind: auxVar, size: 2})
		atoms = append(atoms, a)
		scope, readsText := m.scopeOf(n)
		env := m.envFor(scope)
		node := n
		def := constraint{rule: r, aux: true, scope: append(slices.Clone(scope), a), readsText: readsText}
		k := len(scope)
		def.check = func(t []int32, texts map[string]string) bool {
			ok, err := expr.EvalBool(node, env(t[:k], texts))
			return (err == nil && ok) == (t[k] == 1)
		}
		m.tabulate(&def)
		m.cons = append(m.cons, def)
		return &formula{op: "atom", aux: a}
	}
	var f *formula
	switch r.Kind {
	case catalog.Requires: // not when, or then
		f = &formula{op: "or", kids: []*formula{{op: "not", kids: []*formula{split(r.When.Root)}}, split(r.Then.Root)}}
	case catalog.Excludes: // not (when and then)
		f = &formula{op: "not", kids: []*formula{{op: "and", kids: []*formula{split(r.When.Root), split(r.Then.Root)}}}}
	default:
		f = split(r.Expr.Root)
	}
	pos := map[int]int{}
	for i, a := range atoms {
		pos[a] = i
	}
	top := constraint{rule: r, scope: atoms}
	top.check = func(t []int32, _ map[string]string) bool {
		return f.eval(func(a int) bool { return t[pos[a]] == 1 })
	}
	m.tabulate(&top)
	m.cons = append(m.cons, top)
}

// predicate evaluates a requires, excludes or constraint rule on a tuple.
func (m *Model) predicate(r *catalog.Rule, scope []int) func([]int32, map[string]string) bool {
	env := m.envFor(scope)
	return func(t []int32, texts map[string]string) bool {
		e := env(t, texts)
		switch r.Kind {
		case catalog.Requires, catalog.Excludes:
			w, err := expr.EvalBool(r.When.Root, e)
			if err != nil {
				return false // an expression that cannot be evaluated (division by zero) never holds
			}
			if !w {
				return true
			}
			th, err := expr.EvalBool(r.Then.Root, e)
			if err != nil {
				return false
			}
			return th == (r.Kind == catalog.Requires)
		default:
			ok, err := expr.EvalBool(r.Expr.Root, e)
			return err == nil && ok
		}
	}
}

// envFor returns a function giving expressions the values of a tuple over
// scope, and the current texts of text features.
func (m *Model) envFor(scope []int) func([]int32, map[string]string) expr.Env {
	pos := map[int]int{}
	for i, v := range scope {
		pos[v] = i
	}
	return func(t []int32, texts map[string]string) expr.Env {
		return func(name string) (expr.Value, bool) {
			ids, ok := m.byFeature[name]
			if !ok {
				if s, ok := texts[name]; ok {
					return expr.StringValue(s), true
				}
				return m.textValue(name)
			}
			first := m.vars[ids[0]]
			if first.kind != optionVar {
				i, ok := pos[ids[0]]
				if !ok {
					return expr.Value{}, false
				}
				return first.values[t[i]], true
			}
			set := []string{}
			for _, id := range ids {
				if i, ok := pos[id]; ok && t[i] == 1 {
					set = append(set, m.vars[id].option.ID)
				}
			}
			return expr.SetValue(set), true
		}
	}
}

// textValue gives a text feature's default, for texts not given.
func (m *Model) textValue(name string) (expr.Value, bool) {
	f := m.Product.Feature(name)
	if f == nil || f.Kind != catalog.Textual {
		return expr.Value{}, false
	}
	return expr.StringValue(f.Default.Str), true
}

// scopeOf lists the variables expressions read, and whether they read a text
// feature. A multi feature read only through `f has "x"` contributes just the
// variables of the options named.
func (m *Model) scopeOf(nodes ...expr.Node) (scope []int, readsText bool) {
	var out []int
	add := func(v int) {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	visit := func(n expr.Node) bool {
		switch n := n.(type) {
		case *expr.Ident:
			if f := m.Product.Feature(n.Name); f != nil && f.Kind == catalog.Textual {
				readsText = true
			}
			for _, v := range m.byFeature[n.Name] {
				add(v)
			}
		case *expr.Binary:
			if id, ok := n.X.(*expr.Ident); ok && n.Op == "has" {
				if lit, ok := n.Y.(*expr.Str); ok {
					for _, v := range m.byFeature[id.Name] {
						if m.vars[v].option != nil && m.vars[v].option.ID == lit.Val {
							add(v)
						}
					}
					return false
				}
			}
		}
		return true
	}
	for _, n := range nodes {
		expr.Inspect(n, visit)
	}
	slices.Sort(out)
	return out, readsText
}

// tabulate compiles a constraint into its table of allowed tuples when the
// scope is small enough.
func (m *Model) tabulate(c *constraint) {
	if c.readsText {
		return
	}
	total := big.NewInt(1)
	for _, v := range c.scope {
		total.Mul(total, big.NewInt(int64(m.vars[v].size)))
	}
	if !total.IsInt64() || total.Int64() > tableLimit || m.tabulated+total.Int64() > compileTuples {
		return
	}
	m.tabulated += total.Int64()
	k := len(c.scope)
	t := make([]int32, k)
	c.table = []int32{}
	c.radix = make([]int, k)
	r := 1
	for i := k - 1; i >= 0; i-- {
		c.radix[i] = r
		r *= m.vars[c.scope[i]].size
	}
	c.allowed = make(bitset, (r+63)/64)
	idx := int32(0)
	for {
		if c.check(t, nil) {
			c.table = append(c.table, t...)
			c.allowed.set(idx)
		}
		idx++
		if !m.nextTuple(t, c.scope) {
			break
		}
	}
}

// nextTuple advances t to the next tuple over scope's domains, in the order
// of an odometer (last variable fastest); false after the last one.
func (m *Model) nextTuple(t []int32, scope []int) bool {
	for i := len(t) - 1; i >= 0; i-- {
		t[i]++
		if int(t[i]) < m.vars[scope[i]].size {
			return true
		}
		t[i] = 0
	}
	return false
}
