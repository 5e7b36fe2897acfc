package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// answerQuestion is one question of the answer form, with what the person picked or wrote.
type answerQuestion struct {
	*convene.SurveyQuestion
	Text    localText
	Field   string
	Options []answerOption
	Value   string // text answers
	Error   string
}

type answerOption struct {
	ID      string // the control's id
	Value   string
	Label   localText
	Checked bool
}

type surveyAnswerPage struct {
	base
	Survey    surveyView
	Action    string
	Questions []answerQuestion
	Errors    []answerQuestion // the questions with errors, for the summary
	Notice    string
	Answered  bool // this member has answered
	Thanks    bool // an anonymous answer was just sent
	Organizer bool
	MaxText   int
}

// surveyPage is where members answer a survey (GET shows it, POST sends the answers).
func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	u, err := requireSignedIn(r)
	if err != nil {
		return err
	}
	member, err := s.seesMembers(r, c)
	if err != nil {
		return err
	}
	if !member {
		return convene.Errorf(convene.EFORBIDDEN, "survey.members_only", nil)
	}
	v, err := s.surveyOf(r, c)
	if err != nil {
		return err
	}
	action := surveyPath(c, v)
	answered := false
	if !v.Anonymous {
		if answered, err = s.store.HasAnswered(r.Context(), v.ID, u.ID); err != nil {
			return err
		}
	}
	if r.Method != http.MethodPost {
		return s.showAnswerForm(w, r, c, v, action, answered, false, nil, nil, http.StatusOK)
	}
	return s.submitAnswers(w, r, c, v, u.ID, action, action)
}

// anonymousSurvey is an anonymous survey's link: anyone who has it may answer, without an account.
// Nothing stops one browser from answering twice; the link is what organizers share.
// maxAnonymousAnswersPerHour is how many answers one client may send to an anonymous survey link
// in an hour.
const maxAnonymousAnswersPerHour = 10

func (s *Server) anonymousSurvey(w http.ResponseWriter, r *http.Request) error {
	v, err := s.store.SurveyByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	c, err := s.store.CommunityByID(r.Context(), v.CommunityID)
	if err != nil {
		return err
	}
	action := "/s/" + v.Token
	if r.Method != http.MethodPost {
		return s.showAnswerForm(w, r, c, v, action, false, r.URL.Query().Get("sent") != "", nil, nil, http.StatusOK)
	}
	// Anyone with the link may answer, so one client may answer only a few times an hour (an
	// office behind one address still fits), counted in the database for every instance.
	n, err := s.store.CountAttempt(r.Context(), "survey", strconv.FormatInt(v.ID, 10), clientIP(r), s.clock.Now().Add(-time.Hour))
	if err != nil {
		return err
	}
	if n > maxAnonymousAnswersPerHour {
		return convene.Errorf(convene.ETOOMANY, "survey.too_many", map[string]any{"Max": maxAnonymousAnswersPerHour})
	}
	return s.submitAnswers(w, r, c, v, 0, action, action+"?sent=1")
}

// submitAnswers stores a response, or shows the form again with a message on each question at fault.
func (s *Server) submitAnswers(w http.ResponseWriter, r *http.Request, c *convene.Community, v *convene.Survey, personID int64, action, next string) error {
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	given := map[int64][]string{}
	var unknown []convene.FieldError
	for name, list := range vals {
		rest, ok := strings.CutPrefix(name, "q")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			unknown = append(unknown, convene.FieldError{Field: name, Key: "survey.question.unknown"})
			continue
		}
		given[id] = list
	}
	if len(unknown) > 0 {
		err = convene.Invalid("form.invalid", nil, unknown...)
	} else {
		_, err = s.store.SubmitSurveyResponse(r.Context(), v.ID, personID, given, viewerOf(r).L.Lang)
	}
	if err == nil {
		return s.redirect(w, r, next, "survey.thanks")
	}
	e, ok := convene.AsError(err)
	if !ok || (e.Code != convene.EINVALID && e.Code != convene.ECONFLICT) {
		return err
	}
	answered := e.Code == convene.ECONFLICT
	return s.showAnswerForm(w, r, c, v, action, answered, false, vals, e, statusOf(err))
}

func (s *Server) showAnswerForm(w http.ResponseWriter, r *http.Request, c *convene.Community, v *convene.Survey, action string,
	answered, thanks bool, vals url.Values, fail *convene.Error, status int) error {
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	sv := s.surveyViewOf(l, c, v)
	b.Title = sv.Title.Text
	p := surveyAnswerPage{base: b, Survey: sv, Action: action, Answered: answered, Thanks: thanks, Organizer: b.Organizer,
		MaxText: convene.MaxSurveyAnswer}
	errs := map[string]string{}
	if fail != nil {
		for _, f := range fail.Fields {
			if _, seen := errs[f.Field]; !seen {
				errs[f.Field] = l.Field(f)
			}
		}
		if len(fail.Fields) == 0 {
			p.Notice = l.Err(fail)
		}
	}
	for _, q := range v.Questions {
		aq := answerQuestion{SurveyQuestion: q, Text: pick(l.Lang, q.TextEN, q.TextFR), Field: q.FieldName(), Error: errs[q.FieldName()]}
		delete(errs, q.FieldName())
		picked := map[string]bool{}
		for _, x := range vals[aq.Field] {
			picked[x] = true
		}
		option := func(value string, label localText) {
			aq.Options = append(aq.Options, answerOption{ID: "f-" + aq.Field + "-" + value, Value: value, Label: label, Checked: picked[value]})
		}
		switch q.Kind {
		case convene.SurveyRating:
			for n := convene.MinRating; n <= convene.MaxRating; n++ {
				option(strconv.Itoa(n), localText{strconv.Itoa(n), l.Lang})
			}
		case convene.SurveyYesNo:
			option("yes", localText{l.T("survey.yes"), l.Lang})
			option("no", localText{l.T("survey.no"), l.Lang})
		case convene.SurveySingle, convene.SurveyMultiple:
			for _, ch := range q.Choices {
				option(strconv.FormatInt(ch.ID, 10), pick(l.Lang, ch.EN, ch.FR))
			}
		case convene.SurveyText:
			aq.Value = vals.Get(aq.Field)
		}
		p.Questions = append(p.Questions, aq)
		if aq.Error != "" {
			p.Errors = append(p.Errors, aq)
		}
	}
	// Problems with answers the form does not show (a question that is not in the survey).
	for _, msg := range errs {
		if p.Notice == "" {
			p.Notice = msg
		}
	}
	return s.render(w, status, "survey", p)
}

type resultsPage struct {
	base
	Survey    surveyView
	Responses int
	Questions []questionResultView
	CSVURL    string
	EditURL   string
}
