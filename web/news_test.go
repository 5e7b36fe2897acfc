package web_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/web"
)

type atomEntry struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Link      string `json:"link"`
	Summary   string `json:"summary"`
	Published string `json:"published"`
	Updated   string `json:"updated"`
}

type atomFeed struct {
	Title    string      `json:"title"`
	Language string      `json:"language"`
	Link     string      `json:"link"`
	Updated  string      `json:"updated"`
	Entries  []atomEntry `json:"entries"`
}

// parseAtom reads a feed with node-feedparser (strict mode), installed by the test command into .tools.
func parseAtom(t *testing.T, body string) atomFeed {
	t.Helper()
	var f atomFeed
	if !nodeCheck(t, "feedparser", "FEEDPARSER_DIR", "atomcheck", ".atom", []string{body}, &f) {
		// Only the independent reading is skipped: the test goes on with encoding/xml's.
		return readAtomWithXML(t, body)
	}
	return f
}

func entryByID(t *testing.T, f atomFeed, id string) atomEntry {
	t.Helper()
	for _, e := range f.Entries {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no entry %s among %d", id, len(f.Entries))
	return atomEntry{}
}

// The news feed reads times in the community's zone, updates a call's entry in place when it is
// cancelled, mixes every kind of news by publication time (a season's calls are one entry), says
// its language, answers 304 to a reader that has it, and is announced in community pages' heads.
func TestNewsFeedFollowsTheCommunity(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			clock := &settableClock{t: testNow}
			a := newApp(t, engine, func(c *web.Config) { c.Clock = clock })
			slug := a.demo.Community.Slug
			newsPath := "/c/" + slug + "/news.atom"
			org := a.client()
			org.signIn()

			// A Friday call at 23:14 Toronto time is already Saturday in UTC.
			clock.Set(testNow.Add(time.Hour))
			wantStatus(t, org.post(fmt.Sprintf("/c/%s/series/%d/calls/new", slug, a.demo.Series.ID),
				url.Values{"date": {"2019-11-22"}, "time": {"23:14"}, "duration": {"30"}, "title": {"Late-night special"}}), http.StatusSeeOther)
			calls, _ := a.store.Calls(t.Context(), convene.CallFilter{SeriesID: a.demo.Series.ID, From: time.Date(2019, 11, 23, 0, 0, 0, 0, time.UTC), Limit: 1})
			late := calls[0]
			callURL := fmt.Sprintf("%s/c/%s/calls/%d", a.http.URL, slug, late.ID)

			r := a.client().get(newsPath)
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(r.body, `xml:lang="en-CA"`) || r.header.Get("ETag") == "" || !strings.Contains(r.header.Get("Vary"), "Accept-Language") {
				t.Fatalf("feed head: ETag %q Vary %q\n%.400s", r.header.Get("ETag"), r.header.Get("Vary"), r.body)
			}
			f := parseAtom(t, r.body)
			if f.Language != "en-CA" || f.Link != a.http.URL+"/c/"+slug {
				t.Fatalf("feed: language %q link %q", f.Language, f.Link)
			}
			e := entryByID(t, f, callURL)
			if e.Title != "New call: Late-night special" || !strings.Contains(e.Summary, "Friday, November 22, 2019 · 11:14 p.m. EST") {
				t.Fatalf("late call entry: %+v", e)
			}
			for i := 1; i < len(f.Entries); i++ {
				if f.Entries[i].Updated > f.Entries[i-1].Updated {
					t.Fatalf("entries out of order: %q (%s) after %q (%s)", f.Entries[i].Title, f.Entries[i].Updated, f.Entries[i-1].Title, f.Entries[i-1].Updated)
				}
			}
			kinds := map[string]bool{}
			for _, e := range f.Entries {
				switch {
				case strings.Contains(e.Title, "calls scheduled"):
					kinds["season"] = true
				case strings.HasPrefix(e.Title, "Update on"):
					kinds["update"] = true
				case strings.HasSuffix(e.Title, "asks for help"):
					kinds["ask"] = true
				case strings.HasPrefix(e.Title, "Minutes published"):
					kinds["minutes"] = true
				}
			}
			if len(kinds) != 3 { // the demo publishes no minutes
				t.Fatalf("kinds of news: %v", kinds)
			}

			// Unchanged: 304 to the reader's ETag; the call cancelled: its entry is updated in place.
			etag := r.header.Get("ETag")
			req, _ := http.NewRequest(http.MethodGet, a.http.URL+newsPath, nil)
			req.Header.Set("If-None-Match", etag)
			wantStatus(t, a.client().do(req), http.StatusNotModified)
			clock.Set(testNow.Add(48 * time.Hour))
			late.Status = convene.CallCancelled
			if err := a.store.UpdateCall(t.Context(), late); err != nil {
				t.Fatal(err)
			}
			r = a.client().do(req)
			wantStatus(t, r, http.StatusOK)
			e = entryByID(t, parseAtom(t, r.body), callURL)
			if e.Title != "Cancelled: Late-night special" || !strings.Contains(e.Summary, "Friday, November 22, 2019 · 11:14 p.m. EST is cancelled") ||
				e.Published != testNow.Add(time.Hour).Format("2006-01-02T15:04:05.000Z") || e.Updated != testNow.Add(48*time.Hour).Format("2006-01-02T15:04:05.000Z") {
				t.Fatalf("cancelled call entry: %+v", e)
			}

			// In French: French dates and zone abbreviations, and the feed says so.
			fr, _ := http.NewRequest(http.MethodGet, a.http.URL+newsPath, nil)
			fr.Header.Set("Accept-Language", "fr-CA,fr;q=0.9")
			r = a.client().do(fr)
			ff := parseAtom(t, r.body)
			if e := entryByID(t, ff, callURL); ff.Language != "fr-CA" || e.Title != "Annulé\u00a0: Late-night special" ||
				!strings.Contains(e.Summary, "vendredi 22 novembre 2019 · 23\u00a0h\u00a014 HNE") {
				t.Fatalf("French feed %q: %+v", ff.Language, e)
			}

			// Community pages announce the news feed and the calendars.
			page := a.client().get("/c/" + slug)
			mustContain(t, page.body,
				`<link rel="alternate" type="application/atom+xml" href="`+a.http.URL+newsPath+`"`,
				`<link rel="alternate" type="text/calendar" href="`+a.http.URL+"/c/"+slug+`/calendar.ics"`)
			mustContain(t, a.client().get(fmt.Sprintf("/c/%s/calls/%d", slug, late.ID)).body,
				`<link rel="alternate" type="text/calendar" href="`+callURL+`/calendar.ics"`)
		})
	}
}

// readAtomWithXML reads a feed as atomcheck reports it: the fallback when node is missing outside CI.
func readAtomWithXML(t *testing.T, body string) atomFeed {
	t.Helper()
	type link struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	}
	var x struct {
		Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []link `xml:"link"`
		Entries []struct {
			ID        string `xml:"id"`
			Title     string `xml:"title"`
			Link      link   `xml:"link"`
			Summary   string `xml:"summary"`
			Published string `xml:"published"`
			Updated   string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &x); err != nil {
		t.Fatalf("encoding/xml could not read the feed: %v\n%s", err, body)
	}
	iso := func(v string) string {
		tm, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return ""
		}
		return tm.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	f := atomFeed{Title: x.Title, Language: x.Lang, Updated: iso(x.Updated)}
	for _, l := range x.Links {
		if l.Rel == "alternate" {
			f.Link = l.Href
		}
	}
	for _, e := range x.Entries {
		f.Entries = append(f.Entries, atomEntry{ID: e.ID, Title: e.Title, Link: e.Link.Href, Summary: e.Summary,
			Published: iso(e.Published), Updated: iso(e.Updated)})
	}
	return f
}
