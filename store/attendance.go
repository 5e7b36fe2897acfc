package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// uploadTTL is how long an uploaded participant report waits for its organizer to confirm it.
const uploadTTL = 24 * time.Hour

// attendanceBatch is how many rows one INSERT or IN list carries, well under both engines'
// limits on parameters.
const attendanceBatch = 500

// AttendanceUpload is a participant report an organizer uploaded for a call and has not confirmed yet.
type AttendanceUpload struct {
	CallID     int64
	UploadedBy int64
	Report     string
	CreatedAt  time.Time
}

// RecordedAttendance says what RecordAttendance did: which people it added, and how many it found
// recorded already.
type RecordedAttendance struct {
	New          map[string]bool // person keys added by this call
	Added        int
	AlreadyThere int
}

// ParticipantMatch is the member a row of a participant report was matched to, and how.
type ParticipantMatch struct {
	UserID   int64  // 0 when no member matched
	UserName string // the member's name
	By       string // MatchEmail, MatchName or MatchOriginalName; "" when unmatched
	// AccountName is set when no member matched but the participant's address is an account's on
	// this instance, someone who is not a member: they may be invited to claim their attendance.
	AccountName string
}

// How a participant was matched to a member.
const (
	MatchEmail        = "email"
	MatchName         = "name"
	MatchOriginalName = "original"
)

// PersonalAttendance is one call a person attended, as they see it on their own pages and export.
type PersonalAttendance struct {
	CallID    int64     `json:"call_id"`
	Community string    `json:"community"`
	Call      string    `json:"call"`
	StartsAt  time.Time `json:"starts_at"`
	Source    string    `json:"source"`
	Minutes   int       `json:"minutes"`
}

// heldCall reads a call for recording attendance and refuses one that was cancelled or has not
// ended by now.
func heldCall(ctx context.Context, tx conn, callID int64, now time.Time) (*convene.Call, error) {
	c, err := scanCall(tx.row(ctx, `SELECT `+callColumns+callFrom+` WHERE c.id = ?`, callID))
	if err != nil {
		return nil, notFound(err, "call.not_found")
	}
	if c.StatusAt(now) != convene.CallHeld {
		return nil, convene.Invalid("attendance.not_held", nil)
	}
	return c, nil
}

// SaveAttendanceUpload keeps a participant report for a held call until its uploader confirms it,
// and returns the token that finds it again. Uploads older than a day are removed on the way.
func (s *Store) SaveAttendanceUpload(ctx context.Context, callID, uploaderID int64, report string) (string, error) {
	now := s.now()
	raw, hash := newSecret()
	err := s.inTx(ctx, func(tx conn) error {
		if _, err := heldCall(ctx, tx, callID, now); err != nil {
			return err
		}
		if err := deleteOldUploads(ctx, tx, now); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO attendance_uploads (token, call_id, uploaded_by, report, created_at) VALUES (?, ?, ?, ?, ?)`,
			hash, callID, uploaderID, report, now)
		return err
	})
	if err != nil {
		return "", err
	}
	return raw, nil
}

// AttendanceUploadFor finds a pending upload by its token, for its call and its uploader only.
func (s *Store) AttendanceUploadFor(ctx context.Context, token string, callID, uploaderID int64) (*AttendanceUpload, error) {
	if token == "" {
		return nil, convene.NotFound("attendance.upload.not_found")
	}
	var u AttendanceUpload
	err := s.read().row(ctx, `SELECT call_id, uploaded_by, report, created_at FROM attendance_uploads
		WHERE token = ? AND call_id = ? AND uploaded_by = ? AND created_at > ?`, hashSecret(token), callID, uploaderID, s.now().Add(-uploadTTL)).
		Scan(&u.CallID, &u.UploadedBy, &u.Report, &u.CreatedAt)
	if err != nil {
		return nil, notFound(err, "attendance.upload.not_found")
	}
	return &u, nil
}

// DeleteAttendanceUpload forgets a pending upload once it has been confirmed.
func (s *Store) DeleteAttendanceUpload(ctx context.Context, token string) error {
	_, err := s.read().exec(ctx, `DELETE FROM attendance_uploads WHERE token = ?`, hashSecret(token))
	return err
}

// DeleteOldAttendanceUploads removes the uploads nobody confirmed within a day.
func (s *Store) DeleteOldAttendanceUploads(ctx context.Context) error {
	return deleteOldUploads(ctx, s.read(), s.now())
}

func deleteOldUploads(ctx context.Context, c conn, now time.Time) error {
	_, err := c.exec(ctx, `DELETE FROM attendance_uploads WHERE created_at <= ?`, now.Add(-uploadTTL))
	return err
}

// RecordAttendance stores people's presence at a held call in one transaction. A person already
// recorded for the call keeps their record (re-importing a report, or a self-report after a
// check-in, changes nothing). Members must belong to the call's community; their jurisdiction and
// sector are copied from their profile as it is now.
func (s *Store) RecordAttendance(ctx context.Context, callID int64, list []convene.Attendance) (*RecordedAttendance, error) {
	return s.RecordAttendanceProgress(ctx, callID, list, nil)
}

// RecordAttendanceProgress is RecordAttendance telling progress, when not nil, how many records
// each batch of the one transaction wrote, for a progress bar.
func (s *Store) RecordAttendanceProgress(ctx context.Context, callID int64, list []convene.Attendance, progress func(n int)) (*RecordedAttendance, error) {
	now := s.now()
	res := &RecordedAttendance{New: map[string]bool{}}
	err := s.inTx(ctx, func(tx conn) error {
		call, err := heldCall(ctx, tx, callID, now)
		if err != nil {
			return err
		}
		rows, err := attendanceRows(list)
		if err != nil {
			return err
		}
		if err := fillProfiles(ctx, tx, call, rows); err != nil {
			return err
		}
		for start := 0; start < len(rows); start += attendanceBatch {
			batch := rows[start:min(start+attendanceBatch, len(rows))]
			q := `INSERT INTO attendance (community_id, call_id, person_key, user_id, guest_name, jurisdiction, sector, source, minutes, created_at, mode) VALUES ` +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(batch)), ", ") +
				` ON CONFLICT (call_id, person_key) DO NOTHING RETURNING person_key`
			args := make([]any, 0, len(batch)*11)
			for _, a := range batch {
				var user any
				if a.UserID != 0 {
					user = a.UserID
				}
				args = append(args, call.CommunityID, callID, a.PersonKey, user, a.GuestName, a.Jurisdiction, a.Sector, a.Source, a.Minutes, now,
					convene.AttendanceModeAt(call, a.Source, a.Mode))
			}
			added, err := tx.query(ctx, q, args...)
			if err != nil {
				return err
			}
			err = collect(added, func(r interface{ Scan(...any) error }) (string, error) {
				var key string
				return key, r.Scan(&key)
			}, func(key string) { res.New[key] = true })
			if err != nil {
				return err
			}
			if progress != nil {
				progress(len(batch))
			}
		}
		res.Added, res.AlreadyThere = len(res.New), len(rows)-len(res.New)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// attendanceRows checks the records to store and keeps one per person: the longest presence.
func attendanceRows(list []convene.Attendance) ([]*convene.Attendance, error) {
	byKey := map[string]*convene.Attendance{}
	var rows []*convene.Attendance
	for _, in := range list {
		a := in
		switch {
		case a.Source != convene.AttendanceReport && a.Source != convene.AttendanceCheckIn && a.Source != convene.AttendanceSelf:
			return nil, convene.Invalid("attendance.source.invalid", nil)
		case a.Minutes < 0:
			return nil, convene.Invalid("attendance.minutes.invalid", nil)
		case a.UserID != 0:
			a.PersonKey, a.GuestName = convene.MemberKey(a.UserID), ""
		case strings.TrimSpace(a.GuestName) == "" || (a.PersonKey != "" && !strings.HasPrefix(a.PersonKey, "g:")):
			return nil, convene.Invalid("attendance.guest.invalid", nil)
		default:
			a.GuestName = strings.TrimSpace(a.GuestName)
			if a.PersonKey == "" {
				a.PersonKey = convene.GuestKey("", a.GuestName)
			}
			if len([]rune(a.GuestName)) > convene.MaxName {
				a.GuestName = string([]rune(a.GuestName)[:convene.MaxName])
			}
		}
		if prev, ok := byKey[a.PersonKey]; ok {
			prev.Minutes = max(prev.Minutes, a.Minutes)
			continue
		}
		byKey[a.PersonKey] = &a
		rows = append(rows, &a)
	}
	return rows, nil
}

// fillProfiles copies each member's jurisdiction and sector into their record, refusing anyone
// who is not a member of the community.
func fillProfiles(ctx context.Context, tx conn, call *convene.Call, rows []*convene.Attendance) error {
	byUser := map[int64]*convene.Attendance{}
	var ids []any
	for _, a := range rows {
		if a.UserID != 0 {
			byUser[a.UserID] = a
			ids = append(ids, a.UserID)
		}
	}
	found := 0
	for start := 0; start < len(ids); start += attendanceBatch {
		batch := ids[start:min(start+attendanceBatch, len(ids))]
		list, err := tx.query(ctx, `SELECT u.id, u.jurisdiction, u.sector, COALESCE(r.mode, '') FROM users u
			JOIN memberships m ON m.user_id = u.id AND m.community_id = ?
			LEFT JOIN registrations r ON r.call_id = ? AND r.user_id = u.id AND r.status = 'registered'
			WHERE u.id IN (`+placeholders(len(batch))+`)`, append([]any{call.CommunityID, call.ID}, batch...)...)
		if err != nil {
			return err
		}
		err = collect(list, func(r interface{ Scan(...any) error }) (*convene.Attendance, error) {
			var id int64
			var j, sector, mode string
			if err := r.Scan(&id, &j, &sector, &mode); err != nil {
				return nil, err
			}
			a := byUser[id]
			if a != nil {
				a.Jurisdiction, a.Sector, a.Mode = j, sector, mode // the mode they registered in
			}
			return a, nil
		}, func(a *convene.Attendance) {
			if a != nil {
				found++
			}
		})
		if err != nil {
			return err
		}
	}
	if found != len(byUser) {
		return convene.Invalid("attendance.not_member", nil)
	}
	return nil
}

// CheckIn records that an organizer saw a member at a held call; it returns whether the record is new.
func (s *Store) CheckIn(ctx context.Context, callID, userID int64) (bool, error) {
	res, err := s.RecordAttendance(ctx, callID, []convene.Attendance{{UserID: userID, Source: convene.AttendanceCheckIn}})
	if err != nil {
		return false, err
	}
	return res.Added == 1, nil
}

// SelfReport records a member's own word that they attended a held call of their community; a
// record from a report or a check-in stays as it was. It returns whether the record is new.
func (s *Store) SelfReport(ctx context.Context, callID, userID int64) (bool, error) {
	res, err := s.RecordAttendance(ctx, callID, []convene.Attendance{{UserID: userID, Source: convene.AttendanceSelf}})
	if err != nil {
		return false, err
	}
	return res.Added == 1, nil
}

// RemoveAttendance deletes one record of a call of the community.
func (s *Store) RemoveAttendance(ctx context.Context, communityID, callID, id int64) error {
	res, err := s.read().exec(ctx, `DELETE FROM attendance WHERE id = ? AND call_id = ? AND community_id = ?`, id, callID, communityID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return convene.NotFound("attendance.not_found")
	}
	return nil
}

const attendanceColumns = `a.id, a.community_id, a.call_id, a.person_key, COALESCE(a.user_id, 0), COALESCE(u.name, ''), a.guest_name,
	a.jurisdiction, a.sector, a.source, a.minutes, a.created_at`

func scanAttendance(row interface{ Scan(...any) error }) (*convene.Attendance, error) {
	var a convene.Attendance
	err := row.Scan(&a.ID, &a.CommunityID, &a.CallID, &a.PersonKey, &a.UserID, &a.UserName, &a.GuestName,
		&a.Jurisdiction, &a.Sector, &a.Source, &a.Minutes, &a.CreatedAt)
	if err != nil {
		return nil, err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// CallAttendance lists who attended a call, by name: members with their names, guests with the
// name the report gave. Only organizers may see it.
func (s *Store) CallAttendance(ctx context.Context, callID int64) ([]*convene.Attendance, error) {
	rows, err := s.read().query(ctx, `SELECT `+attendanceColumns+` FROM attendance a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.call_id = ? ORDER BY COALESCE(u.name, a.guest_name), a.id`, callID)
	if err != nil {
		return nil, err
	}
	var out []*convene.Attendance
	return out, collect(rows, scanAttendance, func(a *convene.Attendance) { out = append(out, a) })
}

// AttendanceCount is how many people attended a call: the only figure everyone may see.
func (s *Store) AttendanceCount(ctx context.Context, callID int64) (int, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM attendance WHERE call_id = ?`, callID).Scan(&n)
	return n, err
}

// MyAttendance is a member's own record for a call, or ENOTFOUND.
func (s *Store) MyAttendance(ctx context.Context, callID, userID int64) (*convene.Attendance, error) {
	a, err := scanAttendance(s.read().row(ctx, `SELECT `+attendanceColumns+` FROM attendance a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.call_id = ? AND a.person_key = ?`, callID, convene.MemberKey(userID)))
	return a, notFound(err, "attendance.not_found")
}

// PersonAttendance lists the calls a member attended, most recent first, for their own pages and
// their personal data export.
func (s *Store) PersonAttendance(ctx context.Context, userID int64) ([]PersonalAttendance, error) {
	rows, err := s.read().query(ctx, `SELECT a.call_id, co.slug, CASE WHEN c.title <> '' THEN c.title ELSE sr.title END, c.starts_at, a.source, a.minutes
		FROM attendance a JOIN calls c ON c.id = a.call_id JOIN series sr ON sr.id = c.series_id JOIN communities co ON co.id = a.community_id
		WHERE a.person_key = ? AND a.user_id = ? ORDER BY c.starts_at DESC, a.id`, convene.MemberKey(userID), userID)
	if err != nil {
		return nil, err
	}
	out := []PersonalAttendance{}
	return out, collect(rows, func(r interface{ Scan(...any) error }) (PersonalAttendance, error) {
		var p PersonalAttendance
		err := r.Scan(&p.CallID, &p.Community, &p.Call, &p.StartsAt, &p.Source, &p.Minutes)
		p.StartsAt = p.StartsAt.UTC()
		return p, err
	}, func(p PersonalAttendance) { out = append(out, p) })
}

// MatchParticipants matches each participant of a report to a member of the community: by email
// (case-insensitive), then by display name, then by original name (case-insensitive, spaces
// normalized). A name two members share matches nobody. It runs one query for the addresses and
// one for the names, whatever the size of the report.
func (s *Store) MatchParticipants(ctx context.Context, communityID int64, ps []convene.Participant) ([]ParticipantMatch, error) {
	out := make([]ParticipantMatch, len(ps))
	c := s.read()
	var emails []any
	seen := map[string]bool{}
	for _, p := range ps {
		if e := convene.NormalizeEmail(p.Email); e != "" && !seen[e] {
			seen[e] = true
			emails = append(emails, e)
		}
	}
	byEmail := map[string]ParticipantMatch{}
	for start := 0; start < len(emails); start += attendanceBatch * 10 {
		batch := emails[start:min(start+attendanceBatch*10, len(emails))]
		rows, err := c.query(ctx, `SELECT u.id, u.name, u.email FROM users u JOIN memberships m ON m.user_id = u.id AND m.community_id = ?
			WHERE u.email IN (`+placeholders(len(batch))+`)`, append([]any{communityID}, batch...)...)
		if err != nil {
			return nil, err
		}
		type addressed struct {
			ParticipantMatch
			email string
		}
		err = collect(rows, func(r interface{ Scan(...any) error }) (addressed, error) {
			m := addressed{ParticipantMatch: ParticipantMatch{By: MatchEmail}}
			return m, r.Scan(&m.UserID, &m.UserName, &m.email)
		}, func(m addressed) { byEmail[m.email] = m.ParticipantMatch })
		if err != nil {
			return nil, err
		}
	}
	unmatched := false
	for i, p := range ps {
		if m, ok := byEmail[convene.NormalizeEmail(p.Email)]; ok {
			out[i] = m
		} else {
			unmatched = true
		}
	}
	if !unmatched {
		return out, nil
	}
	byName := map[string]ParticipantMatch{}
	rows, err := c.query(ctx, `SELECT u.id, u.name FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.community_id = ?`, communityID)
	if err != nil {
		return nil, err
	}
	err = collect(rows, func(r interface{ Scan(...any) error }) (ParticipantMatch, error) {
		var m ParticipantMatch
		return m, r.Scan(&m.UserID, &m.UserName)
	}, func(m ParticipantMatch) {
		key := matchName(m.UserName)
		if prev, taken := byName[key]; taken && prev.UserID != m.UserID {
			m.UserID = 0 // two members by this name: neither is matched by it
		}
		byName[key] = m
	})
	if err != nil {
		return nil, err
	}
	for i, p := range ps {
		if out[i].UserID != 0 {
			continue
		}
		if m, ok := byName[matchName(p.Name)]; ok && m.UserID != 0 && p.Name != "" {
			m.By = MatchName
			out[i] = m
		} else if m, ok := byName[matchName(p.OriginalName)]; ok && m.UserID != 0 && p.OriginalName != "" {
			m.By = MatchOriginalName
			out[i] = m
		}
	}
	return out, matchAccounts(ctx, c, ps, out)
}

// matchAccounts names, for each participant still unmatched, the account on the instance their
// address belongs to, if any.
func matchAccounts(ctx context.Context, c conn, ps []convene.Participant, out []ParticipantMatch) error {
	var emails []any
	seen := map[string]bool{}
	for i, p := range ps {
		if e := convene.NormalizeEmail(p.Email); out[i].UserID == 0 && e != "" && !seen[e] {
			seen[e] = true
			emails = append(emails, e)
		}
	}
	names := map[string]string{}
	for start := 0; start < len(emails); start += attendanceBatch * 10 {
		batch := emails[start:min(start+attendanceBatch*10, len(emails))]
		rows, err := c.query(ctx, `SELECT email, name FROM users WHERE email IN (`+placeholders(len(batch))+`)`, batch...)
		if err != nil {
			return err
		}
		err = collect(rows, func(r interface{ Scan(...any) error }) ([2]string, error) {
			var v [2]string
			return v, r.Scan(&v[0], &v[1])
		}, func(v [2]string) { names[v[0]] = v[1] })
		if err != nil {
			return err
		}
	}
	for i, p := range ps {
		if out[i].UserID == 0 {
			out[i].AccountName = names[convene.NormalizeEmail(p.Email)]
		}
	}
	return nil
}

// Choices for a participant nobody matched, besides a member's id.
const (
	ChoiceGuest  = "guest"  // record them as a guest, by the name the report gives
	ChoiceIgnore = "ignore" // record nothing
)

// ReportAttendance turns a matched report into attendance records: matched participants as
// members, the others as choose says for each row (ChoiceGuest, ChoiceIgnore or a member's id).
func ReportAttendance(ps []convene.Participant, ms []ParticipantMatch, choose func(i int) (string, error)) ([]convene.Attendance, error) {
	var out []convene.Attendance
	for i, p := range ps {
		if ms[i].UserID != 0 {
			out = append(out, convene.Attendance{UserID: ms[i].UserID, Source: convene.AttendanceReport, Minutes: p.Minutes})
			continue
		}
		choice, err := choose(i)
		if err != nil {
			return nil, err
		}
		switch choice {
		case ChoiceIgnore:
		case ChoiceGuest:
			out = append(out, GuestAttendance(p))
		default:
			id, err := strconv.ParseInt(choice, 10, 64)
			if err != nil || id <= 0 {
				return nil, convene.Invalid("attendance.choice.invalid", nil)
			}
			out = append(out, convene.Attendance{UserID: id, Source: convene.AttendanceReport, Minutes: p.Minutes})
		}
	}
	return out, nil
}

// GuestAttendance is the record of a report's participant kept as a guest: named as the report
// names them (their address when it gives no name), keyed so the same guest is one person in every report.
func GuestAttendance(p convene.Participant) convene.Attendance {
	name := p.Name
	if name == "" {
		name = p.Email
	}
	return convene.Attendance{PersonKey: convene.GuestKey(p.Email, name), GuestName: name, Source: convene.AttendanceReport, Minutes: p.Minutes}
}

// matchName is a name as matching compares it: without accents or case, with single spaces.
func matchName(name string) string { return convene.FoldName(name) }
