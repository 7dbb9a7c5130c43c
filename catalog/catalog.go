// Package catalog holds a manufacturer's data: the types of catalog format v1,
// its parser and validation (with precise error positions), configurations
// and pricing. It knows nothing of windows or databases.
//
// The format is documented in docs/catalog-format.md and described for
// editors by schema.json in this folder.
package catalog

import (
	"time"

	"github.com/atelier-app/atelier/catalog/expr"
	"github.com/atelier-app/atelier/catalog/jsonnode"
	"github.com/shopspring/decimal"
)

// FormatV1 is the value of the "format" key of a version 1 catalog.
const FormatV1 = "atelier-catalog/1"

// Pos is a position in a catalog source file.
type Pos = jsonnode.Pos

// Catalog is a manufacturer's published catalog.
type Catalog struct {
	Format          string
	ID              string
	Version         string
	Name            Text
	Description     Text
	Manufacturer    Manufacturer
	Currency        string // ISO 4217, e.g. "EUR"
	Units           string // length unit of all dimensions: "mm"
	ValidFrom       time.Time
	ValidUntil      time.Time // zero: no end
	Languages       []string  // first is the default
	Materials       []*Material
	Products        []*Product
	PriceGroups     []*PriceGroup
	File            string            // where it was read from, for messages
	Assets          map[string][]byte // images etc. by path, when loaded from a folder or zip
	materialsByID   map[string]*Material
	productsByID    map[string]*Product
	priceGroupsByID map[string]*PriceGroup
}

// Manufacturer identifies who publishes the catalog.
type Manufacturer struct {
	ID      string
	Name    string
	Address string
	Email   string
	Website string
	// Orders is where the manufacturer takes orders from Atelier: nil when
	// its catalog names no inbox. Trusted only as far as the catalog is:
	// a dealer's app delivers only to the inbox of a signed catalog.
	Orders *OrderAddress
}

// OrderAddress is a manufacturer's order inbox: an SFTP server (with the
// host key the dealer's app pins) or a folder (a mounted share).
type OrderAddress struct {
	SFTP    string // host:port
	User    string // the login; "": the dealer code in lower case
	HostKey string // the server's host key, as authorized_keys writes it
	Folder  string // a share's path on the dealer's machine
}

// Text is a text in several languages, keyed by language code ("en", "de").
// In the file it is either a plain string (in the catalog's default
// language) or an object of language -> text.
type Text map[string]string

// In returns the text in lang, else in fallback, else any language.
func (t Text) In(lang, fallback string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	if s, ok := t[fallback]; ok {
		return s
	}
	best := ""
	for k := range t { // deterministic: the smallest language code
		if best == "" || k < best {
			best = k
		}
	}
	return t[best]
}

// PriceGroup groups products for dealer discounts ("desks", "seating").
type PriceGroup struct {
	ID   string
	Name Text
	Pos  Pos
}

// Finish is how a material's surface reflects light.
type Finish string

// Finishes.
const (
	Matte Finish = "matte"
	Satin Finish = "satin"
	Gloss Finish = "gloss"
	Metal Finish = "metal"
	Glass Finish = "glass"
)

// Finishes lists the valid finishes.
var Finishes = []Finish{Matte, Satin, Gloss, Metal, Glass}

// Pattern is a procedural surface pattern.
type Pattern string

// Patterns.
const (
	NoPattern Pattern = "none"
	Wood      Pattern = "wood"
	Fabric    Pattern = "fabric"
	Brushed   Pattern = "brushed"
	Stone     Pattern = "stone"
)

// Patterns lists the valid patterns.
var Patterns = []Pattern{NoPattern, Wood, Fabric, Brushed, Stone}

// Color is an sRGB colour.
type Color struct{ R, G, B uint8 }

// Material is a surface: colour, finish and pattern, for swatches and rendering.
type Material struct {
	ID      string
	Name    Text
	Color   Color
	Finish  Finish
	Pattern Pattern
	Swatch  string // optional image asset path
	Pos     Pos
}

// FeatureKind is the kind of an option group.
type FeatureKind string

// Feature kinds.
const (
	Choice  FeatureKind = "choice" // exactly one option
	Multi   FeatureKind = "multi"  // a subset of the options
	Number  FeatureKind = "number" // a number on a grid
	Textual FeatureKind = "text"   // a free text
)

// Product is one configurable article.
type Product struct {
	ID             string
	Name           Text
	Description    Text
	Category       Text
	PriceGroup     string
	SKU            string
	BasePrice      decimal.Decimal
	LeadTimeDays   int
	Image          string
	Features       []*Feature
	Rules          []*Rule
	Defaults       []*ConditionalDefault
	Presets        []*Preset
	Needs          []*Need // questions for a customer who does not know where to begin
	Pricing        []*PriceRule
	QuantityBreaks []*QuantityBreak
	Parts          []*Part
	BOM            []*BOMItem
	Pos            Pos
	featuresByID   map[string]*Feature
}

// Feature is an option group the customer decides.
type Feature struct {
	ID          string
	Name        Text
	Description Text
	Kind        FeatureKind
	Group       Text // section in the option panel, e.g. "Dimensions"
	Options     []*Option
	// multi
	MinSelected int
	MaxSelected int
	// number
	Min, Max, Step decimal.Decimal
	Unit           string
	// text
	MaxLength int
	Charset   string // allowed characters as a regular-expression class body, e.g. "A-Za-z0-9 .-"
	Default   Value
	Pos       Pos
	optionsBy map[string]*Option
}

// Option is one possible answer of a choice or multi feature.
type Option struct {
	ID          string
	Name        Text
	Description Text
	Price       decimal.Decimal
	SKU         string // fragment of the article code
	Material    string // material id, optional
	Swatch      string // image asset path, optional
	// Popularity is how often customers choose it, from the
	// manufacturer's sales (a share or a count, relative to the feature's
	// other options; 0: not said): a prior for recommendations.
	Popularity float64
	Pos        Pos
}

// Value is a decision or default for one feature: an option id (choice), a
// set of option ids (multi), a number (number) or a text (text).
type Value struct {
	Kind FeatureKind
	Str  string
	Set  []string
	Num  decimal.Decimal
}

// RuleKind is a kind of configuration rule.
type RuleKind string

// Rule kinds.
const (
	Requires   RuleKind = "requires"
	Excludes   RuleKind = "excludes"
	Table      RuleKind = "table"
	Constraint RuleKind = "constraint"
)

// Rule restricts which configurations are valid.
type Rule struct {
	ID      string
	Kind    RuleKind
	Message Text // what the customer reads when the rule blocks an option
	// requires: When implies Then. excludes: When and Then cannot both hold.
	When, Then *Expr
	// constraint: Expr must hold.
	Expr *Expr
	// table: the allowed combinations of Features; "*" matches anything.
	Features []string
	Allow    [][]TableCell
	Pos      Pos
}

// TableCell is one cell of a compatibility table.
type TableCell struct {
	Any bool // "*"
	Str string
	Num decimal.Decimal
	Pos Pos
}

// Expr is an expression from the catalog with its source position.
type Expr struct {
	Src  string
	Root expr.Node
	Type expr.Type
	Pos  Pos
}

// ConditionalDefault suggests a value for a feature when a condition holds.
type ConditionalDefault struct {
	When    *Expr
	Feature string
	Value   Value
	Pos     Pos
}

// Preset is a named starting configuration.
type Preset struct {
	ID          string
	Name        Text
	Description Text
	Values      map[string]Value
	Order       []string // feature ids in file order
	Pos         Pos
}

// Need is a question for a customer who does not know where to begin
// ("How many people sit on it daily?"); each answer sets some features.
type Need struct {
	ID       string
	Question Text
	Answers  []*NeedAnswer
	Pos      Pos
}

// NeedAnswer is one answer to a Need and the values it sets.
type NeedAnswer struct {
	ID     string
	Label  Text
	Values map[string]Value
	Order  []string // feature ids in file order
	Pos    Pos
}

// PriceRuleKind is the kind of a price rule.
type PriceRuleKind string

// Price rule kinds.
const (
	Formula   PriceRuleKind = "formula"   // an amount computed from the features
	Surcharge PriceRuleKind = "surcharge" // an amount or percentage added when a condition holds
	Discount  PriceRuleKind = "discount"  // an amount or percentage taken off when a condition holds
)

// PriceRule is one line of a product's price beyond base and option prices.
type PriceRule struct {
	ID      string
	Kind    PriceRuleKind
	Label   Text
	When    *Expr // optional
	Amount  *Expr // money, or nil when Percent is set
	Percent *decimal.Decimal
	Pos     Pos
}

// QuantityBreak is a discount for ordering at least MinQuantity pieces.
type QuantityBreak struct {
	MinQuantity int
	Percent     decimal.Decimal
	Pos         Pos
}

// Shape is a kind of geometric primitive.
type Shape string

// Shapes.
const (
	Box        Shape = "box"
	RoundedBox Shape = "roundedBox"
	Cylinder   Shape = "cylinder"
	Extrusion  Shape = "extrusion"
)

// Part is a parametric piece of the product's geometry, in millimetres.
// The coordinate system: x to the right (width), y up (height), z towards
// the viewer (depth); the origin is on the floor at the product's centre.
type Part struct {
	ID           string
	Name         Text
	Shape        Shape
	Size         [3]*Expr // box, roundedBox: width, height, depth
	Position     [3]*Expr // centre of the part
	Rotation     [3]*Expr // degrees about x, y, z (applied in that order), optional
	Radius       *Expr    // cylinder radius; roundedBox corner radius
	Length       *Expr    // cylinder and extrusion length along Axis
	Axis         string   // "x", "y" or "z"
	Segments     int      // cylinder facets
	Profile      [][2]*Expr
	Material     string // a material id
	MaterialFrom string // or the material of the option chosen in this feature
	Visible      *Expr
	Repeat       *Repeat
	Pos          Pos
}

// MaxParts is the most parts a product draws for one configuration,
// repeats included (the renderer's limit; lint reports a part repeated
// beyond it).
const MaxParts = 2000

// Repeat draws a part Count times with Var set to 0..Count-1.
type Repeat struct {
	Count *Expr
	Var   string
}

// BOMItem is a component of the bill of materials.
type BOMItem struct {
	SKU      string // may contain {feature} placeholders
	Name     Text
	Quantity *Expr
	Unit     string
	When     *Expr
	// Parts are the ids of the geometry parts that draw this component
	// (optional): for every configuration, the item's quantity should be
	// the number of those parts drawn, and lint warns where it is not.
	Parts []string
	Pos   Pos
}

// Product returns the product with the given id, or nil.
func (c *Catalog) Product(id string) *Product { return c.productsByID[id] }

// Material returns the material with the given id, or nil.
func (c *Catalog) Material(id string) *Material { return c.materialsByID[id] }

// DefaultLanguage is the language of plain-string texts.
func (c *Catalog) DefaultLanguage() string {
	if len(c.Languages) == 0 {
		return "en"
	}
	return c.Languages[0]
}

// Feature returns the product's feature with the given id, or nil.
func (p *Product) Feature(id string) *Feature { return p.featuresByID[id] }

// Option returns the feature's option with the given id, or nil.
func (f *Feature) Option(id string) *Option { return f.optionsBy[id] }
