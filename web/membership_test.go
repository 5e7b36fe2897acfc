package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/opengovcall/convene/demo"
)

// Removal by an organizer sticks: the person cannot rejoin with one click, nor come back through a
// registration, until an organizer lets them back.
func TestRemovedMembersStayOut(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		troll, u := a.signedIn(t, "troll@example.net", "Disruptive Person")
		members := "/c/" + demo.Slug + "/members"
		wantStatus(t, org.post(fmt.Sprintf("%s/%d/remove", members, u.ID), nil), http.StatusSeeOther)
		r := troll.post("/c/"+demo.Slug+"/join", nil)
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "An organizer removed you from this community")
		call := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, a.demo.RebootID)
		wantStatus(t, troll.post(call+"/register", url.Values{"scope": {"call"}}), http.StatusForbidden)
		if role, _ := a.store.RoleOf(t.Context(), a.demo.Community.ID, u.ID); role != "" {
			t.Fatalf("the removed person is %q again", role)
		}
		page := org.get(members)
		mustContain(t, page.body, "Removed and kept out", "Disruptive Person", fmt.Sprintf("%s/%d/unban", members, u.ID))
		wantStatus(t, org.post(fmt.Sprintf("%s/%d/unban", members, u.ID), nil), http.StatusSeeOther)
		wantStatus(t, troll.post("/c/"+demo.Slug+"/join", nil), http.StatusSeeOther)
		if role, _ := a.store.RoleOf(t.Context(), a.demo.Community.ID, u.ID); role != "member" {
			t.Fatalf("after the ban was lifted the person is %q", role)
		}
	})
}

// A community that approves its members turns joining into a request an organizer answers.
func TestApprovedMembership(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		c := a.demo.Community
		c.ApproveMembers = true
		if err := a.store.UpdateCommunity(t.Context(), c); err != nil {
			t.Fatal(err)
		}
		mustContain(t, org.get("/c/"+demo.Slug+"/edit").body, `name="approve_members" checked`)
		asker, u := a.signedIn(t, "asker@example.net", "Asking Person") // its JoinCommunity only asks now
		r := asker.post("/c/"+demo.Slug+"/join", nil)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, asker.get(r.location).body, "Your request to join was sent")
		if role, _ := a.store.RoleOf(t.Context(), c.ID, u.ID); role != "" {
			t.Fatalf("a request made them %q", role)
		}
		members := "/c/" + demo.Slug + "/members"
		mustContain(t, org.get(members).body, "Asking to join", "Asking Person")
		wantStatus(t, org.post(fmt.Sprintf("%s/%d/approve", members, u.ID), nil), http.StatusSeeOther)
		if role, _ := a.store.RoleOf(t.Context(), c.ID, u.ID); role != "member" {
			t.Fatalf("approved, they are %q", role)
		}
		wantStatus(t, org.post(fmt.Sprintf("%s/%d/approve", members, u.ID), nil), http.StatusNotFound)
		// The profile form says exactly who sees a "members" profile.
		mustContain(t, asker.get("/me").body, "communities that approve members let in only those an organizer accepts")
	})
}
