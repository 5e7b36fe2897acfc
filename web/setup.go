package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/opengovcall/convene"
)

// A fresh instance has no administrator, and only an administrator creates communities. Rather
// than a terminal, its operator opens /setup and makes the first one there, with a one-time code
// that `convene serve` prints in its console: only someone who sees the console can claim the
// instance. Once an administrator exists the page is gone.

// setupGate holds the one-time code's hash while the instance waits for its first administrator.
type setupGate struct {
	mu   sync.Mutex
	hash [32]byte
	done bool
}

func newSetupGate(code string) *setupGate {
	if code == "" {
		return nil
	}
	return &setupGate{hash: sha256.Sum256([]byte(normalizeCode(code)))}
}

// normalizeCode forgives how a code is typed: case, spaces and dashes.
func normalizeCode(code string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(code)))
}

// matches reports whether a typed code is the gate's, in constant time.
func (g *setupGate) matches(code string) bool {
	sum := sha256.Sum256([]byte(normalizeCode(code)))
	return subtle.ConstantTimeCompare(sum[:], g.hash[:]) == 1
}

// maxSetupTries bounds the codes one client may try in an hour.
const maxSetupTries = 10

// open reports whether the setup page is there: a code was given and no administrator exists.
func (s *Server) setupOpen(r *http.Request) (bool, error) {
	if s.setup == nil {
		return false, nil
	}
	s.setup.mu.Lock()
	done := s.setup.done
	s.setup.mu.Unlock()
	if done {
		return false, nil
	}
	has, err := s.store.HasAdmin(r.Context())
	return !has, err
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	open, err := s.setupOpen(r)
	if err != nil {
		return err
	}
	if !open {
		return convene.NotFound("setup.done")
	}
	l := viewerOf(r).L
	b := s.newBase(r, l.T("setup.title"))
	ed := editor{title: l.T("setup.title"), submit: l.T("setup.submit"), initial: url.Values{}, fields: []Field{
		{Name: "code", Label: l.T("field.setup_code"), Type: "text", Required: true, Max: 64, Hint: l.T("hint.setup_code")},
		{Name: "name", Label: l.T("field.name"), Type: "text", Required: true, Max: convene.MaxName},
		{Name: "email", Label: l.T("field.email"), Type: "email", Required: true, Max: 254},
		{Name: "password", Label: l.T("field.password"), Type: "password", Required: true, Max: 72, Hint: l.T("hint.setup_password")},
	}}
	ed.save = func(vals url.Values) (string, string, error) {
		ctx := r.Context()
		n, err := s.store.CountAttempt(ctx, "setup", "", clientIP(r), s.clock.Now().Add(-time.Hour))
		if err != nil {
			return "", "", err
		}
		if n > maxSetupTries {
			return "", "", convene.Errorf(convene.ETOOMANY, "setup.too_many", nil)
		}
		if !s.setup.matches(vals.Get("code")) {
			return "", "", convene.Invalid("form.invalid", nil, convene.FieldError{Field: "code", Key: "setup.code_wrong"})
		}
		u := &convene.User{Name: vals.Get("name"), Email: vals.Get("email"), Languages: []string{l.Lang}}
		if err := convene.ValidateNewUser(u, vals.Get("password")); err != nil {
			return "", "", err
		}
		if u.PasswordHash, err = convene.HashPassword(vals.Get("password")); err != nil {
			return "", "", err
		}
		s.setup.mu.Lock()
		defer s.setup.mu.Unlock()
		if s.setup.done {
			return "", "", convene.NotFound("setup.done")
		}
		if err := s.store.CreateFirstAdmin(ctx, u); err != nil {
			return "", "", err
		}
		s.setup.done = true
		s.log.Info("first administrator created", "user", u.ID)
		if err := s.startSession(ctx, u); err != nil {
			return "", "", err
		}
		return "/communities/new", "flash.setup_done", nil
	}
	vals := url.Values{}
	if r.Method == http.MethodPost {
		posted, err := parseForm(w, r)
		if err != nil {
			return err
		}
		to, flash, err := ed.save(posted)
		if err == nil {
			return s.redirect(w, r, to, flash)
		}
		fe, ok := errorsOf(l, err)
		if !ok {
			if convene.ErrorCode(err) != convene.ETOOMANY {
				return err
			}
			fe = formErrors{"": l.Err(err)}
		}
		posted.Del("password")
		return s.showForm(w, statusOf(err), b, ed, posted, fe, nil)
	}
	return s.showForm(w, http.StatusOK, b, ed, vals, formErrors{}, nil)
}
