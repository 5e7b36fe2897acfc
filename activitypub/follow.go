package activitypub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// Follow makes a community follow a remote one, named by a handle (name@host, with or without a
// leading @) or by its actor's address: it finds the actor (WebFinger for a handle), records the
// follow and sends it. The remote side's Accept, when it comes, makes its events show.
func (f *Federation) Follow(ctx context.Context, c *convene.Community, who string) (*store.RemoteActor, error) {
	id, err := f.resolve(ctx, strings.TrimSpace(who))
	if err != nil {
		return nil, convene.Invalid("form.invalid", nil, convene.FieldError{Field: "who", Key: "federation.not_found",
			Args: map[string]any{"Who": who}})
	}
	if f.blocked(ctx, id) {
		return nil, convene.Invalid("form.invalid", nil, convene.FieldError{Field: "who", Key: "federation.blocked"})
	}
	if strings.HasPrefix(id, f.BaseURL+"/") {
		return nil, convene.Invalid("form.invalid", nil, convene.FieldError{Field: "who", Key: "federation.local"})
	}
	a, err := f.Actor(ctx, id, true)
	if err != nil {
		return nil, convene.Invalid("form.invalid", nil, convene.FieldError{Field: "who", Key: "federation.not_found",
			Args: map[string]any{"Who": who}})
	}
	me := f.CommunityID(c)
	follow := Activity{Context: ldContext, ID: fmt.Sprintf("%s#follows/%d", me, f.Clock.Now().UnixNano()), Type: "Follow", Actor: me, Object: a.URI,
		To: []string{a.URI}}
	body, err := json.Marshal(follow)
	if err != nil {
		return nil, err
	}
	if err := f.Store.FollowRemote(ctx, c.ID, a.URI, follow.ID); err != nil {
		return nil, err
	}
	return a, f.Store.Deliver(ctx, c.ID, follow.ID, string(body), a.Inbox)
}

// Unfollow stops following a remote community and tells it so.
func (f *Federation) Unfollow(ctx context.Context, c *convene.Community, actor string) error {
	following, err := f.Store.Following(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, fl := range following {
		if fl.Actor.URI != actor {
			continue
		}
		me := f.CommunityID(c)
		undo := Activity{Context: ldContext, ID: fmt.Sprintf("%s#undo/%d", me, f.Clock.Now().UnixNano()), Type: "Undo", Actor: me,
			Object: map[string]string{"id": fl.FollowID, "type": "Follow", "actor": me, "object": actor}, To: []string{actor}}
		body, err := json.Marshal(undo)
		if err != nil {
			return err
		}
		if err := f.Store.Unfollow(ctx, c.ID, actor); err != nil {
			return err
		}
		return f.Store.Deliver(ctx, c.ID, undo.ID, string(body), fl.Actor.Inbox)
	}
	return convene.NotFound("federation.not_following")
}

// resolve turns a handle or an address into an actor id: WebFinger for name@host.
func (f *Federation) resolve(ctx context.Context, who string) (string, error) {
	who = strings.TrimPrefix(who, "@")
	if strings.HasPrefix(who, "https://") || strings.HasPrefix(who, "http://") {
		u, err := url.Parse(who)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("not an address: %q", who)
		}
		return u.String(), nil
	}
	name, host, ok := strings.Cut(who, "@")
	if !ok || name == "" || host == "" || strings.ContainsAny(host, "/?#@ ") {
		return "", fmt.Errorf("not a handle: %q", who)
	}
	scheme := "https"
	if f.AllowHTTP {
		scheme = "http" // a test network, allowed by --federation-allow-http
	}
	q := url.Values{"resource": {"acct:" + name + "@" + strings.Split(host, ":")[0]}}
	var jrd struct {
		Links []struct {
			Rel, Type, Href string
		} `json:"links"`
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := f.fetch(ctx, scheme+"://"+host+"/.well-known/webfinger?"+q.Encode(), &jrd); err != nil {
		return "", err
	}
	for _, l := range jrd.Links {
		if l.Rel == "self" && (strings.HasPrefix(l.Type, ContentType) || strings.HasPrefix(l.Type, "application/ld+json")) && hostOf(l.Href) == strings.ToLower(host) {
			return l.Href, nil
		}
	}
	return "", fmt.Errorf("%s has no ActivityPub actor", who)
}
