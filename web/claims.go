package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/notify"
	"github.com/opengovcall/convene/store"
)

// Guests claim their attendance. An organizer invites a guest by mail, when confirming a
// participant report (rows with an address; ticked already for an address that has an account
// here) or later from the call's attendance list. The link opens a page that says what claiming
// does and asks to confirm: a mail scanner that follows links spends nothing. Claiming joins the
// community, moves the guest's calls to the account and leads to the profile, whose jurisdiction
// and sector reach reports count. Someone with an account signs in first: a link that lives for
// days never signs anyone into an existing account.

// claimDays is how long an invitation to claim works, in the words of its mail.
const claimDays = int(store.ClaimTTL / (24 * 60 * 60 * 1e9))

// inviteGuest sends a guest the mail that invites them to claim their attendance, in their
// account's language when they have one, else the community's.
func (s *Server) inviteGuest(ctx context.Context, c *convene.Community, email, personKey, guestName string) error {
	email = convene.NormalizeEmail(email)
	name, lang := guestName, c.Primary()
	if u, err := s.store.UserByEmail(ctx, email); err == nil {
		name, lang = u.Name, u.Language()
	}
	p := store.ClaimPayload{CommunityID: c.ID, PersonKey: personKey, GuestName: guestName, Lang: lang}
	err := s.store.InviteToClaim(ctx, email, p, func(token string) convene.Mail {
		return s.mails.ClaimInvitation(email, name, lang, token, c.Name, claimDays)
	})
	if err == nil {
		s.wakeMail()
	}
	return err
}

// attendanceInvite invites a guest of the call's attendance list to claim it, at the address the
// organizer gives.
func (s *Server) attendanceInvite(w http.ResponseWriter, r *http.Request) error {
	c, call, vals, id, err := s.postedRecord(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	guest, err := s.store.GuestRecord(ctx, c.ID, call.ID, id)
	if err != nil {
		return err
	}
	if err := s.inviteGuest(ctx, c, vals.Get("email"), guest.PersonKey, guest.GuestName); err != nil {
		if e, ok := convene.AsError(err); ok && e.Code == convene.EINVALID {
			s.sessions.Put(ctx, "flash", "attendance.invite.bad_email")
			return s.redirect(w, r, callPath(c, call)+"/attendance", "")
		}
		return err
	}
	return s.redirect(w, r, callPath(c, call)+"/attendance", "attendance.flash.invited")
}

type claimPage struct {
	base
	Community *convene.Community
	GuestName string
	Calls     []*callView
	Email     string // where the invitation went
	// HasAccount is set when the address has an account and nobody is signed in: they sign in first.
	HasAccount bool
	Action     string
	SignIn     string
}

// claim shows what claiming a guest's attendance does, and on confirmation does it.
func (s *Server) claim(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(r)
	l := v.L
	raw := r.PathValue("token")
	t, err := s.store.PeekAuthToken(ctx, raw)
	if err == nil && t.Purpose != store.TokenClaim {
		err = convene.NotFound("auth.link_invalid")
	}
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return s.render(w, http.StatusGone, "auth_expired", authExpiredPage{s.newBase(r, l.T("auth.expired.title")), notify.LinkTTLMinutes})
	} else if err != nil {
		return err
	}
	var p store.ClaimPayload
	if err := json.Unmarshal(t.Payload, &p); err != nil {
		return err
	}
	c, err := s.store.CommunityByID(ctx, p.CommunityID)
	if err != nil {
		return err
	}
	page := claimPage{base: s.newBase(r, l.T("claim.title")), Community: c, GuestName: p.GuestName, Email: t.Email,
		Action: "/claim/" + raw, SignIn: "/signin?next=" + strings.ReplaceAll("/claim/"+raw, "/", "%2F")}
	if v.User == nil {
		_, err := s.store.UserByEmail(ctx, t.Email)
		page.HasAccount = err == nil
	}
	if r.Method == http.MethodGet || page.HasAccount {
		status := http.StatusOK
		if r.Method == http.MethodPost { // they are to sign in first: nothing was done
			status = http.StatusForbidden
		}
		calls, err := s.store.GuestCalls(ctx, c.ID, p.PersonKey)
		if err != nil {
			return err
		}
		for _, call := range calls {
			page.Calls = append(page.Calls, s.viewCall(c, call, page.Zone))
		}
		return s.render(w, status, "claim", page)
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.store.UseAuthToken(ctx, raw); convene.ErrorCode(err) == convene.ENOTFOUND { // spent meanwhile
		return s.render(w, http.StatusGone, "auth_expired", authExpiredPage{s.newBase(r, l.T("auth.expired.title")), notify.LinkTTLMinutes})
	} else if err != nil {
		return err
	}
	u := v.User
	if u == nil { // the address has no account: the link proves it is theirs, so it makes one
		name := strings.TrimSpace(vals.Get("name"))
		if name == "" {
			name = p.GuestName
		}
		if u, err = s.store.EnsureUser(ctx, t.Email, name, notify.Language(p.Lang)); err != nil {
			return err
		}
		if err := s.startSession(ctx, u); err != nil {
			return err
		}
	}
	if _, err := s.store.ClaimGuestAttendance(ctx, c.ID, p.PersonKey, u.ID); err != nil {
		return err
	}
	s.reach.forget(c.ID)
	return s.redirect(w, r, "/me", "claim.flash.done")
}
