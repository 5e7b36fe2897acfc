package mail

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// security is how a connection to the SMTP server is protected.
type security string

const (
	securityNone     security = "none"     // plain text, for a relay on the same machine
	securityStartTLS security = "starttls" // upgrade with STARTTLS, which the server must offer
	securityTLS      security = "tls"      // TLS from the first byte (SMTPS)
)

// smtpConfig is what an SMTP URL says: where the relay is, how to protect the connection, and
// which credentials to sign in with.
type smtpConfig struct {
	host     string
	port     int
	security security
	username string
	password string
	auth     bool // credentials were given, so sign in with PLAIN
	timeout  time.Duration
}

// parseSMTPURL reads smtp://[user:pass@]host[:port][?tls=none|starttls|tls] or smtps://…; its
// errors never repeat the password.
func parseSMTPURL(raw string) (smtpConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL, password included
		}
		return smtpConfig{}, fmt.Errorf("mail: cannot read SMTP URL: %w", err)
	}
	var c smtpConfig
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.security = securityTLS
	default:
		return c, fmt.Errorf("mail: SMTP URL scheme is %q, want smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return c, errors.New("mail: SMTP URL has no host, want smtp://host[:port]")
	}
	if c.host = strings.ToLower(u.Hostname()); c.host == "" {
		return c, errors.New("mail: SMTP URL has no host, want smtp://host[:port]")
	}
	if u.Path != "" && u.Path != "/" {
		return c, fmt.Errorf("mail: SMTP URL has a path %q; it takes none", u.Path)
	}
	q := u.Query()
	for name := range q {
		if name != "tls" && name != "timeout" {
			return c, fmt.Errorf("mail: unknown SMTP URL parameter %q; the parameters are tls and timeout", name)
		}
	}
	// A server that stops answering fails the batch after this long; its mail is retried later.
	c.timeout = 30 * time.Second
	if q.Has("timeout") {
		d, err := time.ParseDuration(q.Get("timeout"))
		if err != nil || d < 100*time.Millisecond || d > 10*time.Minute {
			return c, fmt.Errorf("mail: SMTP URL has timeout=%q, want a duration from 100ms to 10m such as 30s", q.Get("timeout"))
		}
		c.timeout = d
	}
	if q.Has("tls") {
		want := security(q.Get("tls"))
		switch want {
		case securityNone, securityStartTLS, securityTLS:
		default:
			return c, fmt.Errorf("mail: SMTP URL has tls=%q, want none, starttls or tls", q.Get("tls"))
		}
		if c.security == securityTLS && want != securityTLS {
			return c, fmt.Errorf("mail: smtps:// always uses TLS, but the URL says tls=%s", want)
		}
		c.security = want
	}
	if c.security == "" {
		c.security = securityStartTLS
		if isLoopback(c.host) {
			c.security = securityNone // a local relay or test server rarely has a certificate
		}
	}
	c.port = 587
	if c.security == securityTLS {
		c.port = 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("mail: SMTP URL port %q is not a number from 1 to 65535", p)
		}
		c.port = n
	}
	if u.User != nil {
		c.auth = true
		c.username = u.User.Username()
		c.password, _ = u.User.Password()
		if c.username == "" {
			return c, errors.New("mail: SMTP URL has credentials without a user name")
		}
		if c.security == securityNone && !isLoopback(c.host) {
			return c, fmt.Errorf("mail: refusing to send the SMTP password to %s in plain text; use tls=starttls or tls=tls", c.host)
		}
	}
	return c, nil
}

// isLoopback tells whether host (lower case) names this machine, where plain text never crosses a network.
func isLoopback(host string) bool {
	switch host {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}
