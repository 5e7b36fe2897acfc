package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/opengovcall/convene"
)

// icsEvent is an event as Mozilla's ical.js reads it.
type icsEvent struct {
	UID         string `json:"uid"`
	Sequence    int    `json:"sequence"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Summary     string `json:"summary"`
	SummaryLang string `json:"summaryLanguage"` // the LANGUAGE parameter, when the summary is not in the calendar's
	Description string `json:"description"`
	Location    string `json:"location"`
	Status      string `json:"status"`
	URL         string `json:"url"`
	Alarms      int    `json:"alarms"`
	Attendees   []struct {
		Address  string `json:"address"`
		PartStat string `json:"partstat"`
		RSVP     string `json:"rsvp"`
	} `json:"attendees"`
	Conference []struct {
		URI      string `json:"uri"`
		Features any    `json:"features"`
		Label    string `json:"label"`
	} `json:"conference"`
}

type icsCalendar struct {
	Method       string     `json:"method"`
	Description  string     `json:"description"`
	URL          string     `json:"url"`
	Source       string     `json:"source"`
	LastModified string     `json:"lastModified"`
	Name         string     `json:"name"`
	Refresh      string     `json:"refresh"`
	Events       []icsEvent `json:"events"`
}

// parseICS reads a calendar with ical.js, installed by the test command into .tools.
func parseICS(t *testing.T, body string) icsCalendar {
	t.Helper()
	var cal icsCalendar
	runICALJS(t, []string{body}, &cal)
	return cal
}

// parseICSAll reads several calendars with one run of ical.js.
func parseICSAll(t *testing.T, bodies []string) []icsCalendar {
	t.Helper()
	if len(bodies) == 1 {
		return []icsCalendar{parseICS(t, bodies[0])}
	}
	var cals []icsCalendar
	runICALJS(t, bodies, &cals)
	return cals
}

func runICALJS(t *testing.T, bodies []string, out any) {
	t.Helper()
	if !nodeCheck(t, "ical.js", "ICALJS_DIR", "icscheck", ".ics", bodies, out) {
		// Only the independent reading is skipped: the test goes on with golang-ical's.
		readWithGolangICal(t, bodies, out)
	}
}

// nodeCheck runs one of scripts/*/check.mjs on files holding bodies, with the npm module it wraps
// (installed by the test command into .tools), and reads its JSON into out. When node or the
// module is missing it fails the test in CI, and otherwise says so and reports false so the test
// can go on with a reader of its own.
func nodeCheck(t *testing.T, module, dirEnv, script, ext string, bodies []string, out any) bool {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", ".tools", "node_modules", module))
	if _, err := os.Stat(dir); err != nil || exec.Command("node", "--version").Run() != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s or node is missing (%v); the test command installs %s into .tools", module, err, module)
		}
		t.Logf("SKIPPING the independent reading by %s (npm install --prefix .tools %s)", module, module)
		return false
	}
	args := []string{filepath.Join("..", "scripts", script, "check.mjs")}
	for i, body := range bodies {
		file := filepath.Join(t.TempDir(), fmt.Sprintf("input%d%s", i, ext))
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, file)
	}
	cmd := exec.Command("node", args...)
	cmd.Env = append(os.Environ(), dirEnv+"="+dir)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s could not read it: %v\n%s\n%s", module, err, b, bodies[0])
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return true
}

// wellFormed checks the octet-level rules clients trip on: CRLF line ends, folding at 75 octets.
func wellFormed(t *testing.T, body string) {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatal("feed does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d has a bare line break", i+1)
		}
	}
}

func eventByUID(t *testing.T, cal icsCalendar, uid string) icsEvent {
	t.Helper()
	for _, e := range cal.Events {
		if e.UID == uid {
			return e
		}
	}
	t.Fatalf("no event %s among %d", uid, len(cal.Events))
	return icsEvent{}
}

func TestSeriesFeed(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		// The demo keeps its meeting for registered people; here the series shows it to everyone
		// but the reboot call, to check both in one feed.
		if err := a.store.SetSeriesJoinVisibility(ctx, a.demo.Community.ID, a.demo.Series.ID, convene.JoinEveryone); err != nil {
			t.Fatal(err)
		}
		c := a.client()
		path := fmt.Sprintf("/c/open-gov-canada/series/%d/calendar.ics", a.demo.Series.ID)
		r := c.get(path)
		wantStatus(t, r, http.StatusOK)
		if r.header.Get("Content-Type") != "text/calendar; charset=utf-8" {
			t.Fatalf("content type %q", r.header.Get("Content-Type"))
		}
		wellFormed(t, r.body)
		cal := parseICS(t, r.body)
		calls, _ := a.store.Calls(ctx, convene.CallFilter{SeriesID: a.demo.Series.ID})
		if len(cal.Events) != len(calls) || cal.Name != "Open Government Community Call" || cal.Refresh != "PT1H" {
			t.Fatalf("%d events for %d calls, name %q, refresh %q", len(cal.Events), len(calls), cal.Name, cal.Refresh)
		}
		host := strings.TrimPrefix(a.http.URL, "http://")
		reboot := eventByUID(t, cal, fmt.Sprintf("call-%d@%s", a.demo.RebootID, host))
		if reboot.Start != "2019-11-13T17:00:00.000Z" || reboot.End != "2019-11-13T18:00:00.000Z" || reboot.Status != "CONFIRMED" ||
			reboot.Summary != "Open Government Community Call: The reboot" || !strings.HasSuffix(reboot.URL, fmt.Sprintf("/calls/%d", a.demo.RebootID)) {
			t.Fatalf("reboot event: %+v", reboot)
		}
		// The reboot's join kit is for registered participants: the public feed says how to get it.
		if !strings.Contains(reboot.Description, "Launching Re:OpenGov — Richard Pierto (Re:OpenGov)") ||
			strings.Contains(reboot.Description, "005064") || !strings.Contains(reboot.Description, "How to join: see the call page") {
			t.Fatalf("reboot description: %q", reboot.Description)
		}
		// Daylight time: April's noon call is at 16:00 UTC; December's shows the join kit to everyone.
		for _, call := range calls {
			e := eventByUID(t, cal, fmt.Sprintf("call-%d@%s", call.ID, host))
			if e.Start != call.StartsAt.UTC().Format("2006-01-02T15:04:05.000Z") {
				t.Fatalf("call %d starts %s in the feed, %s stored", call.ID, e.Start, call.StartsAt)
			}
			if call.StartsAt.Format("2006-01") == "2019-04" && e.Start != "2019-04-10T16:00:00.000Z" {
				t.Fatalf("April: %s", e.Start)
			}
			if call.StartsAt.Format("2006-01") == "2019-12" && (!strings.Contains(e.Description, "Passcode: 005064") ||
				!strings.Contains(e.Description, "+16475580588,,912323161# Canada") || e.Location != "https://zoom.us/j/912323161") {
				t.Fatalf("December: %q", e.Description)
			}
		}

		// Validators: an unchanged feed is a 304.
		etag := r.header.Get("ETag")
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
		req.Header.Set("If-None-Match", etag)
		if res := c.do(req); res.status != http.StatusNotModified {
			t.Fatalf("If-None-Match: %d", res.status)
		}

		// Moving, then cancelling, keeps the UID and raises SEQUENCE each time.
		org := a.client()
		org.signIn()
		callPath := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		wantStatus(t, org.post(callPath+"/edit", url.Values{"date": {"2019-11-14"}, "time": {"13:00"}, "duration": {"60"},
			"status": {"scheduled"}, "theme": {"The reboot"}, "join_visibility": {"registered"}}), http.StatusSeeOther)
		moved := eventByUID(t, parseICS(t, c.get(path).body), reboot.UID)
		if moved.Start != "2019-11-14T18:00:00.000Z" || moved.Sequence != reboot.Sequence+1 {
			t.Fatalf("moved: %+v (was sequence %d)", moved, reboot.Sequence)
		}
		req, _ = http.NewRequest(http.MethodGet, a.http.URL+path, nil)
		req.Header.Set("If-None-Match", etag)
		if res := c.do(req); res.status != http.StatusOK {
			t.Fatalf("a changed feed answered %d to an old ETag", res.status)
		}
		wantStatus(t, org.post(callPath+"/edit", url.Values{"date": {"2019-11-14"}, "time": {"13:00"}, "duration": {"60"},
			"status": {"cancelled"}, "theme": {"The reboot"}, "join_visibility": {"registered"}}), http.StatusSeeOther)
		cancelled := eventByUID(t, parseICS(t, c.get(path).body), reboot.UID)
		if cancelled.Status != "CANCELLED" || cancelled.Sequence != moved.Sequence+1 {
			t.Fatalf("cancelled: %+v", cancelled)
		}

		// The organizer downloading the call's own file sees the join kit.
		own := parseICS(t, org.get(callPath+"/calendar.ics").body)
		if len(own.Events) != 1 || !strings.Contains(own.Events[0].Description, "005064") {
			t.Fatalf("organizer's call file: %+v", own.Events)
		}
		// The community feed holds every call; the API names the feeds.
		if all := parseICS(t, c.get("/c/open-gov-canada/calendar.ics").body); len(all.Events) != len(calls) {
			t.Fatalf("community feed: %d events", len(all.Events))
		}
		mustContain(t, c.get(fmt.Sprintf("/api/v1/calls/%d", a.demo.RebootID)).body, `"ics_url":"`+a.http.URL+callPath+`/calendar.ics"`)
	})
}

var feedURL = regexp.MustCompile(`<code>webcal://[^<]*(/feeds/[A-Za-z0-9_-]+/calendar\.ics)</code>`)

func TestPersonalFeed(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c, u := a.signedIn(t, "feed.reader@example.net", "Feed Reader")
		if _, err := a.store.Register(ctx, a.demo.RebootID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.post("/me/feed", nil), http.StatusSeeOther)
		page := c.get("/me/calendar").body
		m := feedURL.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no feed address on the account page")
		}
		if again := c.get("/me/calendar").body; feedURL.MatchString(again) {
			t.Fatal("the feed address is shown a second time")
		}
		anyone := a.client() // calendar apps carry no cookies
		r := anyone.get(m[1])
		wantStatus(t, r, http.StatusOK)
		wellFormed(t, r.body)
		cal := parseICS(t, r.body)
		if len(cal.Events) != 1 || cal.Events[0].Alarms != 1 || !strings.Contains(cal.Events[0].Description, "Passcode: 005064") ||
			cal.Name != "Convene · Feed Reader" {
			t.Fatalf("personal feed: %+v", cal)
		}
		// Revoked and forged addresses are simply not found.
		wantStatus(t, c.post("/me/feed/delete", nil), http.StatusSeeOther)
		gone := anyone.get(m[1])
		wantStatus(t, gone, http.StatusNotFound)
		mustContain(t, gone.body, "This page does not exist.")
		wantStatus(t, anyone.get("/feeds/forged/calendar.ics"), http.StatusNotFound)
	})
}

// readWithGolangICal reads calendars as check.mjs reports them, with the library that wrote
// them: the fallback when node is missing outside CI, so the rest of a test still runs.
func readWithGolangICal(t *testing.T, bodies []string, out any) {
	t.Helper()
	unescape := strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)
	iso := func(tm time.Time, err error) string {
		if err != nil {
			return ""
		}
		return tm.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	var cals []icsCalendar
	for _, body := range bodies {
		cal, err := ics.ParseCalendar(strings.NewReader(body))
		if err != nil {
			t.Fatalf("golang-ical could not read the calendar: %v\n%s", err, body)
		}
		c := icsCalendar{}
		for _, p := range cal.CalendarProperties {
			switch p.IANAToken {
			case "METHOD":
				c.Method = p.Value
			case "DESCRIPTION":
				c.Description = unescape.Replace(p.Value)
			case "URL":
				c.URL = p.Value
			case "SOURCE":
				c.Source = p.Value
			case "LAST-MODIFIED":
				tm, err := time.Parse("20060102T150405Z", p.Value)
				c.LastModified = iso(tm, err)
			case "X-WR-CALNAME":
				c.Name = unescape.Replace(p.Value)
			case "REFRESH-INTERVAL":
				c.Refresh = p.Value
			}
		}
		for _, ev := range cal.Events() {
			prop := func(name ics.ComponentProperty) string {
				if p := ev.GetProperty(name); p != nil {
					return unescape.Replace(p.Value)
				}
				return ""
			}
			e := icsEvent{UID: prop(ics.ComponentPropertyUniqueId), Start: iso(ev.GetStartAt()), End: iso(ev.GetEndAt()),
				Summary: prop(ics.ComponentPropertySummary), Description: prop(ics.ComponentPropertyDescription),
				Location: prop(ics.ComponentPropertyLocation), Status: prop(ics.ComponentPropertyStatus), URL: prop(ics.ComponentPropertyUrl),
				Alarms: len(ev.Alarms())}
			if p := ev.GetProperty(ics.ComponentPropertySummary); p != nil && len(p.ICalParameters["LANGUAGE"]) > 0 {
				e.SummaryLang = p.ICalParameters["LANGUAGE"][0]
			}
			e.Sequence, _ = strconv.Atoi(prop(ics.ComponentPropertySequence))
			for _, a := range ev.GetProperties(ics.ComponentPropertyAttendee) {
				e.Attendees = append(e.Attendees, struct {
					Address  string `json:"address"`
					PartStat string `json:"partstat"`
					RSVP     string `json:"rsvp"`
				}{a.Value, strings.Join(a.ICalParameters["PARTSTAT"], ","), strings.Join(a.ICalParameters["RSVP"], ",")})
			}
			for _, p := range ev.GetProperties("CONFERENCE") {
				e.Conference = append(e.Conference, struct {
					URI      string `json:"uri"`
					Features any    `json:"features"`
					Label    string `json:"label"`
				}{p.Value, strings.Join(p.ICalParameters["FEATURE"], ","), strings.Join(p.ICalParameters["LABEL"], ",")})
			}
			c.Events = append(c.Events, e)
		}
		cals = append(cals, c)
	}
	switch out := out.(type) {
	case *icsCalendar:
		*out = cals[0]
	case *[]icsCalendar:
		*out = cals
	}
}
