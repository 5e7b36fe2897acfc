package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/mail"
)

// mailbox is a real SMTP server on loopback and the worker that delivers the app's outbox to it.
type mailbox struct {
	smtp   *smtptest.Server
	worker *mail.Worker
}

func (a *app) mailbox(t *testing.T) *mailbox {
	t.Helper()
	srv := smtptest.Start(t)
	sender, err := mail.NewSMTP(srv.URL(), "Convene <convene@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	return &mailbox{smtp: srv, worker: mail.NewWorker(a.store, sender, slog.New(slog.NewTextHandler(io.Discard, nil)), convene.FixedClock(testNow))}
}

// deliver sends what is in the outbox and returns the messages the server received so far.
func (m *mailbox) deliver(t *testing.T, want int) []smtptest.Message {
	t.Helper()
	if _, _, err := m.worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m.smtp.WaitFor(t, want, 10*time.Second)
}

var linkPattern = regexp.MustCompile(`http://[^\s]+/auth/([A-Za-z0-9_-]+)`)

func linkIn(t *testing.T, m smtptest.Message) string {
	t.Helper()
	match := linkPattern.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no link in %q", m.Text)
	}
	return "/auth/" + match[1]
}

func TestSignInWithEmailedLink(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		box := a.mailbox(t)
		c := a.client()
		// Asked for from a call's community page: the sign-in page's link form carries where to
		// come back to in its address, as the real form does.
		r := c.post("/signin/link?next="+url.QueryEscape("/c/open-gov-canada"), url.Values{"email": {"Organizer@Example.org"}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Check your email", "organizer@example.org")
		msgs := box.deliver(t, 1)
		if msgs[0].To[0] != "organizer@example.org" || msgs[0].Subject != "Your sign-in link" || !strings.Contains(msgs[0].Text, "within 20 minutes") {
			t.Fatalf("mail: %+v", msgs[0])
		}
		link := linkIn(t, msgs[0])

		// Following the link shows a button; only the button signs in (mail scanners follow links).
		page := c.get(link)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Continue to sign in as organizer@example.org.")
		r = c.post(link, nil)
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != "/c/open-gov-canada" {
			t.Fatalf("after sign-in redirected to %q", r.location)
		}
		mustContain(t, c.get("/c/open-gov-canada").body, "My profile", "(Demo Organizer)")

		// The link works once; a forged one never. Either way the page says why and offers a new one.
		other := a.client()
		r = other.post(link, nil)
		wantStatus(t, r, http.StatusGone)
		mustContain(t, r.body, "This link no longer works", "It was already used, or it has expired.", "within 20 minutes",
			`<a class="button primary" href="/signin">Get a new link</a>`)
		r = other.get("/auth/forged-token-that-was-never-issued")
		wantStatus(t, r, http.StatusGone)
		mustContain(t, r.body, "This link no longer works")

		// An address with no account gets an account confirmation instead, and the page says the same.
		r = other.post("/signin/link", url.Values{"email": {"newcomer@example.org"}})
		mustContain(t, r.body, "Check your email")
		msgs = box.deliver(t, 2)
		if msgs[1].Subject != "Confirm your Convene account" {
			t.Fatalf("second mail: %q", msgs[1].Subject)
		}
		newcomer := linkIn(t, msgs[1])
		mustContain(t, other.get(newcomer).body, "Continue to create an account for newcomer@example.org.", `name="name"`)
		wantStatus(t, other.post(newcomer, url.Values{"name": {"New Comer"}}), http.StatusSeeOther)
		u, err := a.store.UserByEmail(context.Background(), "newcomer@example.org")
		if err != nil || u.Name != "New Comer" || !u.Confirmed {
			t.Fatalf("new account: %+v %v", u, err)
		}
	})
}

func TestEmailedLinksExpireAndAreLimited(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		box := a.mailbox(t)
		c := a.client()
		r := c.post("/signin/link", url.Values{"email": {"not an address"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Enter an email address such as name@example.org.")
		for i := 0; i < 5; i++ {
			wantStatus(t, c.post("/signin/link", url.Values{"email": {"organizer@example.org"}}), http.StatusOK)
		}
		r = c.post("/signin/link", url.Values{"email": {"organizer@example.org"}})
		wantStatus(t, r, http.StatusTooManyRequests)
		mustContain(t, r.body, "Too many links were requested. Try again in 15 minutes.")
		msgs := box.deliver(t, 5)
		if len(msgs) != 5 {
			t.Fatalf("%d mails for 5 allowed requests", len(msgs))
		}
		// An expired link is refused: make one that expired by moving the store's records back.
		if _, err := a.store.DB().Exec(rebind(a, `UPDATE auth_tokens SET expires_at = ?`), testNow.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.post(linkIn(t, msgs[0]), nil), http.StatusGone)
	})
}

// Signing up from a page brings the new member back to it once they confirm; from nowhere in
// particular, to their new profile.
func TestSignUpKeepsYourPlace(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		box := a.mailbox(t)
		c := a.client()
		page := c.get("/c/open-gov-canada?lang=en").body
		mustContain(t, page, `<a href="/signup?next=%2fc%2fopen-gov-canada">Create an account</a>`)
		form := c.get("/signup?next=%2Fc%2Fopen-gov-canada").body
		mustContain(t, form, `action="/signup?next=%2Fc%2Fopen-gov-canada"`)
		wantStatus(t, c.post("/signup?next=%2Fc%2Fopen-gov-canada", url.Values{"name": {"Newcomer"}, "email": {"newcomer@example.org"}}), http.StatusOK)
		r := c.post(linkIn(t, box.deliver(t, 1)[0]), nil)
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != "/c/open-gov-canada" {
			t.Fatalf("signed up from the community page, landed on %s", r.location)
		}
		other := a.client()
		wantStatus(t, other.post("/signup?next=%2Fsignup", url.Values{"name": {"Other"}, "email": {"other@example.org"}}), http.StatusOK)
		if r := other.post(linkIn(t, box.deliver(t, 2)[1]), nil); r.location != "/me" {
			t.Fatalf("signed up from the sign-up page itself, landed on %s", r.location)
		}
	})
}

// rebind writes ? placeholders as the app's engine wants them, for tests that reach into the database.
func rebind(a *app, q string) string {
	if a.store.Engine() != "postgres" {
		return q
	}
	for i := 1; strings.Contains(q, "?"); i++ {
		q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
	}
	return q
}

func TestRegisterWithoutAnAccount(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		next, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", next.ID)
		c := a.client()
		page := c.get(path)
		mustContain(t, page.body, `id="f-reg-name"`, `id="f-reg-email"`, "This call only")

		r := c.post(path+"/register", url.Values{"name": {""}, "email": {"nope"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This field is required.", "Enter an email address such as name@example.org.")

		r = c.post(path+"/register", url.Values{"name": {"Régine Tremblay"}, "email": {"regine@example.org"}, "scope": {"call"}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Check your email")
		msgs := box.deliver(t, 1)
		if !strings.HasPrefix(msgs[0].Subject, "Confirm your registration: Open Government Community Call") || !strings.Contains(msgs[0].Text, "Hello Régine Tremblay,") {
			t.Fatalf("mail: %q %q", msgs[0].Subject, msgs[0].Text)
		}
		link := linkIn(t, msgs[0])
		wantStatus(t, c.post(link, nil), http.StatusSeeOther)
		u, err := a.store.UserByEmail(ctx, "regine@example.org")
		if err != nil {
			t.Fatal(err)
		}
		st, _ := a.store.Places(ctx, u.ID, []int64{next.ID})
		if st[next.ID].Status != convene.RegRegistered {
			t.Fatalf("status after confirming: %q", st[next.ID])
		}
		body := c.get(path).body
		mustContain(t, body, "You are registered.", "Cancel my registration")
		wantStatus(t, c.post(path+"/cancel-registration", nil), http.StatusSeeOther)
		mustContain(t, c.get(path).body, "Your registration is cancelled.")
	})
}
