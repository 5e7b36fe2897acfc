package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Every page has an address per language: ?lang= picks it whatever the browser says, the page
// names its versions with hreflang, and the reader stays in that language as they follow links.
func TestLanguageInTheAddress(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		c := a.client()
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+path+"?lang=fr", nil)
		req.Header.Set("Accept-Language", "en-CA")
		r := c.do(req)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `lang="fr-CA"`, "Ordre du jour", `<meta property="og:locale" content="fr_CA">`,
			`<meta property="og:locale:alternate" content="en_CA">`,
			`<link rel="alternate" hreflang="en" href="`+a.http.URL+path+`?lang=en">`,
			`<link rel="alternate" hreflang="fr" href="`+a.http.URL+path+`?lang=fr">`)
		// The switch link does not carry the address's language back.
		if strings.Contains(r.body, "next="+path+"?lang=fr") || strings.Contains(r.body, "lang%3Dfr") {
			t.Fatal("the language switch would come back to the French address")
		}
		// Following a link (no ?lang=) keeps French.
		mustContain(t, c.get("/c/open-gov-canada").body, `lang="fr-CA"`)
		// A query the page reads is kept in its language versions.
		mustContain(t, a.client().get("/c/open-gov-canada/timeline?jurisdiction=ON").body,
			`hreflang="fr" href="`+a.http.URL+`/c/open-gov-canada/timeline?jurisdiction=ON&amp;lang=fr"`)
		// An unknown language is ignored, not an error.
		wantStatus(t, a.client().get(path+"?lang=xx"), http.StatusOK)

		// The API and feeds answer in the address's language too.
		api := a.client().get("/api/v1/calls/999999?lang=fr")
		mustContain(t, api.body, "Cet appel n’existe pas.")
		if api.header.Get("Set-Cookie") != "" {
			t.Fatal("the API set a cookie")
		}
	})
}

// A signed-in member who never used the switch reads in their profile's language, whatever
// their browser says; the switch still wins.
func TestProfileLanguageIsTheDefault(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c, u := a.signedIn(t, "francophone@example.net", "Francophone")
		u.Languages = []string{"fr", "en"}
		if err := a.store.UpdateProfile(ctx, u); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/c/open-gov-canada", nil)
		req.Header.Set("Accept-Language", "en-CA")
		mustContain(t, c.do(req).body, `lang="fr-CA"`)
		wantStatus(t, c.get("/lang/en?next=/"), http.StatusSeeOther)
		mustContain(t, c.do(req).body, `lang="en-CA"`)
	})
}
