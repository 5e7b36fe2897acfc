package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// MaxReachPeople is the most people a list behind a reach figure holds.
const MaxReachPeople = 1000

// indexedBy names the index SQLite is to read a table through, where its planner would
// otherwise sort a million rows rather than stream them in index order; PostgreSQL plans these
// reads well by itself.
func (rr reachRange) indexedBy(index string) string {
	if rr.d == sqliteDialect {
		return " INDEXED BY " + index
	}
	return ""
}

// reachRange is a report's calls as SQL: the "rc" common table (id, starts_at) and its arguments.
type reachRange struct {
	d         dialect
	cte       string
	args      []any
	openStart bool  // no season and no first day: nobody came before the range
	summary   bool  // a season or all time, which the per-person summaries answer
	seasonID  int64 // the season the summaries are read for; 0 for all time
}

// ReachSeasons lists the seasons of every series of a community, oldest first.
func (s *Store) ReachSeasons(ctx context.Context, communityID int64) ([]convene.ReachSeason, error) {
	rows, err := s.read().query(ctx, `SELECT se.id, se.name, se.starts_on, se.ends_on FROM seasons se
		JOIN series sr ON sr.id = se.series_id WHERE sr.community_id = ? ORDER BY se.starts_on, se.id`, communityID)
	if err != nil {
		return nil, err
	}
	var out []convene.ReachSeason
	return out, collect(rows, func(r interface{ Scan(...any) error }) (convene.ReachSeason, error) {
		var se convene.ReachSeason
		var from, to string
		err := r.Scan(&se.ID, &se.Name, &from, &to)
		se.StartsOn, se.EndsOn = parseDateText(from), parseDateText(to)
		return se, err
	}, func(se convene.ReachSeason) { out = append(out, se) })
}

// resolveReach checks the filter against the community's seasons and returns the range's calls
// as SQL, the season reported on and the one before it.
func resolveReach(d dialect, c *convene.Community, seasons []convene.ReachSeason, f convene.ReachFilter) (reachRange, *convene.ReachSeason, *convene.ReachSeason, error) {
	if err := f.Validate(); err != nil {
		return reachRange{}, nil, nil, err
	}
	loc, err := convene.LoadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	rr := reachRange{d: d, cte: `rc AS (SELECT id, starts_at FROM calls WHERE community_id = ? AND status = 'scheduled'`, args: []any{c.ID},
		openStart: f.SeasonID == 0 && f.From.IsZero(), summary: f.SeasonID != 0 || f.From.IsZero() && f.To.IsZero(), seasonID: f.SeasonID}
	var season, previous *convene.ReachSeason
	switch {
	case f.SeasonID != 0:
		for i := range seasons {
			if seasons[i].ID == f.SeasonID {
				season = &seasons[i]
			}
		}
		if season == nil {
			return reachRange{}, nil, nil, convene.Invalid("reach.bad_range", nil,
				convene.FieldError{Field: "season", Key: "reach.season_unknown"})
		}
		for i := range seasons {
			if seasons[i].StartsOn.Before(season.StartsOn) {
				previous = &seasons[i]
			}
		}
		rr.cte += ` AND season_id = ?`
		rr.args = append(rr.args, f.SeasonID)
	default:
		if !f.From.IsZero() {
			rr.cte += ` AND starts_at >= ?`
			rr.args = append(rr.args, f.From.In(loc).UTC())
			for i := range seasons {
				if seasons[i].EndsOn.Before(f.From) {
					previous = &seasons[i]
				}
			}
		}
		if !f.To.IsZero() {
			rr.cte += ` AND starts_at < ?`
			rr.args = append(rr.args, f.To.AddDays(1).In(loc).UTC())
		}
	}
	rr.cte += `)`
	return rr, season, previous, nil
}

// reachPersonCTEs define "p": each person who attended a call of the range, once, with the first
// and last calls of the range they came to, one jurisdiction and sector (the greatest, should
// their profile have changed within the range), the number of calls, whether they are a
// first-timer (whether their first call in the community ever is in the range) and, with names,
// their user id and the name a report gave a guest. A season or all time reads the per-person
// summaries; any other range reads its attendance: with no first day in person order
// (attendance_reach), everyone in it a first-timer, otherwise call by call (attendance_range),
// a first-timer being someone whose first call in the range is their first ever (the all-time
// summary). It returns the SQL and its arguments, which follow the range's.
func reachPersonCTEs(rr reachRange, communityID int64, names bool) (string, []any) {
	if rr.summary {
		cols := ""
		if names {
			cols = ", user_id, guest_name"
		}
		if rr.seasonID != 0 {
			return `p AS (SELECT person_key, first_in, last_in, jurisdiction, sector, calls, first_time` + cols + `
			FROM reach_season_people WHERE community_id = ? AND season_id = ? AND calls > 0)`, []any{communityID, rr.seasonID}
		}
		return `p AS (SELECT person_key, first_in, last_in, jurisdiction, sector, calls, 1 AS first_time` + cols + `
		FROM reach_people WHERE community_id = ? AND calls > 0)`, []any{communityID}
	}
	extra := ""
	if names {
		extra = ", MAX(a.user_id) AS user_id, MAX(a.guest_name) AS guest_name"
	}
	if rr.openStart {
		return `q AS MATERIALIZED (SELECT a.person_key, MIN(rc.starts_at) AS first_in, MAX(rc.starts_at) AS last_in,
		MAX(a.jurisdiction) AS jurisdiction, MAX(a.sector) AS sector, COUNT(*) AS calls` + extra + `
		FROM attendance a` + rr.indexedBy("attendance_reach") + ` JOIN rc ON rc.id = a.call_id WHERE a.community_id = ? GROUP BY a.person_key),
	p AS (SELECT q.*, 1 AS first_time FROM q)`, []any{communityID}
	}
	return `q AS MATERIALIZED (SELECT a.person_key, MIN(rc.starts_at) AS first_in, MAX(rc.starts_at) AS last_in,
		MAX(a.jurisdiction) AS jurisdiction, MAX(a.sector) AS sector, COUNT(*) AS calls` + extra + `
		FROM rc JOIN attendance a` + rr.indexedBy("attendance_range") + ` ON a.call_id = rc.id WHERE a.community_id = ? GROUP BY a.person_key),
	p AS (SELECT q.*, CASE WHEN e.first_in IS NULL OR q.first_in <= e.first_in THEN 1 ELSE 0 END AS first_time
		FROM q LEFT JOIN reach_people e ON e.community_id = ? AND e.person_key = q.person_key)`, []any{communityID, communityID}
}

// reachLock is the class of the PostgreSQL advisory lock that lets one refresh of a community's
// reach summaries run at a time.
const reachLock = 7265

// reachBatch is how many people one transaction of a refresh summarizes, so that summarizing a
// whole community (the first report after upgrading) never holds SQLite's write lock for long.
const reachBatch = 5000

// RefreshReach recomputes the reach summaries of the people of a community whose attendance,
// registrations, calls or profile changed since the last refresh (triggers mark them, whichever
// code made the change). Reports call it first, so summaries are never read out of date; its cost
// grows with the people marked and their history, not with the community. It works through them
// reachBatch at a time, each batch one transaction, and goes on if the caller goes away, so work
// done is never thrown back; a batch that fails leaves its marks for the next refresh.
func (s *Store) RefreshReach(ctx context.Context, communityID int64) error {
	ctx = context.WithoutCancel(ctx)
	for {
		var stale int
		if err := s.read().row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM reach_stale WHERE community_id = ? LIMIT 1) x`,
			communityID).Scan(&stale); err != nil || stale == 0 {
			return err
		}
		if err := s.inTx(ctx, func(tx conn) error {
			claim := []string{
				`INSERT INTO reach_refresh (community_id, person_key, user_id) SELECT community_id, person_key, MAX(user_id)
				FROM reach_stale WHERE community_id = ? GROUP BY community_id, person_key LIMIT ` + fmt.Sprint(reachBatch),
				`DELETE FROM reach_stale WHERE community_id = ? AND person_key IN (SELECT person_key FROM reach_refresh WHERE community_id = ?)`,
			}
			if s.dialect == postgresDialect {
				// Refreshes of one community take turns; each claims the marks it can see, so a
				// mark committed meanwhile waits for the next rather than being lost.
				claim = []string{
					`SELECT pg_advisory_xact_lock(` + fmt.Sprint(reachLock) + `, ?)`,
					`WITH picked AS (SELECT DISTINCT person_key FROM reach_stale WHERE community_id = ? LIMIT ` + fmt.Sprint(reachBatch) + `),
					claimed AS (DELETE FROM reach_stale s USING picked WHERE s.community_id = ? AND s.person_key = picked.person_key
						RETURNING s.community_id, s.person_key, s.user_id)
				INSERT INTO reach_refresh (community_id, person_key, user_id)
				SELECT community_id, person_key, MAX(user_id) FROM claimed GROUP BY community_id, person_key`,
				}
			}
			for _, q := range append(claim, reachRefresh...) {
				args := make([]any, strings.Count(q, "?"))
				for i := range args {
					args[i] = communityID
				}
				if _, err := tx.exec(ctx, q, args...); err != nil {
					return fmt.Errorf("refresh reach: %w", err)
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
}

// reachRefresh recomputes the summaries of the people in reach_refresh from their attendance and
// registrations at held calls: each season's row, then the all-time row from the seasons'. A
// season holds a person's first call when its first call is their earliest. The figures per season
// (reach_cells, reach_firsts) lose what the old rows counted and gain what the new rows count, so a
// refresh costs what its people weigh, not what the community does. Every argument is the community.
var reachRefresh = slices.Concat(reachCount("-"), []string{
	`DELETE FROM reach_season_people WHERE community_id = ?
		AND person_key IN (SELECT person_key FROM reach_refresh WHERE community_id = ?)`,
	`INSERT INTO reach_season_people (community_id, season_id, person_key, user_id, guest_name, first_in, last_in, calls,
		jurisdiction, sector, first_time, registrations, came, reg_jurisdiction, reg_sector)
	SELECT community_id, season_id, person_key, MAX(user_id), MAX(guest_name), MIN(first_in), MAX(last_in), SUM(calls),
		MAX(jurisdiction), MAX(sector), CASE WHEN MIN(first_in) = MIN(MIN(first_in)) OVER (PARTITION BY person_key) THEN 1 ELSE 0 END,
		SUM(registrations), SUM(came), MAX(reg_jurisdiction), MAX(reg_sector)
	FROM (SELECT f.community_id, COALESCE(c.season_id, 0) AS season_id, f.person_key, a.user_id, a.guest_name,
			c.starts_at AS first_in, c.starts_at AS last_in, 1 AS calls, a.jurisdiction, a.sector, 0 AS registrations, 0 AS came,
			'' AS reg_jurisdiction, '' AS reg_sector
		FROM reach_refresh f JOIN attendance a ON a.community_id = f.community_id AND a.person_key = f.person_key
		JOIN calls c ON c.id = a.call_id
		WHERE f.community_id = ? AND c.status = 'scheduled'
		UNION ALL
		SELECT f.community_id, COALESCE(c.season_id, 0), f.person_key, r.user_id, '', NULL, NULL, 0, '', '', 1,
			CASE WHEN EXISTS (SELECT 1 FROM attendance a WHERE a.call_id = r.call_id AND a.person_key = f.person_key) THEN 1 ELSE 0 END,
			u.jurisdiction, u.sector
		FROM reach_refresh f JOIN registrations r ON r.user_id = f.user_id JOIN calls c ON c.id = r.call_id
		JOIN users u ON u.id = r.user_id
		WHERE f.community_id = ? AND r.status = 'registered' AND c.community_id = f.community_id AND c.status = 'scheduled') x
	GROUP BY community_id, season_id, person_key`,
	`DELETE FROM reach_people WHERE community_id = ?
		AND person_key IN (SELECT person_key FROM reach_refresh WHERE community_id = ?)`,
	`INSERT INTO reach_people (community_id, person_key, user_id, guest_name, first_in, last_in, calls, jurisdiction, sector,
		registrations, came, reg_jurisdiction, reg_sector)
	SELECT s.community_id, s.person_key, MAX(s.user_id), MAX(s.guest_name), MIN(s.first_in), MAX(s.last_in), SUM(s.calls),
		MAX(s.jurisdiction), MAX(s.sector), SUM(s.registrations), SUM(s.came), MAX(s.reg_jurisdiction), MAX(s.reg_sector)
	FROM reach_refresh f JOIN reach_season_people s ON s.community_id = f.community_id AND s.person_key = f.person_key
	WHERE f.community_id = ? GROUP BY s.community_id, s.person_key`,
}, reachCount("+"), []string{
	`DELETE FROM reach_cells WHERE community_id = ? AND attended = 0 AND registered = 0`,
	`DELETE FROM reach_firsts WHERE community_id = ? AND people = 0`,
	`DELETE FROM reach_refresh WHERE community_id = ?`,
})

// reachAllTime is the season of reach_cells and reach_firsts that counts all time.
const reachAllTime = -1

// reachCount adds (sign "+") or takes away ("-") what the summaries of the people in
// reach_refresh count in each season's figures and all time's.
func reachCount(sign string) []string {
	people := `FROM reach_refresh f JOIN reach_season_people s ON s.community_id = f.community_id AND s.person_key = f.person_key
			WHERE f.community_id = ?`
	everyone := `FROM reach_refresh f JOIN reach_people p ON p.community_id = f.community_id AND p.person_key = f.person_key
			WHERE f.community_id = ?`
	all := fmt.Sprint(reachAllTime)
	return []string{`INSERT INTO reach_cells (community_id, season_id, jurisdiction, sector, attended, first_time, retained, registered,
		registrations, came)
	SELECT community_id, season_id, jurisdiction, sector, ` + sign + `SUM(attended), ` + sign + `SUM(first_time), ` + sign + `SUM(retained),
		` + sign + `SUM(registered), ` + sign + `SUM(registrations), ` + sign + `SUM(came)
	FROM (SELECT s.community_id, s.season_id, s.jurisdiction, s.sector, 1 AS attended, s.first_time,
			CASE WHEN s.first_time = 1 AND s.last_in > s.first_in THEN 1 ELSE 0 END AS retained, 0 AS registered, 0 AS registrations, 0 AS came
			` + people + ` AND s.calls > 0
		UNION ALL
		SELECT s.community_id, s.season_id, s.reg_jurisdiction, s.reg_sector, 0, 0, 0, 1, s.registrations, s.came
			` + people + ` AND s.registrations > 0
		UNION ALL
		SELECT p.community_id, ` + all + `, p.jurisdiction, p.sector, 1, 1, CASE WHEN p.last_in > p.first_in THEN 1 ELSE 0 END, 0, 0, 0
			` + everyone + ` AND p.calls > 0
		UNION ALL
		SELECT p.community_id, ` + all + `, p.reg_jurisdiction, p.reg_sector, 0, 0, 0, 1, p.registrations, p.came
			` + everyone + ` AND p.registrations > 0) x
	WHERE 1 = 1 GROUP BY community_id, season_id, jurisdiction, sector
	ON CONFLICT (community_id, season_id, jurisdiction, sector) DO UPDATE SET attended = reach_cells.attended + excluded.attended,
		first_time = reach_cells.first_time + excluded.first_time, retained = reach_cells.retained + excluded.retained,
		registered = reach_cells.registered + excluded.registered, registrations = reach_cells.registrations + excluded.registrations,
		came = reach_cells.came + excluded.came`,
		`INSERT INTO reach_firsts (community_id, season_id, first_in, people)
	SELECT community_id, season_id, first_in, ` + sign + `COUNT(*)
	FROM (SELECT s.community_id, s.season_id, s.first_in ` + people + ` AND s.first_time = 1
		UNION ALL
		SELECT p.community_id, ` + all + `, p.first_in ` + everyone + ` AND p.calls > 0) x
	WHERE 1 = 1 GROUP BY community_id, season_id, first_in
	ON CONFLICT (community_id, season_id, first_in) DO UPDATE SET people = reach_firsts.people + excluded.people`}
}

// reachRegistrations defines "g": each member registered for a call of the range, once, with
// their current jurisdiction and sector, their registrations kept and how many of those calls
// they came to. A season or all time reads the summaries. Arguments follow the range's.
func reachRegistrations(rr reachRange, communityID int64) (string, []any) {
	if rr.summary {
		from, args := `reach_people s JOIN users u ON u.id = s.user_id WHERE s.community_id = ?`, []any{communityID}
		if rr.seasonID != 0 {
			from, args = `reach_season_people s JOIN users u ON u.id = s.user_id WHERE s.community_id = ? AND s.season_id = ?`,
				[]any{communityID, rr.seasonID}
		}
		return `g AS (SELECT s.user_id, u.jurisdiction, u.sector, s.registrations AS regs, s.came
			FROM ` + from + ` AND s.registrations > 0)`, args
	}
	// Each registered member once (a hash aggregate on PostgreSQL rather than a sort for
	// COUNT(DISTINCT)); whether they came is a join with the range's attendance only, so
	// PostgreSQL hashes a range's rows rather than a million. The unary plus keeps SQLite from
	// reading every registration through registrations_user to save the grouping a sort.
	return `g AS (SELECT r.user_id, MAX(u.jurisdiction) AS jurisdiction, MAX(u.sector) AS sector, COUNT(*) AS regs,
			SUM(CASE WHEN a.person_key IS NULL THEN 0 ELSE 1 END) AS came
			FROM rc JOIN registrations r` + rr.indexedBy("registrations_reach") + ` ON r.call_id = rc.id JOIN users u ON u.id = +r.user_id
			LEFT JOIN (SELECT call_id, person_key FROM attendance WHERE community_id = ? AND call_id IN (SELECT id FROM rc)) a
				ON a.call_id = r.call_id AND a.person_key = 'u:' || r.user_id
			WHERE r.status = 'registered' GROUP BY r.user_id)`, []any{communityID}
}

// Reach reports a community's reach over the calls the filter chooses, in a fixed handful of
// queries whatever the size of the community. A season or all time reads the figures the
// summaries keep (after refreshing what changed); any other range of dates counts its calls'
// attendance and registrations.
func (s *Store) Reach(ctx context.Context, c *convene.Community, f convene.ReachFilter) (*convene.ReachReport, error) {
	if err := s.RefreshReach(ctx, c.ID); err != nil {
		return nil, err
	}
	db := s.read()
	if s.dialect == postgresDialect {
		// One read-only transaction, so the figures agree with each other, tuned for a report:
		// compiling these aggregates just in time costs more than it saves, and hashing a season's
		// people needs more than the default working memory.
		tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		db = conn{q: tx, d: s.dialect, n: &s.queries}
		if _, err := db.exec(ctx, `SET LOCAL jit = off; SET LOCAL work_mem = '64MB'`); err != nil {
			return nil, err
		}
	}
	seasons, err := s.ReachSeasons(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	rr, season, previous, err := resolveReach(s.dialect, c, seasons, f)
	if err != nil {
		return nil, err
	}
	rep := &convene.ReachReport{Filter: f, Season: season, Previous: previous, Placed: map[string]int{}}
	cells := map[[2]string]*convene.ReachCell{}
	// A cell is a jurisdiction and a sector; municipal and Indigenous people who gave their
	// province ("municipal:ON") count in their jurisdiction's cell, and on the map in their province.
	cell := func(key, sec string) *convene.ReachCell {
		j, _ := convene.SplitJurisdiction(key)
		k := [2]string{j, sec}
		if cells[k] == nil {
			cells[k] = &convene.ReachCell{Jurisdiction: j, Sector: sec}
		}
		return cells[k]
	}

	qs := reachQueries(c, rr, previous)
	rows, err := db.query(ctx, qs[0].sql, qs[0].args...)
	if err != nil {
		return nil, err
	}
	firstTimers := map[int64]int{}
	err = collect(rows, func(r interface{ Scan(...any) error }) (struct{}, error) {
		var kind int
		var j, sec string
		var attended, first, retained int
		var callID int64
		if err := r.Scan(&kind, &j, &sec, &attended, &first, &retained, &callID); err != nil {
			return struct{}{}, err
		}
		if kind == 1 {
			firstTimers[callID] += first
			return struct{}{}, nil
		}
		x := cell(j, sec)
		x.Attended, x.FirstTime, x.Retained = x.Attended+attended, x.FirstTime+first, x.Retained+retained
		if _, province := convene.SplitJurisdiction(j); province != "" {
			rep.Placed[province] += attended
		}
		return struct{}{}, nil
	}, func(struct{}) {})
	if err != nil {
		return nil, err
	}

	rows, err = db.query(ctx, qs[1].sql, qs[1].args...)
	if err != nil {
		return nil, err
	}
	err = collect(rows, func(r interface{ Scan(...any) error }) (struct{}, error) {
		var j, sec string
		var people, regs, came int
		if err := r.Scan(&j, &sec, &people, &regs, &came); err != nil {
			return struct{}{}, err
		}
		x := cell(j, sec)
		x.Registered, x.Registrations, x.RegistrationsAttended = x.Registered+people, x.Registrations+regs, x.RegistrationsAttended+came
		return struct{}{}, nil
	}, func(struct{}) {})
	if err != nil {
		return nil, err
	}
	for _, x := range cells {
		rep.Cells = append(rep.Cells, *x)
	}
	// In one order, so that the same figures always read (and export) the same.
	slices.SortFunc(rep.Cells, func(a, b convene.ReachCell) int {
		return cmp.Or(strings.Compare(a.Jurisdiction, b.Jurisdiction), strings.Compare(a.Sector, b.Sector))
	})

	rows, err = db.query(ctx, qs[2].sql, qs[2].args...)
	if err != nil {
		return nil, err
	}
	err = collect(rows, func(r interface{ Scan(...any) error }) (convene.ReachCall, error) {
		var rc convene.ReachCall
		err := r.Scan(&rc.CallID, &rc.StartsAt, &rc.Title, &rc.Registered, &rc.Attended, &rc.Mode)
		rc.StartsAt = rc.StartsAt.UTC()
		rc.FirstTime = firstTimers[rc.CallID]
		return rc, err
	}, func(rc convene.ReachCall) {
		if rc.Registered > 0 || rc.Attended > 0 {
			rep.Calls = append(rep.Calls, rc)
		}
	})
	if err != nil {
		return nil, err
	}

	if err := splitModes(ctx, db, rep.Calls); err != nil {
		return nil, err
	}
	rep.Modes = convene.ReachModeSplit(rep.Calls)

	if previous != nil {
		rep.PreviousAttended = map[string]int{}
		rows, err := db.query(ctx, qs[3].sql, qs[3].args...)
		if err != nil {
			return nil, err
		}
		err = collect(rows, func(r interface{ Scan(...any) error }) (struct{}, error) {
			var j string
			var n int
			err := r.Scan(&j, &n)
			if base, province := convene.SplitJurisdiction(j); province != "" {
				j = province // placed on the map, which is what the previous season is compared on
			} else {
				j = base
			}
			rep.PreviousAttended[j] += n
			return struct{}{}, err
		}, func(struct{}) {})
		if err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// splitModes counts, for each call of a report held in a room, the registrations and attendance
// that were in person: all of a call held only in person, and for a hybrid call one query over
// the hybrid calls alone, so reports of calls all online cost nothing more.
func splitModes(ctx context.Context, db conn, calls []convene.ReachCall) error {
	byID := map[int64]*convene.ReachCall{}
	var hybrid []any
	for i := range calls {
		c := &calls[i]
		switch c.Mode {
		case convene.CallInPerson:
			c.InPersonRegistered, c.InPersonAttended = c.Registered, c.Attended
		case convene.CallHybrid:
			byID[c.CallID] = c
			hybrid = append(hybrid, c.CallID)
		}
	}
	for start := 0; start < len(hybrid); start += 500 {
		batch := hybrid[start:min(start+500, len(hybrid))]
		in := placeholders(len(batch))
		rows, err := db.query(ctx, `SELECT call_id, 0, COUNT(*) FROM attendance WHERE mode = 'in_person' AND call_id IN (`+in+`) GROUP BY call_id
			UNION ALL SELECT call_id, 1, COUNT(*) FROM registrations WHERE status = 'registered' AND mode = 'in_person' AND call_id IN (`+in+`) GROUP BY call_id`,
			append(append([]any{}, batch...), batch...)...)
		if err != nil {
			return err
		}
		err = collect(rows, func(r interface{ Scan(...any) error }) (struct{}, error) {
			var id int64
			var kind, n int
			if err := r.Scan(&id, &kind, &n); err != nil {
				return struct{}{}, err
			}
			if kind == 0 {
				byID[id].InPersonAttended = n
			} else {
				byID[id].InPersonRegistered = n
			}
			return struct{}{}, nil
		}, func(struct{}) {})
		if err != nil {
			return err
		}
	}
	return nil
}

// reachQuery is one statement of a reach report.
type reachQuery struct {
	name string
	sql  string
	args []any
}

// reachQueries are the statements of a reach report: attendance by jurisdiction and sector with
// first-timers and who came back, and first-timers per call; registrations by the members'
// current jurisdiction and sector; each call with its registrations and attendance; and, when
// there is a previous season, its attendees by jurisdiction.
func reachQueries(c *convene.Community, rr reachRange, previous *convene.ReachSeason) []reachQuery {
	var qs []reachQuery
	if rr.summary { // a season or all time: its figures as refreshes keep them
		season := rr.seasonID
		if season == 0 {
			season = reachAllTime
		}
		qs = []reachQuery{
			{"attendance", `WITH ` + rr.cte + `
		SELECT 0, jurisdiction, sector, attended, first_time, retained, 0 FROM reach_cells
		WHERE community_id = ? AND season_id = ? AND attended > 0
		UNION ALL
		SELECT 1, '', '', 0, f.people, 0, (SELECT MIN(rc.id) FROM rc WHERE rc.starts_at = f.first_in)
		FROM reach_firsts f WHERE f.community_id = ? AND f.season_id = ?`, append(append([]any{}, rr.args...), c.ID, season, c.ID, season)},
			{"registrations", `SELECT jurisdiction, sector, registered, registrations, came FROM reach_cells
		WHERE community_id = ? AND season_id = ? AND registered > 0`, []any{c.ID, season}},
		}
	} else {
		persons, personArgs := reachPersonCTEs(rr, c.ID, false)
		registered, registeredArgs := reachRegistrations(rr, c.ID)
		qs = []reachQuery{
			{"attendance", `WITH ` + rr.cte + `, ` + persons + `
		SELECT 0, jurisdiction, sector, COUNT(*), SUM(first_time),
			SUM(CASE WHEN first_time = 1 AND last_in > first_in THEN 1 ELSE 0 END), 0 FROM p GROUP BY jurisdiction, sector
		UNION ALL
		SELECT 1, '', '', 0, f.n, 0, (SELECT MIN(rc.id) FROM rc WHERE rc.starts_at = f.first_in)
		FROM (SELECT first_in, COUNT(*) AS n FROM p WHERE first_time = 1 GROUP BY first_in) f`,
				append(append([]any{}, rr.args...), personArgs...)},
			{"registrations", `WITH ` + rr.cte + `, ` + registered + `
		SELECT jurisdiction, sector, COUNT(*), SUM(regs), SUM(came) FROM g GROUP BY jurisdiction, sector`,
				append(append([]any{}, rr.args...), registeredArgs...)},
		}
	}
	qs = append(qs, reachQuery{"calls", `WITH ` + rr.cte + `
		SELECT c.id, c.starts_at, c.title, COALESCE(k.registered, 0), COALESCE(k.attended, 0), c.attendance_mode
		FROM calls c LEFT JOIN reach_calls k ON k.call_id = c.id WHERE c.id IN (SELECT id FROM rc) ORDER BY c.starts_at, c.id`, rr.args})
	if previous != nil {
		qs = append(qs, reachQuery{"previous season", `SELECT jurisdiction, SUM(attended) FROM reach_cells
			WHERE community_id = ? AND season_id = ? AND attended > 0 GROUP BY jurisdiction`, []any{c.ID, previous.ID}})
	}
	return qs
}

// ExplainReach returns the engine's query plan of each statement of a reach report, for the
// benchmarks' record.
func (s *Store) ExplainReach(ctx context.Context, c *convene.Community, f convene.ReachFilter) (string, error) {
	seasons, err := s.ReachSeasons(ctx, c.ID)
	if err != nil {
		return "", err
	}
	rr, _, previous, err := resolveReach(s.dialect, c, seasons, f)
	if err != nil {
		return "", err
	}
	explain := "EXPLAIN QUERY PLAN "
	if s.dialect == postgresDialect {
		explain = "EXPLAIN "
	}
	var out []string
	for _, q := range reachQueries(c, rr, previous) {
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(explain+q.sql), q.args...)
		if err != nil {
			return "", err
		}
		cols, _ := rows.Columns()
		out = append(out, "-- "+q.name)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", err
			}
			out = append(out, fmt.Sprint(vals[len(vals)-1]))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
	}
	return strings.Join(out, "\n"), nil
}

// ReachPeople lists the people behind one figure of a reach report, for organizers: members by
// name and guests as their report named them, at most MaxReachPeople (more reports true).
func (s *Store) ReachPeople(ctx context.Context, c *convene.Community, f convene.ReachFilter, pf convene.ReachPeopleFilter) (people []convene.ReachPerson, more bool, err error) {
	if err := pf.Validate(); err != nil {
		return nil, false, err
	}
	if err := s.RefreshReach(ctx, c.ID); err != nil {
		return nil, false, err
	}
	seasons, err := s.ReachSeasons(ctx, c.ID)
	if err != nil {
		return nil, false, err
	}
	rr, _, _, err := resolveReach(s.dialect, c, seasons, f)
	if err != nil {
		return nil, false, err
	}
	if pf.CallID != 0 { // the range narrowed to one of its calls
		rr.cte = strings.TrimSuffix(rr.cte, ")") + ` AND id = ?)`
		rr.args = append(rr.args, pf.CallID)
		rr.openStart, rr.summary = false, false
	}
	value := func(v string) string {
		if v == convene.ReachNone {
			return ""
		}
		return v
	}
	var q string
	args := append([]any{}, rr.args...)
	if pf.Kind == convene.ReachRegistered {
		registered, more := reachRegistrations(rr, c.ID)
		args = append(args, more...)
		q = `WITH ` + rr.cte + `, ` + registered + `
			SELECT u.id, u.name, u.jurisdiction, u.sector, g.regs FROM g JOIN users u ON u.id = g.user_id WHERE 1 = 1`
		if pf.Jurisdiction != "" {
			var where []string
			where, args = jurisdictionIs(nil, args, "u.jurisdiction", value(pf.Jurisdiction))
			q += ` AND ` + where[0]
		}
		if pf.Sector != "" {
			q += ` AND u.sector = ?`
			args = append(args, value(pf.Sector))
		}
		q += ` ORDER BY u.name, u.id LIMIT ?`
	} else {
		persons, more := reachPersonCTEs(rr, c.ID, true)
		args = append(args, more...)
		q = `WITH ` + rr.cte + `, ` + persons + `
			SELECT COALESCE(u.id, 0), COALESCE(u.name, p.guest_name), p.jurisdiction, p.sector, p.calls
			FROM p LEFT JOIN users u ON u.id = p.user_id WHERE 1 = 1`
		switch pf.Kind {
		case convene.ReachFirstTime:
			q += ` AND p.first_time = 1`
		case convene.ReachRetained:
			q += ` AND p.first_time = 1 AND p.last_in > p.first_in`
		case convene.ReachReturning:
			q += ` AND p.first_time = 0`
		}
		if pf.Jurisdiction != "" {
			var where []string
			where, args = jurisdictionIs(nil, args, "p.jurisdiction", value(pf.Jurisdiction))
			q += ` AND ` + where[0]
		}
		if pf.Sector != "" {
			q += ` AND p.sector = ?`
			args = append(args, value(pf.Sector))
		}
		q += ` ORDER BY 2, 1 LIMIT ?`
	}
	args = append(args, MaxReachPeople+1)
	rows, err := s.read().query(ctx, q, args...)
	if err != nil {
		return nil, false, err
	}
	err = collect(rows, func(r interface{ Scan(...any) error }) (convene.ReachPerson, error) {
		var p convene.ReachPerson
		var name sql.NullString
		err := r.Scan(&p.UserID, &name, &p.Jurisdiction, &p.Sector, &p.Calls)
		p.Name = name.String
		p.Jurisdiction, p.Province = convene.SplitJurisdiction(p.Jurisdiction)
		return p, err
	}, func(p convene.ReachPerson) { people = append(people, p) })
	if len(people) > MaxReachPeople {
		people, more = people[:MaxReachPeople], true
	}
	return people, more, err
}
