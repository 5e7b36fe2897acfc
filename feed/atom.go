package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"time"
)

// Atom is a news feed (RFC 4287): entries newest first, each with a permanent id, the time it was
// first published and the time it last changed, so readers update an entry in place when a call
// is moved or cancelled.
type Atom struct {
	Title     string
	ID        string // a permanent IRI, usually the feed's own address
	Self      string // the feed's address
	Alternate string // the page the feed follows
	Lang      string // the language of its text, as xml:lang
	Author    string
	Updated   time.Time // when empty entries leave nothing newer
	Entries   []AtomEntry
}

// AtomEntry is one item of news.
type AtomEntry struct {
	ID      string
	Title   string
	Link    string // the page it is about
	Summary string // plain text
	// SummaryLang is the summary's language when it is not the feed's (what a member wrote
	// keeps theirs), written as xml:lang on the summary.
	SummaryLang string
	Published   time.Time
	Updated     time.Time
}

type atomLink struct {
	Href     string `xml:"href,attr"`
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Lang string `xml:"xml:lang,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntryXML struct {
	Title     atomText `xml:"title"`
	ID        string   `xml:"id"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Link      atomLink `xml:"link"`
	Summary   atomText `xml:"summary"`
}

type atomFeedXML struct {
	XMLName xml.Name       `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string         `xml:"xml:lang,attr,omitempty"`
	Title   atomText       `xml:"title"`
	ID      string         `xml:"id"`
	Updated string         `xml:"updated"`
	Author  string         `xml:"author>name"`
	Links   []atomLink     `xml:"link"`
	Entries []atomEntryXML `xml:"entry"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// LastChange is the feed's updated time: its newest entry change, else a.Updated.
func (a *Atom) LastChange() time.Time {
	last := a.Updated
	for _, e := range a.Entries {
		if e.Updated.After(last) {
			last = e.Updated
		}
	}
	return last
}

// Marshal writes the feed as an XML document.
func (a *Atom) Marshal() ([]byte, error) {
	f := atomFeedXML{Lang: a.Lang, Title: atomText{Type: "text", Body: atomClean(a.Title)}, ID: a.ID, Updated: atomTime(a.LastChange()),
		Author: atomClean(a.Author), Links: []atomLink{{Href: a.Self, Rel: "self", Type: "application/atom+xml"},
			{Href: a.Alternate, Rel: "alternate", Type: "text/html", HrefLang: a.Lang}}}
	for _, e := range a.Entries {
		f.Entries = append(f.Entries, atomEntryXML{Title: atomText{Type: "text", Body: atomClean(e.Title)}, ID: e.ID,
			Published: atomTime(e.Published), Updated: atomTime(e.Updated),
			Link:    atomLink{Href: e.Link, Rel: "alternate", Type: "text/html"},
			Summary: atomText{Type: "text", Lang: e.SummaryLang, Body: atomClean(e.Summary)}})
	}
	out, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

// ETag is a strong validator of the feed's content, computed from what it says.
func (a *Atom) ETag() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%s|%s|%s|%d\n", a.Title, a.ID, a.Self, a.Alternate, a.Lang, a.Author, a.Updated.UnixNano())
	for _, e := range a.Entries {
		fmt.Fprintf(h, "%s|%s|%s|%s|%s|%d|%d\n", e.ID, e.Title, e.Link, e.Summary, e.SummaryLang, e.Published.UnixNano(), e.Updated.UnixNano())
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// atomClean keeps line feeds and tabs and drops the control characters XML cannot hold.
func atomClean(s string) string { return cleanText(s, true) }
