package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/opengovcall/convene"
)

// A call that has ended says whether it took place: "Held" when its attendance, minutes or its
// organizers say so, "Didn't happen" when they record that it did not, and "Ended · no record"
// while nothing says either. Only calls that have ended ask.
func TestPastCallsSayWhetherTheyHappened(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		call := a.heldCall(t) // its attendance removed: nothing says it took place
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)
		mustContain(t, a.client().get(path+"?lang=en").body, `<span class="badge badge-unrecorded">Ended · no record</span>`)
		mustContain(t, a.client().get(path+"?lang=fr").body, "Terminé · aucun compte rendu")
		series := a.client().get(fmt.Sprintf("/c/open-gov-canada/series/%d?lang=en", call.SeriesID)).body
		mustContain(t, series, "Ended · no record", `<span class="badge badge-held">Held</span>`) // the pilot's other calls have attendance

		form := org.get(path + "/edit?lang=en").body
		mustContain(t, form, "Did it take place?", `<option value="" selected>Not recorded yet</option>`, `<option value="not_held">It didn’t happen</option>`)
		mustNotContain(t, org.get(fmt.Sprintf("/c/open-gov-canada/calls/%d/edit?lang=en", a.demo.RebootID)).body, "Did it take place?")

		local := call.StartsAt.In(call.Location())
		vals := url.Values{"date": {local.Format(time.DateOnly)}, "time": {local.Format("15:04")}, "duration": {strconv.Itoa(call.DurationMinutes)},
			"status": {convene.CallScheduled}, "outcome": {"perhaps"}}
		r := org.post(path+"/edit?lang=en", vals)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Choose whether the call took place")

		vals.Set("outcome", convene.CallNotHeld)
		wantStatus(t, org.post(path+"/edit", vals), http.StatusSeeOther)
		page := a.client().get(path + "?lang=en").body
		mustContain(t, page, `<span class="badge badge-not_held">Didn’t happen</span>`, "This call did not take place.")
		got, _ := a.store.CallByID(ctx, call.ID)
		if got.Outcome != convene.CallNotHeld || got.StatusAt(testNow) != convene.CallNotHeld {
			t.Fatalf("outcome %q, status %s", got.Outcome, got.StatusAt(testNow))
		}
		// Nobody registers for, or imports attendance into, a call that did not happen.
		if err := got.TakesRegistrations(testNow); err == nil {
			t.Fatal("a call that did not happen takes registrations")
		}

		vals.Set("outcome", convene.CallHeld)
		wantStatus(t, org.post(path+"/edit", vals), http.StatusSeeOther)
		mustContain(t, a.client().get(path+"?lang=en").body, `<span class="badge badge-held">Held</span>`)
	})
}
