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
		// Back to 33 (34's Down leaves its repair in place), then undo what 34 repairs.
		if err := s.MigrateDown(ctx, 33); err != nil {
			t.Fatal(err)
		}
		early := []string{`DROP TABLE reach_calls CASCADE`}
		if s.Engine() == "sqlite" {
			early = []string{`DROP TRIGGER reach_calls_registration_insert`, `DROP TRIGGER reach_calls_registration_delete`,
				`DROP TRIGGER reach_calls_registration_update`, `DROP TABLE reach_calls`}
		}
		early = append(early, `DROP INDEX reach_stale_person`, `CREATE INDEX reach_stale_person ON reach_stale (community_id, person_key)`)
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
		if err := s.MigrateDown(ctx, 36); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
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
