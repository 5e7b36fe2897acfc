package store_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func mustKey(t *testing.T, err error, key string) {
	t.Helper()
	e, ok := convene.AsError(err)
	if !ok || e.Key != key {
		t.Fatalf("error %v, want key %q", err, key)
	}
}

func TestAttendanceUploadsAndRecords(t *testing.T) {
	clock := &movableClock{}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		clock.t = utc("2019-11-01T00:00:00Z")
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		held := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-10-09T16:00:00Z"), DurationMinutes: 60}
		future := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-11-13T17:00:00Z"), DurationMinutes: 60}
		cancelled := &convene.Call{SeriesID: sr.ID, StartsAt: utc("2019-09-11T16:00:00Z"), DurationMinutes: 60}
		for _, call := range []*convene.Call{held, future, cancelled} {
			if err := s.CreateCall(ctx, call); err != nil {
				t.Fatal(err)
			}
		}
		cancelled.Status = convene.CallCancelled
		if err := s.UpdateCall(ctx, cancelled); err != nil {
			t.Fatal(err)
		}
		alice := person(t, s, "Alice Martin", func(u *convene.User) { u.Jurisdiction, u.Sector = "ON", "government" })
		bob := person(t, s, "Bob Tremblay", func(u *convene.User) { u.Jurisdiction, u.Sector = "QC", "academia" })
		twinA := person(t, s, "Sam Lee", nil)
		stranger := person(t, s, "Dana Outsider", nil)
		for _, u := range []*convene.User{alice, bob, twinA} {
			if _, err := s.JoinCommunity(ctx, c.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		twinB := &convene.User{Email: "sam.lee2@example.org", Name: "sam  LEE", Confirmed: true}
		if err := s.CreateUser(ctx, twinB); err != nil {
			t.Fatal(err)
		}
		if _, err := s.JoinCommunity(ctx, c.ID, twinB.ID); err != nil {
			t.Fatal(err)
		}

		// Uploads: only for a held call, found again only by their uploader for their call.
		_, err := s.SaveAttendanceUpload(ctx, future.ID, alice.ID, "report")
		mustKey(t, err, "attendance.not_held")
		_, err = s.SaveAttendanceUpload(ctx, cancelled.ID, alice.ID, "report")
		mustKey(t, err, "attendance.not_held")
		token, err := s.SaveAttendanceUpload(ctx, held.ID, alice.ID, "the report")
		if err != nil {
			t.Fatal(err)
		}
		up, err := s.AttendanceUploadFor(ctx, token, held.ID, alice.ID)
		if err != nil || up.Report != "the report" {
			t.Fatalf("upload %+v, %v", up, err)
		}
		_, err = s.AttendanceUploadFor(ctx, token, held.ID, bob.ID)
		mustCode(t, err, convene.ENOTFOUND)
		_, err = s.AttendanceUploadFor(ctx, token, future.ID, alice.ID)
		mustCode(t, err, convene.ENOTFOUND)
		var stored string
		if err := s.DB().QueryRowContext(ctx, `SELECT token FROM attendance_uploads`).Scan(&stored); err != nil || stored == token {
			t.Fatalf("the token is stored as given (%v)", err)
		}
		// A day later it is gone, and a new upload sweeps it away.
		clock.t = clock.t.Add(25 * time.Hour)
		_, err = s.AttendanceUploadFor(ctx, token, held.ID, alice.ID)
		mustCode(t, err, convene.ENOTFOUND)
		if err := s.DeleteOldAttendanceUploads(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM attendance_uploads`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d uploads left (%v)", n, err)
		}
		if n, _ := s.AttendanceCount(ctx, held.ID); n != 0 {
			t.Fatalf("uploading stored %d attendance records", n)
		}

		// Matching: email first, then name (whatever its accents and case), then original name; a
		// shared name matches nobody. Someone with an account here but not a member is named, to
		// be invited to claim their attendance, and not matched.
		ps := []convene.Participant{
			{Name: "Al's iPad", OriginalName: "Someone", Email: "ALICE.MARTIN@example.org", Minutes: 50},
			{Name: "  bob   TREMBLAY ", Minutes: 40},
			{Name: "Phone 1", OriginalName: "Alice Martin", Minutes: 5},
			{Name: "Sam Lee", Minutes: 30},
			{Name: "Dana Outsider", Email: "dana.outsider@example.org", Minutes: 20},
			{Name: "Guest Person", Minutes: 10},
			{Name: "Bób  TRÉMBLAY", Minutes: 12},
		}
		ms, err := s.MatchParticipants(ctx, c.ID, ps)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ParticipantMatch{{UserID: alice.ID, UserName: "Alice Martin", By: store.MatchEmail},
			{UserID: bob.ID, UserName: "Bob Tremblay", By: store.MatchName}, {UserID: alice.ID, UserName: "Alice Martin", By: store.MatchOriginalName},
			{}, {AccountName: "Dana Outsider"}, {}, {UserID: bob.ID, UserName: "Bob Tremblay", By: store.MatchName}}
		for i := range want {
			if ms[i] != want[i] {
				t.Errorf("row %d matched %+v, want %+v", i, ms[i], want[i])
			}
		}

		// Recording: members get their profile's jurisdiction and sector, guests their name.
		list := []convene.Attendance{
			{UserID: alice.ID, Source: convene.AttendanceReport, Minutes: 50},
			{UserID: bob.ID, Source: convene.AttendanceReport, Minutes: 40},
			{UserID: alice.ID, Source: convene.AttendanceReport, Minutes: 5}, // her phone: one record, the longest
			{PersonKey: convene.GuestKey("", "Guest Person"), GuestName: "Guest Person", Source: convene.AttendanceReport, Minutes: 10},
		}
		_, err = s.RecordAttendance(ctx, future.ID, list)
		mustKey(t, err, "attendance.not_held")
		_, err = s.RecordAttendance(ctx, held.ID, append(list, convene.Attendance{UserID: stranger.ID, Source: convene.AttendanceReport}))
		mustKey(t, err, "attendance.not_member")
		if n, _ := s.AttendanceCount(ctx, held.ID); n != 0 {
			t.Fatalf("a refused import stored %d records", n)
		}
		res, err := s.RecordAttendance(ctx, held.ID, list)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 3 || res.AlreadyThere != 0 || !res.New[convene.MemberKey(alice.ID)] || !res.New[convene.GuestKey("", "Guest Person")] {
			t.Fatalf("first import: %+v", res)
		}
		// Re-importing changes nothing.
		res, err = s.RecordAttendance(ctx, held.ID, list)
		if err != nil || res.Added != 0 || res.AlreadyThere != 3 || len(res.New) != 0 {
			t.Fatalf("second import: %+v, %v", res, err)
		}
		// Bob says he attended: his report row stays. Sam checks in, then says so too: still a check-in.
		if added, err := s.SelfReport(ctx, held.ID, bob.ID); err != nil || added {
			t.Fatalf("self-report over a report: %v %v", added, err)
		}
		if added, err := s.CheckIn(ctx, held.ID, twinA.ID); err != nil || !added {
			t.Fatalf("check-in: %v %v", added, err)
		}
		if added, err := s.SelfReport(ctx, held.ID, twinA.ID); err != nil || added {
			t.Fatalf("self-report after check-in: %v %v", added, err)
		}
		_, err = s.SelfReport(ctx, held.ID, stranger.ID)
		mustKey(t, err, "attendance.not_member")
		_, err = s.SelfReport(ctx, future.ID, bob.ID)
		mustKey(t, err, "attendance.not_held")
		if added, err := s.SelfReport(ctx, held.ID, twinB.ID); err != nil || !added {
			t.Fatalf("self-report: %v %v", added, err)
		}

		got, err := s.CallAttendance(ctx, held.ID)
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, a := range got {
			rows = append(rows, strings.Join([]string{a.UserName, a.GuestName, a.Source, a.Jurisdiction, a.Sector}, "|")+"|"+
				map[bool]string{true: "member", false: "guest"}[a.UserID != 0])
		}
		sort.Strings(rows) // the engines' collations order "Sam Lee" and "sam  LEE" differently
		wantRows := "Alice Martin||report|ON|government|member,Bob Tremblay||report|QC|academia|member," +
			"Sam Lee||checkin|||member,sam  LEE||self|||member,|Guest Person|report|||guest"
		if strings.Join(rows, ",") != wantRows {
			t.Fatalf("attendance:\n%s\nwant\n%s", strings.Join(rows, ","), wantRows)
		}
		if got[0].UserID != alice.ID || got[0].Minutes != 50 {
			t.Fatalf("Alice's minutes: %d", got[0].Minutes)
		}
		if n, _ := s.AttendanceCount(ctx, held.ID); n != 5 {
			t.Fatalf("count %d", n)
		}
		mine, err := s.MyAttendance(ctx, held.ID, twinB.ID)
		if err != nil || mine.Source != convene.AttendanceSelf {
			t.Fatalf("mine: %+v %v", mine, err)
		}
		_, err = s.MyAttendance(ctx, held.ID, stranger.ID)
		mustCode(t, err, convene.ENOTFOUND)

		// A person's own attendance, and their export.
		own, err := s.PersonAttendance(ctx, alice.ID)
		if err != nil || len(own) != 1 || own[0].CallID != held.ID || own[0].Community != "ogc" || own[0].Minutes != 50 || own[0].Call != sr.Title {
			t.Fatalf("own: %+v %v", own, err)
		}
		data, err := s.ExportPersonalData(ctx, alice.ID)
		if err != nil || len(data.Attendance) != 1 || data.Attendance[0].Source != convene.AttendanceReport {
			t.Fatalf("export: %+v %v", data, err)
		}

		// Removing a record; another community cannot.
		other, _ := seedSeries(t, s, "other")
		mustCode(t, s.RemoveAttendance(ctx, other.ID, held.ID, got[1].ID), convene.ENOTFOUND)
		if err := s.RemoveAttendance(ctx, c.ID, held.ID, got[1].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.AttendanceCount(ctx, held.ID); n != 4 {
			t.Fatalf("count after removal %d", n)
		}
		// A member who deletes their account leaves an anonymous record.
		if err := s.DeleteUser(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.CallAttendance(ctx, held.ID)
		if len(got) != 4 || got[0].UserID != 0 || got[0].UserName != "" || got[0].GuestName != "" {
			t.Fatalf("after deletion: %+v", got[0])
		}
	})
}

// TestFirstAttendanceFollowsRecords checks each person's first call in the community is the
// earliest whatever order reports are recorded in, and moves on when that record is removed.
func TestFirstAttendanceFollowsRecords(t *testing.T) {
	clock := &movableClock{}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		clock.t = utc("2019-12-01T00:00:00Z")
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		var calls []*convene.Call
		for _, at := range []string{"2019-09-11T16:00:00Z", "2019-10-09T16:00:00Z", "2019-11-13T17:00:00Z"} {
			call := &convene.Call{SeriesID: sr.ID, StartsAt: utc(at), DurationMinutes: 60}
			if err := s.CreateCall(ctx, call); err != nil {
				t.Fatal(err)
			}
			calls = append(calls, call)
		}
		alice := person(t, s, "Alice Martin", nil)
		if _, err := s.JoinCommunity(ctx, c.ID, alice.ID); err != nil {
			t.Fatal(err)
		}
		guest := convene.Attendance{GuestName: "Quiet Guest", Source: convene.AttendanceReport}
		record := func(call *convene.Call, who ...convene.Attendance) {
			t.Helper()
			if _, err := s.RecordAttendance(ctx, call.ID, who); err != nil {
				t.Fatal(err)
			}
		}
		firsts := func() map[string]int64 { // person's name → the call counted as their first
			t.Helper()
			out := map[string]int64{}
			for _, call := range calls {
				list, _, err := s.ReachPeople(ctx, c, convene.ReachFilter{}, convene.ReachPeopleFilter{Kind: convene.ReachFirstTime, CallID: call.ID})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range list {
					if _, twice := out[p.Name]; twice {
						t.Fatalf("%s has two first calls", p.Name)
					}
					out[p.Name] = call.ID
				}
			}
			return out
		}
		// The October report first, then September's, then November's.
		record(calls[1], convene.Attendance{UserID: alice.ID, Source: convene.AttendanceReport}, guest)
		if f := firsts(); f["Alice Martin"] != calls[1].ID || f["Quiet Guest"] != calls[1].ID {
			t.Fatalf("after October: %v", f)
		}
		record(calls[0], convene.Attendance{UserID: alice.ID, Source: convene.AttendanceReport})
		record(calls[2], convene.Attendance{UserID: alice.ID, Source: convene.AttendanceCheckIn}, guest)
		if f := firsts(); f["Alice Martin"] != calls[0].ID || f["Quiet Guest"] != calls[1].ID {
			t.Fatalf("after all three: %v", f)
		}
		// Removing Alice's September record makes October her first.
		list, _ := s.CallAttendance(ctx, calls[0].ID)
		if err := s.RemoveAttendance(ctx, c.ID, calls[0].ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if f := firsts(); f["Alice Martin"] != calls[1].ID {
			t.Fatalf("after removing September: %v", f)
		}
	})
}
