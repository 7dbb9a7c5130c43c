package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/rules"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
)

// activeCatalogKey is where the catalog version in use is kept (its
// record in the library).
const activeCatalogKey = "catalog.active"

// maxCatalogFile is the largest catalog package the app reads.
const maxCatalogFile = 64 << 20

// SetCatalog makes another catalog (version) the one designed with: the
// products, the option panel, the library's filters and the settings'
// price groups follow. The design being edited starts anew (the caller
// asks about unsaved changes first). note says how far it is trusted.
func (d *Designer) SetCatalog(cat *catalog.Catalog, recordID int64, note string) {
	d.cat = cat
	d.catalogID = recordID
	d.catalogNote = note
	d.engines = map[string]*engine{}
	d.engine = nil
	d.product = nil
	d.domains = nil
	d.doc = newDocument()
	d.preview.SetUnit(cat.Units)
	// Screens made from the catalog are made again when next shown.
	d.dropScreen(screenProducts)
	d.screens[screenProducts].make = func() fyne.CanvasObject {
		d.chooser = newChooser(d, false)
		return d.chooser.content
	}
	d.chooser = nil
	if d.library != nil {
		d.dropScreen(screenLibrary)
		d.library = nil
	}
	if d.settings != nil {
		d.dropScreen(screenSettings)
		d.settings = nil
	}
	if d.prefs != nil && recordID != 0 {
		d.prefs.SetInt(activeCatalogKey, int(recordID))
	}
	d.startEngines()
	if d.order != nil {
		d.order.info = map[int64]*lineInfo{} // priced again with this catalog
		d.order.refresh()
	}
	switch d.current {
	case screenLibrary, screenSettings, screenProducts: // dropped above
		d.show(screenProducts)
	}
}

// dropScreen takes a screen off the window (it is made again when shown).
func (d *Designer) dropScreen(s screen) {
	sc := &d.screens[s]
	if sc.content != nil && sc.added {
		d.stack.Remove(sc.content)
	}
	*sc = screenOf{}
}

// Catalog is the catalog designed with.
func (d *Designer) Catalog() *catalog.Catalog { return d.cat }

// RestoreCatalog switches to the catalog version used last time, if it
// is not the one shown (off the UI goroutine; the library must be open).
func (d *Designer) RestoreCatalog() {
	if d.store == nil || d.prefs == nil {
		return
	}
	id := int64(d.prefs.Int(activeCatalogKey))
	if id == 0 || id == d.catalogID {
		return
	}
	store := d.store
	go func() {
		ctx := context.Background()
		rec, err := store.CatalogRecord(ctx, id)
		var cat *catalog.Catalog
		if err == nil {
			cat, err = store.LoadCatalog(ctx, id)
		}
		d.do(func() {
			if err != nil {
				d.prefs.SetInt(activeCatalogKey, 0) // gone or broken: stay with this one
				return
			}
			if d.Dirty() {
				return // the user is already at work: switch in the catalogs screen
			}
			d.SetCatalog(cat, rec.ID, signatureNote(rec))
			if d.OnCatalog != nil {
				d.OnCatalog()
			}
		})
	}()
}

// signatureNote says how far a kept catalog is trusted, for the status
// line.
func signatureNote(rec storage.CatalogRecord) string {
	switch rec.Signature {
	case storage.Signed:
		return Tf("signed by %s", rec.Manufacturer)
	case storage.Unsigned:
		return T("unsigned catalog")
	}
	return ""
}

// catalogsView lists the catalogs kept in the library: per catalog its
// versions, with manufacturer, validity, signature and how many designs
// use them; which one is in use; what changed between versions; and the
// import of a manufacturer's package and the upgrade of designs to a
// newer version.
type catalogsView struct {
	d       *Designer
	content fyne.CanvasObject
	list    *fyne.Container
	empty   *widget.Label
	gen     uint64

	versions []catalogVersion           // as last read
	reads    latest                     // one read at a time, the newest wins
	parsed   map[int64]*catalog.Catalog // by record (the reads' only)
	// OnLoaded, if set, is called on the UI goroutine after the list was
	// read (tests use it).
	OnLoaded func()
}

// catalogVersion is one kept catalog version, parsed.
type catalogVersion struct {
	rec     storage.CatalogRecord
	cat     *catalog.Catalog // nil if it no longer parses
	err     error
	designs int
}

// ShowCatalogs shows the catalogs.
func (d *Designer) ShowCatalogs() {
	if d.store == nil {
		d.tell(T("Catalogs are not available"), d.noLibrary())
		return
	}
	if d.catalogs == nil {
		d.catalogs = newCatalogsView(d)
		d.screens[screenCatalogs] = screenOf{content: d.catalogs.content, shown: d.catalogs.reload}
	}
	d.show(screenCatalogs)
}

func newCatalogsView(d *Designer) *catalogsView {
	v := &catalogsView{d: d, parsed: map[int64]*catalog.Catalog{}}
	heading := widget.NewLabelWithStyle(T("Catalogs"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	imp := widget.NewButtonWithIcon(T("Import catalog package…"), theme.DownloadIcon(), d.ImportCatalog)
	imp.Importance = widget.HighImportance
	title := container.NewBorder(nil, nil, heading, imp)
	v.list = container.NewVBox()
	v.empty = widget.NewLabel("")
	v.content = container.NewBorder(container.NewVBox(container.NewPadded(title), widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewPadded(container.NewVBox(v.list, v.empty))))
	return v
}

// reload reads and parses the kept catalogs, off the UI goroutine.
func (v *catalogsView) reload() {
	d := v.d
	v.gen++
	gen, store := v.gen, d.store
	v.reads.run(func() {
		ctx := context.Background()
		recs, err := store.Catalogs(ctx)
		usage, _ := store.CatalogUsage(ctx)
		var out []catalogVersion
		for _, r := range recs {
			// A kept version never changes (its source is kept by hash):
			// it is parsed once.
			cat, ok := v.parsed[r.ID]
			var perr error
			if !ok {
				cat, perr = store.LoadCatalog(ctx, r.ID)
				if perr == nil {
					v.parsed[r.ID] = cat
				}
			}
			out = append(out, catalogVersion{rec: r, cat: cat, err: perr, designs: usage[r.ID]})
		}
		d.do(func() {
			if gen != v.gen {
				return
			}
			if err != nil {
				v.empty.SetText(Tf("The catalogs could not be read: %s", err))
				return
			}
			v.versions = out
			v.show()
			if v.OnLoaded != nil {
				v.OnLoaded()
			}
		})
	})
}

// groups orders the versions by catalog (the one in use first), newest
// version first within each.
func (v *catalogsView) groups() [][]catalogVersion {
	by := map[string][]catalogVersion{}
	var ids []string
	for _, cv := range v.versions {
		if _, ok := by[cv.rec.CatalogID]; !ok {
			ids = append(ids, cv.rec.CatalogID)
		}
		by[cv.rec.CatalogID] = append(by[cv.rec.CatalogID], cv)
	}
	active := v.d.cat.ID
	slices.SortStableFunc(ids, func(a, b string) int {
		switch {
		case a == active:
			return -1
		case b == active:
			return 1
		}
		return strings.Compare(a, b)
	})
	var out [][]catalogVersion
	for _, id := range ids {
		g := by[id]
		slices.SortStableFunc(g, func(a, b catalogVersion) int { return -compareVersions(a.rec.Version, b.rec.Version) })
		out = append(out, g)
	}
	return out
}

// compareVersions orders versions like "2026.2" < "2026.10" (numbers by
// value, the rest as text).
func compareVersions(a, b string) int {
	pa, pb := strings.FieldsFunc(a, isSep), strings.FieldsFunc(b, isSep)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, y := pa[i], pb[i]
		if len(x) != len(y) && allDigits(x) && allDigits(y) {
			return len(x) - len(y)
		}
		if c := strings.Compare(x, y); c != 0 {
			return c
		}
	}
	return len(pa) - len(pb)
}

func isSep(r rune) bool { return r == '.' || r == '-' || r == '_' || r == ' ' }

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// show lays out the catalogs.
func (v *catalogsView) show() {
	d := v.d
	v.list.RemoveAll()
	v.empty.Hide()
	if len(v.versions) == 0 {
		v.empty.SetText(T("No catalogs yet. Import a manufacturer's catalog package."))
		v.empty.Show()
	}
	for _, g := range v.groups() {
		newest := g[0]
		name := newest.rec.Name
		if newest.cat != nil {
			name = d.text(newest.cat.Name)
		}
		title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.SizeName = theme.SizeNameSubHeadingText
		maker := widget.NewLabel(newest.rec.Manufacturer)
		rows := container.NewVBox()
		older := 0
		for i, cv := range g {
			if i > 0 {
				older += cv.designs
			}
			var prev *catalogVersion
			if i+1 < len(g) {
				prev = &g[i+1]
			}
			rows.Add(v.versionRow(cv, prev))
		}
		head := container.NewBorder(nil, nil, container.NewHBox(title, container.NewCenter(maker)), nil)
		body := container.NewVBox(head, rows)
		if older > 0 && newest.cat != nil {
			nv := newest
			up := widget.NewButtonWithIcon(fmt.Sprintf(T("Upgrade %s to %s…"), plural(older, "design", "designs"), newest.rec.Version), theme.ViewRefreshIcon(),
				func() { d.askUpgrade(nv, g[1:]) })
			body.Add(container.NewHBox(up, widget.NewLabel(T("Designs made with older versions keep them until they are upgraded."))))
		}
		v.list.Add(widget.NewCard("", "", body))
	}
	v.list.Refresh()
}

// versionRow is one version: version, validity, signature, designs, and
// Use / What changed.
func (v *catalogsView) versionRow(cv catalogVersion, prev *catalogVersion) fyne.CanvasObject {
	d := v.d
	version := widget.NewLabelWithStyle(cv.rec.Version, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	var facts []string
	if cv.cat != nil {
		facts = append(facts, validity(cv.cat))
	} else {
		facts = append(facts, Tf("cannot be read: %s", errText(cv.err)))
	}
	facts = append(facts, signatureText(cv.rec), plural(cv.designs, "design", "designs"), Tf("imported %s", when(cv.rec.ImportedAt, time.Now())))
	info := widget.NewLabel(strings.Join(facts, " · "))
	info.Truncation = fyne.TextTruncateEllipsis
	if cv.rec.Signature == storage.Unsigned {
		info.Importance = widget.WarningImportance
	}
	var actions []fyne.CanvasObject
	if prev != nil && prev.cat != nil && cv.cat != nil {
		p := *prev
		actions = append(actions, widget.NewButtonWithIcon(T("What changed"), theme.InfoIcon(), func() { d.showDiff(p, cv) }))
	}
	if cv.rec.ID == d.catalogID {
		badge := widget.NewLabelWithStyle(T("In use"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		badge.Importance = widget.SuccessImportance
		actions = append(actions, badge)
	} else if cv.cat != nil {
		use := widget.NewButtonWithIcon(T("Use this version"), theme.ConfirmIcon(), func() { d.useCatalog(cv) })
		actions = append(actions, use)
	}
	return container.NewBorder(nil, nil, version, container.NewHBox(actions...), info)
}

func errText(err error) string {
	if err == nil {
		return T("unknown error")
	}
	return err.Error()
}

// validity writes a catalog's validity dates.
func validity(cat *catalog.Catalog) string {
	switch {
	case cat.ValidFrom.IsZero() && cat.ValidUntil.IsZero():
		return T("valid until further notice")
	case cat.ValidUntil.IsZero():
		return Tf("valid from %s", formatDate(cat.ValidFrom, "2 Jan 2006"))
	case cat.ValidFrom.IsZero():
		return Tf("valid until %s", formatDate(cat.ValidUntil, "2 Jan 2006"))
	}
	return Tf("valid %s – %s", formatDate(cat.ValidFrom, "2 Jan 2006"), formatDate(cat.ValidUntil, "2 Jan 2006"))
}

// signatureText says how a catalog version came.
func signatureText(rec storage.CatalogRecord) string {
	switch rec.Signature {
	case storage.Builtin:
		return T("built in")
	case storage.Signed:
		return Tf("signed by %s", rec.Manufacturer)
	}
	return T("unsigned")
}

// useCatalog switches to a kept catalog version, after asking about
// unsaved changes.
func (d *Designer) useCatalog(cv catalogVersion) {
	d.whenDiscarded(func() {
		d.SetCatalog(cv.cat, cv.rec.ID, signatureNote(cv.rec))
		d.note(fmt.Sprintf(T("Designing with %s %s."), d.text(cv.cat.Name), cv.rec.Version))
		if d.catalogs != nil {
			d.catalogs.show()
		}
	}, nil)
}

// showDiff says what changed from one version to the next.
func (d *Designer) showDiff(old, new catalogVersion) {
	changes := catalog.Diff(old.cat, new.cat, d.lang)
	var lines []string
	for _, c := range changes {
		lines = append(lines, "• "+c.Text)
	}
	if len(lines) == 0 {
		lines = []string{T("Nothing a design depends on changed.")}
	}
	d.showLong(Tf("%s from %s to %s", new.rec.Name, old.rec.Version, new.rec.Version),
		fmt.Sprintf(T("What changed from version %s to %s:"), old.rec.Version, new.rec.Version), strings.Join(lines, "\n"), "", nil)
}

// ImportCatalog asks for a catalog package and imports it.
func (d *Designer) ImportCatalog() {
	if d.store == nil {
		d.tell(T("The catalog cannot be imported"), d.noLibrary())
		return
	}
	if d.win == nil {
		return
	}
	d.openZip(T("Import a manufacturer's catalog package"), maxCatalogFile, T("The catalog was not imported"),
		T("%s is larger than any catalog package (64 MiB)."), func(name string, data []byte) { d.ImportCatalogData(name, data, false) })
}

// CatalogImport is the outcome of importing a catalog package.
type CatalogImport struct {
	Record   storage.CatalogRecord
	Catalog  *catalog.Catalog
	Trust    catalog.Trust
	Warnings []string // what the analysis of its rules found
	// Unsigned: the package is not signed by a trusted manufacturer; it
	// was not imported unless allowed.
	Unsigned bool
}

// errCancelled: the user cancelled.
var errCancelled = errors.New("cancelled")

// ImportCatalogData checks a catalog package and keeps it: its signature
// against the trusted manufacturers (a package changed after signing is
// refused; one not signed by a trusted key only when allowUnsigned, after
// the user agreed), the catalog itself, its rules (the warnings are
// reported), then it is saved. A progress dialog shows the steps and can
// cancel them.
func (d *Designer) ImportCatalogData(name string, data []byte, allowUnsigned bool) {
	ctx, cancel := context.WithCancel(context.Background())
	p := d.newProgress(Tf("Importing %s", name), cancel)
	store, trusted, lang := d.store, d.host.Trusted, d.lang
	go func() {
		res, err := importCatalog(ctx, store, name, data, trusted, allowUnsigned, lang, func(step string, frac float64) {
			d.do(func() { p.set(step, frac) })
		})
		d.do(func() {
			p.close()
			d.catalogImported(name, data, res, err)
		})
	}()
}

// importCatalog is the work of an import (off the UI goroutine).
func importCatalog(ctx context.Context, store Store, name string, data []byte, trusted map[string]sign.PublicKey, allowUnsigned bool, lang string, step func(string, float64)) (*CatalogImport, error) {
	step(T("Checking the manufacturer's signature…"), 0.1)
	cat, trust, err := catalog.ReadPackage(name, data, trusted)
	res := &CatalogImport{Catalog: cat, Trust: trust}
	switch {
	case err != nil && trust.Signed && !trust.Valid:
		return res, fmt.Errorf(T("the package was changed after the manufacturer signed it (%s), so it was refused. Ask the manufacturer for a fresh copy"), trust.Problem)
	case err != nil:
		return res, err
	case !trust.Trusted && !allowUnsigned:
		res.Unsigned = true
		return res, nil
	}
	if ctx.Err() != nil {
		return res, errCancelled
	}
	// The rules of every product, as the manufacturer's lint sees them.
	for i, p := range cat.Products {
		step(fmt.Sprintf(T("Checking the rules of %s (%d of %d)…"), p.Name.In(lang, cat.DefaultLanguage()), i+1, len(cat.Products)), 0.2+0.6*float64(i)/float64(max(len(cat.Products), 1)))
		m, err := rules.Compile(p)
		if err != nil {
			return res, fmt.Errorf(T("the rules of %s cannot be used: %w"), p.ID, err)
		}
		for _, f := range rules.AnalyzeWithin(ctx, m, lang, 0) {
			if f.Severity == rules.Error {
				return res, fmt.Errorf(T("%s: %s"), p.Name.In(lang, cat.DefaultLanguage()), f.Message)
			}
			res.Warnings = append(res.Warnings, p.Name.In(lang, cat.DefaultLanguage())+": "+f.Message)
		}
		if ctx.Err() != nil {
			return res, errCancelled
		}
	}
	step(T("Keeping it in the design library…"), 0.9)
	sig := storage.Signed
	if !trust.Trusted {
		sig = storage.Unsigned
	}
	rec, err := store.ImportCatalog(ctx, data, "zip", cat, sig)
	if err != nil {
		return res, fmt.Errorf(T("the catalog could not be kept: %w"), err)
	}
	res.Record = rec
	step(T("Done."), 1)
	return res, nil
}

// catalogImported reports an import: refused, unsigned (asking whether to
// import it anyway), or imported (with the warnings, and "Use it now").
func (d *Designer) catalogImported(name string, data []byte, res *CatalogImport, err error) {
	if d.OnCatalogImported != nil {
		defer d.OnCatalogImported(res, err)
	}
	if d.catalogs != nil {
		d.catalogs.reload()
	}
	switch {
	case errors.Is(err, errCancelled):
		d.note(Tf("The import of %s was cancelled; nothing was kept.", name))
		return
	case err != nil:
		var list catalog.ErrorList
		if errors.As(err, &list) {
			var lines []string
			for i, e := range list {
				if i == 30 {
					lines = append(lines, fmt.Sprintf(T("… and %d more."), len(list)-30))
					break
				}
				lines = append(lines, "• "+e.Error())
			}
			d.showLong(T("The catalog was not imported"), fmt.Sprintf(T("%s has %s:"), name, plural(len(list), "error", "errors")), strings.Join(lines, "\n"), "", nil)
			return
		}
		d.showError(fmt.Errorf(T("%s was not imported: %w"), name, err))
		return
	case res.Unsigned:
		msg := fmt.Sprintf(T("%s is not signed by a manufacturer Atelier trusts (%s).\n\nImport it only if you know where it came from. It stays marked “unsigned” here and in every order made with it."), name, res.Trust.Problem)
		if d.win == nil {
			d.note(msg)
			return
		}
		dlg := dialog.NewConfirm(T("Unsigned catalog"), msg, func(ok bool) {
			if ok {
				d.ImportCatalogData(name, data, true)
			}
		}, d.win)
		dlg.SetConfirmText(T("Import it unsigned"))
		dlg.SetDismissText(T("Do not import"))
		dlg.Show()
		return
	}
	cat, rec := res.Catalog, res.Record
	intro := fmt.Sprintf(T("%s, version %s, from %s is in the library (%s, %s)."), d.text(cat.Name), cat.Version, cat.Manufacturer.Name, signatureText(rec), validity(cat))
	list := T("Its rules look sound.")
	if len(res.Warnings) > 0 {
		intro += fmt.Sprintf(T(" The check of its rules found %s:"), plural(len(res.Warnings), T("thing to look at"), T("things to look at")))
		var lines []string
		for _, w := range res.Warnings {
			lines = append(lines, "• "+w)
		}
		list = strings.Join(lines, "\n")
	}
	if rec.ID == d.catalogID {
		d.showLong(T("Catalog imported"), intro+" "+T("It is the one in use."), list, "", nil)
		return
	}
	cv := catalogVersion{rec: rec, cat: cat}
	d.showLong(T("Catalog imported"), intro, list, T("Use it now"), func() { d.useCatalog(cv) })
}

// progress is a dialog with a bar, the step, and Cancel.
type progress struct {
	dlg  *dialog.CustomDialog
	bar  *widget.ProgressBar
	step *widget.Label
}

func (d *Designer) newProgress(title string, cancel func()) *progress {
	p := &progress{bar: widget.NewProgressBar(), step: widget.NewLabel(T("Starting…"))}
	if d.win == nil {
		return p
	}
	stop := widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), func() {
		cancel()
		p.step.SetText(T("Cancelling…"))
	})
	p.dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(p.step, p.bar), d.win)
	p.dlg.SetButtons([]fyne.CanvasObject{stop})
	p.dlg.Resize(fyne.NewSize(520, 0))
	p.dlg.Show()
	return p
}

func (p *progress) set(step string, frac float64) {
	p.step.SetText(step)
	p.bar.SetValue(frac)
}

func (p *progress) close() {
	if p.dlg != nil {
		p.dlg.Hide()
	}
}

// askUpgrade confirms, then upgrades the designs made with older versions
// of a catalog to its newest.
func (d *Designer) askUpgrade(newest catalogVersion, older []catalogVersion) {
	n := 0
	for _, o := range older {
		n += o.designs
	}
	msg := fmt.Sprintf(T("Carry %s to %s %s?\n\nEach gets a new revision made with %s: a choice the new version no longer offers or allows is changed as little as possible, and its price is the new one. Earlier revisions stay as they were."), plural(n, "design", "designs"), newest.rec.Name, newest.rec.Version, newest.rec.Version)
	if d.win == nil {
		d.UpgradeDesigns(newest, older)
		return
	}
	dlg := dialog.NewConfirm(T("Upgrade designs"), msg, func(ok bool) {
		if ok {
			d.UpgradeDesigns(newest, older)
		}
	}, d.win)
	dlg.SetConfirmText(T("Upgrade"))
	dlg.Show()
}

// UpgradeResult is one design carried to a newer catalog version.
type UpgradeResult struct {
	Design   storage.Design
	Changes  []string // what changed, in words ("" none)
	OldTotal string
	NewTotal string
	Err      error
}

// UpgradeDesigns carries every design last saved with one of the older
// versions to the newest (a new revision each), with a progress dialog
// that can cancel between designs, and reports what changed.
func (d *Designer) UpgradeDesigns(newest catalogVersion, older []catalogVersion) {
	ctx, cancel := context.WithCancel(context.Background())
	p := d.newProgress(Tf("Upgrading designs to %s", newest.rec.Version), cancel)
	store, lang := d.store, d.lang
	go func() {
		var results []UpgradeResult
		var todo []storage.DesignSummary
		for _, o := range older {
			list, err := store.Designs(ctx, storage.Filter{Catalog: o.rec.ID, Limit: 100000})
			if err != nil {
				results = append(results, UpgradeResult{Err: err})
				continue
			}
			todo = append(todo, list...)
		}
		models := map[string]*rules.Model{}
		for i, x := range todo {
			if ctx.Err() != nil {
				break
			}
			d.do(func() {
				p.set(fmt.Sprintf(T("%s (%d of %d)…"), x.Name, i+1, len(todo)), float64(i)/float64(len(todo)))
			})
			results = append(results, upgradeDesign(ctx, store, newest, x.Design, models, lang))
		}
		cancelled := ctx.Err() != nil
		d.do(func() {
			p.close()
			d.upgraded(newest, results, cancelled, len(todo))
		})
	}()
}

// upgradeDesign saves a design's newest revision again on a newer catalog
// version, its decisions carried over by the rules (off the UI goroutine).
func upgradeDesign(ctx context.Context, store Store, to catalogVersion, x storage.Design, models map[string]*rules.Model, lang string) UpgradeResult {
	res := UpgradeResult{Design: x, OldTotal: x.Total}
	rev, err := store.Revision(ctx, x.ID, 0)
	if err != nil {
		res.Err = err
		return res
	}
	cat := to.cat
	p := cat.Product(x.ProductID)
	if p == nil {
		res.Err = fmt.Errorf(T("%s %s has no %s any more"), to.rec.Name, to.rec.Version, x.ProductName)
		return res
	}
	m := models[p.ID]
	if m == nil {
		if m, err = rules.Compile(p); err != nil {
			res.Err = err
			return res
		}
		models[p.ID] = m
	}
	s := m.NewSession()
	kept, changes, err := s.Upgrade(rev.Decisions, lang)
	if err != nil {
		res.Err = err
		return res
	}
	values, err := s.Complete(kept)
	if err != nil || values == nil {
		res.Err = fmt.Errorf(T("no valid configuration of %s keeps its choices"), x.ProductName)
		return res
	}
	cfg := &catalog.Config{Product: p, Values: values, Decided: map[string]bool{}}
	in := storage.DesignInput{ID: x.ID, Name: x.Name, Notes: x.Notes, ProductID: p.ID, ProductName: p.Name.In(lang, cat.DefaultLanguage()),
		Catalog: to.rec.ID, Customer: x.Customer, Status: x.Status, Quantity: max(x.Quantity, 1), Decisions: encodeDecisions(kept)}
	if price, err := cat.ListPrice(cfg, in.Quantity, lang); err == nil {
		in.Currency, in.Total = price.Currency, catalog.RoundMoney(price.Total).StringFixed(2)
		for _, l := range price.Lines {
			in.Breakdown = append(in.Breakdown, storage.PriceLine{Label: l.Label, Amount: l.Amount.StringFixed(2)})
		}
	}
	in.Thumbnail = thumbnail(cat, cfg)
	saved, _, err := store.SaveDesign(ctx, in)
	if err != nil {
		res.Err = err
		return res
	}
	res.Design, res.NewTotal = saved, in.Total
	for _, c := range changes {
		res.Changes = append(res.Changes, c.Why)
	}
	return res
}

// upgraded reports an upgrade of designs.
func (d *Designer) upgraded(newest catalogVersion, results []UpgradeResult, cancelled bool, total int) {
	if d.OnUpgraded != nil {
		defer d.OnUpgraded(results)
	}
	if d.catalogs != nil {
		d.catalogs.reload()
	}
	if d.library != nil && d.LibraryShown() {
		d.library.refresh()
	}
	ok, failed := 0, 0
	var lines []string
	for _, r := range results {
		if r.Err != nil {
			failed++
			name := r.Design.Name
			if name == "" {
				name = T("A design")
			}
			lines = append(lines, fmt.Sprintf(T("Not upgraded: %s: %v"), name, r.Err))
			continue
		}
		ok++
		line := Tf("%s from %s to %s", r.Design.Name, moneyText(r.OldTotal, r.Design.Currency), moneyText(r.NewTotal, r.Design.Currency))
		if len(r.Changes) > 0 {
			line += "\n    " + strings.Join(r.Changes, "\n    ")
		}
		lines = append(lines, line)
	}
	intro := fmt.Sprintf(T("%s now made with %s %s."), plural(ok, T("design is"), T("designs are")), newest.rec.Name, newest.rec.Version)
	if cancelled {
		intro = fmt.Sprintf(T("Cancelled after %d of %d designs; those are made with %s, the others unchanged."), ok+failed, total, newest.rec.Version)
	}
	if failed > 0 {
		intro += fmt.Sprintf(T(" %s could not be carried over and keep their version."), plural(failed, "design", "designs"))
	}
	d.showLong(T("Designs upgraded"), intro, strings.Join(lines, "\n"), "", nil)
}
