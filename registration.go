package convene

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Registration statuses.
const (
	RegRegistered = "registered"
	RegWaitlisted = "waitlisted"
	RegCancelled  = "cancelled"
)

// Registration is one person's place (or place in line) at one call.
type Registration struct {
	ID      int64
	CallID  int64
	UserID  int64
	Status  string
	Answers map[string]string // question id → answer
	Mode    string            // AttendOnline or AttendInPerson
	// Accommodation is what the person asked for to take part (personal: organizers only).
	Accommodation string
	// ICalSequence is the last calendar SEQUENCE mailed to the person for the call, -1 for none.
	ICalSequence int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	User         *User // filled for organizers' lists
}

// Signup is what a person gives when registering: answers to the series' questions, how they
// attend (for a hybrid call) and any accommodation they need.
type Signup struct {
	Answers       map[string]string
	Mode          string
	Accommodation string
}

// Normalize trims the accommodation request.
func (s *Signup) Normalize() {
	s.Accommodation = Para(s.Accommodation)
	s.Mode = strings.TrimSpace(s.Mode)
}

// CheckAccommodation refuses a request that is too long or not text.
func CheckAccommodation(text string) error {
	var f fieldErrors
	checkText(&f, "accommodation", text, MaxAccommodation, false)
	return f.err()
}

// Kinds of registration question.
const (
	QuestionText   = "text"
	QuestionChoice = "choice"
)

// Question is something an organizer asks people who register for a series' calls.
type Question struct {
	ID       int64
	SeriesID int64
	Position int
	Kind     string
	Label    string
	Choices  []string // for QuestionChoice
	Required bool
}

// MaxAnswer is the longest answer to a text question.
const MaxAnswer = 1000

// Normalize trims the question and drops empty choices.
func (q *Question) Normalize() {
	q.Label = Line(q.Label)
	var choices []string
	for _, c := range q.Choices {
		if c = strings.TrimSpace(c); c != "" {
			choices = append(choices, c)
		}
	}
	q.Choices = choices
	if q.Kind != QuestionChoice {
		q.Choices = nil
	}
}

// Validate checks a question before it is stored.
func (q *Question) Validate() error {
	var f fieldErrors
	if q.Kind != QuestionText && q.Kind != QuestionChoice {
		f.add("kind", "question.kind.invalid", nil)
	}
	checkText(&f, "label", q.Label, MaxShortText, true)
	if q.Kind == QuestionChoice && (len(q.Choices) < 2 || len(q.Choices) > 20) {
		f.add("choices", "question.choices.count", nil)
	}
	return f.err()
}

// AnswerField is the form name of a question's answer.
func (q *Question) AnswerField() string { return "q" + strconv.FormatInt(q.ID, 10) }

// CleanAnswers keeps the answers to the given questions, trimmed, and checks them: required ones
// answered, choices among those offered, text not too long.
func CleanAnswers(qs []*Question, given map[string]string) (map[string]string, error) {
	var f fieldErrors
	out := map[string]string{}
	for _, q := range qs {
		key := strconv.FormatInt(q.ID, 10)
		a := strings.TrimSpace(given[key])
		switch {
		case a == "" && q.Required:
			f.add(q.AnswerField(), "field.required", nil)
		case a == "":
		case q.Kind == QuestionChoice && !oneOf(a, q.Choices):
			f.add(q.AnswerField(), "question.choice.invalid", nil)
		case utf8.RuneCountInString(a) > MaxAnswer:
			f.add(q.AnswerField(), "field.too_long", map[string]any{"Max": MaxAnswer})
		default:
			out[key] = a
		}
	}
	return out, f.err()
}
