package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/web"
)

// No cache serves a page to someone with less standing than the one it was made for, whatever the
// order of requests, and every change to what a person may see (registering, cancelling, a role
// given or taken, a token revoked) holds from their very next request, with the page cache on.
func TestCachesNeverServeMoreThanTheViewerMaySee(t *testing.T) {
	eachAppWith(t, func(cfg *web.Config) { cfg.PageCacheTTL = time.Minute }, func(t *testing.T, a *app) {
		ctx := context.Background()
		call, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/c/open-gov-canada/calls/%d?lang=en", call.ID)
		const passcode, edit = "005064", "/edit\""
		sees := func(c *client, what string) bool {
			t.Helper()
			r := c.get(page)
			wantStatus(t, r, http.StatusOK)
			return strings.Contains(r.body, what)
		}
		anonymous := a.client()
		organizer := a.client()
		organizer.signIn()
		member, mu := a.signedIn(t, "standing.member@example.net", "Standing Member")

		// Whoever comes first, the anonymous page (cached) and the organizer's (never cached) differ.
		if sees(anonymous, passcode) || sees(anonymous, edit) {
			t.Fatal("a visitor sees the join details or edit links")
		}
		if !sees(organizer, passcode) || !sees(organizer, edit) {
			t.Fatal("the organizer does not see the join details and edit links")
		}
		if sees(anonymous, passcode) || sees(anonymous, edit) {
			t.Fatal("after the organizer's visit, a visitor is served the organizer's page")
		}
		if sees(member, passcode) || sees(member, edit) {
			t.Fatal("a member who has not registered sees the join details or edit links")
		}

		// Registering, then cancelling, shows and hides the join details on the next request.
		if _, err := a.store.Register(ctx, call.ID, mu.ID, nil); err != nil {
			t.Fatal(err)
		}
		if !sees(member, passcode) {
			t.Error("registered, the member does not see the join details")
		}
		if sees(anonymous, passcode) {
			t.Error("a visitor sees the join details a member registered for")
		}
		if err := a.store.CancelRegistration(ctx, call.ID, mu.ID); err != nil {
			t.Fatal(err)
		}
		if sees(member, passcode) {
			t.Error("after cancelling, the member still sees the join details")
		}

		// A role given, then taken, mid-session.
		if err := a.store.SetRole(ctx, a.demo.Community.ID, mu.ID, convene.RoleOrganizer); err != nil {
			t.Fatal(err)
		}
		if !sees(member, edit) || !sees(member, passcode) {
			t.Error("made an organizer, the member does not see the organizer's page")
		}
		if err := a.store.SetRole(ctx, a.demo.Community.ID, mu.ID, convene.RoleMember); err != nil {
			t.Fatal(err)
		}
		if sees(member, edit) || sees(member, passcode) {
			t.Error("no longer an organizer, the member still sees the organizer's page")
		}
		wantStatus(t, member.get("/c/open-gov-canada/members"), http.StatusForbidden)

		// A forged session cookie is nobody.
		forged := a.client()
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+page, nil)
		req.AddCookie(&http.Cookie{Name: "convene_session", Value: "forged-token-forged-token-forged-token"})
		if r := forged.do(req); strings.Contains(r.body, passcode) || strings.Contains(r.body, edit) {
			t.Error("a forged session sees the organizer's page")
		}

		// A revoked token is refused on its next use.
		token, err := a.store.CreateAPIToken(ctx, mu.ID, "standing")
		if err != nil {
			t.Fatal(err)
		}
		api := func() int {
			req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			return a.client().do(req).status
		}
		if got := api(); got != http.StatusOK {
			t.Fatalf("a fresh token: %d", got)
		}
		tokens, _ := a.store.APITokens(ctx, mu.ID)
		for _, tk := range tokens {
			if err := a.store.DeleteAPIToken(ctx, mu.ID, tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got := api(); got != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d, want 401", got)
		}
	})
}
