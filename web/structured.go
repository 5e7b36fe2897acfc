package web

import (
	"encoding/json"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opengovcall/convene"
)

// maxDescription is how much of a page's description link previews and search engines get.
const maxDescription = 200

// summary shortens text to one line of at most maxDescription characters for a page's
// description, cutting at a word.
func summary(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= maxDescription {
		return text
	}
	cut := []rune(text)[:maxDescription]
	if i := strings.LastIndexByte(string(cut), ' '); i > maxDescription/2 {
		return string(cut)[:i] + "…"
	}
	return string(cut) + "…"
}

// schemaEvent is a schema.org Event, as search engines and calendars read it from a page.
type schemaEvent struct {
	Context     string        `json:"@context"`
	Type        string        `json:"@type"`
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	StartDate   string        `json:"startDate"`
	EndDate     string        `json:"endDate"`
	Status      string        `json:"eventStatus"`
	Mode        string        `json:"eventAttendanceMode"`
	Location    []schemaPlace `json:"location"`
	Organizer   *schemaOrg    `json:"organizer,omitempty"`
	Performers  []schemaActor `json:"performer,omitempty"`
	URL         string        `json:"url"`
	InLanguage  []string      `json:"inLanguage,omitempty"`
	Previous    string        `json:"previousStartDate,omitempty"`
	// Features are schema.org accessibilityFeature terms; Summary says the whole offer in words.
	Features []string `json:"accessibilityFeature,omitempty"`
	Summary  string   `json:"accessibilitySummary,omitempty"`
}

type schemaPlace struct {
	Type    string         `json:"@type"`
	Name    string         `json:"name,omitempty"`
	Address *schemaAddress `json:"address,omitempty"`
	URL     string         `json:"url,omitempty"`
}

type schemaOrg struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// schemaActor is a presenter: a person (with the organization they present for) or an organization.
type schemaActor struct {
	Type        string     `json:"@type"`
	Name        string     `json:"name"`
	Affiliation *schemaOrg `json:"affiliation,omitempty"`
}

// performers are the agenda's presenters, once each, in agenda order.
func performers(agenda []*convene.AgendaItem) []schemaActor {
	var out []schemaActor
	seen := map[string]bool{}
	for _, a := range agenda {
		if a.PresenterName == "" && a.PresenterOrg == "" || seen[a.Presenter()] {
			continue
		}
		seen[a.Presenter()] = true
		switch {
		case a.PresenterName == "":
			out = append(out, schemaActor{Type: "Organization", Name: a.PresenterOrg})
		case a.PresenterOrg == "":
			out = append(out, schemaActor{Type: "Person", Name: a.PresenterName})
		default:
			out = append(out, schemaActor{Type: "Person", Name: a.PresenterName, Affiliation: &schemaOrg{Type: "Organization", Name: a.PresenterOrg}})
		}
	}
	return out
}

// joinSentences joins pieces of a description with a separator, skipping empty ones, so a theme
// and a note do not run together ("Budget 2020 — Two weeks before the summit").
func joinSentences(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " — ")
}

// placeOf is an event's place as schema.org wants it: its name, and its street address when the
// organizer gave one (never the name again, which search engines reject as an address).
func placeOf(ev *convene.Event) schemaPlace {
	p := schemaPlace{Type: "Place", Name: ev.Place}
	if ev.Address != "" {
		p.Address = &schemaAddress{Type: "PostalAddress", Street: ev.Address}
	}
	return p
}

type schemaAddress struct {
	Type   string `json:"@type"`
	Street string `json:"streetAddress"`
}

// jsonLD renders structured data for a <script type="application/ld+json"> element. json.Marshal
// escapes <, > and &, so no text in it can close the script.
func jsonLD(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return template.JS(b)
}

func schemaTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// callEvent describes a call as a schema.org event organized by its community: online, in its
// venue, or both, with what it offers for accessibility (access, in the reader's words). Join
// details are never in it: the page's URL is where people find them, at their level.
func (s *Server) callEvent(c *convene.Community, call *convene.Call, agenda []*convene.AgendaItem, access []string) template.JS {
	url := s.absURL(callPath(c, call))
	e := schemaEvent{Context: "https://schema.org", Type: "Event", Name: call.DisplayTitle(), Description: summary(joinSentences(call.Theme, call.Note)),
		Performers: performers(agenda),
		StartDate:  schemaTime(call.StartsAt), EndDate: schemaTime(call.EndsAt()), Status: "https://schema.org/EventScheduled",
		Organizer: &schemaOrg{Type: "Organization", Name: c.Name, URL: s.absURL("/c/" + c.Slug)}, URL: url, InLanguage: c.Languages,
		Features: call.Accessibility().AccessibilityFeatures(), Summary: strings.Join(access, ". ")}
	if v := call.Venue; call.InPerson() && v != nil {
		e.Location = append(e.Location, schemaPlace{Type: "Place", Name: v.Title(),
			Address: &schemaAddress{Type: "PostalAddress", Street: v.AddressLine()}, URL: v.MapURL})
	}
	if call.Online() {
		e.Location = append(e.Location, schemaPlace{Type: "VirtualLocation", URL: url})
	}
	e.Mode = map[string]string{convene.CallOnline: "https://schema.org/OnlineEventAttendanceMode",
		convene.CallInPerson: "https://schema.org/OfflineEventAttendanceMode", convene.CallHybrid: "https://schema.org/MixedEventAttendanceMode"}[call.Mode()]
	switch {
	case call.Status == convene.CallCancelled:
		e.Status = "https://schema.org/EventCancelled"
	case call.Moved():
		e.Status, e.Previous = "https://schema.org/EventRescheduled", schemaTime(*call.OriginalStart)
	}
	return jsonLD(e)
}

// gatheringEvent describes an event of the movement: in person, online or both.
func (s *Server) gatheringEvent(c *convene.Community, ev *convene.Event) template.JS {
	url := s.absURL(eventPath(c, ev))
	e := schemaEvent{Context: "https://schema.org", Type: "Event", Name: ev.Name, Description: summary(ev.Description),
		StartDate: schemaTime(ev.StartsAt), EndDate: schemaTime(ev.EndsAt), Status: "https://schema.org/EventScheduled",
		Organizer: &schemaOrg{Type: "Organization", Name: c.Name, URL: s.absURL("/c/" + c.Slug)}, URL: url}
	if ev.Place != "" {
		e.Location = append(e.Location, placeOf(ev))
	}
	if ev.Online {
		link := ev.Link
		if link == "" {
			link = url
		}
		e.Location = append(e.Location, schemaPlace{Type: "VirtualLocation", URL: link})
	}
	switch {
	case ev.Place != "" && ev.Online:
		e.Mode = "https://schema.org/MixedEventAttendanceMode"
	case ev.Online:
		e.Mode = "https://schema.org/OnlineEventAttendanceMode"
	default:
		e.Mode = "https://schema.org/OfflineEventAttendanceMode"
	}
	return jsonLD(e)
}
