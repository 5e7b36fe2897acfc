// Package store keeps Convene's data in SQLite (a file, for one machine) or PostgreSQL (for several
// instances). The SQL is written by hand once; the few places where the two engines differ are the
// named helpers in this file.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/opengovcall/convene"
)

//go:embed migrations
var migrations embed.FS

// dialect names the database engine behind a store.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// Store is Convene's database, on either engine.
type Store struct {
	db                      *sql.DB
	dialect                 dialect
	clock                   convene.Clock
	stmts                   sync.Map // query text → *sql.Stmt, prepared once for reads outside transactions
	prepared, preparedLists atomic.Int64
	queries                 atomic.Int64
}

// Queries is how many SQL statements the store has run since it opened, in and out of
// transactions; tests compare it before and after a request to bound the queries a page makes.
func (s *Store) Queries() int64 { return s.queries.Load() }

// IsPostgres reports whether dsn names a PostgreSQL database rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database named by dsn: a postgres:// URL, or else a SQLite file path. It
// checks the connection but does not migrate.
func Open(ctx context.Context, dsn string, clock convene.Clock) (*Store, error) {
	if clock == nil {
		clock = convene.SystemClock{}
	}
	s := &Store{clock: clock}
	var err error
	if IsPostgres(dsn) {
		s.dialect = postgresDialect
		s.db, err = sql.Open("pgx", dsn)
		if err == nil {
			s.db.SetMaxOpenConns(20)
			s.db.SetMaxIdleConns(20)
			s.db.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else {
		s.dialect = sqliteDialect
		s.db, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err == nil {
			// WAL lets readers run beside the one writer; immediate transactions make a writer wait
			// (busy_timeout) instead of failing when it upgrades a read lock.
			s.db.SetMaxOpenConns(8)
			s.db.SetMaxIdleConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.db.PingContext(pingCtx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return s, nil
}

func sqliteDSN(path string) string {
	v := url.Values{}
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "synchronous(NORMAL)")
	v.Set("_time_format", "sqlite")
	v.Set("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

// Close releases the database.
func (s *Store) Close() error {
	s.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	return s.db.Close()
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// DB is the underlying handle, for the session store and tests.
func (s *Store) DB() *sql.DB { return s.db }

// Engine names the database engine: "sqlite" or "postgres".
func (s *Store) Engine() string {
	if s.dialect == postgresDialect {
		return "postgres"
	}
	return "sqlite"
}

// Migrate brings the schema up to date with the embedded migrations for this engine.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrateDown undoes migrations newer than version (0 undoes them all): a rollback, and how tests
// check that every migration's Down undoes its Up.
func (s *Store) MigrateDown(ctx context.Context, version int64) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// SchemaCurrent reports whether every embedded migration has been applied: false after this
// binary was upgraded and before "convene migrate" (or serve, which migrates) ran.
func (s *Store) SchemaCurrent(ctx context.Context) (bool, error) {
	p, err := s.migrations()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	return !pending, err
}

// migrations is the goose provider of this engine's migrations.
func (s *Store) migrations() (*goose.Provider, error) {
	dir, gd := "migrations/sqlite", goose.DialectSQLite3
	if s.dialect == postgresDialect {
		dir, gd = "migrations/postgres", goose.DialectPostgres
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	if s.dialect == sqliteDialect {
		opts = append(opts, goose.WithGoMigrations(neverReuseIDs()))
	}
	p, err := goose.NewProvider(gd, s.db, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// now is the store's current time, in UTC at whole seconds, as every timestamp is stored.
func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Second) }

// rebind turns the ? placeholders the SQL is written with into PostgreSQL's $n.
func (d dialect) rebind(q string) string {
	if d != postgresDialect || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// skipLocked lets concurrent PostgreSQL workers claim different rows; SQLite has one writer at a
// time, so it needs nothing.
func (d dialect) skipLocked() string {
	if d == postgresDialect {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// forUpdateOf locks the rows of one table of a query before the transaction decides, on
// PostgreSQL; SQLite's immediate transactions already hold the write lock.
func (d dialect) forUpdateOf(table string) string {
	if d == postgresDialect {
		return " FOR UPDATE OF " + table
	}
	return ""
}

// boolTrue is a true boolean literal on either engine.
func (d dialect) boolTrue() string {
	if d == postgresDialect {
		return "TRUE"
	}
	return "1"
}

// timeArg is the next argument as a time where nothing around it says so (a CASE branch), which
// PostgreSQL would otherwise take for text.
func (d dialect) timeArg() string {
	if d == postgresDialect {
		return "CAST(? AS TIMESTAMPTZ)"
	}
	return "?"
}

// forShare keeps the rows a PostgreSQL query reads from changing until the transaction ends, while
// other readers go on; SQLite's immediate transactions already hold the write lock.
func (d dialect) forShare() string {
	if d == postgresDialect {
		return " FOR SHARE"
	}
	return ""
}

// isUniqueViolation reports whether err is a unique-constraint failure on either engine.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// querier is what a database handle and a transaction have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs SQL written with ? placeholders on a handle or a transaction of either engine.
type conn struct {
	q querier
	d dialect
	n *atomic.Int64 // the store's statement count
}

// preparedDB runs reads through statements prepared once per query text, so the hot pages skip
// parsing their SQL on every request. Queries whose text varies with their arguments (IN lists of
// many placeholders, one text per length) are kept up to maxPreparedLists statements, and the
// cache holds at most maxPrepared in all, so it cannot grow with the data; past those bounds a
// query runs unprepared.
type preparedDB struct{ s *Store }

const (
	maxPrepared          = 512
	maxPreparedLists     = 128
	maxPreparedArguments = 16 // more placeholders than this make a query one of a family of lists
)

// preparable reports whether a query's statement may be kept, and whether it counts as a list.
func (p preparedDB) preparable(query string) (ok, list bool) {
	list = strings.Count(query, "?")+strings.Count(query, "$") > maxPreparedArguments
	if p.s.prepared.Load() >= maxPrepared || (list && p.s.preparedLists.Load() >= maxPreparedLists) {
		return false, list
	}
	return true, list
}

func (p preparedDB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := p.s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	ok, list := p.preparable(query)
	if !ok {
		return nil, errNotKept
	}
	st, err := p.s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := p.s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	p.s.prepared.Add(1)
	if list {
		p.s.preparedLists.Add(1)
	}
	return st, nil
}

// errNotKept tells a read to run its query unprepared.
var errNotKept = errors.New("statement not kept")

func (p preparedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.s.db.ExecContext(ctx, query, args...)
}

func (p preparedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if errors.Is(err, errNotKept) {
		return p.s.db.QueryContext(ctx, query, args...)
	} else if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p preparedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return p.s.db.QueryRowContext(ctx, query, args...) // unprepared, or reports the error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	return c.q.ExecContext(ctx, c.d.rebind(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.q.QueryContext(ctx, c.d.rebind(query), args...)
}

// ids runs a query of one integer column and returns its values, closing the rows.
func (c conn) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.Add(1)
	return c.q.QueryRowContext(ctx, c.d.rebind(query), args...)
}

// insert runs an INSERT … RETURNING id and returns the new id.
func (c conn) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := c.row(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// read is a connection outside any transaction.
func (s *Store) read() conn { return conn{q: preparedDB{s}, d: s.dialect, n: &s.queries} }

// inTx runs fn in one transaction, committed if fn returns nil and rolled back otherwise, so a
// failed request leaves nothing half-written.
func (s *Store) inTx(ctx context.Context, fn func(c conn) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Rolled back however fn ends, a panic included: a transaction left open would hold SQLite's
	// write lock until the connection closed.
	defer tx.Rollback()
	if err := fn(conn{q: tx, d: s.dialect, n: &s.queries}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// clip cuts s to at most n bytes at a character boundary, so what is stored stays valid UTF-8
// (PostgreSQL refuses anything else).
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// scanMore scans a row whose leading columns a scan function knows, and whose trailing columns go
// into more.
type scanMore struct {
	row  interface{ Scan(...any) error }
	more []any
}

func (m scanMore) Scan(dest ...any) error { return m.row.Scan(append(dest, m.more...)...) }

// notFound turns sql.ErrNoRows into the domain's not-found error with the given key.
func notFound(err error, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return convene.NotFound(key)
	}
	return err
}

// dateText stores a calendar day as ISO text on both engines, so dates compare as strings.
func dateText(d convene.Date) string { return d.String() }

func parseDateText(s string) convene.Date {
	d, _ := convene.ParseDate(s)
	return d
}

// nullTime turns a possibly-nil time into a value both drivers store as NULL or a UTC timestamp.
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// timePtr reads a nullable timestamp.
func timePtr(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}
