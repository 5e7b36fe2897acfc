package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/opengovcall/convene"
)

// SMTP sends mail through an SMTP relay, one connection per batch. It is safe for concurrent use.
type SMTP struct {
	cfg    smtpConfig
	from   *mail.Address
	domain string // of the from address, for Message-IDs
	client *gomail.Client
}

// NewSMTP checks rawURL, smtp://[user:pass@]host[:port][?tls=none|starttls|tls] or
// smtps://[user:pass@]host[:port], and the From address, such as "Convene <convene@example.org>".
// Without tls, smtp:// needs STARTTLS on port 587, except on localhost, 127.0.0.1 and ::1, where
// it sends plain text; smtps:// uses TLS on port 465. Credentials sign in with PLAIN.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	cfg, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, err
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: from address %q is not valid: %w", from, err)
	}
	domain := addr.Address[strings.LastIndexByte(addr.Address, '@')+1:]
	for _, r := range domain {
		if r > '~' {
			return nil, fmt.Errorf("mail: from address domain %q must be ASCII; write it in its xn-- form", domain)
		}
	}
	s := &SMTP{cfg: cfg, from: addr, domain: domain}
	opts := []gomail.Option{
		gomail.WithPort(cfg.port),
		gomail.WithDialContextFunc(s.dial),
		// go-mail otherwise sends a NOOP before every message of a batch; a dead connection
		// shows just as well at MAIL FROM.
		gomail.WithoutNoop(),
		gomail.WithTimeout(cfg.timeout),
	}
	switch cfg.security {
	case securityNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case securityStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case securityTLS:
		opts = append(opts, gomail.WithSSL()) // s.dial does the handshake; this skips STARTTLS
	}
	if cfg.auth {
		// PLAIN, not PLAIN-NOENC: go-mail itself refuses to send the password in plain text
		// anywhere but localhost.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(cfg.username), gomail.WithPassword(cfg.password))
	}
	if s.client, err = gomail.NewClient(cfg.host, opts...); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return s, nil
}

// Send delivers items over one connection, so a batch costs one handshake. If the connection
// cannot be made, every item gets that error.
func (s *SMTP) Send(ctx context.Context, items []convene.OutboxItem) []error {
	return s.SendEach(ctx, items, nil)
}

// SendEach sends a batch over one connection like Send, and tells done about each mail as soon as
// the server has answered for it, so the caller can record it before the next one goes: a crash
// then leaves at most one mail whose fate is unknown.
func (s *SMTP) SendEach(ctx context.Context, items []convene.OutboxItem, done func(i int, err error)) []error {
	if done == nil {
		done = func(int, error) {}
	}
	errs := make([]error, len(items))
	msgs := make([]*gomail.Msg, len(items))
	pending := 0
	for i, it := range items {
		if msgs[i], errs[i] = s.compose(it); errs[i] == nil {
			pending++
		}
	}
	if pending == 0 {
		for i := range errs {
			done(i, errs[i])
		}
		return errs
	}
	// The *WithSMTPClient calls keep the connection out of the shared gomail.Client, so
	// concurrent batches each use their own.
	conn, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		err = fmt.Errorf("mail: connect to %s: %w", s.serverAddr(), err)
		for i := range errs {
			if msgs[i] != nil {
				errs[i] = err
			}
			done(i, errs[i])
		}
		return errs
	}
	// Every mail is accepted or refused by now, so a failed QUIT changes nothing.
	defer func() { _ = s.client.CloseWithSMTPClient(conn) }()
	for i, m := range msgs {
		switch {
		case m == nil:
		case ctx.Err() != nil:
			errs[i] = ctx.Err()
		default:
			if err := s.client.SendWithSMTPClient(conn, m); err != nil {
				errs[i] = fmt.Errorf("mail: %s: %w", s.serverAddr(), err)
			}
		}
		done(i, errs[i])
	}
	return errs
}

// dial connects to the server, with TLS from the start for smtps. go-mail's own dialer writes
// the address as host:port, which breaks on IPv6 literals such as ::1.
func (s *SMTP) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	d := &net.Dialer{}
	if s.cfg.security == securityTLS {
		td := &tls.Dialer{NetDialer: d, Config: &tls.Config{ServerName: s.cfg.host, MinVersion: tls.VersionTLS12}}
		return td.DialContext(ctx, network, s.serverAddr())
	}
	return d.DialContext(ctx, network, s.serverAddr())
}

// serverAddr is the relay's host:port, for dialing and for errors; it never holds credentials.
func (s *SMTP) serverAddr() string {
	return net.JoinHostPort(s.cfg.host, strconv.Itoa(s.cfg.port))
}

var _ Sender = (*SMTP)(nil)
