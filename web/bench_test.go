package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/benchdata"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/mail"
	"github.com/opengovcall/convene/store"
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

// peopleServer is the web server over a store on engine with the benchmark community and 100,000
// members, and the number of members loaded.
func peopleServer(b *testing.B, engine string) (*web.Server, *store.Store, int64) {
	b.Helper()
	clock := convene.FixedClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
	st := testdb.Open(b, engine, clock)
	callID, err := benchdata.Load(context.Background(), st)
	if err != nil {
		b.Fatal(err)
	}
	c, _ := st.CommunityBySlug(context.Background(), benchdata.Slug)
	if err := benchdata.LoadPeople(context.Background(), st, c.ID, benchPeople); err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(st, web.Config{BaseURL: "http://bench.example", Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return srv, st, callID
}

// benchPeople is how many members the people benchmarks load.
const benchPeople = 100_000

// BenchmarkDirectory serves directory pages to a visitor at 100,000 members: unfiltered, filtered by
// jurisdiction and sector, and by interest, on each engine.
func BenchmarkDirectory(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			srv, _, _ := peopleServer(b, engine)
			for _, q := range []struct{ name, query string }{
				{"all", ""},
				{"ON-government", "?jurisdiction=ON&sector=government"},
				{"interest", "?interest=tag+7"},
				{"page-20", "?after_name=Person+2&after_id=20000"},
			} {
				b.Run(q.name, func(b *testing.B) {
					b.ReportAllocs()
					for i := 0; i < b.N; i++ {
						rec := httptest.NewRecorder()
						srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/c/"+benchdata.Slug+"/people"+q.query, nil))
						if rec.Code != http.StatusOK {
							b.Fatalf("%d: %s", rec.Code, rec.Body.String())
						}
					}
				})
			}
		})
	}
}

// BenchmarkRegister registers a different member for a call through the API on each iteration, at
// 100,000 members.
func BenchmarkRegister(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			srv, st, callID := peopleServer(b, engine)
			ctx := context.Background()
			call, _ := st.CallByID(ctx, callID)
			call.StartsAt = time.Date(2024, 9, 4, 16, 0, 0, 0, time.UTC) // after the benchmark's now
			call.Capacity = 50_000
			if err := st.UpdateCall(ctx, call); err != nil {
				b.Fatal(err)
			}
			tokens := make([]string, 0, 1000)
			for i := 1; i <= cap(tokens); i++ {
				u, err := st.UserByEmail(ctx, fmt.Sprintf("person%d@example.org", i))
				if err != nil {
					b.Fatal(err)
				}
				tok, err := st.CreateAPIToken(ctx, u.ID, "bench", convene.ScopeRegister)
				if err != nil {
					b.Fatal(err)
				}
				tokens = append(tokens, tok)
			}
			path := fmt.Sprintf("/api/v1/calls/%d/registrations", callID)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				method := http.MethodPost
				if (i/len(tokens))%2 == 1 {
					method = http.MethodDelete // second pass through the tokens cancels, the third registers again
				}
				req := httptest.NewRequest(method, path, nil)
				req.Header.Set("Authorization", "Bearer "+tokens[i%len(tokens)])
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
					b.Fatalf("%d: %s", rec.Code, rec.Body.String())
				}
			}
		})
	}
}

// BenchmarkDirectoryPlans prints the engines' plans for directory queries at 100,000 members
// (run with -v); it measures nothing else.
func BenchmarkDirectoryPlans(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			_, st, _ := peopleServer(b, engine)
			c, _ := st.CommunityBySlug(context.Background(), benchdata.Slug)
			for _, f := range []convene.DirectoryFilter{
				{CommunityID: c.ID, Public: true},
				{CommunityID: c.ID, Public: true, Jurisdiction: "ON", Sector: "government"},
				{CommunityID: c.ID, Public: true, Interest: "tag 7"},
			} {
				plan, err := st.ExplainDirectory(context.Background(), f)
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("%s, jurisdiction %q, sector %q, interest %q:\n%s", engine, f.Jurisdiction, f.Sector, f.Interest, plan)
			}
			for i := 0; i < b.N; i++ {
			}
		})
	}
}

// BenchmarkSeriesFeed generates the feed of five years of weekly calls with overrides (moved and
// cancelled calls), and answers a client that has it already.
func BenchmarkSeriesFeed(b *testing.B) {
	h, _ := benchServer(b, 0)
	seriesFeed := "/c/" + benchdata.Slug + "/series/1/calendar.ics"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, seriesFeed, nil))
	if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), "BEGIN:VEVENT") != 261 {
		b.Fatalf("%d, %d events", rec.Code, strings.Count(rec.Body.String(), "BEGIN:VEVENT"))
	}
	etag := rec.Header().Get("ETag")
	b.Run("generate", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, seriesFeed, nil))
		}
	})
	b.Run("not-modified", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			req := httptest.NewRequest(http.MethodGet, seriesFeed, nil)
			req.Header.Set("If-None-Match", etag)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotModified {
				b.Fatalf("%d", rec.Code)
			}
		}
	})
}

// BenchmarkPersonalFeed generates the personal feed of a member registered for 500 calls.
func BenchmarkPersonalFeed(b *testing.B) {
	ctx := context.Background()
	clock := convene.FixedClock(time.Date(2022, 1, 1, 12, 0, 0, 0, time.UTC))
	st := testdb.Open(b, "sqlite", clock)
	if _, err := benchdata.Load(ctx, st); err != nil {
		b.Fatal(err)
	}
	c, _ := st.CommunityBySlug(ctx, benchdata.Slug)
	second := &convene.Series{CommunityID: c.ID, Title: "Thursday data clinic", RRule: "FREQ=WEEKLY;BYDAY=TH",
		StartsOn: convene.Date{Year: 2022, Month: 1, Day: 1}, StartTime: "13:00", TimeZone: "America/Halifax", DurationMinutes: 45}
	if err := st.CreateSeries(ctx, second); err != nil {
		b.Fatal(err)
	}
	for y := 2022; y < 2027; y++ {
		if err := st.CreateSeason(ctx, &convene.Season{SeriesID: second.ID, Name: fmt.Sprint(y),
			StartsOn: convene.Date{Year: y, Month: 1, Day: 1}, EndsOn: convene.Date{Year: y, Month: 12, Day: 31}}); err != nil {
			b.Fatal(err)
		}
	}
	u := &convene.User{Email: "busy@example.org", Name: "Busy Member", Confirmed: true}
	if err := st.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	calls, _ := st.Calls(ctx, convene.CallFilter{CommunityID: c.ID, Limit: 500})
	for _, call := range calls {
		if err := st.ImportRegistration(ctx, call.ID, u.ID, call.StartsAt.AddDate(0, 0, -7)); err != nil {
			b.Fatal(err)
		}
	}
	token, err := st.NewFeedToken(ctx, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(st, web.Config{BaseURL: "http://bench.example", Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	path := "/feeds/" + token + "/calendar.ics"
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if n := strings.Count(rec.Body.String(), "BEGIN:VEVENT"); rec.Code != http.StatusOK || n != 500 {
		b.Fatalf("%d: %d events", rec.Code, n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	}
}

// BenchmarkInvitations10k writes 10,000 invitations (jobs to outbox) and sends them through an
// SMTP server on loopback, reporting messages per second end to end.
func BenchmarkInvitations10k(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		clock := convene.FixedClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
		st := testdb.Open(b, "sqlite", clock)
		callID, err := benchdata.Load(ctx, st)
		if err != nil {
			b.Fatal(err)
		}
		c, _ := st.CommunityBySlug(ctx, benchdata.Slug)
		if err := benchdata.LoadPeople(ctx, st, c.ID, 10_000); err != nil {
			b.Fatal(err)
		}
		call, _ := st.CallByID(ctx, callID)
		call.StartsAt, call.Status = time.Date(2024, 9, 4, 16, 0, 0, 0, time.UTC), convene.CallScheduled
		if err := st.UpdateCall(ctx, call); err != nil {
			b.Fatal(err)
		}
		if err := st.SettleJobs(ctx); err != nil {
			b.Fatal(err)
		}
		if err := benchdata.RegisterAll(ctx, st, callID, clock.Now()); err != nil {
			b.Fatal(err)
		}
		srv, err := web.New(st, web.Config{BaseURL: "http://bench.example", Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		smtp := smtptest.Start(b)
		sender, err := mail.NewSMTP(smtp.URL(), "Convene <convene@example.org>")
		if err != nil {
			b.Fatal(err)
		}
		worker := mail.NewWorker(st, sender, slog.New(slog.NewTextHandler(io.Discard, nil)), clock)
		worker.BatchSize = 500
		b.StartTimer()
		start := time.Now()
		for {
			n, err := srv.RunJobsOnce(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		written := time.Since(start)
		for {
			sent, failed, err := worker.RunOnce(ctx)
			if err != nil || failed > 0 {
				b.Fatalf("%d failed: %v", failed, err)
			}
			if sent == 0 {
				break
			}
		}
		elapsed := time.Since(start)
		b.StopTimer()
		if got := len(smtp.Messages()); got != 10_000 {
			b.Fatalf("%d messages arrived", got)
		}
		b.ReportMetric(10_000/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(written.Seconds(), "s-writing")
		b.ReportMetric(float64(smtp.Connections()), "connections")
	}
}

// BenchmarkMovement renders the pages of a ten-year movement (120 monthly calls, 2,000 initiatives,
// 50,000 updates, 20,000 comments, 100 events, 500 ideas) on both engines: the timeline's latest
// page, a page back, a filtered page, the news feed and the API's timeline. It reports the queries
// each request makes.
func BenchmarkMovement(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			clock := convene.FixedClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
			st := testdb.Open(b, engine, clock)
			c, err := benchdata.LoadMovement(ctx, st)
			if err != nil {
				b.Fatal(err)
			}
			srv, err := web.New(st, web.Config{BaseURL: "http://bench.example", Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			base := "/c/" + c.Slug
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, base+"/timeline", nil))
			earlier := regexp.MustCompile(`href="([^"]*before=[^"]*)" rel="prev"`).FindStringSubmatch(rec.Body.String())
			if rec.Code != http.StatusOK || earlier == nil || strings.Count(rec.Body.String(), "<li class=\"timeline-") != 100 {
				b.Fatalf("timeline: %d, %d moments, earlier %v", rec.Code, strings.Count(rec.Body.String(), "<li class=\"timeline-"), earlier)
			}
			paths := []struct{ name, path string }{
				{"timeline", base + "/timeline"},
				{"timeline-earlier", html.UnescapeString(earlier[1])},
				{"timeline-ON-initiatives", base + "/timeline?jurisdiction=ON&kind=initiative"},
				{"timeline-api", "/api/v1/communities/" + c.Slug + "/timeline"},
				{"news-atom", base + "/news.atom"},
				// Search: a word in one initiative's texts, a word in every update (50,000 of them,
				// ranked), and two words in French.
				{"search-rare", base + "/search?q=initiative+1234"},
				{"search-common", base + "/search?q=stuck"},
				{"search-api-common", "/api/v1/communities/" + c.Slug + "/search?q=stuck&kind=update"},
				{"search-two-words", base + "/search?q=progress+report&from=2020-01-01&to=2020-12-31"},
			}
			for _, p := range paths {
				b.Run(p.name, func(b *testing.B) {
					b.ReportAllocs()
					before := st.Queries()
					for i := 0; i < b.N; i++ {
						rec := httptest.NewRecorder()
						srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: %d", p.path, rec.Code)
						}
					}
					b.ReportMetric(float64(st.Queries()-before)/float64(b.N), "queries/op")
				})
			}
		})
	}
}
