package store

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// Federation's records: each community's key pair, who follows it, what its outbox said of each
// call, the remote actors it met, the remote communities it follows and their events, the
// signatures already seen, and the domains an admin blocked. The protocol is package activitypub's.

// JobDeliver posts one activity to one inbox; JobPublish is not a job but a round of the worker.
const JobDeliver = "ap_deliver"

// DeliverPayload is one delivery: which community signs it, where it goes, and what.
type DeliverPayload struct {
	CommunityID int64  `json:"community_id"`
	Inbox       string `json:"inbox"`
	Body        string `json:"body"`
}

// CommunityKey is a community's key pair in PEM, made the first time it is asked for (and for
// every community by EnsureCommunityKeys when an instance starts); the private key never leaves
// the database but to sign.
func (s *Store) CommunityKey(ctx context.Context, communityID int64) (publicPEM, privatePEM string, err error) {
	err = s.read().row(ctx, `SELECT public_pem, private_pem FROM ap_keys WHERE community_id = ?`, communityID).Scan(&publicPEM, &privatePEM)
	if notFound(err, "") == err {
		return publicPEM, privatePEM, err
	}
	pub, priv, err := newKeyPair()
	if err != nil {
		return "", "", err
	}
	if _, err := s.read().exec(ctx, `INSERT INTO ap_keys (community_id, public_pem, private_pem, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (community_id) DO NOTHING`, communityID, pub, priv, s.now()); err != nil {
		return "", "", err
	}
	err = s.read().row(ctx, `SELECT public_pem, private_pem FROM ap_keys WHERE community_id = ?`, communityID).Scan(&publicPEM, &privatePEM)
	return publicPEM, privatePEM, err
}

// InstanceKey is the instance actor's key pair, which signs fetches made on no community's
// behalf (keys, actors); made the first time it is asked for.
func (s *Store) InstanceKey(ctx context.Context) (publicPEM, privatePEM string, err error) {
	const key = "ap_instance_key"
	pair, err := s.Setting(ctx, key)
	if err != nil {
		return "", "", err
	}
	if pair == "" {
		pub, priv, err := newKeyPair()
		if err != nil {
			return "", "", err
		}
		// One setting for both halves: the first instance to start decides, whole.
		if pair, err = s.InitSetting(ctx, key, pub+priv); err != nil {
			return "", "", err
		}
	}
	end := "-----END PUBLIC KEY-----\n"
	i := strings.Index(pair, end)
	if i < 0 {
		return "", "", convene.Errorf(convene.EINTERNAL, "federation.instance_key", nil)
	}
	return pair[:i+len(end)], pair[i+len(end):], nil
}

// EnsureCommunityKeys gives every community without a key pair one, and says how many it made.
func (s *Store) EnsureCommunityKeys(ctx context.Context) (int, error) {
	ids, err := s.read().ids(ctx, `SELECT id FROM communities WHERE id NOT IN (SELECT community_id FROM ap_keys) ORDER BY id`)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if _, _, err := s.CommunityKey(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

func newKeyPair() (publicPEM, privatePEM string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(key)})), nil
}

func mustPKCS8(key *rsa.PrivateKey) []byte {
	b, _ := x509.MarshalPKCS8PrivateKey(key) // cannot fail for an RSA key
	return b
}

// SetFederation turns a community's federation on or off.
func (s *Store) SetFederation(ctx context.Context, communityID int64, on bool) error {
	_, err := s.read().exec(ctx, `UPDATE communities SET federation = ?, updated_at = ? WHERE id = ?`, on, s.now(), communityID)
	return err
}

// SetFederateNotes turns on or off the posts of a community's minutes and initiative updates.
func (s *Store) SetFederateNotes(ctx context.Context, communityID int64, on bool) error {
	_, err := s.read().exec(ctx, `UPDATE communities SET federate_notes = ?, updated_at = ? WHERE id = ?`, on, s.now(), communityID)
	return err
}

// ToPublish is something a community has that its outbox has not said as it is now.
type ToPublish struct {
	Kind        string
	RefID       int64
	CommunityID int64
	SourceAt    time.Time // its last change
}

// publishable are, per kind, what may be published and when it last changed: public events, the
// minutes of calls that have them, and the updates of initiatives not deleted; the last two only
// for communities that opted in to posts.
var publishable = map[string]string{
	"event": `SELECT e.id AS id, e.community_id AS community_id, e.updated_at AS at FROM events e JOIN communities co ON co.id = e.community_id
		WHERE co.federation = ? AND e.ends_at >= ?`,
	"minutes": `SELECT m.call_id AS id, c.community_id AS community_id, m.updated_at AS at FROM minutes m JOIN calls c ON c.id = m.call_id
		JOIN communities co ON co.id = c.community_id
		WHERE co.federation = ? AND co.federate_notes = ? AND m.summary <> '' AND m.updated_at >= ?`,
	"update": `SELECT u.id AS id, i.community_id AS community_id, u.created_at AS at FROM initiative_updates u JOIN initiatives i ON i.id = u.initiative_id
		JOIN communities co ON co.id = i.community_id
		WHERE co.federation = ? AND co.federate_notes = ? AND i.deleted_at IS NULL AND u.created_at >= ?`,
}

// ThingsToPublish lists, of a kind ("event", "minutes" or "update"), what changed since it was
// last published (or never was), from since on.
func (s *Store) ThingsToPublish(ctx context.Context, kind string, since time.Time, limit int) ([]ToPublish, error) {
	q, ok := publishable[kind]
	if !ok {
		return nil, convene.Invalid("federation.kind", nil)
	}
	args := []any{true}
	if kind != "event" {
		args = append(args, true)
	}
	args = append(args, since, kind, limit)
	rows, err := s.read().query(ctx, `SELECT x.id, x.community_id, x.at FROM (`+q+`) x
		LEFT JOIN ap_published p ON p.kind = ? AND p.ref_id = x.id
		WHERE p.id IS NULL OR x.at > p.source_at ORDER BY x.at, x.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r interface{ Scan(...any) error }) (ToPublish, error) {
		t := ToPublish{Kind: kind}
		return t, r.Scan(&t.RefID, &t.CommunityID, &t.SourceAt)
	})
}

// RemovedThings lists what a community published of a kind that no longer exists (or may no
// longer be shown) and was not yet said deleted.
func (s *Store) RemovedThings(ctx context.Context, kind string, limit int) ([]Published, error) {
	gone := map[string]string{
		"call":    `NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = p.ref_id)`,
		"event":   `NOT EXISTS (SELECT 1 FROM events e WHERE e.id = p.ref_id)`,
		"minutes": `NOT EXISTS (SELECT 1 FROM minutes m WHERE m.call_id = p.ref_id AND m.summary <> '')`,
		"update": `NOT EXISTS (SELECT 1 FROM initiative_updates u JOIN initiatives i ON i.id = u.initiative_id
			WHERE u.id = p.ref_id AND i.deleted_at IS NULL)`,
	}[kind]
	if gone == "" {
		return nil, convene.Invalid("federation.kind", nil)
	}
	return s.published(ctx, `p.kind = ? AND p.activity <> 'Delete' AND `+gone+` ORDER BY p.id LIMIT ?`, kind, limit)
}

// Follower is a remote account following a community.
type Follower struct {
	Actor, Inbox, SharedInbox, FollowID string
	Accepted                            bool
	CreatedAt                           time.Time
}

// AddFollower records a follow, accepted or waiting for an organizer; following again updates
// where to deliver.
func (s *Store) AddFollower(ctx context.Context, communityID int64, f Follower) error {
	state := "pending"
	if f.Accepted {
		state = "accepted"
	}
	_, err := s.read().exec(ctx, `INSERT INTO ap_followers (community_id, actor, inbox, shared_inbox, follow_id, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (community_id, actor) DO UPDATE SET inbox = excluded.inbox,
		shared_inbox = excluded.shared_inbox, follow_id = excluded.follow_id`,
		communityID, f.Actor, f.Inbox, f.SharedInbox, f.FollowID, state, s.now())
	return err
}

// AcceptFollower accepts a follow an organizer approved and returns it.
func (s *Store) AcceptFollower(ctx context.Context, communityID int64, actor string) (*Follower, error) {
	if _, err := s.read().exec(ctx, `UPDATE ap_followers SET state = 'accepted' WHERE community_id = ? AND actor = ?`, communityID, actor); err != nil {
		return nil, err
	}
	fs, err := s.followers(ctx, `community_id = ? AND actor = ?`, communityID, actor)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, convene.NotFound("federation.follower_not_found")
	}
	return &fs[0], nil
}

// RemoveFollower ends a follow; it reports whether there was one.
func (s *Store) RemoveFollower(ctx context.Context, communityID int64, actor string) (bool, error) {
	res, err := s.read().exec(ctx, `DELETE FROM ap_followers WHERE community_id = ? AND actor = ?`, communityID, actor)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveFollowerEverywhere ends every follow of an account deleted on its server.
func (s *Store) RemoveFollowerEverywhere(ctx context.Context, actor string) error {
	_, err := s.read().exec(ctx, `DELETE FROM ap_followers WHERE actor = ?`, actor)
	return err
}

// FollowerCount counts a community's accepted followers.
func (s *Store) FollowerCount(ctx context.Context, communityID int64) (int, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM ap_followers WHERE community_id = ? AND state = 'accepted'`, communityID).Scan(&n)
	return n, err
}

// PendingFollowers lists the follows waiting for an organizer, oldest first.
func (s *Store) PendingFollowers(ctx context.Context, communityID int64) ([]Follower, error) {
	return s.followers(ctx, `community_id = ? AND state = 'pending'`, communityID)
}

func (s *Store) followers(ctx context.Context, where string, args ...any) ([]Follower, error) {
	rows, err := s.read().query(ctx, `SELECT actor, inbox, shared_inbox, follow_id, state, created_at FROM ap_followers WHERE `+where+
		` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r interface{ Scan(...any) error }) (Follower, error) {
		var f Follower
		var state string
		err := r.Scan(&f.Actor, &f.Inbox, &f.SharedInbox, &f.FollowID, &state, &f.CreatedAt)
		f.Accepted = state == "accepted"
		return f, err
	})
}

// DeliveryInboxes are where an activity to a community's followers goes: each accepted
// follower's shared inbox when its server offers one, its own inbox otherwise, once each.
func (s *Store) DeliveryInboxes(ctx context.Context, communityID int64) ([]string, error) {
	rows, err := s.read().query(ctx, `SELECT DISTINCT CASE WHEN shared_inbox <> '' THEN shared_inbox ELSE inbox END FROM ap_followers
		WHERE community_id = ? AND state = 'accepted' ORDER BY 1`, communityID)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r interface{ Scan(...any) error }) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}

// Published is what a community's outbox said of one of its calls or events, last.
type Published struct {
	CommunityID int64
	Kind        string // "call" or "event"
	RefID       int64
	Activity    string // Create, Update or Delete
	ActivityID  string
	Body        string // the activity as JSON
	SourceAt    time.Time
	PublishedAt time.Time
}

// CallsToPublish lists, for communities that federate, calls not yet published or changed since
// (by their last change), from a day before now on: what the next round should say.
func (s *Store) CallsToPublish(ctx context.Context, since time.Time, limit int) ([]*convene.Call, error) {
	rows, err := s.read().query(ctx, `SELECT `+callColumns+callFrom+` JOIN communities co ON co.id = c.community_id
		LEFT JOIN ap_published p ON p.kind = 'call' AND p.ref_id = c.id
		WHERE co.federation = ? AND c.starts_at >= ? AND (p.id IS NULL OR c.updated_at > p.source_at)
		ORDER BY c.updated_at, c.id LIMIT ?`, true, since, limit)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, scanCall)
}

// PublishedOf is what was last published of a call or event, or nil.
func (s *Store) PublishedOf(ctx context.Context, kind string, refID int64) (*Published, error) {
	ps, err := s.published(ctx, `p.kind = ? AND p.ref_id = ?`, kind, refID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return &ps[0], nil
}

func (s *Store) published(ctx context.Context, where string, args ...any) ([]Published, error) {
	rows, err := s.read().query(ctx, `SELECT p.community_id, p.kind, p.ref_id, p.activity, p.activity_id, p.body, p.source_at, p.published_at
		FROM ap_published p WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r interface{ Scan(...any) error }) (Published, error) {
		var p Published
		err := r.Scan(&p.CommunityID, &p.Kind, &p.RefID, &p.Activity, &p.ActivityID, &p.Body, &p.SourceAt, &p.PublishedAt)
		return p, err
	})
}

// RecordPublished keeps what the outbox now says of a call or event and queues its delivery to
// each inbox, in one transaction: one job per inbox, keyed by activity and inbox, so a round
// done twice (two instances) delivers once.
func (s *Store) RecordPublished(ctx context.Context, p Published, inboxes []string) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `INSERT INTO ap_published (community_id, kind, ref_id, activity, activity_id, body, source_at, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, ref_id) DO UPDATE SET activity = excluded.activity,
			activity_id = excluded.activity_id, body = excluded.body, source_at = excluded.source_at, published_at = excluded.published_at`,
			p.CommunityID, p.Kind, p.RefID, p.Activity, p.ActivityID, p.Body, p.SourceAt, now); err != nil {
			return err
		}
		for _, inbox := range inboxes {
			if err := enqueueJob(ctx, tx, JobDeliver, DeliverPayload{CommunityID: p.CommunityID, Inbox: inbox, Body: p.Body},
				"deliver:"+p.ActivityID+":"+inbox, now, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Upcoming lists the last activities a community published of its calls and events still to
// come, soonest first: what a new follower is sent so its calendar is whole from the start.
func (s *Store) Upcoming(ctx context.Context, communityID int64, limit int) ([]Published, error) {
	now := s.now()
	return s.published(ctx, `p.community_id = ? AND p.activity <> 'Delete' AND (
		(p.kind = 'call' AND EXISTS (SELECT 1 FROM calls c WHERE c.id = p.ref_id AND c.starts_at >= ?)) OR
		(p.kind = 'event' AND EXISTS (SELECT 1 FROM events e WHERE e.id = p.ref_id AND e.ends_at >= ?)))
		ORDER BY p.source_at, p.id LIMIT ?`, communityID, now, now, limit)
}

// Deliver queues one activity to some inboxes (an Accept to the follower who asked).
func (s *Store) Deliver(ctx context.Context, communityID int64, activityID, body string, inboxes ...string) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		for _, inbox := range inboxes {
			if err := enqueueJob(ctx, tx, JobDeliver, DeliverPayload{CommunityID: communityID, Inbox: inbox, Body: body},
				"deliver:"+activityID+":"+inbox, now, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Outbox lists a community's activities, newest first, before a moment (zero for now), with
// how many there are.
func (s *Store) Outbox(ctx context.Context, communityID int64, before time.Time, limit int) ([]Published, int, error) {
	var total int
	if err := s.read().row(ctx, `SELECT COUNT(*) FROM ap_published WHERE community_id = ?`, communityID).Scan(&total); err != nil {
		return nil, 0, err
	}
	if before.IsZero() {
		before = s.now().Add(time.Hour)
	}
	ps, err := s.published(ctx, `p.community_id = ? AND p.published_at < ? ORDER BY p.published_at DESC, p.id DESC LIMIT ?`, communityID, before, limit)
	return ps, total, err
}

// RemoteActor is an account or group on another server, as last fetched.
type RemoteActor struct {
	URI, Host, Kind, Name, Handle, URL, Inbox, SharedInbox, KeyID, PublicPEM string
	FetchedAt                                                                time.Time
}

// SaveRemoteActor keeps what was fetched of a remote actor.
func (s *Store) SaveRemoteActor(ctx context.Context, a *RemoteActor) error {
	a.FetchedAt = s.now()
	_, err := s.read().exec(ctx, `INSERT INTO ap_actors (uri, host, kind, name, handle, url, inbox, shared_inbox, key_id, public_pem, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uri) DO UPDATE SET host = excluded.host, kind = excluded.kind, name = excluded.name,
		handle = excluded.handle, url = excluded.url, inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, key_id = excluded.key_id,
		public_pem = excluded.public_pem, fetched_at = excluded.fetched_at`,
		a.URI, a.Host, a.Kind, a.Name, a.Handle, a.URL, a.Inbox, a.SharedInbox, a.KeyID, a.PublicPEM, a.FetchedAt)
	return err
}

// RemoteActorBy finds a remote actor by its URI or its key's id.
func (s *Store) RemoteActorBy(ctx context.Context, uriOrKeyID string) (*RemoteActor, error) {
	var a RemoteActor
	err := s.read().row(ctx, `SELECT uri, host, kind, name, handle, url, inbox, shared_inbox, key_id, public_pem, fetched_at FROM ap_actors
		WHERE uri = ? OR key_id = ? ORDER BY fetched_at DESC LIMIT 1`, uriOrKeyID, uriOrKeyID).
		Scan(&a.URI, &a.Host, &a.Kind, &a.Name, &a.Handle, &a.URL, &a.Inbox, &a.SharedInbox, &a.KeyID, &a.PublicPEM, &a.FetchedAt)
	if err != nil {
		return nil, notFound(err, "federation.actor_not_found")
	}
	return &a, nil
}

// Followed is a remote community a community follows.
type Followed struct {
	Actor    RemoteActor
	FollowID string
	Accepted bool
}

// FollowRemote records that a community asked to follow a remote actor.
func (s *Store) FollowRemote(ctx context.Context, communityID int64, actor, followID string) error {
	_, err := s.read().exec(ctx, `INSERT INTO ap_following (community_id, actor, follow_id, state, created_at) VALUES (?, ?, ?, 'pending', ?)
		ON CONFLICT (community_id, actor) DO UPDATE SET follow_id = excluded.follow_id`, communityID, actor, followID, s.now())
	return err
}

// FollowAccepted marks a follow accepted by the actor it asked; it reports whether it knew it.
func (s *Store) FollowAccepted(ctx context.Context, actor, followID string) (bool, error) {
	res, err := s.read().exec(ctx, `UPDATE ap_following SET state = 'accepted' WHERE actor = ? AND follow_id = ?`, actor, followID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Unfollow stops following a remote actor and forgets its events unless another community here
// follows it.
func (s *Store) Unfollow(ctx context.Context, communityID int64, actor string) error {
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `DELETE FROM ap_following WHERE community_id = ? AND actor = ?`, communityID, actor); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM ap_remote_events WHERE actor = ? AND NOT EXISTS (SELECT 1 FROM ap_following WHERE actor = ?)`, actor, actor)
		return err
	})
}

// Following lists the remote actors a community follows, with what is known of them.
func (s *Store) Following(ctx context.Context, communityID int64) ([]Followed, error) {
	rows, err := s.read().query(ctx, `SELECT f.follow_id, f.state, a.uri, a.host, a.kind, a.name, a.handle, a.url, a.inbox, a.shared_inbox
		FROM ap_following f JOIN ap_actors a ON a.uri = f.actor WHERE f.community_id = ? ORDER BY a.name, a.uri`, communityID)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r interface{ Scan(...any) error }) (Followed, error) {
		var f Followed
		var state string
		err := r.Scan(&f.FollowID, &state, &f.Actor.URI, &f.Actor.Host, &f.Actor.Kind, &f.Actor.Name, &f.Actor.Handle, &f.Actor.URL,
			&f.Actor.Inbox, &f.Actor.SharedInbox)
		f.Accepted = state == "accepted"
		return f, err
	})
}

// IsFollowed reports whether any community here follows a remote actor (accepted or not): only
// then are its events kept.
func (s *Store) IsFollowed(ctx context.Context, actor string) (bool, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM ap_following WHERE actor = ?`, actor).Scan(&n)
	return n > 0, err
}

// RemoteEvent is an event a followed remote community published, as it last said it.
type RemoteEvent struct {
	URI, Actor, Name, Content, URL, TimeZone, Location string
	StartsAt, EndsAt                                   time.Time
	Cancelled                                          bool
	UpdatedAt                                          time.Time
	// Read only: the actor's name, handle and host, for "from …".
	ActorName, ActorHandle, ActorURL, Host string
}

// SaveRemoteEvent keeps a remote event, new or changed. Only its own actor may change it: an
// event of the same id from another actor is refused.
func (s *Store) SaveRemoteEvent(ctx context.Context, e *RemoteEvent) error {
	e.UpdatedAt = s.now()
	var ends any
	if !e.EndsAt.IsZero() {
		ends = e.EndsAt.UTC()
	}
	res, err := s.read().exec(ctx, `INSERT INTO ap_remote_events (uri, actor, name, content, url, starts_at, ends_at, time_zone, location, cancelled, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uri) DO UPDATE SET name = excluded.name, content = excluded.content,
		url = excluded.url, starts_at = excluded.starts_at, ends_at = excluded.ends_at, time_zone = excluded.time_zone,
		location = excluded.location, cancelled = excluded.cancelled, updated_at = excluded.updated_at
		WHERE ap_remote_events.actor = excluded.actor`,
		e.URI, e.Actor, e.Name, e.Content, e.URL, e.StartsAt.UTC(), ends, e.TimeZone, e.Location, e.Cancelled, e.UpdatedAt)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.Errorf(convene.EFORBIDDEN, "federation.not_owner", nil)
	}
	return nil
}

// DeleteRemoteEvent forgets a remote event its actor deleted; it reports whether it was there.
func (s *Store) DeleteRemoteEvent(ctx context.Context, uri, actor string) (bool, error) {
	res, err := s.read().exec(ctx, `DELETE FROM ap_remote_events WHERE uri = ? AND actor = ?`, uri, actor)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// MovementEvents lists the events of the remote communities a community follows (accepted),
// from a moment on, soonest first.
func (s *Store) MovementEvents(ctx context.Context, communityID int64, from time.Time, limit int) ([]RemoteEvent, error) {
	rows, err := s.read().query(ctx, `SELECT e.uri, e.actor, e.name, e.content, e.url, e.starts_at, e.ends_at, e.time_zone, e.location,
		e.cancelled, e.updated_at, a.name, a.handle, a.url, a.host
		FROM ap_remote_events e JOIN ap_following f ON f.actor = e.actor AND f.community_id = ? AND f.state = 'accepted'
		JOIN ap_actors a ON a.uri = e.actor
		WHERE e.starts_at >= ? ORDER BY e.starts_at, e.uri LIMIT ?`, communityID, from, limit)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r interface{ Scan(...any) error }) (RemoteEvent, error) {
		var e RemoteEvent
		var ends *time.Time
		err := r.Scan(&e.URI, &e.Actor, &e.Name, &e.Content, &e.URL, &e.StartsAt, &ends, &e.TimeZone, &e.Location, &e.Cancelled,
			&e.UpdatedAt, &e.ActorName, &e.ActorHandle, &e.ActorURL, &e.Host)
		if ends != nil {
			e.EndsAt = ends.UTC()
		}
		e.StartsAt = e.StartsAt.UTC()
		return e, err
	})
}

// SeenSignature records a signature's digest and reports whether it was already seen: a replayed
// request. Records outlive the window a signature's Date is accepted in (ForgetSignatures drops
// them after), so a replay is always either seen or stale.
func (s *Store) SeenSignature(ctx context.Context, digest string) (bool, error) {
	res, err := s.read().exec(ctx, `INSERT INTO ap_seen (digest, seen_at) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING`, digest, s.now())
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 0, nil
}

// ForgetSignatures drops the replay records older than window; the worker does it each round.
func (s *Store) ForgetSignatures(ctx context.Context, window time.Duration) error {
	_, err := s.read().exec(ctx, `DELETE FROM ap_seen WHERE seen_at < ?`, s.now().Add(-window))
	return err
}

// BlockDomain stops federation with a domain and its subdomains; UnblockDomain lifts it.
func (s *Store) BlockDomain(ctx context.Context, domain string) error {
	domain = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(domain, "*.")))
	if domain == "" || strings.ContainsAny(domain, "/ @:") {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "domain", Key: "federation.domain_invalid"})
	}
	_, err := s.read().exec(ctx, `INSERT INTO ap_blocked_domains (domain, created_at) VALUES (?, ?) ON CONFLICT (domain) DO NOTHING`, domain, s.now())
	return err
}

// UnblockDomain lifts a block.
func (s *Store) UnblockDomain(ctx context.Context, domain string) error {
	_, err := s.read().exec(ctx, `DELETE FROM ap_blocked_domains WHERE domain = ?`, strings.ToLower(strings.TrimSpace(domain)))
	return err
}

// BlockedDomains lists the blocked domains.
func (s *Store) BlockedDomains(ctx context.Context) ([]string, error) {
	rows, err := s.read().query(ctx, `SELECT domain FROM ap_blocked_domains ORDER BY domain`)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r interface{ Scan(...any) error }) (string, error) {
		var d string
		return d, r.Scan(&d)
	})
}

// DomainBlocked reports whether a host is a blocked domain or under one.
func (s *Store) DomainBlocked(ctx context.Context, host string) (bool, error) {
	host = strings.ToLower(host)
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	candidates := []any{host}
	for i := strings.IndexByte(host, '.'); i >= 0; i = strings.IndexByte(host, '.') {
		host = host[i+1:]
		candidates = append(candidates, host)
	}
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM ap_blocked_domains WHERE domain IN (`+placeholders(len(candidates))+`)`, candidates...).Scan(&n)
	return n > 0, err
}

// UpdateByID is one initiative update with its initiative's name.
func (s *Store) UpdateByID(ctx context.Context, id int64) (*convene.InitiativeUpdate, error) {
	ups, err := s.updates(ctx, `up.id = ?`, id, 1)
	if err != nil {
		return nil, err
	}
	if len(ups) == 0 {
		return nil, convene.NotFound("update.not_found")
	}
	return ups[0], nil
}
