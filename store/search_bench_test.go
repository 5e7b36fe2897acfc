package store_test

import (
	"context"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
)

// BenchmarkSearchWrites measures what search adds to a write, on both engines: posting an
// initiative update with the trigger that marks it for search and without it (dropped), and then
// bringing a marked update's document up to date (the worker's part, after the write).
func BenchmarkSearchWrites(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			s := testdb.Open(b, engine, convene.FixedClock(utc("2019-11-01T00:00:00Z")))
			c := &convene.Community{Slug: "bench", Name: "Bench", TimeZone: "America/Toronto", Languages: []string{"en"}}
			if err := s.CreateCommunity(ctx, c, 0); err != nil {
				b.Fatal(err)
			}
			u := &convene.User{Email: "lead@example.org", Name: "Lead", Confirmed: true}
			if err := s.CreateUser(ctx, u); err != nil {
				b.Fatal(err)
			}
			in := &convene.Initiative{CommunityID: c.ID, Name: "Open Clearinghouse", Status: "active", LeadIDs: []int64{u.ID}}
			if err := s.CreateInitiative(ctx, in); err != nil {
				b.Fatal(err)
			}
			post := func(b *testing.B) {
				for b.Loop() {
					up := &convene.InitiativeUpdate{InitiativeID: in.ID, AuthorID: u.ID,
						Body: "We published the inventory of datasets and les données ouvertes de la province."}
					if err := s.AddUpdate(ctx, up); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.Run("update-marked", post)
			b.Run("index-per-document", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					if _, err := s.DB().ExecContext(ctx, pgOrNot(s, `INSERT INTO search_dirty (kind, ref_id) SELECT 'update', id FROM initiative_updates
						WHERE initiative_id = ? ON CONFLICT DO NOTHING`), in.ID); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if _, err := s.IndexPending(ctx, 1); err != nil {
						b.Fatal(err)
					}
				}
			})
			drop := `DROP TRIGGER search_mark_initiative_updates_insert`
			if engine == "postgres" {
				drop = `DROP TRIGGER search_mark ON initiative_updates`
			}
			if _, err := s.DB().ExecContext(ctx, drop); err != nil {
				b.Fatal(err)
			}
			b.Run("update-unmarked", post)
		})
	}
}
