package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// recentRecords are what the organizers kept of the last calls before today, newest first:
// minutes in the language the note-taker wrote them in, and who came (by index in members).
// Older calls since the reboot kept no record, and their pages say so.
var recentRecords = []struct {
	lang, summary string
	came          []int
}{
	{"en", "Round table: Nova Scotia's new open data portal, Yukon's first open government plan, and a call for reviewers of the data standard. Next month: access to information reform.",
		[]int{0, 1, 3, 4, 7, 12, 15, 22, 26, 31, 33}},
	{"fr", "Tour de table : la consultation québécoise sur les données ouvertes, le plan d’action du Nouveau-Brunswick et un appel à bénévoles pour le centre d’échange.",
		[]int{0, 1, 3, 12, 15, 16, 24, 26, 32, 34}},
	{"en", "The clearinghouse team showed the prototype; three members offered to test it. Alberta's open government team joined for the first time.",
		[]int{0, 4, 7, 12, 15, 20, 22, 26, 29, 30}},
}

// rebootStart is when the November 13, 2019 call began.
var rebootStart = time.Date(2019, 11, 13, 17, 0, 0, 0, time.UTC)

// loadRecentRecords gives the last calls before now their records: minutes, attendance, and that
// they took place.
func loadRecentRecords(ctx context.Context, st *store.Store, c *convene.Community, res *Result, now time.Time) error {
	calls, err := st.Calls(ctx, convene.CallFilter{SeriesID: res.Series.ID, To: now, Descending: true, Limit: 12})
	if err != nil {
		return err
	}
	ids, err := memberIDs(ctx, st, c)
	if err != nil {
		return err
	}
	kept := 0
	for _, call := range calls {
		if kept == len(recentRecords) || !call.StartsAt.After(rebootStart) {
			break // the pilot has its attendance already; the reboot is the story's present
		}
		if call.StatusAt(now) != convene.CallHeld {
			continue
		}
		rec := recentRecords[kept]
		var records []convene.Attendance
		for j, k := range rec.came {
			records = append(records, convene.Attendance{UserID: ids[members[k].name], Source: convene.AttendanceReport, Minutes: 40 + (j*5)%21})
		}
		if _, err := st.RecordAttendance(ctx, call.ID, records); err != nil {
			return fmt.Errorf("demo records: %w", err)
		}
		if err := st.SaveMinutes(ctx, c.ID, &convene.Minutes{CallID: call.ID, Summary: rec.summary, Lang: rec.lang}); err != nil {
			return fmt.Errorf("demo records: %w", err)
		}
		call.Outcome = convene.CallHeld
		if err := st.UpdateCall(ctx, call); err != nil {
			return err
		}
		kept++
	}
	return nil
}
