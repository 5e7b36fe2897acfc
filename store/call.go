package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// callColumns selects a call with its series, so pages never need a second query for it.
const callColumns = `c.id, c.community_id, c.series_id, c.season_id, c.original_start, c.starts_at, c.duration_minutes,
	c.status, c.title, c.theme, c.note, c.sequence, c.join_visibility, c.capacity, c.created_at, c.updated_at, c.outcome,
	s.id, s.community_id, s.title, s.description, s.rrule, s.starts_on, s.start_time, s.time_zone, s.duration_minutes,
	s.join_visibility, s.reveal_minutes, s.reminders, s.created_at, s.updated_at, c.translations, s.translations,
	c.accessibility, c.attendance_mode, c.venue, c.in_person_capacity, s.accessibility`

const callFrom = ` FROM calls c JOIN series s ON s.id = c.series_id`

// listColumns select a call without its series: a list reads its few series once (Calls) rather
// than decoding the same series, translations and all, on each of its rows.
const listColumns = `c.id, c.community_id, c.series_id, c.season_id, c.original_start, c.starts_at, c.duration_minutes,
	c.status, c.title, c.theme, c.note, c.sequence, c.join_visibility, c.capacity, c.created_at, c.updated_at, c.outcome, c.translations,
	c.accessibility, c.attendance_mode, c.venue, c.in_person_capacity`

func scanListedCall(row interface{ Scan(...any) error }) (*convene.Call, error) {
	var c convene.Call
	var season sql.NullInt64
	var orig sql.NullTime
	err := row.Scan(&c.ID, &c.CommunityID, &c.SeriesID, &season, &orig, &c.StartsAt, &c.DurationMinutes,
		&c.Status, &c.Title, &c.Theme, &c.Note, &c.Sequence, &c.JoinVisibility, &c.Capacity, &c.CreatedAt, &c.UpdatedAt, &c.Outcome, texts(&c.Texts),
		jsonColumn(&c.OwnAccessibility), &c.AttendanceMode, jsonColumn(&c.Venue), &c.InPersonCapacity)
	if err != nil {
		return nil, err
	}
	c.SeasonID = season.Int64
	c.OriginalStart = timePtr(orig)
	c.StartsAt = c.StartsAt.UTC()
	return &c, nil
}

func scanCall(row interface{ Scan(...any) error }) (*convene.Call, error) {
	return scanCallWith(row)
}

// scanCallWith scans the columns in before, then a call's columns with its series'.
func scanCallWith(row interface{ Scan(...any) error }, before ...any) (*convene.Call, error) {
	var c convene.Call
	var sr convene.Series
	var season sql.NullInt64
	var orig sql.NullTime
	var startsOn string
	err := row.Scan(append(before, &c.ID, &c.CommunityID, &c.SeriesID, &season, &orig, &c.StartsAt, &c.DurationMinutes,
		&c.Status, &c.Title, &c.Theme, &c.Note, &c.Sequence, &c.JoinVisibility, &c.Capacity, &c.CreatedAt, &c.UpdatedAt, &c.Outcome,
		&sr.ID, &sr.CommunityID, &sr.Title, &sr.Description, &sr.RRule, &startsOn, &sr.StartTime, &sr.TimeZone,
		&sr.DurationMinutes, &sr.JoinVisibility, &sr.RevealMinutes, &sr.Reminders, &sr.CreatedAt, &sr.UpdatedAt, texts(&c.Texts), texts(&sr.Texts),
		jsonColumn(&c.OwnAccessibility), &c.AttendanceMode, jsonColumn(&c.Venue), &c.InPersonCapacity, accessColumn(&sr.Accessibility))...)
	if err != nil {
		return nil, err
	}
	sr.StartsOn = parseDateText(startsOn)
	c.SeasonID = season.Int64
	c.OriginalStart = timePtr(orig)
	c.StartsAt = c.StartsAt.UTC()
	c.Series = &sr
	return &c, nil
}

// CallByID finds a call with its series.
func (s *Store) CallByID(ctx context.Context, id int64) (*convene.Call, error) {
	c, err := scanCall(s.read().row(ctx, `SELECT `+callColumns+callFrom+` WHERE c.id = ?`, id))
	if err == nil {
		err = s.FillRecorded(ctx, []*convene.Call{c})
	}
	return c, notFound(err, "call.not_found")
}

// Calls lists the calls a filter selects, in time order.
func (s *Store) Calls(ctx context.Context, f convene.CallFilter) ([]*convene.Call, error) {
	where, args := callWhere(f)
	q := `SELECT ` + listColumns + ` FROM calls c`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	if f.ByChange {
		q += ` ORDER BY c.updated_at DESC, c.id DESC`
	} else if f.Descending {
		q += ` ORDER BY c.starts_at DESC, c.id DESC`
	} else {
		q += ` ORDER BY c.starts_at, c.id`
	}
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := s.read().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Call
	for rows.Next() {
		c, err := scanListedCall(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.attachSeries(ctx, out)
}

// callWhere is the condition on calls c that a filter makes, with its arguments.
func callWhere(f convene.CallFilter) (where []string, args []any) {
	if f.CommunityID != 0 {
		where, args = append(where, "c.community_id = ?"), append(args, f.CommunityID)
	}
	if f.SeriesID != 0 {
		where, args = append(where, "c.series_id = ?"), append(args, f.SeriesID)
	}
	if f.SeasonID != 0 {
		where, args = append(where, "c.season_id = ?"), append(args, f.SeasonID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "c.starts_at >= ?"), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where, args = append(where, "c.starts_at < ?"), append(args, f.To.UTC())
	}
	return where, args
}

// CallsStamp is a short account of the calls a filter selects and of what a feed of them shows
// beside them, series and join kits: it changes whenever any of them is added, changed or removed,
// for the price of one aggregate query instead of reading the calls. A call's last change
// moves with its agenda, its kit and its schedule (bumpSequence), so the stamp follows those too.
// Deleting one call and adding another changes the sum of the ids.
func (s *Store) CallsStamp(ctx context.Context, f convene.CallFilter) (string, error) {
	where, args := callWhere(f)
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	// Series and join kits are few: the latest change among all of them stands for theirs.
	q := `SELECT COUNT(*), COALESCE(SUM(c.id), 0), COALESCE(SUM(c.sequence), 0), COALESCE(SUM(c.capacity), 0), COALESCE(SUM(LENGTH(c.outcome)), 0), MAX(c.updated_at),
		(SELECT MAX(updated_at) FROM series), (SELECT COUNT(*) FROM join_kits), (SELECT MAX(updated_at) FROM join_kits)
		FROM calls c WHERE ` + cond
	all := args
	var n, ids, seqs, places, outcomes, kits int64
	var callsAt, seriesAt, kitsAt any
	if err := s.read().row(ctx, q, all...).Scan(&n, &ids, &seqs, &places, &outcomes, &callsAt, &seriesAt, &kits, &kitsAt); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%d/%d/%d/%d/%s/%s/%d/%s", n, ids, seqs, places, outcomes, stampTime(callsAt), stampTime(seriesAt), kits, stampTime(kitsAt)), nil
}

// RegistrationsStamp is a short account of the registrations to the calls a filter selects: it
// changes whenever one is made or removed (their number and ids), or changes status (the sums of
// the ids of those registered and waitlisted, and the latest change, move).
func (s *Store) RegistrationsStamp(ctx context.Context, f convene.CallFilter) (string, error) {
	where, args := callWhere(f)
	q := `SELECT COUNT(*), COALESCE(SUM(r.id), 0), COALESCE(SUM(CASE WHEN r.status = 'registered' THEN r.id ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.status = 'waitlisted' THEN r.id ELSE 0 END), 0), MAX(r.updated_at)
		FROM registrations r JOIN calls c ON c.id = r.call_id`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	var n, ids, registered, waitlisted int64
	var at any
	if err := s.read().row(ctx, q, args...).Scan(&n, &ids, &registered, &waitlisted, &at); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%d/%d/%d/%s", n, ids, registered, waitlisted, stampTime(at)), nil
}

// RecordedStamp is a short account of which calls a filter selects have minutes or attendance
// (FillRecorded): their number and the sum of their ids, which any call recorded or unrecorded
// changes.
func (s *Store) RecordedStamp(ctx context.Context, f convene.CallFilter) (string, error) {
	where, args := callWhere(f)
	where = append(where, `(EXISTS (SELECT 1 FROM minutes m WHERE m.call_id = c.id) OR EXISTS (SELECT 1 FROM attendance a WHERE a.call_id = c.id))`)
	var n, ids int64
	err := s.read().row(ctx, `SELECT COUNT(*), COALESCE(SUM(c.id), 0) FROM calls c WHERE `+strings.Join(where, " AND "), args...).Scan(&n, &ids)
	return fmt.Sprintf("%d/%d", n, ids), err
}

// stampTime writes the latest of some times as the engine gives it (text from SQLite, a time
// from PostgreSQL), to be compared with itself only.
func stampTime(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// NextCall is the community's first scheduled call that has not ended by now.
func (s *Store) NextCall(ctx context.Context, communityID int64, now time.Time) (*convene.Call, error) {
	// A call that started up to MaxDuration ago may still be running; keep the first one not yet
	// over. Cancelled calls are left out by the query, so the few that start within MaxDuration of
	// each other (at most one a day per series) are all that can come before it.
	rows, err := s.read().query(ctx, `SELECT `+listColumns+` FROM calls c WHERE c.community_id = ? AND c.status <> ? AND c.starts_at >= ?
		ORDER BY c.starts_at, c.id LIMIT 50`, communityID, convene.CallCancelled, now.Add(-convene.MaxDuration*time.Minute).UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() { // in time order: the first not over is the one, and the rest is not read
		c, err := scanListedCall(rows)
		if err != nil {
			return nil, err
		}
		if c.StatusAt(now) == convene.CallScheduled {
			rows.Close()
			return c, s.attachSeries(ctx, []*convene.Call{c})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return nil, convene.NotFound("call.none_upcoming")
}

// CreateCall adds an extra call to a series, outside its rule.
func (s *Store) CreateCall(ctx context.Context, c *convene.Call) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now()
	c.CreatedAt, c.UpdatedAt, c.OriginalStart = now, now, nil
	return s.inTx(ctx, func(tx conn) error {
		sr, err := scanSeries(tx.row(ctx, `SELECT `+seriesColumns+` FROM series WHERE id = ?`, c.SeriesID))
		if err != nil {
			return notFound(err, "series.not_found")
		}
		c.CommunityID, c.Series = sr.CommunityID, sr
		if err := checkTexts(ctx, tx, c.CommunityID, c); err != nil {
			return err
		}
		var season any
		if c.SeasonID != 0 {
			season = c.SeasonID
		}
		id, err := tx.insert(ctx, `INSERT INTO calls (community_id, series_id, season_id, starts_at, duration_minutes, status, title, theme, note,
			join_visibility, capacity, created_at, updated_at, translations, accessibility, attendance_mode, venue, in_person_capacity)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.CommunityID, c.SeriesID, season, c.StartsAt, c.DurationMinutes, c.Status, c.Title, c.Theme, c.Note,
			c.JoinVisibility, c.Capacity, now, now, textsJSON(c), jsonOf(c.OwnAccessibility), c.Mode(), jsonOf(c.Venue), c.InPersonCapacity)
		if err != nil {
			return err
		}
		c.ID = id
		if c.StartsAt.After(now) {
			return registerSubscribers(ctx, tx, c.SeriesID, c.ID, now)
		}
		return nil
	})
}

// UpdateCall saves a call's own time, duration, status, title, theme and note. Its sequence rises
// when anything a calendar holds changes, so later invitations replace earlier ones.
func (s *Store) UpdateCall(ctx context.Context, c *convene.Call) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		old, err := scanCall(tx.row(ctx, `SELECT `+callColumns+callFrom+` WHERE c.id = ? AND c.community_id = ?`, c.ID, c.CommunityID))
		if err != nil {
			return notFound(err, "call.not_found")
		}
		if err := checkTexts(ctx, tx, old.CommunityID, c); err != nil {
			return err
		}
		seq := old.Sequence
		if !old.StartsAt.Equal(c.StartsAt) || old.DurationMinutes != c.DurationMinutes || old.Status != c.Status ||
			old.Title != c.Title || old.Theme != c.Theme || old.Note != c.Note || old.JoinVisibility != c.JoinVisibility ||
			textsJSON(old) != textsJSON(c) || old.Mode() != c.Mode() || !reflect.DeepEqual(old.Venue, c.Venue) ||
			!reflect.DeepEqual(old.OwnAccessibility, c.OwnAccessibility) {
			seq++
		}
		c.Sequence, c.UpdatedAt = seq, now
		c.SeriesID, c.SeasonID, c.OriginalStart, c.Series, c.CreatedAt = old.SeriesID, old.SeasonID, old.OriginalStart, old.Series, old.CreatedAt
		_, err = tx.exec(ctx, `UPDATE calls SET starts_at = ?, duration_minutes = ?, status = ?, title = ?, theme = ?, note = ?, sequence = ?,
			join_visibility = ?, capacity = ?, updated_at = ?, translations = ?, outcome = ?,
			accessibility = ?, attendance_mode = ?, venue = ?, in_person_capacity = ?
			WHERE id = ?`, c.StartsAt, c.DurationMinutes, c.Status, c.Title, c.Theme, c.Note, c.Sequence, c.JoinVisibility, c.Capacity, now, textsJSON(c),
			c.Outcome, jsonOf(c.OwnAccessibility), c.Mode(), jsonOf(c.Venue), c.InPersonCapacity, c.ID)
		if err != nil {
			return err
		}
		if err := keepModes(ctx, tx, c, now); err != nil {
			return err
		}
		if seq != old.Sequence {
			if err := callChanged(ctx, tx, c.ID, seq, now); err != nil {
				return err
			}
		}
		// More places, or no limit any more: the waitlist moves up.
		if c.Status == convene.CallScheduled && (c.Capacity == 0 || c.Capacity > old.Capacity ||
			c.InPersonCapacity == 0 || c.InPersonCapacity > old.InPersonCapacity || c.Mode() != old.Mode()) {
			return promoteWaitlist(ctx, tx, c.ID, now)
		}
		return nil
	})
}

// bumpSequence marks a call changed for calendars, e.g. when its agenda or join kit changes.
func bumpSequence(ctx context.Context, tx conn, callID int64, now time.Time) error {
	_, err := tx.exec(ctx, `UPDATE calls SET sequence = sequence + 1, updated_at = ? WHERE id = ?`, now, callID)
	return err
}

// FillRecorded says, for each call of a list that has ended, whether its minutes or attendance
// show it took place (Call.Recorded, which Call.Shown reads): one query for the list, asked only
// by the pages that show it, rather than two probes in every call read.
func (s *Store) FillRecorded(ctx context.Context, calls []*convene.Call) error {
	now := s.now()
	var ids []any
	byID := map[int64]*convene.Call{}
	for _, c := range calls {
		if c != nil && c.Status != convene.CallCancelled && !c.EndsAt().After(now) {
			ids = append(ids, c.ID)
			byID[c.ID] = c
		}
	}
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		in := placeholders(len(batch))
		rows, err := s.read().query(ctx, `SELECT call_id FROM minutes WHERE call_id IN (`+in+`)
			UNION SELECT DISTINCT call_id FROM attendance WHERE call_id IN (`+in+`)`, append(append([]any{}, batch...), batch...)...)
		if err != nil {
			return err
		}
		err = collect(rows, func(r interface{ Scan(...any) error }) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, func(id int64) { byID[id].Recorded = true })
		if err != nil {
			return err
		}
	}
	return nil
}

// attachSeries gives each call of a list its series, read once per series: each call gets its own
// copy (a page localizes each call's series in place), sharing the texts that are only read.
func (s *Store) attachSeries(ctx context.Context, calls []*convene.Call) error {
	byID := map[int64]*convene.Series{}
	var ids []any
	for _, c := range calls {
		if _, ok := byID[c.SeriesID]; !ok {
			byID[c.SeriesID] = nil
			ids = append(ids, c.SeriesID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.read().query(ctx, `SELECT `+seriesColumns+` FROM series WHERE id IN (`+placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return err
	}
	if err := collect(rows, scanSeries, func(sr *convene.Series) { byID[sr.ID] = sr }); err != nil {
		return err
	}
	for _, c := range calls {
		if sr := byID[c.SeriesID]; sr != nil {
			copied := *sr
			c.Series = &copied
		}
	}
	return nil
}
