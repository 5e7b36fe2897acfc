package web

import (
	"net/http"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
	"github.com/opengovcall/convene/notify"
)

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
	t, err := s.jobs.ReadToken(raw)
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
	case notify.StopReminders:
		p.Heading, p.Explain = l.T("unsubscribe.reminders.heading"), l.T("unsubscribe.reminders.explain")
		active = !u.RemindersOff
		stop = func() error { return s.store.SetRemindersOff(ctx, u.ID, true) }
	case notify.StopSeries:
		sr, err := s.store.SeriesByID(ctx, t.ID)
		if err != nil {
			return convene.NotFound("unsubscribe.invalid")
		}
		p.Heading = l.T("unsubscribe.series.heading", "Series", sr.Title)
		p.Explain = l.T("unsubscribe.series.explain")
		if active, err = s.store.Subscribed(ctx, sr.ID, u.ID); err != nil {
			return err
		}
		stop = func() error { return s.acts.Unsubscribe(ctx, action.Actor{User: u}, sr.ID) }
	case notify.StopCall:
		call, err := s.store.CallByID(ctx, t.ID)
		if err != nil {
			return convene.NotFound("unsubscribe.invalid")
		}
		p.Heading = l.T("unsubscribe.call.heading", "Call", call.DisplayTitle(), "When", s.mails.When(l.Lang, call, u.TimeZone))
		p.Explain = l.T("unsubscribe.call.explain")
		reg, err := s.store.RegistrationOf(ctx, call.ID, u.ID)
		if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
			return err
		}
		active = reg != nil && reg.Status != convene.RegCancelled && call.EndsAt().After(s.clock.Now())
		stop = func() error { return s.acts.CancelRegistration(ctx, action.Actor{User: u}, call.ID) }
	default:
		return convene.NotFound("unsubscribe.invalid")
	}
	p.Nothing = !active
	if r.Method == http.MethodPost && active {
		if err := stop(); err != nil {
			return err
		}
		s.log.Info("unsubscribed", "kind", t.Kind, "user", u.ID, "subject", t.ID)
		p.Done, p.Nothing = true, false
	}
	return s.render(w, http.StatusOK, "unsubscribe", p)
}
