package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// lockedCall reads the call a registration change is about, locking it so that concurrent
// registrations count places one at a time.
func lockedCall(ctx context.Context, tx conn, callID int64) (*convene.Call, error) {
	c, err := scanCall(tx.row(ctx, `SELECT `+callColumns+callFrom+` WHERE c.id = ?`+tx.d.forUpdateOf("c"), callID))
	return c, notFound(err, "call.not_found")
}

// registerInTx gives a person a place at a call in a way of attending, or a place in line when
// that way is full. Registering again changes nothing.
func registerInTx(ctx context.Context, tx conn, c *convene.Call, userID int64, answers map[string]string, mode string, now time.Time) (string, error) {
	if err := c.TakesRegistrations(now); err != nil {
		return "", err
	}
	var status string
	err := tx.row(ctx, `SELECT status FROM registrations WHERE call_id = ? AND user_id = ?`, c.ID, userID).Scan(&status)
	if err == nil && status != convene.RegCancelled {
		return status, nil
	} else if err != nil && notFound(err, "") == err {
		return "", err
	}
	full, err := modeFull(ctx, tx, c, mode)
	if err != nil {
		return "", err
	}
	status = convene.RegRegistered
	if full {
		status = convene.RegWaitlisted
	}
	b, _ := json.Marshal(nonNilAnswers(answers))
	if _, err := tx.exec(ctx, `INSERT INTO registrations (call_id, user_id, status, answers, mode, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (call_id, user_id) DO UPDATE SET status = excluded.status, answers = excluded.answers, mode = excluded.mode,
			created_at = excluded.created_at, updated_at = excluded.updated_at`,
		c.ID, userID, status, string(b), mode, now, now); err != nil {
		return "", err
	}
	if status == convene.RegRegistered {
		if err := enqueueJob(ctx, tx, JobInvite, InvitePayload{CallID: c.ID, UserID: userID, Method: "REQUEST"}, "", now, now); err != nil {
			return "", err
		}
	}
	return status, joinByTakingPart(ctx, tx, c.CommunityID, userID, now)
}

// modeFull reports whether every place to attend a call in a mode is taken.
func modeFull(ctx context.Context, tx conn, c *convene.Call, mode string) (bool, error) {
	places := c.PlacesFor(mode)
	if places <= 0 {
		return false, nil
	}
	var taken int
	err := tx.row(ctx, `SELECT COUNT(*) FROM registrations WHERE call_id = ? AND status = 'registered' AND mode = ?`, c.ID, mode).Scan(&taken)
	return taken >= places, err
}

// switchMode moves someone already registered (or waiting) to the other way of attending a hybrid
// call. With a place, they move only if the other way has one free: nobody loses a place by
// asking. Their calendar entry follows, and whoever waited for the place they leave takes it.
func switchMode(ctx context.Context, tx conn, c *convene.Call, userID int64, status, mode string, now time.Time) (string, error) {
	full, err := modeFull(ctx, tx, c, mode)
	if err != nil {
		return "", err
	}
	if full && status == convene.RegRegistered {
		return "", convene.Errorf(convene.ECONFLICT, "registration.mode.full."+mode, nil)
	}
	next := convene.RegRegistered
	if full {
		next = convene.RegWaitlisted
	}
	if _, err := tx.exec(ctx, `UPDATE registrations SET mode = ?, status = ?, updated_at = ? WHERE call_id = ? AND user_id = ?`,
		mode, next, now, c.ID, userID); err != nil {
		return "", err
	}
	if next == convene.RegRegistered {
		if err := enqueueJob(ctx, tx, JobInvite, InvitePayload{CallID: c.ID, UserID: userID, Method: "REQUEST"}, "", now, now); err != nil {
			return "", err
		}
	}
	return next, promoteWaitlist(ctx, tx, c.ID, now)
}

// keepModes moves the registrations of a call in a way it no longer offers to the one it does: a
// hybrid call that becomes online only keeps its people, who now attend online.
func keepModes(ctx context.Context, tx conn, c *convene.Call, now time.Time) error {
	modes := c.AttendanceModes()
	if len(modes) != 1 {
		return nil
	}
	_, err := tx.exec(ctx, `UPDATE registrations SET mode = ?, updated_at = ? WHERE call_id = ? AND mode <> ?`, modes[0], now, c.ID, modes[0])
	return err
}

// setAccommodation records what a registrant needs to take part and, when they asked for
// something new, queues the mail that tells the organizers.
func setAccommodation(ctx context.Context, tx conn, callID, userID int64, text string, now time.Time) error {
	var was string
	if err := tx.row(ctx, `SELECT accommodation FROM registrations WHERE call_id = ? AND user_id = ? AND status <> 'cancelled'`,
		callID, userID).Scan(&was); err != nil {
		return notFound(err, "registration.not_found")
	}
	if was == text {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE registrations SET accommodation = ?, updated_at = ? WHERE call_id = ? AND user_id = ?`,
		text, now, callID, userID); err != nil {
		return err
	}
	if text == "" {
		return nil
	}
	return enqueueJob(ctx, tx, JobAccommodation, AccommodationPayload{CallID: callID, UserID: userID}, "", now, now)
}

func nonNilAnswers(a map[string]string) map[string]string {
	if a == nil {
		return map[string]string{}
	}
	return a
}

// joinCommunity makes a person a member of a community unless they already hold a role there.
// joinByTakingPart makes someone who registers or subscribes a member of the community, unless it
// approves its members (they take part without joining); someone an organizer removed is refused.
func joinByTakingPart(ctx context.Context, tx conn, communityID, userID int64, now time.Time) error {
	if err := checkNotBanned(ctx, tx, communityID, userID); err != nil {
		return err
	}
	var approve bool
	if err := tx.row(ctx, `SELECT approve_members FROM communities WHERE id = ?`, communityID).Scan(&approve); err != nil {
		return err
	}
	if approve {
		return nil
	}
	return joinCommunity(ctx, tx, communityID, userID, now)
}

func joinCommunity(ctx context.Context, tx conn, communityID, userID int64, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO memberships (community_id, user_id, role, created_at) VALUES (?, ?, 'member', ?)
		ON CONFLICT (community_id, user_id) DO NOTHING`, communityID, userID, now)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `DELETE FROM membership_requests WHERE community_id = ? AND user_id = ?`, communityID, userID)
	return err
}

// cleanAnswers checks answers against a series' registration questions: required ones given,
// choices among those offered. Every way in (page, API, emailed link, command line) passes here.
func cleanAnswers(ctx context.Context, tx conn, seriesID int64, given map[string]string) (map[string]string, error) {
	qs, err := questionsOf(ctx, tx, seriesID)
	if err != nil {
		return nil, err
	}
	return convene.CleanAnswers(qs, given)
}

// Register gives a person a place at a call (online, on a hybrid call), or puts them on its
// waitlist when it is full, and returns which. See SignUp.
func (s *Store) Register(ctx context.Context, callID, userID int64, answers map[string]string) (status string, err error) {
	return s.signUp(ctx, callID, userID, convene.Signup{Answers: answers}, true)
}

// SignUp gives a person a place at a call in the way they attend, or puts them on that way's
// waitlist when it is full, and returns which; on a hybrid call they must say which way.
// Registering twice is harmless; registering again the other way moves them when it has room.
// Cancelled and past calls take no registrations, the series' required questions must be
// answered, and an accommodation request is kept for the organizers and mailed to them.
func (s *Store) SignUp(ctx context.Context, callID, userID int64, in convene.Signup) (status string, err error) {
	return s.signUp(ctx, callID, userID, in, false)
}

func (s *Store) signUp(ctx context.Context, callID, userID int64, in convene.Signup, defaultOnline bool) (status string, err error) {
	in.Normalize()
	if err := convene.CheckAccommodation(in.Accommodation); err != nil {
		return "", err
	}
	now := s.now()
	err = s.inTx(ctx, func(tx conn) error {
		c, err := lockedCall(ctx, tx, callID)
		if err != nil {
			return err
		}
		mode, err := c.AttendMode(in.Mode, defaultOnline)
		if err != nil {
			return err
		}
		var was string
		err = tx.row(ctx, `SELECT status, mode FROM registrations WHERE call_id = ? AND user_id = ? AND status <> 'cancelled'`,
			c.ID, userID).Scan(&status, &was)
		switch {
		case err == nil && was != mode:
			if err := c.TakesRegistrations(now); err != nil {
				return err
			}
			if status, err = switchMode(ctx, tx, c, userID, status, mode, now); err != nil {
				return err
			}
		case err == nil: // registered already, the same way: the answers are still checked
			if _, err := cleanAnswers(ctx, tx, c.SeriesID, in.Answers); err != nil {
				return err
			}
		case notFound(err, "") != err:
			answers, err := cleanAnswers(ctx, tx, c.SeriesID, in.Answers)
			if err != nil {
				return err
			}
			if status, err = registerInTx(ctx, tx, c, userID, answers, mode, now); err != nil {
				return err
			}
		default:
			return err
		}
		if in.Accommodation != "" {
			return setAccommodation(ctx, tx, c.ID, userID, in.Accommodation, now)
		}
		return nil
	})
	return status, err
}

// SetAccommodation changes what a registrant asked for to take part in a call ("" withdraws it);
// a new request is mailed to the organizers.
func (s *Store) SetAccommodation(ctx context.Context, callID, userID int64, text string) error {
	text = convene.Para(text)
	if err := convene.CheckAccommodation(text); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error { return setAccommodation(ctx, tx, callID, userID, text, now) })
}

// CancelRegistration gives up a person's place; the first person waiting takes it and is told.
func (s *Store) CancelRegistration(ctx context.Context, callID, userID int64) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		c, err := lockedCall(ctx, tx, callID)
		if err != nil {
			return err
		}
		return cancelInTx(ctx, tx, c, userID, now)
	})
}

// cancelInTx gives up a place: the person's calendar entry is cancelled and the waitlist moves up.
func cancelInTx(ctx context.Context, tx conn, c *convene.Call, userID int64, now time.Time) error {
	var was string
	err := tx.row(ctx, `SELECT status FROM registrations WHERE call_id = ? AND user_id = ?`, c.ID, userID).Scan(&was)
	if err != nil || was == convene.RegCancelled {
		if notFound(err, "") != err {
			return nil // nothing to cancel
		}
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE registrations SET status = 'cancelled', accommodation = '', updated_at = ? WHERE call_id = ? AND user_id = ?`,
		now, c.ID, userID); err != nil {
		return err
	}
	if was == convene.RegRegistered && c.EndsAt().After(now) {
		if err := enqueueJob(ctx, tx, JobInvite, InvitePayload{CallID: c.ID, UserID: userID, Method: "CANCEL"}, "", now, now); err != nil {
			return err
		}
	}
	return promoteWaitlist(ctx, tx, c.ID, now)
}

// promoteWaitlist fills free places from the waitlist, first come first served; each promoted
// person is sent their invitation, saying a place opened up.
func promoteWaitlist(ctx context.Context, tx conn, callID int64, now time.Time) error {
	c, err := scanCall(tx.row(ctx, `SELECT `+callColumns+callFrom+` WHERE c.id = ?`, callID))
	if err != nil {
		return err
	}
	if c.Status == convene.CallCancelled || !c.EndsAt().After(now) {
		return nil
	}
	for _, mode := range c.AttendanceModes() {
		for {
			full, err := modeFull(ctx, tx, c, mode)
			if err != nil || full {
				break
			}
			var regID, userID int64
			err = tx.row(ctx, `SELECT id, user_id FROM registrations WHERE call_id = ? AND status = 'waitlisted' AND mode = ? AND user_id IS NOT NULL
				ORDER BY created_at, id LIMIT 1`, callID, mode).Scan(&regID, &userID)
			if err != nil {
				if notFound(err, "") != err {
					break // nobody waiting
				}
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE registrations SET status = 'registered', updated_at = ? WHERE id = ?`, now, regID); err != nil {
				return err
			}
			if err := enqueueJob(ctx, tx, JobInvite, InvitePayload{CallID: callID, UserID: userID, Method: "REQUEST", Promoted: true}, "", now, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// Subscribe registers a person for every future call of a series, and for calls added later,
// until they unsubscribe.
func (s *Store) Subscribe(ctx context.Context, seriesID, userID int64, answers map[string]string) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var communityID int64
		if err := tx.row(ctx, `SELECT community_id FROM series WHERE id = ?`, seriesID).Scan(&communityID); err != nil {
			return notFound(err, "series.not_found")
		}
		answers, err := cleanAnswers(ctx, tx, seriesID, answers)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO subscriptions (series_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT (series_id, user_id) DO NOTHING`,
			seriesID, userID, now); err != nil {
			return err
		}
		if err := joinByTakingPart(ctx, tx, communityID, userID, now); err != nil {
			return err
		}
		ids, err := futureCalls(ctx, tx, seriesID, now)
		if err != nil {
			return err
		}
		for _, id := range ids {
			c, err := lockedCall(ctx, tx, id)
			if err != nil {
				return err
			}
			mode, _ := c.AttendMode("", true)
			if _, err := registerInTx(ctx, tx, c, userID, answers, mode, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Unsubscribe ends a subscription and gives up the person's places at the series' future calls.
func (s *Store) Unsubscribe(ctx context.Context, seriesID, userID int64) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `DELETE FROM subscriptions WHERE series_id = ? AND user_id = ?`, seriesID, userID); err != nil {
			return err
		}
		ids, err := futureCalls(ctx, tx, seriesID, now)
		if err != nil {
			return err
		}
		for _, id := range ids {
			c, err := lockedCall(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := cancelInTx(ctx, tx, c, userID, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// futureCalls lists the ids of a series' scheduled calls that start after now.
func futureCalls(ctx context.Context, tx conn, seriesID int64, now time.Time) ([]int64, error) {
	return tx.ids(ctx, `SELECT id FROM calls WHERE series_id = ? AND starts_at > ? AND status = 'scheduled' ORDER BY starts_at`, seriesID, now)
}

// registerSubscribers gives a series' subscribers a place at a call just added to it, and queues
// their invitations in the same transaction: one job for the call, which invites everyone with a
// place who has not been sent it yet. A call with a limited capacity fills in subscription order
// and waitlists the rest, as if each had registered.
func registerSubscribers(ctx context.Context, tx conn, seriesID, callID int64, now time.Time) error {
	c, err := lockedCall(ctx, tx, callID)
	if err != nil {
		return err
	}
	mode, _ := c.AttendMode("", true) // subscribers attend online when they may
	if c.PlacesFor(mode) > 0 {
		ids, err := tx.ids(ctx, `SELECT user_id FROM subscriptions WHERE series_id = ? ORDER BY created_at, user_id`, seriesID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := registerInTx(ctx, tx, c, id, nil, mode, now); err != nil {
				return err
			}
		}
		return nil
	}
	res, err := tx.exec(ctx, `INSERT INTO registrations (call_id, user_id, status, answers, mode, created_at, updated_at)
		SELECT ?, user_id, 'registered', '{}', ?, ?, ? FROM subscriptions WHERE series_id = ?
		ON CONFLICT (call_id, user_id) DO NOTHING`, callID, mode, now, now, seriesID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return enqueueJob(ctx, tx, JobInvite, InvitePayload{CallID: callID, Method: "REQUEST", Everyone: true},
		fmt.Sprintf("invite_subscribers:%d", callID), now, now)
}

// Subscribed reports whether a person is subscribed to a series.
func (s *Store) Subscribed(ctx context.Context, seriesID, userID int64) (bool, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM subscriptions WHERE series_id = ? AND user_id = ?`, seriesID, userID).Scan(&n)
	return n > 0, err
}

// Places tells a person's place at each of several calls: status and way of attending (absent
// where they have none).
func (s *Store) Places(ctx context.Context, userID int64, callIDs []int64) (map[int64]convene.Place, error) {
	out := map[int64]convene.Place{}
	if len(callIDs) == 0 || userID == 0 {
		return out, nil
	}
	args := []any{userID}
	for _, id := range callIDs {
		args = append(args, id)
	}
	rows, err := s.read().query(ctx, `SELECT call_id, status, mode FROM registrations WHERE user_id = ? AND status <> 'cancelled'
		AND call_id IN (`+placeholders(len(callIDs))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p convene.Place
		if err := rows.Scan(&id, &p.Status, &p.Mode); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, rows.Err()
}

// RegisteredByMode counts the people with a place at a call, per way of attending.
func (s *Store) RegisteredByMode(ctx context.Context, callID int64) (map[string]int, error) {
	out := map[string]int{}
	rows, err := s.read().query(ctx, `SELECT mode, COUNT(*) FROM registrations WHERE call_id = ? AND status = 'registered' GROUP BY mode`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var mode string
		var n int
		if err := rows.Scan(&mode, &n); err != nil {
			return nil, err
		}
		out[mode] = n
	}
	return out, rows.Err()
}

// RegisteredCounts counts the people with a place at each of several calls.
func (s *Store) RegisteredCounts(ctx context.Context, callIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(callIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(callIDs))
	for i, id := range callIDs {
		args[i] = id
	}
	rows, err := s.read().query(ctx, `SELECT call_id, COUNT(*) FROM registrations WHERE status = 'registered'
		AND call_id IN (`+placeholders(len(callIDs))+`) GROUP BY call_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// CallRegistrations lists who registered for a call, for its organizers: places first, then the
// waitlist, each in order of registration; cancelled ones last.
func (s *Store) CallRegistrations(ctx context.Context, callID int64) ([]*convene.Registration, error) {
	rows, err := s.read().query(ctx, `SELECT r.id, r.call_id, r.status, r.answers, r.created_at, r.updated_at, r.ical_sequence, r.mode, r.accommodation, `+prefixed("u.", userColumns)+`
		FROM registrations r JOIN users u ON u.id = r.user_id WHERE r.call_id = ?
		ORDER BY CASE r.status WHEN 'registered' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, r.created_at, r.id`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Registration
	for rows.Next() {
		var r convene.Registration
		var answers string
		dest := []any{&r.ID, &r.CallID, &r.Status, &answers, &r.CreatedAt, &r.UpdatedAt, &r.ICalSequence, &r.Mode, &r.Accommodation}
		u, err := scanUserWith(rows, dest...)
		if err != nil {
			return nil, err
		}
		r.User, r.UserID = u, u.ID
		_ = json.Unmarshal([]byte(answers), &r.Answers)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// Questions lists a series' registration questions in order.
func (s *Store) Questions(ctx context.Context, seriesID int64) ([]*convene.Question, error) {
	return questionsOf(ctx, s.read(), seriesID)
}

func questionsOf(ctx context.Context, tx conn, seriesID int64) ([]*convene.Question, error) {
	rows, err := tx.query(ctx, `SELECT id, series_id, position, kind, label, choices, required FROM registration_questions
		WHERE series_id = ? ORDER BY position, id`, seriesID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Question
	for rows.Next() {
		var q convene.Question
		var choices string
		if err := rows.Scan(&q.ID, &q.SeriesID, &q.Position, &q.Kind, &q.Label, &choices, &q.Required); err != nil {
			return nil, err
		}
		if choices != "" {
			q.Choices = strings.Split(choices, "\n")
		}
		out = append(out, &q)
	}
	return out, rows.Err()
}

// AddQuestion appends a registration question to a series of the community.
func (s *Store) AddQuestion(ctx context.Context, communityID int64, q *convene.Question) error {
	q.Normalize()
	if err := q.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx conn) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM series WHERE id = ? AND community_id = ?`, q.SeriesID, communityID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return convene.NotFound("series.not_found")
		}
		if err := tx.row(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM registration_questions WHERE series_id = ?`, q.SeriesID).Scan(&q.Position); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO registration_questions (series_id, position, kind, label, choices, required) VALUES (?, ?, ?, ?, ?, ?)`,
			q.SeriesID, q.Position, q.Kind, q.Label, strings.Join(q.Choices, "\n"), q.Required)
		q.ID = id
		return err
	})
}

// DeleteQuestion removes a registration question; answers already given stay with registrations.
func (s *Store) DeleteQuestion(ctx context.Context, communityID, seriesID, questionID int64) error {
	res, err := s.read().exec(ctx, `DELETE FROM registration_questions WHERE id = ? AND series_id = ?
		AND series_id IN (SELECT id FROM series WHERE community_id = ?)`, questionID, seriesID, communityID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("question.not_found")
	}
	return nil
}

// ImportRegistration records a registration as it happened at a past moment, for imports of
// earlier records and the demo; unlike Register it accepts calls already held.
func (s *Store) ImportRegistration(ctx context.Context, callID, userID int64, at time.Time) error {
	return s.ImportRegistrationIn(ctx, callID, userID, "", at)
}

// ImportRegistrationIn is ImportRegistration in a way of attending ("" for the call's own: in
// person for a call held only in a room, online otherwise).
func (s *Store) ImportRegistrationIn(ctx context.Context, callID, userID int64, mode string, at time.Time) error {
	return s.inTx(ctx, func(tx conn) error {
		c, err := scanCall(tx.row(ctx, `SELECT `+callColumns+callFrom+` WHERE c.id = ?`, callID))
		if err != nil {
			return notFound(err, "call.not_found")
		}
		if mode, err = c.AttendMode(mode, true); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO registrations (call_id, user_id, status, answers, mode, created_at, updated_at) VALUES (?, ?, 'registered', '{}', ?, ?, ?)
			ON CONFLICT (call_id, user_id) DO NOTHING`, callID, userID, mode, at.UTC(), at.UTC()); err != nil {
			return err
		}
		return joinCommunity(ctx, tx, c.CommunityID, userID, at.UTC())
	})
}

// SeriesSubscribers lists the people subscribed to a series.
func (s *Store) SeriesSubscribers(ctx context.Context, seriesID int64) ([]*convene.User, error) {
	rows, err := s.read().query(ctx, `SELECT `+prefixed("u.", userColumns)+` FROM subscriptions x JOIN users u ON u.id = x.user_id
		WHERE x.series_id = ? ORDER BY u.id`, seriesID)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows)
}

// RegistrationOf is one person's registration for a call, with the person.
func (s *Store) RegistrationOf(ctx context.Context, callID, userID int64) (*convene.Registration, error) {
	var r convene.Registration
	var answers string
	u, err := scanUserWith(s.read().row(ctx, `SELECT r.id, r.call_id, r.status, r.answers, r.created_at, r.updated_at, r.ical_sequence, r.mode, r.accommodation, `+prefixed("u.", userColumns)+`
		FROM registrations r JOIN users u ON u.id = r.user_id WHERE r.call_id = ? AND r.user_id = ?`, callID, userID),
		&r.ID, &r.CallID, &r.Status, &answers, &r.CreatedAt, &r.UpdatedAt, &r.ICalSequence, &r.Mode, &r.Accommodation)
	if err != nil {
		return nil, notFound(err, "registration.not_found")
	}
	r.User, r.UserID = u, u.ID
	_ = json.Unmarshal([]byte(answers), &r.Answers)
	return &r, nil
}
