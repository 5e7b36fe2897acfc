package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Feeds describe themselves (RFC 7986 DESCRIPTION, URL, SOURCE, LAST-MODIFIED), and events carry
// CONFERENCE properties for the ways to join, only where the reader may see them.
func TestFeedsCarryRFC7986Properties(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		feedPath := "/c/open-gov-canada/calendar.ics"
		r := a.client().get(feedPath)
		wantStatus(t, r, http.StatusOK)
		cal := parseICS(t, r.body)
		if cal.Description != a.demo.Community.Description || cal.URL != a.http.URL+"/c/open-gov-canada" ||
			cal.Source != a.http.URL+feedPath || cal.LastModified == "" {
			t.Fatalf("calendar properties: description %q url %q source %q last-modified %q", cal.Description, cal.URL, cal.Source, cal.LastModified)
		}
		for _, e := range cal.Events {
			if len(e.Conference) != 0 {
				t.Fatalf("the public feed shows a registered-only meeting in %s: %+v", e.UID, e.Conference)
			}
		}

		// A registered member's own feed has the meeting: video and one-tap phone.
		member, u := a.signedIn(t, "conference@example.net", "Con Ference")
		wantStatus(t, member.post(fmt.Sprintf("/c/open-gov-canada/calls/%d/register", a.demo.RebootID), url.Values{"scope": {"call"}}), http.StatusSeeOther)
		token, err := a.store.NewFeedToken(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		raw := a.client().get("/feeds/" + token + "/calendar.ics").body
		mustContain(t, unfold(raw), "CONFERENCE;FEATURE=AUDIO,VIDEO;LABEL=How to join;VALUE=URI:"+"https://zoom.us/j/")
		mine := parseICS(t, raw)
		if mine.Source != "" {
			t.Fatalf("a personal feed names its secret address as SOURCE: %q", mine.Source)
		}
		kit, _, err := a.store.CallJoinKit(ctx, mustCall(t, a, a.demo.RebootID))
		if err != nil {
			t.Fatal(err)
		}
		e := eventByUID(t, mine, fmt.Sprintf("call-%d@%s", a.demo.RebootID, strings.TrimPrefix(a.http.URL, "http://")))
		if len(e.Conference) < 2 || e.Conference[0].URI != kit.JoinURL || fmt.Sprint(e.Conference[0].Features) != "AUDIO,VIDEO" ||
			!strings.HasPrefix(e.Conference[1].URI, "tel:+") || fmt.Sprint(e.Conference[1].Features) != "PHONE" {
			t.Fatalf("conference properties: %+v", e.Conference)
		}
	})
}
