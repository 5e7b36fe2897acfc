package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/feed"
)

// maxNews is how many entries a community's Atom feed holds, newest first.
const maxNews = 50

// newsFeed is an Atom 1.0 feed of a community's news, chosen by publication time among every
// kind: calls scheduled (a season's calls as one entry), calls changed or cancelled (their entry
// updated in place), initiative updates, asks and minutes. Times read in the community's zone. It
// names people by display name only and never shows comments.
func (s *Server) newsFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	l := viewerOf(r).L
	s.localize(r, c, c)
	loc, err := convene.LoadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	var entries []feed.AtomEntry
	add := func(id, title, path, summary, lang string, published, updated time.Time) {
		if lang == l.Lang {
			lang = ""
		}
		entries = append(entries, feed.AtomEntry{ID: s.absURL(id), Title: title, Link: s.absURL(path), Summary: summary,
			SummaryLang: lang, Published: published, Updated: updated})
	}
	// The latest of each kind is enough: one query per kind, however long the community's story.
	calls, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID, ByChange: true, Limit: maxNews * 4})
	if err != nil {
		return err
	}
	s.localizeData(r, c, calls)
	batches, err := s.callNews(r, c, calls, loc)
	if err != nil {
		return err
	}
	entries = append(entries, batches...)
	minutes, err := s.store.RecentMinutes(ctx, c.ID, maxNews)
	if err != nil {
		return err
	}
	s.localizeData(r, c, minutes)
	for _, m := range minutes {
		path := callPath(c, m.Call)
		add(path+"/minutes", l.T("news.minutes", "Call", m.Call.DisplayTitle()), path, m.Summary, "", m.At, m.At)
	}
	updates, err := s.store.RecentUpdates(ctx, c.ID, maxNews)
	if err != nil {
		return err
	}
	s.localizeData(r, c, updates)
	for _, up := range updates {
		path := initiativePath(c, up.InitiativeID)
		add(path+"#update-"+strconv.FormatInt(up.ID, 10), l.T("news.update", "Initiative", up.InitiativeName), path, up.Body, up.LangOf("body"), up.CreatedAt, up.CreatedAt)
	}
	asks, err := s.store.RecentAsks(ctx, c.ID, maxNews)
	if err != nil {
		return err
	}
	s.localizeData(r, c, asks)
	for _, a := range asks {
		path := initiativePath(c, a.InitiativeID)
		add(path+"#ask-"+strconv.FormatInt(a.ID, 10), l.T("news.ask", "Initiative", a.InitiativeName), path, a.Body, a.LangOf("body"), a.CreatedAt, a.CreatedAt)
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Updated.After(entries[j].Updated) })
	if len(entries) > maxNews {
		entries = entries[:maxNews]
	}
	self := "/c/" + c.Slug + "/news.atom"
	a := &feed.Atom{Title: l.T("news.title", "Community", c.Name), ID: s.absURL(self), Self: s.absURL(self),
		Alternate: s.absURL("/c/" + c.Slug), Lang: l.Lang + "-CA", Author: c.Name, Updated: c.CreatedAt, Entries: entries}
	etag := a.ETag()
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Language, Cookie")
	if notModified(w, r, etag) {
		return nil
	}
	out, err := a.Marshal()
	if err != nil {
		return err
	}
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(out)
	return err
}

// callNews turns calls, latest change first, into news. Calls a season scheduled together and
// nobody changed since are one entry, so a new season does not crowd out everything else; a call
// changed since it was scheduled (moved, cancelled, given an agenda) is an entry of its own,
// published when it was scheduled and updated at its last change, so readers update it in place.
func (s *Server) callNews(r *http.Request, c *convene.Community, calls []*convene.Call, loc *time.Location) ([]feed.AtomEntry, error) {
	l := viewerOf(r).L
	type batch struct {
		first *convene.Call
		calls []*convene.Call
	}
	entry := func(call *convene.Call) feed.AtomEntry {
		path := callPath(c, call)
		when := l.When(call.StartsAt.In(loc))
		title, summary := l.T("news.call", "Call", call.DisplayTitle()), when
		switch {
		case call.Status == convene.CallCancelled:
			title, summary = l.T("news.call_cancelled", "Call", call.DisplayTitle()), l.T("news.call_cancelled_summary", "When", when)
		case call.UpdatedAt.After(call.CreatedAt):
			title = l.T("news.call_changed", "Call", call.DisplayTitle())
		}
		if call.Theme != "" {
			summary += "\n" + call.Theme
		}
		return feed.AtomEntry{ID: s.absURL(path), Title: title, Link: s.absURL(path), Summary: summary,
			Published: call.CreatedAt, Updated: call.UpdatedAt}
	}
	var out []feed.AtomEntry
	batches := map[string]*batch{}
	var order []string
	for _, call := range calls {
		if call.SeasonID != 0 && call.OriginalStart != nil && call.UpdatedAt.Equal(call.CreatedAt) {
			key := fmt.Sprintf("%d-%d", call.SeasonID, call.CreatedAt.Unix())
			b := batches[key]
			if b == nil {
				b = &batch{first: call}
				batches[key] = b
				order = append(order, key)
			}
			b.calls = append(b.calls, call)
			continue
		}
		out = append(out, entry(call))
	}
	seasons := map[int64]*convene.Season{}
	for _, key := range order {
		b := batches[key]
		if len(b.calls) == 1 {
			out = append(out, entry(b.first))
			continue
		}
		se, ok := seasons[b.first.SeasonID]
		if !ok { // one query per series names all its seasons
			all, err := s.store.SeasonsOf(r.Context(), b.first.SeriesID)
			if err != nil {
				return nil, err
			}
			for _, x := range all {
				seasons[x.ID] = x
			}
			if se, ok = seasons[b.first.SeasonID]; !ok {
				continue // deleted since
			}
		}
		sort.Slice(b.calls, func(i, j int) bool { return b.calls[i].StartsAt.Before(b.calls[j].StartsAt) })
		lines := make([]string, len(b.calls))
		for i, call := range b.calls {
			lines[i] = l.When(call.StartsAt.In(loc))
		}
		path := seriesPath(c, b.first.Series)
		out = append(out, feed.AtomEntry{ID: s.absURL(path + "#season-" + key), Link: s.absURL(path),
			Title:   l.T("news.season", "Series", b.first.Series.Title, "Season", se.Name, "Count", len(b.calls)),
			Summary: strings.Join(lines, "\n"), Published: b.first.CreatedAt, Updated: b.first.CreatedAt})
	}
	return out, nil
}
