package store

import (
	"context"

	"github.com/opengovcall/convene"
)

// SetPassword replaces a person's password with a new bcrypt hash (made by convene.HashPassword).
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string) error {
	res, err := s.read().exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("user.not_found")
	}
	return nil
}
