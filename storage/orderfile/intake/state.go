package intake

import (
	"context"
	"errors"
	"time"
)

// Record is what the intake keeps of one package it processed: the
// verdict, and everything the manufacturer's files and the dealer's answer
// are made from, so that a process killed after deciding can finish the
// work from the record alone.
type Record struct {
	Package    string    // SHA-256 of the package, hex: its identity
	File       string    // its name in the inbox
	Folder     string    // the dealer folder of the inbox it arrived in
	Dealer     string    // the dealer the order names ("" when unreadable)
	DealerName string    // as enrolled
	Number     string    // the order number ("" when unreadable)
	Revision   int       // 1, 2, … (0 when unreadable)
	Verdict    string    // orderfile.Accepted or orderfile.Refused
	Reasons    []string  // why refused, in plain words
	Warnings   []string  // what the manufacturer should know of an accepted one
	Replaces   int       // the accepted revision this one replaces (0: none)
	Received   time.Time // when it was decided, UTC
	By         string    // the intake process that decided
	Lines      int       // order lines
	Currency   string
	DealerNet  string     // the order's net total to the dealer
	OEXName    string     // the OEX message's file name (accepted)
	OEX        []byte     // the OEX message (accepted)
	CSV        [][]string // its rows of the day's lines.csv (accepted)
	Deliveries int        // how often it arrived: 1, and once more per duplicate
	// Finished: its files, answer and removal from the inbox were done
	// (kept by the state beside the record, like Deliveries).
	Finished bool `json:"-"`
}

// Day is the record's day of receipt, as its files are filed (UTC).
func (r Record) Day() string { return r.Received.UTC().Format(time.DateOnly) }

// State is where the intake keeps its records: SQLite for one intake
// process (OpenSQLite), PostgreSQL for several on different machines
// (OpenPostgres). Each package is decided by exactly one process: Claim
// hands it to one process at a time, and the record is stored in the same
// transaction as the decision.
type State interface {
	// Claim takes the package with the given hash for this process (by
	// names it); ErrBusy when another process has it.
	Claim(ctx context.Context, pkg, by string) (Claim, error)
	// Records are the packages decided in [from, to), oldest first.
	Records(ctx context.Context, from, to time.Time) ([]Record, error)
	// Filing runs f with the accepted records of one day (UTC), while no
	// other process files that day, so the day's lines.csv is written from
	// a complete list.
	Filing(ctx context.Context, day string, f func([]Record) error) error
	Close() error
}

// Claim is one package held by this process until Done or Release: from
// before it is decided until its files are written, its answer sent and
// it is out of the inbox. No other process sees the package meanwhile
// (Claim: ErrBusy), so none takes a package being finished for another
// delivery of it.
type Claim interface {
	// Earlier is the record of a package decided before: a duplicate when
	// Finished, else a decision whose process died before finishing it.
	Earlier() (Record, bool)
	// Again counts one more delivery of a package decided before.
	Again(ctx context.Context) (Record, error)
	// Decide stores the record decide returns. decide is given the records
	// of the same order (by number) decided before, and runs while no
	// other process decides on that order.
	Decide(ctx context.Context, number string, decide func(earlier []Record) Record) (Record, error)
	// Done marks the decided package's work finished and ends the claim.
	Done(ctx context.Context) error
	// Release ends the claim without marking anything (nothing after Done).
	Release()
}

// ErrBusy: another intake process has the package.
var ErrBusy = errors.New("another intake process has the package")
