package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
)

// hybridForm is the call form's values for the demo's December call made hybrid at an Ottawa venue.
func hybridForm(extra url.Values) url.Values {
	v := url.Values{"date": {"2019-12-11"}, "time": {"12:00"}, "duration": {"60"}, "status": {"scheduled"}, "capacity": {"0"},
		"attendance_mode": {"hybrid"}, "venue_name": {"Bayview Yards"}, "venue_address": {"7 Bayview Station Road\nOttawa, ON K1Y 2C5"},
		"venue_room": {"Room 3"}, "venue_map_url": {"https://www.openstreetmap.org/search?query=7%20Bayview%20Station%20Road"},
		"venue_access_notes": {"Step-free entrance on the north side."}, "in_person_capacity": {"2"}}
	for k, vs := range extra {
		v[k] = vs
	}
	return v
}

// TestHybridCallsGiveEachPersonTheirWayIn makes a call hybrid through the organizer's form, then
// checks that each person gets what is theirs: the room to those who come in person, the join kit
// to those online at their level, in the page, the API, the calendar and the invitations.
func TestHybridCallsGiveEachPersonTheirWayIn(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		call, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)
		org := a.client()
		org.signIn()
		before, _ := a.store.RegisteredByMode(ctx, call.ID) // the demo's registrants, all online

		// Bad input: clear errors, nothing written.
		for _, tc := range []struct {
			vals url.Values
			want string
		}{
			{url.Values{"attendance_mode": {"online"}, "venue_name": {""}, "venue_address": {""}, "venue_room": {""}, "venue_map_url": {""},
				"venue_access_notes": {""}}, "An online call has no places in a room"},
			{url.Values{"venue_address": {""}}, `id="e-f-venue_address"`},
			{url.Values{"own_accessibility": {"on"}, "interpretation.fr": {"on"}}, `<p class="field-error" id="e-f-interpretation">Interpretation is between at least two languages`},
		} {
			r := org.post(path+"/edit", hybridForm(tc.vals))
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, tc.want)
		}
		if got, _ := a.store.CallByID(ctx, call.ID); got.Mode() != convene.CallOnline || got.Venue != nil {
			t.Fatalf("a refused form changed the call: %s %+v", got.Mode(), got.Venue)
		}
		wantStatus(t, org.post(path+"/edit", hybridForm(url.Values{"own_accessibility": {"on"}, "captions": {"human"},
			"interpretation.en": {"on"}, "interpretation.fr": {"on"}, "sign.lsq": {"on"}, "access_contact": {"access@example.org"}})), http.StatusSeeOther)

		// Three registrants: two in the room (the second waits, there are two places and an
		// organizer's guest took one), one online.
		room, ru := a.signedIn(t, "room.person@example.net", "Rosalie Room")
		online, ou := a.signedIn(t, "online.person@example.net", "Omar Online")
		late, _ := a.signedIn(t, "late.person@example.net", "Lena Late")
		guest, gu := a.signedIn(t, "guest.person@example.net", "Gus Guest")
		r := room.post(path+"/register", url.Values{"scope": {"call"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Choose whether you attend online or in person.")
		wantStatus(t, guest.post(path+"/register", url.Values{"scope": {"call"}, "mode": {"in_person"}}), http.StatusSeeOther)
		wantStatus(t, room.post(path+"/register", url.Values{"scope": {"call"}, "mode": {"in_person"},
			"accommodation": {"I use a wheelchair; please keep a space at the table."}}), http.StatusSeeOther)
		wantStatus(t, online.post(path+"/register", url.Values{"scope": {"call"}, "mode": {"online"}}), http.StatusSeeOther)
		wantStatus(t, late.post(path+"/register", url.Values{"scope": {"call"}, "mode": {"in_person"}}), http.StatusSeeOther)
		if places, _ := a.store.Places(ctx, ru.ID, []int64{call.ID}); places[call.ID] != (convene.Place{Status: "registered", Mode: "in_person"}) {
			t.Fatalf("room registrant: %+v", places[call.ID])
		}
		if byMode, _ := a.store.RegisteredByMode(ctx, call.ID); byMode["in_person"] != 2 || byMode["online"] != before["online"]+1 {
			t.Fatalf("places by mode: %v", byMode)
		}

		// Pages: the venue for everyone, the passcode only for the one online (registered level).
		secrets := []string{"005064", "912 323 161"}
		venue := []string{"Bayview Yards", "7 Bayview Station Road", "Room 3", "Step-free entrance on the north side."}
		access := []string{"Live captions by a captioner (CART)", "Interpretation: English ↔ French", "Langue des signes québécoise (LSQ) interpretation",
			"access@example.org"}
		anonymous := a.client().get(path)
		mustContain(t, anonymous.body, append(append(append([]string{}, venue...), access...), "2 of 2 places in the room",
			`<p class="where">Hybrid: in person and online · <a href="#venue-heading">Bayview Yards, Room 3</a></p>`)...)
		roomPage := room.get(path)
		mustContain(t, roomPage.body, append(venue, "You attend in person.", "the video link goes to those who attend online", "Attend online instead",
			"I use a wheelchair")...)
		onlinePage := online.get(path)
		mustContain(t, onlinePage.body, append(secrets, "You attend online.", "Attend in person instead")...)
		for _, page := range []response{anonymous, roomPage} {
			mustNotContain(t, page.body, secrets...)
		}
		for _, page := range []response{anonymous, onlinePage, late.get(path)} {
			mustNotContain(t, page.body, "wheelchair") // a request is for the organizers only
		}
		mustContain(t, anonymous.body, `"eventAttendanceMode":"https://schema.org/MixedEventAttendanceMode"`, `"@type":"Place"`,
			`"streetAddress":"7 Bayview Station Road, Ottawa, ON K1Y 2C5"`, `"accessibilityFeature":["captions","signLanguage"]`)

		// The API: the same split, every key of the accessibility object present.
		tokenOf := func(u *convene.User) string {
			tok, err := a.store.CreateAPIToken(ctx, u.ID, "script", convene.ScopeRegister)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		apiCall := func(token string) map[string]any {
			req, _ := http.NewRequest(http.MethodGet, a.http.URL+fmt.Sprintf("/api/v1/calls/%d", call.ID), nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp := a.client().do(req)
			wantStatus(t, resp, http.StatusOK)
			var out map[string]any
			if err := json.Unmarshal([]byte(resp.body), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		forRoom, forOnline, forNobody := apiCall(tokenOf(ru)), apiCall(tokenOf(ou)), apiCall("")
		if fmt.Sprint(forNobody["attendance_modes"]) != "[online in_person]" || forNobody["in_person_capacity"] != float64(2) {
			t.Fatalf("modes %v, places %v", forNobody["attendance_modes"], forNobody["in_person_capacity"])
		}
		v, _ := forNobody["venue"].(map[string]any)
		if v["name"] != "Bayview Yards" || v["address"] != "7 Bayview Station Road\nOttawa, ON K1Y 2C5" || v["room"] != "Room 3" {
			t.Fatalf("venue: %v", forNobody["venue"])
		}
		acc, _ := forNobody["accessibility"].(map[string]any)
		if acc["captions"] != "human" || fmt.Sprint(acc["interpretation"]) != "[en fr]" || fmt.Sprint(acc["sign_languages"]) != "[lsq]" ||
			acc["materials_ahead"] != false || acc["contact"] != "access@example.org" {
			t.Fatalf("accessibility: %v", acc)
		}
		if forRoom["join"] != nil || forRoom["registration_mode"] != "in_person" || forOnline["join"] == nil || forOnline["registration_mode"] != "online" {
			t.Fatalf("join for the room %v (%v), online %v (%v)", forRoom["join"], forRoom["registration_mode"], forOnline["join"], forOnline["registration_mode"])
		}
		if need := forRoom["join_access"].(map[string]any)["need"]; need != "online" {
			t.Fatalf("join access need for the room: %v", need)
		}

		// Calendars: the call's public calendar is at the venue; invitations follow each person.
		ics := a.client().get(path + "/calendar.ics")
		cal := parseICS(t, ics.body)
		if len(cal.Events) != 1 || !strings.Contains(cal.Events[0].Location, "Bayview Yards, Room 3, 7 Bayview Station Road, Ottawa") ||
			!strings.Contains(cal.Events[0].Description, "Interpretation: English ↔ French") {
			t.Fatalf("public calendar: %+v", cal.Events)
		}
		mail := a.runJobs(t, box, 5) // four invitations, one mail to the organizer about the request
		byTo := map[string][]string{}
		for _, m := range mail {
			byTo[m.To[0]] = append(byTo[m.To[0]], m.Subject)
			switch m.To[0] {
			case "room.person@example.net", "guest.person@example.net":
				ev := parseICS(t, m.Calendar).Events[0]
				if !strings.HasPrefix(ev.Location, "Bayview Yards") || strings.Contains(m.Text+m.Calendar, "005064") {
					t.Fatalf("invitation to the room: location %q\n%s", ev.Location, m.Text)
				}
			case "online.person@example.net":
				ev := parseICS(t, m.Calendar).Events[0]
				if !strings.HasPrefix(ev.Location, "https://zoom.us/j/") || !strings.Contains(m.Text, "005064") || strings.Contains(m.Text, "Bayview") {
					t.Fatalf("invitation online: location %q\n%s", ev.Location, m.Text)
				}
			case "late.person@example.net":
				t.Fatalf("someone waiting was sent an invitation: %s", m.Subject)
			}
		}
		var toOrganizer string
		for _, m := range mail {
			if strings.HasPrefix(m.Subject, "Accommodation request") {
				toOrganizer = m.Text
				if m.To[0] != "organizer@example.org" {
					t.Fatalf("accommodation request mailed to %v", m.To)
				}
			}
		}
		if !strings.Contains(toOrganizer, "Rosalie Room") || !strings.Contains(toOrganizer, "keep a space at the table") {
			t.Fatalf("mail to the organizers: %q (all: %v)", toOrganizer, byTo)
		}

		// Requests are the organizers' only: their page and CSV.
		regs := org.get(path + "/registrations")
		mustContain(t, regs.body, "Accommodation requests", "Rosalie Room", "keep a space at the table")
		csv := org.get(path + "/registrations.csv")
		mustContain(t, csv.body, "Accommodation request", "I use a wheelchair; please keep a space at the table.", "In person")
		wantStatus(t, online.get(path+"/registrations"), http.StatusForbidden)
		wantStatus(t, online.get(path+"/registrations.csv"), http.StatusForbidden)

		// The guest gives up their place in the room: the one waiting for the room takes it.
		wantStatus(t, guest.post(path+"/cancel-registration", nil), http.StatusSeeOther)
		if byMode, _ := a.store.RegisteredByMode(ctx, call.ID); byMode["in_person"] != 2 {
			t.Fatalf("after a place in the room opened: %v", byMode)
		}
		_ = gu
		// The one in the room goes online instead: the page's button moves them, and the kit follows.
		wantStatus(t, room.post(path+"/register", url.Values{"mode": {"online"}}), http.StatusSeeOther)
		mustContain(t, room.get(path).body, append(secrets, "You attend online.", "You now attend online: your calendar invitation follows.")...)
	})
}

// TestAccessibilityShowsEverywhereTheCallDoes checks the demo's reboot call, interpreted and
// captioned, in its page, its API object and its calendar, in both languages.
func TestAccessibilityShowsEverywhereTheCallDoes(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		c := a.client()
		mustContain(t, c.get(path).body, "Accessibility", "Live captions by a captioner (CART)", "Interpretation: French ↔ English",
			"Slides and documents sent ahead of the call", "For any other need, contact access@example.org")
		mustContain(t, c.get(path+"?lang=fr").body, "Accessibilité", "Sous-titres en direct rédigés par une personne (CART)",
			"Interprétation\u00a0: français ↔ anglais")
		api := c.get(fmt.Sprintf("/api/v1/calls/%d", a.demo.RebootID))
		mustContain(t, api.body, `"accessibility":{"captions":"human","interpretation":["fr","en"],"sign_languages":[],"materials_ahead":true,"contact":"access@example.org"}`,
			`"attendance_modes":["online"]`, `"venue":null`)
		cal := parseICS(t, a.client().get(path+"/calendar.ics?lang=en").body)
		if len(cal.Events) != 1 || !strings.Contains(cal.Events[0].Description, "Accessibility") ||
			!strings.Contains(cal.Events[0].Description, "Live captions by a captioner (CART)") {
			t.Fatalf("calendar: %+v", cal.Events)
		}
		// The summit-week call of 2019 met in a room in Ottawa.
		summit := a.client().get(fmt.Sprintf("/c/open-gov-canada/calls/%d?lang=en", a.demo.SummitID))
		mustContain(t, summit.body, "Summit-week meet-up", "Shaw Centre", "55 Colonel By Drive", "In person")
	})
}
