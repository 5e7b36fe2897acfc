package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func TestEventsWithCallLinks(t *testing.T) {
	testdb.Each(t, nil, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, call := oneCall(t, s, 0)
		e := &convene.Event{CommunityID: c.ID, Name: "OGP Global Summit", TimeZone: "America/Toronto", Place: "Ottawa",
			StartsAt: utc("2019-11-29T14:00:00Z"), EndsAt: utc("2019-11-30T22:00:00Z"), Link: "https://example.org/summit",
			Links: []convene.EventLink{{CallID: call.ID, Relation: convene.EventPrepares}}}
		if err := s.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		got, err := s.EventByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != e.Name || !got.StartsAt.Equal(e.StartsAt) || len(got.Links) != 1 || got.Links[0].Call.ID != call.ID ||
			got.Links[0].Relation != convene.EventPrepares {
			t.Fatalf("stored event = %+v", got)
		}
		// Changing the links replaces them.
		got.Links = []convene.EventLink{{CallID: call.ID, Relation: convene.EventFollowsUp}}
		if err := s.UpdateEvent(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := s.EventByID(ctx, e.ID)
		if len(again.Links) != 1 || again.Links[0].Relation != convene.EventFollowsUp {
			t.Fatalf("links after update = %+v", again.Links)
		}
		list, err := s.Events(ctx, c.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("events = %v, %v", list, err)
		}
		_, err = s.EventByID(ctx, e.ID+100)
		mustCode(t, err, convene.ENOTFOUND)
	})
}

func TestEventRefusals(t *testing.T) {
	testdb.Each(t, nil, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _ := oneCall(t, s, 0)
		other, otherSeries := seedSeries(t, s, "elsewhere")
		_ = other
		if err := s.CreateSeason(ctx, &convene.Season{SeriesID: otherSeries.ID, Name: "Fall", StartsOn: date("2019-11-01"), EndsOn: date("2019-11-30")}); err != nil {
			t.Fatal(err)
		}
		otherCalls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: otherSeries.ID})
		good := func() *convene.Event {
			return &convene.Event{CommunityID: c.ID, Name: "Hackathon", TimeZone: "America/Toronto", Online: true,
				StartsAt: utc("2019-11-29T14:00:00Z"), EndsAt: utc("2019-11-29T22:00:00Z")}
		}
		for name, edit := range map[string]func(e *convene.Event){
			"end before start": func(e *convene.Event) { e.EndsAt = e.StartsAt.Add(-time.Hour) },
			"javascript link":  func(e *convene.Event) { e.Link = "javascript:alert(1)" },
			"no place":         func(e *convene.Event) { e.Online = false },
			"no name":          func(e *convene.Event) { e.Name = " " },
			"bad zone":         func(e *convene.Event) { e.TimeZone = "Mars/Olympus" },
			"bad relation": func(e *convene.Event) {
				e.Links = []convene.EventLink{{CallID: otherCalls[0].ID, Relation: "sponsors"}}
			},
		} {
			e := good()
			edit(e)
			err := s.CreateEvent(ctx, e)
			if convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%s: err = %v, want invalid", name, err)
			}
		}
		e := good()
		e.Links = []convene.EventLink{{CallID: otherCalls[0].ID, Relation: convene.EventPrepares}}
		mustCode(t, s.CreateEvent(ctx, e), convene.ENOTFOUND)
		if list, _ := s.Events(ctx, c.ID); len(list) != 0 {
			t.Fatalf("a refused event was stored: %v", list)
		}
	})
}

func TestIdeasAndTimeline(t *testing.T) {
	clock := &movableClock{t: utc("2019-12-01T12:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, call := oneCall(t, s, 0)
		e := &convene.Event{CommunityID: c.ID, Name: "Data summit", TimeZone: "America/Toronto", Place: "Toronto",
			StartsAt: utc("2018-06-13T17:30:00Z"), EndsAt: utc("2018-06-13T19:00:00Z")}
		if err := s.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		idea := &convene.Idea{CommunityID: c.ID, EventID: e.ID, Title: "A monthly call"}
		if err := s.CreateIdea(ctx, idea); err != nil {
			t.Fatal(err)
		}
		if idea.Status != convene.IdeaProposed || !idea.RaisedAt.Equal(e.StartsAt) {
			t.Fatalf("idea = %+v", idea)
		}
		if err := s.SetIdeaStatus(ctx, c.ID, idea.ID, convene.IdeaPickedUp); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s.SetIdeaStatus(ctx, c.ID, idea.ID, "became_famous"), convene.EINVALID)
		mustCode(t, s.SetIdeaStatus(ctx, c.ID+1, idea.ID, convene.IdeaAbandoned), convene.ENOTFOUND)
		mustCode(t, s.CreateIdea(ctx, &convene.Idea{CommunityID: c.ID, EventID: e.ID + 50, Title: "x"}), convene.ENOTFOUND)
		mustCode(t, s.CreateIdea(ctx, &convene.Idea{CommunityID: c.ID, Title: ""}), convene.EINVALID)
		ideas, err := s.Ideas(ctx, store.IdeaFilter{CommunityID: c.ID, EventID: e.ID})
		if err != nil || len(ideas) != 1 || ideas[0].Status != convene.IdeaPickedUp || ideas[0].EventName.Text != "Data summit" {
			t.Fatalf("ideas = %v, %v", ideas, err)
		}

		tl, err := s.Timeline(ctx, c.ID, clock.Now(), store.TimelineFilter{})
		if err != nil {
			t.Fatal(err)
		}
		items := tl.Items
		if tl.Earlier != nil || tl.Later != nil {
			t.Fatalf("a one-page timeline links to other pages: %+v", tl)
		}
		var kinds []string
		for _, it := range items {
			kinds = append(kinds, it.Kind)
		}
		// The event, the idea raised at it, the season, the held call (November 13); no future call is left.
		want := []string{"event", "idea", "season", "call"}
		if len(kinds) != len(want) {
			t.Fatalf("timeline kinds = %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("timeline kinds = %v, want %v", kinds, want)
			}
		}
		if items[3].Call.ID != call.ID {
			t.Fatalf("timeline call = %d, want %d", items[3].Call.ID, call.ID)
		}
		only, _ := s.Timeline(ctx, c.ID, clock.Now(), store.TimelineFilter{Kinds: []string{convene.TimelineIdea}})
		if len(only.Items) != 1 || only.Items[0].Kind != convene.TimelineIdea {
			t.Fatalf("filtered timeline = %v", only.Items)
		}
	})
}

func TestIdeaToInitiative(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _ := oneCall(t, s, 0)
		lead := person(t, s, "Olivia Organizer", nil)
		idea := &convene.Idea{CommunityID: c.ID, Title: "A national open data society", Description: "Coming soon."}
		if err := s.CreateIdea(ctx, idea); err != nil {
			t.Fatal(err)
		}
		mustCode(t, func() error { _, err := s.IdeaToInitiative(ctx, c.ID+1, idea.ID, lead.ID); return err }(), convene.ENOTFOUND)
		in, err := s.IdeaToInitiative(ctx, c.ID, idea.ID, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.InitiativeByID(ctx, in.ID)
		if err != nil || got.Name != idea.Title || got.Description != idea.Description || !got.IsLead(lead.ID) || got.CommunityID != c.ID {
			t.Fatalf("initiative = %+v, %v", got, err)
		}
		after, err := s.IdeaByID(ctx, idea.ID)
		if err != nil || after.InitiativeID != in.ID || after.InitiativeName.Text != idea.Title || after.Status != convene.IdeaPickedUp {
			t.Fatalf("idea = %+v, %v", after, err)
		}
		_, err = s.IdeaToInitiative(ctx, c.ID, idea.ID, lead.ID)
		mustCode(t, err, convene.ECONFLICT)
		all, err := s.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID})
		if err != nil || len(all) != 1 {
			t.Fatalf("initiatives after a refused second conversion = %d, %v", len(all), err)
		}
	})
}

func TestTimelineInitiatives(t *testing.T) {
	clock := &movableClock{t: utc("2019-11-05T12:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		clock.t = utc("2019-11-05T12:00:00Z") // each database starts the story afresh
		ctx := context.Background()
		c, _ := oneCall(t, s, 0)
		on := &convene.Initiative{CommunityID: c.ID, Name: "Ontario team", Status: convene.InitiativeActive, Jurisdiction: "ON", Sector: "government"}
		fed := &convene.Initiative{CommunityID: c.ID, Name: "Federal society", Status: convene.InitiativeForming, Jurisdiction: "federal", Sector: "civil_society"}
		for _, in := range []*convene.Initiative{on, fed} {
			if err := s.CreateInitiative(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		clock.t = utc("2019-11-20T12:00:00Z")
		initiatives := func(f store.TimelineFilter) (out []convene.TimelineItem, kinds map[string]int) {
			tl, err := s.Timeline(ctx, c.ID, clock.Now(), f)
			if err != nil {
				t.Fatal(err)
			}
			kinds = map[string]int{}
			for _, it := range tl.Items {
				kinds[it.Kind]++
				if it.Kind == convene.TimelineInitiative {
					out = append(out, it)
				}
			}
			return out, kinds
		}
		got, _ := initiatives(store.TimelineFilter{})
		if len(got) != 2 || got[0].Finished || got[1].Finished || !got[0].At.Equal(utc("2019-11-05T12:00:00Z")) {
			t.Fatalf("started initiatives = %+v", got)
		}
		on.Status = convene.InitiativeDone
		if err := s.UpdateInitiative(ctx, on); err != nil {
			t.Fatal(err)
		}
		got, _ = initiatives(store.TimelineFilter{})
		if len(got) != 3 || !got[2].Finished || got[2].Initiative.ID != on.ID || !got[2].At.Equal(clock.Now()) {
			t.Fatalf("after done = %+v", got)
		}
		// Finished stays when it was marked done, however it is edited afterwards, until it reopens.
		finished := clock.Now()
		clock.t = utc("2019-11-25T12:00:00Z")
		on.Status, on.Description = convene.InitiativeStopped, "Wound down."
		if err := s.UpdateInitiative(ctx, on); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.InitiativeByID(ctx, on.ID); got.FinishedAt == nil || !got.FinishedAt.Equal(finished) {
			t.Fatalf("finished at = %v, want %v", got.FinishedAt, finished)
		}
		on.Status = convene.InitiativeActive
		if err := s.UpdateInitiative(ctx, on); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.InitiativeByID(ctx, on.ID); got.FinishedAt != nil {
			t.Fatalf("a reopened initiative keeps finished at %v", got.FinishedAt)
		}
		on.Status = convene.InitiativeDone
		if err := s.UpdateInitiative(ctx, on); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s.DeleteInitiative(ctx, fed.ID), "")
		mustCode(t, s.UpdateInitiative(ctx, fed), convene.ENOTFOUND)
		fed = &convene.Initiative{CommunityID: c.ID, Name: "Federal society", Status: convene.InitiativeForming, Jurisdiction: "federal", Sector: "civil_society"}
		if err := s.CreateInitiative(ctx, fed); err != nil {
			t.Fatal(err)
		}
		got, kinds := initiatives(store.TimelineFilter{Jurisdiction: "ON"})
		if len(got) != 2 || got[0].Initiative.ID != on.ID || got[1].Initiative.ID != on.ID || kinds[convene.TimelineSeason] != 1 || kinds[convene.TimelineCall] != 1 {
			t.Fatalf("ON timeline = %+v, kinds %v", got, kinds)
		}
		got, kinds = initiatives(store.TimelineFilter{Sector: "civil_society", Kinds: []string{convene.TimelineInitiative}})
		if len(got) != 1 || got[0].Initiative.ID != fed.ID || len(kinds) != 1 {
			t.Fatalf("civil society initiatives = %+v, kinds %v", got, kinds)
		}
	})
}

// TestTimelinePages walks a long timeline page by page, back from the latest moments and forward
// again, and finds every moment exactly once and in order, including moments that share an instant.
func TestTimelinePages(t *testing.T) {
	clock := &movableClock{t: utc("2019-11-05T12:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		clock.t = utc("2019-11-05T12:00:00Z")
		ctx := context.Background()
		c, _ := oneCall(t, s, 0)
		same := utc("2018-06-13T17:30:00Z")
		for i := range 7 {
			at := same // six events and six ideas at one instant, then one later
			if i == 6 {
				at = utc("2018-09-01T12:00:00Z")
			}
			e := &convene.Event{CommunityID: c.ID, Name: fmt.Sprintf("Event %d", i), Place: "Toronto", TimeZone: "America/Toronto", StartsAt: at, EndsAt: at.Add(time.Hour)}
			if err := s.CreateEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateIdea(ctx, &convene.Idea{CommunityID: c.ID, EventID: e.ID, Title: fmt.Sprintf("Idea %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 5 {
			clock.t = utc("2019-01-01T00:00:00Z") // five initiatives started at one instant
			in := &convene.Initiative{CommunityID: c.ID, Name: fmt.Sprintf("Initiative %d", i), Status: convene.InitiativeActive}
			if err := s.CreateInitiative(ctx, in); err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				clock.t = utc("2019-03-01T00:00:00Z")
				in.Status = convene.InitiativeDone
				if err := s.UpdateInitiative(ctx, in); err != nil {
					t.Fatal(err)
				}
			}
		}
		clock.t = utc("2019-11-20T12:00:00Z")
		all, err := s.Timeline(ctx, c.ID, clock.Now(), store.TimelineFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		key := func(it convene.TimelineItem) string {
			switch {
			case it.Event != nil:
				return it.Event.Name
			case it.Idea != nil:
				return it.Idea.Title
			case it.Initiative != nil:
				return fmt.Sprint(it.Initiative.Name, it.Finished)
			case it.Season != nil:
				return it.Season.Name
			}
			return it.Call.DisplayTitle()
		}
		var want []string
		for _, it := range all.Items {
			want = append(want, key(it))
		}
		if len(want) != 7+7+5+3+2 {
			t.Fatalf("whole timeline has %d moments: %v", len(want), want)
		}
		for _, limit := range []int{1, 3, 4, 100} {
			// Back from the latest page to the first, then forward again as a reader would.
			var back, fwd []string
			f := store.TimelineFilter{Limit: limit}
			var tl *store.TimelinePage
			for pages := 0; ; pages++ {
				if tl, err = s.Timeline(ctx, c.ID, clock.Now(), f); err != nil {
					t.Fatal(err)
				}
				var page []string
				for _, it := range tl.Items {
					page = append(page, key(it))
				}
				back = append(page, back...)
				if (pages > 0) != (tl.Later != nil) {
					t.Fatalf("limit %d, page %d back: later link %v", limit, pages, tl.Later)
				}
				if tl.Earlier == nil {
					break
				}
				f.Before = tl.Earlier
			}
			if fmt.Sprint(back) != fmt.Sprint(want) {
				t.Fatalf("limit %d, backward:\n got %v\nwant %v", limit, back, want)
			}
			for {
				for _, it := range tl.Items {
					fwd = append(fwd, key(it))
				}
				if tl.Later == nil {
					break
				}
				if tl, err = s.Timeline(ctx, c.ID, clock.Now(), store.TimelineFilter{Limit: limit, After: tl.Later}); err != nil {
					t.Fatal(err)
				}
				if tl.Earlier == nil {
					t.Fatalf("limit %d: a later page does not link to the earlier one", limit)
				}
			}
			if fmt.Sprint(fwd) != fmt.Sprint(want) {
				t.Fatalf("limit %d, forward:\n got %v\nwant %v", limit, fwd, want)
			}
		}
		if _, err := store.ParseTimelineCursor("12.x.3"); convene.ErrorCode(err) != convene.EINVALID {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}
