package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// exportFixture is a database with one saved design and a folder to
// export to.
func exportFixture(t *testing.T) (*DB, OrderInput, int64, string) {
	t.Helper()
	db, rec := newTestDB(t)
	d, rev, err := db.SaveDesign(context.Background(), deskInput(rec, "Desk"))
	if err != nil {
		t.Fatal(err)
	}
	in := OrderInput{Dealer: "ber01", RequestedDate: "2027-01-15", Lines: []OrderLine{{Revision: rev.ID, Quantity: 2, Discount: "5"}}}
	return db, in, d.ID, t.TempDir()
}

func inFolder(dir string) func(string) (string, error) {
	return func(number string) (string, error) { return filepath.Join(dir, number+".atelier-order.zip"), nil }
}

func designStatus(t *testing.T, db *DB, id int64) string {
	t.Helper()
	d, err := db.Design(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return string(d.Status)
}

func journalRows(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(`SELECT count(*) FROM order_exports`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func hexSHA(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// The designs of an order are marked ordered only when its file is at its
// destination and the export is recorded; the order shows as exporting
// until then.
func TestExportReservedThenCompleted(t *testing.T) {
	ctx := context.Background()
	db, in, design, dir := exportFixture(t)
	r, err := db.ReserveExport(ctx, in, inFolder(dir), false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Order.Number, "BER01-00001"; got != want {
		t.Errorf("number = %s, want %s", got, want)
	}
	if got, want := r.Temp, filepath.Join(dir, ".BER01-00001.atelier-order.zip.exporting"); got != want {
		t.Errorf("temp = %s, want %s", got, want)
	}
	if got := r.Order.Status; got != "exporting" {
		t.Errorf("status while exporting = %q, want exporting", got)
	}
	if got := designStatus(t, db, design); got != "draft" {
		t.Errorf("design while exporting: %q, want draft", got)
	}
	data := []byte("the package")
	if err := db.RecordExportHash(ctx, r.Order.ID, hexSHA(data)); err != nil {
		t.Fatal(err)
	}
	o, err := db.CompleteExport(ctx, r.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != "exported" || o.ExportedFile != r.Path || o.ExportedHash != hexSHA(data) {
		t.Errorf("completed order = %+v, want exported to %s with its hash", o, r.Path)
	}
	if got := designStatus(t, db, design); got != "ordered" {
		t.Errorf("design after the export: %q, want ordered", got)
	}
	if n := journalRows(t, db); n != 0 {
		t.Errorf("%d journal rows left", n)
	}
}

// A failed export is rolled back at once: the order is cancelled (its
// number is not used again), the temporary file removed, the designs
// untouched.
func TestExportAbandoned(t *testing.T) {
	ctx := context.Background()
	db, in, design, dir := exportFixture(t)
	r, err := db.ReserveExport(ctx, in, inFolder(dir), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.Temp, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := db.AbandonExport(ctx, r.Order.ID); err != nil {
		t.Fatal(err)
	}
	o, err := db.Order(ctx, r.Order.ID)
	if err != nil || o.Status != "cancelled" {
		t.Errorf("order after rollback: %+v %v, want cancelled", o, err)
	}
	if _, err := os.Stat(r.Temp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is still there: %v", err)
	}
	if got := designStatus(t, db, design); got != "draft" {
		t.Errorf("design after a rolled back export: %q, want draft", got)
	}
	next, err := db.ReserveExport(ctx, in, inFolder(dir), false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := next.Order.Number, "BER01-00002"; got != want {
		t.Errorf("next number = %s, want %s (a cancelled number is not reused)", got, want)
	}
	if err := db.AbandonExport(ctx, r.Order.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("abandoning twice: %v, want ErrNotFound", err)
	}
}

// Bad input takes no number.
func TestCheckOrderInput(t *testing.T) {
	ctx := context.Background()
	db, in, _, dir := exportFixture(t)
	for _, tc := range []struct {
		name string
		edit func(*OrderInput)
		want string
	}{
		{"impossible date", func(in *OrderInput) { in.RequestedDate = "2026-02-30" }, `the requested date "2026-02-30" is not a date; write YYYY-MM-DD`},
		{"date in words", func(in *OrderInput) { in.RequestedDate = "next week" }, "is not a date"},
		{"discount over 100", func(in *OrderInput) {
			in.Lines = []OrderLine{{Revision: in.Lines[0].Revision, Quantity: 1, Discount: "120"}}
		}, "line 1: the discount 120% is not between 0 and 100"},
		{"discount in words", func(in *OrderInput) {
			in.Lines = []OrderLine{{Revision: in.Lines[0].Revision, Quantity: 1, Discount: "much"}}
		}, `the discount "much" is not a number`},
		{"no quantity", func(in *OrderInput) { in.Lines = []OrderLine{{Revision: in.Lines[0].Revision}} }, "line 1: quantity 0: at least 1"},
		{"dealer code", func(in *OrderInput) { in.Dealer = "a/b" }, `the dealer code "a/b"`},
		{"no lines", func(in *OrderInput) { in.Lines = nil }, "at least one design"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := in
			tc.edit(&bad)
			if _, err := CheckOrderInput(bad); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckOrderInput: %v, want %q", err, tc.want)
			}
			if _, err := db.ReserveExport(ctx, bad, inFolder(dir), false); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReserveExport: %v, want %q", err, tc.want)
			}
		})
	}
	if orders, _ := db.Orders(ctx); len(orders) != 0 {
		t.Errorf("orders after refused input: %+v", orders)
	}
	got, err := CheckOrderInput(in)
	if err != nil || got.Dealer != "BER01" || got.Lines[0].Discount != "5" || in.Dealer != "ber01" {
		t.Errorf("CheckOrderInput(%+v) = %+v, %v", in, got, err)
	}
}

// livePID is the id of a process that runs until the test ends: a child
// of the test binary that waits for its stdin to close (os.Getppid was
// used before, but the parent of a test binary need not be a process of
// the same system: under Wine it is a Linux process).
func livePID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLiveHelper$")
	cmd.Env = append(os.Environ(), "ATELIER_LIVE_HELPER=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	return cmd.Process.Pid
}

// TestLiveHelper is livePID's child: it waits until its stdin closes.
func TestLiveHelper(t *testing.T) {
	if os.Getenv("ATELIER_LIVE_HELPER") == "" {
		t.Skip("only run as livePID's child")
	}
	io.Copy(io.Discard, os.Stdin)
}

// deadPID is the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// RecoverExports finishes what a killed export left: the file at its
// destination with the recorded hash is recorded as exported; anything
// else is cancelled; temporary files go; running exports stay.
func TestRecoverExports(t *testing.T) {
	ctx := context.Background()
	data := []byte("the package")
	dead, alive := deadPID(t), livePID(t)
	for _, tc := range []struct {
		name string
		// state leaves the files as the export left them when it stopped.
		state        func(t *testing.T, r ExportReservation)
		hash         bool // the hash was recorded
		pid          int  // the exporting process (0: this one, finished)
		startedAgo   time.Duration
		wantStatus   string
		wantRecovery bool
	}{
		{"killed before the hash", func(*testing.T, ExportReservation) {}, false, dead, 0, "cancelled", true},
		{"killed while writing", func(t *testing.T, r ExportReservation) { write(t, r.Temp, data[:3]) }, true, dead, 0, "cancelled", true},
		{"killed before the rename", func(t *testing.T, r ExportReservation) { write(t, r.Temp, data) }, true, 0, 0, "cancelled", true},
		{"killed after the rename", func(t *testing.T, r ExportReservation) { write(t, r.Path, data) }, true, dead, 0, "exported", true},
		{"killed after the link", func(t *testing.T, r ExportReservation) { write(t, r.Path, data); write(t, r.Temp, data) }, true, dead, 0, "exported", true},
		{"another file at the destination", func(t *testing.T, r ExportReservation) { write(t, r.Path, []byte("an older order")) }, true, dead, 0, "cancelled", true},
		{"the file was moved away", func(*testing.T, ExportReservation) {}, true, dead, 0, "cancelled", true},
		{"another process still exporting", func(t *testing.T, r ExportReservation) { write(t, r.Temp, data) }, true, alive, 0, "exporting", false},
		{"another process, long ago", func(t *testing.T, r ExportReservation) { write(t, r.Temp, data) }, true, alive, 2 * time.Hour, "cancelled", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, in, design, dir := exportFixture(t)
			r, err := db.ReserveExport(ctx, in, inFolder(dir), false)
			if err != nil {
				t.Fatal(err)
			}
			if tc.hash {
				if err := db.RecordExportHash(ctx, r.Order.ID, hexSHA(data)); err != nil {
					t.Fatal(err)
				}
			}
			tc.state(t, r)
			// The process "dies": it forgets its exports.
			exportsInFlight.Delete(db.inFlightKey(r.Order.ID))
			if tc.pid != 0 {
				started := db.now().Add(-tc.startedAgo).UTC().Format(time.RFC3339Nano)
				if _, err := db.db.Exec(`UPDATE order_exports SET pid = ?, started_at = ?`, tc.pid, started); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.RecoverExports(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if recovered := len(got) == 1; recovered != tc.wantRecovery {
				t.Fatalf("recovered %+v, want recovery %v", got, tc.wantRecovery)
			}
			o, err := db.Order(ctx, r.Order.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != tc.wantStatus {
				t.Errorf("status = %q, want %q", o.Status, tc.wantStatus)
			}
			wantDesign := map[bool]string{true: "ordered", false: "draft"}[tc.wantStatus == "exported"]
			if got := designStatus(t, db, design); got != wantDesign {
				t.Errorf("design = %q, want %q", got, wantDesign)
			}
			if !tc.wantRecovery {
				return
			}
			if got[0].Exported != (tc.wantStatus == "exported") || got[0].Number != r.Order.Number || got[0].Path != r.Path ||
				!slices.Equal(got[0].Revisions, []int64{in.Lines[0].Revision}) {
				t.Errorf("recovered %+v", got[0])
			}
			if tc.wantStatus == "exported" && (o.ExportedFile != r.Path || o.ExportedHash != hexSHA(data)) {
				t.Errorf("exported order %+v, want its file and hash", o)
			}
			if _, err := os.Stat(r.Temp); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the temporary file is still there")
			}
			if n := journalRows(t, db); n != 0 {
				t.Errorf("%d journal rows left", n)
			}
			if again, err := db.RecoverExports(ctx); err != nil || len(again) != 0 {
				t.Errorf("recovering again: %+v %v", again, err)
			}
		})
	}
}

// An export this process runs is not recovered under its feet.
func TestRecoverLeavesRunningExports(t *testing.T) {
	ctx := context.Background()
	db, in, _, dir := exportFixture(t)
	r, err := db.ReserveExport(ctx, in, inFolder(dir), false)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.RecoverExports(ctx); err != nil || len(got) != 0 {
		t.Fatalf("recovered a running export: %+v %v", got, err)
	}
	if err := db.AbandonExport(ctx, r.Order.ID); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
