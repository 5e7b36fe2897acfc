package convene

import (
	"net/url"
	"strings"
	"time"
)

// Initiative statuses, from an idea to its end.
const (
	InitiativeIdea    = "idea"
	InitiativeForming = "forming"
	InitiativeActive  = "active"
	InitiativePaused  = "paused"
	InitiativeDone    = "done"
	InitiativeStopped = "stopped"
)

// InitiativeStatuses lists the statuses in the order an initiative lives them.
var InitiativeStatuses = []string{InitiativeIdea, InitiativeForming, InitiativeActive, InitiativePaused, InitiativeDone, InitiativeStopped}

// AskKinds lists what an initiative may ask its community for.
var AskKinds = []string{"volunteers", "feedback", "expertise", "connections", "troubleshooting"}

// Initiative limits.
const (
	MaxLinks      = 10
	MaxLinkLen    = 500
	MaxUpdate     = 2000
	MaxAskBody    = 2000
	MaxOfferNote  = 1000
	MaxInitiative = 5000 // description
)

// Initiative is one of the movement's projects: a clearinghouse, a society, a summit.
type Initiative struct {
	ID           int64
	CommunityID  int64
	Name         string
	Description  string
	Jurisdiction string
	Sector       string
	Status       string
	Links        []string
	Leads        []*User // filled in by the store when it loads one initiative
	LeadIDs      []int64
	CreatedAt    time.Time // when it started
	UpdatedAt    time.Time
	FinishedAt   *time.Time // when it was marked done or stopped; nil while it goes on
	Texts
}

// TextFields are the initiative's translatable fields.
func (in *Initiative) TextFields() []TextField {
	return []TextField{{"name", &in.Name, MaxName, false}, {"description", &in.Description, MaxInitiative, true}}
}

// InitiativeFinished reports whether an initiative in status has come to an end, done or stopped.
func InitiativeFinished(status string) bool {
	return status == InitiativeDone || status == InitiativeStopped
}

// Normalize trims the initiative's fields and drops empty and repeated links.
func (in *Initiative) Normalize() {
	in.Name = Line(in.Name)
	in.Description = Para(in.Description)
	in.Jurisdiction = Line(in.Jurisdiction)
	in.Sector = Line(in.Sector)
	in.Status = Line(in.Status)
	if in.Status == "" {
		in.Status = InitiativeIdea
	}
	seen := map[string]bool{}
	var links []string
	for _, l := range in.Links {
		if l = strings.TrimSpace(l); l != "" && !seen[l] {
			seen[l] = true
			links = append(links, l)
		}
	}
	in.Links = links
}

// Validate checks an initiative before it is stored: links must be absolute http(s) addresses,
// so no `javascript:` link ever reaches a page.
func (in *Initiative) Validate() error {
	var f fieldErrors
	checkText(&f, "name", in.Name, MaxName, true)
	checkText(&f, "description", in.Description, MaxInitiative, false)
	if in.Jurisdiction != "" && !oneOf(in.Jurisdiction, Jurisdictions) {
		f.add("jurisdiction", "profile.jurisdiction.invalid", nil)
	}
	if in.Sector != "" && !oneOf(in.Sector, Sectors) {
		f.add("sector", "profile.sector.invalid", nil)
	}
	if !oneOf(in.Status, InitiativeStatuses) {
		f.add("status", "initiative.status.invalid", nil)
	}
	if len(in.Links) > MaxLinks {
		f.add("links", "initiative.links.too_many", map[string]any{"Max": MaxLinks})
	}
	for _, l := range in.Links {
		if !ValidLink(l) {
			f.add("links", "initiative.link.invalid", map[string]any{"Link": l})
			break
		}
	}
	return f.err()
}

// ValidLink reports whether s is an absolute http or https address of reasonable length.
func ValidLink(s string) bool {
	if len(s) > MaxLinkLen || strings.ContainsAny(s, " \t\r\n<>\"") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// IsLead reports whether the user leads the initiative.
func (in *Initiative) IsLead(userID int64) bool {
	for _, id := range in.LeadIDs {
		if id == userID {
			return true
		}
	}
	return false
}

// InitiativeFilter selects a community's initiatives.
type InitiativeFilter struct {
	CommunityID  int64
	Status       string
	Jurisdiction string
	Sector       string
	LeadID       int64 // the initiatives a member leads
}

// InitiativeUpdate is progress an initiative reports, perhaps at a call.
type InitiativeUpdate struct {
	ID             int64
	InitiativeID   int64
	InitiativeName Name // filled in by the store
	AuthorID       int64
	AuthorName     string
	Body           string
	CallID         int64 // 0 when not tied to a call
	CallTitle      Name
	CallStartsAt   time.Time
	CreatedAt      time.Time
	// Texts: Lang is the language its author wrote it in ("" when not recorded), Translations
	// the versions its author or an organizer added.
	Texts
}

// TextFields is the update's one translatable field.
func (u *InitiativeUpdate) TextFields() []TextField {
	return []TextField{{"body", &u.Body, MaxUpdate, true}}
}

// Validate checks an update before it is stored.
func (u *InitiativeUpdate) Validate() error {
	u.Body = Para(u.Body)
	var f fieldErrors
	checkText(&f, "body", u.Body, MaxUpdate, true)
	checkAuthorLanguage(&f, &u.Lang)
	return f.err()
}

// Ask is what an initiative asks its community for; it stays open until closed.
type Ask struct {
	ID             int64
	InitiativeID   int64
	InitiativeName Name // filled in by the store where lists mix initiatives
	AuthorID       int64
	AuthorName     string
	Kind           string
	Body           string
	Open           bool
	CreatedAt      time.Time
	ClosedAt       *time.Time
	Offers         []*Offer

	// Texts: Lang is the language its author wrote it in ("" when not recorded), Translations
	// the versions its author or an organizer added.
	Texts
}

// TextFields is the ask's one translatable field.
func (a *Ask) TextFields() []TextField { return []TextField{{"body", &a.Body, MaxAskBody, true}} }

// Validate checks an ask before it is stored.
func (a *Ask) Validate() error {
	a.Body = Para(a.Body)
	a.Kind = Line(a.Kind)
	var f fieldErrors
	if !oneOf(a.Kind, AskKinds) {
		f.add("kind", "ask.kind.invalid", nil)
	}
	checkAuthorLanguage(&f, &a.Lang)
	checkText(&f, "body", a.Body, MaxAskBody, true)
	return f.err()
}

// Offer is a member's offer of help on an ask.
type Offer struct {
	ID        int64
	AskID     int64
	UserID    int64
	UserName  string
	Message   string
	Lang      string // the language its author wrote it in; "" when not recorded
	Taken     bool
	CreatedAt time.Time
}

// Validate checks an offer before it is stored.
func (o *Offer) Validate() error {
	o.Message = Para(o.Message)
	var f fieldErrors
	checkText(&f, "message", o.Message, MaxOfferNote, true)
	checkAuthorLanguage(&f, &o.Lang)
	return f.err()
}
