package store

import (
	"context"
	"time"

	"github.com/opengovcall/convene"
)

// NewFeedToken gives a person a new secret for their personal calendar feed, replacing (and so
// revoking) the old one, and returns it; only its hash is kept.
func (s *Store) NewFeedToken(ctx context.Context, userID int64) (string, error) {
	raw, _ := newSecret()
	res, err := s.read().exec(ctx, `UPDATE users SET feed_token_hash = ? WHERE id = ?`, hashSecret(raw), userID)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", convene.NotFound("user.not_found")
	}
	return raw, nil
}

// RevokeFeedToken turns a person's personal feed off.
func (s *Store) RevokeFeedToken(ctx context.Context, userID int64) error {
	_, err := s.read().exec(ctx, `UPDATE users SET feed_token_hash = '' WHERE id = ?`, userID)
	return err
}

// HasFeedToken reports whether a person's personal feed is on.
func (s *Store) HasFeedToken(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM users WHERE id = ? AND feed_token_hash <> ''`, userID).Scan(&n)
	return n > 0, err
}

// UserByFeedToken finds whose personal feed a secret opens; unknown and revoked secrets are not found.
func (s *Store) UserByFeedToken(ctx context.Context, raw string) (*convene.User, error) {
	if raw == "" {
		return nil, convene.NotFound("feed.not_found")
	}
	u, err := scanUser(s.read().row(ctx, `SELECT `+userColumns+` FROM users WHERE feed_token_hash = ?`, hashSecret(raw)))
	return u, notFound(err, "feed.not_found")
}

// RegisteredCalls lists the calls a person holds a place or a waitlist spot at, starting from a
// moment, with their status at each.
func (s *Store) RegisteredCalls(ctx context.Context, userID int64, from time.Time) ([]*convene.Call, map[int64]convene.Place, error) {
	rows, err := s.read().query(ctx, `SELECT r.status, r.mode, `+callColumns+callFrom+` JOIN registrations r ON r.call_id = c.id
		WHERE r.user_id = ? AND r.status <> 'cancelled' AND c.starts_at >= ? ORDER BY c.starts_at, c.id`, userID, from.UTC())
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var calls []*convene.Call
	places := map[int64]convene.Place{}
	for rows.Next() {
		var p convene.Place
		c, err := scanCallWith(rows, &p.Status, &p.Mode)
		if err != nil {
			return nil, nil, err
		}
		calls = append(calls, c)
		places[c.ID] = p
	}
	return calls, places, rows.Err()
}
