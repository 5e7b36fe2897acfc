package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/feed"
	"github.com/opengovcall/convene/store"
)

// eventRoutes registers the pages and API of events, ideas and the movement timeline.
func (s *Server) eventRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/events", s.eventsPage)
	handle("GET /c/{slug}/events/new", s.eventForm)
	handle("POST /c/{slug}/events/new", s.eventForm)
	handle("GET /c/{slug}/events/{id}", s.negotiated(s.eventPage, s.apObject("event")))
	handle("GET /c/{slug}/events/{id}/edit", s.eventForm)
	handle("POST /c/{slug}/events/{id}/edit", s.eventForm)
	handle("GET /c/{slug}/events/{id}/event.ics", s.eventCalendar)
	handle("GET /c/{slug}/ideas", s.ideasPage)
	handle("POST /c/{slug}/ideas", s.ideasPage)
	handle("POST /c/{slug}/ideas/{id}/status", s.ideaStatus)
	handle("POST /c/{slug}/ideas/{id}/initiative", s.ideaInitiative)
	handle("GET /c/{slug}/timeline", s.timelinePage)
	api("GET /api/v1/communities/{slug}/events", s.apiEvents)
	api("GET /api/v1/communities/{slug}/ideas", s.apiIdeas)
	api("GET /api/v1/communities/{slug}/timeline", s.apiTimeline)
}

// eventView is an event as pages show it: in the viewer's zone and in its own.
type eventView struct {
	*convene.Event
	URL        string
	Start, End time.Time // in the viewer's zone
	OwnStart   time.Time // in the event's zone
	OwnEnd     time.Time
	OtherZone  bool // the viewer's zone differs from the event's
	Prepares   []*callView
	FollowsUp  []*callView
}

func eventPath(c *convene.Community, e *convene.Event) string {
	return "/c/" + c.Slug + "/events/" + strconv.FormatInt(e.ID, 10)
}

func (s *Server) viewEvent(c *convene.Community, e *convene.Event, zone string) *eventView {
	loc, err := convene.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	own, err := convene.LoadZone(e.TimeZone)
	if err != nil {
		own = time.UTC
	}
	v := &eventView{Event: e, URL: eventPath(c, e), Start: e.StartsAt.In(loc), End: e.EndsAt.In(loc),
		OwnStart: e.StartsAt.In(own), OwnEnd: e.EndsAt.In(own), OtherZone: zone != e.TimeZone}
	for _, l := range e.Links {
		if l.Call == nil {
			continue
		}
		cv := s.viewCall(c, l.Call, zone)
		if l.Relation == convene.EventPrepares {
			v.Prepares = append(v.Prepares, cv)
		} else {
			v.FollowsUp = append(v.FollowsUp, cv)
		}
	}
	return v
}

// eventOf loads the event named in the path, which must belong to c.
func (s *Server) eventOf(r *http.Request, c *convene.Community) (*convene.Event, error) {
	return pathObject(r, "id", s.store.EventByID, func(e *convene.Event) int64 { return e.CommunityID }, c.ID, "event.not_found")
}

type eventsPage struct {
	base
	Upcoming, Past []*eventView
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	b.Title = b.L.T("events.title", "Community", c.Name)
	events, err := s.store.Events(r.Context(), c.ID)
	if err != nil {
		return err
	}
	p := eventsPage{base: b}
	now := s.clock.Now()
	for _, e := range events {
		if e.EndsAt.After(now) {
			p.Upcoming = append(p.Upcoming, s.viewEvent(c, e, b.Zone))
		} else {
			p.Past = append(p.Past, s.viewEvent(c, e, b.Zone))
		}
	}
	slices.Reverse(p.Past) // the most recent first
	return s.render(w, http.StatusOK, "events", p)
}

type eventPage struct {
	base
	Event    *eventView
	Ideas    []*convene.Idea
	Calendar string
}

func (s *Server) eventPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	e, err := s.eventOf(r, c)
	if err != nil {
		return err
	}
	s.localize(r, c, e)
	b, err := s.communityBase(r, c, e.Name)
	if err != nil {
		return err
	}
	ideas, err := s.store.Ideas(r.Context(), store.IdeaFilter{CommunityID: c.ID, EventID: e.ID})
	if err != nil {
		return err
	}
	b.Description, b.StructuredData = summary(e.Description), s.gatheringEvent(c, e)
	v := s.viewEvent(c, e, b.Zone)
	return s.render(w, http.StatusOK, "event", eventPage{base: b, Event: v, Ideas: ideas, Calendar: v.URL + "/event.ics"})
}

// localInput is the form value of an instant in a zone, for a datetime-local control.
const localInput = "2006-01-02T15:04"

// timeField reads a local date and time in the zone named by the form, as an instant.
func timeField(vals url.Values, name string, errs *[]convene.FieldError) time.Time {
	v := strings.TrimSpace(vals.Get(name))
	if v == "" {
		return time.Time{}
	}
	loc, err := convene.LoadZone(strings.TrimSpace(vals.Get("time_zone")))
	if err != nil {
		loc = time.UTC // the zone itself is reported by validation
	}
	t, err := time.ParseInLocation(localInput, v, loc)
	if err != nil {
		*errs = append(*errs, convene.FieldError{Field: name, Key: "time.invalid"})
	}
	return t
}

// eventForm creates or edits an event with the calls that prepare and follow it up.
func (s *Server) eventForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	l := b.L
	var e *convene.Event
	if r.PathValue("id") != "" {
		if e, err = s.eventOf(r, c); err != nil {
			return err
		}
	}
	around := s.clock.Now()
	ed := editor{title: l.T("event.new"), submit: l.T("action.create"), back: "/c/" + c.Slug + "/events",
		initial: url.Values{"time_zone": {c.TimeZone}}}
	linked := map[int64]string{}
	if e != nil {
		around = e.StartsAt
		loc, _ := convene.LoadZone(e.TimeZone)
		ed.title, ed.submit, ed.back = l.T("event.edit"), l.T("action.save"), eventPath(c, e)
		ed.initial = url.Values{"name": {e.Name}, "starts_at": {e.StartsAt.In(loc).Format(localInput)},
			"ends_at": {e.EndsAt.In(loc).Format(localInput)}, "time_zone": {e.TimeZone}, "place": {e.Place}, "address": {e.Address},
			"link": {e.Link}, "description": {e.Description}}
		versionValues(ed.initial, e)
		if e.Online {
			ed.initial.Set("online", "on")
		}
		for _, lk := range e.Links {
			linked[lk.CallID] = lk.Relation
			ed.initial.Set("call_"+strconv.FormatInt(lk.CallID, 10), lk.Relation)
		}
	}
	ed.languages = c.Languages
	ed.fields = []Field{
		{Name: "name", Label: l.T("field.name"), Type: "text", Required: true, Max: convene.MaxTitle, Translate: true},
		{Name: "starts_at", Label: l.T("field.starts_at"), Type: "datetime-local", Required: true, Hint: l.T("event.hint.local_time")},
		{Name: "ends_at", Label: l.T("event.field.ends_at"), Type: "datetime-local", Required: true},
		{Name: "time_zone", Label: l.T("field.time_zone"), Type: "zone", Required: true, Hint: l.T("hint.time_zone"), Options: zoneOptions(l, "")},
		{Name: "place", Label: l.T("event.field.place"), Type: "text", Max: convene.MaxPlace, Hint: l.T("event.hint.place"), Translate: true},
		{Name: "address", Label: l.T("event.field.address"), Type: "text", Max: convene.MaxPlace, Hint: l.T("event.hint.address")},
		{Name: "online", Label: l.T("event.field.online"), Type: "checkbox"},
		{Name: "link", Label: l.T("event.field.link"), Type: "url", Max: convene.MaxLink, Hint: l.T("event.hint.link")},
		{Name: "description", Label: l.T("field.description"), Type: "textarea", Max: convene.MaxDescription, Translate: true},
	}
	// The calls of the year around the event (or around today, for a new one) may be linked to it.
	calls, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID, From: around.AddDate(-1, 0, 0), To: around.AddDate(1, 0, 0)})
	if err != nil {
		return err
	}
	for _, lk := range linksOf(e) {
		if lk.Call != nil && !slices.ContainsFunc(calls, func(x *convene.Call) bool { return x.ID == lk.CallID }) {
			calls = append(calls, lk.Call)
		}
	}
	s.localizeData(r, c, calls)
	relations := []Option{{Value: "", Label: l.T("event.relation.none")}}
	for _, rel := range convene.EventRelations {
		relations = append(relations, Option{Value: rel, Label: l.T("event.relation." + rel)})
	}
	loc, _ := convene.LoadZone(c.TimeZone)
	for i, call := range calls {
		if call.Status == convene.CallCancelled && linked[call.ID] == "" {
			continue
		}
		at := call.StartsAt.In(loc)
		f := Field{Name: "call_" + strconv.FormatInt(call.ID, 10), Type: "select", Options: slices.Clone(relations),
			Label: l.T("event.link_call", "Date", l.ShortDate(at), "Title", call.DisplayTitle())}
		if i == 0 {
			f.Hint = l.T("event.hint.calls")
		}
		ed.fields = append(ed.fields, f)
	}
	ed.save = func(vals url.Values) (string, string, error) {
		var parse []convene.FieldError
		ne := &convene.Event{CommunityID: c.ID, Name: vals.Get("name"), TimeZone: strings.TrimSpace(vals.Get("time_zone")),
			StartsAt: timeField(vals, "starts_at", &parse), EndsAt: timeField(vals, "ends_at", &parse),
			Place: vals.Get("place"), Address: vals.Get("address"), Online: vals.Get("online") != "", Link: vals.Get("link"), Description: vals.Get("description")}
		links, err := callLinks(vals)
		if err != nil {
			return "", "", err
		}
		ne.Links = links
		if e != nil {
			ne.Translations = maps.Clone(e.Translations)
		}
		readVersions(vals, c.Languages, ne)
		ne.Normalize()
		if err := mergeErrors(parse, ne.Validate()); err != nil {
			return "", "", err
		}
		if e == nil {
			if err := s.store.CreateEvent(ctx, ne); err != nil {
				return "", "", err
			}
			return eventPath(c, ne), "flash.event_created", nil
		}
		ne.ID = e.ID
		if err := s.store.UpdateEvent(ctx, ne); err != nil {
			return "", "", err
		}
		return eventPath(c, ne), "flash.saved", nil
	}
	return s.edit(w, r, b, ed)
}

// callLinks reads the form's call_{id} selects; an id that is not a number names no call.
func callLinks(vals url.Values) ([]convene.EventLink, error) {
	var out []convene.EventLink
	for name, vs := range vals {
		idText, ok := strings.CutPrefix(name, "call_")
		if !ok || len(vs) == 0 || vs[0] == "" {
			continue
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			return nil, convene.NotFound("call.not_found")
		}
		out = append(out, convene.EventLink{CallID: id, Relation: vs[0]})
	}
	slices.SortFunc(out, func(a, b convene.EventLink) int { return int(a.CallID - b.CallID) })
	return out, nil
}

// linksOf is an event's call links, none for an event not created yet.
func linksOf(e *convene.Event) []convene.EventLink {
	if e == nil {
		return nil
	}
	return e.Links
}

// eventCalendar serves one event as a calendar file, answering 304 to a client that has it.
func (s *Server) eventCalendar(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	e, err := s.eventOf(r, c)
	if err != nil {
		return err
	}
	cal := &feed.EventCalendar{Event: e, URL: s.absURL(eventPath(c, e)), Instance: s.jobs.Instance, Online: viewerOf(r).L.T("event.online")}
	etag := feed.EventValidator(cal)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Last-Modified", e.UpdatedAt.UTC().Format(http.TimeFormat))
	h.Set("Vary", "Accept-Language")
	if notModified(w, r, etag) {
		return nil
	}
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="event-`+strconv.FormatInt(e.ID, 10)+`.ics"`)
	_, err = w.Write([]byte(cal.Serialize()))
	return err
}

type apiEventCall struct {
	ID       int64     `json:"id"`
	Relation string    `json:"relation"`
	StartsAt time.Time `json:"starts_at"`
	Title    string    `json:"title"`
	URL      string    `json:"url"`
}

type apiEvent struct {
	ID           int64                `json:"id"`
	Name         string               `json:"name"`
	StartsAt     time.Time            `json:"starts_at"`
	EndsAt       time.Time            `json:"ends_at"`
	TimeZone     string               `json:"time_zone"`
	Place        string               `json:"place"`
	Address      string               `json:"address"`
	Online       bool                 `json:"online"`
	Link         string               `json:"link"`
	Description  string               `json:"description"`
	URL          string               `json:"url"`
	ICSURL       string               `json:"ics_url"`
	Calls        []apiEventCall       `json:"calls,omitempty"`
	Translations convene.Translations `json:"translations"` // every version of its texts: language → field → text
}

func (s *Server) toAPIEvent(c *convene.Community, e *convene.Event) apiEvent {
	out := apiEvent{ID: e.ID, Name: e.Name, StartsAt: e.StartsAt, EndsAt: e.EndsAt, TimeZone: e.TimeZone, Place: e.Place, Address: e.Address,
		Online: e.Online, Link: e.Link, Description: e.Description, URL: s.absURL(eventPath(c, e)),
		ICSURL: s.absURL(eventPath(c, e) + "/event.ics"), Translations: convene.Versions(e)}
	for _, l := range e.Links {
		if l.Call != nil {
			out.Calls = append(out.Calls, apiEventCall{ID: l.CallID, Relation: l.Relation, StartsAt: l.Call.StartsAt,
				Title: l.Call.DisplayTitle(), URL: s.absURL(callPath(c, l.Call))})
		}
	}
	return out
}

func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	events, err := s.store.EventsWithLinks(r.Context(), c.ID)
	if err != nil {
		return err
	}
	out := struct {
		Events []apiEvent `json:"events"`
	}{Events: []apiEvent{}}
	s.localizeData(r, c, events)
	for _, e := range events {
		out.Events = append(out.Events, s.toAPIEvent(c, e))
	}
	return writeJSON(w, http.StatusOK, out)
}
