package web

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/notify"
	"github.com/opengovcall/convene/store"
)

// Limits on emailed links: requests per address and per client within the sign-in window.
const (
	maxLinksByEmail = 5
	maxLinksByIP    = 20
)

// linkPayload is what an emailed link carries besides its address.
type linkPayload struct {
	Name    string            `json:"name,omitempty"`
	Lang    string            `json:"lang,omitempty"`
	Next    string            `json:"next,omitempty"`
	CallID  int64             `json:"call_id,omitempty"`
	Series  bool              `json:"series,omitempty"` // subscribe to the call's whole series
	Answers map[string]string `json:"answers,omitempty"`
	// Mode and Accommodation are how they attend a hybrid call and what they asked for to take part.
	Mode          string `json:"mode,omitempty"`
	Accommodation string `json:"accommodation,omitempty"`
}

// returnTo is where an emailed link brings someone back: the page they were on, unless it is
// none or the way in itself (then fallback).
func returnTo(next, fallback string) string {
	next = localPath(next)
	for _, way := range []string{"/signin", "/signup", "/auth/"} {
		if next == "/" || strings.HasPrefix(next, way) {
			return fallback
		}
	}
	return next
}

// checkLinkRequest validates an address and counts the request against the limits, so links
// cannot be used to flood someone's mailbox.
func (s *Server) checkLinkRequest(r *http.Request, email string) (string, error) {
	email = convene.NormalizeEmail(email)
	if !convene.ValidEmail(email) {
		return "", convene.Invalid("form.invalid", nil, convene.FieldError{Field: "email", Key: "email.invalid"})
	}
	ip := clientIP(r)
	byEmail, byIP, err := s.store.FailedSignIns(r.Context(), store.AttemptLink, email, ip, s.clock.Now().Add(-signInWindow))
	if err != nil {
		return "", err
	}
	if byEmail >= maxLinksByEmail || byIP >= maxLinksByIP {
		return "", convene.Errorf(convene.ETOOMANY, "signin.too_many_links", map[string]any{"Minutes": int(signInWindow.Minutes())})
	}
	return email, s.store.RecordSignIn(r.Context(), store.AttemptLink, email, ip, false)
}

// sendLink creates a one-time link and its mail: a sign-in link for a known address, an account
// confirmation otherwise. Either way the page says the same, so addresses cannot be probed.
func (s *Server) sendLink(r *http.Request, email string, p linkPayload) error {
	ctx := r.Context()
	ttl := notify.LinkTTLMinutes * time.Minute
	if u, err := s.store.UserByEmail(ctx, email); err == nil {
		return s.store.CreateAuthToken(ctx, store.TokenSignIn, email, p, ttl, func(tok string) convene.Mail {
			return s.mails.SignInLink(email, u.Name, u.Language(), tok)
		})
	} else if convene.ErrorCode(err) != convene.ENOTFOUND {
		return err
	}
	return s.store.CreateAuthToken(ctx, store.TokenSignUp, email, p, ttl, func(tok string) convene.Mail {
		return s.mails.SignUpLink(email, p.Name, p.Lang, tok)
	})
}

type checkEmailPage struct {
	base
	Email string
}

func (s *Server) checkEmail(w http.ResponseWriter, r *http.Request, email string) error {
	s.wakeMail()
	p := checkEmailPage{base: s.newBase(r, viewerOf(r).L.T("checkmail.title")), Email: email}
	return s.render(w, http.StatusOK, "checkmail", p)
}

// signInLink emails a one-time sign-in link.
func (s *Server) signInLink(w http.ResponseWriter, r *http.Request) error {
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	email, err := s.checkLinkRequest(r, vals.Get("email"))
	if err != nil {
		if fe, ok := errorsOf(viewerOf(r).L, err); ok || convene.ErrorCode(err) == convene.ETOOMANY {
			if fe == nil {
				fe = formErrors{"": viewerOf(r).L.Err(err)}
			}
			return s.showSignIn(w, r, statusOf(err), url.Values{}, vals, formErrors{}, fe)
		}
		return err
	}
	next := returnTo(cmp.Or(vals.Get("next"), r.URL.Query().Get("next")), "/")
	if err := s.sendLink(r, email, linkPayload{Lang: viewerOf(r).L.Lang, Next: next}); err != nil {
		return err
	}
	return s.checkEmail(w, r, email)
}

func (s *Server) signUp(w http.ResponseWriter, r *http.Request) error {
	l := viewerOf(r).L
	ed := editor{title: l.T("signup.title"), submit: l.T("signup.submit"), action: r.URL.RequestURI(), fields: []Field{
		{Name: "name", Label: l.T("field.name"), Type: "text", Required: true, Max: convene.MaxName},
		{Name: "email", Label: l.T("field.email"), Type: "email", Required: true, Max: 254, Hint: l.T("hint.signup_email")},
	}}
	var sentTo string
	ed.save = func(vals url.Values) (string, string, error) {
		name := strings.TrimSpace(vals.Get("name"))
		var fields []convene.FieldError
		if name == "" {
			fields = append(fields, convene.FieldError{Field: "name", Key: "field.required"})
		} else if len([]rune(name)) > convene.MaxName {
			fields = append(fields, convene.FieldError{Field: "name", Key: "field.too_long", Args: map[string]any{"Max": convene.MaxName}})
		}
		if len(fields) > 0 {
			return "", "", convene.Invalid("form.invalid", nil, fields...)
		}
		email, err := s.checkLinkRequest(r, vals.Get("email"))
		if err != nil {
			return "", "", err
		}
		sentTo = email
		// Back where they were when they chose to sign up; their new profile otherwise.
		next := returnTo(cmp.Or(vals.Get("next"), r.URL.Query().Get("next")), "/me")
		return "", "", s.sendLink(r, email, linkPayload{Name: name, Lang: l.Lang, Next: next})
	}
	b := s.newBase(r, ed.title)
	if r.Method == http.MethodPost {
		vals, err := parseForm(w, r)
		if err != nil {
			return err
		}
		if _, _, err := ed.save(vals); err == nil {
			return s.checkEmail(w, r, sentTo)
		} else if fe, ok := errorsOf(l, err); ok {
			return s.showForm(w, statusOf(err), b, ed, vals, fe, nil)
		} else if convene.ErrorCode(err) == convene.ETOOMANY {
			return s.showForm(w, statusOf(err), b, ed, vals, formErrors{"": l.Err(err)}, nil)
		} else {
			return err
		}
	}
	return s.showForm(w, http.StatusOK, b, ed, url.Values{}, nil, nil)
}

// authExpiredPage explains a spent or expired link and offers a new one.
type authExpiredPage struct {
	base
	Minutes int // how long a link works
}

type authPage struct {
	base
	Purpose   string
	Email     string
	Call      *convene.Call
	NeedsName bool
	Action    string
}

// authLink shows what a link will do and asks to confirm with a button: mail scanners that follow
// links must not spend them.
func (s *Server) authLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	l := viewerOf(r).L
	raw := r.PathValue("token")
	t, err := s.store.PeekAuthToken(ctx, raw)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return s.render(w, http.StatusGone, "auth_expired", authExpiredPage{s.newBase(r, l.T("auth.expired.title")), notify.LinkTTLMinutes})
	} else if err != nil {
		return err
	}
	var p linkPayload
	_ = json.Unmarshal(t.Payload, &p)
	if r.Method == http.MethodGet {
		page := authPage{base: s.newBase(r, l.T("auth.title")), Purpose: t.Purpose, Email: t.Email, Action: "/auth/" + raw,
			NeedsName: t.Purpose == store.TokenSignUp && p.Name == ""}
		if p.CallID != 0 {
			page.Call, _ = s.store.CallByID(ctx, p.CallID)
		}
		return s.render(w, http.StatusOK, "auth", page)
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if p.Name == "" {
		p.Name = strings.TrimSpace(vals.Get("name"))
	}
	if p.Name == "" {
		if t.Purpose == store.TokenSignUp {
			return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "name", Key: "field.required"})
		}
		p.Name = strings.Split(t.Email, "@")[0]
	}
	if t, err = s.store.UseAuthToken(ctx, raw); convene.ErrorCode(err) == convene.ENOTFOUND { // spent meanwhile, in another tab
		return s.render(w, http.StatusGone, "auth_expired", authExpiredPage{s.newBase(r, l.T("auth.expired.title")), notify.LinkTTLMinutes})
	} else if err != nil {
		return err
	}
	u, err := s.store.EnsureUser(ctx, t.Email, p.Name, notify.Language(p.Lang))
	if err != nil {
		return err
	}
	if err := s.startSession(ctx, u); err != nil {
		return err
	}
	if t.Purpose != store.TokenRegister {
		flash := "flash.signed_in"
		if t.Purpose == store.TokenSignUp {
			flash = "flash.account_created"
		}
		return s.redirect(w, r, localPath(p.Next), flash)
	}
	call, err := s.store.CallByID(ctx, p.CallID)
	if err != nil {
		return err
	}
	flash, err := s.registerViewer(r, call, u, p.Series, convene.Signup{Answers: p.Answers, Mode: p.Mode, Accommodation: p.Accommodation})
	if err != nil {
		if e, ok := convene.AsError(err); ok && e.Code == convene.EINVALID {
			s.sessions.Put(ctx, "flash", e.Key)
			return s.redirect(w, r, "/calls/"+strconv.FormatInt(call.ID, 10), "")
		}
		return err
	}
	return s.redirect(w, r, "/calls/"+strconv.FormatInt(call.ID, 10), flash)
}

// callRedirect sends /calls/{id} (the short address in mails) to the call's page.
func (s *Server) callRedirect(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	call, err := s.store.CallByID(r.Context(), id)
	if err != nil {
		return err
	}
	c, err := s.store.CommunityByID(r.Context(), call.CommunityID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, callPath(c, call), http.StatusSeeOther)
	return nil
}
