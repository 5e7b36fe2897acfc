package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/opengovcall/convene"
)

// An organizer says "monthly, on the first Tuesday" with the picker, previews the dates, and
// saves; the rule is written for them, visitors read the schedule in words, and the edit form
// reads the rule back into the picker. Reminders are written in days and hours, not minutes.
func TestScheduleInWords(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		form := org.get("/c/open-gov-canada/series/new?lang=en").body
		mustContain(t, form, "<legend>When it meets</legend>", `<option value="monthly_weekday" selected>Monthly, on a weekday`,
			`name="preview" value="1">Preview the dates</button>`, `name="reminders" value="1 day, 1 hour"`)
		vals := url.Values{"title": {"Open Data Office Hours"}, "repeat": {"monthly_weekday"}, "weekday": {"TU"}, "nth": {"1"},
			"every": {"1"}, "day": {"1"}, "rrule": {"FREQ=MONTHLY;BYDAY=2WE"}, "starts_on": {"2019-11-01"}, "start_time": {"12:00"},
			"time_zone": {"America/Toronto"}, "duration": {"60"}, "reminders": {"2 jours, 30 minutes"}}

		before, _ := a.store.SeriesOf(ctx, a.demo.Community.ID)
		preview := vals
		preview.Set("preview", "1")
		r := org.post("/c/open-gov-canada/series/new?lang=en", preview)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "The next calls on this schedule", "Monthly, on the first Tuesday, at 12:00 p.m. EDT",
			"Tuesday, November 5, 2019 · 12:00 p.m. EST", "Tuesday, December 3, 2019 · 12:00 p.m. EST")
		if all, _ := a.store.SeriesOf(ctx, a.demo.Community.ID); len(all) != len(before) {
			t.Fatalf("a preview saved a series: %d series", len(all))
		}

		bad := url.Values{}
		for k, v := range vals {
			bad[k] = v
		}
		bad.Del("preview")
		bad.Set("repeat", "weekly")
		bad.Set("every", "0")
		r = org.post("/c/open-gov-canada/series/new?lang=en", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Enter a number of weeks from 1 to 8.")

		vals.Del("preview")
		r = org.post("/c/open-gov-canada/series/new?lang=en", vals)
		wantStatus(t, r, http.StatusSeeOther)
		var sr *convene.Series
		all, _ := a.store.SeriesOf(ctx, a.demo.Community.ID)
		for _, s := range all {
			if s.Title == "Open Data Office Hours" {
				sr = s
			}
		}
		if sr == nil || sr.RRule != "FREQ=MONTHLY;BYDAY=1TU" || sr.Reminders != "2880, 30" {
			t.Fatalf("series stored as %+v", sr)
		}
		path := "/c/open-gov-canada/series/" + strconv.FormatInt(sr.ID, 10)
		public := a.client().get(path + "?lang=fr").body
		mustContain(t, public, "Chaque mois, le premier mardi, à 12\u00a0h H")
		mustNotContain(t, public, "FREQ=", "RFC 5545")
		mustContain(t, a.client().get(path+"?lang=en").body, "Monthly, on the first Tuesday, at 12:00 p.m. E")
		mustContain(t, org.get(path+"?lang=en").body, "<code>FREQ=MONTHLY;BYDAY=1TU</code>")

		edit := org.get(path + "/edit?lang=en").body
		mustContain(t, edit, `<option value="monthly_weekday" selected>`, `<option value="TU" selected>Tuesday`, `<option value="1" selected>first`, `name="reminders" value="2 days, 30 minutes"`)
	})
}

// A season that starts before its series' first possible day would silently skip those calls:
// the form lists the calls it will create, says which it skips and why, and saves only once the
// organizer confirms.
func TestSeasonWarnsBeforeSkippingCalls(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		r := org.post("/c/open-gov-canada/series/new?lang=en", url.Values{"title": {"Winter Office Hours"}, "repeat": {"weekly"},
			"weekday": {"TU"}, "every": {"2"}, "starts_on": {"2020-01-01"}, "start_time": {"12:00"}, "time_zone": {"America/Toronto"},
			"duration": {"60"}})
		wantStatus(t, r, http.StatusSeeOther)
		season := r.location + "?lang=en"
		vals := url.Values{"name": {"Fall and winter"}, "starts_on": {"2019-09-01"}, "ends_on": {"2020-02-29"}}
		r = org.post(season, vals)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This season will have 4 calls", "Tuesday, January 14, 2020 · 12:00 p.m. EST",
			"Tuesday, February 25, 2020", "first possible day, Wednesday, January 1, 2020", "from Sunday, September 1, 2019 until then (9 in all)",
			`<input type="checkbox" id="f-confirm" name="confirm" value="1"><label for="f-confirm">Create the season without those calls</label>`)
		var sr *convene.Series
		all, _ := a.store.SeriesOf(ctx, a.demo.Community.ID)
		for _, s := range all {
			if s.Title == "Winter Office Hours" {
				sr = s
			}
		}
		if seasons, _ := a.store.SeasonsOf(ctx, sr.ID); len(seasons) != 0 {
			t.Fatalf("an unconfirmed season was saved: %v", seasons)
		}
		vals.Set("preview", "1")
		r = org.post(season, vals)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "This season will have 4 calls")
		vals.Del("preview")
		vals.Set("confirm", "1")
		wantStatus(t, org.post(season, vals), http.StatusSeeOther)
		if calls, _ := a.store.Calls(ctx, convene.CallFilter{SeriesID: sr.ID}); len(calls) != 4 {
			t.Fatalf("the confirmed season scheduled %d calls, want 4", len(calls))
		}
		// A season within the series' days saves at once.
		wantStatus(t, org.post(season, url.Values{"name": {"Spring"}, "starts_on": {"2020-03-01"}, "ends_on": {"2020-04-30"}}), http.StatusSeeOther)
	})
}

// Forms offer time zones by name, Canada's first (Yukon among them), then every zone by city;
// a zone typed by its common name is understood; the call page's table includes Yukon.
func TestZonesByName(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		form := org.get("/c/open-gov-canada/series/new?lang=en").body
		mustContain(t, form, `<optgroup label="Canada"><option value="America/Vancouver">Pacific (Vancouver)</option><option value="America/Whitehorse">Yukon (Whitehorse)</option>`,
			`<option value="America/Toronto" selected>Eastern (Toronto, Ottawa)</option>`, `<optgroup label="All time zones, by city">`,
			`<option value="Europe/Paris">Paris (Europe)</option>`, `<option value="America/Argentina/Buenos_Aires">Buenos Aires (America/Argentina)</option>`)
		mustContain(t, org.get("/me?lang=fr").body, `<option value="">Non précisé</option>`, `<optgroup label="Tous les fuseaux horaires, par ville">`)
		r := org.post("/c/open-gov-canada/series/new?lang=en", url.Values{"title": {"Eastern office hours"}, "repeat": {"weekly"},
			"weekday": {"TU"}, "every": {"1"}, "starts_on": {"2019-11-01"}, "start_time": {"12:00"}, "time_zone": {"Eastern"}, "duration": {"60"}})
		wantStatus(t, r, http.StatusSeeOther)
		all, _ := a.store.SeriesOf(ctx, a.demo.Community.ID)
		for _, s := range all {
			if s.Title == "Eastern office hours" && s.TimeZone != "America/Toronto" {
				t.Fatalf("'Eastern' stored as %q", s.TimeZone)
			}
		}
		r = org.post("/c/open-gov-canada/series/new?lang=en", url.Values{"title": {"Nowhere"}, "repeat": {"weekly"},
			"weekday": {"TU"}, "every": {"1"}, "starts_on": {"2019-11-01"}, "start_time": {"12:00"}, "time_zone": {"Middle Earth"}, "duration": {"60"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		page := a.client().get("/c/open-gov-canada/calls/" + strconv.FormatInt(a.demo.RebootID, 10) + "?lang=en").body
		// In 2019 Yukon still kept Pacific time in winter; it has kept UTC−7 all year since 2020.
		mustContain(t, page, `<th scope="row">Yukon (Whitehorse)</th><td>9:00 a.m. PST</td>`)
	})
}
