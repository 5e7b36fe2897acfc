// Package feed writes Convene's calls as iCalendar (RFC 5545) with github.com/arran4/golang-ical:
// subscribable feeds of a call, a series, a community or a person.
//
// Every call is its own VEVENT with times in UTC, so daylight-saving changes, moved and extra calls
// are all exact without a VTIMEZONE; X-WR-TIMEZONE tells clients the zone the calls are planned in.
// A call's UID never changes and its SEQUENCE is the call's, raised by every change to its time,
// status, title, agenda or join kit, so a client replaces its entry instead of adding another.
package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/opengovcall/convene"
)

// Entry is one call as a feed shows it. Kit is nil when there is none or the feed's reader may not
// see it; KitHidden says which, so the description can tell how to get it.
type Entry struct {
	Call      *convene.Call
	URL       string // the call's page
	Agenda    []*convene.AgendaItem
	Kit       *convene.JoinKit
	KitHidden bool
	// Mode is how the reader attends (convene.AttendOnline or AttendInPerson), "" for a feed read
	// by anyone: one who comes online is not given the room, one who comes in person is.
	Mode string
	// Access is what the call offers for accessibility, one sentence each in the feed's language.
	Access []string
}

// venue is the room the entry's reader is shown, nil for none.
func (e Entry) venue() *convene.Venue {
	if !e.Call.InPerson() || e.Mode == convene.AttendOnline {
		return nil
	}
	return e.Call.Venue
}

// Location is the entry's LOCATION: the room for one who comes in person (or anyone, for a call
// held in one), otherwise the video link when the reader may see it, otherwise the call's page.
func (e Entry) Location() string {
	if v := e.venue(); v != nil {
		return v.Place()
	}
	if e.Kit != nil && e.Kit.JoinURL != "" {
		return e.Kit.JoinURL
	}
	return e.URL
}

// Feed is a calendar to write.
type Feed struct {
	Name string
	// Description, URL and Source are RFC 7986's calendar DESCRIPTION, URL (the page the calendar
	// follows) and SOURCE (where to fetch it again); each is left out when empty.
	Description, URL, Source string
	TimeZone                 string // the zone the calls are planned in, as a display hint
	Instance                 string // the instance's permanent id, for UIDs (see EventCalendar.Instance)
	Entries                  []Entry
	Alarm                    time.Duration // when positive, each event reminds this long before (personal feeds)
	Labels                   Labels
	// Lang is the language the feed is written in; a summary shown in another (its translation
	// missing) says which with a LANGUAGE parameter.
	Lang string
}

// Labels are the few words a feed's descriptions need, in the reader's language.
type Labels struct {
	Agenda, Join, MeetingID, Passcode, OneTap, DialIn, LocalNumbers, HiddenKit, Page, Cancelled string
	// InPerson heads the venue, Map and AccessNotes label its map link and access notes, and
	// Accessibility heads what the call offers.
	InPerson, Map, AccessNotes, Accessibility string
	// Colon separates a label from its value: ": " in English, " : " in French.
	Colon string
}

// colon is the label separator, ": " unless the labels say otherwise.
func (l Labels) colon() string {
	if l.Colon == "" {
		return ": "
	}
	return l.Colon
}

// UID is a call's permanent identifier in every calendar.
func UID(callID int64, instance string) string {
	return fmt.Sprintf("call-%d@%s", callID, instance)
}

// Calendar builds the feed as an iCalendar object.
func (f *Feed) Calendar() *ics.Calendar {
	cal := ics.NewCalendarFor("Convene")
	cal.SetProductId("-//Convene//Convene community calls//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetName(f.Name)
	if f.Description != "" {
		cal.SetDescription(f.Description)
		cal.SetXWRCalDesc(f.Description) // what Apple and Google read
	}
	if f.URL != "" {
		cal.SetUrl(f.URL, &ics.KeyValues{Key: "VALUE", Value: []string{"URI"}})
	}
	if f.Source != "" {
		cal.CalendarProperties = append(cal.CalendarProperties, ics.CalendarProperty{BaseProperty: ics.BaseProperty{
			IANAToken: "SOURCE", Value: f.Source, ICalParameters: map[string][]string{"VALUE": {"URI"}}}})
	}
	if last := f.lastChange(); !last.IsZero() {
		cal.SetLastModified(last)
	}
	if f.TimeZone != "" {
		cal.SetXWRTimezone(f.TimeZone)
	}
	// Google re-reads subscriptions rarely unless asked to.
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, e := range f.Entries {
		f.addEvent(cal, e)
	}
	return cal
}

// lastChange is the newest change among the feed's calls.
func (f *Feed) lastChange() time.Time {
	var last time.Time
	for _, e := range f.Entries {
		if e.Call.UpdatedAt.After(last) {
			last = e.Call.UpdatedAt
		}
	}
	return last.UTC()
}

// Serialize writes the feed with CRLF line ends, lines folded at 75 octets and text escaped.
func (f *Feed) Serialize() string { return serialize(f.Calendar()) }

// Validator is an ETag for the feed, worked out from what it is made of rather than from its bytes:
// its name, zone, alarm and words, and for every call its id, sequence and last change, and the
// join kit its reader gets. Any change to a call's agenda, time, text or kit changes the call's
// last change, so equal validators mean equal feeds. Entries' agendas need not be loaded.
func Validator(f *Feed) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%d|%v|%s|%s|%s|%s\n", f.Name, f.TimeZone, f.Instance, f.Alarm, f.Labels, f.Description, f.URL, f.Source, f.Lang)
	for _, e := range f.Entries {
		c := e.Call
		fmt.Fprintf(h, "%d|%d|%d|%d|%s|%t|%s|%q", c.ID, c.Sequence, c.UpdatedAt.UnixNano(), c.StartsAt.Unix(), e.URL, e.KitHidden, e.Mode, e.Access)
		if e.Kit != nil {
			fmt.Fprintf(h, "|kit %d %d", e.Kit.ID, e.Kit.UpdatedAt.UnixNano())
		}
		if c.Series != nil {
			fmt.Fprintf(h, "|%s|%d", c.Series.Title, c.Series.UpdatedAt.UnixNano())
		}
		h.Write([]byte{'\n'})
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

func (f *Feed) addEvent(cal *ics.Calendar, e Entry) {
	c := e.Call
	ev := cal.AddEvent(UID(c.ID, f.Instance))
	// DTSTAMP is the last change, so an unchanged feed is byte-identical and clients get 304s.
	ev.SetDtStampTime(c.UpdatedAt.UTC())
	ev.SetLastModifiedAt(c.UpdatedAt.UTC())
	ev.SetCreatedTime(c.CreatedAt.UTC())
	ev.SetSequence(c.Sequence)
	ev.SetStartAt(c.StartsAt)
	ev.SetEndAt(c.EndsAt())
	summary := c.DisplayTitle()
	if c.Theme != "" {
		summary += f.Labels.colon() + c.Theme
	}
	if lang := summaryLanguage(c, f.Lang); lang != "" {
		ev.SetProperty(ics.ComponentPropertySummary, summary, &ics.KeyValues{Key: "LANGUAGE", Value: []string{lang}})
	} else {
		ev.SetSummary(summary)
	}
	if c.Status == convene.CallCancelled {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	ev.SetURL(e.URL)
	ev.SetLocation(e.Location())
	ev.SetDescription(f.Describe(e))
	if e.Kit != nil {
		addConference(ev, e.Kit, f.Labels)
	}
	if f.Alarm > 0 && c.Status != convene.CallCancelled {
		a := ev.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetTrigger(fmt.Sprintf("-PT%dM", int(f.Alarm.Minutes())))
		a.SetProperty(ics.ComponentPropertyDescription, summary)
	}
}

// summaryLanguage is the language of a call's summary (title and theme) when it is all in one
// language other than the feed's, their translations missing; otherwise "".
func summaryLanguage(c *convene.Call, feedLang string) string {
	var title *convene.Texts = &c.Texts
	if c.Title == "" && c.Series != nil {
		title = &c.Series.Texts
	}
	lang := title.ShownIn("title")
	if lang == "" || lang == feedLang || (c.Theme != "" && c.ShownIn("theme") != lang) {
		return ""
	}
	return lang
}

// addConference gives an event RFC 7986 CONFERENCE properties for the ways to join that its
// reader may see: the video link, and each one-tap phone string.
func addConference(ev *ics.VEvent, k *convene.JoinKit, l Labels) {
	uri := &ics.KeyValues{Key: "VALUE", Value: []string{"URI"}}
	if k.JoinURL != "" {
		ev.AddProperty("CONFERENCE", k.JoinURL, uri, &ics.KeyValues{Key: "FEATURE", Value: []string{"AUDIO", "VIDEO"}},
			&ics.KeyValues{Key: "LABEL", Value: []string{paramSafe(l.Join)}})
	}
	for _, t := range k.OneTaps() {
		label := strings.TrimSpace(l.OneTap + " " + t.Label)
		ev.AddProperty("CONFERENCE", "tel:"+strings.ReplaceAll(t.Dial, "#", "%23"), uri, &ics.KeyValues{Key: "FEATURE", Value: []string{"PHONE"}},
			&ics.KeyValues{Key: "LABEL", Value: []string{paramSafe(label)}})
	}
}

// Describe is the agenda, then how to join (or how to get the join details), then the page.
func (f *Feed) Describe(e Entry) string {
	var b strings.Builder
	l := f.Labels
	if e.Call.Status == convene.CallCancelled {
		b.WriteString(l.Cancelled + "\n\n")
	}
	if e.Call.Note != "" {
		b.WriteString(e.Call.Note + "\n\n")
	}
	if len(e.Agenda) > 0 {
		b.WriteString(l.Agenda + "\n")
		for _, a := range e.Agenda {
			fmt.Fprintf(&b, "%d. %s", a.Position, a.Title)
			if p := a.Presenter(); p != "" {
				b.WriteString(" — " + p)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	if v := e.venue(); v != nil {
		b.WriteString(VenueText(v, l) + "\n")
	}
	if e.Kit != nil {
		b.WriteString(l.Join + "\n" + KitText(e.Kit, l) + "\n")
	} else if e.KitHidden {
		b.WriteString(l.HiddenKit + "\n\n")
	}
	if len(e.Access) > 0 {
		b.WriteString(l.Accessibility + "\n- " + strings.Join(e.Access, "\n- ") + "\n\n")
	}
	b.WriteString(l.Page + l.colon() + e.URL)
	return b.String()
}

// paramSafe makes a name safe as a parameter value. RFC 5545 wants a value holding , ; or : in
// double quotes, but golang-ical escapes those characters with backslashes instead, which parsers
// read as separators; so they become spaces, and an apostrophe (which it also escapes) the
// typographic one.
func paramSafe(name string) string {
	name = strings.Map(func(r rune) rune {
		switch r {
		case ',', ';', ':', '"', '\\':
			return ' '
		case '\'':
			return '’'
		}
		return r
	}, name)
	return strings.Join(strings.Fields(name), " ")
}

// VenueText is where a call meets as plain text: the heading, the place on one line, then its map
// and access notes.
func VenueText(v *convene.Venue, l Labels) string {
	var b strings.Builder
	b.WriteString(l.InPerson + "\n" + v.Place() + "\n")
	if v.MapURL != "" {
		b.WriteString(l.Map + l.colon() + v.MapURL + "\n")
	}
	if v.AccessNotes != "" {
		b.WriteString(l.AccessNotes + l.colon() + v.AccessNotes + "\n")
	}
	return b.String()
}

// KitText is a join kit as plain text, line by line: link, meeting ID, passcode, one-tap strings,
// dial-ins and the "find your local number" link, under the labels given.
func KitText(k *convene.JoinKit, l Labels) string {
	var b strings.Builder
	if k.JoinURL != "" {
		b.WriteString(k.JoinURL + "\n")
	}
	if k.MeetingID != "" {
		b.WriteString(l.MeetingID + l.colon() + k.MeetingIDDisplay() + "\n")
	}
	if k.Passcode != "" {
		b.WriteString(l.Passcode + l.colon() + k.Passcode + "\n")
	}
	if taps := k.OneTaps(); len(taps) > 0 {
		b.WriteString(l.OneTap + "\n")
		for _, t := range taps {
			b.WriteString(strings.TrimSpace(t.Dial+" "+t.Label) + "\n")
		}
	}
	if len(k.DialIns) > 0 {
		b.WriteString(l.DialIn + "\n")
		for _, d := range k.DialIns {
			b.WriteString(strings.TrimSpace(convene.FormatPhone(d.Number)+" "+d.Label) + "\n")
		}
	}
	if k.LocalNumbersURL != "" {
		b.WriteString(l.LocalNumbers + l.colon() + k.LocalNumbersURL + "\n")
	}
	return b.String()
}

// GoogleLink is an "add to Google Calendar" address for a call.
func GoogleLink(e Entry, details string) string {
	const layout = "20060102T150405Z"
	v := url.Values{}
	v.Set("action", "TEMPLATE")
	v.Set("text", e.Call.DisplayTitle())
	v.Set("dates", e.Call.StartsAt.UTC().Format(layout)+"/"+e.Call.EndsAt().UTC().Format(layout))
	v.Set("details", details)
	v.Set("location", e.Location())
	return "https://calendar.google.com/calendar/render?" + v.Encode()
}

// OutlookLink is an "add to Outlook" address for a call.
func OutlookLink(e Entry, details string) string {
	v := url.Values{}
	v.Set("path", "/calendar/action/compose")
	v.Set("rru", "addevent")
	v.Set("subject", e.Call.DisplayTitle())
	v.Set("startdt", e.Call.StartsAt.UTC().Format(time.RFC3339))
	v.Set("enddt", e.Call.EndsAt().UTC().Format(time.RFC3339))
	v.Set("body", details)
	v.Set("location", e.Location())
	return "https://outlook.live.com/calendar/0/deeplink/compose?" + v.Encode()
}

// Invitation is an iTIP (RFC 5546) message about one call for one attendee: METHOD:REQUEST to add
// or update the calendar entry, METHOD:CANCEL to remove it. It carries the call's permanent UID,
// the given SEQUENCE (which must be higher than the last one the attendee received) and a fresh
// DTSTAMP, with the organizer and the attendee, as Outlook and Google require to update an entry
// instead of adding a duplicate.
func (f *Feed) Invitation(e Entry, method ics.Method, sequence int, organizer, organizerName, attendee, attendeeName string, now time.Time) string {
	c := e.Call
	cal := ics.NewCalendarFor("Convene")
	cal.SetProductId("-//Convene//Convene community calls//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(method)
	f.addEvent(cal, e)
	ev := cal.Events()[0]
	ev.SetSequence(sequence)
	ev.SetDtStampTime(now.UTC())
	ev.SetOrganizer("mailto:"+organizer, ics.WithCN(paramSafe(organizerName)))
	// The attendee registered on Convene, so they have accepted already; nothing reads replies by
	// mail, so none is asked for (RSVP=FALSE) and calendars show no "Going?" buttons.
	partstat := ics.ParticipationStatusAccepted
	if method == ics.MethodCancel {
		partstat = ics.ParticipationStatusNeedsAction
		if c.Status != convene.CallCancelled {
			// RFC 5546 §3.2.5: uninviting one attendee from an event that goes ahead carries no
			// STATUS; STATUS:CANCELLED would cancel the event itself.
			ev.RemoveProperty(ics.ComponentPropertyStatus)
		}
	}
	ev.AddAttendee("mailto:"+attendee, ics.WithCN(paramSafe(attendeeName)), &ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"FALSE"}},
		partstat, ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant)
	return serialize(cal)
}
