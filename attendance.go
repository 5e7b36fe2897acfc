package convene

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// How an attendance record came to be.
const (
	AttendanceReport  = "report"  // from the video provider's participant report
	AttendanceCheckIn = "checkin" // an organizer checked the person in
	AttendanceSelf    = "self"    // the person said "I attended"
)

// AttendanceSources lists the ways attendance is recorded.
var AttendanceSources = []string{AttendanceReport, AttendanceCheckIn, AttendanceSelf}

// Attendance is one person's presence at a held call. Individual records are private: only
// organizers and the person see them; everyone else sees counts.
type Attendance struct {
	ID           int64
	CommunityID  int64
	CallID       int64
	PersonKey    string // MemberKey or GuestKey: who, without personal data
	UserID       int64  // 0 for a guest, or once the member deleted their account
	UserName     string // read only: the member's name
	GuestName    string // a guest's name as the report gave it
	Jurisdiction string // the person's at the time
	Sector       string
	Source       string
	Mode         string // AttendOnline or AttendInPerson: how they took part
	Minutes      int
	CreatedAt    time.Time
}

// MemberKey names a member in attendance.
func MemberKey(userID int64) string { return "u:" + strconv.FormatInt(userID, 10) }

// GuestKey names a guest in attendance by their address or, without one, their name, hashed so
// the key carries no personal data; the same guest gets the same key in every report.
func GuestKey(email, name string) string {
	id := strings.ToLower(strings.TrimSpace(email))
	if id == "" {
		id = "name:" + strings.ToLower(strings.Join(strings.Fields(name), " "))
	}
	sum := sha256.Sum256([]byte(id))
	return "g:" + hex.EncodeToString(sum[:12])
}

// MaxReportBytes is the largest participant report an organizer may upload.
const MaxReportBytes = 10 << 20

// SmallCount is the smallest count shown publicly: fewer people than this could be identified, so
// public views show "fewer than 5" instead.
const SmallCount = 5

// AttendanceModeAt is how someone took part in a call, from how it took place, how the record
// came to be and how they registered (regMode, "" for no registration): a participant report is
// of the video call; at a hybrid call a check-in or their own word follows their registration,
// and a check-in without one was in the room.
func AttendanceModeAt(call *Call, source, regMode string) string {
	switch {
	case call.Mode() != CallHybrid:
		return call.AttendanceModes()[0]
	case source == AttendanceReport:
		return AttendOnline
	case regMode != "":
		return regMode
	case source == AttendanceCheckIn:
		return AttendInPerson
	}
	return AttendOnline
}
