package convene

import "time"

// Who may see a call's join kit.
const (
	JoinEveryone   = "everyone"
	JoinMembers    = "members"    // signed-in members of the community
	JoinRegistered = "registered" // people registered for the call (not waitlisted)
)

// JoinLevels lists the join-kit visibility levels, most open first.
var JoinLevels = []string{JoinEveryone, JoinMembers, JoinRegistered}

// Standing is what Convene knows of a viewer in relation to one call.
type Standing struct {
	SignedIn   bool
	Member     bool // of the call's community
	Registered bool // for the call, with a place (not waitlisted)
	InPerson   bool // registered to attend in the room: the video link is not theirs
	Organizer  bool // of the call's community, or an instance admin
}

// Rights are what someone may do in one community, from their account and their role there. The
// web layer works them out once per request and every page, API answer, feed and mail asks them,
// so "member or organizer" is decided in one place.
type Rights struct {
	UserID   int64 // who they are; 0 for a stranger
	SignedIn bool
	Admin    bool   // an instance administrator: organizer rights everywhere
	Role     string // RoleOwner, RoleOrganizer, RoleMember, or "" for none
}

// RightsOf are a person's rights given their role in a community ("" for none); nil is a stranger.
func RightsOf(u *User, role string) Rights {
	if u == nil {
		return Rights{}
	}
	return Rights{UserID: u.ID, SignedIn: true, Admin: u.IsAdmin, Role: role}
}

// Member reports whether they belong to the community (organizers and admins do).
func (r Rights) Member() bool { return r.Admin || r.Role != "" }

// Organizer reports whether they may organize the community.
func (r Rights) Organizer() bool { return r.Admin || CanOrganize(r.Role) }

// Owner reports whether they own the community (or administer the instance).
func (r Rights) Owner() bool { return r.Admin || r.Role == RoleOwner }

// Manages reports whether they edit an initiative of the community and post its updates and asks:
// its leads and the community's organizers.
func (r Rights) Manages(in *Initiative) bool {
	return r.Organizer() || (r.SignedIn && in.IsLead(r.UserID))
}

// Place is a person's registration at one call: its status ("" for none) and how they attend.
type Place struct {
	Status string
	Mode   string
}

// At is their standing at one call of the community, given their place there.
func (r Rights) At(p Place) Standing {
	return Standing{SignedIn: r.SignedIn, Member: r.Member(), Organizer: r.Organizer(), Registered: p.Status == RegRegistered,
		InPerson: p.Status == RegRegistered && p.Mode == AttendInPerson}
}

// StandingOf is a signed-in person's standing at a call, from their role in its community ("" for
// none) and their place there.
func StandingOf(u *User, role string, p Place) Standing {
	return RightsOf(u, role).At(p)
}

// JoinLevel is the visibility that applies to a call's join kit: its own, or its series'.
func (c *Call) JoinLevel() string {
	if c.JoinVisibility != "" {
		return c.JoinVisibility
	}
	if c.Series != nil && c.Series.JoinVisibility != "" {
		return c.Series.JoinVisibility
	}
	return JoinEveryone
}

// RevealAt is when the join kit becomes visible to those allowed to see it; zero means at once.
func (c *Call) RevealAt() time.Time {
	if c.Series == nil || c.Series.RevealMinutes <= 0 {
		return time.Time{}
	}
	return c.StartsAt.Add(-time.Duration(c.Series.RevealMinutes) * time.Minute)
}

// JoinAccess is the answer to "may this viewer see the join kit now?", with what to tell them if not.
type JoinAccess struct {
	Visible bool
	Need    string    // when not visible: "sign_in", "member", "register" or "wait"
	From    time.Time // when Need is "wait": the moment it is revealed
}

// JoinAccessFor decides whether a viewer with standing st sees the call's join kit at now.
// Nobody does for a call held only in a room. Organizers always do otherwise; everyone else needs
// the call's level, and waits for the reveal time; registrants who come in person are not sent
// the link a registered-only call keeps for those online.
func (c *Call) JoinAccessFor(st Standing, now time.Time) JoinAccess {
	if !c.Online() {
		return JoinAccess{Need: "in_person"} // no video link: everyone meets in the room
	}
	if st.Organizer {
		return JoinAccess{Visible: true}
	}
	switch c.JoinLevel() {
	case JoinMembers:
		if !st.SignedIn {
			return JoinAccess{Need: "sign_in"}
		}
		if !st.Member {
			return JoinAccess{Need: "member"}
		}
	case JoinRegistered:
		if st.InPerson {
			return JoinAccess{Need: "online"} // they come to the room: the link goes to those online
		}
		if !st.Registered {
			return JoinAccess{Need: "register"}
		}
	}
	if at := c.RevealAt(); !at.IsZero() && now.Before(at) {
		return JoinAccess{Need: "wait", From: at}
	}
	return JoinAccess{Visible: true}
}
