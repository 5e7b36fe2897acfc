package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// questionResultView is one question's results as the results page and the API show them.
type questionResultView struct {
	Number   int
	Kind     string
	Text     localText
	Answered int
	Rows     []resultRow // choices, ratings 1–5 or yes and no
	Average  string
	Texts    []convene.TextAnswer
}

type resultRow struct {
	Label   localText
	Count   int
	Percent int
}

// resultsOf shapes a survey's results for the page and the API: percentages are of the responses
// that answered each question.
func resultsOf(l *Localizer, res *convene.SurveyResults) []questionResultView {
	var out []questionResultView
	for i, qr := range res.Questions {
		q := qr.Question
		qv := questionResultView{Number: i + 1, Kind: q.Kind, Text: pick(l.Lang, q.TextEN, q.TextFR), Answered: qr.Answered, Texts: qr.Texts}
		row := func(label localText, n int) {
			qv.Rows = append(qv.Rows, resultRow{Label: label, Count: n, Percent: convene.Percent(n, qr.Answered)})
		}
		switch q.Kind {
		case convene.SurveyYesNo:
			row(localText{l.T("survey.yes"), l.Lang}, qr.Yes)
			row(localText{l.T("survey.no"), l.Lang}, qr.No)
		case convene.SurveyRating:
			for n := convene.MaxRating; n >= convene.MinRating; n-- {
				row(localText{strconv.Itoa(n), l.Lang}, qr.Ratings[n-1])
			}
			if qr.Answered > 0 {
				qv.Average = l.T("survey.results.average", "Average", formatAverage(l, qr.Average), "Max", convene.MaxRating)
			}
		case convene.SurveySingle, convene.SurveyMultiple:
			for _, cc := range qr.Choices {
				row(pick(l.Lang, cc.Choice.EN, cc.Choice.FR), cc.Count)
			}
		}
		out = append(out, qv)
	}
	return out
}

// formatAverage writes a mean rating with one decimal, with a decimal comma in French.
func formatAverage(l *Localizer, mean float64) string {
	s := strconv.FormatFloat(mean, 'f', 1, 64)
	if l.Lang == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// surveyResults shows organizers what a survey's answers add up to.
func (s *Server) surveyResults(w http.ResponseWriter, r *http.Request) error {
	c, v, err := s.organizedSurvey(r)
	if err != nil {
		return err
	}
	res, err := s.store.SurveyResults(r.Context(), v)
	if err != nil {
		return err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	sv := s.surveyViewOf(b.L, c, v)
	b.Title = b.L.T("survey.results.title", "Title", sv.Title.Text)
	p := resultsPage{base: b, Survey: sv, Responses: res.Responses, Questions: resultsOf(b.L, res), CSVURL: sv.URL + "/results.csv",
		EditURL: sv.URL + "/edit"}
	return s.render(w, http.StatusOK, "survey_results", p)
}

// surveyResultsCSV exports one row per response and one column per question. Rows carry a number,
// never who answered.
func (s *Server) surveyResultsCSV(w http.ResponseWriter, r *http.Request) error {
	_, v, err := s.organizedSurvey(r)
	if err != nil {
		return err
	}
	responses, err := s.store.SurveyResponses(r.Context(), v.ID)
	if err != nil {
		return err
	}
	l := viewerOf(r).L
	out, err := startCSV(w, fmt.Sprintf("survey-%d-results.csv", v.ID))
	if err != nil {
		return err
	}
	header := []string{l.T("survey.csv.response")}
	for _, q := range v.Questions {
		header = append(header, q.Text(l.Lang))
	}
	if err := out.row(header...); err != nil {
		return err
	}
	for i, resp := range responses {
		byQuestion := map[int64]convene.SurveyAnswer{}
		for _, a := range resp.Answers {
			byQuestion[a.QuestionID] = a
		}
		row := []string{strconv.Itoa(i + 1)}
		for _, q := range v.Questions {
			a, ok := byQuestion[q.ID]
			cell := ""
			switch {
			case !ok:
			case q.Kind == convene.SurveyRating:
				cell = strconv.Itoa(a.Value)
			case q.Kind == convene.SurveyYesNo && a.Value == 1:
				cell = l.T("survey.yes")
			case q.Kind == convene.SurveyYesNo:
				cell = l.T("survey.no")
			case q.Kind == convene.SurveyText:
				cell = a.Text
			default:
				var labels []string
				for _, id := range a.ChoiceIDs {
					for _, ch := range q.Choices {
						if ch.ID == id {
							labels = append(labels, ch.Label(l.Lang))
						}
					}
				}
				cell = strings.Join(labels, "; ")
			}
			row = append(row, cell)
		}
		if err := out.row(row...); err != nil {
			return err
		}
	}
	return out.close()
}

// apiSurvey is a survey as the organizers' API shows it.
type apiSurvey struct {
	ID        int64      `json:"id"`
	TitleEN   string     `json:"title_en"`
	TitleFR   string     `json:"title_fr"`
	CallID    int64      `json:"call_id,omitempty"`
	SeasonID  int64      `json:"season_id,omitempty"`
	Anonymous bool       `json:"anonymous"`
	ClosesAt  *time.Time `json:"closes_at"`
	Closed    bool       `json:"closed"`
	Responses int        `json:"responses"`
	URL       string     `json:"url"`
	Results   string     `json:"results_url"`
	CreatedAt time.Time  `json:"created_at"`
}

type apiQuestionResult struct {
	ID       int64          `json:"id"`
	Kind     string         `json:"kind"`
	TextEN   string         `json:"text_en"`
	TextFR   string         `json:"text_fr"`
	Answered int            `json:"answered"`
	Choices  []apiChoiceRes `json:"choices,omitempty"`
	Ratings  map[string]int `json:"ratings,omitempty"`
	Average  *float64       `json:"average,omitempty"`
	Yes      *int           `json:"yes,omitempty"`
	No       *int           `json:"no,omitempty"`
	Texts    []string       `json:"texts,omitempty"`
}

type apiChoiceRes struct {
	ID      int64  `json:"id"`
	EN      string `json:"en"`
	FR      string `json:"fr"`
	Count   int    `json:"count"`
	Percent int    `json:"percent"`
}

func (s *Server) toAPISurvey(c *convene.Community, v *convene.Survey) apiSurvey {
	base := "/api/v1/communities/" + c.Slug + "/surveys/" + strconv.FormatInt(v.ID, 10)
	return apiSurvey{ID: v.ID, TitleEN: v.TitleEN, TitleFR: v.TitleFR, CallID: v.CallID, SeasonID: v.SeasonID, Anonymous: v.Anonymous,
		ClosesAt: v.ClosesAt, Closed: v.ClosedAt(s.clock.Now()), Responses: v.Responses, URL: s.absURL(surveyPath(c, v)),
		Results: s.absURL(base + "/results"), CreatedAt: v.CreatedAt}
}

// apiSurveys lists a community's surveys for its organizers.
func (s *Server) apiSurveys(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	if err := s.requireOrganizer(r, c); err != nil {
		return err
	}
	list, err := s.store.Surveys(r.Context(), c.ID)
	if err != nil {
		return err
	}
	out := struct {
		Surveys []apiSurvey `json:"surveys"`
	}{Surveys: []apiSurvey{}}
	for _, v := range list {
		out.Surveys = append(out.Surveys, s.toAPISurvey(c, v))
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiSurveyResults gives organizers a survey's results: per question, counts, percentages, the
// rating distribution and mean, yes and no, and the texts, newest first.
func (s *Server) apiSurveyResults(w http.ResponseWriter, r *http.Request) error {
	c, v, err := s.organizedSurvey(r)
	if err != nil {
		return err
	}
	res, err := s.store.SurveyResults(r.Context(), v)
	if err != nil {
		return err
	}
	v.Responses = res.Responses
	out := struct {
		Survey    apiSurvey           `json:"survey"`
		Responses int                 `json:"responses"`
		Questions []apiQuestionResult `json:"questions"`
	}{Survey: s.toAPISurvey(c, v), Responses: res.Responses, Questions: []apiQuestionResult{}}
	for _, qr := range res.Questions {
		q := qr.Question
		a := apiQuestionResult{ID: q.ID, Kind: q.Kind, TextEN: q.TextEN, TextFR: q.TextFR, Answered: qr.Answered}
		switch q.Kind {
		case convene.SurveyYesNo:
			yes, no := qr.Yes, qr.No
			a.Yes, a.No = &yes, &no
		case convene.SurveyRating:
			a.Ratings = map[string]int{}
			for n := convene.MinRating; n <= convene.MaxRating; n++ {
				a.Ratings[strconv.Itoa(n)] = qr.Ratings[n-1]
			}
			if qr.Answered > 0 {
				mean := qr.Average
				a.Average = &mean
			}
		case convene.SurveySingle, convene.SurveyMultiple:
			for _, cc := range qr.Choices {
				a.Choices = append(a.Choices, apiChoiceRes{ID: cc.Choice.ID, EN: cc.Choice.EN, FR: cc.Choice.FR, Count: cc.Count,
					Percent: convene.Percent(cc.Count, qr.Answered)})
			}
		case convene.SurveyText:
			a.Texts = []string{}
			for _, t := range qr.Texts {
				a.Texts = append(a.Texts, t.Text)
			}
		}
		out.Questions = append(out.Questions, a)
	}
	return writeJSON(w, http.StatusOK, out)
}
