package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/opengovcall/convene"
)

// A municipal or Indigenous jurisdiction can say which province or territory it is in, and then
// counts on the map of Canada (and off the list of places nobody came from), while it still
// counts as municipal or Indigenous everywhere else: the jurisdiction table, the directory's filter.
func TestMunicipalAndIndigenousPeopleLandOnTheMap(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		member, u := a.signedIn(t, "iqaluit@example.org", "Leah Kilabuk")
		profile := url.Values{"name": {"Leah Kilabuk"}, "jurisdiction": {"municipal"}, "municipality": {"Iqaluit"}, "province": {"ZZ"},
			"sector": {"government"}, "languages": {"en"}, "time_zone": {"America/Iqaluit"}, "visibility": {"members"}}
		r := member.post("/me?lang=en", profile)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Choose a province or territory from the list.")
		profile.Set("province", "NU")
		wantStatus(t, member.post("/me", profile), http.StatusSeeOther)
		stored, _ := a.store.UserByID(ctx, u.ID)
		if stored.Jurisdiction != "municipal" || stored.Province != "NU" || stored.Municipality != "Iqaluit" {
			t.Fatalf("stored %+v", stored)
		}

		org := a.client()
		org.signIn()
		mustContain(t, org.get(fmt.Sprintf("/c/open-gov-canada/people/%d?lang=en", u.ID)).body, "Municipal · Iqaluit, Nunavut")
		mustContain(t, org.get("/c/open-gov-canada/people?jurisdiction=municipal&lang=en").body, "Leah Kilabuk")

		before, err := a.store.Reach(ctx, a.demo.Community, convene.ReachFilter{})
		if err != nil {
			t.Fatal(err)
		}
		call := a.heldCall(t)
		if _, err := a.store.CheckIn(ctx, call.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		after, err := a.store.Reach(ctx, a.demo.Community, convene.ReachFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got, was := after.AttendedByProvince()["NU"], before.AttendedByProvince()["NU"]; got != was+1 {
			t.Errorf("Nunavut on the map: %d, then %d", was, got)
		}
		if got, was := after.ByJurisdiction()["municipal"].Attended, before.ByJurisdiction()["municipal"].Attended; got != was+1 || after.Cell("municipal", "government").Attended == 0 {
			t.Errorf("municipal attendees: %d, then %d; cell %+v", was, got, after.Cell("municipal", "government"))
		}
		if _, ok := after.ByJurisdiction()["municipal:NU"]; ok {
			t.Error("the stored key leaks into the jurisdiction table")
		}
		gaps, _ := after.Gaps()
		for _, p := range gaps {
			if p == "NU" {
				t.Error("Nunavut is still listed as a place nobody came from")
			}
		}
		people := org.get("/c/open-gov-canada/reach/people?kind=attended&jurisdiction=municipal&lang=en").body
		mustContain(t, people, "Leah Kilabuk", "Municipal · Nunavut")
	})
}
