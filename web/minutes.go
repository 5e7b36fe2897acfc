package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

func (s *Server) minutesRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/calls/{id}/minutes", s.minutesPage)
	handle("POST /c/{slug}/calls/{id}/minutes", s.minutesPage)
	handle("POST /c/{slug}/calls/{id}/minutes/note-taker", s.minutesNoteTaker)
	handle("POST /c/{slug}/calls/{id}/minutes/actions", s.minutesAddAction)
	handle("POST /c/{slug}/calls/{id}/minutes/actions/{item}/status", s.minutesActionStatus)
	api("GET /api/v1/communities/{slug}/action-items", s.apiActionItems)
}

// Markdown in minutes is rendered by goldmark and then sanitized with bluemonday's policy for
// user-generated content, so a script, an event handler or a javascript: link never reaches a page.
var (
	markdownRenderer = goldmark.New()
	markdownPolicy   = bluemonday.UGCPolicy()
)

// renderMarkdown is the only way minutes text becomes template.HTML.
func renderMarkdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := markdownRenderer.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(markdownPolicy.SanitizeBytes(buf.Bytes()))
}

// minutesNote is the rendered minutes of one agenda item.
type minutesNote struct {
	Title string
	HTML  template.HTML
}

// callMinutes is what a call page shows of minutes and action items.
type callMinutes struct {
	Summary     template.HTML
	Lang        string // the language the minutes were written in, when recorded
	Notes       []minutesNote
	ActionItems []*convene.ActionItem       // agreed at this call
	FollowUps   []*convene.ActionItem       // open items from earlier calls, on the next scheduled call
	Updates     []*convene.InitiativeUpdate // initiative updates presented at this call
}

// loadMinutes fills what the call page shows of the call's record: its minutes, its action items,
// the initiative updates presented at it and, when it is the community's next scheduled call, the
// open action items of earlier calls of its series.
func (s *Server) loadMinutes(ctx context.Context, call *convene.Call, agenda []*convene.AgendaItem, now time.Time) (callMinutes, error) {
	var out callMinutes
	m, err := s.store.Minutes(ctx, call.ID)
	if err != nil {
		return out, err
	}
	if m.Written() {
		out.Lang = m.Lang
		if m.Summary != "" {
			out.Summary = renderMarkdown(m.Summary)
		}
		for _, a := range agenda {
			if n := m.Notes[a.ID]; n != "" {
				out.Notes = append(out.Notes, minutesNote{Title: a.Title, HTML: renderMarkdown(n)})
			}
		}
	}
	if out.ActionItems, err = s.store.ActionItems(ctx, store.ActionFilter{CommunityID: call.CommunityID, CallID: call.ID}); err != nil {
		return out, err
	}
	if out.Updates, err = s.store.UpdatesAtCall(ctx, call.ID); err != nil {
		return out, err
	}
	next, err := s.store.NextCall(ctx, call.CommunityID, now)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return out, err
	}
	if next != nil && next.ID == call.ID {
		if out.FollowUps, err = s.store.FollowUps(ctx, call); err != nil {
			return out, err
		}
	}
	return out, nil
}

// minuting loads the call of a minutes request and checks the viewer may write its minutes: an
// organizer of the community, or the member named as the call's note-taker.
func (s *Server) minuting(r *http.Request) (*convene.Community, *convene.Call, *convene.Minutes, base, error) {
	c, err := s.communityOf(r)
	if err != nil {
		return nil, nil, nil, base{}, err
	}
	u := viewerOf(r).User
	if u == nil {
		return nil, nil, nil, base{}, convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	call, err := s.callOf(r, c)
	if err != nil {
		return nil, nil, nil, base{}, err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return nil, nil, nil, base{}, err
	}
	m, err := s.store.Minutes(r.Context(), call.ID)
	if err != nil {
		return nil, nil, nil, base{}, err
	}
	if !b.Organizer {
		member, err := s.seesMembers(r, c)
		if err != nil {
			return nil, nil, nil, base{}, err
		}
		if !member || m.NoteTakerID == 0 || m.NoteTakerID != u.ID {
			return nil, nil, nil, base{}, convene.Errorf(convene.EFORBIDDEN, "error.forbidden", nil)
		}
	}
	return c, call, m, b, nil
}

type minutesPageData struct {
	base
	Call          *callView
	Held          bool
	Summary       template.HTML
	Lang          string // the minutes' language, when recorded
	Notes         []minutesNote
	Form          *Form // the minutes' text
	Items         []*convene.ActionItem
	ItemForm      *Form // a new action item
	NoteTakerForm *Form // organizers only
	NoteTaker     string
}

// minutesPage shows a call's minutes editor and saves the minutes' text.
func (s *Server) minutesPage(w http.ResponseWriter, r *http.Request) error {
	c, call, m, b, err := s.minuting(r)
	if err != nil {
		return err
	}
	if r.Method != http.MethodPost {
		return s.showMinutes(w, r, 0, c, call, m, b, nil, nil, nil, nil)
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	m.Summary, m.Notes, m.Lang = vals.Get("summary"), map[int64]string{}, vals.Get("lang")
	if m.Lang == "" {
		m.Lang = b.L.Lang // what its writer reads Convene in, unless they say otherwise
	}
	for name := range vals {
		if id, ok := strings.CutPrefix(name, "item_"); ok {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				m.Notes[n] = vals.Get(name)
			}
		}
	}
	err = s.store.SaveMinutes(r.Context(), c.ID, m)
	if err == nil {
		return s.redirect(w, r, callPath(c, call)+"/minutes", "flash.minutes_saved")
	}
	return s.showMinutes(w, r, 0, c, call, m, b, vals, err, nil, nil)
}

// minutesAddAction records an action item from the minutes.
func (s *Server) minutesAddAction(w http.ResponseWriter, r *http.Request) error {
	c, call, m, b, err := s.minuting(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	a := &convene.ActionItem{CommunityID: c.ID, CallID: call.ID, What: vals.Get("what"), OwnerName: vals.Get("owner_name"), Status: convene.ActionOpen}
	var parse []convene.FieldError
	if o := strings.TrimSpace(vals.Get("owner")); o != "" {
		if a.OwnerID, err = strconv.ParseInt(o, 10, 64); err != nil {
			parse = append(parse, convene.FieldError{Field: "owner", Key: "actionitem.owner.not_member"})
		}
	}
	if d := strings.TrimSpace(vals.Get("due")); d != "" {
		if a.Due, err = convene.ParseDate(d); err != nil {
			parse = append(parse, convene.FieldError{Field: "due", Key: "actionitem.due.invalid"})
		}
	}
	a.Normalize()
	err = mergeErrors(parse, a.Validate())
	if err == nil {
		err = s.store.AddActionItem(r.Context(), a)
	}
	if err == nil {
		return s.redirect(w, r, callPath(c, call)+"/minutes", "flash.action_item_added")
	}
	return s.showMinutes(w, r, 0, c, call, m, b, nil, nil, vals, err)
}

// minutesActionStatus marks an action item of the call open or done.
func (s *Server) minutesActionStatus(w http.ResponseWriter, r *http.Request) error {
	c, call, _, _, err := s.minuting(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "item")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.store.SetActionStatus(r.Context(), c.ID, call.ID, id, vals.Get("status")); err != nil {
		return err
	}
	return s.redirect(w, r, callPath(c, call)+"/minutes", "flash.action_item_updated")
}

// minutesNoteTaker lets an organizer name the member who writes a call's minutes.
func (s *Server) minutesNoteTaker(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	call, err := s.callOf(r, c)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	var id int64
	if v := strings.TrimSpace(vals.Get("note_taker")); v != "" {
		if id, err = strconv.ParseInt(v, 10, 64); err != nil {
			return convene.Invalid("minutes.note_taker.not_member", nil)
		}
	}
	if err := s.store.SetNoteTaker(r.Context(), c.ID, call.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, callPath(c, call)+"/minutes", "flash.note_taker_set")
}

func (s *Server) showMinutes(w http.ResponseWriter, r *http.Request, status int, c *convene.Community, call *convene.Call, m *convene.Minutes, b base,
	minutesVals url.Values, minutesErr error, itemVals url.Values, itemErr error) error {
	ctx := r.Context()
	l := b.L
	now := s.clock.Now()
	b.Title = l.T("minutes.title", "Call", call.DisplayTitle())
	p := minutesPageData{base: b, Call: s.viewCall(c, call, b.Zone), Held: call.Status != convene.CallCancelled && !call.StartsAt.After(now)}
	if !p.Held { // nothing to write yet: a refused post shows as an error page
		if minutesErr != nil {
			return minutesErr
		}
		if itemErr != nil {
			return itemErr
		}
	}
	agenda, err := s.store.Agenda(ctx, call.ID)
	if err != nil {
		return err
	}
	p.Lang = m.Lang
	if m.Summary != "" {
		p.Summary = renderMarkdown(m.Summary)
	}
	for _, a := range agenda {
		if n := m.Notes[a.ID]; n != "" {
			p.Notes = append(p.Notes, minutesNote{Title: a.Title, HTML: renderMarkdown(n)})
		}
	}
	if p.Items, err = s.store.ActionItems(ctx, store.ActionFilter{CommunityID: c.ID, CallID: call.ID}); err != nil {
		return err
	}
	members, err := s.store.Members(ctx, c.ID)
	if err != nil {
		return err
	}
	build := func(f *Form, vals url.Values, ferr error) error {
		errs := formErrors{}
		if ferr != nil {
			fe, ok := errorsOf(l, ferr)
			if !ok {
				return ferr
			}
			errs, status = fe, statusOf(ferr)
		}
		f.build(vals, errs, l)
		return nil
	}
	path := callPath(c, call) + "/minutes"
	if p.Held {
		p.Form = &Form{Action: path, Submit: l.T("minutes.save"), Prefix: "min-", Fields: []Field{
			{Name: "summary", Label: l.T("minutes.field.summary"), Type: "textarea", Hint: l.T("minutes.hint.markdown"), Max: convene.MaxMinutes}}}
		for _, a := range agenda {
			p.Form.Fields = append(p.Form.Fields, Field{Name: "item_" + strconv.FormatInt(a.ID, 10), Label: l.T("minutes.field.item", "Item", a.Title),
				Type: "textarea", Max: convene.MaxMinutes})
		}
		p.Form.Fields = append(p.Form.Fields, writtenInField(l, c)...)
		if minutesVals == nil {
			minutesVals = url.Values{"summary": {m.Summary}, "lang": {m.Lang}}
			for id, n := range m.Notes {
				minutesVals.Set("item_"+strconv.FormatInt(id, 10), n)
			}
		}
		if err := build(p.Form, minutesVals, minutesErr); err != nil {
			return err
		}
		owners := []Option{{Value: "", Label: l.T("actionitem.owner.other")}}
		for _, mb := range members {
			owners = append(owners, Option{Value: strconv.FormatInt(mb.User.ID, 10), Label: mb.User.Name})
		}
		p.ItemForm = &Form{Action: path + "/actions", Submit: l.T("actionitem.add"), Prefix: "ai-", Fields: []Field{
			{Name: "what", Label: l.T("actionitem.field.what"), Type: "text", Required: true, Max: convene.MaxTitle},
			{Name: "owner", Label: l.T("actionitem.field.owner"), Type: "select", Options: owners},
			{Name: "owner_name", Label: l.T("actionitem.field.owner_name"), Type: "text", Max: convene.MaxName, Hint: l.T("actionitem.hint.owner_name")},
			{Name: "due", Label: l.T("actionitem.field.due"), Type: "date"},
		}}
		if itemVals == nil {
			itemVals = url.Values{}
		}
		if err := build(p.ItemForm, itemVals, itemErr); err != nil {
			return err
		}
	}
	if b.Organizer {
		takers := []Option{{Value: "", Label: l.T("minutes.note_taker.none")}}
		for _, mb := range members {
			takers = append(takers, Option{Value: strconv.FormatInt(mb.User.ID, 10), Label: mb.User.Name})
		}
		p.NoteTakerForm = &Form{Action: path + "/note-taker", Submit: l.T("minutes.note_taker.set"), Prefix: "nt-", Fields: []Field{
			{Name: "note_taker", Label: l.T("minutes.field.note_taker"), Type: "select", Options: takers}}}
		vals := url.Values{}
		if m.NoteTakerID != 0 {
			vals.Set("note_taker", strconv.FormatInt(m.NoteTakerID, 10))
		}
		p.NoteTakerForm.build(vals, formErrors{}, l)
	}
	for _, mb := range members {
		if mb.User.ID == m.NoteTakerID {
			p.NoteTaker = mb.User.Name
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	return s.render(w, status, "minutes", p)
}

type apiActionItem struct {
	ID           int64  `json:"id"`
	CallID       int64  `json:"call_id"`
	CallURL      string `json:"call_url"`
	What         string `json:"what"`
	Owner        string `json:"owner"`
	FormerMember bool   `json:"former_member"`
	Due          string `json:"due,omitempty"`
	Status       string `json:"status"`
}

// apiActionItems lists a community's action items, optionally only open or done ones; owners are
// named, never with an address.
func (s *Server) apiActionItems(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	st := r.URL.Query().Get("status")
	if st != "" && !convene.ValidActionStatus(st) {
		return convene.Invalid("actionitem.status.invalid", nil)
	}
	items, err := s.store.ActionItems(r.Context(), store.ActionFilter{CommunityID: c.ID, Status: st})
	if err != nil {
		return err
	}
	out := struct {
		ActionItems []apiActionItem `json:"action_items"`
	}{ActionItems: []apiActionItem{}}
	for _, a := range items {
		item := apiActionItem{ID: a.ID, CallID: a.CallID, What: a.What, Owner: a.OwnerDisplay, FormerMember: a.FormerMember, Status: a.Status,
			CallURL: s.absURL("/c/" + c.Slug + "/calls/" + strconv.FormatInt(a.CallID, 10))}
		if a.FormerMember {
			item.Owner = "former member"
		}
		if !a.Due.IsZero() {
			item.Due = a.Due.String()
		}
		out.ActionItems = append(out.ActionItems, item)
	}
	return writeJSON(w, http.StatusOK, out)
}
