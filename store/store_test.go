package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// movableClock is a clock a test can set.
type movableClock struct{ t time.Time }

func (c *movableClock) Now() time.Time { return c.t }

func date(s string) convene.Date {
	d, err := convene.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := convene.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// seedSeries stores a community and the seed's monthly series: second Wednesday, 12:00 Toronto.
func seedSeries(t *testing.T, s *store.Store, slug string) (*convene.Community, *convene.Series) {
	t.Helper()
	ctx := context.Background()
	c := &convene.Community{Slug: slug, Name: "Open Government Canada", TimeZone: "America/Toronto", Languages: []string{"en", "fr"}}
	if err := s.CreateCommunity(ctx, c, 0); err != nil {
		t.Fatal(err)
	}
	sr := &convene.Series{CommunityID: c.ID, Title: "Open Government Community Call", RRule: "FREQ=MONTHLY;BYDAY=2WE",
		StartsOn: date("2019-01-01"), StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
	if err := s.CreateSeries(ctx, sr); err != nil {
		t.Fatal(err)
	}
	return c, sr
}

func starts(calls []*convene.Call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.StartsAt.UTC().Format(time.RFC3339))
	}
	return out
}

func equalStrings(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d items %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("item %d = %q, want %q (all: %v)", i, got[i], want[i], got)
		}
	}
}

func TestSeasonsGenerateExtendAndPause(t *testing.T) {
	clock := &movableClock{t: utc("2019-01-01T00:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		pilot := &convene.Season{SeriesID: sr.ID, Name: "Pilot", StartsOn: date("2019-01-01"), EndsOn: date("2019-05-31")}
		if err := s.CreateSeason(ctx, pilot); err != nil {
			t.Fatal(err)
		}
		calls, err := s.Calls(ctx, convene.CallFilter{SeasonID: pilot.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Noon in Toronto is 17:00 UTC in winter and 16:00 UTC once daylight time starts (March 10, 2019).
		equalStrings(t, starts(calls), []string{"2019-01-09T17:00:00Z", "2019-02-13T17:00:00Z", "2019-03-13T16:00:00Z",
			"2019-04-10T16:00:00Z", "2019-05-08T16:00:00Z"})

		// The pilot is extended to June, after the summit.
		clock.t = utc("2019-05-20T00:00:00Z")
		pilot.EndsOn = date("2019-06-30")
		pilot.Note = "Extended to June to build on the summit's momentum."
		if err := s.UpdateSeason(ctx, pilot); err != nil {
			t.Fatal(err)
		}
		calls, _ = s.Calls(ctx, convene.CallFilter{SeasonID: pilot.ID})
		if len(calls) != 6 || calls[5].StartsAt.Format(time.RFC3339) != "2019-06-12T16:00:00Z" {
			t.Fatalf("after extension: %v", starts(calls))
		}

		reboot := &convene.Season{SeriesID: sr.ID, Name: "Fall reboot", StartsOn: date("2019-11-01"), EndsOn: date("2020-06-30")}
		if err := s.CreateSeason(ctx, reboot); err != nil {
			t.Fatal(err)
		}
		calls, _ = s.Calls(ctx, convene.CallFilter{SeasonID: reboot.ID})
		if len(calls) != 8 || calls[0].StartsAt.Format(time.RFC3339) != "2019-11-13T17:00:00Z" {
			t.Fatalf("reboot calls: %v", starts(calls))
		}

		// A season overlapping another is refused, and so is one ending before it starts; neither writes.
		mustCode(t, s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Overlap", StartsOn: date("2019-06-01"), EndsOn: date("2019-07-31")}), convene.ECONFLICT)
		mustCode(t, s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Backwards", StartsOn: date("2021-06-01"), EndsOn: date("2021-01-31")}), convene.EINVALID)
		seasons, _ := s.SeasonsOf(ctx, sr.ID)
		if len(seasons) != 2 {
			t.Fatalf("seasons = %d, want 2", len(seasons))
		}

		// In January 2020 the reboot pauses: the February to June calls go, except the March call that
		// already has an agenda, which is cancelled instead so its content is kept.
		clock.t = utc("2020-01-20T00:00:00Z")
		march := calls[4]
		if err := s.AddAgendaItem(ctx, c.ID, &convene.AgendaItem{CallID: march.ID, Kind: "update", Title: "Clearinghouse progress"}); err != nil {
			t.Fatal(err)
		}
		if err := s.PauseSeason(ctx, reboot.ID); err != nil {
			t.Fatal(err)
		}
		calls, _ = s.Calls(ctx, convene.CallFilter{SeasonID: reboot.ID})
		equalStrings(t, starts(calls), []string{"2019-11-13T17:00:00Z", "2019-12-11T17:00:00Z", "2020-01-08T17:00:00Z", "2020-03-11T16:00:00Z"})
		if calls[3].Status != convene.CallCancelled {
			t.Fatalf("March call status %q, want cancelled", calls[3].Status)
		}
		if err := s.ResumeSeason(ctx, reboot.ID); err != nil {
			t.Fatal(err)
		}
		calls, _ = s.Calls(ctx, convene.CallFilter{SeasonID: reboot.ID})
		if len(calls) != 8 || calls[4].Status != convene.CallScheduled || calls[4].ID != march.ID {
			t.Fatalf("after resume: %v, March %q", starts(calls), calls[4].Status)
		}
	})
}

func TestMovedCancelledAndExtraCalls(t *testing.T) {
	clock := &movableClock{t: utc("2019-10-01T00:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		season := &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: date("2019-11-01"), EndsOn: date("2019-12-31")}
		if err := s.CreateSeason(ctx, season); err != nil {
			t.Fatal(err)
		}
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		nov, dec := calls[0], calls[1]
		nov.StartsAt = utc("2019-11-14T17:00:00Z")
		if err := s.UpdateCall(ctx, nov); err != nil {
			t.Fatal(err)
		}
		dec.Status = convene.CallCancelled
		if err := s.UpdateCall(ctx, dec); err != nil {
			t.Fatal(err)
		}
		extra := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-11-27T17:00:00Z"), DurationMinutes: 90, Title: "Summit debrief"}
		if err := s.CreateCall(ctx, extra); err != nil {
			t.Fatal(err)
		}
		// Editing the season re-syncs it: the moved call stays moved, the cancelled one cancelled.
		season.Note = "edited"
		if err := s.UpdateSeason(ctx, season); err != nil {
			t.Fatal(err)
		}
		calls, _ = s.Calls(ctx, convene.CallFilter{CommunityID: c.ID})
		equalStrings(t, starts(calls), []string{"2019-11-14T17:00:00Z", "2019-11-27T17:00:00Z", "2019-12-11T17:00:00Z"})
		if !calls[0].Moved() || calls[0].Sequence != 1 {
			t.Fatalf("moved call: moved=%v sequence=%d", calls[0].Moved(), calls[0].Sequence)
		}
		if !calls[1].Extra() || calls[1].DisplayTitle() != "Summit debrief" || calls[1].Series.Title != sr.Title {
			t.Fatalf("extra call: %+v", calls[1])
		}
		if calls[2].Status != convene.CallCancelled || calls[2].StatusAt(clock.t) != convene.CallCancelled {
			t.Fatalf("december status %q", calls[2].Status)
		}
		next, err := s.NextCall(ctx, c.ID, utc("2019-11-20T00:00:00Z"))
		if err != nil || next.ID != extra.ID {
			t.Fatalf("next call = %v, %v; want the extra call", next, err)
		}
		if _, err := s.NextCall(ctx, c.ID, utc("2020-01-01T00:00:00Z")); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Fatalf("next call after the season: %v", err)
		}
		// Changing the series' time moves future calls that were not moved by hand, same day.
		clock.t = utc("2019-11-01T00:00:00Z")
		sr.StartTime = "13:00"
		if err := s.UpdateSeries(ctx, sr); err != nil {
			t.Fatal(err)
		}
		calls, _ = s.Calls(ctx, convene.CallFilter{CommunityID: c.ID})
		equalStrings(t, starts(calls), []string{"2019-11-14T17:00:00Z", "2019-11-27T17:00:00Z", "2019-12-11T18:00:00Z"})
	})
}

func TestTimeZonesWithoutDSTAndHalfHour(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-01-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &convene.Community{Slug: "prairies", Name: "Prairies", TimeZone: "America/Regina", Languages: []string{"en"}}
		if err := s.CreateCommunity(ctx, c, 0); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ zone, winter, summer string }{
			{"America/Regina", "2019-01-09T18:00:00Z", "2019-07-10T18:00:00Z"},   // no DST in Saskatchewan
			{"America/St_Johns", "2019-01-09T15:30:00Z", "2019-07-10T14:30:00Z"}, // UTC−3:30, −2:30 in summer
		} {
			sr := &convene.Series{CommunityID: c.ID, Title: tc.zone, RRule: "FREQ=MONTHLY;BYDAY=2WE", StartsOn: date("2019-01-01"),
				StartTime: "12:00", TimeZone: tc.zone, DurationMinutes: 60}
			if err := s.CreateSeries(ctx, sr); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "2019", StartsOn: date("2019-01-01"), EndsOn: date("2019-12-31")}); err != nil {
				t.Fatal(err)
			}
			calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
			if len(calls) != 12 || calls[0].StartsAt.Format(time.RFC3339) != tc.winter || calls[6].StartsAt.Format(time.RFC3339) != tc.summer {
				t.Fatalf("%s: %v", tc.zone, starts(calls))
			}
		}
	})
}

func TestCommunityRules(t *testing.T) {
	testdb.Each(t, nil, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := &convene.User{Email: "Org@Example.org", Name: "Org"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s.CreateUser(ctx, &convene.User{Email: "org@example.org", Name: "Again"}), convene.ECONFLICT)
		c := &convene.Community{Slug: "ogc", Name: "A", TimeZone: "America/Toronto", Languages: []string{"en"}}
		if err := s.CreateCommunity(ctx, c, u.ID); err != nil {
			t.Fatal(err)
		}
		if role, _ := s.RoleOf(ctx, c.ID, u.ID); role != convene.RoleOwner {
			t.Fatalf("role = %q", role)
		}
		mustCode(t, s.CreateCommunity(ctx, &convene.Community{Slug: "OGC", Name: "B", TimeZone: "UTC", Languages: []string{"en"}}, u.ID), convene.ECONFLICT)
		mustCode(t, s.CreateCommunity(ctx, &convene.Community{Slug: "x", Name: "B", TimeZone: "Mars/Olympus", Languages: []string{"en"}}, 0), convene.EINVALID)
		all, _ := s.Communities(ctx)
		if len(all) != 1 {
			t.Fatalf("communities = %d, want 1: failed creates must write nothing", len(all))
		}
		// An agenda item aimed at another community's call is not found from this one.
		_, sr := seedSeries(t, s, "other")
		if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "S", StartsOn: date("2030-01-01"), EndsOn: date("2030-02-28")}); err != nil {
			t.Fatal(err)
		}
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		mustCode(t, s.AddAgendaItem(ctx, c.ID, &convene.AgendaItem{CallID: calls[0].ID, Kind: "update", Title: "Sneaky"}), convene.ENOTFOUND)
		if items, _ := s.Agenda(ctx, calls[0].ID); len(items) != 0 {
			t.Fatalf("agenda written: %v", items)
		}
	})
}

func TestAgendaOrderAndJoinKits(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-10-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: date("2019-11-01"), EndsOn: date("2019-12-31")}); err != nil {
			t.Fatal(err)
		}
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		call := calls[0]
		var ids []int64
		for _, title := range []string{"Ontario Open Government Team", "Re:OpenGov launch", "Round table"} {
			a := &convene.AgendaItem{CallID: call.ID, Kind: "update", Title: title}
			if err := s.AddAgendaItem(ctx, c.ID, a); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		if err := s.MoveAgendaItem(ctx, c.ID, call.ID, ids[2], -1); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAgendaItem(ctx, c.ID, call.ID, ids[0]); err != nil {
			t.Fatal(err)
		}
		items, _ := s.Agenda(ctx, call.ID)
		if len(items) != 2 || items[0].Title != "Round table" || items[0].Position != 1 || items[1].Position != 2 {
			t.Fatalf("agenda: %+v %+v", items[0], items[1])
		}
		mustCode(t, s.AddAgendaItem(ctx, c.ID, &convene.AgendaItem{CallID: call.ID, Kind: "gossip", Title: "x"}), convene.EINVALID)

		kit := &convene.JoinKit{SeriesID: sr.ID, Provider: "zoom", JoinURL: "https://zoom.us/j/912323161", MeetingID: "912 323 161",
			Passcode: "005064", DialIns: []convene.DialIn{{Number: "+16475580588", Label: "Canada"}}}
		if err := s.SaveJoinKit(ctx, c.ID, kit); err != nil {
			t.Fatal(err)
		}
		got, overridden, err := s.CallJoinKit(ctx, calls[1])
		if err != nil || overridden || got.MeetingID != "912323161" || len(got.DialIns) != 1 || got.DialIns[0].Label != "Canada" {
			t.Fatalf("series kit for call: %+v %v %v", got, overridden, err)
		}
		own := &convene.JoinKit{CallID: call.ID, Provider: "other", JoinURL: "https://meet.example.org/summit"}
		if err := s.SaveJoinKit(ctx, c.ID, own); err != nil {
			t.Fatal(err)
		}
		kits, _ := s.CallJoinKits(ctx, calls)
		if kits[call.ID].JoinURL != own.JoinURL || kits[calls[1].ID].MeetingID != "912323161" {
			t.Fatalf("kits: %+v", kits)
		}
		mustCode(t, s.SaveJoinKit(ctx, c.ID, &convene.JoinKit{SeriesID: sr.ID, Provider: "zoom", JoinURL: "javascript:alert(1)"}), convene.EINVALID)
		got, _, _ = s.CallJoinKit(ctx, calls[1])
		if got.JoinURL != "https://zoom.us/j/912323161" {
			t.Fatalf("invalid kit overwrote the stored one: %+v", got)
		}
	})
}
