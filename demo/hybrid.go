package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// summitVenue is where the community met during the OGP Global Summit: the summit's own venue.
var summitVenue = convene.Venue{Name: "Shaw Centre", Address: "55 Colonel By Drive\nOttawa, ON K1N 9J2",
	Room: "Community meet-up room, level 2", MapURL: "https://www.openstreetmap.org/search?query=55%20Colonel%20By%20Drive%2C%20Ottawa",
	AccessNotes: "Step-free entrance from Colonel By Drive; elevators to every level; accessible washrooms on level 2."}

// loadSummitWeek adds the call held during the OGP Global Summit in Ottawa (May 29–31, 2019) as a
// hybrid call: people at the summit met in a room at its venue while the others joined by video.
// Some registered to come in person, most online; those in the room were checked in, the others
// came from the participant report, so the reach report splits the two.
func loadSummitWeek(ctx context.Context, st *store.Store, c *convene.Community, res *Result) error {
	toronto, err := convene.LoadZone("America/Toronto")
	if err != nil {
		return err
	}
	seasons, err := st.SeasonsOf(ctx, res.Series.ID)
	if err != nil {
		return err
	}
	var pilot int64
	for _, se := range seasons {
		if se.Name == "Pilot" {
			pilot = se.ID
		}
	}
	venue := summitVenue
	call := &convene.Call{SeriesID: res.Series.ID, SeasonID: pilot, StartsAt: time.Date(2019, 5, 30, 12, 30, 0, 0, toronto), DurationMinutes: 60,
		Title: "Summit-week meet-up", Theme: "In the room and online",
		Note:           "During the OGP Global Summit in Ottawa: those at the summit meet in the room, everyone else joins by video.",
		AttendanceMode: convene.CallHybrid, Venue: &venue, InPersonCapacity: 30, Capacity: 100}
	if err := st.CreateCall(ctx, inFrench(call)); err != nil {
		return fmt.Errorf("demo summit-week call: %w", err)
	}
	res.SummitID = call.ID
	ids, err := memberIDs(ctx, st, c)
	if err != nil {
		return err
	}
	var records []convene.Attendance
	for i, k := range []int{0, 4, 12, 15, 22, 26, 7, 9, 16, 24, 29, 32} {
		id := ids[members[k].name]
		mode, source := convene.AttendOnline, convene.AttendanceReport
		if i < 6 { // the first six came to the room
			mode, source = convene.AttendInPerson, convene.AttendanceCheckIn
		}
		if err := st.ImportRegistrationIn(ctx, call.ID, id, mode, call.StartsAt.Add(-6*24*time.Hour)); err != nil {
			return err
		}
		records = append(records, convene.Attendance{UserID: id, Source: source, Minutes: 55})
	}
	if _, err := st.RecordAttendance(ctx, call.ID, records); err != nil {
		return fmt.Errorf("demo summit-week attendance: %w", err)
	}
	return nil
}
