package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
)

// PersonalData is everything Convene holds about one person, as they download it.
type PersonalData struct {
	Account struct {
		Email        string    `json:"email"`
		Name         string    `json:"name"`
		HasPassword  bool      `json:"has_password"`
		IsAdmin      bool      `json:"is_admin"`
		CreatedAt    time.Time `json:"created_at"`
		Organization string    `json:"organization"`
		Title        string    `json:"title"`
		Jurisdiction string    `json:"jurisdiction"`
		Municipality string    `json:"municipality"`
		Sector       string    `json:"sector"`
		Interests    []string  `json:"interests"`
		Languages    []string  `json:"languages"`
		TimeZone     string    `json:"time_zone"`
		Visibility   string    `json:"visibility"`
		Bio          string    `json:"bio"`
	} `json:"account"`
	Memberships []struct {
		Community string    `json:"community"`
		Role      string    `json:"role"`
		Since     time.Time `json:"since"`
	} `json:"memberships"`
	Subscriptions []struct {
		Series string    `json:"series"`
		Since  time.Time `json:"since"`
	} `json:"subscriptions"`
	Registrations []PersonalRegistration `json:"registrations"`
	SurveyAnswers []PersonalSurveyAnswer `json:"survey_answers"`
	Attendance    []PersonalAttendance   `json:"attendance"`
	APITokens     []APIToken             `json:"api_tokens"`
	SignInLogs    []struct {
		Kind      string    `json:"kind"`
		IP        string    `json:"ip"`
		Succeeded bool      `json:"succeeded"`
		At        time.Time `json:"at"`
	} `json:"sign_in_attempts"`
	Mail []struct {
		Subject string     `json:"subject"`
		Created time.Time  `json:"created_at"`
		SentAt  *time.Time `json:"sent_at"`
	} `json:"mail"`
}

// PersonalSurveyAnswer is one answer a person gave, signed in, to a feedback survey.
type PersonalSurveyAnswer struct {
	Survey   string    `json:"survey"`
	Question string    `json:"question"`
	Answer   string    `json:"answer"`
	At       time.Time `json:"answered_at"`
}

// ExportPersonalData gathers everything about a person: account, profile, memberships,
// subscriptions, registrations with answers, API tokens (names only), sign-in attempts and mail.
func (s *Store) ExportPersonalData(ctx context.Context, userID int64) (*PersonalData, error) {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := s.LoadInterests(ctx, []*convene.User{u}); err != nil {
		return nil, err
	}
	var d PersonalData
	a := &d.Account
	a.Email, a.Name, a.HasPassword, a.IsAdmin, a.CreatedAt = u.Email, u.Name, u.PasswordHash != "", u.IsAdmin, u.CreatedAt
	a.Organization, a.Title, a.Jurisdiction, a.Municipality, a.Sector = u.Organization, u.Title, u.Jurisdiction, u.Municipality, u.Sector
	a.Interests, a.Languages, a.TimeZone, a.Visibility, a.Bio = u.Interests, u.Languages, u.TimeZone, u.Visibility, u.Bio
	c := s.read()
	rows, err := c.query(ctx, `SELECT c.slug, m.role, m.created_at FROM memberships m JOIN communities c ON c.id = m.community_id WHERE m.user_id = ? ORDER BY c.slug`, userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		d.Memberships = append(d.Memberships, struct {
			Community string    `json:"community"`
			Role      string    `json:"role"`
			Since     time.Time `json:"since"`
		}{})
		m := &d.Memberships[len(d.Memberships)-1]
		if err := rows.Scan(&m.Community, &m.Role, &m.Since); err != nil {
			rows.Close()
			return nil, err
		}
	}
	rows.Close()
	rows, err = c.query(ctx, `SELECT s.title, x.created_at FROM subscriptions x JOIN series s ON s.id = x.series_id WHERE x.user_id = ? ORDER BY s.title`, userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		d.Subscriptions = append(d.Subscriptions, struct {
			Series string    `json:"series"`
			Since  time.Time `json:"since"`
		}{})
		x := &d.Subscriptions[len(d.Subscriptions)-1]
		if err := rows.Scan(&x.Series, &x.Since); err != nil {
			rows.Close()
			return nil, err
		}
	}
	rows.Close()
	rows, err = c.query(ctx, `SELECT r.call_id, CASE WHEN c.title <> '' THEN c.title ELSE s.title END, c.starts_at, r.status, r.answers, r.created_at, r.mode, r.accommodation
		FROM registrations r JOIN calls c ON c.id = r.call_id JOIN series s ON s.id = c.series_id WHERE r.user_id = ? ORDER BY c.starts_at`, userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		d.Registrations = append(d.Registrations, PersonalRegistration{})
		r := &d.Registrations[len(d.Registrations)-1]
		var answers string
		if err := rows.Scan(&r.CallID, &r.Call, &r.StartsAt, &r.Status, &answers, &r.Since, &r.Mode, &r.Accommodation); err != nil {
			rows.Close()
			return nil, err
		}
		_ = json.Unmarshal([]byte(answers), &r.Answers)
	}
	rows.Close()
	rows, err = c.query(ctx, `SELECT COALESCE(NULLIF(sv.title_en, ''), sv.title_fr), COALESCE(NULLIF(q.text_en, ''), q.text_fr), q.kind,
		COALESCE(NULLIF(ch.label_en, ''), ch.label_fr, ''), a.value, COALESCE(a.text, ''), r.created_at
		FROM survey_responses r JOIN surveys sv ON sv.id = r.survey_id JOIN survey_answers a ON a.response_id = r.id
		JOIN survey_questions q ON q.id = a.question_id LEFT JOIN survey_choices ch ON ch.id = a.choice_id
		WHERE r.person_id = ? ORDER BY r.created_at, r.id, q.position`, userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var x PersonalSurveyAnswer
		var kind, choice, text string
		var value sql.NullInt64
		if err := rows.Scan(&x.Survey, &x.Question, &kind, &choice, &value, &text, &x.At); err != nil {
			rows.Close()
			return nil, err
		}
		switch {
		case choice != "":
			x.Answer = choice
		case kind == convene.SurveyYesNo && value.Valid:
			x.Answer = map[bool]string{true: "yes", false: "no"}[value.Int64 == 1]
		case value.Valid:
			x.Answer = strconv.FormatInt(value.Int64, 10)
		default:
			x.Answer = text
		}
		d.SurveyAnswers = append(d.SurveyAnswers, x)
	}
	rows.Close()
	if d.Attendance, err = s.PersonAttendance(ctx, userID); err != nil {
		return nil, err
	}
	if d.APITokens, err = s.APITokens(ctx, userID); err != nil {
		return nil, err
	}
	rows, err = c.query(ctx, `SELECT kind, ip, succeeded, at FROM sign_in_attempts WHERE email = ? ORDER BY at`, u.Email)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		d.SignInLogs = append(d.SignInLogs, struct {
			Kind      string    `json:"kind"`
			IP        string    `json:"ip"`
			Succeeded bool      `json:"succeeded"`
			At        time.Time `json:"at"`
		}{})
		x := &d.SignInLogs[len(d.SignInLogs)-1]
		if err := rows.Scan(&x.Kind, &x.IP, &x.Succeeded, &x.At); err != nil {
			rows.Close()
			return nil, err
		}
	}
	rows.Close()
	rows, err = c.query(ctx, `SELECT message, created_at, sent_at FROM outbox WHERE recipient = ? ORDER BY id`, convene.NormalizeEmail(u.Email))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var msg string
		var created time.Time
		var sent sql.NullTime
		if err := rows.Scan(&msg, &created, &sent); err != nil {
			return nil, err
		}
		var m convene.Mail
		_ = json.Unmarshal([]byte(msg), &m)
		d.Mail = append(d.Mail, struct {
			Subject string     `json:"subject"`
			Created time.Time  `json:"created_at"`
			SentAt  *time.Time `json:"sent_at"`
		}{m.Subject, created, timePtr(sent)})
	}
	return &d, rows.Err()
}

// DeleteUser removes a person: profile, interests, memberships, subscriptions, tokens, sign-in
// history and mail to them. Their places at future calls go to whoever waits; their registrations
// for past calls stay only as anonymous counts, with no answers.
func (s *Store) DeleteUser(ctx context.Context, userID int64) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var email string
		if err := tx.row(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
			return notFound(err, "user.not_found")
		}
		if err := cancelFutureRegistrations(ctx, tx, userID, 0, now); err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM registrations WHERE user_id = ? AND (status = 'cancelled' OR call_id IN (SELECT id FROM calls WHERE starts_at > ?))`, []any{userID, now}},
			{`UPDATE registrations SET user_id = NULL, answers = '{}', accommodation = '' WHERE user_id = ?`, []any{userID}},
			{`DELETE FROM auth_tokens WHERE email = ?`, []any{email}},
			{`DELETE FROM sign_in_attempts WHERE email = ?`, []any{email}},
			{`DELETE FROM outbox WHERE recipient = ?`, []any{convene.NormalizeEmail(email)}},
			// Work about them that has not run: they are gone, so nothing is sent to them.
			{`DELETE FROM jobs WHERE done_at IS NULL AND user_id = ?`, []any{userID}},
			{`DELETE FROM users WHERE id = ?`, []any{userID}},
		} {
			if _, err := tx.exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// PersonalRegistration is one of a person's registrations as their data export shows it: how they
// attend and what they asked for to take part included.
type PersonalRegistration struct {
	CallID        int64             `json:"call_id"`
	Call          string            `json:"call"`
	StartsAt      time.Time         `json:"starts_at"`
	Status        string            `json:"status"`
	Mode          string            `json:"mode"`
	Answers       map[string]string `json:"answers"`
	Accommodation string            `json:"accommodation,omitempty"`
	Since         time.Time         `json:"registered_at"`
}
