package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/intake"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
	"github.com/atelier-app/atelier/storage/shop"
)

// IntakeCmd groups the manufacturer's intake verbs.
type IntakeCmd struct {
	Run    IntakeRunCmd    `cmd:"" help:"Take in every package in the inbox (once, or --watch): verify, file, quarantine, answer."`
	Report IntakeReportCmd `cmd:"" help:"What was taken in on a day, per dealer: accepted orders, refused packages and why."`
}

// IntakeStateFlags name the intake's state.
type IntakeStateFlags struct {
	State    string `help:"The intake's state, a SQLite file (default: intake.db in --out, or in the current folder for report)." type:"path"`
	Postgres string `help:"Keep the state in PostgreSQL instead (postgres://…?sslmode=verify-full), shared by several intake processes." env:"ATELIER_INTAKE_POSTGRES"`
}

func (f IntakeStateFlags) open(ctx context.Context, defaultDir string, workers int) (intake.State, error) {
	if f.Postgres != "" {
		if f.State != "" {
			return nil, usagef("--state and --postgres: name one")
		}
		if _, err := shop.ParseURL(f.Postgres); err != nil {
			return nil, usagef("--postgres: %v", err)
		}
		cfg, err := pgxpool.ParseConfig(f.Postgres)
		if err != nil {
			return nil, usagef("--postgres: %v", err)
		}
		return intake.OpenPostgres(ctx, cfg, workers)
	}
	path := f.State
	if path == "" {
		path = filepath.Join(defaultDir, "intake.db")
	}
	return intake.OpenSQLite(ctx, path)
}

// IntakeRunCmd runs the intake.
type IntakeRunCmd struct {
	Inbox   string        `help:"The inbox: a folder (holding inbox/<DEALER>/…)." type:"path" xor:"inbox"`
	SFTP    string        `name:"sftp" help:"The inbox on an SFTP server, host:port (with --host-key, --user and --ssh-key)." xor:"inbox"`
	HostKey string        `name:"host-key" help:"The SFTP server's host key, as authorized_keys writes it."`
	User    string        `help:"The SFTP login."`
	SSHKey  string        `name:"ssh-key" help:"The intake's SSH private key file (made on first use)." type:"path"`
	Out     string        `required:"" help:"The folder where accepted orders (accepted/<day>/) and refused packages (quarantine/<day>/) are filed." type:"path"`
	Key     string        `required:"" help:"The manufacturer's private key, which signs the answers (the key that signs the catalogs)." type:"existingfile"`
	Catalog []string      `help:"A catalog (package, folder or file) orders may be made with; repeatable. The built-in demo and every catalog kept in the database (catalog import) are always known." type:"path"`
	Workers int           `help:"Packages verified at once (default: one per core)."`
	Watch   time.Duration `help:"Keep watching the inbox, a pass every this long (e.g. 5s); stop with Ctrl+C."`
	IntakeStateFlags
}

// Run takes the inbox in. The dealer registry is the database's
// (atelierctl dealer trust).
func (c *IntakeRunCmd) Run(env *Env, cli *CLI) error {
	if c.Inbox == "" && c.SFTP == "" {
		return usagef("name the inbox: --inbox FOLDER or --sftp HOST:PORT")
	}
	key, err := sign.Load(c.Key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	var cats []orderfile.CatalogSource
	if demo, err := assets.DemoCatalog(); err == nil {
		cats = append(cats, orderfile.NewCatalogSource(assets.DemoCatalogJSON, demo))
	}
	if pkgCat, _, err := catalog.ReadPackage("demo package", assets.DemoPackage, assets.TrustedManufacturers()); err == nil {
		cats = append(cats, orderfile.NewCatalogSource(assets.DemoPackage, pkgCat))
	}
	for _, p := range c.Catalog {
		cat, src, _, _, err := catalogSource(p)
		if err != nil {
			return fmt.Errorf("--catalog %s: %w", p, err)
		}
		cats = append(cats, orderfile.NewCatalogSource(src, cat))
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return fmt.Errorf("the dealer registry: %w", err)
	}
	registry, err := db.DealerKeys(context.Background())
	if err != nil {
		db.Close()
		return fmt.Errorf("the dealer registry: %w", err)
	}
	// Every catalog version kept in the database (atelierctl catalog
	// import) is known too.
	kept, err := keptCatalogs(context.Background(), db)
	db.Close()
	if err != nil {
		return err
	}
	cats = append(cats, kept...)
	if len(registry) == 0 {
		fmt.Fprintln(env.Stderr, "warning: no dealer is enrolled (atelierctl dealer trust): every package will be refused")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var inbox transport.Transport
	if c.Inbox != "" {
		inbox = transport.NewFolder(c.Inbox)
	} else {
		sshKeyFile := c.SSHKey
		if sshKeyFile == "" {
			sshKeyFile = filepath.Join(c.Out, "intake-ssh.key")
		}
		sshKey, err := transport.LoadOrCreateKey(sshKeyFile)
		if err != nil {
			return err
		}
		if inbox, err = transport.Open(ctx, transport.Address{SFTP: c.SFTP, User: c.User, HostKey: c.HostKey}, "", sshKey); err != nil {
			return err
		}
	}
	defer inbox.Close()
	state, err := c.open(ctx, c.Out, c.Workers)
	if err != nil {
		return err
	}
	defer state.Close()
	host, _ := os.Hostname()
	in := &intake.Intake{Inbox: inbox, Out: c.Out, Catalogs: cats, Trust: orderfile.Trust{Registry: registry}, Key: key, State: state,
		Workers: c.Workers, By: fmt.Sprintf("%s/%d", host, os.Getpid()),
		Log: func(e intake.Event) { logEvent(env, e) }}
	if c.Watch > 0 {
		return in.Watch(ctx, c.Watch, func(p intake.Pass, err error) {
			if err != nil {
				fmt.Fprintf(env.Stderr, "%s pass failed: %v\n", time.Now().Format("15:04:05"), err)
			}
		})
	}
	p, err := in.Run(ctx)
	fmt.Fprintf(env.Stdout, "%d accepted, %d refused, %d delivered again", p.Accepted, p.Refused, p.Duplicates)
	if p.Busy > 0 {
		fmt.Fprintf(env.Stdout, ", %d taken by another intake process", p.Busy)
	}
	fmt.Fprintln(env.Stdout)
	if err != nil {
		return err
	}
	if p.Failed > 0 {
		return fmt.Errorf("%d %s could not be taken in now and stay in the inbox for the next pass", p.Failed, plural(p.Failed, "package", "packages"))
	}
	return nil
}

func logEvent(env *Env, e intake.Event) {
	r := e.Record
	switch {
	case e.Err != nil:
		fmt.Fprintf(env.Stderr, "%s: %v\n", e.Path, e.Err)
	case e.Duplicate:
		fmt.Fprintf(env.Stdout, "%s: delivered again; answered as before (%s)\n", e.Path, r.Verdict)
	case r.Verdict == orderfile.Accepted:
		fmt.Fprintf(env.Stdout, "%s: accepted order %s %s from %s\n", e.Path, r.Number, revision(r.Revision), r.Dealer)
	default:
		fmt.Fprintf(env.Stdout, "%s: refused: %s\n", e.Path, strings.Join(r.Reasons, "; "))
	}
}

// IntakeReportCmd prints a day's summary.
type IntakeReportCmd struct {
	Day string `help:"The day, YYYY-MM-DD (default: today, UTC)."`
	IntakeStateFlags
}

// Run prints what the intake took in on the day, per dealer.
func (c *IntakeReportCmd) Run(env *Env, cli *CLI) error {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	if c.Day != "" {
		d, err := time.Parse(time.DateOnly, c.Day)
		if err != nil {
			return usagef("--day %s: not a date; write YYYY-MM-DD", c.Day)
		}
		day = d
	}
	if c.State == "" && c.Postgres == "" {
		if _, err := os.Stat("intake.db"); errors.Is(err, os.ErrNotExist) {
			return usagef("no intake state here: name it with --state FILE or --postgres URL")
		}
	}
	ctx := context.Background()
	state, err := c.open(ctx, ".", 1)
	if err != nil {
		return err
	}
	defer state.Close()
	recs, err := state.Records(ctx, day, day.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	intake.Summarize(day.Format(time.DateOnly), recs).Write(env.Stdout)
	return nil
}

// keptCatalogs are the catalog versions kept in a library, for verifying.
func keptCatalogs(ctx context.Context, db *storage.DB) ([]orderfile.CatalogSource, error) {
	recs, err := db.Catalogs(ctx)
	if err != nil {
		return nil, err
	}
	var out []orderfile.CatalogSource
	for _, r := range recs {
		src, _, err := db.CatalogSource(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		cat, err := db.LoadCatalog(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("catalog %s %s kept in the database: %w", r.CatalogID, r.Version, err)
		}
		out = append(out, orderfile.NewCatalogSource(src, cat))
	}
	return out, nil
}
