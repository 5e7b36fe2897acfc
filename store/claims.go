package store

import (
	"context"
	"time"

	"github.com/opengovcall/convene"
)

// A guest an organizer recorded at a call (someone the participant report named but no member
// matched) may be invited by mail to claim their attendance: the link, single-use like a sign-in
// link but valid for ClaimTTL, gives every call they came to as that guest to an account (theirs,
// or one made for them) and makes it a member of the community, where they can fill in the profile
// that reach reports count. Nothing is linked without them following it.

// TokenClaim is the purpose of a link that claims a guest's attendance.
const TokenClaim = "claim"

// ClaimTTL is how long an invitation to claim attendance works.
const ClaimTTL = 14 * 24 * time.Hour

// ClaimPayload is what an invitation to claim carries: whose attendance, in which community.
type ClaimPayload struct {
	CommunityID int64  `json:"community_id"`
	PersonKey   string `json:"person_key"`
	GuestName   string `json:"guest_name"`
	Lang        string `json:"lang"`
}

// GuestRecord is a guest's attendance at one call, for an organizer to invite them from.
func (s *Store) GuestRecord(ctx context.Context, communityID, callID, recordID int64) (*convene.Attendance, error) {
	a, err := scanAttendance(s.read().row(ctx, `SELECT `+attendanceColumns+` FROM attendance a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.id = ? AND a.call_id = ? AND a.community_id = ? AND a.user_id IS NULL`, recordID, callID, communityID))
	return a, notFound(err, "attendance.not_found")
}

// InviteToClaim stores an invitation for a guest to claim their attendance and writes the mail
// that carries it, in one transaction; mail receives the link's token.
func (s *Store) InviteToClaim(ctx context.Context, email string, p ClaimPayload, mail func(token string) convene.Mail) error {
	if !convene.ValidEmail(convene.NormalizeEmail(email)) {
		return convene.Invalid("form.invalid", nil, convene.FieldError{Field: "email", Key: "email.invalid"})
	}
	return s.CreateAuthToken(ctx, TokenClaim, email, p, ClaimTTL, mail)
}

// GuestCalls lists the held calls a guest came to in a community, oldest first.
func (s *Store) GuestCalls(ctx context.Context, communityID int64, personKey string) ([]*convene.Call, error) {
	rows, err := s.read().query(ctx, `SELECT `+callColumns+callFrom+` WHERE c.id IN
		(SELECT call_id FROM attendance WHERE community_id = ? AND person_key = ?) ORDER BY c.starts_at`, communityID, personKey)
	if err != nil {
		return nil, err
	}
	var out []*convene.Call
	return out, collect(rows, scanCall, func(c *convene.Call) { out = append(out, c) })
}

// ClaimGuestAttendance gives a guest's attendance in a community to an account: the account joins
// the community (an organizer invited it; one they removed may not), and each call the guest came
// to becomes the member's, with the jurisdiction and sector of their profile; where the member's
// own record of a call exists already, the guest's goes. It returns how many calls are theirs now.
func (s *Store) ClaimGuestAttendance(ctx context.Context, communityID int64, personKey string, userID int64) (int, error) {
	if len(personKey) < 3 || personKey[:2] != "g:" {
		return 0, convene.NotFound("attendance.not_found")
	}
	var n int
	err := s.inTx(ctx, func(tx conn) error {
		if err := checkNotBanned(ctx, tx, communityID, userID); err != nil {
			return err
		}
		if err := joinCommunity(ctx, tx, communityID, userID, s.now()); err != nil {
			return err
		}
		var jurisdiction, sector string
		if err := tx.row(ctx, `SELECT jurisdiction, sector FROM users WHERE id = ?`, userID).Scan(&jurisdiction, &sector); err != nil {
			return notFound(err, "user.not_found")
		}
		member := convene.MemberKey(userID)
		if _, err := tx.exec(ctx, `DELETE FROM attendance WHERE community_id = ? AND person_key = ?
			AND call_id IN (SELECT call_id FROM attendance WHERE community_id = ? AND person_key = ?)`, communityID, personKey, communityID, member); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE attendance SET person_key = ?, user_id = ?, guest_name = '', jurisdiction = ?, sector = ?
			WHERE community_id = ? AND person_key = ?`, member, userID, jurisdiction, sector, communityID, personKey); err != nil {
			return err
		}
		return tx.row(ctx, `SELECT COUNT(*) FROM attendance WHERE community_id = ? AND person_key = ?`, communityID, member).Scan(&n)
	})
	return n, err
}
