package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A carriage return in a call's title, theme or note, or in an agenda item's title or presenter,
// never reaches an emailed invitation as a line of its own: the attacker's ORGANIZER and LOCATION
// stay text inside the SUMMARY and DESCRIPTION.
func TestInvitationsCarryNoInjectedLines(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		call, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)
		member, _ := a.signedIn(t, "careful.reader@example.net", "Careful Reader")
		wantStatus(t, member.post(path+"/register", url.Values{"scope": {"call"}}), http.StatusSeeOther)
		a.runJobs(t, box, 1)

		org := a.client()
		org.signIn()
		evil := "Reboot\rORGANIZER:mailto:attacker@evil.example\rLOCATION:https://evil.example/j/123\r"
		wantStatus(t, org.post(path+"/agenda/new", url.Values{"kind": {"update"}, "title": {evil},
			"presenter_name": {"Mallory\rATTENDEE:mailto:x@evil.example"}, "minutes": {"5"}}), http.StatusSeeOther)
		before := len(box.smtp.Messages())
		wantStatus(t, org.post(path+"/edit", url.Values{"date": {"2019-12-12"}, "time": {"14:00"}, "duration": {"60"},
			"status": {"scheduled"}, "title": {evil}, "theme": {evil}, "note": {"First line\rSecond line\x07"}}), http.StatusSeeOther)
		msgs := a.runJobs(t, box, before+1)
		update := lastTo(t, msgs, "careful.reader@example.net")
		calendars := []string{update.Calendar}
		for _, att := range update.Attachments {
			calendars = append(calendars, string(att.Data))
		}
		for _, raw := range calendars {
			// Continuation lines (folded, starting with a space) belong to the property above.
			for _, line := range strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n") {
				if strings.HasPrefix(line, "ORGANIZER:mailto:attacker") || strings.HasPrefix(line, "LOCATION:https://evil") ||
					strings.HasPrefix(line, "ATTENDEE:mailto:x@evil") || strings.ContainsRune(line, '\r') || strings.ContainsRune(line, 0) {
					t.Fatalf("the invitation carries an injected line %q:\n%s", line, raw)
				}
			}
		}
		cal := parseICS(t, update.Calendar)
		if len(cal.Events) != 1 || !strings.Contains(cal.Events[0].Summary, "ORGANIZER:mailto:attacker@evil.example") {
			t.Fatalf("the title should stay text in SUMMARY: %+v", cal.Events)
		}
		stored, err := a.store.CallByID(ctx, call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(stored.Title+stored.Theme, "\r\n\x00") || strings.ContainsAny(stored.Note, "\r\x00") {
			t.Fatalf("control characters were stored: %q %q %q", stored.Title, stored.Theme, stored.Note)
		}
	})
}
