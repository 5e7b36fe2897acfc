package smtptest_test

import (
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene/internal/smtptest"
)

// rawMail is written by hand, as a mail client would, so the decoding is checked against known
// encodings rather than against the sender Convene uses.
const rawMail = "From: Convene <convene@example.org>\r\n" +
	"To: Odile <odile@example.org>\r\n" +
	"Subject: =?UTF-8?Q?Votre_lien_de_connexion_=C3=A0_Convene?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=\"b1\"\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Bonjour Odile, voici votre lien : https://convene.example.org/signin?token=3Dab=\r\n" +
	"c123 (valable une journ=C3=A9e)\r\n" +
	"--b1\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"PHA+Qm9uam91ciBPZGlsZSwgdm9pY2kgdm90cmUgbGllbi48L3A+\r\n" +
	"--b1--\r\n"

func TestNetSMTPMessageArrivesDecoded(t *testing.T) {
	srv := smtptest.Start(t)
	auth := smtp.PlainAuth("", "relay-user", "secret", "127.0.0.1")
	if err := smtp.SendMail(srv.Addr(), auth, "convene@example.org", []string{"odile@example.org"}, []byte(rawMail)); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := srv.WaitFor(t, 1, 5*time.Second)
	m := msgs[0]
	if m.Subject != "Votre lien de connexion à Convene" {
		t.Errorf("subject = %q", m.Subject)
	}
	wantText := "Bonjour Odile, voici votre lien : https://convene.example.org/signin?token=abc123 (valable une journée)" // the last CRLF belongs to the boundary
	if m.Text != wantText {
		t.Errorf("text = %q, want %q", m.Text, wantText)
	}
	if m.HTML != "<p>Bonjour Odile, voici votre lien.</p>" {
		t.Errorf("html = %q", m.HTML)
	}
	if m.From != "convene@example.org" || len(m.To) != 1 || m.To[0] != "odile@example.org" {
		t.Errorf("envelope = %q -> %q", m.From, m.To)
	}
	if m.Username != "relay-user" {
		t.Errorf("username = %q, want relay-user", m.Username)
	}
	if got := m.Header.Get("To"); got != "Odile <odile@example.org>" {
		t.Errorf("To header = %q", got)
	}
	if !strings.Contains(string(m.Raw), "token=3Dab=\r\n") {
		t.Errorf("raw message lost its encoding: %q", m.Raw)
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
}

func TestPlainTextWithoutContentType(t *testing.T) {
	srv := smtptest.Start(t)
	body := "From: a@example.org\r\nTo: b@example.org\r\nSubject: plain\r\n\r\nline one\r\nline two\r\n"
	if err := smtp.SendMail(srv.Addr(), nil, "a@example.org", []string{"b@example.org"}, []byte(body)); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, 1, 5*time.Second)[0]
	if m.Subject != "plain" || m.Text != "line one\nline two\n" || m.HTML != "" {
		t.Errorf("got subject %q text %q html %q", m.Subject, m.Text, m.HTML)
	}
	if m.Username != "" {
		t.Errorf("username = %q without AUTH", m.Username)
	}
}

func TestStopRefusesAndRestartListensOnSamePort(t *testing.T) {
	srv := smtptest.Start(t)
	addr := srv.Addr()
	if !strings.HasPrefix(srv.URL(), "smtp://127.0.0.1:") || srv.URL() != "smtp://"+addr {
		t.Fatalf("URL = %q, Addr = %q", srv.URL(), addr)
	}
	srv.Stop()
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatal("dial succeeded on a stopped server")
	}
	srv.Stop() // stopping twice is harmless
	srv.Restart()
	if srv.Addr() != addr {
		t.Fatalf("restarted on %s, want %s", srv.Addr(), addr)
	}
	body := "Subject: back\r\n\r\nhello\r\n"
	if err := smtp.SendMail(addr, nil, "a@example.org", []string{"b@example.org"}, []byte(body)); err != nil {
		t.Fatalf("send after restart: %v", err)
	}
	if m := srv.WaitFor(t, 1, 5*time.Second)[0]; m.Subject != "back" {
		t.Errorf("subject = %q", m.Subject)
	}
}

func TestRejectRcpt(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RejectRcpt("Gone@Example.org")
	err := smtp.SendMail(srv.Addr(), nil, "a@example.org", []string{"gone@example.org"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("err = %v, want a 550", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages kept, want 0", n)
	}
}

func TestUndecodableMessageIsRefused(t *testing.T) {
	srv := smtptest.Start(t)
	body := "Subject: x\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\nx\r\n"
	err := smtp.SendMail(srv.Addr(), nil, "a@example.org", []string{"b@example.org"}, []byte(body))
	if err == nil || !strings.Contains(err.Error(), "554") {
		t.Fatalf("err = %v, want a 554", err)
	}
}

// rawInvitation nests an alternative with a base64 calendar inside a mixed part, as Gmail does,
// and attaches a second calendar and an image whose names use RFC 2231 and RFC 2047.
const rawInvitation = "From: a@example.org\r\n" +
	"To: b@example.org\r\n" +
	"Subject: Invitation\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/alternative; boundary=\"inner\"\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Vous =C3=AAtes invit=C3=A9e.\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/calendar; charset=\"UTF-8\"; method=REQUEST\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVRVUVTVA0KU1VNTUFSWTpSw6l1\r\n" +
	"bmlvbiBk4oCZw6l0w6kNCkVORDpWQ0FMRU5EQVINCg==\r\n" +
	"--inner--\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: text/calendar; charset=UTF-8; method=PUBLISH; name=\"agenda.ics\"\r\n" +
	"Content-Disposition: attachment; filename*=UTF-8''r%C3%A9union.ics\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UFVCTElTSA0KRU5EOlZDQUxFTkRBUg0K\r\n" +
	"--outer\r\n" +
	"Content-Type: image/png; name=\"=?UTF-8?Q?pi=C3=A8ce.png?=\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"iVBORw0KGgoAAQ==\r\n" +
	"--outer--\r\n"

func TestNestedCalendarAndAttachmentsAreDecoded(t *testing.T) {
	srv := smtptest.Start(t)
	if err := smtp.SendMail(srv.Addr(), nil, "a@example.org", []string{"b@example.org"}, []byte(rawInvitation)); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, 1, 5*time.Second)[0]
	if m.Text != "Vous êtes invitée.\n" {
		t.Errorf("text = %q", m.Text)
	}
	wantCal := "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Réunion d’été\r\nEND:VCALENDAR\r\n"
	if m.Calendar != wantCal || m.CalendarMethod != "REQUEST" {
		t.Errorf("calendar %q method %q, want the alternative part, CRLF kept", m.Calendar, m.CalendarMethod)
	}
	want := []smtptest.Attachment{
		{Filename: "réunion.ics", ContentType: "text/calendar", Data: []byte("BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n")},
		{Filename: "pièce.png", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n\x00\x01")},
	}
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	for i, a := range m.Attachments {
		if a.Filename != want[i].Filename || a.ContentType != want[i].ContentType || string(a.Data) != string(want[i].Data) {
			t.Errorf("attachment %d = %q %q %q, want %q %q %q", i, a.Filename, a.ContentType, a.Data,
				want[i].Filename, want[i].ContentType, want[i].Data)
		}
	}
}
