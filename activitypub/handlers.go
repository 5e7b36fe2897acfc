package activitypub

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// The documents other servers read: WebFinger, NodeInfo, the instance actor, each community's
// Group actor, outbox and followers, and each call as an Event.

// writeJSON answers an ActivityPub document.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Vary", "Accept")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// refuse answers an error as JSON, with a sentence a peer's operator can read.
func refuse(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": message})
}

// federating finds a community that federates by its slug; any other is not an actor.
func (f *Federation) federating(ctx context.Context, slug string) (*convene.Community, bool) {
	c, err := f.Store.CommunityBySlug(ctx, slug)
	if err != nil || !c.Federation {
		return nil, false
	}
	return c, true
}

// GroupActor answers a community's actor document.
func (f *Federation) GroupActor(w http.ResponseWriter, r *http.Request, c *convene.Community) {
	if !c.Federation {
		refuse(w, http.StatusNotFound, "this community does not federate")
		return
	}
	pub, _, err := f.Store.CommunityKey(r.Context(), c.ID)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "no key")
		return
	}
	id := f.CommunityID(c)
	a := Actor{Context: ldContext, ID: id, Type: "Group", PreferredUsername: c.Slug, Name: c.Name, Summary: htmlParagraphs(c.Description),
		URL: id, Inbox: id + "/inbox", Outbox: id + "/outbox", Followers: id + "/followers",
		Endpoints: &Endpoints{SharedInbox: f.BaseURL + "/inbox"}, PublicKey: &PublicKey{ID: id + "#main-key", Owner: id, PublicKeyPem: pub},
		ManuallyApprovesFollowers: c.ApproveMembers, Discoverable: true, Published: c.CreatedAt.UTC().Format(time.RFC3339)}
	writeJSON(w, http.StatusOK, ContentType, a)
}

// InstanceActor answers the instance's own actor, which signs fetches.
func (f *Federation) InstanceActor(w http.ResponseWriter, r *http.Request) {
	pub, _, err := f.Store.InstanceKey(r.Context())
	if err != nil {
		refuse(w, http.StatusInternalServerError, "no key")
		return
	}
	id := f.InstanceActorID()
	writeJSON(w, http.StatusOK, ContentType, Actor{Context: ldContext, ID: id, Type: "Application", PreferredUsername: f.Host(),
		Name: "Convene", URL: f.BaseURL + "/", Inbox: f.BaseURL + "/inbox", Endpoints: &Endpoints{SharedInbox: f.BaseURL + "/inbox"},
		PublicKey: &PublicKey{ID: id + "#main-key", Owner: id, PublicKeyPem: pub}, ManuallyApprovesFollowers: true})
}

// WebFinger answers acct:{slug}@{host} with the community's actor.
func (f *Federation) WebFinger(w http.ResponseWriter, r *http.Request) {
	res := r.URL.Query().Get("resource")
	var slug string
	switch {
	case strings.HasPrefix(res, "acct:"):
		user, host, ok := strings.Cut(strings.TrimPrefix(res, "acct:"), "@")
		if !ok || !strings.EqualFold(host, f.Host()) && !strings.EqualFold(host, strings.Split(f.Host(), ":")[0]) {
			refuse(w, http.StatusNotFound, "no such account here")
			return
		}
		slug = user
	case strings.HasPrefix(res, f.BaseURL+"/c/"):
		slug = strings.TrimPrefix(res, f.BaseURL+"/c/")
	default:
		refuse(w, http.StatusBadRequest, "resource must be acct:{community}@"+f.Host())
		return
	}
	c, ok := f.federating(r.Context(), slug)
	if !ok {
		refuse(w, http.StatusNotFound, "no such account here")
		return
	}
	id := f.CommunityID(c)
	writeJSON(w, http.StatusOK, "application/jrd+json", map[string]any{
		"subject": "acct:" + c.Slug + "@" + strings.Split(f.Host(), ":")[0],
		"aliases": []string{id},
		"links": []map[string]string{
			{"rel": "self", "type": ContentType, "href": id},
			{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": id},
		},
	})
}

// NodeInfoIndex answers /.well-known/nodeinfo with where NodeInfo 2.1 is.
func (f *Federation) NodeInfoIndex(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"links": []map[string]string{
		{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": f.BaseURL + "/nodeinfo/2.1"}}})
}

// NodeInfo answers NodeInfo 2.1: software, protocols and counts, no one's name.
func (f *Federation) NodeInfo(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cs, err := f.Store.Communities(r.Context())
		if err != nil {
			refuse(w, http.StatusInternalServerError, "not available")
			return
		}
		n := 0
		for _, c := range cs {
			if c.Federation {
				n++
			}
		}
		writeJSON(w, http.StatusOK, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"`, map[string]any{
			"version":           "2.1",
			"software":          map[string]string{"name": "convene", "version": version, "repository": "https://github.com/opengovcall/convene"},
			"protocols":         []string{"activitypub"},
			"services":          map[string][]string{"inbound": {}, "outbound": {}},
			"openRegistrations": true,
			"usage":             map[string]any{"users": map[string]int{}, "localPosts": 0},
			"metadata":          map[string]any{"nodeName": "Convene", "federatingCommunities": n},
		})
	}
}

// pageSize is how many activities an outbox page holds.
const pageSize = 20

// Outbox answers a community's outbox: the collection, or with ?page=true (and before=) a page
// of its activities, newest first.
func (f *Federation) Outbox(w http.ResponseWriter, r *http.Request, c *convene.Community) {
	id := f.CommunityID(c) + "/outbox"
	q := r.URL.Query()
	var before time.Time
	if b := q.Get("before"); b != "" {
		t, err := time.Parse(time.RFC3339Nano, b)
		if err != nil {
			refuse(w, http.StatusBadRequest, "before must be an RFC 3339 time")
			return
		}
		before = t
	}
	items, total, err := f.Store.Outbox(r.Context(), c.ID, before, pageSize)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "not available")
		return
	}
	if q.Get("page") == "" {
		writeJSON(w, http.StatusOK, ContentType, OrderedCollection{Context: ldContext, ID: id, Type: "OrderedCollection", TotalItems: total,
			First: id + "?page=true"})
		return
	}
	page := OrderedCollection{Context: ldContext, ID: id + "?" + r.URL.RawQuery, Type: "OrderedCollectionPage", TotalItems: total, PartOf: id,
		OrderedItems: []json.RawMessage{}}
	for _, p := range items {
		page.OrderedItems = append(page.OrderedItems, json.RawMessage(p.Body))
	}
	if len(items) == pageSize {
		page.Next = id + "?page=true&before=" + items[len(items)-1].PublishedAt.UTC().Format(time.RFC3339Nano)
	}
	writeJSON(w, http.StatusOK, ContentType, page)
}

// Followers answers how many follow a community, and never who.
func (f *Federation) Followers(w http.ResponseWriter, r *http.Request, c *convene.Community) {
	n, err := f.Store.FollowerCount(r.Context(), c.ID)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "not available")
		return
	}
	writeJSON(w, http.StatusOK, ContentType, OrderedCollection{Context: ldContext, ID: f.CommunityID(c) + "/followers",
		Type: "OrderedCollection", TotalItems: n})
}

// Object answers a call or an event as an Event, as its outbox last published it ("call" or
// "event"), or 410 once deleted.
func (f *Federation) Object(w http.ResponseWriter, r *http.Request, c *convene.Community, kind string, refID int64) {
	p, err := f.Store.PublishedOf(r.Context(), kind, refID)
	if err != nil || p == nil || p.CommunityID != c.ID || !c.Federation {
		refuse(w, http.StatusNotFound, "not published")
		return
	}
	var a struct {
		Object json.RawMessage `json:"object"`
	}
	if err := json.Unmarshal([]byte(p.Body), &a); err != nil {
		refuse(w, http.StatusInternalServerError, "not available")
		return
	}
	status := http.StatusOK
	if p.Activity == "Delete" {
		status = http.StatusGone
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(a.Object)
}

// htmlParagraphs writes plain text as escaped HTML paragraphs.
func htmlParagraphs(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(text), "\n") {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>" + htmlEscape(para) + "</p>")
		}
	}
	return b.String()
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// itoa writes an id.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }
