package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

var ldPattern = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// structuredData reads the schema.org data of a page.
func structuredData(t *testing.T, body string) map[string]any {
	t.Helper()
	m := ldPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no JSON-LD in the page")
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	return v
}

// TestLinkPreviewsAndStructuredData checks a call page and an event page describe themselves to
// link previews (Open Graph) and search engines (a schema.org Event), never with join details,
// and that a moved or cancelled call says so.
func TestLinkPreviewsAndStructuredData(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		callURL := "/c/" + demo.Slug + "/calls/" + strconv.FormatInt(a.demo.RebootID, 10)
		r := a.client().get(callURL)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `<meta property="og:title" content="Open Government Community Call`, `<meta property="og:url" content="`+a.http.URL+callURL+`">`,
			`<meta name="description" content="Wednesday, November 13, 2019`)
		ld := structuredData(t, r.body)
		if ld["@type"] != "Event" || ld["startDate"] != "2019-11-13T17:00:00Z" || ld["eventStatus"] != "https://schema.org/EventScheduled" ||
			ld["eventAttendanceMode"] != "https://schema.org/OnlineEventAttendanceMode" || ld["url"] != a.http.URL+callURL {
			t.Fatalf("call JSON-LD = %v", ld)
		}
		kit, _, err := a.store.CallJoinKit(ctx, mustCall(t, a, a.demo.RebootID))
		if err != nil {
			t.Fatal(err)
		}
		m := ldPattern.FindStringSubmatch(r.body)[1]
		mustNotContain(t, m, kit.MeetingID, kit.JoinURL)

		// Moved, then cancelled.
		call := mustCall(t, a, a.demo.RebootID)
		call.StartsAt = call.StartsAt.Add(24 * time.Hour)
		if err := a.store.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		ld = structuredData(t, a.client().get(callURL).body)
		if ld["eventStatus"] != "https://schema.org/EventRescheduled" || ld["previousStartDate"] != "2019-11-13T17:00:00Z" {
			t.Fatalf("moved call JSON-LD = %v", ld)
		}
		call.Status = convene.CallCancelled
		if err := a.store.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		if ld = structuredData(t, a.client().get(callURL).body); ld["eventStatus"] != "https://schema.org/EventCancelled" {
			t.Fatalf("cancelled call JSON-LD = %v", ld)
		}

		// An event in person and online, with a name that tries to close the script.
		e := &convene.Event{CommunityID: a.demo.Community.ID, Name: "Hack night </script><script>alert(1)</script>", Place: "Ottawa", Online: true,
			Link: "https://example.org/live", TimeZone: "America/Toronto", StartsAt: testNow.Add(48 * time.Hour), EndsAt: testNow.Add(50 * time.Hour),
			Description: "Build open data tools together."}
		if err := a.store.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		r = a.client().get("/c/" + demo.Slug + "/events/" + strconv.FormatInt(e.ID, 10))
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(r.body, "<script>alert(1)") { // raw, not merely shown escaped
			t.Fatal("the event's name closed a script element")
		}
		mustContain(t, r.body, `<meta property="og:description" content="Build open data tools together.">`)
		ld = structuredData(t, r.body)
		locs, _ := ld["location"].([]any)
		if ld["name"] != e.Name || ld["eventAttendanceMode"] != "https://schema.org/MixedEventAttendanceMode" || len(locs) != 2 {
			t.Fatalf("event JSON-LD = %v", ld)
		}
	})
}

// A call's schema.org Event names its presenters as performers and keeps its theme and note apart;
// an event's place has its street address as address, never its name again.
func TestStructuredDataPerformersAndAddress(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		call := mustCall(t, a, a.demo.RebootID)
		call.Theme, call.Note = "Relaunch", "After the summer break"
		if err := a.store.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		ld := structuredData(t, a.client().get("/c/"+demo.Slug+"/calls/"+strconv.FormatInt(call.ID, 10)).body)
		b, _ := json.Marshal(ld["performer"])
		if ld["description"] != "Relaunch — After the summer break" ||
			!strings.Contains(string(b), `{"@type":"Person","affiliation":{"@type":"Organization","name":"Ontario Open Government Team"},"name":"Christine Hagyard"}`) ||
			!strings.Contains(string(b), `"name":"Richard Pierto"`) {
			t.Fatalf("description %q, performers %s", ld["description"], b)
		}

		e := &convene.Event{CommunityID: a.demo.Community.ID, Name: "Open data day", Place: "Shaw Centre", Address: "55 Colonel By Drive, Ottawa, ON K1N 9J2",
			TimeZone: "America/Toronto", StartsAt: testNow.Add(48 * time.Hour), EndsAt: testNow.Add(50 * time.Hour)}
		if err := a.store.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		r := a.client().get("/c/" + demo.Slug + "/events/" + strconv.FormatInt(e.ID, 10))
		mustContain(t, r.body, "Shaw Centre<br><address>55 Colonel By Drive, Ottawa, ON K1N 9J2</address>")
		b, _ = json.Marshal(structuredData(t, r.body)["location"])
		if string(b) != `[{"@type":"Place","address":{"@type":"PostalAddress","streetAddress":"55 Colonel By Drive, Ottawa, ON K1N 9J2"},"name":"Shaw Centre"}]` {
			t.Fatalf("location %s", b)
		}
		cal := parseICS(t, a.client().get("/c/"+demo.Slug+"/events/"+strconv.FormatInt(e.ID, 10)+"/event.ics").body)
		if cal.Events[0].Location != "Shaw Centre, 55 Colonel By Drive, Ottawa, ON K1N 9J2" {
			t.Fatalf("calendar location %q", cal.Events[0].Location)
		}

		// An address needs a place's name.
		bad := &convene.Event{CommunityID: a.demo.Community.ID, Name: "Nowhere", Address: "1 Main St", Online: true,
			TimeZone: "America/Toronto", StartsAt: testNow.Add(48 * time.Hour), EndsAt: testNow.Add(50 * time.Hour)}
		if err := a.store.CreateEvent(ctx, bad); convene.ErrorCode(err) != convene.EINVALID {
			t.Fatalf("an address without a place: %v", err)
		}
	})
}
