package benchdata

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// ReachSlug is the address of the reach benchmark's community.
const ReachSlug = "reach"

// Reach benchmark sizes.
const (
	ReachMembers    = 100000
	ReachCalls      = 500
	ReachAttendance = 1000000
)

// LoadReach stores the reach benchmark's community: 100,000 members, 500 weekly calls from
// January 2017 (a season a year) and 1,000,000 attendance records, the person at each slot
// picked by a stride over the members so people come back across the years, and about a million
// registrations: one for every attendance of an even-numbered member and one for the next member
// along. Rows are written in set-based statements; the first report (or RefreshReach) summarizes
// them. It returns the community and the seasons, oldest first.
func LoadReach(ctx context.Context, st *store.Store) (*convene.Community, []convene.ReachSeason, error) {
	c := &convene.Community{Slug: ReachSlug, Name: "Reach benchmark", TimeZone: "America/Toronto", Languages: []string{"en", "fr"},
		Description: "A hundred thousand members and a million attendances."}
	if err := st.CreateCommunity(ctx, c, 0); err != nil {
		return nil, nil, err
	}
	sr := &convene.Series{CommunityID: c.ID, Title: "Weekly reach call", RRule: "FREQ=WEEKLY;BYDAY=WE",
		StartsOn: convene.Date{Year: 2017, Month: 1, Day: 1}, StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
	if err := st.CreateSeries(ctx, sr); err != nil {
		return nil, nil, err
	}
	// Ten seasons of 50 weeks each: 500 calls.
	start := convene.Date{Year: 2017, Month: 1, Day: 1}
	for i := range ReachCalls / 50 {
		se := &convene.Season{SeriesID: sr.ID, Name: fmt.Sprint("Season ", i+1), StartsOn: start.AddDays(i * 350),
			EndsOn: start.AddDays(i*350 + 349)}
		if err := st.CreateSeason(ctx, se); err != nil {
			return nil, nil, err
		}
	}
	if err := LoadPeople(ctx, st, c.ID, ReachMembers); err != nil {
		return nil, nil, err
	}
	cid := fmt.Sprint(c.ID)
	pg := st.Engine() == "postgres"
	rows := fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, ReachAttendance-1)
	from := "n"
	if pg {
		rows, from = "", fmt.Sprintf("generate_series(0::bigint, %d) AS n(i)", ReachAttendance-1)
	}
	// Calls are numbered by their order in time (k, 0–499), members by id (m, 0–99,999). Slot
	// i goes to call i / 2000 and member (i * 7919 + k * 13) mod 100,000: 2,000 different
	// people a call, each back about ten times over the years.
	perCall := ReachAttendance / ReachCalls
	member := fmt.Sprintf("((n.i * 7919 + (n.i / %d) * 13) %% %d)", perCall, ReachMembers)
	stmts := []string{
		`CREATE TEMPORARY TABLE bench_calls (k INTEGER PRIMARY KEY, id BIGINT NOT NULL)`,
		`INSERT INTO bench_calls (k, id) SELECT (SELECT COUNT(*) FROM calls c2 WHERE c2.community_id = ` + cid +
			` AND (c2.starts_at < c.starts_at OR (c2.starts_at = c.starts_at AND c2.id < c.id))), c.id FROM calls c WHERE c.community_id = ` + cid,
		`CREATE TEMPORARY TABLE bench_members (m INTEGER PRIMARY KEY, id BIGINT NOT NULL, jurisdiction TEXT NOT NULL, sector TEXT NOT NULL)`,
		`INSERT INTO bench_members (m, id, jurisdiction, sector) SELECT u.id - (SELECT MIN(id) FROM users WHERE email LIKE 'person%@example.org'),
			u.id, u.jurisdiction, u.sector FROM users u WHERE u.email LIKE 'person%@example.org'`,
		// Indexes are built once after the rows are in, which is much faster than keeping them up
		// to date row by row; they are the migrations' indexes of attendance.
		`DROP INDEX attendance_community_call`, `DROP INDEX attendance_person`, `DROP INDEX attendance_user`, `DROP INDEX attendance_reach`,
		rows + `INSERT INTO attendance (community_id, call_id, person_key, user_id, jurisdiction, sector, source, minutes, created_at)
			SELECT ` + cid + `, rc.id, 'u:' || rm.id, rm.id, rm.jurisdiction, rm.sector, 'report', 60, CURRENT_TIMESTAMP
			FROM ` + from + ` JOIN bench_calls rc ON rc.k = n.i / ` + fmt.Sprint(perCall) + ` JOIN bench_members rm ON rm.m = ` + member,
		`CREATE INDEX attendance_community_call ON attendance (community_id, call_id)`,
		`CREATE INDEX attendance_person ON attendance (community_id, person_key, call_id)`,
		`CREATE INDEX attendance_user ON attendance (user_id)`,
		`CREATE INDEX attendance_reach ON attendance (community_id, person_key, call_id, jurisdiction, sector)`,
		// Half the attendees (even ids) registered first; the next member along (odd ids, who
		// may or may not have come) registered too.
		`INSERT INTO registrations (call_id, user_id, status, answers, created_at, updated_at)
			SELECT call_id, user_id, 'registered', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM attendance
			WHERE community_id = ` + cid + ` AND user_id % 2 = 0`,
		`INSERT INTO registrations (call_id, user_id, status, answers, created_at, updated_at)
			SELECT call_id, user_id + 1, 'registered', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM attendance
			WHERE community_id = ` + cid + ` AND user_id % 2 = 0 AND user_id < (SELECT MAX(id) FROM bench_members)`,
		`DROP TABLE bench_calls`,
		`DROP TABLE bench_members`,
	}
	if pg {
		stmts = append(stmts, "VACUUM ANALYZE") // as autovacuum would, so index-only scans skip the heap
	} else {
		stmts = append(stmts, "ANALYZE")
	}
	conn, err := st.DB().Conn(ctx) // temporary tables live on one connection
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, nil, fmt.Errorf("load reach: %w", err)
		}
	}
	seasons, err := st.ReachSeasons(ctx, c.ID)
	return c, seasons, err
}

// ReachSample is the small reach dataset whose figures tests check by hand.
type ReachSample struct {
	Community *convene.Community
	Spring    convene.ReachSeason // January–June 2019: calls S1 (Jan 9), S2 (Feb 13), S3 (Mar 13) held
	Fall      convene.ReachSeason // September–December 2019: calls F1 (Sep 11), F2 (Oct 9) held
	Calls     map[string]int64    // "S1", "S2", "S3", "F1", "F2"
	People    map[string]int64    // "A" … "H": the members' user ids
}

// samplePeople are the sample's members: name, jurisdiction, sector.
var samplePeople = [][3]string{
	{"A", "ON", "government"},
	{"B", "ON", "government"},
	{"C", "ON", "civil_society"},
	{"D", "QC", "academia"},
	{"E", "BC", "civil_society"},
	{"F", "ON", ""},
	{"G", "federal", "government"},
	{"H", "NS", "media"},
}

// sampleAttendance says who came to each held call; "g" is a guest from Ontario in the media.
var sampleAttendance = map[string][]string{
	"S1": {"A", "B", "C", "D"},
	"S2": {"A", "B", "E", "g"},
	"S3": {"A", "F"},
	"F1": {"A", "C", "G"},
	"F2": {"A", "D", "G", "H"},
}

// sampleRegistrations are the fall's registrations: person and status.
var sampleRegistrations = map[string][][2]string{
	"F1": {{"A", "registered"}, {"B", "registered"}, {"C", "registered"}, {"G", "registered"}},
	"F2": {{"A", "registered"}, {"D", "registered"}, {"E", "waitlisted"}, {"B", "cancelled"}},
}

// LoadReachSample stores a small community ("reach-sample", owned by ownerID when not 0) whose
// members are named "Sample Person A" … "Sample Person H" (sample.a@example.org …), with
// attendance and registrations small enough to compute every reach figure by hand.
func LoadReachSample(ctx context.Context, st *store.Store, ownerID int64) (*ReachSample, error) {
	c := &convene.Community{Slug: "reach-sample", Name: "Reach sample", TimeZone: "America/Toronto", Languages: []string{"en", "fr"}}
	if err := st.CreateCommunity(ctx, c, ownerID); err != nil {
		return nil, err
	}
	sr := &convene.Series{CommunityID: c.ID, Title: "Sample call", RRule: "FREQ=MONTHLY;BYDAY=2WE",
		StartsOn: convene.Date{Year: 2019, Month: 1, Day: 1}, StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
	if err := st.CreateSeries(ctx, sr); err != nil {
		return nil, err
	}
	out := &ReachSample{Community: c, Calls: map[string]int64{}, People: map[string]int64{}}
	for _, se := range []*convene.Season{
		{SeriesID: sr.ID, Name: "Spring", StartsOn: convene.Date{Year: 2019, Month: 1, Day: 1}, EndsOn: convene.Date{Year: 2019, Month: 6, Day: 30}},
		{SeriesID: sr.ID, Name: "Fall", StartsOn: convene.Date{Year: 2019, Month: 9, Day: 1}, EndsOn: convene.Date{Year: 2019, Month: 12, Day: 31}},
	} {
		if err := st.CreateSeason(ctx, se); err != nil {
			return nil, err
		}
		rs := convene.ReachSeason{ID: se.ID, Name: se.Name, StartsOn: se.StartsOn, EndsOn: se.EndsOn}
		if se.Name == "Spring" {
			out.Spring = rs
		} else {
			out.Fall = rs
		}
	}
	calls, err := st.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
	if err != nil {
		return nil, err
	}
	byMonth := map[time.Month]string{time.January: "S1", time.February: "S2", time.March: "S3", time.September: "F1", time.October: "F2"}
	for _, call := range calls {
		if name, ok := byMonth[call.StartsAt.Month()]; ok && call.StartsAt.Year() == 2019 {
			out.Calls[name] = call.ID
		}
	}
	for _, p := range samplePeople {
		u := &convene.User{Email: "sample." + strings.ToLower(p[0]) + "@example.org", Name: "Sample Person " + p[0], Confirmed: true}
		if err := st.CreateUser(ctx, u); err != nil {
			return nil, err
		}
		u.Jurisdiction, u.Sector, u.Visibility = p[1], p[2], convene.VisibilityPublic
		if err := st.UpdateProfile(ctx, u); err != nil {
			return nil, err
		}
		if _, err := st.JoinCommunity(ctx, c.ID, u.ID); err != nil {
			return nil, err
		}
		out.People[p[0]] = u.ID
	}
	at := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for call, who := range sampleAttendance {
		for _, p := range who {
			key, user, name, j, s := "", any(nil), "", "ON", "media"
			if p == "g" {
				key, name = convene.GuestKey("", "Sample Guest"), "Sample Guest"
			} else {
				id := out.People[p]
				key, user = convene.MemberKey(id), id
				for _, sp := range samplePeople {
					if sp[0] == p {
						j, s = sp[1], sp[2]
					}
				}
			}
			if err := exec(ctx, st, `INSERT INTO attendance (community_id, call_id, person_key, user_id, guest_name, jurisdiction, sector,
				source, minutes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'report', 60, ?)`,
				c.ID, out.Calls[call], key, user, name, j, s, at); err != nil {
				return nil, err
			}
		}
	}
	for call, regs := range sampleRegistrations {
		for _, r := range regs {
			if err := exec(ctx, st, `INSERT INTO registrations (call_id, user_id, status, answers, created_at, updated_at)
				VALUES (?, ?, ?, '{}', ?, ?)`, out.Calls[call], out.People[r[0]], r[1], at, at); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// exec runs one statement written with ? placeholders on either engine.
func exec(ctx context.Context, st *store.Store, q string, args ...any) error {
	if st.Engine() == "postgres" {
		var b strings.Builder
		n := 0
		for _, r := range q {
			if r == '?' {
				n++
				b.WriteString("$" + strconv.Itoa(n))
				continue
			}
			b.WriteRune(r)
		}
		q = b.String()
	}
	_, err := st.DB().ExecContext(ctx, q, args...)
	return err
}
