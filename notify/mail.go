// Package notify is everything Convene says by mail: the messages themselves (written in each
// recipient's language and time zone), the signed links that stop them, and the background jobs
// that send invitations, updates, cancellations, reminders and announcements. The web server and
// "convene jobs run" both run the same jobs through a Runner.
package notify

import (
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/locale"
)

// Writer writes the mail Convene sends, each in its recipient's language and time zone.
type Writer struct {
	Catalog *locale.Catalog
	BaseURL string // the instance's address, with no slash at the end
}

// LinkTTLMinutes is how long an emailed link works.
const LinkTTLMinutes = 20

// Compose writes a mail from a subject and a body in the catalog, with args for their placeholders.
func (m Writer) Compose(to, name, lang, subjectID string, bodyID string, args ...any) convene.Mail {
	l := m.Catalog.Localizer(lang)
	body := l.T(bodyID, args...)
	greeting := l.T("mail.greeting")
	if name != "" {
		greeting = l.T("mail.greeting_name", "Name", name)
	}
	text := greeting + "\n\n" + body + "\n\n-- \n" + l.T("mail.signature", "URL", m.BaseURL)
	return convene.Mail{
		To:      convene.NormalizeEmail(to),
		ToName:  name,
		Subject: l.T(subjectID, args...),
		Text:    text,
		HTML:    HTMLMail(l.Lang, text),
	}
}

var mailLink = regexp.MustCompile(`https?://[^\s<>"]+`)

// HTMLMail is the HTML part of a mail: the same text, escaped, in paragraphs, with its addresses
// as links, so mail programs that prefer HTML show exactly what the text says.
func HTMLMail(lang, text string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="` + lang + `-CA"><head><meta charset="utf-8"></head><body>`)
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		lines := strings.Split(para, "\n")
		for i, line := range lines {
			esc := html.EscapeString(line)
			lines[i] = mailLink.ReplaceAllStringFunc(esc, func(u string) string { return `<a href="` + u + `">` + u + `</a>` })
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>\n") + "</p>\n")
	}
	b.WriteString("</body></html>")
	return b.String()
}

// SignInLink is the mail with a one-time sign-in link.
func (m Writer) SignInLink(to, name, lang, token string) convene.Mail {
	return m.Compose(to, name, lang, "mail.signin.subject", "mail.signin.body",
		"Link", m.BaseURL+"/auth/"+token, "Minutes", LinkTTLMinutes)
}

// SignUpLink is the mail that confirms a new account.
func (m Writer) SignUpLink(to, name, lang, token string) convene.Mail {
	return m.Compose(to, name, lang, "mail.signup.subject", "mail.signup.body",
		"Link", m.BaseURL+"/auth/"+token, "Minutes", LinkTTLMinutes)
}

// RegistrationLink is the mail that confirms a registration made without an account.
func (m Writer) RegistrationLink(to, name, lang, token string, call *convene.Call, zone string) convene.Mail {
	return m.Compose(to, name, lang, "mail.register.subject", "mail.register.body",
		"Link", m.BaseURL+"/auth/"+token, "Minutes", LinkTTLMinutes, "Call", call.DisplayTitle(), "When", m.When(lang, call, zone))
}

// ClaimInvitation invites a guest an organizer recorded at a community's calls to claim their
// attendance with the link, which works once, for days rather than minutes.
func (m Writer) ClaimInvitation(to, name, lang, token, community string, days int) convene.Mail {
	return m.Compose(to, name, lang, "mail.claim.subject", "mail.claim.body",
		"Link", m.BaseURL+"/claim/"+token, "Community", community, "Days", days)
}

// WaitlistPromoted tells someone on a waitlist that they now have a place.
func (m Writer) WaitlistPromoted(u *convene.User, c *convene.Call) convene.Mail {
	return m.Compose(u.Email, u.Name, u.Language(), "mail.promoted.subject", "mail.promoted.body",
		"Call", c.DisplayTitle(), "When", m.When(u.Language(), c, u.TimeZone), "Link", m.BaseURL+"/calls/"+strconv.FormatInt(c.ID, 10))
}

// When is a call's start in the recipient's zone (or the call's own), with the zone's abbreviation.
func (m Writer) When(lang string, c *convene.Call, zone string) string {
	loc := c.Location()
	if z, err := convene.LoadZone(zone); err == nil && zone != "" {
		loc = z
	}
	return m.Catalog.Localizer(lang).When(c.StartsAt.In(loc))
}

// Language picks the language for mail to someone without an account yet.
func Language(lang string) string {
	if strings.HasPrefix(lang, "fr") {
		return "fr"
	}
	return "en"
}
