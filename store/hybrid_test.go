package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

var ottawaVenue = convene.Venue{Name: "Shaw Centre", Address: "55 Colonel By Drive\nOttawa, ON K1N 9J2", Room: "Room 210",
	AccessNotes: "Step-free entrance from Colonel By Drive."}

// hybridCall stores a community with one future call held in a room and online: online places
// and places in the room as given.
func hybridCall(t *testing.T, s *store.Store, online, inPerson int) (*convene.Community, *convene.Call) {
	t.Helper()
	c, call := oneCall(t, s, online)
	venue := ottawaVenue
	call.AttendanceMode, call.Venue, call.InPersonCapacity = convene.CallHybrid, &venue, inPerson
	if err := s.UpdateCall(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	return c, call
}

func modeCounts(t *testing.T, s *store.Store, callID int64) map[string]int {
	t.Helper()
	regs, err := s.CallRegistrations(context.Background(), callID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range regs {
		out[r.Mode+":"+r.Status]++
	}
	return out
}

func TestHybridCallsKeepPlacesPerModeUnderConcurrentRegistrations(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, call := hybridCall(t, s, 10, 5)
		var people []*convene.User
		for i := 0; i < 50; i++ {
			people = append(people, person(t, s, fmt.Sprintf("Racer %02d", i), nil))
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(people))
		for i, u := range people {
			mode := convene.AttendOnline
			if i%2 == 1 {
				mode = convene.AttendInPerson
			}
			wg.Add(1)
			go func(id int64, mode string) {
				defer wg.Done()
				if _, err := s.SignUp(ctx, call.ID, id, convene.Signup{Mode: mode}); err != nil {
					errs <- err
				}
			}(u.ID, mode)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got := modeCounts(t, s, call.ID)
		want := map[string]int{"online:registered": 10, "online:waitlisted": 15, "in_person:registered": 5, "in_person:waitlisted": 20}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("places by mode: %v, want %v", got, want)
		}
		byMode, _ := s.RegisteredByMode(ctx, call.ID)
		if byMode[convene.AttendOnline] != 10 || byMode[convene.AttendInPerson] != 5 {
			t.Fatalf("registered by mode: %v", byMode)
		}
		// The call is found by where it meets.
		if _, err := s.IndexPending(ctx, 1000); err != nil {
			t.Fatal(err)
		}
		if hits, _ := find(t, s, call.CommunityID, "Colonel By Drive"); !foundKind(hits, store.SearchCall, call.ID) {
			t.Fatalf("searching the venue's street found %+v", hits)
		}

		// A place in the room freed goes to the first person waiting for the room, not online.
		regs, _ := s.CallRegistrations(ctx, call.ID)
		var leaving *convene.Registration
		var firstRoomWaiter, firstOnlineWaiter int64
		for _, r := range regs {
			switch {
			case leaving == nil && r.Mode == convene.AttendInPerson && r.Status == convene.RegRegistered:
				leaving = r
			case firstRoomWaiter == 0 && r.Mode == convene.AttendInPerson && r.Status == convene.RegWaitlisted:
				firstRoomWaiter = r.UserID
			case firstOnlineWaiter == 0 && r.Mode == convene.AttendOnline && r.Status == convene.RegWaitlisted:
				firstOnlineWaiter = r.UserID
			}
		}
		if _, err := s.ClaimJobs(ctx, 1000, time.Minute); err != nil { // the invitations so far
			t.Fatal(err)
		}
		if err := s.CancelRegistration(ctx, call.ID, leaving.UserID); err != nil {
			t.Fatal(err)
		}
		places, _ := s.Places(ctx, firstRoomWaiter, []int64{call.ID})
		if places[call.ID] != (convene.Place{Status: convene.RegRegistered, Mode: convene.AttendInPerson}) {
			t.Fatalf("first in line for the room: %+v", places[call.ID])
		}
		places, _ = s.Places(ctx, firstOnlineWaiter, []int64{call.ID})
		if places[call.ID].Status != convene.RegWaitlisted {
			t.Fatalf("first in line online took a place in the room: %+v", places[call.ID])
		}

		// Someone online asking for the full room keeps their place online; someone waiting
		// online may wait for the room instead.
		var online, waiting int64
		for _, r := range regs {
			if r.Mode == convene.AttendOnline && r.Status == convene.RegRegistered && online == 0 {
				online = r.UserID
			}
			if r.Mode == convene.AttendOnline && r.Status == convene.RegWaitlisted && r.UserID != firstOnlineWaiter {
				waiting = r.UserID
			}
		}
		_, err := s.SignUp(ctx, call.ID, online, convene.Signup{Mode: convene.AttendInPerson})
		mustCode(t, err, convene.ECONFLICT)
		if places, _ := s.Places(ctx, online, []int64{call.ID}); places[call.ID] != (convene.Place{Status: convene.RegRegistered, Mode: convene.AttendOnline}) {
			t.Fatalf("refused switch changed the place: %+v", places[call.ID])
		}
		if st, err := s.SignUp(ctx, call.ID, waiting, convene.Signup{Mode: convene.AttendInPerson}); err != nil || st != convene.RegWaitlisted {
			t.Fatalf("waiting online, asking for the room: %q %v", st, err)
		}

		// The room gets more places: its line moves up, and online stays as it was.
		got2, _ := s.CallByID(ctx, call.ID)
		got2.InPersonCapacity = 8
		if err := s.UpdateCall(ctx, got2); err != nil {
			t.Fatal(err)
		}
		if byMode, _ := s.RegisteredByMode(ctx, call.ID); byMode[convene.AttendInPerson] != 8 || byMode[convene.AttendOnline] != 10 {
			t.Fatalf("after adding places in the room: %v", byMode)
		}

		// The call moves online only: everyone now attends online, in the order they came.
		got2.AttendanceMode, got2.Venue, got2.InPersonCapacity, got2.Capacity = convene.CallOnline, nil, 0, 0
		if err := s.UpdateCall(ctx, got2); err != nil {
			t.Fatal(err)
		}
		if got := modeCounts(t, s, call.ID); got["in_person:registered"]+got["in_person:waitlisted"] != 0 || got["online:registered"] != 49 {
			t.Fatalf("after moving online: %v", got)
		}
	})
}

func TestHybridBadInputWritesNothing(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, call := oneCall(t, s, 0)
		before, _ := s.CallByID(ctx, call.ID)
		fieldOf := func(err error) string {
			e, ok := convene.AsError(err)
			if !ok || e.Code != convene.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("want a field error, got %v", err)
			}
			return e.Fields[0].Field
		}
		noAddress := ottawaVenue
		noAddress.Address = ""
		for _, tc := range []struct {
			name  string
			edit  func(*convene.Call)
			field string
		}{
			{"places in a room on an online call", func(c *convene.Call) { c.InPersonCapacity = 20 }, "in_person_capacity"},
			{"a venue on an online call", func(c *convene.Call) { v := ottawaVenue; c.Venue = &v }, "venue_address"},
			{"a venue without an address", func(c *convene.Call) { c.AttendanceMode, c.Venue = convene.CallHybrid, &noAddress }, "venue_address"},
			{"in person without a venue", func(c *convene.Call) { c.AttendanceMode = convene.CallInPerson }, "venue_name"},
			{"online places on a call only in person", func(c *convene.Call) {
				v := ottawaVenue
				c.AttendanceMode, c.Venue, c.Capacity = convene.CallInPerson, &v, 10
			}, "capacity"},
			{"an unknown mode", func(c *convene.Call) { c.AttendanceMode = "telepathy" }, "attendance_mode"},
			{"a map link that is not one", func(c *convene.Call) {
				v := ottawaVenue
				v.MapURL = "javascript:alert(1)"
				c.AttendanceMode, c.Venue = convene.CallHybrid, &v
			}, "venue_map_url"},
			{"interpretation into one language", func(c *convene.Call) { c.OwnAccessibility = &convene.Accessibility{Interpretation: []string{"fr"}} }, "interpretation"},
			{"an unknown sign language", func(c *convene.Call) { c.OwnAccessibility = &convene.Accessibility{SignLanguages: []string{"bsl"}} }, "sign_languages"},
			{"unknown captions", func(c *convene.Call) { c.OwnAccessibility = &convene.Accessibility{Captions: "robots"} }, "captions"},
		} {
			edited, _ := s.CallByID(ctx, call.ID)
			tc.edit(edited)
			if got := fieldOf(s.UpdateCall(ctx, edited)); got != tc.field {
				t.Errorf("%s: error on %q, want %q", tc.name, got, tc.field)
			}
		}
		after, _ := s.CallByID(ctx, call.ID)
		if after.Mode() != convene.CallOnline || after.Venue != nil || after.InPersonCapacity != 0 || after.OwnAccessibility != nil ||
			after.Sequence != before.Sequence || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("a refused change was written: %+v", after)
		}

		// On a hybrid call, a registrant must say how they attend, and ask for at most 1,000 characters.
		hybrid, _ := s.CallByID(ctx, call.ID)
		v := ottawaVenue
		hybrid.AttendanceMode, hybrid.Venue = convene.CallHybrid, &v
		if err := s.UpdateCall(ctx, hybrid); err != nil {
			t.Fatal(err)
		}
		u := person(t, s, "Ada", nil)
		_, err := s.SignUp(ctx, hybrid.ID, u.ID, convene.Signup{})
		if got := fieldOf(err); got != "mode" {
			t.Fatalf("no mode: error on %q", got)
		}
		_, err = s.SignUp(ctx, hybrid.ID, u.ID, convene.Signup{Mode: "by carrier pigeon"})
		if got := fieldOf(err); got != "mode" {
			t.Fatalf("unknown mode: error on %q", got)
		}
		_, err = s.SignUp(ctx, hybrid.ID, u.ID, convene.Signup{Mode: convene.AttendInPerson, Accommodation: strings.Repeat("a", 1001)})
		if err == nil {
			t.Fatal("a request of 1,001 characters was taken")
		}
		if places, _ := s.Places(ctx, u.ID, []int64{hybrid.ID}); len(places) != 0 {
			t.Fatalf("a refused registration left a place: %v", places)
		}
	})
}

func TestAccommodationRequestsAreMailedExportedAndErased(t *testing.T) {
	testdb.Each(t, convene.FixedClock(utc("2019-11-01T00:00:00Z")), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, call := hybridCall(t, s, 0, 0)
		u := person(t, s, "Ada Lovelace", nil)
		request := "LSQ interpretation, please.\nI also need the slides a day ahead."
		if _, err := s.SignUp(ctx, call.ID, u.ID, convene.Signup{Mode: convene.AttendInPerson, Accommodation: request}); err != nil {
			t.Fatal(err)
		}
		reg, err := s.RegistrationOf(ctx, call.ID, u.ID)
		if err != nil || reg.Accommodation != request || reg.Mode != convene.AttendInPerson {
			t.Fatalf("registration: %+v %v", reg, err)
		}
		// The same request again is no news; a new one is.
		if err := s.SetAccommodation(ctx, call.ID, u.ID, request); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAccommodation(ctx, call.ID, u.ID, "Step-free access."); err != nil {
			t.Fatal(err)
		}
		jobs, _ := s.ClaimJobs(ctx, 1000, time.Minute)
		var asked int
		for _, j := range jobs {
			if j.Kind == store.JobAccommodation {
				var p store.AccommodationPayload
				if err := json.Unmarshal(j.Payload, &p); err != nil || p.CallID != call.ID || p.UserID != u.ID {
					t.Fatalf("job payload %s %v", j.Payload, err)
				}
				asked++
			}
		}
		if asked != 2 {
			t.Fatalf("%d accommodation jobs, want one per new request", asked)
		}
		// Someone who is not registered has nothing to ask about.
		other := person(t, s, "Grace Hopper", nil)
		mustCode(t, s.SetAccommodation(ctx, call.ID, other.ID, "Captions."), convene.ENOTFOUND)

		data, err := s.ExportPersonalData(ctx, u.ID)
		if err != nil || len(data.Registrations) != 1 || data.Registrations[0].Accommodation != "Step-free access." ||
			data.Registrations[0].Mode != convene.AttendInPerson {
			t.Fatalf("export: %+v %v", data.Registrations, err)
		}
		if err := s.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		var left int
		q := `SELECT COUNT(*) FROM registrations WHERE accommodation <> ''`
		if err := s.DB().QueryRowContext(ctx, q).Scan(&left); err != nil || left != 0 {
			t.Fatalf("%d accommodation requests left after erasing their author (%v)", left, err)
		}
		var pending int
		q = `SELECT COUNT(*) FROM jobs WHERE kind = 'accommodation' AND done_at IS NULL`
		if err := s.DB().QueryRowContext(ctx, q).Scan(&pending); err != nil || pending != 0 {
			t.Fatalf("%d accommodation mails still to send about an erased person (%v)", pending, err)
		}
	})
}
