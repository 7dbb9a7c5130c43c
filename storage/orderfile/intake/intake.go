// Package intake takes order packages in at the manufacturer: it watches
// an inbox (a folder or an SFTP server, see package transport), verifies
// every new package with the dealer registry and the catalogs it names, on
// all cores, files accepted orders for the ERP (the OEX message, the
// package, and the day's merged lines.csv) and refused ones into
// quarantine with a report, and answers the dealer: a signed
// acknowledgement or refusal in the dealer's answers folder.
//
// Exactly once: a package is known by its hash, an order by its number and
// revision. The same package delivered twice is answered again and counted
// once; another package with an order's number and revision, or an older
// revision, is refused; a newer revision replaces the accepted one. The
// state (State) decides each package in one process, in one transaction.
//
// The manufacturer's folder:
//
//	accepted/<day>/oex-orders_<dealer>_<stamp>_<number>[-r<rev>].xml  the OEX message, for the ERP
//	accepted/<day>/<number>[-r<rev>].atelier-order.zip  the package (quote, previews)
//	accepted/<day>/lines.csv                          every component accepted that day
//	quarantine/<day>/<hash>-<file>                    a refused package
//	quarantine/<day>/<hash>-<file>.report.txt         why, in plain words
package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
	"github.com/atelier-app/atelier/storage/safefile"
)

// Intake is one intake process's set-up.
type Intake struct {
	Inbox    transport.Transport
	Out      string // the manufacturer's folder (accepted/, quarantine/)
	Catalogs []orderfile.CatalogSource
	Trust    orderfile.Trust // the dealer registry
	Key      *sign.Key       // the manufacturer's key, which signs the answers
	State    State
	Workers  int    // packages verified at once; 0: one per core
	By       string // this process's name in the records
	Now      func() time.Time
	// Log, when set, hears of every package decided or answered again.
	Log func(Event)
}

// Event is one package handled.
type Event struct {
	Path      string // in the inbox
	Record    Record
	Duplicate bool
	Err       error // the package could not be handled now (it stays in the inbox)
}

// Pass counts what one pass over the inbox did.
type Pass struct {
	Accepted, Refused, Duplicates int
	Busy                          int // held by another process
	Failed                        int // left in the inbox for the next pass
}

// PackageSuffix ends the name of an order package in the inbox.
const PackageSuffix = ".atelier-order.zip"

var dealerFolder = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._-]{0,31}$`)

func (in *Intake) now() time.Time {
	if in.Now != nil {
		return in.Now().UTC()
	}
	return time.Now().UTC()
}

func (in *Intake) log(e Event) {
	if in.Log != nil {
		in.Log(e)
	}
}

// job is one package in the inbox.
type job struct{ folder, name string }

func (j job) path() string { return transport.InboxDir + "/" + j.folder + "/" + j.name }

// Run makes one pass over the inbox: every package there is decided (or
// answered again), filed and removed from the inbox. A package that cannot
// be handled now (the inbox went away, the disk is full) stays for the
// next pass.
func (in *Intake) Run(ctx context.Context) (Pass, error) {
	if in.Key == nil || in.State == nil || in.Inbox == nil || in.Out == "" {
		return Pass{}, errors.New("the intake needs an inbox, a folder, a state and the manufacturer's key")
	}
	folders, err := in.Inbox.Folders(ctx, transport.InboxDir)
	if err != nil {
		return Pass{}, fmt.Errorf("the inbox: %w", err)
	}
	var jobs []job
	for _, f := range folders {
		if !dealerFolder.MatchString(f) {
			continue // not a dealer's folder: nothing of ours
		}
		entries, err := in.Inbox.List(ctx, transport.InboxDir+"/"+f)
		if err != nil {
			return Pass{}, fmt.Errorf("the inbox of dealer %s: %w", f, err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name, PackageSuffix) {
				jobs = append(jobs, job{f, e.Name})
			}
		}
	}
	workers := in.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		mu   sync.Mutex
		pass Pass
		days = map[string]bool{}
		next = make(chan job)
		wg   sync.WaitGroup
	)
	for range min(workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				r, dup, err := in.one(ctx, j)
				if errors.Is(err, errGone) {
					continue
				}
				mu.Lock()
				switch {
				case errors.Is(err, ErrBusy):
					pass.Busy++
				case err != nil:
					pass.Failed++
				case dup:
					pass.Duplicates++
				case r.Verdict == orderfile.Accepted:
					pass.Accepted++
					days[r.Day()] = true
				default:
					pass.Refused++
				}
				mu.Unlock()
				if !errors.Is(err, ErrBusy) {
					in.log(Event{Path: j.path(), Record: r, Duplicate: dup, Err: err})
				}
			}
		}()
	}
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	// The days' lines.csv, once per pass; and today's, which a process
	// killed after deciding may have left behind.
	days[in.now().Format(time.DateOnly)] = true
	for _, day := range sortedDays(days) {
		if err := in.fileDay(ctx, day); err != nil {
			return pass, err
		}
	}
	return pass, ctx.Err()
}

func sortedDays(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// Watch runs a pass every interval until ctx ends; a pass that fails (the
// inbox unreachable) is reported to onPass and tried again.
func (in *Intake) Watch(ctx context.Context, every time.Duration, onPass func(Pass, error)) error {
	for {
		p, err := in.Run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if onPass != nil {
			onPass(p, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(every):
		}
	}
}

// one handles one package: it is decided (or, when it was before,
// answered again), filed, answered, and removed from the inbox.
func (in *Intake) one(ctx context.Context, j job) (Record, bool, error) {
	data, err := in.Inbox.Get(ctx, j.path(), orderfile.DefaultLimits.MaxPackage)
	if errors.Is(err, transport.ErrTooBig) {
		return in.tooBig(ctx, j)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, errGone
	}
	if err != nil {
		return Record{}, false, err
	}
	sum := sha256.Sum256(data)
	pkg := hex.EncodeToString(sum[:])
	claim, err := in.State.Claim(ctx, pkg, in.By)
	if err != nil {
		return Record{}, false, err
	}
	defer claim.Release()
	if r, done := claim.Earlier(); done {
		// Decided before: delivered again, or decided by a process that
		// died before finishing it (not a second delivery).
		duplicate := r.Finished
		if duplicate {
			// Another process may have finished it since this one
			// listed the inbox: then it is gone from there.
			again, err := in.Inbox.Get(ctx, j.path(), orderfile.DefaultLimits.MaxPackage)
			if errors.Is(err, fs.ErrNotExist) || err == nil && !bytes.Equal(again, data) {
				return Record{}, false, errGone
			}
			if err != nil {
				return Record{}, false, err
			}
			if r, err = claim.Again(ctx); err != nil {
				return r, true, err
			}
		}
		if err := in.finish(ctx, j, r, data, duplicate); err != nil {
			return r, duplicate, err
		}
		return r, duplicate, claim.Done(ctx)
	}
	report := orderfile.Verify(data, in.Catalogs, in.Trust, orderfile.DefaultLimits)
	number, rev := report.Number, report.Revision
	r, err := claim.Decide(ctx, number, func(earlier []Record) Record {
		return in.decide(j, report, rev, earlier)
	})
	if err != nil {
		return r, false, err
	}
	if err := in.finish(ctx, j, r, data, false); err != nil {
		return r, false, err
	}
	return r, false, claim.Done(ctx)
}

// errGone: the package left the inbox since it was listed (another
// process took it in).
var errGone = errors.New("the package is no longer in the inbox")

// decide is the verdict on a verified package, given the records of the
// same order decided before.
func (in *Intake) decide(j job, report *orderfile.Report, rev int, earlier []Record) Record {
	r := Record{File: j.name, Folder: j.folder, Dealer: report.Dealer, DealerName: report.DealerName, Number: report.Number,
		Revision: rev, Received: in.now(), By: in.By, Lines: report.Lines}
	for _, f := range report.Findings {
		msg := f.Where + ": " + f.Message
		if f.Severity == "error" {
			r.Reasons = append(r.Reasons, msg)
		} else {
			r.Warnings = append(r.Warnings, msg)
		}
	}
	refuse := func(format string, args ...any) Record {
		r.Verdict = orderfile.Refused
		r.Reasons = append(r.Reasons, fmt.Sprintf(format, args...))
		return r
	}
	if !report.OK || report.Order == nil {
		r.Verdict = orderfile.Refused
		if len(r.Reasons) == 0 {
			r.Reasons = []string{"the package does not verify"}
		}
		return r
	}
	if report.Dealer != j.folder {
		return refuse("order %s of dealer %s arrived in dealer %s's inbox: each dealer sends through their own", report.Number, report.Dealer, j.folder)
	}
	// The latest accepted revision decides (the records come in the order
	// they were received, which says nothing of their revisions).
	var latest *Record
	for i, e := range earlier {
		if e.Verdict == orderfile.Accepted && (latest == nil || e.Revision > latest.Revision) {
			latest = &earlier[i]
		}
	}
	if latest != nil {
		switch {
		case latest.Revision > rev:
			return refuse("order %s %s is older than %s, accepted on %s: not taken", r.Number, revisionWords(rev), revisionWords(latest.Revision), latest.Received.Format("2006-01-02 15:04 MST"))
		case latest.Revision == rev:
			return refuse("order %s %s was already accepted on %s with other content: send a change as a new revision", r.Number, revisionWords(rev), latest.Received.Format("2006-01-02 15:04 MST"))
		}
		r.Replaces = latest.Revision
	}
	o := report.Order
	name, oex, err := orderfile.OEX(o)
	if err != nil {
		return refuse("its OEX order message cannot be made: %v", err)
	}
	r.Verdict, r.OEXName, r.OEX = orderfile.Accepted, FiledOEXName(name, r.Number, rev), oex
	r.Currency, r.DealerNet = o.Currency, o.Totals.DealerNet
	for _, l := range o.Lines {
		for _, b := range l.BOM {
			r.CSV = append(r.CSV, []string{orderfile.CSVCell(o.Dealer.ID, false), orderfile.CSVCell(o.Number, false), strconv.Itoa(rev),
				strconv.Itoa(l.Number), orderfile.CSVCell(l.ArticleCode, false), orderfile.CSVCell(l.Product, false), strconv.Itoa(l.Quantity),
				orderfile.CSVCell(b.SKU, false), orderfile.CSVCell(b.Name, false), orderfile.CSVCell(b.Quantity, true), orderfile.CSVCell(b.Unit, false)})
		}
	}
	return r
}

func revisionWords(rev int) string {
	if rev <= 1 {
		return "(first revision)"
	}
	return fmt.Sprintf("revision %d", rev)
}

// FiledOEXName is an accepted order's OEX message's file name in
// accepted/<day>/: the message's own name (oex-orders_<dealer>_<stamp>.xml)
// with the order's number and revision before .xml. The stamp is the
// order's creation to the second: orders made in the same second, and
// revisions dated alike, would otherwise overwrite each other's message.
func FiledOEXName(name, number string, rev int) string {
	return strings.TrimSuffix(name, ".xml") + "_" + strings.TrimSuffix(PackageName(number, rev), PackageSuffix) + ".xml"
}

// PackageName is an accepted package's file name in accepted/<day>/.
func PackageName(number string, rev int) string {
	if rev > 1 {
		return fmt.Sprintf("%s-r%d%s", number, rev, PackageSuffix)
	}
	return number + PackageSuffix
}

// finish does what a record asks for: the files, the answer, and the
// package out of the inbox. Every step may be done twice (a process killed
// after deciding leaves it to the next one, which finds the record).
func (in *Intake) finish(ctx context.Context, j job, r Record, data []byte, duplicate bool) error {
	day := filepath.Join(in.Out, "accepted", r.Day())
	switch r.Verdict {
	case orderfile.Accepted:
		if err := os.MkdirAll(day, 0o755); err != nil {
			return err
		}
		if err := writeOnce(filepath.Join(day, r.OEXName), r.OEX); err != nil {
			return err
		}
		if err := writeOnce(filepath.Join(day, PackageName(r.Number, r.Revision)), data); err != nil {
			return err
		}
	default:
		q := filepath.Join(in.Out, "quarantine", r.Day())
		if err := os.MkdirAll(q, 0o755); err != nil {
			return err
		}
		base := r.Package[:12] + "-" + safeName(j.name)
		if err := writeOnce(filepath.Join(q, base), data); err != nil {
			return err
		}
		if err := writeOnce(filepath.Join(q, base+".report.txt"), []byte(QuarantineReport(r))); err != nil {
			return err
		}
	}
	answer, err := orderfile.SignAnswer(orderfile.Answer{Order: r.Number, Revision: r.Revision, Package: r.Package, Dealer: r.Dealer,
		Verdict: r.Verdict, Reasons: clip(r.Reasons), Reference: in.reference(r), Duplicate: duplicate, Answered: stamp(in.now())}, in.Key)
	if err != nil {
		return err
	}
	if err := in.Inbox.Put(ctx, transport.AnswersDir+"/"+j.folder+"/"+orderfile.AnswerName(r.Number, r.Revision, r.Package), answer); err != nil {
		return fmt.Errorf("answer to %s: %w", j.path(), err)
	}
	return in.Inbox.Remove(ctx, j.path())
}

// reference is the manufacturer's reference for an order it accepted.
func (in *Intake) reference(r Record) string {
	if r.Verdict != orderfile.Accepted {
		return ""
	}
	return r.Day() + "/" + PackageName(r.Number, r.Revision)
}

// clip keeps an answer's reasons within what an answer may hold.
func clip(reasons []string) []string {
	out := reasons[:min(len(reasons), 50)]
	for i, s := range out {
		if len(s) > 1900 {
			out[i] = s[:1900] + "…"
		}
	}
	return out
}

// writeOnce writes a file unless it is there with these bytes.
func writeOnce(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return safefile.Write(path, data, 0o644)
}

// safeName keeps a file name from the inbox harmless on this disk.
func safeName(name string) string {
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	return s[:min(len(s), 120)]
}

// tooBig puts a file too large to be any order package aside in the
// inbox's quarantine folder, unread.
func (in *Intake) tooBig(ctx context.Context, j job) (Record, bool, error) {
	to := "quarantine/" + j.folder + "/" + j.name
	if err := in.Inbox.Rename(ctx, j.path(), to); err != nil {
		return Record{}, false, err
	}
	return Record{}, false, fmt.Errorf("%s: larger than any order package (%d MiB): moved unread to %s on the server",
		j.path(), orderfile.DefaultLimits.MaxPackage>>20, to)
}

// LinesHeader is the header of the day's merged lines.csv.
var LinesHeader = []string{"dealer", "order", "revision", "line", "article_code", "product", "line_quantity", "sku", "name", "quantity", "unit"}

// fileDay writes a day's lines.csv from every package accepted that day.
func (in *Intake) fileDay(ctx context.Context, day string) error {
	return in.State.Filing(ctx, day, func(recs []Record) error {
		if len(recs) == 0 {
			return nil
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.UseCRLF = true
		w.Write(LinesHeader)
		for _, r := range recs {
			w.WriteAll(r.CSV)
		}
		w.Flush()
		dir := filepath.Join(in.Out, "accepted", day)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		return writeOnce(filepath.Join(dir, "lines.csv"), buf.Bytes())
	})
}

// QuarantineReport is the text beside a refused package.
func QuarantineReport(r Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Refused: %s\n", r.File)
	fmt.Fprintf(&b, "Received: %s, in the inbox of dealer %s\n", r.Received.Format("2006-01-02 15:04:05 MST"), r.Folder)
	if r.Number != "" {
		fmt.Fprintf(&b, "Order: %s %s\n", r.Number, revisionWords(r.Revision))
	}
	if r.Dealer != "" {
		fmt.Fprintf(&b, "Dealer: %s %s\n", r.Dealer, r.DealerName)
	}
	fmt.Fprintf(&b, "Package SHA-256: %s\n\nWhy:\n", r.Package)
	for _, s := range r.Reasons {
		fmt.Fprintf(&b, "  - %s\n", s)
	}
	b.WriteString("\nThe dealer was sent these reasons. Nothing of this package was filed for production.\n")
	return b.String()
}
