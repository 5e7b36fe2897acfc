package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// topicRoutes registers the topic queue of a series: proposals, +1s and the organizers' decisions.
func (s *Server) topicRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/series/{id}/topics", s.topicsPage)
	handle("POST /c/{slug}/series/{id}/topics", s.postTopic)
	handle("POST /c/{slug}/series/{id}/topics/{topic}/plus", s.plusOneTopic)
	handle("POST /c/{slug}/series/{id}/topics/{topic}/accept", s.acceptTopic)
	handle("POST /c/{slug}/series/{id}/topics/{topic}/decline", s.declineTopic)

	api("GET /api/v1/communities/{slug}/series/{id}/topics", s.apiTopics)
	api("POST /api/v1/series/{id}/topics", s.apiPostTopic)
}

func topicsPath(c *convene.Community, sr *convene.Series) string {
	return seriesPath(c, sr) + "/topics"
}

// topicRights is what the viewer may do in a series' queue.
type topicRights struct {
	Member    bool // may +1
	Organizer bool // may accept and decline
}

func (s *Server) topicRightsOf(r *http.Request, c *convene.Community) (topicRights, error) {
	u := viewerOf(r).User
	if u == nil {
		return topicRights{}, nil
	}
	rights, err := s.rightsIn(r, c)
	return topicRights{Member: rights.Member(), Organizer: rights.Organizer()}, err
}

// topicSeries loads the path's community and series for a signed-in viewer.
func (s *Server) topicSeries(r *http.Request) (*convene.Community, *convene.Series, *convene.User, topicRights, error) {
	c, err := s.communityOf(r)
	if err != nil {
		return nil, nil, nil, topicRights{}, err
	}
	u, err := requireSignedIn(r)
	if err != nil {
		return nil, nil, nil, topicRights{}, err
	}
	sr, err := s.seriesOf(r, c)
	if err != nil {
		return nil, nil, nil, topicRights{}, err
	}
	rt, err := s.topicRightsOf(r, c)
	return c, sr, u, rt, err
}

// topicOf loads the path's topic, which must belong to the series.
func (s *Server) topicOf(r *http.Request, sr *convene.Series, viewerID int64) (*convene.Topic, error) {
	id, err := pathID(r, "topic")
	if err != nil {
		return nil, err
	}
	t, err := s.store.TopicByID(r.Context(), id, viewerID)
	if err != nil {
		return nil, err
	}
	if t.SeriesID != sr.ID {
		return nil, convene.NotFound("topic.not_found")
	}
	return t, nil
}

// futureCalls lists the series' coming calls that can still take a topic.
func (s *Server) futureCalls(r *http.Request, sr *convene.Series) ([]*convene.Call, error) {
	calls, err := s.store.Calls(r.Context(), convene.CallFilter{SeriesID: sr.ID, From: s.clock.Now(), Limit: 24})
	if err != nil {
		return nil, err
	}
	var out []*convene.Call
	for _, c := range calls {
		if c.Status != convene.CallCancelled {
			out = append(out, c)
		}
	}
	return out, nil
}

type topicView struct {
	*convene.Topic
	KindLabel string
	Action    string
	CallURL   string
	CallLocal time.Time
	Translate string // where the viewer adds its versions, when they may
}

type topicsPage struct {
	base
	Series   *convene.Series
	Rights   topicRights
	Form     *Form
	Queue    []topicView
	Coming   []topicView
	Calls    []Option
	MaxWhy   int
	BackPath string
}

func (s *Server) topicsPage(w http.ResponseWriter, r *http.Request) error {
	c, sr, _, rt, err := s.topicSeries(r)
	if err != nil {
		return err
	}
	return s.showTopics(w, r, c, sr, rt, pageForm{status: http.StatusOK})
}

func (s *Server) showTopics(w http.ResponseWriter, r *http.Request, c *convene.Community, sr *convene.Series, rt topicRights, pf pageForm) error {
	ctx := r.Context()
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	b.Title = l.T("topics.title", "Series", sr.Title)
	loc, err := convene.LoadZone(b.Zone)
	if err != nil {
		loc = time.UTC
	}
	me := viewerOf(r).User
	p := topicsPage{base: b, Series: sr, Rights: rt, MaxWhy: convene.MaxDeclineReason, BackPath: seriesPath(c, sr)}
	calls, err := s.futureCalls(r, sr)
	if err != nil {
		return err
	}
	callOpts := []Option{{Value: "", Label: l.T("topic.call.any")}}
	for _, call := range calls {
		callOpts = append(callOpts, Option{Value: strconv.FormatInt(call.ID, 10), Label: l.Date(call.StartsAt.In(loc)) + " · " + call.DisplayTitle()})
	}
	p.Calls = callOpts[1:]
	kinds := []Option{}
	for _, k := range convene.AgendaKinds {
		kinds = append(kinds, Option{Value: k, Label: l.T("topic.kind." + k)})
	}
	initiatives, err := s.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID})
	if err != nil {
		return err
	}
	inOpts := []Option{{Value: "", Label: l.T("topic.initiative.none")}}
	for _, in := range initiatives {
		inOpts = append(inOpts, Option{Value: strconv.FormatInt(in.ID, 10), Label: in.Name})
	}
	p.Form = &Form{Action: topicsPath(c, sr), Prefix: "topic-", Submit: l.T("topic.submit"), Fields: []Field{
		{Name: "title", Label: l.T("topic.field.title"), Type: "text", Required: true, Max: convene.MaxTitle},
		{Name: "kind", Label: l.T("topic.field.kind"), Type: "select", Options: kinds},
		{Name: "presenter_name", Label: l.T("topic.field.presenter"), Type: "text", Max: convene.MaxShortText},
		{Name: "initiative_id", Label: l.T("topic.field.initiative"), Type: "select", Options: inOpts},
		{Name: "minutes", Label: l.T("topic.field.minutes"), Type: "number"},
		{Name: "call_id", Label: l.T("topic.field.call"), Type: "select", Options: callOpts},
	}}
	p.Form.Fields = append(p.Form.Fields, writtenInField(l, c)...)
	vals, errs := url.Values{}, formErrors{}
	if pf.name == "topic" {
		vals, errs = pf.vals, pf.errs
	}
	p.Form.build(vals, errs, l)

	var viewerID int64
	if me != nil {
		viewerID = me.ID
	}
	open, err := s.store.Topics(ctx, sr.ID, convene.TopicOpen, viewerID)
	if err != nil {
		return err
	}
	who, err := s.actor(r, c)
	if err != nil {
		return err
	}
	for _, t := range open {
		p.Queue = append(p.Queue, topicView{Topic: t, KindLabel: l.T("topic.kind." + t.Kind),
			Action: topicsPath(c, sr) + "/" + strconv.FormatInt(t.ID, 10), Translate: translateLink(c, who, convene.MemberTopic, t.ID, t.ProposerID)})
	}
	accepted, err := s.store.Topics(ctx, sr.ID, convene.TopicAccepted, viewerID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, t := range accepted {
		if t.AcceptedCallID == 0 || !t.AcceptedCallStartsAt.After(now) {
			continue
		}
		p.Coming = append(p.Coming, topicView{Topic: t, KindLabel: l.T("topic.kind." + t.Kind),
			CallURL: "/c/" + c.Slug + "/calls/" + strconv.FormatInt(t.AcceptedCallID, 10), CallLocal: t.AcceptedCallStartsAt.In(loc)})
	}
	return s.render(w, pf.status, "topics", p)
}

// topicFrom reads a proposal from a form or an API body.
func topicFrom(c *convene.Community, sr *convene.Series, vals url.Values) (*convene.Topic, error) {
	t := &convene.Topic{CommunityID: c.ID, SeriesID: sr.ID, Title: vals.Get("title"), Kind: vals.Get("kind"), Texts: convene.Texts{Lang: vals.Get("lang")},
		PresenterName: vals.Get("presenter_name")}
	var f []convene.FieldError
	for _, n := range []struct {
		name string
		dst  *int64
	}{{"initiative_id", &t.InitiativeID}, {"call_id", &t.CallID}} {
		if v := strings.TrimSpace(vals.Get(n.name)); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				f = append(f, convene.FieldError{Field: n.name, Key: "topic.id.invalid"})
			}
			*n.dst = id
		}
	}
	if v := strings.TrimSpace(vals.Get("minutes")); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil {
			f = append(f, convene.FieldError{Field: "minutes", Key: "agenda.minutes.range", Args: map[string]any{"Max": convene.MaxDuration}})
		}
		t.Minutes = m
	}
	if len(f) > 0 {
		return nil, convene.Invalid("form.invalid", nil, f...)
	}
	return t, nil
}

func (s *Server) postTopic(w http.ResponseWriter, r *http.Request) error {
	c, sr, _, rt, err := s.topicSeries(r)
	if err != nil {
		return err
	}
	who, err := s.actor(r, c)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	t, err := topicFrom(c, sr, vals)
	if err == nil {
		err = s.acts.ProposeTopic(r.Context(), who, t)
	}
	if err != nil {
		errs, ok := errorsOf(viewerOf(r).L, err)
		if !ok {
			return err
		}
		return s.showTopics(w, r, c, sr, rt, pageForm{name: "topic", vals: vals, errs: errs, status: statusOf(err)})
	}
	return s.redirect(w, r, topicsPath(c, sr), "topic.proposed")
}

func (s *Server) plusOneTopic(w http.ResponseWriter, r *http.Request) error {
	c, sr, u, rt, err := s.topicSeries(r)
	if err != nil {
		return err
	}
	if !rt.Member {
		return convene.Errorf(convene.EFORBIDDEN, "topic.plus.members_only", nil)
	}
	t, err := s.topicOf(r, sr, u.ID)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	on := vals.Get("on") != "0"
	if err := s.store.PlusOneTopic(r.Context(), t.ID, u.ID, on); err != nil {
		return err
	}
	flash := "topic.plused"
	if !on {
		flash = "topic.unplused"
	}
	return s.redirect(w, r, topicsPath(c, sr), flash)
}

// organizedTopic loads the path's topic for an organizer's decision.
func (s *Server) organizedTopic(r *http.Request) (*convene.Community, *convene.Series, *convene.Topic, error) {
	c, sr, u, rt, err := s.topicSeries(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if !rt.Organizer {
		return nil, nil, nil, errForbidden
	}
	t, err := s.topicOf(r, sr, u.ID)
	return c, sr, t, err
}

func (s *Server) acceptTopic(w http.ResponseWriter, r *http.Request) error {
	c, sr, t, err := s.organizedTopic(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	callID, err := strconv.ParseInt(strings.TrimSpace(vals.Get("call_id")), 10, 64)
	if err != nil || callID <= 0 {
		return convene.Invalid("topic.accept.call_required", nil)
	}
	_, err = s.store.AcceptTopic(r.Context(), c.ID, t.ID, callID, func(u *convene.User, t *convene.Topic, call *convene.Call) convene.Mail {
		localizeIn(u.Language(), c, call) // the call, and its series, in the proposer's language
		return s.mails.Compose(u.Email, u.Name, u.Language(), "mail.topic.accepted.subject", "mail.topic.accepted.body",
			"Title", t.Title, "Call", call.DisplayTitle(), "When", s.mails.When(u.Language(), call, u.TimeZone), "Link", s.absURL("/c/"+c.Slug+"/calls/"+strconv.FormatInt(call.ID, 10)))
	})
	if err != nil {
		return err
	}
	s.wakeMail()
	return s.redirect(w, r, topicsPath(c, sr), "topic.accepted")
}

func (s *Server) declineTopic(w http.ResponseWriter, r *http.Request) error {
	c, sr, t, err := s.organizedTopic(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	err = s.store.DeclineTopic(r.Context(), c.ID, t.ID, vals.Get("reason"), func(u *convene.User, t *convene.Topic) convene.Mail {
		localizeIn(u.Language(), c, sr)
		return s.mails.Compose(u.Email, u.Name, u.Language(), "mail.topic.declined.subject", "mail.topic.declined.body",
			"Title", t.Title, "Series", sr.Title, "Reason", t.DeclineReason, "Link", s.absURL(topicsPath(c, sr)))
	})
	if err != nil {
		return err
	}
	s.wakeMail()
	return s.redirect(w, r, topicsPath(c, sr), "topic.declined")
}

// apiTopic is a topic as the API shows it: no email addresses.
type apiTopic struct {
	ID             int64      `json:"id"`
	SeriesID       int64      `json:"series_id"`
	Title          string     `json:"title"`
	Kind           string     `json:"kind"`
	PresenterName  string     `json:"presenter_name,omitempty"`
	Proposer       string     `json:"proposer"`
	InitiativeID   int64      `json:"initiative_id,omitempty"`
	InitiativeName string     `json:"initiative_name,omitempty"`
	Minutes        int        `json:"minutes,omitempty"`
	CallID         int64      `json:"call_id,omitempty"`
	Status         string     `json:"status"`
	Interest       int        `json:"interest"`
	AcceptedCallID int64      `json:"accepted_call_id,omitempty"`
	AcceptedCallAt *time.Time `json:"accepted_call_starts_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	apiWritten
}

func toAPITopic(t *convene.Topic) apiTopic {
	a := apiTopic{ID: t.ID, SeriesID: t.SeriesID, Title: t.Title, Kind: t.Kind, PresenterName: t.PresenterName, Proposer: t.ProposerName,
		InitiativeID: t.InitiativeID, InitiativeName: t.InitiativeName.Text, Minutes: t.Minutes, CallID: t.CallID, Status: t.Status,
		Interest: t.Interest, AcceptedCallID: t.AcceptedCallID, CreatedAt: t.CreatedAt, apiWritten: writtenOf(t)}
	if t.AcceptedCallID != 0 {
		at := t.AcceptedCallStartsAt
		a.AcceptedCallAt = &at
	}
	return a
}

func (s *Server) apiTopics(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	sr, err := s.seriesOf(r, c)
	if err != nil {
		return err
	}
	out := struct {
		Open     []apiTopic `json:"open"`
		Accepted []apiTopic `json:"accepted"`
	}{Open: []apiTopic{}, Accepted: []apiTopic{}}
	for _, status := range []string{convene.TopicOpen, convene.TopicAccepted} {
		list, err := s.store.Topics(r.Context(), sr.ID, status, 0)
		if err != nil {
			return err
		}
		s.localizeData(r, c, list)
		for _, t := range list {
			if status == convene.TopicOpen {
				out.Open = append(out.Open, toAPITopic(t))
			} else {
				out.Accepted = append(out.Accepted, toAPITopic(t))
			}
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPostTopic(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireSignedIn(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sr, err := s.store.SeriesByID(r.Context(), id)
	if err != nil {
		return err
	}
	c, err := s.store.CommunityByID(r.Context(), sr.CommunityID)
	if err != nil {
		return err
	}
	var body struct {
		Title         string `json:"title"`
		Kind          string `json:"kind"`
		PresenterName string `json:"presenter_name"`
		InitiativeID  int64  `json:"initiative_id"`
		Minutes       int    `json:"minutes"`
		CallID        int64  `json:"call_id"`
		Lang          string `json:"lang"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	who, err := s.actor(r, c)
	if err != nil {
		return err
	}
	t := &convene.Topic{CommunityID: c.ID, SeriesID: sr.ID, Title: body.Title, Kind: body.Kind, Texts: convene.Texts{Lang: body.Lang},
		PresenterName: body.PresenterName, InitiativeID: body.InitiativeID, Minutes: body.Minutes, CallID: body.CallID}
	if err := s.acts.ProposeTopic(r.Context(), who, t); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toAPITopic(t))
}
