// Command linegen writes a generated table-heavy product line (see package
// linegen) as a catalog file, for measuring the CLI on it:
//
//	go run ./catalog/internal/linegen/cmd/linegen -features 270 -seed 1 -out /tmp/th270.json
//	/usr/bin/time -v atelierctl catalog lint /tmp/th270.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/atelier-app/atelier/catalog/internal/linegen"
)

func main() {
	var cfg linegen.Config
	flag.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	flag.IntVar(&cfg.Features, "features", 150, "number of choice features")
	flag.IntVar(&cfg.Hidden, "hidden", 0, "number of engineered configurations the tables come from (0: features/2, at least 40)")
	flag.IntVar(&cfg.Tables, "tables", 0, "number of table rules (0: 1.2 × features)")
	flag.Int64Var(&cfg.MaxCombinations, "max-combinations", 0, "largest product of a table's domain sizes (0: 131072)")
	flag.IntVar(&cfg.WideRows, "wide-rows", 0, "add one 6-column table beyond 131072 combinations with this many rows (issue 13)")
	wideFew := flag.Bool("wide-few", false, "write the six-features-of-eight, two-row table case instead")
	out := flag.String("out", "", "output file (default: standard output)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "linegen: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	l := linegen.Generate(cfg)
	if *wideFew {
		l = linegen.WideFew()
	}
	fmt.Fprintf(os.Stderr, "linegen: %d tables, %d rows, largest table %d combinations, %d engineered configurations\n",
		l.Tables, l.Rows, l.MaxCombinations, len(l.Hidden))
	if *out == "" {
		if _, err := os.Stdout.Write(l.JSON); err != nil {
			fmt.Fprintf(os.Stderr, "linegen: %v\n", err)
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(*out, l.JSON, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "linegen: %v\n", err)
		os.Exit(1)
	}
}
