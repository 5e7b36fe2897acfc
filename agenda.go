package convene

import (
	"strings"
)

// Kinds of agenda item, in the order the announcement lists them.
const (
	AgendaUpdate       = "update"
	AgendaAsk          = "ask"
	AgendaDiscussion   = "discussion"
	AgendaAnnouncement = "announcement"
)

// AgendaKinds lists every kind of agenda item.
var AgendaKinds = []string{AgendaUpdate, AgendaAsk, AgendaDiscussion, AgendaAnnouncement}

// AgendaItem is one slot of a call's ordered agenda.
type AgendaItem struct {
	ID            int64
	CallID        int64
	Position      int
	Kind          string
	Title         string
	Description   string
	PresenterName string
	PresenterOrg  string
	Minutes       int // time allotted; 0 when open
	// PresenterPhoto is the presenter's photo, nil when there is none. It sits beside their name,
	// which says who it is, so it needs no words of its own.
	PresenterPhoto *Image
	Texts
}

// TextFields are the agenda item's translatable fields; the presenter's name is theirs alone.
func (a *AgendaItem) TextFields() []TextField {
	return []TextField{{"title", &a.Title, MaxTitle, false}, {"description", &a.Description, MaxDescription, true},
		{"presenter_org", &a.PresenterOrg, MaxShortText, false}}
}

// Presenter is the presenter's name and organization as one line.
func (a *AgendaItem) Presenter() string {
	switch {
	case a.PresenterName != "" && a.PresenterOrg != "":
		return a.PresenterName + " (" + a.PresenterOrg + ")"
	case a.PresenterName != "":
		return a.PresenterName
	}
	return a.PresenterOrg
}

// Normalize trims the item's text fields.
func (a *AgendaItem) Normalize() {
	a.Kind = strings.ToLower(strings.TrimSpace(a.Kind))
	a.Title = Line(a.Title)
	a.Description = Para(a.Description)
	a.PresenterName = Line(a.PresenterName)
	a.PresenterOrg = Line(a.PresenterOrg)
}

// Validate checks the item before it is stored.
func (a *AgendaItem) Validate() error {
	var f fieldErrors
	known := false
	for _, k := range AgendaKinds {
		known = known || k == a.Kind
	}
	if !known {
		f.add("kind", "agenda.kind.invalid", nil)
	}
	checkText(&f, "title", a.Title, MaxTitle, true)
	checkText(&f, "description", a.Description, MaxDescription, false)
	checkText(&f, "presenter_name", a.PresenterName, MaxShortText, false)
	checkText(&f, "presenter_org", a.PresenterOrg, MaxShortText, false)
	if a.PresenterPhoto != nil && a.PresenterName == "" { // the name is what says whose photo it is
		f.add("presenter_name", "agenda.photo_needs_name", nil)
	}
	if a.Minutes < 0 || a.Minutes > MaxDuration {
		f.add("minutes", "agenda.minutes.range", map[string]any{"Max": MaxDuration})
	}
	return f.err()
}
