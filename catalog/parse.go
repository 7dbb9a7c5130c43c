package catalog

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atelier-app/atelier/catalog/expr"
	"github.com/atelier-app/atelier/catalog/jsonnode"
	"github.com/shopspring/decimal"
)

// Parse reads a catalog file's content. name is used in messages. On any
// problem it returns an ErrorList with every error found, in file order.
// Assets (images) referenced by the catalog are looked up in assets; pass nil
// for a single-file catalog.
func Parse(name string, data []byte, assets map[string][]byte) (*Catalog, error) {
	root, err := jsonnode.Parse(data)
	if err != nil {
		var se *jsonnode.SyntaxError
		if errors.As(err, &se) {
			return nil, ErrorList{{File: name, Pos: se.Pos, Msg: se.Msg}}
		}
		return nil, ErrorList{{File: name, Msg: err.Error()}}
	}
	d := &decoder{file: name, src: data, lang: "en"}
	c := d.catalog(root)
	c.File = name
	c.Assets = assets
	d.checkAssets(c)
	if len(d.errs) > 0 {
		d.errs.sort()
		if len(d.errs) > MaxErrors {
			more := len(d.errs) - MaxErrors
			d.errs = append(d.errs[:MaxErrors], &Error{File: name, Msg: fmt.Sprintf("and %d more errors", more)})
		}
		return nil, d.errs
	}
	return c, nil
}

func (d *decoder) catalog(root *jsonnode.Node) *Catalog {
	c := &Catalog{
		materialsByID:   map[string]*Material{},
		productsByID:    map[string]*Product{},
		priceGroupsByID: map[string]*PriceGroup{},
	}
	o := d.object(root, "the catalog")
	if !o.valid() {
		return c
	}
	c.Format = o.str("format", true)
	if c.Format != "" && c.Format != FormatV1 {
		d.errorf(o.at("format"), "unsupported format %q: this version of Atelier reads %q", c.Format, FormatV1)
		return c
	}
	// Languages first: plain-string texts are in the default language.
	c.Languages = o.strings("languages")
	for i, l := range c.Languages {
		if !langPattern.MatchString(l) {
			d.errorf(o.at("languages"), "%q is not a language code (use e.g. \"en\", \"de\" or \"pt-BR\")", l)
		}
		if slices.Contains(c.Languages[:i], l) {
			d.errorf(o.at("languages"), "language %q is listed twice", l)
		}
	}
	if len(c.Languages) == 0 {
		c.Languages = []string{"en"}
	}
	d.lang = c.Languages[0]

	c.ID = o.id("id", true)
	c.Version = o.str("version", true)
	if c.Version != "" && !versionPattern.MatchString(c.Version) {
		d.errorf(o.at("version"), "version %q is not valid: use numbers separated by dots, like \"2026.1\" or \"3.2.0\"", c.Version)
	}
	c.Name = o.text("name", true)
	c.Description = o.text("description", false)
	c.Currency = o.str("currency", true)
	if c.Currency != "" && !currencyPattern.MatchString(c.Currency) {
		d.errorf(o.at("currency"), "currency %q is not an ISO 4217 code like \"EUR\" or \"USD\"", c.Currency)
	}
	c.Units = o.enum("units", true, "mm", "mm")
	c.ValidFrom = d.date(o, "validFrom", true)
	c.ValidUntil = d.date(o, "validUntil", false)
	if !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && c.ValidUntil.Before(c.ValidFrom) {
		d.errorf(o.at("validUntil"), "validUntil (%s) is before validFrom (%s)", c.ValidUntil.Format(time.DateOnly), c.ValidFrom.Format(time.DateOnly))
	}
	mo := d.object(o.get("manufacturer"), "the manufacturer")
	if o.get("manufacturer") == nil {
		o.missing("manufacturer")
	}
	c.Manufacturer = Manufacturer{
		ID:      mo.id("id", true),
		Name:    mo.str("name", true),
		Address: mo.str("address", false),
		Email:   mo.str("email", false),
		Website: mo.str("website", false),
	}
	if n := mo.get("orders"); n != nil {
		c.Manufacturer.Orders = d.orderAddress(d.object(n, "the manufacturer's order inbox"))
	}
	mo.done()

	for _, n := range o.array("priceGroups", false) {
		gobj := d.object(n, "a price group")
		g := &PriceGroup{ID: gobj.id("id", true), Name: gobj.text("name", true), Pos: n.Pos}
		gobj.done()
		if g.ID == "" {
			continue
		}
		if _, dup := c.priceGroupsByID[g.ID]; dup {
			d.errorf(gobj.at("id"), "duplicate price group id %q", g.ID)
			continue
		}
		c.priceGroupsByID[g.ID] = g
		c.PriceGroups = append(c.PriceGroups, g)
	}

	mats := o.array("materials", true)
	for _, n := range mats {
		m := d.material(n)
		if m == nil || m.ID == "" {
			continue
		}
		if prev, dup := c.materialsByID[m.ID]; dup {
			d.errorf(m.Pos, "duplicate material id %q (first defined at %s)", m.ID, prev.Pos)
			continue
		}
		c.materialsByID[m.ID] = m
		c.Materials = append(c.Materials, m)
	}

	prods := o.array("products", true)
	if isEmptyArray(o.get("products")) {
		d.errorf(o.at("products"), "the catalog has no products")
	}
	for _, n := range prods {
		p := d.product(c, n)
		if p == nil || p.ID == "" {
			continue
		}
		if prev, dup := c.productsByID[p.ID]; dup {
			d.errorf(p.Pos, "duplicate product id %q (first defined at %s)", p.ID, prev.Pos)
			continue
		}
		c.productsByID[p.ID] = p
		c.Products = append(c.Products, p)
	}
	o.done()
	d.checkLanguages(c)
	return c
}

var versionPattern = regexp.MustCompile(`^[0-9]{1,9}(\.[0-9]{1,9}){0,3}$`)

func (d *decoder) date(o *object, key string, required bool) time.Time {
	s := o.str(key, required)
	if v := o.n.Get(key); s == "" && !required && v != nil && v.Kind == jsonnode.String {
		d.errorf(v.Pos, "%q is empty: write a date like \"2027-12-31\", or leave the key out", key)
	}
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		d.errorf(o.at(key), "%q is not a date: write YYYY-MM-DD, like \"2026-01-31\"", s)
	}
	return t
}

var colorPattern = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

func (d *decoder) material(n *jsonnode.Node) *Material {
	o := d.object(n, "a material")
	if !o.valid() {
		return nil
	}
	m := &Material{Pos: n.Pos}
	m.ID = o.id("id", true)
	m.Name = o.text("name", true)
	col := o.str("color", true)
	if col != "" {
		if c, ok := parseColor(col); ok {
			m.Color = c
		} else {
			d.errorf(o.at("color"), "bad colour %q: write #rrggbb or #rgb, like \"#8a5a2b\"", col)
		}
	}
	m.Finish = Finish(o.enum("finish", true, string(Matte), finishNames()...))
	m.Pattern = Pattern(o.enum("pattern", false, string(NoPattern), patternNames()...))
	m.Swatch = o.str("swatch", false)
	o.done()
	return m
}

func finishNames() []string {
	var s []string
	for _, f := range Finishes {
		s = append(s, string(f))
	}
	return s
}

func patternNames() []string {
	var s []string
	for _, p := range Patterns {
		s = append(s, string(p))
	}
	return s
}

func parseColor(s string) (Color, bool) {
	if !colorPattern.MatchString(s) {
		return Color{}, false
	}
	hex := func(c byte) uint8 {
		switch {
		case c >= '0' && c <= '9':
			return c - '0'
		case c >= 'a' && c <= 'f':
			return c - 'a' + 10
		default:
			return c - 'A' + 10
		}
	}
	s = s[1:]
	if len(s) == 3 {
		return Color{hex(s[0]) * 17, hex(s[1]) * 17, hex(s[2]) * 17}, true
	}
	return Color{hex(s[0])<<4 | hex(s[1]), hex(s[2])<<4 | hex(s[3]), hex(s[4])<<4 | hex(s[5])}, true
}

// Hex formats c as #rrggbb.
func (c Color) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func (d *decoder) product(c *Catalog, n *jsonnode.Node) *Product {
	o := d.object(n, "a product")
	if !o.valid() {
		return nil
	}
	p := &Product{Pos: n.Pos, featuresByID: map[string]*Feature{}}
	p.ID = o.id("id", true)
	o.named("product", p.ID)
	p.Name = o.text("name", true)
	p.Description = o.text("description", false)
	p.Category = o.text("category", false)
	p.PriceGroup = o.str("priceGroup", false)
	if p.PriceGroup != "" && c.priceGroupsByID[p.PriceGroup] == nil {
		d.errorf(o.at("priceGroup"), "unknown price group %q%s", p.PriceGroup, suggest(p.PriceGroup, keys(c.priceGroupsByID)))
	}
	p.SKU = o.str("sku", true)
	if !skuPattern.MatchString(p.SKU) {
		d.errorf(o.at("sku"), "SKU %q may hold only letters, digits and . _ / - (at most 40)", clip(p.SKU))
	}
	if bp, ok := o.dec("basePrice", true); ok {
		if bp.IsNegative() {
			d.errorf(o.at("basePrice"), "basePrice must not be negative")
		}
		p.BasePrice = bp
	}
	p.LeadTimeDays = o.integer("leadTimeDays", false, 0, 0, 3650)
	p.Image = o.str("image", false)

	for _, fn := range o.array("features", true) {
		f := d.feature(c, p, fn)
		if f == nil || f.ID == "" {
			continue
		}
		if prev, dup := p.featuresByID[f.ID]; dup {
			d.errorf(f.Pos, "duplicate feature id %q in product %q (first defined at %s)", f.ID, p.ID, prev.Pos)
			continue
		}
		p.featuresByID[f.ID] = f
		p.Features = append(p.Features, f)
	}
	if isEmptyArray(o.get("features")) {
		d.errorf(o.at("features"), "product %q has no features", p.ID)
	}
	scope := p.Scope()

	ruleIDs := d.ids("rule")
	for _, rn := range o.array("rules", false) {
		if r := d.rule(p, rn, scope); r != nil {
			ruleIDs.add(r.ID, r.Pos)
			p.Rules = append(p.Rules, r)
		}
	}
	for _, dn := range o.array("defaults", false) {
		if cd := d.conditionalDefault(p, dn, scope); cd != nil {
			p.Defaults = append(p.Defaults, cd)
		}
	}
	needIDs := d.ids("question")
	for _, nn := range o.array("needs", false) {
		if nd := d.need(p, nn); nd != nil {
			needIDs.add(nd.ID, nd.Pos)
			p.Needs = append(p.Needs, nd)
		}
	}
	presetIDs := d.ids("preset")
	for _, pn := range o.array("presets", false) {
		if pr := d.preset(p, pn); pr != nil {
			presetIDs.add(pr.ID, pr.Pos)
			p.Presets = append(p.Presets, pr)
		}
	}
	priceScope := maps.Clone(scope)
	priceScope["quantity"] = expr.Var{Type: expr.NumberT, What: "variable"}
	priceIDs := d.ids("price rule")
	for _, pn := range o.array("pricing", false) {
		if pr := d.priceRule(pn, priceScope); pr != nil {
			priceIDs.add(pr.ID, pr.Pos)
			p.Pricing = append(p.Pricing, pr)
		}
	}
	lastQty := 0
	for _, qn := range o.array("quantityBreaks", false) {
		qo := d.object(qn, "a quantity break")
		if !qo.valid() {
			continue
		}
		q := &QuantityBreak{Pos: qn.Pos}
		q.MinQuantity = qo.integer("minQuantity", true, 0, 2, 1000000)
		if pct, ok := qo.dec("percent", true); ok {
			if pct.LessThanOrEqual(decimal.Zero) || pct.GreaterThan(decimal.NewFromInt(100)) {
				d.errorf(qo.at("percent"), "a quantity break's percent must be more than 0 and at most 100")
			}
			q.Percent = pct
		}
		qo.done()
		if q.MinQuantity != 0 && q.MinQuantity <= lastQty {
			d.errorf(qo.at("minQuantity"), "quantity breaks must be in increasing order of minQuantity")
		}
		lastQty = max(lastQty, q.MinQuantity)
		p.QuantityBreaks = append(p.QuantityBreaks, q)
	}
	geo := d.object(o.get("geometry"), fmt.Sprintf("the geometry of %q", p.ID))
	if o.get("geometry") == nil {
		o.missing("geometry")
	}
	if geo.valid() {
		partIDs := d.ids("part")
		for i, gn := range geo.array("parts", true) {
			if part := d.part(c, p, gn, i, scope); part != nil {
				partIDs.add(part.ID, part.Pos)
				p.Parts = append(p.Parts, part)
			}
		}
		geo.done()
	}
	for _, bn := range o.array("bom", false) {
		if b := d.bomItem(p, bn, scope); b != nil {
			p.BOM = append(p.BOM, b)
		}
	}
	o.done()
	return p
}

// Scope is the set of names the product's expressions may use: its features.
func (p *Product) Scope() expr.Scope {
	s := expr.Scope{}
	for _, f := range p.Features {
		v := expr.Var{What: "feature"}
		switch f.Kind {
		case Choice:
			v.Type = expr.StringT
			v.Options = f.optionIDs()
		case Multi:
			v.Type = expr.SetT
			v.Options = f.optionIDs()
		case Number:
			v.Type = expr.NumberT
		case Textual:
			v.Type = expr.StringT
		}
		s[f.ID] = v
	}
	return s
}

func (f *Feature) optionIDs() []string {
	ids := make([]string, 0, len(f.Options))
	for _, o := range f.Options {
		ids = append(ids, o.ID)
	}
	return ids
}

var units = []string{"mm", "cm", "m", "pcs", "deg", "kg", "%"}

func (d *decoder) feature(c *Catalog, p *Product, n *jsonnode.Node) *Feature {
	o := d.object(n, "a feature")
	if !o.valid() {
		return nil
	}
	f := &Feature{Pos: n.Pos, optionsBy: map[string]*Option{}}
	f.ID = o.str("id", true)
	if f.ID != "" {
		if !featureIDPattern.MatchString(f.ID) {
			d.errorf(o.at("id"), "feature id %q is not valid: features are named in expressions, so use lower-case letters, digits and '_', starting with a letter", f.ID)
		} else if slices.Contains(expr.Reserved, f.ID) || f.ID == "quantity" {
			d.errorf(o.at("id"), "feature id %q is a reserved word of the expression language", f.ID)
		}
	}
	o.named("feature", f.ID)
	f.Name = o.text("name", true)
	f.Description = o.text("description", false)
	f.Group = o.text("group", false)
	f.Kind = FeatureKind(o.enum("kind", true, "", "choice", "multi", "number", "text"))
	if f.Kind == "" {
		o.useAll()
	}
	switch f.Kind {
	case Choice, Multi:
		opts := o.array("options", true)
		if isEmptyArray(o.get("options")) {
			d.errorf(o.at("options"), "feature %q has no options", f.ID)
		}
		for _, on := range opts {
			opt := d.option(c, on)
			if opt == nil || opt.ID == "" {
				continue
			}
			if prev, dup := f.optionsBy[opt.ID]; dup {
				d.errorf(opt.Pos, "duplicate option id %q in feature %q (first defined at %s)", opt.ID, f.ID, prev.Pos)
				continue
			}
			f.optionsBy[opt.ID] = opt
			f.Options = append(f.Options, opt)
		}
		if f.Kind == Multi {
			f.MinSelected = o.integer("minSelected", false, 0, 0, 1000)
			f.MaxSelected = o.integer("maxSelected", false, len(f.Options), 0, 1000)
			if f.MinSelected > f.MaxSelected {
				d.errorf(o.at("minSelected"), "minSelected (%d) is greater than maxSelected (%d)", f.MinSelected, f.MaxSelected)
			}
			if f.MaxSelected > len(f.Options) && len(f.Options) > 0 {
				d.errorf(o.at("maxSelected"), "maxSelected (%d) is more than the %d options", f.MaxSelected, len(f.Options))
			}
		}
	case Number:
		var ok1, ok2, ok3 bool
		f.Min, ok1 = o.dec("min", true)
		f.Max, ok2 = o.dec("max", true)
		f.Step, ok3 = o.dec("step", false)
		if !ok3 && o.get("step") == nil {
			f.Step, ok3 = decimal.NewFromInt(1), true
		}
		f.Unit = o.enum("unit", true, "mm", units...)
		if ok1 && ok2 && f.Min.GreaterThan(f.Max) {
			d.errorf(o.at("min"), "min (%s) is greater than max (%s)", f.Min, f.Max)
		}
		if ok3 && !f.Step.IsPositive() {
			d.errorf(o.at("step"), "step must be greater than 0")
		} else if ok1 && ok2 && ok3 && !f.Max.Sub(f.Min).Mod(f.Step).IsZero() {
			d.errorf(o.at("max"), "max (%s) is not on the grid of min (%s) plus steps of %s", f.Max, f.Min, f.Step)
		} else if ok1 && ok2 && ok3 && f.Max.Sub(f.Min).Div(f.Step).GreaterThan(decimal.NewFromInt(1_000_000)) {
			d.errorf(o.at("step"), "the range has more than a million steps; use a larger step")
		}
	case Textual:
		f.MaxLength = o.integer("maxLength", true, 0, 1, 1000)
		f.Charset = o.str("charset", false)
		if f.Charset != "" {
			if _, err := regexp.Compile("^[" + f.Charset + "]*$"); err != nil || strings.ContainsAny(f.Charset, "[]") {
				d.errorf(o.at("charset"), "charset %q is not a valid character class body such as \"A-Za-z0-9 .-\"", clip(f.Charset))
				f.Charset = ""
			}
		}
	}
	if dn := o.get("default"); dn != nil && f.Kind != "" {
		if v, ok := d.value(f, dn, "default"); ok {
			f.Default = v
		}
	} else if f.Kind == Multi && f.MinSelected > 0 && f.MinSelected <= f.MaxSelected {
		d.errorf(o.pos(), "feature %q needs at least %d %s chosen, so it needs a \"default\" listing them", f.ID, f.MinSelected, plural(f.MinSelected, "option", "options"))
		f.Default = Value{Kind: Multi, Set: []string{}}
	} else if f.Kind == Choice && len(f.Options) > 0 {
		f.Default = Value{Kind: Choice, Str: f.Options[0].ID}
	} else if f.Kind == Number {
		f.Default = Value{Kind: Number, Num: f.Min}
	} else {
		f.Default = Value{Kind: f.Kind}
	}
	o.done()
	return f
}

func (d *decoder) option(c *Catalog, n *jsonnode.Node) *Option {
	o := d.object(n, "an option")
	if !o.valid() {
		return nil
	}
	opt := &Option{Pos: n.Pos}
	opt.ID = o.id("id", true)
	o.named("option", opt.ID)
	opt.Name = o.text("name", true)
	opt.Description = o.text("description", false)
	if pr, ok := o.dec("price", false); ok {
		opt.Price = pr
	}
	opt.SKU = o.str("sku", false)
	if !skuPattern.MatchString(opt.SKU) {
		d.errorf(o.at("sku"), "SKU fragment %q may hold only letters, digits and . _ / - (at most 40)", clip(opt.SKU))
	}
	opt.Material = o.str("material", false)
	if opt.Material != "" && c.materialsByID[opt.Material] == nil {
		d.errorf(o.at("material"), "unknown material %q%s", opt.Material, suggest(opt.Material, keys(c.materialsByID)))
	}
	opt.Swatch = o.str("swatch", false)
	if n := o.get("popularity"); n != nil {
		if pop, ok := o.dec("popularity", false); ok {
			if pop.IsNegative() {
				d.errorf(o.at("popularity"), "popularity %s is negative: give a share (0.35) or a count of sales", pop)
			} else {
				opt.Popularity = pop.InexactFloat64()
			}
		}
	}
	o.done()
	return opt
}

// value reads a value for feature f: a decision, default or preset value.
func (d *decoder) value(f *Feature, n *jsonnode.Node, key string) (Value, bool) {
	v := Value{Kind: f.Kind}
	switch f.Kind {
	case Choice:
		if n.Kind != jsonnode.String {
			d.errorf(n.Pos, "%s of %q must be an option id (a string), not %s", key, f.ID, n.Kind)
			return v, false
		}
		if f.Option(n.Str) == nil {
			d.errorf(n.Pos, "%s %q is not an option of %q%s", key, n.Str, f.ID, suggest(n.Str, f.optionIDs()))
			return v, false
		}
		v.Str = n.Str
	case Multi:
		if n.Kind != jsonnode.Array {
			d.errorf(n.Pos, "%s of %q must be a list of option ids, not %s", key, f.ID, n.Kind)
			return v, false
		}
		ok := true
		v.Set = []string{}
		for _, it := range n.Items {
			switch {
			case it.Kind != jsonnode.String:
				d.errorf(it.Pos, "%s of %q must hold option ids, not %s", key, f.ID, it.Kind)
				ok = false
			case f.Option(it.Str) == nil:
				d.errorf(it.Pos, "%s %q is not an option of %q%s", key, it.Str, f.ID, suggest(it.Str, f.optionIDs()))
				ok = false
			case slices.Contains(v.Set, it.Str):
				d.errorf(it.Pos, "%s lists %q twice", key, it.Str)
				ok = false
			default:
				v.Set = append(v.Set, it.Str)
			}
		}
		if ok && (len(v.Set) < f.MinSelected || len(v.Set) > f.MaxSelected) {
			d.errorf(n.Pos, "%s of %q selects %d options; it allows %d to %d", key, f.ID, len(v.Set), f.MinSelected, f.MaxSelected)
			ok = false
		}
		return v, ok
	case Number:
		num, ok := d.decimal(n, key)
		if !ok {
			return v, false
		}
		if err := f.CheckNumber(num); err != nil {
			d.errorf(n.Pos, "%s of %q: %v", key, f.ID, err)
			return v, false
		}
		v.Num = num
	case Textual:
		if n.Kind != jsonnode.String {
			d.errorf(n.Pos, "%s of %q must be a string, not %s", key, f.ID, n.Kind)
			return v, false
		}
		if !d.checkText(n.Pos, key, n.Str) {
			return v, false
		}
		if err := f.CheckText(n.Str); err != nil {
			d.errorf(n.Pos, "%s of %q: %v", key, f.ID, err)
			return v, false
		}
		v.Str = n.Str
	default:
		return v, false
	}
	return v, true
}

// CheckNumber reports whether x is in the feature's range and on its grid.
func (f *Feature) CheckNumber(x decimal.Decimal) error {
	if x.LessThan(f.Min) || x.GreaterThan(f.Max) {
		return fmt.Errorf("%s %s is out of range (%s to %s %s)", x, f.Unit, f.Min, f.Max, f.Unit)
	}
	if f.Step.IsPositive() && !x.Sub(f.Min).Mod(f.Step).IsZero() {
		return fmt.Errorf("%s %s is not on the grid (from %s in steps of %s)", x, f.Unit, f.Min, f.Step)
	}
	return nil
}

// CheckText reports whether s fits the feature's length and characters.
func (f *Feature) CheckText(s string) error {
	if n := len([]rune(s)); n > f.MaxLength {
		return fmt.Errorf("text is %d characters long; at most %d are allowed", n, f.MaxLength)
	}
	if f.Charset != "" {
		re := regexp.MustCompile("^[" + f.Charset + "]*$")
		if !re.MatchString(s) {
			for _, r := range s {
				if !re.MatchString(string(r)) {
					return fmt.Errorf("the character %q is not allowed (allowed: %s)", r, f.Charset)
				}
			}
		}
	}
	return nil
}

func (d *decoder) rule(p *Product, n *jsonnode.Node, scope expr.Scope) *Rule {
	o := d.object(n, "a rule")
	if !o.valid() {
		return nil
	}
	r := &Rule{Pos: n.Pos}
	r.ID = o.id("id", true)
	o.named("rule", r.ID)
	r.Kind = RuleKind(o.enum("kind", true, "", "requires", "excludes", "table", "constraint"))
	if r.Kind == "" {
		o.useAll()
	}
	r.Message = o.text("message", true)
	switch r.Kind {
	case Requires, Excludes:
		r.When = o.expression("when", true, scope, expr.BoolT)
		r.Then = o.expression("then", true, scope, expr.BoolT)
	case Constraint:
		r.Expr = o.expression("expr", true, scope, expr.BoolT)
	case Table:
		d.table(p, o, r)
	}
	o.done()
	return r
}

func (d *decoder) table(p *Product, o *object, r *Rule) {
	feats := o.array("features", true)
	var fs []*Feature
	for _, fn := range feats {
		if fn.Kind != jsonnode.String {
			d.errorf(fn.Pos, "a table's features are feature ids, not %s", fn.Kind)
			fs = append(fs, nil)
			continue
		}
		f := p.Feature(fn.Str)
		switch {
		case f == nil:
			d.errorf(fn.Pos, "unknown feature %q in a rule%s", fn.Str, suggest(fn.Str, keys(p.featuresByID)))
		case f.Kind == "":
			f = nil // its kind is reported where it is defined
		case f.Kind != Choice && f.Kind != Number:
			d.errorf(fn.Pos, "a table can use choice and number features; %q is a %s feature", f.ID, f.Kind)
			f = nil
		case slices.Contains(r.Features, f.ID):
			d.errorf(fn.Pos, "feature %q is listed twice in the table", f.ID)
		}
		r.Features = append(r.Features, fn.Str)
		fs = append(fs, f)
	}
	if len(feats) < 2 && (len(feats) > 0 || isEmptyArray(o.get("features"))) {
		d.errorf(o.at("features"), "a table relates 2 or more features; use a constraint for one")
	}
	rows := o.array("allow", true)
	if isEmptyArray(o.get("allow")) {
		d.errorf(o.at("allow"), "the table allows no combination at all")
	}
	seen := make(map[string]Pos, len(rows))
	var key []byte // a row's cells as "any|str|num;" each, to find a row listed twice
	// The rows' cells are cut from one allocation (each row capped at its
	// length, so that appending to one cannot spill into the next).
	cells := make([]TableCell, 0, len(rows)*len(fs))
	for _, rn := range rows {
		if rn.Kind != jsonnode.Array {
			d.errorf(rn.Pos, "each allowed combination is an array of values, not %s", rn.Kind)
			continue
		}
		if len(rn.Items) != len(fs) {
			d.errorf(rn.Pos, "this combination has %d %s but the table has %d features", len(rn.Items), plural(len(rn.Items), "value", "values"), len(fs))
			continue
		}
		start := len(cells)
		cells = cells[:start+len(fs)]
		row := cells[start:len(cells):len(cells)]
		key = key[:0]
		for i, cn := range rn.Items {
			cell := TableCell{Pos: cn.Pos}
			f := fs[i]
			switch {
			case cn.Kind == jsonnode.String && cn.Str == "*":
				cell.Any = true
			case f == nil:
			case f.Kind == Choice:
				if cn.Kind != jsonnode.String {
					d.errorf(cn.Pos, "the value for %q must be an option id or \"*\", not %s", f.ID, cn.Kind)
				} else if f.Option(cn.Str) == nil {
					d.errorf(cn.Pos, "%q is not an option of %q%s", cn.Str, f.ID, suggest(cn.Str, f.optionIDs()))
				}
				cell.Str = cn.Str
			case f.Kind == Number:
				if x, ok := d.decimal(cn, f.ID); ok {
					if err := f.CheckNumber(x); err != nil {
						d.errorf(cn.Pos, "value for %q: %v", f.ID, err)
					}
					cell.Num = x
				}
			}
			row[i] = cell
			key = strconv.AppendBool(key, cell.Any)
			key = append(key, '|')
			key = append(key, cell.Str...)
			key = append(key, '|')
			if cell.Num.IsZero() {
				key = append(key, '0') // what a zero decimal's String is, without building it
			} else {
				key = append(key, cell.Num.String()...)
			}
			key = append(key, ';')
		}
		if prev, dup := seen[string(key)]; dup {
			d.errorf(rn.Pos, "this combination is already allowed at %s", prev)
		}
		seen[string(key)] = rn.Pos
		r.Allow = append(r.Allow, row)
	}
}

func (d *decoder) conditionalDefault(p *Product, n *jsonnode.Node, scope expr.Scope) *ConditionalDefault {
	o := d.object(n, "a default")
	if !o.valid() {
		return nil
	}
	cd := &ConditionalDefault{Pos: n.Pos}
	cd.When = o.expression("when", true, scope, expr.BoolT)
	cd.Feature = o.str("feature", true)
	f := p.Feature(cd.Feature)
	if cd.Feature != "" && f == nil {
		d.errorf(o.at("feature"), "unknown feature %q%s", cd.Feature, suggest(cd.Feature, keys(p.featuresByID)))
	}
	if vn := o.get("value"); vn == nil {
		o.missing("value")
	} else if f != nil {
		cd.Value, _ = d.value(f, vn, "value")
	}
	if cd.When != nil && f != nil && slices.Contains(expr.Idents(cd.When.Root), f.ID) {
		d.errorf(o.at("when"), "a default for %q cannot depend on %q itself", f.ID, f.ID)
	}
	o.done()
	return cd
}

// need reads a question of the needs-based start.
func (d *decoder) need(p *Product, n *jsonnode.Node) *Need {
	o := d.object(n, "a question")
	if !o.valid() {
		return nil
	}
	nd := &Need{Pos: n.Pos}
	nd.ID = o.id("id", true)
	o.named("question", nd.ID)
	nd.Question = o.text("question", true)
	answerIDs := d.ids(fmt.Sprintf("answer of question %q", nd.ID))
	for _, an := range o.array("answers", true) {
		ao := d.object(an, fmt.Sprintf("an answer of question %q", nd.ID))
		if !ao.valid() {
			continue
		}
		a := &NeedAnswer{Pos: an.Pos, Values: map[string]Value{}}
		a.ID = ao.id("id", true)
		ao.named("answer", a.ID)
		a.Label = ao.text("label", true)
		a.Order = d.featureValues(p, ao, "values", fmt.Sprintf("answer %q of question %q", a.ID, nd.ID), "answer value", a.Values)
		ao.done()
		answerIDs.add(a.ID, a.Pos)
		nd.Answers = append(nd.Answers, a)
	}
	if o.get("answers") != nil && len(nd.Answers) < 2 {
		d.errorf(o.at("answers"), "question %q needs at least two answers", nd.ID)
	}
	o.done()
	return nd
}

// featureValues reads an object of feature id -> value (a preset's or an
// answer's values) into into; it returns the feature ids in file order.
func (d *decoder) featureValues(p *Product, o *object, key, owner, what string, into map[string]Value) []string {
	vo := d.object(o.get(key), fmt.Sprintf("the values of %s", owner))
	if o.get(key) == nil {
		o.missing(key)
	}
	var order []string
	if vo.valid() {
		for _, m := range vo.n.Members {
			f := p.Feature(m.Key)
			if f == nil {
				d.errorf(m.KeyPos, "unknown feature %q in %s%s", m.Key, owner, suggest(m.Key, keys(p.featuresByID)))
				continue
			}
			if v, ok := d.value(f, m.Value, what); ok {
				into[m.Key] = v
				order = append(order, m.Key)
			}
		}
	}
	return order
}

func (d *decoder) preset(p *Product, n *jsonnode.Node) *Preset {
	o := d.object(n, "a preset")
	if !o.valid() {
		return nil
	}
	pr := &Preset{Pos: n.Pos, Values: map[string]Value{}}
	pr.ID = o.id("id", true)
	o.named("preset", pr.ID)
	pr.Name = o.text("name", true)
	pr.Description = o.text("description", false)
	pr.Order = d.featureValues(p, o, "values", fmt.Sprintf("preset %q", pr.ID), "preset value", pr.Values)
	o.done()
	return pr
}

func (d *decoder) priceRule(n *jsonnode.Node, scope expr.Scope) *PriceRule {
	o := d.object(n, "a price rule")
	if !o.valid() {
		return nil
	}
	pr := &PriceRule{Pos: n.Pos}
	pr.ID = o.id("id", true)
	o.named("price rule", pr.ID)
	pr.Kind = PriceRuleKind(o.enum("kind", true, "", "formula", "surcharge", "discount"))
	if pr.Kind == "" {
		o.useAll()
	}
	pr.Label = o.text("label", true)
	pr.When = o.expression("when", false, scope, expr.BoolT)
	hasAmount, hasPercent := o.get("amount") != nil, o.get("percent") != nil
	switch {
	case hasAmount && hasPercent:
		d.errorf(o.at("percent"), "a price rule has either \"amount\" or \"percent\", not both")
	case hasPercent:
		if pr.Kind == Formula {
			d.errorf(o.at("percent"), "a formula computes an \"amount\"; use a surcharge or discount for a percentage")
		}
		if pct, ok := o.dec("percent", true); ok {
			if !pct.IsPositive() || pct.GreaterThan(decimal.NewFromInt(100)) && pr.Kind == Discount {
				d.errorf(o.at("percent"), "percent must be more than 0 (and at most 100 for a discount)")
			}
			pr.Percent = &pct
		}
	default:
		pr.Amount = o.expression("amount", true, scope, expr.NumberT)
	}
	if pr.Kind != Formula && pr.Kind != "" && pr.When == nil && o.get("when") == nil {
		d.errorf(o.pos(), "a %s needs a \"when\" condition (use a formula for an amount that always applies)", pr.Kind)
	}
	o.done()
	return pr
}

// part reads one part; scope is the product's, which it does not change.
func (d *decoder) part(c *Catalog, p *Product, n *jsonnode.Node, index int, scope expr.Scope) *Part {
	o := d.object(n, "a part")
	if !o.valid() {
		return nil
	}
	part := &Part{Pos: n.Pos}
	part.ID = o.id("id", false)
	// A part without an id is named by its place in the list in messages.
	label := fmt.Sprintf("part %q", part.ID)
	if part.ID == "" {
		label = fmt.Sprintf("part #%d", index+1)
	}
	o.what = label
	part.Name = o.text("name", false)
	part.Shape = Shape(o.enum("shape", true, "", "box", "roundedBox", "cylinder", "extrusion"))
	if part.Shape == "" {
		o.useAll()
	}
	if rn := o.get("repeat"); rn != nil {
		ro := d.object(rn, "a repeat")
		part.Repeat = &Repeat{Var: ro.str("var", false)}
		if part.Repeat.Var == "" {
			part.Repeat.Var = "i"
		}
		if !featureIDPattern.MatchString(part.Repeat.Var) || p.Feature(part.Repeat.Var) != nil || slices.Contains(expr.Reserved, part.Repeat.Var) {
			d.errorf(ro.at("var"), "repeat variable %q must be a name that is not a feature or reserved word", part.Repeat.Var)
		}
		part.Repeat.Count = ro.expression("count", true, scope, expr.NumberT)
		ro.done()
		scope = maps.Clone(scope)
		scope[part.Repeat.Var] = expr.Var{Type: expr.NumberT, What: "variable"}
	}
	vec := func(key string, required bool) [3]*Expr {
		var out [3]*Expr
		items := o.array(key, required)
		if n := o.n.Get(key); n == nil || n.Kind != jsonnode.Array {
			return out
		}
		if len(items) != 3 {
			d.errorf(o.at(key), "%q needs 3 values (x, y, z), not %d", key, len(items))
			return out
		}
		for i, it := range items {
			out[i] = d.expression(it, key, scope, expr.NumberT)
		}
		return out
	}
	switch part.Shape {
	case Box, RoundedBox:
		part.Size = vec("size", true)
	case Cylinder, Extrusion:
		part.Length = o.expression("length", true, scope, expr.NumberT)
		part.Axis = o.enum("axis", false, "y", "x", "y", "z")
	}
	part.Position = vec("position", true)
	part.Rotation = vec("rotation", false)
	switch part.Shape {
	case RoundedBox, Cylinder:
		part.Radius = o.expression("radius", true, scope, expr.NumberT)
	}
	if part.Shape == Cylinder {
		part.Segments = o.integer("segments", false, 32, 3, 256)
	}
	if part.Shape == Extrusion {
		pts := o.array("profile", true)
		if n := o.get("profile"); n != nil && n.Kind == jsonnode.Array && len(pts) < 3 {
			d.errorf(o.at("profile"), "a profile needs at least 3 points, not %d", len(pts))
		}
		if len(pts) > 256 {
			d.errorf(o.at("profile"), "a profile has at most 256 points, not %d", len(pts))
			pts = nil
		}
		for _, pt := range pts {
			if pt.Kind != jsonnode.Array || len(pt.Items) != 2 {
				d.errorf(pt.Pos, "a profile point is a pair [u, v]")
				continue
			}
			part.Profile = append(part.Profile, [2]*Expr{
				d.expression(pt.Items[0], "profile", scope, expr.NumberT),
				d.expression(pt.Items[1], "profile", scope, expr.NumberT),
			})
		}
	}
	part.Material = o.str("material", false)
	part.MaterialFrom = o.str("materialFrom", false)
	switch {
	case part.Material != "" && part.MaterialFrom != "":
		d.errorf(o.at("materialFrom"), "a part has either \"material\" or \"materialFrom\", not both")
	case part.Material != "":
		if c.materialsByID[part.Material] == nil {
			d.errorf(o.at("material"), "unknown material %q%s", part.Material, suggest(part.Material, keys(c.materialsByID)))
		}
	case part.MaterialFrom != "":
		f := p.Feature(part.MaterialFrom)
		switch {
		case f == nil:
			d.errorf(o.at("materialFrom"), "unknown feature %q%s", part.MaterialFrom, suggest(part.MaterialFrom, keys(p.featuresByID)))
		case f.Kind == "":
			// its kind is already reported as wrong
		case f.Kind != Choice:
			d.errorf(o.at("materialFrom"), "materialFrom needs a choice feature; %q is a %s feature", f.ID, f.Kind)
		default:
			for _, opt := range f.Options {
				if opt.Material == "" {
					d.errorf(opt.Pos, "option %q of %q has no material, but %s takes its material from %q", opt.ID, f.ID, label, f.ID)
				}
			}
		}
	default:
		d.errorf(o.pos(), "%s needs a \"material\" or \"materialFrom\"", label)
	}
	part.Visible = o.expression("visible", false, scope, expr.BoolT)
	o.get("repeat")
	o.done()
	return part
}

var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

func (d *decoder) bomItem(p *Product, n *jsonnode.Node, scope expr.Scope) *BOMItem {
	o := d.object(n, "a bill of materials item")
	if !o.valid() {
		return nil
	}
	b := &BOMItem{Pos: n.Pos}
	b.SKU = o.str("sku", true)
	for _, m := range placeholder.FindAllStringSubmatch(b.SKU, -1) {
		f := p.Feature(m[1])
		switch {
		case f == nil:
			d.errorf(o.at("sku"), "unknown feature {%s} in SKU %q%s", m[1], b.SKU, suggest(m[1], keys(p.featuresByID)))
		case f.Kind != Choice && f.Kind != Number:
			d.errorf(o.at("sku"), "{%s} in SKU %q: placeholders take choice and number features; %q is a %s feature", m[1], b.SKU, f.ID, f.Kind)
		}
	}
	if rest := placeholder.ReplaceAllString(b.SKU, "X"); !skuPattern.MatchString(rest) || rest == "" {
		d.errorf(o.at("sku"), "SKU %q may hold only letters, digits, . _ / - and {feature} placeholders", clip(b.SKU))
	}
	b.Name = o.text("name", true)
	b.Quantity = o.expression("quantity", true, scope, expr.NumberT)
	b.Unit = o.enum("unit", false, "pcs", units...)
	b.When = o.expression("when", false, scope, expr.BoolT)
	// The parts that draw this component: lint compares the counts.
	var partIDs []string
	for _, q := range p.Parts {
		if q.ID != "" {
			partIDs = append(partIDs, q.ID)
		}
	}
	for _, id := range o.strings("parts") {
		switch {
		case p.Part(id) == nil:
			d.errorf(o.at("parts"), "unknown part %q in \"parts\" of the bill of materials item %q%s", id, clip(b.SKU), suggest(id, partIDs))
		case slices.Contains(b.Parts, id):
			d.errorf(o.at("parts"), "part %q is named twice in \"parts\" of the bill of materials item %q", id, clip(b.SKU))
		default:
			b.Parts = append(b.Parts, id)
		}
	}
	if len(b.Parts) > 0 && b.Unit != "pcs" {
		d.errorf(o.at("parts"), "the bill of materials item %q counts parts, so its unit must be pcs, not %s", clip(b.SKU), b.Unit)
	}
	o.done()
	return b
}

// checkLanguages makes sure every text has the catalog's default language and
// only languages the catalog declares.
func (d *decoder) checkLanguages(c *Catalog) {
	def := c.DefaultLanguage()
	for _, r := range d.texts {
		if len(r.text) == 0 {
			continue
		}
		if _, ok := r.text[def]; !ok {
			d.errorf(r.pos, "%q has no text in the catalog's default language %q", r.key, def)
		}
		if allDeclared(r.text, c.Languages) {
			continue
		}
		for _, l := range keys(r.text) {
			if !slices.Contains(c.Languages, l) {
				d.errorf(r.pos, "%q has a text in %q, which is not one of the catalog's languages %v", r.key, l, c.Languages)
			}
		}
	}
}

// allDeclared reports whether every language of t is one of langs.
func allDeclared(t Text, langs []string) bool {
	for l := range t {
		if !slices.Contains(langs, l) {
			return false
		}
	}
	return true
}

func (d *decoder) checkAssets(c *Catalog) {
	need := func(path string, pos Pos, what string) {
		if path == "" {
			return
		}
		if c.Assets == nil {
			d.errorf(pos, "%s refers to the image %q, but a single-file catalog has no images: pack it as a folder or zip", what, path)
			return
		}
		data, ok := c.Assets[path]
		if !ok {
			d.errorf(pos, "%s refers to the image %q, which is not in the catalog", what, path)
			return
		}
		if _, err := checkImage(data); err != nil {
			d.errorf(pos, "%s refers to the image %q: %v", what, path, err)
		}
	}
	for _, m := range c.Materials {
		need(m.Swatch, m.Pos, fmt.Sprintf("material %q", m.ID))
	}
	for _, p := range c.Products {
		need(p.Image, p.Pos, fmt.Sprintf("product %q", p.ID))
		for _, f := range p.Features {
			for _, o := range f.Options {
				need(o.Swatch, o.Pos, fmt.Sprintf("option %q", o.ID))
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := expr.Distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func isEmptyArray(n *jsonnode.Node) bool {
	return n != nil && n.Kind == jsonnode.Array && len(n.Items) == 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// idSet reports ids that appear twice in one list, pointing at the second
// and naming where the first was.
type idSet struct {
	d    *decoder
	what string
	seen map[string]Pos
}

func (d *decoder) ids(what string) *idSet { return &idSet{d: d, what: what, seen: map[string]Pos{}} }

// add records id; it reports a duplicate and returns false. Empty ids (already
// reported as missing) are never duplicates.
func (s *idSet) add(id string, pos Pos) bool {
	if id == "" {
		return true
	}
	if prev, dup := s.seen[id]; dup {
		s.d.errorf(pos, "duplicate %s id %q (first defined at %s)", s.what, id, prev)
		return false
	}
	s.seen[id] = pos
	return true
}

// hostKeyPattern is an authorized_keys line's type and key (a comment may
// follow); the transport checks the key itself.
var hostKeyPattern = regexp.MustCompile(`^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|rsa-sha2-(256|512)|ssh-rsa) [A-Za-z0-9+/]+={0,2}( .*)?$`)

// orderAddress reads manufacturer.orders.
func (d *decoder) orderAddress(o *object) *OrderAddress {
	a := &OrderAddress{SFTP: o.str("sftp", false), User: o.str("user", false), HostKey: o.str("hostKey", false), Folder: o.str("folder", false)}
	switch {
	case a.SFTP != "" && a.Folder != "":
		d.errorf(o.pos(), "the order inbox names both an SFTP server and a folder: name one")
	case a.SFTP == "" && a.Folder == "":
		d.errorf(o.pos(), "the order inbox names neither an SFTP server (\"sftp\") nor a folder (\"folder\")")
	case a.SFTP != "" && a.HostKey == "":
		d.errorf(o.pos(), "the SFTP inbox %s has no \"hostKey\": dealers' apps must know the server's key before they send anything", a.SFTP)
	case a.HostKey != "" && !hostKeyPattern.MatchString(a.HostKey):
		d.errorf(o.at("hostKey"), "hostKey is not a public key as authorized_keys writes it (\"ssh-ed25519 AAAA…\")")
	}
	if a.SFTP != "" {
		if _, port, err := net.SplitHostPort(a.SFTP); err != nil || port == "" {
			d.errorf(o.at("sftp"), "sftp %q is not host:port (like \"orders.example.com:22\")", a.SFTP)
		}
	}
	o.done()
	return a
}
