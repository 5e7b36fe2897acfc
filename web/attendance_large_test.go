package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// A report with more unmatched people than a form can carry choices for (Go's form parser stops
// at 10,000 fields) can still be confirmed: one choice applies to them all.
func TestLargeReportWithUnmatchedRowsConfirms(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		held, err := a.store.Calls(t.Context(), convene.CallFilter{CommunityID: a.demo.Community.ID, To: testNow, Descending: true, Limit: 1})
		if err != nil || len(held) != 1 {
			t.Fatalf("a held call: %v %v", held, err)
		}
		call := held[0]
		const guests = 10500
		var b strings.Builder
		b.WriteString("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n")
		at := func(min int) string {
			return call.StartsAt.Add(time.Duration(min) * time.Minute).Format("01/02/2006 03:04:05 PM")
		}
		for i := range guests {
			fmt.Fprintf(&b, "Visitor %05d,,%s,%s,30,Yes\n", i, at(1), at(31))
		}
		before := a.count(t, `SELECT COUNT(*) FROM attendance WHERE call_id = ?`, call.ID)
		base := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, call.ID)
		r := uploadReport(t, org, base+"/attendance/upload", "America/Toronto", []byte(b.String()))
		if r.status != http.StatusOK {
			i := strings.Index(r.body, "<main")
			t.Fatalf("status %d: %.1500s", r.status, r.body[max(i, 0):])
		}
		mustContain(t, r.body, "too many to choose one by one", `name="unmatched"`)
		if n := strings.Count(r.body, `name="row_`); n != 0 {
			t.Fatalf("the preview asks %d choices one by one", n)
		}
		m := uploadField.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no upload id in the preview")
		}
		r = org.post(base+"/attendance/confirm", url.Values{"upload": {m[1]}, "zone": {"America/Toronto"}, "unmatched": {"guest"}})
		wantStatus(t, r, http.StatusSeeOther)
		if n := a.count(t, `SELECT COUNT(*) FROM attendance WHERE call_id = ?`, call.ID) - before; n != guests {
			t.Fatalf("%d attendance records added, want %d", n, guests)
		}
	})
}
