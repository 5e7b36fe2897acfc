package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/activitypub"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/web"
)

// federated starts an instance that federates over http on loopback, with its own clock, set to testNow, for federation tests.
func federated(t *testing.T, engine string) (*app, *settableClock) {
	t.Helper()
	clock := &settableClock{t: testNow}
	// Two instances on loopback over http: a test network, allowed only by this setting.
	return newApp(t, engine, func(c *web.Config) { c.Clock, c.FederationAllowHTTP = clock, true }), clock
}

// eachPair runs fn, per engine, on two federating instances A and B with their clocks.
func eachPair(t *testing.T, fn func(t *testing.T, a *app, aClock *settableClock, b *app, bClock *settableClock)) {
	t.Helper()
	runBeside(t)
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			a, aClock := federated(t, engine)
			b, bClock := federated(t, engine)
			fn(t, a, aClock, b, bClock)
		})
	}
}

// quiet runs an instance's background work until none is left.
func quiet(t *testing.T, a *app) {
	t.Helper()
	for i := 0; i < 20; i++ {
		n, err := a.server.RunJobsOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("background work never ends")
}

// exchange runs both instances' background work until both are quiet.
func exchange(t *testing.T, apps ...*app) {
	t.Helper()
	for i := 0; i < 5; i++ {
		for _, a := range apps {
			quiet(t, a)
		}
	}
}

// getAP fetches an ActivityPub document from an instance.
func getAP(t *testing.T, a *app, path string) (int, map[string]any, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
	req.Header.Set("Accept", activitypub.ContentType)
	r := a.client().do(req)
	var out map[string]any
	_ = json.Unmarshal([]byte(r.body), &out)
	return r.status, out, r.body
}

// TestTwoInstancesFollowEachOther: B's community follows A's by its handle; A's calls reach B as
// they are created, changed and cancelled, on B's page, its movement calendar, and with B down
// for a while nothing is lost.
func TestTwoInstancesFollowEachOther(t *testing.T) {
	eachPair(t, func(t *testing.T, a *app, aClock *settableClock, b *app, bClock *settableClock) {
		ctx := context.Background()
		hostA := strings.TrimPrefix(a.http.URL, "http://")

		// A's community is an actor: WebFinger, the Group, NodeInfo.
		r := a.client().get("/.well-known/webfinger?resource=acct:open-gov-canada@127.0.0.1")
		mustContain(t, r.body, `"rel":"self"`, a.http.URL+"/c/open-gov-canada")
		status, actor, _ := getAP(t, a, "/c/open-gov-canada")
		if status != http.StatusOK || actor["type"] != "Group" || actor["inbox"] != a.http.URL+"/c/open-gov-canada/inbox" {
			t.Fatalf("actor %d: %v", status, actor)
		}
		if key, _ := actor["publicKey"].(map[string]any); !strings.Contains(fmt.Sprint(key["publicKeyPem"]), "BEGIN PUBLIC KEY") {
			t.Fatalf("actor key: %v", actor["publicKey"])
		}
		mustContain(t, a.client().get("/nodeinfo/2.1").body, `"protocols":["activitypub"]`)
		page := a.client().get("/c/open-gov-canada")
		mustContain(t, page.body, "<!doctype html>") // a browser still gets the page

		// B's organizer follows A's community by its handle.
		org := b.client()
		org.signIn()
		r = org.post("/c/open-gov-canada/federation", url.Values{"who": {"@open-gov-canada@" + hostA}})
		wantStatus(t, r, http.StatusSeeOther)
		exchange(t, b, a, b)
		mustContain(t, org.get("/c/open-gov-canada/federation").body, "Open Government Community Call · Canada")
		if n, _ := a.store.FollowerCount(ctx, a.demo.Community.ID); n != 1 {
			t.Fatalf("A has %d followers", n)
		}
		_, followers, _ := getAP(t, a, "/c/open-gov-canada/followers")
		if followers["totalItems"] != float64(1) || followers["orderedItems"] != nil {
			t.Fatalf("followers collection: %v", followers)
		}

		// A's coming calls show on B, marked as from A.
		next, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		// The call as an Event: both languages, the join kit nowhere.
		_, ev, raw := getAP(t, a, fmt.Sprintf("/c/open-gov-canada/calls/%d", next.ID))
		names, _ := ev["nameMap"].(map[string]any)
		contents, _ := ev["contentMap"].(map[string]any)
		if ev["type"] != "Event" || !strings.Contains(fmt.Sprint(names["fr"]), "La relance") || contents["fr"] == nil || ev["timezone"] != "America/Toronto" {
			t.Fatalf("the call as an Event: %s", raw)
		}
		mustContain(t, raw, `"type":"VirtualLocation"`, `"ical:status":"CONFIRMED"`, "Launching Re:OpenGov")
		home := b.client().get("/c/open-gov-canada?lang=en")
		mustContain(t, home.body, "Across the movement", "The reboot", "from Open Government Community Call · Canada ("+hostA+")")
		ics := b.client().get("/c/open-gov-canada/movement.ics")
		mustContain(t, ics.body, "BEGIN:VEVENT", "The reboot")

		// A changes the call: B shows the change.
		next.Theme = "The reboot, now with a clearinghouse"
		aClock.Set(testNow.Add(time.Minute))
		if err := a.store.UpdateCall(ctx, next); err != nil {
			t.Fatal(err)
		}
		exchange(t, a, b)
		mustContain(t, b.client().get("/c/open-gov-canada?lang=en").body, "The reboot, now with a clearinghouse")

		// A cancels it: B says so, in the page and the calendar.
		aClock.Set(testNow.Add(2 * time.Minute))
		next.Status = convene.CallCancelled
		if err := a.store.UpdateCall(ctx, next); err != nil {
			t.Fatal(err)
		}
		exchange(t, a, b)
		mustContain(t, b.client().get("/c/open-gov-canada?lang=en").body, `<li class="cancelled">`)
		mustContain(t, b.client().get("/c/open-gov-canada/movement.ics").body, "STATUS:CANCELLED")

		// B goes down; A changes another call; nothing is lost once B is back.
		later, err := a.store.NextCall(ctx, a.demo.Community.ID, next.EndsAt())
		if err != nil {
			t.Fatal(err)
		}
		addr := b.http.Listener.Addr().String()
		b.http.Close()
		later.Theme = "Written while B was away"
		aClock.Set(testNow.Add(3 * time.Minute))
		if err := a.store.UpdateCall(ctx, later); err != nil {
			t.Fatal(err)
		}
		quiet(t, a) // the delivery fails and waits
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("could not listen again on %s: %v", addr, err)
		}
		back := &http.Server{Handler: b.server}
		go back.Serve(ln)
		t.Cleanup(func() { back.Close() })
		b.http.URL = "http://" + addr
		aClock.Set(testNow.Add(10 * time.Minute)) // past the first retry
		bClock.Set(testNow.Add(10 * time.Minute))
		exchange(t, a, b)
		mustContain(t, b.client().get("/c/open-gov-canada?lang=en").body, "Written while B was away")

		// No ActivityPub answer of A holds the join kit or an e-mail address.
		for _, p := range []string{"/c/open-gov-canada", "/c/open-gov-canada/outbox", "/c/open-gov-canada/outbox?page=true",
			"/c/open-gov-canada/followers", fmt.Sprintf("/c/open-gov-canada/calls/%d", later.ID)} {
			_, _, body := getAP(t, a, p)
			mustNotContain(t, body, "912323161", "912 323 161", "005064", "zoom.us", "@example.org", "@example.net")
		}
	})
}
