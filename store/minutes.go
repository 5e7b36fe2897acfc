package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/opengovcall/convene"
)

// heldCallInCommunity checks that a call belongs to the community and has been held: it started
// and was not cancelled. Minutes and action items are only written for such a call.
func heldCallInCommunity(ctx context.Context, tx conn, communityID, callID int64, now time.Time) error {
	var status string
	var starts time.Time
	err := tx.row(ctx, `SELECT status, starts_at FROM calls WHERE id = ? AND community_id = ?`, callID, communityID).Scan(&status, &starts)
	if err != nil {
		return notFound(err, "call.not_found")
	}
	if status == convene.CallCancelled || starts.After(now) {
		return convene.Invalid("minutes.not_held", nil)
	}
	return nil
}

// Minutes reads a call's minutes; a call without any has empty minutes.
func (s *Store) Minutes(ctx context.Context, callID int64) (*convene.Minutes, error) {
	m := &convene.Minutes{CallID: callID, Notes: map[int64]string{}}
	var taker sql.NullInt64
	err := s.read().row(ctx, `SELECT summary, note_taker_id, updated_at, lang FROM minutes WHERE call_id = ?`, callID).Scan(&m.Summary, &taker, &m.UpdatedAt, &m.Lang)
	if err != nil {
		if notFound(err, "") != err {
			return m, nil
		}
		return nil, err
	}
	m.NoteTakerID, m.UpdatedAt = taker.Int64, m.UpdatedAt.UTC()
	rows, err := s.read().query(ctx, `SELECT agenda_item_id, body FROM minutes_notes WHERE call_id = ?`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, err
		}
		m.Notes[id] = body
	}
	return m, rows.Err()
}

// SaveMinutes stores the text of a held call's minutes, replacing the notes of every agenda item.
// Notes for items that are not on the call's agenda are ignored; the note-taker stays.
func (s *Store) SaveMinutes(ctx context.Context, communityID int64, m *convene.Minutes) error {
	if m.Notes == nil {
		m.Notes = map[int64]string{}
	}
	m.Normalize()
	if err := m.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if err := heldCallInCommunity(ctx, tx, communityID, m.CallID, now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO minutes (call_id, summary, updated_at, lang) VALUES (?, ?, ?, ?)
			ON CONFLICT (call_id) DO UPDATE SET summary = excluded.summary, updated_at = excluded.updated_at, lang = excluded.lang`,
			m.CallID, m.Summary, now, m.Lang); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM minutes_notes WHERE call_id = ?`, m.CallID); err != nil {
			return err
		}
		for id, body := range m.Notes {
			if _, err := tx.exec(ctx, `INSERT INTO minutes_notes (agenda_item_id, call_id, body)
				SELECT id, call_id, ? FROM agenda_items WHERE id = ? AND call_id = ?`, body, id, m.CallID); err != nil {
				return err
			}
		}
		m.UpdatedAt = now
		return nil
	})
}

// SetNoteTaker names the member who may write a call's minutes besides the organizers; 0 names no one.
func (s *Store) SetNoteTaker(ctx context.Context, communityID, callID, userID int64) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if err := callInCommunity(ctx, tx, communityID, callID); err != nil {
			return err
		}
		if userID != 0 {
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM memberships WHERE community_id = ? AND user_id = ?`, communityID, userID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return convene.Invalid("minutes.note_taker.not_member", nil)
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO minutes (call_id, note_taker_id, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (call_id) DO UPDATE SET note_taker_id = excluded.note_taker_id, updated_at = excluded.updated_at`, callID, nullID(userID), now)
		return err
	})
}

// AddActionItem records an action item agreed at a held call of the community. An owner who is a
// user must be a member of the community.
func (s *Store) AddActionItem(ctx context.Context, a *convene.ActionItem) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if err := heldCallInCommunity(ctx, tx, a.CommunityID, a.CallID, now); err != nil {
			return err
		}
		if a.OwnerID != 0 {
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM memberships WHERE community_id = ? AND user_id = ?`, a.CommunityID, a.OwnerID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "owner", Key: "actionitem.owner.not_member"})
			}
		}
		due := ""
		if !a.Due.IsZero() {
			due = a.Due.String()
		}
		id, err := tx.insert(ctx, `INSERT INTO action_items (community_id, call_id, what, owner_id, owner_name, due_on, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.CommunityID, a.CallID, a.What, nullID(a.OwnerID), a.OwnerName, due, a.Status, now, now)
		if err != nil {
			return err
		}
		a.ID, a.CreatedAt, a.UpdatedAt = id, now, now
		return nil
	})
}

// SetActionStatus marks an action item of a call open or done.
func (s *Store) SetActionStatus(ctx context.Context, communityID, callID, itemID int64, status string) error {
	if !convene.ValidActionStatus(status) {
		return convene.Invalid("actionitem.status.invalid", nil)
	}
	res, err := s.read().exec(ctx, `UPDATE action_items SET status = ?, updated_at = ? WHERE id = ? AND call_id = ? AND community_id = ?`,
		status, s.now(), itemID, callID, communityID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("actionitem.not_found")
	}
	return nil
}

// ActionFilter selects action items: a community's, optionally one call's, or those of a series'
// calls that started before a time, and optionally of one status.
type ActionFilter struct {
	CommunityID int64
	CallID      int64
	SeriesID    int64
	Before      time.Time // calls that started before; zero for any
	Status      string
	OwnerID     int64 // the items a member owns
}

const actionColumns = `a.id, a.community_id, a.call_id, a.what, COALESCE(a.owner_id, 0), a.owner_name, a.due_on, a.status, a.created_at, a.updated_at,
	COALESCE(u.name, ''), CASE WHEN m.user_id IS NULL THEN 0 ELSE 1 END, c.starts_at`

const actionFrom = ` FROM action_items a JOIN calls c ON c.id = a.call_id LEFT JOIN users u ON u.id = a.owner_id
	LEFT JOIN memberships m ON m.community_id = a.community_id AND m.user_id = a.owner_id`

func scanActionItem(row interface{ Scan(...any) error }) (*convene.ActionItem, error) {
	var a convene.ActionItem
	var due, userName string
	var member int
	err := row.Scan(&a.ID, &a.CommunityID, &a.CallID, &a.What, &a.OwnerID, &a.OwnerName, &due, &a.Status, &a.CreatedAt, &a.UpdatedAt,
		&userName, &member, &a.CallStartsAt)
	if err != nil {
		return nil, err
	}
	if due != "" {
		if a.Due, err = convene.ParseDate(due); err != nil {
			return nil, err
		}
	}
	a.CreatedAt, a.UpdatedAt, a.CallStartsAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC(), a.CallStartsAt.UTC()
	switch {
	case a.OwnerID != 0 && member == 1:
		a.OwnerDisplay = userName
	case a.OwnerID == 0 && a.OwnerName != "":
		a.OwnerDisplay = a.OwnerName
	default: // the owner left the community, or their account is gone
		a.FormerMember = true
	}
	return &a, nil
}

// ActionItems lists the action items a filter selects, oldest call first.
func (s *Store) ActionItems(ctx context.Context, f ActionFilter) ([]*convene.ActionItem, error) {
	q, args := `SELECT `+actionColumns+actionFrom+` WHERE a.community_id = ?`, []any{f.CommunityID}
	if f.CallID != 0 {
		q, args = q+` AND a.call_id = ?`, append(args, f.CallID)
	}
	if f.SeriesID != 0 {
		q, args = q+` AND c.series_id = ?`, append(args, f.SeriesID)
	}
	if !f.Before.IsZero() {
		q, args = q+` AND c.starts_at < ?`, append(args, f.Before.UTC())
	}
	if f.Status != "" {
		q, args = q+` AND a.status = ?`, append(args, f.Status)
	}
	if f.OwnerID != 0 {
		q, args = q+` AND a.owner_id = ?`, append(args, f.OwnerID)
	}
	rows, err := s.read().query(ctx, q+` ORDER BY c.starts_at, a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.ActionItem
	for rows.Next() {
		a, err := scanActionItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FollowUps lists the open action items carried into a call: those from earlier calls of its series.
func (s *Store) FollowUps(ctx context.Context, call *convene.Call) ([]*convene.ActionItem, error) {
	return s.ActionItems(ctx, ActionFilter{CommunityID: call.CommunityID, SeriesID: call.SeriesID, Before: call.StartsAt, Status: convene.ActionOpen})
}

// CallMinutes is a call with its written minutes, for lists of minutes published.
type CallMinutes struct {
	Call    *convene.Call
	Summary string
	At      time.Time // when the minutes were last saved
}

// RecentMinutes lists the newest written minutes of a community's calls, at most limit, without
// their notes.
func (s *Store) RecentMinutes(ctx context.Context, communityID int64, limit int) ([]CallMinutes, error) {
	rows, err := s.read().query(ctx, `SELECT m.summary, m.updated_at, `+callColumns+callFrom+` JOIN minutes m ON m.call_id = c.id
		WHERE c.community_id = ? AND (m.summary <> '' OR EXISTS (SELECT 1 FROM minutes_notes n WHERE n.call_id = m.call_id AND n.body <> ''))
		ORDER BY m.updated_at DESC, c.id DESC LIMIT ?`, communityID, limit)
	if err != nil {
		return nil, err
	}
	var out []CallMinutes
	err = collect(rows, func(row interface{ Scan(...any) error }) (CallMinutes, error) {
		var cm CallMinutes
		var err error
		cm.Call, err = scanCallWith(row, &cm.Summary, &cm.At)
		cm.At = cm.At.UTC()
		return cm, err
	}, func(cm CallMinutes) { out = append(out, cm) })
	return out, err
}
