package convene

import (
	"strings"
	"testing"
	"time"
)

func testSurvey() *Survey {
	return &Survey{TitleEN: "End of pilot", Questions: []*SurveyQuestion{
		{ID: 1, Kind: SurveyYesNo, Required: true, TextEN: "Continue?"},
		{ID: 2, Kind: SurveyRating, TextEN: "Useful?"},
		{ID: 3, Kind: SurveyMultiple, TextEN: "Formats?", Choices: []SurveyChoice{{ID: 31, EN: "Updates"}, {ID: 32, EN: "Asks"}, {ID: 33, EN: "Guests"}}},
		{ID: 4, Kind: SurveySingle, TextEN: "Time?", Choices: []SurveyChoice{{ID: 41, EN: "Noon"}, {ID: 42, EN: "Evening"}}},
		{ID: 5, Kind: SurveyText, TextEN: "Change?"},
	}}
}

func fieldKeys(t *testing.T, err error) map[string]string {
	t.Helper()
	e, ok := AsError(err)
	if !ok || e.Code != EINVALID {
		t.Fatalf("want an EINVALID error, got %v", err)
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		out[f.Field] = f.Key
	}
	return out
}

func TestSurveyValidate(t *testing.T) {
	s := testSurvey()
	s.Normalize()
	if err := s.Validate(); err != nil {
		t.Fatalf("valid survey: %v", err)
	}
	empty := &Survey{CallID: 1, SeasonID: 2}
	got := fieldKeys(t, empty.Validate())
	want := map[string]string{"title_en": "survey.title.required", "target": "survey.target.invalid", "questions": "survey.questions.required"}
	for f, k := range want {
		if got[f] != k {
			t.Errorf("%s: %q, want %q (all: %v)", f, got[f], k, got)
		}
	}
	one := &SurveyQuestion{Kind: SurveySingle, TextFR: "Un seul choix ?", Choices: ParseChoices("Only | Seul\n\n")}
	if got := fieldKeys(t, one.Validate()); got["choices"] != "survey.choices.count" {
		t.Errorf("one choice: %v", got)
	}
	many := &SurveyQuestion{Kind: SurveyMultiple, TextEN: "Many", Choices: ParseChoices(strings.Repeat("x\n", 21))}
	if got := fieldKeys(t, many.Validate()); got["choices"] != "survey.choices.count" {
		t.Errorf("21 choices: %v", got)
	}
	bad := &SurveyQuestion{Kind: "essay"}
	if got := fieldKeys(t, bad.Validate()); got["kind"] != "survey.kind.invalid" || got["text_en"] != "survey.question.text_required" {
		t.Errorf("bad question: %v", got)
	}
	text := &SurveyQuestion{Kind: SurveyText, TextEN: "Why?", Choices: ParseChoices("a\nb")}
	text.Normalize()
	if text.Choices != nil || text.Validate() != nil {
		t.Errorf("a text question keeps no choices: %+v", text)
	}
}

func TestParseChoices(t *testing.T) {
	cs := ParseChoices(" Updates from initiatives | Nouvelles des initiatives \nGuest speakers\n\n")
	if len(cs) != 2 || cs[0].EN != "Updates from initiatives" || cs[0].FR != "Nouvelles des initiatives" || cs[1].FR != "Guest speakers" {
		t.Fatalf("%+v", cs)
	}
	if got := ChoicesText(cs); got != "Updates from initiatives | Nouvelles des initiatives\nGuest speakers | Guest speakers" {
		t.Fatalf("%q", got)
	}
}

func TestSurveyCleanAnswers(t *testing.T) {
	s := testSurvey()
	got, err := s.CleanAnswers(map[int64][]string{1: {"yes"}, 2: {"4"}, 3: {"31", "33", "31"}, 4: {"42"}, 5: {" More guests "}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[0].Value != 1 || got[1].Value != 4 || len(got[2].ChoiceIDs) != 2 || got[3].ChoiceIDs[0] != 42 || got[4].Text != "More guests" {
		t.Fatalf("%+v", got)
	}
	if got, err := s.CleanAnswers(map[int64][]string{1: {"no"}}); err != nil || len(got) != 1 || got[0].Value != 0 {
		t.Fatalf("only the required answer: %+v %v", got, err)
	}
	for name, tc := range map[string]struct {
		given      map[int64][]string
		field, key string
	}{
		"rating of 7":       {map[int64][]string{1: {"yes"}, 2: {"7"}}, "q2", "survey.rating.range"},
		"rating of 0":       {map[int64][]string{1: {"yes"}, 2: {"0"}}, "q2", "survey.rating.range"},
		"rating not number": {map[int64][]string{1: {"yes"}, 2: {"five"}}, "q2", "survey.rating.range"},
		"unknown question":  {map[int64][]string{1: {"yes"}, 99: {"3"}}, "q99", "survey.question.unknown"},
		"required missing":  {map[int64][]string{2: {"3"}}, "q1", "survey.answer.required"},
		"required blank":    {map[int64][]string{1: {" "}}, "q1", "survey.answer.required"},
		"yes or no":         {map[int64][]string{1: {"maybe"}}, "q1", "survey.yesno.invalid"},
		"foreign choice":    {map[int64][]string{1: {"yes"}, 3: {"41"}}, "q3", "survey.choice.unknown"},
		"two single":        {map[int64][]string{1: {"yes"}, 4: {"41", "42"}}, "q4", "survey.choice.one"},
		"long text":         {map[int64][]string{1: {"yes"}, 5: {strings.Repeat("é", MaxSurveyAnswer+1)}}, "q5", "survey.text.too_long"},
	} {
		_, err := s.CleanAnswers(tc.given)
		if got := fieldKeys(t, err); got[tc.field] != tc.key {
			t.Errorf("%s: %v, want %s on %s", name, got, tc.key, tc.field)
		}
	}
	if _, err := s.CleanAnswers(map[int64][]string{1: {"yes"}, 5: {strings.Repeat("é", MaxSurveyAnswer)}}); err != nil {
		t.Errorf("4,000 characters are allowed: %v", err)
	}
}

func TestSurveyLanguagesAndClosing(t *testing.T) {
	s := &Survey{TitleEN: "Feedback", TitleFR: "", IntroFR: "Bonjour"}
	if s.Title("fr") != "Feedback" || s.Intro("en") != "Bonjour" || s.Title("en") != "Feedback" {
		t.Fatalf("fallbacks: %q %q", s.Title("fr"), s.Intro("en"))
	}
	s.TitleFR = "Rétroaction"
	if s.Title("fr") != "Rétroaction" {
		t.Fatal(s.Title("fr"))
	}
	at := time.Date(2019, 7, 1, 4, 0, 0, 0, time.UTC)
	s.ClosesAt = &at
	if s.ClosedAt(at.Add(-time.Second)) || !s.ClosedAt(at) {
		t.Fatal("closes at its instant")
	}
	if Percent(19, 23) != 83 || Percent(0, 0) != 0 || Percent(1, 3) != 33 {
		t.Fatal("percent")
	}
}
