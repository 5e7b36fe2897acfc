package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

var routeParam = regexp.MustCompile(`\{[a-z]+\}`)

// An API token, even an organizer's with every scope, opens no page: every route outside /api/ is
// refused, and nothing is written.
func TestTokensAreRefusedOnEveryPage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		organizer, err := a.store.UserByEmail(t.Context(), demo.OrganizerEmail)
		if err != nil {
			t.Fatal(err)
		}
		token, err := a.store.CreateAPIToken(t.Context(), organizer.ID, "everything", convene.ScopeRegister, convene.ScopeOrganize)
		if err != nil {
			t.Fatal(err)
		}
		routes := a.server.PageRoutes()
		if len(routes) < 50 {
			t.Fatalf("only %d page routes", len(routes))
		}
		before := a.store.Queries()
		for _, pattern := range routes {
			method, path, ok := strings.Cut(pattern, " ")
			if !ok {
				method, path = "GET", pattern
			}
			path = strings.ReplaceAll(path, "{slug}", demo.Slug)
			path = strings.ReplaceAll(path, "{$}", "")
			path = routeParam.ReplaceAllString(path, fmt.Sprint(a.demo.RebootID))
			path = strings.TrimSuffix(strings.ReplaceAll(path, "{token...}", "x"), "/")
			if path == "" {
				path = "/"
			}
			if strings.HasPrefix(path, "/static/") || path == "/healthz" {
				continue
			}
			req, _ := http.NewRequest(method, a.http.URL+path, strings.NewReader("role=owner"))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r := a.client().do(req)
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "API tokens work only on the JSON API") {
				t.Errorf("%s %s with a token: status %d, %.200s", method, path, r.status, r.body)
			}
		}
		if n := a.store.Queries() - before; n > 0 {
			t.Errorf("token requests to pages ran %d queries", n)
		}
	})
}

// A token does what its scopes allow: read-only tokens cannot register, a member-scoped token of an
// organizer cannot use organizer rights.
func TestTokenScopes(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		organizer, err := a.store.UserByEmail(t.Context(), demo.OrganizerEmail)
		if err != nil {
			t.Fatal(err)
		}
		readOnly, _ := a.store.CreateAPIToken(t.Context(), organizer.ID, "reader")
		member, _ := a.store.CreateAPIToken(t.Context(), organizer.ID, "member", convene.ScopeRegister)
		organize, _ := a.store.CreateAPIToken(t.Context(), organizer.ID, "organizer", convene.ScopeOrganize)
		register := fmt.Sprintf("/api/v1/calls/%d/registrations", a.demo.RebootID)
		send := func(method, path, token string) response {
			req, _ := http.NewRequest(method, a.http.URL+path, strings.NewReader(`{}`))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			return a.client().do(req)
		}
		wantStatus(t, send("GET", "/api/v1/me", readOnly), http.StatusOK)
		r := send("POST", register, readOnly)
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "lacks the “register” scope")
		wantStatus(t, send("POST", register, member), http.StatusOK)

		attendance := fmt.Sprintf("/api/v1/calls/%d/attendance", a.demo.RebootID)
		wantStatus(t, send("GET", attendance, member), http.StatusForbidden)
		wantStatus(t, send("GET", attendance, organize), http.StatusOK)

		// The account page lists each token with what it may do and when it was last used.
		c := a.client()
		c.signIn()
		page := c.get("/me/calendar")
		mustContain(t, page.body, "reader", "organizer", "take part", "organize", `name="scope_register"`, `name="scope_organize"`)
	})
}
