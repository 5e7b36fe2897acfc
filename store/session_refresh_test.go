package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/opengovcall/convene"
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

// An API token's last use is noted to the minute: a request within the minute writes nothing, and
// a revoked token is refused on the very next request.
func TestTokenUseIsNotedAtMostOnceAMinute(t *testing.T) {
	clock := &movableClock{t: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := &convene.User{Email: "token.user@example.org", Name: "Token User", Confirmed: true}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		raw, err := s.CreateAPIToken(ctx, u.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		lastUse := func() time.Time {
			t.Helper()
			tokens, err := s.APITokens(ctx, u.ID)
			if err != nil || len(tokens) != 1 || tokens[0].LastUsedAt == nil {
				t.Fatalf("tokens %+v, %v", tokens, err)
			}
			return tokens[0].LastUsedAt.UTC()
		}
		use := func() {
			t.Helper()
			if got, _, err := s.UserByAPIToken(ctx, raw); err != nil || got.ID != u.ID {
				t.Fatalf("token use: %v, %v", got, err)
			}
		}
		first := clock.t
		use()
		if got := lastUse(); !got.Equal(first) {
			t.Errorf("first use noted at %v, want %v", got, first)
		}
		clock.t = clock.t.Add(40 * time.Second)
		use()
		if got := lastUse(); !got.Equal(first) {
			t.Errorf("a use within the minute was written: %v", got)
		}
		clock.t = clock.t.Add(30 * time.Second)
		use()
		if got := lastUse(); !got.Equal(clock.t) {
			t.Errorf("after a minute the last use is %v, want %v", got, clock.t)
		}
		tokens, _ := s.APITokens(ctx, u.ID)
		if err := s.DeleteAPIToken(ctx, u.ID, tokens[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserByAPIToken(ctx, raw); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("a revoked token still answers: %v", err)
		}
	})
}
