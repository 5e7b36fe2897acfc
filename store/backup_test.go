package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The password of a --db URL reaches pg_dump through its environment, never its command line, and
// pgx's parameters that libpq does not know are turned into server settings or dropped.
func TestPGClientKeepsThePasswordOffTheCommandLine(t *testing.T) {
	t.Setenv("PGOPTIONS", "")
	for _, tc := range []struct {
		dsn, url string
		env      []string
	}{
		{"postgres://convene:s3cret@db.example.org:5433/convene?sslmode=require",
			"postgres://convene@db.example.org:5433/convene?sslmode=require", []string{"PGPASSWORD=s3cret"}},
		{"postgres://convene@db/convene?password=s3cret&search_path=calls&pool_max_conns=5&statement_cache_capacity=0",
			"postgres://convene@db/convene", []string{"PGPASSWORD=s3cret", "PGOPTIONS=-c search_path=calls"}},
		{"postgresql://convene@db/convene?application_name=convene%20backup",
			"postgresql://convene@db/convene?application_name=convene+backup", nil},
	} {
		c, err := NewPGClient(tc.dsn)
		if err != nil {
			t.Fatalf("%s: %v", tc.dsn, err)
		}
		if c.url != tc.url {
			t.Errorf("%s: pg_dump is given %s, want %s", tc.dsn, c.url, tc.url)
		}
		for _, want := range tc.env {
			if !slices.Contains(c.env, want) {
				t.Errorf("%s: the environment lacks %s", tc.dsn, want)
			}
		}
		if strings.Contains(c.url, "s3cret") {
			t.Errorf("%s: the command line shows the password", tc.dsn)
		}
	}
	if _, err := NewPGClient("postgres://convene@db/convene?sslpassword=s3cret"); err == nil || strings.Contains(err.Error(), "s3cret") ||
		!strings.Contains(err.Error(), "use a client key without a passphrase") {
		t.Errorf("sslpassword: %v", err)
	}
}

// CheckSQLiteCopy passes a whole backup, and says what is wrong with a file cut short, a damaged
// page and another program's database.
func TestCheckSQLiteCopy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, filepath.Join(dir, "convene.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	latest, _, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "convene.backup")
	if err := s.BackupSQLite(ctx, backup); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, data []byte) error {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := CheckSQLiteCopy(ctx, path)
		return err
	}
	if v, err := CheckSQLiteCopy(ctx, backup); err != nil || v != latest {
		t.Fatalf("a whole backup: version %d, %v; want %d", v, err, latest)
	}
	if err := check("short.db", whole[:len(whole)-4096]); err == nil || !strings.Contains(err.Error(), "it is cut short") {
		t.Errorf("a backup cut short: %v", err)
	}
	damaged := slices.Clone(whole)
	pageSize := int(damaged[16])<<8 | int(damaged[17])
	for i := 2 * pageSize; i < 2*pageSize+64; i++ { // the header of the third page, a b-tree
		damaged[i] = 0xA5
	}
	if err := check("damaged.db", damaged); err == nil ||
		(!strings.Contains(err.Error(), "integrity check") && !strings.Contains(err.Error(), "SQLite cannot read it")) {
		t.Errorf("a damaged backup: %v", err)
	}

	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err == nil {
		_, err = db.Exec(`CREATE TABLE notes (body TEXT)`)
		db.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CheckSQLiteCopy(ctx, other); !errors.Is(err, ErrNoSchema) {
		t.Errorf("another program's database: %v", err)
	}
	if n, err := SQLiteTableCount(ctx, other); n != 1 || err != nil {
		t.Errorf("tables of another program's database: %d, %v", n, err)
	}
	if n, err := SQLiteTableCount(ctx, filepath.Join(dir, "absent.db")); n != 0 || err != nil {
		t.Errorf("tables of no file: %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.db")); err == nil {
		t.Error("counting the tables of no file created it")
	}
}
