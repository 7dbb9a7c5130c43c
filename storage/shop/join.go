package shop

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage/safefile"
	"github.com/jackc/pgx/v5"
)

// Credentials are what a paired machine keeps (CredentialsFile beside
// its library, 0600): where the shop's database is, the machine's own
// role and password, and the certificate it trusts for the server.
type Credentials struct {
	Host      string `json:"host"`
	Port      int    `json:"port"`
	Database  string `json:"database"`
	Role      string `json:"role"`
	Password  string `json:"password"`
	CA        string `json:"ca,omitempty"` // PEM; none: the system's authorities (or a local server)
	Machine   int    `json:"machine"`
	MachineID string `json:"machine_id"`
	Name      string `json:"name"`
	Kind      Kind   `json:"kind"`
}

// CredentialsFile is the name of the credentials' file beside the library.
const CredentialsFile = "shop.json"

// Server is where a machine finds the shop's database: host[:port]/database.
type Server struct {
	Host     string
	Port     int
	Database string
}

// ParseServer reads "host[:port]/database" (port 5432 when left out;
// an IPv6 address in brackets).
func ParseServer(s string) (Server, error) {
	hostPort, db, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok || db == "" || hostPort == "" || strings.ContainsAny(db, "/?#") {
		return Server{}, fmt.Errorf("%q is not a server: write host/database, or host:port/database", s)
	}
	srv := Server{Host: hostPort, Port: 5432, Database: db}
	if h, p, err := net.SplitHostPort(hostPort); err == nil {
		port, perr := strconv.Atoi(p)
		if perr != nil || port < 1 || port > 65535 {
			return Server{}, fmt.Errorf("%q: the port is not a number from 1 to 65535", s)
		}
		srv.Host, srv.Port = h, port
	}
	srv.Host = strings.Trim(srv.Host, "[]")
	return srv, nil
}

func (s Server) String() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) + "/" + s.Database
}

// Join pairs this machine with the shop: it logs in as the machine the
// code names, with the code's one-time password, over TLS that trusts only
// the certificate the code names (when the server is on another machine),
// makes its own password and sets it on the server as a SCRAM verifier.
// machineID is the library's own id. keep is given the credentials
// before the server takes the new password (so a machine that cannot keep
// them does not use its code up), and again, complete, after; Join
// returns them too.
func Join(ctx context.Context, srv Server, codeText, machineID string, keep func(Credentials) error) (Credentials, error) {
	code, err := ParseCode(codeText)
	if err != nil {
		return Credentials{}, err
	}
	cfg, err := pgx.ParseConfig("")
	if err != nil {
		return Credentials{}, err
	}
	cfg.Host, cfg.Port, cfg.Database = srv.Host, uint16(srv.Port), srv.Database
	cfg.User, cfg.Password = machineRole(srv.Database, code.Machine), code.Password()
	cfg.ConnectTimeout = 15 * time.Second
	cfg.Fallbacks = nil
	var seen *x509.Certificate
	switch {
	case len(code.Fingerprint) > 0:
		// Verify as verify-full does, against the certificate the code
		// names: it must be the top of the chain the server presents.
		cfg.TLSConfig = &tls.Config{
			ServerName:         srv.Host,
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: true, // replaced by VerifyConnection below
			VerifyConnection: func(cs tls.ConnectionState) error {
				chain := cs.PeerCertificates
				if len(chain) == 0 {
					return errors.New("the server presented no certificate")
				}
				top := chain[len(chain)-1]
				if !bytes.Equal(fingerprint(top.Raw), code.Fingerprint) {
					return errors.New("the server's certificate is not the one the pairing code names: is this the shop's server?")
				}
				if err := verifyAgainst(cs, top, srv.Host); err != nil {
					return err
				}
				seen = top
				return nil
			},
		}
	case isLocal(srv.Host):
		cfg.TLSConfig = nil // the same machine
	default:
		cfg.TLSConfig = &tls.Config{ServerName: srv.Host, MinVersion: tls.VersionTLS12} // the system's authorities
	}
	conn, err := connect(ctx, cfg)
	if err != nil {
		return Credentials{}, err
	}
	defer conn.Close(ctx)
	password, verifier, err := newPassword()
	if err != nil {
		return Credentials{}, err
	}
	c := Credentials{Host: srv.Host, Port: srv.Port, Database: srv.Database, Role: cfg.User, Password: password,
		Machine: code.Machine, MachineID: machineID}
	if seen != nil {
		c.CA = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: seen.Raw}))
	}
	if keep != nil {
		if err := keep(c); err != nil {
			return Credentials{}, fmt.Errorf("the shop's credentials cannot be kept, so the code was not used: %w", err)
		}
	}
	var kind string
	if err := conn.QueryRow(ctx, `SELECT number, name, kind FROM atelier.complete_pairing($1, $2)`, verifier, machineID).Scan(&c.Machine, &c.Name, &kind); err != nil {
		return Credentials{}, fmt.Errorf("pairing: %w", plain(err))
	}
	c.Kind = Kind(kind)
	if keep != nil {
		if err := keep(c); err != nil {
			return c, fmt.Errorf("paired, but the machine's name could not be kept: %w", err)
		}
	}
	return c, nil
}

// verifyAgainst checks the server's chain against root, and its name.
func verifyAgainst(cs tls.ConnectionState, root *x509.Certificate, host string) error {
	roots := x509.NewCertPool()
	roots.AddCert(root)
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter})
	if err != nil {
		return fmt.Errorf("the server's certificate: %w", err)
	}
	return nil
}

// newPassword makes a machine's password and its SCRAM-SHA-256 verifier
// (RFC 5802, as PostgreSQL stores it).
func newPassword() (password, verifier string, err error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", "", err
	}
	password = base64.RawURLEncoding.EncodeToString(raw)
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", "", err
	}
	const iterations = 4096
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", "", err
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac(salted, "Client Key"))
	server := mac(salted, "Server Key")
	b64 := base64.StdEncoding.EncodeToString
	verifier = fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(stored[:]), b64(server))
	return password, verifier, nil
}

// Config is the connection the credentials make: TLS verified against
// the kept certificate (verify-full) unless the server is this machine.
func (c Credentials) Config() (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig("")
	if err != nil {
		return nil, err
	}
	cfg.Host, cfg.Port, cfg.Database = c.Host, uint16(c.Port), c.Database
	cfg.User, cfg.Password = c.Role, c.Password
	cfg.ConnectTimeout = 10 * time.Second
	cfg.Fallbacks = nil
	switch {
	case c.CA != "":
		block, _ := pem.Decode([]byte(c.CA))
		if block == nil {
			return nil, errors.New("the shop's credentials hold no readable certificate")
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the shop's certificate: %w", err)
		}
		cfg.TLSConfig = pinnedTLS(c.Host, cert)
	case isLocal(c.Host):
		cfg.TLSConfig = nil
	default:
		cfg.TLSConfig = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	return cfg, nil
}

// Connect opens a connection with the credentials.
func (c Credentials) Connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := c.Config()
	if err != nil {
		return nil, err
	}
	return connect(ctx, cfg)
}

// Save writes the credentials to path, readable by this user only.
func (c Credentials) Save(path string) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return safefile.Write(path, append(data, '\n'), 0o600)
}

// LoadCredentials reads credentials Save wrote. On Unix a file others may
// read is refused: the password would no longer be the machine's own.
func LoadCredentials(path string) (Credentials, error) {
	data, err := catalog.ReadFileLimited(path, 64<<10, "the shop's credentials")
	if err != nil {
		return Credentials{}, err
	}
	if runtime.GOOS != "windows" {
		if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
			return Credentials{}, fmt.Errorf("%s may be read by other users (%v): make it private (chmod 600) or join the shop again", path, info.Mode().Perm())
		}
	}
	var c Credentials
	if err := json.Unmarshal(data, &c); err != nil {
		return Credentials{}, fmt.Errorf("%s: %w", path, err)
	}
	if c.Host == "" || c.Database == "" || c.Role == "" || c.Port < 1 || c.Port > 65535 {
		return Credentials{}, fmt.Errorf("%s is incomplete", path)
	}
	return c, nil
}
