package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

var topicColumns = `t.id, t.community_id, t.series_id, COALESCE(t.call_id, 0), t.proposer_id, u.name, t.title, t.kind, t.presenter_name,
	COALESCE(t.initiative_id, 0), COALESCE(i.name, ''), COALESCE(i.translations, '{}'), t.minutes, t.status, t.decline_reason, COALESCE(t.accepted_call_id, 0),
	COALESCE(t.agenda_item_id, 0), t.created_at, t.decided_at,
	(SELECT COUNT(*) FROM topic_votes v WHERE v.topic_id = t.id) AS interest,
	(SELECT COUNT(*) FROM topic_votes v WHERE v.topic_id = t.id AND v.user_id = ?),
	c.starts_at, t.lang, t.translations, ` + callTitleColumns("c", "s")

const topicFrom = ` FROM topics t JOIN users u ON u.id = t.proposer_id
	LEFT JOIN initiatives i ON i.id = t.initiative_id
	LEFT JOIN calls c ON c.id = t.accepted_call_id
	LEFT JOIN series s ON s.id = c.series_id`

func scanTopic(row interface{ Scan(...any) error }) (*convene.Topic, error) {
	var t convene.Topic
	var decided, callStart sql.NullTime
	var mine int
	dst := append([]any{&t.ID, &t.CommunityID, &t.SeriesID, &t.CallID, &t.ProposerID, &t.ProposerName, &t.Title, &t.Kind, &t.PresenterName,
		&t.InitiativeID}, nameCols(&t.InitiativeName, "name")...)
	dst = append(dst, &t.Minutes, &t.Status, &t.DeclineReason, &t.AcceptedCallID, &t.AgendaItemID, &t.CreatedAt, &decided, &t.Interest,
		&mine, &callStart, &t.Lang, texts(&t.Texts))
	err := row.Scan(append(dst, nameCols(&t.AcceptedCallTitle, "title")...)...)
	if err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.DecidedAt = timePtr(decided)
	t.PlusOned = mine > 0
	if callStart.Valid {
		t.AcceptedCallStartsAt = callStart.Time.UTC()
	}
	return &t, nil
}

// topicCall checks that a call may receive a topic of the series: it belongs to the series and
// has neither been cancelled nor started.
func topicCall(ctx context.Context, tx conn, seriesID, callID int64, now time.Time) (*convene.Call, error) {
	c, err := lockedCall(ctx, tx, callID)
	if err != nil {
		return nil, err
	}
	if c.SeriesID != seriesID {
		return nil, convene.NotFound("call.not_found")
	}
	if c.Status == convene.CallCancelled {
		return nil, convene.Invalid("topic.call.cancelled", nil, convene.FieldError{Field: "call_id", Key: "topic.call.cancelled"})
	}
	if !c.StartsAt.After(now) {
		return nil, convene.Invalid("topic.call.past", nil, convene.FieldError{Field: "call_id", Key: "topic.call.past"})
	}
	return c, nil
}

// ProposeTopic stores a proposal in a series' queue. Its series must belong to its community, an
// initiative it is about too, and a call it hopes for must be a future call of the series.
func (s *Store) ProposeTopic(ctx context.Context, t *convene.Topic) error {
	t.Normalize()
	t.Status = convene.TopicOpen
	if err := t.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM series WHERE id = ? AND community_id = ?`, t.SeriesID, t.CommunityID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return convene.NotFound("series.not_found")
		}
		// Proposing is a contribution like any other: members of the community (or instance
		// admins) only, whichever way the proposal comes in.
		if err := tx.row(ctx, `SELECT COUNT(*) FROM users u WHERE u.id = ? AND (u.is_admin = `+tx.d.boolTrue()+`
			OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.community_id = ?))`, t.ProposerID, t.CommunityID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return convene.Errorf(convene.EFORBIDDEN, "topic.members_only", nil)
		}
		var initiative any
		if t.InitiativeID != 0 {
			if err := tx.row(ctx, `SELECT COUNT(*) FROM initiatives WHERE id = ? AND community_id = ? AND deleted_at IS NULL`,
				t.InitiativeID, t.CommunityID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "initiative_id", Key: "topic.initiative.invalid"})
			}
			initiative = t.InitiativeID
		}
		var call any
		if t.CallID != 0 {
			if _, err := topicCall(ctx, tx, t.SeriesID, t.CallID, now); err != nil {
				return err
			}
			call = t.CallID
		}
		id, err := tx.insert(ctx, `INSERT INTO topics (community_id, series_id, call_id, proposer_id, title, kind, presenter_name, initiative_id,
			minutes, status, created_at, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.CommunityID, t.SeriesID, call, t.ProposerID,
			t.Title, t.Kind, t.PresenterName, initiative, t.Minutes, t.Status, now, t.Lang)
		if err != nil {
			return err
		}
		t.ID, t.CreatedAt = id, now
		return nil
	})
}

// TopicByID loads one topic as viewerID sees it (0 for nobody).
func (s *Store) TopicByID(ctx context.Context, id, viewerID int64) (*convene.Topic, error) {
	t, err := scanTopic(s.read().row(ctx, `SELECT `+topicColumns+topicFrom+` WHERE t.id = ?`, viewerID, id))
	return t, notFound(err, "topic.not_found")
}

// Topics lists a series' topics with the given status: open ones by interest then age, accepted
// ones by their call's start, declined ones newest first.
func (s *Store) Topics(ctx context.Context, seriesID int64, status string, viewerID int64) ([]*convene.Topic, error) {
	order := ` ORDER BY interest DESC, t.created_at, t.id`
	switch status {
	case convene.TopicAccepted:
		order = ` ORDER BY c.starts_at, t.id`
	case convene.TopicDeclined:
		order = ` ORDER BY t.decided_at DESC, t.id DESC`
	}
	rows, err := s.read().query(ctx, `SELECT `+topicColumns+topicFrom+` WHERE t.series_id = ? AND t.status = ?`+order, viewerID, seriesID, status)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Topic
	for rows.Next() {
		t, err := scanTopic(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// PlusOneTopic records (on) or withdraws a member's +1 on an open topic; repeating either changes nothing.
func (s *Store) PlusOneTopic(ctx context.Context, topicID, userID int64, on bool) error {
	return s.inTx(ctx, func(tx conn) error {
		var status string
		if err := tx.row(ctx, `SELECT status FROM topics WHERE id = ?`, topicID).Scan(&status); err != nil {
			return notFound(err, "topic.not_found")
		}
		if status != convene.TopicOpen {
			return convene.Invalid("topic.not_open", nil)
		}
		if !on {
			_, err := tx.exec(ctx, `DELETE FROM topic_votes WHERE topic_id = ? AND user_id = ?`, topicID, userID)
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO topic_votes (topic_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			topicID, userID, s.now())
		return err
	})
}

// openTopic reads and locks an open topic of the community for a decision.
func openTopic(ctx context.Context, tx conn, communityID, topicID int64) (*convene.Topic, error) {
	t, err := scanTopic(tx.row(ctx, `SELECT `+topicColumns+topicFrom+` WHERE t.id = ? AND t.community_id = ?`, 0, topicID, communityID))
	if err != nil {
		return nil, notFound(err, "topic.not_found")
	}
	res, err := tx.exec(ctx, `UPDATE topics SET status = status WHERE id = ? AND status = 'open'`, topicID)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 || t.Status != convene.TopicOpen {
		return nil, convene.Invalid("topic.not_open", nil)
	}
	return t, nil
}

func proposerOf(ctx context.Context, tx conn, userID int64) (*convene.User, error) {
	u, err := scanUser(tx.row(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID))
	return u, notFound(err, "user.not_found")
}

// AcceptTopic puts an open topic on the agenda of a future call of its series, marks it accepted
// and writes the proposer's mail, in one transaction.
func (s *Store) AcceptTopic(ctx context.Context, communityID, topicID, callID int64,
	mail func(proposer *convene.User, t *convene.Topic, c *convene.Call) convene.Mail) (*convene.AgendaItem, error) {
	now := s.now()
	var item *convene.AgendaItem
	err := s.inTx(ctx, func(tx conn) error {
		t, err := openTopic(ctx, tx, communityID, topicID)
		if err != nil {
			return err
		}
		c, err := topicCall(ctx, tx, t.SeriesID, callID, now)
		if err != nil {
			return err
		}
		a := t.AgendaItem(c.ID)
		a.Normalize()
		if err := a.Validate(); err != nil {
			return err
		}
		if err := addAgendaItem(ctx, tx, communityID, a, now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE topics SET status = 'accepted', accepted_call_id = ?, agenda_item_id = ?, decided_at = ? WHERE id = ?`,
			c.ID, a.ID, now, t.ID); err != nil {
			return err
		}
		t.Status, t.AcceptedCallID, t.AgendaItemID = convene.TopicAccepted, c.ID, a.ID
		u, err := proposerOf(ctx, tx, t.ProposerID)
		if err != nil {
			return err
		}
		item = a
		return enqueueMail(ctx, tx, mail(u, t, c), now)
	})
	return item, err
}

// DeclineTopic closes an open topic with the organizers' reason and writes the proposer's mail,
// in one transaction.
func (s *Store) DeclineTopic(ctx context.Context, communityID, topicID int64, reason string,
	mail func(proposer *convene.User, t *convene.Topic) convene.Mail) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "reason", Key: "topic.reason.required"})
	}
	if len([]rune(reason)) > convene.MaxDeclineReason {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "reason", Key: "topic.reason.too_long"})
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		t, err := openTopic(ctx, tx, communityID, topicID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE topics SET status = 'declined', decline_reason = ?, decided_at = ? WHERE id = ?`, reason, now, t.ID); err != nil {
			return err
		}
		t.Status, t.DeclineReason = convene.TopicDeclined, reason
		u, err := proposerOf(ctx, tx, t.ProposerID)
		if err != nil {
			return err
		}
		return enqueueMail(ctx, tx, mail(u, t), now)
	})
}
