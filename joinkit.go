package convene

import (
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Video providers a join kit may name.
const (
	ProviderZoom  = "zoom"
	ProviderTeams = "teams"
	ProviderMeet  = "meet"
	ProviderJitsi = "jitsi"
	ProviderOther = "other"
)

// Providers lists every provider a join kit may name.
var Providers = []string{ProviderZoom, ProviderTeams, ProviderMeet, ProviderJitsi, ProviderOther}

// Join kit limits, shared by validation, forms and the invitation parsers.
const (
	MaxDialIns        = 30
	MaxPasscode       = 32
	MaxDialInLabel    = 80
	MaxJoinKitURL     = 2048
	maxSIP            = 254
	minMeetingID      = 3
	maxMeetingID      = 20
	minZoomMeetingID  = 9
	maxZoomMeetingID  = 11
	minE164Digits     = 8
	maxE164Digits     = 15
	meetingIDGroupLen = 3
)

// JoinKit is how people join a call: video link, meeting ID, passcode, phone dial-ins.
type JoinKit struct {
	ID              int64
	SeriesID        int64  // set when the kit belongs to a series
	CallID          int64  // set when the kit overrides one call (then SeriesID is 0)
	Provider        string // one of Providers
	JoinURL         string
	MeetingID       string // digits only, as stored ("912323161")
	Passcode        string
	PhonePasscode   bool // the provider asks phone callers for the passcode: one-tap strings carry it (",,,,*PASSCODE#")
	DialIns         []DialIn
	LocalNumbersURL string // "Find your local number" link
	SIP             string // optional, e.g. 85775884256@zoomcrc.com
	UpdatedAt       time.Time
}

// DialIn is one phone number people can call to join.
type DialIn struct {
	Number string // E.164, e.g. "+16475580588"
	Label  string // e.g. "Canada", "US (Denver)"
}

// OneTap is a dial string a phone can call in one tap, meeting ID (and passcode) included.
type OneTap struct {
	Number string // E.164, as in the dial-in
	Label  string
	Dial   string // "+16475580588,,912323161#" or "+16475580588,,85775884256#,,,,*010383#"
}

var sipPattern = regexp.MustCompile(`^[A-Za-z0-9._+\-=!~*'()&$%]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$`)

// OneTaps returns one dial string per dial-in, carrying the meeting ID and, when phone callers are
// asked for it, the passcode; there are none without a meeting ID.
func (k JoinKit) OneTaps() []OneTap {
	if k.MeetingID == "" || len(k.DialIns) == 0 {
		return nil
	}
	suffix := ",," + k.MeetingID + "#"
	if k.PhonePasscode && isDigitString(k.Passcode) {
		suffix += ",,,,*" + k.Passcode + "#"
	}
	taps := make([]OneTap, 0, len(k.DialIns))
	for _, d := range k.DialIns {
		taps = append(taps, OneTap{Number: d.Number, Label: d.Label, Dial: d.Number + suffix})
	}
	return taps
}

// MeetingIDDisplay returns the meeting ID grouped for reading aloud the way Zoom prints it
// ("912 323 161", "665 534 0718", "857 7588 4256"); other lengths go in groups of three from the left.
func (k JoinKit) MeetingIDDisplay() string {
	id := digitsIn(k.MeetingID)
	switch len(id) {
	case 9:
		return groupDigits(id, 3, 3, 3)
	case 10:
		return groupDigits(id, 3, 3, 4)
	case 11:
		return groupDigits(id, 3, 4, 4)
	}
	var sizes []int
	for n := len(id); n > 0; n -= meetingIDGroupLen {
		sizes = append(sizes, min(n, meetingIDGroupLen))
	}
	return groupDigits(id, sizes...)
}

// groupDigits joins consecutive slices of s of the given sizes with spaces.
func groupDigits(s string, sizes ...int) string {
	parts := make([]string, 0, len(sizes))
	for _, n := range sizes {
		parts = append(parts, s[:n])
		s = s[n:]
	}
	return strings.Join(parts, " ")
}

// IsEmpty reports whether the kit has nothing to show: no link, meeting ID, passcode, phone or SIP detail.
func (k JoinKit) IsEmpty() bool {
	for _, s := range []string{k.JoinURL, k.MeetingID, k.Passcode, k.LocalNumbersURL, k.SIP} {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	for _, d := range k.DialIns {
		if strings.TrimSpace(d.Number) != "" || strings.TrimSpace(d.Label) != "" {
			return false
		}
	}
	return true
}

// Normalize tidies what an organizer typed: it trims text, keeps the meeting ID's digits, writes
// North American and "+" numbers in E.164, drops blank dial-in rows and lowercases the provider
// (defaulting to "other" when the kit holds anything).
func (k *JoinKit) Normalize() {
	k.Provider = strings.ToLower(strings.TrimSpace(k.Provider))
	k.JoinURL = Line(k.JoinURL)
	k.MeetingID = digitsIn(k.MeetingID)
	k.Passcode = Line(k.Passcode)
	k.LocalNumbersURL = Line(k.LocalNumbersURL)
	k.SIP = Line(k.SIP)
	if len(k.SIP) > 4 && strings.EqualFold(k.SIP[:4], "sip:") {
		k.SIP = k.SIP[4:]
	}
	var dials []DialIn
	for _, d := range k.DialIns {
		d = DialIn{Number: normalizePhone(d.Number), Label: cleanLabel(d.Label)}
		if d.Number != "" || d.Label != "" {
			dials = append(dials, d)
		}
	}
	k.DialIns = dials
	if k.Provider == "" && !k.IsEmpty() {
		k.Provider = ProviderOther
	}
}

// Validate checks the kit before it is stored and returns an EINVALID *Error naming each bad field.
func (k JoinKit) Validate() error {
	var f fieldErrors
	if !isProvider(k.Provider) {
		f.add("provider", "joinkit.provider.invalid", nil)
	}
	if k.JoinURL != "" && !isJoinKitURL(k.JoinURL) {
		f.add("join_url", "joinkit.url.invalid", nil)
	}
	if k.JoinURL == "" && k.MeetingID == "" && len(k.DialIns) == 0 {
		f.add("join_url", "joinkit.required", nil)
	}
	k.checkMeetingID(&f)
	k.checkPasscode(&f)
	k.checkDialIns(&f)
	if k.LocalNumbersURL != "" && !isJoinKitURL(k.LocalNumbersURL) {
		f.add("local_numbers_url", "joinkit.url.invalid", nil)
	}
	if k.SIP != "" && (len(k.SIP) > maxSIP || !sipPattern.MatchString(k.SIP)) {
		f.add("sip", "joinkit.sip.invalid", nil)
	}
	return f.err()
}

// checkMeetingID accepts a meeting ID of the length the provider uses: Zoom's 9 to 11 digits, or 3 to 20.
func (k JoinKit) checkMeetingID(f *fieldErrors) {
	if k.MeetingID == "" {
		return
	}
	lo, hi := minMeetingID, maxMeetingID
	if k.Provider == ProviderZoom {
		lo, hi = minZoomMeetingID, maxZoomMeetingID
	}
	if !isDigitString(k.MeetingID) || len(k.MeetingID) < lo || len(k.MeetingID) > hi {
		f.add("meeting_id", "joinkit.meeting_id.invalid", map[string]any{"Min": lo, "Max": hi})
	}
}

// checkPasscode limits the passcode's length, refuses control characters, and requires digits when
// phone callers must key it in.
func (k JoinKit) checkPasscode(f *fieldErrors) {
	switch {
	case utf8.RuneCountInString(k.Passcode) > MaxPasscode:
		f.add("passcode", "joinkit.passcode.too_long", map[string]any{"Max": MaxPasscode})
	case strings.ContainsFunc(k.Passcode, unicode.IsControl):
		f.add("passcode", "joinkit.passcode.invalid", nil)
	case k.PhonePasscode && !isDigitString(k.Passcode):
		f.add("passcode", "joinkit.passcode.not_dialable", nil)
	}
}

// checkDialIns limits the number of dial-ins and checks each one's number and label; Row counts from 1.
func (k JoinKit) checkDialIns(f *fieldErrors) {
	if len(k.DialIns) > MaxDialIns {
		f.add("dial_ins", "joinkit.dial_ins.too_many", map[string]any{"Max": MaxDialIns})
		return
	}
	for i, d := range k.DialIns {
		if !isE164(d.Number) {
			f.add("dial_ins", "joinkit.dial_in.number.invalid", map[string]any{"Row": i + 1})
		}
		if utf8.RuneCountInString(d.Label) > MaxDialInLabel {
			f.add("dial_ins", "joinkit.dial_in.label.too_long", map[string]any{"Row": i + 1, "Max": MaxDialInLabel})
		}
	}
}

// FormatPhone writes an E.164 number for reading: North American numbers as "+1 647 558 0588";
// anything else is returned unchanged.
func FormatPhone(e164 string) string {
	if len(e164) != 12 || !strings.HasPrefix(e164, "+1") || !isNANP(e164[2:]) {
		return e164
	}
	n := e164[2:]
	return "+1 " + n[:3] + " " + n[3:6] + " " + n[6:]
}

// isProvider reports whether p is one of Providers.
func isProvider(p string) bool {
	for _, x := range Providers {
		if x == p {
			return true
		}
	}
	return false
}

// isJoinKitURL reports whether s is an absolute http(s) address without credentials or spaces.
func isJoinKitURL(s string) bool {
	if len(s) > MaxJoinKitURL || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Hostname() != "" && u.User == nil
}

// isE164 reports whether s is "+" followed by 8 to 15 digits.
func isE164(s string) bool {
	d, ok := strings.CutPrefix(s, "+")
	return ok && len(d) >= minE164Digits && len(d) <= maxE164Digits && isDigitString(d)
}

// isNANP reports whether d is a ten-digit North American number (area code and exchange start 2–9).
func isNANP(d string) bool {
	return len(d) == 10 && isDigitString(d) && d[0] >= '2' && d[3] >= '2'
}

// isDigitString reports whether s is one or more ASCII digits.
func isDigitString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digitsIn returns the ASCII digits of s, in order.
func digitsIn(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// normalizePhone writes a phone number in E.164 when it starts with "+" or is North American (with
// or without its leading 1); anything else, such as an extension or a national number, comes back trimmed.
func normalizePhone(s string) string {
	s = strings.TrimSpace(s)
	body, plus := strings.CutPrefix(s, "+")
	for _, r := range body {
		if (r < '0' || r > '9') && !strings.ContainsRune(" -.()/", r) && !unicode.IsSpace(r) {
			return s
		}
	}
	d := digitsIn(body)
	switch {
	case d == "":
		return s
	case plus:
		return "+" + d
	case isNANP(d):
		return "+1" + d
	case len(d) == 11 && d[0] == '1' && isNANP(d[1:]):
		return "+" + d
	}
	return s
}

// cleanLabel collapses runs of spaces in a dial-in label and drops control characters.
func cleanLabel(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
