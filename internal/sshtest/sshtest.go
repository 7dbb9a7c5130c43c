// Package sshtest runs a real, temporary OpenSSH server for tests of the
// SFTP transport: Debian's /usr/sbin/sshd (openssh-server; ATELIER_SSHD
// names another), listening on 127.0.0.1 and a free port, with a
// configuration, an ed25519 host key and an authorized_keys file of its
// own in a temporary folder. It serves SFTP only (internal-sftp), landing
// the user in Root, a folder of its own.
//
// The login is the user running the tests. When that is root, sshd runs
// with privilege separation as usual (its /run/sshd is made if missing)
// and lets root in by key only (UsePAM no); otherwise sshd runs as that
// user, which can then log in as itself only, with PAM (without it a
// non-root sshd, which cannot read /etc/shadow, takes the account for
// locked).
//
// A test calls Start; the server is stopped and removed at the test's
// end. When it cannot be started the test is skipped with a loud
// message, unless ATELIER_REQUIRE_SSHD=1 (make race sets it), which turns
// the skip into a failure.
package sshtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Server is a temporary sshd.
type Server struct {
	Addr    string // 127.0.0.1:port
	HostKey string // the server's host key, authorized_keys form ("ssh-ed25519 AAAA…")
	Root    string // the folder the SFTP user lands in
	User    string // the login: the user running the tests

	dir    string // everything: configuration, keys, log, Root
	sshd   string
	config string
	log    string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has ended
}

// Start starts a new server for the test and stops it at the test's end.
// A test that cannot have one is skipped with a loud message (failed
// under ATELIER_REQUIRE_SSHD=1).
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := start()
	if err != nil {
		msg := fmt.Sprintf("!!! sshd could not be started, so this test did not run: %v", err)
		if os.Getenv("ATELIER_REQUIRE_SSHD") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(s.remove)
	return s
}

func start() (*Server, error) {
	if runtime.GOOS == "windows" {
		return nil, errors.New("the test SSH server runs on Linux")
	}
	sshd := os.Getenv("ATELIER_SSHD")
	if sshd == "" {
		sshd = "/usr/sbin/sshd"
	}
	if _, err := os.Stat(sshd); err != nil {
		return nil, fmt.Errorf("no OpenSSH server (%v): apt install openssh-server, or set ATELIER_SSHD", err)
	}
	me, err := user.Current()
	if err != nil {
		return nil, err
	}
	tidyAbandoned()
	dir, err := os.MkdirTemp("", "atelier-sshd-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, sshd: sshd, User: me.Username, Root: filepath.Join(dir, "root"),
		config: filepath.Join(dir, "sshd_config"), log: filepath.Join(dir, "sshd.log")}
	ok := false
	defer func() {
		if !ok {
			s.remove()
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	if err := os.Mkdir(s.Root, 0o755); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		// sshd's privilege separation directory, which Debian's
		// service makes at boot (RuntimeDirectory).
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			return nil, fmt.Errorf("sshd's /run/sshd: %w", err)
		}
	}
	if s.HostKey, err = writeHostKey(filepath.Join(dir, "host_ed25519")); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), nil, 0o600); err != nil {
		return nil, err
	}
	for try := 0; ; try++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if err := s.writeConfig(port); err != nil {
			return nil, err
		}
		err = s.Start()
		if err == nil {
			break
		}
		if try == 3 {
			return nil, err
		}
	}
	ok = true
	return s, nil
}

// writeHostKey makes an ed25519 host key at path and returns its public
// half in authorized_keys form.
func writeHostKey(path string) (string, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	block, err := ssh.MarshalPrivateKey(priv, "atelier sshtest")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return "", err
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))), nil
}

// writeConfig writes sshd_config for port, with the options this sshd
// knows (PerSourcePenalties, from OpenSSH 9.8, would shut out a client
// that failed to log in, as the tests do on purpose).
func (s *Server) writeConfig(port int) error {
	conf := fmt.Sprintf(`# atelier sshtest
ListenAddress 127.0.0.1:%d
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM %s
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthenticationMethods publickey
PermitRootLogin prohibit-password
AllowUsers %s
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTTY no
PrintMotd no
MaxStartups 100
LogLevel VERBOSE
Subsystem sftp internal-sftp
ForceCommand internal-sftp -d %s
`, port, filepath.Join(s.dir, "host_ed25519"), filepath.Join(s.dir, "sshd.pid"),
		filepath.Join(s.dir, "authorized_keys"), usePAM(), s.User, s.Root)
	withPenalties := strings.Replace(conf, "LogLevel", "PerSourcePenalties no\nLogLevel", 1)
	if err := os.WriteFile(s.config, []byte(withPenalties), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command(s.sshd, "-t", "-f", s.config).CombinedOutput(); err == nil {
		return nil
	} else if !bytes.Contains(out, []byte("PerSourcePenalties")) {
		return fmt.Errorf("sshd -t: %w: %s", err, out)
	}
	if err := os.WriteFile(s.config, []byte(conf), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command(s.sshd, "-t", "-f", s.config).CombinedOutput(); err != nil {
		return fmt.Errorf("sshd -t: %w: %s", err, out)
	}
	return nil
}

// Start starts the server (again, after Stop) on its port with its host
// key, and waits until it takes connections.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("sshd is running")
	}
	logf, err := os.OpenFile(s.log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(s.sshd, "-D", "-e", "-f", s.config)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start sshd: %w", err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-done:
			return fmt.Errorf("sshd ended at once: %s", s.tail())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			return fmt.Errorf("sshd did not listen on %s within 10 s: %s", s.Addr, s.tail())
		}
	}
	s.cmd, s.done = cmd, done
	return nil
}

// Stop stops the server and cuts its connections: it takes no new ones
// (connection refused) until Start.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	killTree(s.cmd.Process.Pid)
	<-s.done
	s.cmd, s.done = nil, nil
}

// Pause freezes the server and its connections (SIGSTOP): connections
// are still taken by the system, but nothing answers, as with a server
// that hangs. Resume thaws it; Stop and the test's end do too.
func (s *Server) Pause() { s.signal(false) }

// Resume thaws a paused server.
func (s *Server) Resume() { s.signal(true) }

func (s *Server) signal(cont bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		signalTree(s.cmd.Process.Pid, cont)
	}
}

// AddKey lets in a client key, given as an authorized_keys line.
func (s *Server) AddKey(pub string) error {
	f, err := os.OpenFile(filepath.Join(s.dir, "authorized_keys"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(strings.TrimSpace(pub) + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Log is what sshd has said so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.log)
	return string(b)
}

func (s *Server) tail() string {
	l := s.Log()
	if len(l) > 1500 {
		l = "…" + l[len(l)-1500:]
	}
	return l
}

// remove stops the server and removes its folder.
func (s *Server) remove() {
	s.Stop()
	os.RemoveAll(s.dir)
}

// tidyAbandoned stops the servers of test processes that were killed
// before they could stop theirs, and removes their folders.
func tidyAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "atelier-sshd-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		owner, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || processAlive(owner) {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(d, "sshd.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && isSSHD(pid) {
				killTree(pid)
			}
		}
		os.RemoveAll(d)
	}
}

// usePAM is "no" as root. A non-root sshd cannot read /etc/shadow and
// then takes its user's account for locked; PAM's account check asks a
// helper (unix_chkpwd) that may tell it about its own user.
func usePAM() string {
	if os.Geteuid() == 0 {
		return "no"
	}
	return "yes"
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
