package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func TestInitiativeLifecycle(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		lead := person(t, s, "Christine Lead", nil)
		in := &convene.Initiative{CommunityID: c.ID, Name: " Open Clearinghouse ", Status: "active", Jurisdiction: "ON",
			Sector: "government", Links: []string{"https://example.org/ch", "", "https://example.org/ch"}, LeadIDs: []int64{lead.ID, lead.ID}}
		if err := s.CreateInitiative(ctx, in); err != nil {
			t.Fatal(err)
		}
		got, err := s.InitiativeByID(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Open Clearinghouse" || len(got.Links) != 1 || !got.IsLead(lead.ID) || len(got.Leads) != 1 {
			t.Fatalf("stored %+v", got)
		}

		bad := &convene.Initiative{CommunityID: c.ID, Name: "Bad", Links: []string{"javascript:alert(1)"}}
		mustCode(t, s.CreateInitiative(ctx, bad), convene.EINVALID)
		bad = &convene.Initiative{CommunityID: c.ID, Name: "Bad", Status: "maybe"}
		mustCode(t, s.CreateInitiative(ctx, bad), convene.EINVALID)

		list, err := s.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID, Status: "active", Jurisdiction: "ON"})
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %v, %v", list, err)
		}
		if list, _ := s.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID, Sector: "media"}); len(list) != 0 {
			t.Fatalf("sector filter kept %d", len(list))
		}

		got.Status = "paused"
		if err := s.UpdateInitiative(ctx, got); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteInitiative(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s.UpdateInitiative(ctx, got), convene.ENOTFOUND)
		_, err = s.InitiativeByID(ctx, in.ID)
		mustCode(t, err, convene.ENOTFOUND)
		_ = sr
	})
}

func TestInitiativeUpdatesAsksOffers(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, call := oneCall(t, s, 0)
		lead := person(t, s, "Richard Lead", nil)
		helper := person(t, s, "Helpful Member", nil)
		in := &convene.Initiative{CommunityID: c.ID, Name: "Re:OpenGov", Status: "active", LeadIDs: []int64{lead.ID}}
		if err := s.CreateInitiative(ctx, in); err != nil {
			t.Fatal(err)
		}

		// Updates: tied to a call of the community, or to none; a call elsewhere is refused.
		up := &convene.InitiativeUpdate{InitiativeID: in.ID, AuthorID: lead.ID, Body: "Launched.", CallID: call.ID}
		if err := s.AddUpdate(ctx, up); err != nil {
			t.Fatal(err)
		}
		if err := s.AddUpdate(ctx, &convene.InitiativeUpdate{InitiativeID: in.ID, AuthorID: lead.ID, Body: "Second."}); err != nil {
			t.Fatal(err)
		}
		imported := &convene.InitiativeUpdate{InitiativeID: in.ID, Body: "From the pilot.", CreatedAt: utc("2019-03-13T17:00:00Z")}
		if err := s.AddUpdate(ctx, imported); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s.AddUpdate(ctx, &convene.InitiativeUpdate{InitiativeID: in.ID, Body: "x", CallID: call.ID + 1000}), convene.EINVALID)
		mustCode(t, s.AddUpdate(ctx, &convene.InitiativeUpdate{InitiativeID: in.ID, Body: "  "}), convene.EINVALID)
		ups, err := s.Updates(ctx, in.ID)
		if err != nil || len(ups) != 3 || !ups[2].CreatedAt.Equal(utc("2019-03-13T17:00:00Z")) {
			t.Fatalf("updates = %v, %v", ups, err)
		}
		if ups[0].Body != "Second." || ups[1].CallID != call.ID || ups[1].CallTitle.Text == "" || ups[1].AuthorName != "Richard Lead" {
			t.Fatalf("updates = %+v %+v", ups[0], ups[1])
		}

		// Asks and offers: the offer writes the asker's mail in the same transaction.
		mustCode(t, s.AddAsk(ctx, &convene.Ask{InitiativeID: in.ID, AuthorID: lead.ID, Kind: "money", Body: "x"}), convene.EINVALID)
		ask := &convene.Ask{InitiativeID: in.ID, AuthorID: lead.ID, Kind: "volunteers", Body: "Two people to test the site."}
		if err := s.AddAsk(ctx, ask); err != nil {
			t.Fatal(err)
		}
		offer := &convene.Offer{AskID: ask.ID, UserID: helper.ID, Message: "Count me in."}
		err = s.OfferHelp(ctx, offer, func(asker *convene.User, a *convene.Ask) convene.Mail {
			return convene.Mail{To: asker.Email, Subject: "Help offered", Text: a.Body}
		})
		if err != nil {
			t.Fatal(err)
		}
		mails, err := s.ClaimMail(ctx, 10, time.Minute)
		if err != nil || len(mails) != 1 || mails[0].Mail.To != lead.Email {
			t.Fatalf("mails = %+v, %v", mails, err)
		}
		mustCode(t, s.OfferHelp(ctx, &convene.Offer{AskID: ask.ID, UserID: helper.ID}, nil), convene.EINVALID)

		if err := s.TakeOffer(ctx, ask.ID, offer.ID); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s.TakeOffer(ctx, ask.ID+1, offer.ID), convene.ENOTFOUND)
		asks, err := s.Asks(ctx, in.ID, false)
		if err != nil || len(asks) != 1 || len(asks[0].Offers) != 1 || !asks[0].Offers[0].Taken || asks[0].Offers[0].UserName != "Helpful Member" {
			t.Fatalf("asks = %+v, %v", asks, err)
		}

		if err := s.CloseAsk(ctx, ask.ID); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s.OfferHelp(ctx, &convene.Offer{AskID: ask.ID, UserID: helper.ID, Message: "Late"}, nil), convene.ECONFLICT)
		if open, _ := s.Asks(ctx, in.ID, true); len(open) != 0 {
			t.Fatalf("closed ask still open: %+v", open)
		}
		got, err := s.AskByID(ctx, ask.ID)
		if err != nil || got.Open {
			t.Fatalf("ask = %+v, %v", got, err)
		}
	})
}
