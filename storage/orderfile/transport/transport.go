// Package transport carries order packages and the manufacturer's answers
// between a dealer's outbox and a manufacturer's inbox: over SFTP (host
// key pinned, the dealer's own key) or through a folder (a mounted share).
// Both sides see the same layout under the transport's root:
//
//	inbox/<DEALER>/<file>.atelier-order.zip   packages, written by the dealer
//	answers/<DEALER>/<file>.answer.json       answers, written by the intake
//
// A file appears under its name only when it is whole: it is written as
// <name>.partial and renamed, so a reader never sees half a file, and a
// reader ignores names ending in .partial.
package transport

import (
	"context"
	"errors"
	"time"
)

// Folders of the layout.
const (
	InboxDir   = "inbox"
	AnswersDir = "answers"
	// PartialSuffix marks a file being written.
	PartialSuffix = ".partial"
)

// Entry is a file in a folder of the transport.
type Entry struct {
	Name    string // base name
	Size    int64
	ModTime time.Time
}

// Transport is one connection to a manufacturer's inbox. Paths are
// slash-separated and relative to the transport's root; every method
// refuses a path that leaves the root (.., absolute) before it touches
// anything.
type Transport interface {
	// Put writes data to path whole: to path+PartialSuffix first, then
	// renamed over path (replacing a file of that name), making the
	// folders on the way.
	Put(ctx context.Context, path string, data []byte) error
	// List lists the whole files of a folder (not .partial, not folders),
	// sorted by name; a folder that does not exist is empty.
	List(ctx context.Context, dir string) ([]Entry, error)
	// Folders lists the folders in dir, sorted by name; a folder that
	// does not exist has none.
	Folders(ctx context.Context, dir string) ([]string, error)
	// Get reads a file, refusing one over limit bytes by reading (never
	// by what the server claims).
	Get(ctx context.Context, path string, limit int64) ([]byte, error)
	// Remove removes a file; a file already gone is not an error.
	Remove(ctx context.Context, path string) error
	// Rename moves a file within the transport, replacing the target.
	Rename(ctx context.Context, from, to string) error
	// Close ends the connection.
	Close() error
}

// ErrTooBig is returned by Get for a file over its limit.
var ErrTooBig = errors.New("the file is larger than allowed")

// ErrUnreachable wraps the errors of a transport that cannot be reached
// now (no network, server down, share not mounted): worth trying again
// later. Other errors (a host key that changed, a login refused) need a
// person.
var ErrUnreachable = errors.New("the manufacturer's inbox cannot be reached")
