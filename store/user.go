package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// CreateUser stores a new account; the email must not be taken.
func (s *Store) CreateUser(ctx context.Context, u *convene.User) error {
	return createUser(ctx, s.read(), u, s.now())
}

func createUser(ctx context.Context, c conn, u *convene.User, now time.Time) error {
	u.Email = convene.NormalizeEmail(u.Email)
	u.CreatedAt = now
	u.NormalizeProfile()
	id, err := insertUser(ctx, c, u)
	if isUniqueViolation(err) {
		return &convene.Error{Code: convene.ECONFLICT, Key: "user.email_taken",
			Fields: []convene.FieldError{{Field: "email", Key: "user.email_taken"}}}
	} else if err != nil {
		return err
	}
	u.ID = id
	return nil
}

const userColumns = `id, email, name, password_hash, is_admin, confirmed, created_at, organization, title, jurisdiction,
	municipality, sector, languages, time_zone, visibility, bio, reminders_off, session_key`

func scanUser(row interface{ Scan(...any) error }) (*convene.User, error) {
	return scanUserWith(row)
}

// scanUserWith scans the columns in before, then a user's columns, as a query selecting both lists.
func scanUserWith(row interface{ Scan(...any) error }, before ...any) (*convene.User, error) {
	var u convene.User
	var langs string
	dest := append(before, &u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &u.Confirmed, &u.CreatedAt, &u.Organization,
		&u.Title, &u.Jurisdiction, &u.Municipality, &u.Sector, &langs, &u.TimeZone, &u.Visibility, &u.Bio, &u.RemindersOff, &u.SessionKey)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if langs != "" {
		u.Languages = strings.Split(langs, ",")
	}
	u.Jurisdiction, u.Province = convene.SplitJurisdiction(u.Jurisdiction)
	return &u, nil
}

// collectUsers reads every user a query returns, and closes its rows.
func collectUsers(rows *sql.Rows) ([]*convene.User, error) {
	defer rows.Close()
	var out []*convene.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func insertUser(ctx context.Context, c conn, u *convene.User) (int64, error) {
	u.SessionKey = newSessionKey()
	return c.insert(ctx, `INSERT INTO users (email, name, password_hash, is_admin, confirmed, created_at, organization, title, jurisdiction,
		municipality, sector, languages, time_zone, visibility, bio, session_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Email, u.Name, u.PasswordHash, u.IsAdmin, u.Confirmed, u.CreatedAt, u.Organization, u.Title, convene.JurisdictionKey(u.Jurisdiction, u.Province),
		u.Municipality, u.Sector, strings.Join(u.Languages, ","), u.TimeZone, u.Visibility, u.Bio, u.SessionKey)
}

// newSessionKey is a fresh random session key.
func newSessionKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// EndSessions gives the account a new session key, which ends every session it had, and returns
// the key so the session that asked may carry on.
func (s *Store) EndSessions(ctx context.Context, userID int64) (string, error) {
	key := newSessionKey()
	res, err := s.read().exec(ctx, `UPDATE users SET session_key = ? WHERE id = ?`, key, userID)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", convene.NotFound("user.not_found")
	}
	return key, nil
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

// Kinds of sign-in attempt, limited separately.
const (
	AttemptPassword = "password" // counted when it fails
	AttemptLink     = "link"     // every request for an emailed link counts
)

// ReserveSignIn records a password attempt as failed before the password is checked, and returns
// its id with the failures, this one included, for the address and the client since a moment.
// Counting after the attempt is stored keeps parallel attempts from all passing one check: of
// any set of attempts that each saw at most N failures, the last to count saw every one of them.
// A successful attempt is then marked with SignInSucceeded.
func (s *Store) ReserveSignIn(ctx context.Context, email, ip string, since time.Time) (id int64, byEmail, byIP int, err error) {
	id, err = s.read().insert(ctx, `INSERT INTO sign_in_attempts (kind, email, ip, succeeded, at) VALUES (?, ?, ?, ?, ?)`,
		AttemptPassword, convene.NormalizeEmail(email), ip, false, s.now())
	if err != nil {
		return 0, 0, 0, err
	}
	byEmail, byIP, err = s.FailedSignIns(ctx, AttemptPassword, email, ip, since)
	return id, byEmail, byIP, err
}

// CountAttempt records one attempt of a kind at something (a survey, say) from a client and
// returns its place among the client's attempts since a moment: this one and those recorded
// before it. Each attempt is numbered by its row, so parallel attempts neither all pass one
// limit nor all fail it (counting every row would refuse the first ones too, once the later
// ones were stored). Attempts are swept after a day.
func (s *Store) CountAttempt(ctx context.Context, kind, key, ip string, since time.Time) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx conn) error {
		// On PostgreSQL ids are drawn before their rows commit, so a later id may become visible
		// first and an earlier attempt be missed; attempts at one thing from one client take turns.
		if s.dialect == postgresDialect {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, kind+"|"+key+"|"+ip); err != nil {
				return err
			}
		}
		id, err := tx.insert(ctx, `INSERT INTO sign_in_attempts (kind, email, ip, succeeded, at) VALUES (?, ?, ?, ?, ?)`,
			kind, key, ip, false, s.now())
		if err != nil {
			return err
		}
		return tx.row(ctx, `SELECT COUNT(*) FROM sign_in_attempts WHERE kind = ? AND email = ? AND ip = ? AND at >= ? AND id <= ?`,
			kind, key, ip, since.UTC(), id).Scan(&n)
	})
	return n, err
}

// SignInSucceeded marks a reserved attempt as the successful sign-in it turned out to be.
func (s *Store) SignInSucceeded(ctx context.Context, id int64) error {
	_, err := s.read().exec(ctx, `UPDATE sign_in_attempts SET succeeded = `+s.dialect.boolTrue()+` WHERE id = ?`, id)
	return err
}

// RecordSignIn notes an attempt to sign in, so repeated failures (or link requests) can be slowed down.
func (s *Store) RecordSignIn(ctx context.Context, kind, email, ip string, succeeded bool) error {
	_, err := s.read().exec(ctx, `INSERT INTO sign_in_attempts (kind, email, ip, succeeded, at) VALUES (?, ?, ?, ?, ?)`,
		kind, convene.NormalizeEmail(email), ip, succeeded, s.now())
	return err
}

// FailedSignIns counts the unsuccessful attempts of a kind for an address and from a client since
// a moment. The counts live in the database, so every instance sees the same limit.
func (s *Store) FailedSignIns(ctx context.Context, kind, email, ip string, since time.Time) (byEmail, byIP int, err error) {
	err = s.read().row(ctx, `SELECT
		(SELECT COUNT(*) FROM sign_in_attempts WHERE kind = ? AND email = ? AND at >= ? AND NOT succeeded),
		(SELECT COUNT(*) FROM sign_in_attempts WHERE kind = ? AND ip = ? AND at >= ? AND NOT succeeded)`,
		kind, convene.NormalizeEmail(email), since.UTC(), kind, ip, since.UTC()).Scan(&byEmail, &byIP)
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

// RolesIn reads the roles several people hold in a community, a few hundred per query; people
// with no role are absent from the map.
func (s *Store) RolesIn(ctx context.Context, communityID int64, userIDs []int64) (map[int64]string, error) {
	const chunk = 500
	out := map[int64]string{}
	for start := 0; start < len(userIDs); start += chunk {
		ids := userIDs[start:min(start+chunk, len(userIDs))]
		args := make([]any, 0, len(ids)+1)
		args = append(args, communityID)
		for _, id := range ids {
			args = append(args, id)
		}
		rows, err := s.read().query(ctx, `SELECT user_id, role FROM memberships WHERE community_id = ? AND user_id IN (`+placeholders(len(ids))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var role string
			if err := rows.Scan(&id, &role); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = role
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RolesOfUser reads a person's role in every community they belong to, by community id.
func (s *Store) RolesOfUser(ctx context.Context, userID int64) (map[int64]string, error) {
	rows, err := s.read().query(ctx, `SELECT community_id, role FROM memberships WHERE user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return nil, err
		}
		out[id] = role
	}
	return out, rows.Err()
}

// RoleOf is the role a person holds in a community, or "" for none.
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

// HasAdmin reports whether the instance has an administrator yet.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM users WHERE is_admin`).Scan(&n)
	return n > 0, err
}

// CreateFirstAdmin creates the instance's first administrator, confirmed; once one exists it is
// refused (setup.done), so the first-run setup cannot make a second.
func (s *Store) CreateFirstAdmin(ctx context.Context, u *convene.User) error {
	u.IsAdmin, u.Confirmed = true, true
	return s.inTx(ctx, func(tx conn) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE is_admin`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return convene.Errorf(convene.ECONFLICT, "setup.done", nil)
		}
		return createUser(ctx, tx, u, s.now())
	})
}

// SetAdmin makes the account with an email address an instance administrator, or no longer one.
func (s *Store) SetAdmin(ctx context.Context, email string, admin bool) (*convene.User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if _, err := s.read().exec(ctx, `UPDATE users SET is_admin = ? WHERE id = ?`, admin, u.ID); err != nil {
		return nil, err
	}
	u.IsAdmin = admin
	return u, nil
}
