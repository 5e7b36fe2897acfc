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

// When a full call's place opens up, the first person waiting gets it and a mail saying so, with
// the calendar invitation.
func TestWaitlistPromotionMail(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		org := a.client()
		org.signIn()
		wantStatus(t, org.post(fmt.Sprintf("/c/open-gov-canada/series/%d/calls/new", a.demo.Series.ID), url.Values{"date": {"2019-11-27"},
			"time": {"12:00"}, "duration": {"60"}, "title": {"Small room"}, "capacity": {"1"}}), http.StatusSeeOther)
		calls, err := a.store.Calls(ctx, convene.CallFilter{SeriesID: a.demo.Series.ID, From: time.Date(2019, 11, 27, 0, 0, 0, 0, time.UTC), Limit: 1})
		if err != nil || calls[0].Title != "Small room" {
			t.Fatalf("the extra call: %v %v", calls, err)
		}
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", calls[0].ID)
		first, _ := a.signedIn(t, "first.in@example.net", "First In")
		second, _ := a.signedIn(t, "second.in@example.net", "Second In")
		wantStatus(t, first.post(path+"/register", url.Values{"scope": {"call"}}), http.StatusSeeOther)
		wantStatus(t, second.post(path+"/register", url.Values{"scope": {"call"}}), http.StatusSeeOther)
		if got := mailsTo(a.allMail(t, box), "second.in@example.net"); len(got) != 0 {
			t.Fatalf("someone waiting got %q", got[0].Subject)
		}
		wantStatus(t, first.post(path+"/cancel-registration", nil), http.StatusSeeOther)
		got := mailsTo(a.allMail(t, box), "second.in@example.net")
		if len(got) != 1 || got[0].Subject != "A place opened up: Small room" || got[0].CalendarMethod != "REQUEST" {
			t.Fatalf("promotion mail: %+v", got)
		}
	})
}

// A revoked personal feed's address stops working at once.
func TestRevokingThePersonalFeed(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		member, _ := a.signedIn(t, "feed.owner@example.net", "Feed Owner")
		wantStatus(t, member.post("/me/feed", nil), http.StatusSeeOther)
		m := feedURL.FindStringSubmatch(member.get("/me/calendar").body)
		if m == nil {
			t.Fatal("no feed address on /me after making one")
		}
		wantStatus(t, a.client().get(m[1]), http.StatusOK)
		r := member.post("/me/feed/delete", nil)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, member.get(r.location).body, "Your calendar feed is off.")
		wantStatus(t, a.client().get(m[1]), http.StatusNotFound)
	})
}

// Organizers delete a registration question, a survey with its answers, and a call's own join
// details (the call falls back to the series'); each is gone afterwards.
func TestDeletingQuestionsSurveysAndJoinKits(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		q := &convene.Question{SeriesID: a.demo.Series.ID, Kind: convene.QuestionText, Label: "Soon deleted?"}
		if err := a.store.AddQuestion(ctx, a.demo.Community.ID, q); err != nil {
			t.Fatal(err)
		}
		questions := fmt.Sprintf("/c/open-gov-canada/series/%d/questions", a.demo.Series.ID)
		r := org.post(questions, url.Values{"delete": {fmt.Sprint(q.ID)}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.get(r.location).body, "Question deleted.")
		if qs, _ := a.store.Questions(ctx, a.demo.Series.ID); len(qs) != 0 {
			t.Fatalf("%d questions left", len(qs))
		}

		var survey int64
		if err := a.store.DB().QueryRow(`SELECT MIN(id) FROM surveys`).Scan(&survey); err != nil {
			t.Fatal(err)
		}
		r = org.post(fmt.Sprintf("/c/open-gov-canada/surveys/%d/delete", survey), nil)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.get(r.location).body, "Survey deleted, with its answers.")
		wantStatus(t, org.get(fmt.Sprintf("/c/open-gov-canada/surveys/%d/results", survey)), http.StatusNotFound)

		callPath := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		wantStatus(t, org.post(callPath+"/joinkit", url.Values{"provider": {"jitsi"}, "join_url": {"https://meet.jit.si/RebootOnly"}}), http.StatusSeeOther)
		mustContain(t, org.get(callPath).body, "https://meet.jit.si/RebootOnly")
		r = org.post(callPath+"/joinkit/delete", nil)
		wantStatus(t, r, http.StatusSeeOther)
		page := org.get(callPath).body
		mustContain(t, page, "This call now uses the series’ join details.", "005064")
		if strings.Contains(page, "RebootOnly") {
			t.Fatal("the call's own join details survived their deletion")
		}
	})
}
