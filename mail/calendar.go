package mail

import (
	"errors"
	"fmt"
	"strings"

	"github.com/opengovcall/convene"
)

// calendarMethod is the iTIP method of a mail's calendar, in upper case: CalendarMethod, or the
// calendar's own METHOD when CalendarMethod is empty. The two must agree (RFC 6047 section 2.4),
// and a calendar without METHOD is refused: Outlook calls it "not supported calendar message".
// The method ends up in a MIME header, so it must be a plain token.
func calendarMethod(m convene.Mail) (string, error) {
	inCalendar := strings.ToUpper(calendarProperty(m.Calendar, "METHOD"))
	method := strings.ToUpper(strings.TrimSpace(m.CalendarMethod))
	if method == "" {
		method = inCalendar
	}
	switch {
	case method == "" || inCalendar == "":
		return "", errors.New("mail: the calendar has no METHOD")
	case !isToken(method):
		return "", fmt.Errorf("mail: calendar method %q is not an iTIP method", method)
	case method != inCalendar:
		return "", fmt.Errorf("mail: calendar method %q differs from the calendar's METHOD:%s", method, inCalendar)
	}
	return method, nil
}

// calendarFileName names the .ics attachment after what it does.
func calendarFileName(method string) string {
	if method == "CANCEL" {
		return "cancel.ics"
	}
	return "invite.ics"
}

// calendarProperty returns the value of the first content line of an iCalendar object named
// name (case-insensitively, whatever its parameters), after unfolding; "" if there is none.
func calendarProperty(cal, name string) string {
	cal = strings.ReplaceAll(cal, "\r\n", "\n")
	cal = strings.ReplaceAll(cal, "\n ", "")
	cal = strings.ReplaceAll(cal, "\n\t", "")
	for line := range strings.SplitSeq(cal, "\n") {
		if len(line) <= len(name) || !strings.EqualFold(line[:len(name)], name) {
			continue
		}
		rest := line[len(name):]
		if rest[0] != ':' && rest[0] != ';' {
			continue
		}
		// Parameter values may hold a quoted colon; the value starts after the first colon
		// outside quotes.
		quoted := false
		for i, r := range rest {
			switch {
			case r == '"':
				quoted = !quoted
			case r == ':' && !quoted:
				return strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return ""
}

// isToken reports whether s is an iCalendar iana-token or x-name: letters, digits and dashes.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// crlf gives every line of s a CRLF ending, as RFC 5545 requires, so the inline part (which
// quoted-printable writes with CRLF anyway) and the attachment carry the same bytes.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}
