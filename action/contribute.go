package action

import (
	"context"

	"github.com/opengovcall/convene"
)

// Comment posts the actor's comment on something of community c named by on ("call:12"), written
// in lang ("" for the actor's language): members only, checked before anything of the input is
// looked at, so a refusal says nothing of it.
func (a *Actions) Comment(ctx context.Context, who Actor, c *convene.Community, on, body, lang string) (*convene.Comment, error) {
	u, err := who.member("comment.members_only")
	if err != nil {
		return nil, err
	}
	t, err := convene.ParseCommentTarget(on)
	if err != nil {
		return nil, err
	}
	cm := &convene.Comment{CommunityID: c.ID, Target: t, AuthorID: u.ID, Body: body, Texts: convene.Texts{Lang: who.writtenIn(lang)}}
	if err := a.store.AddComment(ctx, cm); err != nil {
		return nil, err
	}
	cm.AuthorName = u.Name
	return cm, nil
}

// ProposeTopic puts the actor's proposal in a series' queue: members only.
func (a *Actions) ProposeTopic(ctx context.Context, who Actor, t *convene.Topic) error {
	u, err := who.member("topic.members_only")
	if err != nil {
		return err
	}
	t.ProposerID, t.Lang = u.ID, who.writtenIn(t.Lang)
	if err := a.store.ProposeTopic(ctx, t); err != nil {
		return err
	}
	t.ProposerName = u.Name
	return nil
}
