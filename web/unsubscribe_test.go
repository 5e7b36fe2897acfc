package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/web"
)

var unsubscribeLink = regexp.MustCompile(`^<(http://[^>]+(/unsubscribe/[^>]+))>$`)

// unsubscribeHeaders checks a mail's RFC 8058 headers and visible line, and returns the link's path.
func unsubscribeHeaders(t *testing.T, m smtptest.Message, what string) string {
	t.Helper()
	match := unsubscribeLink.FindStringSubmatch(m.Header.Get("List-Unsubscribe"))
	if match == nil || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("%q: List-Unsubscribe %q, List-Unsubscribe-Post %q", m.Subject, m.Header.Get("List-Unsubscribe"), m.Header.Get("List-Unsubscribe-Post"))
	}
	if !strings.Contains(m.Text, "To stop "+what) || !strings.Contains(m.Text, ", one click: "+match[1]) || !strings.Contains(m.HTML, `<a href="`+match[1]+`">`) {
		t.Fatalf("%q does not say what its link stops (%s):\n%s", m.Subject, what, m.Text)
	}
	return match[2]
}

// oneClick posts RFC 8058's one-click body as a mail provider's server does: no cookie, no
// browser headers, or (some providers) an Origin of their own.
func oneClick(t *testing.T, a *app, path, origin string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.http.URL+path, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	return a.client().do(req)
}

// A subscriber's invitation unsubscribes them from the series in one click, without signing in;
// opening the link only asks.
func TestOneClickUnsubscribeFromASeries(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		const who = "one.click@example.net"
		member, u := a.signedIn(t, who, "One Click")
		wantStatus(t, member.post(fmt.Sprintf("/c/open-gov-canada/series/%d/subscribe", a.demo.Series.ID), nil), http.StatusSeeOther)
		mails := mailsTo(a.allMail(t, box), who)
		if len(mails) == 0 {
			t.Fatal("no invitation")
		}
		path := unsubscribeHeaders(t, mails[0], "mail about the series “Open Government Community Call” (invitations, updates and announcements)")
		for _, m := range mails[1:] {
			if p := unsubscribeHeaders(t, m, "mail about the series"); p != path {
				t.Fatalf("one subscription, two links: %s and %s", path, p)
			}
		}

		page := a.client().get(path)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Unsubscribe from “Open Government Community Call”", "you give up your places at its upcoming calls",
			`<meta name="robots" content="noindex">`, `<button class="primary" type="submit">Unsubscribe</button>`)
		if on, _ := a.store.Subscribed(ctx, a.demo.Series.ID, u.ID); !on {
			t.Fatal("opening the link unsubscribed: mail scanners follow links")
		}

		r := oneClick(t, a, path, "https://mail.provider.example")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Done: you are unsubscribed.")
		if on, _ := a.store.Subscribed(ctx, a.demo.Series.ID, u.ID); on {
			t.Fatal("still subscribed after one click")
		}
		if reg, err := a.store.RegistrationOf(ctx, a.demo.RebootID, u.ID); err != nil || reg.Status != convene.RegCancelled {
			t.Fatalf("place at the next call: %+v (%v)", reg, err)
		}
		mustContain(t, oneClick(t, a, path, "").body, "There is nothing left to unsubscribe from")

		// A link with another person's id, or another kind, fails its signature.
		id := fmt.Sprint(u.ID)
		forged := strings.Replace(path, "/unsubscribe/"+id+".", "/unsubscribe/"+fmt.Sprint(u.ID-1)+".", 1)
		r = oneClick(t, a, forged, "")
		wantStatus(t, r, http.StatusNotFound)
		mustContain(t, r.body, "This unsubscribe link is not valid")
	})
}

// Someone registered for one call (not subscribed) gives up that place from its mail; the French
// line says so in French.
func TestUnsubscribeFromOneCallInFrench(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		const who = "un.appel@example.net"
		member, u := a.signedIn(t, who, "Un Appel")
		u.Languages = []string{"fr"}
		if err := a.store.UpdateProfile(ctx, u); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, member.post(fmt.Sprintf("/c/open-gov-canada/calls/%d/register", a.demo.RebootID), url.Values{"scope": {"call"}}), http.StatusSeeOther)
		mails := mailsTo(a.allMail(t, box), who)
		if len(mails) != 1 {
			t.Fatalf("%d mails", len(mails))
		}
		if !strings.Contains(mails[0].Text, "ID de réunion\u00a0: ") || !strings.Contains(mails[0].Text, "Code secret\u00a0: ") {
			t.Fatalf("French labels take a space before the colon:\n%s", mails[0].Text)
		}
		if !strings.Contains(mails[0].Text, "Pour ne plus recevoir de courriels sur «\u00a0") || !strings.Contains(mails[0].Text, "(vous libérez votre place), en un clic\u00a0: http://") {
			t.Fatalf("French unsubscribe line:\n%s", mails[0].Text)
		}
		path := unsubscribeLink.FindStringSubmatch(mails[0].Header.Get("List-Unsubscribe"))[2]
		wantStatus(t, oneClick(t, a, path, ""), http.StatusOK)
		if reg, err := a.store.RegistrationOf(ctx, a.demo.RebootID, u.ID); err != nil || reg.Status != convene.RegCancelled {
			t.Fatalf("registration after one click: %+v (%v)", reg, err)
		}
		// Giving up the place sends the calendar cancellation.
		after := mailsTo(a.allMail(t, box), who)
		if len(after) != 2 || after[1].CalendarMethod != "CANCEL" {
			t.Fatalf("after unsubscribing: %d mails", len(after))
		}
	})
}

// A reminder's link turns reminders off and nothing else.
func TestUnsubscribeFromReminders(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			clock := &settableClock{t: testNow}
			a := newApp(t, engine, func(c *web.Config) { c.Clock = clock })
			box := a.mailbox(t)
			const who = "reminded@example.net"
			member, u := a.signedIn(t, who, "Reminded Person")
			wantStatus(t, member.post(fmt.Sprintf("/c/open-gov-canada/calls/%d/register", a.demo.RebootID), url.Values{"scope": {"call"}}), http.StatusSeeOther)
			clock.Set(time.Date(2019, 11, 12, 17, 0, 0, 0, time.UTC)) // a day before the reboot call
			var reminder smtptest.Message
			for _, m := range mailsTo(a.allMail(t, box), who) {
				if strings.HasPrefix(m.Subject, "Reminder") {
					reminder = m
				}
			}
			path := unsubscribeHeaders(t, reminder, "reminders before calls")
			mustContain(t, a.client().get(path).body, "Stop reminders before calls", "Your places and calendar invitations stay as they are.")
			wantStatus(t, oneClick(t, a, path, ""), http.StatusOK)
			after, err := a.store.UserByID(ctx, u.ID)
			if err != nil || !after.RemindersOff {
				t.Fatalf("reminders still on (%v)", err)
			}
			st, _ := a.store.Places(ctx, u.ID, []int64{a.demo.RebootID})
			if st[a.demo.RebootID].Status != convene.RegRegistered {
				t.Fatalf("turning reminders off changed the registration: %q", st[a.demo.RebootID])
			}
		})
	}
}
