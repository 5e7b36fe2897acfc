package mail_test

import (
	"context"
	"fmt"
	"mime"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/mail"
)

const from = "Convene <convene@example.org>"

var created = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// newSMTP returns a sender for srv, failing the test if the URL is refused.
func newSMTP(t *testing.T, url string) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(url, from)
	if err != nil {
		t.Fatalf("NewSMTP(%q): %v", url, err)
	}
	return s
}

// sendAll sends items and fails the test on any error.
func sendAll(t *testing.T, s mail.Sender, items ...convene.OutboxItem) {
	t.Helper()
	errs := s.Send(context.Background(), items)
	if len(errs) != len(items) {
		t.Fatalf("%d errors for %d items", len(errs), len(items))
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
	}
}

func TestSMTPFrenchPlainText(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	text := "Bonjour Élodie,\n\nVoici votre lien de connexion, valable une heure : " +
		"https://convene.example.org/connexion?jeton=k3Jx9-QpZ_ab\n\nÀ bientôt, l'équipe Convene\n"
	sendAll(t, s, convene.OutboxItem{ID: 7, Created: created, Attempts: 1, Mail: convene.Mail{
		To: "elodie@example.org", ToName: "Élodie Lefèvre",
		Subject: "Votre lien de connexion à Convene", Text: text,
	}})

	m := srv.WaitFor(t, 1, 5*time.Second)[0]
	if m.Subject != "Votre lien de connexion à Convene" {
		t.Errorf("subject = %q", m.Subject)
	}
	if m.Text != text {
		t.Errorf("text = %q\nwant %q", m.Text, text)
	}
	if m.HTML != "" {
		t.Errorf("html = %q, want none", m.HTML)
	}
	if mt, _, _ := mime.ParseMediaType(m.Header.Get("Content-Type")); mt != "text/plain" {
		t.Errorf("Content-Type = %q, want text/plain", m.Header.Get("Content-Type"))
	}
	if m.From != "convene@example.org" || strings.Join(m.To, ",") != "elodie@example.org" {
		t.Errorf("envelope %q -> %q", m.From, m.To)
	}
	fromHdr, err := m.Header.AddressList("From")
	if err != nil || len(fromHdr) != 1 || fromHdr[0].Name != "Convene" || fromHdr[0].Address != "convene@example.org" {
		t.Errorf("From = %q (%v)", m.Header.Get("From"), err)
	}
	toHdr, err := m.Header.AddressList("To")
	if err != nil || len(toHdr) != 1 || toHdr[0].Name != "Élodie Lefèvre" || toHdr[0].Address != "elodie@example.org" {
		t.Errorf("To = %q (%v)", m.Header.Get("To"), err)
	}
	if got := m.Header.Get("Message-Id"); got != fmt.Sprintf("<outbox-7.%d@example.org>", created.Unix()) {
		t.Errorf("Message-ID = %q", got)
	}
	if got := m.Header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", got)
	}
	if d, err := m.Header.Date(); err != nil || !d.Equal(created) {
		t.Errorf("Date = %q (%v), want the time the mail was enqueued", m.Header.Get("Date"), err)
	}
	if m.Username != "" {
		t.Errorf("signed in as %q without credentials", m.Username)
	}
}

func TestSMTPHTMLAndTextAreAlternatives(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	text := "Votre appel « Budget participatif » commence à 18 h.\n"
	html := `<p>Votre appel <strong>« Budget participatif »</strong> commence à 18&nbsp;h.</p>`
	sendAll(t, s, convene.OutboxItem{ID: 8, Created: created, Mail: convene.Mail{
		To: "odile@example.org", Subject: "Rappel : appel à 18 h", Text: text, HTML: html,
	}})

	m := srv.WaitFor(t, 1, 5*time.Second)[0]
	if mt, params, _ := mime.ParseMediaType(m.Header.Get("Content-Type")); mt != "multipart/alternative" || params["boundary"] == "" {
		t.Errorf("Content-Type = %q, want multipart/alternative", m.Header.Get("Content-Type"))
	}
	if m.Text != text {
		t.Errorf("text = %q, want %q", m.Text, text)
	}
	if m.HTML != html {
		t.Errorf("html = %q, want %q", m.HTML, html)
	}
	if m.Subject != "Rappel : appel à 18 h" {
		t.Errorf("subject = %q", m.Subject)
	}
}

func TestSMTPMessageIDIsTheSameOnEveryAttempt(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	it := convene.OutboxItem{ID: 42, Created: created, Attempts: 1, Mail: convene.Mail{To: "a@example.org", Subject: "s", Text: "t"}}
	sendAll(t, s, it)
	it.Attempts = 2 // sent again after a crash before it was marked sent
	sendAll(t, s, it)
	other := it
	other.ID = 43
	sendAll(t, s, other)

	msgs := srv.WaitFor(t, 3, 5*time.Second)
	want := fmt.Sprintf("<outbox-42.%d@example.org>", created.Unix())
	if a, b := msgs[0].Header.Get("Message-Id"), msgs[1].Header.Get("Message-Id"); a != want || b != want {
		t.Errorf("Message-IDs %q and %q, want both %q", a, b, want)
	}
	if c := msgs[2].Header.Get("Message-Id"); c == want {
		t.Errorf("another mail has the same Message-ID %q", c)
	}
}

func TestSMTPBatchUsesOneConnection(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	const n = 200
	items := make([]convene.OutboxItem, n)
	for i := range items {
		items[i] = convene.OutboxItem{ID: int64(i + 1), Created: created, Mail: convene.Mail{
			To: fmt.Sprintf("member%d@example.org", i), Subject: fmt.Sprintf("Message n° %d", i), Text: fmt.Sprintf("corps %d\n", i),
		}}
	}
	sendAll(t, s, items...)

	msgs := srv.WaitFor(t, n, 10*time.Second)
	if len(msgs) != n {
		t.Fatalf("%d messages, want %d", len(msgs), n)
	}
	seen := map[string]bool{}
	for i, m := range msgs {
		if m.Subject != fmt.Sprintf("Message n° %d", i) || m.Text != fmt.Sprintf("corps %d\n", i) {
			t.Fatalf("message %d: subject %q text %q", i, m.Subject, m.Text)
		}
		seen[m.Header.Get("Message-Id")] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct Message-IDs, want %d", len(seen), n)
	}
	if c := srv.Connections(); c != 1 {
		t.Errorf("%d connections for one batch, want 1", c)
	}
}

func TestSMTPSignsInWithPlain(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, "smtp://relay%40convene:s3cret@"+srv.Addr())
	sendAll(t, s, convene.OutboxItem{ID: 1, Created: created, Mail: convene.Mail{To: "a@example.org", Subject: "s", Text: "t"}})
	if m := srv.WaitFor(t, 1, 5*time.Second)[0]; m.Username != "relay@convene" {
		t.Errorf("username = %q, want relay@convene", m.Username)
	}
}

func TestSMTPOverIPv6Loopback(t *testing.T) {
	srv := smtptest.StartOn(t, "[::1]:0")
	s := newSMTP(t, srv.URL())
	sendAll(t, s, convene.OutboxItem{ID: 1, Created: created, Mail: convene.Mail{To: "a@example.org", Subject: "v6", Text: "t"}})
	if m := srv.WaitFor(t, 1, 5*time.Second)[0]; m.Subject != "v6" {
		t.Errorf("subject = %q", m.Subject)
	}
}

func TestSMTPRefusedRecipientFailsOnlyItsItem(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RejectRcpt("gone@example.org")
	s := newSMTP(t, srv.URL())
	items := []convene.OutboxItem{
		{ID: 1, Created: created, Mail: convene.Mail{To: "a@example.org", Subject: "one", Text: "t"}},
		{ID: 2, Created: created, Mail: convene.Mail{To: "gone@example.org", Subject: "two", Text: "t"}},
		{ID: 3, Created: created, Mail: convene.Mail{To: "not an address", Subject: "three", Text: "t"}},
		{ID: 4, Created: created, Mail: convene.Mail{To: "c@example.org", Subject: "four", Text: "t"}},
	}
	errs := s.Send(context.Background(), items)
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("good items failed: %v, %v", errs[0], errs[3])
	}
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "550") {
		t.Errorf("refused recipient: err = %v, want the server's 550", errs[1])
	}
	if errs[2] == nil || strings.Contains(errs[2].Error(), "not an address") {
		t.Errorf("invalid recipient: err = %v, want an error that does not repeat the address", errs[2])
	}
	msgs := srv.WaitFor(t, 2, 5*time.Second)
	if len(msgs) != 2 || msgs[0].Subject != "one" || msgs[1].Subject != "four" {
		t.Errorf("received %d messages: %+v", len(msgs), msgs)
	}
}

func TestSMTPServerDownFailsEveryItem(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	srv.Stop()
	items := []convene.OutboxItem{
		{ID: 1, Created: created, Mail: convene.Mail{To: "a@example.org", Subject: "s", Text: "t"}},
		{ID: 2, Created: created, Mail: convene.Mail{To: "b@example.org", Subject: "s", Text: "t"}},
		{ID: 3, Created: created, Mail: convene.Mail{To: "c@example.org", Subject: "s", Text: "t"}},
	}
	errs := s.Send(context.Background(), items)
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "connect to "+srv.Addr()) {
			t.Errorf("item %d: err = %v, want a connection error", i, err)
		}
	}
	if len(srv.Messages()) != 0 {
		t.Error("a message arrived at a stopped server")
	}
}

func TestSMTPStartTLSRequiredUnlessSaidOtherwise(t *testing.T) {
	srv := smtptest.Start(t) // offers no STARTTLS
	s := newSMTP(t, srv.URL()+"?tls=starttls")
	errs := s.Send(context.Background(), []convene.OutboxItem{{ID: 1, Created: created, Mail: convene.Mail{To: "a@example.org", Subject: "s", Text: "t"}}})
	if errs[0] == nil || !strings.Contains(errs[0].Error(), "STARTTLS") {
		t.Errorf("err = %v, want a STARTTLS refusal", errs[0])
	}
	if len(srv.Messages()) != 0 {
		t.Error("a message went out in plain text although STARTTLS was required")
	}
}

func TestNewSMTPRejectsBadSettings(t *testing.T) {
	tests := []struct {
		url, from, want string
	}{
		{"http://mail.example.org", from, `scheme is "http", want smtp or smtps`},
		{"mail.example.org:25", from, "scheme"},
		{"smtp://", from, "no host"},
		{"smtp:///path", from, "no host"},
		{"smtp://:25", from, "no host"},
		{"smtp://mail.example.org:0", from, `port "0" is not a number from 1 to 65535`},
		{"smtp://mail.example.org:70000", from, `port "70000"`},
		{"smtp://user:hunter2@mail.example.org:smtp", from, "cannot read SMTP URL"},
		{"smtp://mail.example.org?tls=yes", from, `tls="yes", want none, starttls or tls`},
		{"smtps://mail.example.org?tls=starttls", from, "smtps:// always uses TLS"},
		{"smtp://mail.example.org?tsl=tls", from, `unknown SMTP URL parameter "tsl"`},
		{"smtp://mail.example.org/inbox", from, "path"},
		{"smtp://user:hunter2@mail.example.org?tls=none", from, "refusing to send the SMTP password"},
		{"smtp://mail.example.org", "convene", `from address "convene" is not valid`},
		{"smtp://mail.example.org", "", "from address"},
		{"smtp://mail.example.org", "Convene <convene@exämple.org>", "must be ASCII"},
	}
	for _, tt := range tests {
		s, err := mail.NewSMTP(tt.url, tt.from)
		if err == nil {
			t.Errorf("NewSMTP(%q, %q) = %v, want an error", tt.url, tt.from, s)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewSMTP(%q, %q): %q, want it to say %q", tt.url, tt.from, err, tt.want)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NewSMTP(%q): error repeats the password: %q", tt.url, err)
		}
	}
}

func TestNewSMTPAcceptsGoodSettings(t *testing.T) {
	for _, url := range []string{
		"smtp://127.0.0.1:1025",
		"smtp://localhost",
		"smtp://[::1]:2525",
		"smtp://mail.example.org",
		"smtp://user:pass@mail.example.org:2587?tls=starttls",
		"smtp://mail.example.org?tls=tls",
		"smtps://user:pass@mail.example.org",
		"smtp://user:pass@127.0.0.1:1025",
		"smtp://mail.example.org/",
	} {
		if _, err := mail.NewSMTP(url, "convene@example.org"); err != nil {
			t.Errorf("NewSMTP(%q): %v", url, err)
		}
	}
}

// TestHangingServerTimesOut: a server that accepts the connection and then says nothing fails the
// batch after the URL's timeout, so the worker can retry later instead of waiting forever.
func TestHangingServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, silent
		}
	}()
	s, err := mail.NewSMTP("smtp://"+ln.Addr().String()+"?timeout=300ms", "Convene <convene@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	errs := s.Send(context.Background(), []convene.OutboxItem{{ID: 1, Mail: convene.Mail{To: "a@example.org", Subject: "s", Text: "t"}}})
	if errs[0] == nil {
		t.Fatal("a silent server accepted the mail")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("gave up after %s, want about the 300ms timeout", d)
	}
	if _, err := mail.NewSMTP("smtp://127.0.0.1:25?timeout=forever", "convene@example.org"); err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("bad timeout accepted: %v", err)
	}
}
