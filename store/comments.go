package store

import (
	"context"
	"time"

	"github.com/opengovcall/convene"
)

// commentTargetInCommunity checks that what a comment is about exists in the community.
func commentTargetInCommunity(ctx context.Context, tx conn, communityID int64, t convene.CommentTarget) error {
	var q string
	switch t.Kind {
	case convene.CommentOnCall:
		q = `SELECT COUNT(*) FROM calls WHERE id = ? AND community_id = ?`
	case convene.CommentOnInitiative:
		q = `SELECT COUNT(*) FROM initiatives WHERE id = ? AND community_id = ?`
	case convene.CommentOnAsk:
		q = `SELECT COUNT(*) FROM initiative_asks a JOIN initiatives i ON i.id = a.initiative_id WHERE a.id = ? AND i.community_id = ?`
	case convene.CommentOnIdea:
		q = `SELECT COUNT(*) FROM ideas WHERE id = ? AND community_id = ?`
	default:
		return convene.Invalid("comment.target.invalid", nil)
	}
	var n int
	if err := tx.row(ctx, q, t.ID, communityID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return convene.NotFound("comment.target.not_found")
	}
	return nil
}

// commentWait is how long a member must wait before commenting again, or zero when they may.
func commentWait(ctx context.Context, tx conn, authorID int64, now time.Time) (time.Duration, error) {
	for _, w := range []struct {
		window time.Duration
		max    int
	}{{time.Minute, convene.CommentsPerMinute}, {24 * time.Hour, convene.CommentsPerDay}} {
		var n int
		var oldest time.Time
		since := now.Add(-w.window)
		if err := tx.row(ctx, `SELECT COUNT(*) FROM comments WHERE author_id = ? AND created_at > ?`, authorID, since).Scan(&n); err != nil {
			return 0, err
		}
		if n < w.max {
			continue
		}
		// The window frees up when the oldest comment counted in it leaves it.
		if err := tx.row(ctx, `SELECT created_at FROM comments WHERE author_id = ? AND created_at > ? ORDER BY created_at, id LIMIT 1 OFFSET ?`,
			authorID, since, n-w.max).Scan(&oldest); err != nil {
			return 0, err
		}
		if wait := oldest.Add(w.window).Sub(now); wait > 0 {
			return wait, nil
		}
		return time.Second, nil
	}
	return 0, nil
}

// AddComment stores a member's comment on a call, an initiative, an ask or an idea of the
// community, unless the member has commented too often lately: then it is refused with
// ETOOMANY and the minutes to wait, and nothing is written.
func (s *Store) AddComment(ctx context.Context, c *convene.Comment) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if err := commentTargetInCommunity(ctx, tx, c.CommunityID, c.Target); err != nil {
			return err
		}
		// One author's comments are counted and written one at a time: on PostgreSQL the author's
		// row is locked until commit, so parallel requests cannot all count the same recent few.
		var one int
		if err := tx.row(ctx, `SELECT 1 FROM users WHERE id = ?`+tx.d.forUpdateOf("users"), c.AuthorID).Scan(&one); err != nil {
			return notFound(err, "user.not_found")
		}
		wait, err := commentWait(ctx, tx, c.AuthorID, now)
		if err != nil {
			return err
		}
		if wait > 0 {
			minutes := int((wait + time.Minute - 1) / time.Minute)
			return convene.Errorf(convene.ETOOMANY, "comment.too_many", map[string]any{"Minutes": minutes})
		}
		id, err := tx.insert(ctx, `INSERT INTO comments (community_id, target_kind, target_id, author_id, body, hidden, created_at, lang)
			VALUES (?, ?, ?, ?, ?, FALSE, ?, ?)`, c.CommunityID, c.Target.Kind, c.Target.ID, c.AuthorID, c.Body, now, c.Lang)
		if err != nil {
			return err
		}
		c.ID, c.CreatedAt, c.Hidden = id, now, false
		return nil
	})
}

const commentColumns = `c.id, c.community_id, c.target_kind, c.target_id, c.author_id, COALESCE(u.name, ''), c.body, c.hidden, c.created_at,
	(SELECT COUNT(*) FROM comment_reports r WHERE r.comment_id = c.id), c.lang, c.translations`

func scanComment(row interface{ Scan(...any) error }) (*convene.Comment, error) {
	var c convene.Comment
	if err := row.Scan(&c.ID, &c.CommunityID, &c.Target.Kind, &c.Target.ID, &c.AuthorID, &c.AuthorName, &c.Body, &c.Hidden, &c.CreatedAt, &c.Reports, &c.Lang, texts(&c.Texts)); err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, nil
}

// Comments lists the visible comments on one thing of a community, oldest first. Hidden
// comments are never listed.
func (s *Store) Comments(ctx context.Context, communityID int64, t convene.CommentTarget) ([]*convene.Comment, error) {
	rows, err := s.read().query(ctx, `SELECT `+commentColumns+` FROM comments c LEFT JOIN users u ON u.id = c.author_id
		WHERE c.community_id = ? AND c.target_kind = ? AND c.target_id = ? AND NOT c.hidden ORDER BY c.created_at, c.id`,
		communityID, t.Kind, t.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*convene.Comment{}
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountComments counts the visible comments on one thing of a community.
func (s *Store) CountComments(ctx context.Context, communityID int64, t convene.CommentTarget) (int, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM comments WHERE community_id = ? AND target_kind = ? AND target_id = ? AND NOT hidden`,
		communityID, t.Kind, t.ID).Scan(&n)
	return n, err
}

// HideComment hides a comment of the community for good.
func (s *Store) HideComment(ctx context.Context, communityID, id int64) error {
	res, err := s.read().exec(ctx, `UPDATE comments SET hidden = TRUE WHERE id = ? AND community_id = ?`, id, communityID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("comment.not_found")
	}
	return nil
}

// ReportComment records that a user reported a visible comment of the community; reporting it
// again changes nothing.
func (s *Store) ReportComment(ctx context.Context, communityID, id, userID int64, reason string) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM comments WHERE id = ? AND community_id = ? AND NOT hidden`, id, communityID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return convene.NotFound("comment.not_found")
		}
		_, err := tx.exec(ctx, `INSERT INTO comment_reports (comment_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (comment_id, reporter_id) DO NOTHING`, id, userID, reason, now)
		return err
	})
}
