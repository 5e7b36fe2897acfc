package store

import (
	"context"
	"slices"
	"strings"

	"github.com/opengovcall/convene"
)

func slugTaken() error {
	return &convene.Error{Code: convene.ECONFLICT, Key: "community.slug_taken",
		Fields: []convene.FieldError{{Field: "slug", Key: "community.slug_taken"}}}
}

// CreateCommunity stores a new community and makes ownerID (when not 0) its owner, in one transaction.
func (s *Store) CreateCommunity(ctx context.Context, c *convene.Community, ownerID int64) error {
	convene.Unlocalize(c)
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	c.CreatedAt, c.UpdatedAt = s.now(), s.now()
	return s.inTx(ctx, func(tx conn) error {
		id, err := tx.insert(ctx, `INSERT INTO communities (slug, name, description, time_zone, languages, created_at, updated_at, approve_members, translations,
			require_translations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Slug, c.Name, c.Description, c.TimeZone, strings.Join(c.Languages, ","), c.CreatedAt, c.UpdatedAt, c.ApproveMembers, textsJSON(c),
			c.RequireTranslations)
		if isUniqueViolation(err) {
			return slugTaken()
		} else if err != nil {
			return err
		}
		c.ID = id
		if ownerID != 0 {
			_, err = tx.exec(ctx, `INSERT INTO memberships (community_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`,
				c.ID, ownerID, convene.RoleOwner, c.CreatedAt)
		}
		return err
	})
}

// UpdateCommunity saves a community's editable fields, slug included.
func (s *Store) UpdateCommunity(ctx context.Context, c *convene.Community) error {
	convene.Unlocalize(c)
	c.Normalize()
	c.UpdatedAt = s.now()
	return s.inTx(ctx, func(tx conn) error {
		// Dropping a language its texts use is refused first, with that reason.
		old, err := communityLanguages(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for _, lang := range old {
			if !slices.Contains(c.Languages, lang) {
				if err := languageUnused(ctx, tx, c.ID, lang); err != nil {
					return err
				}
			}
		}
		if err := c.Validate(); err != nil {
			return err
		}
		logo, err := imageID(ctx, tx, c.ID, c.Logo, c.UpdatedAt)
		if err != nil {
			return err
		}
		cover, err := imageID(ctx, tx, c.ID, c.Cover, c.UpdatedAt)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE communities SET slug = ?, name = ?, description = ?, time_zone = ?, languages = ?, updated_at = ?,
			public_reach = ?, approve_members = ?, translations = ?, require_translations = ?, logo_image_id = ?, logo_alt = ?, cover_image_id = ?,
			cover_alt = ? WHERE id = ?`, c.Slug, c.Name, c.Description, c.TimeZone, strings.Join(c.Languages, ","), c.UpdatedAt, c.PublicReach,
			c.ApproveMembers, textsJSON(c), c.RequireTranslations, logo, c.LogoAlt, cover, c.CoverAlt, c.ID)
		if isUniqueViolation(err) {
			return slugTaken()
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return convene.NotFound("community.not_found")
		}
		return pruneImages(ctx, tx, c.ID)
	})
}

// languageUnused refuses to drop a language from a community while any of its texts has a version
// in it (the community's own included), so removing a language never loses a translation.
func languageUnused(ctx context.Context, tx conn, communityID int64, lang string) error {
	pattern := `%"` + lang + `":{%`
	var n int
	err := tx.row(ctx, `SELECT
		(SELECT COUNT(*) FROM communities WHERE id = ? AND translations LIKE ?) +
		(SELECT COUNT(*) FROM series WHERE community_id = ? AND translations LIKE ?) +
		(SELECT COUNT(*) FROM seasons se JOIN series sr ON sr.id = se.series_id WHERE sr.community_id = ? AND se.translations LIKE ?) +
		(SELECT COUNT(*) FROM calls WHERE community_id = ? AND translations LIKE ?) +
		(SELECT COUNT(*) FROM agenda_items a JOIN calls c ON c.id = a.call_id WHERE c.community_id = ? AND a.translations LIKE ?) +
		(SELECT COUNT(*) FROM events WHERE community_id = ? AND translations LIKE ?) +
		(SELECT COUNT(*) FROM ideas WHERE community_id = ? AND translations LIKE ?) +
		(SELECT COUNT(*) FROM initiatives WHERE community_id = ? AND deleted_at IS NULL AND translations LIKE ?)`,
		communityID, pattern, communityID, pattern, communityID, pattern, communityID, pattern, communityID, pattern,
		communityID, pattern, communityID, pattern, communityID, pattern).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "languages", Key: "languages.in_use",
			Args: map[string]any{"Language": lang, "Count": n}})
	}
	return nil
}

// communityColumns and communityFrom read a community with its pictures' places.
var (
	communityColumns = `c.id, c.slug, c.name, c.description, c.time_zone, c.languages, c.created_at, c.updated_at, c.public_reach, c.approve_members, c.federation, c.federate_notes,
		c.translations, c.require_translations, c.logo_alt, c.cover_alt, ` + imageRefColumns("li") + `, ` + imageRefColumns("ci")
	communityFrom = ` FROM communities c LEFT JOIN images li ON li.id = c.logo_image_id LEFT JOIN images ci ON ci.id = c.cover_image_id`
)

func scanCommunity(row interface{ Scan(...any) error }) (*convene.Community, error) {
	var c convene.Community
	var langs string
	var logo, cover imageRef
	dest := []any{&c.ID, &c.Slug, &c.Name, &c.Description, &c.TimeZone, &langs, &c.CreatedAt, &c.UpdatedAt, &c.PublicReach, &c.ApproveMembers, &c.Federation, &c.FederateNotes,
		texts(&c.Texts), &c.RequireTranslations, &c.LogoAlt, &c.CoverAlt}
	if err := row.Scan(append(append(dest, logo.targets()...), cover.targets()...)...); err != nil {
		return nil, err
	}
	c.Logo, c.Cover = logo.image(), cover.image()
	c.Languages = splitLanguages(langs)
	c.Lang = c.Primary()
	return &c, nil
}

// CommunityBySlug finds a community by the slug in its address.
func (s *Store) CommunityBySlug(ctx context.Context, slug string) (*convene.Community, error) {
	c, err := scanCommunity(s.read().row(ctx, `SELECT `+communityColumns+communityFrom+` WHERE c.slug = ?`, strings.ToLower(slug)))
	return c, notFound(err, "community.not_found")
}

// CommunityByID finds a community.
func (s *Store) CommunityByID(ctx context.Context, id int64) (*convene.Community, error) {
	c, err := scanCommunity(s.read().row(ctx, `SELECT `+communityColumns+communityFrom+` WHERE c.id = ?`, id))
	return c, notFound(err, "community.not_found")
}

// Communities lists every community on the instance by name.
func (s *Store) Communities(ctx context.Context) ([]*convene.Community, error) {
	rows, err := s.read().query(ctx, `SELECT `+communityColumns+communityFrom+` ORDER BY c.name, c.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*convene.Community
	for rows.Next() {
		c, err := scanCommunity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Membership is a community a person belongs to, with their role there.
type Membership struct {
	Community *convene.Community
	Role      string
}

// MembershipsOf lists the communities a person belongs to, by name, in one query.
func (s *Store) MembershipsOf(ctx context.Context, userID int64) ([]Membership, error) {
	rows, err := s.read().query(ctx, `SELECT `+communityColumns+`, m.role`+communityFrom+` JOIN memberships m ON m.community_id = c.id
		WHERE m.user_id = ? AND m.role <> '' ORDER BY c.name, c.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if m.Community, err = scanCommunity(scanMore{rows, []any{&m.Role}}); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountCommunities tells whether the instance is still empty (for serve --demo).
func (s *Store) CountCommunities(ctx context.Context) (int, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM communities`).Scan(&n)
	return n, err
}
