package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/web"
)

// What a visitor came for comes first: under a call's title, Register (or, once registered, How
// to join), how many are going and Add to calendar; the community's next-call card registers;
// the home page gives each community's next call; the series page opens on calls to come, the
// next one marked, past ones folded.
func TestTheNextCallAndHowToJoinComeFirst(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		call := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		page := a.client().get(call + "?lang=en").body
		cta := between(t, page, `<div class="call-cta">`, `</div>`)
		mustContain(t, cta, `<a class="button primary" href="#register">Register</a>`, "27 going",
			fmt.Sprintf(`<a class="button" href="%s/calendar.ics">Add to calendar</a>`, call))
		if strings.Index(page, `class="call-cta"`) > strings.Index(page, `id="agenda"`) {
			t.Fatal("the call's actions come after its agenda")
		}
		member, _ := a.signedIn(t, "going@example.net", "Going Person")
		wantStatus(t, member.post(call+"/register", nil), http.StatusSeeOther)
		mustContain(t, between(t, member.get(call+"?lang=en").body, `<div class="call-cta">`, `</div>`),
			"You are registered", `<a class="button primary" href="#join">How to join</a>`, "28 going")

		mustContain(t, a.client().get("/c/open-gov-canada?lang=en").body, `<a class="button primary" href="`+call+`#register">Register</a>`)
		mustContain(t, a.client().get("/?lang=en").body, "Next call: <a href=\""+call+`"><time datetime="2019-11-13T17:00:00Z">Wednesday, November 13, 2019`)

		series := a.client().get(fmt.Sprintf("/c/open-gov-canada/series/%d?lang=en", a.demo.Series.ID)).body
		reboot, pilot := strings.Index(series, "Fall reboot"), strings.Index(series, ">Pilot<")
		if reboot < 0 || pilot < 0 || reboot > pilot {
			t.Fatalf("the series page does not open on the season to come (reboot at %d, pilot at %d)", reboot, pilot)
		}
		mustContain(t, series, `<li class=" next">`, `<span class="badge badge-next">Next call</span>`,
			`<details class="past-calls">`, "<summary>7 past calls</summary>")
	})
}

// From a quarter of an hour before the start, the call page says it is happening and leads
// straight to joining; the join link goes there only for those who may see it.
func TestACallAboutToStartLeadsToJoining(t *testing.T) {
	start := time.Date(2019, 11, 13, 17, 0, 0, 0, time.UTC)
	eachAppWith(t, func(c *web.Config) { c.Clock = convene.FixedClock(start.Add(-10 * time.Minute)) }, func(t *testing.T, a *app) {
		call := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		cta := between(t, a.client().get(call+"?lang=en").body, `<div class="call-cta">`, `</div>`)
		mustContain(t, cta, "Happening now", `<a class="button primary" href="#join">Join now</a>`)
		mustNotContain(t, cta, "zoom.us")
		fr := between(t, a.client().get(call+"?lang=fr").body, `<div class="call-cta">`, `</div>`)
		mustContain(t, fr, "En cours", "Se joindre maintenant")
	})
}

// between is the part of s from the first start to the next end after it.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("no %q in the page", start)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("no %q after %q", end, start)
	}
	return s[i : i+j]
}
