package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/web"
)

// A public feed that has not changed is served from what it was made from (one aggregate query),
// and every change to what it shows, written by anyone (here straight into the database, as
// another instance or the command line would), is in it on the very next request: a call's title,
// its agenda, its cancellation, a new call, the series' and the community's own texts.
func TestUnchangedFeedsFollowEveryChange(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			clock := &settableClock{t: testNow}
			a := newApp(t, engine, func(c *web.Config) { c.Clock = clock; c.PageCacheTTL = 0 })
			ctx := context.Background()
			c := a.client()
			community := "/c/" + a.demo.Community.Slug + "/calendar.ics"
			series := fmt.Sprintf("/c/%s/series/%d/calendar.ics", a.demo.Community.Slug, a.demo.Series.ID)
			fetch := func(path string) response {
				t.Helper()
				r := c.get(path)
				wantStatus(t, r, http.StatusOK)
				return r
			}
			first, again := fetch(community), fetch(community)
			if first.body != again.body || first.header.Get("ETag") != again.header.Get("ETag") {
				t.Fatal("an unchanged feed changed between two requests")
			}
			req, _ := http.NewRequest(http.MethodGet, a.http.URL+community, nil)
			req.Header.Set("If-None-Match", first.header.Get("ETag"))
			if r := c.do(req); r.status != http.StatusNotModified {
				t.Fatalf("an unchanged feed with its ETag: %d", r.status)
			}

			next, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow)
			if err != nil {
				t.Fatal(err)
			}
			// change moves the clock a second, writes, and wants want in the feed at path.
			change := func(what, path, want string, write func() error) {
				t.Helper()
				clock.Set(clock.Now().Add(time.Second))
				before := fetch(path)
				if strings.Contains(before.body, want) {
					t.Fatalf("%s: %q is in the feed already", what, want)
				}
				if err := write(); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				after := fetch(path)
				if !strings.Contains(after.body, want) {
					t.Errorf("%s: the next request's feed lacks %q", what, want)
				}
				if after.header.Get("ETag") == before.header.Get("ETag") {
					t.Errorf("%s: the ETag did not change", what)
				}
			}
			change("a call's title", community, "SUMMARY:Retitled by another instance", func() error {
				call, err := a.store.CallByID(ctx, next.ID)
				if err != nil {
					return err
				}
				call.Title = "Retitled by another instance"
				return a.store.UpdateCall(ctx, call)
			})
			change("an agenda item", community, "Stamped agenda item", func() error {
				return a.store.AddAgendaItem(ctx, a.demo.Community.ID, &convene.AgendaItem{CallID: next.ID, Kind: convene.AgendaDiscussion,
					Title: "Stamped agenda item", Minutes: 10})
			})
			change("a cancellation", community, "STATUS:CANCELLED", func() error {
				call, err := a.store.CallByID(ctx, next.ID)
				if err != nil {
					return err
				}
				call.Status = convene.CallCancelled
				return a.store.UpdateCall(ctx, call)
			})
			change("a new call", series, "SUMMARY:An extra call", func() error {
				return a.store.CreateCall(ctx, &convene.Call{SeriesID: a.demo.Series.ID, StartsAt: testNow.Add(40 * 24 * time.Hour),
					DurationMinutes: 45, Status: convene.CallScheduled, Title: "An extra call"})
			})
			change("the series' description", series, "Described again", func() error {
				sr, err := a.store.SeriesByID(ctx, a.demo.Series.ID)
				if err != nil {
					return err
				}
				sr.Description = "Described again"
				return a.store.UpdateSeries(ctx, sr)
			})
			change("the community's name", community, "Renamed Community", func() error {
				cm, err := a.store.CommunityBySlug(ctx, a.demo.Community.Slug)
				if err != nil {
					return err
				}
				cm.Name = "Renamed Community"
				return a.store.UpdateCommunity(ctx, cm)
			})
		})
	}
}
