package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/benchdata"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/web"
)

// What signed-in people and uncached requests get (issue 17): the page cache serves neither.

// signedBench is the benchmark community's server with the page cache off (and, as unkept, one
// that keeps nothing by stamp, so every list, feed and answer is made as after a change), the session cookies
// of an organizer and of a member registered for the middle call (signed in through the sign-in
// page), the organizer's API token, and the middle call's id.
func signedBench(b *testing.B) (h, unkept http.Handler, organizer, member *http.Cookie, token string, callID int64) {
	b.Helper()
	ctx := context.Background()
	clock := convene.FixedClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
	st := testdb.Open(b, "sqlite", clock)
	callID, err := benchdata.Load(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	people, err := benchdata.AddViewers(ctx, st, callID)
	if err != nil {
		b.Fatal(err)
	}
	const base = "http://bench.example"
	cfg := web.Config{BaseURL: base, Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv, err := web.New(st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	web.Unkept(&cfg)
	if unkept, err = web.New(st, cfg); err != nil {
		b.Fatal(err)
	}
	if organizer, err = benchdata.SignIn(srv, base, people.Organizer); err != nil {
		b.Fatal(err)
	}
	if member, err = benchdata.SignIn(srv, base, people.Member); err != nil {
		b.Fatal(err)
	}
	return srv, unkept, organizer, member, people.Token, callID
}

// getAs serves path to a client carrying a session cookie or a bearer token, in parallel.
func getAs(b *testing.B, h http.Handler, path string, cookie *http.Cookie, token string) {
	b.Helper()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if cookie != nil {
				req.AddCookie(cookie)
			}
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", path, rec.Code)
			}
		}
	})
}

// BenchmarkUncached serves, with no page cache, what issue 17 measured: the organizer's and a
// registered member's call page, /api/v1/me and two months of calls with a token, and the series
// page, community page, calls API (all 261 calls), ICS and Atom feeds of the five-year community to
// an anonymous visitor. The -unkept cases make each answer as the first request after a change
// does: the stamp is read, and nothing kept under it is found.
func BenchmarkUncached(b *testing.B) {
	h, unkept, cookie, member, token, callID := signedBench(b)
	call := fmt.Sprintf("/c/%s/calls/%d", benchdata.Slug, callID)
	allCalls := "/api/v1/communities/" + benchdata.Slug + "/calls?from=2022-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&limit=1000"
	var seriesID int64
	for _, tc := range []struct {
		name, path string
		cookie     *http.Cookie
		token      string
		unkept     bool // made as the first request after a change would be
	}{
		{"organizer-call-page", call, cookie, "", false},
		{"member-call-page", call, member, "", false},
		{"api-calls-token", "/api/v1/communities/" + benchdata.Slug + "/calls?from=2024-01-01T00:00:00Z&to=2024-03-01T00:00:00Z", nil, token, false},
		{"api-me-token", "/api/v1/me", nil, token, false},
		{"call-page", call, nil, "", false},
		{"community-page", "/c/" + benchdata.Slug, nil, "", false},
		{"series-page", "", nil, "", false},
		{"series-page-unkept", "", nil, "", true},
		{"calls-api-all", allCalls, nil, "", false},
		{"calls-api-all-unkept", allCalls, nil, "", true},
		{"community-ics", "/c/" + benchdata.Slug + "/calendar.ics", nil, "", false},
		{"community-ics-unkept", "/c/" + benchdata.Slug + "/calendar.ics", nil, "", true},
		{"news-atom", "/c/" + benchdata.Slug + "/news.atom", nil, "", false},
	} {
		path := tc.path
		if strings.HasPrefix(tc.name, "series-page") {
			if seriesID == 0 {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, call, nil))
				_, rest, _ := strings.Cut(rec.Body.String(), `/c/`+benchdata.Slug+`/series/`)
				if _, err := fmt.Sscanf(rest, "%d", &seriesID); err != nil {
					b.Fatal("no series link on the call page")
				}
			}
			path = fmt.Sprintf("/c/%s/series/%d", benchdata.Slug, seriesID)
		}
		server := h
		if tc.unkept {
			server = unkept
		}
		b.Run(tc.name, func(b *testing.B) { getAs(b, server, path, tc.cookie, tc.token) })
	}
}
