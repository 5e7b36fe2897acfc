package store_test

import (
	"context"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// A database migrated before migration 17 gained reach_calls (its first landing) is brought up to
// date by migration 34: the table, its triggers and its counts, on both engines.
func TestMigrationRepairsAnEarlyReachSchema(t *testing.T) {
	testdb.Each(t, &movableClock{t: utc("2019-11-01T12:00:00Z")}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, sr := seedSeries(t, s, "repair")
		call := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-11-13T17:00:00Z"), DurationMinutes: 60}
		if err := s.CreateCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		ann := person(t, s, "Ann Early", nil)
		if _, err := s.Register(ctx, call.ID, ann.ID, nil); err != nil {
			t.Fatal(err)
		}
		db := s.DB()
		// What migrations after 33 made goes, so the database is as it was at 33: first what later
		// ones made (SQLite checks every trigger when a column is dropped), then what 34 repairs.
		later := []string{`ALTER TABLE events DROP COLUMN address`, `DROP INDEX calls_community_updated`}
		var reach []string
		if s.Engine() == "sqlite" {
			reach = []string{`DROP TRIGGER reach_calls_registration_insert`, `DROP TRIGGER reach_calls_registration_delete`,
				`DROP TRIGGER reach_calls_registration_update`, `DROP TABLE reach_calls`}
		} else {
			reach = []string{`DROP TABLE reach_calls CASCADE`}
		}
		early := append(append(later, reach...), `DROP INDEX reach_stale_person`,
			`CREATE INDEX reach_stale_person ON reach_stale (community_id, person_key)`, `DELETE FROM goose_db_version WHERE version_id >= 34`)
		for _, q := range early {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT registered FROM reach_calls WHERE call_id = `+itoa(call.ID)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 1 {
			t.Fatalf("after the repair the call counts %d registrations, want 1", n)
		}
		bob := person(t, s, "Bob Later", nil)
		if _, err := s.Register(ctx, call.ID, bob.ID, nil); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 2 {
			t.Fatalf("the repaired triggers count %d registrations, want 2", n)
		}
	})
}
