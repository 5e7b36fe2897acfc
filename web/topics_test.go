package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// TestTopicQueue walks a topic from proposal to a call's agenda: proposed by a member, +1'd by
// two others, first in the organizers' queue, accepted into the next call with a mail to the
// proposer in their language; another is declined with a reason, also mailed.
func TestTopicQueue(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		sr := a.demo.Series
		queue := "/c/" + demo.Slug + "/series/" + strconv.FormatInt(sr.ID, 10) + "/topics"
		early, _ := a.signedIn(t, "erin.early@example.org", "Erin Early")
		proposer, pu := a.signedIn(t, "paula.proposer@example.org", "Paula Proposer")
		pu.Languages, pu.TimeZone = []string{"fr"}, "America/Vancouver"
		if err := a.store.UpdateProfile(ctx, pu); err != nil {
			t.Fatal(err)
		}
		v1, _ := a.signedIn(t, "victor.one@example.org", "Victor One")
		v2, _ := a.signedIn(t, "vera.two@example.org", "Vera Two")
		org := a.client()
		org.signIn()

		mustContain(t, org.get("/c/"+demo.Slug+"/series/"+strconv.FormatInt(sr.ID, 10)).body, queue)
		wantStatus(t, a.client().get(queue), http.StatusSeeOther) // to the sign-in page

		wantStatus(t, early.post(queue, url.Values{"title": {"An older topic"}, "kind": {"discussion"}}), http.StatusSeeOther)
		wantStatus(t, proposer.post(queue, url.Values{"title": {"Open data society launch"}, "kind": {"announcement"},
			"presenter_name": {"Paula Proposer"}, "minutes": {"10"}}), http.StatusSeeOther)
		wantStatus(t, proposer.post(queue, url.Values{"title": {""}, "kind": {"update"}}), http.StatusUnprocessableEntity)

		// A proposal for a call that has already taken place is refused with a clear message.
		past, err := a.store.Calls(ctx, convene.CallFilter{SeriesID: sr.ID, To: testNow, Descending: true, Limit: 1})
		if err != nil || len(past) != 1 {
			t.Fatalf("past call: %v, %v", past, err)
		}
		r := proposer.post(queue, url.Values{"title": {"Too late"}, "kind": {"update"}, "call_id": {strconv.FormatInt(past[0].ID, 10)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Cet appel a déjà eu lieu") // Paula reads in her profile's language

		open, err := a.store.Topics(ctx, sr.ID, convene.TopicOpen, 0)
		if err != nil || len(open) != 2 {
			t.Fatalf("open = %v, %v", open, err)
		}
		older, topic := open[0], open[1]
		if topic.Title != "Open data society launch" {
			t.Fatalf("queue before +1s: %+v", open)
		}
		path := queue + "/" + strconv.FormatInt(topic.ID, 10)
		for _, c := range []*client{v1, v2, v2} {
			wantStatus(t, c.post(path+"/plus", url.Values{"on": {"1"}}), http.StatusSeeOther)
		}
		page := org.get(queue)
		wantStatus(t, page, http.StatusOK)
		if i, j := strings.Index(page.body, "Open data society launch"), strings.Index(page.body, "An older topic"); i < 0 || j < 0 || i > j {
			t.Fatalf("the +1'd topic is not first (%d, %d)", i, j)
		}
		mustContain(t, page.body, "&#43;1: 2")

		// A member cannot decide.
		call := strconv.FormatInt(a.demo.RebootID, 10)
		wantStatus(t, v1.post(path+"/accept", url.Values{"call_id": {call}}), http.StatusForbidden)
		wantStatus(t, v1.post(queue+"/"+strconv.FormatInt(older.ID, 10)+"/decline", url.Values{"reason": {"no"}}), http.StatusForbidden)
		// Nor can an organizer put it on a past call.
		wantStatus(t, org.post(path+"/accept", url.Values{"call_id": {strconv.FormatInt(past[0].ID, 10)}}), http.StatusUnprocessableEntity)

		wantStatus(t, org.post(path+"/accept", url.Values{"call_id": {call}}), http.StatusSeeOther)
		wantStatus(t, org.post(path+"/accept", url.Values{"call_id": {call}}), http.StatusUnprocessableEntity)
		mustContain(t, a.client().get("/c/"+demo.Slug+"/calls/"+call).body, "Open data society launch")
		mustContain(t, a.client().get("/api/v1/calls/"+call).body, "Open data society launch")
		mustContain(t, org.get(queue).body, "What&#39;s coming", "/c/"+demo.Slug+"/calls/"+call)

		box := a.mailbox(t)
		msg := lastTo(t, box.deliver(t, 1), "paula.proposer@example.org")
		if !strings.Contains(msg.Subject, "Open data society launch") || !strings.Contains(msg.Subject, "ordre du jour") ||
			!strings.Contains(msg.Text, "/c/"+demo.Slug+"/calls/"+call) || !strings.Contains(msg.Text, "13 novembre 2019") || !strings.Contains(msg.Text, "9\u00a0h HNP") {
			t.Fatalf("mail: %q\n%s", msg.Subject, msg.Text)
		}

		declinePath := queue + "/" + strconv.FormatInt(older.ID, 10) + "/decline"
		wantStatus(t, org.post(declinePath, url.Values{"reason": {" "}}), http.StatusUnprocessableEntity)
		wantStatus(t, org.post(declinePath, url.Values{"reason": {"We covered this in October."}}), http.StatusSeeOther)
		msg = lastTo(t, box.deliver(t, 2), "erin.early@example.org")
		if !strings.Contains(msg.Subject, "An older topic") || !strings.Contains(msg.Text, "We covered this in October.") {
			t.Fatalf("mail: %q\n%s", msg.Subject, msg.Text)
		}

		// The API lists accepted topics without email addresses, and takes proposals with a token.
		api := a.client().get("/api/v1/communities/" + demo.Slug + "/series/" + strconv.FormatInt(sr.ID, 10) + "/topics")
		wantStatus(t, api, http.StatusOK)
		mustContain(t, api.body, `"accepted_call_id":`+call, "Open data society launch")
		mustNotContain(t, api.body, "@example.org", "An older topic")
		token, err := a.store.CreateAPIToken(ctx, pu.ID, "script", convene.ScopeRegister)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, a.http.URL+"/api/v1/series/"+strconv.FormatInt(sr.ID, 10)+"/topics",
			strings.NewReader(`{"title":"From a script","kind":"ask","minutes":5}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		r = a.client().do(req)
		wantStatus(t, r, http.StatusCreated)
		mustContain(t, r.body, `"proposer":"Paula Proposer"`)
	})
}
