package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// The demo always has a next call, whatever day it is started on.
func TestDemoCarriesOnToAYearFromNow(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	testdb.Each(t, convene.FixedClock(now), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		res, err := demo.Load(ctx, s, convene.FixedClock(now), "")
		if err != nil {
			t.Fatal(err)
		}
		next, err := s.NextCall(ctx, res.Community.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := next.StartsAt.Format(time.RFC3339); got != "2026-12-09T17:00:00Z" {
			t.Fatalf("next call %s, want the second Wednesday of December 2026 at noon Toronto", got)
		}
		if agenda, _ := s.Agenda(ctx, next.ID); len(agenda) != 2 {
			t.Fatalf("next call agenda: %d items", len(agenda))
		}
		later, _ := s.Calls(ctx, convene.CallFilter{CommunityID: res.Community.ID, From: now.AddDate(1, 0, 0)})
		if len(later) == 0 {
			t.Fatal("no calls scheduled a year from now")
		}
		reboot, err := s.CallByID(ctx, res.RebootID)
		if err != nil || reboot.StartsAt.Format(time.RFC3339) != "2019-11-13T17:00:00Z" || reboot.Theme != "The reboot" {
			t.Fatalf("reboot call: %+v %v", reboot, err)
		}
		kit, _, err := s.CallJoinKit(ctx, reboot)
		if err != nil || kit.MeetingID != "912323161" || kit.Passcode != "005064" || len(kit.DialIns) != 3 || kit.LocalNumbersURL != "https://zoom.us/u/aegrsblAn2" {
			t.Fatalf("seed join kit: %+v %v", kit, err)
		}
		if reboot.JoinLevel() != convene.JoinRegistered {
			t.Fatalf("the reboot call's join kit is for %s, want registered participants only", reboot.JoinLevel())
		}
		counts, _ := s.RegisteredCounts(ctx, []int64{reboot.ID, next.ID})
		if counts[reboot.ID] != 27 || counts[next.ID] != 12 {
			t.Fatalf("registrations: %v", counts)
		}
		members, _ := s.Members(ctx, res.Community.ID)
		byJurisdiction := map[string]int{}
		for _, m := range members {
			byJurisdiction[m.User.Jurisdiction]++
		}
		if len(members) != 36 || byJurisdiction["ON"] < 15 || len(byJurisdiction) < 12 {
			t.Fatalf("%d members by jurisdiction %v: want three dozen, mostly from Ontario, across the country", len(members), byJurisdiction)
		}
		pilot, _ := s.Calls(ctx, convene.CallFilter{CommunityID: res.Community.ID, To: time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)})
		var monthly []*convene.Call
		for _, call := range pilot {
			if !call.Extra() {
				monthly = append(monthly, call)
			}
		}
		if len(monthly) != 6 || len(pilot) != 7 {
			t.Fatalf("pilot calls = %d monthly of %d, want January to June 2019 and the summit-week meet-up", len(monthly), len(pilot))
		}
		// The summit-week call met in a room at the summit's venue and online; six came in person.
		summit, err := s.CallByID(ctx, res.SummitID)
		if err != nil || summit.Mode() != convene.CallHybrid || summit.Venue == nil || summit.Venue.Name != "Shaw Centre" ||
			summit.Venue.Address == "" || summit.InPersonCapacity != 30 {
			t.Fatalf("summit-week call: %+v %v", summit, err)
		}
		if byMode, _ := s.RegisteredByMode(ctx, summit.ID); byMode[convene.AttendInPerson] != 6 || byMode[convene.AttendOnline] != 6 {
			t.Fatalf("summit-week registrations by mode: %v", byMode)
		}
		rep, err := s.Reach(ctx, res.Community, convene.ReachFilter{SeasonID: summit.SeasonID})
		if err != nil || rep.Modes[convene.AttendInPerson].Attended != 6 || rep.Modes[convene.AttendOnline].Attended < 60 {
			t.Fatalf("pilot reach by mode: %+v %v", rep.Modes, err)
		}
		if a := reboot.Accessibility(); a.Captions != convene.CaptionsHuman || len(a.Interpretation) != 2 || a.Interpretation[0] != "fr" {
			t.Fatalf("reboot call accessibility: %+v", a)
		}
		// The last three calls before today kept their records; older ones since the reboot show
		// that none were kept, not a wall of "held".
		past, _ := s.Calls(ctx, convene.CallFilter{SeriesID: res.Series.ID, From: reboot.StartsAt.Add(time.Hour), To: now, Descending: true})
		if err := s.FillRecorded(ctx, past); err != nil {
			t.Fatal(err)
		}
		shown := map[string]int{}
		for i, call := range past {
			shown[call.Shown(now)]++
			if i < 3 && (call.Shown(now) != convene.CallHeld || call.Outcome != convene.CallHeld || !call.Recorded) {
				t.Errorf("recent call of %s: %s, outcome %q, recorded %v", call.StartsAt.Format(time.DateOnly), call.Shown(now), call.Outcome, call.Recorded)
			}
		}
		if shown[convene.CallHeld] != 3 || shown[convene.CallUnrecorded] < 50 {
			t.Fatalf("past calls since the reboot show as %v", shown)
		}
	})
}

// The demo tells its story in both languages: every text its organizers wrote has a French
// version, written as French typography wants.
func TestDemoIsBilingual(t *testing.T) {
	now := time.Date(2019, 10, 30, 15, 0, 0, 0, time.UTC)
	testdb.Each(t, convene.FixedClock(now), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		res, err := demo.Load(ctx, s, convene.FixedClock(now), "")
		if err != nil {
			t.Fatal(err)
		}
		var items []convene.Translatable
		c, _ := s.CommunityByID(ctx, res.Community.ID)
		sr, _ := s.SeriesByID(ctx, res.Series.ID)
		items = append(items, c, sr)
		seasons, _ := s.SeasonsOf(ctx, sr.ID)
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		var ids []int64
		for _, se := range seasons {
			items = append(items, se)
		}
		for _, call := range calls {
			items = append(items, call)
			ids = append(ids, call.ID)
		}
		agendas, _ := s.Agendas(ctx, ids)
		for _, list := range agendas {
			for _, a := range list {
				items = append(items, a)
			}
		}
		events, _ := s.Events(ctx, c.ID)
		ideas, _ := s.Ideas(ctx, store.IdeaFilter{CommunityID: c.ID})
		initiatives, _ := s.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID})
		for _, e := range events {
			items = append(items, e)
		}
		for _, i := range ideas {
			items = append(items, i)
		}
		for _, in := range initiatives {
			items = append(items, in)
		}
		if len(items) < 20 {
			t.Fatalf("only %d texts in the demo", len(items))
		}
		for _, it := range items {
			if missing := convene.Missing(it, c.Languages)["fr"]; len(missing) > 0 {
				t.Errorf("%T %q has no French %v", it, convene.Original(it, it.TextFields()[0].Name), missing)
			}
			for _, text := range it.Localized().Translations["fr"] {
				for _, bad := range []string{" :", " ;", " ?", " !", "« ", " »"} {
					if strings.Contains(text, bad) {
						t.Errorf("%q: a breaking space in %q", text, bad)
					}
				}
			}
		}
	})
}
