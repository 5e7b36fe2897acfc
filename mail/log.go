package mail

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/opengovcall/convene"
)

// Log "sends" mail by writing it to a logger, so Convene runs without a mail server: the demo's
// sign-in links are in the text it logs. Recipient addresses are masked.
type Log struct {
	logger *slog.Logger
}

// NewLog returns a sender that writes each mail's subject and text to logger at Info level, and
// for an invitation its calendar method (never the calendar, which names the attendees).
func NewLog(logger *slog.Logger) *Log {
	return &Log{logger: logger}
}

// Send logs every item and reports them all delivered.
func (l *Log) Send(ctx context.Context, items []convene.OutboxItem) []error {
	for _, it := range items {
		to := it.Mail.To
		attrs := []slog.Attr{
			slog.Int64("outbox_id", it.ID),
			slog.String("to", MaskAddress(to)),
			slog.String("subject", redact(it.Mail.Subject, to)),
			slog.String("text", redact(it.Mail.Text, to)),
		}
		if it.Mail.Calendar != "" {
			if method, err := calendarMethod(it.Mail); err != nil {
				// The SMTP sender would refuse this mail; say why, here too.
				attrs = append(attrs, slog.String("calendar_error", redact(err.Error(), to)))
			} else {
				attrs = append(attrs, slog.String("calendar_method", method))
			}
		}
		l.logger.LogAttrs(ctx, slog.LevelInfo, "mail", attrs...)
	}
	return make([]error, len(items))
}

// MaskAddress hides an email address for logs, keeping its first character and its domain:
// "odile@example.org" becomes "o•••@example.org".
func MaskAddress(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "•••"
	}
	local, domain := addr[:at], addr[at+1:]
	first, size := utf8.DecodeRuneInString(local)
	if size == 0 || first == '<' || first == '"' {
		return "•••@" + domain
	}
	return string(first) + "•••@" + domain
}

// redact replaces every spelling of addr in s, whatever its case, with its masked form.
func redact(s, addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" || !strings.Contains(addr, "@") {
		return s
	}
	re, err := regexp.Compile("(?i)" + regexp.QuoteMeta(addr))
	if err != nil {
		return s
	}
	return re.ReplaceAllLiteralString(s, MaskAddress(addr))
}

var _ Sender = (*Log)(nil)
