package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// surveyRoutes registers feedback surveys: the organizers' list, builder and results, the page
// members answer on, the anonymous link, and the organizers' API.
func (s *Server) surveyRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/surveys", s.surveysPage)
	handle("GET /c/{slug}/surveys/new", s.newSurvey)
	handle("POST /c/{slug}/surveys/new", s.newSurvey)
	handle("GET /c/{slug}/surveys/{id}", s.surveyPage)
	handle("POST /c/{slug}/surveys/{id}", s.surveyPage)
	handle("GET /c/{slug}/surveys/{id}/edit", s.surveyBuilder)
	handle("POST /c/{slug}/surveys/{id}/edit", s.surveyBuilder)
	handle("POST /c/{slug}/surveys/{id}/questions", s.addSurveyQuestion)
	handle("POST /c/{slug}/surveys/{id}/questions/{question}/delete", s.deleteSurveyQuestion)
	handle("POST /c/{slug}/surveys/{id}/delete", s.deleteSurvey)
	handle("GET /c/{slug}/surveys/{id}/results", s.surveyResults)
	handle("GET /c/{slug}/surveys/{id}/results.csv", s.surveyResultsCSV)
	handle("GET /s/{token}", s.anonymousSurvey)
	handle("POST /s/{token}", s.anonymousSurvey)

	api("GET /api/v1/communities/{slug}/surveys", s.apiSurveys)
	api("GET /api/v1/communities/{slug}/surveys/{id}/results", s.apiSurveyResults)
}

func surveysPath(c *convene.Community) string { return "/c/" + c.Slug + "/surveys" }

func surveyPath(c *convene.Community, v *convene.Survey) string {
	return surveysPath(c) + "/" + strconv.FormatInt(v.ID, 10)
}

// surveyLink is a survey as a call page offers it.
type surveyLink struct {
	URL   string
	Title localText
}

// openSurveysAbout lists the open surveys about a call or its season, so members who were there
// find them from the call's page.
func (s *Server) openSurveysAbout(r *http.Request, c *convene.Community, call *convene.Call, now time.Time) ([]surveyLink, error) {
	all, err := s.store.Surveys(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	var out []surveyLink
	for _, v := range all {
		about := v.CallID == call.ID || (v.SeasonID != 0 && v.SeasonID == call.SeasonID)
		if about && !v.ClosedAt(now) {
			out = append(out, surveyLink{URL: surveyPath(c, v), Title: pick(viewerOf(r).L.Lang, v.TitleEN, v.TitleFR)})
		}
	}
	return out, nil
}

// localText is a text in the language it is written in, which may not be the page's.
type localText struct{ Text, Lang string }

func pick(lang, en, fr string) localText {
	if lang == "fr" && fr != "" || en == "" {
		return localText{fr, "fr"}
	}
	return localText{en, "en"}
}

// surveyView is a survey as pages show it, in the viewer's language.
type surveyView struct {
	*convene.Survey
	Title  localText
	Intro  localText
	URL    string
	Target string // "About the Pilot season", …
	Status string // "Open until …", "Closed on …"
	Closed bool
	Link   string // the anonymous link, for organizers
}

func (s *Server) surveyViewOf(l *Localizer, c *convene.Community, v *convene.Survey) surveyView {
	loc, err := convene.LoadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	sv := surveyView{Survey: v, Title: pick(l.Lang, v.TitleEN, v.TitleFR), Intro: pick(l.Lang, v.IntroEN, v.IntroFR),
		URL: surveyPath(c, v), Closed: v.ClosedAt(s.clock.Now())}
	switch {
	case v.CallID != 0:
		sv.Target = l.T("survey.target.call", "Call", v.TargetLabel, "Date", l.Date(v.CallStartsAt.In(loc)))
	case v.SeasonID != 0:
		sv.Target = l.T("survey.target.season", "Season", v.TargetLabel)
	default:
		sv.Target = l.T("survey.target.community")
	}
	switch {
	case v.ClosesAt == nil:
		sv.Status = l.T("survey.status.open")
	case sv.Closed:
		sv.Status = l.T("survey.status.closed", "Date", l.Date(v.ClosesAt.Add(-time.Second).In(loc)))
	default:
		sv.Status = l.T("survey.status.until", "Date", l.Date(v.ClosesAt.Add(-time.Second).In(loc)))
	}
	if v.Anonymous && v.Token != "" {
		sv.Link = s.absURL("/s/" + v.Token)
	}
	return sv
}

// surveyOf loads the path's survey, which must belong to c.
func (s *Server) surveyOf(r *http.Request, c *convene.Community) (*convene.Survey, error) {
	return pathObject(r, "id", s.store.SurveyByID, func(v *convene.Survey) int64 { return v.CommunityID }, c.ID, "survey.not_found")
}

// organizedSurvey loads the path's community and survey for one of its organizers.
func (s *Server) organizedSurvey(r *http.Request) (*convene.Community, *convene.Survey, error) {
	c, err := s.communityOf(r)
	if err != nil {
		return nil, nil, err
	}
	if err := s.requireOrganizer(r, c); err != nil {
		return nil, nil, err
	}
	v, err := s.surveyOf(r, c)
	return c, v, err
}

type surveysPage struct {
	base
	Surveys []surveyView
	NewURL  string
}

// surveysPage lists the community's surveys: all of them with their numbers for organizers, the
// open ones for members.
func (s *Server) surveysPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	if _, err := requireSignedIn(r); err != nil {
		return err
	}
	member, err := s.seesMembers(r, c)
	if err != nil {
		return err
	}
	if !member {
		return convene.Errorf(convene.EFORBIDDEN, "survey.members_only", nil)
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	b.Title = b.L.T("surveys.title")
	list, err := s.store.Surveys(r.Context(), c.ID)
	if err != nil {
		return err
	}
	p := surveysPage{base: b, NewURL: surveysPath(c) + "/new"}
	for _, v := range list {
		sv := s.surveyViewOf(b.L, c, v)
		if b.Organizer || !sv.Closed {
			p.Surveys = append(p.Surveys, sv)
		}
	}
	return s.render(w, http.StatusOK, "surveys", p)
}

// surveyFields are the survey's own fields, shared by the new-survey form and the builder.
func (s *Server) surveyFields(r *http.Request, l *Localizer, c *convene.Community, current string) ([]Field, error) {
	targets, err := s.surveyTargets(r, l, c, current)
	if err != nil {
		return nil, err
	}
	return []Field{
		{Name: "title_en", Label: l.T("survey.field.title_en"), Type: "text", Max: convene.MaxTitle, Hint: l.T("survey.hint.languages")},
		{Name: "title_fr", Label: l.T("survey.field.title_fr"), Type: "text", Max: convene.MaxTitle},
		{Name: "intro_en", Label: l.T("survey.field.intro_en"), Type: "textarea", Max: convene.MaxDescription},
		{Name: "intro_fr", Label: l.T("survey.field.intro_fr"), Type: "textarea", Max: convene.MaxDescription},
		{Name: "target", Label: l.T("survey.field.target"), Type: "select", Options: targets},
		{Name: "closes_on", Label: l.T("survey.field.closes_on"), Type: "date", Hint: l.T("survey.hint.closes_on")},
		{Name: "anonymous", Label: l.T("survey.field.anonymous"), Type: "checkbox"},
	}, nil
}

// questionFields are the fields of one question.
func questionFields(l *Localizer, prefix string) []Field {
	var kinds []Option
	for _, k := range convene.SurveyKinds {
		kinds = append(kinds, Option{Value: k, Label: l.T("survey.kind." + k)})
	}
	return []Field{
		{Name: "kind", Label: prefix + l.T("survey.field.kind"), Type: "select", Options: kinds},
		{Name: "text_en", Label: prefix + l.T("survey.field.text_en"), Type: "text", Max: convene.MaxQuestionText},
		{Name: "text_fr", Label: prefix + l.T("survey.field.text_fr"), Type: "text", Max: convene.MaxQuestionText},
		{Name: "choices", Label: prefix + l.T("survey.field.choices"), Type: "textarea", Hint: l.T("survey.hint.choices")},
		{Name: "required", Label: prefix + l.T("survey.field.required"), Type: "checkbox"},
	}
}

// surveyTargets offers what a survey may be about: the community, a season, or a call of the past
// year or the coming three months.
func (s *Server) surveyTargets(r *http.Request, l *Localizer, c *convene.Community, current string) ([]Option, error) {
	ctx := r.Context()
	out := []Option{{Value: "", Label: l.T("survey.target.community")}}
	series, err := s.store.SeriesOf(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, sr := range series {
		seasons, err := s.store.SeasonsOf(ctx, sr.ID)
		if err != nil {
			return nil, err
		}
		for _, se := range seasons {
			label := l.T("survey.target.season", "Season", se.Name)
			if len(series) > 1 {
				label += " · " + sr.Title
			}
			out = append(out, Option{Value: "season:" + strconv.FormatInt(se.ID, 10), Label: label})
		}
	}
	now := s.clock.Now()
	calls, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID, From: now.AddDate(-1, 0, 0), To: now.AddDate(0, 3, 0)})
	if err != nil {
		return nil, err
	}
	loc, err := convene.LoadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	seen := current == "" || strings.HasPrefix(current, "season:")
	for _, call := range calls {
		v := "call:" + strconv.FormatInt(call.ID, 10)
		seen = seen || v == current
		out = append(out, Option{Value: v, Label: l.T("survey.target.call", "Call", call.DisplayTitle(), "Date", l.Date(call.StartsAt.In(loc)))})
	}
	if !seen { // a call outside the window stays selectable
		if id, err := strconv.ParseInt(strings.TrimPrefix(current, "call:"), 10, 64); err == nil {
			if call, err := s.store.CallByID(ctx, id); err == nil && call.CommunityID == c.ID {
				out = append(out, Option{Value: current, Label: l.T("survey.target.call", "Call", call.DisplayTitle(), "Date", l.Date(call.StartsAt.In(loc)))})
			}
		}
	}
	return out, nil
}

func targetValue(v *convene.Survey) string {
	switch {
	case v.CallID != 0:
		return "call:" + strconv.FormatInt(v.CallID, 10)
	case v.SeasonID != 0:
		return "season:" + strconv.FormatInt(v.SeasonID, 10)
	}
	return ""
}

// surveyValues are a stored survey's fields as its form shows them.
func surveyValues(c *convene.Community, v *convene.Survey) url.Values {
	vals := url.Values{"title_en": {v.TitleEN}, "title_fr": {v.TitleFR}, "intro_en": {v.IntroEN}, "intro_fr": {v.IntroFR},
		"target": {targetValue(v)}}
	if v.Anonymous {
		vals.Set("anonymous", "on")
	}
	if v.ClosesAt != nil {
		loc, err := convene.LoadZone(c.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		vals.Set("closes_on", convene.DateOf(v.ClosesAt.Add(-time.Second).In(loc)).String())
	}
	return vals
}

// readSurvey copies a posted survey form onto v: a closing day closes the survey at the end of that
// day in the community's zone.
func readSurvey(c *convene.Community, v *convene.Survey, vals url.Values, errs *[]convene.FieldError) {
	v.TitleEN, v.TitleFR = vals.Get("title_en"), vals.Get("title_fr")
	v.IntroEN, v.IntroFR = vals.Get("intro_en"), vals.Get("intro_fr")
	v.Anonymous = vals.Get("anonymous") != ""
	v.CallID, v.SeasonID = 0, 0
	if t := strings.TrimSpace(vals.Get("target")); t != "" {
		kind, idText, _ := strings.Cut(t, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		switch {
		case err != nil || id <= 0:
			*errs = append(*errs, convene.FieldError{Field: "target", Key: "survey.target.invalid"})
		case kind == "call":
			v.CallID = id
		case kind == "season":
			v.SeasonID = id
		default:
			*errs = append(*errs, convene.FieldError{Field: "target", Key: "survey.target.invalid"})
		}
	}
	v.ClosesAt = nil
	if d := dateField(vals, "closes_on", errs); !d.IsZero() {
		loc, err := convene.LoadZone(c.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		at := d.AddDays(1).In(loc).UTC()
		v.ClosesAt = &at
	}
}

// readQuestion reads one question from a form.
func readQuestion(vals url.Values) *convene.SurveyQuestion {
	return &convene.SurveyQuestion{Kind: vals.Get("kind"), Required: vals.Get("required") != "", TextEN: vals.Get("text_en"),
		TextFR: vals.Get("text_fr"), Choices: convene.ParseChoices(vals.Get("choices"))}
}

// newSurvey creates a survey with its first question; the builder adds the others.
func (s *Server) newSurvey(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	if err := s.requireOrganizer(r, c); err != nil {
		return err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	fields, err := s.surveyFields(r, l, c, "")
	if err != nil {
		return err
	}
	fields = append(fields, questionFields(l, l.T("survey.first_question")+" · ")...)
	return s.edit(w, r, b, editor{title: l.T("survey.new"), submit: l.T("survey.create"), back: surveysPath(c), fields: fields,
		initial: url.Values{"kind": {convene.SurveyYesNo}, "required": {"on"}},
		save: func(vals url.Values) (string, string, error) {
			v := &convene.Survey{CommunityID: c.ID, CreatedBy: viewerOf(r).User.ID}
			var errs []convene.FieldError
			readSurvey(c, v, vals, &errs)
			v.Questions = []*convene.SurveyQuestion{readQuestion(vals)}
			if len(errs) > 0 {
				return "", "", mergeErrors(errs, validateSurvey(v))
			}
			if err := s.store.SaveSurvey(r.Context(), v); err != nil {
				return "", "", err
			}
			return surveyPath(c, v) + "/edit", "survey.created", nil
		}})
}

func validateSurvey(v *convene.Survey) error {
	v.Normalize()
	return v.Validate()
}

type surveyBuilderPage struct {
	base
	Survey       surveyView
	Settings     Form
	Questions    []questionView
	AddQuestion  Form
	Locked       bool // it has responses: its questions can no longer change
	ResultsURL   string
	AnswerURL    string
	DeleteAction string
}

type questionView struct {
	*convene.SurveyQuestion
	Text      localText
	KindLabel string
	Delete    string
}

// surveyBuilder shows a survey's settings and questions to its organizers, and saves the settings.
func (s *Server) surveyBuilder(w http.ResponseWriter, r *http.Request) error {
	c, v, err := s.organizedSurvey(r)
	if err != nil {
		return err
	}
	if r.Method != http.MethodPost {
		return s.showBuilder(w, r, c, v, pageForm{status: http.StatusOK})
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	var errs []convene.FieldError
	readSurvey(c, v, vals, &errs)
	if len(errs) > 0 {
		err = mergeErrors(errs, validateSurvey(v))
	} else {
		err = s.store.SaveSurvey(r.Context(), v)
	}
	if err != nil {
		fe, ok := errorsOf(viewerOf(r).L, err)
		if !ok {
			return err
		}
		return s.showBuilder(w, r, c, v, pageForm{name: "settings", vals: vals, errs: fe, status: statusOf(err)})
	}
	return s.redirect(w, r, surveyPath(c, v)+"/edit", "survey.saved")
}

func (s *Server) showBuilder(w http.ResponseWriter, r *http.Request, c *convene.Community, v *convene.Survey, pf pageForm) error {
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	// The page shows what is stored, whatever was posted.
	stored, err := s.store.SurveyByID(r.Context(), v.ID)
	if err != nil {
		return err
	}
	sv := s.surveyViewOf(l, c, stored)
	b.Title = l.T("survey.builder.title", "Title", sv.Title.Text)
	p := surveyBuilderPage{base: b, Survey: sv, Locked: stored.Responses > 0, ResultsURL: sv.URL + "/results", AnswerURL: sv.URL,
		DeleteAction: sv.URL + "/delete"}
	settingsVals, settingsErrs := surveyValues(c, stored), formErrors{}
	if pf.name == "settings" {
		settingsVals, settingsErrs = pf.vals, pf.errs
	}
	fields, err := s.surveyFields(r, l, c, settingsVals.Get("target"))
	if err != nil {
		return err
	}
	p.Settings = Form{Action: sv.URL + "/edit", Prefix: "s-", Submit: l.T("survey.save"), Fields: fields}
	p.Settings.build(settingsVals, settingsErrs, l)
	qVals, qErrs := url.Values{"kind": {convene.SurveyRating}}, formErrors{}
	if pf.name == "question" {
		qVals, qErrs = pf.vals, pf.errs
	}
	p.AddQuestion = Form{Action: sv.URL + "/questions", Prefix: "q-", Submit: l.T("survey.question.add"), Fields: questionFields(l, "")}
	p.AddQuestion.build(qVals, qErrs, l)
	for _, q := range stored.Questions {
		qv := questionView{SurveyQuestion: q, Text: pick(l.Lang, q.TextEN, q.TextFR), KindLabel: l.T("survey.kind." + q.Kind),
			Delete: sv.URL + "/questions/" + strconv.FormatInt(q.ID, 10) + "/delete"}
		p.Questions = append(p.Questions, qv)
	}
	return s.render(w, pf.status, "survey_builder", p)
}

func (s *Server) addSurveyQuestion(w http.ResponseWriter, r *http.Request) error {
	c, v, err := s.organizedSurvey(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	v.Questions = append(v.Questions, readQuestion(vals))
	if err := s.store.SaveSurvey(r.Context(), v); err != nil {
		fe, ok := errorsOf(viewerOf(r).L, err)
		if !ok {
			return err
		}
		return s.showBuilder(w, r, c, v, pageForm{name: "question", vals: vals, errs: fe, status: statusOf(err)})
	}
	return s.redirect(w, r, surveyPath(c, v)+"/edit", "survey.question.added")
}

func (s *Server) deleteSurveyQuestion(w http.ResponseWriter, r *http.Request) error {
	c, v, err := s.organizedSurvey(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "question")
	if err != nil {
		return err
	}
	if v.Question(id) == nil {
		return convene.NotFound("survey.question.not_found")
	}
	var keep []*convene.SurveyQuestion
	for _, q := range v.Questions {
		if q.ID != id {
			keep = append(keep, q)
		}
	}
	if len(keep) == 0 {
		return convene.Invalid("survey.question.last", nil)
	}
	v.Questions = keep
	if err := s.store.SaveSurvey(r.Context(), v); err != nil {
		return err
	}
	return s.redirect(w, r, surveyPath(c, v)+"/edit", "survey.question.deleted")
}

func (s *Server) deleteSurvey(w http.ResponseWriter, r *http.Request) error {
	c, v, err := s.organizedSurvey(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSurvey(r.Context(), c.ID, v.ID); err != nil {
		return err
	}
	return s.redirect(w, r, surveysPath(c), "survey.deleted")
}
