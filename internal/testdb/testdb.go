// Package testdb gives tests a fresh, migrated store on each database engine Convene supports.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/crypto/bcrypt"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// PostgresURL is the server tests use, from CONVENE_TEST_POSTGRES or the project machines' default.
func PostgresURL() string {
	if u := os.Getenv("CONVENE_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Tests hash passwords at bcrypt's lowest cost: a hash is then microseconds, not a second.
func init() { convene.PasswordCost = bcrypt.MinCost }

// Engines are the database engines every store and HTTP test runs on.
var Engines = []string{"sqlite", "postgres"}

// Each runs fn once per engine, as subtests named after the engine, each with its own empty store.
func Each(t *testing.T, clock convene.Clock, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, engine, clock))
		})
	}
}

// Open returns a migrated store on engine, removed when the test ends: a SQLite file in the test's
// temporary folder, or a PostgreSQL database of its own, copied from one migrated once per test
// binary. Outside CI an unreachable PostgreSQL skips the test loudly; in CI (CI=true) it fails it.
func Open(t testing.TB, engine string, clock convene.Clock) *store.Store {
	t.Helper()
	s, _ := OpenCopy(t, engine, "migrated", clock, nil)
	return s
}

// OpenDSN returns a migrated store on a database DSN names, closed when the test ends.
func OpenDSN(t testing.TB, dsn string, clock convene.Clock) *store.Store {
	t.Helper()
	ctx := context.Background()
	engine := "sqlite"
	if store.IsPostgres(dsn) {
		engine = "postgres"
	}
	s, err := store.Open(ctx, dsn, clock)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return s
}

// DSN names an empty database on engine for one test, as the --db flag takes it, without opening it.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "convene.db")
	case "postgres":
		return postgresSchema(t)
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// postgresSchema creates a schema for one test and returns a URL whose search_path points at it.
func postgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable in CI: %v", base, err)
		}
		t.Skipf("SKIPPING PostgreSQL tests: %s unreachable (%v); set CONVENE_TEST_POSTGRES", base, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
