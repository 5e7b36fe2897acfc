package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/opengovcall/convene/demo"
)

// Rules that expand a day into many calls, however written, are refused with a clear message,
// and the writes other people make at the same time go through.
func TestSubDailyRulesAreRefused(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		member, _ := a.signedIn(t, "bystander@example.net", "Bystander")
		call := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, a.demo.RebootID)
		rules := []string{
			"FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59;BYSECOND=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59",
			"FREQ=DAILY;BYHOUR=9,10;BYMINUTE=0,30",
			"FREQ=WEEKLY;BYDAY=MO;BYMINUTE=0,15,30,45",
			"FREQ=MONTHLY;BYSECOND=1,2",
			"FREQ=HOURLY",
			"FREQ=MINUTELY;INTERVAL=1440",
		}
		var wg sync.WaitGroup
		var others []response
		var mu sync.Mutex
		for i, rule := range rules {
			wg.Add(1)
			go func() { // someone else writes meanwhile
				defer wg.Done()
				r := member.post(call+"/register", url.Values{"scope": {"call"}})
				mu.Lock()
				others = append(others, r)
				mu.Unlock()
			}()
			r := org.post("/c/"+demo.Slug+"/series/new", url.Values{"title": {fmt.Sprintf("Flood %d", i)}, "rrule": {rule},
				"starts_on": {"2019-11-01"}, "start_time": {"13:30"}, "time_zone": {"America/Toronto"}, "duration": {"45"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, "Calls can recur at most once a day")
		}
		wg.Wait()
		for _, r := range others {
			if r.status >= 500 {
				t.Fatalf("a write beside the refused rules failed: %d", r.status)
			}
		}
		// A season far from the series' first day is still quick to schedule: the walk is bounded.
		r := org.post("/c/"+demo.Slug+"/series/new", url.Values{"title": {"Daily stand-up"}, "rrule": {"FREQ=DAILY"},
			"starts_on": {"1990-01-01"}, "start_time": {"09:00"}, "time_zone": {"America/Toronto"}, "duration": {"15"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = org.post(r.location, url.Values{"name": {"December"}, "starts_on": {"2019-12-01"}, "ends_on": {"2019-12-31"}})
		wantStatus(t, r, http.StatusSeeOther)
	})
}
