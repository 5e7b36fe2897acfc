package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
)

// A series page's seasons are rendered again only when what they show changed, and then at once:
// each change below is written straight into the database (as another instance would) and is on
// the very next page, while the organizer's buttons, the language and the time zone never leak
// from one reader's page to another's.
func TestSeriesSeasonsFollowEveryChange(t *testing.T) {
	eachAppWithClock(t, func(t *testing.T, a *app, clock *settableClock) {
		ctx := context.Background()
		page := fmt.Sprintf("/c/%s/series/%d", a.demo.Community.Slug, a.demo.Series.ID)
		visitor, organizer := a.client(), a.client()
		organizer.signIn()
		get := func(c *client, lang string) string {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, a.http.URL+page, nil)
			req.Header.Set("Accept-Language", lang)
			r := c.do(req)
			wantStatus(t, r, http.StatusOK)
			return r.body
		}
		seasonEdit := regexp.MustCompile(`/seasons/\d+/edit"`) // a season's edit button, for organizers only
		for round := 0; round < 2; round++ {                   // the second round is served from kept fragments
			if body := get(organizer, "en"); !seasonEdit.MatchString(body) {
				t.Fatal("the organizer does not see the seasons' buttons")
			}
			if body := get(visitor, "en"); seasonEdit.MatchString(body) || strings.Contains(body, "/pause\"") {
				t.Fatal("a visitor is served the organizer's seasons")
			}
		}
		en, fr := get(visitor, "en"), get(visitor, "fr")
		if en == fr || !strings.Contains(fr, `lang="fr`) {
			t.Fatal("the French page is the English one")
		}

		seasons, err := a.store.SeasonsOf(ctx, a.demo.Series.ID)
		if err != nil {
			t.Fatal(err)
		}
		calls, err := a.store.Calls(ctx, convene.CallFilter{SeriesID: a.demo.Series.ID, From: testNow.Add(24 * time.Hour), Limit: 1})
		if err != nil || len(calls) == 0 {
			t.Fatalf("no call ahead: %v", err)
		}
		next := calls[0]
		change := func(what, want string, write func() error) {
			t.Helper()
			if strings.Contains(get(visitor, "en"), want) {
				t.Fatalf("%s: %q is on the page already", what, want)
			}
			if err := write(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if !strings.Contains(get(visitor, "en"), want) {
				t.Errorf("%s: the next page lacks %q", what, want)
			}
		}
		change("a call's title", "A retitled call", func() error {
			next.Title = "A retitled call"
			return a.store.UpdateCall(ctx, next)
		})
		change("a season's name", "A renamed season", func() error {
			se := seasons[len(seasons)-1]
			se.Name = "A renamed season"
			return a.store.UpdateSeason(ctx, se)
		})
		change("a new call", "An extra call", func() error {
			return a.store.CreateCall(ctx, &convene.Call{SeriesID: a.demo.Series.ID, StartsAt: testNow.Add(20 * 24 * time.Hour),
				DurationMinutes: 45, Status: convene.CallScheduled, Title: "An extra call"})
		})

		// A past call with nothing recorded shows it; minutes make it a call that was held.
		row := regexp.MustCompile(`(?s)<li[^>]*>\s*<time[^>]*>[^<]*</time>\s*<a href="/c/[^/]+/calls/(\d+)">.*?</li>`)
		past := &convene.Call{SeriesID: a.demo.Series.ID, StartsAt: testNow.Add(-50 * time.Hour), DurationMinutes: 45,
			Status: convene.CallScheduled, Title: "A past extra call"}
		change("a past call", "A past extra call", func() error { return a.store.CreateCall(ctx, past) })
		unrecorded := past.ID
		badgeOf := func() string {
			t.Helper()
			for _, m := range row.FindAllStringSubmatch(get(visitor, "en"), -1) {
				if m[1] == fmt.Sprint(unrecorded) {
					return regexp.MustCompile(`badge-([a-z_]+)`).FindStringSubmatch(m[0])[1]
				}
			}
			t.Fatalf("call %d left the page", unrecorded)
			return ""
		}
		if got := badgeOf(); got != convene.CallUnrecorded {
			t.Fatalf("a past call without a record has the badge %q", got)
		}
		if err := a.store.SaveMinutes(ctx, a.demo.Community.ID, &convene.Minutes{CallID: unrecorded, Summary: "We met."}); err != nil {
			t.Fatal(err)
		}
		if got := badgeOf(); got != convene.CallHeld {
			t.Errorf("with minutes the call's badge is %q, want %q", got, convene.CallHeld)
		}

		// Time passes: the call that was next is over, and says so.
		clock.Set(next.EndsAt().Add(time.Minute))
		for _, m := range row.FindAllStringSubmatch(get(visitor, "en"), -1) {
			if m[1] == fmt.Sprint(next.ID) && strings.Contains(m[0], "badge-next") {
				t.Error("an hour later the call that has ended is still the next one")
			}
		}
	})
}
