package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestShowroomQueue(t *testing.T) {
	ctx := context.Background()
	db, rec := newTestDB(t)
	a, err := db.SendToDealer(ctx, deskInput(rec, "Showroom desk"), "  Jonas  ")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.SendToDealer(ctx, deskInput(rec, "Showroom desk 2"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []QueueEntry{a, b} {
		if len(e.Code) != 6 || strings.ContainsAny(e.Code, "01OIL") || e.Design.ID == 0 {
			t.Errorf("entry %+v: want a six-character code without look-alikes and a design", e)
		}
	}
	if a.Code == b.Code || a.CustomerName != "Jonas" {
		t.Errorf("codes %s %s, name %q", a.Code, b.Code, a.CustomerName)
	}
	if got := FormatCode("K7P3QX"); got != "K7P 3QX" {
		t.Errorf("FormatCode = %q", got)
	}
	if got := NormalizeCode(" k7p-3qx "); got != "K7P3QX" {
		t.Errorf("NormalizeCode = %q", got)
	}
	q, err := db.Queue(ctx, false)
	if err != nil || len(q) != 2 || q[0].Code != a.Code || q[0].Design.Name != "Showroom desk" {
		t.Fatalf("queue %+v %v", q, err)
	}

	// Taking one erases the typed name and takes it off the queue.
	took, err := db.TakeFromQueue(ctx, strings.ToLower(FormatCode(a.Code)))
	if err != nil || took.Design.ID != a.Design.ID || took.CustomerName != "Jonas" {
		t.Fatalf("take: %+v %v", took, err)
	}
	if _, err := db.TakeFromQueue(ctx, a.Code); !errors.Is(err, ErrNotFound) {
		t.Errorf("taking it again: %v", err)
	}
	all, _ := db.Queue(ctx, true)
	for _, e := range all {
		if e.Code == a.Code && (e.CustomerName != "" || e.TakenAt == "") {
			t.Errorf("taken entry %+v: the name is kept", e)
		}
	}
	if q, _ := db.Queue(ctx, false); len(q) != 1 || q[0].Code != b.Code {
		t.Errorf("waiting after the take: %+v", q)
	}

	// Removing one puts its design in the trash.
	if err := db.RemoveFromQueue(ctx, b.Code); err != nil {
		t.Fatal(err)
	}
	if x, _ := db.Design(ctx, b.Design.ID); x.DeletedAt == "" {
		t.Error("the removed design is not in the trash")
	}
	if q, _ := db.Queue(ctx, false); len(q) != 0 {
		t.Errorf("queue after removing: %+v", q)
	}

	// Names expire.
	c, _ := db.SendToDealer(ctx, deskInput(rec, "Old"), "Maria")
	if n, err := db.ExpireQueue(ctx, time.Hour); err != nil || n != 0 {
		t.Errorf("expire fresh: %d %v", n, err)
	}
	if n, err := db.ExpireQueue(ctx, -time.Hour); err != nil || n != 1 {
		t.Errorf("expire all: %d %v", n, err)
	}
	if q, _ := db.Queue(ctx, false); len(q) != 1 || q[0].Code != c.Code || q[0].CustomerName != "" {
		t.Errorf("after expiry: %+v", q)
	}
	if _, err := db.SendToDealer(ctx, deskInput(rec, "x"), strings.Repeat("n", 81)); err == nil {
		t.Error("an 81-character name was taken")
	}
}
