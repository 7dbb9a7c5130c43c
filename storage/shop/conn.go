// Package shop connects a shop's Ateliers through the shop's PostgreSQL
// (docs/shop.md): the schema and roles (Init), pairing machines
// (AddMachine, Join), revoking them (Revoke), and the connections'
// rules. It talks to PostgreSQL with jackc/pgx; no Fyne, no SQLite.
package shop

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrInsecure: a connection to another machine without TLS that checks
// the server's certificate and name (sslmode=verify-full).
var ErrInsecure = errors.New("a connection to another machine must use TLS with the server's certificate and name checked (sslmode=verify-full)")

// isLocal reports whether host is this machine: a Unix socket's folder,
// localhost, or a loopback address. (A variable: the tests take their
// loopback server for another machine.)
var isLocal = func(host string) bool {
	if strings.HasPrefix(host, "/") || strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseURL reads a PostgreSQL URL given by a person (the shop's owner)
// and refuses one that would talk to another machine without verifying
// TLS: every host it names that is not this machine must be reached with
// sslmode=verify-full, and no fallback may drop TLS.
func ParseURL(raw string) (*pgx.ConnConfig, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("%q is not a PostgreSQL URL (postgres://user@host:port/database?sslmode=verify-full)", redact(raw))
	}
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("the PostgreSQL URL: %w", err)
	}
	if err := checkSecure(cfg, u.Query().Get("sslmode")); err != nil {
		return nil, err
	}
	return cfg, nil
}

// checkSecure applies the rule to a parsed configuration: sslmode is the
// URL's own (pgx turns verify-full into a tls.Config that verifies; every
// weaker mode either skips the checks or falls back to plain text).
func checkSecure(cfg *pgx.ConnConfig, sslmode string) error {
	hosts := []*pgconn.FallbackConfig{{Host: cfg.Host, Port: cfg.Port, TLSConfig: cfg.TLSConfig}}
	hosts = append(hosts, cfg.Fallbacks...)
	for _, h := range hosts {
		if isLocal(h.Host) {
			continue
		}
		if sslmode != "verify-full" || h.TLSConfig == nil || h.TLSConfig.InsecureSkipVerify && h.TLSConfig.VerifyPeerCertificate == nil && h.TLSConfig.VerifyConnection == nil {
			return fmt.Errorf("%s: %w", h.Host, ErrInsecure)
		}
	}
	return nil
}

// redact hides a URL's password.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unreadable URL)"
	}
	return u.Redacted()
}

// pinnedTLS verifies a server as sslmode=verify-full does, but against
// one certificate only (the one pinned at pairing): the chain the server
// presents must lead to it, and name host.
func pinnedTLS(host string, pinned *x509.Certificate) *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(pinned)
	return &tls.Config{
		ServerName: host,
		RootCAs:    roots,
		MinVersion: tls.VersionTLS12,
	}
}

// connect opens a connection with cfg, saying in plain words what went
// wrong.
func connect(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("the shop's database at %s: %w", cfg.Host, plain(err))
	}
	return conn, nil
}

// plain words for the errors people meet.
func plain(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return fmt.Errorf("this machine may not log in (revoked, or a wrong or expired code): %w", err)
		case "42501":
			return fmt.Errorf("this machine may not do that: %w", err)
		}
	}
	return err
}
