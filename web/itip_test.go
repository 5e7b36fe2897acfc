package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/web"
)

// allMail does all due background work, delivers the whole outbox, and returns every message the
// mail server received so far.
func (a *app) allMail(t *testing.T, box *mailbox) []smtptest.Message {
	t.Helper()
	for {
		n, err := a.server.RunJobsOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	for {
		sent, _, err := box.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if sent == 0 {
			return box.smtp.Messages()
		}
	}
}

// calendarsOf are the messages' calendars, in order.
func calendarsOf(msgs []smtptest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Calendar
	}
	return out
}

// mailsTo keeps the mails to one address, in the order they were sent.
func mailsTo(msgs []smtptest.Message, to string) []smtptest.Message {
	var out []smtptest.Message
	for _, m := range msgs {
		if len(m.To) > 0 && m.To[0] == to {
			out = append(out, m)
		}
	}
	return out
}

// A subscriber gets an invitation for every call of the series, including calls added after they
// subscribed: an extra call and a new season's calls.
func TestSubscribersAreInvitedToCallsAddedLater(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		seriesPath := fmt.Sprintf("/c/open-gov-canada/series/%d", a.demo.Series.ID)
		member, _ := a.signedIn(t, "sub.scriber@example.net", "Sub Scriber")
		wantStatus(t, member.post(seriesPath+"/subscribe", nil), http.StatusSeeOther)
		future, err := a.store.Calls(ctx, convene.CallFilter{SeriesID: a.demo.Series.ID, From: testNow})
		if err != nil {
			t.Fatal(err)
		}
		msgs := a.allMail(t, box)
		if got := len(mailsTo(msgs, "sub.scriber@example.net")); got != len(future) {
			t.Fatalf("%d invitations for %d future calls", got, len(future))
		}

		org := a.client()
		org.signIn()
		wantStatus(t, org.post(seriesPath+"/calls/new", url.Values{"date": {"2019-11-20"}, "time": {"13:00"}, "duration": {"60"},
			"title": {"Extra: budget 2020"}}), http.StatusSeeOther)
		extra, err := a.store.Calls(ctx, convene.CallFilter{SeriesID: a.demo.Series.ID, From: testNow})
		if err != nil || len(extra) != len(future)+1 {
			t.Fatalf("%d calls after adding one to %d (%v)", len(extra), len(future), err)
		}
		before := len(msgs)
		msgs = a.allMail(t, box)
		got := mailsTo(msgs[before:], "sub.scriber@example.net")
		if len(got) != 1 || got[0].CalendarMethod != "REQUEST" || !strings.Contains(got[0].Subject, "Extra: budget 2020") {
			t.Fatalf("invitations for the extra call: %+v", got)
		}
		if cal := parseICS(t, got[0].Calendar); cal.Events[0].Start != "2019-11-20T18:00:00.000Z" || cal.Events[0].Attendees[0].RSVP != "FALSE" {
			t.Fatalf("extra call invitation: %+v", cal.Events[0])
		}

		// A new season far ahead: one invitation per new call, and none sent twice.
		wantStatus(t, org.post(seriesPath+"/seasons/new", url.Values{"name": {"Later"}, "starts_on": {"2025-09-01"}, "ends_on": {"2025-12-31"}}),
			http.StatusSeeOther)
		before = len(msgs)
		msgs = a.allMail(t, box)
		got = mailsTo(msgs[before:], "sub.scriber@example.net")
		if len(got) != 4 {
			t.Fatalf("%d invitations for a season of 4 calls", len(got))
		}
		if again := a.allMail(t, box); len(again) != len(msgs) {
			t.Fatalf("%d more mails on a second run", len(again)-len(msgs))
		}
	})
}

// Registering and cancelling before the invitation goes out leaves the person's calendar alone:
// no request and no cancellation.
func TestRegisterThenCancelBeforeSendingSendsNothing(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		box := a.mailbox(t)
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		member, _ := a.signedIn(t, "second.thoughts@example.net", "Second Thoughts")
		wantStatus(t, member.post(path+"/register", url.Values{"scope": {"call"}}), http.StatusSeeOther)
		wantStatus(t, member.post(path+"/cancel-registration", nil), http.StatusSeeOther)
		if got := mailsTo(a.allMail(t, box), "second.thoughts@example.net"); len(got) != 0 {
			t.Fatalf("%d mails after registering and cancelling at once: %q", len(got), got[0].Subject)
		}
	})
}

// A registered person whose invitation has not gone out when the organizer cancels the call gets
// nothing: neither the cancellation nor an invitation to a cancelled call.
func TestCallCancelledBeforeTheInvitationSendsNothing(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		member, _ := a.signedIn(t, "too.late@example.net", "Too Late")
		wantStatus(t, member.post(path+"/register", url.Values{"scope": {"call"}}), http.StatusSeeOther)
		call, err := a.store.CallByID(ctx, a.demo.RebootID)
		if err != nil {
			t.Fatal(err)
		}
		call.Status = convene.CallCancelled
		if err := a.store.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		if got := mailsTo(a.allMail(t, box), "too.late@example.net"); len(got) != 0 {
			t.Fatalf("%d mails about a call cancelled before the invitation went out: %q", len(got), got[0].Subject)
		}
	})
}

// UIDs name the instance by an id kept in the database, not by its current address: an instance
// that moves keeps every calendar entry's identity.
func TestUIDsSurviveANewAddress(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		feedPath := fmt.Sprintf("/c/open-gov-canada/calls/%d/calendar.ics", a.demo.RebootID)
		r := a.client().get(feedPath)
		wantStatus(t, r, http.StatusOK)
		before := parseICS(t, r.body).Events[0].UID
		host := strings.TrimPrefix(a.http.URL, "http://")
		if before != fmt.Sprintf("call-%d@%s", a.demo.RebootID, host) {
			t.Fatalf("UID %q: the first start's host names the instance", before)
		}
		moved, err := web.New(a.store, web.Config{BaseURL: "https://calls.moved.example", Clock: convene.FixedClock(testNow)})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		moved.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, feedPath, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("feed at the new address: %d", rec.Code)
		}
		after := parseICS(t, rec.Body.String()).Events[0]
		if after.UID != before || !strings.HasPrefix(after.URL, "https://calls.moved.example/") {
			t.Fatalf("after moving: UID %q (was %q), URL %q", after.UID, before, after.URL)
		}
	})
}

// Pausing a season cancels the calls people hold places at (a CANCEL with STATUS:CANCELLED) and
// resuming it brings them back under the same UIDs with a higher SEQUENCE (a REQUEST).
func TestPauseAndResumeKeepIdentities(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		seriesPath := fmt.Sprintf("/c/open-gov-canada/series/%d", a.demo.Series.ID)
		seasons, err := a.store.SeasonsOf(ctx, a.demo.Series.ID)
		if err != nil {
			t.Fatal(err)
		}
		reboot := seasons[1]
		const who = "pause.resume@example.net"
		member, _ := a.signedIn(t, who, "Pause Resume")
		wantStatus(t, member.post(seriesPath+"/subscribe", nil), http.StatusSeeOther)
		msgs := a.allMail(t, box)
		invited := map[string]int{} // UID → sequence
		for _, cal := range parseICSAll(t, calendarsOf(mailsTo(msgs, who))) {
			invited[cal.Events[0].UID] = cal.Events[0].Sequence
		}
		calls, _ := a.store.Calls(ctx, convene.CallFilter{SeasonID: reboot.ID})

		org := a.client()
		org.signIn()
		wantStatus(t, org.post(fmt.Sprintf("%s/seasons/%d/pause", seriesPath, reboot.ID), nil), http.StatusSeeOther)
		before := len(msgs)
		msgs = a.allMail(t, box)
		cancelled := map[string]int{}
		for _, cal := range parseICSAll(t, calendarsOf(mailsTo(msgs[before:], who))) {
			e := cal.Events[0]
			if cal.Method != "CANCEL" || e.Status != "CANCELLED" || e.Sequence <= invited[e.UID] {
				t.Fatalf("pause sent %s %s sequence %d (invited at %d)", cal.Method, e.Status, e.Sequence, invited[e.UID])
			}
			cancelled[e.UID] = e.Sequence
		}
		if len(cancelled) != len(calls) {
			t.Fatalf("the pause cancelled %d of the season's %d calls this person holds places at", len(cancelled), len(calls))
		}

		wantStatus(t, org.post(fmt.Sprintf("%s/seasons/%d/resume", seriesPath, reboot.ID), nil), http.StatusSeeOther)
		before = len(msgs)
		msgs = a.allMail(t, box)
		back := mailsTo(msgs[before:], who)
		if len(back) != len(cancelled) {
			t.Fatalf("%d requests on resuming, for %d cancelled calls", len(back), len(cancelled))
		}
		for _, cal := range parseICSAll(t, calendarsOf(back)) {
			e := cal.Events[0]
			seq, ok := cancelled[e.UID]
			if cal.Method != "REQUEST" || !ok || e.Status != "CONFIRMED" || e.Sequence <= seq {
				t.Fatalf("resume sent %s for %s (status %s, sequence %d after %d, known %t)", cal.Method, e.UID, e.Status, e.Sequence, seq, ok)
			}
		}
	})
}
