// Command atelierctl is Atelier's headless command line: it checks and shows
// catalogs, renders previews and (in later versions) configures products,
// manages designs and exports and verifies orders. It needs no window and
// builds with CGO_ENABLED=0.
//
// Exit codes: 0 success, 1 the work failed (an invalid catalog, a missing
// file), 2 the command line itself is wrong.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "dev"

// usageError marks errors in the command line: they exit with status 2.
type usageError struct{ error }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitError carries an exit status for a failure that has already been
// reported (for example, lint errors printed one per line).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// CLI is the command line grammar.
type CLI struct {
	DB        string           `name:"db" env:"ATELIER_DB" help:"The database file (default: the desktop app's, in its data folder)." type:"path"`
	Catalog   CatalogCmd       `cmd:"" help:"Check, analyze, show and import catalogs."`
	Design    DesignCmd        `cmd:"" help:"Save, list, show and delete designs."`
	Customer  CustomerCmd      `cmd:"" help:"Add, list and forget customers."`
	DBCmd     DBCmd            `cmd:"" name:"db" help:"Check, back up and restore the database."`
	Order     OrderCmd         `cmd:"" help:"Export, verify and import order packages."`
	Dealer    DealerCmd        `cmd:"" help:"The registry of dealers' signing keys that order packages are verified against (for manufacturers)."`
	Key       KeyCmd           `cmd:"" help:"Make signing keys."`
	Configure ConfigureCmd     `cmd:"" help:"Show what remains possible after some decisions, and why the rest is not."`
	Render    RenderCmd        `cmd:"" help:"Render a product preview to a PNG file."`
	Recommend RecommendCmd     `cmd:"" help:"Propose the values customers most likely want, learned from past configurations; measure the methods."`
	Shop      ShopCmd          `cmd:"" help:"A shop of several machines kept in step through its PostgreSQL: set up, pair, revoke."`
	Sync      SyncCmd          `cmd:"" help:"Send this library's changes to its shop and take in the other machines'."`
	Outbox    OutboxCmd        `cmd:"" help:"Orders sent to the manufacturer: their state, delivery, and this library's SSH key."`
	Intake    IntakeCmd        `cmd:"" help:"For manufacturers: take orders in from the inbox, verify, file for the ERP, answer the dealers; report."`
	Version   kong.VersionFlag `help:"Print the version and exit."`
}

// CatalogCmd groups catalog verbs.
type CatalogCmd struct {
	Lint    LintCmd    `cmd:"" help:"Check a catalog; print every error as file:line:col: message."`
	Analyze AnalyzeCmd `cmd:"" help:"Analyze each product's rules: dead and forced options, redundant and contradicting rules."`
	Show    ShowCmd    `cmd:"" help:"Print a catalog (the embedded demo when PATH is absent)."`
	Import  ImportCmd  `cmd:"" help:"Check a catalog and keep it in the database (every version is kept); a signed package is verified."`
	Pack    PackCmd    `cmd:"" help:"Sign a catalog folder into a package (for manufacturers)."`
}

// Env is what commands write to; tests replace it.
type Env struct {
	Stdout, Stderr io.Writer
}

func main() {
	os.Exit(run(os.Args[1:], Env{Stdout: os.Stdout, Stderr: os.Stderr}))
}

// run parses args, runs the command and returns the exit status.
func run(args []string, env Env) (code int) {
	// kong calls Exit after --help and --version; unwind to here instead of
	// leaving the process, so that tests can call run.
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exitPanic)
			if !ok {
				panic(r)
			}
			code = e.code
		}
	}()
	var cli CLI
	parser, err := kong.New(&cli,
		kong.Name("atelierctl"),
		kong.Description("Atelier's headless tool: catalogs, previews, designs and orders."),
		kong.Vars{"version": version, "recommendMethod": string(recommend.Chosen)},
		kong.Writers(env.Stdout, env.Stderr),
		kong.Exit(func(code int) { panic(exitPanic{code}) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintln(env.Stderr, "atelierctl:", err)
		return 1
	}
	ctx, err := parser.Parse(joinNegativeNumbers(args))
	if err != nil {
		fmt.Fprintf(env.Stderr, "atelierctl: %s\nRun 'atelierctl --help' for usage.\n", plainMessage(err))
		return 2
	}
	if err := ctx.Run(&env, &cli); err != nil {
		return report(env, err)
	}
	return 0
}

type exitPanic struct{ code int }

// plainMessage is err's message with a missing or forbidden file said in
// the same words on every system (not "GetFileAttributesEx …: File not
// found." on Windows; see catalog.PlainFileError).
func plainMessage(err error) string {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = strings.Replace(msg, pe.Error(), catalog.PlainFileError(pe).Error(), 1)
	}
	return msg
}

func report(env Env, err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(env.Stderr, "atelierctl:", plainMessage(err))
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// numberFlags take a number that may be negative.
var numberFlags = map[string]bool{"--azimuth": true, "--elevation": true}

// joinNegativeNumbers writes "--azimuth -60" as "--azimuth=-60", which is
// how the argument parser reads a negative value.
func joinNegativeNumbers(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if numberFlags[args[i]] && i+1 < len(args) && strings.HasPrefix(args[i+1], "-") {
			if _, err := strconv.ParseFloat(args[i+1], 64); err == nil {
				out = append(out, args[i]+"="+args[i+1])
				i++
				continue
			}
		}
		out = append(out, args[i])
	}
	return out
}
