package store_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// pilotSurvey is a survey with one question of each kind.
func pilotSurvey(communityID, seasonID, by int64) *convene.Survey {
	return &convene.Survey{CommunityID: communityID, SeasonID: seasonID, CreatedBy: by, TitleEN: " End of pilot ", TitleFR: "Fin du projet pilote",
		Questions: []*convene.SurveyQuestion{
			{Kind: convene.SurveyYesNo, Required: true, TextEN: "Continue?", TextFR: "Continuer ?"},
			{Kind: convene.SurveyRating, TextEN: "Useful?", TextFR: "Utile ?"},
			{Kind: convene.SurveyMultiple, TextEN: "Formats?", Choices: convene.ParseChoices("Updates | Nouvelles\nAsks | Demandes\nGuests | Invités")},
			{Kind: convene.SurveySingle, TextEN: "Time?", Choices: convene.ParseChoices("Noon | Midi\nEvening | Soir")},
			{Kind: convene.SurveyText, TextEN: "Change?"},
		}}
}

// answers builds a form's answers to pilotSurvey's questions.
func answers(v *convene.Survey, yes string, rating string, formats []int, time int, text string) map[int64][]string {
	q := v.Questions
	out := map[int64][]string{q[0].ID: {yes}}
	if rating != "" {
		out[q[1].ID] = []string{rating}
	}
	for _, i := range formats {
		out[q[2].ID] = append(out[q[2].ID], itoa(q[2].Choices[i].ID))
	}
	if time >= 0 {
		out[q[3].ID] = []string{itoa(q[3].Choices[time].ID)}
	}
	if text != "" {
		out[q[4].ID] = []string{text}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func countRows(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if s.Engine() == "postgres" {
		query = pgPlaceholders(query)
	}
	if err := s.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pgPlaceholders(q string) string {
	out, n := []byte{}, 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, '$')
			out = append(out, strconv.Itoa(n)...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}

func TestSurveyAnswersAndResults(t *testing.T) {
	now := utc("2019-06-20T15:00:00Z")
	testdb.Each(t, convene.FixedClock(now), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		pilot := &convene.Season{SeriesID: sr.ID, Name: "Pilot", StartsOn: date("2019-01-01"), EndsOn: date("2019-06-30")}
		if err := s.CreateSeason(ctx, pilot); err != nil {
			t.Fatal(err)
		}
		org := person(t, s, "Olive Organizer", nil)
		v := pilotSurvey(c.ID, pilot.ID, org.ID)
		if err := s.SaveSurvey(ctx, v); err != nil {
			t.Fatal(err)
		}
		if v.ID == 0 || v.Token != "" || v.Questions[2].Choices[2].ID == 0 {
			t.Fatalf("saved: %+v", v)
		}
		got, err := s.SurveyByID(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TitleEN != "End of pilot" || got.TargetLabel != "Pilot" || len(got.Questions) != 5 || got.Questions[2].Choices[1].FR != "Demandes" ||
			!got.Questions[0].Required || got.Questions[4].Kind != convene.SurveyText {
			t.Fatalf("loaded: %+v %+v", got, got.Questions)
		}

		// A survey needs a question, and a target of its own community.
		mustCode(t, s.SaveSurvey(ctx, &convene.Survey{CommunityID: c.ID, TitleEN: "Empty"}), convene.EINVALID)
		other, _ := seedSeries(t, s, "other")
		foreign := pilotSurvey(other.ID, pilot.ID, org.ID)
		mustCode(t, s.SaveSurvey(ctx, foreign), convene.EINVALID)

		// Five members answer; hand-computed: yes 4, no 1; ratings 5, 4, 4, 2 → mean 3.75; formats: updates 3, asks 1, guests 4;
		// time: noon 2, evening 1; two texts.
		people := make([]*convene.User, 5)
		for i, name := range []string{"Ann", "Ben", "Cat", "Dan", "Eve"} {
			people[i] = person(t, s, name+" Member", nil)
		}
		given := []map[int64][]string{
			answers(got, "yes", "5", []int{0, 2}, 0, "More guests"),
			answers(got, "yes", "4", []int{0, 1, 2}, 1, ""),
			answers(got, "no", "2", []int{2}, -1, "Fewer slides"),
			answers(got, "yes", "4", nil, 0, ""),
			answers(got, "yes", "", []int{0, 2}, -1, ""),
		}
		for i, g := range given {
			if _, err := s.SubmitSurveyResponse(ctx, v.ID, people[i].ID, g, ""); err != nil {
				t.Fatalf("answer %d: %v", i, err)
			}
		}
		// A member's own answers are part of the data they download.
		export, err := s.ExportPersonalData(ctx, people[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		var mine []string
		for _, a := range export.SurveyAnswers {
			mine = append(mine, a.Answer)
		}
		if got := strings.Join(mine, "|"); !strings.Contains(got, "no|2|") || !strings.Contains(got, "Fewer slides") {
			t.Fatalf("exported survey answers = %q", got)
		}
		// Once per member: the second answer is refused and nothing is stored twice.
		_, err = s.SubmitSurveyResponse(ctx, v.ID, people[0].ID, answers(got, "no", "1", nil, -1, "again"), "")
		mustCode(t, err, convene.ECONFLICT)
		if e, _ := convene.AsError(err); e.Key != "survey.already_answered" {
			t.Fatalf("key %q", e.Key)
		}
		// A rating of 7 and an answer to a question the survey does not have store nothing.
		bad := answers(got, "yes", "7", nil, -1, "")
		_, err = s.SubmitSurveyResponse(ctx, v.ID, org.ID, bad, "")
		mustCode(t, err, convene.EINVALID)
		_, err = s.SubmitSurveyResponse(ctx, v.ID, org.ID, map[int64][]string{got.Questions[0].ID: {"yes"}, 999999: {"3"}}, "")
		mustCode(t, err, convene.EINVALID)
		if n := countRows(t, s, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, v.ID); n != 5 {
			t.Fatalf("%d responses stored, want 5", n)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND person_id = ?`, v.ID, people[0].ID); n != 1 {
			t.Fatalf("%d responses of one member", n)
		}

		res, err := s.SurveyResults(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		q := res.Questions
		if res.Responses != 5 || q[0].Yes != 4 || q[0].No != 1 || q[0].Answered != 5 {
			t.Fatalf("yes/no: %d responses, %+v", res.Responses, q[0])
		}
		if q[1].Answered != 4 || math.Abs(q[1].Average-3.75) > 1e-9 || q[1].Ratings != [5]int{0, 1, 0, 2, 1} {
			t.Fatalf("ratings: %+v", q[1])
		}
		if q[2].Answered != 4 || q[2].Choices[0].Count != 3 || q[2].Choices[1].Count != 1 || q[2].Choices[2].Count != 4 {
			t.Fatalf("formats: %+v", q[2])
		}
		if q[3].Answered != 3 || q[3].Choices[0].Count != 2 || q[3].Choices[1].Count != 1 {
			t.Fatalf("time: %+v", q[3])
		}
		if len(q[4].Texts) != 2 || q[4].Answered != 2 {
			t.Fatalf("texts: %+v", q[4])
		}
		rows, err := s.SurveyResponses(ctx, v.ID)
		if err != nil || len(rows) != 5 {
			t.Fatalf("responses: %v %v", rows, err)
		}
		if r := rows[1]; len(r.Answers) != 4 || len(r.Answers[2].ChoiceIDs) != 3 || r.Answers[1].Value != 4 || r.PersonID != 0 {
			t.Fatalf("second response: %+v", r)
		}

		// With responses, the questions are locked; the texts and closing date are not.
		v.Questions = append(v.Questions, &convene.SurveyQuestion{Kind: convene.SurveyText, TextEN: "Late question"})
		mustCode(t, s.SaveSurvey(ctx, v), convene.ECONFLICT)
		v.Questions = got.Questions
		v.Anonymous = true
		mustCode(t, s.SaveSurvey(ctx, v), convene.ECONFLICT)
		v.Anonymous = false
		closes := utc("2019-06-20T15:00:00Z")
		v.ClosesAt, v.TitleEN = &closes, "End of the pilot"
		if err := s.SaveSurvey(ctx, v); err != nil {
			t.Fatal(err)
		}
		// Closed: refused, whatever the answers.
		_, err = s.SubmitSurveyResponse(ctx, v.ID, org.ID, answers(got, "yes", "5", nil, -1, ""), "")
		mustCode(t, err, convene.EFORBIDDEN)
		if e, _ := convene.AsError(err); e.Key != "survey.closed" {
			t.Fatalf("key %q", e.Key)
		}
		list, err := s.Surveys(ctx, c.ID)
		if err != nil || len(list) != 1 || list[0].Responses != 5 || list[0].TitleEN != "End of the pilot" || list[0].ClosesAt == nil {
			t.Fatalf("list: %+v %v", list, err)
		}

		// Deleting a person keeps their answers, without them.
		if err := s.DeleteUser(ctx, people[0].ID); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND person_id IS NULL`, v.ID); n != 1 {
			t.Fatalf("%d responses without a person after the deletion, want 1", n)
		}
		if res, _ := s.SurveyResults(ctx, got); res.Responses != 5 || res.Questions[0].Yes != 4 {
			t.Fatalf("results after the deletion: %+v", res)
		}
	})
}

func TestAnonymousSurvey(t *testing.T) {
	now := utc("2019-11-14T15:04:05Z")
	testdb.Each(t, convene.FixedClock(now), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		call := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-11-13T17:00:00Z"), DurationMinutes: 60}
		if err := s.CreateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		member := person(t, s, "Mia Member", nil)
		v := &convene.Survey{CommunityID: c.ID, CallID: call.ID, TitleEN: "How was the call?", Anonymous: true,
			Questions: []*convene.SurveyQuestion{{Kind: convene.SurveyRating, Required: true, TextEN: "Rate it"}}}
		if err := s.SaveSurvey(ctx, v); err != nil {
			t.Fatal(err)
		}
		if len(v.Token) < 40 {
			t.Fatalf("token %q is guessable", v.Token)
		}
		byToken, err := s.SurveyByToken(ctx, v.Token)
		if err != nil || byToken.ID != v.ID || byToken.CallStartsAt != call.StartsAt {
			t.Fatalf("by token: %+v %v", byToken, err)
		}
		_, err = s.SurveyByToken(ctx, v.Token+"x")
		mustCode(t, err, convene.ENOTFOUND)

		// Through the link or signed in, an anonymous answer keeps no person and no exact time.
		for _, who := range []int64{0, member.ID, member.ID} {
			if _, err := s.SubmitSurveyResponse(ctx, v.ID, who, map[int64][]string{v.Questions[0].ID: {"3"}}, ""); err != nil {
				t.Fatal(err)
			}
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND person_id IS NULL`, v.ID); n != 3 {
			t.Fatalf("%d responses without a person, want 3", n)
		}
		var at time.Time
		if err := s.DB().QueryRow(pgOrNot(s, `SELECT created_at FROM survey_responses WHERE survey_id = ? ORDER BY id DESC LIMIT 1`), v.ID).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if !at.UTC().Equal(utc("2019-11-14T00:00:00Z")) {
			t.Fatalf("stored time %s, want the day only", at)
		}
		// With answers, the texts may change but anonymity stays.
		v.Questions, v.TitleEN = byToken.Questions, "How was the reboot call?"
		if err := s.SaveSurvey(ctx, v); err != nil || v.Token != byToken.Token {
			t.Fatalf("save: %v, token %q → %q", err, byToken.Token, v.Token)
		}
		if err := s.DeleteSurvey(ctx, c.ID, v.ID); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM survey_answers`); n != 0 {
			t.Fatalf("%d answers left after deleting the survey", n)
		}
	})
}

func pgOrNot(s *store.Store, q string) string {
	if s.Engine() == "postgres" {
		return pgPlaceholders(q)
	}
	return q
}
