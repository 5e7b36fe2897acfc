package convene

import (
	"strconv"
	"strings"
	"time"
)

// Statuses of an action item.
const (
	ActionOpen = "open"
	ActionDone = "done"
)

// ActionStatuses lists every status of an action item.
var ActionStatuses = []string{ActionOpen, ActionDone}

// MaxMinutes is the longest text of minutes, overall or for one agenda item.
const MaxMinutes = 20000

// Minutes are the notes of a held call: an overall summary and notes per agenda item, in Markdown.
type Minutes struct {
	CallID      int64
	Summary     string
	Notes       map[int64]string // by agenda item
	NoteTakerID int64            // a member the organizers named to write them; 0 when none
	UpdatedAt   time.Time
	Lang        string // the language they were written in; "" when not recorded
}

// Written reports whether anything was written, so the minutes are shown on the call page.
func (m *Minutes) Written() bool {
	if m == nil {
		return false
	}
	if m.Summary != "" {
		return true
	}
	for _, n := range m.Notes {
		if n != "" {
			return true
		}
	}
	return false
}

// Normalize trims the minutes' text and drops empty notes.
func (m *Minutes) Normalize() {
	m.Summary = Para(m.Summary)
	for id, n := range m.Notes {
		if n = strings.TrimSpace(n); n == "" {
			delete(m.Notes, id)
		} else {
			m.Notes[id] = n
		}
	}
}

// Validate checks the minutes before they are stored.
func (m *Minutes) Validate() error {
	var f fieldErrors
	checkText(&f, "summary", m.Summary, MaxMinutes, false)
	for id, n := range m.Notes {
		checkText(&f, "item_"+strconv.FormatInt(id, 10), n, MaxMinutes, false)
	}
	checkAuthorLanguage(&f, &m.Lang)
	return f.err()
}

// ActionItem is a task agreed at a call: what, who owns it, when it is due, and whether it is done.
type ActionItem struct {
	ID          int64
	CommunityID int64
	CallID      int64
	What        string
	OwnerID     int64  // a member of the community; 0 when the owner is named in OwnerName
	OwnerName   string // a free-text owner, when not a member
	Due         Date   // zero when none
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled when read.
	OwnerDisplay string    // the owner's name; empty for a former member
	FormerMember bool      // the owner left the community
	CallStartsAt time.Time // when the call it came from started
}

// Normalize trims the item's text fields.
func (a *ActionItem) Normalize() {
	a.What = Line(a.What)
	a.OwnerName = Line(a.OwnerName)
	a.Status = strings.ToLower(strings.TrimSpace(a.Status))
	if a.Status == "" {
		a.Status = ActionOpen
	}
	if a.OwnerID != 0 {
		a.OwnerName = ""
	}
}

// Validate checks the item before it is stored.
func (a *ActionItem) Validate() error {
	var f fieldErrors
	checkText(&f, "what", a.What, MaxTitle, true)
	checkText(&f, "owner_name", a.OwnerName, MaxName, false)
	if a.OwnerID == 0 && a.OwnerName == "" {
		f.add("owner", "actionitem.owner.required", nil)
	}
	if !ValidActionStatus(a.Status) {
		f.add("status", "actionitem.status.invalid", nil)
	}
	return f.err()
}

// ValidActionStatus reports whether s is a status of an action item.
func ValidActionStatus(s string) bool {
	for _, st := range ActionStatuses {
		if st == s {
			return true
		}
	}
	return false
}
