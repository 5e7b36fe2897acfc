package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/store"
)

// axeSource is axe-core, installed by the test command into .tools (npm install --prefix .tools axe-core).
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CONVENE_AXE")
	if path == "" {
		path = filepath.Join("..", ".tools", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is missing (%v); the test command installs it", err)
		}
		t.Skipf("SKIPPING accessibility checks: %v (run: npm install --prefix .tools axe-core)", err)
	}
	return string(b)
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// axeCheck runs steps in the browser, then axe-core's WCAG 2.1 A and AA rules on the page they
// lead to, and reports every violation.
func axeCheck(t *testing.T, ctx context.Context, axe, name string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(stepCtx, steps...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if _, err := chromedp.Run(stepCtx, chromedp.Evaluate[any](axe+";0")); err != nil {
		t.Fatalf("%s: load axe: %v", name, err)
	}
	res, err := chromedp.Run(stepCtx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag",
		values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", name, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(res), &violations); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, v := range violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target...))
		}
		t.Errorf("%s: %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
	}
}

// TestAccessibility runs axe-core's WCAG 2.1 A and AA rules on every kind of page, in both languages,
// for a visitor and for an organizer, with form errors shown.
func TestAccessibility(t *testing.T) {
	axe := axeSource(t)
	browserApp(t, func(t *testing.T, a *app) {
		ctx := newBrowser(t)
		base := a.http.URL
		call := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		series := fmt.Sprintf("/c/open-gov-canada/series/%d", a.demo.Series.ID)
		check := func(name string, steps ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			axeCheck(t, ctx, axe, name, steps...)
		}
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
		// The next call meets in a room and online: its page shows the venue and asks how one attends.
		next, err := a.store.NextCall(context.Background(), a.demo.Community.ID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		venue := convene.Venue{Name: "Bayview Yards", Address: "7 Bayview Station Road\nOttawa, ON K1Y 2C5", AccessNotes: "Step-free entrance."}
		next.AttendanceMode, next.Venue, next.InPersonCapacity = convene.CallHybrid, &venue, 20
		if err := a.store.UpdateCall(context.Background(), next); err != nil {
			t.Fatal(err)
		}
		hybrid := fmt.Sprintf("/c/open-gov-canada/calls/%d", next.ID)
		// The community follows another across the movement: its page lists that one's events.
		peer := &store.RemoteActor{URI: "https://mobilizon.example/@opendata_ns", Host: "mobilizon.example", Kind: "Group",
			Name: "Open Data Nova Scotia", Inbox: "https://mobilizon.example/@opendata_ns/inbox"}
		bg := context.Background()
		if err := a.store.SaveRemoteActor(bg, peer); err != nil {
			t.Fatal(err)
		}
		if err := a.store.FollowRemote(bg, a.demo.Community.ID, peer.URI, peer.URI+"#f"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.FollowAccepted(bg, peer.URI, peer.URI+"#f"); err != nil {
			t.Fatal(err)
		}
		if err := a.store.SaveRemoteEvent(bg, &store.RemoteEvent{URI: "https://mobilizon.example/events/1", Actor: peer.URI,
			Name: "Open data meetup", URL: "https://mobilizon.example/events/1", StartsAt: testNow.Add(72 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		summit := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.SummitID)
		for _, p := range []string{"/", "/c/open-gov-canada", call, series, "/signin", "/signup", "/privacy",
			"/c/open-gov-canada/people", "/c/open-gov-canada/calls/999999", "/c/open-gov-canada/search?q=clearinghouse",
			"/search?q=donn%C3%A9es+ouvertes", "/c/open-gov-canada/search?q=open&from=not-a-date", summit, hybrid} {
			check("visitor "+p, chromedp.Navigate(base+p), chromedp.WaitReady(css(`footer`)))
		}
		check("hybrid registration form with errors",
			chromedp.Navigate(base+hybrid), chromedp.WaitVisible(css(`#f-reg-name`)),
			chromedp.Submit(css(`#f-reg-name`)), chromedp.WaitVisible(css(`#e-f-reg-mode`)))
		check("registration form with errors",
			chromedp.Navigate(base+call), chromedp.WaitVisible(css(`#f-reg-name`)),
			chromedp.Submit(css(`#f-reg-name`)), chromedp.WaitVisible(css(`#register div.errors-summary`)))
		check("failed sign-in",
			chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(css(`#f-email`)),
			chromedp.SendKeys(css(`#f-email`), demo.OrganizerEmail), chromedp.SendKeys(css(`#f-password`), "wrong password"),
			chromedp.Submit(css(`#f-password`)), chromedp.WaitVisible(css(`div.errors-summary`)))
		check("organizer call page",
			chromedp.SetValue(css(`#f-password`), organizerPassword), chromedp.Submit(css(`#f-password`)),
			chromedp.WaitVisible(css(`div.flash`)), chromedp.Navigate(base+call), chromedp.WaitVisible(css(`div.item-actions`)))
		check("organizer series page", chromedp.Navigate(base+series), chromedp.WaitVisible(css(`section.season`)))
		check("federation page with a community not found",
			chromedp.Navigate(base+"/c/open-gov-canada/federation"), chromedp.WaitVisible(css(`#f-who`)),
			chromedp.SetValue(css(`#f-who`), "nobody@127.0.0.1:1"), chromedp.Submit(css(`#f-who`)), chromedp.WaitVisible(css(`div.errors-summary`)))
		check("call form with a venue missing its name", // the call interprets French and English: English unticked
			chromedp.Navigate(base+hybrid+"/edit"), chromedp.WaitVisible(css(`#f-venue_name`)),
			chromedp.SetValue(css(`#f-venue_name`), " "), chromedp.Click(css(`#f-interpretation\.en`)),
			chromedp.Submit(css(`#f-venue_name`)), chromedp.WaitVisible(css(`#e-f-venue_name`)), chromedp.WaitVisible(css(`#e-f-interpretation`)))
		rosalie := &convene.User{Email: "rosalie.room@example.net", Name: "Rosalie Room", Confirmed: true}
		if err := a.store.CreateUser(context.Background(), rosalie); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.SignUp(context.Background(), next.ID, rosalie.ID, convene.Signup{Mode: convene.AttendInPerson,
			Accommodation: "A space at the table for a wheelchair."}); err != nil {
			t.Fatal(err)
		}
		check("registrations with an accommodation request",
			chromedp.Navigate(base+hybrid+"/registrations"), chromedp.WaitVisible(css(`#accommodations ul`)))
		check("series form with errors",
			chromedp.Navigate(base+"/c/open-gov-canada/series/new"), chromedp.WaitVisible(css(`#f-title`)),
			chromedp.SetValue(css(`#f-repeat`), "custom"), chromedp.SetValue(css(`#f-rrule`), "FREQ=NEVER"),
			chromedp.SetValue(css(`#f-every`), "0"), chromedp.Submit(css(`#f-title`)), chromedp.WaitVisible(css(`div.errors-summary`)))
		check("series form's preview",
			chromedp.Navigate(base+"/c/open-gov-canada/series/new"), chromedp.WaitVisible(css(`#f-title`)),
			chromedp.Click(css(`button[name=preview]`)), chromedp.WaitVisible(css(`section.preview`)))
		check("join kit form", chromedp.Navigate(base+call+"/joinkit"), chromedp.WaitVisible(css(`#f-invitation`)))
		check("registrations", chromedp.Navigate(base+call+"/registrations"), chromedp.WaitVisible(css(`table.data`)))
		check("questions", chromedp.Navigate(base+series+"/questions"), chromedp.WaitVisible(css(`#f-label`)))
		check("members", chromedp.Navigate(base+"/c/open-gov-canada/members"), chromedp.WaitReady(css(`footer`)))
		check("my profile", chromedp.Navigate(base+"/me"), chromedp.WaitVisible(css(`#f-name`)))
		for _, p := range []string{"/me/security", "/me/calendar", "/me/data"} {
			check("my account "+p, chromedp.Navigate(base+p), chromedp.WaitVisible(css(`nav.tabs`)))
		}
		check("announcement", chromedp.Navigate(base+call+"/announcement"), chromedp.WaitVisible(css(`#announcement-text`)))
		check("jobs", chromedp.Navigate(base+"/admin/jobs"), chromedp.WaitReady(css(`footer`)))
		check("topic queue", chromedp.Navigate(base+series+"/topics"), chromedp.WaitReady(css(`footer`)))
		check("minutes", chromedp.Navigate(base+call+"/minutes"), chromedp.WaitReady(css(`footer`)))
		check("comments", chromedp.Navigate(base+fmt.Sprintf("/c/open-gov-canada/comments?on=call:%d", a.demo.RebootID)), chromedp.WaitReady(css(`footer`)))
		check("timeline filtered", chromedp.Navigate(base+"/c/open-gov-canada/timeline?jurisdiction=ON"), chromedp.WaitReady(css(`footer`)))
		check("directory as organizer", chromedp.Navigate(base+"/c/open-gov-canada/people?jurisdiction=ON"), chromedp.WaitReady(css(`footer`)))
		// Pictures, chosen in Chromium: one too small to be sharp is refused, then a logo is saved.
		logo, tiny := filepath.Join(t.TempDir(), "logo.png"), filepath.Join(t.TempDir(), "tiny.png")
		if err := os.WriteFile(logo, drawing(t, 300, 300, true), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tiny, drawing(t, 40, 40, false), 0o644); err != nil {
			t.Fatal(err)
		}
		check("community form with a picture refused",
			chromedp.Navigate(base+"/c/open-gov-canada/edit"), chromedp.WaitVisible(css(`#f-logo`)),
			chromedp.SetUploadFiles(css(`#f-logo`), []string{tiny}), chromedp.Submit(css(`#f-logo_alt`)),
			chromedp.WaitVisible(css(`#e-f-logo`)))
		check("community page with the new logo",
			chromedp.SetUploadFiles(css(`#f-logo`), []string{logo}), chromedp.SetValue(css(`#f-logo_alt`), "A blue circle on a clear ground"),
			chromedp.Submit(css(`#f-logo_alt`)), chromedp.WaitVisible(css(`img.logo[alt="A blue circle on a clear ground"]`)))
		held := a.heldCall(t)
		guest := store.GuestAttendance(convene.Participant{Name: "Guest Visitor", Email: "guest.visitor@example.org", Minutes: 30})
		if _, err := a.store.RecordAttendance(context.Background(), held.ID, []convene.Attendance{guest}); err != nil {
			t.Fatal(err)
		}
		check("attendance list with a guest to invite", chromedp.Navigate(base+fmt.Sprintf("/c/open-gov-canada/calls/%d/attendance", held.ID)),
			chromedp.WaitVisible(css(`details.invite`)), chromedp.Click(css(`details.invite > summary`)), chromedp.WaitVisible(css(`details.invite input[type=email]`)))
		var token string
		err = a.store.InviteToClaim(context.Background(), "guest.visitor@example.org", store.ClaimPayload{CommunityID: a.demo.Community.ID,
			PersonKey: guest.PersonKey, GuestName: guest.GuestName, Lang: "en"}, func(tok string) convene.Mail {
			token = tok
			return convene.Mail{To: "guest.visitor@example.org", Subject: "claim", Text: tok}
		})
		if err != nil {
			t.Fatal(err)
		}
		check("claiming as a signed-in member", chromedp.Navigate(base+"/claim/"+token), chromedp.WaitVisible(css(`form.stacked button.primary`)))
		check("French community page", chromedp.Navigate(base+"/lang/fr?next=/c/open-gov-canada"), chromedp.WaitVisible(css(`#next-heading`)))

		// A French page showing a text that has no French version marks it with its language.
		reboot, err := a.store.CallByID(context.Background(), a.demo.RebootID)
		if err != nil {
			t.Fatal(err)
		}
		reboot.Theme = "A theme written in English only"
		reboot.Translations.Set("fr", "theme", "")
		if err := a.store.UpdateCall(context.Background(), reboot); err != nil {
			t.Fatal(err)
		}
		check("French call page with an English-only theme", chromedp.Navigate(base+call+"?lang=fr"), chromedp.WaitVisible(css(`h1 span[lang="en"]`)))
	})
}
