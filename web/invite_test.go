package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/web"
)

// settableClock is a clock the test moves; the store and the server share it.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settableClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// runJobs does all due background work and delivers the mail it wrote.
func (a *app) runJobs(t *testing.T, box *mailbox, want int) []smtptest.Message {
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
	if want == 0 {
		if _, _, err := box.worker.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		return box.smtp.Messages()
	}
	return box.deliver(t, want)
}

func TestInvitationsFollowTheCall(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		call, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)
		member, _ := a.signedIn(t, "ines.invite@example.net", "Inès, Invitée")
		wantStatus(t, member.post(path+"/register", url.Values{"scope": {"call"}}), http.StatusSeeOther)
		msgs := a.runJobs(t, box, 1)
		invite := msgs[0]
		if invite.CalendarMethod != "REQUEST" || invite.To[0] != "ines.invite@example.net" || !strings.HasPrefix(invite.Subject, "Invitation: Open Government Community Call") {
			t.Fatalf("invitation: method %q to %v subject %q", invite.CalendarMethod, invite.To, invite.Subject)
		}
		for _, want := range []string{"METHOD:REQUEST", "ORGANIZER;CN=Open Gov Calls:mailto:calls@example.org", "ATTENDEE;CN=Inès Invitée;",
			"PARTSTAT=ACCEPTED", "RSVP=FALSE", "mailto:ines.invite@example.net"} {
			if !strings.Contains(unfold(invite.Calendar), want) {
				t.Fatalf("invitation lacks %q:\n%s", want, invite.Calendar)
			}
		}
		first := parseICS(t, invite.Calendar)
		host := strings.TrimPrefix(a.http.URL, "http://")
		uid := fmt.Sprintf("call-%d@%s", call.ID, host)
		if len(first.Events) != 1 || first.Events[0].UID != uid || first.Events[0].Start != "2019-12-11T17:00:00.000Z" ||
			!strings.Contains(first.Events[0].Description, "Passcode: 005064") {
			t.Fatalf("invitation event: %+v", first.Events)
		}
		if !strings.Contains(invite.HTML, `<a href="`+a.http.URL) || !strings.Contains(invite.HTML, "Passcode: 005064") {
			t.Fatalf("HTML part: %q", invite.HTML)
		}
		if len(invite.Attachments) != 1 || invite.Attachments[0].Filename != "invite.ics" {
			t.Fatalf("attachments: %+v", invite.Attachments)
		}

		// The organizer moves the call: the same entry is updated with a higher SEQUENCE.
		org := a.client()
		org.signIn()
		wantStatus(t, org.post(path+"/edit", url.Values{"date": {"2019-12-12"}, "time": {"14:00"}, "duration": {"60"}, "status": {"scheduled"}}), http.StatusSeeOther)
		msgs = a.runJobs(t, box, 2+countRegistered(t, a, call.ID)-1)
		update := lastTo(t, msgs, "ines.invite@example.net")
		second := parseICS(t, update.Calendar)
		if update.CalendarMethod != "REQUEST" || second.Events[0].UID != uid || second.Events[0].Sequence <= first.Events[0].Sequence ||
			second.Events[0].Start != "2019-12-12T19:00:00.000Z" || !strings.HasPrefix(update.Subject, "Updated: ") {
			t.Fatalf("update: %q %+v (first sequence %d)", update.Subject, second.Events[0], first.Events[0].Sequence)
		}

		// The member cancels: the entry is cancelled, again with a higher SEQUENCE.
		before := len(box.smtp.Messages())
		wantStatus(t, member.post(path+"/cancel-registration", nil), http.StatusSeeOther)
		msgs = a.runJobs(t, box, before+1)
		cancel := lastTo(t, msgs, "ines.invite@example.net")
		third := parseICS(t, cancel.Calendar)
		// RFC 5546 §3.2.5: the call goes ahead, so the CANCEL uninvites this attendee and carries no
		// STATUS (STATUS:CANCELLED would cancel the event for a client that shares it).
		if cancel.CalendarMethod != "CANCEL" || third.Method != "CANCEL" || third.Events[0].UID != uid || third.Events[0].Sequence <= second.Events[0].Sequence ||
			third.Events[0].Status != "" || cancel.Attachments[0].Filename != "cancel.ics" ||
			len(third.Events[0].Attendees) != 1 || third.Events[0].Attendees[0].Address != "mailto:ines.invite@example.net" {
			t.Fatalf("cancellation: %q %+v", cancel.CalendarMethod, third.Events[0])
		}

		// Registering again, then the organizer cancelling the call: REQUEST, then CANCEL for everyone.
		wantStatus(t, member.post(path+"/register", url.Values{"scope": {"call"}}), http.StatusSeeOther)
		before = len(box.smtp.Messages())
		msgs = a.runJobs(t, box, before+1)
		again := parseICS(t, lastTo(t, msgs, "ines.invite@example.net").Calendar)
		if again.Events[0].Sequence <= third.Events[0].Sequence {
			t.Fatalf("re-invitation sequence %d after cancellation %d", again.Events[0].Sequence, third.Events[0].Sequence)
		}
		wantStatus(t, org.post(path+"/edit", url.Values{"date": {"2019-12-12"}, "time": {"14:00"}, "duration": {"60"}, "status": {"cancelled"}}), http.StatusSeeOther)
		before = len(box.smtp.Messages())
		msgs = a.runJobs(t, box, before+countRegistered(t, a, call.ID))
		gone := lastTo(t, msgs, "ines.invite@example.net")
		if gone.CalendarMethod != "CANCEL" || !strings.HasPrefix(gone.Subject, "Cancelled: ") || parseICS(t, gone.Calendar).Events[0].Status != "CANCELLED" {
			t.Fatalf("call cancelled: %q %q\n%s", gone.CalendarMethod, gone.Subject, gone.Calendar)
		}
	})
}

// unfold undoes iCalendar line folding.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func countRegistered(t *testing.T, a *app, callID int64) int {
	t.Helper()
	counts, err := a.store.RegisteredCounts(context.Background(), []int64{callID})
	if err != nil {
		t.Fatal(err)
	}
	return counts[callID]
}

func lastTo(t *testing.T, msgs []smtptest.Message, to string) smtptest.Message {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].To) > 0 && msgs[i].To[0] == to {
			return msgs[i]
		}
	}
	t.Fatalf("no mail to %s among %d", to, len(msgs))
	return smtptest.Message{}
}

func TestRemindersFollowTheCall(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			clock := &settableClock{t: time.Date(2019, 11, 1, 12, 0, 0, 0, time.UTC)} // daylight time still
			a := newApp(t, engine, func(c *web.Config) { c.Clock = clock })
			box := a.mailbox(t)
			ctx := context.Background()
			regs, _ := a.store.CallRegistrations(ctx, a.demo.RebootID)
			registered := 0
			for _, r := range regs {
				if r.Status == convene.RegRegistered {
					registered++
				}
			}
			// One member turns reminders off; one reads times in Vancouver.
			off := regs[0].User
			off.RemindersOff = true
			if err := a.store.UpdateProfile(ctx, off); err != nil {
				t.Fatal(err)
			}
			west := regs[1].User
			west.TimeZone, west.Languages = "America/Vancouver", []string{"en"}
			if err := a.store.UpdateProfile(ctx, west); err != nil {
				t.Fatal(err)
			}
			// A day before, nothing is due yet; at 24 hours before the reboot call (after the change back
			// to standard time on November 3), the day-before reminders go out.
			clock.Set(time.Date(2019, 11, 12, 16, 59, 0, 0, time.UTC))
			if msgs := a.runJobs(t, box, 0); len(msgs) != 0 {
				t.Fatalf("%d reminders sent early", len(msgs))
			}
			clock.Set(time.Date(2019, 11, 12, 17, 0, 0, 0, time.UTC))
			msgs := a.runJobs(t, box, registered-1)
			if len(msgs) != registered-1 {
				t.Fatalf("%d reminders for %d registered (one opted out)", len(msgs), registered)
			}
			for _, m := range msgs {
				if m.To[0] == off.Email {
					t.Fatal("a reminder went to someone who turned them off")
				}
			}
			w := lastTo(t, msgs, west.Email)
			if !strings.Contains(w.Text, "Wednesday, November 13, 2019 · 9:00 a.m. PST") || !strings.Contains(w.Subject, "in 1 day") ||
				!strings.Contains(w.Text, "Passcode: 005064") {
				t.Fatalf("reminder in Vancouver: %q\n%s", w.Subject, w.Text)
			}
			// Running again sends nothing twice.
			if again := a.runJobs(t, box, 0); len(again) != len(msgs) {
				t.Fatalf("reminders sent twice: %d", len(again))
			}
			// The call moves a day later before its hour-before reminder: that reminder follows it.
			call, _ := a.store.CallByID(ctx, a.demo.RebootID)
			call.StartsAt = call.StartsAt.Add(24 * time.Hour)
			if err := a.store.UpdateCall(ctx, call); err != nil {
				t.Fatal(err)
			}
			clock.Set(time.Date(2019, 11, 13, 16, 0, 0, 0, time.UTC)) // an hour before the original time
			updates := a.runJobs(t, box, len(msgs)+registered)        // the move's updates, no reminder
			for _, m := range updates[len(msgs):] {
				if strings.HasPrefix(m.Subject, "Reminder") {
					t.Fatalf("a reminder for the old time went out: %q", m.Subject)
				}
			}
			clock.Set(time.Date(2019, 11, 14, 16, 0, 0, 0, time.UTC)) // an hour before the new time
			after := a.runJobs(t, box, len(updates)+registered-1)
			hour := lastTo(t, after, west.Email)
			if !strings.Contains(hour.Subject, "in 1 hour") || !strings.Contains(hour.Text, "Thursday, November 14, 2019 · 9:00 a.m. PST") {
				t.Fatalf("hour-before reminder: %q %q", hour.Subject, hour.Text)
			}
		})
	}
}

func TestAnnouncement(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		box := a.mailbox(t)
		org := a.client()
		org.signIn()
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d/announcement", a.demo.RebootID)
		page := org.get(path)
		wantStatus(t, page, http.StatusOK)
		// The reboot's join details are for registered people, so the public text says how to get them.
		mustContain(t, page.body, "Our next call will be held Wednesday, November 13, 2019 · 12:00 p.m. EST.",
			"9:00 a.m. PT", "1:30 p.m. NT", "Launching Re:OpenGov — Richard Pierto (Re:OpenGov)", "Register to receive the link to join",
			"Please share this information with others", "27 people are subscribed to the series or registered for the call")
		mustNotContain(t, page.body, "005064")
		wantStatus(t, a.client().get(path), http.StatusSeeOther) // visitors are sent to sign in
		wantStatus(t, org.post(path, nil), http.StatusSeeOther)
		wantStatus(t, org.post(path, nil), http.StatusSeeOther) // a double click sends once
		msgs := a.runJobs(t, box, 27)
		if len(msgs) != 27 {
			t.Fatalf("%d announcement mails", len(msgs))
		}
		for _, m := range msgs {
			// Everyone it went to is registered, so their copy has the join details.
			if !strings.Contains(m.Text, "005064") || m.Calendar != "" {
				t.Fatalf("announcement to a registered member: %q", m.Text)
			}
		}
		// A cancelled call cannot be announced.
		call, _ := a.store.CallByID(context.Background(), a.demo.RebootID)
		call.Status = convene.CallCancelled
		if err := a.store.UpdateCall(context.Background(), call); err != nil {
			t.Fatal(err)
		}
		r := org.post(path, nil)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This call is cancelled or over: it cannot be announced.")
	})
}

func TestJobsPage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn() // the demo organizer owns the demo community
		page := org.get("/admin/jobs")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Background work and mail", "Mail waiting", "Nothing is failing.")
		member, _ := a.signedIn(t, "just.member@example.net", "Just Member")
		wantStatus(t, member.get("/admin/jobs"), http.StatusForbidden)
		wantStatus(t, a.client().get("/admin/jobs"), http.StatusSeeOther)
		wantStatus(t, org.post("/admin/jobs/retry", nil), http.StatusSeeOther)
	})
}
