package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/feed"
	"github.com/opengovcall/convene/store"
)

// announcement is a call's ready-to-send text in the spirit of the seed announcement: what, when
// across the country, who presents, how to join by video and by phone, and how to register. The
// join details are included only when kit is given (the reader may see them).
func (s *Server) announcement(l *Localizer, c *convene.Community, call *convene.Call, agenda []*convene.AgendaItem, kit *convene.JoinKit) string {
	var b strings.Builder
	title := call.DisplayTitle()
	if call.Theme != "" {
		title += l.T("punct.colon") + call.Theme
	}
	b.WriteString(title + "\n\n")
	local := call.StartsAt.In(call.Location())
	b.WriteString(l.T("announce.when", "When", l.When(local)) + "\n")
	var zones []string
	for _, zt := range convene.InCanadianZones(call.StartsAt) {
		zones = append(zones, l.Clock(zt.Time)+" "+l.T("zone.short."+zt.Zone.Key))
	}
	b.WriteString(strings.Join(zones, " · ") + "\n\n")
	if call.Note != "" {
		b.WriteString(call.Note + "\n\n")
	}
	if len(agenda) > 0 {
		b.WriteString(l.T("announce.agenda") + "\n")
		for _, a := range agenda {
			line := "• " + a.Title
			if p := a.Presenter(); p != "" {
				line += " — " + p
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("\n")
	}
	url := s.absURL(callPath(c, call))
	if kit != nil {
		b.WriteString(l.T("announce.join") + "\n" + feed.KitText(kit, feedLabels(l)))
		b.WriteString("\n")
		b.WriteString(l.T("announce.register", "URL", url) + "\n")
	} else {
		b.WriteString(l.T("announce.register_for_link", "URL", url) + "\n")
	}
	b.WriteString("\n" + l.T("announce.share"))
	return b.String()
}

type announcementPage struct {
	base
	Call       *callView
	Text       string
	Recipients int
	Error      string
}

// announcementPage shows organizers a call's announcement to copy, and lets them email it.
func (s *Server) announce(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	call, err := s.callOf(r, c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	p := announcementPage{base: b, Call: s.viewCall(c, call, b.Zone)}
	if r.Method == http.MethodPost {
		if call.StatusAt(s.clock.Now()) != convene.CallScheduled {
			p.Error, status = b.L.T("announce.refused"), http.StatusUnprocessableEntity
		} else {
			key := fmt.Sprintf("announce:%d:%d", call.ID, s.clock.Now().Unix()/60) // one per call per minute: a double click sends once
			if err := s.store.EnqueueJob(ctx, store.JobAnnounce, store.CallPayload{CallID: call.ID}, key, time.Time{}); err != nil {
				return err
			}
			return s.redirect(w, r, callPath(c, call)+"/announcement", "flash.announcement_queued")
		}
	}
	agenda, err := s.store.Agenda(ctx, call.ID)
	if err != nil {
		return err
	}
	kit, _, err := s.store.CallJoinKit(ctx, call)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return err
	}
	// The text to copy is for the public: it holds the join details only if everyone may see them.
	if kit != nil && !call.JoinAccessFor(convene.Standing{}, s.clock.Now()).Visible {
		kit = nil
	}
	p.Text = s.announcement(b.L, c, call, agenda, kit)
	rs, err := s.announceRecipients(ctx, call)
	if err != nil {
		return err
	}
	p.Recipients = len(rs)
	p.Title = b.L.T("announce.title")
	return s.render(w, status, "announcement", p)
}

// announceRecipients are the series' subscribers and everyone with a place at the call, once each.
func (s *Server) announceRecipients(ctx context.Context, call *convene.Call) ([]*convene.User, error) {
	subs, err := s.store.SeriesSubscribers(ctx, call.SeriesID)
	if err != nil {
		return nil, err
	}
	regs, err := s.store.CallRegistrations(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []*convene.User
	for _, u := range subs {
		seen[u.ID] = true
		out = append(out, u)
	}
	for _, r := range regs {
		if r.Status == convene.RegRegistered && !seen[r.UserID] {
			seen[r.UserID] = true
			out = append(out, r.User)
		}
	}
	return out, nil
}

// announceJob emails a call's announcement to its people, each in their language, with the join
// details only where their standing allows.
func (s *Server) announceJob(ctx context.Context, callID int64) (store.JobResult, error) {
	cm, err := s.loadCallMail(ctx, callID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return store.JobResult{}, nil
	} else if err != nil {
		return store.JobResult{}, err
	}
	if cm.call.StatusAt(s.clock.Now()) != convene.CallScheduled {
		return store.JobResult{}, nil
	}
	users, err := s.announceRecipients(ctx, cm.call)
	if err != nil {
		return store.JobResult{}, err
	}
	statuses := map[int64]string{}
	regs, err := s.store.CallRegistrations(ctx, cm.call.ID)
	if err != nil {
		return store.JobResult{}, err
	}
	for _, r := range regs {
		statuses[r.UserID] = r.Status
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	roles, err := s.store.RolesIn(ctx, cm.community.ID, ids)
	if err != nil {
		return store.JobResult{}, err
	}
	var res store.JobResult
	for _, u := range users {
		st := convene.StandingOf(u, roles[u.ID], statuses[u.ID])
		kit := cm.kit
		if kit != nil && !cm.call.JoinAccessFor(st, s.clock.Now()).Visible {
			kit = nil
		}
		l := s.catalog.Localizer(u.Language())
		m := s.mails.compose(u.Email, u.Name, u.Language(), "mail.announce.subject", "mail.announce.body",
			"Call", cm.call.DisplayTitle(), "Text", s.announcement(l, cm.community, cm.call, cm.agenda, kit))
		res.Mails = append(res.Mails, s.withCallUnsubscribe(m, cm, u))
	}
	return res, nil
}
