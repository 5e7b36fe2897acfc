package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/web"
)

// Pages rendered from the templates whose fixed messages were translated ahead are, byte for
// byte, the pages rendered by looking up every message: a crawl of the demo as a visitor and as
// its organizer, in English and in French, on two servers over the same data.
func TestTranslatedTemplatesRenderTheSamePages(t *testing.T) {
	link := regexp.MustCompile(`href="(/[^"#]*)"`)
	chart := regexp.MustCompile(`chart-[0-9a-f]+-[0-9]+`) // charts are numbered in the order a process draws them
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			fast, written := newApp(t, engine, nil), newApp(t, engine, web.AsWritten)
			for _, organizer := range []bool{false, true} {
				for _, lang := range []string{"en", "fr"} {
					a, b := fast.client(), written.client()
					if organizer {
						a.signIn()
						b.signIn()
					}
					get := func(c *client, path string) response {
						req, _ := http.NewRequest(http.MethodGet, c.a.http.URL+path, nil)
						req.Header.Set("Accept-Language", lang)
						r := c.do(req)
						_, port, _ := strings.Cut(strings.TrimPrefix(c.a.http.URL, "http://"), ":")
						r.body = strings.ReplaceAll(r.body, port, "PORT") // the two servers' addresses differ by it
						r.body = chart.ReplaceAllString(r.body, "chart")
						return r
					}
					queue, seen, pages := []string{"/", "/c/" + fast.demo.Community.Slug}, map[string]bool{}, 0
					for len(queue) > 0 && pages < 45 {
						path := queue[0]
						queue = queue[1:]
						if seen[path] {
							continue
						}
						seen[path] = true
						ra, rb := get(a, path), get(b, path)
						if ra.status != rb.status {
							t.Fatalf("%s (%s, organizer %t): status %d, as written %d", path, lang, organizer, ra.status, rb.status)
						}
						if !strings.HasPrefix(ra.header.Get("Content-Type"), "text/html") {
							continue
						}
						pages++
						if ra.body != rb.body {
							i := 0
							for i < len(ra.body) && i < len(rb.body) && ra.body[i] == rb.body[i] {
								i++
							}
							t.Fatalf("%s (%s, organizer %t) differs at byte %d:\n%.200q\nas written:\n%.200q", path, lang, organizer, i,
								ra.body[max(0, i-80):], rb.body[max(0, i-80):])
						}
						for _, m := range link.FindAllStringSubmatch(ra.body, -1) {
							p := strings.ReplaceAll(m[1], "&amp;", "&")
							if !seen[p] && !strings.HasPrefix(p, "/static/") && !strings.Contains(p, "signout") && !strings.Contains(p, "/images/") {
								queue = append(queue, p)
							}
						}
					}
					if pages < 20 {
						t.Fatalf("the crawl (%s, organizer %t) reached only %d pages", lang, organizer, pages)
					}
				}
			}
		})
	}
}
