package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// newEmptyDatabase names a new, empty database for one test: a SQLite path, or on PostgreSQL a
// database of its own. (testdb.DSN gives each test a schema of a shared database instead, and a
// backup of the public schema restores into the public schema.)
func newEmptyDatabase(t *testing.T, engine string) string {
	t.Helper()
	dsn := testdb.DSN(t, engine) // skips, or fails in CI, when PostgreSQL is unreachable
	if engine == "sqlite" {
		return dsn
	}
	admin, err := sql.Open("pgx", testdb.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := fmt.Sprintf("convene_t_%d_%s", os.Getpid(), hex.EncodeToString(b)) // testdb drops it if this test dies
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	u, err := url.Parse(testdb.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// storeOpenCall stores a community with a weekly series and its next call, open for registration.
func storeOpenCall(t *testing.T, st *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	c := &convene.Community{Slug: "backup", Name: "Backup", TimeZone: "America/Toronto", Languages: []string{"en"}}
	if err := st.CreateCommunity(ctx, c, 0); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Minute)
	sr := &convene.Series{CommunityID: c.ID, Title: "Weekly call", RRule: "FREQ=WEEKLY", StartsOn: convene.DateOf(start),
		StartTime: start.In(time.UTC).Format("15:04"), TimeZone: "UTC", DurationMinutes: 60}
	if err := st.CreateSeries(ctx, sr); err != nil {
		t.Fatal(err)
	}
	call := &convene.Call{SeriesID: sr.ID, StartsAt: start, DurationMinutes: 60}
	if err := st.CreateCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	return call.ID
}

// registerNewPerson creates a person and registers them for a call.
func registerNewPerson(ctx context.Context, st *store.Store, callID int64, email string) error {
	u := &convene.User{Email: email, Name: strings.Split(email, "@")[0], Confirmed: true}
	if err := st.CreateUser(ctx, u); err != nil {
		return err
	}
	_, err := st.Register(ctx, callID, u.ID, nil)
	return err
}

// registeredEmails lists who holds a registration for a call in the database dsn names.
func registeredEmails(t *testing.T, dsn string, callID int64) map[string]bool {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	regs, err := st.CallRegistrations(context.Background(), callID)
	if err != nil {
		t.Fatal(err)
	}
	emails := map[string]bool{}
	for _, r := range regs {
		emails[r.User.Email] = true
	}
	return emails
}

// tablesIn is how many tables the database dsn names holds, without creating a SQLite file.
func tablesIn(t *testing.T, dsn string) int {
	t.Helper()
	if !store.IsPostgres(dsn) {
		n, err := store.SQLiteTableCount(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	st, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tables, err := st.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(tables)
}

func TestBackupAndRestoreHelp(t *testing.T) {
	for _, cmd := range []string{"backup", "restore"} {
		_, errOut, err := runCmd(t, "", cmd, "--help")
		if err == nil || !strings.Contains(errOut, "CONVENE_DB") || !strings.Contains(errOut, "convene "+cmd+" --db DB FILE") {
			t.Errorf("%s --help: %v %q", cmd, err, errOut)
		}
		if _, _, err := runCmd(t, "", cmd, "--db", "x.db"); err == nil || !strings.Contains(err.Error(), "name the backup FILE") {
			t.Errorf("%s without FILE: %v", cmd, err)
		}
		if _, _, err := runCmd(t, "", cmd, "--db", "x.db", "a", "b"); err == nil || !strings.Contains(err.Error(), "one FILE") {
			t.Errorf("%s with two files: %v", cmd, err)
		}
	}
	if _, errOut, _ := runCmd(t, "", "restore", "--help"); !strings.Contains(errOut, "-force") {
		t.Errorf("restore --help does not offer --force: %q", errOut)
	}
	dir := t.TempDir()
	_, _, err := runCmd(t, "", "backup", "--db", filepath.Join(dir, "missing.db"), filepath.Join(dir, "b.backup"))
	if err == nil || !strings.Contains(err.Error(), "there is no SQLite database there to back up") {
		t.Errorf("backup of a missing database: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed backup left %v", entries)
	}
}

// TestBackupWhileRegistering backs up while 20 clients register, restores the backup into a new
// database, and finds there every registration acknowledged before the backup began.
func TestBackupWhileRegistering(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			src := newEmptyDatabase(t, engine)
			st := testdb.OpenDSN(t, src, nil)
			callID := storeOpenCall(t, st)

			const writers, warmUp = 20, 100
			var (
				mu      sync.Mutex
				acked   []string // registrations whose Register returned nil, in order
				ready   = make(chan struct{})
				once    sync.Once
				stop    = make(chan struct{})
				wg      sync.WaitGroup
				failure = make(chan error, writers)
			)
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						email := fmt.Sprintf("writer%02d-%05d@example.org", w, i)
						if err := registerNewPerson(ctx, st, callID, email); err != nil {
							failure <- fmt.Errorf("%s: %w", email, err)
							return
						}
						mu.Lock()
						acked = append(acked, email)
						if len(acked) >= warmUp {
							once.Do(func() { close(ready) })
						}
						mu.Unlock()
					}
				}()
			}
			select {
			case <-ready:
			case err := <-failure:
				close(stop)
				wg.Wait()
				t.Fatal(err)
			}

			mu.Lock()
			before := append([]string(nil), acked...)
			mu.Unlock()
			file := filepath.Join(t.TempDir(), "convene.backup")
			out, _, err := runCmd(t, "", "backup", "--db", src, file)
			mu.Lock()
			during := len(acked) - len(before)
			mu.Unlock()
			close(stop)
			wg.Wait()
			close(failure)
			for err := range failure {
				t.Errorf("writer: %v", err)
			}
			if err != nil {
				t.Fatalf("backup: %v", err)
			}
			if !strings.Contains(out, "Backed up the") || !strings.Contains(out, "at schema version") {
				t.Errorf("backup said %q", out)
			}
			t.Logf("%d registrations acknowledged before the backup began, %d while it ran", len(before), during)

			target := newEmptyDatabase(t, engine)
			out, _, err = runCmd(t, "", "restore", "--db", target, file)
			if err != nil || !strings.Contains(out, "Restored "+file) || !strings.Contains(out, "its schema is at version") {
				t.Fatalf("restore: %v %q", err, out)
			}
			restored := registeredEmails(t, target, callID)
			for _, email := range before {
				if !restored[email] {
					t.Errorf("%s was acknowledged before the backup began but is not in the restored database", email)
				}
			}
			if len(restored) < len(before) {
				t.Errorf("restored %d registrations, %d acknowledged before the backup", len(restored), len(before))
			}
			// The restored database serves the store as the original did, new writes included
			// (PostgreSQL's sequences came back too).
			again := testdb.OpenDSN(t, target, nil)
			if err := registerNewPerson(ctx, again, callID, "after-restore@example.org"); err != nil {
				t.Fatalf("register after the restore: %v", err)
			}
		})
	}
}

// TestBackupAndRestoreRefuseBadInput: a backup never overwrites a file, and a restore of anything
// but a whole Convene backup, or into a database that holds tables, changes nothing.
func TestBackupAndRestoreRefuseBadInput(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			src, _ := testdb.Copy(t, engine, "migrated", nil, nil)
			st := testdb.OpenDSN(t, src, nil)
			callID := storeOpenCall(t, st)
			if err := registerNewPerson(ctx, st, callID, "kept@example.org"); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "convene.backup")
			if _, _, err := runCmd(t, "", "backup", "--db", src, file); err != nil {
				t.Fatalf("backup: %v", err)
			}
			whole, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if info, _ := os.Stat(file); info.Mode().Perm() != 0o600 {
				t.Errorf("the backup's mode is %v, want 0600: it holds personal data", info.Mode().Perm())
			}

			// A backup to a file that exists: refused, the file untouched, nothing left behind.
			if _, _, err := runCmd(t, "", "backup", "--db", src, file); err == nil ||
				!strings.Contains(err.Error(), file+" already exists: backup never overwrites a file") {
				t.Errorf("backup over a backup: %v", err)
			}
			if now, _ := os.ReadFile(file); string(now) != string(whole) {
				t.Error("a refused backup changed the file already there")
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("the refused backup left files: %v", entries)
			}

			target := newEmptyDatabase(t, engine)
			refused := func(what, db, file, want string) {
				t.Helper()
				_, _, err := runCmd(t, "", "restore", "--db", db, file)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("restore of %s: %v, want %q", what, err, want)
				}
				if n := tablesIn(t, target); n != 0 {
					t.Errorf("restore of %s left %d tables", what, n)
				}
				if _, err := os.Stat(target); engine == "sqlite" && err == nil {
					t.Errorf("restore of %s wrote %s", what, target)
				}
			}
			truncated := filepath.Join(dir, "truncated.backup")
			if err := os.WriteFile(truncated, whole[:len(whole)/2], 0o600); err != nil {
				t.Fatal(err)
			}
			refused("a truncated backup", target, truncated, truncated+" is not a complete Convene backup")
			random := filepath.Join(dir, "random.bin")
			noise := make([]byte, 4096)
			_, _ = rand.Read(noise)
			if err := os.WriteFile(random, noise, 0o600); err != nil {
				t.Fatal(err)
			}
			refused("random bytes", target, random, random+" is not a Convene backup: it is neither a SQLite database nor a pg_dump archive")
			if engine == "sqlite" {
				other := filepath.Join(dir, "other.db")
				db, err := sql.Open("sqlite", other)
				if err == nil {
					_, err = db.Exec(`CREATE TABLE notes (body TEXT)`)
					db.Close()
				}
				if err != nil {
					t.Fatal(err)
				}
				refused("another program's database", target, other, other+" is a SQLite database but not a Convene backup")
				refused("into PostgreSQL", "postgres://convene@127.0.0.1:1/convene", file, "is a SQLite backup, so it restores into a SQLite --db file")
			} else {
				refused("into a SQLite file", filepath.Join(dir, "convene.db"), file, "is a PostgreSQL backup (pg_dump), so it restores into a postgres:// --db")
				// A backup of the public schema does not go into another schema of a database.
				refused("into another schema", testdb.DSN(t, engine), file, `holds Convene's tables in the schema "public", but --db`)
			}

			// Into an empty database: restored. Into one with tables: refused without --force, and
			// replaced with it.
			if _, _, err := runCmd(t, "", "restore", "--db", target, file); err != nil {
				t.Fatalf("restore: %v", err)
			}
			later := testdb.OpenDSN(t, target, nil)
			if err := registerNewPerson(ctx, later, callID, "later@example.org"); err != nil {
				t.Fatal(err)
			}
			later.Close()
			_, _, err = runCmd(t, "", "restore", "--db", target, file)
			if err == nil || !strings.Contains(err.Error(), "restore will not overwrite") || !strings.Contains(err.Error(), "give --force to replace") {
				t.Errorf("restore into a database with tables: %v", err)
			}
			if emails := registeredEmails(t, target, callID); !emails["later@example.org"] || !emails["kept@example.org"] {
				t.Errorf("a refused restore changed the database: %v", emails)
			}
			if engine == "postgres" { // a table the backup lacks would clash with the restored schema
				db, err := sql.Open("pgx", target)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Exec(`CREATE TABLE newer_feature (id INT)`); err != nil {
					t.Fatal(err)
				}
				_, _, err = runCmd(t, "", "restore", "--db", target, "--force", file)
				if err == nil || !strings.Contains(err.Error(), "holds tables the backup does not (newer_feature)") {
					t.Errorf("restore --force over a table the backup lacks: %v", err)
				}
				if emails := registeredEmails(t, target, callID); !emails["later@example.org"] {
					t.Errorf("a refused restore changed the database: %v", emails)
				}
				if _, err := db.Exec(`DROP TABLE newer_feature`); err != nil {
					t.Fatal(err)
				}
			}
			out, _, err := runCmd(t, "", "restore", "--db", target, "--force", file)
			if err != nil || !strings.Contains(out, "Restored") {
				t.Fatalf("restore --force: %v %q", err, out)
			}
			if emails := registeredEmails(t, target, callID); emails["later@example.org"] || !emails["kept@example.org"] || len(emails) != 1 {
				t.Errorf("after restore --force the call has %v, want only kept@example.org", emails)
			}
			if engine == "sqlite" {
				for _, stale := range []string{target + "-wal", target + "-shm"} {
					if _, err := os.Stat(stale); err == nil {
						t.Errorf("restore --force left %s behind", stale)
					}
				}
			}
			if entries, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".*.partial")); len(entries) > 0 {
				t.Errorf("restore left %v", entries)
			}
		})
	}
}

// TestBackupOfASchema backs up a PostgreSQL database whose URL keeps Convene in a schema of its
// own (search_path), and restores it into another database under the same schema.
func TestBackupOfASchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := testdb.DSN(t, "postgres")
	st := testdb.OpenDSN(t, src, nil)
	callID := storeOpenCall(t, st)
	if err := registerNewPerson(ctx, st, callID, "kept@example.org"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "convene.backup")
	if _, _, err := runCmd(t, "", "backup", "--db", src, file); err != nil {
		t.Fatalf("backup: %v", err)
	}
	u, _ := url.Parse(src)
	target, _ := url.Parse(newEmptyDatabase(t, "postgres"))
	q := target.Query()
	q.Set("search_path", u.Query().Get("search_path"))
	target.RawQuery = q.Encode()
	if out, _, err := runCmd(t, "", "restore", "--db", target.String(), file); err != nil {
		t.Fatalf("restore: %v %q", err, out)
	}
	if emails := registeredEmails(t, target.String(), callID); !emails["kept@example.org"] {
		t.Errorf("restored %v", emails)
	}
}

// TestBackupNeedsPgDump: without pg_dump, or with one older than the server, backup says what to
// install and writes nothing; without pg_restore, restore says so.
func TestBackupNeedsPgDump(t *testing.T) {
	src, _ := testdb.Copy(t, "postgres", "migrated", nil, nil)
	pgRestore, lookErr := exec.LookPath("pg_restore")
	dir := t.TempDir()
	file := filepath.Join(dir, "convene.backup")
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	_, _, err := runCmd(t, "", "backup", "--db", src, file)
	if err == nil || !strings.Contains(err.Error(), "pg_dump is not installed") || !strings.Contains(err.Error(), "apt-get install postgresql-client") {
		t.Errorf("backup without pg_dump: %v", err)
	}
	archive := filepath.Join(t.TempDir(), "archive.backup")
	if err := os.WriteFile(archive, []byte("PGDMP and the rest"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "", "restore", "--db", src, archive); err == nil || !strings.Contains(err.Error(), "pg_restore is not installed") {
		t.Errorf("restore without pg_restore: %v", err)
	}

	if lookErr != nil {
		t.Skipf("SKIPPING the old pg_dump check: %v", lookErr)
	}
	oldDump := "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n"
	if err := os.WriteFile(filepath.Join(bin, "pg_dump"), []byte(oldDump), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(pgRestore, filepath.Join(bin, "pg_restore")); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, "", "backup", "--db", src, file)
	if err == nil || !strings.Contains(err.Error(), "pg_dump is from PostgreSQL 9, but the server runs PostgreSQL") ||
		!strings.Contains(err.Error(), "apt-get install postgresql-client-") {
		t.Errorf("backup with an old pg_dump: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused backup left %v", entries)
	}
}
