package store

import (
	"context"
	"time"

	"github.com/opengovcall/convene"
)

// CreateUser stores a new account; the email must not be taken.
func (s *Store) CreateUser(ctx context.Context, u *convene.User) error {
	u.Email = convene.NormalizeEmail(u.Email)
	u.CreatedAt = s.now()
	id, err := s.read().insert(ctx,
		`INSERT INTO users (email, name, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.Email, u.Name, u.PasswordHash, u.IsAdmin, u.CreatedAt)
	if isUniqueViolation(err) {
		return &convene.Error{Code: convene.ECONFLICT, Key: "user.email_taken",
			Fields: []convene.FieldError{{Field: "email", Key: "user.email_taken"}}}
	} else if err != nil {
		return err
	}
	u.ID = id
	return nil
}

const userColumns = `id, email, name, password_hash, is_admin, created_at`

func scanUser(row interface{ Scan(...any) error }) (*convene.User, error) {
	var u convene.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &u.CreatedAt)
	return &u, err
}

// UserByEmail finds the account with an address, in any letter case.
func (s *Store) UserByEmail(ctx context.Context, email string) (*convene.User, error) {
	u, err := scanUser(s.read().row(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, convene.NormalizeEmail(email)))
	return u, notFound(err, "user.not_found")
}

// UserByID finds an account.
func (s *Store) UserByID(ctx context.Context, id int64) (*convene.User, error) {
	u, err := scanUser(s.read().row(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, notFound(err, "user.not_found")
}

// RecordSignIn notes an attempt to sign in, so repeated failures can be slowed down.
func (s *Store) RecordSignIn(ctx context.Context, email, ip string, succeeded bool) error {
	_, err := s.read().exec(ctx, `INSERT INTO sign_in_attempts (email, ip, succeeded, at) VALUES (?, ?, ?, ?)`,
		convene.NormalizeEmail(email), ip, succeeded, s.now())
	return err
}

// FailedSignIns counts the failed attempts for an address and from an address since a moment.
// The counts live in the database, so every instance sees the same limit.
func (s *Store) FailedSignIns(ctx context.Context, email, ip string, since time.Time) (byEmail, byIP int, err error) {
	err = s.read().row(ctx, `SELECT
		(SELECT COUNT(*) FROM sign_in_attempts WHERE email = ? AND at >= ? AND NOT succeeded),
		(SELECT COUNT(*) FROM sign_in_attempts WHERE ip = ? AND at >= ? AND NOT succeeded)`,
		convene.NormalizeEmail(email), since.UTC(), ip, since.UTC()).Scan(&byEmail, &byIP)
	return byEmail, byIP, err
}

// SetRole gives a user a role in a community, replacing any role they had.
func (s *Store) SetRole(ctx context.Context, communityID, userID int64, role string) error {
	switch role {
	case convene.RoleOwner, convene.RoleOrganizer, convene.RoleMember:
	default:
		return convene.Invalid("role.invalid", nil)
	}
	_, err := s.read().exec(ctx, `INSERT INTO memberships (community_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (community_id, user_id) DO UPDATE SET role = excluded.role`,
		communityID, userID, role, s.now())
	return err
}

// RoleOf is the user's role in a community, or "" when they have none.
func (s *Store) RoleOf(ctx context.Context, communityID, userID int64) (string, error) {
	var role string
	err := s.read().row(ctx, `SELECT role FROM memberships WHERE community_id = ? AND user_id = ?`,
		communityID, userID).Scan(&role)
	if err != nil {
		if notFound(err, "") != err {
			return "", nil
		}
		return "", err
	}
	return role, nil
}
