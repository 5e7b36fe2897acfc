// Package benchdata fills a store with the benchmark's community: five years of weekly calls, each
// with an agenda, and a series join kit, so benchmarks measure pages at a realistic size.
package benchdata

import (
	"context"
	"fmt"
	"math"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/store"
)

// Slug is the benchmark community's address.
const Slug = "bench"

// Load stores the benchmark community and returns the id of a call in the middle of its five years.
func Load(ctx context.Context, st *store.Store) (callID int64, err error) {
	c := &convene.Community{Slug: Slug, Name: "Benchmark community", TimeZone: "America/Toronto", Languages: []string{"en", "fr"},
		Description: "Five years of weekly calls."}
	if err := st.CreateCommunity(ctx, c, 0); err != nil {
		return 0, err
	}
	sr := &convene.Series{CommunityID: c.ID, Title: "Weekly open data call", RRule: "FREQ=WEEKLY;BYDAY=WE",
		StartsOn: convene.Date{Year: 2022, Month: 1, Day: 1}, StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
	if err := st.CreateSeries(ctx, sr); err != nil {
		return 0, err
	}
	for y := 2022; y < 2027; y++ {
		se := &convene.Season{SeriesID: sr.ID, Name: fmt.Sprint(y), StartsOn: convene.Date{Year: y, Month: 1, Day: 1},
			EndsOn: convene.Date{Year: y, Month: 12, Day: 31}}
		if err := st.CreateSeason(ctx, se); err != nil {
			return 0, err
		}
	}
	kit, err := convene.ParseZoomInvitation(demo.SeedInvitation)
	if err != nil {
		return 0, err
	}
	kit.SeriesID = sr.ID
	if err := st.SaveJoinKit(ctx, c.ID, &kit); err != nil {
		return 0, err
	}
	calls, err := st.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
	if err != nil {
		return 0, err
	}
	for _, call := range calls {
		for i, kind := range []string{convene.AgendaUpdate, convene.AgendaAsk, convene.AgendaDiscussion} {
			a := &convene.AgendaItem{CallID: call.ID, Kind: kind, Title: fmt.Sprintf("Item %d of call %d", i+1, call.ID),
				PresenterName: "Presenter", PresenterOrg: "Organization", Minutes: 15}
			if err := st.AddAgendaItem(ctx, c.ID, a); err != nil {
				return 0, err
			}
		}
	}
	// Overrides, as a real series has them: every tenth call cancelled, every seventh moved a day.
	for i, call := range calls {
		switch {
		case i%10 == 9:
			call.Status = convene.CallCancelled
		case i%7 == 6:
			call.StartsAt = call.StartsAt.AddDate(0, 0, 1)
		default:
			continue
		}
		if err := st.UpdateCall(ctx, call); err != nil {
			return 0, err
		}
	}
	if _, err := st.IndexPending(ctx, math.MaxInt); err != nil { // as a running instance would have
		return 0, err
	}
	return calls[len(calls)/2].ID, nil
}
