package store_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/benchdata"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// reachClock is the sample's today: after its fall calls, before December's.
var reachClock = convene.FixedClock(time.Date(2019, 12, 1, 12, 0, 0, 0, time.UTC))

// eachReachSample runs test on both engines, each with the reach sample loaded.
func eachReachSample(t *testing.T, test func(t *testing.T, s *store.Store, sample *benchdata.ReachSample)) {
	testdb.Each(t, reachClock, func(t *testing.T, s *store.Store) {
		sample, err := benchdata.LoadReachSample(context.Background(), s, 0)
		if err != nil {
			t.Fatal(err)
		}
		test(t, s, sample)
	})
}

// TestReachFigures checks every figure of the reach report against the sample's hand-computed
// values (see benchdata.LoadReachSample for who came when).
func TestReachFigures(t *testing.T) {
	eachReachSample(t, func(t *testing.T, s *store.Store, sample *benchdata.ReachSample) {
		ctx := context.Background()
		c := sample.Community
		report := func(f convene.ReachFilter) *convene.ReachReport {
			t.Helper()
			if err := s.RefreshReach(ctx, c.ID); err != nil { // the summaries of what the sample wrote
				t.Fatal(err)
			}
			before := s.Queries()
			r, err := s.Reach(ctx, c, f)
			if err != nil {
				t.Fatal(err)
			}
			if n := s.Queries() - before; n > 7 {
				t.Errorf("the report took %d queries, want at most 7", n)
			}
			return r
		}

		// The fall: A C G at F1; A D G H at F2.
		fall := report(convene.ReachFilter{SeasonID: sample.Fall.ID})
		tot := fall.Totals()
		want := convene.ReachTotals{Attended: 5, FirstTime: 2, Retained: 1, Registered: 5, Registrations: 6, RegistrationsAttended: 5}
		if tot != want {
			t.Errorf("fall totals %+v, want %+v", tot, want)
		}
		byJ := fall.ByJurisdiction()
		for j, n := range map[string]int{"ON": 2, "QC": 1, "federal": 1, "NS": 1, "BC": 0} {
			if byJ[j].Attended != n {
				t.Errorf("fall attended in %s: %d, want %d", j, byJ[j].Attended, n)
			}
		}
		if byJ["ON"].Registered != 3 { // A, B and C registered; B did not come
			t.Errorf("fall registered in ON: %d, want 3", byJ["ON"].Registered)
		}
		byS := fall.BySector()
		for sec, n := range map[string]int{"government": 2, "civil_society": 1, "academia": 1, "media": 1, "other": 0} {
			if byS[sec].Attended != n {
				t.Errorf("fall attended in %s: %d, want %d", sec, byS[sec].Attended, n)
			}
		}
		if got := fall.Cell("ON", "government"); got.Attended != 1 || got.Registered != 2 {
			t.Errorf("fall ON × government: %+v", got)
		}
		if len(fall.Calls) != 2 || fall.Calls[0].CallID != sample.Calls["F1"] || fall.Calls[0].Attended != 3 || fall.Calls[0].FirstTime != 1 ||
			fall.Calls[0].Registered != 4 || fall.Calls[1].Attended != 4 || fall.Calls[1].FirstTime != 1 || fall.Calls[1].Registered != 2 {
			t.Errorf("fall calls: %+v", fall.Calls)
		}
		provinces, sectors := fall.Gaps()
		if len(provinces) != 10 || slices.Contains(provinces, "ON") || !slices.Contains(provinces, "BC") {
			t.Errorf("fall province gaps: %v", provinces)
		}
		if !slices.Equal(sectors, []string{"private_sector", "indigenous_organization", "other"}) {
			t.Errorf("fall sector gaps: %v", sectors)
		}
		// Concentration: ON 2, QC 1, NS 1.
		conc := convene.ConcentrationOf(fall.AttendedByProvince())
		if conc.Total != 4 || conc.Largest != "ON" || conc.LargestShare != 0.5 || !near(conc.OneMinusHHI, 0.625) ||
			!near(conc.Diversity, 1.5*math.Ln2/math.Log(13)) {
			t.Errorf("fall concentration %+v", conc)
		}
		// The season before: spring, where ON had A B C F and the guest, QC D, BC E.
		if fall.Previous == nil || fall.Previous.ID != sample.Spring.ID {
			t.Fatalf("previous season %+v", fall.Previous)
		}
		prev := convene.ConcentrationOf(fall.PreviousAttended)
		if prev.Total != 7 || prev.LargestCount != 5 || !near(prev.LargestShare, 5.0/7) {
			t.Errorf("spring concentration %+v", prev)
		}

		spring := report(convene.ReachFilter{SeasonID: sample.Spring.ID})
		want = convene.ReachTotals{Attended: 7, FirstTime: 7, Retained: 2}
		if got := spring.Totals(); got != want {
			t.Errorf("spring totals %+v, want %+v", got, want)
		}
		if spring.Previous != nil {
			t.Errorf("spring has a previous season: %+v", spring.Previous)
		}
		var firsts []int
		for _, call := range spring.Calls {
			firsts = append(firsts, call.FirstTime)
		}
		if !slices.Equal(firsts, []int{4, 2, 1}) {
			t.Errorf("spring first-timers per call %v, want [4 2 1]", firsts)
		}

		all := report(convene.ReachFilter{})
		want = convene.ReachTotals{Attended: 9, FirstTime: 9, Retained: 5, Registered: 5, Registrations: 6, RegistrationsAttended: 5}
		if got := all.Totals(); got != want {
			t.Errorf("all-time totals %+v, want %+v", got, want)
		}
		if len(all.Calls) != 5 {
			t.Errorf("all-time calls: %d, want 5", len(all.Calls))
		}
		if all.ByJurisdiction()[""].Attended != 0 || all.BySector()[""].Attended != 1 { // F gave no sector
			t.Errorf("not given: %+v %+v", all.ByJurisdiction()[""], all.BySector()[""])
		}

		// February to September: S2, S3 and F1; only E, F, G and the guest had never come before.
		dates := report(convene.ReachFilter{From: convene.Date{Year: 2019, Month: 2, Day: 1}, To: convene.Date{Year: 2019, Month: 9, Day: 30}})
		if got := dates.Totals(); got.Attended != 7 || got.FirstTime != 4 || got.Retained != 0 {
			t.Errorf("range totals %+v", got)
		}
		if dates.Previous != nil {
			t.Errorf("range has a previous season: %+v", dates.Previous)
		}

		// The lists behind the figures.
		names := func(f convene.ReachFilter, pf convene.ReachPeopleFilter) []string {
			t.Helper()
			people, more, err := s.ReachPeople(ctx, c, f, pf)
			if err != nil || more {
				t.Fatalf("people %+v: %v %v", pf, more, err)
			}
			var out []string
			for _, p := range people {
				out = append(out, p.Name)
			}
			return out
		}
		fallF := convene.ReachFilter{SeasonID: sample.Fall.ID}
		if got := names(fallF, convene.ReachPeopleFilter{Kind: convene.ReachAttended, Jurisdiction: "ON"}); !slices.Equal(got, []string{"Sample Person A", "Sample Person C"}) {
			t.Errorf("fall attended in ON: %v", got)
		}
		if got := names(fallF, convene.ReachPeopleFilter{Kind: convene.ReachFirstTime}); !slices.Equal(got, []string{"Sample Person G", "Sample Person H"}) {
			t.Errorf("fall first-timers: %v", got)
		}
		if got := names(fallF, convene.ReachPeopleFilter{Kind: convene.ReachRetained}); !slices.Equal(got, []string{"Sample Person G"}) {
			t.Errorf("fall retained: %v", got)
		}
		if got := names(fallF, convene.ReachPeopleFilter{Kind: convene.ReachRegistered, Sector: "government"}); !slices.Equal(got, []string{"Sample Person A", "Sample Person B", "Sample Person G"}) {
			t.Errorf("fall registered in government: %v", got)
		}
		if got := names(convene.ReachFilter{}, convene.ReachPeopleFilter{Kind: convene.ReachFirstTime, CallID: sample.Calls["S2"]}); !slices.Equal(got, []string{"Sample Guest", "Sample Person E"}) {
			t.Errorf("first-timers at S2: %v", got)
		}
		if got := names(convene.ReachFilter{}, convene.ReachPeopleFilter{Kind: convene.ReachAttended, Sector: convene.ReachNone}); !slices.Equal(got, []string{"Sample Person F"}) {
			t.Errorf("attended without a sector: %v", got)
		}

		// Bad input is refused with a reason.
		for _, f := range []convene.ReachFilter{
			{SeasonID: 999999},
			{From: convene.Date{Year: 2019, Month: 5, Day: 1}, To: convene.Date{Year: 2019, Month: 4, Day: 1}},
			{SeasonID: sample.Fall.ID, From: convene.Date{Year: 2019, Month: 5, Day: 1}},
		} {
			if _, err := s.Reach(ctx, c, f); convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%+v: %v, want invalid", f, err)
			}
		}
		if _, _, err := s.ReachPeople(ctx, c, fallF, convene.ReachPeopleFilter{Kind: "everyone"}); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("unknown kind: %v", err)
		}

		// Registrations for a call whose attendance nobody recorded (here, the fall's call of
		// November 13, the day before the report) count as registrations, but not in the base of
		// the share who came: that stays 5 of the 6 registrations for F1 and F2.
		calls, err := s.Calls(ctx, convene.CallFilter{SeasonID: sample.Fall.ID, From: time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC), Limit: 1})
		if err != nil || len(calls) != 1 {
			t.Fatalf("the fall's November call: %v (%v)", calls, err)
		}
		for _, who := range []string{"B", "C"} {
			if err := s.ImportRegistration(ctx, calls[0].ID, sample.People[who], calls[0].StartsAt.Add(-48*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		fall = report(convene.ReachFilter{SeasonID: sample.Fall.ID})
		regs, recorded := fall.RecordedRegistrations()
		if tot := fall.Totals(); tot.Registrations != 8 || tot.RegistrationsAttended != 5 || regs != 6 || recorded != 2 {
			t.Errorf("with an unrecorded call: %d registrations, %d attended; base %d registrations at %d calls, want 8, 5; 6 at 2",
				tot.Registrations, tot.RegistrationsAttended, regs, recorded)
		}
	})
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestReachFirstTimeAcrossSeries checks that a call of another series, held between the start of
// a season and a person's first call of it, makes them a returning attendee, not a first-timer.
func TestReachFirstTimeAcrossSeries(t *testing.T) {
	eachReachSample(t, func(t *testing.T, s *store.Store, sample *benchdata.ReachSample) {
		ctx := context.Background()
		c := sample.Community
		other := &convene.Series{CommunityID: c.ID, Title: "Other call", RRule: "FREQ=MONTHLY;BYDAY=4WE",
			StartsOn: convene.Date{Year: 2019, Month: 1, Day: 1}, StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
		if err := s.CreateSeries(ctx, other); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2019, 9, 25, 16, 0, 0, 0, time.UTC) // between F1 (Sep 11) and F2 (Oct 9), where H first came
		q := `INSERT INTO calls (community_id, series_id, starts_at, duration_minutes, status, created_at, updated_at)
			VALUES (?, ?, ?, 60, 'scheduled', ?, ?)`
		if s.Engine() == "postgres" {
			q = pgPlaceholders(q)
		}
		var callID int64
		if err := s.DB().QueryRowContext(ctx, q+" RETURNING id", c.ID, other.ID, at, at, at).Scan(&callID); err != nil {
			t.Fatal(err)
		}
		q = `INSERT INTO attendance (community_id, call_id, person_key, user_id, jurisdiction, sector, source, created_at)
			VALUES (?, ?, ?, ?, 'NS', 'media', 'report', ?)`
		if s.Engine() == "postgres" {
			q = pgPlaceholders(q)
		}
		if _, err := s.DB().ExecContext(ctx, q, c.ID, callID, convene.MemberKey(sample.People["H"]), sample.People["H"], at); err != nil {
			t.Fatal(err)
		}
		fall, err := s.Reach(ctx, c, convene.ReachFilter{SeasonID: sample.Fall.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got := fall.Totals(); got.Attended != 5 || got.FirstTime != 1 || got.Retained != 1 {
			t.Errorf("fall totals %+v, want 5 attended, G alone new and back", got)
		}
		people, _, err := s.ReachPeople(ctx, c, convene.ReachFilter{SeasonID: sample.Fall.ID}, convene.ReachPeopleFilter{Kind: convene.ReachFirstTime})
		if err != nil || len(people) != 1 || people[0].Name != "Sample Person G" {
			t.Errorf("fall first-timers %+v, %v", people, err)
		}
	})
}

// TestReachSummariesFollowEveryChange checks that the per-person summaries and per-call counts a
// season or all-time report reads agree with the records themselves (a date range covering the same calls, which
// reads attendance and registrations directly) after each kind of change: check-in, self-report,
// a guest in a report, removed attendance, registration and cancellation, a member's new province,
// a rescheduled call, a deleted season, a deleted call and a deleted account, whichever code path
// makes it.
func TestReachSummariesFollowEveryChange(t *testing.T) {
	eachReachSample(t, func(t *testing.T, s *store.Store, sample *benchdata.ReachSample) {
		ctx := context.Background()
		c, fall, spring := sample.Community, sample.Fall, sample.Spring
		sortCells := func(cells []convene.ReachCell) []convene.ReachCell {
			out := slices.Clone(cells)
			slices.SortFunc(out, func(a, b convene.ReachCell) int {
				if a.Jurisdiction != b.Jurisdiction {
					return strings.Compare(a.Jurisdiction, b.Jurisdiction)
				}
				return strings.Compare(a.Sector, b.Sector)
			})
			return out
		}
		same := func(step string, summary, records convene.ReachFilter) {
			t.Helper()
			a, err := s.Reach(ctx, c, summary)
			if err != nil {
				t.Fatal(step, err)
			}
			b, err := s.Reach(ctx, c, records)
			if err != nil {
				t.Fatal(step, err)
			}
			if !slices.Equal(sortCells(a.Cells), sortCells(b.Cells)) {
				t.Errorf("%s: %+v from the summaries:\n%+v\nfrom the records:\n%+v", step, summary, sortCells(a.Cells), sortCells(b.Cells))
			}
			if !slices.Equal(a.Calls, b.Calls) {
				t.Errorf("%s: %+v calls from the summaries:\n%+v\nfrom the records:\n%+v", step, summary, a.Calls, b.Calls)
			}
			for _, kind := range []string{convene.ReachAttended, convene.ReachFirstTime, convene.ReachRetained, convene.ReachReturning, convene.ReachRegistered} {
				pa, _, err := s.ReachPeople(ctx, c, summary, convene.ReachPeopleFilter{Kind: kind})
				if err != nil {
					t.Fatal(step, err)
				}
				pb, _, err := s.ReachPeople(ctx, c, records, convene.ReachPeopleFilter{Kind: kind})
				if err != nil {
					t.Fatal(step, err)
				}
				if !slices.Equal(pa, pb) {
					t.Errorf("%s: %s people %+v from the summaries:\n%+v\nfrom the records:\n%+v", step, kind, summary, pa, pb)
				}
			}
		}
		agree := func(step string) {
			t.Helper()
			// Each call's counts, kept as rows are written, against the rows.
			q := `SELECT COUNT(*) FROM calls c LEFT JOIN reach_calls k ON k.call_id = c.id
				WHERE COALESCE(k.registered, 0) <> (SELECT COUNT(*) FROM registrations r WHERE r.call_id = c.id AND r.status = 'registered')
				OR COALESCE(k.attended, 0) <> (SELECT COUNT(*) FROM attendance a WHERE a.call_id = c.id)`
			var wrong int
			if err := s.DB().QueryRowContext(ctx, q).Scan(&wrong); err != nil || wrong != 0 {
				t.Errorf("%s: %d calls counted wrong (%v)", step, wrong, err)
			}
			same(step, convene.ReachFilter{SeasonID: fall.ID}, convene.ReachFilter{From: fall.StartsOn, To: fall.EndsOn})
			// With a last day, all time is a range: it reads the records.
			same(step, convene.ReachFilter{}, convene.ReachFilter{To: convene.Date{Year: 2100, Month: 1, Day: 1}})
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if s.Engine() == "postgres" {
				q = pgPlaceholders(q)
			}
			if _, err := s.DB().ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		agree("as loaded")
		fall1, fall2, s1 := sample.Calls["F1"], sample.Calls["F2"], sample.Calls["S1"]
		who := sample.People

		if _, err := s.CheckIn(ctx, fall1, who["E"]); err != nil { // E's second call, the first in the fall
			t.Fatal(err)
		}
		agree("check-in")
		if _, err := s.SelfReport(ctx, fall2, who["B"]); err != nil { // B cancelled F2 and came anyway
			t.Fatal(err)
		}
		agree("self-report")
		if _, err := s.RecordAttendance(ctx, fall2, []convene.Attendance{{PersonKey: convene.GuestKey("pat@example.net", "Pat"),
			GuestName: "Pat", Source: convene.AttendanceReport, Minutes: 30}}); err != nil {
			t.Fatal(err)
		}
		agree("a guest from a report")
		list, err := s.CallAttendance(ctx, fall1)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.UserID == who["G"] { // G's first call: F2 becomes it
				if err := s.RemoveAttendance(ctx, c.ID, fall1, a.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		agree("removed attendance")
		if err := s.ImportRegistration(ctx, fall2, who["H"], reachClock.Now().AddDate(0, -3, 0)); err != nil {
			t.Fatal(err)
		}
		var december int64 // the fall's next call, on December 11
		q := `SELECT id FROM calls WHERE community_id = ? AND starts_at > ? ORDER BY starts_at LIMIT 1`
		if s.Engine() == "postgres" {
			q = pgPlaceholders(q)
		}
		if err := s.DB().QueryRowContext(ctx, q, c.ID, reachClock.Now()).Scan(&december); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"D", "E"} {
			if _, err := s.Register(ctx, december, who[p], nil); err != nil {
				t.Fatal(err)
			}
		}
		agree("registrations")
		if err := s.CancelRegistration(ctx, december, who["E"]); err != nil {
			t.Fatal(err)
		}
		agree("cancelled registration")
		b, err := s.UserByID(ctx, who["B"]) // registered for F1 and F2: now counted in Manitoba
		if err != nil {
			t.Fatal(err)
		}
		b.Jurisdiction = "MB"
		if err := s.UpdateProfile(ctx, b); err != nil {
			t.Fatal(err)
		}
		agree("a member's new province")
		if fall, _ := s.Reach(ctx, c, convene.ReachFilter{SeasonID: fall.ID}); fall.ByJurisdiction()["MB"].Registered != 1 {
			t.Errorf("fall registered in MB: %d, want B", fall.ByJurisdiction()["MB"].Registered)
		}

		f1, err := s.CallByID(ctx, fall1)
		if err != nil {
			t.Fatal(err)
		}
		f1.StartsAt = f1.StartsAt.Add(24 * time.Hour)
		if err := s.UpdateCall(ctx, f1); err != nil {
			t.Fatal(err)
		}
		agree("rescheduled call")

		// Spring's calls leave every season: the fall is still the fall; all time still counts them.
		exec(`DELETE FROM seasons WHERE id = ?`, spring.ID)
		agree("deleted season")
		var left int
		q = `SELECT COUNT(*) FROM reach_season_people WHERE season_id = ?`
		if s.Engine() == "postgres" {
			q = pgPlaceholders(q)
		}
		if err := s.DB().QueryRowContext(ctx, q, spring.ID).Scan(&left); err != nil || left != 0 {
			t.Errorf("%d summaries of the deleted season left (%v)", left, err)
		}
		exec(`DELETE FROM calls WHERE id = ?`, s1)
		agree("deleted call")
		if err := s.DeleteUser(ctx, who["A"]); err != nil {
			t.Fatal(err)
		}
		agree("deleted account")

		all, err := s.Reach(ctx, c, convene.ReachFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// S2 (A B E g), S3 (A F), F1 (A C E), F2 (A B D G H Pat): A B C D E F G H, the Ontario guest
		// and Pat; S1 is gone with its only first-timers' first call, so they count from later.
		if got := all.Totals(); got.Attended != 10 || got.FirstTime != 10 {
			t.Errorf("all time after every change: %+v, want 10 people, all first-timers", got)
		}
	})
}
