package storage

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// On Windows a program that holds a library's file for a moment without
// sharing it (atelierctl restoring, a virus scanner) does not make Open
// fail: it waits until the file is let go.
func TestOpenWaitsForAFileHeldWithoutSharing(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	path := db.Path()
	db.Close()
	name, err := syscall.UTF16PtrFromString(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	h, err := syscall.CreateFile(name, syscall.GENERIC_READ, 0 /* no sharing */, nil, syscall.OPEN_EXISTING, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	released := time.Now().Add(400 * time.Millisecond)
	go func() {
		time.Sleep(time.Until(released))
		syscall.CloseHandle(h)
	}()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open while another program held the file for 0.4 s: %v", err)
	}
	db.Close()
	if time.Now().Before(released) {
		t.Error("Open succeeded while the file was held: the test held nothing")
	}
}
