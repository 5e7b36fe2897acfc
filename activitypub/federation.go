package activitypub

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// Limits on what crosses the wire.
const (
	// MaxBody is the largest activity or document read from anyone.
	MaxBody = 1 << 20
	// keyTTL is how long a remote actor's key is trusted before it is fetched again.
	keyTTL = 24 * time.Hour
	// maxRedirects is how many redirects a fetch follows.
	maxRedirects = 3
)

// Federation is one instance's part in the fediverse, shared by the web server (actors, inboxes,
// outboxes) and the background worker (publishing, delivering).
type Federation struct {
	Store   *store.Store
	BaseURL string // the instance's address, with no slash at the end
	// AllowHTTP lets federation reach http:// addresses, and loopback and private networks: a
	// test network (--federation-allow-http), never by default. Without it, only https:// servers
	// on public addresses are reached, whatever a name resolves to, so no remote actor can make
	// this server fetch from its own network.
	AllowHTTP bool
	Client    *http.Client
	Clock     convene.Clock
	Log       *slog.Logger

	mu   sync.Mutex
	keys map[int64]*rsa.PrivateKey // community id (0 for the instance) → its private key, parsed once

	limiter hostLimiter
}

// New makes a Federation with a client that times out, follows few redirects and reads bounded
// bodies.
func New(st *store.Store, baseURL string, clock convene.Clock, log *slog.Logger) *Federation {
	f := &Federation{Store: st, BaseURL: strings.TrimSuffix(baseURL, "/"), Clock: clock, Log: log, keys: map[int64]*rsa.PrivateKey{}}
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); !f.AllowHTTP && (ip == nil || !publicIP(ip)) {
			return fmt.Errorf("federation does not reach %s: not a public address", host)
		}
		return nil
	}}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = dialer.DialContext
	transport.MaxIdleConnsPerHost = 4
	f.Client = &http.Client{Timeout: 10 * time.Second, Transport: transport, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return errors.New("too many redirects")
		}
		return f.checkURL(req.URL)
	}}
	f.limiter = hostLimiter{perMinute: 600, counts: map[string]int{}}
	return f
}

// Host is the instance's host, as handles and WebFinger name it.
func (f *Federation) Host() string {
	u, err := url.Parse(f.BaseURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// CommunityID is a community's actor id: its page's address.
func (f *Federation) CommunityID(c *convene.Community) string { return f.BaseURL + "/c/" + c.Slug }

// InstanceActorID is the instance actor's id.
func (f *Federation) InstanceActorID() string { return f.BaseURL + "/actor" }

// privateKey is a community's private key (0 for the instance's), parsed once.
func (f *Federation) privateKey(ctx context.Context, communityID int64) (*rsa.PrivateKey, error) {
	f.mu.Lock()
	k := f.keys[communityID]
	f.mu.Unlock()
	if k != nil {
		return k, nil
	}
	var priv string
	var err error
	if communityID == 0 {
		_, priv, err = f.Store.InstanceKey(ctx)
	} else {
		_, priv, err = f.Store.CommunityKey(ctx, communityID)
	}
	if err != nil {
		return nil, err
	}
	if k, err = parsePrivateKey(priv); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.keys[communityID] = k
	f.mu.Unlock()
	return k, nil
}

// checkURL refuses addresses federation must not reach: other schemes, and http unless allowed.
// Blocked domains are checked by callers that know the context, and private networks by the
// dialer, on the address a name resolves to.
func (f *Federation) checkURL(u *url.URL) error {
	if u.Scheme == "https" || (u.Scheme == "http" && f.AllowHTTP) {
		return nil
	}
	return fmt.Errorf("federation does not reach %s addresses (%s)", u.Scheme, u.Host)
}

// publicIP reports whether an address is on the internet: not loopback, private, link-local,
// multicast or unspecified.
func publicIP(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified())
}

// hostOf is a URL's host (with its port), lowercased; "" when it is not an absolute URL.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Host)
}

// blocked reports whether an address is on a blocked domain.
func (f *Federation) blocked(ctx context.Context, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return true
	}
	b, err := f.Store.DomainBlocked(ctx, u.Hostname())
	return err != nil || b
}

// fetch GETs an ActivityPub document, signed by the instance actor, and decodes it into v.
func (f *Federation) fetch(ctx context.Context, raw string, v any) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not an address: %q", raw)
	}
	u.Fragment = ""
	if err := f.checkURL(u); err != nil {
		return err
	}
	if f.blocked(ctx, u.String()) {
		return fmt.Errorf("%s is blocked", u.Host)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", ContentType+", "+LDContentType)
	key, err := f.privateKey(ctx, 0)
	if err != nil {
		return err
	}
	if err := Sign(req, nil, f.InstanceActorID()+"#main-key", key, f.Clock.Now()); err != nil {
		return err
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return err
	}
	if len(body) > MaxBody {
		return fmt.Errorf("GET %s: more than %d bytes", u, MaxBody)
	}
	return json.Unmarshal(body, v)
}

// remoteActorDoc is an actor as another server publishes it.
type remoteActorDoc struct {
	ID                string     `json:"id"`
	Type              string     `json:"type"`
	PreferredUsername string     `json:"preferredUsername"`
	Name              string     `json:"name"`
	URL               any        `json:"url"`
	Inbox             string     `json:"inbox"`
	Endpoints         *Endpoints `json:"endpoints"`
	PublicKey         *PublicKey `json:"publicKey"`
}

// Actor fetches (or reads from the cache, when fresh) a remote actor. The document must name
// itself by the address it was fetched from's host, and its key must be its own.
func (f *Federation) Actor(ctx context.Context, id string, refresh bool) (*store.RemoteActor, error) {
	if !refresh {
		if a, err := f.Store.RemoteActorBy(ctx, id); err == nil && f.Clock.Now().Sub(a.FetchedAt) < keyTTL {
			return a, nil
		}
	}
	var doc remoteActorDoc
	if err := f.fetch(ctx, id, &doc); err != nil {
		return nil, err
	}
	host := hostOf(id)
	if doc.ID == "" || hostOf(doc.ID) != host || doc.Inbox == "" || hostOf(doc.Inbox) != host {
		return nil, fmt.Errorf("the actor at %s names another host or has no inbox", id)
	}
	a := &store.RemoteActor{URI: doc.ID, Host: host, Kind: doc.Type, Name: doc.Name, Inbox: doc.Inbox}
	if doc.Name == "" {
		a.Name = doc.PreferredUsername
	}
	if doc.PreferredUsername != "" {
		a.Handle = doc.PreferredUsername + "@" + strings.Split(host, ":")[0]
	}
	if s, ok := doc.URL.(string); ok && hostOf(s) == host {
		a.URL = s
	}
	if doc.Endpoints != nil && hostOf(doc.Endpoints.SharedInbox) == host {
		a.SharedInbox = doc.Endpoints.SharedInbox
	}
	if doc.PublicKey != nil {
		if doc.PublicKey.Owner != "" && doc.PublicKey.Owner != doc.ID {
			return nil, fmt.Errorf("the key of %s is owned by %s", doc.ID, doc.PublicKey.Owner)
		}
		a.KeyID, a.PublicPEM = doc.PublicKey.ID, doc.PublicKey.PublicKeyPem
	}
	if err := f.Store.SaveRemoteActor(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// hostLimiter counts each remote host's requests to the inboxes per minute.
type hostLimiter struct {
	mu        sync.Mutex
	perMinute int
	minute    int64
	counts    map[string]int
}

// allow reports whether a host may make one more request this minute.
func (l *hostLimiter) allow(host string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := now.Unix() / 60; m != l.minute {
		l.minute, l.counts = m, map[string]int{}
	}
	l.counts[host]++
	return l.counts[host] <= l.perMinute
}
