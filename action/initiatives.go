package action

import (
	"context"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
)

// PostUpdate reports back on an initiative: its leads and the community's organizers only.
func (a *Actions) PostUpdate(ctx context.Context, who Actor, in *convene.Initiative, up *convene.InitiativeUpdate) error {
	u, err := managing(who, in)
	if err != nil {
		return err
	}
	up.InitiativeID, up.AuthorID, up.Lang = in.ID, u.ID, who.writtenIn(up.Lang)
	return a.store.AddUpdate(ctx, up)
}

// PostAsk asks the community for help with an initiative: its leads and organizers only.
func (a *Actions) PostAsk(ctx context.Context, who Actor, in *convene.Initiative, ask *convene.Ask) error {
	u, err := managing(who, in)
	if err != nil {
		return err
	}
	ask.InitiativeID, ask.AuthorID, ask.Lang = in.ID, u.ID, who.writtenIn(ask.Lang)
	return a.store.AddAsk(ctx, ask)
}

// OfferHelp stores a member's offer on an ask of an initiative of community c, and the mail that
// tells the asker, in the asker's language. lang is the language the message is written in ("" for
// the actor's).
func (a *Actions) OfferHelp(ctx context.Context, who Actor, c *convene.Community, in *convene.Initiative, ask *convene.Ask, message, lang string) (*convene.Offer, error) {
	u, err := who.member("ask.offer.members_only")
	if err != nil {
		return nil, err
	}
	o := &convene.Offer{AskID: ask.ID, UserID: u.ID, Message: message, Lang: who.writtenIn(lang)}
	link := a.mails.BaseURL + "/c/" + c.Slug + "/initiatives/" + strconv.FormatInt(in.ID, 10)
	err = a.store.OfferHelp(ctx, o, func(asker *convene.User, ask *convene.Ask) convene.Mail {
		convene.Localize(in, asker.Language(), c.Primary()) // the initiative's name in the asker's language
		return a.mails.Compose(asker.Email, asker.Name, asker.Language(), "mail.offer.subject", "mail.offer.body",
			"Initiative", in.Name, "Helper", u.Name, "Message", strings.TrimSpace(message), "Ask", ask.Body, "Link", link)
	})
	if err != nil {
		return nil, err
	}
	a.wakeMail()
	return o, nil
}

// managing returns the actor's account if they manage the initiative.
func managing(who Actor, in *convene.Initiative) (*convene.User, error) {
	u, err := who.signedIn()
	if err != nil {
		return nil, err
	}
	if !who.Rights.Manages(in) {
		return nil, ErrForbidden
	}
	return u, nil
}
