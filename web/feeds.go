package web

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/feed"
	"github.com/opengovcall/convene/notify"
)

// feedLabels are a feed's words in one language.
func feedLabels(l *Localizer) feed.Labels { return notify.FeedLabels(l) }

// feedEntries turns calls of one community into feed entries for a reader: agendas, and join kits
// only where the reader's standing allows. standing gives the reader's standing at each call.
func (s *Server) feedEntries(r *http.Request, l *Localizer, c *convene.Community, calls []*convene.Call, standing func(*convene.Call) convene.Standing) ([]feed.Entry, error) {
	ctx := r.Context()
	kits, err := s.store.CallJoinKits(ctx, calls)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := make([]feed.Entry, 0, len(calls))
	access := map[string][]string{} // calls of a series offer the same: said once per offer
	for _, call := range calls {
		st := standing(call)
		a := call.Accessibility()
		key := fmt.Sprint(a)
		if _, ok := access[key]; !ok {
			access[key] = l.Accessibility(a)
		}
		e := feed.Entry{Call: call, URL: s.absURL(callPath(c, call)), Mode: attendsAs(st), Access: access[key]}
		if k := kits[call.ID]; k != nil && call.Online() && !st.InPerson {
			if call.JoinAccessFor(st, now).Visible {
				e.Kit = k
			} else {
				e.KitHidden = true
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// attendsAs is how a reader with standing st attends: in person, online, or "" when they have no
// place (a feed read by anyone).
func attendsAs(st convene.Standing) string {
	switch {
	case st.InPerson:
		return convene.AttendInPerson
	case st.Registered:
		return convene.AttendOnline
	}
	return ""
}

// serveFeed writes a calendar with its ETag, answering 304 to a client that has it already. The
// ETag is worked out from what the feed is made of (which calls, each one's last change and
// sequence, what its reader may see, the language), so a client that has the feed costs no agenda
// query and no serialization, and an unchanged feed is served from memory.
//
// There is no Last-Modified: the newest change among the calls still in a feed does not move when
// calls leave it (a paused season, an unsubscription), so clients that sent only If-Modified-Since
// kept stale calendars. Without it they download the feed, and the ETag does the rest.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, f *feed.Feed, filename string) error {
	etag := feed.Validator(f)
	feedHeaders(w, etag)
	if notModified(w, r, etag) {
		return nil
	}
	body, ok := s.feeds.get(etag)
	if !ok {
		ids := make([]int64, len(f.Entries))
		for i, e := range f.Entries {
			ids[i] = e.Call.ID
		}
		agendas, err := s.store.Agendas(r.Context(), ids)
		if err != nil {
			return err
		}
		for i := range f.Entries {
			e := &f.Entries[i]
			e.Agenda = agendas[e.Call.ID]
			for _, a := range e.Agenda { // in the feed's language, like the call (whose own is known by now)
				convene.Localize(a, f.Lang, e.Call.Lang)
			}
		}
		body = f.Serialize()
		s.feeds.put(etag, body)
	}
	return writeFeedBody(w, body, filename)
}

// feedHeaders are a feed's validator and caching headers, set before notModified (which marks
// the ETag of a compressed answer).
func feedHeaders(w http.ResponseWriter, etag string) {
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Language, Cookie")
}

// writeFeedBody writes a feed after feedHeaders.
func writeFeedBody(w http.ResponseWriter, body, filename string) error {
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="`+filename+`"`)
	_, err := io.WriteString(w, body)
	return err
}

// feedCache keeps recently served feeds by validator; a changed feed has a new validator, so an
// entry is never stale, only unused.
type feedCache struct {
	mu     sync.Mutex
	bodies map[string]string
}

func (c *feedCache) get(etag string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.bodies[etag]
	return b, ok
}

func (c *feedCache) put(etag, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bodies == nil || len(c.bodies) >= 256 {
		c.bodies = map[string]string{}
	}
	c.bodies[etag] = body
}

// communityFeed is the feed of a community, of one of its series, or of one call, as its reader
// (often a calendar app, signed in as nobody) may see it.
func (s *Server) communityFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	s.localize(r, c, c)
	f := convene.CallFilter{CommunityID: c.ID}
	name, file, about, page := c.Name, c.Slug+".ics", c.Description, "/c/"+c.Slug
	changed := []time.Time{c.UpdatedAt} // what heads the feed, and its time zone
	switch {
	case strings.Contains(r.URL.Path, "/calls/"):
		call, err := s.callOf(r, c)
		if err != nil {
			return err
		}
		s.localize(r, c, call, call.Series)
		return s.writeFeed(w, r, c, []*convene.Call{call}, feedAbout{name: call.DisplayTitle(), description: call.Note, page: callPath(c, call)},
			"call-"+strconv.FormatInt(call.ID, 10)+".ics")
	case strings.Contains(r.URL.Path, "/series/"):
		sr, err := s.seriesOf(r, c)
		if err != nil {
			return err
		}
		s.localize(r, c, sr)
		f = convene.CallFilter{SeriesID: sr.ID}
		name, file, about, page = sr.Title, c.Slug+"-series-"+strconv.FormatInt(sr.ID, 10)+".ics", sr.Description, seriesPath(c, sr)
		changed = append(changed, sr.UpdatedAt) // its name and description head the feed, calls or none
	}
	// A calendar app (signed in as nobody) asking again for an unchanged feed gets it after one
	// aggregate query (stamped.go); the community or series heading it changes it too.
	stamp, err := s.publicStamp(r, f, false, changed...)
	if err != nil {
		return err
	}
	return s.serveStamped(w, r, stamp, func(w http.ResponseWriter) error {
		calls, err := s.store.Calls(ctx, f)
		if err != nil {
			return err
		}
		return s.writeFeed(w, r, c, calls, feedAbout{name: name, description: about, page: page}, file)
	})
}

// feedAbout is what a public feed says about itself: its name, description and page.
type feedAbout struct {
	name, description, page string
}

func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, c *convene.Community, calls []*convene.Call, about feedAbout, file string) error {
	contexts, err := s.callContexts(r, c, calls)
	if err != nil {
		return err
	}
	entries, err := s.feedEntries(r, viewerOf(r).L, c, calls, func(call *convene.Call) convene.Standing { return contexts[call.ID].standing })
	if err != nil {
		return err
	}
	s.localizeData(r, c, entries)
	f := &feed.Feed{Name: about.name, Description: about.description, URL: s.absURL(about.page), Source: s.absURL(r.URL.Path),
		TimeZone: c.TimeZone, Instance: s.jobs.Instance, Entries: entries, Labels: feedLabels(viewerOf(r).L), Lang: viewerOf(r).L.Lang}
	return s.serveFeed(w, r, f, file)
}

// personalFeed is a member's own calendar: the calls they registered for, with reminders, in
// their language, opened by the secret in its address.
func (s *Server) personalFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.store.UserByFeedToken(ctx, r.PathValue("token"))
	if err != nil {
		return convene.NotFound("page.not_found") // no hint of what exists
	}
	calls, places, err := s.store.RegisteredCalls(ctx, u.ID, s.clock.Now().AddDate(0, -3, 0))
	if err != nil {
		return err
	}
	l := s.catalog.Localizer(u.Language())
	// No SOURCE: the feed's address is a secret, and the file may be shared.
	f := &feed.Feed{Name: l.T("feed.personal_name", "Name", u.Name), URL: s.absURL("/me"), TimeZone: u.TimeZone, Instance: s.jobs.Instance,
		Alarm: 30 * time.Minute, Labels: feedLabels(l), Lang: l.Lang}
	byCommunity := map[int64][]*convene.Call{}
	var order []int64
	for _, call := range calls {
		if _, ok := byCommunity[call.CommunityID]; !ok {
			order = append(order, call.CommunityID)
		}
		byCommunity[call.CommunityID] = append(byCommunity[call.CommunityID], call)
	}
	roles, err := s.store.RolesOfUser(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, id := range order {
		c, err := s.store.CommunityByID(ctx, id)
		if err != nil {
			return err
		}
		rights := convene.RightsOf(u, roles[c.ID]) // the feed's owner, whoever fetches it
		entries, err := s.feedEntries(r, l, c, byCommunity[id], func(call *convene.Call) convene.Standing {
			return rights.At(places[call.ID])
		})
		if err != nil {
			return err
		}
		localizeIn(l.Lang, c, entries)
		f.Entries = append(f.Entries, entries...)
	}
	if f.TimeZone == "" && len(order) > 0 {
		f.TimeZone = "America/Toronto"
	}
	return s.serveFeed(w, r, f, "convene.ics")
}

// feedURLs are the addresses a page offers for a feed: download, and subscribe with webcal://.
// Subscribe is a vetted template.URL: html/template refuses the webcal: scheme in a plain string
// (it renders "#ZgotmplZ"), and this is the one place such a URL is made.
type feedURLs struct {
	Download  string
	Subscribe template.URL
}

func (s *Server) feedURLs(path string) feedURLs {
	abs := s.absURL(path)
	host := strings.TrimPrefix(strings.TrimPrefix(abs, "https://"), "http://")
	return feedURLs{Download: path, Subscribe: template.URL("webcal://" + host)}
}

// fillFeed tells the account page whether the personal feed is on, and its address right after
// it was made (the secret is stored hashed, so it cannot be shown again).
func (s *Server) fillFeed(r *http.Request, u *convene.User, p *mePage) error {
	var err error
	if p.FeedOn, err = s.store.HasFeedToken(r.Context(), u.ID); err != nil {
		return err
	}
	if raw := s.sessions.PopString(r.Context(), "new_feed"); raw != "" {
		urls := s.feedURLs("/feeds/" + raw + "/calendar.ics")
		p.NewFeed = &urls
	}
	return nil
}

// personalFeedToken makes (or remakes) the viewer's feed secret, or revokes it.
func (s *Server) personalFeedToken(w http.ResponseWriter, r *http.Request) error {
	u := viewerOf(r).User
	if u == nil || viewerOf(r).Token {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	if strings.HasSuffix(r.URL.Path, "/delete") {
		if err := s.store.RevokeFeedToken(r.Context(), u.ID); err != nil {
			return err
		}
		return s.redirect(w, r, "/me/calendar", "flash.feed_revoked")
	}
	raw, err := s.store.NewFeedToken(r.Context(), u.ID)
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), "new_feed", raw)
	return s.redirect(w, r, "/me/calendar", "flash.feed_created")
}
