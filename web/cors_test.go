package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

// Browser apps on other sites may use the API with a token: preflights are answered, token
// requests without cookies pass the cross-origin protection, a cookie-carrying cross-site API
// write is refused in JSON, and every API error is JSON.
func TestAPIForBrowserApps(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		member, u := a.signedIn(t, "app.user@example.net", "App User")
		token, err := a.store.CreateAPIToken(t.Context(), u.ID, "calendar app", convene.ScopeRegister)
		if err != nil {
			t.Fatal(err)
		}
		register := fmt.Sprintf("%s/api/v1/calls/%d/registrations", a.http.URL, a.demo.RebootID)

		req, _ := http.NewRequest(http.MethodOptions, register, nil)
		req.Header.Set("Origin", "https://app.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		r := a.client().do(req)
		wantStatus(t, r, http.StatusNoContent)
		if r.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") ||
			!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") || r.header.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("preflight headers: %v", r.header)
		}

		crossSite := func(c *client, auth string) response {
			req, _ := http.NewRequest(http.MethodPost, register, strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", "https://app.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if auth != "" {
				req.Header.Set("Authorization", "Bearer "+auth)
			}
			return c.do(req)
		}
		r = crossSite(a.client(), token)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `"status":"registered"`)
		if r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("a token response lacks Access-Control-Allow-Origin")
		}

		// The member's browser, cookies and all, sent from another site: a forgery, refused in JSON.
		r = crossSite(member, "")
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, `"code":"forbidden"`)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Fatalf("a refused API request answered %q", r.header.Get("Content-Type"))
		}
		// A token does not excuse a request that also carries the browser's cookies.
		r = crossSite(member, token)
		wantStatus(t, r, http.StatusForbidden)
	})
}
