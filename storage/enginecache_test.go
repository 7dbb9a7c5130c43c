package storage

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

func TestEngineCacheRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "lib.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.EngineCache(ctx, "h1", "desk"); err != nil || got != nil {
		t.Fatalf("empty cache: %v, %v; want nil, nil", got, err)
	}
	one := []byte("atelier-engine-witnesses/1\n\x00\x01")
	two := bytes.Repeat([]byte{7}, 1000)
	if err := db.SaveEngineCache(ctx, "h1", "desk", one); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveEngineCache(ctx, "h2", "desk", two); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		hash string
		want []byte
	}{{"h1", one}, {"h2", two}} {
		got, err := db.EngineCache(ctx, tc.hash, "desk")
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("%s: got %d bytes (%v), want %d", tc.hash, len(got), err, len(tc.want))
		}
	}
	// Replaced, then forgotten.
	if err := db.SaveEngineCache(ctx, "h1", "desk", two); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.EngineCache(ctx, "h1", "desk"); !bytes.Equal(got, two) {
		t.Error("a saved cache was not replaced")
	}
	if err := db.SaveEngineCache(ctx, "h1", "desk", nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.EngineCache(ctx, "h1", "desk"); got != nil {
		t.Error("a forgotten cache is still there")
	}
	if err := db.SaveEngineCache(ctx, "h1", "desk", make([]byte, maxEngineCache+1)); err == nil {
		t.Error("a cache past the limit was kept")
	}
	// One written past the limit by someone else is refused by its
	// length, before it is read.
	if _, err := db.db.ExecContext(ctx, `INSERT INTO engine_cache (catalog_hash, product, data, saved_at) VALUES ('h3', 'desk', zeroblob(?), '')`, maxEngineCache+1); err != nil {
		t.Fatal(err)
	}
	if got, err := db.EngineCache(ctx, "h3", "desk"); err == nil || got != nil {
		t.Errorf("an oversized cache was read: %d bytes, %v", len(got), err)
	}
}
