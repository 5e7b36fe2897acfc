package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/benchdata"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
	"github.com/opengovcall/convene/web"
)

// reachBench is the reach benchmark's store on one engine, loaded once per run.
type reachBench struct {
	st      *store.Store
	c       *convene.Community
	seasons []convene.ReachSeason
	clock   convene.Clock
}

func loadReachBench(b *testing.B, engine string) reachBench {
	b.Helper()
	ctx := context.Background()
	clock := convene.FixedClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	st := testdb.Open(b, engine, clock)
	start := time.Now()
	c, seasons, err := benchdata.LoadReach(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: loaded %d members, %d calls and %d attendance records in %s", engine, benchdata.ReachMembers,
		benchdata.ReachCalls, benchdata.ReachAttendance, time.Since(start).Round(time.Millisecond))
	// Everyone is new to the summaries: the cost of summarizing a whole community at once, as the
	// first report after upgrading pays it.
	start = time.Now()
	if err := st.RefreshReach(ctx, c.ID); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: summarized everyone's reach in %s", engine, time.Since(start).Round(time.Millisecond))
	return reachBench{st: st, c: c, seasons: seasons, clock: clock}
}

// BenchmarkReach measures the reach report of a community with 100,000 members, 500 calls and
// 1,000,000 attendance records, for one season (target under 200 ms) and for all time (under
// 1 s), in the store and as the public page and JSON API serve it, on both engines.
func BenchmarkReach(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			rb := loadReachBench(b, engine)
			season := rb.seasons[len(rb.seasons)/2]
			for _, f := range []struct {
				name   string
				filter convene.ReachFilter
			}{
				{"store-season", convene.ReachFilter{SeasonID: season.ID}},
				{"store-all-time", convene.ReachFilter{}},
			} {
				b.Run(f.name, func(b *testing.B) {
					before := rb.st.Queries()
					for i := 0; i < b.N; i++ {
						r, err := rb.st.Reach(ctx, rb.c, f.filter)
						if err != nil {
							b.Fatal(err)
						}
						if r.Totals().Attended == 0 {
							b.Fatal("nobody attended")
						}
					}
					b.ReportMetric(float64(rb.st.Queries()-before)/float64(b.N), "queries/op")
				})
			}
			// The same as everyone sees it: public aggregates.
			rb.c.PublicReach = true
			if err := rb.st.UpdateCommunity(ctx, rb.c); err != nil {
				b.Fatal(err)
			}
			srv, err := web.New(rb.st, web.Config{BaseURL: "http://bench.example", Clock: rb.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			seasonQuery := "?season=" + strconv.FormatInt(season.ID, 10)
			for _, p := range []struct{ name, path string }{
				{"page-season", "/c/" + rb.c.Slug + "/reach" + seasonQuery},
				{"page-all-time", "/c/" + rb.c.Slug + "/reach"},
				{"api-season", "/api/v1/communities/" + rb.c.Slug + "/reach" + seasonQuery},
				{"api-all-time", "/api/v1/communities/" + rb.c.Slug + "/reach"},
			} {
				b.Run(p.name, func(b *testing.B) {
					before := rb.st.Queries()
					for i := 0; i < b.N; i++ {
						rec := httptest.NewRecorder()
						srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: %d %.500s", p.path, rec.Code, rec.Body.String())
						}
					}
					b.ReportMetric(float64(rb.st.Queries()-before)/float64(b.N), "queries/op")
				})
			}
		})
	}
}

// BenchmarkReachPlans prints the query plans of the reach report for a season and for all time,
// on both engines, for BENCHMARKS.md.
func BenchmarkReachPlans(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			rb := loadReachBench(b, engine)
			season := rb.seasons[len(rb.seasons)/2]
			for _, f := range []convene.ReachFilter{{SeasonID: season.ID}, {}} {
				plan, err := rb.st.ExplainReach(context.Background(), rb.c, f)
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("%s, season %d (0: all time):\n%s", engine, f.SeasonID, plan)
			}
			for i := 0; i < b.N; i++ {
			}
		})
	}
}
