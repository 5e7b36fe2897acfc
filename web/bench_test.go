package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/benchdata"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/web"
)

// benchServer is the web server over a SQLite store with five years of weekly calls.
func benchServer(b *testing.B, cacheTTL time.Duration) (http.Handler, int64) {
	b.Helper()
	clock := convene.FixedClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
	st := testdb.Open(b, "sqlite", clock)
	callID, err := benchdata.Load(context.Background(), st)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(st, web.Config{BaseURL: "http://bench.example", Clock: clock, PageCacheTTL: cacheTTL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return srv, callID
}

func benchGet(b *testing.B, h http.Handler, path string) {
	b.Helper()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", path, rec.Code)
			}
		}
	})
}

// BenchmarkBareHandler is the reference: a handler that writes a fixed string.
func BenchmarkBareHandler(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello, convene\n") })
	benchGet(b, h, "/")
}

// BenchmarkCallPage serves the call page as anonymous visitors get it, with the page cache on.
func BenchmarkCallPage(b *testing.B) {
	h, id := benchServer(b, 2*time.Second)
	benchGet(b, h, fmt.Sprintf("/c/%s/calls/%d", benchdata.Slug, id))
}

// BenchmarkCallPageRendered renders the call page on every request: what signed-in people get.
func BenchmarkCallPageRendered(b *testing.B) {
	h, id := benchServer(b, 0)
	benchGet(b, h, fmt.Sprintf("/c/%s/calls/%d", benchdata.Slug, id))
}

func BenchmarkCommunityPageRendered(b *testing.B) {
	h, _ := benchServer(b, 0)
	benchGet(b, h, "/c/"+benchdata.Slug)
}

func BenchmarkCallsAPI(b *testing.B) {
	h, _ := benchServer(b, 0)
	benchGet(b, h, "/api/v1/communities/"+benchdata.Slug+"/calls?from=2024-01-01T00:00:00Z&to=2024-03-01T00:00:00Z")
}

func BenchmarkCallsAPIFiveYears(b *testing.B) {
	h, _ := benchServer(b, 0)
	benchGet(b, h, "/api/v1/communities/"+benchdata.Slug+"/calls?from=2022-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&limit=1000")
}
