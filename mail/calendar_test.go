package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/mail"
)

// invitation is an iCalendar object as the scheduling code writes it: CRLF line ends, lines
// folded at 75 octets. The SUMMARY fold falls at 74 octets, just before "é", which a fold at 75
// bytes would have split; the ATTENDEE carries a quoted CN with a comma and accents.
func invitation(method string) string {
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Convene//Convene//FR",
		"METHOD:" + method,
		"BEGIN:VEVENT",
		"UID:call-42@convene.example.org",
		"DTSTAMP:20260302T093000Z",
		"DTSTART:20260315T220000Z",
		"DTEND:20260315T233000Z",
		"SEQUENCE:1",
		"SUMMARY:Conseil de quartier – réunion publique : budget participatif d'", // 74 octets
		" été 2026 à l'hôtel de ville",
		"DESCRIPTION:Ordre du jour : accueil\\, présentation des projets élus\\, que",
		" stions du public.\\nLien : https://convene.example.org/appel/42?jeton=k3Jx9",
		"ORGANIZER;CN=Convene:mailto:convene@example.org",
		`ATTENDEE;CN="Lefèvre, Élodie";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;`,
		" RSVP=TRUE:mailto:elodie@example.org",
		"END:VEVENT",
		"END:VCALENDAR",
	}
	if method == "CANCEL" {
		lines[9] = "SEQUENCE:2\r\nSTATUS:CANCELLED"
	}
	return strings.Join(lines, "\r\n") + "\r\n"
}

func TestInvitationFixtureIsFoldedByOctets(t *testing.T) {
	cal := invitation("REQUEST")
	for line := range strings.SplitSeq(strings.TrimSuffix(cal, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	if !strings.Contains(cal, "participatif d'\r\n été") {
		t.Error("the fixture lost its folded line with accents")
	}
}

// part is one MIME part as Go's own mime/multipart reads it, independently of smtptest.
type part struct {
	mediaType string
	params    map[string]string
	header    map[string][]string
	raw       []byte // still transfer-encoded
}

// readParts splits a multipart body whose Content-Type is contentType, failing unless its media
// type is want.
func readParts(t *testing.T, contentType, want string, body io.Reader) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != want || params["boundary"] == "" {
		t.Fatalf("Content-Type %q (%v), want %s with a boundary", contentType, err, want)
	}
	r := multipart.NewReader(body, params["boundary"])
	var parts []part
	for {
		p, err := r.NextRawPart() // NextPart would hide Content-Transfer-Encoding
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatalf("%s: %v", want, err)
		}
		raw, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		pmt, pparams, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("part Content-Type %q: %v", p.Header.Get("Content-Type"), err)
		}
		parts = append(parts, part{mediaType: pmt, params: pparams, header: p.Header, raw: raw})
	}
}

// decoded undoes the part's transfer encoding, which must be one a client can read for text.
func (p part) decoded(t *testing.T) string {
	t.Helper()
	var r io.Reader = bytes.NewReader(p.raw)
	switch cte := strings.ToLower(textprotoGet(p.header, "Content-Transfer-Encoding")); cte {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	default:
		t.Fatalf("%s part: Content-Transfer-Encoding %q, want quoted-printable or base64", p.mediaType, cte)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s part: %v", p.mediaType, err)
	}
	return string(b)
}

func textprotoGet(h map[string][]string, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// checkInvitationOnTheWire parses raw with net/mail and mime/multipart and checks the layout
// RFC 6047 clients recognise: mixed → (alternative → text, [html], calendar), .ics attachment.
func checkInvitationOnTheWire(t *testing.T, raw []byte, cal, method, filename string, withHTML bool) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mixed := readParts(t, msg.Header.Get("Content-Type"), "multipart/mixed", msg.Body)
	if len(mixed) != 2 {
		t.Fatalf("multipart/mixed has %d parts, want the alternative and the attachment", len(mixed))
	}
	alt := readParts(t, textprotoGet(mixed[0].header, "Content-Type"), "multipart/alternative", bytes.NewReader(mixed[0].raw))
	want := []string{"text/plain", "text/html", "text/calendar"}
	if !withHTML {
		want = []string{"text/plain", "text/calendar"}
	}
	if len(alt) != len(want) {
		t.Fatalf("multipart/alternative has %d parts, want %v", len(alt), want)
	}
	for i, p := range alt {
		if p.mediaType != want[i] || !strings.EqualFold(p.params["charset"], "UTF-8") {
			t.Errorf("alternative part %d: Content-Type %q, want %s; charset=UTF-8", i, textprotoGet(p.header, "Content-Type"), want[i])
		}
	}
	calPart := alt[len(alt)-1]
	if calPart.params["method"] != method {
		t.Errorf("calendar part: Content-Type %q, want method=%s", textprotoGet(calPart.header, "Content-Type"), method)
	}
	if got := calPart.decoded(t); got != cal {
		t.Errorf("calendar part decodes to\n%q\nwant\n%q", got, cal)
	}
	att := mixed[1]
	if att.mediaType != "application/ics" || att.params["name"] != filename {
		t.Errorf("attachment Content-Type %q, want application/ics; name=%q", textprotoGet(att.header, "Content-Type"), filename)
	}
	disp, dparams, err := mime.ParseMediaType(textprotoGet(att.header, "Content-Disposition"))
	if err != nil || disp != "attachment" || dparams["filename"] != filename {
		t.Errorf("attachment Content-Disposition %q (%v), want attachment; filename=%q", textprotoGet(att.header, "Content-Disposition"), err, filename)
	}
	if got := att.decoded(t); got != cal {
		t.Errorf("attachment decodes to\n%q\nwant\n%q", got, cal)
	}
}

func TestSMTPInvitationRequest(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	cal := invitation("REQUEST")
	text := "Bonjour Élodie,\n\nVous êtes invitée au conseil de quartier du 15 mars à 18 h.\n"
	html := "<p>Bonjour Élodie,</p><p>Vous êtes invitée au conseil de quartier du 15&nbsp;mars à 18&nbsp;h.</p>"
	sendAll(t, s, convene.OutboxItem{ID: 11, Created: created, Mail: convene.Mail{
		To: "elodie@example.org", ToName: "Élodie Lefèvre", Subject: "Invitation : conseil de quartier",
		Text: text, HTML: html, Calendar: cal, CalendarMethod: "REQUEST",
	}})

	m := srv.WaitFor(t, 1, 5*time.Second)[0]
	if m.Subject != "Invitation : conseil de quartier" || m.Text != text || m.HTML != html {
		t.Errorf("subject %q text %q html %q", m.Subject, m.Text, m.HTML)
	}
	if m.Calendar != cal {
		t.Errorf("calendar =\n%q\nwant\n%q", m.Calendar, cal)
	}
	if m.CalendarMethod != "REQUEST" {
		t.Errorf("CalendarMethod = %q, want REQUEST", m.CalendarMethod)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want invite.ics", len(m.Attachments))
	}
	if a := m.Attachments[0]; a.Filename != "invite.ics" || a.ContentType != "application/ics" || string(a.Data) != cal {
		t.Errorf("attachment %q (%s) = %q", a.Filename, a.ContentType, a.Data)
	}
	checkInvitationOnTheWire(t, m.Raw, cal, "REQUEST", "invite.ics", true)
	// The message headers are those of any other mail.
	if got := m.Header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", got)
	}
}

func TestSMTPInvitationCancel(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	cal := invitation("CANCEL")
	text := "Le conseil de quartier du 15 mars est annulé.\n"
	sendAll(t, s, convene.OutboxItem{ID: 12, Created: created, Mail: convene.Mail{
		To: "elodie@example.org", Subject: "Annulé : conseil de quartier",
		Text: text, Calendar: cal, CalendarMethod: "CANCEL",
	}})

	m := srv.WaitFor(t, 1, 5*time.Second)[0]
	if m.Calendar != cal || m.CalendarMethod != "CANCEL" || m.Text != text || m.HTML != "" {
		t.Errorf("method %q text %q html %q calendar\n%q", m.CalendarMethod, m.Text, m.HTML, m.Calendar)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want cancel.ics", len(m.Attachments))
	}
	if a := m.Attachments[0]; a.Filename != "cancel.ics" || a.ContentType != "application/ics" || string(a.Data) != cal {
		t.Errorf("attachment %q (%s) = %q, want cancel.ics", a.Filename, a.ContentType, a.Data)
	}
	checkInvitationOnTheWire(t, m.Raw, cal, "CANCEL", "cancel.ics", false)
}

func TestSMTPInvitationMethodFromTheCalendar(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	// No CalendarMethod: the calendar's METHOD says it. LF line ends become CRLF, in both copies.
	lf := strings.ReplaceAll(invitation("PUBLISH"), "\r\n", "\n")
	sendAll(t, s, convene.OutboxItem{ID: 13, Created: created, Mail: convene.Mail{
		To: "elodie@example.org", Subject: "Agenda", Text: "t\n", Calendar: lf,
	}})
	m := srv.WaitFor(t, 1, 5*time.Second)[0]
	cal := invitation("PUBLISH")
	if m.CalendarMethod != "PUBLISH" || m.Calendar != cal {
		t.Errorf("method %q calendar\n%q", m.CalendarMethod, m.Calendar)
	}
	checkInvitationOnTheWire(t, m.Raw, cal, "PUBLISH", "invite.ics", false)
}

func TestSMTPWithoutCalendarIsUnchanged(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	sendAll(t, s,
		convene.OutboxItem{ID: 14, Created: created, Mail: convene.Mail{To: "a@example.org", Subject: "texte", Text: "t\n"}},
		convene.OutboxItem{ID: 15, Created: created, Mail: convene.Mail{To: "a@example.org", Subject: "html", Text: "t\n", HTML: "<p>t</p>",
			CalendarMethod: "REQUEST"}}, // a method without a calendar changes nothing
	)
	msgs := srv.WaitFor(t, 2, 5*time.Second)
	for i, m := range msgs {
		if m.Calendar != "" || m.CalendarMethod != "" || len(m.Attachments) != 0 {
			t.Errorf("message %d: calendar %q method %q attachments %d", i, m.Calendar, m.CalendarMethod, len(m.Attachments))
		}
		for _, s := range []string{"multipart/mixed", "text/calendar", "application/ics", "Content-Disposition"} {
			if bytes.Contains(m.Raw, []byte(s)) {
				t.Errorf("message %d holds %s:\n%s", i, s, m.Raw)
			}
		}
	}
	if mt, _, _ := mime.ParseMediaType(msgs[0].Header.Get("Content-Type")); mt != "text/plain" {
		t.Errorf("text mail: Content-Type %q", msgs[0].Header.Get("Content-Type"))
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(msgs[1].Raw))
	if err != nil {
		t.Fatal(err)
	}
	alt := readParts(t, msg.Header.Get("Content-Type"), "multipart/alternative", msg.Body)
	if len(alt) != 2 || alt[0].mediaType != "text/plain" || alt[1].mediaType != "text/html" {
		t.Errorf("HTML mail: %d alternative parts", len(alt))
	}
}

func TestSMTPRefusesAnInconsistentCalendar(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	noMethod := strings.Replace(invitation("REQUEST"), "METHOD:REQUEST\r\n", "", 1)
	tests := []struct {
		name, calendar, method, want string
	}{
		{"methods differ", invitation("CANCEL"), "REQUEST", `calendar method "REQUEST" differs from the calendar's METHOD:CANCEL`},
		{"no METHOD, no method", noMethod, "", "the calendar has no METHOD"},
		{"no METHOD in the calendar", noMethod, "REQUEST", "the calendar has no METHOD"},
		{"header injection", invitation("REQUEST"), "REQUEST\r\nBcc: x@example.org", "not an iTIP method"},
	}
	items := []convene.OutboxItem{{ID: 1, Created: created, Mail: convene.Mail{To: "ok@example.org", Subject: "ok", Text: "t",
		Calendar: invitation("request"), CalendarMethod: "Request"}}} // case does not matter
	for i, tt := range tests {
		items = append(items, convene.OutboxItem{ID: int64(i + 2), Created: created, Mail: convene.Mail{
			To: "elodie@example.org", Subject: tt.name, Text: "t", Calendar: tt.calendar, CalendarMethod: tt.method,
		}})
	}
	errs := s.Send(context.Background(), items)
	if errs[0] != nil {
		t.Errorf("good invitation: %v", errs[0])
	}
	for i, tt := range tests {
		if err := errs[i+1]; err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	msgs := srv.WaitFor(t, 1, 5*time.Second)
	if len(msgs) != 1 || msgs[0].CalendarMethod != "REQUEST" {
		t.Errorf("received %d messages, want only the good one with method=REQUEST", len(msgs))
	}
}

func TestLogWritesTheCalendarMethodButNotTheCalendar(t *testing.T) {
	var buf bytes.Buffer
	l := mail.NewLog(slog.New(slog.NewJSONHandler(&buf, nil)))
	errs := l.Send(context.Background(), []convene.OutboxItem{
		{ID: 5, Mail: convene.Mail{To: "elodie@example.org", Subject: "Invitation", Text: "t",
			Calendar: invitation("REQUEST"), CalendarMethod: "REQUEST"}},
		{ID: 6, Mail: convene.Mail{To: "elodie@example.org", Subject: "Annulation", Text: "t",
			Calendar: invitation("CANCEL"), CalendarMethod: "REQUEST"}},
		{ID: 7, Mail: convene.Mail{To: "elodie@example.org", Subject: "Sans agenda", Text: "t"}},
	})
	if len(errs) != 3 || errs[0] != nil || errs[1] != nil || errs[2] != nil {
		t.Fatalf("errs = %v", errs)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d log lines", len(lines))
	}
	var recs [3]map[string]any
	for i, line := range lines {
		if err := json.Unmarshal([]byte(line), &recs[i]); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
	}
	if recs[0]["calendar_method"] != "REQUEST" {
		t.Errorf("record = %v, want calendar_method REQUEST", recs[0])
	}
	if e, _ := recs[1]["calendar_error"].(string); !strings.Contains(e, "differs") {
		t.Errorf("record = %v, want a calendar_error", recs[1])
	}
	if _, ok := recs[2]["calendar_method"]; ok {
		t.Errorf("record = %v, want no calendar_method without a calendar", recs[2])
	}
	out := strings.ToLower(buf.String())
	for _, s := range []string{"elodie@", "lefèvre", "begin:vcalendar"} {
		if strings.Contains(out, s) {
			t.Errorf("log holds %q: %s", s, buf.String())
		}
	}
}
