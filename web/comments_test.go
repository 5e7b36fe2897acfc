package web_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

// TestCommentsHideReportAndRateLimit has a member comment on the reboot call with a script in the
// Markdown, another member report it, and an organizer hide it: it is gone from the page, the API and
// the news feed. A flood of comments is refused with the time to wait and nothing written.
func TestCommentsHideReportAndRateLimit(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		slug := a.demo.Community.Slug
		on := "call:" + strconv.FormatInt(a.demo.RebootID, 10)
		page := "/c/" + slug + "/comments?on=" + url.QueryEscape(on)
		apiList := "/api/v1/communities/" + slug + "/comments?on=" + url.QueryEscape(on)
		target := convene.CommentTarget{Kind: convene.CommentOnCall, ID: a.demo.RebootID}

		ann, _ := a.signedIn(t, "ann.member@example.org", "Ann Member")
		bob, _ := a.signedIn(t, "bob.member@example.org", "Bob Member")
		org := a.client()
		org.signIn()

		mustContain(t, a.client().get("/c/"+slug+"/calls/"+strconv.FormatInt(a.demo.RebootID, 10)).body, "/c/"+slug+"/comments?on=call:")
		wantStatus(t, a.client().get("/c/"+slug+"/comments?on=poll:1"), http.StatusUnprocessableEntity)
		wantStatus(t, a.client().post(page, url.Values{"body": {"anonymous"}}), http.StatusUnauthorized)
		wantStatus(t, ann.post(page, url.Values{"body": {"  "}}), http.StatusUnprocessableEntity)

		r := ann.post(page, url.Values{"body": {"Count me **in**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"}})
		wantStatus(t, r, http.StatusSeeOther)
		body := a.client().get(page).body
		mustContain(t, body, "<strong>in</strong>", "Ann Member")
		mustNotContain(t, body, "<script>alert", "javascript:", "ann.member@example.org")
		list, err := a.store.Comments(ctx, a.demo.Community.ID, target)
		if err != nil || len(list) != 1 {
			t.Fatalf("comments = %v, %v", list, err)
		}
		id := strconv.FormatInt(list[0].ID, 10)
		api := a.client().get(apiList)
		wantStatus(t, api, http.StatusOK)
		mustContain(t, api.body, `"author":"Ann Member"`, "Count me")
		mustNotContain(t, api.body, "@example.org", "<script>")

		// A report is recorded and organizers see it; members cannot hide.
		wantStatus(t, bob.post("/c/"+slug+"/comments/"+id+"/report", url.Values{"on": {on}}), http.StatusSeeOther)
		if list, _ = a.store.Comments(ctx, a.demo.Community.ID, target); list[0].Reports != 1 {
			t.Fatalf("reports = %d", list[0].Reports)
		}
		mustContain(t, org.get(page).body, "Reported 1 times")
		mustNotContain(t, bob.get(page).body, "Reported 1 times")
		wantStatus(t, bob.post("/c/"+slug+"/comments/"+id+"/hide", url.Values{"on": {on}}), http.StatusForbidden)

		// Hidden: gone from the page, the API and the feed.
		wantStatus(t, org.post("/c/"+slug+"/comments/"+id+"/hide", url.Values{"on": {on}}), http.StatusSeeOther)
		mustNotContain(t, a.client().get(page).body, "Count me")
		mustNotContain(t, a.client().get(apiList).body, "Count me")
		mustNotContain(t, a.client().get("/c/"+slug+"/news.atom").body, "Count me")

		// Five a minute: the sixth is refused with the wait, and nothing is written.
		for i := range convene.CommentsPerMinute - 1 {
			wantStatus(t, ann.post(page, url.Values{"body": {"Comment " + strconv.Itoa(i)}}), http.StatusSeeOther)
		}
		r = ann.post(page, url.Values{"body": {"One too many"}})
		wantStatus(t, r, http.StatusTooManyRequests)
		mustContain(t, r.body, "Try again in 1 minutes")
		if n, _ := a.store.CountComments(ctx, a.demo.Community.ID, target); n != convene.CommentsPerMinute-1 {
			t.Fatalf("count = %d", n)
		}

		// The API: a member posts with a token; a stranger is refused.
		bobUser, _ := a.store.UserByEmail(ctx, "bob.member@example.org")
		token, _ := a.store.CreateAPIToken(ctx, bobUser.ID, "script", convene.ScopeRegister)
		post := func(token, body string) response {
			req, _ := http.NewRequest(http.MethodPost, a.http.URL+"/api/v1/comments", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			return a.client().do(req)
		}
		r = post(token, `{"community":"`+slug+`","on":"`+on+`","body":"From a _script_."}`)
		wantStatus(t, r, http.StatusCreated)
		mustContain(t, r.body, `"author":"Bob Member"`, `\u003cem\u003escript\u003c/em\u003e`)
		wantStatus(t, post(token, `{"community":"`+slug+`","on":"idea:999999","body":"x"}`), http.StatusNotFound)
	})
}

// TestNewsFeed reads a community's Atom feed: valid XML with the demo's calls and initiative
// updates, links to their pages and no addresses.
func TestNewsFeed(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		slug := a.demo.Community.Slug
		r := a.client().get("/c/" + slug + "/news.atom")
		wantStatus(t, r, http.StatusOK)
		mustNotContain(t, r.body, "@")
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			Title   string   `xml:"title"`
			ID      string   `xml:"id"`
			Updated string   `xml:"updated"`
			Entries []struct {
				Title   string `xml:"title"`
				ID      string `xml:"id"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
			t.Fatalf("feed: %v\n%s", err, r.body)
		}
		if feed.ID == "" || feed.Updated == "" || len(feed.Entries) == 0 || len(feed.Entries) > 50 {
			t.Fatalf("feed = %+v", feed)
		}
		var calls, updates int
		for _, e := range feed.Entries {
			if e.ID == "" || e.Updated == "" || !strings.Contains(e.Link.Href, "/c/"+slug+"/") {
				t.Errorf("entry = %+v", e)
			}
			if strings.HasPrefix(e.Title, "New call") || strings.HasPrefix(e.Title, "Call updated") || strings.Contains(e.Title, "calls scheduled") {
				calls++
			}
			if strings.HasPrefix(e.Title, "Update on") {
				updates++
			}
		}
		if calls == 0 || updates == 0 {
			t.Fatalf("calls = %d, updates = %d in %s", calls, updates, r.body)
		}
		wantStatus(t, a.client().get("/c/no-such-community/news.atom"), http.StatusNotFound)
	})
}
