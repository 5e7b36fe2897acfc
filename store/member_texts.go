package store

import (
	"context"

	"github.com/opengovcall/convene"
)

// memberTextTables are where each kind of member text lives.
var memberTextTables = map[string]string{
	convene.MemberComment: "comments",
	convene.MemberTopic:   "topics",
	convene.MemberUpdate:  "initiative_updates",
	convene.MemberAsk:     "initiative_asks",
}

// MemberText loads a text a member wrote in a community, by its kind and id, with its versions.
// Hidden comments, and updates and asks of deleted initiatives, are not found.
func (s *Store) MemberText(ctx context.Context, communityID int64, kind string, id int64) (*convene.MemberText, error) {
	mt := &convene.MemberText{Kind: kind, ID: id}
	notThere := convene.NotFound("text.not_found")
	switch kind {
	case convene.MemberComment:
		c, err := scanComment(s.read().row(ctx, `SELECT `+commentColumns+` FROM comments c LEFT JOIN users u ON u.id = c.author_id
			WHERE c.id = ? AND c.community_id = ? AND NOT c.hidden`, id, communityID))
		if err != nil {
			return nil, notFound(err, "text.not_found")
		}
		mt.AuthorID, mt.Item, mt.On = c.AuthorID, c, c.Target
	case convene.MemberTopic:
		t, err := s.TopicByID(ctx, id, 0)
		if err != nil || t.CommunityID != communityID {
			return nil, notThere
		}
		mt.AuthorID, mt.Item, mt.SeriesID = t.ProposerID, t, t.SeriesID
	case convene.MemberUpdate:
		ups, err := s.updates(ctx, `up.id = ?`, id, 1)
		if err != nil {
			return nil, err
		}
		if len(ups) == 0 {
			return nil, notThere
		}
		mt.AuthorID, mt.Item, mt.On = ups[0].AuthorID, ups[0], convene.CommentTarget{Kind: convene.CommentOnInitiative, ID: ups[0].InitiativeID}
	case convene.MemberAsk:
		a, err := s.AskByID(ctx, id)
		if err != nil {
			return nil, notThere
		}
		mt.AuthorID, mt.Item, mt.On = a.AuthorID, a, convene.CommentTarget{Kind: convene.CommentOnInitiative, ID: a.InitiativeID}
	default:
		return nil, notThere
	}
	if mt.On.Kind == convene.CommentOnInitiative {
		var in int64
		err := s.read().row(ctx, `SELECT id FROM initiatives WHERE id = ? AND community_id = ? AND deleted_at IS NULL`, mt.On.ID, communityID).Scan(&in)
		if err != nil {
			return nil, notFound(err, "text.not_found")
		}
	}
	return mt, nil
}

// SaveMemberTranslations writes the versions of a member's text, checked against the languages
// of its community: each one the community uses, not the text's own, within the field's limit.
func (s *Store) SaveMemberTranslations(ctx context.Context, communityID int64, mt *convene.MemberText) error {
	table, ok := memberTextTables[mt.Kind]
	if !ok {
		return convene.NotFound("text.not_found")
	}
	return s.inTx(ctx, func(tx conn) error {
		langs, err := communityLanguages(ctx, tx, communityID)
		if err != nil {
			return err
		}
		convene.Unlocalize(mt.Item)
		convene.NormalizeTexts(mt.Item)
		if err := convene.ValidateTexts(mt.Item, langs); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE `+table+` SET translations = ? WHERE id = ?`, textsJSON(mt.Item), mt.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return convene.NotFound("text.not_found")
		}
		return nil
	})
}
