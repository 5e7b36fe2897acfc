package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	ics "github.com/arran4/golang-ical"

	"github.com/opengovcall/convene"
)

// EventCalendar is one event as a calendar file to add to a calendar: the event in UTC, with its
// zone as a display hint, and a permanent UID so adding it again replaces the first copy.
type EventCalendar struct {
	Event *convene.Event
	URL   string // the event's page
	// Instance is the instance's permanent id, the right-hand side of every UID; it does not
	// change when the instance moves to another address.
	Instance string
	// Online is the word for the place of an event that happens online only, in the reader's language.
	Online string
}

// EventUID is an event's permanent identifier in every calendar.
func EventUID(eventID int64, instance string) string {
	return fmt.Sprintf("event-%d@%s", eventID, instance)
}

// Calendar builds the iCalendar object.
func (c *EventCalendar) Calendar() *ics.Calendar {
	e := c.Event
	cal := ics.NewCalendarFor("Convene")
	cal.SetProductId("-//Convene//Convene community calls//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(e.Name)
	cal.SetXWRTimezone(e.TimeZone)
	ev := cal.AddEvent(EventUID(e.ID, c.Instance))
	ev.SetDtStampTime(e.UpdatedAt.UTC())
	ev.SetLastModifiedAt(e.UpdatedAt.UTC())
	ev.SetCreatedTime(e.CreatedAt.UTC())
	// Seconds since creation rise with every change, so a re-imported file replaces the older copy.
	ev.SetSequence(int(e.UpdatedAt.Unix() - e.CreatedAt.Unix()))
	ev.SetStartAt(e.StartsAt.UTC())
	ev.SetEndAt(e.EndsAt.UTC())
	ev.SetSummary(e.Name)
	ev.SetStatus(ics.ObjectStatusConfirmed)
	ev.SetURL(c.URL)
	switch {
	case e.Place != "" && e.Address != "":
		ev.SetLocation(e.Place + ", " + e.Address)
	case e.Place != "":
		ev.SetLocation(e.Place)
	case e.Link != "":
		ev.SetLocation(e.Link)
	default:
		ev.SetLocation(c.Online)
	}
	desc := e.Description
	if e.Link != "" {
		if desc != "" {
			desc += "\n\n"
		}
		desc += e.Link
	}
	if desc != "" {
		desc += "\n\n"
	}
	ev.SetDescription(desc + c.URL)
	return cal
}

// Serialize writes the calendar with CRLF line ends, lines folded at 75 octets and text escaped.
func (c *EventCalendar) Serialize() string { return serialize(c.Calendar()) }

// EventValidator is an ETag for the event's calendar, from what it is made of.
func EventValidator(c *EventCalendar) string {
	h := sha256.New()
	e := c.Event
	fmt.Fprintf(h, "%d|%d|%s|%s|%s", e.ID, e.UpdatedAt.UnixNano(), c.URL, c.Instance, c.Online)
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}
