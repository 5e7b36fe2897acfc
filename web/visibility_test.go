package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// signedIn makes a community member with a password and returns a client signed in as them.
func (a *app) signedIn(t *testing.T, email, name string) (*client, *convene.User) {
	t.Helper()
	ctx := context.Background()
	u := &convene.User{Email: email, Name: name, Confirmed: true}
	u.PasswordHash, _ = convene.HashPassword("a member password")
	if err := a.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.JoinCommunity(ctx, a.demo.Community.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	wantStatus(t, c.post("/signin", url.Values{"email": {email}, "password": {"a member password"}}), http.StatusSeeOther)
	return c, u
}

// TestJoinKitVisibility checks, for each level and each kind of caller, that the call page and the
// API show the join kit, or hide every part of it.
func TestJoinKitVisibility(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		call, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		anonymous := a.client()
		member, _ := a.signedIn(t, "member.viewer@example.net", "Member Viewer")
		registered, ru := a.signedIn(t, "registered.viewer@example.net", "Registered Viewer")
		if _, err := a.store.Register(ctx, call.ID, ru.ID, nil); err != nil {
			t.Fatal(err)
		}
		organizer := a.client()
		organizer.signIn()
		callers := []struct {
			name string
			c    *client
		}{{"anonymous", anonymous}, {"member", member}, {"registered", registered}, {"organizer", organizer}}
		// Every part of the kit that must never show below the level: meeting ID (both forms), passcode,
		// the "find your local number" link, one-tap strings and dial-ins.
		secrets := []string{"912323161", "912 323 161", "005064", "aegrsblAn2", "+17207072699", "+1 720 707 2699"}
		page := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)
		only := fmt.Sprintf("/api/v1/communities/open-gov-canada/calls?from=%s&to=%s", call.StartsAt.Format(time.RFC3339),
			call.StartsAt.Add(time.Minute).Format(time.RFC3339))
		for _, tc := range []struct {
			level   string
			reveal  int
			visible map[string]bool
		}{
			{convene.JoinEveryone, 0, map[string]bool{"anonymous": true, "member": true, "registered": true, "organizer": true}},
			{convene.JoinMembers, 0, map[string]bool{"member": true, "registered": true, "organizer": true}},
			{convene.JoinRegistered, 0, map[string]bool{"registered": true, "organizer": true}},
			{convene.JoinRegistered, 60, map[string]bool{"organizer": true}}, // revealed an hour before; the call is weeks away
		} {
			got, _ := a.store.CallByID(ctx, call.ID)
			got.JoinVisibility = tc.level
			if err := a.store.UpdateCall(ctx, got); err != nil {
				t.Fatal(err)
			}
			sr := got.Series
			sr.RevealMinutes = tc.reveal
			if err := a.store.UpdateSeries(ctx, sr); err != nil {
				t.Fatal(err)
			}
			for _, caller := range callers {
				for _, path := range []string{page, fmt.Sprintf("/api/v1/calls/%d", call.ID), only} {
					body := html.UnescapeString(caller.c.get(path).body)
					shown := 0
					for _, secret := range secrets {
						if strings.Contains(body, secret) {
							shown++
						}
					}
					// Visible: the kit is there (each surface shows at least four of the six forms).
					// Hidden: not one part of it.
					if visible := tc.visible[caller.name]; (visible && shown < 4) || (!visible && shown > 0) {
						t.Errorf("level %s (reveal %d), %s, %s: %d parts of the kit shown", tc.level, tc.reveal, caller.name, path, shown)
					}
				}
			}
			if !tc.visible["anonymous"] {
				mustContain(t, anonymous.get(page).body, "join details")
			}
		}
	})
}

var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}`)

// TestNoEmailLeaks crawls the public pages and the API as a visitor and as a member and finds no
// email address of any member.
func TestNoEmailLeaks(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		if _, err := a.store.UserByEmail(context.Background(), demo.AccessContact); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Fatalf("the demo's accessibility contact is a member's address (%v)", err)
		}
		member, _ := a.signedIn(t, "crawler@example.net", "Crawler")
		for _, c := range []*client{a.client(), member} {
			seen := map[string]bool{}
			queue := []string{"/", "/c/open-gov-canada", "/c/open-gov-canada/people", "/api/v1/communities",
				"/api/v1/communities/open-gov-canada", "/api/v1/communities/open-gov-canada/people",
				"/api/v1/communities/open-gov-canada/calls?from=2019-01-01T00:00:00Z&to=2020-12-31T00:00:00Z"}
			links := regexp.MustCompile(`href="(/c/open-gov-canada[^"#?]*)"`)
			for len(queue) > 0 && len(seen) < 200 {
				path := queue[0]
				queue = queue[1:]
				if seen[path] {
					continue
				}
				seen[path] = true
				r := c.get(path)
				if r.status != http.StatusOK {
					continue
				}
				for _, e := range emailPattern.FindAllString(r.body, -1) {
					if e == demo.AccessContact {
						continue // published by the organizers for accessibility needs; nobody's own (checked below)
					}
					if e != "crawler@example.net" || c != member {
						t.Errorf("%s shows the address %s", path, e)
					}
				}
				for _, m := range links.FindAllStringSubmatch(r.body, -1) {
					if !strings.HasSuffix(m[1], "/edit") && !strings.Contains(m[1], "/joinkit") {
						queue = append(queue, m[1])
					}
				}
			}
			if len(seen) < 20 {
				t.Fatalf("crawled only %d pages", len(seen))
			}
		}
	})
}

func TestRegistrationThroughPagesAndAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		call, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)
		c, u := a.signedIn(t, "joiner@example.net", "Joiner")

		// A required question must be answered.
		org := a.client()
		org.signIn()
		wantStatus(t, org.post(fmt.Sprintf("/c/open-gov-canada/series/%d/questions", call.SeriesID),
			url.Values{"kind": {"choice"}, "label": {"Which sector are you in?"}, "choices": {"Government\nCivil society"}, "required": {"on"}}), http.StatusSeeOther)
		qs, _ := a.store.Questions(ctx, call.SeriesID)
		field := qs[0].AnswerField()
		r := c.post(path+"/register", url.Values{"scope": {"call"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This field is required.")
		r = c.post(path+"/register", url.Values{"scope": {"call"}, field: {"Astrology"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Choose one of the options.")
		wantStatus(t, c.post(path+"/register", url.Values{"scope": {"call"}, field: {"Civil society"}}), http.StatusSeeOther)
		wantStatus(t, c.post(path+"/register", url.Values{"scope": {"call"}, field: {"Civil society"}}), http.StatusSeeOther) // twice: no change
		regs, _ := a.store.CallRegistrations(ctx, call.ID)
		count := 0
		for _, reg := range regs {
			if reg.UserID == u.ID {
				count++
				if reg.Answers[fmt.Sprint(qs[0].ID)] != "Civil society" {
					t.Fatalf("answers: %v", reg.Answers)
				}
			}
		}
		if count != 1 {
			t.Fatalf("%d registrations for one person", count)
		}

		// Organizers see who registered, with answers, and export it; members cannot.
		list := org.get(path + "/registrations")
		mustContain(t, list.body, "Joiner", "joiner@example.net", "Civil society", "Which sector are you in?")
		csv := org.get(path + "/registrations.csv")
		if csv.header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(csv.body, "Joiner,joiner@example.net,,Registered,") {
			t.Fatalf("csv: %s", csv.body)
		}
		wantStatus(t, c.get(path+"/registrations"), http.StatusForbidden)

		// Past calls take no registrations.
		past, _ := a.store.Calls(ctx, convene.CallFilter{CommunityID: a.demo.Community.ID, To: testNow, Descending: true, Limit: 1})
		r = c.post(fmt.Sprintf("/c/open-gov-canada/calls/%d/register", past[0].ID), url.Values{"scope": {"call"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This call is over: it takes no registrations.")

		// The API: a token-bearing client registers and cancels; without one, 401.
		token, err := a.store.CreateAPIToken(ctx, u.ID, "script", convene.ScopeRegister)
		if err != nil {
			t.Fatal(err)
		}
		api := func(method, p, body, bearer string) response {
			req, _ := http.NewRequest(method, a.http.URL+p, strings.NewReader(body))
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			req.Header.Set("Content-Type", "application/json")
			return a.client().do(req)
		}
		apiPath := fmt.Sprintf("/api/v1/calls/%d/registrations", call.ID)
		wantStatus(t, api(http.MethodDelete, apiPath, "", token), http.StatusNoContent)
		r = api(http.MethodPost, apiPath, fmt.Sprintf(`{"answers": {"%d": "Government"}}`, qs[0].ID), token)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `"status":"registered"`)
		r = api(http.MethodPost, apiPath, `{}`, token)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		r = api(http.MethodPost, apiPath, `{}`, "")
		wantStatus(t, r, http.StatusUnauthorized)
		r = api(http.MethodPost, apiPath, `{}`, "cv_forged")
		wantStatus(t, r, http.StatusUnauthorized)
		mustContain(t, r.body, `"code":"unauthorized"`, "This API token is not valid.")
		r = api(http.MethodGet, fmt.Sprintf("/api/v1/calls/%d", call.ID), "", token)
		mustContain(t, r.body, `"registration":"registered"`)
	})
}
