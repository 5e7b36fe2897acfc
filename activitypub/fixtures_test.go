package activitypub

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// The fixtures in testdata are written from the payloads Mastodon, Mobilizon and Gancio publish
// (their documentation and source): what Convene reads of them must be what they mean.

func fixture(t *testing.T, name string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMastodonFollowAndMobilizonGroupAreRead(t *testing.T) {
	var follow incoming
	if err := json.Unmarshal(fixture(t, "mastodon-follow.json"), &follow); err != nil {
		t.Fatal(err)
	}
	if follow.Type != "Follow" || idOf(follow.Actor) != "https://mastodon.example/users/alice" ||
		idOf(follow.Object) != "https://calls.example.ca/c/open-gov-canada" {
		t.Fatalf("Mastodon Follow read as %+v", follow)
	}
	var group remoteActorDoc
	if err := json.Unmarshal(fixture(t, "mobilizon-group.json"), &group); err != nil {
		t.Fatal(err)
	}
	if group.Type != "Group" || group.Inbox != "https://mobilizon.example/@opendata_ns/inbox" ||
		group.Endpoints.SharedInbox != "https://mobilizon.example/inbox" || group.PublicKey.Owner != group.ID {
		t.Fatalf("Mobilizon group read as %+v", group)
	}
}

// TestRemoteEventsAreKeptSanitizedFromTheirOwnActorOnly feeds the Mobilizon and Gancio events to
// the inbox's handling as their actors' Create, and checks what is kept, and that another actor
// cannot change them.
func TestRemoteEventsAreKeptSanitizedFromTheirOwnActorOnly(t *testing.T) {
	testdb.Each(t, convene.FixedClock(time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC)), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &convene.Community{Slug: "ogc", Name: "Open Government Canada", TimeZone: "America/Toronto", Languages: []string{"en"}}
		if err := s.CreateCommunity(ctx, c, 0); err != nil {
			t.Fatal(err)
		}
		f := New(s, "https://calls.example.ca", convene.FixedClock(time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC)), slog.Default())
		actors := map[string]*store.RemoteActor{}
		for _, a := range []*store.RemoteActor{
			{URI: "https://mobilizon.example/@opendata_ns", Host: "mobilizon.example", Kind: "Group", Name: "Open Data Nova Scotia",
				Inbox: "https://mobilizon.example/@opendata_ns/inbox"},
			{URI: "https://gancio.example/federation/u/relay", Host: "gancio.example", Kind: "Application", Name: "Gancio",
				Inbox: "https://gancio.example/federation/u/relay/inbox"},
			{URI: "https://elsewhere.example/users/mallory", Host: "elsewhere.example", Kind: "Person", Inbox: "https://elsewhere.example/inbox"},
		} {
			if err := s.SaveRemoteActor(ctx, a); err != nil {
				t.Fatal(err)
			}
			if err := s.FollowRemote(ctx, c.ID, a.URI, a.URI+"#f"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FollowAccepted(ctx, a.URI, a.URI+"#f"); err != nil {
				t.Fatal(err)
			}
			actors[a.Host] = a
		}
		create := func(actor *store.RemoteActor, object json.RawMessage) int {
			status, err := f.handle(ctx, nil, actor, incoming{ID: actor.URI + "#c", Type: "Create", Actor: json.RawMessage(`"` + actor.URI + `"`), Object: object})
			if err != nil {
				return status
			}
			return 0
		}
		if st := create(actors["mobilizon.example"], fixture(t, "mobilizon-event.json")); st != 0 {
			t.Fatalf("Mobilizon event refused: %d", st)
		}
		if st := create(actors["gancio.example"], fixture(t, "gancio-event.json")); st != 0 {
			t.Fatalf("Gancio event refused: %d", st)
		}
		// Someone else may not publish an event on Mobilizon's host, nor change it.
		if st := create(actors["elsewhere.example"], fixture(t, "mobilizon-event.json")); st != 403 {
			t.Fatalf("another actor's event: %d", st)
		}
		events, err := s.MovementEvents(ctx, c.ID, time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC), 10)
		if err != nil || len(events) != 2 {
			t.Fatalf("movement events: %+v %v", events, err)
		}
		mz, gancio := events[0], events[1]
		if mz.Name != "Open data meetup: procurement data" || mz.Location != "Halifax Central Library, 5440 Spring Garden Rd, Halifax, Nova Scotia" ||
			mz.TimeZone != "America/Halifax" || !mz.EndsAt.Equal(time.Date(2019, 12, 12, 0, 0, 0, 0, time.UTC)) || mz.Cancelled ||
			strings.Contains(mz.Content, "<script") || !strings.Contains(mz.Content, "<b>procurement</b>") {
			t.Fatalf("Mobilizon event kept as %+v", mz)
		}
		if gancio.Location != "Makerspace, 123 Main Street, Moncton" || gancio.URL != "https://gancio.example/event/civic-tech-night" ||
			strings.Contains(gancio.Content, "javascript:") {
			t.Fatalf("Gancio event kept as %+v", gancio)
		}
		// Cancelled the way Mobilizon says it; deleted by its own actor only.
		var ev map[string]any
		_ = json.Unmarshal(fixture(t, "mobilizon-event.json"), &ev)
		ev["ical:status"] = "CANCELLED"
		cancelled, _ := json.Marshal(ev)
		if _, err := f.handle(ctx, nil, actors["mobilizon.example"], incoming{Type: "Update", Object: cancelled}); err != nil {
			t.Fatal(err)
		}
		del := json.RawMessage(`{"id":"https://mobilizon.example/events/8e1a3a2c-5f2b-4c1d-9a7e-2b3c4d5e6f70","type":"Tombstone"}`)
		if st, err := f.handle(ctx, nil, actors["elsewhere.example"], incoming{Type: "Delete", Object: del}); err == nil || st != 403 {
			t.Fatalf("another actor's Delete: %d %v", st, err)
		}
		events, _ = s.MovementEvents(ctx, c.ID, time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC), 10)
		if len(events) != 2 || !events[0].Cancelled {
			t.Fatalf("after the cancellation: %+v", events)
		}
		if _, err := f.handle(ctx, nil, actors["mobilizon.example"], incoming{Type: "Delete", Object: del}); err != nil {
			t.Fatal(err)
		}
		if events, _ = s.MovementEvents(ctx, c.ID, time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC), 10); len(events) != 1 {
			t.Fatalf("after the Delete: %+v", events)
		}
	})
}
