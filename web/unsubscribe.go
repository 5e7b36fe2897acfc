package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/opengovcall/convene"
)

// What an unsubscribe link stops. Each link is signed for one person and one of these, so it
// can do nothing else, and works without signing in (RFC 8058 one-click, or a button).
const (
	stopReminders = "reminders" // reminders before every call
	stopSeries    = "series"    // a series subscription: its invitations, updates and announcements
	stopCall      = "call"      // a place at one call, and the mail about it
)

// unsubscribeTarget is what one unsubscribe link is for.
type unsubscribeTarget struct {
	UserID int64
	Kind   string
	ID     int64 // the series or call; 0 for reminders
}

// unsubscribeToken signs a target with the instance's link key: the target in the clear, then
// 16 bytes of its HMAC-SHA256.
func (s *Server) unsubscribeToken(t unsubscribeTarget) string {
	payload := fmt.Sprintf("%d.%s.%d", t.UserID, t.Kind, t.ID)
	return payload + "." + s.linkMAC(payload)
}

func (s *Server) linkMAC(payload string) string {
	m := hmac.New(sha256.New, s.linkKey)
	m.Write([]byte("unsubscribe\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// readUnsubscribeToken checks a link's signature and reads its target.
func (s *Server) readUnsubscribeToken(raw string) (unsubscribeTarget, error) {
	var t unsubscribeTarget
	i := strings.LastIndexByte(raw, '.')
	if i < 0 || !hmac.Equal([]byte(raw[i+1:]), []byte(s.linkMAC(raw[:i]))) {
		return t, convene.NotFound("unsubscribe.invalid")
	}
	var kind string
	if _, err := fmt.Sscanf(strings.ReplaceAll(raw[:i], ".", " "), "%d %s %d", &t.UserID, &kind, &t.ID); err != nil {
		return t, convene.NotFound("unsubscribe.invalid")
	}
	t.Kind = kind
	return t, nil
}

// unsubscribeURL is the absolute address of a target's link.
func (s *Server) unsubscribeURL(t unsubscribeTarget) string {
	return s.absURL("/unsubscribe/" + s.unsubscribeToken(t))
}

// withUnsubscribe makes a mail unsubscribable: the List-Unsubscribe headers (the mail sender adds
// List-Unsubscribe-Post for one click) and a visible line saying what the link stops.
func (s *Server) withUnsubscribe(m convene.Mail, lang string, t unsubscribeTarget, what string) convene.Mail {
	l := s.catalog.Localizer(lang)
	link := s.unsubscribeURL(t)
	m.Unsubscribe = link
	m.Text += "\n" + l.T("mail.unsubscribe_line", "What", what, "Link", link)
	m.HTML = htmlMail(l.Lang, m.Text)
	return m
}

// withCallUnsubscribe makes mail about a call unsubscribable. For a person subscribed to the
// call's series the link ends the subscription; for anyone else it gives up their place at the call.
func (s *Server) withCallUnsubscribe(m convene.Mail, cm *callMailContext, u *convene.User) convene.Mail {
	l := s.catalog.Localizer(u.Language())
	if cm.subscribers[u.ID] {
		return s.withUnsubscribe(m, u.Language(), unsubscribeTarget{UserID: u.ID, Kind: stopSeries, ID: cm.call.SeriesID},
			l.T("unsubscribe.what.series", "Series", cm.call.Series.Title))
	}
	return s.withUnsubscribe(m, u.Language(), unsubscribeTarget{UserID: u.ID, Kind: stopCall, ID: cm.call.ID},
		l.T("unsubscribe.what.call", "Call", cm.call.DisplayTitle()))
}

type unsubscribePage struct {
	base
	Token    string
	Heading  string
	Explain  string
	Done     bool
	Nothing  bool // the link's person or subject is gone, or it was already done
	BackLink string
}

// unsubscribe shows what a link stops, with a button (mail scanners follow links, so a visit
// changes nothing), and stops it on POST, which is also RFC 8058's one-click request.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	l := viewerOf(r).L
	raw := r.PathValue("token")
	t, err := s.readUnsubscribeToken(raw)
	if err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, t.UserID)
	if err != nil {
		return convene.NotFound("unsubscribe.invalid")
	}
	p := unsubscribePage{base: s.newBase(r, l.T("unsubscribe.title")), Token: raw, BackLink: "/me"}
	var active bool
	var stop func() error
	switch t.Kind {
	case stopReminders:
		p.Heading, p.Explain = l.T("unsubscribe.reminders.heading"), l.T("unsubscribe.reminders.explain")
		active = !u.RemindersOff
		stop = func() error { return s.store.SetRemindersOff(ctx, u.ID, true) }
	case stopSeries:
		sr, err := s.store.SeriesByID(ctx, t.ID)
		if err != nil {
			return convene.NotFound("unsubscribe.invalid")
		}
		p.Heading = l.T("unsubscribe.series.heading", "Series", sr.Title)
		p.Explain = l.T("unsubscribe.series.explain")
		if active, err = s.store.Subscribed(ctx, sr.ID, u.ID); err != nil {
			return err
		}
		stop = func() error { return s.store.Unsubscribe(ctx, sr.ID, u.ID) }
	case stopCall:
		call, err := s.store.CallByID(ctx, t.ID)
		if err != nil {
			return convene.NotFound("unsubscribe.invalid")
		}
		p.Heading = l.T("unsubscribe.call.heading", "Call", call.DisplayTitle(), "When", s.mails.when(l.Lang, call, u.TimeZone))
		p.Explain = l.T("unsubscribe.call.explain")
		reg, err := s.store.RegistrationOf(ctx, call.ID, u.ID)
		if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
			return err
		}
		active = reg != nil && reg.Status != convene.RegCancelled && call.EndsAt().After(s.clock.Now())
		stop = func() error { return s.store.CancelRegistration(ctx, call.ID, u.ID) }
	default:
		return convene.NotFound("unsubscribe.invalid")
	}
	p.Nothing = !active
	if r.Method == http.MethodPost && active {
		if err := stop(); err != nil {
			return err
		}
		s.log.Info("unsubscribed", "kind", t.Kind, "user", u.ID, "subject", t.ID)
		s.wakeMail()
		p.Done, p.Nothing = true, false
	}
	return s.render(w, http.StatusOK, "unsubscribe", p)
}
