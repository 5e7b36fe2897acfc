package store

import (
	"context"
	"database/sql"
	"fmt"
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
	openStart bool // no season and no first day: nobody came before the range
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
		openStart: f.SeasonID == 0 && f.From.IsZero()}
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
// their profile have changed within the range), the number of calls, and whether they are a
// first-timer: whether their first call in the community ever (marked as attendance is recorded)
// is in the range. extra adds columns: the lists need the member and the guest's name; the report
// does not, so that it reads a covering index alone. A range with no first day reads everyone in
// person order (attendance_reach) and everyone in it is a first-timer; any other reads its calls'
// attendance call by call (attendance_range). Argument: the community.
func reachPersonCTEs(rr reachRange, extra string) string {
	if rr.openStart {
		return `q AS MATERIALIZED (SELECT a.person_key, MIN(rc.starts_at) AS first_in, MAX(rc.starts_at) AS last_in,
		MAX(a.jurisdiction) AS jurisdiction, MAX(a.sector) AS sector, COUNT(*) AS calls` + extra + `
		FROM attendance a` + rr.indexedBy("attendance_reach") + ` JOIN rc ON rc.id = a.call_id WHERE a.community_id = ? GROUP BY a.person_key),
	p AS (SELECT q.*, 1 AS first_time FROM q)`
	}
	return `q AS MATERIALIZED (SELECT a.person_key, MIN(rc.starts_at) AS first_in, MAX(rc.starts_at) AS last_in,
		MAX(a.jurisdiction) AS jurisdiction, MAX(a.sector) AS sector, COUNT(*) AS calls, MAX(a.first_time) AS first_time` + extra + `
		FROM rc JOIN attendance a` + rr.indexedBy("attendance_range") + ` ON a.call_id = rc.id WHERE a.community_id = ? GROUP BY a.person_key),
	p AS (SELECT * FROM q)`
}

// Reach reports a community's reach over the calls the filter chooses, in a fixed handful of
// queries whatever the size of the community.
func (s *Store) Reach(ctx context.Context, c *convene.Community, f convene.ReachFilter) (*convene.ReachReport, error) {
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
	rep := &convene.ReachReport{Filter: f, Season: season, Previous: previous}
	cells := map[[2]string]*convene.ReachCell{}
	cell := func(j, sec string) *convene.ReachCell {
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
		x.Attended, x.FirstTime, x.Retained = attended, first, retained
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
		x.Registered, x.Registrations, x.RegistrationsAttended = people, regs, came
		return struct{}{}, nil
	}, func(struct{}) {})
	if err != nil {
		return nil, err
	}
	for _, x := range cells {
		rep.Cells = append(rep.Cells, *x)
	}

	rows, err = db.query(ctx, qs[2].sql, qs[2].args...)
	if err != nil {
		return nil, err
	}
	err = collect(rows, func(r interface{ Scan(...any) error }) (convene.ReachCall, error) {
		var rc convene.ReachCall
		err := r.Scan(&rc.CallID, &rc.StartsAt, &rc.Title, &rc.Registered, &rc.Attended)
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
			rep.PreviousAttended[j] = n
			return struct{}{}, err
		}, func(struct{}) {})
		if err != nil {
			return nil, err
		}
	}
	return rep, nil
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
	persons := reachPersonCTEs(rr, "")
	personArgs := append(append([]any{}, rr.args...), c.ID)
	qs := []reachQuery{
		{"attendance", `WITH ` + rr.cte + `, ` + persons + `
		SELECT 0, jurisdiction, sector, COUNT(*), SUM(first_time),
			SUM(CASE WHEN first_time = 1 AND last_in > first_in THEN 1 ELSE 0 END), 0 FROM p GROUP BY jurisdiction, sector
		UNION ALL
		SELECT 1, '', '', 0, f.n, 0, (SELECT MIN(rc.id) FROM rc WHERE rc.starts_at = f.first_in)
		FROM (SELECT first_in, COUNT(*) AS n FROM p WHERE first_time = 1 GROUP BY first_in) f`,
			personArgs},
		// Each registered member once (a hash aggregate on PostgreSQL rather than a sort for
		// COUNT(DISTINCT)); whether they came is a join with the range's attendance only, so
		// PostgreSQL hashes a season's rows rather than a million. The unary plus keeps SQLite from
		// reading every registration through registrations_user to save the grouping a sort.
		{"registrations", `WITH ` + rr.cte + `,
		g AS (SELECT r.user_id, MAX(u.jurisdiction) AS jurisdiction, MAX(u.sector) AS sector, COUNT(*) AS regs,
			SUM(CASE WHEN a.person_key IS NULL THEN 0 ELSE 1 END) AS came
			FROM rc JOIN registrations r` + rr.indexedBy("registrations_reach") + ` ON r.call_id = rc.id JOIN users u ON u.id = +r.user_id
			LEFT JOIN (SELECT call_id, person_key FROM attendance WHERE community_id = ? AND call_id IN (SELECT id FROM rc)) a
				ON a.call_id = r.call_id AND a.person_key = 'u:' || r.user_id
			WHERE r.status = 'registered' GROUP BY r.user_id)
		SELECT jurisdiction, sector, COUNT(*), SUM(regs), SUM(came) FROM g GROUP BY jurisdiction, sector`, append(append([]any{}, rr.args...), c.ID)},
		{"calls", `WITH ` + rr.cte + `
		SELECT c.id, c.starts_at, c.title,
			(SELECT COUNT(*) FROM registrations r WHERE r.call_id = c.id AND r.status = 'registered'),
			(SELECT COUNT(*) FROM attendance a WHERE a.community_id = ? AND a.call_id = c.id)
		FROM calls c WHERE c.id IN (SELECT id FROM rc) ORDER BY c.starts_at, c.id`, append(append([]any{}, rr.args...), c.ID)},
	}
	if previous != nil {
		qs = append(qs, reachQuery{"previous season", `SELECT jurisdiction, COUNT(*) FROM (SELECT a.person_key, MAX(a.jurisdiction) AS jurisdiction
			FROM attendance a JOIN calls c ON c.id = a.call_id
			WHERE a.community_id = ? AND c.community_id = ? AND c.season_id = ? AND c.status = 'scheduled'
			GROUP BY a.person_key) q GROUP BY jurisdiction`, []any{c.ID, c.ID, previous.ID}})
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
		rr.openStart = false
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
		q = `WITH ` + rr.cte + `
			SELECT u.id, u.name, u.jurisdiction, u.sector, COUNT(*) FROM registrations r
			JOIN rc ON rc.id = r.call_id JOIN users u ON u.id = r.user_id WHERE r.status = 'registered'`
		if pf.Jurisdiction != "" {
			q += ` AND u.jurisdiction = ?`
			args = append(args, value(pf.Jurisdiction))
		}
		if pf.Sector != "" {
			q += ` AND u.sector = ?`
			args = append(args, value(pf.Sector))
		}
		q += ` GROUP BY u.id, u.name, u.jurisdiction, u.sector ORDER BY u.name, u.id LIMIT ?`
	} else {
		args = append(args, c.ID)
		persons := reachPersonCTEs(rr, ", MAX(a.user_id) AS user_id, MAX(a.guest_name) AS guest_name")
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
			q += ` AND p.jurisdiction = ?`
			args = append(args, value(pf.Jurisdiction))
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
		return p, err
	}, func(p convene.ReachPerson) { people = append(people, p) })
	if len(people) > MaxReachPeople {
		people, more = people[:MaxReachPeople], true
	}
	return people, more, err
}
