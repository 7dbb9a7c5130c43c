package intake

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage/orderfile"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
)

var testDay = time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)

// sqliteIntake is an intake with a SQLite state in a new folder, its clock
// at testDay.
func sqliteIntake(t *testing.T) (*Intake, string) {
	t.Helper()
	f := testFixture(t)
	dir := t.TempDir()
	st, err := OpenSQLite(context.Background(), filepath.Join(dir, "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	in := f.intake(dir, st, "test")
	in.Now = func() time.Time { return testDay }
	return in, dir
}

func run(t *testing.T, in *Intake) Pass {
	t.Helper()
	p, err := in.Run(context.Background())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return p
}

// answers reads the signed answers in a dealer's answers folder.
func answers(t testing.TB, dir, folder string, maker *sign.Key) map[string]orderfile.Answer {
	t.Helper()
	p := filepath.Join(dir, "server", transport.AnswersDir, folder)
	entries, err := os.ReadDir(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	out := map[string]orderfile.Answer{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(p, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		a, err := orderfile.ReadAnswer(data, []sign.PublicKey{maker.Public()})
		if err != nil {
			t.Fatalf("answer %s: %v", e.Name(), err)
		}
		out[e.Name()] = a
	}
	return out
}

// answerFor is the one answer to the package (by its hash).
func answerFor(t testing.TB, all map[string]orderfile.Answer, pkg []byte) orderfile.Answer {
	t.Helper()
	sum := sha(pkg)
	var found []orderfile.Answer
	for _, a := range all {
		if a.Package == sum {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d answers to package %s…, want 1", len(found), sum[:12])
	}
	return found[0]
}

func inboxFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(dir, "server", transport.InboxDir)
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// linesCSV reads a day's lines.csv.
func linesCSV(t testing.TB, out, day string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "accepted", day, "lines.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], LinesHeader) {
		t.Fatalf("lines.csv header: got %q, want %q", rows[:min(len(rows), 1)], LinesHeader)
	}
	return rows[1:]
}

func TestAcceptDuplicateRevisions(t *testing.T) {
	f := testFixture(t)
	in, dir := sqliteIntake(t)
	ctx := context.Background()
	day := testDay.Format(time.DateOnly)
	accepted := filepath.Join(in.Out, "accepted", day)

	// 1. A new order is accepted and filed.
	first := f.pkg(t, 1)
	deliver(t, dir, Dealer, orderfile.FileName(Number(1)), first)
	if got, want := run(t, in), (Pass{Accepted: 1}); got != want {
		t.Fatalf("first pass: got %+v, want %+v", got, want)
	}
	if got := inboxFiles(t, dir); len(got) != 0 {
		t.Errorf("inbox after the pass: %q, want empty", got)
	}
	if data, err := os.ReadFile(filepath.Join(accepted, PackageName(Number(1), 1))); err != nil || !bytes.Equal(data, first) {
		t.Errorf("the filed package differs from the one delivered (%v)", err)
	}
	o := f.order(t, 1)
	oexName, oex, err := orderfile.OEX(o)
	if err != nil {
		t.Fatal(err)
	}
	oexName = FiledOEXName(oexName, o.Number, 1)
	if data, err := os.ReadFile(filepath.Join(accepted, oexName)); err != nil || !bytes.Equal(data, oex) {
		t.Errorf("the OEX message %s is not filed as made from the order (%v)", oexName, err)
	}
	rows := linesCSV(t, in.Out, day)
	t.Logf("%d rows of lines.csv per package", f.rows)
	if len(rows) != f.rows {
		t.Fatalf("lines.csv: %d rows, want %d", len(rows), f.rows)
	}
	files, _, err := orderfile.ReadZip(first, orderfile.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	pkgRows, err := csv.NewReader(bytes.NewReader(files["lines.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgRows)-1 != len(rows) {
		t.Errorf("lines.csv: %d rows, the package's %d", len(rows), len(pkgRows)-1)
	}
	for _, r := range rows {
		if r[0] != Dealer || r[1] != Number(1) || r[2] != "1" {
			t.Errorf("lines.csv row %q: want dealer %s, order %s, revision 1", r, Dealer, Number(1))
		}
	}
	a := answerFor(t, answers(t, dir, Dealer, f.makerKey), first)
	if a.Verdict != orderfile.Accepted || a.Order != Number(1) || a.Revision != 1 || a.Duplicate || a.Reference != day+"/"+PackageName(Number(1), 1) {
		t.Errorf("answer: %+v", a)
	}

	// 2. The same package again: answered again, counted once.
	deliver(t, dir, Dealer, orderfile.FileName(Number(1)), first)
	if got, want := run(t, in), (Pass{Duplicates: 1}); got != want {
		t.Fatalf("second delivery: got %+v, want %+v", got, want)
	}
	a = answerFor(t, answers(t, dir, Dealer, f.makerKey), first)
	if a.Verdict != orderfile.Accepted || !a.Duplicate {
		t.Errorf("answer to the duplicate: %+v", a)
	}
	if got := len(linesCSV(t, in.Out, day)); got != f.rows {
		t.Errorf("lines.csv after the duplicate: %d rows, want %d", got, f.rows)
	}
	recs, err := in.State.Records(ctx, testDay.Truncate(24*time.Hour), testDay.Truncate(24*time.Hour).AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Deliveries != 2 {
		t.Fatalf("records: %d (deliveries %v), want 1 with 2 deliveries", len(recs), deliveries(recs))
	}
	s := Summarize(day, recs)
	if len(s.Dealers) != 1 || len(s.Dealers[0].Accepted) != 1 || s.Dealers[0].Duplicates != 1 {
		t.Errorf("summary: %+v", s)
	}

	// 3. A second revision replaces the first.
	o2 := f.order(t, 1)
	o2.Revision = 2
	o2.Notes = "Second revision: delivery to the ground floor."
	second := f.build(t, o2, nil)
	deliver(t, dir, Dealer, orderfile.FileName(Number(1)), second)
	if got, want := run(t, in), (Pass{Accepted: 1}); got != want {
		t.Fatalf("second revision: got %+v, want %+v", got, want)
	}
	if _, err := os.Stat(filepath.Join(accepted, PackageName(Number(1), 2))); err != nil {
		t.Errorf("revision 2 is not filed: %v", err)
	}
	if oexes, _ := filepath.Glob(filepath.Join(accepted, "oex-orders_*.xml")); len(oexes) != 2 {
		t.Errorf("OEX messages filed: %q, want one per revision", oexes)
	}
	if got, want := len(linesCSV(t, in.Out, day)), 2*f.rows; got != want {
		t.Errorf("lines.csv after revision 2: %d rows, want %d (both revisions, each once)", got, want)
	}
	recs, _ = in.State.Records(ctx, testDay.Truncate(24*time.Hour), testDay.Truncate(24*time.Hour).AddDate(0, 0, 1))
	var rev2 Record
	for _, r := range recs {
		if r.Revision == 2 {
			rev2 = r
		}
	}
	if rev2.Verdict != orderfile.Accepted || rev2.Replaces != 1 {
		t.Errorf("revision 2: %+v, want accepted replacing 1", rev2)
	}
	s = Summarize(day, recs)
	if len(s.Dealers) != 1 || len(s.Dealers[0].Accepted) != 1 || s.Dealers[0].Accepted[0].Revision != 2 {
		t.Errorf("summary after revision 2: %+v", s)
	}

	// 4. Revision 2 again, with other content: refused.
	o2b := f.order(t, 1)
	o2b.Revision = 2
	o2b.Notes = "Other content under the same revision."
	other := f.build(t, o2b, nil)
	deliver(t, dir, Dealer, "again.atelier-order.zip", other)
	if got, want := run(t, in), (Pass{Refused: 1}); got != want {
		t.Fatalf("same revision, other content: got %+v, want %+v", got, want)
	}
	a = answerFor(t, answers(t, dir, Dealer, f.makerKey), other)
	if a.Verdict != orderfile.Refused || !strings.Contains(strings.Join(a.Reasons, " "), "already accepted") || !strings.Contains(strings.Join(a.Reasons, " "), "new revision") {
		t.Errorf("answer to other content under revision 2: %+v", a)
	}

	// 5. The first revision, rebuilt differently, after the second: older, refused.
	o1 := f.order(t, 1)
	o1.Notes = "A late first revision."
	late := f.build(t, o1, nil)
	deliver(t, dir, Dealer, "late.atelier-order.zip", late)
	if got, want := run(t, in), (Pass{Refused: 1}); got != want {
		t.Fatalf("older revision: got %+v, want %+v", got, want)
	}
	a = answerFor(t, answers(t, dir, Dealer, f.makerKey), late)
	if a.Verdict != orderfile.Refused || !strings.Contains(strings.Join(a.Reasons, " "), "is older than revision 2") {
		t.Errorf("answer to the older revision: %+v", a)
	}
	if got, want := len(linesCSV(t, in.Out, day)), 2*f.rows; got != want {
		t.Errorf("lines.csv after the refusals: %d rows, want %d", got, want)
	}
	if got := inboxFiles(t, dir); len(got) != 0 {
		t.Errorf("inbox at the end: %q, want empty", got)
	}

	recs, _ = in.State.Records(ctx, testDay.Truncate(24*time.Hour), testDay.Truncate(24*time.Hour).AddDate(0, 0, 1))
	var b strings.Builder
	Summarize(day, recs).Write(&b)
	t.Logf("the day's summary:\n%s", b.String())
	for _, want := range []string{"1 accepted, 2 refused", "1 delivered again", "revision 2 (replaces the first)", "Wohnwerk Berlin GmbH"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the summary does not say %q", want)
		}
	}
}

func deliveries(recs []Record) []int {
	var out []int
	for _, r := range recs {
		out = append(out, r.Deliveries)
	}
	return out
}

// rezip makes a valid zip of a package's files with one file changed and
// the old manifest and signature.
func rezip(t *testing.T, pkg []byte, name string, change func([]byte) []byte) []byte {
	t.Helper()
	files, names, err := orderfile.ReadZip(pkg, orderfile.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		data := files[n]
		if n == name {
			data = change(slices.Clone(data))
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRefusedIntoQuarantine(t *testing.T) {
	f := testFixture(t)
	other, err := sign.Generate()
	if err != nil {
		t.Fatal(err)
	}
	tampered := rezip(t, f.pkg(t, 2), "order.json", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"quantity": 2`), []byte(`"quantity": 9`), 1)
	})
	for _, c := range []struct {
		name, folder string
		pkg          []byte
		want         []string // in the quarantine report and the answer
	}{
		{"tampered", Dealer, tampered, []string{"order.json", "the file was changed"}},
		{"unknown dealer key", Dealer, f.build(t, f.order(t, 3), other), []string{"is not enrolled"}},
		{"another dealer's folder", "HAM02", f.pkg(t, 4), []string{"arrived in dealer HAM02's inbox"}},
		{"not a zip", Dealer, []byte("this is not a package"), []string{"archive"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, dir := sqliteIntake(t)
			deliver(t, dir, c.folder, "x"+orderfile.FileName(Number(9)), c.pkg)
			if got, want := run(t, in), (Pass{Refused: 1}); got != want {
				t.Fatalf("pass: got %+v, want %+v", got, want)
			}
			q := filepath.Join(in.Out, "quarantine", testDay.Format(time.DateOnly))
			base := sha(c.pkg)[:12] + "-x" + orderfile.FileName(Number(9))
			if data, err := os.ReadFile(filepath.Join(q, base)); err != nil || !bytes.Equal(data, c.pkg) {
				t.Errorf("the package is not in quarantine as delivered (%v)", err)
			}
			report, err := os.ReadFile(filepath.Join(q, base+".report.txt"))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("report:\n%s", report)
			a := answerFor(t, answers(t, dir, c.folder, f.makerKey), c.pkg)
			if a.Verdict != orderfile.Refused {
				t.Errorf("answer: %+v", a)
			}
			for _, w := range c.want {
				if !strings.Contains(string(report), w) {
					t.Errorf("the report does not say %q", w)
				}
				if !strings.Contains(strings.Join(a.Reasons, "\n"), w) {
					t.Errorf("the answer does not say %q: %q", w, a.Reasons)
				}
			}
			if _, err := os.Stat(filepath.Join(in.Out, "accepted")); err == nil {
				entries, _ := filepath.Glob(filepath.Join(in.Out, "accepted", "*", "*.zip"))
				if len(entries) > 0 {
					t.Errorf("a refused package was filed: %q", entries)
				}
			}
			if got := inboxFiles(t, dir); len(got) != 0 {
				t.Errorf("inbox: %q, want empty", got)
			}
		})
	}
}

func TestNotAnOrder(t *testing.T) {
	f := testFixture(t)
	in, dir := sqliteIntake(t)
	deliver(t, dir, Dealer, "notes.txt", []byte("call me"))
	deliver(t, dir, Dealer, "huge"+PackageSuffix, nil)
	huge := filepath.Join(dir, "server", transport.InboxDir, Dealer, "huge"+PackageSuffix)
	if err := os.Truncate(huge, orderfile.DefaultLimits.MaxPackage+1); err != nil {
		t.Fatal(err)
	}
	deliver(t, dir, "not a dealer", orderfile.FileName(Number(5)), f.pkg(t, 5))
	var events []Event
	in.Log = func(e Event) { events = append(events, e) }
	p := run(t, in)
	if p.Accepted+p.Refused+p.Duplicates != 0 {
		t.Errorf("pass: %+v, nothing should be decided", p)
	}
	if got := answers(t, dir, Dealer, f.makerKey); len(got) != 0 {
		t.Errorf("answers: %v, want none", got)
	}
	got := inboxFiles(t, dir)
	want := []string{"BER01/notes.txt", "not a dealer/" + orderfile.FileName(Number(5))}
	if !slices.Equal(got, want) {
		t.Errorf("inbox: got %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "server", "quarantine", Dealer, "huge"+PackageSuffix)); err != nil {
		t.Errorf("the file over the limit is not put aside: %v", err)
	}
	for _, e := range events {
		t.Logf("event: %s: %v", e.Path, e.Err)
	}
	if p2 := run(t, in); p2 != (Pass{}) {
		t.Errorf("second pass: %+v, want nothing", p2)
	}
}
