package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// timelineEntry is one moment of the timeline as the page shows it.
type timelineEntry struct {
	convene.TimelineItem
	Local time.Time
	Title string
	URL   string
	Note  string // a status or a place
}

type timelinePage struct {
	base
	Entries []timelineEntry
	// Earlier and Later link to the pages beside this one, with the same filters; empty at either end.
	Earlier, Later string
	Kinds          []Option // Selected marks the kinds shown
	// Jurisdictions and Sectors narrow the initiatives shown; Selected marks the chosen one.
	Jurisdictions []Option
	Sectors       []Option
}

// timelineFilter reads a timeline's filters from the query: kinds, a jurisdiction and a sector
// that narrow the initiatives (unknown values are ignored, as unknown kinds are), and the page
// ("before" or "after" a cursor; a malformed one is an error, not the first page).
func timelineFilter(r *http.Request) (store.TimelineFilter, error) {
	q := r.URL.Query()
	f := store.TimelineFilter{Kinds: timelineKinds(r)}
	if j := strings.TrimSpace(q.Get("jurisdiction")); slices.Contains(convene.Jurisdictions, j) {
		f.Jurisdiction = j
	}
	if sec := strings.TrimSpace(q.Get("sector")); slices.Contains(convene.Sectors, sec) {
		f.Sector = sec
	}
	var err error
	if v := q.Get("before"); v != "" {
		f.Before, err = store.ParseTimelineCursor(v)
	} else if v := q.Get("after"); v != "" {
		f.After, err = store.ParseTimelineCursor(v)
	}
	return f, err
}

// timelinePageLink is the address of the page of a timeline before or after a cursor, keeping the
// request's filters.
func timelinePageLink(r *http.Request, dir string, cur *store.TimelineCursor) string {
	if cur == nil {
		return ""
	}
	q := r.URL.Query()
	q.Del("before")
	q.Del("after")
	q.Set(dir, cur.String())
	return r.URL.Path + "?" + q.Encode()
}

func selectOption(opts []Option, value string) []Option {
	for i := range opts {
		opts[i].Selected = opts[i].Value == value
	}
	return opts
}

// timelineKinds reads the kinds a timeline is filtered to; none (or only unknown ones) means all.
func timelineKinds(r *http.Request) []string {
	var kinds []string
	for _, k := range r.URL.Query()["kind"] {
		if slices.Contains(convene.TimelineKinds, k) && !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

func (s *Server) timelineEntries(c *convene.Community, items []convene.TimelineItem, l *Localizer, zone string) []timelineEntry {
	loc, err := convene.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	now := s.clock.Now()
	out := make([]timelineEntry, 0, len(items))
	for _, it := range items {
		localizeIn(l.Lang, c, &it) // its season, call and series, event, idea (and what it became), initiative
		e := timelineEntry{TimelineItem: it, Local: it.At.In(loc)}
		switch it.Kind {
		case convene.TimelineSeason:
			e.Title, e.URL = it.Season.Name, "/c/"+c.Slug+"/series/"+strconv.FormatInt(it.Season.SeriesID, 10)
			e.Note = it.Season.Note
		case convene.TimelineCall:
			e.Title, e.URL = it.Call.DisplayTitle(), callPath(c, it.Call)
			if it.Call.Theme != "" {
				e.Title += l.T("punct.colon") + it.Call.Theme
			}
			e.Note = l.T("status." + it.Call.Shown(now))
		case convene.TimelineEvent:
			e.Title, e.URL, e.Note = it.Event.Name, eventPath(c, it.Event), it.Event.Place
			if e.Note == "" {
				e.Note = l.T("event.online")
			}
		case convene.TimelineIdea:
			e.Title, e.URL = it.Idea.Title, "/c/"+c.Slug+"/ideas#idea-"+strconv.FormatInt(it.Idea.ID, 10)
			e.Note = l.T("idea.status." + it.Idea.Status)
			if it.Idea.InitiativeID != 0 {
				e.Note = l.T("idea.became", "Name", it.Idea.InitiativeName)
			}
		case convene.TimelineInitiative:
			e.Title, e.URL = it.Initiative.Name, "/c/"+c.Slug+"/initiatives/"+strconv.FormatInt(it.Initiative.ID, 10)
			e.Note = l.T("timeline.initiative_started")
			if it.Finished {
				e.Note = l.T("timeline.initiative_finished", "Status", l.T("initiative.status."+it.Initiative.Status))
			}
		}
		out = append(out, e)
	}
	return out
}

func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	b.Title = b.L.T("timeline.title", "Community", c.Name)
	f, err := timelineFilter(r)
	if err != nil {
		return err
	}
	kinds := f.Kinds
	tl, err := s.store.Timeline(r.Context(), c.ID, s.clock.Now(), f)
	if err != nil {
		return err
	}
	p := timelinePage{base: b, Entries: s.timelineEntries(c, tl.Items, b.L, b.Zone),
		Earlier: timelinePageLink(r, "before", tl.Earlier), Later: timelinePageLink(r, "after", tl.Later),
		Jurisdictions: selectOption(jurisdictionOptions(b.L, "timeline.all_jurisdictions"), f.Jurisdiction),
		Sectors:       selectOption(sectorOptions(b.L, "timeline.all_sectors"), f.Sector)}
	for _, k := range convene.TimelineKinds {
		p.Kinds = append(p.Kinds, Option{Value: k, Label: b.L.T("timeline.kind." + k), Selected: slices.Contains(kinds, k)})
	}
	return s.render(w, http.StatusOK, "timeline", p)
}

type apiTimelineItem struct {
	Kind  string    `json:"kind"`
	At    time.Time `json:"at"`
	Title string    `json:"title"`
	URL   string    `json:"url"`
	ID    int64     `json:"id"`
	State string    `json:"status,omitempty"`
	// Finished marks an initiative's end; Jurisdiction and Sector are an initiative's.
	Finished     bool   `json:"finished,omitempty"`
	Jurisdiction string `json:"jurisdiction,omitempty"`
	Sector       string `json:"sector,omitempty"`
}

func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	f, err := timelineFilter(r)
	if err != nil {
		return err
	}
	tl, err := s.store.Timeline(r.Context(), c.ID, now, f)
	if err != nil {
		return err
	}
	out := struct {
		Items []apiTimelineItem `json:"items"`
		// Earlier and Later are the addresses of the pages beside this one.
		Earlier string `json:"earlier,omitempty"`
		Later   string `json:"later,omitempty"`
	}{Items: []apiTimelineItem{}}
	if link := timelinePageLink(r, "before", tl.Earlier); link != "" {
		out.Earlier = s.absURL(link)
	}
	if link := timelinePageLink(r, "after", tl.Later); link != "" {
		out.Later = s.absURL(link)
	}
	for _, e := range s.timelineEntries(c, tl.Items, viewerOf(r).L, "UTC") {
		it := apiTimelineItem{Kind: e.Kind, At: e.At.UTC(), Title: e.Title, URL: s.absURL(e.URL)}
		switch e.Kind {
		case convene.TimelineSeason:
			it.ID = e.Season.ID
		case convene.TimelineCall:
			it.ID, it.State = e.Call.ID, e.Call.StatusAt(now)
		case convene.TimelineEvent:
			it.ID = e.Event.ID
		case convene.TimelineIdea:
			it.ID, it.State = e.Idea.ID, e.Idea.Status
		case convene.TimelineInitiative:
			it.ID, it.State, it.Finished = e.Initiative.ID, e.Initiative.Status, e.Finished
			it.Jurisdiction, it.Sector = e.Initiative.Jurisdiction, e.Initiative.Sector
		}
		out.Items = append(out.Items, it)
	}
	return writeJSON(w, http.StatusOK, out)
}
