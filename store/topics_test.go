package store_test

import (
	"context"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func TestTopicQueue(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		past := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-10-09T16:00:00Z"), DurationMinutes: 60}
		next := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-11-13T17:00:00Z"), DurationMinutes: 60}
		gone := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-12-11T17:00:00Z"), DurationMinutes: 60}
		for _, call := range []*convene.Call{past, next, gone} {
			if err := s.CreateCall(ctx, call); err != nil {
				t.Fatal(err)
			}
		}
		gone.Status = convene.CallCancelled
		if err := s.UpdateCall(ctx, gone); err != nil {
			t.Fatal(err)
		}
		alice := person(t, s, "Alice Proposer", nil)
		bob := person(t, s, "Bob Voter", nil)
		carol := person(t, s, "Carol Voter", nil)
		in := &convene.Initiative{CommunityID: c.ID, Name: "Clearinghouse", Status: "active"}
		if err := s.CreateInitiative(ctx, in); err != nil {
			t.Fatal(err)
		}

		// Only members propose.
		outsider := &convene.Topic{CommunityID: c.ID, SeriesID: sr.ID, ProposerID: alice.ID, Title: "Outside", Kind: "update"}
		mustCode(t, s.ProposeTopic(ctx, outsider), convene.EFORBIDDEN)
		if _, err := s.JoinCommunity(ctx, c.ID, alice.ID); err != nil {
			t.Fatal(err)
		}
		first := &convene.Topic{CommunityID: c.ID, SeriesID: sr.ID, ProposerID: alice.ID, Title: " First ", Kind: "update"}
		second := &convene.Topic{CommunityID: c.ID, SeriesID: sr.ID, ProposerID: alice.ID, Title: "Second", Kind: "ask",
			PresenterName: "Alice", InitiativeID: in.ID, Minutes: 10, CallID: next.ID}
		for _, tp := range []*convene.Topic{first, second} {
			if err := s.ProposeTopic(ctx, tp); err != nil {
				t.Fatal(err)
			}
		}
		mustCode(t, s.ProposeTopic(ctx, &convene.Topic{CommunityID: c.ID, SeriesID: sr.ID, ProposerID: alice.ID, Title: "x", Kind: "rant"}), convene.EINVALID)
		mustCode(t, s.ProposeTopic(ctx, &convene.Topic{CommunityID: c.ID, SeriesID: sr.ID, ProposerID: alice.ID, Title: "Late", Kind: "update", CallID: past.ID}), convene.EINVALID)
		mustCode(t, s.ProposeTopic(ctx, &convene.Topic{CommunityID: c.ID, SeriesID: sr.ID, ProposerID: alice.ID, Title: "Off", Kind: "update", CallID: gone.ID}), convene.EINVALID)

		// +1 twice counts once; withdrawing is allowed.
		for _, v := range []struct {
			u  int64
			on bool
		}{{bob.ID, true}, {bob.ID, true}, {carol.ID, true}, {carol.ID, false}, {carol.ID, true}} {
			if err := s.PlusOneTopic(ctx, second.ID, v.u, v.on); err != nil {
				t.Fatal(err)
			}
		}
		queue, err := s.Topics(ctx, sr.ID, convene.TopicOpen, bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(queue) != 2 || queue[0].ID != second.ID || queue[0].Interest != 2 || !queue[0].PlusOned || queue[0].InitiativeName.Text != "Clearinghouse" || queue[1].Title != "First" {
			t.Fatalf("queue = %+v", queue)
		}

		var mailed []string
		_, err = s.AcceptTopic(ctx, c.ID, second.ID, past.ID, func(u *convene.User, tp *convene.Topic, call *convene.Call) convene.Mail {
			return convene.Mail{To: u.Email, Subject: "no"}
		})
		mustCode(t, err, convene.EINVALID)
		item, err := s.AcceptTopic(ctx, c.ID, second.ID, next.ID, func(u *convene.User, tp *convene.Topic, call *convene.Call) convene.Mail {
			mailed = append(mailed, u.Email)
			return convene.Mail{To: u.Email, Subject: "Accepted: " + tp.Title}
		})
		if err != nil {
			t.Fatal(err)
		}
		agenda, err := s.Agenda(ctx, next.ID)
		if err != nil || len(agenda) != 1 || agenda[0].ID != item.ID || agenda[0].Title != "Second" || agenda[0].Minutes != 10 {
			t.Fatalf("agenda = %+v, %v", agenda, err)
		}
		if len(mailed) != 1 || mailed[0] != alice.Email {
			t.Fatalf("mailed %v", mailed)
		}
		_, err = s.AcceptTopic(ctx, c.ID, second.ID, next.ID, func(*convene.User, *convene.Topic, *convene.Call) convene.Mail { return convene.Mail{} })
		mustCode(t, err, convene.EINVALID)
		mustCode(t, s.PlusOneTopic(ctx, second.ID, carol.ID, false), convene.EINVALID)

		mustCode(t, s.DeclineTopic(ctx, c.ID, first.ID, "  ", func(*convene.User, *convene.Topic) convene.Mail { return convene.Mail{} }), convene.EINVALID)
		if err := s.DeclineTopic(ctx, c.ID, first.ID, "Out of scope", func(u *convene.User, tp *convene.Topic) convene.Mail {
			return convene.Mail{To: u.Email, Subject: "Declined: " + tp.DeclineReason}
		}); err != nil {
			t.Fatal(err)
		}
		accepted, err := s.Topics(ctx, sr.ID, convene.TopicAccepted, 0)
		if err != nil || len(accepted) != 1 || accepted[0].AcceptedCallID != next.ID || !accepted[0].AcceptedCallStartsAt.Equal(next.StartsAt) {
			t.Fatalf("accepted = %+v, %v", accepted, err)
		}
		declined, err := s.Topics(ctx, sr.ID, convene.TopicDeclined, 0)
		if err != nil || len(declined) != 1 || declined[0].DeclineReason != "Out of scope" || declined[0].DecidedAt == nil {
			t.Fatalf("declined = %+v, %v", declined, err)
		}
		if open, _ := s.Topics(ctx, sr.ID, convene.TopicOpen, 0); len(open) != 0 {
			t.Fatalf("still open: %+v", open)
		}
		waiting, _, _, err := s.OutboxStats(ctx)
		if err != nil || waiting != 2 {
			t.Fatalf("outbox waiting = %d, %v", waiting, err)
		}
		// Another community cannot decide on the topic.
		other, _ := seedSeries(t, s, "other")
		mustCode(t, s.DeclineTopic(ctx, other.ID, second.ID, "no", func(*convene.User, *convene.Topic) convene.Mail { return convene.Mail{} }), convene.ENOTFOUND)
	})
}
