package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/opengovcall/convene"
)

// The first hour of a new community: its owner (here the demo's organizer, who owns a community
// already) creates it without choosing a web address, lands on a checklist of what is left, and
// people who may not do something are told who can.
func TestANewCommunitysFirstHour(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		member, _ := a.signedIn(t, "member@example.net", "Mem Ber")

		r := member.get("/communities/new?lang=en")
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "Only this instance’s administrators, and people who own a community here, create communities.")
		r = member.get("/c/open-gov-canada/edit?lang=en")
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "Only the organizers of Open Government Community Call · Canada can do this.")

		mustContain(t, org.get("/communities/new?lang=en").body, "Leave it empty to make it from the name.")
		r = org.post("/communities/new?lang=en", url.Values{"name": {"Appel communautaire – Québec"}, "slug": {""},
			"time_zone": {"America/Toronto"}, "languages": {"fr, en"}})
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != "/c/appel-communautaire-quebec" {
			t.Fatalf("created at %s", r.location)
		}
		c, err := a.store.CommunityBySlug(ctx, "appel-communautaire-quebec")
		if err != nil || c.Primary() != "fr" {
			t.Fatalf("community %+v (%v)", c, err)
		}
		page := org.get(r.location + "?lang=en").body
		mustContain(t, page, "Set up your community", `<a href="/c/appel-communautaire-quebec/series/new">Create the call series`,
			"Add a season, which schedules the calls <span class=\"muted\">(after the steps above)</span>")
		mustNotContain(t, a.client().get(r.location+"?lang=en").body, "Set up your community")

		// A series, then its season: the checklist follows.
		r = org.post("/c/appel-communautaire-quebec/series/new", url.Values{"title": {"Appel mensuel"}, "repeat": {"monthly_weekday"},
			"weekday": {"WE"}, "nth": {"2"}, "starts_on": {"2019-11-01"}, "start_time": {"12:00"}, "time_zone": {"America/Toronto"}, "duration": {"60"}})
		wantStatus(t, r, http.StatusSeeOther)
		wantStatus(t, org.post(r.location, url.Values{"name": {"Automne"}, "starts_on": {"2019-11-01"}, "ends_on": {"2019-12-31"}}), http.StatusSeeOther)
		page = org.get("/c/appel-communautaire-quebec?lang=en").body
		mustContain(t, page, `<li class="done"><span class="badge badge-held">Done</span> Create the call series`,
			`<li class="done"><span class="badge badge-held">Done</span> Add a season`, `/joinkit">Add the join details`, `/announcement">Announce the next call`)
		if series, _ := a.store.SeriesOf(ctx, c.ID); len(series) != 1 {
			t.Fatalf("series: %v", series)
		}

		// The setup page is only there with a console's code and without an administrator.
		wantStatus(t, a.client().get("/setup"), http.StatusNotFound)
		if err := a.store.CreateFirstAdmin(ctx, &convene.User{Email: "admin@example.net", Name: "Admin"}); err != nil {
			t.Fatal(err)
		}
		if err := a.store.CreateFirstAdmin(ctx, &convene.User{Email: "second@example.net", Name: "Second"}); convene.ErrorCode(err) != convene.ECONFLICT {
			t.Fatalf("a second first administrator: %v", err)
		}
	})
}
