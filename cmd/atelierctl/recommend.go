package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/recommend"
	"github.com/atelier-app/atelier/catalog/rules"
)

// RecommendCmd proposes values for the open features, or measures the
// methods on a history.
type RecommendCmd struct {
	Show     RecommendShowCmd     `cmd:"" default:"withargs" hidden:"" help:"Propose a value for every open feature."`
	Evaluate RecommendEvaluateCmd `cmd:"" help:"Measure the recommendation methods on a history (10-fold cross-validation; see docs/recommendations.md)."`
}

// historySource gives the past configurations of a product a recommender
// learns from: a history file (--history) or the library's designs.
type historySource func(p *catalog.Product) ([]recommend.Example, error)

// fileHistory reads a history file (JSON lines, gzip'ed or not); no path:
// no history (the catalog's popularity alone).
func fileHistory(path string) historySource {
	return func(p *catalog.Product) ([]recommend.Example, error) {
		if path == "" {
			return nil, nil
		}
		h, err := readHistoryFile(path)
		if err != nil {
			return nil, err
		}
		return h, nil
	}
}

func readHistoryFile(path string) ([]recommend.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("history %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	h, err := recommend.ReadHistory(r)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	return h, nil
}

// RecommendShowCmd proposes values.
type RecommendShowCmd struct {
	Catalog string   `help:"Catalog file, folder or .zip (default: the embedded demo)." type:"path"`
	Product string   `required:"" help:"Product id."`
	Set     []string `sep:"none" help:"A decision FEATURE=VALUE (repeatable; as for configure)." placeholder:"FEATURE=VALUE"`
	History string   `help:"History file to learn from: JSON lines, one past configuration each, gzip'ed or not (default: the library's own designs of the product, as the app learns)." type:"path"`
	Method  string   `default:"${recommendMethod}" help:"Method: popular, naive-bayes, knn, bayes-net or mixture." enum:"popular,naive-bayes,knn,bayes-net,mixture"`
	JSON    bool     `name:"json" help:"Print one JSON object."`
}

type recommendJSON struct {
	Product         string                     `json:"product"`
	Method          string                     `json:"method"`
	Examples        int                        `json:"examples"`
	Valid           bool                       `json:"valid"`
	Recommendations []recommend.Recommendation `json:"recommendations"`
}

// Run trains on the history (--history, else the library's own designs)
// and prints a recommendation per open feature.
func (c *RecommendShowCmd) Run(env *Env, cli *CLI) error {
	if c.History != "" {
		return c.run(env, fileHistory(c.History))
	}
	return c.run(env, libraryHistory(dbPath(cli.DB)))
}

// libraryHistory is what a library teaches: its designs of the product
// (storage.ProductHistory: newest revisions, ordered ones weighing more,
// forgotten customers' left out). A library not made yet teaches nothing
// (and is not made by asking).
func libraryHistory(path string) historySource {
	return func(p *catalog.Product) ([]recommend.Example, error) {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		db, err := openDB(path)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		h, err := db.ProductHistory(context.Background(), p.ID)
		if err != nil {
			return nil, err
		}
		out := make([]recommend.Example, len(h))
		for i, l := range h {
			out[i] = recommend.Example{Values: l.Decisions, Weight: l.Weight()}
		}
		return out, nil
	}
}

func (c *RecommendShowCmd) run(env *Env, source historySource) error {
	cat, err := loadCatalog(c.Catalog)
	if err != nil {
		return err
	}
	cfg, err := configure(cat, c.Product, c.Set)
	if err != nil {
		return err
	}
	p := cfg.Product
	dec := rules.Decisions{}
	for k := range cfg.Decided {
		dec[k] = cfg.Values[k]
	}
	h, err := source(p)
	if err != nil {
		return err
	}
	meth, err := recommend.ParseMethod(c.Method)
	if err != nil {
		return usagef("%v", err)
	}
	mod, err := recommend.Train(p, h, meth)
	if err != nil {
		return err
	}
	rm, err := rules.Compile(p)
	if err != nil {
		return err
	}
	s := rm.NewSession()
	ok, err := s.Consistent(dec)
	if err != nil {
		return err
	}
	out := recommendJSON{Product: p.ID, Method: string(meth), Examples: len(h), Valid: ok, Recommendations: []recommend.Recommendation{}}
	if ok {
		recs, err := recommend.Recommend(mod, s, dec)
		if err != nil {
			return err
		}
		out.Recommendations = append(out.Recommendations, recs...)
	}
	if c.JSON {
		if err := writeJSON(env.Stdout, out); err != nil {
			return err
		}
	} else {
		lang := cat.DefaultLanguage()
		fmt.Fprintf(env.Stdout, "%s (%s, %d past configurations)\n", p.Name.In(lang, lang), meth, len(h))
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		for _, r := range out.Recommendations {
			v := r.Value
			if v == "" {
				v = "(none)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%.0f%%\n", r.Feature, v, 100*r.Confidence)
		}
		tw.Flush()
	}
	if !ok {
		fmt.Fprintf(env.Stderr, "atelierctl: the decisions admit no valid configuration (see atelierctl configure)\n")
		return exitError{1}
	}
	return nil
}

// RecommendEvaluateCmd measures the methods.
type RecommendEvaluateCmd struct {
	History string `required:"" help:"History file: JSON lines, one past configuration each, gzip'ed or not." type:"path"`
	Catalog string `help:"Catalog file, folder or .zip (default: the embedded demo)." type:"path"`
	Product string `required:"" help:"Product id."`
	Methods string `default:"popular,naive-bayes,knn,bayes-net,mixture" help:"Methods to compare, comma-separated."`
	Folds   int    `default:"10" help:"Folds of the cross-validation."`
	Orders  int    `default:"10" help:"Random orders each test configuration is replayed in."`
	Limit   int    `help:"Replay only this many test configurations in all (0: every one)."`
	Seed    uint64 `default:"1" help:"Seed of the folds and orders."`
	JSON    bool   `name:"json" help:"Print one JSON object."`
}

// Run runs the protocol and prints a table per method.
func (c *RecommendEvaluateCmd) Run(env *Env) error {
	cat, err := loadCatalog(c.Catalog)
	if err != nil {
		return err
	}
	if _, err := configure(cat, c.Product, nil); err != nil {
		return err
	}
	p := cat.Product(c.Product)
	var methods []recommend.Method
	for _, name := range strings.Split(c.Methods, ",") {
		m, err := recommend.ParseMethod(strings.TrimSpace(name))
		if err != nil {
			return usagef("--methods: %v", err)
		}
		methods = append(methods, m)
	}
	h, err := fileHistory(c.History)(p)
	if err != nil {
		return err
	}
	rm, err := rules.Compile(p)
	if err != nil {
		return err
	}
	ev, err := recommend.Evaluate(rm, h, recommend.EvalOptions{Folds: c.Folds, Orders: c.Orders, Limit: c.Limit, Seed: c.Seed, Methods: methods})
	if err != nil {
		return err
	}
	if c.JSON {
		return writeJSON(env.Stdout, ev)
	}
	fmt.Fprintf(env.Stdout, "%s: %d configurations, %d replayed in %d orders, %d folds: %d recommendations (%d forced features skipped)\n",
		p.ID, ev.Configurations, ev.Replayed, ev.Orders, ev.Folds, ev.Steps, ev.Forced)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tsuccess\tmedian ms\tp95 ms\toracle\ttrain ms\t")
	for _, r := range ev.Results {
		fmt.Fprintf(tw, "%s\t%.1f%%\t%s\t%s\t%.1f%%\t%s\t\n", r.Method, 100*r.Success, ms(r.Median), ms(r.P95), 100*r.Oracle, ms(r.Train))
	}
	fmt.Fprintf(tw, "engine\t\t%s\t%s\t\t\t\n", ms(ev.EngineMedian), ms(ev.EngineP95))
	return tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }
