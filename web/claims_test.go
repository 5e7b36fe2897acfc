package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
)

var claimLink = regexp.MustCompile(`http://[^\s]+(/claim/[A-Za-z0-9_-]+)`)

// claimMailTo finds the invitation to claim sent to an address, and its link.
func claimMailTo(t *testing.T, msgs []smtptest.Message, to string) (smtptest.Message, string) {
	t.Helper()
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == to {
			if link := claimLink.FindStringSubmatch(m.Text); link != nil {
				return m, link[1]
			}
		}
	}
	t.Fatalf("no invitation to claim went to %s", to)
	return smtptest.Message{}, ""
}

// Guests an organizer records from a participant report may be invited, when their address is in
// it, to claim their attendance; the report's rows whose address has an account here are ticked
// already and say so. Following the link asks first, makes an account for a new address, asks an
// existing account to sign in, and then moves the guest's calls to the member they become.
func TestGuestsClaimTheirAttendance(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		org := a.client()
		org.signIn()
		call := a.heldCall(t)
		base := fmt.Sprintf("/c/open-gov-canada/calls/%d", call.ID)

		// Sam has an account on the instance, but is not a member of the community.
		sam := &convene.User{Email: "sam.osei@example.net", Name: "Sam Osei", Confirmed: true, Languages: []string{"fr"}}
		sam.PasswordHash, _ = convene.HashPassword("sam's own password")
		if err := a.store.CreateUser(ctx, sam); err != nil {
			t.Fatal(err)
		}
		start := call.StartsAt.In(call.Location())
		at := func(min int) string {
			return start.Add(time.Duration(min) * time.Minute).Format("01/02/2006 03:04:05 PM")
		}
		report := "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n" +
			"Noor Haddad,noor.haddad@example.org," + at(0) + "," + at(50) + ",50,Yes\n" +
			"Sam O.,SAM.OSEI@example.net," + at(1) + "," + at(40) + ",39,Yes\n" +
			"Kitchen Tablet,," + at(2) + "," + at(30) + ",28,Yes\n"
		r := uploadReport(t, org, base+"/attendance/upload?lang=en", "America/Toronto", []byte(report))
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Invite noor.haddad@example.org to claim it and fill in a profile",
			"Invite sam.osei@example.net to claim it: the address of Sam Osei, who has an account here but is not a member")
		rows := regexp.MustCompile(`<input type="checkbox" id="invite-(\d+)" name="invite_\d+"( checked)?>`).FindAllStringSubmatch(r.body, -1)
		if len(rows) != 2 || rows[0][2] != "" || rows[1][2] != " checked" {
			t.Fatalf("invite boxes: %q", rows)
		}
		m := uploadField.FindStringSubmatch(r.body)
		confirm := url.Values{"upload": {m[1]}, "zone": {"America/Toronto"}, "invite_" + rows[0][1]: {"on"}, "invite_" + rows[1][1]: {"on"}}
		for _, row := range regexp.MustCompile(`name="(row_\d+)"`).FindAllStringSubmatch(r.body, -1) {
			confirm.Set(row[1], "guest") // as the browser sends each row's choice, "guest" first
		}
		r = org.post(base+"/attendance/confirm", confirm)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.get(r.location+"&lang=en").body, "3 recorded, 0 already there. 2 guests invited to claim their attendance.")

		msgs := a.runJobs(t, box, 2)
		samMail, samLink := claimMailTo(t, msgs, "sam.osei@example.net")
		if !strings.Contains(samMail.Subject, "Votre participation") { // Sam reads French
			t.Errorf("Sam's invitation is not in French: %q", samMail.Subject)
		}
		_, noorLink := claimMailTo(t, msgs, "noor.haddad@example.org")

		// Sam's address has an account: the link alone does not sign anyone in to it.
		stranger := a.client()
		mustContain(t, stranger.get(samLink+"?lang=en").body, "sam.osei@example.net has an account here: sign in first, then claim.",
			`<meta name="robots" content="noindex">`)
		wantStatus(t, stranger.post(samLink, url.Values{}), http.StatusForbidden)
		samClient := a.client()
		wantStatus(t, samClient.post("/signin", url.Values{"email": {sam.Email}, "password": {"sam's own password"}}), http.StatusSeeOther)
		page := samClient.get(samLink + "?lang=en")
		mustContain(t, page.body, "recorded “Sam O.” as a guest at these calls", "You are signed in as Sam Osei (sam.osei@example.net)")
		r = samClient.post(samLink, url.Values{})
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != "/me" {
			t.Errorf("claiming leads to %q, not the profile", r.location)
		}
		wantStatus(t, samClient.get(samLink), http.StatusGone) // spent

		// Noor has no account: the link makes one, with the name she gives.
		noor := a.client()
		mustContain(t, noor.get(noorLink+"?lang=en").body, "Create my account and claim", `value="Noor Haddad"`)
		r = noor.post(noorLink, url.Values{"name": {"Noor Haddad-Said"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, noor.get("/me?lang=en").body, "Add your jurisdiction and sector below so the community’s reach counts you.", "Noor Haddad-Said")

		// Both are members now, and their attendance is theirs; the tablet stays a guest.
		records, err := a.store.CallAttendance(ctx, call.ID)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]*convene.Attendance{}
		for _, rec := range records {
			byName[rec.UserName+rec.GuestName] = rec
		}
		for _, name := range []string{"Sam Osei", "Noor Haddad-Said"} {
			rec := byName[name]
			if rec == nil || rec.UserID == 0 || rec.PersonKey != convene.MemberKey(rec.UserID) || rec.GuestName != "" {
				t.Fatalf("%s's attendance: %+v (all: %v)", name, rec, byName)
			}
			role, err := a.store.RoleOf(ctx, a.demo.Community.ID, rec.UserID)
			if err != nil || role != convene.RoleMember {
				t.Errorf("%s is %q in the community (%v)", name, role, err)
			}
		}
		tablet := byName["Kitchen Tablet"]
		if tablet == nil || tablet.UserID != 0 {
			t.Fatalf("the tablet: %+v", tablet)
		}

		// A guest without an address in the report is invited from the attendance list.
		list := org.get(base + "/attendance?lang=en").body
		mustContain(t, list, "Invite to claim…", "Email address of Kitchen Tablet")
		invite := base + "/attendance/invite"
		r = org.post(invite, url.Values{"record": {strconv.FormatInt(tablet.ID, 10)}, "email": {"not an address"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.get(r.location+"?lang=en").body, "No invitation sent: enter an email address")
		r = org.post(invite, url.Values{"record": {strconv.FormatInt(tablet.ID, 10)}, "email": {"kitchen@example.org"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.get(r.location+"?lang=en").body, "The invitation to claim this attendance is on its way.")
		claimMailTo(t, a.runJobs(t, box, 3), "kitchen@example.org")
		// A member's record is not a guest's to invite.
		samRec := byName["Sam Osei"]
		wantStatus(t, org.post(invite, url.Values{"record": {strconv.FormatInt(samRec.ID, 10)}, "email": {"x@example.org"}}), http.StatusNotFound)
	})
}
