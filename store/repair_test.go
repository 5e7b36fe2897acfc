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
		later := []string{`DROP INDEX jobs_user`, `ALTER TABLE jobs DROP COLUMN user_id`, `DROP INDEX outbox_recipient`,
			`ALTER TABLE outbox DROP COLUMN recipient`, `ALTER TABLE events DROP COLUMN address`, `DROP INDEX calls_community_updated`}
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

// Migration 37 gives outbox and job rows written before it their recipient and person, read from
// their JSON, so erasing a person still finds their waiting mail and work.
func TestMigrationBackfillsRecipients(t *testing.T) {
	testdb.Each(t, &movableClock{t: utc("2019-11-01T12:00:00Z")}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		for _, q := range []string{`DROP INDEX jobs_user`, `ALTER TABLE jobs DROP COLUMN user_id`, `DROP INDEX outbox_recipient`,
			`ALTER TABLE outbox DROP COLUMN recipient`, `DELETE FROM goose_db_version WHERE version_id >= 37`,
			`INSERT INTO outbox (message, created_at, next_attempt_at) VALUES ('{"to":"Old.Mail@Example.org","subject":"Hi","text":"x"}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			`INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('invite', '{"call_id":3,"user_id":42,"method":"REQUEST"}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			`INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('call_changed', '{"call_id":3}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var recipient string
		if err := db.QueryRowContext(ctx, `SELECT recipient FROM outbox`).Scan(&recipient); err != nil || recipient != "old.mail@example.org" {
			t.Fatalf("outbox recipient %q (%v)", recipient, err)
		}
		var withUser, without int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE user_id = 42`).Scan(&withUser); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE user_id IS NULL`).Scan(&without); err != nil {
			t.Fatal(err)
		}
		if withUser != 1 || without != 1 {
			t.Fatalf("jobs with user 42: %d, without a user: %d", withUser, without)
		}
	})
}
