package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/opengovcall/convene"
)

// imageRef reads a picture's place on a page (not its bytes) from a LEFT JOIN: nil when none.
type imageRef struct {
	id, width, height sql.NullInt64
	hash, contentType sql.NullString
}

// imageRefColumns are the columns imageRef reads, from the images table under an alias.
func imageRefColumns(alias string) string {
	return alias + ".id, " + alias + ".hash, " + alias + ".content_type, " + alias + ".width, " + alias + ".height"
}

func (r *imageRef) targets() []any { return []any{&r.id, &r.hash, &r.contentType, &r.width, &r.height} }

func (r *imageRef) image() *convene.Image {
	if !r.id.Valid {
		return nil
	}
	return &convene.Image{ID: r.id.Int64, Hash: r.hash.String, ContentType: r.contentType.String, Width: int(r.width.Int64), Height: int(r.height.Int64)}
}

// imageID stores a picture a community is about to show, unless it is one it already has, and
// returns its id; nil stays nil, for no picture.
func imageID(ctx context.Context, tx conn, communityID int64, img *convene.Image, now time.Time) (any, error) {
	if img == nil {
		return nil, nil
	}
	if img.ID != 0 {
		return img.ID, nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO images (community_id, hash, content_type, width, height, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (community_id, hash) DO NOTHING`, communityID, img.Hash, img.ContentType, img.Width, img.Height, img.Data, now); err != nil {
		return nil, err
	}
	if err := tx.row(ctx, `SELECT id FROM images WHERE community_id = ? AND hash = ?`, communityID, img.Hash).Scan(&img.ID); err != nil {
		return nil, err
	}
	img.CommunityID = communityID
	return img.ID, nil
}

// pruneImages deletes the community's pictures that nothing shows any more, inside the change
// that stopped showing them.
func pruneImages(ctx context.Context, tx conn, communityID int64) error {
	_, err := tx.exec(ctx, `DELETE FROM images WHERE community_id = ?
		AND NOT EXISTS (SELECT 1 FROM communities c WHERE c.logo_image_id = images.id OR c.cover_image_id = images.id)
		AND NOT EXISTS (SELECT 1 FROM agenda_items a WHERE a.presenter_photo_id = images.id)`, communityID)
	return err
}

// Image finds one of a community's pictures by its hash, bytes and all.
func (s *Store) Image(ctx context.Context, communityID int64, hash string) (*convene.Image, error) {
	img := convene.Image{CommunityID: communityID}
	err := s.read().row(ctx, `SELECT id, hash, content_type, width, height, data, created_at FROM images WHERE community_id = ? AND hash = ?`,
		communityID, hash).Scan(&img.ID, &img.Hash, &img.ContentType, &img.Width, &img.Height, &img.Data, &img.CreatedAt)
	return &img, notFound(err, "image.not_found")
}
