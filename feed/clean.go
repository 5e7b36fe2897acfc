package feed

import (
	"strings"
	"unicode"

	ics "github.com/arran4/golang-ical"
)

// serialize writes a calendar with CRLF line ends after cleaning every value and parameter.
// golang-ical escapes a line feed in text but not a carriage return, and a mail's quoted-printable
// encoding turns a lone CR into a line break: a title holding one would put a property of its own
// (a LOCATION, an ORGANIZER) into an invitation. Input is cleaned where it is stored; this is the
// second line of defence, for every calendar Convene writes.
func serialize(cal *ics.Calendar) string {
	for i := range cal.CalendarProperties {
		cleanProperty(&cal.CalendarProperties[i].BaseProperty)
	}
	cleanComponents(cal.Components)
	return cal.Serialize(ics.WithNewLine("\r\n"))
}

func cleanComponents(cs []ics.Component) {
	for _, c := range cs {
		props := c.UnknownPropertiesIANAProperties()
		for i := range props {
			cleanProperty(&props[i].BaseProperty)
		}
		cleanComponents(c.SubComponents())
	}
}

// cleanProperty keeps line feeds in a value (golang-ical escapes them as \n), turns carriage
// returns into line feeds, and drops every other control character but tabs; parameters, which
// cannot hold a line break, lose them all.
func cleanProperty(p *ics.BaseProperty) {
	p.Value = cleanText(p.Value, true)
	for _, vs := range p.ICalParameters {
		for j := range vs {
			vs[j] = cleanText(vs[j], false)
		}
	}
}

func cleanText(s string, lines bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if lines {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return strings.Map(func(r rune) rune {
		switch {
		case lines && (r == '\r' || r == '\n'):
			return '\n'
		case r == '\t':
			return r
		case unicode.IsControl(r):
			if r == '\r' || r == '\n' {
				return ' '
			}
			return -1
		}
		return r
	}, s)
}
