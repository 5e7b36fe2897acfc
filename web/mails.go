package web

import (
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
)

// mails writes the mail Convene sends, each in its recipient's language and time zone.
type mails struct {
	catalog *Catalog
	baseURL string
}

// linkTTLMinutes is how long an emailed link works.
const linkTTLMinutes = 20

func (m mails) compose(to, name, lang, subjectID string, bodyID string, args ...any) convene.Mail {
	l := m.catalog.Localizer(lang)
	body := l.T(bodyID, args...)
	greeting := l.T("mail.greeting")
	if name != "" {
		greeting = l.T("mail.greeting_name", "Name", name)
	}
	text := greeting + "\n\n" + body + "\n\n-- \n" + l.T("mail.signature", "URL", m.baseURL)
	return convene.Mail{
		To:      convene.NormalizeEmail(to),
		ToName:  name,
		Subject: l.T(subjectID, args...),
		Text:    text,
		HTML:    htmlMail(l.Lang, text),
	}
}

var mailLink = regexp.MustCompile(`https?://[^\s<>"]+`)

// htmlMail is the HTML part of a mail: the same text, escaped, in paragraphs, with its addresses
// as links, so mail programs that prefer HTML show exactly what the text says.
func htmlMail(lang, text string) string {
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

// signInLink is the mail with a one-time sign-in link.
func (m mails) signInLink(to, name, lang, token string) convene.Mail {
	return m.compose(to, name, lang, "mail.signin.subject", "mail.signin.body",
		"Link", m.baseURL+"/auth/"+token, "Minutes", linkTTLMinutes)
}

// signUpLink is the mail that confirms a new account.
func (m mails) signUpLink(to, name, lang, token string) convene.Mail {
	return m.compose(to, name, lang, "mail.signup.subject", "mail.signup.body",
		"Link", m.baseURL+"/auth/"+token, "Minutes", linkTTLMinutes)
}

// registrationLink is the mail that confirms a registration made without an account.
func (m mails) registrationLink(to, name, lang, token string, call *convene.Call, zone string) convene.Mail {
	return m.compose(to, name, lang, "mail.register.subject", "mail.register.body",
		"Link", m.baseURL+"/auth/"+token, "Minutes", linkTTLMinutes, "Call", call.DisplayTitle(), "When", m.when(lang, call, zone))
}

// WaitlistPromoted tells someone on a waitlist that they now have a place.
func (m mails) WaitlistPromoted(u *convene.User, c *convene.Call) convene.Mail {
	return m.compose(u.Email, u.Name, u.Language(), "mail.promoted.subject", "mail.promoted.body",
		"Call", c.DisplayTitle(), "When", m.when(u.Language(), c, u.TimeZone), "Link", m.baseURL+"/calls/"+strconv.FormatInt(c.ID, 10))
}

// when is a call's start in the recipient's zone (or the call's own), with the zone's abbreviation.
func (m mails) when(lang string, c *convene.Call, zone string) string {
	loc := c.Location()
	if z, err := convene.LoadZone(zone); err == nil && zone != "" {
		loc = z
	}
	return m.catalog.Localizer(lang).When(c.StartsAt.In(loc))
}

// mailLanguage picks the language for mail to someone without an account yet.
func mailLanguage(lang string) string {
	if strings.HasPrefix(lang, "fr") {
		return "fr"
	}
	return "en"
}
