package store_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/internal/benchdata"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

var copyNow = time.Date(2019, 10, 30, 15, 0, 0, 0, time.UTC)

// copySource is a SQLite store holding the demo and what the demo lacks: mail and a job waiting,
// a session, an API token, a hidden comment, fresh reach summaries with people marked stale since,
// and a deleted newest account, whose id must never come back. It returns the deleted account's id.
func copySource(t *testing.T) (*store.Store, int64) {
	t.Helper()
	ctx := context.Background()
	clock := convene.FixedClock(copyNow)
	src := testdb.Open(t, "sqlite", clock)
	res, err := demo.Load(ctx, src, clock, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	organizer, err := src.UserByEmail(ctx, demo.OrganizerEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.EnqueueMail(ctx, convene.Mail{To: "lead@example.org", Subject: "Waiting", Text: "Still in the outbox."}); err != nil {
		t.Fatal(err)
	}
	if err := src.EnqueueJob(ctx, store.JobAnnounce, store.CallPayload{CallID: res.RebootID}, "", copyNow.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := src.Sessions().CommitCtx(ctx, "a-session", []byte{0, 1, 2, 255}, copyNow.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := src.CreateAPIToken(ctx, organizer.ID, "reports", "read"); err != nil {
		t.Fatal(err)
	}
	comment := &convene.Comment{CommunityID: res.Community.ID, Target: convene.CommentTarget{Kind: convene.CommentOnCall, ID: res.RebootID},
		AuthorID: organizer.ID, Body: "Hidden from view"}
	if err := src.AddComment(ctx, comment); err != nil {
		t.Fatal(err)
	}
	if err := src.HideComment(ctx, res.Community.ID, comment.ID); err != nil {
		t.Fatal(err)
	}
	if err := src.RefreshReach(ctx, res.Community.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := src.DB().Exec(`DELETE FROM attendance WHERE id = (SELECT MAX(id) FROM attendance)`); err != nil {
		t.Fatal(err)
	}
	gone := &convene.User{Email: "gone@example.org", Name: "Gone Soon"}
	if err := src.CreateUser(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if _, err := src.DB().Exec(`DELETE FROM users WHERE id = ?`, gone.ID); err != nil {
		t.Fatal(err)
	}
	return src, gone.ID
}

// emptyPostgres is a PostgreSQL database with nothing in it, opened but not migrated.
func emptyPostgres(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), testdb.DSN(t, "postgres"), convene.FixedClock(copyNow))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestCopyToPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, goneID := copySource(t)
	dst := emptyPostgres(t)
	want, err := src.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"outbox", "jobs", "sessions", "api_tokens", "comments", "images", "reach_people",
		"reach_season_people", "reach_cells", "reach_stale", "reach_calls", "attendance", "survey_answers"} {
		if want[table] == 0 {
			t.Fatalf("the source has no %s to copy", table)
		}
	}
	progress := map[string]int{}
	counts, err := store.CopyToPostgres(ctx, src, dst, func(table string, n int) { progress[table] += n })
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != len(want) {
		t.Errorf("copied %d tables, the source has %d", len(counts), len(want))
	}
	for table, n := range want {
		if counts[table] != n || int64(progress[table]) != n {
			t.Errorf("%s: %d rows in SQLite, %d copied, %d reported as progress", table, n, counts[table], progress[table])
		}
	}
	// Every value arrived: flags as booleans, times as times, bytes as bytes, the community's
	// logo and cover (a cycle of foreign keys) included, and summaries no trigger rewrote.
	for table := range want {
		from, to := tableDump(t, src.DB(), table), tableDump(t, dst.DB(), table)
		if !slices.Equal(from, to) {
			t.Errorf("%s differs after the copy:\nSQLite     %.300q\nPostgreSQL %.300q", table, from, to)
		}
	}
	var logo sql.NullInt64
	if err := dst.DB().QueryRow(`SELECT logo_image_id FROM communities`).Scan(&logo); err != nil || !logo.Valid {
		t.Errorf("the community's logo was not copied: %v %v", logo, err)
	}
	// The reach triggers work again, and the new ids follow the old, past the deleted account's.
	var disabled int
	if err := dst.DB().QueryRow(`SELECT COUNT(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND t.tgenabled = 'D'`).Scan(&disabled); err != nil || disabled > 0 {
		t.Errorf("%d triggers left disabled (%v)", disabled, err)
	}
	newcomer := &convene.User{Email: "new@example.org", Name: "Newcomer"}
	if err := dst.CreateUser(ctx, newcomer); err != nil {
		t.Fatal(err)
	}
	if newcomer.ID <= goneID {
		t.Errorf("a new account got id %d, not past the deleted %d", newcomer.ID, goneID)
	}
	for table := range want {
		var seq sql.NullString
		if err := dst.DB().QueryRow(`SELECT pg_get_serial_sequence($1, 'id')`, table).Scan(&seq); err != nil || !seq.Valid {
			continue // no id column, or not numbered by a sequence
		}
		var taken bool
		if err := dst.DB().QueryRow(`SELECT EXISTS (SELECT 1 FROM ` + table + ` WHERE id > (SELECT last_value FROM ` + seq.String + `))`).Scan(&taken); err != nil || taken {
			t.Errorf("%s: ids past its sequence (%v)", table, err)
		}
	}
	if err := dst.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// tableDump is a table's rows as sorted text, the same on either engine for the same data.
func tableDump(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM "` + table + `"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var dump []string
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range values {
			if table == "search_documents" && cols[i] == "vector" {
				continue // PostgreSQL's own index of the terms, generated from them
			}
			fmt.Fprintf(&b, "%s=", cols[i])
			switch x := v.(type) {
			case nil:
				b.WriteString("NULL")
			case bool:
				if x {
					b.WriteString("1")
				} else {
					b.WriteString("0")
				}
			case time.Time:
				b.WriteString(x.UTC().Format(time.RFC3339Nano))
			case []byte:
				b.WriteString(hex.EncodeToString(x))
			default:
				fmt.Fprintf(&b, "%v", x)
			}
			b.WriteString(" ")
		}
		dump = append(dump, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(dump)
	return dump
}

// TestCopyRefuses checks each refusal explains itself and writes nothing to either database.
func TestCopyRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := convene.FixedClock(copyNow)
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, src, dst *store.Store) // dst is PostgreSQL
		want    string
		// migrated: found once the target has Convene's schema to compare with or copy into, which
		// the failed copy leaves there, empty.
		migrated bool
	}{
		{"a target with rows", func(t *testing.T, src, dst *store.Store) {
			migrate(t, dst)
			if err := dst.CreateUser(ctx, &convene.User{Email: "there@example.org", Name: "Already There"}); err != nil {
				t.Fatal(err)
			}
		}, "the PostgreSQL database is not empty: search_dirty, users hold rows", false},
		{"a target with another application's tables", func(t *testing.T, src, dst *store.Store) {
			exec(t, dst, `CREATE TABLE visitors (id BIGINT PRIMARY KEY)`)
		}, "not empty: it has tables that are not Convene's (visitors)", false},
		{"a target whose schema differs", func(t *testing.T, src, dst *store.Store) {
			migrate(t, dst)
			exec(t, dst, `ALTER TABLE users ADD COLUMN nickname TEXT`)
		}, "the two schemas differ, so a copy would lose data: column users.nickname is only in PostgreSQL", false},
		{"a source with a table PostgreSQL lacks", func(t *testing.T, src, dst *store.Store) {
			exec(t, src, `CREATE TABLE notes (body TEXT)`)
		}, "the two schemas differ, so a copy would lose data: table notes is only in the SQLite file", true},
		{"a source newer than this convene", func(t *testing.T, src, dst *store.Store) {
			exec(t, src, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, 1)`)
		}, "the SQLite file is at schema version 999999, newer than this convene's", false},
		{"a target newer than this convene", func(t *testing.T, src, dst *store.Store) {
			migrate(t, dst)
			exec(t, dst, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, TRUE)`)
		}, "the PostgreSQL database is at schema version 999999", false},
		{"text PostgreSQL cannot hold", func(t *testing.T, src, dst *store.Store) {
			exec(t, src, `UPDATE communities SET description = 'before' || char(0) || 'after'`)
		}, `copy communities: column description of the row with id=1: "before\x00after" is not valid UTF-8 text`, true},
		{"a flag that is neither 0 nor 1", func(t *testing.T, src, dst *store.Store) {
			exec(t, src, `UPDATE communities SET public_reach = 2`)
		}, "copy communities: column public_reach of the row with id=1: 2 is not a flag (0 or 1)", true},
		{"a time that is not one", func(t *testing.T, src, dst *store.Store) {
			exec(t, src, `UPDATE communities SET created_at = 'last Tuesday'`)
		}, `copy communities: column created_at of the row with id=1: "last Tuesday" is not a time`, true},
		{"a row naming one that is not there", func(t *testing.T, src, dst *store.Store) {
			conn, err := src.DB().Conn(ctx) // SQLite checks foreign keys only when asked, per connection
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, q := range []string{`PRAGMA foreign_keys = OFF`, `UPDATE attendance SET call_id = 999999 WHERE id = (SELECT MIN(id) FROM attendance)`,
				`PRAGMA foreign_keys = ON`} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
		}, `the SQLite file's attendance names a row that is not there (Key (call_id)=(999999) is not present in table "calls".)`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := testdb.Open(t, "sqlite", clock)
			if _, err := demo.Load(ctx, src, clock, ""); err != nil {
				t.Fatal(err)
			}
			dst := emptyPostgres(t)
			tc.prepare(t, src, dst)
			srcBefore, dstBefore := everything(t, src), everything(t, dst)
			_, err := store.CopyToPostgres(ctx, src, dst, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("copy: %v, want %q", err, tc.want)
			}
			if strings.Contains(tc.want, "not empty") && !errors.Is(err, store.ErrTargetNotEmpty) {
				t.Errorf("%v is not ErrTargetNotEmpty", err)
			}
			if after := everything(t, dst); !slices.Equal(after, dstBefore) && !tc.migrated {
				t.Errorf("the target changed:\nbefore %.500q\nafter  %.500q", dstBefore, after)
			}
			if after := everything(t, src); !slices.Equal(after, srcBefore) {
				t.Errorf("the source changed")
			}
			// A copy that fails half-way leaves the target migrated, and empty.
			if counts, err := dst.RowCounts(ctx); err != nil {
				t.Fatal(err)
			} else if tc.name != "a target with rows" {
				for table, n := range counts {
					if n > 0 && table != "visitors" {
						t.Errorf("%s holds %d rows after a refused copy", table, n)
					}
				}
			}
		})
	}
	t.Run("a source that is not Convene's", func(t *testing.T) {
		t.Parallel()
		src, err := store.Open(ctx, filepath.Join(t.TempDir(), "other.db"), clock)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		exec(t, src, `CREATE TABLE notes (body TEXT)`)
		dst := emptyPostgres(t)
		if _, err := store.CopyToPostgres(ctx, src, dst, nil); err == nil || !strings.Contains(err.Error(), "not a Convene database") {
			t.Fatalf("copy: %v", err)
		}
		if tables := everything(t, dst); len(tables) > 0 {
			t.Errorf("the target has %q", tables)
		}
	})
}

func migrate(t *testing.T, st *store.Store) {
	t.Helper()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func exec(t *testing.T, st *store.Store, query string) {
	t.Helper()
	if _, err := st.DB().Exec(query); err != nil {
		t.Fatal(err)
	}
}

// everything dumps every table of a database, goose's included, with its name.
func everything(t *testing.T, st *store.Store) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'search\_fts%' ESCAPE '\' ORDER BY name`
	if st.Engine() == "postgres" {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
	}
	rows, err := st.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var all []string
	for _, table := range tables {
		for _, row := range tableDump(t, st.DB(), table) {
			all = append(all, table+": "+row)
		}
		all = append(all, table)
	}
	return all
}

// BenchmarkCopyReach copies the reach benchmark (100,000 members, a million attendance records,
// about as many registrations, their summaries) from SQLite into PostgreSQL.
func BenchmarkCopyReach(b *testing.B) {
	ctx, clock := context.Background(), benchReachClock
	src := reachDatabase(b)
	rows, err := src.RowCounts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, n := range rows {
		total += n
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dst, err := store.Open(ctx, testdb.DSN(b, "postgres"), clock)
		if err != nil {
			b.Fatal(err)
		}
		if err := dst.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := store.CopyToPostgres(ctx, src, dst, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		dst.Close()
	}
	b.ReportMetric(float64(total), "rows")
}

// BenchmarkBackupReach backs up the reach benchmark database (100,000 members, a million
// attendance records) with SQLite's VACUUM INTO and checks the copy, as convene backup does.
func BenchmarkBackupReach(b *testing.B) {
	ctx := context.Background()
	src := reachDatabase(b)
	var size int64
	b.ResetTimer()
	for i := range b.N {
		file := filepath.Join(b.TempDir(), fmt.Sprintf("backup-%d.db", i))
		if err := src.BackupSQLite(ctx, file); err != nil {
			b.Fatal(err)
		}
		if _, err := store.CheckSQLiteCopy(ctx, file); err != nil {
			b.Fatal(err)
		}
		if st, err := os.Stat(file); err == nil {
			size = st.Size()
		}
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB")
}

// benchReachClock is the reach benchmark database's clock.
var benchReachClock = convene.FixedClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))

// reachDatabase is the reach benchmark's SQLite database (100,000 members, 500 calls, a million
// attendance records, summaries refreshed), built once per test binary and copied for each caller.
func reachDatabase(b *testing.B) *store.Store {
	dsn, _ := testdb.Copy(b, "sqlite", "reach-copy", benchReachClock, func(ctx context.Context, st *store.Store) (any, error) {
		c, _, err := benchdata.LoadReach(ctx, st)
		if err != nil {
			return nil, err
		}
		return nil, st.RefreshReach(ctx, c.ID)
	})
	return testdb.OpenDSN(b, dsn, benchReachClock)
}
