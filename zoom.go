package convene

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	zoomURLPattern       = regexp.MustCompile(`(?i)https?://[^\s<>"'\x60{}|\\^\[\]]+`)
	zoomJoinPathPattern  = regexp.MustCompile(`^/(?:j|w|s|wc(?:/join)?)/(\d+)(?:/|$)`)
	zoomMeetingIDPattern = regexp.MustCompile(`(?i)\b(?:meeting id|webinar id|id de réunion)\s*:?\s*(\d[\d -]*\d)`)
	zoomPasscodePattern  = regexp.MustCompile(`(?i)\b(?:passcode|password|code secret|mot de passe)\s*:\s*(\S+)`)
	zoomOneTapPattern    = regexp.MustCompile(`^(\+?\d{8,15}),,(\d+)#([,#*\d]*)(?:\s+(.*))?$`)
	zoomTapCodePattern   = regexp.MustCompile(`(\*?)(\d+)#`)
	zoomDialInPattern    = regexp.MustCompile(`^(\+?\d[\d ().-]*\d)(?:\s+(.*))?$`)
	zoomLineBreaks       = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n")
	// zoomLineStarts are the phrases and items that begin a line of an invitation. Mail clients often
	// copy one as a single line; a line break goes back before each of them, so the invitation reads
	// the same either way. Phone numbers begin with "+" and at least eight digits and spaces; SIP
	// addresses with the meeting ID.
	zoomLineStarts = regexp.MustCompile(`(?i)[ \t]+((?:join zoom meeting|meeting id|webinar id|id de réunion|passcode|password|code secret|mot de passe|one tap mobile|dial by your location|find your local number|join by sip|join by h\.323|join by skype|topic:|time:)|https?://|[•·●▪‣◦] |-{3,}|\+\d[\d ]{7,}|\d{9,11}(?:\.\w+)*@\S+)`)
)

// zoomSection is the part of an invitation a line sits in; it decides how bare numbers and addresses are read.
type zoomSection int

const (
	zoomSectionNone    zoomSection = iota
	zoomSectionDial                // "Dial by your location": numbers and their labels
	zoomSectionSIP                 // "Join by SIP": one SIP address
	zoomSectionIgnored             // "Join by H.323", "Join by Skype for Business": addresses we do not keep
)

// zoomPaste gathers what the lines of an invitation say before they are checked against each other.
type zoomPaste struct {
	section   zoomSection
	joinURL   string
	localURL  string
	sip       string
	ids       []string // meeting IDs from the link, the "Meeting ID:" lines and the one-tap lines
	passcodes []string // from "Passcode:" lines, in order
	tapCodes  []string // passcodes carried by one-tap lines ("" when a line carries none)
	taps      []DialIn // numbers from the one-tap lines
	dialIns   []DialIn // numbers from the "Dial by your location" lines
	leftOut   []string // lines of the dial-in and SIP blocks that could not be read
}

// ZoomReading is what an invitation gave: the join kit, and the parts of it that were left out
// (numbers that could not be read, more numbers than a kit holds), to tell the organizer.
type ZoomReading struct {
	Kit     JoinKit
	LeftOut []string
}

// ParseZoomInvitation reads the text of a Zoom invitation as pasted by an organizer and returns the join kit it describes.
// It returns an EINVALID *Error, and no kit, when the text is empty, holds no meeting ID or Zoom link, or contradicts itself.
func ParseZoomInvitation(text string) (JoinKit, error) {
	r, err := ReadZoomInvitation(text)
	return r.Kit, err
}

// ReadZoomInvitation is ParseZoomInvitation that also says what it left out. The invitation reads
// the same whether its parts are on separate lines or, as many mail clients copy it, on one.
func ReadZoomInvitation(text string) (ZoomReading, error) {
	text = strings.TrimPrefix(strings.ToValidUTF8(text, "\uFFFD"), "\uFEFF")
	if strings.TrimSpace(text) == "" {
		return ZoomReading{}, Invalid("joinkit.paste.empty", nil)
	}
	text = zoomLineStarts.ReplaceAllString(zoomLineBreaks.Replace(text), "\n$1")
	var p zoomPaste
	for _, line := range strings.Split(text, "\n") {
		p.readLine(line)
	}
	k, err := p.kit()
	if err != nil {
		return ZoomReading{}, err
	}
	k.Normalize()
	if err := k.Validate(); err != nil {
		return ZoomReading{}, err
	}
	return ZoomReading{Kit: k, LeftOut: p.leftOut}, nil
}

// readLine takes what one line of the invitation says.
func (p *zoomPaste) readLine(raw string) {
	line := strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, raw))
	if line == "" {
		return
	}
	p.readURLs(line)
	p.readMeetingID(line)
	p.readPasscode(line)
	if s, ok := zoomHeader(line); ok {
		p.section = s
		return
	}
	line = strings.TrimSpace(strings.TrimLeft(line, "•·●▪‣◦*-"))
	switch {
	case p.readOneTap(line):
	case p.section == zoomSectionSIP:
		if !p.readSIP(line) {
			p.leftOut = append(p.leftOut, line)
		}
	case p.section == zoomSectionDial:
		if !p.readDialIn(line) && !zoomMeetingIDPattern.MatchString(line) && !zoomPasscodePattern.MatchString(line) {
			p.leftOut = append(p.leftOut, line)
		}
	}
}

// zoomHeader recognizes the lines that open or close a block of the invitation.
func zoomHeader(line string) (zoomSection, bool) {
	l := strings.ToLower(line)
	switch {
	case strings.Trim(l, "-—–_=") == "":
		return zoomSectionNone, true
	case strings.HasPrefix(l, "dial by your location"):
		return zoomSectionDial, true
	case strings.HasPrefix(l, "join by sip"):
		return zoomSectionSIP, true
	case strings.HasPrefix(l, "join by h.323"), strings.HasPrefix(l, "join by skype"):
		return zoomSectionIgnored, true
	case strings.HasPrefix(l, "one tap mobile"), strings.HasPrefix(l, "join zoom meeting"),
		strings.HasPrefix(l, "find your local number"):
		return zoomSectionNone, true
	}
	return zoomSectionNone, false
}

// readURLs keeps the first Zoom join link and "find your local number" link on the line.
func (p *zoomPaste) readURLs(line string) {
	for _, raw := range zoomURLPattern.FindAllString(line, -1) {
		if raw != line {
			raw = strings.TrimRight(raw, ".,;:!?)'\"")
		}
		u, err := url.Parse(raw)
		if err != nil || !isJoinKitURL(raw) || !isZoomHost(u.Hostname()) {
			continue
		}
		if strings.HasPrefix(u.Path, "/u/") && p.localURL == "" {
			p.localURL = raw
		}
		p.readJoinURL(raw, u)
	}
}

// readJoinURL keeps a meeting link (/j/, /w/, /s/, /wc/ or a personal /my/ link) and the meeting ID in its path.
func (p *zoomPaste) readJoinURL(raw string, u *url.URL) {
	if m := zoomJoinPathPattern.FindStringSubmatch(u.Path); m != nil {
		if !isZoomMeetingID(m[1]) {
			return
		}
		p.ids = append(p.ids, m[1])
	} else if !strings.HasPrefix(u.Path, "/my/") || len(u.Path) == len("/my/") {
		return
	}
	if p.joinURL == "" {
		p.joinURL = raw
	}
}

// isZoomHost reports whether host belongs to Zoom (zoom.us, zoom.com, zoomgov.com and their subdomains).
func isZoomHost(host string) bool {
	host = strings.ToLower(host)
	for _, d := range []string{"zoom.us", "zoom.com", "zoomgov.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// isZoomMeetingID reports whether id is a meeting ID of the length Zoom uses (9 to 11 digits).
func isZoomMeetingID(id string) bool {
	return isDigitString(id) && len(id) >= minZoomMeetingID && len(id) <= maxZoomMeetingID
}

// readMeetingID notes a "Meeting ID: 912 323 161" line; IDs of a length Zoom does not use are skipped.
func (p *zoomPaste) readMeetingID(line string) {
	for _, m := range zoomMeetingIDPattern.FindAllStringSubmatch(line, -1) {
		if id := digitsIn(m[1]); isZoomMeetingID(id) {
			p.ids = append(p.ids, id)
		}
	}
}

// readPasscode notes a "Passcode: 010383" (or, before 2020, "Password:") line.
func (p *zoomPaste) readPasscode(line string) {
	for _, m := range zoomPasscodePattern.FindAllStringSubmatch(line, -1) {
		code := m[1]
		if utf8.RuneCountInString(code) <= MaxPasscode && !strings.ContainsFunc(code, unicode.IsControl) {
			p.passcodes = append(p.passcodes, code)
		}
	}
}

// readOneTap takes a one-tap line ("+16475580588,,912323161# Canada", optionally with ",,,,*010383#")
// and reports whether the line was one.
func (p *zoomPaste) readOneTap(line string) bool {
	m := zoomOneTapPattern.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	number := normalizePhone(m[1])
	if !isE164(number) || !isZoomMeetingID(m[2]) {
		return false
	}
	p.ids = append(p.ids, m[2])
	p.tapCodes = append(p.tapCodes, oneTapPasscode(m[3]))
	p.taps = append(p.taps, DialIn{Number: number, Label: zoomLabel(m[4])})
	return true
}

// oneTapPasscode returns the passcode keyed after the meeting ID ("*010383#"), skipping the "0#" that
// older invitations used to pass the participant ID prompt; it returns "" when there is none.
func oneTapPasscode(suffix string) string {
	code := ""
	for _, m := range zoomTapCodePattern.FindAllStringSubmatch(suffix, -1) {
		if m[1] == "" && m[2] == "0" {
			continue
		}
		code = m[2]
	}
	return code
}

// readDialIn takes a "Dial by your location" line ("+1 720 707 2699 US (Denver)") and reports
// whether it held a number.
func (p *zoomPaste) readDialIn(line string) bool {
	m := zoomDialInPattern.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	number := normalizePhone(m[1])
	if !isE164(number) {
		return false
	}
	p.dialIns = append(p.dialIns, DialIn{Number: number, Label: zoomLabel(m[2])})
	return true
}

// readSIP keeps the first SIP address under "Join by SIP", and reports whether the line was one.
func (p *zoomPaste) readSIP(line string) bool {
	if len(line) > maxSIP || !sipPattern.MatchString(line) {
		return false
	}
	if p.sip == "" {
		p.sip = line
	}
	return true
}

// zoomLabel cleans the text after a number so it fits a dial-in label.
func zoomLabel(s string) string {
	s = cleanLabel(s)
	if utf8.RuneCountInString(s) > MaxDialInLabel {
		s = strings.TrimSpace(string([]rune(s)[:MaxDialInLabel]))
	}
	return s
}

// kit checks what the lines said against each other and builds the join kit.
func (p *zoomPaste) kit() (JoinKit, error) {
	ids := firstOccurrences(p.ids)
	if len(ids) == 0 && p.joinURL == "" {
		return JoinKit{}, Invalid("joinkit.paste.unrecognized", nil)
	}
	if len(ids) > 1 {
		return JoinKit{}, Invalid("joinkit.paste.conflict", nil)
	}
	passcode, phone, ok := p.passcode()
	if !ok {
		return JoinKit{}, Invalid("joinkit.paste.conflict", nil)
	}
	k := JoinKit{
		Provider:        ProviderZoom,
		JoinURL:         p.joinURL,
		Passcode:        passcode,
		PhonePasscode:   phone,
		LocalNumbersURL: p.localURL,
		SIP:             p.sip,
		DialIns:         p.dialInList(),
	}
	if len(ids) == 1 {
		k.MeetingID = ids[0]
	}
	if k.JoinURL == "" {
		k.JoinURL = "https://zoom.us/j/" + k.MeetingID
	}
	return k, nil
}

// passcode settles the kit's passcode from the "Passcode:" lines and the one-tap lines, and reports
// false when they contradict each other. An invitation whose passcode has letters may show the
// numeric phone passcode on a second line and in its one-taps; the kit keeps the one people type
// online and does not send a passcode to phones.
func (p *zoomPaste) passcode() (code string, phone bool, ok bool) {
	taps := firstOccurrences(p.tapCodes)
	if len(taps) > 1 {
		return "", false, false
	}
	tap := ""
	if len(taps) == 1 {
		tap = taps[0]
	}
	lines := firstOccurrences(p.passcodes)
	switch {
	case len(lines) == 0:
		return tap, tap != "", true
	case len(lines) == 1 && (tap == "" || tap == lines[0]):
		return lines[0], tap != "", true
	case len(lines) == 1:
		return lines[0], false, !isDigitString(lines[0])
	case len(lines) == 2 && !isDigitString(lines[0]) && isDigitString(lines[1]) && (tap == "" || tap == lines[1]):
		return lines[0], false, true
	}
	return "", false, false
}

// dialInList returns the "Dial by your location" numbers, or the one-tap numbers when there are none,
// without repeats and no more than a kit holds.
func (p *zoomPaste) dialInList() []DialIn {
	from := p.dialIns
	if len(from) == 0 {
		from = p.taps
	}
	seen := make(map[string]bool)
	var out []DialIn
	for _, d := range from {
		if seen[d.Number] {
			continue
		}
		seen[d.Number] = true
		if len(out) < MaxDialIns {
			out = append(out, d)
		} else {
			p.leftOut = append(p.leftOut, strings.TrimSpace(d.Number+" "+d.Label))
		}
	}
	return out
}

// firstOccurrences returns the different values of xs in the order they first appear.
func firstOccurrences(xs []string) []string {
	seen := make(map[string]bool)
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
