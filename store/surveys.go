package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/opengovcall/convene"
)

const surveyColumns = `v.id, v.community_id, COALESCE(v.call_id, 0), COALESCE(v.season_id, 0), v.title_en, v.title_fr, v.intro_en,
	v.intro_fr, v.anonymous, COALESCE(v.token, ''), v.closes_at, COALESCE(v.created_by, 0), v.created_at, v.updated_at,
	(SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = v.id),
	COALESCE(se.name, NULLIF(c.title, ''), sr.title, ''), c.starts_at`

const surveyFrom = ` FROM surveys v LEFT JOIN seasons se ON se.id = v.season_id
	LEFT JOIN calls c ON c.id = v.call_id LEFT JOIN series sr ON sr.id = c.series_id`

func scanSurvey(row interface{ Scan(...any) error }) (*convene.Survey, error) {
	var v convene.Survey
	var closes, callAt sql.NullTime
	err := row.Scan(&v.ID, &v.CommunityID, &v.CallID, &v.SeasonID, &v.TitleEN, &v.TitleFR, &v.IntroEN, &v.IntroFR, &v.Anonymous,
		&v.Token, &closes, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt, &v.Responses, &v.TargetLabel, &callAt)
	if err != nil {
		return nil, err
	}
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	v.ClosesAt = timePtr(closes)
	if callAt.Valid {
		v.CallStartsAt = callAt.Time.UTC()
	}
	return &v, nil
}

// surveyIn loads a survey with its questions and their choices.
func surveyIn(ctx context.Context, c conn, where string, arg any) (*convene.Survey, error) {
	v, err := scanSurvey(c.row(ctx, `SELECT `+surveyColumns+surveyFrom+` WHERE `+where, arg))
	if err != nil {
		return nil, notFound(err, "survey.not_found")
	}
	rows, err := c.query(ctx, `SELECT id, position, kind, required, text_en, text_fr FROM survey_questions WHERE survey_id = ? ORDER BY position, id`, v.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*convene.SurveyQuestion{}
	for rows.Next() {
		q := &convene.SurveyQuestion{SurveyID: v.ID}
		if err := rows.Scan(&q.ID, &q.Position, &q.Kind, &q.Required, &q.TextEN, &q.TextFR); err != nil {
			rows.Close()
			return nil, err
		}
		v.Questions = append(v.Questions, q)
		byID[q.ID] = q
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = c.query(ctx, `SELECT ch.id, ch.question_id, ch.label_en, ch.label_fr FROM survey_choices ch
		JOIN survey_questions q ON q.id = ch.question_id WHERE q.survey_id = ? ORDER BY ch.position, ch.id`, v.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ch convene.SurveyChoice
		var qid int64
		if err := rows.Scan(&ch.ID, &qid, &ch.EN, &ch.FR); err != nil {
			return nil, err
		}
		if q := byID[qid]; q != nil {
			q.Choices = append(q.Choices, ch)
		}
	}
	return v, rows.Err()
}

// SurveyByID loads a survey with its questions.
func (s *Store) SurveyByID(ctx context.Context, id int64) (*convene.Survey, error) {
	return surveyIn(ctx, s.read(), `v.id = ?`, id)
}

// SurveyByToken loads the anonymous survey its link's token opens.
func (s *Store) SurveyByToken(ctx context.Context, token string) (*convene.Survey, error) {
	if token == "" {
		return nil, convene.NotFound("survey.not_found")
	}
	return surveyIn(ctx, s.read(), `v.token = ? AND v.anonymous = `+s.dialect.boolTrue(), token)
}

// Surveys lists a community's surveys, newest first, with their numbers of responses but without
// their questions.
func (s *Store) Surveys(ctx context.Context, communityID int64) ([]*convene.Survey, error) {
	rows, err := s.read().query(ctx, `SELECT `+surveyColumns+surveyFrom+` WHERE v.community_id = ? ORDER BY v.created_at DESC, v.id DESC`, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Survey
	for rows.Next() {
		v, err := scanSurvey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// checkSurveyTarget refuses a call or season of another community.
func checkSurveyTarget(ctx context.Context, tx conn, v *convene.Survey) error {
	var n int
	switch {
	case v.CallID != 0:
		if err := tx.row(ctx, `SELECT COUNT(*) FROM calls WHERE id = ? AND community_id = ?`, v.CallID, v.CommunityID).Scan(&n); err != nil {
			return err
		}
	case v.SeasonID != 0:
		if err := tx.row(ctx, `SELECT COUNT(*) FROM seasons se JOIN series sr ON sr.id = se.series_id WHERE se.id = ? AND sr.community_id = ?`,
			v.SeasonID, v.CommunityID).Scan(&n); err != nil {
			return err
		}
	default:
		return nil
	}
	if n == 0 {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "target", Key: "survey.target.invalid"})
	}
	return nil
}

// SaveSurvey creates a survey (ID 0) or updates one, with its questions and choices, in one
// transaction. Once a survey has responses its questions and its anonymity can no longer change;
// only its texts, target and closing time can.
func (s *Store) SaveSurvey(ctx context.Context, v *convene.Survey) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if err := checkSurveyTarget(ctx, tx, v); err != nil {
			return err
		}
		token := any(nil)
		if v.ID == 0 {
			if v.Anonymous {
				v.Token, _ = newSecret()
				token = v.Token
			}
			id, err := tx.insert(ctx, `INSERT INTO surveys (community_id, call_id, season_id, title_en, title_fr, intro_en, intro_fr, anonymous,
				token, closes_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				v.CommunityID, nullID(v.CallID), nullID(v.SeasonID), v.TitleEN, v.TitleFR, v.IntroEN, v.IntroFR, v.Anonymous, token,
				nullTime(v.ClosesAt), nullID(v.CreatedBy), now, now)
			if err != nil {
				return err
			}
			v.ID, v.CreatedAt, v.UpdatedAt = id, now, now
			return insertSurveyQuestions(ctx, tx, v)
		}
		old, err := surveyIn(ctx, tx, `v.id = ?`, v.ID)
		if err != nil {
			return err
		}
		if old.CommunityID != v.CommunityID {
			return convene.NotFound("survey.not_found")
		}
		if _, err := tx.exec(ctx, `UPDATE surveys SET updated_at = ? WHERE id = ?`, now, v.ID); err != nil { // locks the survey
			return err
		}
		var responses int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, v.ID).Scan(&responses); err != nil {
			return err
		}
		if responses > 0 {
			if v.Anonymous != old.Anonymous {
				return &convene.Error{Code: convene.ECONFLICT, Key: "survey.anonymous.locked",
					Fields: []convene.FieldError{{Field: "anonymous", Key: "survey.anonymous.locked"}}}
			}
			if !sameQuestions(old.Questions, v.Questions) {
				return convene.Errorf(convene.ECONFLICT, "survey.locked", nil)
			}
		}
		switch {
		case !v.Anonymous:
			v.Token = ""
		case old.Token != "":
			v.Token, token = old.Token, old.Token
		default:
			v.Token, _ = newSecret()
			token = v.Token
		}
		if _, err := tx.exec(ctx, `UPDATE surveys SET call_id = ?, season_id = ?, title_en = ?, title_fr = ?, intro_en = ?, intro_fr = ?,
			anonymous = ?, token = ?, closes_at = ?, updated_at = ? WHERE id = ?`, nullID(v.CallID), nullID(v.SeasonID), v.TitleEN, v.TitleFR,
			v.IntroEN, v.IntroFR, v.Anonymous, token, nullTime(v.ClosesAt), now, v.ID); err != nil {
			return err
		}
		v.CreatedAt, v.UpdatedAt, v.CreatedBy = old.CreatedAt, now, old.CreatedBy
		if responses > 0 {
			v.Questions = old.Questions
			return nil
		}
		if _, err := tx.exec(ctx, `DELETE FROM survey_questions WHERE survey_id = ?`, v.ID); err != nil {
			return err
		}
		return insertSurveyQuestions(ctx, tx, v)
	})
}

// sameQuestions reports whether a survey's questions are still the stored ones.
func sameQuestions(old, given []*convene.SurveyQuestion) bool {
	if len(old) != len(given) {
		return false
	}
	for i := range old {
		if old[i].ID != given[i].ID {
			return false
		}
	}
	return true
}

func insertSurveyQuestions(ctx context.Context, tx conn, v *convene.Survey) error {
	for i, q := range v.Questions {
		id, err := tx.insert(ctx, `INSERT INTO survey_questions (survey_id, position, kind, required, text_en, text_fr) VALUES (?, ?, ?, ?, ?, ?)`,
			v.ID, i+1, q.Kind, q.Required, q.TextEN, q.TextFR)
		if err != nil {
			return err
		}
		q.ID, q.SurveyID, q.Position = id, v.ID, i+1
		for j := range q.Choices {
			ch := &q.Choices[j]
			if ch.ID, err = tx.insert(ctx, `INSERT INTO survey_choices (question_id, position, label_en, label_fr) VALUES (?, ?, ?, ?)`,
				q.ID, j+1, ch.EN, ch.FR); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteSurvey removes a community's survey with its responses.
func (s *Store) DeleteSurvey(ctx context.Context, communityID, id int64) error {
	res, err := s.read().exec(ctx, `DELETE FROM surveys WHERE id = ? AND community_id = ?`, id, communityID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("survey.not_found")
	}
	return nil
}

// HasAnswered reports whether a person has answered a survey.
func (s *Store) HasAnswered(ctx context.Context, surveyID, personID int64) (bool, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND person_id = ?`, surveyID, personID).Scan(&n)
	return n > 0, err
}

// SubmitSurveyResponse stores a person's answers to a survey in one transaction, given as form
// values per question id. A closed survey refuses them (EFORBIDDEN survey.closed); a member answers
// once (ECONFLICT survey.already_answered); invalid answers store nothing. An anonymous survey
// keeps no person and only the day of the response, whoever sends it.
func (s *Store) SubmitSurveyResponse(ctx context.Context, surveyID, personID int64, given map[int64][]string, lang string) (*convene.SurveyResponse, error) {
	if canon, err := convene.CanonicalLanguage(lang); err == nil {
		lang = canon
	} else {
		lang = "" // the language of the interface it was answered in; unknown is no reason to refuse
	}
	now := s.now()
	var out *convene.SurveyResponse
	err := s.inTx(ctx, func(tx conn) error {
		// Holds off a concurrent change of the questions until the answers are in.
		var id int64
		if err := tx.row(ctx, `SELECT id FROM surveys WHERE id = ?`+tx.d.forShare(), surveyID).Scan(&id); err != nil {
			return notFound(err, "survey.not_found")
		}
		v, err := surveyIn(ctx, tx, `v.id = ?`, surveyID)
		if err != nil {
			return err
		}
		if v.ClosedAt(now) {
			return convene.Errorf(convene.EFORBIDDEN, "survey.closed", nil)
		}
		r := &convene.SurveyResponse{SurveyID: v.ID, CreatedAt: now}
		var person any
		if v.Anonymous {
			r.CreatedAt = now.Truncate(24 * time.Hour)
		} else {
			if personID == 0 {
				return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
			}
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND person_id = ?`, v.ID, personID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return convene.Errorf(convene.ECONFLICT, "survey.already_answered", nil)
			}
			r.PersonID, person = personID, personID
		}
		answers, err := v.CleanAnswers(given)
		if err != nil {
			return err
		}
		if len(answers) == 0 {
			return convene.Invalid("survey.answer.empty", nil)
		}
		r.Answers = answers
		r.ID, err = tx.insert(ctx, `INSERT INTO survey_responses (survey_id, person_id, created_at, lang) VALUES (?, ?, ?, ?)`, v.ID, person, r.CreatedAt, lang)
		if isUniqueViolation(err) {
			return convene.Errorf(convene.ECONFLICT, "survey.already_answered", nil)
		} else if err != nil {
			return err
		}
		for _, a := range answers {
			q := v.Question(a.QuestionID)
			var err error
			switch q.Kind {
			case convene.SurveySingle, convene.SurveyMultiple:
				for _, ch := range a.ChoiceIDs {
					if _, err = tx.exec(ctx, `INSERT INTO survey_answers (response_id, question_id, choice_id) VALUES (?, ?, ?)`, r.ID, q.ID, ch); err != nil {
						break
					}
				}
			case convene.SurveyText:
				_, err = tx.exec(ctx, `INSERT INTO survey_answers (response_id, question_id, text) VALUES (?, ?, ?)`, r.ID, q.ID, a.Text)
			default:
				_, err = tx.exec(ctx, `INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)`, r.ID, q.ID, a.Value)
			}
			if err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	return out, err
}

// SurveyResults adds up a survey's answers in SQL: responses, and per question how many answered,
// counts per choice, the rating distribution and mean, yes and no, and the texts, newest first.
func (s *Store) SurveyResults(ctx context.Context, v *convene.Survey) (*convene.SurveyResults, error) {
	c := s.read()
	out := &convene.SurveyResults{Questions: make([]convene.QuestionResult, len(v.Questions))}
	index := map[int64]*convene.QuestionResult{}
	for i, q := range v.Questions {
		out.Questions[i].Question = q
		for _, ch := range q.Choices {
			out.Questions[i].Choices = append(out.Questions[i].Choices, convene.ChoiceCount{Choice: ch})
		}
		index[q.ID] = &out.Questions[i]
	}
	if err := c.row(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, v.ID).Scan(&out.Responses); err != nil {
		return nil, err
	}
	const from = ` FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
		JOIN survey_questions q ON q.id = a.question_id WHERE r.survey_id = ?`
	// question reads a row's question id and finds its result; answers to nothing known are skipped.
	question := func(rows *sql.Rows, rest ...any) (*convene.QuestionResult, error) {
		var qid int64
		if err := rows.Scan(append([]any{&qid}, rest...)...); err != nil {
			return nil, err
		}
		return index[qid], nil
	}
	err := eachRow(ctx, c, `SELECT a.question_id, COUNT(DISTINCT a.response_id)`+from+` GROUP BY a.question_id`, v.ID,
		func(rows *sql.Rows) error {
			var n int
			qr, err := question(rows, &n)
			if qr != nil {
				qr.Answered = n
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, c, `SELECT a.question_id, a.choice_id, COUNT(*)`+from+` AND a.choice_id IS NOT NULL GROUP BY a.question_id, a.choice_id`, v.ID,
		func(rows *sql.Rows) error {
			var choice int64
			var n int
			qr, err := question(rows, &choice, &n)
			if qr == nil {
				return err
			}
			for i := range qr.Choices {
				if qr.Choices[i].Choice.ID == choice {
					qr.Choices[i].Count = n
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	// Ratings and yes (1) or no (0): how many of each value.
	err = eachRow(ctx, c, `SELECT a.question_id, a.value, COUNT(*)`+from+` AND a.value IS NOT NULL GROUP BY a.question_id, a.value`, v.ID,
		func(rows *sql.Rows) error {
			var value, n int
			qr, err := question(rows, &value, &n)
			switch {
			case qr == nil:
			case qr.Question.Kind == convene.SurveyYesNo && value == 1:
				qr.Yes = n
			case qr.Question.Kind == convene.SurveyYesNo:
				qr.No = n
			case qr.Question.Kind == convene.SurveyRating && value >= convene.MinRating && value <= convene.MaxRating:
				qr.Ratings[value-1] = n
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, c, `SELECT a.question_id, AVG(CAST(a.value AS DOUBLE PRECISION))`+from+` AND q.kind = 'rating' AND a.value IS NOT NULL
		GROUP BY a.question_id`, v.ID,
		func(rows *sql.Rows) error {
			var mean float64
			qr, err := question(rows, &mean)
			if qr != nil {
				qr.Average = mean
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, c, `SELECT a.question_id, a.text, r.created_at, r.lang`+from+` AND a.text IS NOT NULL ORDER BY r.created_at DESC, r.id DESC`, v.ID,
		func(rows *sql.Rows) error {
			var t convene.TextAnswer
			qr, err := question(rows, &t.Text, &t.At, &t.Lang)
			if qr != nil {
				t.At = t.At.UTC()
				qr.Texts = append(qr.Texts, t)
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow runs a query with one argument and hands each row to scan, closing the rows after.
func eachRow(ctx context.Context, c conn, query string, arg any, scan func(*sql.Rows) error) error {
	rows, err := c.query(ctx, query, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SurveyResponses lists a survey's responses in the order they came, with their answers but never
// who gave them, for the results export.
func (s *Store) SurveyResponses(ctx context.Context, surveyID int64) ([]*convene.SurveyResponse, error) {
	rows, err := s.read().query(ctx, `SELECT r.id, r.created_at, a.question_id, a.choice_id, a.value, a.text
		FROM survey_responses r LEFT JOIN survey_answers a ON a.response_id = r.id LEFT JOIN survey_choices ch ON ch.id = a.choice_id
		WHERE r.survey_id = ? ORDER BY r.id, a.question_id, ch.position`, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.SurveyResponse
	for rows.Next() {
		var id int64
		var at time.Time
		var qid, choice, value sql.NullInt64
		var text sql.NullString
		if err := rows.Scan(&id, &at, &qid, &choice, &value, &text); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, &convene.SurveyResponse{ID: id, SurveyID: surveyID, CreatedAt: at.UTC()})
		}
		if !qid.Valid {
			continue
		}
		r := out[len(out)-1]
		if n := len(r.Answers); n == 0 || r.Answers[n-1].QuestionID != qid.Int64 {
			r.Answers = append(r.Answers, convene.SurveyAnswer{QuestionID: qid.Int64})
		}
		a := &r.Answers[len(r.Answers)-1]
		switch {
		case choice.Valid:
			a.ChoiceIDs = append(a.ChoiceIDs, choice.Int64)
		case value.Valid:
			a.Value = int(value.Int64)
		case text.Valid:
			a.Text = text.String
		}
	}
	return out, rows.Err()
}
