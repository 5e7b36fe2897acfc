package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// A session whose data did not change is written again only once its expiry has moved by a
// minute; changed data, and a session changed by another instance, are written at once.
func TestSessionsAreRefreshedAtMostOnceAMinute(t *testing.T) {
	clock := &movableClock{t: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ss, other := s.Sessions(), s.Sessions() // two instances
		expiryOf := func() time.Time {
			t.Helper()
			var at time.Time
			q := `SELECT expiry FROM sessions WHERE token = 'tok'`
			if err := s.DB().QueryRowContext(ctx, q).Scan(&at); err != nil {
				t.Fatal(err)
			}
			return at.UTC()
		}
		base := clock.t.Add(7 * 24 * time.Hour)
		commit := func(ss *store.SessionStore, data string, expiry time.Time) {
			t.Helper()
			if _, _, err := ss.FindCtx(ctx, "tok"); err != nil {
				t.Fatal(err)
			}
			if err := ss.CommitCtx(ctx, "tok", []byte(data), expiry); err != nil {
				t.Fatal(err)
			}
		}
		commit(ss, "signed in", base)
		commit(ss, "signed in", base.Add(30*time.Second))
		if got := expiryOf(); !got.Equal(base) {
			t.Errorf("an unchanged session was written after 30 s: expiry %v", got)
		}
		commit(ss, "signed in", base.Add(61*time.Second))
		if got := expiryOf(); !got.Equal(base.Add(61 * time.Second)) {
			t.Errorf("after a minute the expiry is %v", got)
		}
		commit(ss, "signed in, with a flash", base.Add(62*time.Second))
		if got, _, _ := ss.FindCtx(ctx, "tok"); string(got) != "signed in, with a flash" {
			t.Errorf("changed data was not written: %q", got)
		}
		// Another instance changes it; this one loads that and writes its own change at once.
		commit(other, "changed elsewhere", base.Add(63*time.Second))
		commit(ss, "signed in, with a flash", base.Add(64*time.Second))
		if got, _, _ := other.FindCtx(ctx, "tok"); string(got) != "signed in, with a flash" {
			t.Errorf("after the other instance's change: %q", got)
		}
		if err := ss.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := ss.FindCtx(ctx, "tok"); found {
			t.Error("a deleted session is found")
		}
	})
}
