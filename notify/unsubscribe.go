package notify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// What an unsubscribe link stops. Each link is signed for one person and one of these, so it
// can do nothing else, and works without signing in (RFC 8058 one-click, or a button).
const (
	StopReminders = "reminders" // reminders before every call
	StopSeries    = "series"    // a series subscription: its invitations, updates and announcements
	StopCall      = "call"      // a place at one call, and the mail about it
)

// Target is what one unsubscribe link is for.
type Target struct {
	UserID int64
	Kind   string
	ID     int64 // the series or call; 0 for reminders
}

// Token signs a target with the instance's link key: the target in the clear, then 16 bytes of
// its HMAC-SHA256.
func (n *Runner) Token(t Target) string {
	payload := fmt.Sprintf("%d.%s.%d", t.UserID, t.Kind, t.ID)
	return payload + "." + n.linkMAC(payload)
}

func (n *Runner) linkMAC(payload string) string {
	m := hmac.New(sha256.New, n.LinkKey)
	m.Write([]byte("unsubscribe\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// ReadToken checks a link's signature and reads its target.
func (n *Runner) ReadToken(raw string) (Target, error) {
	var t Target
	i := strings.LastIndexByte(raw, '.')
	if i < 0 || !hmac.Equal([]byte(raw[i+1:]), []byte(n.linkMAC(raw[:i]))) {
		return t, convene.NotFound("unsubscribe.invalid")
	}
	var kind string
	if _, err := fmt.Sscanf(strings.ReplaceAll(raw[:i], ".", " "), "%d %s %d", &t.UserID, &kind, &t.ID); err != nil {
		return t, convene.NotFound("unsubscribe.invalid")
	}
	t.Kind = kind
	return t, nil
}

// UnsubscribeURL is the absolute address of a target's link.
func (n *Runner) UnsubscribeURL(t Target) string {
	return n.Mails.BaseURL + "/unsubscribe/" + n.Token(t)
}

// withUnsubscribe makes a mail unsubscribable: the List-Unsubscribe headers (the mail sender adds
// List-Unsubscribe-Post for one click) and a visible line saying what the link stops.
func (n *Runner) withUnsubscribe(m convene.Mail, lang string, t Target, what string) convene.Mail {
	l := n.Mails.Catalog.Localizer(lang)
	link := n.UnsubscribeURL(t)
	m.Unsubscribe = link
	m.Text += "\n" + l.T("mail.unsubscribe_line", "What", what, "Link", link)
	m.HTML = HTMLMail(l.Lang, m.Text)
	return m
}

// withCallUnsubscribe makes mail about a call unsubscribable. For a person subscribed to the
// call's series the link ends the subscription; for anyone else it gives up their place at the call.
func (n *Runner) withCallUnsubscribe(m convene.Mail, cm *callMailContext, u *convene.User) convene.Mail {
	l := n.Mails.Catalog.Localizer(u.Language())
	if cm.subscribers[u.ID] {
		return n.withUnsubscribe(m, u.Language(), Target{UserID: u.ID, Kind: StopSeries, ID: cm.call.SeriesID},
			l.T("unsubscribe.what.series", "Series", cm.call.Series.Title))
	}
	return n.withUnsubscribe(m, u.Language(), Target{UserID: u.ID, Kind: StopCall, ID: cm.call.ID},
		l.T("unsubscribe.what.call", "Call", cm.call.DisplayTitle()))
}

// LoadInstance reads (or, on the first start, records) the instance's permanent id and the key
// that signs its mailed links. The id is the host of the first address the instance served
// from, kept in the database, so moving to a new address keeps every calendar UID.
func LoadInstance(ctx context.Context, st *store.Store, host string) (id string, key []byte, err error) {
	id, err = st.InitSetting(ctx, "instance_id", host)
	if err != nil {
		return "", nil, fmt.Errorf("reading the instance id: %w", err)
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	stored, err := st.InitSetting(ctx, "link_key", base64.RawURLEncoding.EncodeToString(fresh))
	if err != nil {
		return "", nil, fmt.Errorf("reading the link key: %w", err)
	}
	if key, err = base64.RawURLEncoding.DecodeString(stored); err != nil || len(key) < 32 {
		return "", nil, errors.New("the stored link key is damaged: delete the link_key setting to make a new one")
	}
	return id, key, nil
}
