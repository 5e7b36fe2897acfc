package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// untranslated counts the texts of a call (its own, its series', its agenda's) that are missing
// in one of the community's languages.
func untranslated(c *convene.Community, call *convene.Call, agenda []*convene.AgendaItem) int {
	items := []convene.Translatable{call}
	if call.Series != nil {
		items = append(items, call.Series)
	}
	for _, a := range agenda {
		items = append(items, a)
	}
	n := 0
	for _, it := range items {
		for _, fields := range convene.Missing(it, c.Languages) {
			n += len(fields)
		}
	}
	return n
}

type announcementPage struct {
	base
	Call       *callView
	Text       string
	Bilingual  string // every language in one text, when the community has several
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
	agenda, err := s.store.Agenda(ctx, call.ID)
	if err != nil {
		return err
	}
	if r.Method == http.MethodPost {
		if call.StatusAt(s.clock.Now()) != convene.CallScheduled {
			p.Error, status = b.L.T("announce.refused"), http.StatusUnprocessableEntity
		} else if n := untranslated(c, call, agenda); c.RequireTranslations && n > 0 {
			p.Error, status = b.L.N("announce.untranslated", n), http.StatusUnprocessableEntity
		} else {
			key := fmt.Sprintf("announce:%d:%d", call.ID, s.clock.Now().Unix()/60) // one per call per minute: a double click sends once
			if err := s.store.EnqueueJob(ctx, store.JobAnnounce, store.CallPayload{CallID: call.ID}, key, time.Time{}); err != nil {
				return err
			}
			return s.redirect(w, r, callPath(c, call)+"/announcement", "flash.announcement_queued")
		}
	}
	kit, _, err := s.store.CallJoinKit(ctx, call)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return err
	}
	// The text to copy is for the public: it holds the join details only if everyone may see them.
	if kit != nil && !call.JoinAccessFor(convene.Standing{}, s.clock.Now()).Visible {
		kit = nil
	}
	if len(c.Languages) > 1 {
		p.Bilingual = s.jobs.BilingualAnnouncement(c, call, agenda, kit)
	}
	s.localizeData(r, c, c, call, agenda)
	p.Text = s.jobs.Announcement(b.L, c, call, agenda, kit)
	rs, err := s.jobs.AnnounceRecipients(ctx, call)
	if err != nil {
		return err
	}
	p.Recipients = len(rs)
	p.Title = b.L.T("announce.title")
	return s.render(w, status, "announcement", p)
}
