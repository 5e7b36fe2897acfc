package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	linkAttr = regexp.MustCompile(`(?:href|src|action)="([^"]*)"`)
	idInPath = regexp.MustCompile(`/\d+`)
)

// crawl visits every page a visitor can reach by links from start, at most perPattern addresses of
// each route shape (ids folded) and limit pages in all, and calls check on each HTML answer.
func crawl(t *testing.T, c *client, start []string, perPattern, limit int, check func(path string, r response)) int {
	t.Helper()
	seen := map[string]bool{}
	shapes := map[string]int{}
	queue := append([]string(nil), start...)
	visited := 0
	for len(queue) > 0 && visited < limit {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		shape := idInPath.ReplaceAllString(strings.SplitN(path, "?", 2)[0], "/#")
		if shapes[shape] >= perPattern {
			continue
		}
		shapes[shape]++
		r := c.get(path)
		visited++
		check(path, r)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range linkAttr.FindAllStringSubmatch(r.body, -1) {
			next := html.UnescapeString(m[1])
			if i := strings.IndexByte(next, '#'); i >= 0 {
				next = next[:i]
			}
			if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
				strings.HasPrefix(next, "/static/") || strings.HasPrefix(next, "/lang/") || strings.HasPrefix(next, "/auth/") {
				continue
			}
			queue = append(queue, next)
		}
	}
	return visited
}

// No page of the demo, for any kind of visitor, renders a URL html/template refused ("ZgotmplZ"),
// and the calendar subscriptions are live webcal: links.
func TestNoPageRendersARefusedURL(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		member, u := a.signedIn(t, "crawler.member@example.net", "Crawler Member")
		if _, err := a.store.Register(t.Context(), a.demo.RebootID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, member.post("/me/feed", nil), http.StatusSeeOther)
		me := member.get("/me/calendar")
		mustContain(t, me.body, `href="webcal://`+strings.TrimPrefix(a.http.URL, "http://")+`/feeds/`)
		for name, c := range map[string]*client{"anonymous": a.client(), "member": member, "organizer": org} {
			webcal := 0
			n := crawl(t, c, []string{"/", "/me"}, 2, 400, func(path string, r response) {
				if r.status >= 500 {
					t.Errorf("%s: GET %s: status %d", name, path, r.status)
				}
				if strings.Contains(r.body, "ZgotmplZ") {
					t.Errorf("%s: GET %s renders a refused URL (ZgotmplZ)", name, path)
				}
				webcal += strings.Count(r.body, `href="webcal://`)
			})
			t.Logf("%s: %d pages", name, n)
			if n < 30 {
				t.Errorf("%s: crawled only %d pages", name, n)
			}
			if webcal == 0 {
				t.Errorf("%s: no live webcal: subscription link on any page", name)
			}
		}
	})
}
