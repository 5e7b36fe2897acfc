package action

import (
	"context"

	"github.com/opengovcall/convene"
)

// MayTranslate reports whether the actor may add versions of a member's text in the community's
// other languages: its author, while a member, and the community's organizers.
func (a Actor) MayTranslate(mt *convene.MemberText) bool {
	if a.User == nil {
		return false
	}
	return a.Rights.Organizer() || (a.Rights.Member() && mt.AuthorID != 0 && mt.AuthorID == a.User.ID)
}

// Translate loads a text a member wrote in community c (kind: comment, topic, update or ask) and
// writes its versions: versions holds, per language, the text of each field ("body", or
// "title" for a topic); an empty text removes that version, and languages not named keep theirs.
// The text's own language cannot take a version, nor can one the community does not use.
func (a *Actions) Translate(ctx context.Context, who Actor, c *convene.Community, kind string, id int64, versions convene.Translations) (*convene.MemberText, error) {
	if _, err := who.signedIn(); err != nil {
		return nil, err
	}
	mt, err := a.store.MemberText(ctx, c.ID, kind, id)
	if err != nil {
		return nil, err
	}
	if !who.MayTranslate(mt) {
		return nil, ErrForbidden
	}
	tx := mt.Item.Localized()
	if tx.Lang == "" { // written before languages were recorded: taken to be in the primary one
		tx.Lang = c.Primary()
	}
	var fields []convene.FieldError
	for lang, texts := range versions {
		canon, err := convene.CanonicalLanguage(lang)
		switch {
		case err != nil:
			fields = append(fields, convene.FieldError{Field: "lang", Key: "language.invalid", Args: map[string]any{"Language": lang}})
			continue
		case canon == tx.Lang:
			fields = append(fields, convene.FieldError{Field: "lang", Key: "translation.same_language", Args: map[string]any{"Language": canon}})
			continue
		}
		for _, f := range mt.Item.TextFields() {
			if text, given := texts[f.Name]; given {
				tx.Translations.Set(canon, f.Name, text)
			}
		}
	}
	if len(fields) > 0 {
		return nil, convene.Invalid("form.invalid", nil, fields...)
	}
	return mt, a.store.SaveMemberTranslations(ctx, c.ID, mt)
}
