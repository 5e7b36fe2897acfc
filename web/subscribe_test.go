package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

// Subscribing to a series that asks a required question is refused the same way on every path:
// the series page's button sends the member to the next call's form, set to the whole series,
// with the question marked; the API answers 422; the store itself refuses.
func TestSubscribingNeedsTheRequiredAnswers(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		q := &convene.Question{SeriesID: a.demo.Series.ID, Kind: convene.QuestionText, Label: "Which sector are you in?", Required: true}
		if err := a.store.AddQuestion(ctx, a.demo.Community.ID, q); err != nil {
			t.Fatal(err)
		}
		member, u := a.signedIn(t, "asked@example.net", "Asked Member")
		r := member.post(fmt.Sprintf("/c/open-gov-canada/series/%d/subscribe", a.demo.Series.ID), nil)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Which sector are you in?", "This field is required.", `<option value="series" selected>`)
		if on, _ := a.store.Subscribed(ctx, a.demo.Series.ID, u.ID); on {
			t.Fatal("subscribed without the required answer")
		}
		if err := a.store.Subscribe(ctx, a.demo.Series.ID, u.ID, nil); convene.ErrorCode(err) != convene.EINVALID {
			t.Fatalf("store.Subscribe without the answer: %v", err)
		}
		if _, err := a.store.Register(ctx, a.demo.RebootID, u.ID, nil); convene.ErrorCode(err) != convene.EINVALID {
			t.Fatalf("store.Register without the answer: %v", err)
		}
		// Answered, it goes through.
		if err := a.store.Subscribe(ctx, a.demo.Series.ID, u.ID, map[string]string{fmt.Sprint(q.ID): "Civil society"}); err != nil {
			t.Fatal(err)
		}
		reg, err := a.store.RegistrationOf(ctx, a.demo.RebootID, u.ID)
		if err != nil || reg.Status != convene.RegRegistered || !strings.Contains(fmt.Sprint(reg.Answers), "Civil society") {
			t.Fatalf("registration after answering: %+v (%v)", reg, err)
		}
	})
}

// A call change's mail costs a fixed number of reads however many people hold places: per person
// only their outbox row and their sent sequence are written (before, each also cost a role query).
func TestCallChangeMailMakesBoundedQueries(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		change := func() int64 {
			t.Helper()
			a.allMailQuiet(t)
			call, err := a.store.CallByID(ctx, a.demo.RebootID)
			if err != nil {
				t.Fatal(err)
			}
			call.Note += "."
			if err := a.store.UpdateCall(ctx, call); err != nil {
				t.Fatal(err)
			}
			before := a.store.Queries()
			if _, err := a.server.RunJobsOnce(ctx); err != nil {
				t.Fatal(err)
			}
			return a.store.Queries() - before
		}
		few := change()
		const more = 40
		for i := range more {
			_, u := a.signedIn(t, fmt.Sprintf("crowd%d@example.net", i), fmt.Sprintf("Crowd %d", i))
			if _, err := a.store.Register(ctx, a.demo.RebootID, u.ID, nil); err != nil {
				t.Fatal(err)
			}
		}
		many := change()
		if extra := many - few; extra > 2*more+5 {
			t.Fatalf("%d more people cost %d more queries (%d → %d): reads grow with the registrants", more, extra, few, many)
		}
	})
}

// allMailQuiet does all due jobs and empties the outbox without a mail server.
func (a *app) allMailQuiet(t *testing.T) {
	t.Helper()
	for {
		n, err := a.server.RunJobsOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}
