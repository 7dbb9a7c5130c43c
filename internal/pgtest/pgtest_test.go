package pgtest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

// The server answers over TLS verified against its own authority, and
// survives a restart.
func TestServer(t *testing.T) {
	s := Shared(t)
	ctx := context.Background()
	db, err := s.CreateDatabase("pgtest")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, s.AdminURL(db))
	if err != nil {
		t.Fatal(err)
	}
	var ssl bool
	var version string
	if err := conn.QueryRow(ctx, `SELECT ssl, current_setting('server_version') FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl, &version); err != nil {
		t.Fatal(err)
	}
	if !ssl || !strings.HasPrefix(version, "1") {
		t.Errorf("ssl %v, version %s", ssl, version)
	}
	conn.Close(ctx)
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	conn, err = pgx.Connect(ctx, s.AdminURL(db))
	if err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	conn.Close(ctx)
}
