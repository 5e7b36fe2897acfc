package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
	"github.com/opengovcall/convene/web"
)

// TestCopyCommand moves the demo instance from SQLite into PostgreSQL and checks that the copy
// serves the same pages, API answers and feeds, byte for byte, as the original (the reach
// report's matrix sorted first: the store lists its cells in no set order, on either engine).
func TestCopyCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, dst := testdb.DSN(t, "sqlite"), testdb.DSN(t, "postgres")
	out, _, err := runCmd(t, "", "demo", "--db", src, "--organizer-password", "a long enough password")
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	callPage := regexp.MustCompile(`/c/open-gov-canada/calls/\d+`).FindString(out)
	apiToken, feedToken := addWhatTheDemoLacks(t, src)

	out, errOut, err := runCmd(t, "", "copy", "--from", src, "--to", dst)
	if err != nil {
		t.Fatalf("copy: %v\n%s", err, errOut)
	}
	if !regexp.MustCompile(`Copied \d+ rows in \d+ tables`).MatchString(out) || !regexp.MustCompile(`\n  attendance +\d+\n`).MatchString(out) ||
		!regexp.MustCompile(`copied attendance +\d+\n`).MatchString(errOut) {
		t.Errorf("copy said:\n%s\n%s", out, errOut)
	}
	clock := convene.FixedClock(time.Now().UTC().Truncate(time.Second))
	source, target := openServed(t, src, clock), openServed(t, dst, clock)
	wantCounts, err := source.store.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotCounts, err := target.store.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range wantCounts {
		if gotCounts[table] != n {
			t.Errorf("%s: %d rows in SQLite, %d in PostgreSQL", table, n, gotCounts[table])
		}
	}
	home := source.get(t, "/c/open-gov-canada", "")
	logo := regexp.MustCompile(`/c/open-gov-canada/images/[^"?]+`).FindString(home)
	if logo == "" || callPage == "" {
		t.Fatalf("no logo or call page to compare (%q, %q)", logo, callPage)
	}
	for _, path := range []string{"/", "/c/open-gov-canada", callPage, logo, "/c/open-gov-canada/series/1",
		"/api/v1/communities", "/api/v1/communities/open-gov-canada", "/api/v1/communities/open-gov-canada/calls",
		"/api/v1" + strings.TrimPrefix(callPage, "/c/open-gov-canada"),
		"/c/open-gov-canada/calendar.ics", "/c/open-gov-canada/news.atom", "/feeds/" + feedToken + "/calendar.ics",
		"/api/v1/communities/open-gov-canada/reach"} {
		token := "" // pages refuse a token: it is for the API
		if strings.Contains(path, "reach") {
			token = apiToken
		}
		want, got := source.get(t, path, token), target.get(t, path, token)
		if strings.Contains(path, "reach") {
			want, got = sortedMatrix(t, want), sortedMatrix(t, got)
		}
		if want != got {
			i := firstDifference(want, got)
			t.Errorf("%s differs at byte %d:\nSQLite     %.300q\nPostgreSQL %.300q", path, i, want[max(0, i-100):], got[max(0, i-100):])
		}
	}
	// The copy goes on where the original left off: a new account is numbered after the others.
	var lastID int64
	if err := source.store.DB().QueryRow(`SELECT MAX(id) FROM users`).Scan(&lastID); err != nil {
		t.Fatal(err)
	}
	newcomer := &convene.User{Email: "newcomer@example.org", Name: "Newcomer"}
	if err := target.store.CreateUser(ctx, newcomer); err != nil {
		t.Fatalf("a new account in the copy: %v", err)
	}
	if newcomer.ID <= lastID {
		t.Errorf("a new account got id %d, not past the copied %d", newcomer.ID, lastID)
	}

	// Copying again finds the target full: refused, with nothing written or lost.
	_, _, err = runCmd(t, "", "copy", "--from", src, "--to", dst)
	if err == nil || !strings.Contains(err.Error(), "the PostgreSQL database is not empty:") || !strings.Contains(err.Error(), "nothing was copied or changed") {
		t.Fatalf("a second copy: %v", err)
	}
	gotCounts["users"]++        // the newcomer
	gotCounts["search_dirty"]++ // and the search mark their new profile left
	for _, db := range []struct {
		st     *store.Store
		before map[string]int64
	}{{source.store, wantCounts}, {target.store, gotCounts}} {
		after, err := db.st.RowCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for table, n := range db.before {
			if after[table] != n {
				t.Errorf("%s %s: %d rows before the refused copy, %d after", db.st.Engine(), table, n, after[table])
			}
		}
	}
}

// addWhatTheDemoLacks gives the demo waiting mail and work, reach summaries, and an organizer's
// API token and calendar feed token, which it returns.
func addWhatTheDemoLacks(t *testing.T, dsn string) (apiToken, feedToken string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	organizer, err := st.UserByEmail(ctx, demo.OrganizerEmail)
	if err != nil {
		t.Fatal(err)
	}
	if apiToken, err = st.CreateAPIToken(ctx, organizer.ID, "reports", convene.ScopeRead, convene.ScopeOrganize); err != nil {
		t.Fatal(err)
	}
	if feedToken, err = st.NewFeedToken(ctx, organizer.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.EnqueueMail(ctx, convene.Mail{To: "lead@example.org", Subject: "Waiting", Text: "Still in the outbox."}); err != nil {
		t.Fatal(err)
	}
	if err := st.EnqueueJob(ctx, store.JobAnnounce, store.CallPayload{CallID: 1}, "", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	community, err := st.CommunityBySlug(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RefreshReach(ctx, community.ID); err != nil {
		t.Fatal(err)
	}
	return apiToken, feedToken
}

// served is a Convene web server over one database.
type served struct {
	store *store.Store
	url   string
}

func openServed(t *testing.T, dsn string, clock convene.Clock) *served {
	t.Helper()
	st := testdb.OpenDSN(t, dsn, clock)
	srv, err := web.New(st, web.Config{BaseURL: "https://calls.example.org", Clock: clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &served{store: st, url: hs.URL}
}

// get returns a page's status and body, as the holder of token sees it.
func (s *served) get(t *testing.T, path, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Errorf("%s: %d %.300s", path, res.StatusCode, body)
	}
	return res.Status + "\n" + string(body)
}

func TestCopyRefusesBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notSQLite, []byte("just some notes, long enough to read a header from"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	sqliteFile := testdb.DSN(t, "sqlite")
	if _, _, err := runCmd(t, "", "migrate", "--db", sqliteFile); err != nil {
		t.Fatal(err)
	}
	pg := "postgres://convene:s3cret@127.0.0.1:1/convene?sslmode=disable"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"copy", "--to", pg}, "--from (or CONVENE_DB) is required"},
		{[]string{"copy", "--from", sqliteFile}, "--to (or CONVENE_COPY_TO) is required"},
		{[]string{"copy", "--from", filepath.Join(dir, "missing.db"), "--to", pg}, "missing.db: no such file"},
		{[]string{"copy", "--from", notSQLite, "--to", pg}, "notes.txt is not a SQLite database file"},
		{[]string{"copy", "--from", empty, "--to", pg}, "empty.db is not a SQLite database file"},
		{[]string{"copy", "--from", pg, "--to", pg}, "give the SQLite file's path"},
		{[]string{"copy", "--from", sqliteFile, "--to", filepath.Join(dir, "other.db")}, "want the postgres:// URL"},
		{[]string{"copy", "--from", sqliteFile, "--to", pg, "extra"}, `unexpected ["extra"]`},
		// An unreachable server is named without its password.
		{[]string{"copy", "--from", sqliteFile, "--to", pg}, "convene:xxxxx@127.0.0.1:1"},
	} {
		_, _, err := runCmd(t, "", tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%v: %v shows the password", tc.args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !os.IsNotExist(err) {
		t.Errorf("a missing --from was created: %v", err)
	}
}

// sortedMatrix puts a reach report's matrix in order: the store lists its cells in no particular
// order (a map's), which changes from one request to the next on either engine.
func sortedMatrix(t *testing.T, answer string) string {
	t.Helper()
	status, body, _ := strings.Cut(answer, "\n")
	var report map[string]any
	if err := json.Unmarshal([]byte(body), &report); err != nil {
		t.Fatalf("reach: %v", err)
	}
	matrix, _ := report["matrix"].([]any)
	sort.Slice(matrix, func(i, j int) bool { return fmt.Sprint(matrix[i]) < fmt.Sprint(matrix[j]) })
	b, _ := json.Marshal(report)
	return status + "\n" + string(b)
}

func firstDifference(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestCopyMigratesAnOlderSource copies a SQLite file an older convene left, bringing it up to
// date first and saying so.
func TestCopyMigratesAnOlderSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, dst := testdb.DSN(t, "sqlite"), testdb.DSN(t, "postgres")
	st := testdb.OpenDSN(t, src, nil)
	_, latest, err := st.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MigrateDown(ctx, latest-1); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, _, err := runCmd(t, "", "copy", "--from", src, "--to", dst)
	if want := fmt.Sprintf("was at version %d; it was brought up to %d before the copy", latest-1, latest); err != nil || !strings.Contains(out, want) {
		t.Fatalf("copy: %v\n%s\nwant %q", err, out, want)
	}
}
