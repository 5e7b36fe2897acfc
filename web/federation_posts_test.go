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
)

// TestFollowsWaitForApprovalAndPostsAreOptIn: a community that approves its members holds a
// follow for its organizers; its events go out as Events; minutes and initiative updates go out
// as posts to the followers only once it opts in, without their authors' names; and no
// ActivityPub answer, WebFinger or NodeInfo says an address or a join kit.
func TestFollowsWaitForApprovalAndPostsAreOptIn(t *testing.T) {
	eachPair(t, func(t *testing.T, a *app, aClock *settableClock, b *app, _ *settableClock) {
		ctx := context.Background()
		hostA := strings.TrimPrefix(a.http.URL, "http://")
		c, err := a.store.CommunityBySlug(ctx, "open-gov-canada")
		if err != nil {
			t.Fatal(err)
		}
		c.ApproveMembers = true
		if err := a.store.UpdateCommunity(ctx, c); err != nil {
			t.Fatal(err)
		}
		orgB := b.client()
		orgB.signIn()
		wantStatus(t, orgB.post("/c/open-gov-canada/federation", url.Values{"who": {"open-gov-canada@" + hostA}}), http.StatusSeeOther)
		exchange(t, b, a, b)
		mustContain(t, orgB.get("/c/open-gov-canada/federation?lang=en").body, "waiting for their answer")
		mustNotContain(t, b.client().get("/c/open-gov-canada?lang=en").body, "Across the movement")

		// A's organizer sees the follow waiting and accepts it.
		orgA := a.client()
		orgA.signIn()
		page := orgA.get("/c/open-gov-canada/federation?lang=en")
		mustContain(t, page.body, "Follows waiting for your approval", b.http.URL+"/c/open-gov-canada")
		wantStatus(t, orgA.post("/c/open-gov-canada/federation", url.Values{"action": {"approve"}, "actor": {b.http.URL + "/c/open-gov-canada"}}),
			http.StatusSeeOther)
		exchange(t, a, b)
		mustNotContain(t, orgB.get("/c/open-gov-canada/federation?lang=en").body, "waiting for their answer")
		home := b.client().get("/c/open-gov-canada?lang=en")
		mustContain(t, home.body, "Across the movement")

		// An initiative update before opting in stays home; after, it goes out as a post.
		in, err := a.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: a.demo.Community.ID})
		if err != nil || len(in) == 0 {
			t.Fatalf("initiatives %v %v", in, err)
		}
		post := func(body string) {
			t.Helper()
			aClock.Set(aClock.Now().Add(time.Minute))
			up := &convene.InitiativeUpdate{InitiativeID: in[0].ID, AuthorID: 0, Body: body}
			if err := a.store.AddUpdate(ctx, up); err != nil {
				t.Fatal(err)
			}
			quiet(t, a)
		}
		post("Kept at home: the data inventory is half done.")
		_, _, outbox := getAP(t, a, "/c/open-gov-canada/outbox?page=true")
		mustContain(t, outbox, `"type":"Create"`, `"type":"Event"`)
		mustNotContain(t, outbox, "Kept at home", `"type":"Note"`)
		wantStatus(t, orgA.post("/c/open-gov-canada/federation", url.Values{"action": {"notes_on"}}), http.StatusSeeOther)
		post("Shared: the data inventory is published.")
		_, _, outbox = getAP(t, a, "/c/open-gov-canada/outbox?page=true")
		mustContain(t, outbox, `"type":"Note"`, "Shared: the data inventory is published.", `"to":["`+a.http.URL+`/c/open-gov-canada/followers"]`)
		exchange(t, a, b) // B takes the post without keeping it: it keeps events

		// A coming gathering goes out as an Event with its place, and reaches B.
		ev := &convene.Event{CommunityID: a.demo.Community.ID, Name: "Open data day in Ottawa", TimeZone: "America/Toronto",
			StartsAt: time.Date(2020, 3, 7, 14, 0, 0, 0, time.UTC), EndsAt: time.Date(2020, 3, 7, 21, 0, 0, 0, time.UTC),
			Place: "Ottawa Public Library", Address: "120 Metcalfe Street, Ottawa"}
		aClock.Set(aClock.Now().Add(time.Minute))
		if err := a.store.CreateEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
		exchange(t, a, b)
		_, object, _ := getAP(t, a, fmt.Sprintf("/c/open-gov-canada/events/%d", ev.ID))
		if object["type"] != "Event" || object["name"] != "Open data day in Ottawa" || !strings.Contains(fmt.Sprint(object["location"]), "120 Metcalfe Street") {
			t.Fatalf("event object: %v", object)
		}
		mustContain(t, b.client().get("/c/open-gov-canada/movement.ics").body, "Open data day in Ottawa", "Ottawa Public Library")

		// Nothing any ActivityPub answer, WebFinger or NodeInfo says holds an address or a kit.
		paths := []string{"/c/open-gov-canada", "/c/open-gov-canada/outbox", "/c/open-gov-canada/outbox?page=true",
			"/c/open-gov-canada/followers", "/actor", "/.well-known/webfinger?resource=acct:open-gov-canada@127.0.0.1",
			"/.well-known/nodeinfo", "/nodeinfo/2.1"}
		calls, _ := a.store.Calls(ctx, convene.CallFilter{CommunityID: a.demo.Community.ID, From: testNow, Limit: 20})
		for _, call := range calls {
			paths = append(paths, fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID))
		}
		for _, p := range paths {
			status, _, body := getAP(t, a, p)
			if status >= 500 {
				t.Fatalf("%s: %d", p, status)
			}
			mustNotContain(t, body, "912323161", "912 323 161", "005064", "zoom.us", "aegrsblAn2")
			if e := emailPattern.FindString(body); e != "" {
				t.Errorf("%s shows the address %s", p, e)
			}
		}
	})
}
