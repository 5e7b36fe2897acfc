package web

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
)

// maxNews is how many entries a community's Atom feed holds, newest first.
const maxNews = 50

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary atomText `xml:"summary"`
	when    time.Time
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  atomAuthor  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// newsFeed is an Atom 1.0 feed of a community's news: new calls, initiative updates, asks and
// minutes published, newest first. It names people by display name only and never shows comments.
func (s *Server) newsFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	l := viewerOf(r).L
	var entries []atomEntry
	add := func(id, title, path, summary string, when time.Time) {
		entries = append(entries, atomEntry{Title: title, ID: s.absURL(id), Updated: atomTime(when), when: when,
			Link: atomLink{Href: s.absURL(path), Rel: "alternate", Type: "text/html"}, Summary: atomText{Type: "text", Body: summary}})
	}
	// The newest of each kind is enough: one query per kind, however long the community's story.
	calls, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID, Descending: true, Limit: maxNews})
	if err != nil {
		return err
	}
	for _, call := range calls {
		path := callPath(c, call)
		add(path, l.T("news.call", "Call", call.DisplayTitle()), path, l.Date(call.StartsAt), call.CreatedAt)
	}
	minutes, err := s.store.RecentMinutes(ctx, c.ID, maxNews)
	if err != nil {
		return err
	}
	for _, m := range minutes {
		path := callPath(c, m.Call)
		add(path+"/minutes", l.T("news.minutes", "Call", m.Call.DisplayTitle()), path, m.Summary, m.At)
	}
	updates, err := s.store.RecentUpdates(ctx, c.ID, maxNews)
	if err != nil {
		return err
	}
	for _, up := range updates {
		path := initiativePath(c, up.InitiativeID)
		add(path+"#update-"+strconv.FormatInt(up.ID, 10), l.T("news.update", "Initiative", up.InitiativeName), path, up.Body, up.CreatedAt)
	}
	asks, err := s.store.RecentAsks(ctx, c.ID, maxNews)
	if err != nil {
		return err
	}
	for _, a := range asks {
		path := initiativePath(c, a.InitiativeID)
		add(path+"#ask-"+strconv.FormatInt(a.ID, 10), l.T("news.ask", "Initiative", a.InitiativeName), path, a.Body, a.CreatedAt)
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].when.After(entries[j].when) })
	if len(entries) > maxNews {
		entries = entries[:maxNews]
	}
	updated := c.CreatedAt
	if len(entries) > 0 {
		updated = entries[0].when
	}
	self := "/c/" + c.Slug + "/news.atom"
	feed := atomFeed{Title: l.T("news.title", "Community", c.Name), ID: s.absURL(self), Updated: atomTime(updated),
		Author: atomAuthor{Name: c.Name}, Entries: entries,
		Links: []atomLink{{Href: s.absURL(self), Rel: "self", Type: "application/atom+xml"}, {Href: s.absURL("/c/" + c.Slug), Rel: "alternate", Type: "text/html"}}}
	out, err := xml.MarshalIndent(feed, "", " ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(append([]byte(xml.Header), out...))
	return err
}
