package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// TestMinutesAndActionItemFollowUps writes minutes for the June 12, 2019 call with an action item
// owned by a member, and follows the item onto the next scheduled call's page until it is done.
func TestMinutesAndActionItemFollowUps(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		slug := a.demo.Community.Slug
		june, err := a.store.Calls(ctx, convene.CallFilter{CommunityID: a.demo.Community.ID,
			From: time.Date(2019, 6, 12, 0, 0, 0, 0, time.UTC), To: time.Date(2019, 6, 13, 0, 0, 0, 0, time.UTC)})
		if err != nil || len(june) != 1 {
			t.Fatalf("June 12 call: %v, %v", june, err)
		}
		callURL := "/c/" + slug + "/calls/" + strconv.FormatInt(june[0].ID, 10)
		rebootURL := "/c/" + slug + "/calls/" + strconv.FormatInt(a.demo.RebootID, 10)

		org := a.client()
		org.signIn()
		annClient, ann := a.signedIn(t, "ann.member@example.org", "Ann Member")
		annProfile := "/c/" + slug + "/people/" + strconv.FormatInt(ann.ID, 10)
		wantStatus(t, org.get(callURL+"/minutes"), http.StatusOK)
		mustContain(t, org.get(callURL).body, callURL+"/minutes")

		// Minutes in Markdown, with a script and a javascript: link that must not survive.
		r := org.post(callURL+"/minutes", url.Values{"summary": {"We met **in person**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"}})
		wantStatus(t, r, http.StatusSeeOther)
		page := a.client().get(callURL).body
		mustContain(t, page, "<strong>in person</strong>")
		mustNotContain(t, page, "<script>alert", "javascript:", "alert(1)")

		// An action item owned by a member; a bad one is refused with nothing stored.
		wantStatus(t, org.post(callURL+"/minutes/actions", url.Values{"what": {""}, "owner": {""}}), http.StatusUnprocessableEntity)
		r = org.post(callURL+"/minutes/actions", url.Values{"what": {"Share the clearinghouse list"}, "owner": {strconv.FormatInt(ann.ID, 10)}, "due": {"2019-11-01"}})
		wantStatus(t, r, http.StatusSeeOther)
		items, err := a.store.ActionItems(ctx, store.ActionFilter{CommunityID: a.demo.Community.ID})
		if err != nil || len(items) != 1 {
			t.Fatalf("action items = %v, %v", items, err)
		}
		item := items[0]

		// It is on its owner's profile.
		mustContain(t, annClient.get(annProfile).body, "Open action items", "Share the clearinghouse list", "from the call of")

		// It is a follow-up on the next scheduled call, the reboot, and in the API without addresses.
		reboot := a.client().get(rebootURL).body
		mustContain(t, reboot, "Follow-ups", "Share the clearinghouse list", "Ann Member")
		// The initiative updates presented at the reboot are part of its record.
		mustContain(t, reboot, "Initiative updates presented", `Re:OpenGov</a>: <span lang="en">Re:OpenGov is launching: the first episodes are recorded.`)
		api := a.client().get("/api/v1/communities/" + slug + "/action-items?status=open")
		wantStatus(t, api, http.StatusOK)
		mustContain(t, api.body, "Share the clearinghouse list", `"owner":"Ann Member"`, `"due":"2019-11-01"`)
		mustNotContain(t, api.body, "ann.member@example.org")
		wantStatus(t, a.client().get("/api/v1/communities/"+slug+"/action-items?status=maybe"), http.StatusUnprocessableEntity)

		// A member who is not the note-taker cannot write minutes; the named note-taker can.
		bob, bobUser := a.signedIn(t, "bob.member@example.org", "Bob Member")
		wantStatus(t, bob.get(callURL+"/minutes"), http.StatusForbidden)
		wantStatus(t, bob.post(callURL+"/minutes", url.Values{"summary": {"Bob's notes"}}), http.StatusForbidden)
		wantStatus(t, bob.post(callURL+"/minutes/note-taker", url.Values{"note_taker": {strconv.FormatInt(bobUser.ID, 10)}}), http.StatusForbidden)
		wantStatus(t, org.post(callURL+"/minutes/note-taker", url.Values{"note_taker": {strconv.FormatInt(bobUser.ID, 10)}}), http.StatusSeeOther)
		wantStatus(t, bob.get(callURL+"/minutes"), http.StatusOK)
		wantStatus(t, bob.post(callURL+"/minutes", url.Values{"summary": {"Bob's notes"}}), http.StatusSeeOther)
		mustContain(t, a.client().get(callURL).body, "Bob&#39;s notes")

		// Marked done, it is no longer followed up.
		wantStatus(t, bob.post(callURL+"/minutes/actions/"+strconv.FormatInt(item.ID, 10)+"/status", url.Values{"status": {"done"}}), http.StatusSeeOther)
		mustNotContain(t, a.client().get(rebootURL).body, "Share the clearinghouse list")
		mustNotContain(t, annClient.get(annProfile).body, "Share the clearinghouse list")
		api = a.client().get("/api/v1/communities/" + slug + "/action-items?status=open")
		mustNotContain(t, api.body, "Share the clearinghouse list")

		// An owner who left keeps the item, shown as a former member.
		wantStatus(t, bob.post(callURL+"/minutes/actions/"+strconv.FormatInt(item.ID, 10)+"/status", url.Values{"status": {"open"}}), http.StatusSeeOther)
		if err := a.store.RemoveMember(ctx, a.demo.Community.ID, ann.ID, false); err != nil {
			t.Fatal(err)
		}
		api = a.client().get("/api/v1/communities/" + slug + "/action-items")
		mustContain(t, api.body, "Share the clearinghouse list", `"owner":"former member"`)
		reboot = a.client().get(rebootURL).body
		mustContain(t, reboot, "Share the clearinghouse list", "former member")
		if strings.Contains(reboot, "Ann Member") {
			t.Fatal("a former member is still named")
		}
	})
}

// TestActionItemsNeedAHeldCall checks minutes cannot be written for a call still to come.
func TestActionItemsNeedAHeldCall(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		rebootURL := "/c/" + a.demo.Community.Slug + "/calls/" + strconv.FormatInt(a.demo.RebootID, 10)
		mustContain(t, org.get(rebootURL+"/minutes").body, "once the call has been held")
		wantStatus(t, org.post(rebootURL+"/minutes", url.Values{"summary": {"Too early"}}), http.StatusUnprocessableEntity)
		wantStatus(t, org.post(rebootURL+"/minutes/actions", url.Values{"what": {"x"}, "owner_name": {"Jean"}}), http.StatusUnprocessableEntity)
	})
}
