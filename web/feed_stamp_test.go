package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
)

// A public feed or calls API answer that has not changed is served from what it was made from
// (one aggregate query), and every change to what it shows, written by anyone (here straight into
// the database, as another instance or the command line would), is in it on the very next
// request: a call's title, its agenda, a registration, its cancellation, a new call, the series'
// and the community's own texts.
func TestUnchangedPublicAnswersFollowEveryChange(t *testing.T) {
	eachAppWithClock(t, func(t *testing.T, a *app, clock *settableClock) {
		ctx := context.Background()
		c := a.client()
		community := "/c/" + a.demo.Community.Slug + "/calendar.ics"
		series := fmt.Sprintf("/c/%s/series/%d/calendar.ics", a.demo.Community.Slug, a.demo.Series.ID)
		api := "/api/v1/communities/" + a.demo.Community.Slug + "/calls"
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
			if strings.HasSuffix(path, ".ics") && after.header.Get("ETag") == before.header.Get("ETag") {
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
		change("a call's title, in the API", api, `"title":"Retitled again"`, func() error {
			call, err := a.store.CallByID(ctx, next.ID)
			if err != nil {
				return err
			}
			call.Title = "Retitled again"
			return a.store.UpdateCall(ctx, call)
		})
		change("an agenda item", community, "Stamped agenda item", func() error {
			return a.store.AddAgendaItem(ctx, a.demo.Community.ID, &convene.AgendaItem{CallID: next.ID, Kind: convene.AgendaDiscussion,
				Title: "Stamped agenda item", Minutes: 10})
		})
		registered := func() int {
			t.Helper()
			var out struct {
				Calls []struct {
					ID              int64 `json:"id"`
					RegisteredCount int   `json:"registered_count"`
				} `json:"calls"`
			}
			if err := json.Unmarshal([]byte(fetch(api).body), &out); err != nil {
				t.Fatal(err)
			}
			for _, call := range out.Calls {
				if call.ID == next.ID {
					return call.RegisteredCount
				}
			}
			t.Fatalf("call %d is not in the API's answer", next.ID)
			return 0
		}
		before := registered()
		u := &convene.User{Email: "stamped.registrant@example.net", Name: "Stamped Registrant", Confirmed: true}
		if err := a.store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.JoinCommunity(ctx, a.demo.Community.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.Register(ctx, next.ID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got := registered(); got != before+1 {
			t.Errorf("after a registration the API counts %d registered, want %d", got, before+1)
		}
		if err := a.store.CancelRegistration(ctx, next.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if got := registered(); got != before {
			t.Errorf("after a cancellation the API counts %d registered, want %d", got, before)
		}
		call, err := a.store.CallByID(ctx, next.ID) // and the same clock reading still
		if err != nil {
			t.Fatal(err)
		}
		call.Capacity = 77
		if err := a.store.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		if body := fetch(api).body; !strings.Contains(body, `"capacity":77`) {
			t.Error("a new capacity is not in the API's next answer")
		}
		change("a cancellation", api, `"status":"cancelled"`, func() error {
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
