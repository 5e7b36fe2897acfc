package notify

import (
	"context"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/feed"
	"github.com/opengovcall/convene/locale"
	"github.com/opengovcall/convene/store"
)

// Announcement is a call's ready-to-send text in the spirit of the seed announcement: what, when
// across the country, who presents, how to join by video and by phone, and how to register. The
// join details are included only when kit is given (the reader may see them).
func (n *Runner) Announcement(l *locale.Localizer, c *convene.Community, call *convene.Call, agenda []*convene.AgendaItem, kit *convene.JoinKit) string {
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
	if call.InPerson() && call.Venue != nil {
		b.WriteString(feed.VenueText(call.Venue, FeedLabels(l)) + "\n")
	}
	if lines := l.Accessibility(call.Accessibility()); len(lines) > 0 {
		b.WriteString(l.T("accessibility.heading") + "\n• " + strings.Join(lines, "\n• ") + "\n\n")
	}
	url := n.abs(CallPath(c, call))
	if !call.Online() {
		b.WriteString(l.T("announce.register_in_person", "URL", url) + "\n")
	} else if kit != nil {
		b.WriteString(l.T("announce.join") + "\n" + feed.KitText(kit, FeedLabels(l)))
		b.WriteString("\n")
		b.WriteString(l.T("announce.register", "URL", url) + "\n")
	} else {
		b.WriteString(l.T("announce.register_for_link", "URL", url) + "\n")
	}
	b.WriteString("\n" + l.T("announce.share"))
	return b.String()
}

// BilingualAnnouncement is the announcement in each of the community's languages Convene
// speaks, in the community's order, in one text, as Canadian public bodies publish: the first
// version says the others follow ("(Le français suit)"). With one language it is that version.
func (n *Runner) BilingualAnnouncement(c *convene.Community, call *convene.Call, agenda []*convene.AgendaItem, kit *convene.JoinKit) string {
	var langs []string
	for _, lang := range c.Languages {
		if locale.Supported(lang) {
			langs = append(langs, lang)
		}
	}
	if len(langs) == 0 {
		langs = []string{"en"}
	}
	var head, versions []string
	for i, lang := range langs {
		l := n.Mails.Catalog.Localizer(lang)
		if i > 0 {
			head = append(head, l.T("announce.follows"))
		}
		(&callMailContext{call: call, community: c, agenda: agenda}).in(lang)
		versions = append(versions, n.Announcement(l, c, call, agenda, kit))
	}
	text := strings.Join(versions, "\n\n* * *\n\n")
	if len(head) > 0 {
		text = strings.Join(head, " ") + "\n\n" + text
	}
	return text
}

// AnnounceRecipients are the series' subscribers and everyone with a place at the call, once each.
func (n *Runner) AnnounceRecipients(ctx context.Context, call *convene.Call) ([]*convene.User, error) {
	subs, err := n.Store.SeriesSubscribers(ctx, call.SeriesID)
	if err != nil {
		return nil, err
	}
	regs, err := n.Store.CallRegistrations(ctx, call.ID)
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
func (n *Runner) announceJob(ctx context.Context, callID int64) (store.JobResult, error) {
	cm, err := n.loadCallMail(ctx, callID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return store.JobResult{}, nil
	} else if err != nil {
		return store.JobResult{}, err
	}
	if cm.call.StatusAt(n.Clock.Now()) != convene.CallScheduled {
		return store.JobResult{}, nil
	}
	users, err := n.AnnounceRecipients(ctx, cm.call)
	if err != nil {
		return store.JobResult{}, err
	}
	places := map[int64]convene.Place{}
	regs, err := n.Store.CallRegistrations(ctx, cm.call.ID)
	if err != nil {
		return store.JobResult{}, err
	}
	for _, r := range regs {
		places[r.UserID] = convene.Place{Status: r.Status, Mode: r.Mode}
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	roles, err := n.Store.RolesIn(ctx, cm.community.ID, ids)
	if err != nil {
		return store.JobResult{}, err
	}
	var res store.JobResult
	for _, u := range users {
		st := convene.StandingOf(u, roles[u.ID], places[u.ID])
		kit := cm.kit
		if kit != nil && (st.InPerson || !cm.call.JoinAccessFor(st, n.Clock.Now()).Visible) {
			kit = nil // the room is theirs: the announcement gives the venue
		}
		l := n.Mails.Catalog.Localizer(u.Language())
		cm.in(l.Lang)
		m := n.Mails.Compose(u.Email, u.Name, u.Language(), "mail.announce.subject", "mail.announce.body",
			"Call", cm.call.DisplayTitle(), "Text", n.Announcement(l, cm.community, cm.call, cm.agenda, kit))
		res.Mails = append(res.Mails, n.withCallUnsubscribe(m, cm, u))
	}
	return res, nil
}
