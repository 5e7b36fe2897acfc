// Package activitypub makes Convene's communities part of the fediverse: each community is an
// ActivityPub Group actor that accounts on Mastodon, GoToSocial, Mobilizon, Gancio or another
// Convene follow; its public calls go out as Event objects (the vocabulary Mobilizon and Gancio
// use and Mastodon renders), created, updated and cancelled as they change; and a community
// follows remote communities, whose events appear "across the movement". Every delivery and
// fetch is signed (HTTP Signatures, draft-cavage, rsa-sha256 with a Digest, as Mastodon does) and
// every inbox request verified. People are not actors: nothing about members, their attendance or
// the join kits ever leaves the instance.
package activitypub

import (
	"encoding/json"
	"strings"
)

// Media types of ActivityPub documents.
const (
	ContentType   = "application/activity+json"
	LDContentType = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	// Public is the audience that means everyone.
	Public = "https://www.w3.org/ns/activitystreams#Public"
)

// ldContext is the JSON-LD context of what Convene publishes: ActivityStreams, the security
// vocabulary (public keys), and the terms Mobilizon defines for events and groups.
var ldContext = []any{
	"https://www.w3.org/ns/activitystreams",
	"https://w3id.org/security/v1",
	map[string]any{
		"mz":       "https://joinmobilizon.org/ns#",
		"ical":     "http://www.w3.org/2002/12/cal/ical#",
		"timezone": map[string]string{"@id": "mz:timezone", "@type": "sc:Text"},
		"sc":       "http://schema.org#",
		"toot":     "http://joinmastodon.org/ns#",
		"discoverable": map[string]string{
			"@id": "toot:discoverable", "@type": "sc:Boolean"},
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
	},
}

// Accepts reports whether an Accept header asks for ActivityPub JSON rather than a page.
func Accepts(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt := strings.TrimSpace(strings.ToLower(part))
		if strings.HasPrefix(mt, ContentType) ||
			(strings.HasPrefix(mt, "application/ld+json") && strings.Contains(mt, "activitystreams")) {
			return true
		}
	}
	return false
}

// PublicKey is an actor's key, by which its signatures are checked.
type PublicKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// Endpoints are an actor's server-wide addresses.
type Endpoints struct {
	SharedInbox string `json:"sharedInbox,omitempty"`
}

// Image is an actor's icon or header.
type Image struct {
	Type      string `json:"type"`
	URL       string `json:"url"`
	MediaType string `json:"mediaType,omitempty"`
}

// Actor is a community (a Group) or the instance itself (an Application).
type Actor struct {
	Context                   any        `json:"@context,omitempty"`
	ID                        string     `json:"id"`
	Type                      string     `json:"type"`
	PreferredUsername         string     `json:"preferredUsername"`
	Name                      string     `json:"name"`
	Summary                   string     `json:"summary,omitempty"`
	URL                       string     `json:"url,omitempty"`
	Inbox                     string     `json:"inbox"`
	Outbox                    string     `json:"outbox,omitempty"`
	Followers                 string     `json:"followers,omitempty"`
	Endpoints                 *Endpoints `json:"endpoints,omitempty"`
	PublicKey                 *PublicKey `json:"publicKey,omitempty"`
	ManuallyApprovesFollowers bool       `json:"manuallyApprovesFollowers"`
	Discoverable              bool       `json:"discoverable"`
	Icon                      *Image     `json:"icon,omitempty"`
	Published                 string     `json:"published,omitempty"`
}

// Place is where an event meets: a room (Place, with an address) or a link (VirtualLocation).
type Place struct {
	Type    string         `json:"type"`
	Name    string         `json:"name,omitempty"`
	URL     string         `json:"url,omitempty"`
	Address *PostalAddress `json:"address,omitempty"`
}

// PostalAddress is a Place's address, as schema.org and Mobilizon write it.
type PostalAddress struct {
	Type          string `json:"type"`
	StreetAddress string `json:"streetAddress"`
}

// Event is a call or an event as the fediverse reads it.
type Event struct {
	Context      any               `json:"@context,omitempty"`
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Name         string            `json:"name"`
	NameMap      map[string]string `json:"nameMap,omitempty"`
	Content      string            `json:"content,omitempty"`
	ContentMap   map[string]string `json:"contentMap,omitempty"`
	MediaType    string            `json:"mediaType,omitempty"`
	StartTime    string            `json:"startTime"`
	EndTime      string            `json:"endTime,omitempty"`
	Timezone     string            `json:"timezone,omitempty"`
	URL          string            `json:"url"`
	AttributedTo string            `json:"attributedTo"`
	To           []string          `json:"to"`
	Cc           []string          `json:"cc,omitempty"`
	Location     []Place           `json:"location,omitempty"`
	Status       string            `json:"ical:status"` // CONFIRMED or CANCELLED, as Mobilizon says it
	Published    string            `json:"published,omitempty"`
	Updated      string            `json:"updated,omitempty"`
}

// Note is a post: minutes published, an initiative's update.
type Note struct {
	ID           string   `json:"id"`
	Type         string   `json:"type"`
	AttributedTo string   `json:"attributedTo"`
	To           []string `json:"to"`
	Content      string   `json:"content"`
	URL          string   `json:"url"`
	InReplyTo    string   `json:"inReplyTo,omitempty"`
	Published    string   `json:"published"`
}

// Tombstone stands for an object that was deleted.
type Tombstone struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	FormerType string `json:"formerType,omitempty"`
	Deleted    string `json:"deleted,omitempty"`
}

// Activity is something an actor did to an object.
type Activity struct {
	Context   any      `json:"@context,omitempty"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Object    any      `json:"object"`
	To        []string `json:"to,omitempty"`
	Cc        []string `json:"cc,omitempty"`
	Published string   `json:"published,omitempty"`
}

// OrderedCollection is an outbox or a followers collection; its pages are OrderedCollectionPages.
type OrderedCollection struct {
	Context      any               `json:"@context,omitempty"`
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	TotalItems   int               `json:"totalItems"`
	First        string            `json:"first,omitempty"`
	PartOf       string            `json:"partOf,omitempty"`
	Next         string            `json:"next,omitempty"`
	OrderedItems []json.RawMessage `json:"orderedItems,omitempty"`
}

// incoming is an activity as it arrives: its object may be an id or an embedded object.
type incoming struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Actor  json.RawMessage `json:"actor"`
	Object json.RawMessage `json:"object"`
}

// idOf reads an id that may be a string or an object with an "id".
func idOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.ID
	}
	return ""
}

// remoteObject is an object embedded in an activity: an event (Convene's, Mobilizon's or
// Gancio's), a follow being accepted or undone, or a tombstone.
type remoteObject struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Actor        json.RawMessage `json:"actor"`
	Object       json.RawMessage `json:"object"`
	Name         string          `json:"name"`
	Content      string          `json:"content"`
	StartTime    string          `json:"startTime"`
	EndTime      string          `json:"endTime"`
	Timezone     string          `json:"timezone"`
	URL          json.RawMessage `json:"url"`
	AttributedTo json.RawMessage `json:"attributedTo"`
	Location     json.RawMessage `json:"location"`
	Status       string          `json:"ical:status"`
	EventStatus  string          `json:"eventStatus"`
}

// urlOf reads a url that may be a string, a Link object, or a list of either (Mobilizon and
// Gancio write it each of these ways).
func urlOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if s := idOf(raw); s != "" {
		return s
	}
	var link struct {
		Href string `json:"href"`
	}
	if json.Unmarshal(raw, &link) == nil && link.Href != "" {
		return link.Href
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, item := range list {
			if u := urlOf(item); u != "" {
				return u
			}
		}
	}
	return ""
}

// placeOf reads a location: a Place's name and address, or a list of them.
func placeOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		var parts []string
		for _, item := range list {
			if p := placeOf(item); p != "" {
				parts = append(parts, p)
			}
		}
		return strings.Join(parts, " · ")
	}
	var p struct {
		Type    string          `json:"type"`
		Name    string          `json:"name"`
		Address json.RawMessage `json:"address"`
	}
	if json.Unmarshal(raw, &p) != nil || p.Type == "VirtualLocation" {
		return ""
	}
	var address string
	if json.Unmarshal(p.Address, &address) != nil {
		var a struct {
			Street   string `json:"streetAddress"`
			Locality string `json:"addressLocality"`
			Region   string `json:"addressRegion"`
		}
		_ = json.Unmarshal(p.Address, &a)
		var parts []string
		for _, x := range []string{a.Street, a.Locality, a.Region} {
			if x != "" {
				parts = append(parts, x)
			}
		}
		address = strings.Join(parts, ", ")
	}
	switch {
	case p.Name != "" && address != "" && !strings.Contains(address, p.Name):
		return p.Name + ", " + address
	case address != "":
		return address
	}
	return p.Name
}
