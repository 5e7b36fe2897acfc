package convene

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line cleans a single-line field: every control character (a carriage return or line feed that
// would become a property of its own in an iCalendar invitation, a NUL, a tab) becomes a space,
// and the ends are trimmed. Text that is not valid UTF-8 is left for Validate to refuse.
func Line(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	if strings.IndexFunc(s, isControlOrSeparator) >= 0 {
		s = strings.Map(func(r rune) rune {
			if isControlOrSeparator(r) {
				return ' '
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

// Para cleans a multi-line field: line ends become "\n" (a lone carriage return included), other
// control characters but tabs are dropped, and the ends are trimmed.
func Para(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\u2028' || r == '\u2029':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// isControlOrSeparator reports whether r is a control character or a line or paragraph separator.
func isControlOrSeparator(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}
