package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/web"
)

func TestPublicPages(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		home := c.get("/")
		wantStatus(t, home, http.StatusOK)
		mustContain(t, home.body, `<a href="/c/open-gov-canada">Open Government Community Call · Canada</a>`, `lang="en-CA"`)

		// The community page puts the reboot call first, with its announced agenda and its time across Canada.
		page := c.get("/c/open-gov-canada")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Next call", "Wednesday, November 13, 2019 · 12:00 p.m. EST",
			"What the Ontario Open Government Team has been up to", "Launching Re:OpenGov",
			"9:00 a.m. PST", "10:00 a.m. MST", "11:00 a.m. CST", "1:00 p.m. AST", "1:30 p.m. NST", "Past calls", "Jun 12, 2019")

		call := c.get(fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID))
		wantStatus(t, call, http.StatusOK)
		// The reboot call's join details are for registered participants: a visitor learns how to get them.
		mustContain(t, call.body, "The reboot", "Christine Hagyard", "Richard Pierto", `datetime="2019-11-13T17:00:00Z"`,
			"Register to receive the link", "27 people registered.")
		mustNotContain(t, call.body, "Edit call", "912 323 161", "912323161", "005064", "aegrsblAn2")
		org := a.client()
		org.signIn()
		mustContain(t, org.get(fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)).body, "912 323 161", "005064",
			`href="tel:+16475580588,,912323161%23"`, "+1 720 707 2699", "US (Denver)", "https://zoom.us/u/aegrsblAn2")

		series := c.get(fmt.Sprintf("/c/open-gov-canada/series/%d", a.demo.Series.ID))
		wantStatus(t, series, http.StatusOK)
		mustContain(t, series.body, "Monthly, on the second Wednesday", "Pilot", "Fall reboot", "extended to June", "2019-01-01 to 2019-06-30", "7 calls", "Summit-week meet-up", "2020–2021")

		past, _ := a.store.Calls(context.Background(), convene.CallFilter{CommunityID: a.demo.Community.ID, To: testNow, Descending: true, Limit: 1})
		held := c.get(fmt.Sprintf("/c/open-gov-canada/calls/%d", past[0].ID))
		mustContain(t, held.body, "This call has ended.", "Registration is closed for this call.")
		mustNotContain(t, held.body, "005064")

		missing := c.get("/c/open-gov-canada/calls/999999")
		wantStatus(t, missing, http.StatusNotFound)
		mustContain(t, missing.body, "This call does not exist.")
	})
}

func TestViewerZoneAndLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		r := c.post("/prefs/zone", url.Values{"zone": {"America/St_Johns"}, "next": {path}})
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != path {
			t.Fatalf("redirected to %q", r.location)
		}
		mustContain(t, c.get(path).body, "Wednesday, November 13, 2019 · 1:30 p.m. NST", `<option value="America/St_Johns" selected>`)

		// A "next" that leaves the site is ignored; an unknown zone is refused.
		wantStatus(t, c.post("/prefs/zone", url.Values{"zone": {"America/Regina"}, "next": {"//evil.example/"}}), http.StatusSeeOther)
		bad := c.post("/prefs/zone", url.Values{"zone": {"Canada/Nowhere"}})
		wantStatus(t, bad, http.StatusUnprocessableEntity)
		mustContain(t, bad.body, "is not a time zone we know")

		r = c.get("/lang/fr?next=" + url.QueryEscape(path))
		wantStatus(t, r, http.StatusSeeOther)
		fr := c.get(path).body
		mustContain(t, fr, `lang="fr-CA"`, "mercredi 13 novembre 2019 · 11\u00a0h HNC", "Ordre du jour", "Comment se joindre",
			"Terre-Neuve (St. John’s)", "Présenté par Christine Hagyard")

		// Accept-Language alone picks French for a new visitor.
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/", nil)
		req.Header.Set("Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5")
		mustContain(t, a.client().do(req).body, "Appels communautaires")
	})
}

func TestOrganizerPlansASeries(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c := a.client()
		c.signIn()
		r := c.post("/c/open-gov-canada/series/new", url.Values{"title": {"Open Data Office Hours"}, "rrule": {"FREQ=WEEKLY;BYDAY=TU"},
			"starts_on": {"2019-11-01"}, "start_time": {"13:30"}, "time_zone": {"America/Halifax"}, "duration": {"45"}})
		wantStatus(t, r, http.StatusSeeOther)
		all, _ := a.store.SeriesOf(ctx, a.demo.Community.ID)
		var sr *convene.Series
		for _, s := range all {
			if s.Title == "Open Data Office Hours" {
				sr = s
			}
		}
		if sr == nil || sr.TimeZone != "America/Halifax" || sr.DurationMinutes != 45 {
			t.Fatalf("series not stored as posted: %+v", sr)
		}
		if r.location != fmt.Sprintf("/c/open-gov-canada/series/%d/seasons/new", sr.ID) {
			t.Fatalf("redirected to %q", r.location)
		}
		r = c.post(r.location, url.Values{"name": {"Winter"}, "starts_on": {"2019-11-01"}, "ends_on": {"2019-11-30"}})
		wantStatus(t, r, http.StatusSeeOther)
		page := c.get(r.location)
		mustContain(t, page.body, "Season created and its calls scheduled.", "Winter", "4 calls", "Nov 5, 2019 · 12:30 p.m. EST")

		calls, _ := a.store.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		if len(calls) != 4 {
			t.Fatalf("calls = %d, want 4 Tuesdays", len(calls))
		}
		callPath := fmt.Sprintf("/c/open-gov-canada/calls/%d", calls[0].ID)
		r = c.post(callPath+"/agenda/new", url.Values{"kind": {"ask"}, "title": {"Who can review the data standard?"},
			"presenter_name": {"Jury Konga"}, "minutes": {"10"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get(callPath).body, "Who can review the data standard?", "Presented by Jury Konga", "10 minutes", "Edit call")

		// Moving and cancelling a call through its form.
		r = c.post(callPath+"/edit", url.Values{"date": {"2019-11-06"}, "time": {"14:00"}, "duration": {"45"}, "status": {"cancelled"}})
		wantStatus(t, r, http.StatusSeeOther)
		got, _ := a.store.CallByID(ctx, calls[0].ID)
		if got.Status != convene.CallCancelled || got.StartsAt.Format("2006-01-02T15:04Z07:00") != "2019-11-06T18:00Z" || !got.Moved() {
			t.Fatalf("call after edit: %+v", got)
		}
		mustContain(t, c.get(callPath).body, "This call is cancelled.", "Moved from")
	})
}

func TestVisitorsCannotOrganize(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		form := url.Values{"title": {"Intruder"}, "rrule": {"FREQ=WEEKLY"}, "starts_on": {"2019-11-01"}, "start_time": {"12:00"},
			"time_zone": {"UTC"}, "duration": {"60"}}
		anon := a.client()
		wantStatus(t, anon.post("/c/open-gov-canada/series/new", form), http.StatusUnauthorized)
		r := anon.get("/c/open-gov-canada/series/new")
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != "/signin?next=%2Fc%2Fopen-gov-canada%2Fseries%2Fnew" {
			t.Fatalf("redirected to %q", r.location)
		}

		// Signing in from there leads back to the page that asked for it.
		r = anon.post(r.location, url.Values{"email": {"organizer@example.org"}, "password": {organizerPassword}})
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != "/c/open-gov-canada/series/new" {
			t.Fatalf("after sign-in redirected to %q", r.location)
		}

		// A signed-in member without an organizer role is refused.
		u := &convene.User{Email: "member@example.org", Name: "Member"}
		u.PasswordHash, _ = convene.HashPassword("member password 1")
		if err := a.store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := a.store.SetRole(ctx, a.demo.Community.ID, u.ID, convene.RoleMember); err != nil {
			t.Fatal(err)
		}
		member := a.client()
		wantStatus(t, member.post("/signin", url.Values{"email": {"member@example.org"}, "password": {"member password 1"}}), http.StatusSeeOther)
		r = member.post("/c/open-gov-canada/series/new", form)
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "Only the organizers of Open Government Community Call · Canada can do this.", "ask one of its organizers")
		wantStatus(t, member.post(fmt.Sprintf("/c/open-gov-canada/calls/%d/agenda/new", a.demo.RebootID), url.Values{"kind": {"ask"}, "title": {"x"}}), http.StatusForbidden)

		// A forged cross-site POST from a signed-in organizer's browser is refused too.
		org := a.client()
		org.signIn()
		for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
			req, _ := http.NewRequest(http.MethodPost, a.http.URL+"/c/open-gov-canada/series/new", stringsReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			r := org.do(req)
			wantStatus(t, r, http.StatusForbidden)
			mustContain(t, r.body, "This request came from another site and was refused.")
		}
		all, _ := a.store.SeriesOf(ctx, a.demo.Community.ID)
		if len(all) != 1 {
			t.Fatalf("series = %d, want only the demo's", len(all))
		}
	})
}

func TestInvalidInputWritesNothing(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c := a.client()
		c.signIn()
		r := c.post("/c/open-gov-canada/series/new", url.Values{"title": {""}, "rrule": {"FREQ=FORTNIGHTLY"}, "starts_on": {"2019-13-40"},
			"start_time": {"25:00"}, "time_zone": {"America/Atlantis"}, "duration": {"ten"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This field is required.", "This is not a recurrence rule we can read.",
			"Enter a date as YYYY-MM-DD.", "Enter a time as HH:MM (24-hour).", html.EscapeString("“America/Atlantis” is not a time zone we know."),
			"Enter a whole number.", `aria-invalid="true"`, `value="FREQ=FORTNIGHTLY"`, `role="alert"`)

		seriesPath := fmt.Sprintf("/c/open-gov-canada/series/%d", a.demo.Series.ID)
		r = c.post(seriesPath+"/seasons/new", url.Values{"name": {"Backwards"}, "starts_on": {"2021-06-01"}, "ends_on": {"2021-01-01"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "The season must end on or after the day it starts.")
		r = c.post(seriesPath+"/seasons/new", url.Values{"name": {"Overlap"}, "starts_on": {"2019-06-01"}, "ends_on": {"2019-08-01"}})
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "These dates overlap another season of this series.")

		long := make([]byte, convene.MaxTitle+1)
		for i := range long {
			long[i] = 'x'
		}
		r = c.post(fmt.Sprintf("/c/open-gov-canada/calls/%d/agenda/new", a.demo.RebootID), url.Values{"kind": {"update"}, "title": {string(long)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Use at most 200 characters.")

		// Another community's organizer cannot reach this community's calls through their own slug.
		admin := &convene.User{Email: "admin@example.org", Name: "Admin", IsAdmin: true}
		admin.PasswordHash, _ = convene.HashPassword("admin password 1")
		if err := a.store.CreateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}
		ac := a.client()
		wantStatus(t, ac.post("/signin", url.Values{"email": {"admin@example.org"}, "password": {"admin password 1"}}), http.StatusSeeOther)
		wantStatus(t, ac.post("/communities/new", url.Values{"name": {"Open Data BC"}, "slug": {"open-data-bc"}, "time_zone": {"America/Vancouver"}, "languages": {"en"}}), http.StatusSeeOther)
		r = ac.post("/communities/new", url.Values{"name": {"Again"}, "slug": {"open-gov-canada"}, "time_zone": {"America/Toronto"}, "languages": {"en,fr"}})
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "Another community already uses this address.")
		r = ac.post(fmt.Sprintf("/c/open-data-bc/calls/%d/agenda/new", a.demo.RebootID), url.Values{"kind": {"update"}, "title": {"Sneaky"}})
		wantStatus(t, r, http.StatusNotFound)

		items, _ := a.store.Agenda(ctx, a.demo.RebootID)
		seasons, _ := a.store.SeasonsOf(ctx, a.demo.Series.ID)
		all, _ := a.store.SeriesOf(ctx, a.demo.Community.ID)
		communities, _ := a.store.Communities(ctx)
		if len(items) != 3 || len(all) != 1 || len(communities) != 2 || len(seasons) != 3 {
			t.Fatalf("invalid input wrote something: %d items, %d series, %d communities, %d seasons", len(items), len(all), len(communities), len(seasons))
		}
	})
}

func TestJoinKitFromPastedInvitation(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c := a.client()
		c.signIn()
		callPath := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		invitation := "Jane Doe is inviting you to a scheduled Zoom meeting.\n\nTopic: Summit debrief\n\nJoin Zoom Meeting\n" +
			"https://us02web.zoom.us/j/85775884256?pwd=UXRy\n\nMeeting ID: 857 7588 4256\nPasscode: 010383\nOne tap mobile\n" +
			"+16475580588,,85775884256#,,,,*010383# Canada\n\nDial by your location\n        +1 647 558 0588 Canada\n"
		r := c.post(callPath+"/joinkit", url.Values{"invitation": {invitation}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "were filled in from the invitation", `value="857 7588 4256"`, `value="010383"`,
			`value="https://us02web.zoom.us/j/85775884256?pwd=UXRy"`, "+1 647 558 0588 Canada")
		if _, own, _ := a.store.CallJoinKit(ctx, mustCall(t, a, a.demo.RebootID)); own {
			t.Fatal("pasting alone saved a kit")
		}
		// The same invitation copied onto one line, as mail clients do, fills in the numbers too;
		// a line that cannot be read is named rather than dropped in silence.
		oneLine := strings.Join(strings.Fields(invitation), " ") + " +1 438 809 7799 Canada"
		r = c.post(callPath+"/joinkit", url.Values{"invitation": {oneLine}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "were filled in from the invitation", `value="857 7588 4256"`, `value="010383"`,
			"+1 647 558 0588 Canada", "+1 438 809 7799 Canada")
		mustNotContain(t, r.body, "were not used")
		r = c.post(callPath+"/joinkit", url.Values{"invitation": {invitation + "        ask the front desk for the number\n"}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "were not used; add them by hand if people need them: ask the front desk for the number")
		r = c.post(callPath+"/joinkit", url.Values{"invitation": {"Lunch on Friday? Call me at 613-555-0100."}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, html.EscapeString("We couldn’t find a Zoom meeting ID or link in this text."))

		r = c.post(callPath+"/joinkit", url.Values{"provider": {"zoom"}, "join_url": {"https://us02web.zoom.us/j/85775884256?pwd=UXRy"},
			"meeting_id": {"857 7588 4256"}, "passcode": {"010383"}, "phone_passcode": {"on"}, "dial_ins": {"+1 647 558 0588 Canada"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get(callPath).body, "857 7588 4256", "+16475580588,,85775884256#,,,,*010383#")

		r = c.post(callPath+"/joinkit", url.Values{"provider": {"zoom"}, "join_url": {"ftp://nope"}, "dial_ins": {"call the office"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Enter a web address starting with https://.", "This line has no phone number: call the office")
		k, _, _ := a.store.CallJoinKit(ctx, mustCall(t, a, a.demo.RebootID))
		if k.MeetingID != "85775884256" {
			t.Fatalf("invalid kit replaced the saved one: %+v", k)
		}
	})
}

func mustCall(t *testing.T, a *app, id int64) *convene.Call {
	t.Helper()
	c, err := a.store.CallByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSignInIsRateLimited(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		for i := 0; i < 5; i++ {
			r := c.post("/signin", url.Values{"email": {"organizer@example.org"}, "password": {"wrong password"}})
			wantStatus(t, r, http.StatusUnauthorized)
			mustContain(t, r.body, "That email address and password do not match.")
		}
		r := c.post("/signin", url.Values{"email": {"organizer@example.org"}, "password": {organizerPassword}})
		wantStatus(t, r, http.StatusTooManyRequests)
		mustContain(t, r.body, "Too many failed attempts. Try again in 15 minutes.")
	})
}

// TestPageCacheServesVisitorsAndForgetsOnWrite checks that anonymous visitors share a rendered page
// while it is fresh, that a write through the site empties the cache, and that organizers always
// see the live page.
func TestPageCacheServesVisitorsAndForgetsOnWrite(t *testing.T) {
	eachAppWith(t, func(c *web.Config) { c.PageCacheTTL = time.Minute }, func(t *testing.T, a *app) {
		ctx := context.Background()
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		visitor := a.client()
		mustContain(t, visitor.get(path).body, "Launching Re:OpenGov")

		// A change made behind the web's back (another instance) is not seen until the entry expires.
		items, _ := a.store.Agenda(ctx, a.demo.RebootID)
		items[1].Title = "Re:OpenGov has launched"
		if err := a.store.UpdateAgendaItem(ctx, a.demo.Community.ID, items[1]); err != nil {
			t.Fatal(err)
		}
		mustContain(t, visitor.get(path).body, "Launching Re:OpenGov")

		// An organizer sees the live page, and their write through the site empties the cache.
		org := a.client()
		org.signIn()
		mustContain(t, org.get(path).body, "Re:OpenGov has launched")
		wantStatus(t, org.post(path+"/agenda/new", url.Values{"kind": {"ask"}, "title": {"Volunteers for the podcast"}}), http.StatusSeeOther)
		mustContain(t, visitor.get(path).body, "Re:OpenGov has launched", "Volunteers for the podcast")

		// Each language and zone has its own entry.
		visitor.get("/lang/fr?next=/")
		mustContain(t, visitor.get(path).body, "Ordre du jour")
	})
}

func TestOrganizerControls(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c := a.client()
		c.signIn()
		seriesPath := fmt.Sprintf("/c/open-gov-canada/series/%d", a.demo.Series.ID)
		callPath := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)

		// The agenda is edited on the call page: no "Move up" on the first item, no "Move down" on
		// the last, a removal that asks first, and the form that adds an item.
		items, _ := a.store.Agenda(ctx, a.demo.RebootID)
		page := c.get(callPath + "?lang=en").body
		for _, gone := range []string{fmt.Sprintf("/agenda/%d/up", items[0].ID), fmt.Sprintf("/agenda/%d/down", items[2].ID)} {
			mustNotContain(t, page, gone)
		}
		mustContain(t, page, fmt.Sprintf("/agenda/%d/down", items[0].ID), fmt.Sprintf("/agenda/%d/up", items[2].ID),
			"<summary>Remove…", `<input type="hidden" name="confirm" value="yes">`, "Yes, remove it",
			`<summary>Add an agenda item</summary>`, `action="`+callPath+`/agenda/new"`)
		wantStatus(t, c.post(fmt.Sprintf("%s/agenda/%d/down", callPath, items[0].ID), nil), http.StatusSeeOther)
		r := c.post(fmt.Sprintf("%s/agenda/%d/delete?lang=en", callPath, items[2].ID), nil) // not confirmed: kept
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Confirm the removal")
		if kept, _ := a.store.Agenda(ctx, a.demo.RebootID); len(kept) != 3 {
			t.Fatalf("an unconfirmed removal removed: %d items", len(kept))
		}
		wantStatus(t, c.post(fmt.Sprintf("%s/agenda/%d/delete", callPath, items[2].ID), url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		wantStatus(t, c.post(fmt.Sprintf("%s/agenda/%d/sideways", callPath, items[1].ID), nil), http.StatusNotFound)
		after, _ := a.store.Agenda(ctx, a.demo.RebootID)
		if len(after) != 2 || after[0].ID != items[1].ID || after[1].ID != items[0].ID {
			t.Fatalf("agenda after moving and deleting: %+v %+v", after[0], after[1])
		}

		// Edit an agenda item through its form.
		r = c.post(fmt.Sprintf("%s/agenda/%d/edit", callPath, items[0].ID), url.Values{"kind": {"update"}, "title": {"Ontario's open government update"},
			"presenter_name": {"Christine Hagyard"}, "minutes": {"20"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get(callPath).body, "Ontario's open government update", "20 minutes")

		// Pause and resume the current season (the fall reboot, seen from October 30, 2019).
		seasons, _ := a.store.SeasonsOf(ctx, a.demo.Series.ID)
		reboot := seasons[1]
		wantStatus(t, c.post(fmt.Sprintf("%s/seasons/%d/pause", seriesPath, reboot.ID), nil), http.StatusSeeOther)
		page = c.get(seriesPath).body
		mustContain(t, page, "Season paused: its future calls are off the schedule.", "Paused", "Resume season")
		calls, _ := a.store.Calls(ctx, convene.CallFilter{SeasonID: reboot.ID})
		// The reboot call and December's both carry an agenda, so they stay, cancelled; the others go.
		if len(calls) != 2 || calls[0].ID != a.demo.RebootID || calls[0].Status != convene.CallCancelled || calls[1].Status != convene.CallCancelled {
			t.Fatalf("paused season keeps %d calls", len(calls))
		}
		wantStatus(t, c.post(fmt.Sprintf("%s/seasons/%d/resume", seriesPath, reboot.ID), nil), http.StatusSeeOther)
		calls, _ = a.store.Calls(ctx, convene.CallFilter{SeasonID: reboot.ID})
		if len(calls) != 8 || calls[0].Status != convene.CallScheduled {
			t.Fatalf("resumed season has %d calls, first %s", len(calls), calls[0].Status)
		}

		// Extend a season through its form: the pilot gains July 2019.
		pilot := seasons[0]
		r = c.post(fmt.Sprintf("%s/seasons/%d/edit", seriesPath, pilot.ID), url.Values{"name": {"Pilot"}, "starts_on": {"2019-01-01"}, "ends_on": {"2019-07-31"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get(seriesPath).body, "2019-01-01 to 2019-07-31 · 8 calls")

		// Replace the series' join kit; calls without their own kit show it.
		r = c.post(seriesPath+"/joinkit", url.Values{"provider": {"jitsi"}, "join_url": {"https://meet.jit.si/OpenGovCanada"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get(callPath).body, "https://meet.jit.si/OpenGovCanada", "Join the Jitsi Meet meeting")

		// Edit the community.
		r = c.post("/c/open-gov-canada/edit", url.Values{"name": {"Open Government Canada"}, "slug": {"open-gov-canada"},
			"time_zone": {"America/Halifax"}, "languages": {"en,fr"}, "description": {"Across the country."}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get("/c/open-gov-canada").body, "<h1>Open Government Canada</h1>", "Across the country.")

		// Signing out ends the session: organizer pages ask to sign in again.
		wantStatus(t, c.post("/signout", nil), http.StatusSeeOther)
		r = c.get(seriesPath + "/edit")
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != "/signin?next="+url.QueryEscape(seriesPath+"/edit") {
			t.Fatalf("after sign-out redirected to %q", r.location)
		}
	})
}
