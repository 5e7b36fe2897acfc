package convene

import (
	"net/url"
	"strings"
	"time"
)

// Relations a call may have to an event.
const (
	EventPrepares  = "prepares"
	EventFollowsUp = "follows_up"
)

// EventRelations lists how a call may relate to an event.
var EventRelations = []string{EventPrepares, EventFollowsUp}

// Event is an in-person or online gathering beyond the series: a summit, a conference session, a
// hackathon. Calls link to it as preparing or following it up, so the movement reads as one story.
type Event struct {
	ID          int64
	CommunityID int64
	Name        string
	StartsAt    time.Time // UTC
	EndsAt      time.Time // UTC, after StartsAt
	TimeZone    string    // IANA zone the event is planned in
	Place       string    // where it happens (venue and city); empty when online only
	Address     string    // the place's street address, optional
	Online      bool
	Link        string // http or https only
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Texts

	// Filled by the store: the calls linked to the event, in time order.
	Links []EventLink
}

// EventLink ties one call to an event.
type EventLink struct {
	CallID   int64
	Relation string // EventPrepares or EventFollowsUp
	Call     *Call  // filled by the store
}

// MaxPlace is the longest place an event may name.
const MaxPlace = 300

// MaxLink is the longest link an event or idea may carry.
const MaxLink = 2000

// Normalize trims the event's text fields.
func (e *Event) Normalize() {
	e.Name = Line(e.Name)
	e.Place = Line(e.Place)
	e.Address = Line(e.Address)
	e.Link = Line(e.Link)
	e.Description = Para(e.Description)
	e.TimeZone = CanonicalZone(Line(e.TimeZone))
	e.StartsAt, e.EndsAt = e.StartsAt.UTC(), e.EndsAt.UTC()
}

// Validate checks the event and its call links before they are stored.
func (e *Event) Validate() error {
	var f fieldErrors
	checkText(&f, "name", e.Name, MaxTitle, true)
	checkText(&f, "place", e.Place, MaxPlace, false)
	checkText(&f, "address", e.Address, MaxPlace, false)
	if e.Address != "" && e.Place == "" {
		f.add("address", "event.address_without_place", nil)
	}
	checkText(&f, "description", e.Description, MaxDescription, false)
	if e.Place == "" && !e.Online {
		f.add("place", "event.place_required", nil)
	}
	if !ValidZone(e.TimeZone) {
		f.add("time_zone", "timezone.unknown", map[string]any{"Zone": e.TimeZone})
	}
	if e.StartsAt.IsZero() {
		f.add("starts_at", "field.required", nil)
	}
	if e.EndsAt.IsZero() {
		f.add("ends_at", "field.required", nil)
	} else if !e.StartsAt.IsZero() && !e.EndsAt.After(e.StartsAt) {
		f.add("ends_at", "event.end_before_start", nil)
	} else if e.EndsAt.Sub(e.StartsAt) > 31*24*time.Hour {
		f.add("ends_at", "event.too_long", map[string]any{"Max": 31})
	}
	if e.Link != "" {
		if len(e.Link) > MaxLink {
			f.add("link", "field.too_long", map[string]any{"Max": MaxLink})
		} else if !WebLink(e.Link) {
			f.add("link", "event.link_invalid", nil)
		}
	}
	seen := map[int64]bool{}
	for _, l := range e.Links {
		if !oneOf(l.Relation, EventRelations) || l.CallID <= 0 || seen[l.CallID] {
			f.add("event_calls", "event.link_relation_invalid", nil)
			break
		}
		seen[l.CallID] = true
	}
	return f.err()
}

// WebLink reports whether s is an absolute http or https address, the only links Convene shows.
func WebLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}

// Idea statuses: the idea waits, lives on, or never got off the ground.
const (
	IdeaProposed  = "proposed"
	IdeaPickedUp  = "picked_up"
	IdeaAbandoned = "abandoned"
)

// IdeaStatuses lists an idea's statuses in order.
var IdeaStatuses = []string{IdeaProposed, IdeaPickedUp, IdeaAbandoned}

// Idea is something raised at a gathering, optionally an event, tracked from idea to action.
type Idea struct {
	ID          int64
	CommunityID int64
	EventID     int64 // 0 when not raised at a recorded event
	Title       string
	Description string
	Status      string
	ProposedBy  int64     // the member who proposed it; 0 when entered by organizers for others
	RaisedAt    time.Time // the event's start, or when it was proposed
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Texts

	// InitiativeID is the initiative the idea became, 0 when none; such an idea is picked up.
	InitiativeID int64

	// Filled by the store for display.
	EventName      Name
	InitiativeName Name
}

// Normalize trims the idea's text fields and defaults its status.
func (i *Idea) Normalize() {
	i.Title = Line(i.Title)
	i.Description = Para(i.Description)
	if i.Status == "" {
		i.Status = IdeaProposed
	}
}

// Validate checks the idea before it is stored.
func (i *Idea) Validate() error {
	var f fieldErrors
	checkText(&f, "title", i.Title, MaxTitle, true)
	checkText(&f, "description", i.Description, MaxDescription, false)
	if !oneOf(i.Status, IdeaStatuses) {
		f.add("status", "idea.status_invalid", nil)
	}
	return f.err()
}

// Timeline kinds, in the order a filter lists them.
const (
	TimelineSeason = "season"
	TimelineCall   = "call"
	TimelineEvent  = "event"
	TimelineIdea   = "idea"
	// TimelineInitiative marks an initiative started or, with Finished set, finished.
	TimelineInitiative = "initiative"
)

// TimelineKinds lists what the movement timeline shows.
var TimelineKinds = []string{TimelineSeason, TimelineCall, TimelineEvent, TimelineInitiative, TimelineIdea}

// TimelineItem is one moment of a community's movement; exactly one of its pointers is set.
type TimelineItem struct {
	Kind   string
	At     time.Time
	Season *Season
	Call   *Call
	Event  *Event
	Idea   *Idea

	Initiative *Initiative
	Finished   bool // an initiative's end (done or stopped) rather than its start
}

// TextFields are the event's translatable fields; its address is the same in every language.
func (e *Event) TextFields() []TextField {
	return []TextField{{"name", &e.Name, MaxTitle, false}, {"place", &e.Place, MaxPlace, false},
		{"description", &e.Description, MaxDescription, true}}
}

// TextFields are the idea's translatable fields.
func (i *Idea) TextFields() []TextField {
	return []TextField{{"title", &i.Title, MaxTitle, false}, {"description", &i.Description, MaxDescription, true}}
}
