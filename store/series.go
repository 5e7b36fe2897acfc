package store

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"time"

	"github.com/opengovcall/convene"
)

const seriesColumns = `id, community_id, title, description, rrule, starts_on, start_time, time_zone, duration_minutes, join_visibility, reveal_minutes, reminders, created_at, updated_at, translations, accessibility`

func scanSeries(row interface{ Scan(...any) error }) (*convene.Series, error) {
	var s convene.Series
	var startsOn string
	err := row.Scan(&s.ID, &s.CommunityID, &s.Title, &s.Description, &s.RRule, &startsOn, &s.StartTime,
		&s.TimeZone, &s.DurationMinutes, &s.JoinVisibility, &s.RevealMinutes, &s.Reminders, &s.CreatedAt, &s.UpdatedAt, texts(&s.Texts),
		accessColumn(&s.Accessibility))
	s.StartsOn = parseDateText(startsOn)
	return &s, err
}

// CreateSeries stores a new call series in a community. Its calls come with its seasons.
func (s *Store) CreateSeries(ctx context.Context, sr *convene.Series) error {
	sr.Normalize()
	if err := sr.Validate(); err != nil {
		return err
	}
	sr.CreatedAt, sr.UpdatedAt = s.now(), s.now()
	if err := checkTexts(ctx, s.read(), sr.CommunityID, sr); err != nil {
		return err
	}
	id, err := s.read().insert(ctx, `INSERT INTO series (community_id, title, description, rrule, starts_on, start_time, time_zone, duration_minutes,
		join_visibility, reveal_minutes, reminders, created_at, updated_at, translations, accessibility)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sr.CommunityID, sr.Title, sr.Description, sr.RRule, dateText(sr.StartsOn), sr.StartTime, sr.TimeZone,
		sr.DurationMinutes, sr.JoinVisibility, sr.RevealMinutes, sr.Reminders, sr.CreatedAt, sr.UpdatedAt, textsJSON(sr), jsonOf(&sr.Accessibility))
	if err != nil {
		return err
	}
	sr.ID = id
	return nil
}

// SetSeriesJoinVisibility sets who sees a series' join details. Its future calls take a new
// sequence, so calendars and invitations follow.
func (s *Store) SetSeriesJoinVisibility(ctx context.Context, communityID, seriesID int64, level string) error {
	if !slices.Contains(convene.JoinLevels, level) {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "join_visibility", Key: "join_visibility.invalid"})
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE series SET join_visibility = ?, updated_at = ? WHERE id = ? AND community_id = ?`, level, now, seriesID, communityID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return convene.NotFound("series.not_found")
		}
		_, err = tx.exec(ctx, `UPDATE calls SET sequence = sequence + 1, updated_at = ? WHERE series_id = ? AND starts_at > ?`, now, seriesID, now)
		return err
	})
}

// UpdateSeries saves a series. When its schedule changes, the future calls of every season follow
// the new rule in the same transaction; past calls stay as they were held.
func (s *Store) UpdateSeries(ctx context.Context, sr *convene.Series) error {
	sr.Normalize()
	if err := sr.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		old, err := scanSeries(tx.row(ctx, `SELECT `+seriesColumns+` FROM series WHERE id = ? AND community_id = ?`, sr.ID, sr.CommunityID))
		if err != nil {
			return notFound(err, "series.not_found")
		}
		sr.UpdatedAt = now
		if err := checkTexts(ctx, tx, sr.CommunityID, sr); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE series SET title = ?, description = ?, rrule = ?, starts_on = ?, start_time = ?, time_zone = ?, duration_minutes = ?,
			join_visibility = ?, reveal_minutes = ?, reminders = ?, updated_at = ?, translations = ?, accessibility = ?
			WHERE id = ?`, sr.Title, sr.Description, sr.RRule, dateText(sr.StartsOn), sr.StartTime, sr.TimeZone,
			sr.DurationMinutes, sr.JoinVisibility, sr.RevealMinutes, sr.Reminders, sr.UpdatedAt, textsJSON(sr), jsonOf(&sr.Accessibility), sr.ID); err != nil {
			return err
		}
		if old.DurationMinutes != sr.DurationMinutes {
			if _, err := tx.exec(ctx, `UPDATE calls SET duration_minutes = ?, sequence = sequence + 1, updated_at = ?
				WHERE series_id = ? AND starts_at > ? AND duration_minutes = ?`,
				sr.DurationMinutes, now, sr.ID, now, old.DurationMinutes); err != nil {
				return err
			}
		}
		if old.JoinVisibility != sr.JoinVisibility || old.RevealMinutes != sr.RevealMinutes || old.Title != sr.Title ||
			!reflect.DeepEqual(old.Accessibility, sr.Accessibility) {
			// What calendars show of each future call changes with these.
			if _, err := tx.exec(ctx, `UPDATE calls SET sequence = sequence + 1, updated_at = ? WHERE series_id = ? AND starts_at > ?`,
				now, sr.ID, now); err != nil {
				return err
			}
		}
		if old.RRule == sr.RRule && old.StartsOn == sr.StartsOn && old.StartTime == sr.StartTime && old.TimeZone == sr.TimeZone {
			return nil
		}
		seasons, err := seasonsOf(ctx, tx, sr.ID)
		if err != nil {
			return err
		}
		future := func(t time.Time) bool { return t.After(now) }
		for _, se := range seasons {
			if err := syncSeason(ctx, tx, sr, se, now, future); err != nil {
				return err
			}
		}
		return nil
	})
}

// SeriesByID finds a series.
func (s *Store) SeriesByID(ctx context.Context, id int64) (*convene.Series, error) {
	sr, err := scanSeries(s.read().row(ctx, `SELECT `+seriesColumns+` FROM series WHERE id = ?`, id))
	return sr, notFound(err, "series.not_found")
}

// SeriesOf lists a community's series by title.
func (s *Store) SeriesOf(ctx context.Context, communityID int64) ([]*convene.Series, error) {
	rows, err := s.read().query(ctx, `SELECT `+seriesColumns+` FROM series WHERE community_id = ? ORDER BY title, id`, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Series
	for rows.Next() {
		sr, err := scanSeries(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

const seasonColumns = `id, series_id, name, starts_on, ends_on, note, paused_at, created_at, updated_at, translations`

func scanSeason(row interface{ Scan(...any) error }) (*convene.Season, error) {
	var se convene.Season
	var startsOn, endsOn string
	var paused sql.NullTime
	err := row.Scan(&se.ID, &se.SeriesID, &se.Name, &startsOn, &endsOn, &se.Note, &paused, &se.CreatedAt, &se.UpdatedAt, texts(&se.Texts))
	se.StartsOn, se.EndsOn, se.PausedAt = parseDateText(startsOn), parseDateText(endsOn), timePtr(paused)
	return &se, err
}

func seasonsOf(ctx context.Context, c conn, seriesID int64) ([]*convene.Season, error) {
	rows, err := c.query(ctx, `SELECT `+seasonColumns+` FROM seasons WHERE series_id = ? ORDER BY starts_on, id`, seriesID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Season
	for rows.Next() {
		se, err := scanSeason(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, se)
	}
	return out, rows.Err()
}

// SeasonsOf lists a series' seasons in time order.
func (s *Store) SeasonsOf(ctx context.Context, seriesID int64) ([]*convene.Season, error) {
	return seasonsOf(ctx, s.read(), seriesID)
}

// SeasonByID finds a season.
func (s *Store) SeasonByID(ctx context.Context, id int64) (*convene.Season, error) {
	se, err := scanSeason(s.read().row(ctx, `SELECT `+seasonColumns+` FROM seasons WHERE id = ?`, id))
	return se, notFound(err, "season.not_found")
}

// checkOverlap refuses a season whose days overlap another season of the same series.
func checkOverlap(ctx context.Context, tx conn, se *convene.Season) error {
	var n int
	err := tx.row(ctx, `SELECT COUNT(*) FROM seasons WHERE series_id = ? AND id <> ? AND starts_on <= ? AND ends_on >= ?`,
		se.SeriesID, se.ID, dateText(se.EndsOn), dateText(se.StartsOn)).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return &convene.Error{Code: convene.ECONFLICT, Key: "season.overlaps",
			Fields: []convene.FieldError{{Field: "starts_on", Key: "season.overlaps"}}}
	}
	return nil
}

// CreateSeason stores a season and adds a call for every occurrence of the series' rule within it.
func (s *Store) CreateSeason(ctx context.Context, se *convene.Season) error {
	se.Normalize()
	if err := se.Validate(); err != nil {
		return err
	}
	now := s.now()
	se.CreatedAt, se.UpdatedAt = now, now
	return s.inTx(ctx, func(tx conn) error {
		sr, err := scanSeries(tx.row(ctx, `SELECT `+seriesColumns+` FROM series WHERE id = ?`, se.SeriesID))
		if err != nil {
			return notFound(err, "series.not_found")
		}
		if err := checkOverlap(ctx, tx, se); err != nil {
			return err
		}
		if err := checkTexts(ctx, tx, sr.CommunityID, se); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO seasons (series_id, name, starts_on, ends_on, note, created_at, updated_at, translations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			se.SeriesID, se.Name, dateText(se.StartsOn), dateText(se.EndsOn), se.Note, se.CreatedAt, se.UpdatedAt, textsJSON(se))
		if err != nil {
			return err
		}
		se.ID = id
		return syncSeason(ctx, tx, sr, se, now, func(time.Time) bool { return true })
	})
}

// UpdateSeason saves a season's name, note and days. Extending it adds the occurrences of the new
// days, past ones included (a season extended after the fact is recorded as held); shortening it
// removes its future calls beyond the new end.
func (s *Store) UpdateSeason(ctx context.Context, se *convene.Season) error {
	se.Normalize()
	if err := se.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		old, err := scanSeason(tx.row(ctx, `SELECT `+seasonColumns+` FROM seasons WHERE id = ? AND series_id = ?`, se.ID, se.SeriesID))
		if err != nil {
			return notFound(err, "season.not_found")
		}
		sr, err := scanSeries(tx.row(ctx, `SELECT `+seriesColumns+` FROM series WHERE id = ?`, se.SeriesID))
		if err != nil {
			return err
		}
		if err := checkOverlap(ctx, tx, se); err != nil {
			return err
		}
		se.PausedAt, se.CreatedAt, se.UpdatedAt = old.PausedAt, old.CreatedAt, now
		if err := checkTexts(ctx, tx, sr.CommunityID, se); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE seasons SET name = ?, starts_on = ?, ends_on = ?, note = ?, updated_at = ?, translations = ? WHERE id = ?`,
			se.Name, dateText(se.StartsOn), dateText(se.EndsOn), se.Note, se.UpdatedAt, textsJSON(se), se.ID); err != nil {
			return err
		}
		loc, _ := convene.LoadZone(sr.TimeZone)
		newDay := func(t time.Time) bool { return t.After(now) || !old.Contains(convene.DateOf(t.In(loc))) }
		return syncSeason(ctx, tx, sr, se, now, newDay)
	})
}

// PauseSeason stops a season from now on: its future calls are removed (or cancelled, when they
// already carry an agenda or notes) until it is resumed.
func (s *Store) PauseSeason(ctx context.Context, seasonID int64) error {
	return s.setPaused(ctx, seasonID, true)
}

// ResumeSeason undoes a pause: the season's future occurrences are scheduled again.
func (s *Store) ResumeSeason(ctx context.Context, seasonID int64) error {
	return s.setPaused(ctx, seasonID, false)
}

func (s *Store) setPaused(ctx context.Context, seasonID int64, paused bool) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		se, err := scanSeason(tx.row(ctx, `SELECT `+seasonColumns+` FROM seasons WHERE id = ?`, seasonID))
		if err != nil {
			return notFound(err, "season.not_found")
		}
		sr, err := scanSeries(tx.row(ctx, `SELECT `+seriesColumns+` FROM series WHERE id = ?`, se.SeriesID))
		if err != nil {
			return err
		}
		if paused == se.Paused() {
			return nil
		}
		se.PausedAt = nil
		if paused {
			se.PausedAt = &now
		}
		if _, err := tx.exec(ctx, `UPDATE seasons SET paused_at = ?, updated_at = ? WHERE id = ?`, nullTime(se.PausedAt), now, se.ID); err != nil {
			return err
		}
		if !paused {
			// Calls the pause cancelled because they carried content come back, under their old
			// identities; everyone with a place is sent the call again.
			if err := changedCalls(ctx, tx, `UPDATE calls SET status = 'scheduled', sequence = sequence + 1, updated_at = ?
				WHERE season_id = ? AND starts_at > ? AND status = 'cancelled' AND updated_at >= ? AND original_start IS NOT NULL
				RETURNING id, sequence`, now,
				now, se.ID, now, pausedSince(se, now)); err != nil {
				return err
			}
		}
		return syncSeason(ctx, tx, sr, se, now, func(t time.Time) bool { return t.After(now) })
	})
}

func pausedSince(se *convene.Season, now time.Time) time.Time {
	if se.PausedAt != nil {
		return *se.PausedAt
	}
	return se.UpdatedAt
}

// generatedCall is what syncing needs to know of a stored call made by the rule.
type generatedCall struct {
	id            int64
	originalStart time.Time
	startsAt      time.Time
	status        string
	hasContent    bool
	kept          bool
}

// syncSeason makes a season's calls match its series' rule. An occurrence with no call yet gets one
// when insert allows its start; a future call whose occurrence moved to another time of the same
// day follows it; a future call the rule no longer produces is deleted, or cancelled when it holds
// an agenda, notes or its own join kit. Past calls are never changed.
func syncSeason(ctx context.Context, tx conn, sr *convene.Series, se *convene.Season, now time.Time, insert func(time.Time) bool) error {
	if err := ctx.Err(); err != nil { // a visitor who left, or the request's database deadline
		return err
	}
	occ, err := sr.Occurrences(se.StartsOn, se.EndsOn)
	if err != nil {
		return err
	}
	if se.PausedAt != nil {
		kept := occ[:0]
		for _, t := range occ {
			if t.Before(*se.PausedAt) {
				kept = append(kept, t)
			}
		}
		occ = kept
	}
	rows, err := tx.query(ctx, `SELECT c.id, c.original_start, c.starts_at, c.status,
		(c.title <> '' OR c.theme <> '' OR c.note <> '' OR c.translations <> '{}'
		 OR EXISTS (SELECT 1 FROM agenda_items a WHERE a.call_id = c.id)
		 OR EXISTS (SELECT 1 FROM join_kits k WHERE k.call_id = c.id)
		 OR EXISTS (SELECT 1 FROM registrations r WHERE r.call_id = c.id AND r.status <> 'cancelled'))
		FROM calls c WHERE c.series_id = ? AND c.original_start IS NOT NULL AND (c.season_id = ? OR c.season_id IS NULL)`, sr.ID, se.ID)
	if err != nil {
		return err
	}
	var existing []*generatedCall
	byStart := map[int64]*generatedCall{}
	for rows.Next() {
		g := &generatedCall{}
		if err := rows.Scan(&g.id, &g.originalStart, &g.startsAt, &g.status, &g.hasContent); err != nil {
			rows.Close()
			return err
		}
		existing = append(existing, g)
		byStart[g.originalStart.Unix()] = g
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	loc, _ := convene.LoadZone(sr.TimeZone)
	sameDay := func(t time.Time) *generatedCall {
		d := convene.DateOf(t.In(loc))
		for _, g := range existing {
			if !g.kept && g.startsAt.After(now) && convene.DateOf(g.originalStart.In(loc)) == d && byStartMissing(occ, g.originalStart) {
				return g
			}
		}
		return nil
	}
	for _, t := range occ {
		t = t.UTC()
		if g, ok := byStart[t.Unix()]; ok {
			g.kept = true
			continue
		}
		if !t.After(now) && !insert(t) {
			continue
		}
		if g := sameDay(t); g != nil {
			g.kept = true
			moved := !g.startsAt.Equal(g.originalStart)
			start := t
			if moved {
				start = g.startsAt
			}
			if _, err := tx.exec(ctx, `UPDATE calls SET original_start = ?, starts_at = ?, season_id = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?`,
				t, start, se.ID, now, g.id); err != nil {
				return err
			}
			if err := changedCalls(ctx, tx, `SELECT id, sequence FROM calls WHERE id = ?`, now, g.id); err != nil {
				return err
			}
			continue
		}
		if !insert(t) {
			continue
		}
		var id int64
		err := tx.row(ctx, `INSERT INTO calls (community_id, series_id, season_id, original_start, starts_at, duration_minutes, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?, ?) ON CONFLICT (series_id, original_start) DO NOTHING RETURNING id`,
			sr.CommunityID, sr.ID, se.ID, t, t, sr.DurationMinutes, now, now).Scan(&id)
		if err != nil && notFound(err, "") == err {
			return err
		}
		if err == nil && t.After(now) {
			if err := registerSubscribers(ctx, tx, sr.ID, id, now); err != nil {
				return err
			}
		}
	}
	for _, g := range existing {
		if g.kept || !g.startsAt.After(now) {
			continue
		}
		if g.hasContent {
			if g.status != convene.CallCancelled {
				if _, err := tx.exec(ctx, `UPDATE calls SET status = 'cancelled', sequence = sequence + 1, updated_at = ? WHERE id = ?`, now, g.id); err != nil {
					return err
				}
				if err := changedCalls(ctx, tx, `SELECT id, sequence FROM calls WHERE id = ?`, now, g.id); err != nil {
					return err
				}
			}
			continue
		}
		if _, err := tx.exec(ctx, `DELETE FROM calls WHERE id = ?`, g.id); err != nil {
			return err
		}
	}
	return nil
}

// byStartMissing reports whether start is not among the rule's occurrences, i.e. the call's
// occurrence has gone and it may follow a new one.
func byStartMissing(occ []time.Time, start time.Time) bool {
	for _, t := range occ {
		if t.Equal(start) {
			return false
		}
	}
	return true
}
