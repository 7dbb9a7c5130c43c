package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atelier-app/atelier/internal/sshtest"
	"golang.org/x/crypto/ssh"
)

const dealer = "NH"

// dealerKey is a new dealer key, in a file under the test's folder.
func dealerKey(t *testing.T) ssh.Signer {
	t.Helper()
	k, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "keys", "dealer_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// server starts an sshd that lets the dealer's key in and returns the
// address of its inbox.
func server(t *testing.T) (*sshtest.Server, Address, ssh.Signer) {
	t.Helper()
	s := sshtest.Start(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("sshd's log:\n%s", s.Log())
		}
	})
	key := dealerKey(t)
	if err := s.AddKey(AuthorizedKey(key)); err != nil {
		t.Fatal(err)
	}
	return s, Address{SFTP: s.Addr, User: s.User, HostKey: s.HostKey}, key
}

func open(t *testing.T, a Address, key ssh.Signer) Transport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tr, err := Open(ctx, a, dealer, key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

// kind is one transport under test: open opens a connection to it (a
// second one sees what the first wrote), disk is its root on this disk.
type kind struct {
	name string
	open func(t *testing.T) Transport
	disk string
}

// kinds are the folder and the SFTP transport, each on a root of its
// own.
func kinds(t *testing.T) []kind {
	folderRoot := filepath.Join(t.TempDir(), "share")
	if err := os.Mkdir(folderRoot, 0o755); err != nil {
		t.Fatal(err)
	}
	ks := []kind{{name: "folder", disk: folderRoot, open: func(t *testing.T) Transport {
		return open(t, Address{Folder: folderRoot}, nil)
	}}}
	if runtime.GOOS != "windows" {
		s, a, key := server(t)
		ks = append(ks, kind{name: "sftp", disk: s.Root, open: func(t *testing.T) Transport { return open(t, a, key) }})
	}
	return ks
}

func names(entries []Entry) []string {
	var n []string
	for _, e := range entries {
		n = append(n, fmt.Sprintf("%s(%d)", e.Name, e.Size))
	}
	return n
}

// leftovers are the names under root ending in .partial.
func leftovers(t *testing.T, root string) []string {
	t.Helper()
	var left []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, PartialSuffix) {
			left = append(left, p)
		}
		return nil
	})
	return left
}

func TestPutListGetRenameRemove(t *testing.T) {
	ctx := context.Background()
	for _, k := range kinds(t) {
		t.Run(k.name, func(t *testing.T) {
			tr := k.open(t)
			inbox := InboxDir + "/" + dealer
			if got, err := tr.List(ctx, inbox); err != nil || len(got) != 0 {
				t.Fatalf("a folder not there yet lists %v, %v; want nothing", names(got), err)
			}
			for name, data := range map[string]string{"b.atelier-order.zip": "second order", "a.atelier-order.zip": "first"} {
				if err := tr.Put(ctx, inbox+"/"+name, []byte(data)); err != nil {
					t.Fatal(err)
				}
			}
			// what a reader must not list: a file being written, a folder
			os.WriteFile(filepath.Join(k.disk, InboxDir, dealer, "c.atelier-order.zip"+PartialSuffix), []byte("half"), 0o644)
			os.Mkdir(filepath.Join(k.disk, InboxDir, dealer, "d.folder"), 0o755)
			got, err := tr.List(ctx, inbox)
			if err != nil {
				t.Fatal(err)
			}
			if g, want := strings.Join(names(got), " "), "a.atelier-order.zip(5) b.atelier-order.zip(12)"; g != want {
				t.Errorf("List = %s, want %s", g, want)
			}
			if f, err := tr.Folders(ctx, inbox); err != nil || strings.Join(f, " ") != "d.folder" {
				t.Errorf("Folders(%s) = %v, %v; want only d.folder", inbox, f, err)
			}
			if f, err := tr.Folders(ctx, InboxDir); err != nil || strings.Join(f, " ") != dealer {
				t.Errorf("Folders(%s) = %v, %v; want %s", InboxDir, f, err, dealer)
			}
			if f, err := tr.Folders(ctx, "nowhere"); err != nil || len(f) != 0 {
				t.Errorf("Folders of a folder not there = %v, %v", f, err)
			}
			if got[0].ModTime.IsZero() {
				t.Error("no modification time")
			}
			if err := tr.Put(ctx, inbox+"/a.atelier-order.zip", []byte("first, again")); err != nil {
				t.Fatalf("replacing a file: %v", err)
			}
			data, err := tr.Get(ctx, inbox+"/a.atelier-order.zip", 1<<20)
			if err != nil || string(data) != "first, again" {
				t.Errorf("Get = %q, %v; want the new content", data, err)
			}
			if b, _ := os.ReadFile(filepath.Join(k.disk, InboxDir, dealer, "a.atelier-order.zip")); string(b) != "first, again" {
				t.Errorf("on disk: %q", b)
			}
			// rename into a folder not there yet, then over a file
			if err := tr.Rename(ctx, inbox+"/a.atelier-order.zip", "done/"+dealer+"/a.atelier-order.zip"); err != nil {
				t.Fatal(err)
			}
			if err := tr.Rename(ctx, inbox+"/b.atelier-order.zip", "done/"+dealer+"/a.atelier-order.zip"); err != nil {
				t.Fatalf("rename over a file: %v", err)
			}
			if data, err := tr.Get(ctx, "done/"+dealer+"/a.atelier-order.zip", 100); err != nil || string(data) != "second order" {
				t.Errorf("after renames: %q, %v", data, err)
			}
			if got, _ := tr.List(ctx, inbox); len(got) != 0 {
				t.Errorf("the inbox still lists %v", names(got))
			}
			if err := tr.Remove(ctx, "done/"+dealer+"/a.atelier-order.zip"); err != nil {
				t.Fatal(err)
			}
			if err := tr.Remove(ctx, "done/"+dealer+"/a.atelier-order.zip"); err != nil {
				t.Errorf("removing a file already gone: %v", err)
			}
			if _, err := tr.Get(ctx, "done/"+dealer+"/a.atelier-order.zip", 100); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("Get of a removed file: %v, want not exist", err)
			}
			if err := tr.Remove(ctx, "done"); err == nil {
				t.Error("Remove removed a folder")
			}
			if got, err := tr.List(ctx, ""); err != nil || len(got) != 0 {
				t.Errorf("the root lists %v, %v", names(got), err)
			}
			if left := leftovers(t, k.disk); len(left) != 1 { // the one made above
				t.Errorf(".partial files left: %v", left)
			}
		})
	}
}

// A reader (the manufacturer's intake) listing and reading while a big
// package is written sees it whole or not at all.
func TestAReaderNeverSeesHalfAFile(t *testing.T) {
	ctx := context.Background()
	big := bytes.Repeat([]byte("0123456789abcdef"), 16<<20/16) // 16 MiB
	for _, k := range kinds(t) {
		t.Run(k.name, func(t *testing.T) {
			writer, reader := k.open(t), k.open(t)
			path := InboxDir + "/" + dealer + "/big.atelier-order.zip"
			var wg sync.WaitGroup
			wg.Add(1)
			var putErr error
			go func() {
				defer wg.Done()
				for range 3 {
					if putErr = writer.Put(ctx, path, big); putErr != nil {
						return
					}
				}
			}()
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			seen := 0
			for running := true; running; {
				select {
				case <-done:
					running = false
				default:
				}
				entries, err := reader.List(ctx, InboxDir+"/"+dealer)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range entries {
					seen++
					if e.Size != int64(len(big)) {
						t.Fatalf("listed %s with %d bytes, want %d", e.Name, e.Size, len(big))
					}
				}
			}
			if putErr != nil {
				t.Fatal(putErr)
			}
			data, err := reader.Get(ctx, path, int64(len(big)))
			if err != nil || !bytes.Equal(data, big) {
				t.Fatalf("Get: %d bytes, %v", len(data), err)
			}
			if left := leftovers(t, k.disk); len(left) > 0 {
				t.Errorf(".partial files left: %v", left)
			}
			t.Logf("listed the whole file %d times while it was written", seen)
		})
	}
}

func TestPathsLeavingTheRootAreRefused(t *testing.T) {
	ctx := context.Background()
	bad := []string{"../x", "/etc/passwd", "a/../../b", "a/../b", "..", `a\..\b`, `C:\x`, "c:/x",
		"a\x00b", "inbox/CON", "inbox/nul.txt", "inbox/com1.zip", "LPT9", "a./b", "a /b",
		"file.zip:stream", "a\nb"}
	for _, k := range kinds(t) {
		t.Run(k.name, func(t *testing.T) {
			tr := k.open(t)
			if err := os.WriteFile(filepath.Join(k.disk, "x"), []byte("inside"), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, p := range bad {
				calls := map[string]error{
					"Put":       tr.Put(ctx, p, []byte("evil")),
					"Get":       func() error { _, err := tr.Get(ctx, p, 100); return err }(),
					"Remove":    tr.Remove(ctx, p),
					"Rename to": tr.Rename(ctx, "x", p),
					"Rename":    tr.Rename(ctx, p, "y"),
					"List":      func() error { _, err := tr.List(ctx, p); return err }(),
				}
				for call, err := range calls {
					if !errors.Is(err, ErrBadPath) {
						t.Errorf("%s(%q) = %v, want ErrBadPath", call, p, err)
					}
				}
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(k.disk), "x")); err == nil {
				t.Error("a file was written beside the root")
			}
			if b, err := os.ReadFile(filepath.Join(k.disk, "x")); err != nil || string(b) != "inside" {
				t.Errorf("the file inside is %q, %v", b, err)
			}
			for _, p := range []string{"", "inbox/NH", "./inbox//NH/"} {
				if _, err := tr.List(ctx, p); err != nil {
					t.Errorf("List(%q): %v", p, err)
				}
			}
		})
	}
}

// Get reads at most one byte over the limit, whatever the file's size:
// a file of 8 GiB (sparse) is refused at once.
func TestGetRefusesAFileOverTheLimit(t *testing.T) {
	ctx := context.Background()
	for _, k := range kinds(t) {
		t.Run(k.name, func(t *testing.T) {
			tr := k.open(t)
			f, err := os.Create(filepath.Join(k.disk, "big.zip"))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(8 << 30); err != nil {
				t.Fatal(err)
			}
			f.Close()
			start := time.Now()
			_, err = tr.Get(ctx, "big.zip", 1<<20)
			if !errors.Is(err, ErrTooBig) {
				t.Fatalf("Get = %v, want ErrTooBig", err)
			}
			if errors.Is(err, ErrUnreachable) {
				t.Errorf("%v: called unreachable", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("refusing took %v: it read too much", d)
			}
			if err := tr.Put(ctx, "exact.zip", make([]byte, 1000)); err != nil {
				t.Fatal(err)
			}
			if data, err := tr.Get(ctx, "exact.zip", 1000); err != nil || len(data) != 1000 {
				t.Errorf("a file of exactly the limit: %d bytes, %v", len(data), err)
			}
			if _, err := tr.Get(ctx, "exact.zip", 999); !errors.Is(err, ErrTooBig) {
				t.Errorf("one byte over: %v, want ErrTooBig", err)
			}
		})
	}
}

// A server whose host key is not the one the catalog names is refused
// in plain words, and nothing is sent to it.
func TestAChangedHostKeyIsRefused(t *testing.T) {
	s, a, key := server(t)
	other := dealerKey(t) // any key that is not the server's
	a.HostKey = AuthorizedKey(other)
	_, err := Open(context.Background(), a, dealer, key)
	if !errors.Is(err, ErrHostKeyChanged) {
		t.Fatalf("Open = %v, want ErrHostKeyChanged", err)
	}
	if errors.Is(err, ErrUnreachable) || errors.Is(err, ErrLoginRefused) {
		t.Errorf("%v: wraps more than ErrHostKeyChanged", err)
	}
	serverKey, _, _, _, _ := ssh.ParseAuthorizedKey([]byte(s.HostKey))
	want := fmt.Sprintf("the manufacturer's server presented a different host key (%s) than the one its catalog names (%s): "+
		"refusing to send; this may be an attack, or the manufacturer changed its server: ask them",
		ssh.FingerprintSHA256(serverKey), ssh.FingerprintSHA256(other.PublicKey()))
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error:\n%v\nwant it to say:\n%s", err, want)
	}
	if entries, _ := os.ReadDir(s.Root); len(entries) > 0 {
		t.Errorf("the server holds %v", entries)
	}
}

// A key the server does not know is refused; that needs the
// manufacturer, not another try.
func TestAnUnknownDealerKeyIsRefused(t *testing.T) {
	_, a, _ := server(t)
	_, err := Open(context.Background(), a, dealer, dealerKey(t))
	if !errors.Is(err, ErrLoginRefused) {
		t.Fatalf("Open = %v, want ErrLoginRefused", err)
	}
	if errors.Is(err, ErrUnreachable) {
		t.Errorf("%v: called unreachable", err)
	}
}

// Orders sent while the server is stopped fail as unreachable (worth
// trying again later); once it runs again, they go.
func TestAStoppedServerIsUnreachableUntilItStarts(t *testing.T) {
	ctx := context.Background()
	s, a, key := server(t)
	tr := open(t, a, key)
	if err := tr.Put(ctx, "inbox/NH/1.zip", []byte("one")); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := tr.Put(ctx, "inbox/NH/2.zip", []byte("two")); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Put on a connection to a stopped server = %v, want ErrUnreachable", err)
	}
	if _, err := Open(ctx, a, dealer, key); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Open of a stopped server = %v, want ErrUnreachable", err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	tr = open(t, a, key)
	if err := tr.Put(ctx, "inbox/NH/2.zip", []byte("two")); err != nil {
		t.Fatalf("after the server started again: %v", err)
	}
	if got, err := tr.List(ctx, "inbox/NH"); err != nil || len(got) != 2 {
		t.Errorf("List = %v, %v", names(got), err)
	}
	// nothing listens there
	a.SFTP = "127.0.0.1:1"
	if _, err := Open(ctx, a, dealer, key); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Open of a port nobody listens on = %v, want ErrUnreachable", err)
	}
	a.SFTP = "no-such-host.invalid:22"
	if _, err := Open(ctx, a, dealer, key); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Open of a host that does not exist = %v, want ErrUnreachable", err)
	}
}

// A server that hangs (frozen) does not hang the dealer: the context
// ends the call, connecting or in the middle of a session.
func TestTheContextEndsAHangingCall(t *testing.T) {
	s, a, key := server(t)
	tr := open(t, a, key)
	if err := tr.Put(context.Background(), "a.zip", []byte("a")); err != nil {
		t.Fatal(err)
	}
	s.Pause()
	t.Cleanup(s.Resume)
	for name, call := range map[string]func(ctx context.Context) error{
		"Get": func(ctx context.Context) error { _, err := tr.Get(ctx, "a.zip", 100); return err },
		"Open": func(ctx context.Context) error {
			tr, err := Open(ctx, a, dealer, key)
			if err == nil {
				tr.Close()
			}
			return err
		},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		err := call(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s on a frozen server = %v, want the context's deadline", name, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v after a deadline of 0.3 s", name, d)
		}
	}
}

func TestAMissingFolderIsUnreachable(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "share not mounted")
	if _, err := Open(ctx, Address{Folder: missing}, dealer, nil); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Open = %v, want ErrUnreachable", err)
	}
	tr := NewFolder(missing)
	if err := tr.Put(ctx, "inbox/NH/a.zip", []byte("a")); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Put = %v, want ErrUnreachable", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("Put made the root of a share that is not mounted")
	}
	if _, err := tr.List(ctx, "inbox/NH"); !errors.Is(err, ErrUnreachable) {
		t.Errorf("List = %v, want ErrUnreachable", err)
	}
	os.Mkdir(missing, 0o755) // mounted again
	if err := tr.Put(ctx, "inbox/NH/a.zip", []byte("a")); err != nil {
		t.Errorf("once mounted: %v", err)
	}
}

// A symbolic link inside the folder does not lead out of it.
func TestAFolderLinkDoesNotLeadOut(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	ctx := context.Background()
	outside := t.TempDir()
	root := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "inbox")); err != nil {
		t.Fatal(err)
	}
	tr := NewFolder(root)
	if err := tr.Put(ctx, "inbox/NH/a.zip", []byte("a")); err == nil {
		t.Error("Put wrote through a link out of the root")
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("outside the root: %v", entries)
	}
}

func TestTheDealersKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "dealer_ed25519")
	k, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte("-----BEGIN OPENSSH PRIVATE KEY-----")) {
		t.Errorf("key file starts %q, want OpenSSH's format", data[:min(40, len(data))])
	}
	again, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	line := AuthorizedKey(k)
	if AuthorizedKey(again) != line {
		t.Errorf("loaded %s, want %s", AuthorizedKey(again), line)
	}
	if !strings.HasPrefix(line, "ssh-ed25519 AAAA") || strings.ContainsAny(line, "\r\n") {
		t.Errorf("AuthorizedKey = %q, want one ssh-ed25519 line", line)
	}
	if pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line)); err != nil || !bytes.Equal(pub.Marshal(), k.PublicKey().Marshal()) {
		t.Errorf("the line does not read back: %v", err)
	}
	if runtime.GOOS == "windows" {
		return
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadOrCreateKey(path)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a key others may read: %v, want it refused with the fix", err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, data) {
		t.Error("the refused key file was changed")
	}
}

func TestAddressCheck(t *testing.T) {
	hostKey := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
	for _, c := range []struct {
		name string
		a    Address
		want string // in the error; "" for none
	}{
		{"sftp", Address{SFTP: "sftp.example.com:2222", HostKey: hostKey}, ""},
		{"sftp without a port", Address{SFTP: "sftp.example.com", HostKey: hostKey, User: "nh"}, ""},
		{"ipv6", Address{SFTP: "[::1]:22", HostKey: hostKey}, ""},
		{"ipv6 without a port", Address{SFTP: "::1", HostKey: hostKey}, ""},
		{"host key with a comment", Address{SFTP: "h:22", HostKey: hostKey + " root@server"}, ""},
		{"folder", Address{Folder: `\\server\orders`}, ""},
		{"neither", Address{}, "neither"},
		{"both", Address{SFTP: "h:22", HostKey: hostKey, Folder: "/mnt/orders"}, "both"},
		{"a URL", Address{SFTP: "sftp://h:22", HostKey: hostKey}, "not host:port"},
		{"port zero", Address{SFTP: "h:0", HostKey: hostKey}, "1 to 65535"},
		{"port not a number", Address{SFTP: "h:ssh", HostKey: hostKey}, "1 to 65535"},
		{"port too big", Address{SFTP: "h:70000", HostKey: hostKey}, "1 to 65535"},
		{"no host", Address{SFTP: ":22", HostKey: hostKey}, "no host"},
		{"no host key", Address{SFTP: "h:22"}, "host key"},
		{"host key unreadable", Address{SFTP: "h:22", HostKey: "ssh-ed25519 not-base64"}, "host key cannot be read"},
		{"two host keys", Address{SFTP: "h:22", HostKey: hostKey + "\n" + hostKey}, "one key"},
		{"login with a space", Address{SFTP: "h:22", HostKey: hostKey, User: "n h"}, "not a user name"},
		{"folder with a host key", Address{Folder: "/mnt/orders", HostKey: hostKey}, "only an SFTP server"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.a.Check()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("Check = %v, want nil", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("Check = %v, want an error saying %q", err, c.want)
			}
		})
	}
	if _, err := Open(context.Background(), Address{}, dealer, nil); err == nil {
		t.Error("Open of an empty address succeeded")
	}
}

func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{"inbox/NH/a.zip", "../x", "/etc/passwd", "a/../../b", `a\b`, "CON", "a//b/", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c, err := cleanPath(p, true)
		if err != nil {
			return
		}
		if filepath.IsAbs(c) || strings.HasPrefix(c, "/") || strings.ContainsAny(c, "\\:\x00") {
			t.Fatalf("%q cleaned to %q", p, c)
		}
		for _, e := range strings.Split(c, "/") {
			if e == ".." || e == "" || windowsDevice(e) {
				t.Fatalf("%q cleaned to %q", p, c)
			}
		}
	})
}

// An address without a login logs in as the dealer code in lower case.
func TestTheLoginIsTheDealerCodeByDefault(t *testing.T) {
	s, a, key := server(t)
	if strings.ToLower(s.User) != s.User {
		t.Skipf("the test user %q is not in lower case", s.User)
	}
	a.User = ""
	tr, err := Open(context.Background(), a, strings.ToUpper(s.User), key)
	if err != nil {
		t.Fatal(err)
	}
	tr.Close()
	if _, err := Open(context.Background(), a, "SOMEONE-ELSE", key); !errors.Is(err, ErrLoginRefused) {
		t.Errorf("another dealer's login: %v, want ErrLoginRefused", err)
	}
}
