package mail

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/opengovcall/convene"
)

// compose turns an outbox mail into a message: text alone, or text and HTML as
// multipart/alternative, with a Message-ID that is the same on every attempt. A mail with a
// calendar is an iTIP invitation (RFC 6047) laid out as Outlook, Gmail and Apple Mail expect:
//
//	multipart/mixed
//	├─ multipart/alternative
//	│  ├─ text/plain; charset=UTF-8
//	│  ├─ text/html; charset=UTF-8                      (when there is HTML)
//	│  └─ text/calendar; method=REQUEST; charset=UTF-8  (quoted-printable)
//	└─ application/ics; name="invite.ics"               (attachment, base64; cancel.ics for CANCEL)
func (s *SMTP) compose(it convene.OutboxItem) (*gomail.Msg, error) {
	to, err := mail.ParseAddress(it.Mail.To)
	if err != nil {
		// The address itself stays out of the error: errors end up in logs.
		return nil, errors.New("mail: the recipient address is not valid")
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(s.from)
	m.ToMailAddress(&mail.Address{Name: it.Mail.ToName, Address: to.Address})
	m.Subject(it.Mail.Subject)
	m.SetMessageIDWithValue(messageID(it, s.domain))
	if it.Created.IsZero() {
		m.SetDate()
	} else {
		m.SetDateWithValue(it.Created)
	}
	// RFC 3834: tells vacation responders and mailing lists not to answer.
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	if it.Mail.Unsubscribe != "" {
		// RFC 8058: mail programs show an unsubscribe button that POSTs
		// "List-Unsubscribe=One-Click" to the address, which needs no sign-in.
		m.SetGenHeader("List-Unsubscribe", "<"+it.Mail.Unsubscribe+">")
		m.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	m.SetBodyString(gomail.TypeTextPlain, it.Mail.Text)
	if it.Mail.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, it.Mail.HTML)
	}
	if it.Mail.Calendar != "" {
		method, err := calendarMethod(it.Mail)
		if err != nil {
			return nil, err
		}
		cal := crlf(it.Mail.Calendar)
		// go-mail writes a part's type verbatim and then appends "; charset=UTF-8" itself, so
		// the method parameter goes in the type: "text/calendar; method=REQUEST; charset=UTF-8".
		m.AddAlternativeString(gomail.ContentType("text/calendar; method="+method), cal)
		m.AttachReadSeeker(calendarFileName(method), strings.NewReader(cal),
			gomail.WithFileContentType("application/ics"))
	}
	return m, nil
}

// messageID names an outbox mail the same way on every attempt, without angle brackets, so a
// server that already took it can drop the copy sent again after a crash between sending and
// marking it sent.
func messageID(it convene.OutboxItem, domain string) string {
	return fmt.Sprintf("outbox-%d.%d@%s", it.ID, it.Created.Unix(), domain)
}
