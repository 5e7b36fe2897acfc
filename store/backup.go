package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
)

// ErrNoSchema says a database holds no Convene schema: goose's version table is missing or empty.
var ErrNoSchema = errors.New("it holds no Convene schema (no migrations recorded in goose_db_version)")

// BackedUpVersion is the schema version of a database backed up or restored, or ErrNoSchema when
// it is not Convene's.
func (s *Store) BackedUpVersion(ctx context.Context) (int64, error) {
	current, _, err := s.SchemaVersion(ctx)
	if err == nil && current == 0 {
		err = ErrNoSchema
	}
	return current, err
}

// Tables lists the tables the database holds where the store keeps its own (the SQLite file, or
// PostgreSQL's current schema), Convene's or not: a restore goes only where there are none.
func (s *Store) Tables(ctx context.Context) ([]string, error) { return s.tableNames(ctx) }

// onFile is a store on a SQLite file opened without the store's settings, which would turn on
// write-ahead logging and so change the file: for checking backups.
func onFile(path string) (*Store, error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, dialect: sqliteDialect, clock: convene.SystemClock{}}, nil
}

// Schema names the PostgreSQL schema the store's tables are in: the first schema of the
// connection's search_path, whether or not it exists yet ("public" unless the URL says otherwise).
func (s *Store) Schema(ctx context.Context) (string, error) {
	if s.dialect != postgresDialect {
		return "", errors.New("schemas are PostgreSQL's")
	}
	var current sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
		return "", err
	}
	if current.Valid {
		return current.String, nil
	}
	// current_schema() is NULL when no schema of the search_path exists; the first one named is
	// where a restore will create the tables.
	var path string
	if err := s.db.QueryRowContext(ctx, `SHOW search_path`).Scan(&path); err != nil {
		return "", err
	}
	for _, name := range strings.Split(path, ",") {
		name = strings.Trim(strings.TrimSpace(name), `"`)
		if name != "" && name != "$user" {
			return name, nil
		}
	}
	return "public", nil
}

// ServerMajorVersion is the PostgreSQL server's major version, such as 15, which pg_dump must
// not be older than.
func (s *Store) ServerMajorVersion(ctx context.Context) (int, error) {
	if s.dialect != postgresDialect {
		return 0, errors.New("server versions are PostgreSQL's")
	}
	var num int
	if err := s.db.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&num); err != nil {
		return 0, err
	}
	return num / 10000, nil
}

// BackupSQLite writes a consistent copy of the SQLite database to path with VACUUM INTO: it reads
// one snapshot while other connections go on writing, and the copy is compact and self-contained.
// path must not exist, or be an empty file.
func (s *Store) BackupSQLite(ctx context.Context, path string) error {
	if s.dialect != sqliteDialect {
		return errors.New("BackupSQLite needs a SQLite database; PostgreSQL is backed up with pg_dump")
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("copy the database: %w", err)
	}
	return nil
}

// sqliteMagic opens every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// IsSQLiteFile reports whether the file starts as a SQLite database does.
func IsSQLiteFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return false, nil // shorter than the magic: not a database
	}
	return string(head) == sqliteMagic, nil
}

// CheckSQLiteCopy checks that a SQLite file is a whole Convene database and returns its schema
// version: not cut short of the size its header gives, PRAGMA integrity_check "ok", and goose's
// version table present (ErrNoSchema otherwise). It opens the file, so give it a copy of a file
// that must stay untouched.
func CheckSQLiteCopy(ctx context.Context, path string) (int64, error) {
	if err := checkSQLiteLength(path); err != nil {
		return 0, err
	}
	s, err := onFile(path)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return 0, fmt.Errorf("SQLite cannot read it: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return 0, fmt.Errorf("SQLite cannot read it: %w", err)
		}
		problems = append(problems, line)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("SQLite cannot read it: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		if len(problems) > 3 {
			problems = append(problems[:3], fmt.Sprintf("and %d more problems", len(problems)-3))
		}
		return 0, fmt.Errorf("SQLite's integrity check fails: %s", strings.Join(problems, "; "))
	}
	return s.BackedUpVersion(ctx)
}

// checkSQLiteLength compares a SQLite file's length with the page count its header gives, which
// catches a copy cut short before SQLite would read the missing pages.
func checkSQLiteLength(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	header := make([]byte, 100)
	if _, err := io.ReadFull(f, header); err != nil || string(header[:len(sqliteMagic)]) != sqliteMagic {
		return errors.New("its SQLite header is missing or cut short")
	}
	pageSize := int64(binary.BigEndian.Uint16(header[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(header[28:32]))
	// The page count is only kept up to date when the change counter matches "version valid for".
	if binary.BigEndian.Uint32(header[24:28]) != binary.BigEndian.Uint32(header[92:96]) || pages == 0 {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if want := pageSize * pages; info.Size() < want {
		return fmt.Errorf("it is cut short: %d of its %d bytes are there", info.Size(), want)
	}
	return nil
}

// CheckpointSQLite folds a SQLite database's write-ahead log into its file, so the file alone
// holds all its data: done before the file is replaced and the log beside it removed.
func CheckpointSQLite(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	var busy, logged, done int
	if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		return err
	}
	if busy != 0 {
		return errors.New("another program is using the database; stop the server first")
	}
	return nil
}

// SQLiteTableCount is how many tables a SQLite file holds, without creating it: 0 when there is
// no file or an empty one. A file that is not a SQLite database is an error.
func SQLiteTableCount(ctx context.Context, path string) (int, error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if info.Size() == 0 {
		return 0, nil
	}
	if ok, err := IsSQLiteFile(path); err != nil {
		return 0, err
	} else if !ok {
		return 0, errors.New("it is not a SQLite database")
	}
	s, err := onFile(path)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	names, err := s.Tables(ctx)
	return len(names), err
}

// ToolError says a PostgreSQL client program is missing or cannot do the job, and how to fix it.
type ToolError struct{ Message string }

func (e *ToolError) Error() string { return e.Message }

// pgTool finds a PostgreSQL client program on PATH, or says how to install it.
func pgTool(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", &ToolError{name + " is not installed, or not on PATH: it comes with PostgreSQL's client programs " +
			"(apt-get install postgresql-client on Debian and Ubuntu, dnf install postgresql on Fedora, brew install libpq on macOS)"}
	}
	return path, nil
}

// pgVersion finds the major version in what a client program's --version says: "pg_dump (PostgreSQL) 15.4".
var pgVersion = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// PGToolVersion is the PostgreSQL major version of a client program, such as 15 for pg_dump 15.4.
func PGToolVersion(ctx context.Context, name string) (int, error) {
	path, err := pgTool(name)
	if err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return 0, &ToolError{fmt.Sprintf("%s --version failed: %v", path, err)}
	}
	m := pgVersion.FindSubmatch(out)
	if m == nil {
		return 0, &ToolError{fmt.Sprintf("%s --version says %q, which names no PostgreSQL version", path, strings.TrimSpace(string(out)))}
	}
	return strconv.Atoi(string(m[1]))
}

// PGClient runs pg_dump and pg_restore against the database of a postgres:// URL as the store
// reads it. The password goes in the environment, never on a command line other users can see.
type PGClient struct {
	url string   // for libpq: no password, and only the parameters libpq knows
	env []string // the environment with PGPASSWORD and PGOPTIONS
}

// libpqParams are the URL parameters libpq (and so pg_dump) takes; pgx takes any other as a
// server setting, which libpq must be given in PGOPTIONS instead.
var libpqParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "passfile": true,
	"channel_binding": true, "connect_timeout": true, "client_encoding": true, "options": true,
	"application_name": true, "fallback_application_name": true, "keepalives": true, "keepalives_idle": true,
	"keepalives_interval": true, "keepalives_count": true, "tcp_user_timeout": true, "gssencmode": true,
	"sslmode": true, "requiressl": true, "sslcompression": true, "sslcert": true, "sslkey": true,
	"sslrootcert": true, "sslcrl": true, "sslcrldir": true, "sslsni": true, "requirepeer": true,
	"ssl_min_protocol_version": true, "ssl_max_protocol_version": true, "krbsrvname": true, "gsslib": true,
	"service": true, "target_session_attrs": true, "require_auth": true,
}

// pgxOnlyParams configure pgx itself and mean nothing to the server.
var pgxOnlyParams = map[string]bool{
	"statement_cache_capacity": true, "description_cache_capacity": true, "default_query_exec_mode": true,
	"min_read_buffer_size": true, "servicefile": true, "sslcertmode": true, "sslnegotiation": true, "krbspn": true,
	"min_protocol_version": true, "max_protocol_version": true,
}

// NewPGClient prepares to run PostgreSQL's client programs against dsn, a postgres:// URL.
func NewPGClient(dsn string) (*PGClient, error) {
	u, err := url.Parse(dsn)
	if err != nil || !IsPostgres(dsn) {
		return nil, errors.New("--db is not a postgres:// URL that parses")
	}
	env := os.Environ()
	if u.User != nil {
		if password, has := u.User.Password(); has {
			env = append(env, "PGPASSWORD="+password)
			u.User = url.User(u.User.Username())
		}
	}
	q := u.Query()
	var options []string
	if o := os.Getenv("PGOPTIONS"); o != "" {
		options = append(options, o)
	}
	for name, values := range q {
		switch {
		case name == "password":
			env = append(env, "PGPASSWORD="+values[0])
			q.Del(name)
		case name == "sslpassword":
			return nil, errors.New("--db has sslpassword, which pg_dump and pg_restore could only be given on their command line, " +
				"where other users of this machine can read it: use a client key without a passphrase for the backup")
		case libpqParams[name]:
		case pgxOnlyParams[name] || strings.HasPrefix(name, "pool_"):
			q.Del(name)
		default: // a server setting, such as search_path
			escaped := strings.NewReplacer(`\`, `\\`, " ", `\ `).Replace(values[0])
			options = append(options, "-c "+name+"="+escaped)
			q.Del(name)
		}
	}
	if len(options) > 0 {
		env = append(env, "PGOPTIONS="+strings.Join(options, " "))
	}
	u.RawQuery = q.Encode()
	return &PGClient{url: u.String(), env: env}, nil
}

// Dump writes the database to file in pg_dump's custom format: the whole database, or only the
// named schema when Convene keeps its tables in one of its own (search_path).
func (c *PGClient) Dump(ctx context.Context, schema, file string) error {
	args := []string{"--format=custom", "--file", file, "--dbname", c.url}
	if schema != "" && schema != "public" {
		args = append(args, "--schema", schema)
	}
	return c.run(ctx, "pg_dump", args...)
}

// Restore loads a custom-format archive in one transaction, so a failure leaves the database as
// it was. --clean --if-exists drops what the archive is about to create; --no-owner and --no-acl
// let a role other than the original one own the restored tables.
func (c *PGClient) Restore(ctx context.Context, file string) error {
	return c.run(ctx, "pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-acl",
		"--dbname", c.url, file)
}

func (c *PGClient) run(ctx context.Context, name string, args ...string) error {
	path, err := pgTool(name)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = c.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return errors.New(toolSays(name, stderr.String(), err))
	}
	return nil
}

// toolSays is what a failed client program wrote, on one line, or how it ended if it wrote nothing.
func toolSays(name, stderr string, err error) string {
	var lines []string
	for _, line := range strings.Split(stderr, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return name + " ended with " + err.Error()
	}
	return strings.Join(lines, "; ")
}

// Archive is what a pg_dump archive holds, as its table of contents says.
type Archive struct {
	Schema string   // where its Convene tables are
	Tables []string // the tables of that schema
}

// CheckArchive reads a pg_dump custom-format archive through to its end with pg_restore (which
// needs no database for it) and says what it holds. A file cut short or damaged fails here, and
// one without goose's version table gives ErrNoSchema.
func CheckArchive(ctx context.Context, file string) (Archive, error) {
	path, err := pgTool("pg_restore")
	if err != nil {
		return Archive{}, err
	}
	read := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, path, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err == nil {
			return out, nil
		}
		if strings.Contains(stderr.String(), "unsupported version") {
			return nil, &ToolError{fmt.Sprintf("%s is too old to read %s (%s): install a newer postgresql-client", path, file, toolSays("pg_restore", stderr.String(), err))}
		}
		return nil, fmt.Errorf("pg_restore cannot read it: %s", toolSays("pg_restore", stderr.String(), err))
	}
	list, err := read("--list", file)
	if err != nil {
		return Archive{}, err
	}
	// The table of contents, one entry a line: "215; 1259 16385 TABLE public goose_db_version postgres".
	tables := map[string][]string{}
	var a Archive
	for _, line := range strings.Split(string(list), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 && f[3] == "TABLE" {
			tables[f[4]] = append(tables[f[4]], f[5])
			if f[5] == gooseTable {
				a.Schema = f[4]
			}
		}
	}
	if a.Schema == "" {
		return Archive{}, ErrNoSchema
	}
	a.Tables = tables[a.Schema]
	// --list reads only the table of contents; writing the whole script reads every row.
	if _, err := read("--file", os.DevNull, file); err != nil {
		return Archive{}, err
	}
	return a, nil
}
