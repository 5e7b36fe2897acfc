package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/search"
	"github.com/opengovcall/convene/store"
)

// find searches a community and returns the titles and kinds found, and the total.
func find(t *testing.T, s *store.Store, communityID int64, text string, kinds ...string) ([]store.SearchHit, int) {
	t.Helper()
	q, err := search.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	hits, total, err := s.Search(context.Background(), store.SearchFilter{Query: q, CommunityID: communityID, Kinds: kinds})
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	return hits, total
}

func foundKind(hits []store.SearchHit, kind string, id int64) bool {
	for _, h := range hits {
		if h.Kind == kind && h.RefID == id {
			return true
		}
	}
	return false
}

// Search finds each kind of thing by its words in either language, follows edits and deletions
// whoever wrote them, and never finds a hidden comment or a deleted initiative.
func TestSearchFindsEachKindAndFollowsChanges(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, call := oneCall(t, s, 0)
		call.Theme = "Public consultations on the action plan"
		if err := s.UpdateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		if err := s.AddAgendaItem(ctx, c.ID, &convene.AgendaItem{CallID: call.ID, Kind: convene.AgendaUpdate,
			Title: "Les données ouvertes en Nouvelle-Écosse", PresenterName: "Presenter", Minutes: 10}); err != nil {
			t.Fatal(err)
		}
		lead := person(t, s, "Christine Lead", nil)
		in := &convene.Initiative{CommunityID: c.ID, Name: "Open Clearinghouse", Description: "A clearinghouse for open data ideas",
			Status: "active", Jurisdiction: "NS", Sector: "government", LeadIDs: []int64{lead.ID}}
		if err := s.CreateInitiative(ctx, in); err != nil {
			t.Fatal(err)
		}
		up := &convene.InitiativeUpdate{InitiativeID: in.ID, AuthorID: lead.ID, Body: "We published the inventory of datasets."}
		if err := s.AddUpdate(ctx, up); err != nil {
			t.Fatal(err)
		}
		member := person(t, s, "Ann Member", nil)
		on := convene.CommentTarget{Kind: convene.CommentOnCall, ID: call.ID}
		visible := &convene.Comment{CommunityID: c.ID, Target: on, AuthorID: member.ID, Body: "Great discussion of the inventory"}
		hidden := &convene.Comment{CommunityID: c.ID, Target: on, AuthorID: member.ID, Body: "Spam about a secret inventory"}
		for _, cm := range []*convene.Comment{visible, hidden} {
			if err := s.AddComment(ctx, cm); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.HideComment(ctx, c.ID, hidden.ID); err != nil {
			t.Fatal(err)
		}

		// Stemming and accents, in either language.
		if hits, _ := find(t, s, c.ID, "consultation"); !foundKind(hits, store.SearchCall, call.ID) {
			t.Errorf("consultation does not find the call about consultations: %+v", hits)
		}
		if hits, _ := find(t, s, c.ID, "donnees ouvertes"); !foundKind(hits, store.SearchCall, call.ID) {
			t.Errorf("donnees ouvertes does not find the agenda's « données ouvertes »: %+v", hits)
		}
		if hits, _ := find(t, s, c.ID, "clearinghouse"); !foundKind(hits, store.SearchInitiative, in.ID) {
			t.Errorf("clearinghouse does not find the initiative: %+v", hits)
		}
		hits, total := find(t, s, c.ID, "inventory")
		if !foundKind(hits, store.SearchUpdate, up.ID) || !foundKind(hits, store.SearchComment, visible.ID) {
			t.Errorf("inventory does not find the update and the visible comment: %+v", hits)
		}
		if foundKind(hits, store.SearchComment, hidden.ID) || total != 2 {
			t.Errorf("the hidden comment is found, or counted (%d results): %+v", total, hits)
		}
		if hits, _ := find(t, s, c.ID, "secret"); len(hits) != 0 {
			t.Errorf("a word only in a hidden comment finds %+v", hits)
		}
		if hits, _ := find(t, s, c.ID, "inventory", store.SearchComment); len(hits) != 1 || hits[0].Kind != store.SearchComment {
			t.Errorf("filtered to comments: %+v", hits)
		}
		for _, h := range hits {
			if !strings.HasPrefix(h.Path, "/c/ogc/") {
				t.Errorf("result path %q", h.Path)
			}
		}

		// An edit written straight into the database is found at once; a deletion is gone.
		if _, err := s.DB().ExecContext(ctx, pgOrNot(s, `UPDATE calls SET theme = 'Budget transparency' WHERE id = ?`), call.ID); err != nil {
			t.Fatal(err)
		}
		if hits, _ := find(t, s, c.ID, "budget"); !foundKind(hits, store.SearchCall, call.ID) {
			t.Error("an edited theme is not found")
		}
		if hits, _ := find(t, s, c.ID, "consultations"); foundKind(hits, store.SearchCall, call.ID) {
			t.Error("the old theme is still found")
		}
		if err := s.DeleteInitiative(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
		if hits, _ := find(t, s, c.ID, "clearinghouse"); len(hits) != 0 {
			t.Errorf("a deleted initiative is found: %+v", hits)
		}
		if hits, _ := find(t, s, c.ID, "datasets"); len(hits) != 0 {
			t.Errorf("a deleted initiative's update is found: %+v", hits)
		}
		other, _ := seedSeries(t, s, "elsewhere")
		if hits, _ := find(t, s, other.ID, "budget"); len(hits) != 0 {
			t.Errorf("another community's search finds %+v", hits)
		}
	})
}

// A search counts what it finds up to store.MaxSearchCount and then stops: a total past it means
// "more than that", and pages still come best first.
func TestSearchCountsUpToItsLimit(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, call := oneCall(t, s, 0)
		author := person(t, s, "Prolific Author", nil)
		hidden := "0"
		if s.Engine() == "postgres" {
			hidden = "FALSE"
		}
		for i := 0; i < store.MaxSearchCount+5; i++ {
			if _, err := s.DB().ExecContext(ctx, pgOrNot(s, `INSERT INTO comments (community_id, target_kind, target_id, author_id, body, hidden, created_at)
				VALUES (?, 'call', ?, ?, 'Another pangolin sighting', `+hidden+`, ?)`), c.ID, call.ID, author.ID, utc("2019-11-01T00:00:00Z")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.IndexPending(ctx, 2*store.MaxSearchCount); err != nil { // the worker's part: a search indexes 1,000 at most
			t.Fatal(err)
		}
		hits, total := find(t, s, c.ID, "pangolin")
		if total != store.MaxSearchCount+1 || len(hits) != 20 {
			t.Errorf("%d results, %d on the page; want %d (more than the limit) and 20", total, len(hits), store.MaxSearchCount+1)
		}
	})
}
