package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// Inbox receives an activity for one community (c) or for any (the shared inbox, c nil). The
// request must be signed by the actor it names, from that actor's host, within the time window
// and not seen before; the body is at most MaxBody. Refusals say why; nothing is stored.
func (f *Federation) Inbox(w http.ResponseWriter, r *http.Request, c *convene.Community) {
	if c != nil && !c.Federation {
		refuse(w, http.StatusNotFound, "this community does not federate")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		refuse(w, http.StatusBadRequest, "the body could not be read")
		return
	}
	if len(body) > MaxBody {
		refuse(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("an activity is at most %d bytes", MaxBody))
		return
	}
	actor, status, err := f.verify(r, body)
	if err != nil {
		refuse(w, status, err.Error())
		return
	}
	var act incoming
	if err := json.Unmarshal(body, &act); err != nil || act.Type == "" {
		refuse(w, http.StatusBadRequest, "the body is not an activity")
		return
	}
	if idOf(act.Actor) != actor.URI {
		refuse(w, http.StatusUnauthorized, "the activity's actor is not the one who signed it")
		return
	}
	if act.ID != "" && hostOf(act.ID) != actor.Host {
		refuse(w, http.StatusUnauthorized, "the activity's id is on another host than its actor")
		return
	}
	status, err = f.handle(r.Context(), c, actor, act)
	if err != nil {
		refuse(w, status, err.Error())
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// verify checks a request's signature and returns the actor who made it, or the status to refuse
// it with: 401 for anything about the signature, 403 for a blocked domain, 429 for too many.
func (f *Federation) verify(r *http.Request, body []byte) (*store.RemoteActor, int, error) {
	ctx := r.Context()
	now := f.Clock.Now()
	sig, v, err := checkSigned(r, body, now)
	if err != nil {
		return nil, http.StatusUnauthorized, err
	}
	host := hostOf(sig.KeyID)
	if host == "" {
		return nil, http.StatusUnauthorized, errors.New("the keyId is not an address")
	}
	if f.blocked(ctx, sig.KeyID) {
		return nil, http.StatusForbidden, errors.New("this instance does not federate with " + host)
	}
	if !f.limiter.allow(host, now) {
		return nil, http.StatusTooManyRequests, errors.New("too many requests from " + host)
	}
	actor, err := f.keyOwner(ctx, sig.KeyID, false)
	if err != nil {
		return nil, http.StatusUnauthorized, fmt.Errorf("the key %s could not be fetched: %v", sig.KeyID, err)
	}
	pub, err := parsePublicKey(actor.PublicPEM)
	if err == nil {
		err = v.Verify(pub, "rsa-sha256")
	}
	if err != nil && now.Sub(actor.FetchedAt) > time.Minute { // the key may have changed: fetch it again, once
		if actor, err = f.keyOwner(ctx, sig.KeyID, true); err == nil {
			if pub, err = parsePublicKey(actor.PublicPEM); err == nil {
				err = v.Verify(pub, "rsa-sha256")
			}
		}
	}
	if err != nil {
		return nil, http.StatusUnauthorized, ErrSignature
	}
	replayed, err := f.Store.SeenSignature(ctx, replayKey(sig))
	if err != nil {
		return nil, http.StatusServiceUnavailable, err
	}
	if replayed {
		return nil, http.StatusUnauthorized, ErrReplay
	}
	return actor, 0, nil
}

// keyOwner is the actor a key id belongs to: the key's document names its owner, which must be on
// the key's host and publish that very key.
func (f *Federation) keyOwner(ctx context.Context, keyID string, refresh bool) (*store.RemoteActor, error) {
	if !refresh {
		if a, err := f.Store.RemoteActorBy(ctx, keyID); err == nil && a.KeyID == keyID && f.Clock.Now().Sub(a.FetchedAt) < keyTTL {
			return a, nil
		}
	}
	owner := strings.SplitN(keyID, "#", 2)[0] // Mastodon, Mobilizon, Gancio and Convene: the key is in the actor
	a, err := f.Actor(ctx, owner, true)
	if err != nil {
		return nil, err
	}
	if a.KeyID != keyID || hostOf(a.URI) != hostOf(keyID) {
		return nil, errors.New("the actor does not publish this key")
	}
	return a, nil
}

// handle does what an activity asks, for the community it was sent to (or any, from the shared
// inbox), and returns the status to refuse it with.
func (f *Federation) handle(ctx context.Context, c *convene.Community, actor *store.RemoteActor, act incoming) (int, error) {
	var obj remoteObject
	_ = json.Unmarshal(act.Object, &obj) // an object given by its id leaves it empty
	if obj.ID == "" {
		obj.ID = idOf(act.Object)
	}
	switch act.Type {
	case "Follow":
		return f.follow(ctx, c, actor, act)
	case "Undo":
		if obj.Type != "Follow" && obj.Type != "" {
			return http.StatusAccepted, nil // undoing a like or an announce: nothing here to undo
		}
		target, err := f.localCommunity(ctx, c, idOf(obj.Object))
		if err != nil {
			return http.StatusNotFound, err
		}
		if idOf(obj.Actor) != "" && idOf(obj.Actor) != actor.URI {
			return http.StatusUnauthorized, errors.New("only the follower may undo a follow")
		}
		_, err = f.Store.RemoveFollower(ctx, target.ID, actor.URI)
		return http.StatusInternalServerError, err
	case "Accept":
		if _, err := f.Store.FollowAccepted(ctx, actor.URI, obj.ID); err != nil {
			return http.StatusInternalServerError, err
		}
		return 0, nil
	case "Reject":
		return 0, nil
	case "Create", "Update":
		if obj.Type != "Event" {
			return http.StatusAccepted, nil // notes and the like: not what a community follows
		}
		return f.saveEvent(ctx, actor, obj)
	case "Delete":
		if obj.ID == "" {
			return http.StatusBadRequest, errors.New("a Delete names what it deletes")
		}
		if obj.ID == actor.URI { // an account deleted: it follows nothing here any more
			return http.StatusInternalServerError, f.Store.RemoveFollowerEverywhere(ctx, actor.URI)
		}
		if hostOf(obj.ID) != actor.Host {
			return http.StatusForbidden, errors.New("an actor may delete only its own objects")
		}
		_, err := f.Store.DeleteRemoteEvent(ctx, obj.ID, actor.URI)
		return http.StatusInternalServerError, err
	case "Announce", "Like", "EmojiReact", "Add", "Remove", "Block", "Move", "Flag":
		return http.StatusAccepted, nil // understood, and nothing Convene keeps
	}
	return http.StatusUnprocessableEntity, fmt.Errorf("unsupported activity type %q", act.Type)
}

// localCommunity finds the community an activity is about: the one whose inbox got it, which must
// be the one it names, or, at the shared inbox, the one it names.
func (f *Federation) localCommunity(ctx context.Context, c *convene.Community, object string) (*convene.Community, error) {
	slug, ok := strings.CutPrefix(object, f.BaseURL+"/c/")
	if !ok || strings.Contains(slug, "/") {
		return nil, fmt.Errorf("%s is not a community here", object)
	}
	if c != nil {
		if c.Slug != slug {
			return nil, errors.New("the activity names another community than the inbox it was sent to")
		}
		return c, nil // its inbox already found it federating
	}
	target, ok := f.federating(ctx, slug)
	if !ok {
		return nil, fmt.Errorf("%s does not federate", object)
	}
	return target, nil
}

// follow records a follower and answers Accept, or holds the follow for an organizer when the
// community approves its members.
func (f *Federation) follow(ctx context.Context, c *convene.Community, actor *store.RemoteActor, act incoming) (int, error) {
	target, err := f.localCommunity(ctx, c, idOf(act.Object))
	if err != nil {
		return http.StatusNotFound, err
	}
	if act.ID == "" {
		return http.StatusBadRequest, errors.New("a Follow has an id")
	}
	accepted := !target.ApproveMembers
	if err := f.Store.AddFollower(ctx, target.ID, store.Follower{Actor: actor.URI, Inbox: actor.Inbox, SharedInbox: actor.SharedInbox,
		FollowID: act.ID, Accepted: accepted}); err != nil {
		return http.StatusInternalServerError, err
	}
	if !accepted {
		return 0, nil
	}
	return 0, f.accept(ctx, target, actor.URI, act.ID, actor.Inbox)
}

// accept queues the Accept of a follow to the follower's own inbox.
func (f *Federation) accept(ctx context.Context, c *convene.Community, follower, followID, inbox string) error {
	id := f.CommunityID(c)
	a := Activity{Context: ldContext, ID: id + "#accepts/" + itoa(f.Clock.Now().UnixNano()), Type: "Accept", Actor: id,
		Object: map[string]string{"id": followID, "type": "Follow", "actor": follower, "object": id}, To: []string{follower}}
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if err := f.Store.Deliver(ctx, c.ID, a.ID, string(body), inbox); err != nil {
		return err
	}
	// The new follower gets what is coming, as it was last published, so its calendar is whole
	// from the start rather than from the next change.
	coming, err := f.Store.Upcoming(ctx, c.ID, 100)
	if err != nil {
		return err
	}
	for _, p := range coming {
		if err := f.Store.Deliver(ctx, c.ID, p.ActivityID+"@"+followID, p.Body, inbox); err != nil {
			return err
		}
	}
	return nil
}

// AcceptPending accepts a follow an organizer approved.
func (f *Federation) AcceptPending(ctx context.Context, c *convene.Community, actor string) error {
	fl, err := f.Store.AcceptFollower(ctx, c.ID, actor)
	if err != nil {
		return err
	}
	return f.accept(ctx, c, fl.Actor, fl.FollowID, fl.Inbox)
}

// remoteContent is what remote HTML may keep: text, paragraphs, lists, emphasis and links.
var remoteContent = bluemonday.UGCPolicy()

// saveEvent keeps an event a followed actor created or changed. The event must be the actor's
// own: attributed to it (when it says) and on its host.
func (f *Federation) saveEvent(ctx context.Context, actor *store.RemoteActor, obj remoteObject) (int, error) {
	followed, err := f.Store.IsFollowed(ctx, actor.URI)
	if err != nil {
		return http.StatusInternalServerError, err
	}
	if !followed {
		return http.StatusAccepted, nil // nobody here follows it: nothing to keep
	}
	if obj.ID == "" || hostOf(obj.ID) != actor.Host {
		return http.StatusForbidden, errors.New("an actor may publish only objects on its own host")
	}
	if by := idOf(obj.AttributedTo); by != "" && by != actor.URI {
		return http.StatusForbidden, errors.New("the event is attributed to another actor")
	}
	start, err := time.Parse(time.RFC3339, obj.StartTime)
	if err != nil {
		return http.StatusBadRequest, errors.New("an event needs a startTime in RFC 3339")
	}
	e := &store.RemoteEvent{URI: obj.ID, Actor: actor.URI, Name: convene.Line(bluemonday.StrictPolicy().Sanitize(obj.Name)),
		Content: remoteContent.Sanitize(obj.Content), URL: urlOf(obj.URL), TimeZone: convene.Line(obj.Timezone),
		Location: convene.Line(bluemonday.StrictPolicy().Sanitize(placeOf(obj.Location))), StartsAt: start,
		Cancelled: strings.EqualFold(obj.Status, "CANCELLED") || strings.HasSuffix(obj.EventStatus, "EventCancelled")}
	if e.Name == "" {
		return http.StatusBadRequest, errors.New("an event needs a name")
	}
	if end, err := time.Parse(time.RFC3339, obj.EndTime); err == nil && end.After(start) {
		e.EndsAt = end
	}
	if e.URL != "" && hostOf(e.URL) != actor.Host || !strings.HasPrefix(e.URL, "http") {
		e.URL = obj.ID // a link back to its origin, never elsewhere
	}
	if err := f.Store.SaveRemoteEvent(ctx, e); err != nil {
		if convene.ErrorCode(err) == convene.EFORBIDDEN {
			return http.StatusForbidden, errors.New("another actor published this event")
		}
		return http.StatusInternalServerError, err
	}
	return 0, nil
}
