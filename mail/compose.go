package mail

import (
	"errors"
	"fmt"
	"net/mail"

	gomail "github.com/wneessen/go-mail"

	"github.com/opengovcall/convene"
)

// compose turns an outbox mail into a message: text alone, or text and HTML as
// multipart/alternative, with a Message-ID that is the same on every attempt.
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
	m.SetBodyString(gomail.TypeTextPlain, it.Mail.Text)
	if it.Mail.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, it.Mail.HTML)
	}
	return m, nil
}

// messageID names an outbox mail the same way on every attempt, without angle brackets, so a
// server that already took it can drop the copy sent again after a crash between sending and
// marking it sent.
func messageID(it convene.OutboxItem, domain string) string {
	return fmt.Sprintf("outbox-%d.%d@%s", it.ID, it.Created.Unix(), domain)
}
