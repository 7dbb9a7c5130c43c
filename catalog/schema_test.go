package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaID is the $id of schema.json.
const schemaID = "https://atelier.example/schema/catalog-v1.json"

// compileSchema compiles schema.json, asserting formats (dates) too.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("schema.json is not JSON: %v", err)
	}
	if id, _ := doc.(map[string]any)["$id"].(string); id != schemaID {
		t.Fatalf("schema.json has $id %q, want %q", id, schemaID)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(schemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaID)
	if err != nil {
		t.Fatalf("compile schema.json: %v", err)
	}
	return sch
}

func validateSchema(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

func TestSchemaDemoCatalog(t *testing.T) {
	const demo = "../assets/demo/catalog.json"
	data, err := os.ReadFile(demo)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s does not exist yet", demo)
	}
	if err != nil {
		t.Fatal(err)
	}
	sch := compileSchema(t)
	if err := validateSchema(sch, data); err != nil {
		t.Errorf("schema.json rejects %s:\n%v", demo, err)
	}
}

// TestSchemaValidTestdata: every catalog Parse accepts in testdata/valid
// satisfies the schema too.
func TestSchemaValidTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no catalogs in testdata/valid")
	}
	sch := compileSchema(t)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse(path, data, nil); err != nil {
				t.Skipf("Parse rejects it (TestParseValid reports that): %v", err)
			}
			if err := validateSchema(sch, data); err != nil {
				t.Errorf("schema.json rejects %s, which Parse accepts:\n%v", path, err)
			}
		})
	}
}

// TestSchemaDocExamples: the complete catalogs in docs/catalog-format.md
// parse and satisfy the schema, and the worked price is right.
func TestSchemaDocExamples(t *testing.T) {
	const doc = "../docs/catalog-format.md"
	md, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	var catalogs []string
	for i, block := range strings.Split(string(md), "```")[1:] {
		// Odd pieces are code blocks; a complete catalog has products.
		if i%2 == 0 && strings.HasPrefix(block, "json\n") && strings.Contains(block, `"products"`) {
			catalogs = append(catalogs, strings.TrimPrefix(block, "json\n"))
		}
	}
	if got, want := len(catalogs), 2; got != want {
		t.Fatalf("%s has %d complete catalogs, want %d (the minimal one and the complete example)", doc, got, want)
	}
	sch := compileSchema(t)
	var example *Catalog
	for i, src := range catalogs {
		c, err := Parse(fmt.Sprintf("%s example %d", doc, i+1), []byte(src), nil)
		if err != nil {
			t.Errorf("Parse: %v", err)
			continue
		}
		if err := validateSchema(sch, []byte(src)); err != nil {
			t.Errorf("schema.json rejects example %d of %s:\n%v", i+1, doc, err)
		}
		example = c
	}
	if example == nil {
		return
	}
	// The worked price: four 800 mm walnut tables with four legs and a shelf.
	p := example.Product("side-table")
	decisions := map[string]Value{}
	for id, s := range map[string]string{"width": "800", "top": "walnut", "extras": "shelf"} {
		v, err := p.Feature(id).ParseValue(s)
		if err != nil {
			t.Fatal(err)
		}
		decisions[id] = v
	}
	cfg := p.Resolve(decisions)
	if v := cfg.Violations(); len(v) > 0 {
		t.Errorf("the worked configuration breaks rule %q", v[0].ID)
	}
	price, err := example.ListPrice(cfg, 4, "en")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := price.Unit.StringFixed(2), "327.75"; got != want {
		t.Errorf("unit price: got %s, want %s (lines %v)", got, want, price.Lines)
	}
	if got, want := price.Total.StringFixed(2), "1311.00"; got != want {
		t.Errorf("total: got %s, want %s", got, want)
	}
	// A 1200 mm table starts with six legs (the conditional default).
	wide, err := p.Feature("width").ParseValue("1200")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Resolve(map[string]Value{"width": wide}).Values["legs"].Num.String(); got != "6" {
		t.Errorf("legs of a 1200 mm table: got %s, want 6", got)
	}
}

// TestSchemaDescriptions makes sure every property in schema.json has a
// description, so that editors can show help for every key.
func TestSchemaDescriptions(t *testing.T) {
	data, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			if a, ok := v.([]any); ok {
				for _, it := range a {
					walk(path+"/*", it)
				}
			}
			return
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for k, p := range props {
				ps, ok := p.(map[string]any)
				if !ok { // false: a key forbidden for one kind
					continue
				}
				if d, _ := ps["description"].(string); d == "" {
					t.Errorf("%s/properties/%s has no description", path, k)
				}
			}
		}
		for k, sub := range m {
			if k == "if" { // matches kinds; shows no help
				continue
			}
			walk(path+"/"+k, sub)
		}
	}
	walk("#", doc)
}

// jsonTree is a catalog as a generic JSON tree that test cases change.
type jsonTree map[string]any

// minimalSchemaCatalog returns a small valid catalog.
func minimalSchemaCatalog() jsonTree {
	var c jsonTree
	if err := json.Unmarshal([]byte(`{
  "format": "atelier-catalog/1",
  "id": "test",
  "version": "1.0",
  "name": "Test catalog",
  "manufacturer": {"id": "acme", "name": "Acme"},
  "currency": "EUR",
  "units": "mm",
  "validFrom": "2026-01-01",
  "materials": [
    {"id": "oak", "name": "Oak", "color": "#8a5a2b", "finish": "satin", "pattern": "wood"},
    {"id": "steel", "name": "Steel", "color": "#888", "finish": "metal"}
  ],
  "products": [{
    "id": "desk",
    "name": "Desk",
    "sku": "D1",
    "basePrice": "100.00",
    "features": [
      {"id": "width", "name": "Width", "kind": "number", "min": 1000, "max": 2000, "step": 100, "unit": "mm"},
      {"id": "top", "name": "Top", "kind": "choice", "options": [
        {"id": "oak", "name": "Oak", "material": "oak", "sku": "OA"},
        {"id": "steel", "name": "Steel", "material": "steel", "price": "20.50", "sku": "ST"}
      ]}
    ],
    "geometry": {"parts": [
      {"id": "top", "shape": "box", "size": ["width", 25, 800], "position": [0, 727.5, 0], "materialFrom": "top"}
    ]}
  }]
}`), &c); err != nil {
		panic(err)
	}
	return c
}

func (c jsonTree) material(i int) map[string]any { return c["materials"].([]any)[i].(map[string]any) }

func (c jsonTree) product() map[string]any { return c["products"].([]any)[0].(map[string]any) }

func (c jsonTree) feature(i int) map[string]any {
	return c.product()["features"].([]any)[i].(map[string]any)
}

func (c jsonTree) option(feature, i int) map[string]any {
	return c.feature(feature)["options"].([]any)[i].(map[string]any)
}

func (c jsonTree) geometry() map[string]any { return c.product()["geometry"].(map[string]any) }

func (c jsonTree) part() map[string]any { return c.geometry()["parts"].([]any)[0].(map[string]any) }

// appendJSON appends items, written as JSON, to the array m[key].
func appendJSON(m map[string]any, key string, items ...string) {
	list, _ := m[key].([]any)
	for _, it := range items {
		var v any
		if err := json.Unmarshal([]byte(it), &v); err != nil {
			panic(fmt.Sprintf("%v in %s", err, it))
		}
		list = append(list, v)
	}
	m[key] = list
}

// TestSchemaAgreesWithParser checks small catalogs that schema.json and Parse
// must both accept, and broken ones that both must reject.
func TestSchemaAgreesWithParser(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct {
		name   string
		change func(c jsonTree)
		assets map[string][]byte
		// For broken catalogs: a part of the parser's message and of the
		// schema validator's (usually the location of the error).
		parserErr, schemaErr string
	}{
		{name: "minimal", change: func(jsonTree) {}},
		{name: "localized texts", change: func(c jsonTree) {
			c["languages"] = []any{"de", "en", "pt-BR"}
			c["name"] = map[string]any{"de": "Testkatalog", "en": "Test catalog"}
			c.material(0)["name"] = map[string]any{"de": "Eiche", "pt-BR": "Carvalho"}
			c.material(1)["name"] = "Stahl"
			c.product()["name"] = "Tisch"
			c.feature(0)["name"] = "Breite"
			c.feature(1)["name"] = "Platte"
			for _, o := range c.feature(1)["options"].([]any) {
				o.(map[string]any)["name"] = "X"
			}
		}},
		{name: "decimals as numbers and strings", change: func(c jsonTree) {
			c.product()["basePrice"] = json.Number("649.9")
			c.feature(0)["min"] = "1000"
			c.feature(0)["max"] = json.Number("2e3")
			c.feature(0)["step"] = "0.5"
			c.feature(0)["default"] = "1200.5"
			c.option(1, 1)["price"] = json.Number("-12.125")
		}},
		{name: "extensions and comments anywhere", change: func(c jsonTree) {
			c["$schema"] = "./schema.json"
			c["$comment"] = "made by hand"
			c["x-generator"] = map[string]any{"name": "sheet2catalog"}
			c["manufacturer"].(map[string]any)["x-erp-id"] = 42
			c.product()["x-notes"] = []any{"a", "b"}
			c.option(1, 0)["$comment"] = "the usual one"
			c.geometry()["x-camera"] = "front"
			c.part()["x-layer"] = 2
		}},
		{name: "all feature kinds", change: func(c jsonTree) {
			appendJSON(c.product(), "features",
				`{"id": "extras", "name": "Extras", "kind": "multi", "minSelected": 0, "maxSelected": 2, "default": ["tray"], "options": [
					{"id": "tray", "name": "Cable tray"}, {"id": "lamp", "name": "Lamp"}, {"id": "hook", "name": "Bag hook"}]}`,
				`{"id": "engraving", "name": "Engraving", "kind": "text", "maxLength": 20, "charset": "A-Za-z0-9 .-", "default": "ACME"}`,
				`{"id": "legs", "name": "Legs", "kind": "number", "min": "2", "max": "6", "unit": "pcs", "default": 4, "group": "Frame"}`)
			c.feature(1)["default"] = "steel"
		}},
		{name: "all rule kinds", change: func(c jsonTree) {
			appendJSON(c.product(), "features",
				`{"id": "extras", "name": "Extras", "kind": "multi", "options": [{"id": "tray", "name": "Tray"}]}`)
			appendJSON(c.product(), "rules",
				`{"id": "wide-steel", "kind": "requires", "when": "width > 1600", "then": "top == \"steel\"", "message": "Wide desks need a steel top."}`,
				`{"id": "no-tray", "kind": "excludes", "when": "top == 'steel'", "then": "extras has \"tray\"", "message": "No tray under steel."}`,
				`{"id": "max-width", "kind": "constraint", "expr": "width <= 1900 or count(extras) == 0", "message": "Too wide."}`,
				`{"id": "combos", "kind": "table", "features": ["top", "width"], "allow": [["oak", "*"], ["steel", 1000], ["steel", "1100"]], "message": "Not made."}`)
		}},
		{name: "defaults and presets", change: func(c jsonTree) {
			appendJSON(c.product(), "defaults", `{"when": "width >= 1800", "feature": "top", "value": "steel"}`)
			appendJSON(c.product(), "presets", `{"id": "big", "name": "Big", "description": "The big one", "values": {"width": "2000", "top": "steel"}}`)
		}},
		{name: "pricing", change: func(c jsonTree) {
			appendJSON(c.product(), "pricing",
				`{"id": "area", "kind": "formula", "label": "Area", "amount": "width / 1000 * 85"}`,
				`{"id": "fixed", "kind": "formula", "label": "Packing", "amount": 15}`,
				`{"id": "steel", "kind": "surcharge", "label": "Steel", "when": "top == \"steel\"", "percent": "120"}`,
				`{"id": "bulk", "kind": "discount", "label": "Bulk", "when": "quantity >= 3", "percent": 5}`,
				`{"id": "promo", "kind": "discount", "label": "Promotion", "when": true, "amount": "10"}`)
			appendJSON(c.product(), "quantityBreaks", `{"minQuantity": 5, "percent": "4"}`, `{"minQuantity": 10, "percent": 8.5}`)
		}},
		{name: "every shape", change: func(c jsonTree) {
			appendJSON(c.geometry(), "parts",
				`{"id": "panel", "name": "Panel", "shape": "roundedBox", "size": [100, 200, 18], "radius": 4, "position": [0, 100, -300], "rotation": [0, 90, 0], "material": "oak", "visible": "top == \"oak\""}`,
				`{"id": "leg", "shape": "cylinder", "radius": 20, "length": 702, "axis": "y", "segments": 16, "position": ["(i * 2 - 1) * (width / 2 - 50)", 351, 0], "material": "steel", "repeat": {"count": 2}}`,
				`{"id": "rail", "shape": "extrusion", "length": "width - 100", "axis": "x", "profile": [[0, 0], [30, 0], [30, 20], [0, "20"]], "position": [0, 650, "k * 100"], "material": "steel", "repeat": {"count": 3, "var": "k"}, "visible": false}`)
		}},
		{name: "bill of materials", change: func(c jsonTree) {
			appendJSON(c.product(), "bom",
				`{"sku": "TOP-{top}-{width}", "name": "Top", "quantity": 1}`,
				`{"sku": "SCREW-M6", "name": "Screws", "quantity": "if(width > 1600, 12, 8)", "unit": "pcs", "when": "top != \"steel\""}`,
				`{"sku": "CABLE", "name": "Cable", "quantity": "width / 1000", "unit": "m"}`)
		}},
		{name: "images in a folder catalog", assets: map[string][]byte{"swatches/oak.png": tinyPNG()}, change: func(c jsonTree) {
			c.material(0)["swatch"] = "swatches/oak.png"
			c.product()["image"] = "swatches/oak.png"
		}},
		{name: "price groups and optional keys", change: func(c jsonTree) {
			c["priceGroups"] = []any{map[string]any{"id": "desks", "name": "Desks"}}
			c["description"] = "All our desks"
			c["validUntil"] = "2028-02-29"
			c["manufacturer"].(map[string]any)["address"] = "Main Street 1\n12345 Town"
			c.product()["priceGroup"] = "desks"
			c.product()["category"] = "Desks"
			c.product()["leadTimeDays"] = 21
			c.product()["description"] = map[string]any{"en": "A desk"}
		}},

		// Broken catalogs.
		{name: "bad finish", parserErr: `"finish" of a material must be one of`, schemaErr: "at '/materials/0/finish'",
			change: func(c jsonTree) { c.material(0)["finish"] = "shiny" }},
		{name: "unknown key", parserErr: `unknown key "nmae" in the catalog (did you mean "name"?)`, schemaErr: "at ''",
			change: func(c jsonTree) { c["nmae"] = "typo" }},
		{name: "unknown key in a feature", parserErr: `unknown key "mni"`, schemaErr: "at '/products/0/features/0'",
			change: func(c jsonTree) { c.feature(0)["mni"] = 1 }},
		{name: "number feature without min", parserErr: `feature "width" has no "min"`, schemaErr: "at '/products/0/features/0'",
			change: func(c jsonTree) { delete(c.feature(0), "min") }},
		{name: "number feature without unit", parserErr: `feature "width" has no "unit"`, schemaErr: "at '/products/0/features/0'",
			change: func(c jsonTree) { delete(c.feature(0), "unit") }},
		{name: "key of another kind", parserErr: `unknown key "min" in feature "top"`, schemaErr: "at '/products/0/features/1/min'",
			change: func(c jsonTree) { c.feature(1)["min"] = 1 }},
		{name: "choice without options", parserErr: `feature "top" has no "options"`, schemaErr: "at '/products/0/features/1'",
			change: func(c jsonTree) { delete(c.feature(1), "options") }},
		{name: "text feature without maxLength", parserErr: `has no "maxLength"`, schemaErr: "at '/products/0/features/2'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "features", `{"id": "engraving", "name": "Engraving", "kind": "text"}`)
			}},
		{name: "reserved feature id", parserErr: `feature id "count" is a reserved word`, schemaErr: "at '/products/0/features/0/id'",
			change: func(c jsonTree) { c.feature(0)["id"] = "count" }},
		{name: "feature id with a hyphen", parserErr: `feature id "shelf-count" is not valid`, schemaErr: "at '/products/0/features/0/id'",
			change: func(c jsonTree) { c.feature(0)["id"] = "shelf-count" }},
		{name: "upper-case id", parserErr: `"Desk" is not a valid id`, schemaErr: "at '/products/0/id'",
			change: func(c jsonTree) { c.product()["id"] = "Desk" }},
		{name: "bad colour", parserErr: `bad colour "#12345"`, schemaErr: "at '/materials/0/color'",
			change: func(c jsonTree) { c.material(0)["color"] = "#12345" }},
		{name: "too many decimals", parserErr: `"basePrice" is not a valid amount "100.0000001"`, schemaErr: "at '/products/0/basePrice'",
			change: func(c jsonTree) { c.product()["basePrice"] = "100.0000001" }},
		{name: "too many decimals in a number", parserErr: `is not a valid amount "20.1234567"`, schemaErr: "at '/products/0/features/1/options/1/price'",
			change: func(c jsonTree) {
				c.option(1, 1)["price"] = json.Number("20.1234567")
			}},
		{name: "negative base price", parserErr: `basePrice must not be negative`, schemaErr: "at '/products/0/basePrice'",
			change: func(c jsonTree) { c.product()["basePrice"] = "-1" }},
		{name: "date that does not exist", parserErr: `"2026-02-30" is not a date`, schemaErr: "at '/validFrom'",
			change: func(c jsonTree) { c["validFrom"] = "2026-02-30" }},
		{name: "no leap day", parserErr: `"2027-02-29" is not a date`, schemaErr: "at '/validUntil'",
			change: func(c jsonTree) { c["validUntil"] = "2027-02-29" }},
		{name: "other format version", parserErr: `unsupported format "atelier-catalog/2"`, schemaErr: "at '/format'",
			change: func(c jsonTree) { c["format"] = "atelier-catalog/2" }},
		{name: "no products", parserErr: `the catalog has no products`, schemaErr: "at '/products'",
			change: func(c jsonTree) { c["products"] = []any{} }},
		{name: "language code in upper case", parserErr: `"EN" is not a language code`, schemaErr: "invalid propertyName 'EN'",
			change: func(c jsonTree) { c["name"] = map[string]any{"EN": "Test"} }},
		{name: "extension inside a text", parserErr: `"x-note" is not a language code`, schemaErr: "invalid propertyName 'x-note'",
			change: func(c jsonTree) { c["name"] = map[string]any{"en": "Test", "x-note": "no"} }},
		{name: "invisible direction control", parserErr: `invisible direction control U+202E`, schemaErr: "at '/products/0/name'",
			change: func(c jsonTree) { c.product()["name"] = "Desk \u202etxt.exe" }},
		{name: "fractional lead time", parserErr: `"leadTimeDays" of product "desk" must be a whole number`, schemaErr: "at '/products/0/leadTimeDays'",
			change: func(c jsonTree) { c.product()["leadTimeDays"] = 2.5 }},
		{name: "discount over 100 percent", parserErr: `at most 100 for a discount`, schemaErr: "at '/products/0/pricing/0/percent'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "pricing", `{"id": "all", "kind": "discount", "label": "All", "when": "true", "percent": "150"}`)
			}},
		{name: "surcharge without when", parserErr: `a surcharge needs a "when" condition`, schemaErr: "at '/products/0/pricing/0'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "pricing", `{"id": "s", "kind": "surcharge", "label": "S", "amount": 5}`)
			}},
		{name: "amount and percent", parserErr: `either "amount" or "percent", not both`, schemaErr: "at '/products/0/pricing/0'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "pricing", `{"id": "s", "kind": "surcharge", "label": "S", "when": "true", "amount": 5, "percent": 5}`)
			}},
		{name: "formula with percent", parserErr: `a formula computes an "amount"`, schemaErr: "at '/products/0/pricing/0/percent'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "pricing", `{"id": "f", "kind": "formula", "label": "F", "percent": 5}`)
			}},
		{name: "quantity break for one piece", parserErr: `"minQuantity" is 1, out of range (2 to 1000000)`, schemaErr: "at '/products/0/quantityBreaks/0/minQuantity'",
			change: func(c jsonTree) { appendJSON(c.product(), "quantityBreaks", `{"minQuantity": 1, "percent": 5}`) }},
		{name: "box without size", parserErr: `part "top" has no "size"`, schemaErr: "at '/products/0/geometry/parts/0'",
			change: func(c jsonTree) { delete(c.part(), "size") }},
		{name: "box with a radius", parserErr: `unknown key "radius" in part "top"`, schemaErr: "at '/products/0/geometry/parts/0/radius'",
			change: func(c jsonTree) { c.part()["radius"] = 3 }},
		{name: "cylinder with a size", parserErr: `unknown key "size" in part "top"`, schemaErr: "at '/products/0/geometry/parts/0/size'",
			change: func(c jsonTree) {
				c.part()["shape"] = "cylinder"
				c.part()["radius"] = 20
				c.part()["length"] = 700
			}},
		{name: "extrusion with two points", parserErr: `a profile needs at least 3 points, not 2`, schemaErr: "at '/products/0/geometry/parts/0/profile'",
			change: func(c jsonTree) {
				p := c.part()
				delete(p, "size")
				p["shape"], p["length"] = "extrusion", 100
				p["profile"] = []any{[]any{0, 0}, []any{1, 1}}
			}},
		{name: "position with two values", parserErr: `"position" needs 3 values (x, y, z), not 2`, schemaErr: "at '/products/0/geometry/parts/0/position'",
			change: func(c jsonTree) { c.part()["position"] = []any{0, 0} }},
		{name: "material and materialFrom", parserErr: `either "material" or "materialFrom", not both`, schemaErr: "at '/products/0/geometry/parts/0'",
			change: func(c jsonTree) { c.part()["material"] = "oak" }},
		{name: "no material", parserErr: `part "top" needs a "material" or "materialFrom"`, schemaErr: "at '/products/0/geometry/parts/0'",
			change: func(c jsonTree) { delete(c.part(), "materialFrom") }},
		{name: "reserved repeat variable", parserErr: `repeat variable "if" must be a name`, schemaErr: "at '/products/0/geometry/parts/0/repeat/var'",
			change: func(c jsonTree) { c.part()["repeat"] = map[string]any{"count": 2, "var": "if"} }},
		{name: "blank expression", parserErr: `expression is empty`, schemaErr: "at '/products/0/geometry/parts/0/visible'",
			change: func(c jsonTree) { c.part()["visible"] = "  " }},
		{name: "number as a condition", parserErr: `"visible" must be a condition (true or false), but "1" is a number`, schemaErr: "at '/products/0/geometry/parts/0/visible'",
			change: func(c jsonTree) { c.part()["visible"] = 1 }},
		{name: "condition as a size", parserErr: `"size" must be a number, but "true" is a condition`, schemaErr: "at '/products/0/geometry/parts/0/size/2'",
			change: func(c jsonTree) { c.part()["size"] = []any{"width", 25, true} }},
		{name: "table of one feature", parserErr: `a table relates 2 or more features`, schemaErr: "at '/products/0/rules/0/features'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "rules", `{"id": "t", "kind": "table", "features": ["top"], "allow": [["oak"]], "message": "M"}`)
			}},
		{name: "when in a constraint", parserErr: `unknown key "when" in rule "c"`, schemaErr: "at '/products/0/rules/0/when'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "rules", `{"id": "c", "kind": "constraint", "when": "true", "expr": "width > 1000", "message": "M"}`)
			}},
		{name: "SKU with a space", parserErr: `SKU "TOP {top}" may hold only`, schemaErr: "at '/products/0/bom/0/sku'",
			change: func(c jsonTree) { appendJSON(c.product(), "bom", `{"sku": "TOP {top}", "name": "Top", "quantity": 1}`) }},
		{name: "unknown BOM unit", parserErr: `"unit" of a bill of materials item must be one of`, schemaErr: "at '/products/0/bom/0/unit'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "bom", `{"sku": "X", "name": "X", "quantity": 1, "unit": "inch"}`)
			}},
		{name: "duplicate option in a multi default", parserErr: `default lists "tray" twice`, schemaErr: "at '/products/0/features/2/default'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "features", `{"id": "extras", "name": "Extras", "kind": "multi", "default": ["tray", "tray"], "options": [{"id": "tray", "name": "Tray"}]}`)
			}},
		{name: "boolean preset value", parserErr: `preset value of "top" must be an option id (a string), not a boolean`, schemaErr: "at '/products/0/presets/0/values/top'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "presets", `{"id": "p", "name": "P", "values": {"top": true}}`)
			}},
		{name: "charset with brackets", parserErr: `charset "[A-Z]" is not a valid character class body`, schemaErr: "at '/products/0/features/2/charset'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "features", `{"id": "engraving", "name": "Engraving", "kind": "text", "maxLength": 8, "charset": "[A-Z]"}`)
			}},
		{name: "preset values take no comments", parserErr: `unknown feature "$comment" in preset "p"`, schemaErr: "invalid propertyName '$comment'",
			change: func(c jsonTree) {
				appendJSON(c.product(), "presets", `{"id": "p", "name": "P", "values": {"$comment": "no"}}`)
			}},
		{name: "empty version", parserErr: `"version" of the catalog must not be empty`, schemaErr: "at '/version'",
			change: func(c jsonTree) { c["version"] = "" }},
		{name: "empty validFrom", parserErr: `"validFrom" of the catalog must not be empty`, schemaErr: "at '/validFrom'",
			change: func(c jsonTree) { c["validFrom"] = "" }},
		{name: "empty colour", parserErr: `"color" of a material must not be empty`, schemaErr: "at '/materials/0/color'",
			change: func(c jsonTree) { c.material(0)["color"] = "" }},
		{name: "empty feature id", parserErr: `"id" of a feature must not be empty`, schemaErr: "at '/products/0/features/0/id'",
			change: func(c jsonTree) {
				c.feature(0)["id"] = ""
				c.part()["size"] = []any{1000, 25, 800}
			}},
		{name: "empty position", parserErr: `"position" needs 3 values (x, y, z), not 0`, schemaErr: "at '/products/0/geometry/parts/0/position'",
			change: func(c jsonTree) { c.part()["position"] = []any{} }},
		{name: "segments out of range", parserErr: `"segments" is 2, out of range (3 to 256)`, schemaErr: "at '/products/0/geometry/parts/0/segments'",
			change: func(c jsonTree) {
				p := c.part()
				delete(p, "size")
				p["shape"], p["radius"], p["length"], p["segments"] = "cylinder", 20, 700, 2
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := minimalSchemaCatalog()
			tt.change(c)
			data, err := json.MarshalIndent(c, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			_, parseErr := Parse("test.json", data, tt.assets)
			schemaErr := validateSchema(sch, data)
			if tt.parserErr == "" {
				if parseErr != nil {
					t.Errorf("Parse: got %v, want no error", parseErr)
				}
				if schemaErr != nil {
					t.Errorf("schema: got %v, want no error", schemaErr)
				}
				return
			}
			if parseErr == nil || !strings.Contains(parseErr.Error(), tt.parserErr) {
				t.Errorf("Parse: got %v, want an error containing %q", parseErr, tt.parserErr)
			}
			if schemaErr == nil || !strings.Contains(schemaErr.Error(), tt.schemaErr) {
				t.Errorf("schema: got %v, want an error containing %q", schemaErr, tt.schemaErr)
			}
		})
	}
}
