package rules

import (
	"encoding/binary"

	"github.com/go-air/gini/z"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/expr"
)

// A table rule is kept as the rows the catalog lists (a compressed table:
// a "*" cell stands for every value of its column), never as the product of
// its columns' domains. Everything the engine does with it costs time in
// proportion to its rows, whatever its width: six features of eight
// options and two allowed rows is two rows, not 262,144 combinations.
//
// Small tables (see expandLimit) are also expanded into the explicit tuples
// and bitset that other small constraints use, which is what the solver and
// the propagation are fastest with when the combinations are few.

// anyCell is a row's cell that admits every value of its column.
const anyCell = -1

// expandLimit is the largest product of a table's domain sizes for which its
// rows are also expanded into explicit tuples. (A variable for tests.)
var expandLimit int64 = 1 << 12

// rowTable is a table rule's allowed rows over its constraint's scope.
type rowTable struct {
	k    int
	rows []int32 // k cells per row: a value index or anyCell
}

func (t *rowTable) n() int {
	if t.k == 0 {
		return 0
	}
	return len(t.rows) / t.k
}

func (t *rowTable) row(j int) []int32 { return t.rows[j*t.k : j*t.k+t.k] }

// holds reports whether a full tuple of the scope's values matches a row.
func (t *rowTable) holds(tuple []int32) bool {
	k := t.k
rows:
	for off := 0; off < len(t.rows); off += k {
		for i, c := range t.rows[off : off+k] {
			if c != anyCell && c != tuple[i] {
				continue rows
			}
		}
		return true
	}
	return false
}

// newRowTable turns a table rule's rows into value indices of the scope's
// variables. A row naming a value the variable does not have (a number off
// its grid) can never match and is left out, as are repeated rows.
func (m *Model) newRowTable(r *catalog.Rule, scope []int) *rowTable {
	k := len(scope)
	t := &rowTable{k: k}
	seen := map[string]bool{}
	cells := make([]int32, k)
	var key []byte
rows:
	for _, row := range r.Allow {
		key = key[:0]
		for i, cell := range row {
			x := int32(anyCell)
			if !cell.Any {
				x = m.valueIndex(scope[i], cell)
				if x < 0 {
					continue rows
				}
			}
			cells[i] = x
			key = binary.AppendVarint(key, int64(x))
		}
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		t.rows = append(t.rows, cells...)
	}
	return t
}

// valueIndex is the index of a table cell's value in variable v's domain,
// or -1 when v has no such value.
func (m *Model) valueIndex(v int, cell catalog.TableCell) int32 {
	x := m.vars[v]
	switch x.kind {
	case numberVar:
		f := x.feature
		if f.CheckNumber(cell.Num) != nil {
			return -1
		}
		i := cell.Num.Sub(f.Min).Div(f.Step).IntPart()
		if i < 0 || int(i) >= x.size || !x.nums[i].Equal(cell.Num) {
			return -1
		}
		return int32(i)
	case choiceVar:
		for i, val := range x.values {
			if val.Type == expr.StringT && val.Str == cell.Str {
				return int32(i)
			}
		}
	}
	return -1
}

// expand fills in c.table and c.allowed from the rows when the product of
// the domain sizes is at most expandLimit; it reports whether it did.
func (m *Model) expand(c *constraint) bool {
	t := c.tab
	k := len(c.scope)
	total := int64(1)
	for _, v := range c.scope {
		total *= int64(m.vars[v].size)
		if total > expandLimit {
			return false
		}
	}
	c.radix = make([]int, k)
	r := 1
	for i := k - 1; i >= 0; i-- {
		c.radix[i] = r
		r *= m.vars[c.scope[i]].size
	}
	c.allowed = make(bitset, (r+63)/64)
	// Each row covers the product of its "*" columns' domains.
	var free []int
	tuple := make([]int32, k)
	for j := 0; j < t.n(); j++ {
		row := t.row(j)
		free = free[:0]
		for i, x := range row {
			if x == anyCell {
				free = append(free, i)
				tuple[i] = 0
			} else {
				tuple[i] = x
			}
		}
		for {
			idx := 0
			for i, x := range tuple {
				idx += int(x) * c.radix[i]
			}
			c.allowed.set(int32(idx))
			// Next combination of the free columns.
			p := len(free) - 1
			for ; p >= 0; p-- {
				i := free[p]
				tuple[i]++
				if int(tuple[i]) < m.vars[c.scope[i]].size {
					break
				}
				tuple[i] = 0
			}
			if p < 0 {
				break
			}
		}
	}
	c.table = make([]int32, 0, c.allowed.count()*k)
	c.allowed.each(func(idx int32) {
		rest := int(idx)
		for i := range tuple {
			tuple[i] = int32(rest / c.radix[i])
			rest %= c.radix[i]
		}
		c.table = append(c.table, tuple...)
	})
	return true
}

// reviseRows is tabular reduction over the rows (compressed STR): the values
// that appear in a row whose every cell is still possible keep their
// support; a "*" cell of such a row supports its whole column.
func (s *state) reviseRows(c *constraint) (changed []int, ok bool) {
	t := c.tab
	k := t.k
	support := make([]bitset, k)
	full := make([]bool, k)
	nfull := 0
	for i, v := range c.scope {
		support[i] = make(bitset, len(s.dom[v]))
	}
	any := false
	for off := 0; off < len(t.rows) && nfull < k; off += k {
		row := t.rows[off : off+k]
		live := true
		for i, x := range row {
			if x != anyCell && !s.dom[c.scope[i]].has(x) {
				live = false
				break
			}
		}
		if !live {
			continue
		}
		any = true
		for i, x := range row {
			if x == anyCell {
				if !full[i] {
					full[i] = true
					nfull++
				}
			} else {
				support[i].set(x)
			}
		}
	}
	if !any {
		return nil, false
	}
	for i, v := range c.scope {
		if full[i] {
			continue
		}
		d := s.dom[v]
		shrank := false
		for w := range d {
			if nw := d[w] & support[i][w]; nw != d[w] {
				d[w] = nw
				shrank = true
			}
		}
		if shrank {
			changed = append(changed, v)
		}
	}
	return changed, true
}

// encodeRows writes a table's clauses with a boolean per row: some row
// holds; a row holds only with each of its cells; and a value of a column
// is possible only with a row that admits it (which makes unit propagation
// as strong as arc consistency on the table). A column with "*" rows gets
// one more boolean, "some '*' row of this column holds", so that no value's
// clause has to list all of them. Every such boolean is also implied by what
// it stands for, so that it is decided by propagation, never guessed.
func (m *Model) encodeRows(sb *satBase, c *constraint, guard z.Lit, clause func(...z.Lit)) {
	t := c.tab
	n := t.n()
	if n == 0 {
		clause(guard)
		return
	}
	g := sb.g
	rowLit := make([]z.Lit, n)
	for j := range rowLit {
		rowLit[j] = g.Lit()
	}
	clause(append([]z.Lit{guard}, rowLit...)...)
	back := []z.Lit{}
	for j := 0; j < n; j++ {
		back = append(back[:0], rowLit[j])
		for i, x := range t.row(j) {
			if x != anyCell {
				clause(rowLit[j].Not(), sb.lit[c.scope[i]][x])
				back = append(back, sb.lit[c.scope[i]][x].Not())
			}
		}
		// And back: a row holds once all its cells do, so that no row is
		// left for the solver to guess once the values are known (it
		// assigns every variable; unconstrained rows cost a guess each).
		clause(back...)
	}
	for i, v := range c.scope {
		by := make([][]z.Lit, m.vars[v].size)
		var star []z.Lit
		for j := 0; j < n; j++ {
			if x := t.rows[j*t.k+i]; x == anyCell {
				star = append(star, rowLit[j])
			} else {
				by[x] = append(by[x], rowLit[j])
			}
		}
		starLit := z.LitNull
		if len(star) == 1 {
			starLit = star[0]
		} else if len(star) > 1 {
			starLit = g.Lit()
			clause(append([]z.Lit{starLit.Not()}, star...)...)
			for _, r := range star {
				clause(r.Not(), starLit)
			}
		}
		for a, rs := range by {
			ls := append([]z.Lit{guard, sb.lit[v][a].Not(), starLit}, rs...)
			clause(ls...)
		}
	}
}
