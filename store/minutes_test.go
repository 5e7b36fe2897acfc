package store_test

import (
	"context"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func TestMinutesAndActionItems(t *testing.T) {
	clock := &movableClock{t: utc("2019-11-20T12:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: date("2019-10-01"), EndsOn: date("2019-12-31")}); err != nil {
			t.Fatal(err)
		}
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		if len(calls) != 3 {
			t.Fatalf("calls = %v", starts(calls))
		}
		oct, nov, dec := calls[0], calls[1], calls[2]
		item := &convene.AgendaItem{CallID: oct.ID, Kind: convene.AgendaUpdate, Title: "Clearinghouse"}
		if err := s.AddAgendaItem(ctx, c.ID, item); err != nil {
			t.Fatal(err)
		}
		ann := person(t, s, "Ann Member", nil)
		if _, err := s.JoinCommunity(ctx, c.ID, ann.ID); err != nil {
			t.Fatal(err)
		}

		// Empty minutes until written; the note-taker must be a member.
		m, err := s.Minutes(ctx, oct.ID)
		if err != nil || m.Written() {
			t.Fatalf("minutes = %+v, %v", m, err)
		}
		stranger := person(t, s, "Stranger", nil)
		mustCode(t, s.SetNoteTaker(ctx, c.ID, oct.ID, stranger.ID), convene.EINVALID)
		if err := s.SetNoteTaker(ctx, c.ID, oct.ID, ann.ID); err != nil {
			t.Fatal(err)
		}
		m = &convene.Minutes{CallID: oct.ID, Summary: "  We met.  ", Notes: map[int64]string{item.ID: "Going well.", item.ID + 999: "ignored", 0: " "}}
		if err := s.SaveMinutes(ctx, c.ID, m); err != nil {
			t.Fatal(err)
		}
		got, err := s.Minutes(ctx, oct.ID)
		if err != nil || got.Summary != "We met." || got.NoteTakerID != ann.ID || len(got.Notes) != 1 || got.Notes[item.ID] != "Going well." {
			t.Fatalf("minutes = %+v, %v", got, err)
		}
		// A call not yet held has no minutes.
		mustCode(t, s.SaveMinutes(ctx, c.ID, &convene.Minutes{CallID: dec.ID, Summary: "Too early"}), convene.EINVALID)
		other, _ := seedSeries(t, s, "elsewhere")
		mustCode(t, s.SaveMinutes(ctx, other.ID, &convene.Minutes{CallID: oct.ID, Summary: "x"}), convene.ENOTFOUND)

		// Action items: a member owner, a free-text owner; invalid ones refused.
		mine := &convene.ActionItem{CommunityID: c.ID, CallID: oct.ID, What: "Share the list", OwnerID: ann.ID, Due: date("2019-11-01")}
		if err := s.AddActionItem(ctx, mine); err != nil {
			t.Fatal(err)
		}
		theirs := &convene.ActionItem{CommunityID: c.ID, CallID: oct.ID, What: "Book the room", OwnerName: "Jean Guest"}
		if err := s.AddActionItem(ctx, theirs); err != nil {
			t.Fatal(err)
		}
		for name, a := range map[string]*convene.ActionItem{
			"no owner":      {CommunityID: c.ID, CallID: oct.ID, What: "x"},
			"no what":       {CommunityID: c.ID, CallID: oct.ID, OwnerName: "x"},
			"bad status":    {CommunityID: c.ID, CallID: oct.ID, What: "x", OwnerName: "x", Status: "maybe"},
			"not a member":  {CommunityID: c.ID, CallID: oct.ID, What: "x", OwnerID: stranger.ID},
			"call not held": {CommunityID: c.ID, CallID: dec.ID, What: "x", OwnerName: "x"},
		} {
			if err := s.AddActionItem(ctx, a); convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%s: err = %v, want invalid", name, err)
			}
		}

		// Both are follow-ups of the next calls, not of the call they came from.
		ups, err := s.FollowUps(ctx, nov)
		if err != nil || len(ups) != 2 || ups[0].OwnerDisplay != "Ann Member" || ups[1].OwnerDisplay != "Jean Guest" || ups[0].Due != date("2019-11-01") {
			t.Fatalf("follow-ups = %+v, %v", ups, err)
		}
		if ups, _ := s.FollowUps(ctx, oct); len(ups) != 0 {
			t.Fatalf("follow-ups of the call itself = %+v", ups)
		}
		// Done items are no longer followed up.
		if err := s.SetActionStatus(ctx, c.ID, oct.ID, theirs.ID, convene.ActionDone); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s.SetActionStatus(ctx, c.ID, nov.ID, theirs.ID, convene.ActionDone), convene.ENOTFOUND)
		mustCode(t, s.SetActionStatus(ctx, c.ID, oct.ID, theirs.ID, "maybe"), convene.EINVALID)
		ups, _ = s.FollowUps(ctx, dec)
		if len(ups) != 1 || ups[0].ID != mine.ID {
			t.Fatalf("follow-ups after done = %+v", ups)
		}
		// An owner who left keeps the item, shown as a former member.
		if err := s.RemoveMember(ctx, c.ID, ann.ID, false); err != nil {
			t.Fatal(err)
		}
		all, err := s.ActionItems(ctx, store.ActionFilter{CommunityID: c.ID, CallID: oct.ID})
		if err != nil || len(all) != 2 || !all[0].FormerMember || all[0].OwnerDisplay != "" || all[0].What != "Share the list" || all[1].Status != convene.ActionDone {
			t.Fatalf("items after the owner left = %+v, %v", all, err)
		}
		open, _ := s.ActionItems(ctx, store.ActionFilter{CommunityID: c.ID, Status: convene.ActionOpen})
		if len(open) != 1 {
			t.Fatalf("open items = %+v", open)
		}
	})
}
