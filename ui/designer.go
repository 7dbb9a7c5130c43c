// Package ui holds Atelier's Fyne widgets and windows. It never imports
// fyne.io/fyne/v2/app (main does), so its tests run headless with Fyne's
// test driver.
package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/render"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// Designer is the main screen: product chooser, live preview, option panel
// and price. Every change goes to the configuration engine off the UI
// goroutine; its answer greys out what is no longer possible.
type Designer struct {
	cat  *catalog.Catalog
	lang string
	win  fyne.Window // for dialogs; nil in some tests

	product   *catalog.Product
	decisions map[string]catalog.Value
	config    *catalog.Config
	engine    *engine
	engines   map[string]*engine // compiled once per product
	domains   *rules.Domains     // the newest answer, or nil while it is computed
	gen       uint64             // incremented with every change of decisions
	undo      []map[string]catalog.Value
	redo      []map[string]catalog.Value
	step      undoStep         // the newest undo step, for merging a gesture's changes (undo.go)
	clock     func() time.Time // nil: time.Now (tests set it)
	// completed is the engine's newest completion shown (nil before its
	// first answer for the design); knockBase the one the newest step
	// started from, to tell its knock-on changes (knockon.go).
	completed map[string]catalog.Value
	knockBase map[string]catalog.Value
	dialogs   []*openDialog // shown with showDialog, newest last (escape.go)

	preview   *Preview
	chooser   *chooser // the products screen
	title     *widget.Label
	subtitle  *widget.Label
	options   *fyne.Container
	optScroll *container.Scroll
	total     *widget.Label   // the list price
	lines     *fyne.Container // one row per breakdown line: label, amount on the right
	waterfall *waterfallView  // dealer net, customer price, margin, tax, gross
	priceNote *widget.Label   // why there is no price
	status    *widget.Label
	variants  *widget.Label
	// The shop: the link to its other machines, where this one stands,
	// the status line's words for it, and the designs changed on two
	// machines (ui/shop.go).
	shop             ShopLink
	shopStatus       ShopStatus
	shopLabel        *widget.Label
	shopChangedTwice []int64
	shopTicking      bool
	undoBtn          *widget.Button
	redoBtn          *widget.Button
	main             fyne.CanvasObject // the designer screen
	root             fyne.CanvasObject // the window's content: the rail and the screens
	stack            *fyne.Container   // the screens, one shown at a time
	rail             *navRail
	screens          [screenCount]screenOf
	current          screen
	validity         *widget.Label // valid and complete, or not yet buildable
	validIcon        *widget.Icon
	kiosk            bool      // the showroom's designer: customer prices only
	showroom         *Showroom // the running showroom (the dealer's designer only)
	waiting          int       // designs waiting from the showroom
	afterOpen        func()    // runs once after the next design opened
	// onActivity, if set, is called with every change of the design (the
	// showroom's idle clock).
	onActivity func()
	views      fyne.CanvasObject // the preview's controls (kiosk: laid out by the showroom)
	pricing    fyne.CanvasObject // the price panel (kiosk: laid out by the showroom)
	grand      *canvas.Text      // kiosk: the total, large
	grandNote  *widget.Label     // kiosk: the tax it includes

	// The design as the library knows it, and saving.
	store        Store  // nil: no design library
	catalogID    int64  // the catalog record of cat in the store
	saveOff      string // why saving is off ("" when it is on)
	opening      bool   // the design library is opening
	doc          document
	saving       bool
	afterSave    func()       // runs once after the next successful save
	details      *detailsForm // the open save dialog
	asking       bool         // the save dialog is on its way
	autosave     *autosaver
	holdAutosave bool  // while the restore of an autosave is offered
	autosaved    bool  // the autosave slot may hold something to clear
	autosaveErr  error // the last autosave failed
	// autosaveDelay is the pause after a change before the autosave.
	autosaveDelay time.Duration
	library       *Library
	docName       *widget.Label
	docNote       *widget.Label
	newBtn        *widget.Button
	presetBtn     *widget.Button
	saveBtn       *widget.Button
	saveAsBtn     *widget.Button

	// panel is the option panel's sections, steps and sticky price.
	panel optionPanel
	// controls by feature id: show moves a control to a value, avail shows
	// what the engine allows.
	controls map[string]*featureControl
	// syncing is set while controls are moved to follow the configuration,
	// so that their change callbacks do not turn defaults into decisions.
	syncing  bool
	hoverTip string // the reason shown while the pointer is on an unavailable option
	// hoverQuiet: hoverTip is no warning (why an option is recommended)
	hoverQuiet bool
	// notice is a message for the status line ("“Desk” was added to the
	// order."): it stays until the next change of the design.
	notice     string
	noticeKind widget.Importance
	// tooHard is the engine's "too hard to check" answer for the current
	// decisions (else ""): it comes before the rules' own messages, which
	// the engine could not weigh.
	tooHard string

	// Recommendations (recommend.go): the recommender (nil: none), the
	// marks shown by feature, the newest question's cancel, Complete it
	// for me on its way, and the notice of what it set.
	recommender    Recommender
	recs           map[string]recommend.Recommendation
	recJobs        latest
	recCancel      context.CancelFunc
	completing     bool
	completeBtn    *widget.Button
	needs          *needsFlow // the needs-based questions being asked, or nil
	setBar         *fyne.Container
	setText        *widget.Label
	onRecommending func() // the showroom follows the privacy switch
	// OnRecommended, if set, is called on the UI goroutine after each
	// answer of the recommender has been shown (tests use it).
	OnRecommended func()

	// OnEngine, if set, is called on the UI goroutine after each answer of
	// the engine has been shown (tests use it).
	OnEngine func()
	// OnSaved, OnOpened and OnAutosaved, if set, are called on the UI
	// goroutine after a save, after a design is opened, and after each
	// autosave (tests use them).
	OnSaved     func()
	OnOpened    func()
	OnAutosaved func(error)
	// do runs a function on the UI goroutine (see buildDesigner).
	do func(func())

	// The dealer and the order being put together.
	prefs       fyne.Preferences // where settings and the draft order are kept; nil: nowhere
	dealer      DealerSettings
	settings    *settingsView // nil until first shown
	app         AppSettings   // units, language, theme, showroom
	host        Host
	logo        []byte // the dealer's logo for quotes (nil: none)
	catalogNote string // how far the catalog is trusted, for the status line
	draft       draftOrder
	customers   *customersView // nil until first shown
	catalogs    *catalogsView  // nil until first shown
	// OnCatalog, OnCatalogImported and OnUpgraded, if set, are called on
	// the UI goroutine after the catalog in use was restored, after a
	// catalog import ended and after designs were upgraded (tests).
	OnCatalog         func()
	OnCatalogImported func(*CatalogImport, error)
	OnUpgraded        func([]UpgradeResult)
	OnCompared        func(*comparison)
	// pendingCustomer is the customer the next new design is for (from
	// "New design for them").
	pendingCustomer *storage.Customer
	export          OrderExport
	order           *orderView // nil until first shown
	adding          bool       // a design is on its way into the order
	addBtn          *widget.Button
	// OnAdded and OnExported, if set, are called on the UI goroutine after
	// a design was added to the order and after an export (tests use them).
	OnAdded    func()
	OnExported func(path string, err error)
	// The outbox (ui/outbox.go, ui/sent.go): the way orders go to the
	// manufacturer, what was sent, and the status line's words for it.
	sender       OrderSender
	sent         *sentView // nil until first shown
	outboxItems  []storage.OutboxItem
	outboxNames  map[int64]string // the customer of each order sent, by order id
	outboxLabel  *widget.Label
	outboxGen    int
	outboxLoaded bool
	resending    map[int64]bool // orders being corrected and sent again
	// OnSent and OnOutbox, if set, are called on the UI goroutine after a
	// send and after the outbox was read (tests).
	OnSent   func(storage.OutboxItem, error)
	OnOutbox func()
	// OnImported, if set, is called on the UI goroutine after an order
	// package was imported or refused (tests use it).
	OnImported func(*orderfile.Imported, error)
}

// NewDesigner builds the designer for a catalog, showing its first product.
func NewDesigner(cat *catalog.Catalog, lang string) *Designer {
	return buildDesigner(cat, lang, fyne.Do, false)
}

// buildDesigner is NewDesigner with the way background work reaches the UI
// goroutine: fyne.Do, or in tests a queue the test drains on its own
// goroutine (Fyne's test driver runs fyne.Do on the calling goroutine).
//
// A kiosk designer is the showroom's: customer prices only, and no
// screens but its own (the showroom lays it out).
func buildDesigner(cat *catalog.Catalog, lang string, do func(func()), kiosk bool) *Designer {
	d := &Designer{cat: cat, lang: lang, controls: map[string]*featureControl{}, engines: map[string]*engine{}, do: do,
		doc: newDocument(), autosaveDelay: autosaveDelay, dealer: DefaultDealerSettings(), app: DefaultAppSettings(), kiosk: kiosk}
	d.preview = NewPreview()
	d.preview.do = do
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.subtitle = widget.NewLabel("")
	d.subtitle.Wrapping = fyne.TextWrapWord
	d.options = container.NewVBox()
	d.optScroll = container.NewVScroll(d.options)
	d.total = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	d.lines = container.NewVBox()
	d.status = widget.NewLabel("")
	// One line, so that the bar keeps its height (and the preview its
	// size) whatever it says; the whole text is in the places it is about.
	d.status.Truncation = fyne.TextTruncateEllipsis

	d.preview.SetUnit(cat.Units)
	views := d.preview.Controls()
	d.undoBtn = widget.NewButtonWithIcon("", theme.ContentUndoIcon(), d.Undo)
	d.redoBtn = widget.NewButtonWithIcon("", theme.ContentRedoIcon(), d.Redo)
	d.undoBtn.Disable()
	d.redoBtn.Disable()
	d.variants = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	d.shopLabel = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	d.shopLabel.Hide()
	d.outboxLabel = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	d.outboxLabel.Hide()
	d.validity = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.validIcon = widget.NewIcon(theme.InfoIcon())
	if kiosk {
		d.views = views
		d.pricing = d.pricePanel()
		d.startEngines()
		return d
	}
	header := container.NewBorder(nil, nil, container.NewHBox(d.undoBtn, d.redoBtn, widget.NewSeparator(), d.title), views)
	center := container.NewBorder(header, d.subtitle, nil, nil, d.preview)

	// The options in the column's whole height, the sections as steps
	// above them, the price sticky below them.
	right := d.optionColumn(d.pricePanel())

	split := container.NewHSplit(center, right)
	split.Offset = 0.63
	statusBar := container.NewBorder(widget.NewSeparator(), nil, nil, nil, d.newStatusLine(true))
	d.panel.statusBar = statusBar
	bar := container.NewVBox(d.toolbar(), widget.NewSeparator())
	d.main = container.NewBorder(bar, statusBar, nil, nil, split)
	d.stack = container.NewStack(d.main)
	d.screens[screenDesign] = screenOf{content: d.main, added: true}
	d.screens[screenProducts] = screenOf{make: func() fyne.CanvasObject {
		d.chooser = newChooser(d, false)
		return d.chooser.content
	}}
	d.rail = newNavRail(d)
	d.root = container.NewBorder(nil, nil, container.NewHBox(d.rail.content, widget.NewSeparator()), nil, d.stack)
	d.current = screenDesign
	d.rail.selectScreen(screenDesign)
	d.startEngines()
	d.refreshOrder()
	return d
}

// startEngines shows the first product and compiles every product's rules
// in the background, so that switching products answers at once.
func (d *Designer) startEngines() {
	if len(d.cat.Products) > 0 {
		d.SelectProduct(d.cat.Products[0].ID)
	}
	for _, p := range d.cat.Products {
		if d.engines[p.ID] == nil {
			d.engines[p.ID] = newEngine(p, d.keepIn())
		}
	}
}

// Content is the designer's root object, for a window.
func (d *Designer) Content() fyne.CanvasObject { return d.root }

// Preview is the designer's preview widget.
func (d *Designer) Preview() *Preview { return d.preview }

// Product is the product being designed.
func (d *Designer) Product() *catalog.Product { return d.product }

// Config is the current configuration.
func (d *Designer) Config() *catalog.Config { return d.config }

func (d *Designer) text(t catalog.Text) string { return t.In(d.lang, d.cat.DefaultLanguage()) }

// SelectProduct starts a new design of a product, from its defaults.
func (d *Designer) SelectProduct(id string) {
	p := d.cat.Product(id)
	if p == nil || p == d.product {
		return
	}
	d.doc = newDocument() // another product is a new design
	d.setDesign(p, map[string]catalog.Value{})
}

// Decide records a decision for a feature and updates everything.
func (d *Designer) Decide(featureID string, v catalog.Value) {
	if d.syncing || d.product == nil || d.product.Feature(featureID) == nil {
		return
	}
	d.decideIn("", featureID, v, false)
}

// apply replaces the decisions in one undoable step.
func (d *Designer) apply(next map[string]catalog.Value) { d.applyIn("", next, false) }

// applyAnswered is apply with the engine's answer for the new decisions
// already known (nil: ask it), shown at once with them.
func (d *Designer) applyAnswered(next map[string]catalog.Value, ready *answer) {
	d.applyWith("", next, false, ready)
}

// Undo takes back the last change of decisions.
func (d *Designer) Undo() {
	if len(d.undo) == 0 {
		return
	}
	d.redo = append(d.redo, d.decisions)
	d.decisions = d.undo[len(d.undo)-1]
	d.undo = d.undo[:len(d.undo)-1]
	d.step, d.knockBase = undoStep{}, nil // undoing a choice undoes its knock-on changes: nothing to tell
	d.update()
}

// Redo makes an undone change again.
func (d *Designer) Redo() {
	if len(d.redo) == 0 {
		return
	}
	d.undo = append(d.undo, d.decisions)
	d.decisions = d.redo[len(d.redo)-1]
	d.redo = d.redo[:len(d.redo)-1]
	d.step, d.knockBase = undoStep{}, d.completed
	d.update()
}

// DecideText records a decision written FEATURE=VALUE, as on the command line.
func (d *Designer) DecideText(set string) error {
	k, v, ok := strings.Cut(set, "=")
	if !ok {
		return fmt.Errorf(T("%q: write FEATURE=VALUE"), set)
	}
	f := d.product.Feature(strings.TrimSpace(k))
	if f == nil {
		return fmt.Errorf(T("%s has no feature %q"), d.product.ID, k)
	}
	val, err := f.ParseValue(v)
	if err != nil {
		return err
	}
	// Like a click: a value the rules do not allow with the other decisions
	// is not taken; the repair dialog says why and what would make it fit.
	fits := true
	if d.engine != nil {
		next := rulesDecisions(d.decisions)
		next[f.ID] = val
		d.engine.with(func(s *rules.Session) { fits, _ = s.Consistent(next) })
	}
	if !fits {
		d.insist(f, val, true)
		return fmt.Errorf(T("%s=%s does not fit the other decisions"), f.ID, v)
	}
	d.Decide(f.ID, val)
	return nil
}

// Decisions returns a copy of the user's decisions.
func (d *Designer) Decisions() map[string]catalog.Value { return maps.Clone(d.decisions) }

// decideValue is Decide for a value picked in a control: a multi option
// toggled on is added to the feature's selection (exact: v is the whole
// selection).
func (d *Designer) decideValue(f *catalog.Feature, v catalog.Value, exact bool) {
	if f.Kind == catalog.Multi && !exact {
		set := slices.Clone(d.config.Values[f.ID].Set)
		if !slices.Contains(set, v.Set[0]) {
			set = append(set, v.Set[0])
		}
		v = catalog.Value{Kind: catalog.Multi, Set: set}
	}
	d.Decide(f.ID, v)
}

func rulesDecisions(m map[string]catalog.Value) rules.Decisions {
	return rules.Decisions(maps.Clone(m))
}

// update shows the decisions at once (with plain defaults), then asks the
// engine, whose answer refines the picture.
func (d *Designer) update() { d.updateWith(nil) }

// updateWith is update with the engine's answer for the decisions already
// known (nil: it is asked for off the UI goroutine).
func (d *Designer) updateWith(ready *answer) {
	d.gen++
	d.domains = nil
	d.undoBtn.Enable()
	if len(d.undo) == 0 {
		d.undoBtn.Disable()
	}
	d.redoBtn.Enable()
	if len(d.redo) == 0 {
		d.redoBtn.Disable()
	}
	d.showConfig(d.product.Resolve(d.decisions))
	d.unmarkDecided()
	d.hideCompleted()
	if ready == nil {
		d.keepChosenUngreyed()
	}
	d.documentChanged()
	if d.engine == nil {
		return
	}
	gen, dec, eng := d.gen, rulesDecisions(d.decisions), d.engine
	d.variants.SetText(T("counting…"))
	if ready != nil {
		d.applyAnswer(*ready)
		if d.OnEngine != nil {
			d.OnEngine()
		}
	}
	eng.interrupt() // the question before this change is answered for nobody
	eng.updates.run(func() {
		a := answer{}
		if ready != nil {
			a = *ready
		} else {
			a = eng.ask(dec)
			d.do(func() {
				if gen != d.gen || eng != d.engine {
					return // a newer change is on its way
				}
				d.applyAnswer(a)
				if d.OnEngine != nil {
					d.OnEngine()
				}
			})
		}
		if a.err != nil || !a.domains.Consistent {
			return
		}
		// Then the count, which can take longer: the panel is already live.
		n := eng.count(dec)
		d.do(func() {
			if gen != d.gen || eng != d.engine {
				return
			}
			switch {
			case n == nil:
				d.variants.SetText(T("too many variants to count"))
			case n.String() == "1":
				d.variants.SetText(T("complete: 1 variant"))
			default:
				d.variants.SetText(Tf("%s variants remain", groupDigits(n.String())))
			}
		})
	})
}

// keepChosenUngreyed shows every selected option available until the
// engine's answer for the new decisions comes: the greying shown is that
// of the decisions before, and a value just chosen (by undo, or typed)
// would look selected and greyed at once (issue 14).
func (d *Designer) keepChosenUngreyed() {
	for _, c := range d.controls {
		for _, row := range c.rows {
			if row.selected && !row.available {
				row.setState(true, true)
			}
		}
	}
}

func (d *Designer) applyAnswer(a answer) {
	if errors.Is(a.err, rules.ErrTooHard) {
		// Not a failure of the app: the choices stay open, unchecked, and
		// the status line says so (a dialog on every click would not do).
		d.variants.SetText("")
		d.tooHard = fmt.Errorf(T("the rules of %s cannot be checked: %w"), d.text(d.product.Name), a.err).Error()
		d.showStatus()
		return
	}
	d.tooHard = ""
	if a.err != nil {
		d.variants.SetText("")
		d.showError(fmt.Errorf(T("the rules of %s cannot be checked: %w"), d.text(d.product.Name), a.err))
		return
	}
	d.domains = a.domains
	if a.completion != nil {
		d.showConfig(&catalog.Config{Product: d.product, Values: a.completion, Decided: decidedSet(d.decisions)})
	}
	for id, c := range d.controls {
		if fd := a.domains.Feature(id); fd != nil && c.avail != nil {
			c.avail(fd)
		}
	}
	d.showKnockOn(a.completion)
	d.showProgress() // a knock-on change in another section flags its step
	if !a.domains.Consistent {
		d.variants.SetText(T("no valid configuration"))
	}
	d.showValidity()
	d.askRecommendations()
}

func decidedSet(m map[string]catalog.Value) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// groupDigits writes a whole number (of any size: counts of variants
// reach 10²²) in groups of three, as the language does: 1,234,567;
// German 1.234.567.
func groupDigits(s string) string {
	sep := ','
	if uiLanguage() == "de" {
		sep = '.'
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// showConfig puts a configuration on screen: controls, price, status and
// preview.
func (d *Designer) showConfig(cfg *catalog.Config) {
	d.config = cfg
	d.syncing = true
	for id, c := range d.controls {
		c.show(cfg.Values[id])
	}
	d.syncing = false
	d.showPrice(cfg)
	d.showProgress()
	d.showStatus()
	scene, err := render.Build(d.cat, cfg)
	if err != nil {
		d.status.SetText(Tf("Preview: %s", err))
		return
	}
	d.preview.SetScene(scene)
}

// SetCatalogNote says in the status line how far the catalog is trusted
// ("signed by Nordholm Werkstätten GmbH", "unsigned catalog").
func (d *Designer) SetCatalogNote(note string) {
	d.catalogNote = note
	if d.config != nil {
		d.showStatus()
	}
}

func (d *Designer) showStatus() {
	d.showValidity()
	switch {
	case d.hoverTip != "":
		d.status.SetText(d.hoverTip)
		d.status.Importance = widget.WarningImportance
		if d.hoverQuiet {
			d.status.Importance = widget.MediumImportance
		}
	case d.tooHard != "":
		d.status.SetText(d.tooHard)
		d.status.Importance = widget.WarningImportance
	case d.notice != "" && len(d.config.Violations()) == 0:
		d.status.SetText(d.notice)
		d.status.Importance = d.noticeKind
	case len(d.config.Violations()) > 0:
		v := d.config.Violations()
		msgs := make([]string, len(v))
		for i, r := range v {
			msgs[i] = d.text(r.Message)
		}
		d.status.SetText(Tf("Not yet buildable: %s", strings.Join(msgs, " ")))
		d.status.Importance = widget.WarningImportance
	case d.kiosk:
		d.status.SetText(Tf("Made to order for you by %s. Prices valid until %s.", d.cat.Manufacturer.Name, d.validUntil()))
		d.status.Importance = widget.MediumImportance
	default:
		note := ""
		if d.catalogNote != "" {
			note = " · " + d.catalogNote
		}
		d.status.SetText(fmt.Sprintf(T("%s · %s %s%s · valid until %s"), d.text(d.product.Name), d.cat.ID, d.cat.Version, note, d.validUntil()))
		d.status.Importance = widget.MediumImportance
	}
	d.status.Refresh()
}

// showValidity says in the status bar whether the design can be built
// and how much of it is still open: "Not yet buildable", "Valid · 3 of 9
// choices made", "Complete".
func (d *Designer) showValidity() {
	if d.validity == nil || d.config == nil {
		return
	}
	open, all := 0, 0
	for _, f := range d.product.Features {
		if f.Kind == catalog.Textual {
			continue
		}
		all++
		if _, ok := d.decisions[f.ID]; !ok {
			open++
		}
	}
	switch {
	case len(d.config.Violations()) > 0 || d.domains != nil && !d.domains.Consistent:
		d.validity.SetText(T("Not yet buildable"))
		d.validIcon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
		d.validity.Importance = widget.DangerImportance
	case open == 0:
		d.validity.SetText(T("Complete"))
		d.validIcon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		d.validity.Importance = widget.SuccessImportance
	case open == all:
		d.validity.SetText(T("Valid · the defaults"))
		d.validIcon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		d.validity.Importance = widget.SuccessImportance
	default:
		d.validity.SetText(fmt.Sprintf(T("Valid · %d of %d choices made"), all-open, all))
		d.validIcon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		d.validity.Importance = widget.SuccessImportance
	}
	d.validity.Refresh()
	if d.panel.line != nil {
		d.panel.line.Refresh() // laid out again for the new text: never over the status
	}
}

// priceOf is a configuration's list price for one piece (zero if it cannot be priced).
func (d *Designer) priceOf(cfg *catalog.Config) decimal.Decimal {
	p, err := d.cat.ListPrice(cfg, 1, d.lang)
	if err != nil {
		return decimal.Zero
	}
	return p.Total
}

func (d *Designer) showError(err error) {
	if d.win != nil {
		dialog.ShowError(err, d.win)
	} else {
		d.note(err.Error())
	}
}

// note shows a message in the status line until the design changes.
func (d *Designer) note(msg string) { d.noteAs(msg, widget.MediumImportance) }

// noteAs is note with an importance (success, warning).
func (d *Designer) noteAs(msg string, imp widget.Importance) {
	d.notice, d.noticeKind = msg, imp
	if d.config != nil {
		d.showStatus()
	} else {
		d.status.SetText(msg)
	}
}

func (d *Designer) validUntil() string {
	if d.cat.ValidUntil.IsZero() {
		return T("further notice")
	}
	return formatDate(d.cat.ValidUntil, "2 Jan 2006")
}

// FormatMoney formats an amount with its currency the way the app's
// language writes it, rounded by the catalog's money rule.
func FormatMoney(d decimal.Decimal, currency string) string {
	return onScreen(catalog.FormatMoney(d, currency, uiLanguage()))
}

// minus is the sign of a negative amount on screen: the en dash, as
// German typesetting writes it where the minus sign (U+2212) is missing.
// The font Fyne embeds has no U+2212: Linux borrows it from a system
// font, a Windows without one showed "�30%".
const minus = "–"

// onScreen is a text made elsewhere (the catalog's amounts, the engine's
// messages) with only characters the app's font has (see minus).
func onScreen(s string) string { return strings.ReplaceAll(s, string(rune(0x2212)), minus) }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
