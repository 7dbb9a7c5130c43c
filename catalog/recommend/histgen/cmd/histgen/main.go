// Command histgen writes the demo catalog's configuration histories, one
// gzipped JSON-lines file per product (see package histgen):
//
//	go run ./catalog/recommend/histgen/cmd/histgen -out catalog/recommend/testdata
//
// The same flags give the same bytes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog/recommend/histgen"
)

func main() {
	out := flag.String("out", "catalog/recommend/testdata", "folder to write <product>.history.jsonl.gz into")
	n := flag.Int("n", histgen.DemoSize, "configurations per product")
	seed := flag.Uint64("seed", histgen.DemoSeed, "random seed")
	only := flag.String("product", "", "one product id (default: every demo product)")
	taste := flag.Float64("taste", 0, "how strongly the customer types' tastes count (histgen.Options.Taste; default 2)")
	jitter := flag.Float64("jitter", 0, "the noise on every weight (histgen.Options.Jitter; default 0.35)")
	flag.Parse()
	if err := run(*out, *n, *seed, *only, histgen.Options{Taste: *taste, Jitter: *jitter}); err != nil {
		fmt.Fprintln(os.Stderr, "histgen:", err)
		os.Exit(1)
	}
}

func run(out string, n int, seed uint64, only string, opt histgen.Options) error {
	cat, err := assets.DemoCatalog()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, p := range cat.Products {
		if only != "" && p.ID != only {
			continue
		}
		types := histgen.DemoTypes(p.ID)
		if types == nil {
			return fmt.Errorf("no customer types for %s", p.ID)
		}
		start := time.Now()
		cs, st, err := histgen.GenerateWith(p, types, n, seed, opt)
		if err != nil {
			return err
		}
		data, err := histgen.Gzip(histgen.Examples(cs))
		if err != nil {
			return err
		}
		file := filepath.Join(out, histgen.HistoryFile(p.ID))
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d configurations in %v, %d bytes (%d engine domains, %d checks, %d drawn values refused)\n",
			file, len(cs), time.Since(start).Round(time.Millisecond), len(data), st.DomainsCalls, st.Checks, st.Rejected)
	}
	return nil
}
