package store_test

import (
	"context"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// A guest's attendance, claimed, becomes a member's: the account joins, every call the guest came
// to moves with the member's jurisdiction and sector, a call the member was already recorded at
// keeps one record, and someone an organizer removed for good may not claim their way back in.
func TestClaimingAGuestsAttendance(t *testing.T) {
	clock := &movableClock{}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		clock.t = utc("2019-12-01T00:00:00Z")
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		var calls []*convene.Call
		for _, at := range []string{"2019-10-09T16:00:00Z", "2019-11-13T17:00:00Z"} {
			call := &convene.Call{SeriesID: sr.ID, StartsAt: utc(at), DurationMinutes: 60}
			if err := s.CreateCall(ctx, call); err != nil {
				t.Fatal(err)
			}
			calls = append(calls, call)
		}
		guest := store.GuestAttendance(convene.Participant{Name: "Leah K.", Email: "leah@example.org", Minutes: 40})
		for _, call := range calls {
			if _, err := s.RecordAttendance(ctx, call.ID, []convene.Attendance{guest}); err != nil {
				t.Fatal(err)
			}
		}
		leah := person(t, s, "Leah Kilabuk", func(u *convene.User) {
			u.Jurisdiction, u.Municipality, u.Province, u.Sector = "municipal", "Iqaluit", "NU", "government"
		})
		// Leah joined on her own and was checked in at the second call already.
		if _, err := s.JoinCommunity(ctx, c.ID, leah.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckIn(ctx, calls[1].ID, leah.ID); err != nil {
			t.Fatal(err)
		}

		if _, err := s.ClaimGuestAttendance(ctx, c.ID, convene.MemberKey(leah.ID), leah.ID); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Fatalf("claiming a member's record: %v", err)
		}
		n, err := s.ClaimGuestAttendance(ctx, c.ID, guest.PersonKey, leah.ID)
		if err != nil || n != 2 {
			t.Fatalf("claimed %d calls (%v), want 2", n, err)
		}
		for _, call := range calls {
			records, _ := s.CallAttendance(ctx, call.ID)
			if len(records) != 1 || records[0].UserID != leah.ID || records[0].Jurisdiction != "municipal:NU" || records[0].Sector != "government" {
				t.Fatalf("call %d's records: %+v", call.ID, records)
			}
		}
		rep, err := s.Reach(ctx, c, convene.ReachFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Totals().Attended != 1 || rep.AttendedByProvince()["NU"] != 1 {
			t.Errorf("reach after the claim: %+v, by province %v", rep.Totals(), rep.AttendedByProvince())
		}

		// Removed for good: no claiming back in.
		other := store.GuestAttendance(convene.Participant{Name: "Max", Minutes: 10})
		if _, err := s.RecordAttendance(ctx, calls[0].ID, []convene.Attendance{other}); err != nil {
			t.Fatal(err)
		}
		max := person(t, s, "Max Banned", nil)
		if _, err := s.JoinCommunity(ctx, c.ID, max.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveMember(ctx, c.ID, max.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimGuestAttendance(ctx, c.ID, other.PersonKey, max.ID); convene.ErrorCode(err) != convene.EFORBIDDEN {
			t.Fatalf("a banned account claimed: %v", err)
		}
		if records, _ := s.CallAttendance(ctx, calls[0].ID); len(records) != 2 {
			t.Fatalf("the refused claim changed the records: %+v", records)
		}
	})
}
