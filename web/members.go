package web

import (
	"net/http"

	"github.com/opengovcall/convene"
)

// ownsCommunity reports whether the viewer may hand out organizer roles in c: an owner of it, or an
// instance admin.
func (s *Server) ownsCommunity(r *http.Request, c *convene.Community) (bool, error) {
	rt, err := s.rightsIn(r, c)
	return rt.Owner(), err
}

// ownerCount counts a community's owners.
func (s *Server) ownerCount(r *http.Request, c *convene.Community) (int, error) {
	ms, err := s.store.Members(r.Context(), c.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if m.Role == convene.RoleOwner {
			n++
		}
	}
	return n, nil
}

// memberRow is one line of the members table.
type memberRow struct {
	ID         int64
	Name       string
	Role       string
	ProfileURL string // "" when the person shows their profile to nobody
	Self       bool
	SetRole    string // the role the owner may switch this person to, or ""
	CanRemove  bool
}

type membersPage struct {
	base
	Rows     []memberRow
	Owner    bool
	Requests []*convene.User // waiting to be let in
	Banned   []*convene.User // removed, kept out until lifted
}

func (s *Server) members(w http.ResponseWriter, r *http.Request) error {
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	b.Title = b.L.T("members.title", "Community", c.Name)
	owner, err := s.ownsCommunity(r, c)
	if err != nil {
		return err
	}
	ms, err := s.store.Members(r.Context(), c.ID)
	if err != nil {
		return err
	}
	me := viewerOf(r).User
	p := membersPage{base: b, Owner: owner}
	for _, m := range ms {
		// No email addresses: organizers see those of the people registered for a call, on its
		// registrations page, and no more.
		row := memberRow{ID: m.User.ID, Name: m.User.Name, Role: m.Role, Self: m.User.ID == me.ID}
		if m.User.Visibility != convene.VisibilityNobody && m.User.Confirmed {
			row.ProfileURL = profilePath(c, m.User.ID)
		}
		if owner && m.Role != convene.RoleOwner {
			row.SetRole = convene.RoleOrganizer
			if m.Role == convene.RoleOrganizer {
				row.SetRole = convene.RoleMember
			}
		}
		row.CanRemove = mayRemove(owner, row.Self, m.Role) == nil
		p.Rows = append(p.Rows, row)
	}
	if p.Requests, err = s.store.MembershipRequests(r.Context(), c.ID); err != nil {
		return err
	}
	if p.Banned, err = s.store.Banned(r.Context(), c.ID); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "members", p)
}

// answerMembership lets a person who asked to join in, turns them down, or lifts a ban.
func (s *Server) answerMembership(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	flash := ""
	switch r.PathValue("action") {
	case "approve", "decline":
		err, flash = s.store.AnswerMembershipRequest(r.Context(), c.ID, id, r.PathValue("action") == "approve"), "membership.flash."+r.PathValue("action")
	case "unban":
		err, flash = s.store.LiftBan(r.Context(), c.ID, id), "membership.flash.unbanned"
	default:
		return convene.NotFound("page.not_found")
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/c/"+c.Slug+"/members", flash)
}

// mayRemove tells whether the viewer may take a person holding role out of the community: nobody
// removes an owner or themselves (they leave instead), and only owners remove organizers.
func mayRemove(owner, self bool, role string) error {
	switch {
	case self:
		return convene.Errorf(convene.ECONFLICT, "members.remove_self", nil)
	case role == convene.RoleOwner:
		return convene.Errorf(convene.ECONFLICT, "members.owner_fixed", nil)
	case role == convene.RoleOrganizer && !owner:
		return convene.Errorf(convene.EFORBIDDEN, "members.owners_only", nil)
	}
	return nil
}

// memberOf loads the role of the person named in the path, who must belong to c.
func (s *Server) memberOf(r *http.Request, c *convene.Community) (int64, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, "", err
	}
	role, err := s.store.RoleOf(r.Context(), c.ID, id)
	if err != nil {
		return 0, "", err
	}
	if role == "" {
		return 0, "", convene.NotFound("member.not_found")
	}
	return id, role, nil
}

// setMemberRole makes a member an organizer or an organizer a member; owners only, and an owner's
// own role does not change here.
func (s *Server) setMemberRole(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	owner, err := s.ownsCommunity(r, c)
	if err != nil {
		return err
	}
	if !owner {
		return convene.Errorf(convene.EFORBIDDEN, "members.owners_only", nil)
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id, role, err := s.memberOf(r, c)
	if err != nil {
		return err
	}
	if role == convene.RoleOwner {
		return convene.Errorf(convene.ECONFLICT, "members.owner_fixed", nil)
	}
	next := vals.Get("role")
	if next != convene.RoleOrganizer && next != convene.RoleMember {
		return convene.Invalid("role.invalid", nil)
	}
	if err := s.store.SetRole(r.Context(), c.ID, id, next); err != nil {
		return err
	}
	return s.redirect(w, r, "/c/"+c.Slug+"/members", "members.flash.role_changed")
}

// removeMember takes a person out of the community, giving up their places at its future calls.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	owner, err := s.ownsCommunity(r, c)
	if err != nil {
		return err
	}
	id, role, err := s.memberOf(r, c)
	if err != nil {
		return err
	}
	if err := mayRemove(owner, id == viewerOf(r).User.ID, role); err != nil {
		return err
	}
	// Removal by an organizer sticks: the person cannot join again until the ban is lifted.
	if err := s.store.RemoveMember(r.Context(), c.ID, id, true); err != nil {
		return err
	}
	return s.redirect(w, r, "/c/"+c.Slug+"/members", "members.flash.removed")
}
