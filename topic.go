package convene

import (
	"strings"
	"time"
)

// Topic statuses: a proposal waits in the queue until organizers accept or decline it.
const (
	TopicOpen     = "open"
	TopicAccepted = "accepted"
	TopicDeclined = "declined"
)

// MaxDeclineReason bounds the reason organizers give when they decline a topic.
const MaxDeclineReason = 1000

// Topic is an agenda topic proposed for a series, waiting in its queue.
type Topic struct {
	ID             int64
	CommunityID    int64
	SeriesID       int64
	CallID         int64 // the call the proposer hopes for; 0 for any
	ProposerID     int64
	ProposerName   string
	Title          string
	Kind           string // one of AgendaKinds
	PresenterName  string
	InitiativeID   int64 // 0 when not about an initiative
	InitiativeName Name
	Minutes        int
	Status         string
	DeclineReason  string
	AcceptedCallID int64 // the call whose agenda it joined
	AgendaItemID   int64
	Interest       int  // +1 count
	PlusOned       bool // the viewer has +1'd it
	CreatedAt      time.Time
	DecidedAt      *time.Time

	// Filled by the store for accepted topics.
	AcceptedCallStartsAt time.Time
	AcceptedCallTitle    Name

	// Texts: Lang is the language its proposer wrote it in ("" when not recorded), Translations
	// the versions its proposer or an organizer added.
	Texts
}

// TextFields is the topic's one translatable field.
func (t *Topic) TextFields() []TextField { return []TextField{{"title", &t.Title, MaxTitle, false}} }

// Normalize trims the topic's fields.
func (t *Topic) Normalize() {
	t.Title = Line(t.Title)
	t.Kind = strings.ToLower(strings.TrimSpace(t.Kind))
	t.PresenterName = Line(t.PresenterName)
	if t.Status == "" {
		t.Status = TopicOpen
	}
}

// Validate checks a proposal before it is stored.
func (t *Topic) Validate() error {
	var f fieldErrors
	if !oneOf(t.Kind, AgendaKinds) {
		f.add("kind", "agenda.kind.invalid", nil)
	}
	checkText(&f, "title", t.Title, MaxTitle, true)
	checkText(&f, "presenter_name", t.PresenterName, MaxShortText, false)
	checkAuthorLanguage(&f, &t.Lang)
	if t.Minutes < 0 || t.Minutes > MaxDuration {
		f.add("minutes", "agenda.minutes.range", map[string]any{"Max": MaxDuration})
	}
	return f.err()
}

// AgendaItem is the agenda item the topic becomes when accepted into a call.
func (t *Topic) AgendaItem(callID int64) *AgendaItem {
	return &AgendaItem{CallID: callID, Kind: t.Kind, Title: t.Title, PresenterName: t.PresenterName, Minutes: t.Minutes}
}
