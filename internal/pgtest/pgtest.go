// Package pgtest runs a real, temporary PostgreSQL server for tests: a
// cluster of its own in a temporary folder, listening on a free loopback
// port with TLS (a certificate authority made for it), stopped and
// removed at the end.
//
// PostgreSQL refuses to run as root: when the tests run as root, the
// cluster belongs to the system's "postgres" user and its commands run
// through runuser. The binaries are Debian's (postgresql package,
// /usr/lib/postgresql/<version>/bin), or those ATELIER_PG_BIN names.
//
// A test that needs the server calls Shared; a package's TestMain calls
// StopShared after m.Run. When no server can be started the test is
// skipped with a loud message, unless ATELIER_REQUIRE_POSTGRES=1 (make
// test sets it), which turns the skip into a failure.
package pgtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Admin is the cluster's superuser.
const Admin = "atelier_admin"

// Server is a temporary PostgreSQL cluster.
type Server struct {
	Dir      string // everything: data, sockets, certificates, log
	Bin      string // PostgreSQL's binaries
	Port     int
	Password string // the superuser's
	CAFile   string // the certificate authority that signed the server's certificate (PEM)
	CA       []byte // the same, PEM
	owner    *user.User
	data     string
}

// Start makes and starts a new cluster.
func Start() (*Server, error) {
	if runtime.GOOS == "windows" {
		return nil, errors.New("the test server runs on Linux")
	}
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	tidyAbandoned(bin)
	dir, err := os.MkdirTemp("", "atelier-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, Bin: bin, data: filepath.Join(dir, "data"), Password: randomHex(16)}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()
	if os.Geteuid() == 0 {
		if s.owner, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("PostgreSQL will not run as root, and there is no postgres user: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	pwfile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwfile, []byte(s.Password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if err := s.chown(dir, pwfile); err != nil {
		return nil, err
	}
	if out, err := s.run("initdb", "-D", s.data, "-U", Admin, "--pwfile", pwfile,
		"-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	os.Remove(pwfile)
	if err := s.makeCertificates(); err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "sock")
	if err := os.Mkdir(sock, 0o755); err != nil {
		return nil, err
	}
	if err := s.chown(sock); err != nil {
		return nil, err
	}
	hba := "local all all scram-sha-256\n" +
		"hostssl all all 127.0.0.1/32 scram-sha-256\n" +
		"host all all 127.0.0.1/32 scram-sha-256\n" // the client decides whether TLS is needed
	if err := os.WriteFile(filepath.Join(s.data, "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return nil, err
	}
	for try := 0; ; try++ {
		if s.Port, err = freePort(); err != nil {
			return nil, err
		}
		conf := fmt.Sprintf("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"+
			"ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"+
			"fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n"+
			"password_encryption = 'scram-sha-256'\n", s.Port, sock)
		if err := appendFile(filepath.Join(s.data, "postgresql.conf"), conf); err != nil {
			return nil, err
		}
		out, err := s.run("pg_ctl", "-D", s.data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start")
		if err == nil {
			break
		}
		if try == 3 {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return nil, fmt.Errorf("pg_ctl start: %w: %s\n%s", err, out, tail(string(log), 800))
		}
	}
	ok = true
	return s, nil
}

// URL is a connection URL for role with password to database db, over TCP
// to 127.0.0.1 with TLS verified against the server's authority
// (verify-full; the certificate names 127.0.0.1 and localhost).
func (s *Server) URL(role, password, db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(role, password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)), Path: "/" + db}
	q := url.Values{}
	q.Set("sslmode", "verify-full")
	q.Set("sslrootcert", s.CAFile)
	q.Set("connect_timeout", "10")
	u.RawQuery = q.Encode()
	return u.String()
}

// AdminURL is the superuser's URL to database db.
func (s *Server) AdminURL(db string) string { return s.URL(Admin, s.Password, db) }

// Address is host:port.
func (s *Server) Address() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// CreateDatabase makes a new, empty database and returns its name.
func (s *Server) CreateDatabase(prefix string) (string, error) {
	name := fmt.Sprintf("%s_%s", prefix, randomHex(4))
	if out, err := s.psql("postgres", "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w: %s", err, out)
	}
	return name, nil
}

// Restart stops the server (fast shutdown: connections are cut) and
// starts it again on the same port.
func (s *Server) Restart() error {
	if out, err := s.run("pg_ctl", "-D", s.data, "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	if out, err := s.run("pg_ctl", "-D", s.data, "-l", filepath.Join(s.Dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("pg_ctl start: %w: %s", err, out)
	}
	return nil
}

// Stop stops the server and removes its folder.
func (s *Server) Stop() {
	if s == nil || s.Dir == "" {
		return
	}
	if _, err := os.Stat(filepath.Join(s.data, "postmaster.pid")); err == nil {
		s.run("pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(s.Dir)
}

// psql runs SQL as the superuser in database db.
func (s *Server) psql(db, sql string) ([]byte, error) {
	cmd := s.command("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", filepath.Join(s.Dir, "sock"), "-p", strconv.Itoa(s.Port),
		"-U", Admin, "-d", db, "-c", sql)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+s.Password)
	return cmd.CombinedOutput()
}

// run runs one of PostgreSQL's programs as the cluster's owner.
func (s *Server) run(name string, args ...string) ([]byte, error) {
	return s.command(name, args...).CombinedOutput()
}

func (s *Server) command(name string, args ...string) *exec.Cmd {
	prog := filepath.Join(s.Bin, name)
	if _, err := os.Stat(prog); err != nil && name == "psql" {
		prog = "psql"
	}
	if s.owner != nil {
		return exec.Command("runuser", append([]string{"-u", s.owner.Username, "--", prog}, args...)...)
	}
	return exec.Command(prog, args...)
}

// chown gives paths to the cluster's owner (when running as root).
func (s *Server) chown(paths ...string) error {
	if s.owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(s.owner.Uid)
	gid, _ := strconv.Atoi(s.owner.Gid)
	for _, p := range paths {
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// makeCertificates makes a certificate authority and a server
// certificate for 127.0.0.1 and localhost signed by it.
func (s *Server) makeCertificates() error {
	ca, caKey, err := newAuthority()
	if err != nil {
		return err
	}
	caDER := ca.Raw
	now := time.Now()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(30 * 24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	s.CA = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	s.CAFile = filepath.Join(s.Dir, "ca.crt")
	crt := filepath.Join(s.data, "server.crt")
	kf := filepath.Join(s.data, "server.key")
	for _, f := range []struct {
		path string
		data []byte
	}{
		{s.CAFile, s.CA},
		{crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})},
		{kf, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})},
	} {
		if err := os.WriteFile(f.path, f.data, 0o600); err != nil {
			return err
		}
	}
	if err := os.Chmod(s.CAFile, 0o644); err != nil {
		return err
	}
	return s.chown(crt, kf)
}

// newAuthority makes a certificate authority.
func newAuthority() (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Atelier test shop CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(30 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// NewAuthority makes a certificate authority no server uses (PEM), for
// tests of what is not trusted.
func NewAuthority() ([]byte, error) {
	cert, _, err := newAuthority()
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), nil
}

// findBin finds PostgreSQL's binaries (version 15 or later).
func findBin() (string, error) {
	if b := os.Getenv("ATELIER_PG_BIN"); b != "" {
		return b, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if version(d) < 15 {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server (15 or later) is installed: apt install postgresql, or set ATELIER_PG_BIN")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// tidyAbandoned stops and removes the clusters of test processes that
// were killed before they could stop theirs.
func tidyAbandoned(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "atelier-pg-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || processAlive(pid) {
			continue
		}
		s := &Server{Dir: d, Bin: bin, data: filepath.Join(d, "data")}
		if os.Geteuid() == 0 {
			s.owner, _ = user.Lookup("postgres")
		}
		s.Stop()
	}
}

func processAlive(pid int) bool {
	_, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid)))
	return err == nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

var shared struct {
	sync.Mutex
	s   *Server
	err error
}

// Shared is the test process's server, started at the first call. A test
// that cannot have one is skipped with a loud message (failed under
// ATELIER_REQUIRE_POSTGRES=1).
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if shared.s == nil && shared.err == nil {
		shared.s, shared.err = Start()
	}
	if shared.err != nil {
		msg := fmt.Sprintf("!!! PostgreSQL could not be started, so this test did not run: %v", shared.err)
		if os.Getenv("ATELIER_REQUIRE_POSTGRES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return shared.s
}

// StopShared stops the shared server, if one was started.
func StopShared() {
	shared.Lock()
	defer shared.Unlock()
	shared.s.Stop()
	shared.s = nil
}

// Ping waits until the server answers (after a restart).
func (s *Server) Ping(ctx context.Context) error {
	for {
		out, err := s.run("pg_isready", "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port))
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %s", ctx.Err(), out)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
