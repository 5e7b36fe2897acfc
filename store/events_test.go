package store_test

import (
	"context"
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
		if err != nil || len(ideas) != 1 || ideas[0].Status != convene.IdeaPickedUp || ideas[0].EventName != "Data summit" {
			t.Fatalf("ideas = %v, %v", ideas, err)
		}

		items, err := s.Timeline(ctx, c.ID, clock.Now())
		if err != nil {
			t.Fatal(err)
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
		only, _ := s.Timeline(ctx, c.ID, clock.Now(), convene.TimelineIdea)
		if len(only) != 1 || only[0].Kind != convene.TimelineIdea {
			t.Fatalf("filtered timeline = %v", only)
		}
	})
}
