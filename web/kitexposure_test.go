package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// The seed's passcode and meeting ID are one recurring meeting's secret: in the demo, no anonymous
// page, API answer or public feed shows them on any call.
func TestDemoMeetingIsNeverPublic(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		calls, err := a.store.Calls(context.Background(), convene.CallFilter{CommunityID: a.demo.Community.ID})
		if err != nil {
			t.Fatal(err)
		}
		paths := []string{"/c/" + demo.Slug, "/c/" + demo.Slug + "/calendar.ics",
			fmt.Sprintf("/c/%s/series/%d", demo.Slug, a.demo.Series.ID), fmt.Sprintf("/c/%s/series/%d/calendar.ics", demo.Slug, a.demo.Series.ID),
			"/api/v1/communities/" + demo.Slug + "/calls?from=2019-01-01T00:00:00Z&to=2020-12-31T00:00:00Z"}
		for _, call := range calls {
			paths = append(paths, fmt.Sprintf("/c/%s/calls/%d", demo.Slug, call.ID), fmt.Sprintf("/api/v1/calls/%d", call.ID),
				fmt.Sprintf("/c/%s/calls/%d/calendar.ics", demo.Slug, call.ID))
		}
		for _, p := range paths {
			r := c.get(p)
			for _, secret := range []string{"005064", "912323161", "912 323 161", "zoom.us/j/"} {
				if strings.Contains(r.body, secret) {
					t.Fatalf("anonymous GET %s shows %q", p, secret)
				}
			}
		}
	})
}

// An organizer who hides one call's meeting while the series shows it to more people is warned,
// and can apply the call's level to the whole series in one step.
func TestStricterCallWarnsAboutItsSharedMeeting(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		seriesPath := fmt.Sprintf("/c/%s/series/%d", demo.Slug, a.demo.Series.ID)
		wantStatus(t, org.post(seriesPath+"/join-visibility", url.Values{"join_visibility": {"everyone"}, "next": {seriesPath}}), http.StatusSeeOther)
		call := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, a.demo.RebootID)
		page := org.get(call)
		mustContain(t, page.body, "but the series shows the same meeting on its other calls", `action="`+seriesPath+`/join-visibility"`,
			`name="join_visibility" value="registered"`)
		next, err := a.store.NextCall(context.Background(), a.demo.Community.ID, testNow.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		other := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, next.ID)
		mustContain(t, a.client().get(other).body, "005064")

		wantStatus(t, org.post(seriesPath+"/join-visibility", url.Values{"join_visibility": {"registered"}, "next": {call}}), http.StatusSeeOther)
		mustNotContain(t, a.client().get(other).body, "005064")
		mustNotContain(t, org.get(call).body, "but the series shows the same meeting")
		wantStatus(t, org.post(seriesPath+"/join-visibility", url.Values{"join_visibility": {"nobody"}}), http.StatusUnprocessableEntity)
		member, _ := a.signedIn(t, "not.an.organizer@example.net", "Member")
		wantStatus(t, member.post(seriesPath+"/join-visibility", url.Values{"join_visibility": {"everyone"}}), http.StatusForbidden)
	})
}
