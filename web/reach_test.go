package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/internal/benchdata"
)

// reachSample loads the hand-computed sample (see benchdata.LoadReachSample) into the app, owned
// by the demo organizer.
func reachSample(t *testing.T, a *app) *benchdata.ReachSample {
	t.Helper()
	ctx := context.Background()
	org, err := a.store.UserByEmail(ctx, demo.OrganizerEmail)
	if err != nil {
		t.Fatal(err)
	}
	sample, err := benchdata.LoadReachSample(ctx, a.store, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Summarized as the server's sweep would, so pages are measured as they usually run.
	if err := a.store.RefreshReach(ctx, sample.Community.ID); err != nil {
		t.Fatal(err)
	}
	return sample
}

// reachJSON is the part of the API's answer the tests read.
type reachJSON struct {
	Public bool `json:"public"`
	Totals struct {
		Registered     *int     `json:"registered"`
		Attended       *int     `json:"attended"`
		FirstTime      *int     `json:"first_time"`
		Returning      *int     `json:"returning"`
		Retained       *int     `json:"retained"`
		AttendanceRate *float64 `json:"attendance_rate"`
		RetentionRate  *float64 `json:"retention_rate"`
	} `json:"totals"`
	Jurisdictions []struct {
		Code     string `json:"code"`
		Attended *int   `json:"attended"`
	} `json:"jurisdictions"`
	Calls []struct {
		ID        int64 `json:"id"`
		Attended  *int  `json:"attended"`
		FirstTime *int  `json:"first_time"`
		Returning *int  `json:"returning"`
	} `json:"calls"`
	Concentration struct {
		Largest      string   `json:"largest"`
		LargestShare *float64 `json:"largest_share"`
		Diversity    *float64 `json:"diversity"`
		OneMinusHHI  *float64 `json:"one_minus_hhi"`
	} `json:"concentration"`
	Previous *struct {
		Season string `json:"season"`
	} `json:"previous_season"`
	Gaps map[string][]string `json:"gaps"`
}

func decodeReach(t *testing.T, r response) reachJSON {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	var out reachJSON
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return out
}

func intIs(p *int, n int) bool { return p != nil && *p == n }

func TestReachForOrganizers(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		sample := reachSample(t, a)
		base := "/c/reach-sample/reach"
		fall := "season=" + strconv.FormatInt(sample.Fall.ID, 10)
		c := a.client()
		c.signIn()
		before := a.store.Queries()
		page := c.get(base + "?" + fall)
		wantStatus(t, page, http.StatusOK)
		if n := a.store.Queries() - before; n > 15 { // a fixed handful, whatever the size of the community
			t.Errorf("the page took %d queries", n)
		}
		mustContain(t, page.body, "Reach of Reach sample", "Fall: ", "83%", "5 of 6 registrations", "(50%)",
			"How evenly spread (0 = everyone from one province or territory, 1 = evenly from all 13)", "0.41", "0.63", "Spring", "Prince Edward Island", "Indigenous organization",
			`/c/reach-sample/reach/people?jurisdiction=ON&amp;kind=attended&amp;`+fall, "<svg", `role="group"`)
		mustNotContain(t, page.body, "fewer than 5")

		// The list behind a figure names the people.
		list := c.get("/c/reach-sample/reach/people?jurisdiction=ON&kind=attended&" + fall)
		wantStatus(t, list, http.StatusOK)
		mustContain(t, list.body, "Sample Person A", "Sample Person C", "2 people")
		mustNotContain(t, list.body, "Sample Person D")
		guests := c.get("/c/reach-sample/reach/people?kind=first_time&call=" + strconv.FormatInt(sample.Calls["S2"], 10))
		mustContain(t, guests.body, "Sample Guest", "guest", "Sample Person E")

		// The JSON export and the API carry the same figures.
		for _, path := range []string{base + ".json?" + fall, "/api/v1/communities/reach-sample/reach?" + fall} {
			d := decodeReach(t, c.get(path))
			if d.Public || !intIs(d.Totals.Attended, 5) || !intIs(d.Totals.FirstTime, 2) || !intIs(d.Totals.Returning, 3) ||
				!intIs(d.Totals.Retained, 1) || !intIs(d.Totals.Registered, 5) || d.Totals.AttendanceRate == nil || *d.Totals.AttendanceRate != 0.8333 ||
				d.Concentration.Largest != "ON" || *d.Concentration.LargestShare != 0.5 || *d.Concentration.OneMinusHHI != 0.625 ||
				d.Previous == nil || d.Previous.Season != "Spring" || len(d.Calls) != 2 || len(d.Gaps["provinces"]) != 10 {
				t.Errorf("%s: %+v", path, d)
			}
		}
		csv := c.get(base + ".csv?" + fall)
		wantStatus(t, csv, http.StatusOK)
		mustContain(t, csv.body, "figure,category,value", "attended,,5", "jurisdiction_attended,ON,2", "attendance_rate,,0.8333",
			"concentration_one_minus_hhi,,0.625", "gap_sector,other,0")

		// All time and a date range.
		all := decodeReach(t, c.get(base+".json"))
		if !intIs(all.Totals.Attended, 9) || !intIs(all.Totals.Retained, 5) || all.Previous != nil {
			t.Errorf("all time: %+v", all.Totals)
		}
		dates := decodeReach(t, c.get(base+".json?from=2019-02-01&to=2019-09-30"))
		if !intIs(dates.Totals.Attended, 7) || !intIs(dates.Totals.FirstTime, 4) {
			t.Errorf("range: %+v", dates.Totals)
		}

		// In French.
		fr := a.client()
		fr.signIn()
		wantStatus(t, fr.get("/lang/fr"), http.StatusSeeOther)
		mustContain(t, fr.get(base+"?"+fall).body, "Rayonnement\u00a0: Reach sample", "83 %", "0,41", "Nouveaux venus revenus")
	})
}

func TestReachPublicViewHidesSmallCountsAndNames(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		sample := reachSample(t, a)
		base := "/c/reach-sample/reach"
		api := "/api/v1/communities/reach-sample/reach"
		fall := "?season=" + strconv.FormatInt(sample.Fall.ID, 10)
		anon := a.client()
		member, _ := a.signedIn(t, "reach.member@example.net", "Reach Member")

		// Private until the organizers share it.
		r := anon.get(base)
		wantStatus(t, r, http.StatusSeeOther)
		wantStatus(t, anon.get(api), http.StatusForbidden)
		wantStatus(t, anon.get(base+".json"), http.StatusForbidden)
		wantStatus(t, member.get(base), http.StatusForbidden)
		mustNotContain(t, anon.get("/c/reach-sample").body, "/c/reach-sample/reach")

		sample.Community.PublicReach = true
		if err := a.store.UpdateCommunity(ctx, sample.Community); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*client{anon, member} {
			page := c.get(base + fall)
			wantStatus(t, page, http.StatusOK)
			mustContain(t, page.body, "Public view", "fewer than 5", "rounded to the nearest 5", "Where to reach out next")
			mustNotContain(t, page.body, "Sample Person", "Sample Guest", "/reach/people", "(50%)", `name="from"`)
			// Free dates, which differenced against each other gave back hidden counts, are for organizers.
			for _, path := range []string{base + "?from=2019-01-01", api + "?from=2019-01-01&to=2019-06-30"} {
				r := c.get(path)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				mustContain(t, r.body, "whole seasons or all time")
			}
			for _, path := range []string{base, base + ".csv" + fall, base + ".json" + fall, api + fall, api} {
				r := c.get(path)
				wantStatus(t, r, http.StatusOK)
				mustNotContain(t, r.body, "Sample Person", "Sample Guest", "@example.org", "/reach/people")
			}
			wantStatus(t, c.get("/c/reach-sample/reach/people?kind=attended"), map[bool]int{true: http.StatusSeeOther, false: http.StatusForbidden}[c == anon])
		}
		d := decodeReach(t, anon.get(api+fall))
		if !d.Public || !intIs(d.Totals.Attended, 5) || d.Totals.FirstTime != nil || d.Totals.Returning != nil || d.Totals.Retained != nil ||
			d.Totals.RetentionRate != nil || d.Totals.AttendanceRate == nil {
			t.Errorf("public totals: %+v", d.Totals)
		}
		for _, j := range d.Jurisdictions {
			if j.Code == "ON" && j.Attended != nil {
				t.Errorf("public ON attendance shown: %d", *j.Attended)
			}
			if j.Code == "BC" && !intIs(j.Attended, 0) {
				t.Errorf("public BC attendance: %v", j.Attended)
			}
		}
		if d.Concentration.LargestShare != nil {
			t.Errorf("public largest share derived from a hidden count: %v", *d.Concentration.LargestShare)
		}
		// Trying to recover hidden cells: every count the public gets is a multiple of 5 (or
		// hidden), for the season and all time, so no total less its visible parts gives one back.
		for _, path := range []string{api + fall, api} {
			var doc any
			if err := json.Unmarshal([]byte(anon.get(path).body), &doc); err != nil {
				t.Fatal(err)
			}
			walkCounts(doc, "", func(key string, n float64) {
				if n != float64(int(n)) || strings.HasSuffix(key, "id") || strings.HasSuffix(key, "rate") || key == "suppressed_below" || key == "calls_recorded" {
					return // rates, shares, ids and numbers of calls are not counts of people
				}
				if int(n)%5 != 0 {
					t.Errorf("%s: public %s = %v, which is neither hidden nor rounded", path, key, n)
				}
			})
		}
		mustContain(t, anon.get(base+".csv"+fall).body, "first_time,,<5")
		mustContain(t, anon.get("/c/reach-sample").body, "/c/reach-sample/reach")
		// The organizer's form sets the choice back.
		org := a.client()
		org.signIn()
		edit := org.get("/c/reach-sample/edit")
		mustContain(t, edit.body, `name="public_reach" checked`)
	})
}

func TestReachBadRange(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		reachSample(t, a)
		c := a.client()
		c.signIn()
		base := "/c/reach-sample/reach"
		for q, want := range map[string]string{
			"?from=2019-10-01&to=2019-09-01": "The last day must be on or after the first day.",
			"?season=999999":                 "This season is not one of the community’s.",
			"?season=fall":                   "This season is not one of the community’s.",
			"?from=October":                  "Enter a date as YYYY-MM-DD.",
			"?to=2019-02-30":                 "Enter a date as YYYY-MM-DD.",
		} {
			r := c.get(base + q)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, want, "errors-summary", `aria-invalid="true"`)
			api := c.get("/api/v1/communities/reach-sample/reach" + q)
			wantStatus(t, api, http.StatusUnprocessableEntity)
			if !strings.Contains(api.body, `"code":"invalid"`) {
				t.Errorf("API %s: %s", q, api.body)
			}
		}
		fr := a.client()
		fr.signIn()
		wantStatus(t, fr.get("/lang/fr"), http.StatusSeeOther)
		mustContain(t, fr.get(base+"?from=2019-10-01&to=2019-09-01").body, "Le dernier jour doit être le même que le premier jour ou après celui-ci.")
		wantStatus(t, c.get("/c/reach-sample/reach/people?kind=everyone"), http.StatusUnprocessableEntity)
		wantStatus(t, c.get("/c/reach-sample/reach/people?kind=attended&jurisdiction=Atlantis"), http.StatusUnprocessableEntity)
	})
}

func TestReachDemoTellsTheStory(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		c.signIn()
		d := decodeReach(t, c.get("/c/"+demo.Slug+"/reach.json"))
		if d.Concentration.Largest != "ON" || d.Concentration.LargestShare == nil || *d.Concentration.LargestShare < 0.5 {
			t.Errorf("the demo is not Ontario-centric: %+v", d.Concentration)
		}
		if !intIs(d.Totals.Attended, 28) || !intIs(d.Totals.FirstTime, 28) || len(d.Calls) != 9 {
			t.Errorf("demo totals: attended %d, first time %d, %d calls", *d.Totals.Attended, *d.Totals.FirstTime, len(d.Calls))
		}
		// Each month brought new faces, and most came back; the summit-week meet-up was of regulars.
		for i, call := range d.Calls[1:7] {
			if call.ID == a.demo.SummitID {
				continue
			}
			if call.FirstTime == nil || *call.FirstTime == 0 || call.Returning == nil || *call.Returning <= *call.FirstTime {
				t.Errorf("pilot call %d: %+v", i+2, call)
			}
		}
		page := c.get("/c/" + demo.Slug + "/reach")
		mustContain(t, page.body, "Ontario", "British Columbia", "Where to reach out next")
	})
}

func TestReachPageAccessibility(t *testing.T) {
	axe := axeSource(t)
	browserApp(t, func(t *testing.T, a *app) {
		ctx := newBrowser(t)
		sample := reachSample(t, a)
		sample.Community.PublicReach = true
		if err := a.store.UpdateCommunity(context.Background(), sample.Community); err != nil {
			t.Fatal(err)
		}
		base := a.http.URL
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
		fall := "?season=" + strconv.FormatInt(sample.Fall.ID, 10)
		axeCheck(t, ctx, axe, "public reach", chromedp.Navigate(base+"/c/reach-sample/reach"+fall), chromedp.WaitReady(css(`footer`)))
		axeCheck(t, ctx, axe, "sign in",
			chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(css(`#f-email`)),
			chromedp.SendKeys(css(`#f-email`), demo.OrganizerEmail), chromedp.SendKeys(css(`#f-password`), organizerPassword),
			chromedp.Submit(css(`#f-password`)), chromedp.WaitVisible(css(`div.flash`)))
		axeCheck(t, ctx, axe, "organizer reach", chromedp.Navigate(base+"/c/reach-sample/reach"+fall), chromedp.WaitReady(css(`footer`)))
		axeCheck(t, ctx, axe, "demo reach", chromedp.Navigate(base+"/c/"+demo.Slug+"/reach"), chromedp.WaitReady(css(`footer`)))
		axeCheck(t, ctx, axe, "reach errors", chromedp.Navigate(base+"/c/reach-sample/reach?from=2019-10-01&to=2019-09-01"), chromedp.WaitVisible(css(`div.errors-summary`)))
		axeCheck(t, ctx, axe, "reach list", chromedp.Navigate(base+"/c/reach-sample/reach/people?"+url.Values{"kind": {"attended"}}.Encode()), chromedp.WaitReady(css(`footer`)))
	})
}

// walkCounts calls fn with every number in a JSON document and the key it sits under.
func walkCounts(v any, key string, fn func(key string, n float64)) {
	switch v := v.(type) {
	case float64:
		fn(key, v)
	case []any:
		for _, e := range v {
			walkCounts(e, key, fn)
		}
	case map[string]any:
		for k, e := range v {
			walkCounts(e, k, fn)
		}
	}
}
