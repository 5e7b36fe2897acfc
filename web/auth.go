package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
)

// Sign-in limits: failures per address and per client within the window.
const (
	signInWindow       = 15 * time.Minute
	maxFailuresByEmail = 5
	maxFailuresByIP    = 20
)

type signInPage struct {
	base
	Form     Form
	LinkForm Form
	Back     string
	Next     string // where signing in (or up) returns to
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	l := viewerOf(r).L
	next := localPath(r.URL.Query().Get("next"))
	if r.Method != http.MethodPost {
		return s.showSignIn(w, r, http.StatusOK, url.Values{}, url.Values{}, nil, nil)
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if n := vals.Get("next"); n != "" {
		next = localPath(n)
	}
	u, err := s.authenticate(r, vals.Get("email"), vals.Get("password"))
	if err == nil {
		if err := s.startSession(r.Context(), u); err != nil {
			return err
		}
		return s.redirect(w, r, next, "flash.signed_in")
	}
	if convene.ErrorCode(err) == convene.EINTERNAL {
		return err
	}
	vals.Del("password")
	return s.showSignIn(w, r, statusOf(err), vals, url.Values{"email": {vals.Get("email")}}, formErrors{"": l.Err(err)}, nil)
}

// showSignIn renders the two ways in: a password, or a link by email.
func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request, status int, pwVals, linkVals url.Values, pwErrs, linkErrs formErrors) error {
	l := viewerOf(r).L
	next := localPath(r.URL.Query().Get("next"))
	if n := r.PostFormValue("next"); n != "" {
		next = localPath(n)
	}
	p := signInPage{base: s.newBase(r, l.T("signin.title")), Next: next}
	p.Form = Form{Action: "/signin?next=" + url.QueryEscape(next), Submit: l.T("signin.submit"), Fields: []Field{
		{Name: "email", Label: l.T("field.email"), Type: "email", Required: true, Max: 254},
		{Name: "password", Label: l.T("field.password"), Type: "password", Required: true, Max: 72},
	}}
	p.Form.build(pwVals, pwErrs, l)
	p.LinkForm = Form{Prefix: "link-", Action: "/signin/link?next=" + url.QueryEscape(next), Submit: l.T("signin.link_submit"), Fields: []Field{
		{Name: "email", Label: l.T("field.email"), Type: "email", Required: true, Max: 254, Hint: l.T("hint.signin_link")},
	}}
	p.LinkForm.build(linkVals, linkErrs, l)
	return s.render(w, status, "signin", p)
}

// authenticate checks a password sign-in, refusing it while too many recent attempts failed.
func (s *Server) authenticate(r *http.Request, email, password string) (*convene.User, error) {
	ctx := r.Context()
	ip := clientIP(r)
	// The attempt is counted before the password is checked, so forty at once cannot all pass.
	attempt, byEmail, byIP, err := s.store.ReserveSignIn(ctx, email, ip, s.clock.Now().Add(-signInWindow))
	if err != nil {
		return nil, err
	}
	if byEmail > maxFailuresByEmail || byIP > maxFailuresByIP {
		// The owner of the address can still sign in with an emailed link, which this does not limit.
		return nil, convene.Errorf(convene.ETOOMANY, "signin.too_many", map[string]any{"Minutes": int(signInWindow.Minutes())})
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return nil, err
	}
	if u == nil || u.PasswordHash == "" {
		// As long as a real check, so the time taken does not tell who has an account (or a password).
		convene.CheckDummyPassword(password)
		u = nil
	}
	if u == nil || !u.CheckPassword(password) {
		return nil, convene.Errorf(convene.EUNAUTHORIZED, "signin.failed", nil)
	}
	return u, s.store.SignInSucceeded(ctx, attempt)
}

// clientIP is the address the request came from: behind a trusted proxy (Config.TrustedProxies),
// the client it forwards; forwarded headers from anyone else are ignored (see package proxy).
func clientIP(r *http.Request) string {
	if info := infoOf(r); info != nil {
		return info.client.Addr // behind a trusted proxy, the client it forwards
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// startSession signs u in on this browser: a new session token (against session fixation) that
// carries the account's id and its session key, without which the id means nothing.
func (s *Server) startSession(ctx context.Context, u *convene.User) error {
	if u.SessionKey == "" { // an account made outside Convene's own paths
		key, err := s.store.EndSessions(ctx, u.ID)
		if err != nil {
			return err
		}
		u.SessionKey = key
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "user_id", u.ID)
	s.sessions.Put(ctx, "session_key", u.SessionKey)
	return nil
}

// sessionUser is the account this browser's session belongs to, or nil: the session must carry
// the account's current session key, which a new account never shares with a deleted one and
// which "sign out everywhere" and a password change replace.
func (s *Server) sessionUser(ctx context.Context) (*convene.User, error) {
	id := s.sessions.GetInt64(ctx, "user_id")
	if id == 0 {
		return nil, nil
	}
	u, err := s.store.UserByID(ctx, id)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		u, err = nil, nil
	} else if err != nil {
		return nil, err
	}
	if u == nil || u.SessionKey == "" || subtle.ConstantTimeCompare([]byte(u.SessionKey), []byte(s.sessions.GetString(ctx, "session_key"))) != 1 {
		s.sessions.Remove(ctx, "user_id")
		s.sessions.Remove(ctx, "session_key")
		return nil, nil
	}
	return u, nil
}

// signOutEverywhere ends every session of the viewer's account, this one included.
func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	u, err := s.account(r)
	if err != nil {
		return err
	}
	if _, err := s.store.EndSessions(r.Context(), u.ID); err != nil {
		return err
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	return s.redirect(w, r, "/", "me.flash.signed_out_everywhere")
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	return s.redirect(w, r, "/", "")
}

// setLanguage remembers the chosen language and goes back to the page it was chosen on.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := r.PathValue("lang")
	if lang != "en" && lang != "fr" {
		return convene.NotFound("page.not_found")
	}
	http.SetCookie(w, s.preferenceCookie("lang", lang))
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// preferenceCookie is a year-long cookie remembering a visitor's choice, Secure when the instance
// is served over https, like the session cookie.
func (s *Server) preferenceCookie(name, value string) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode,
		HttpOnly: true, Secure: s.baseURL.Scheme == "https"}
}

// setZone remembers the zone a viewer reads times in.
func (s *Server) setZone(w http.ResponseWriter, r *http.Request) error {
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	zone := vals.Get("zone")
	if !convene.ValidZone(zone) {
		return convene.Invalid("timezone.unknown", map[string]any{"Zone": zone})
	}
	http.SetCookie(w, s.preferenceCookie("tz", url.QueryEscape(zone)))
	http.Redirect(w, r, localPath(vals.Get("next")), http.StatusSeeOther)
	return nil
}

// canOrganize reports whether the viewer may edit the community: an instance admin, or its owner
// or an organizer.
func (s *Server) canOrganize(r *http.Request, c *convene.Community) (bool, error) {
	rt, err := s.rightsIn(r, c)
	return rt.Organizer(), err
}

// rightsIn are the viewer's rights in a community, read once per request and asked everywhere.
// A token without the organize scope acts as a member at most, even for an administrator.
func (s *Server) rightsIn(r *http.Request, c *convene.Community) (convene.Rights, error) {
	v := viewerOf(r)
	if v.User == nil {
		return convene.Rights{}, nil
	}
	if rt, ok := v.rights[c.ID]; ok {
		return rt, nil
	}
	role, err := s.store.RoleOf(r.Context(), c.ID, v.User.ID)
	if err != nil {
		return convene.Rights{}, err
	}
	rt := convene.RightsOf(v.User, role)
	if !v.may(convene.ScopeOrganize) {
		rt.Admin = false
		if convene.CanOrganize(role) {
			rt.Role = convene.RoleMember
		}
	}
	if v.rights == nil {
		v.rights = map[int64]convene.Rights{}
	}
	v.rights[c.ID] = rt
	return rt, nil
}

// actor is the viewer as the write actions see them: their account and their rights in c.
func (s *Server) actor(r *http.Request, c *convene.Community) (action.Actor, error) {
	rt, err := s.rightsIn(r, c)
	v := viewerOf(r)
	return action.Actor{User: v.User, Rights: rt, Lang: v.L.Lang}, err
}

// requireOrganizer stops a request from anyone who may not organize the community: strangers are
// asked to sign in, members are refused.
func (s *Server) requireOrganizer(r *http.Request, c *convene.Community) error {
	if viewerOf(r).User == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	ok, err := s.canOrganize(r, c)
	if err != nil {
		return err
	}
	if !ok {
		return convene.Errorf(convene.EFORBIDDEN, "error.organizers_only", map[string]any{"Community": c.Name})
	}
	return nil
}
