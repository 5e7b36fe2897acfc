package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// Prepare fills a freshly migrated template database (loads a demo, say) and returns what tests
// need to know about it, such as the ids it made.
type Prepare func(ctx context.Context, s *store.Store) (any, error)

// template is a database built once per test binary and copied for each test that asks for it.
type template struct {
	once     sync.Once
	source   string // SQLite: the file; PostgreSQL: the database name
	prepared any
	err      error
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*template{}
)

// Copy returns the DSN of a database of its own for one test: a copy of a template that is built
// once per test binary, by migrating an empty database and handing it to prepare (nil for none),
// and removed when the test ends. key names the template: tests that prepare differently, or with
// another clock, use another key. It returns what prepare returned. A file copy (SQLite) or
// CREATE DATABASE … TEMPLATE (PostgreSQL) costs a fraction of migrating and loading anew.
func Copy(t testing.TB, engine, key string, clock convene.Clock, prepare Prepare) (string, any) {
	t.Helper()
	templatesMu.Lock()
	tpl, ok := templates[engine+"/"+key]
	if !ok {
		tpl = &template{}
		templates[engine+"/"+key] = tpl
	}
	templatesMu.Unlock()
	tpl.once.Do(func() { tpl.source, tpl.prepared, tpl.err = buildTemplate(t, engine, key, clock, prepare) })
	if tpl.err != nil {
		t.Fatalf("template %s/%s: %v", engine, key, tpl.err)
	}
	switch engine {
	case "sqlite":
		dst := filepath.Join(t.TempDir(), "convene.db")
		if err := copyFile(tpl.source, dst); err != nil {
			t.Fatalf("copy the %s template: %v", key, err)
		}
		if _, err := os.Stat(tpl.source + "-wal"); err == nil {
			if err := copyFile(tpl.source+"-wal", dst+"-wal"); err != nil {
				t.Fatalf("copy the %s template's log: %v", key, err)
			}
		}
		return dst, tpl.prepared
	case "postgres":
		return postgresCopy(t, tpl.source), tpl.prepared
	}
	t.Fatalf("unknown engine %q", engine)
	return "", nil
}

// OpenCopy is Copy, opened: a store on a copy of the template, closed when the test ends.
func OpenCopy(t testing.TB, engine, key string, clock convene.Clock, prepare Prepare) (*store.Store, any) {
	t.Helper()
	dsn, prepared := Copy(t, engine, key, clock, prepare)
	return OpenDSN(t, dsn, clock), prepared
}

func buildTemplate(t testing.TB, engine, key string, clock convene.Clock, prepare Prepare) (string, any, error) {
	ctx := context.Background()
	var dsn, source string
	switch engine {
	case "sqlite":
		dropStaleFolders()
		dir, err := os.MkdirTemp("", fmt.Sprintf("convene-template-%d-", os.Getpid()))
		if err != nil {
			return "", nil, err
		}
		source = filepath.Join(dir, "convene.db")
		dsn = source
	case "postgres":
		admin := postgresAdmin(t)
		dropStale(admin)
		source = fmt.Sprintf("convene_tpl_%d_%s", os.Getpid(), randomHex(4))
		if _, err := admin.Exec(`CREATE DATABASE ` + source); err != nil {
			return "", nil, err
		}
		dsn = databaseURL(source)
	default:
		return "", nil, fmt.Errorf("unknown engine %q", engine)
	}
	s, err := store.Open(ctx, dsn, clock)
	if err != nil {
		return "", nil, err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return "", nil, err
	}
	var prepared any
	if prepare != nil {
		if prepared, err = prepare(ctx, s); err != nil {
			return "", nil, err
		}
	}
	// Closing the last connection checkpoints SQLite's WAL into the file, and lets PostgreSQL use
	// the database as a template.
	return source, prepared, s.Close()
}

// postgresCopy creates a database from the template for one test and returns its URL.
func postgresCopy(t testing.TB, tpl string) string {
	t.Helper()
	admin := postgresAdmin(t)
	name := fmt.Sprintf("convene_t_%d_%s", os.Getpid(), randomHex(6))
	var err error
	// A template must have no session: the one that built it may still be closing.
	for range 50 {
		if _, err = admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + tpl); err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("copy the template database: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	return databaseURL(name)
}

var (
	adminOnce sync.Once
	adminDB   *sql.DB
	adminErr  error
)

// postgresAdmin is a connection to the test server's own database, for creating and dropping
// databases; an unreachable server skips the test loudly, or fails it in CI.
func postgresAdmin(t testing.TB) *sql.DB {
	t.Helper()
	adminOnce.Do(func() {
		adminDB, adminErr = sql.Open("pgx", PostgresURL())
		if adminErr == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			adminErr = adminDB.PingContext(ctx)
			cancel()
		}
	})
	if adminErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable in CI: %v", PostgresURL(), adminErr)
		}
		t.Skipf("SKIPPING PostgreSQL tests: %s unreachable (%v); set CONVENE_TEST_POSTGRES", PostgresURL(), adminErr)
	}
	return adminDB
}

// dropStale removes the databases that test binaries no longer running left behind.
func dropStale(admin *sql.DB) {
	rows, err := admin.Query(`SELECT datname FROM pg_database WHERE datname LIKE 'convene\_t%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_") // convene_t(pl)_PID_RANDOM
		if len(parts) != 4 {
			continue
		}
		pid, err := strconv.Atoi(parts[2])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat("/proc/" + parts[2]); os.IsNotExist(err) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	}
}

// dropStaleFolders removes the SQLite templates of test binaries no longer running.
func dropStaleFolders() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "convene-template-*"))
	for _, dir := range dirs {
		parts := strings.Split(filepath.Base(dir), "-") // convene-template-PID-RANDOM
		if len(parts) != 4 || parts[2] == strconv.Itoa(os.Getpid()) {
			continue
		}
		if _, err := os.Stat("/proc/" + parts[2]); os.IsNotExist(err) {
			os.RemoveAll(dir)
		}
	}
}

// databaseURL is the test server's URL with another database.
func databaseURL(name string) string {
	u, err := url.Parse(PostgresURL())
	if err != nil {
		return PostgresURL()
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
