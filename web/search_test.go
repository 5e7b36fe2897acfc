package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

// The demo's record answers the searches the issue names, on the page and in the API, in both
// languages; a hidden comment is found by nobody, not even counted; an edit and a deletion show
// in the next search; bad searches get a clear error and never a 500.
func TestSearchingTheRecord(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		slug := a.demo.Community.Slug
		visitor := a.client()
		page := func(path string) response {
			t.Helper()
			r := visitor.get(path)
			wantStatus(t, r, http.StatusOK)
			return r
		}
		for _, q := range []string{"Re:OpenGov", "clearinghouse", "données ouvertes", "donnees ouvertes"} {
			body := page("/c/" + slug + "/search?q=" + url.QueryEscape(q)).body
			if !strings.Contains(body, "<mark>") || strings.Contains(body, `class="muted">Nothing matches`) {
				t.Errorf("the community search for %q finds nothing", q)
			}
		}
		if body := page("/search?q=clearinghouse").body; !strings.Contains(body, "<mark>") || !strings.Contains(body, a.demo.Community.Name) {
			t.Error("the instance search does not find the clearinghouse, with its community")
		}
		if body := page("/c/" + slug + "/search?q=" + url.QueryEscape("centre d’échange") + "&lang=fr").body; !strings.Contains(body, "<mark>") ||
			!strings.Contains(body, ">Centre d’échange ouvert</a>") {
			t.Error("the French version of a text is not found, or its result is not titled in French")
		}
		if body := page("/c/" + slug).body; !strings.Contains(body, `/c/`+slug+`/search"`) {
			t.Error("the community page does not lead to its search")
		}

		// A hidden comment, and its words, are found by nobody; a visible one is.
		apiSearch := func(q string, extra ...string) (total int, kinds []string) {
			t.Helper()
			r := visitor.get("/api/v1/communities/" + slug + "/search?q=" + url.QueryEscape(q) + strings.Join(extra, ""))
			wantStatus(t, r, http.StatusOK)
			var out struct {
				Total   int `json:"total"`
				Results []struct {
					Kind, URL, SnippetHTML string
				} `json:"results"`
			}
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				t.Fatal(err)
			}
			for _, res := range out.Results {
				kinds = append(kinds, res.Kind)
			}
			return out.Total, kinds
		}
		member, mu := a.signedIn(t, "search.member@example.net", "Search Member")
		calls, _ := a.store.Calls(ctx, convene.CallFilter{CommunityID: a.demo.Community.ID, Limit: 1})
		on := convene.CommentTarget{Kind: convene.CommentOnCall, ID: calls[0].ID}
		shown := &convene.Comment{CommunityID: a.demo.Community.ID, Target: on, AuthorID: mu.ID, Body: "A zebra-striped discussion"}
		hidden := &convene.Comment{CommunityID: a.demo.Community.ID, Target: on, AuthorID: mu.ID, Body: "A zebra and a quagga"}
		for _, cm := range []*convene.Comment{shown, hidden} {
			if err := a.store.AddComment(ctx, cm); err != nil {
				t.Fatal(err)
			}
		}
		if total, _ := apiSearch("quagga"); total != 1 {
			t.Fatalf("before hiding, quagga finds %d", total)
		}
		if err := a.store.HideComment(ctx, a.demo.Community.ID, hidden.ID); err != nil {
			t.Fatal(err)
		}
		if total, _ := apiSearch("quagga"); total != 0 {
			t.Errorf("a hidden comment is still found (%d)", total)
		}
		if total, kinds := apiSearch("zebra", "&kind=comment"); total != 1 || len(kinds) != 1 || kinds[0] != "comment" {
			t.Errorf("zebra among comments: %d %v", total, kinds)
		}
		organizer := a.client()
		organizer.signIn()
		if body := organizer.get("/c/" + slug + "/search?q=quagga").body; strings.Contains(body, "quagga</mark>") {
			t.Error("an organizer's search finds the hidden comment")
		}

		// Profiles: a public one is found by anyone; one shown to members by the community's
		// signed-in members only (never through the open API); one shown to nobody by nobody.
		for _, p := range []struct{ email, name, visibility, bio string }{
			{"public.narwhal@example.net", "Public Person", convene.VisibilityPublic, "Narwhal enthusiast"},
			{"members.narwhal@example.net", "Members Person", convene.VisibilityMembers, "Narwhal researcher"},
			{"hidden.narwhal@example.net", "Hidden Person", convene.VisibilityNobody, "Narwhal keeper"},
		} {
			u := &convene.User{Email: p.email, Name: p.name, Confirmed: true, Visibility: p.visibility, Bio: p.bio}
			if err := a.store.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if _, err := a.store.JoinCommunity(ctx, a.demo.Community.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		names := func(c *client) string {
			body := c.get("/c/" + slug + "/search?q=narwhal&kind=profile").body
			var found []string
			for _, n := range []string{"Public Person", "Members Person", "Hidden Person"} {
				if strings.Contains(body, n) {
					found = append(found, n)
				}
			}
			return strings.Join(found, ", ")
		}
		if got := names(visitor); got != "Public Person" {
			t.Errorf("a visitor's search finds the profiles %q", got)
		}
		if got := names(member); got != "Public Person, Members Person" {
			t.Errorf("a member's search finds the profiles %q", got)
		}
		if total, _ := apiSearch("narwhal"); total != 1 {
			t.Errorf("the API finds %d narwhal profiles, want the public one", total)
		}
		if r := visitor.get("/c/" + slug + "/search?q=narwhal+enthusiast"); strings.Contains(r.body, "public.narwhal@example.net") {
			t.Error("a search result shows an email address")
		}

		// An edit is found at once; the words it removed are not.
		call, err := a.store.CallByID(ctx, calls[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		call.Theme = "Okapi sightings in the open data portal"
		if err := a.store.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		if total, kinds := apiSearch("okapi"); total != 1 || kinds[0] != "call" {
			t.Errorf("an edited call: %d %v", total, kinds)
		}
		call.Theme = ""
		if err := a.store.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		if total, _ := apiSearch("okapi"); total != 0 {
			t.Errorf("a removed theme is still found (%d)", total)
		}

		// Bad searches: clear errors, never a 500.
		for q, want := range map[string]int{
			"":                             http.StatusUnprocessableEntity,
			strings.Repeat("données ", 40): http.StatusUnprocessableEntity, // 320 characters
			strings.Repeat("x", 10000):     http.StatusRequestURITooLong,   // an address no page uses
			`"open data`:                   http.StatusOK,
			`open* -data NEAR(x y) AND "`:  http.StatusOK,
			`'); DROP TABLE calls; --`:     http.StatusOK,
			`&kind=poll`:                   http.StatusUnprocessableEntity,
		} {
			path := "/api/v1/communities/" + slug + "/search?q=" + url.QueryEscape(q)
			if strings.HasPrefix(q, "&") {
				path = "/api/v1/communities/" + slug + "/search?q=open" + q
			}
			if r := visitor.get(path); r.status != want {
				t.Errorf("%.40q: %d, want %d: %.200s", q, r.status, want, r.body)
			}
		}
		r := visitor.get("/c/" + slug + "/search?q=" + url.QueryEscape(strings.Repeat("x", 300)))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "200") {
			t.Errorf("a long search on the page: %d", r.status)
		}
		if r := visitor.get("/c/" + slug + "/search?q=open&from=yesterday"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="e-f-from"`) {
			t.Errorf("a bad date: %d", r.status)
		}
		if r := visitor.get(fmt.Sprintf("/c/%s/search?q=open&page=%d", slug, 999)); r.status != http.StatusUnprocessableEntity {
			t.Errorf("page 999: %d", r.status)
		}
		if r := visitor.get("/c/" + slug + "/search"); r.status != http.StatusOK || strings.Contains(r.body, "results-heading") {
			t.Errorf("the empty search page: %d", r.status)
		}
	})
}
