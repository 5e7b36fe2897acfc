package convene

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of survey question.
const (
	SurveyRating   = "rating"   // 1 to 5
	SurveySingle   = "single"   // one of the choices
	SurveyMultiple = "multiple" // any of the choices
	SurveyYesNo    = "yesno"
	SurveyText     = "text" // free text
)

// SurveyKinds lists the kinds of question in the order the builder offers them.
var SurveyKinds = []string{SurveyRating, SurveySingle, SurveyMultiple, SurveyYesNo, SurveyText}

// Survey limits.
const (
	MinRating          = 1
	MaxRating          = 5
	MinSurveyChoices   = 2
	MaxSurveyChoices   = 20
	MaxSurveyQuestions = 50
	MaxQuestionText    = 500
	MaxSurveyAnswer    = 4000 // characters of a free-text answer
)

// Survey is a short feedback survey of a community, about one call, one season or the community as
// a whole. An anonymous survey is answered by a link, without an account, and keeps no person.
type Survey struct {
	ID          int64
	CommunityID int64
	CallID      int64 // 0 unless the survey is about one call
	SeasonID    int64 // 0 unless the survey is about one season
	TitleEN     string
	TitleFR     string
	IntroEN     string
	IntroFR     string
	Anonymous   bool
	Token       string     // the anonymous link's unguessable part; empty unless Anonymous
	ClosesAt    *time.Time // answers are refused from this instant on; nil for never
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Questions   []*SurveyQuestion

	// Filled by the store when reading.
	Responses    int
	TargetLabel  string    // the season's name, or the call's title
	CallStartsAt time.Time // when the survey is about a call
}

// SurveyQuestion is one question of a survey, in English and French.
type SurveyQuestion struct {
	ID       int64
	SurveyID int64
	Position int
	Kind     string // one of SurveyKinds
	Required bool
	TextEN   string
	TextFR   string
	Choices  []SurveyChoice // for single and multiple choice
}

// SurveyChoice is one option of a single- or multiple-choice question.
type SurveyChoice struct {
	ID int64
	EN string
	FR string
}

// SurveyAnswer is one person's answer to one question: the choices picked, a rating (1–5), yes (1)
// or no (0), or a text.
type SurveyAnswer struct {
	QuestionID int64
	ChoiceIDs  []int64
	Value      int
	Text       string
}

// SurveyResponse is one filled-in survey. PersonID is 0 for an anonymous survey.
type SurveyResponse struct {
	ID        int64
	SurveyID  int64
	PersonID  int64
	Answers   []SurveyAnswer
	CreatedAt time.Time
}

// inLanguage picks the text for lang, falling back to the other language when it is empty.
func inLanguage(lang, en, fr string) string {
	if lang == "fr" && fr != "" || en == "" {
		return fr
	}
	return en
}

// Title is the survey's title in lang, or in the other language when it has none in lang.
func (s *Survey) Title(lang string) string { return inLanguage(lang, s.TitleEN, s.TitleFR) }

// Intro is the survey's introduction in lang, or in the other language.
func (s *Survey) Intro(lang string) string { return inLanguage(lang, s.IntroEN, s.IntroFR) }

// Text is the question in lang, or in the other language.
func (q *SurveyQuestion) Text(lang string) string { return inLanguage(lang, q.TextEN, q.TextFR) }

// Label is the choice in lang, or in the other language.
func (c SurveyChoice) Label(lang string) string { return inLanguage(lang, c.EN, c.FR) }

// ClosedAt reports whether the survey no longer takes answers at now.
func (s *Survey) ClosedAt(now time.Time) bool { return s.ClosesAt != nil && !now.Before(*s.ClosesAt) }

// HasChoices reports whether the question is answered by picking among its choices.
func (q *SurveyQuestion) HasChoices() bool { return q.Kind == SurveySingle || q.Kind == SurveyMultiple }

// FieldName is the form field that answers the question.
func (q *SurveyQuestion) FieldName() string { return "q" + strconv.FormatInt(q.ID, 10) }

// Question finds one of the survey's questions by id.
func (s *Survey) Question(id int64) *SurveyQuestion {
	for _, q := range s.Questions {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// ParseChoices reads choices written one per line as "English | Français"; a line without a bar
// is the same in both languages.
func ParseChoices(text string) []SurveyChoice {
	var out []SurveyChoice
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		en, fr, ok := strings.Cut(line, "|")
		if !ok {
			fr = en
		}
		out = append(out, SurveyChoice{EN: strings.TrimSpace(en), FR: strings.TrimSpace(fr)})
	}
	return out
}

// ChoicesText writes choices back the way ParseChoices reads them.
func ChoicesText(cs []SurveyChoice) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.EN + " | " + c.FR)
	}
	return b.String()
}

// Normalize trims the survey's texts and its questions'.
func (s *Survey) Normalize() {
	for _, p := range []*string{&s.TitleEN, &s.TitleFR, &s.IntroEN, &s.IntroFR} {
		*p = strings.TrimSpace(*p)
	}
	if !s.Anonymous {
		s.Token = ""
	}
	for i, q := range s.Questions {
		q.Position = i + 1
		q.Normalize()
	}
}

// Validate checks a survey and its questions before they are stored. Question problems are
// reported on the question form's fields.
func (s *Survey) Validate() error {
	var f fieldErrors
	if s.TitleEN == "" && s.TitleFR == "" {
		f.add("title_en", "survey.title.required", nil)
	}
	checkText(&f, "title_en", s.TitleEN, MaxTitle, false)
	checkText(&f, "title_fr", s.TitleFR, MaxTitle, false)
	checkText(&f, "intro_en", s.IntroEN, MaxDescription, false)
	checkText(&f, "intro_fr", s.IntroFR, MaxDescription, false)
	if s.CallID != 0 && s.SeasonID != 0 {
		f.add("target", "survey.target.invalid", nil)
	}
	switch {
	case len(s.Questions) == 0:
		f.add("questions", "survey.questions.required", nil)
	case len(s.Questions) > MaxSurveyQuestions:
		f.add("questions", "survey.questions.too_many", map[string]any{"Max": MaxSurveyQuestions})
	}
	for _, q := range s.Questions {
		if err := q.Validate(); err != nil {
			e, _ := AsError(err)
			f = append(f, e.Fields...)
		}
	}
	return f.err()
}

// Normalize trims the question's texts and drops choices from kinds that have none.
func (q *SurveyQuestion) Normalize() {
	q.Kind = strings.ToLower(strings.TrimSpace(q.Kind))
	q.TextEN = Line(q.TextEN)
	q.TextFR = Line(q.TextFR)
	if !q.HasChoices() {
		q.Choices = nil
	}
	for i := range q.Choices {
		q.Choices[i].EN = Line(q.Choices[i].EN)
		q.Choices[i].FR = Line(q.Choices[i].FR)
	}
}

// Validate checks one question: its kind, its text in at least one language and, for single and
// multiple choice, 2 to 20 choices.
func (q *SurveyQuestion) Validate() error {
	var f fieldErrors
	if !oneOf(q.Kind, SurveyKinds) {
		f.add("kind", "survey.kind.invalid", nil)
	}
	if q.TextEN == "" && q.TextFR == "" {
		f.add("text_en", "survey.question.text_required", nil)
	}
	checkText(&f, "text_en", q.TextEN, MaxQuestionText, false)
	checkText(&f, "text_fr", q.TextFR, MaxQuestionText, false)
	if q.HasChoices() {
		if len(q.Choices) < MinSurveyChoices || len(q.Choices) > MaxSurveyChoices {
			f.add("choices", "survey.choices.count", map[string]any{"Min": MinSurveyChoices, "Max": MaxSurveyChoices})
		}
		for _, c := range q.Choices {
			if (c.EN == "" && c.FR == "") || utf8.RuneCountInString(c.EN) > MaxShortText || utf8.RuneCountInString(c.FR) > MaxShortText {
				f.add("choices", "survey.choice.invalid", map[string]any{"Max": MaxShortText})
				break
			}
		}
	}
	return f.err()
}

// CleanAnswers checks what a person filled in, given as form values per question id, and returns
// the answers to store. An answer to a question the survey does not have, a rating outside 1–5, a
// choice the question does not offer, a text over 4,000 characters or a required question left
// blank is an error on that question's field ("q" + its id).
func (s *Survey) CleanAnswers(given map[int64][]string) ([]SurveyAnswer, error) {
	var f fieldErrors
	for id := range given {
		if s.Question(id) == nil {
			f.add("q"+strconv.FormatInt(id, 10), "survey.question.unknown", nil)
		}
	}
	var out []SurveyAnswer
	for _, q := range s.Questions {
		field := q.FieldName()
		var vals []string
		for _, v := range given[q.ID] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			if q.Required {
				f.add(field, "survey.answer.required", nil)
			}
			continue
		}
		a := SurveyAnswer{QuestionID: q.ID}
		switch q.Kind {
		case SurveyRating:
			n, err := strconv.Atoi(vals[0])
			if err != nil || len(vals) > 1 || n < MinRating || n > MaxRating {
				f.add(field, "survey.rating.range", map[string]any{"Min": MinRating, "Max": MaxRating})
				continue
			}
			a.Value = n
		case SurveyYesNo:
			switch {
			case len(vals) == 1 && vals[0] == "yes":
				a.Value = 1
			case len(vals) == 1 && vals[0] == "no":
				a.Value = 0
			default:
				f.add(field, "survey.yesno.invalid", nil)
				continue
			}
		case SurveyText:
			text := strings.Join(vals, "\n")
			if utf8.RuneCountInString(text) > MaxSurveyAnswer {
				f.add(field, "survey.text.too_long", map[string]any{"Max": MaxSurveyAnswer})
				continue
			}
			a.Text = text
		case SurveySingle, SurveyMultiple:
			if q.Kind == SurveySingle && len(vals) > 1 {
				f.add(field, "survey.choice.one", nil)
				continue
			}
			seen := map[int64]bool{}
			for _, v := range vals {
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil || !q.offers(id) {
					f.add(field, "survey.choice.unknown", nil)
					a.ChoiceIDs = nil
					break
				}
				if !seen[id] {
					seen[id] = true
					a.ChoiceIDs = append(a.ChoiceIDs, id)
				}
			}
			if a.ChoiceIDs == nil {
				continue
			}
		}
		out = append(out, a)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (q *SurveyQuestion) offers(choiceID int64) bool {
	for _, c := range q.Choices {
		if c.ID == choiceID {
			return true
		}
	}
	return false
}

// SurveyResults is what a survey's answers add up to.
type SurveyResults struct {
	Responses int
	Questions []QuestionResult
}

// QuestionResult sums up the answers to one question.
type QuestionResult struct {
	Question *SurveyQuestion
	Answered int           // responses that answered it
	Choices  []ChoiceCount // per choice, in the question's order, for single and multiple choice
	Ratings  [MaxRating]int
	Average  float64 // mean rating, 0 when unanswered
	Yes, No  int
	Texts    []TextAnswer // newest first
}

// ChoiceCount is how many responses picked one choice.
type ChoiceCount struct {
	Choice SurveyChoice
	Count  int
}

// TextAnswer is one free-text answer.
type TextAnswer struct {
	Text string
	At   time.Time
	Lang string // the language of the person who answered, when recorded
}

// Percent is n as a whole percentage of total, 0 when total is 0.
func Percent(n, total int) int {
	if total == 0 {
		return 0
	}
	return (n*100 + total/2) / total
}
