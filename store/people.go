package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// SetRemindersOff turns a person's reminders before calls off (or back on).
func (s *Store) SetRemindersOff(ctx context.Context, userID int64, off bool) error {
	res, err := s.read().exec(ctx, `UPDATE users SET reminders_off = ? WHERE id = ?`, off, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("user.not_found")
	}
	return nil
}

// UpdateProfile saves a person's profile and interests in one transaction.
func (s *Store) UpdateProfile(ctx context.Context, u *convene.User) error {
	u.NormalizeProfile()
	if err := u.ValidateProfile(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE users SET name = ?, organization = ?, title = ?, jurisdiction = ?, municipality = ?, sector = ?,
			languages = ?, time_zone = ?, visibility = ?, bio = ?, reminders_off = ? WHERE id = ?`,
			u.Name, u.Organization, u.Title, convene.JurisdictionKey(u.Jurisdiction, u.Province), u.Municipality, u.Sector, strings.Join(u.Languages, ","),
			u.TimeZone, u.Visibility, u.Bio, u.RemindersOff, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return convene.NotFound("user.not_found")
		}
		return setInterests(ctx, tx, u.ID, u.Interests)
	})
}

func setInterests(ctx context.Context, tx conn, userID int64, tags []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM user_interests WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, t := range tags {
		if _, err := tx.exec(ctx, `INSERT INTO user_interests (user_id, tag) VALUES (?, ?)`, userID, t); err != nil {
			return err
		}
	}
	return nil
}

// LoadInterests fills in the interests of several people in one query.
func (s *Store) LoadInterests(ctx context.Context, users []*convene.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := map[int64]*convene.User{}
	args := make([]any, len(users))
	for i, u := range users {
		byID[u.ID], args[i] = u, u.ID
		u.Interests = nil
	}
	rows, err := s.read().query(ctx, `SELECT user_id, tag FROM user_interests WHERE user_id IN (`+placeholders(len(users))+`) ORDER BY tag`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return err
		}
		byID[id].Interests = append(byID[id].Interests, tag)
	}
	return rows.Err()
}

// Directory lists a community's members that the viewer may see, by name, a page at a time
// (keyset paging: pass the last name and id of the previous page).
func (s *Store) Directory(ctx context.Context, f convene.DirectoryFilter) ([]*convene.User, error) {
	q, args := directoryQuery(f)
	rows, err := s.read().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out, err := collectUsers(rows)
	if err != nil {
		return nil, err
	}
	return out, s.LoadInterests(ctx, out)
}

// jurisdictionIs narrows a query to a jurisdiction; a municipal or Indigenous one takes in those
// stored with their province ("municipal:ON").
func jurisdictionIs(where []string, args []any, column, jurisdiction string) ([]string, []any) {
	if convene.Placed(jurisdiction) {
		return append(where, "("+column+" = ? OR "+column+" LIKE ?)"), append(args, jurisdiction, jurisdiction+":%")
	}
	return append(where, column+" = ?"), append(args, jurisdiction)
}

// directoryQuery is the SQL of a directory page: it walks people in (name, id) order through the
// users_name index, or narrows by the jurisdiction and sector index or the interest index first.
func directoryQuery(f convene.DirectoryFilter) (string, []any) {
	where := []string{"m.community_id = ?", "u.confirmed"}
	args := []any{f.CommunityID}
	if f.Public {
		where = append(where, "u.visibility = 'public'")
	} else {
		where = append(where, "u.visibility IN ('public', 'members')")
	}
	if f.Jurisdiction != "" {
		where, args = jurisdictionIs(where, args, "u.jurisdiction", f.Jurisdiction)
	}
	if f.Sector != "" {
		where, args = append(where, "u.sector = ?"), append(args, f.Sector)
	}
	if f.Interest != "" {
		where, args = append(where, "EXISTS (SELECT 1 FROM user_interests i WHERE i.user_id = u.id AND i.tag = ?)"), append(args, f.Interest)
	}
	if f.AfterID != 0 {
		where, args = append(where, "(u.name > ? OR (u.name = ? AND u.id > ?))"), append(args, f.AfterName, f.AfterName, f.AfterID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	args = append(args, limit)
	return `SELECT ` + prefixed("u.", userColumns) + ` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY u.name, u.id LIMIT ?`, args
}

// ExplainDirectory returns the engine's query plan for a directory page, for the benchmarks' record.
func (s *Store) ExplainDirectory(ctx context.Context, f convene.DirectoryFilter) (string, error) {
	q, args := directoryQuery(f)
	explain := "EXPLAIN QUERY PLAN "
	if s.dialect == postgresDialect {
		explain = "EXPLAIN "
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(explain+q), args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
	}
	return strings.Join(out, "\n"), rows.Err()
}

// PeopleLikeYou finds members of the community who share an interest with u but work in another
// sector or jurisdiction: the cross-sector connections the community exists for.
func (s *Store) PeopleLikeYou(ctx context.Context, communityID int64, u *convene.User, public bool, limit int) ([]*convene.User, error) {
	if len(u.Interests) == 0 {
		return nil, nil
	}
	args := []any{communityID, u.ID, u.Sector, u.Jurisdiction}
	for _, t := range u.Interests {
		args = append(args, t)
	}
	args = append(args, limit)
	vis := "u.visibility IN ('public', 'members')"
	if public {
		vis = "u.visibility = 'public'"
	}
	rows, err := s.read().query(ctx, `SELECT `+prefixed("u.", userColumns)+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.community_id = ? AND u.id <> ? AND u.confirmed AND `+vis+` AND (u.sector <> ? OR u.jurisdiction <> ?)
		AND u.id IN (SELECT user_id FROM user_interests WHERE tag IN (`+placeholders(len(u.Interests))+`))
		ORDER BY u.name, u.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	out, err := collectUsers(rows)
	if err != nil {
		return nil, err
	}
	return out, s.LoadInterests(ctx, out)
}

// Member is a person in a community, as its organizers manage them.
type Member struct {
	User *convene.User
	Role string
}

// Members lists a community's people with their roles, organizers first.
func (s *Store) Members(ctx context.Context, communityID int64) ([]Member, error) {
	rows, err := s.read().query(ctx, `SELECT m.role, `+prefixed("u.", userColumns)+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.community_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'organizer' THEN 1 ELSE 2 END, u.name, u.id`, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		u, err := scanUserWith(rows, &m.Role)
		if err != nil {
			return nil, err
		}
		m.User = u
		out = append(out, m)
	}
	return out, rows.Err()
}

// What asking to join a community gave.
const (
	Joined    = "joined"    // a member now (or already)
	Requested = "requested" // the community approves its members: an organizer will decide
)

// JoinCommunity makes a person a member of a community (a role they hold already stays), or,
// when the community approves its members, records their request. Someone an organizer removed
// is refused until the ban is lifted.
func (s *Store) JoinCommunity(ctx context.Context, communityID, userID int64) (string, error) {
	result := Joined
	err := s.inTx(ctx, func(tx conn) error {
		if err := checkNotBanned(ctx, tx, communityID, userID); err != nil {
			return err
		}
		var approve bool
		var member int
		if err := tx.row(ctx, `SELECT c.approve_members, (SELECT COUNT(*) FROM memberships m WHERE m.community_id = c.id AND m.user_id = ?)
			FROM communities c WHERE c.id = ?`, userID, communityID).Scan(&approve, &member); err != nil {
			return notFound(err, "community.not_found")
		}
		if approve && member == 0 {
			result = Requested
			_, err := tx.exec(ctx, `INSERT INTO membership_requests (community_id, user_id, created_at) VALUES (?, ?, ?)
				ON CONFLICT (community_id, user_id) DO NOTHING`, communityID, userID, s.now())
			return err
		}
		return joinCommunity(ctx, tx, communityID, userID, s.now())
	})
	return result, err
}

// checkNotBanned refuses someone an organizer removed from the community.
func checkNotBanned(ctx context.Context, tx conn, communityID, userID int64) error {
	var n int
	if err := tx.row(ctx, `SELECT COUNT(*) FROM membership_bans WHERE community_id = ? AND user_id = ?`, communityID, userID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return convene.Errorf(convene.EFORBIDDEN, "membership.banned", nil)
	}
	return nil
}

// MembershipRequests lists the people waiting for an organizer to let them in, oldest first.
func (s *Store) MembershipRequests(ctx context.Context, communityID int64) ([]*convene.User, error) {
	return s.peopleIn(ctx, `membership_requests`, communityID)
}

// Banned lists the people an organizer removed and who may not join again.
func (s *Store) Banned(ctx context.Context, communityID int64) ([]*convene.User, error) {
	return s.peopleIn(ctx, `membership_bans`, communityID)
}

func (s *Store) peopleIn(ctx context.Context, table string, communityID int64) ([]*convene.User, error) {
	rows, err := s.read().query(ctx, `SELECT `+prefixed("u.", userColumns)+` FROM `+table+` x JOIN users u ON u.id = x.user_id
		WHERE x.community_id = ? ORDER BY x.created_at, u.id`, communityID)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows)
}

// AnswerMembershipRequest lets a person in, or turns their request down.
func (s *Store) AnswerMembershipRequest(ctx context.Context, communityID, userID int64, approve bool) error {
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `DELETE FROM membership_requests WHERE community_id = ? AND user_id = ?`, communityID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return convene.NotFound("membership.request_not_found")
		}
		if !approve {
			return nil
		}
		return joinCommunity(ctx, tx, communityID, userID, s.now())
	})
}

// LiftBan lets someone an organizer removed join again.
func (s *Store) LiftBan(ctx context.Context, communityID, userID int64) error {
	res, err := s.read().exec(ctx, `DELETE FROM membership_bans WHERE community_id = ? AND user_id = ?`, communityID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("membership.ban_not_found")
	}
	return nil
}

// RemoveMember takes a person out of a community and gives up their places at its future calls.
// ban keeps them out: they cannot join again, nor register for its calls, until it is lifted.
func (s *Store) RemoveMember(ctx context.Context, communityID, userID int64, ban bool) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if ban {
			if _, err := tx.exec(ctx, `INSERT INTO membership_bans (community_id, user_id, created_at) VALUES (?, ?, ?)
				ON CONFLICT (community_id, user_id) DO NOTHING`, communityID, userID, now); err != nil {
				return err
			}
		}
		res, err := tx.exec(ctx, `DELETE FROM memberships WHERE community_id = ? AND user_id = ?`, communityID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return convene.NotFound("member.not_found")
		}
		if _, err := tx.exec(ctx, `DELETE FROM subscriptions WHERE user_id = ? AND series_id IN (SELECT id FROM series WHERE community_id = ?)`,
			userID, communityID); err != nil {
			return err
		}
		return cancelFutureRegistrations(ctx, tx, userID, communityID, now)
	})
}

// cancelFutureRegistrations gives up a person's places at future calls (of one community, or of all
// when communityID is 0), promoting whoever waits.
func cancelFutureRegistrations(ctx context.Context, tx conn, userID, communityID int64, now time.Time) error {
	ids, err := tx.ids(ctx, `SELECT r.call_id FROM registrations r JOIN calls c ON c.id = r.call_id
		WHERE r.user_id = ? AND r.status <> 'cancelled' AND c.starts_at > ? AND (? = 0 OR c.community_id = ?)`, userID, now, communityID, communityID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		c, err := lockedCall(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := cancelInTx(ctx, tx, c, userID, now); err != nil {
			return err
		}
	}
	return nil
}

// Auth token purposes.
const (
	TokenSignIn   = "signin"
	TokenSignUp   = "signup"
	TokenRegister = "register"
)

// newSecret makes a random token for a link or an API client and the hash that is stored instead.
func newSecret() (raw, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, hashSecret(raw)
}

func hashSecret(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// CreateAuthToken stores a single-use emailed link for purpose and email, valid for ttl, and writes
// the mail that carries it in the same transaction. mail receives the raw token to put in the link;
// only its hash is kept.
func (s *Store) CreateAuthToken(ctx context.Context, purpose, email string, payload any, ttl time.Duration, mail func(token string) convene.Mail) error {
	raw, hash := newSecret()
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `INSERT INTO auth_tokens (token_hash, purpose, email, payload, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			hash, purpose, convene.NormalizeEmail(email), string(b), now.Add(ttl), now); err != nil {
			return err
		}
		return enqueueMail(ctx, tx, mail(raw), now)
	})
}

// AuthToken is a followed link: who it was for and what it carries.
type AuthToken struct {
	Purpose string
	Email   string
	Payload json.RawMessage
}

// PeekAuthToken tells what a link is for without using it, so the page can ask to confirm.
func (s *Store) PeekAuthToken(ctx context.Context, raw string) (*AuthToken, error) {
	var t AuthToken
	var payload string
	err := s.read().row(ctx, `SELECT purpose, email, payload FROM auth_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		hashSecret(raw), s.now()).Scan(&t.Purpose, &t.Email, &payload)
	if err != nil {
		return nil, notFound(err, "auth.link_invalid")
	}
	t.Payload = json.RawMessage(payload)
	return &t, nil
}

// UseAuthToken spends a link, once: a used, expired or unknown token is refused.
func (s *Store) UseAuthToken(ctx context.Context, raw string) (*AuthToken, error) {
	now := s.now()
	var t AuthToken
	var payload string
	err := s.read().row(ctx, `UPDATE auth_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
		RETURNING purpose, email, payload`, now, hashSecret(raw), now).Scan(&t.Purpose, &t.Email, &payload)
	if err != nil {
		return nil, notFound(err, "auth.link_invalid")
	}
	t.Payload = json.RawMessage(payload)
	return &t, nil
}

// EnsureUser returns the account for an email, creating a confirmed one with the given name when
// there is none.
func (s *Store) EnsureUser(ctx context.Context, email, name, lang string) (*convene.User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err == nil {
		if !u.Confirmed {
			if _, err := s.read().exec(ctx, `UPDATE users SET confirmed = ? WHERE id = ?`, true, u.ID); err != nil {
				return nil, err
			}
			u.Confirmed = true
		}
		return u, nil
	} else if convene.ErrorCode(err) != convene.ENOTFOUND {
		return nil, err
	}
	u = &convene.User{Email: email, Name: name, Confirmed: true, Languages: []string{lang}}
	if err := convene.ValidateNewUser(u, strings.Repeat("x", convene.MinPassword)); err != nil {
		return nil, err
	}
	if err := s.CreateUser(ctx, u); convene.ErrorCode(err) == convene.ECONFLICT {
		return s.UserByEmail(ctx, email) // created meanwhile by another request
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// APIToken is a personal token a member uses to call the API as themselves, within its scopes.
type APIToken struct {
	ID         int64
	Name       string
	Scopes     []string // of convene.TokenScopes
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// CreateAPIToken makes a named token for a user with the scopes given (read at least) and returns
// it; only its hash is kept.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name string, scopes ...string) (string, error) {
	name = strings.TrimSpace(name)
	var fields []convene.FieldError
	if name == "" || len([]rune(name)) > 80 {
		fields = append(fields, convene.FieldError{Field: "name", Key: "token.name.invalid"})
	}
	scopes, ok := convene.NormalizeScopes(scopes)
	if !ok {
		fields = append(fields, convene.FieldError{Field: "scopes", Key: "token.scopes.invalid"})
	}
	if len(fields) > 0 {
		return "", convene.Invalid("form.invalid", nil, fields...)
	}
	raw, _ := newSecret()
	raw = "cv_" + raw // recognizable in a leaked-secret scan
	hash := hashSecret(raw)
	_, err := s.read().exec(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, scopes) VALUES (?, ?, ?, ?, ?)`,
		userID, name, hash, s.now(), strings.Join(scopes, " "))
	return raw, err
}

// tokenUseResolution is how precisely a token's last use is recorded.
const tokenUseResolution = time.Minute

// UserByAPIToken finds whose token this is and what it may do, and notes its use.
func (s *Store) UserByAPIToken(ctx context.Context, raw string) (*convene.User, []string, error) {
	hash := hashSecret(raw)
	var scopes string
	var last sql.NullTime
	u, err := scanUser(scanMore{s.read().row(ctx, `SELECT `+prefixed("u.", userColumns)+`, t.scopes, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hash), []any{&scopes, &last}})
	if err != nil {
		return nil, nil, notFound(err, "token.invalid")
	}
	// When a token was last used is kept to the minute, as sessions are: a write on every API
	// request would queue every client behind the database's writer.
	if now := s.now(); !last.Valid || now.Sub(last.Time) >= tokenUseResolution {
		_, _ = s.read().exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?`, now, hash)
	}
	return u, strings.Fields(scopes), nil
}

// APITokens lists a user's tokens (never the tokens themselves).
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.read().query(ctx, `SELECT id, name, scopes, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var last sql.NullTime
		var scopes string
		if err := rows.Scan(&t.ID, &t.Name, &scopes, &t.CreatedAt, &last); err != nil {
			return nil, err
		}
		t.Scopes = strings.Fields(scopes)
		t.LastUsedAt = timePtr(last)
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteAPIToken revokes one of a user's tokens.
func (s *Store) DeleteAPIToken(ctx context.Context, userID, tokenID int64) error {
	res, err := s.read().exec(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, tokenID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convene.NotFound("token.not_found")
	}
	return nil
}

// Setting reads an instance setting, or "" when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.read().row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err != nil && notFound(err, "") != err {
		return "", nil
	}
	return v, err
}

// InitSetting returns an instance setting, storing value first when it is unset: the first
// instance to start decides, and later starts (on any address, any machine) read the same value.
func (s *Store) InitSetting(ctx context.Context, key, value string) (string, error) {
	if _, err := s.read().exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", err
	}
	var v string
	err := s.read().row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	return v, err
}

// SetSetting stores an instance setting.
// SetSettings stores several instance settings at once, all or none.
func (s *Store) SetSettings(ctx context.Context, values map[string]string) error {
	return s.inTx(ctx, func(tx conn) error {
		for key, value := range values {
			if _, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.read().exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
