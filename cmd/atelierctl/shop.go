package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/atelier-app/atelier/storage/shop"
)

// ShopCmd groups the verbs of a shop of several machines (docs/shop.md).
type ShopCmd struct {
	Init       ShopInitCmd   `cmd:"" help:"Make the shop's schema and roles in its PostgreSQL (the shop's owner, once, and again after an update)."`
	AddMachine ShopAddCmd    `cmd:"" name:"add-machine" help:"Add a machine to the shop: prints the one-time code it joins with (valid 15 minutes)."`
	Revoke     ShopRevokeCmd `cmd:"" help:"Take a machine out of the shop at once (a lost laptop): it can read nothing afterwards."`
	Status     ShopStatusCmd `cmd:"" help:"With --postgres: the shop's machines. Without: this machine's place in its shop."`
	Join       ShopJoinCmd   `cmd:"" help:"Join this machine's library to a shop, with the code add-machine printed."`
	Vacuum     ShopVacuumCmd `cmd:"" help:"Make the shop's tables again so that forgotten customers leave PostgreSQL's files too (the shop's owner; syncs wait meanwhile)."`
}

// ShopVacuumCmd makes the tables again.
type ShopVacuumCmd struct{ ownerURL }

// Run vacuums.
func (c *ShopVacuumCmd) Run(env *Env) error {
	ctx := context.Background()
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close(ctx)
	if err := a.Vacuum(ctx); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "the shop's tables were made again: forgotten customers are gone from PostgreSQL's data files")
	return nil
}

// ownerURL is the shop owner's connection.
type ownerURL struct {
	Postgres string `name:"postgres" env:"ATELIER_SHOP_URL" required:"" placeholder:"URL" help:"The shop owner's PostgreSQL URL, postgres://owner@host:port/database?sslmode=verify-full (to another machine only with verify-full; the password from PGPASSWORD or ~/.pgpass rather than in the URL)."`
}

func (o ownerURL) open(ctx context.Context) (*shop.Admin, error) {
	return shop.OpenAdmin(ctx, o.Postgres)
}

// ShopInitCmd makes or updates the schema.
type ShopInitCmd struct{ ownerURL }

// Run makes the roles and applies the migrations.
func (c *ShopInitCmd) Run(env *Env) error {
	ctx := context.Background()
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close(ctx)
	from, to, err := a.Init(ctx)
	if err != nil {
		return err
	}
	switch {
	case from == 0:
		fmt.Fprintf(env.Stdout, "the shop is ready (schema %d); add its machines with atelierctl shop add-machine\n", to)
	case from == to:
		fmt.Fprintf(env.Stdout, "the shop's schema is up to date (%d)\n", to)
	default:
		fmt.Fprintf(env.Stdout, "the shop's schema was updated from %d to %d\n", from, to)
	}
	return nil
}

// ShopAddCmd adds a machine.
type ShopAddCmd struct {
	ownerURL
	Name     string `required:"" help:"The machine's name, for people (\"Laptop Anna\", \"Showroom 1\")."`
	Showroom bool   `help:"A showroom machine: reads catalogs and sends designs to the dealer, sees no customers or orders."`
}

// Run makes the machine's role and prints its code.
func (c *ShopAddCmd) Run(env *Env) error {
	ctx := context.Background()
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close(ctx)
	kind := shop.Dealer
	if c.Showroom {
		kind = shop.Showroom
	}
	p, err := a.AddMachine(ctx, c.Name, kind)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s (machine %d, %s) may join until %s with the code\n\n    %s\n\n"+
		"On that machine: Settings → Shop → Join, or atelierctl shop join --server HOST[:PORT]/DATABASE --code CODE\n",
		p.Name, p.Number, p.Kind, p.Until.Local().Format("15:04"), p.Code)
	return nil
}

// ShopRevokeCmd revokes a machine.
type ShopRevokeCmd struct {
	ownerURL
	Name string `arg:"" help:"The machine's name."`
}

// Run revokes.
func (c *ShopRevokeCmd) Run(env *Env) error {
	ctx := context.Background()
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close(ctx)
	if err := a.Revoke(ctx, c.Name); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s is revoked: it can no longer log in, and its open connections were ended\n", c.Name)
	return nil
}

// ShopStatusCmd shows the shop (owner) or this machine's place in it.
type ShopStatusCmd struct {
	Postgres string `name:"postgres" env:"ATELIER_SHOP_URL" placeholder:"URL" help:"The shop owner's PostgreSQL URL: list the shop's machines."`
}

// Run prints the status.
func (c *ShopStatusCmd) Run(env *Env, cli *CLI) error {
	ctx := context.Background()
	if c.Postgres == "" {
		return machineStatus(ctx, env, cli)
	}
	a, err := shop.OpenAdmin(ctx, c.Postgres)
	if err != nil {
		return err
	}
	defer a.Close(ctx)
	st, err := a.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "shop database %s on PostgreSQL %s, schema %d\n", st.Database, st.Server, st.Schema)
	if st.Forgotten > 0 {
		fmt.Fprintf(env.Stdout, "%d %s forgotten since the tables were last made again: run atelierctl shop vacuum to clear them from PostgreSQL's files\n",
			st.Forgotten, plural(st.Forgotten, "customer", "customers"))
	}
	fmt.Fprintln(env.Stdout)
	if len(st.Machines) == 0 {
		fmt.Fprintln(env.Stdout, "no machines yet: atelierctl shop add-machine --name NAME")
		return nil
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "#\tNAME\tKIND\tSTATE\tLAST SYNC\tWAITING")
	now := time.Now()
	for _, m := range st.Machines {
		last := "never"
		if m.LastSeen != nil {
			last = m.LastSeen.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\n", m.Number, m.Name, m.Kind, m.State(now), last, m.Pending)
	}
	return w.Flush()
}

// credentialsPath is where the library at dbPath keeps its shop's
// credentials.
func credentialsPath(db string) string {
	return filepath.Join(filepath.Dir(dbPath(db)), shop.CredentialsFile)
}

// machineStatus says whether this machine is in a shop and reaches it.
func machineStatus(ctx context.Context, env *Env, cli *CLI) error {
	path := credentialsPath(cli.DB)
	c, err := shop.LoadCredentials(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(env.Stdout, "this library is in no shop (it works on its own); join one with atelierctl shop join")
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s, machine %d of the shop at %s:%d/%s (%s)\n", c.Name, c.Machine, c.Host, c.Port, c.Database, c.Kind)
	conn, err := c.Connect(ctx)
	if err != nil {
		fmt.Fprintf(env.Stdout, "offline: %v\n", err)
		return exitError{1}
	}
	defer conn.Close(ctx)
	fmt.Fprintln(env.Stdout, "online")
	return nil
}

// ShopJoinCmd pairs this machine.
type ShopJoinCmd struct {
	Server string `required:"" placeholder:"HOST[:PORT]/DATABASE" help:"The shop's PostgreSQL server and database."`
	Code   string `required:"" help:"The code atelierctl shop add-machine printed."`
}

// Run pairs and keeps the credentials beside the library.
func (c *ShopJoinCmd) Run(env *Env, cli *CLI) error {
	ctx := context.Background()
	srv, err := shop.ParseServer(c.Server)
	if err != nil {
		return usageError{err}
	}
	path := credentialsPath(cli.DB)
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("this library is in a shop already (%s); leave it first", path)
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := db.LibraryID(ctx)
	if err != nil {
		return err
	}
	kept := false
	cred, err := shop.Join(ctx, srv, strings.TrimSpace(c.Code), id, func(c shop.Credentials) error {
		kept = true
		return c.Save(path)
	})
	if err != nil {
		if kept && cred.Name == "" {
			os.Remove(path) // the server did not take the password
		}
		return err
	}
	if err := db.JoinShop(ctx, cred.Machine, cred.Name); err != nil {
		return fmt.Errorf("joined, but the library could not record it: %w", err)
	}
	fmt.Fprintf(env.Stdout, "joined the shop at %s as %s (machine %d, %s); its credentials are in %s\n", srv, cred.Name, cred.Machine, cred.Kind, path)
	rep, err := shop.Sync(ctx, db, cred)
	if err != nil {
		fmt.Fprintf(env.Stdout, "the first sync did not finish (%v); atelierctl sync tries again\n", err)
		return nil
	}
	fmt.Fprintln(env.Stdout, describeSync(rep))
	return nil
}

// SyncCmd syncs the library with its shop.
type SyncCmd struct{}

// Run sends and takes in changes, and says what it did.
func (c *SyncCmd) Run(env *Env, cli *CLI) error {
	ctx := context.Background()
	cred, err := shop.LoadCredentials(credentialsPath(cli.DB))
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("this library is in no shop: join one with atelierctl shop join")
	}
	if err != nil {
		return err
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := shop.Sync(ctx, db, cred)
	if err != nil {
		if n, perr := db.PendingChanges(ctx); perr == nil {
			return fmt.Errorf("%w (%d %s waiting here)", err, n, plural(n, "change", "changes"))
		}
		return err
	}
	fmt.Fprintln(env.Stdout, describeSync(rep))
	return nil
}

// describeSync says in words what a sync did.
func describeSync(r shop.Report) string {
	msg := fmt.Sprintf("synced in %.1f s: %d %s sent, %d received", r.Took.Seconds(), r.Sent, plural(r.Sent, "change", "changes"), r.Received)
	if r.Pending > 0 {
		msg += fmt.Sprintf("; %d still waiting", r.Pending)
	}
	return msg
}
