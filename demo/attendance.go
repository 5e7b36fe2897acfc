package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// pilotAttendance is who came to each of the six pilot calls, by index in members, with the
// guests who joined without an account. Fictional, but it tells the announcement's story: the
// community is still very Ontario-centric, with a few people from British Columbia, Quebec, Nova
// Scotia and Alberta, a mix of sectors, a core that keeps coming back and new faces each month.
var pilotAttendance = []struct {
	members []int
	guests  []member // name, jurisdiction and sector as the guest gave them
}{
	{members: []int{0, 4, 7, 9, 12, 15, 16, 22, 26, 5, 2}}, // January
	{members: []int{0, 4, 11, 12, 15, 20, 22, 26, 29, 1, 5},
		guests: []member{{name: "Dana Fields", jurisdiction: "ON", sector: "civil_society"}}},
	{members: []int{0, 4, 7, 12, 15, 16, 23, 24, 26, 19, 10},
		guests: []member{{name: "Marc Bélanger", jurisdiction: "QC", sector: "government"}}},
	{members: []int{0, 11, 12, 15, 20, 22, 26, 31, 32, 3, 2}},
	{members: []int{0, 4, 12, 15, 16, 22, 24, 26, 34, 25, 13, 5}}, // May, before the summit
	{members: []int{0, 4, 7, 12, 15, 22, 26, 29, 32, 17, 10, 1}},
}

// loadAttendance records who came to the pilot's calls, and their registrations: everyone who
// came had registered a week before, and a few more registered and did not come.
func loadAttendance(ctx context.Context, st *store.Store, c *convene.Community, res *Result) error {
	seasons, err := st.SeasonsOf(ctx, res.Series.ID)
	if err != nil {
		return err
	}
	var pilot *convene.Season
	for _, se := range seasons {
		if se.Name == "Pilot" {
			pilot = se
		}
	}
	if pilot == nil {
		return fmt.Errorf("demo attendance: no pilot season")
	}
	calls, err := st.Calls(ctx, convene.CallFilter{SeriesID: res.Series.ID})
	if err != nil {
		return err
	}
	var held []*convene.Call
	for _, call := range calls {
		if call.SeasonID == pilot.ID && call.Status == convene.CallScheduled {
			held = append(held, call)
		}
	}
	if len(held) < len(pilotAttendance) {
		return fmt.Errorf("demo attendance: %d pilot calls, want %d", len(held), len(pilotAttendance))
	}
	ids, err := memberIDs(ctx, st, c)
	if err != nil {
		return err
	}
	for i, who := range pilotAttendance {
		call := held[i]
		var records []convene.Attendance
		for j, k := range who.members {
			id := ids[members[k].name]
			if err := st.ImportRegistration(ctx, call.ID, id, call.StartsAt.Add(-7*24*time.Hour)); err != nil {
				return err
			}
			records = append(records, convene.Attendance{UserID: id, Source: convene.AttendanceReport, Minutes: 45 + (j*7)%16})
		}
		for _, g := range who.guests {
			records = append(records, convene.Attendance{GuestName: g.name, Jurisdiction: g.jurisdiction, Sector: g.sector,
				Source: convene.AttendanceReport, Minutes: 50})
		}
		// Two registered and did not come.
		for _, k := range []int{(i*5 + 8) % len(members), (i*7 + 21) % len(members)} {
			if err := st.ImportRegistration(ctx, call.ID, ids[members[k].name], call.StartsAt.Add(-5*24*time.Hour)); err != nil {
				return err
			}
		}
		if _, err := st.RecordAttendance(ctx, call.ID, records); err != nil {
			return fmt.Errorf("demo attendance: %w", err)
		}
	}
	return nil
}

// memberIDs are the community's members' account ids by name.
func memberIDs(ctx context.Context, st *store.Store, c *convene.Community) (map[string]int64, error) {
	list, err := st.Members(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for _, m := range list {
		ids[m.User.Name] = m.User.ID
	}
	return ids, nil
}
