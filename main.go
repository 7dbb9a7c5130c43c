// Command atelier is the Atelier desktop app: a dealer or a customer designs
// a build-to-order product from a manufacturer's catalog, with a live preview
// and an exact price, and keeps designs in a library. This file only wires
// the parts together.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	// First of all: the locale Fyne reads when it starts (see earlyenv).
	_ "atelier.app/earlyenv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/outbox"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
	"github.com/atelier-app/atelier/storage/shop"
	"github.com/atelier-app/atelier/ui"
	"golang.org/x/crypto/ssh"
)

var (
	_ ui.Store       = (*storage.DB)(nil)
	_ ui.ShopLink    = shopLink{}
	_ ui.OrderSender = outboxLink{}
	_ ui.Recommender = (*libraryRecommender)(nil)
)

// appID is the app's unique ID: where Fyne keeps its preferences.
const appID = "app.atelier.designer"

// keepBackups is how many daily backups are kept: as many as the days a
// database replaced by a restore is kept beside the library.
const keepBackups = storage.BackupDays

func main() {
	attachConsole() // Windows: -h and errors reach the console the app was started from
	catalogPath := flag.String("catalog", "", "open this catalog (a manufacturer's signed .zip; or, with -allow-unsigned, a file, folder or unsigned .zip) instead of the embedded demo")
	allowUnsigned := flag.Bool("allow-unsigned", false, "open a catalog that is not signed by a trusted manufacturer (it stays marked unsigned)")
	lang := flag.String("lang", "", "language of the catalog texts (default: the app's, as chosen in the settings)")
	product := flag.String("product", "", "start with this product (default: the catalog's first)")
	var sets setFlags
	flag.Var(&sets, "set", "a decision FEATURE=VALUE to start with (repeatable)")
	show := flag.String("show", "", "open at a screen: products, design, library, order, customers, sent, catalogs or settings")
	showroom := flag.Bool("showroom", false, "start in showroom mode (a shop's customer screen; the first time, the dealer chooses the PIN that leaves it)")
	flag.Parse()

	// A damaged preferences file is set aside before Fyne reads it, and
	// said once (here and in the window), not on every start.
	rescued, err := ui.RescuePreferences(ui.PreferencesPath(appID), time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, "atelier:", err)
	}
	a := app.NewWithID(appID)
	// The app's language (and so the catalog texts') before anything is
	// built: a change in the settings applies at the next start.
	uiLang := ui.UseLanguage(ui.LoadAppSettings(a.Preferences()).Language)
	if rescued != nil {
		fmt.Fprintln(os.Stderr, "atelier:", rescued.Note())
	}
	if *lang == "" {
		*lang = uiLang
	}
	a.Settings().SetTheme(ui.AppTheme(ui.LoadAppSettings(a.Preferences()).Theme))
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Atelier")

	demo, err := assets.DemoCatalog()
	if err != nil {
		// The embedded catalog is checked by the tests; this is a broken build.
		fmt.Fprintln(os.Stderr, "atelier: the built-in demo catalog is broken:", err)
		os.Exit(1)
	}
	src := catalogSource{cat: demo, data: assets.DemoCatalogJSON, kind: "json", sig: storage.Builtin}
	var loadErr error
	if *catalogPath != "" {
		if s, err := loadCatalog(*catalogPath, *allowUnsigned); err != nil {
			loadErr = err
		} else {
			src = s
		}
	}

	d := ui.NewDesigner(src.cat, *lang)
	d.SetPreferences(a.Preferences())
	dataDir := a.Storage().RootURI().Path()
	d.SetHost(ui.Host{DataDir: dataDir, DBPath: databasePath(a), BackupDir: filepath.Join(filepath.Dir(databasePath(a)), "backups"),
		AppVersion: appVersion(a), Restart: restartLater, Trusted: assets.TrustedManufacturers()})
	d.SetCatalogNote(src.note)
	d.SetWindow(w)
	w.SetMainMenu(d.MainMenu())
	if *product != "" {
		d.SelectProduct(*product)
	}
	for _, set := range sets {
		if err := d.DecideText(set); err != nil {
			fmt.Fprintln(os.Stderr, "atelier: -set:", err)
		}
	}
	d.WaitForStore()
	w.SetContent(d.Content())
	if *product == "" && len(sets) == 0 {
		d.ShowProducts()
	}
	w.Resize(windowSize(a.Preferences()))
	w.CenterOnScreen()
	var refused refusedError
	switch {
	case errors.As(loadErr, &refused):
		dialog.ShowInformation(ui.T("Catalog refused"), refused.msg+"\n\n"+ui.T("Atelier shows the demo catalog instead."), w)
	case loadErr != nil:
		dialog.ShowError(fmt.Errorf(ui.T("the catalog %s could not be opened; showing the demo catalog instead.\n\n%w"), *catalogPath, loadErr), w)
	}
	if rescued != nil {
		dialog.ShowInformation(ui.T("Settings reset"), rescued.Note(), w)
	}

	lib := &library{path: databasePath(a), src: src, d: d, w: w, chosen: *catalogPath != "" && loadErr == nil,
		keyPath: filepath.Join(dataDir, "keys", "dealer.key"), version: appVersion(a)}
	lib.afterOpen = func() {
		if *show != "" && !d.ShowScreen(*show) {
			fmt.Fprintf(os.Stderr, "atelier: -show %s: no such screen\n", *show)
		}
		if *showroom {
			d.StartShowroom()
		}
	}
	go lib.open()
	w.SetCloseIntercept(func() {
		d.ConfirmClose(func() {
			keepWindowSize(a.Preferences(), w.Canvas().Size())
			w.Close()
		})
	})
	w.ShowAndRun()

	// A normal exit: the autosave slot is cleared, the backup finishes, and
	// the database is closed.
	d.Shutdown()
	lib.close()
	if restart {
		relaunch()
	}
}

// restart is set when the user asked Atelier to start again (to change
// the language): the new process starts once this one has let go of the
// database.
var restart bool

func restartLater() { restart = true }

// relaunch starts this program again with the same arguments.
func relaunch() {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "atelier: restart:", err)
		return
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "atelier: restart:", err)
	}
}

// appVersion is the version from FyneApp.toml (or the build), "dev" when
// there is none.
func appVersion(a fyne.App) string {
	if v := a.Metadata().Version; v != "" {
		return v
	}
	return "dev"
}

// windowSize is the window's size at the last exit, else one that fits a
// 1366×768 laptop screen with its panel and title bar.
func windowSize(p fyne.Preferences) fyne.Size {
	w, h := p.Float("window.width"), p.Float("window.height")
	if w < 900 || h < 600 {
		return fyne.NewSize(1280, 700)
	}
	return fyne.NewSize(float32(w), float32(h))
}

func keepWindowSize(p fyne.Preferences, s fyne.Size) {
	if s.Width >= 900 && s.Height >= 600 {
		p.SetFloat("window.width", float64(s.Width))
		p.SetFloat("window.height", float64(s.Height))
	}
}

// databasePath is where the database lives: $ATELIER_DB, else atelier.db in
// the app's storage folder.
func databasePath(a fyne.App) string {
	if p := os.Getenv("ATELIER_DB"); p != "" {
		return p
	}
	return filepath.Join(a.Storage().RootURI().Path(), "atelier.db")
}

// library opens the database in the background and connects it to the
// designer; it handles a damaged, newer or read-only file with a plain
// message, and runs the daily backup.
type library struct {
	path    string
	src     catalogSource
	d       *ui.Designer
	w       fyne.Window
	keyPath string // the dealer's signing key
	chosen  bool   // the catalog was chosen on the command line
	// afterOpen runs on the UI goroutine once the library is attached (or
	// could not be).
	afterOpen func()
	version   string // the app's, written into order packages

	mu      sync.Mutex
	db      *storage.DB
	agent   *shop.Agent // the link to the shop's other machines
	outbox  *outbox.Agent
	backups sync.WaitGroup
}

func (l *library) backupDir() string { return filepath.Join(filepath.Dir(l.path), "backups") }

// open runs off the UI goroutine.
func (l *library) open() {
	ctx := context.Background()
	db, err := storage.Open(ctx, l.path)
	switch {
	case err == nil:
		l.attach(db)
	case errors.Is(err, storage.ErrDamaged):
		l.damaged(err)
	case errors.Is(err, storage.ErrForeign):
		// Another program's file, or a library whose schema was changed (a
		// trigger, view, table or index Atelier does not make): left as it is.
		l.without(ui.T("the design library is not Atelier's"), fmt.Sprintf(ui.T("The file at %s is not an Atelier design library, or another program has changed it:\n%v\n\nIt was left as it is. You can design, but not save."), l.path, err), err)
	case errors.Is(err, storage.ErrNewer):
		l.without(ui.T("the design library was saved by a newer version of Atelier"), fmt.Sprintf(ui.T("The design library at %s was saved by a newer version of Atelier. It was left as it is.\n\nYou can design, but not save, until Atelier is updated."), l.path), err)
	case errors.Is(err, storage.ErrReadOnly):
		l.without(ui.T("the design library cannot be written"), fmt.Sprintf(ui.T("Atelier cannot write to its design library at %s (the file or its folder is read-only).\n\nYou can design, but not save."), l.path), err)
	case errors.Is(err, storage.ErrDiskFull):
		l.without(ui.T("the disk is full"), ui.T("The disk is full, so Atelier cannot open its design library.\n\nYou can design, but not save, until there is free space again."), err)
	default:
		l.without(ui.T("the design library could not be opened"), fmt.Sprintf(ui.T("Atelier could not open its design library at %s.\n\nYou can design, but not save."), l.path), err)
	}
}

// without runs the designer with saving off, after telling the user.
func (l *library) without(reason, msg string, err error) {
	fmt.Fprintln(os.Stderr, "atelier:", err)
	fyne.Do(func() {
		l.d.DisableSaving(reason)
		dialog.ShowInformation(ui.T("Designs cannot be saved"), msg, l.w)
	})
}

// damaged sets the damaged file aside (it is never overwritten or
// deleted), then offers the newest backup, else starts a new library.
func (l *library) damaged(cause error) {
	fmt.Fprintln(os.Stderr, "atelier:", cause)
	aside, err := storage.SetAside(l.path, "damaged", time.Now())
	if err != nil {
		l.without(ui.T("the design library is damaged"), fmt.Sprintf(ui.T("Atelier's design library at %s is damaged, and it could not be moved aside (%v).\n\nYou can design, but not save."), l.path, err), err)
		return
	}
	backups, _ := storage.Backups(l.backupDir())
	told := fmt.Sprintf(ui.T("Atelier's design library was damaged. It has been kept, untouched, as\n%s\n(for a specialist)."), aside)
	if len(backups) == 0 {
		l.openFresh(told + "\n\n" + ui.T("There is no backup, so Atelier starts with a new, empty library."))
		return
	}
	newest := backups[0]
	fyne.Do(func() {
		msg := fmt.Sprintf(ui.T("%s\n\nRestore the newest backup, from %s? Designs saved after it are in the damaged file only."), told, backupTime(newest))
		dlg := dialog.NewConfirm(ui.T("The design library was damaged"), msg, func(restore bool) {
			if !restore {
				go l.openFresh("")
				return
			}
			go func() {
				ctx := context.Background()
				if _, err := storage.Restore(ctx, l.path, newest); err != nil {
					l.openFresh(fmt.Sprintf(ui.T("The backup could not be restored: %v\n\nAtelier starts with a new, empty library."), err))
					return
				}
				db, err := storage.Open(ctx, l.path)
				if err != nil {
					l.without(ui.T("the restored library could not be opened"), fmt.Sprintf(ui.T("The restored library could not be opened: %v"), err), err)
					return
				}
				l.attach(db)
			}()
		}, l.w)
		dlg.SetConfirmText(ui.T("Restore the backup"))
		dlg.SetDismissText(ui.T("Start a new library"))
		dlg.Show()
	})
}

// openFresh starts with a new, empty database (after telling msg, if any).
func (l *library) openFresh(msg string) {
	db, err := storage.Open(context.Background(), l.path)
	if err != nil {
		l.without(ui.T("the design library could not be created"), fmt.Sprintf(ui.T("%s\n\nA new library could not be created either: %v"), msg, err), err)
		return
	}
	if msg != "" {
		fyne.Do(func() { dialog.ShowInformation(ui.T("The design library was damaged"), msg, l.w) })
	}
	l.attach(db)
}

// attach keeps the catalog, starts the daily backup and connects the
// designer.
func (l *library) attach(db *storage.DB) {
	ctx := context.Background()
	rec, err := db.ImportCatalog(ctx, l.src.data, l.src.kind, l.src.cat, l.src.sig)
	if err != nil {
		db.Close()
		l.without(ui.T("the catalog could not be kept in the design library"), fmt.Sprintf(ui.T("The catalog could not be kept in the design library, so designs cannot be saved.\n\n%v"), err), err)
		return
	}
	l.mu.Lock()
	l.db = db
	l.backups.Add(1)
	l.mu.Unlock()
	// A name typed at the showroom is kept at most 30 days.
	if _, err := db.ExpireQueue(ctx, 30*24*time.Hour); err != nil {
		fmt.Fprintln(os.Stderr, "atelier: showroom queue:", err)
	}
	// An order export that a crash or a kill interrupted is finished (its
	// file is at its destination) or rolled back (the order is cancelled).
	recovered, err := db.RecoverExports(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "atelier: interrupted exports:", err)
	}
	go func() {
		defer l.backups.Done()
		if _, err := db.AutoBackup(ctx, l.backupDir(), keepBackups); err != nil {
			fmt.Fprintln(os.Stderr, "atelier: daily backup:", err)
		}
	}()
	fyne.Do(func() {
		h := l.d.Host()
		h.Backup = func(ctx context.Context) (string, error) {
			return db.BackupInto(ctx, l.backupDir())
		}
		l.d.SetHost(h)
		l.d.SetStore(db, rec.ID)
		// Recommendations learned from this library (recommender.go).
		l.d.SetRecommender(newLibraryRecommender(db))
		l.d.ExportsRecovered(recovered)
		if !l.chosen {
			l.d.RestoreCatalog() // the catalog version used last time
		}
		if l.afterOpen != nil {
			l.afterOpen()
		}
		l.d.SetOrderExport(ui.OrderExport{
			Package: func(ctx context.Context, orderID int64, s orderfile.Settings) (*orderfile.Order, []byte, error) {
				return orderfile.PackageOrder(ctx, db, orderID, s)
			},
			KeyPath:    l.keyPath,
			AppVersion: l.version,
			Import: func(ctx context.Context, data []byte) (*orderfile.Imported, error) {
				trust, err := orderfile.OwnKey(l.keyPath)
				if err != nil {
					return nil, err
				}
				return orderfile.Import(ctx, db, data, trust)
			},
		})
		l.d.OfferAutosave()
	})
	// The shop's other machines (docs/shop.md): synced in the background
	// when this library is in a shop.
	agent := shop.NewAgent(db, filepath.Join(filepath.Dir(l.path), shop.CredentialsFile))
	agent.SetOnStatus(func(st shop.AgentStatus) { fyne.Do(func() { l.d.ShopChanged(uiShopStatus(st)) }) })
	l.mu.Lock()
	l.agent = agent
	l.mu.Unlock()
	if err := agent.Start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "atelier: shop:", err)
	}
	fyne.Do(func() { l.d.SetShop(shopLink{agent}) })
	l.startOutbox(db)
}

// startOutbox starts the outbox's agent: it delivers the orders sent to
// their manufacturer's inbox, in the background, and collects the answers.
func (l *library) startOutbox(db *storage.DB) {
	keyPath := filepath.Join(filepath.Dir(l.path), "keys", "dealer-ssh.key") // as atelierctl's
	key, keyErr := transport.LoadOrCreateKey(keyPath)
	if keyErr != nil {
		fmt.Fprintln(os.Stderr, "atelier: the SSH key for the manufacturer's server:", keyErr)
	}
	agent := &outbox.Agent{Sender: &outbox.Sender{DB: db, Key: key},
		OnChange: func() { fyne.Do(l.d.OutboxChanged) }}
	l.mu.Lock()
	l.outbox = agent
	l.mu.Unlock()
	agent.Start()
	link := outboxLink{db: db, agent: agent, key: key, keyErr: keyErr, trusted: assets.TrustedManufacturers()}
	fyne.Do(func() { l.d.SetSender(link) })
}

// outboxLink is the outbox as the designer sees it (ui.OrderSender).
type outboxLink struct {
	db      *storage.DB
	agent   *outbox.Agent
	key     ssh.Signer
	keyErr  error
	trusted map[string]sign.PublicKey
}

func (o outboxLink) CanSend(ctx context.Context, revisions []int64) error {
	lines := make([]storage.OrderLine, len(revisions))
	for i, r := range revisions {
		lines[i] = storage.OrderLine{Revision: r, Quantity: 1}
	}
	_, err := outbox.DestinationOf(ctx, o.db, storage.Order{Number: "draft", Lines: lines}, o.trusted)
	return err
}

func (o outboxLink) Send(ctx context.Context, order int64, s orderfile.Settings) (storage.OutboxItem, error) {
	return outbox.Queue(ctx, o.db, order, s, o.trusted)
}

func (o outboxLink) Kick() { o.agent.Kick() }

func (o outboxLink) SSHKey() (string, error) {
	if o.keyErr != nil {
		return "", o.keyErr
	}
	return transport.AuthorizedKey(o.key), nil
}

// shopLink is the shop's agent as the designer sees it (ui.ShopLink).
type shopLink struct{ a *shop.Agent }

func (s shopLink) Status() ui.ShopStatus { return uiShopStatus(s.a.Status()) }
func (s shopLink) SyncNow()              { s.a.SyncNow() }
func (s shopLink) Join(ctx context.Context, server, code string) error {
	return s.a.Join(ctx, server, code)
}
func (s shopLink) Leave(ctx context.Context) error { return s.a.Leave(ctx) }

func uiShopStatus(st shop.AgentStatus) ui.ShopStatus {
	return ui.ShopStatus{Joined: st.Joined, Name: st.Name, Machine: st.Machine, Showroom: st.Kind == shop.Showroom,
		Server: st.Server, Online: st.Online, Syncing: st.Syncing, LastSync: st.LastSync, Pending: st.Pending,
		Received: st.Received, Err: st.Err}
}

func (l *library) close() {
	l.backups.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.agent != nil {
		l.agent.Stop()
	}
	if l.outbox != nil {
		l.outbox.Stop()
	}
	if l.db != nil {
		l.db.Close()
	}
}

// backupTime is a rotated backup's time (atelier-20261123-142501.db, UTC),
// for people.
func backupTime(path string) string {
	name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "atelier-"), ".db")
	t, err := time.ParseInLocation("20060102-150405", name, time.UTC)
	if err != nil {
		return filepath.Base(path)
	}
	return t.Local().Format("2 Jan 2006, 15:04")
}

// catalogSource is a catalog and its source as the library keeps it.
type catalogSource struct {
	cat  *catalog.Catalog
	data []byte
	kind string // "json" or "zip"
	sig  storage.Signature
	note string // how far it is trusted, for the status line ("" for the demo)
}

// refusedError is a catalog Atelier will not open: tampered with, or not
// signed by a trusted manufacturer (without -allow-unsigned).
type refusedError struct{ msg string }

func (e refusedError) Error() string { return e.msg }

// loadCatalog reads a catalog given on the command line. A .zip is a
// manufacturer's package: signed by a trusted manufacturer it is opened as
// signed; changed after signing it is refused; unsigned or signed by an
// unknown key it is refused unless allowUnsigned. A .json file or a folder
// (kept as a zip of its files) is unsigned: the same rule.
func loadCatalog(path string, allowUnsigned bool) (catalogSource, error) {
	allow := "\n\n" + ui.T("If you trust where this catalog came from, start Atelier with -allow-unsigned to open it anyway (it stays marked unsigned).")
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		data, err := os.ReadFile(path)
		if err != nil {
			return catalogSource{}, err
		}
		cat, trust, err := catalog.ReadPackage(filepath.Base(path), data, assets.TrustedManufacturers())
		switch {
		case err != nil && trust.Signed && !trust.Valid:
			return catalogSource{}, refusedError{fmt.Sprintf(ui.T("The catalog %s was changed after it was signed (%s), so Atelier will not use it. Ask the manufacturer for a fresh copy."), path, trust.Problem)}
		case err != nil:
			return catalogSource{}, err
		case trust.Trusted:
			return catalogSource{cat: cat, data: data, kind: "zip", sig: storage.Signed, note: ui.Tf("signed by %s", trust.Manufacturer)}, nil
		case !allowUnsigned:
			return catalogSource{}, refusedError{fmt.Sprintf(ui.T("Atelier did not open the catalog %s: %s.%s"), path, trust.Problem, allow)}
		}
		return catalogSource{cat: cat, data: data, kind: "zip", sig: storage.Unsigned, note: ui.T("unsigned catalog")}, nil
	}
	if !allowUnsigned {
		return catalogSource{}, refusedError{fmt.Sprintf(ui.T("Atelier did not open the catalog %s: a catalog file or folder is not signed by its manufacturer.%s"), path, allow)}
	}
	cat, err := catalog.Load(path)
	if err != nil {
		return catalogSource{}, err
	}
	s := catalogSource{cat: cat, kind: "json", sig: storage.Unsigned, note: ui.T("unsigned catalog")}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return s, err
	case st.IsDir():
		s.kind = "zip"
		s.data, err = zipFolder(path)
	default:
		s.data, err = os.ReadFile(path)
	}
	return s, err
}

// zipFolder packs a catalog folder as a zip, the same bytes for the same
// files (sorted names, no times).
func zipFolder(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.ToSlash(rel), Method: zip.Deflate})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("pack the catalog folder %s: %w", dir, err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// setFlags collects repeated -set flags.
type setFlags []string

func (s *setFlags) String() string     { return fmt.Sprint(*s) }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }
