package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/store"
)

const eventsPath = "/c/open-gov-canada/events"

// eventForm is a valid new event on November 20, 2019, 9:00 to 17:00 in Toronto.
func eventForm() url.Values {
	return url.Values{"name": {"Open Data Day Hackathon"}, "starts_at": {"2019-11-20T09:00"}, "ends_at": {"2019-11-20T17:00"},
		"time_zone": {"America/Toronto"}, "place": {"Toronto City Hall"}, "link": {"https://example.org/hackathon"},
		"description": {"A day of building with open data."}}
}

func TestEventCreatedLinkedToCall(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		c.signIn()
		blank := c.get(eventsPath + "/new")
		wantStatus(t, blank, http.StatusOK)
		mustContain(t, blank.body, `name="call_`+strconv.FormatInt(a.demo.RebootID, 10)+`"`, "Call of Nov 13, 2019", "Follows up the event")
		form := eventForm()
		form.Set("call_"+strconv.FormatInt(a.demo.RebootID, 10), convene.EventFollowsUp)
		r := c.post(eventsPath+"/new", form)
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.location, eventsPath+"/") {
			t.Fatalf("redirected to %q", r.location)
		}
		page := c.get(r.location)
		wantStatus(t, page, http.StatusOK)
		rebootPath := "/c/open-gov-canada/calls/" + strconv.FormatInt(a.demo.RebootID, 10)
		mustContain(t, page.body, "Open Data Day Hackathon", "Toronto City Hall", `href="`+rebootPath+`"`, "Calls that follow it up", r.location+"/event.ics")

		anon := a.client()
		mustContain(t, anon.get("/c/open-gov-canada/timeline").body, "Open Data Day Hackathon")
		mustContain(t, anon.get(eventsPath).body, "Open Data Day Hackathon")
		var list struct {
			Events []struct {
				ID    int64
				Name  string
				Calls []struct {
					ID       int64
					Relation string
				}
			}
		}
		decode(t, anon.get("/api/v1/communities/open-gov-canada/events"), &list)
		var found bool
		for _, e := range list.Events {
			if e.Name == "Open Data Day Hackathon" {
				found = len(e.Calls) == 1 && e.Calls[0].ID == a.demo.RebootID && e.Calls[0].Relation == convene.EventFollowsUp
			}
		}
		if !found {
			t.Fatalf("API events: %+v", list)
		}
		var tl struct {
			Items []struct{ Kind, Title string }
		}
		decode(t, anon.get("/api/v1/communities/open-gov-canada/timeline?kind=event"), &tl)
		if len(tl.Items) != 3 || tl.Items[2].Title != "Open Data Day Hackathon" {
			t.Fatalf("API timeline of events: %+v", tl)
		}

		ics := anon.get(r.location + "/event.ics")
		wantStatus(t, ics, http.StatusOK)
		wellFormed(t, ics.body)
		cal := parseICS(t, ics.body)
		if len(cal.Events) != 1 || cal.Events[0].Start != "2019-11-20T14:00:00.000Z" || cal.Events[0].End != "2019-11-20T22:00:00.000Z" ||
			cal.Events[0].Summary != "Open Data Day Hackathon" || cal.Events[0].Location != "Toronto City Hall" {
			t.Fatalf("calendar: %+v", cal)
		}
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+r.location+"/event.ics", nil)
		req.Header.Set("If-None-Match", ics.header.Get("ETag"))
		wantStatus(t, anon.do(req), http.StatusNotModified)

		// Editing keeps the event and can drop the link.
		form.Set("call_"+strconv.FormatInt(a.demo.RebootID, 10), "")
		form.Set("name", "Open Data Day")
		wantStatus(t, c.post(r.location+"/edit", form), http.StatusSeeOther)
		mustNotContain(t, c.get(r.location).body, `href="`+rebootPath+`"`)
	})
}

func TestEventRefusals(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		count := func() int {
			events, err := a.store.Events(ctx, a.demo.Community.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(events)
		}
		before := count()

		// A member may not create events.
		u := addPerson(t, a, "Mia Member", false, nil)
		if _, err := a.store.JoinCommunity(ctx, a.demo.Community.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		m := signInPerson(t, a, u)
		wantStatus(t, m.get(eventsPath+"/new"), http.StatusForbidden)
		wantStatus(t, m.post(eventsPath+"/new", eventForm()), http.StatusForbidden)

		c := a.client()
		c.signIn()
		bad := eventForm()
		bad.Set("link", "javascript:alert(1)")
		r := c.post(eventsPath+"/new", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Give a web address starting with http:// or https://.")
		bad = eventForm()
		bad.Set("ends_at", "2019-11-20T08:00")
		r = c.post(eventsPath+"/new", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "The end must come after the start.")

		// A call of another community, or no call at all, is not found.
		other := peopleCommunity(t, a)
		sr := &convene.Series{CommunityID: other.ID, Title: "Other call", RRule: "FREQ=MONTHLY;BYDAY=2WE",
			StartsOn: convene.Date{Year: 2019, Month: 11, Day: 1}, StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
		if err := a.store.CreateSeries(ctx, sr); err != nil {
			t.Fatal(err)
		}
		call := &convene.Call{SeriesID: sr.ID, StartsAt: testNow.AddDate(0, 0, 7), DurationMinutes: 60, Status: convene.CallScheduled}
		if err := a.store.CreateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		foreign := eventForm()
		foreign.Set("call_"+strconv.FormatInt(call.ID, 10), convene.EventPrepares)
		wantStatus(t, c.post(eventsPath+"/new", foreign), http.StatusNotFound)
		foreign = eventForm()
		foreign.Set("call_999999", convene.EventPrepares)
		wantStatus(t, c.post(eventsPath+"/new", foreign), http.StatusNotFound)
		wantStatus(t, c.get(eventsPath+"/999999"), http.StatusNotFound)
		wantStatus(t, c.get("/c/"+other.Slug+"/events/1"), http.StatusNotFound)

		if after := count(); after != before {
			t.Fatalf("refused events were stored: %d before, %d after", before, after)
		}
	})
}

func TestIdeasProposedAndPickedUp(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		anon := a.client()
		wantStatus(t, anon.post("/c/open-gov-canada/ideas", url.Values{"title": {"x"}}), http.StatusUnauthorized)
		stranger := signInPerson(t, a, addPerson(t, a, "Sam Stranger", false, nil))
		wantStatus(t, stranger.post("/c/open-gov-canada/ideas", url.Values{"title": {"x"}}), http.StatusForbidden)

		u := addPerson(t, a, "Mia Member", false, nil)
		if _, err := a.store.JoinCommunity(ctx, a.demo.Community.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		m := signInPerson(t, a, u)
		r := m.post("/c/open-gov-canada/ideas", url.Values{"title": {"An open government podcast"}, "status": {convene.IdeaPickedUp}})
		wantStatus(t, r, http.StatusSeeOther)
		ideas, err := a.store.Ideas(ctx, store.IdeaFilter{CommunityID: a.demo.Community.ID})
		if err != nil {
			t.Fatal(err)
		}
		idea := ideas[len(ideas)-1]
		if idea.Title != "An open government podcast" || idea.Status != convene.IdeaProposed || idea.ProposedBy != u.ID {
			t.Fatalf("a member's idea: %+v", idea)
		}
		// Each idea links to its comments.
		mustContain(t, a.client().get("/c/open-gov-canada/ideas").body, "/c/open-gov-canada/comments?on=idea:"+strconv.FormatInt(idea.ID, 10))
		wantStatus(t, m.post("/c/open-gov-canada/ideas", url.Values{"title": {""}}), http.StatusUnprocessableEntity)
		path := "/c/open-gov-canada/ideas/" + strconv.FormatInt(idea.ID, 10) + "/status"
		wantStatus(t, m.post(path, url.Values{"status": {convene.IdeaPickedUp}}), http.StatusForbidden)

		c := a.client()
		c.signIn()
		wantStatus(t, c.post(path, url.Values{"status": {convene.IdeaPickedUp}, "next": {"/c/open-gov-canada/ideas"}}), http.StatusSeeOther)
		wantStatus(t, c.post(path, url.Values{"status": {"famous"}}), http.StatusUnprocessableEntity)
		wantStatus(t, c.post("/c/open-gov-canada/ideas/999999/status", url.Values{"status": {convene.IdeaPickedUp}}), http.StatusNotFound)
		mustContain(t, anon.get("/c/open-gov-canada/ideas").body, "An open government podcast", "Picked up",
			"A shared calendar of open government events", "Did not get off the ground",
			"Became initiative Canadian Open Data Society")
		mustContain(t, anon.get(eventsPath+"/"+strconv.FormatInt(demoSessionID(t, a), 10)).body, "A monthly open government strategy call",
			"Picked up", "Became initiative Canadian Open Data Society")
		var list struct {
			Ideas []struct{ Title, Status string }
		}
		decode(t, anon.get("/api/v1/communities/open-gov-canada/ideas"), &list)
		if len(list.Ideas) != 5 || list.Ideas[4].Status != convene.IdeaPickedUp {
			t.Fatalf("API ideas: %+v", list)
		}
		if strings.Contains(anon.get("/api/v1/communities/open-gov-canada/ideas").body, "@") {
			t.Fatal("the ideas API shows an email address")
		}
	})
}

func TestTimelineTellsTheDemoStory(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		r := c.get("/c/open-gov-canada/timeline")
		wantStatus(t, r, http.StatusOK)
		body := r.body
		order := []string{"Building an open government movement", "A monthly open government strategy call",
			"Pilot", "May 8, 2019", "Open Government Partnership Global Summit 2019", "Jun 12, 2019", "Fall reboot", "The reboot"}
		at := 0
		for _, s := range order {
			i := strings.Index(body[at:], s)
			if i < 0 {
				t.Fatalf("timeline: %q missing or out of order after byte %d:\n%s", s, at, body)
			}
			at += i + len(s)
		}
		// Filtered to events, only the two gatherings remain.
		r = c.get("/c/open-gov-canada/timeline?kind=event")
		mustContain(t, r.body, "Building an open government movement", "Open Government Partnership Global Summit 2019")
		mustNotContain(t, r.body, "The reboot", "A monthly open government strategy call")
		// At most the next call is shown, not every future one.
		if n := strings.Count(c.get("/c/open-gov-canada/timeline?kind=call").body, `class="timeline-call"`); n != 8 {
			t.Errorf("timeline shows %d calls, want the 7 held ones of the pilot (the summit-week meet-up among them) and the next", n)
		}

		page := c.get("/c/open-gov-canada/events")
		mustContain(t, page.body, "Open Government Partnership Global Summit 2019", "Past events")
		fr := a.client()
		wantStatus(t, fr.get("/lang/fr"), http.StatusSeeOther)
		mustContain(t, fr.get("/c/open-gov-canada/timeline").body, "Chronologie", "N’a pas décollé")
	})
}

func TestEventPagesAccessibility(t *testing.T) {
	axe := axeSource(t)
	browserApp(t, func(t *testing.T, a *app) {
		ctx := newBrowser(t)
		base := a.http.URL
		check := func(name string, steps ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			axeCheck(t, ctx, axe, name, steps...)
		}
		events, err := a.store.Events(context.Background(), a.demo.Community.ID)
		if err != nil || len(events) == 0 {
			t.Fatalf("demo events: %v", err)
		}
		initiatives, err := a.store.Initiatives(context.Background(), convene.InitiativeFilter{CommunityID: a.demo.Community.ID})
		if err != nil || len(initiatives) == 0 {
			t.Fatalf("demo initiatives: %v", err)
		}
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
		for _, p := range []string{eventsPath, fmt.Sprintf("%s/%d", eventsPath, events[len(events)-1].ID), "/c/open-gov-canada/ideas",
			"/c/open-gov-canada/timeline", "/c/open-gov-canada/initiatives", fmt.Sprintf("/c/open-gov-canada/initiatives/%d", initiatives[0].ID)} {
			check("visitor "+p, chromedp.Navigate(base+p), chromedp.WaitReady(css(`footer`)))
		}
		check("sign in",
			chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(css(`#f-email`)),
			chromedp.SendKeys(css(`#f-email`), demo.OrganizerEmail), chromedp.SendKeys(css(`#f-password`), organizerPassword),
			chromedp.Submit(css(`#f-password`)), chromedp.WaitVisible(css(`div.flash`)))
		check("event form with errors",
			chromedp.Navigate(base+eventsPath+"/new"), chromedp.WaitVisible(css(`#f-name`)),
			chromedp.SetValue(css(`#f-link`), "javascript:alert(1)"),
			chromedp.Submit(css(`#f-name`)), chromedp.WaitVisible(css(`div.errors-summary`)))
		check("organizer ideas", chromedp.Navigate(base+"/c/open-gov-canada/ideas"), chromedp.WaitVisible(css(`#f-idea-title`)))
		check("organizer initiative, with its leads",
			chromedp.Navigate(base+fmt.Sprintf("/c/open-gov-canada/initiatives/%d", initiatives[0].ID)), chromedp.WaitVisible(css(`#f-lead-lead`)))
	})
}

func TestIdeaBecomesInitiative(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		idea := &convene.Idea{CommunityID: a.demo.Community.ID, Title: "An open government podcast", Description: "Monthly episodes."}
		if err := a.store.CreateIdea(ctx, idea); err != nil {
			t.Fatal(err)
		}
		path := "/c/open-gov-canada/ideas/" + strconv.FormatInt(idea.ID, 10) + "/initiative"
		count := func() int {
			all, err := a.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: a.demo.Community.ID})
			if err != nil {
				t.Fatal(err)
			}
			return len(all)
		}
		before := count()

		u := addPerson(t, a, "Mia Member", false, nil)
		if _, err := a.store.JoinCommunity(ctx, a.demo.Community.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, signInPerson(t, a, u).post(path, nil), http.StatusForbidden)
		if count() != before {
			t.Fatal("a member's refused conversion created an initiative")
		}

		c := a.client()
		c.signIn()
		wantStatus(t, c.post(path, nil), http.StatusSeeOther)
		got, err := a.store.IdeaByID(ctx, idea.ID)
		if err != nil || got.InitiativeID == 0 || got.Status != convene.IdeaPickedUp {
			t.Fatalf("converted idea = %+v, %v", got, err)
		}
		in, err := a.store.InitiativeByID(ctx, got.InitiativeID)
		if err != nil || in.Name != idea.Title || in.Description != idea.Description || len(in.Leads) != 1 {
			t.Fatalf("initiative from the idea = %+v, %v", in, err)
		}
		wantStatus(t, c.post(path, nil), http.StatusConflict)
		if count() != before+1 {
			t.Fatalf("initiatives = %d, want %d", count(), before+1)
		}
		link := "/c/open-gov-canada/initiatives/" + strconv.FormatInt(in.ID, 10)
		mustContain(t, a.client().get("/c/open-gov-canada/ideas").body, "Became initiative An open government podcast", link)
		var list struct {
			Ideas []struct {
				ID           int64
				InitiativeID int64 `json:"initiative_id"`
			}
		}
		decode(t, a.client().get("/api/v1/communities/open-gov-canada/ideas"), &list)
		found := false
		for _, i := range list.Ideas {
			found = found || (i.ID == idea.ID && i.InitiativeID == in.ID)
		}
		if !found {
			t.Fatalf("API ideas miss the link: %+v", list)
		}
	})
}

func TestTimelineInitiativesAndFilters(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		in := &convene.Initiative{CommunityID: a.demo.Community.ID, Name: "Open Budget Tracker", Status: convene.InitiativeActive,
			Jurisdiction: "BC", Sector: "civil_society"}
		if err := a.store.CreateInitiative(ctx, in); err != nil {
			t.Fatal(err)
		}
		anon := a.client()
		r := anon.get("/c/open-gov-canada/timeline")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Open Budget Tracker", "Started", "/c/open-gov-canada/initiatives/"+strconv.FormatInt(in.ID, 10))
		if n := strings.Count(r.body, ">Open Budget Tracker</a>"); n != 1 {
			t.Fatalf("an active initiative appears %d times, want only its start", n)
		}
		in.Status = convene.InitiativeDone
		if err := a.store.UpdateInitiative(ctx, in); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(anon.get("/c/open-gov-canada/timeline").body, ">Open Budget Tracker</a>"); n != 2 {
			t.Fatalf("a done initiative appears %d times, want its start and its finish", n)
		}

		r = anon.get("/c/open-gov-canada/timeline?jurisdiction=BC")
		mustContain(t, r.body, "Open Budget Tracker", "Finished: Done", "Fall reboot", "The reboot", `<option value="BC" selected>`)
		for _, other := range []string{"Open Clearinghouse", "Ontario Open Government Team"} {
			if strings.Contains(r.body, other) {
				t.Fatalf("the BC timeline shows %q", other)
			}
		}

		var api struct {
			Items []struct {
				Kind, Title, Jurisdiction string
				ID                        int64
				Finished                  bool
			}
		}
		decode(t, anon.get("/api/v1/communities/open-gov-canada/timeline?jurisdiction=BC"), &api)
		kinds := map[string]int{}
		for _, it := range api.Items {
			kinds[it.Kind]++
			if it.Kind == convene.TimelineInitiative && (it.ID != in.ID || it.Jurisdiction != "BC") {
				t.Fatalf("API BC timeline has %+v", it)
			}
		}
		if kinds[convene.TimelineInitiative] != 2 || kinds[convene.TimelineSeason] == 0 || kinds[convene.TimelineCall] == 0 {
			t.Fatalf("API BC timeline kinds = %v", kinds)
		}
		decode(t, anon.get("/api/v1/communities/open-gov-canada/timeline?kind=initiative"), &api)
		all, err := a.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: a.demo.Community.ID})
		if err != nil {
			t.Fatal(err)
		}
		finished := 0
		for _, i := range all {
			if i.Status == convene.InitiativeDone || i.Status == convene.InitiativeStopped {
				finished++
			}
		}
		if len(api.Items) != len(all)+finished {
			t.Fatalf("API initiative items = %d, want %d started and %d finished", len(api.Items), len(all), finished)
		}
	})
}

// demoSessionID is the 2018 summit session of the demo, where its ideas were raised.
func demoSessionID(t *testing.T, a *app) int64 {
	t.Helper()
	events, err := a.store.Events(context.Background(), a.demo.Community.ID)
	if err != nil || len(events) == 0 {
		t.Fatalf("demo events: %v, %v", events, err)
	}
	return events[0].ID
}
