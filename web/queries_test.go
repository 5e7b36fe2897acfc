package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// queries fetches path and returns the response with the number of SQL statements the store ran
// for it.
func (c *client) queries(path string) (response, int64) {
	c.a.t.Helper()
	before := c.a.store.Queries()
	r := c.get(path)
	return r, c.a.store.Queries() - before
}

// TestPagesMakeBoundedQueries checks that the pages listing a community's story cost a fixed number
// of queries: the same with the demo's handful of initiatives as with many more initiatives,
// updates, asks, offers, events and ideas (no query per item), and no more than a stated bound.
func TestPagesMakeBoundedQueries(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c := a.client()
		c.signIn() // signed in, so the anonymous page cache does not answer
		// The first page after signing in shows (and so clears) its flash, a session write; after
		// it the session is only refreshed once a minute, so no page below pays a write.
		wantStatus(t, c.get("/me"), http.StatusOK)
		ins, err := a.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: a.demo.Community.ID})
		if err != nil || len(ins) == 0 {
			t.Fatalf("demo initiatives: %v, %v", ins, err)
		}
		first := ins[0]
		reboot := strconv.FormatInt(a.demo.RebootID, 10)
		pages := map[string]int64{
			"/c/" + demo.Slug + "/timeline":                                       13, // + whether its past calls took place
			"/c/" + demo.Slug + "/timeline?jurisdiction=ON":                       13,
			"/api/v1/communities/" + demo.Slug + "/timeline":                      12,
			"/c/" + demo.Slug + "/news.atom":                                      9, // + the seasons of the series
			"/c/" + demo.Slug + "/initiatives":                                    6,
			"/c/" + demo.Slug + "/initiatives/" + strconv.FormatInt(first.ID, 10): 13,
			"/api/v1/communities/" + demo.Slug + "/initiatives":                   5,
			"/c/" + demo.Slug + "/calls/" + reboot:                                18, // the viewer's rights read once
			"/c/" + demo.Slug + "/ideas":                                          7,
			"/c/" + demo.Slug + "/events":                                         6,
			// Every read of the API, each a fixed number of queries too (reach has its own
			// benchmark: its cache answers the second count).
			"/api/v1/communities":                                                                                 4,
			"/api/v1/communities/" + demo.Slug:                                                                    4,
			"/api/v1/communities/" + demo.Slug + "/calls":                                                         10,
			"/api/v1/calls/" + reboot:                                                                             10,
			"/api/v1/calls/" + reboot + "/attendance":                                                             7,
			"/api/v1/communities/" + demo.Slug + "/events":                                                        6,
			"/api/v1/communities/" + demo.Slug + "/ideas":                                                         5,
			"/api/v1/communities/" + demo.Slug + "/initiatives/" + strconv.FormatInt(first.ID, 10):                9,
			"/api/v1/communities/" + demo.Slug + "/action-items":                                                  5,
			"/api/v1/communities/" + demo.Slug + "/people":                                                        6,
			"/api/v1/communities/" + demo.Slug + "/comments?on=call:" + reboot:                                    5,
			"/api/v1/communities/" + demo.Slug + "/surveys":                                                       6,
			"/api/v1/communities/" + demo.Slug + "/series/" + strconv.FormatInt(a.demo.Series.ID, 10) + "/topics": 7,
			"/api/v1/me": 6,
		}
		count := func() map[string]int64 {
			out := map[string]int64{}
			for path := range pages {
				r, n := c.queries(path)
				if r.status != http.StatusOK {
					t.Fatalf("%s: status %d", path, r.status)
				}
				out[path] = n
			}
			return out
		}
		small := count()

		organizer, err := a.store.UserByEmail(ctx, demo.OrganizerEmail)
		if err != nil {
			t.Fatal(err)
		}
		_, helper := a.signedIn(t, "helper@example.org", "Helpful Member")
		for i := range 30 {
			in := &convene.Initiative{CommunityID: a.demo.Community.ID, Name: fmt.Sprintf("Initiative %02d", i), Status: convene.InitiativeActive,
				Jurisdiction: "ON", Sector: "government", LeadIDs: []int64{organizer.ID}}
			if i%3 == 0 {
				in.Status = convene.InitiativeDone
			}
			if err := a.store.CreateInitiative(ctx, in); err != nil {
				t.Fatal(err)
			}
			for _, target := range []int64{in.ID, first.ID} {
				up := &convene.InitiativeUpdate{InitiativeID: target, AuthorID: organizer.ID, Body: fmt.Sprintf("Progress %d", i), CallID: a.demo.RebootID}
				if err := a.store.AddUpdate(ctx, up); err != nil {
					t.Fatal(err)
				}
				ask := &convene.Ask{InitiativeID: target, AuthorID: organizer.ID, Kind: "feedback", Body: fmt.Sprintf("Ask %d", i)}
				if err := a.store.AddAsk(ctx, ask); err != nil {
					t.Fatal(err)
				}
				offer := &convene.Offer{AskID: ask.ID, UserID: helper.ID, Message: "I can help."}
				if err := a.store.OfferHelp(ctx, offer, func(*convene.User, *convene.Ask) convene.Mail { return convene.Mail{} }); err != nil {
					t.Fatal(err)
				}
			}
			e := &convene.Event{CommunityID: a.demo.Community.ID, Name: fmt.Sprintf("Gathering %d", i), Place: "Ottawa", TimeZone: "America/Toronto",
				StartsAt: testNow.Add(-time.Duration(i+1) * 24 * time.Hour), EndsAt: testNow.Add(-time.Duration(i+1)*24*time.Hour + time.Hour),
				Links: []convene.EventLink{{CallID: a.demo.RebootID, Relation: convene.EventPrepares}}}
			if err := a.store.CreateEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
			if err := a.store.CreateIdea(ctx, &convene.Idea{CommunityID: a.demo.Community.ID, EventID: e.ID, Title: fmt.Sprintf("Idea %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		large := count()
		for path, bound := range pages {
			if large[path] != small[path] {
				t.Errorf("%s: %d queries with the demo, %d with 30 more initiatives: a query per item", path, small[path], large[path])
			}
			if large[path] > bound {
				t.Errorf("%s: %d queries, bound %d", path, large[path], bound)
			}
		}
		t.Logf("queries per page: %v", large)

		// With more than a page of moments, the timeline pages back to the story's beginning.
		r := c.get("/c/" + demo.Slug + "/timeline")
		mustContain(t, r.body, "Gathering 0", "← Earlier moments")
		mustNotContain(t, r.body, "Building an open government movement", "Later moments →")
		earlier := regexp.MustCompile(`href="([^"]*before=[^"]*)" rel="prev"`).FindStringSubmatch(r.body)
		if earlier == nil {
			t.Fatal("no link to earlier moments")
		}
		r = c.get(html.UnescapeString(earlier[1]))
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Building an open government movement", "Later moments →")
		mustNotContain(t, r.body, "Gathering 0")
		r = c.get("/c/" + demo.Slug + "/timeline?before=yesterday")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This page of the timeline does not exist.")
	})
}
