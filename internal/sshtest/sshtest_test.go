package sshtest

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The server starts, lands its user in Root, stops (connections refused)
// and starts again on the same port.
func TestStartStopStart(t *testing.T) {
	s := Start(t)
	if s.HostKey == "" || s.Root == "" || s.User == "" {
		t.Fatalf("server %+v", s)
	}
	if info, err := os.Stat(s.Root); err != nil || !info.IsDir() {
		t.Fatalf("root %s: %v", s.Root, err)
	}
	banner := func() error {
		c, err := net.DialTimeout("tcp", s.Addr, 2*time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		b := make([]byte, 8)
		if _, err := c.Read(b); err != nil {
			return err
		}
		if string(b) != "SSH-2.0-" {
			return errors.New("banner " + string(b))
		}
		return nil
	}
	if err := banner(); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := banner(); err == nil {
		t.Fatal("a stopped server answers")
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := banner(); err != nil {
		t.Fatalf("after Start: %v", err)
	}
	if err := s.AddKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.Root), "authorized_keys")); err != nil {
		t.Fatal(err)
	}
}
