package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// What organizers write keeps a version per language of the community, read back with the item;
// bad versions are refused whole, and a text shown in French is never written back as the
// original.
func TestTranslationsRoundTrip(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: date("2019-11-01"), EndsOn: date("2019-11-30")}); err != nil {
			t.Fatal(err)
		}
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		call := calls[0]
		call.Title = "Community Call reboot"
		call.Translations.Set("FR", "title", "  Relance de l’appel  ")
		if err := s.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		got, err := s.CallByID(ctx, call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Community Call reboot" || got.Translations.Get("fr", "title") != "Relance de l’appel" || got.Sequence <= call.Sequence-1 {
			t.Fatalf("stored %q, %v", got.Title, got.Translations)
		}

		// Shown in French, then saved (as a status change would): the original stays English.
		convene.Localize(got, "fr", c.Primary())
		got.Status = convene.CallCancelled
		if err := s.UpdateCall(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := s.CallByID(ctx, call.ID)
		if again.Title != "Community Call reboot" || again.Translations.Get("fr", "title") != "Relance de l’appel" {
			t.Fatalf("after saving a French view: %q, %v", again.Title, again.Translations)
		}

		// Refused whole: a language the community does not use, a malformed tag, a version too long.
		for _, bad := range []convene.Translations{{"iu": {"title": "x"}}, {"fr-": {"title": "x"}}, {"fr": {"theme": strings.Repeat("x", convene.MaxTitle+1)}}} {
			again.Translations = bad
			again.Title = "Changed"
			mustCode(t, s.UpdateCall(ctx, again), convene.EINVALID)
		}
		if kept, _ := s.CallByID(ctx, call.ID); kept.Title != "Community Call reboot" {
			t.Fatalf("a refused write changed the title to %q", kept.Title)
		}

		// The same for every kind of text: series, community, agenda item, initiative, event, idea.
		sr.Translations.Set("fr", "title", "Appel communautaire")
		if err := s.UpdateSeries(ctx, sr); err != nil {
			t.Fatal(err)
		}
		c.Translations.Set("fr", "name", "Gouvernement ouvert Canada")
		if err := s.UpdateCommunity(ctx, c); err != nil {
			t.Fatal(err)
		}
		item := &convene.AgendaItem{CallID: call.ID, Kind: convene.AgendaUpdate, Title: "Welcome", PresenterOrg: "Treasury Board"}
		item.Translations.Set("fr", "presenter_org", "Conseil du Trésor")
		if err := s.AddAgendaItem(ctx, c.ID, item); err != nil {
			t.Fatal(err)
		}
		in := &convene.Initiative{CommunityID: c.ID, Name: "Open Clearinghouse", Status: "active"}
		in.Translations.Set("fr", "name", "Centre d’échange ouvert")
		if err := s.CreateInitiative(ctx, in); err != nil {
			t.Fatal(err)
		}
		idea := &convene.Idea{CommunityID: c.ID, Title: "A data day", Status: convene.IdeaStatuses[0]}
		idea.Translations.Set("fr", "title", "Une journée des données")
		if err := s.CreateIdea(ctx, idea); err != nil {
			t.Fatal(err)
		}
		lead := person(t, s, "Idea Lead", nil)
		made, err := s.IdeaToInitiative(ctx, c.ID, idea.ID, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		readSeries, _ := s.SeriesByID(ctx, sr.ID)
		readCommunity, _ := s.CommunityByID(ctx, c.ID)
		agenda, _ := s.AgendaItemByID(ctx, call.ID, item.ID)
		readInitiative, _ := s.InitiativeByID(ctx, in.ID)
		fromIdea, _ := s.InitiativeByID(ctx, made.ID)
		for what, pair := range map[string][2]string{
			"series":             {readSeries.Translations.Get("fr", "title"), "Appel communautaire"},
			"community":          {readCommunity.Translations.Get("fr", "name"), "Gouvernement ouvert Canada"},
			"agenda":             {agenda.Translations.Get("fr", "presenter_org"), "Conseil du Trésor"},
			"initiative":         {readInitiative.Translations.Get("fr", "name"), "Centre d’échange ouvert"},
			"idea to initiative": {fromIdea.Translations.Get("fr", "name"), "Une journée des données"},
		} {
			if pair[0] != pair[1] {
				t.Errorf("%s: read %q, want %q", what, pair[0], pair[1])
			}
		}
		if withSeries, _ := s.CallByID(ctx, call.ID); withSeries.Series.Translations.Get("fr", "title") != "Appel communautaire" {
			t.Errorf("a call's series comes without its versions")
		}
	})
}
