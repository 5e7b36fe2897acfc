package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/opengovcall/convene"
)

const joinKitColumns = `id, series_id, call_id, provider, join_url, meeting_id, passcode, phone_passcode, dial_ins, local_numbers_url, sip, updated_at`

func scanJoinKit(row interface{ Scan(...any) error }) (*convene.JoinKit, error) {
	var k convene.JoinKit
	var seriesID, callID sql.NullInt64
	var dialIns string
	err := row.Scan(&k.ID, &seriesID, &callID, &k.Provider, &k.JoinURL, &k.MeetingID, &k.Passcode, &k.PhonePasscode,
		&dialIns, &k.LocalNumbersURL, &k.SIP, &k.UpdatedAt)
	if err != nil {
		return nil, err
	}
	k.SeriesID, k.CallID = seriesID.Int64, callID.Int64
	if err := json.Unmarshal([]byte(dialIns), &k.DialIns); err != nil {
		return nil, err
	}
	return &k, nil
}

// SaveJoinKit stores the join kit of a series (k.SeriesID set) or the override of one call
// (k.CallID set), replacing the one there was. The call or series must be in the community.
func (s *Store) SaveJoinKit(ctx context.Context, communityID int64, k *convene.JoinKit) error {
	k.Normalize()
	if err := k.Validate(); err != nil {
		return err
	}
	if (k.SeriesID == 0) == (k.CallID == 0) {
		return convene.Invalid("joinkit.owner", nil)
	}
	dialIns, err := json.Marshal(nonNilDialIns(k.DialIns))
	if err != nil {
		return err
	}
	now := s.now()
	k.UpdatedAt = now
	return s.inTx(ctx, func(tx conn) error {
		var seriesID, callID any
		owner := `series_id`
		if k.CallID != 0 {
			if err := callInCommunity(ctx, tx, communityID, k.CallID); err != nil {
				return err
			}
			callID, owner = k.CallID, `call_id`
		} else {
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM series WHERE id = ? AND community_id = ?`, k.SeriesID, communityID).Scan(&n); err != nil {
				return err
			} else if n == 0 {
				return convene.NotFound("series.not_found")
			}
			seriesID = k.SeriesID
		}
		id, err := tx.insert(ctx, `INSERT INTO join_kits (series_id, call_id, provider, join_url, meeting_id, passcode, phone_passcode, dial_ins, local_numbers_url, sip, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (`+owner+`) DO UPDATE SET provider = excluded.provider, join_url = excluded.join_url,
				meeting_id = excluded.meeting_id, passcode = excluded.passcode, phone_passcode = excluded.phone_passcode,
				dial_ins = excluded.dial_ins, local_numbers_url = excluded.local_numbers_url, sip = excluded.sip,
				updated_at = excluded.updated_at`,
			seriesID, callID, k.Provider, k.JoinURL, k.MeetingID, k.Passcode, k.PhonePasscode, string(dialIns), k.LocalNumbersURL, k.SIP, now)
		if err != nil {
			return err
		}
		k.ID = id
		// Calendars that hold the affected calls must hear of the change.
		if k.CallID != 0 {
			if err := bumpSequence(ctx, tx, k.CallID, now); err != nil {
				return err
			}
			return changedCalls(ctx, tx, `SELECT id, sequence FROM calls WHERE id = ?`, now, k.CallID)
		}
		const affected = `series_id = ? AND starts_at > ? AND NOT EXISTS (SELECT 1 FROM join_kits o WHERE o.call_id = calls.id)`
		if _, err := tx.exec(ctx, `UPDATE calls SET sequence = sequence + 1, updated_at = ? WHERE `+affected, now, k.SeriesID, now); err != nil {
			return err
		}
		return changedCalls(ctx, tx, `SELECT id, sequence FROM calls WHERE status = 'scheduled' AND `+affected, now, k.SeriesID, now)
	})
}

// changedCalls schedules updates for the people registered for each call a query selects (id, sequence).
func changedCalls(ctx context.Context, tx conn, query string, now time.Time, args ...any) error {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return err
	}
	type changed struct {
		id  int64
		seq int
	}
	var all []changed
	for rows.Next() {
		var c changed
		if err := rows.Scan(&c.id, &c.seq); err != nil {
			rows.Close()
			return err
		}
		all = append(all, c)
	}
	rows.Close()
	for _, c := range all {
		if err := callChanged(ctx, tx, c.id, c.seq, now); err != nil {
			return err
		}
	}
	return rows.Err()
}

func nonNilDialIns(d []convene.DialIn) []convene.DialIn {
	if d == nil {
		return []convene.DialIn{}
	}
	return d
}

// DeleteCallJoinKit removes a call's own join kit, so the series' applies again.
func (s *Store) DeleteCallJoinKit(ctx context.Context, communityID, callID int64) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := callInCommunity(ctx, tx, communityID, callID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM join_kits WHERE call_id = ?`, callID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return bumpSequence(ctx, tx, callID, s.now())
	})
}

// SeriesJoinKit is the join kit a series' calls use unless they have their own.
func (s *Store) SeriesJoinKit(ctx context.Context, seriesID int64) (*convene.JoinKit, error) {
	k, err := scanJoinKit(s.read().row(ctx, `SELECT `+joinKitColumns+` FROM join_kits WHERE series_id = ?`, seriesID))
	return k, notFound(err, "joinkit.not_found")
}

// CallJoinKit is the join kit that applies to a call: its own if it has one, else its series'.
// overridden tells which.
func (s *Store) CallJoinKit(ctx context.Context, c *convene.Call) (k *convene.JoinKit, overridden bool, err error) {
	k, err = scanJoinKit(s.read().row(ctx, `SELECT `+joinKitColumns+` FROM join_kits WHERE call_id = ? OR series_id = ?
		ORDER BY call_id IS NULL LIMIT 1`, c.ID, c.SeriesID))
	if err != nil {
		return nil, false, notFound(err, "joinkit.not_found")
	}
	return k, k.CallID != 0, nil
}

// CallJoinKits finds the kit that applies to each of several calls in one query, keyed by call.
func (s *Store) CallJoinKits(ctx context.Context, calls []*convene.Call) (map[int64]*convene.JoinKit, error) {
	out := make(map[int64]*convene.JoinKit, len(calls))
	if len(calls) == 0 {
		return out, nil
	}
	var args []any
	for _, c := range calls {
		args = append(args, c.ID)
	}
	for _, c := range calls {
		args = append(args, c.SeriesID)
	}
	rows, err := s.read().query(ctx, `SELECT `+joinKitColumns+` FROM join_kits WHERE call_id IN (`+placeholders(len(calls))+`)
		OR series_id IN (`+placeholders(len(calls))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bySeries := map[int64]*convene.JoinKit{}
	byCall := map[int64]*convene.JoinKit{}
	for rows.Next() {
		k, err := scanJoinKit(rows)
		if err != nil {
			return nil, err
		}
		if k.CallID != 0 {
			byCall[k.CallID] = k
		} else {
			bySeries[k.SeriesID] = k
		}
	}
	for _, c := range calls {
		if k := byCall[c.ID]; k != nil {
			out[c.ID] = k
		} else if k := bySeries[c.SeriesID]; k != nil {
			out[c.ID] = k
		}
	}
	return out, rows.Err()
}
